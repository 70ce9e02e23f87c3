"""The GE gates on small frames: each passes on good data and fails, saying what, on a mutated copy.
No mirror, no build (fast tier)."""

from __future__ import annotations

import pandas as pd

from dagster_project import policy
from dagster_project.checks.ge import run_suite
from expectations.marts import fct_place_spend_suite, place_totals_suite
from expectations.raw import SUITES, expectation_suite

PROV = {"source_id": "ons_myeb3_2018", "source_file": "MYEB3.csv", "sheet": "MYEB3"}


def population_frame(population: float) -> pd.DataFrame:
    rows = [
        {**PROV, "row_number": 2, "area_code": "E06000001", "area_name": "Hartlepool", "mid_year": "2016"},
        {**PROV, "row_number": 3, "area_code": "E06000002", "area_name": "Middlesbrough", "mid_year": "2016"},
    ]
    df = pd.DataFrame(rows)
    df["population"] = [92_000.0, population]
    return df


def raw_gate(df: pd.DataFrame):
    spec = SUITES["ons_district_population"]
    return run_suite(expectation_suite, (spec, set(df.columns)), df)


def test_raw_gate_passes_real_looking_rows_and_fails_a_negative_population():
    assert raw_gate(population_frame(140_000.0)).success
    bad = raw_gate(population_frame(-140_000.0))
    assert not bad.success and any("population" in f for f in bad.failures)


def test_raw_gate_fails_a_repeated_key():
    df = population_frame(140_000.0)
    df.loc[1, "area_code"] = "E06000001"
    out = raw_gate(df)
    assert not out.success and any("area_code" in f for f in out.failures)


def spend_frame(method: str, division: str = "07") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "place_id": "E09000012",
                "financial_year": "2016-17",
                "cofog_division": division,
                "cofog_group": f"{division}.3",
                "sector": "CG",
                "department": "Department of Health",
                "organisation": "NHS England",
                "source_id": "cra_2018",
                "method": method,
                "amount_gbp": 1.0e6,
            }
        ]
    )


def test_marts_gate_takes_methods_and_divisions_from_the_seeds():
    p = policy.load()
    assert run_suite(fct_place_spend_suite, (p,), spend_frame("apportioned_indicator")).success
    unknown = run_suite(fct_place_spend_suite, (p,), spend_frame("guessed"))
    assert not unknown.success and any("method" in f for f in unknown.failures)
    division_11 = run_suite(fct_place_spend_suite, (p,), spend_frame("actual", division="11"))
    assert not division_11.success and any("cofog_division" in f for f in division_11.failures)


def totals_frame(per_head: float) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "place_id": "E09000012",
                "financial_year": "2016-17",
                "population": 270_000.0,
                "total_gbp": per_head * 270_000,
                "per_capita_gbp": per_head,
                "share_actual": 0.2,
                "share_indicator": 0.6,
                "population_only_total_gbp": per_head * 270_000,
            }
        ]
    )


def test_marts_gate_per_head_band_is_the_dbt_var():
    p = policy.load()
    low, high = p.per_head_band
    assert run_suite(place_totals_suite, (p,), totals_frame((low + high) / 2)).success
    assert not run_suite(place_totals_suite, (p,), totals_frame(high + 1)).success
    assert not run_suite(place_totals_suite, (p,), totals_frame(low - 1)).success
