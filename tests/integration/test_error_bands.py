"""Issue 23 (part 4): every count with its measured error band."""

from __future__ import annotations

import json
import math
import re

import pytest
from conftest import run_cli


def test_every_place_year_has_a_band_that_holds_its_total(con):
    [(rows, bad, no_band)] = con.execute("""
        SELECT count(*),
               count(*) FILTER (WHERE NOT (total_low_gbp <= total_gbp AND total_gbp <= total_high_gbp
                                           AND per_capita_low_gbp <= per_capita_gbp
                                           AND per_capita_gbp <= per_capita_high_gbp)),
               count(*) FILTER (WHERE total_low_gbp IS NULL OR total_high_gbp IS NULL)
        FROM marts.place_totals""").fetchall()
    assert rows > 5000 and bad == 0 and no_band == 0
    # and the band is not zero: every place has money placed by a proxy
    assert con.execute("SELECT min(band_share) FROM marts.place_totals").fetchone()[0] > 0.005


def test_hackney_2024_25_band_recomputed_from_the_spend_and_the_measured_errors(con):
    """Each method's money times its measured 90th-percentile error (method_accuracy, as seed error_bands
    says), linear within an indicator, in quadrature across them."""
    rules = con.execute(
        "SELECT method, indicator_id, measured_method, measured_indicator, measured_stream, "
        "measured_comparator FROM seeds.error_bands"
    ).fetchall()
    p90 = {
        (m, i, s, c): v
        for m, i, s, c, v in con.execute(
            "SELECT method, indicator, spending_stream, comparator, p90_abs_error FROM marts.method_accuracy "
            "WHERE financial_year = '2024-25'"
        ).fetchall()
    }

    def error(method, indicator):
        own = [r for r in rules if r[0] == method and r[1] == indicator]
        star = [r for r in rules if r[0] == method and r[1] == "*"]
        bare = [r for r in rules if r[0] == method and r[1] is None]
        [rule] = (own or star or bare)[:1]
        return 0.0 if rule[2] is None else p90[rule[2:]]

    parts = con.execute("""
        SELECT method, indicator_id, sum(amount_gbp) FROM marts.fct_place_spend
        WHERE place_id = 'E09000012' AND financial_year = '2024-25' GROUP BY ALL""").fetchall()
    band = math.sqrt(sum((abs(a) * error(m, i)) ** 2 for m, i, a in parts))
    [(total, low, high)] = con.execute("""
        SELECT total_gbp, total_low_gbp, total_high_gbp FROM marts.place_totals
        WHERE place_id = 'E09000012' AND financial_year = '2024-25'""").fetchall()
    assert band > 0.03 * total
    assert low == pytest.approx(total - band, rel=1e-9) and high == pytest.approx(total + band, rel=1e-9)


def test_band_is_wider_where_head_count_places_the_money_than_where_returns_do(con):
    """Among the 2023 districts of one year, the place with the most money shared by head count has a wider band
    (as a share of its total) than the one with the most from its own returns."""
    rows = con.execute("""
        WITH mix AS (
            SELECT place_id, financial_year,
                   sum(amount_gbp) FILTER (WHERE method = 'apportioned_population') / sum(amount_gbp) AS by_head,
                   sum(amount_gbp) FILTER (WHERE method = 'actual') / sum(amount_gbp) AS by_returns
            FROM marts.fct_place_spend GROUP BY ALL)
        SELECT t.place_name, t.financial_year, mix.by_head, mix.by_returns, t.band_share
        FROM marts.place_totals t JOIN mix USING (place_id, financial_year) JOIN marts.dim_place d USING (place_id)
        WHERE d.is_2023_district AND t.financial_year = '2024-25'""").df()
    head_heavy = rows.loc[rows.by_head.idxmax()]
    returns_heavy = rows.loc[rows.by_returns.idxmax()]
    assert head_heavy.place_name != returns_heavy.place_name
    assert head_heavy.band_share > returns_heavy.band_share
    # and across all of them, more from returns means a narrower band
    assert rows.by_returns.corr(rows.band_share) < -0.5


def test_every_method_of_the_count_carries_its_measured_error(con):
    rates = con.execute(
        "SELECT method, indicator_id, financial_year, error_rate, measured_financial_year FROM marts.method_error_rates"
    ).df()
    own = rates[rates.method.isin(["actual", "actual_return", "transfer_removed"])]
    assert (own.error_rate == 0).all() and len(own) == 3 * 17
    # head count carries its own year's error against the councils' returns, every year
    head = rates[rates.method == "apportioned_population"]
    assert len(head) == 17 and (head.measured_financial_year == head.financial_year).all()
    assert ((head.error_rate > 0.1) & (head.error_rate < 0.4)).all()
    # health's estimate before the allocations takes the nearest year measured (2021-22)
    early = rates[(rates.indicator_id == "health_need_weighted_population") & (rates.financial_year == "2015-16")]
    assert early.measured_financial_year.tolist() == ["2021-22"]
    # every place-year's money found its error
    assert con.execute("SELECT count(*) FROM marts.place_error_bands WHERE error_rate IS NULL").fetchone()[0] == 0


def test_count_prints_the_band_and_each_methods_measured_error(built_warehouse, con):
    [(low, high)] = con.execute("""SELECT total_low_gbp, total_high_gbp FROM marts.place_totals
        WHERE place_id = 'E09000012' AND financial_year = '2024-25'""").fetchall()
    proc = run_cli(["count", "--place", "Hackney", "--year", "2024-25"], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr
    headline = next(line for line in proc.stdout.splitlines() if "total identifiable public spending" in line)
    assert f"likely £{low / 1e6:,.1f}–£{high / 1e6:,.1f} million" in headline
    funder = next(line for line in proc.stdout.splitlines() if "NHS England" in line)
    assert re.search(r"±\d+% measured error", funder)

    by_method = run_cli(["count", "--place", "Hackney", "--year", "2024-25", "--by", "method"], built_warehouse["env"])
    assert by_method.returncode == 0, by_method.stderr
    assert "measured error" in by_method.stdout
    [(p90,)] = con.execute("""SELECT p90_abs_error FROM marts.method_accuracy WHERE method = 'apportioned_population'
        AND spending_stream LIKE 'LG current%' AND financial_year = '2024-25'""").fetchall()
    head = next(line for line in by_method.stdout.splitlines() if line.strip().startswith("apportioned_population"))
    assert head.rstrip().endswith(f"±{p90:.1%}")
    assert "apportioned_population: local government current spending against the councils' own returns, 2024-25" in (
        by_method.stdout
    )

    as_json = json.loads(
        run_cli(["count", "--place", "Hackney", "--year", "2024-25", "--format", "json"], built_warehouse["env"]).stdout
    )
    assert as_json["total_low_gbp"] == pytest.approx(low) and as_json["total_high_gbp"] == pytest.approx(high)
