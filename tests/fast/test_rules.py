"""The policies as data: each list or threshold has one home (a seed or a dbt var), and what the
models write stays inside it. No mirror, no build (fast tier)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

from dagster_project import policy
from dagster_project.report import METHODS
from dagster_project.returns.layout import COFOG_DIVISIONS

ROOT = Path(__file__).resolve().parents[2]
DBT = ROOT / "dbt"


def sql_files() -> list[Path]:
    return sorted((DBT / "models").rglob("*.sql")) + sorted((DBT / "macros").rglob("*.sql"))


def test_every_method_a_model_writes_is_in_the_methods_seed():
    written = set()
    for p in sql_files():
        text = p.read_text()
        # the method vocabulary: 'actual...', 'apportioned_...', 'imputed_...', 'transfer_...' literals
        written |= set(re.findall(r"'((?:actual|apportioned|imputed|transfer)[a-z_]*)'", text))
    assert written, "no method literal found in the models: the pattern above is stale"
    missing = written - set(policy.load().methods)
    assert not missing, f"methods missing from seeds/methods.csv: {missing}"


def test_share_actual_and_share_indicator_read_their_methods_from_the_seed():
    p = policy.load()
    assert p.methods_with_basis("actual") == ("actual", "actual_return")
    assert p.methods_with_basis("indicator") == ("apportioned_indicator", "apportioned_funder_allocation")
    text = (DBT / "models" / "marts" / "place_totals.sql").read_text()
    assert "ref('methods')" in text and "'actual_return'" not in text


def test_the_report_labels_every_method_from_the_seed():
    assert policy.load().methods == METHODS and all(METHODS.values())


def test_counted_treatments_come_from_the_seed_and_exist_in_the_crosswalk():
    counted = policy.load().counted_treatments
    assert counted == ("service", "housing_benefit", "parish_precept")
    with open(ROOT / "seeds" / "cipfa_to_cofog.csv", newline="", encoding="utf-8") as fh:
        used = {r["treatment"] for r in csv.DictReader(fh)}
    assert set(counted) <= used
    # no model or test spells the list out again
    for p in [*sql_files(), *sorted((DBT / "tests").rglob("*.sql"))]:
        assert "'housing_benefit', 'parish_precept'" not in p.read_text(), p


def test_cofog_divisions_have_one_home():
    divisions = policy.load().cofog_divisions
    assert list(divisions) == [f"{i:02d}" for i in range(1, 11)] and divisions == COFOG_DIVISIONS
    for p in sorted((DBT / "models").rglob("*.yml")):
        assert "- '09'" not in p.read_text(), f"{p} lists the COFOG divisions again"


def test_the_per_head_band_is_a_dbt_var_read_by_the_gate_and_the_test():
    dbt_vars = yaml.safe_load((DBT / "dbt_project.yml").read_text())["vars"]
    assert policy.load().per_head_band == (dbt_vars["per_head_min_gbp"], dbt_vars["per_head_max_gbp"])
    test_sql = (DBT / "tests" / "singular" / "assert_place_totals_plausible.sql").read_text()
    assert "var('per_head_min_gbp')" in test_sql and "3000" not in test_sql


def test_expectations_import_nothing_from_dagster_project():
    for p in sorted((ROOT / "expectations").glob("*.py")):
        assert not re.search(r"^\s*(from|import) dagster_project", p.read_text(), re.M), p


def test_every_notebook_is_a_dbt_exposure_on_marts():
    exposures = yaml.safe_load((DBT / "models" / "exposures.yml").read_text())["exposures"]
    urls = {e.get("url") for e in exposures}
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{nb.name}" in urls, f"{nb.name} is not declared in dbt/models/exposures.yml"
    for e in exposures:
        assert not any("source(" in d for d in e["depends_on"]), f"exposure {e['name']} reads a source"


def test_every_raw_table_of_the_manifest_has_its_column_types_declared_once():
    """The writer types raw columns from the dbt sources (no list of numeric names in Python): every
    raw table the manifest loads is declared by one publisher's sources, with a type on each column."""
    from dagster_project.manifest import load_manifest
    from dagster_project.warehouse import declared_types, frame

    declared = declared_types()
    tables = {s.raw_table.removeprefix("raw.") for s in load_manifest()}
    assert tables <= set(declared), f"raw tables without a source declaration: {tables - set(declared)}"
    assert declared["cra"]["value"] == "double" and declared["revenue_outturn_rs"]["row_number"] == "bigint"
    df = frame([{"row_number": "7", "value": "1.5", "region": "London", "extra": 3}], declared["cra"])
    assert [str(t) for t in df.dtypes] == ["Int64", "float64", "string", "string"]


def test_the_years_a_return_may_name_are_the_count_years_of_the_dbt_vars():
    dbt_vars = yaml.safe_load((DBT / "dbt_project.yml").read_text())["vars"]
    years = sorted(policy.load().count_years)
    assert years[0] == f"{dbt_vars['first_count_year']}-{(dbt_vars['first_count_year'] + 1) % 100:02d}"
    assert years[-1] == f"{dbt_vars['last_count_year']}-{(dbt_vars['last_count_year'] + 1) % 100:02d}"
    assert len(years) == dbt_vars["last_count_year"] - dbt_vars["first_count_year"] + 1
