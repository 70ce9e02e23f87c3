"""Marts gate: what the published count must look like (GE suites, as code).

The dbt tests check the same marts from the inside (keys, relationships, conservation); these
suites are the last look before publishing, on what an analyst will read. The lists and thresholds
(COFOG divisions, methods, the per-head band) are passed in: their one home is a dbt seed or var,
read by dagster_project/policy.py, and this package imports nothing from dagster_project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # GE is imported where a suite is built (dagster_project/checks/ge.py)
    import great_expectations as gx


def fct_place_spend_suite(policy) -> gx.ExpectationSuite:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    s = gx.ExpectationSuite(name="marts.fct_place_spend")
    for c in (
        "place_id",
        "financial_year",
        "cofog_division",
        "cofog_group",
        "sector",
        "department",
        "organisation",
        "source_id",
        "method",
        "amount_gbp",
    ):
        s.add_expectation(gxe.ExpectColumnToExist(column=c))
    for c in ("place_id", "financial_year", "cofog_division", "sector", "source_id", "method", "amount_gbp"):
        s.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=c))
    s.add_expectation(
        gxe.ExpectColumnValuesToBeInSet(column="cofog_division", value_set=sorted(policy.cofog_divisions))
    )
    s.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="cofog_group", regex=r"^(0[1-9]|10)\.\d$"))
    s.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="sector", value_set=["CG", "LG", "PC"]))
    s.add_expectation(
        gxe.ExpectColumnValuesToBeInSet(
            column="method",
            value_set=sorted(policy.methods),
        )
    )
    s.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="financial_year", regex=r"^20\d\d-\d\d$"))
    return s


def place_totals_suite(policy) -> gx.ExpectationSuite:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    s = gx.ExpectationSuite(name="marts.place_totals")
    s.add_expectation(gxe.ExpectCompoundColumnsToBeUnique(column_list=["place_id", "financial_year"]))
    for c in ("place_id", "financial_year", "population", "total_gbp", "per_capita_gbp", "share_actual"):
        s.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=c))
    s.add_expectation(gxe.ExpectColumnValuesToBeBetween(column="total_gbp", min_value=0))
    s.add_expectation(
        gxe.ExpectColumnValuesToBeBetween(
            column="per_capita_gbp", min_value=policy.per_head_band[0], max_value=policy.per_head_band[1]
        )
    )
    # an authority's own net current expenditure can be below zero (income above spending: West Lancashire
    # returned -£9.3m in RSX 2022-23, central services -£22.6m), so a place's actual share can be a little
    # negative; more than 5% below zero would be a mistake
    s.add_expectation(gxe.ExpectColumnValuesToBeBetween(column="share_actual", min_value=-0.05, max_value=1))
    s.add_expectation(gxe.ExpectColumnValuesToBeBetween(column="share_indicator", min_value=0, max_value=1))
    s.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="population_only_total_gbp"))
    return s


def reconciliation_suite(policy) -> gx.ExpectationSuite:
    """On the CG and PC rows: every published regional figure conserved to under £1,000."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    s = gx.ExpectationSuite(name="marts.reconciliation.cg_pc")
    s.add_expectation(gxe.ExpectColumnValuesToBeBetween(column="difference_gbp", min_value=-1000, max_value=1000))
    return s


SUITES = {
    "fct_place_spend": (fct_place_spend_suite, "SELECT * FROM marts.fct_place_spend"),
    "place_totals": (place_totals_suite, "SELECT * FROM marts.place_totals"),
    "reconciliation": (reconciliation_suite, "SELECT * FROM marts.reconciliation WHERE sector IN ('CG', 'PC')"),
}
