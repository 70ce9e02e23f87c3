"""Issue 26: `totalplace trace` follows a figure of the count to its published cells, and the parts add up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import python_calamine
from conftest import run_cli

from dagster_project.trace import get_trace


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_row(path: Path, sheet: str, row_number: int) -> list:
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    )
    return rows[row_number - 1]


def test_hackney_2016_17_health_traced_to_the_cells_of_the_real_workbooks(built_warehouse, con, real, manifest):
    proc = run_cli(
        ["trace", "--place", "Hackney", "--year", "2016-17", "--cofog", "07", "--format", "json"],
        built_warehouse["env"],
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    [(health,)] = con.execute(
        "SELECT sum(amount_gbp) FROM marts.fct_place_spend WHERE place_id = 'E09000012' "
        "AND financial_year = '2016-17' AND cofog_division = '07'"
    ).fetchall()
    parts = out["parts"]
    assert out["total_gbp"] == pytest.approx(health, abs=1.0)
    assert sum(p["amount_gbp"] for p in parts) == pytest.approx(health, abs=1.0)
    assert all(p["source_file"] and p["sheet"] and p["row_number"] for p in parts)
    assert all(p["column_letter"] for p in parts if p["sector"] == "LG" and p["method"] == "actual")
    assert [abs(p["amount_gbp"]) for p in parts] == sorted((abs(p["amount_gbp"]) for p in parts), reverse=True)
    # the first five cells, read back from the published workbooks
    for p in parts[:5]:
        source, path = real(p["source_id"])
        assert path.name == p["source_file"]
        row = _sheet_row(path, p["sheet"], p["row_number"])
        if p["column_letter"]:  # a return line: the cell itself, in £ thousand
            assert float(row[_column_index(p["column_letter"])]) * 1000 == pytest.approx(p["published_gbp"])
        else:  # a CRA row: the department and the year's value are on it
            scale = {"GBP thousand": 1e3, "GBP million": 1e6}[source.units]
            assert p["department"] in [str(c).strip() for c in row]
            numbers = [float(c) * scale for c in row if isinstance(c, int | float)]
            assert any(abs(n - p["published_gbp"]) < 1.0 for n in numbers), (p, row)
        assert p["amount_gbp"] == pytest.approx(p["published_gbp"] * p["share"])
    cg = [p for p in parts if p["sector"] == "CG"]
    assert cg and all(p["indicator_id"] and p["key_district"] and p["key_region"] for p in cg)
    assert {"indicator_rule", "conservation_rule"} <= set(cg[0]["rules"])


@pytest.mark.parametrize("place,year", [("tp_kent", "2008-09"), ("E06000063", "2024-25"), ("E09000012", "2019-20")])
def test_every_part_of_a_whole_count_adds_to_it_and_names_its_cell_or_rule(built_warehouse, place, year):
    trace = get_trace(built_warehouse["warehouse"], place, year)
    assert sum(p.amount_gbp for p in trace.parts) == pytest.approx(trace.total_gbp, abs=1.0)
    for p in trace.parts:
        assert p.source_file or p.method in ("imputed_not_submitted", "actual_return", "transfer_removed"), p
        assert p.rules


def test_trace_errors_are_one_line(built_warehouse):
    for args, text in (
        (["--cofog", "7"], "give a COFOG division (07) or group (07.3)"),
        (["--sector", "XX"], "give CG, LG or PC"),
    ):
        proc = run_cli(["trace", "--place", "Hackney", "--year", "2016-17", *args], built_warehouse["env"])
        assert proc.returncode == 2 and text in proc.stderr and "Traceback" not in proc.stderr
