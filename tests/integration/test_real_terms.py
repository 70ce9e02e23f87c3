"""Issue 25 (part 1): real terms from ONS's GDP deflator, computed here from the file's quarters."""

from __future__ import annotations

import csv
import json

import pytest


def _financial_year_deflators(path) -> dict[str, float]:
    """Each financial year's deflator from the CSV itself: the mean of its quarters Q2, Q3, Q4 and next Q1."""
    quarters: dict[tuple[int, int], float] = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for row in csv.reader(fh):
            if row and len(row[0]) == 7 and row[0][4:6] == " Q":
                quarters[int(row[0][:4]), int(row[0][-1])] = float(row[1])
    years = {}
    for y in range(1955, 2030):
        four = [quarters.get((y, 2)), quarters.get((y, 3)), quarters.get((y, 4)), quarters.get((y + 1, 1))]
        if None not in four:
            years[f"{y}-{(y + 1) % 100:02d}"] = sum(four) / 4
    return years


def test_hackney_2008_09_real_per_head_is_cash_times_the_deflator_ratio(con, real):
    _, path = real("ons_gdp_deflator")
    deflators = _financial_year_deflators(path)
    [(cash, real_per_head, total, total_real)] = con.execute(
        "SELECT per_capita_gbp, per_capita_real_gbp, total_gbp, total_real_gbp FROM marts.place_totals "
        "WHERE place_id = 'E09000012' AND financial_year = '2008-09'"
    ).fetchall()
    ratio = deflators["2024-25"] / deflators["2008-09"]
    assert ratio == pytest.approx(1.4919, abs=1e-4)  # prices rose 49% between them
    assert real_per_head == pytest.approx(cash * ratio, rel=1e-12)
    assert total_real == pytest.approx(total * ratio, rel=1e-12)


def test_every_count_year_has_its_deflator_and_the_base_year_is_cash(con, real):
    _, path = real("ons_gdp_deflator")
    deflators = _financial_year_deflators(path)
    rows = con.execute(
        "SELECT financial_year, gdp_deflator, real_terms_factor FROM marts.dim_financial_year"
    ).fetchall()
    assert {y: d for y, d, _ in rows} == pytest.approx(deflators)
    assert con.execute("SELECT count(*) FROM marts.place_totals WHERE total_real_gbp IS NULL").fetchone()[0] == 0
    [(n,)] = con.execute(
        "SELECT count(*) FROM marts.place_totals WHERE financial_year = '2024-25' AND total_real_gbp <> total_gbp"
    ).fetchall()
    assert n == 0


def test_count_real_shows_real_terms_with_the_cash_beside(built_warehouse, con):
    from conftest import run_cli

    [(cash, real_total, real_per_head)] = con.execute(
        "SELECT total_gbp, total_real_gbp, per_capita_real_gbp FROM marts.place_totals "
        "WHERE place_id = 'E09000012' AND financial_year = '2008-09'"
    ).fetchall()
    proc = run_cli(["count", "--place", "Hackney", "--year", "2008-09", "--real"], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr
    headline = next(line for line in proc.stdout.splitlines() if "total identifiable public spending" in line)
    assert f"£{real_total / 1e6:,.1f} million in 2024-25 prices, likely £" in headline
    assert headline.endswith(f"(cash: £{cash / 1e6:,.1f} million)")
    assert f"£{real_per_head:,.0f} in 2024-25 prices" in proc.stdout and "£ million, 2024-25 prices" in proc.stdout
    plain = run_cli(["count", "--place", "Hackney", "--year", "2008-09"], built_warehouse["env"]).stdout
    assert "(cash, 2008-09 prices; --real for real terms)" in plain
    out = json.loads(
        run_cli(["count", "--place", "Hackney", "--year", "2008-09", "--format", "json"], built_warehouse["env"]).stdout
    )
    assert out["total_real_gbp"] == pytest.approx(real_total) and out["prices_of"] == "2024-25"
