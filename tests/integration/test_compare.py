"""Issue 25 (part 3): `totalplace compare` sets places side by side with their regions and England."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli


def test_hackney_and_camden_2023_24_with_london_and_england(built_warehouse, con):
    proc = run_cli(["compare", "Hackney", "Camden", "--year", "2023-24", "--format", "json"], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [p["name"] for p in out["places"]] == ["Hackney", "Camden"] and out["prices_of"] == "2024-25"
    totals = {
        pid: (cash, real)
        for pid, cash, real in con.execute(
            "SELECT place_id, per_capita_gbp, per_capita_real_gbp FROM marts.place_totals "
            "WHERE financial_year = '2023-24' AND place_id IN ('E09000012', 'E09000007')"
        ).fetchall()
    }
    for p in out["places"]:
        assert (p["per_capita_gbp"], p["per_capita_real_gbp"]) == pytest.approx(totals[p["id"]])
        assert sum(p["per_capita_by_cofog_gbp"].values()) == pytest.approx(p["per_capita_gbp"])
        assert sum(p["per_capita_by_sector_gbp"].values()) == pytest.approx(p["per_capita_gbp"])
    # England and London, independently: the 2023 districts' totals over their populations
    [(england, london)] = con.execute("""
        SELECT sum(t.total_gbp) / sum(t.population),
               sum(t.total_gbp) FILTER (WHERE p.region_code = 'E12000007')
               / sum(t.population) FILTER (WHERE p.region_code = 'E12000007')
        FROM marts.place_totals t JOIN marts.dim_place p USING (place_id)
        WHERE t.financial_year = '2023-24' AND p.is_2023_district""").fetchall()
    assert out["england"]["per_capita_gbp"] == pytest.approx(england) and out["england"]["name"] == "England"
    assert [(r["id"], r["name"]) for r in out["regions"]] == [("E12000007", "London")]
    assert out["regions"][0]["per_capita_gbp"] == pytest.approx(london)
    assert out["england"]["per_capita_real_gbp"] > out["england"]["per_capita_gbp"]  # 2023-24 cash < 2024-25 prices


def test_compare_table_and_csv_and_a_bad_place(built_warehouse):
    table = run_cli(["compare", "Hackney", "Camden", "--year", "2023-24"], built_warehouse["env"]).stdout
    assert "England" in table and "London" in table and "per head (2024-25 prices)" in table
    assert "COFOG 07 Health" in table
    csv_out = run_cli(
        ["compare", "Hackney", "Camden", "--year", "2023-24", "--format", "csv"], built_warehouse["env"]
    ).stdout
    assert csv_out.splitlines()[0] == "financial_year,measure,Hackney,Camden,London,England"
    proc = run_cli(["compare", "Hackney", "Hackny", "--year", "2023-24"], built_warehouse["env"])
    assert proc.returncode == 2 and "unknown place 'Hackny'" in proc.stderr and "Traceback" not in proc.stderr
