"""dbt's unit tests (dbt/models/intermediate/_intermediate__unit_tests.yml: the apportionment, group
split, vintage, indicator and return rules on a few hand-made rows) run without the real files: the
raw schema is created empty from the sources' declared columns and types, the models are built
with --empty, and the unit tests run on their own fixtures (fast tier)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import run_dbt

from dagster_project.warehouse import declared_types

ROOT = Path(__file__).resolve().parents[2]
DBT_DIR = ROOT / "dbt"


def create_empty_raw_schema(warehouse: Path) -> int:
    """Every source table, empty, with the columns and types its YAML declares (as the loader types them)."""
    tables = declared_types()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        for table, columns in tables.items():
            cols = ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
            con.execute(f"CREATE TABLE raw.{table} ({cols})")
    return len(tables)


@pytest.fixture(scope="module")
def unit_results(tmp_path_factory):
    base = tmp_path_factory.mktemp("dbt_unit")
    warehouse, target = base / "empty.duckdb", base / "target"
    assert create_empty_raw_schema(warehouse) >= 20
    built = run_dbt(
        ["build", "--empty", "--select", "+test_type:unit", "--exclude-resource-type", "test", "unit_test"],
        warehouse,
        target,
    )
    assert built.returncode == 0, built.stdout[-3000:]
    tested = run_dbt(["test", "--select", "test_type:unit"], warehouse, target)
    results = json.loads((target / "run_results.json").read_text())["results"]
    return tested, {r["unique_id"].split(".")[-1]: r["status"] for r in results}


def test_every_unit_test_declared_runs_and_passes(unit_results):
    tested, status = unit_results
    declared = {
        u["name"]
        for p in (DBT_DIR / "models").rglob("*.yml")
        for u in (yaml.safe_load(p.read_text()) or {}).get("unit_tests", [])
    }
    assert declared and set(status) == declared
    assert tested.returncode == 0 and set(status.values()) == {"pass"}, tested.stdout[-3000:]
