"""Partner returns: what every line of a filled local spend return must satisfy before it is counted.

Known place, financial year, body (for that year) and COFOG division; a figure that is a number and
not negative; a funding source that is empty (the body's own resources) or a body known for that
year; one line per place, year, body, funding source and division. Each expectation carries in its meta the sentence
shown to the partner when a line breaks it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # GE is imported where a suite is built (dagster_project/checks/ge.py)
    import great_expectations as gx


def returns_suite(catalogue, known_funders: set[str], cofog_divisions: list[str]) -> gx.ExpectationSuite:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name="partner_returns")
    body_keys = sorted({f"{y}|{s}|{d}|{o}" for y, s, d, o in catalogue.bodies})
    for exp in [
        gxe.ExpectColumnValuesToBeInSet(
            column="place_id",
            value_set=sorted(catalogue.places),
            meta={"problem": "unknown place (use a place id from seeds/places.csv)"},
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="financial_year",
            value_set=sorted(catalogue.years),
            meta={"problem": "financial year outside the count"},
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="cofog_division",
            value_set=sorted(cofog_divisions),
            meta={"problem": "not a COFOG division (01 to 10)"},
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="body_key", value_set=body_keys, meta={"problem": "body not known to the count for that year"}
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="own_figure_gbp", meta={"problem": "figure missing"}),
        gxe.ExpectColumnValuesToBeBetween(
            column="own_figure_gbp",
            min_value=0,
            meta={"problem": "negative amount (a return gives spending as a positive figure)"},
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="funding_key",
            value_set=sorted(known_funders),
            meta={"problem": "funding source not in the list of bodies"},
        ),
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=[
                "place_id",
                "financial_year",
                "sector",
                "department",
                "organisation",
                "funding_source",
                "cofog_division",
            ],
            meta={"problem": "duplicated line (the same body, funding source and COFOG division more than once)"},
        ),
    ]:
        suite.add_expectation(exp)
    return suite
