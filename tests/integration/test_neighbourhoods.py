"""Neighbourhood estimates (issue 6) on the warehouse built from the real files."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from conftest import run_dbt


def test_lsoa_rows_add_back_to_every_district_year(con):
    rows = con.execute("""
        WITH d AS (SELECT t.place_id AS lad_code, t.financial_year, t.total_gbp FROM marts.place_totals t
                   JOIN seeds.places p ON p.place_id = t.place_id AND p.place_kind = 'district'),
             l AS (SELECT lad_code, financial_year, sum(amount_gbp) AS gbp, count(DISTINCT lsoa_code) AS n
                   FROM marts.fct_neighbourhood_spend GROUP BY 1, 2)
        SELECT count(*), count(l.gbp), max(abs(l.gbp - d.total_gbp)), sum(l.n)
        FROM d LEFT JOIN l USING (lad_code, financial_year)""").fetchall()
    [(district_years, with_lsoas, worst, lsoa_years)] = rows
    # the 285 districts unchanged since 2018 in 17 years, and the 41 merged since in the years they existed
    assert district_years == 285 * 17 + 533 and with_lsoas == district_years
    assert worst < 1.0
    # every English LSOA, every year: those of a district merged since too, after its merger
    lsoa_years = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT lsoa_code, financial_year FROM marts.fct_neighbourhood_spend)"
    ).fetchone()[0]
    assert lsoa_years == 32844 * 17
    methods = dict(
        con.execute(
            "SELECT lsoa_basis, string_agg(DISTINCT method) FROM marts.fct_neighbourhood_spend GROUP BY 1"
        ).fetchall()
    )
    assert methods == {
        "population": "apportioned_population",
        "population_0_15": "apportioned_indicator",
        "population_60_plus": "apportioned_indicator",
        "health_need": "apportioned_indicator",
    }


def test_imd_rank_carried_and_rollups_add_up(con):
    [(n_null, lo, hi)] = con.execute(
        "SELECT count(*) FILTER (WHERE imd_rank IS NULL), min(imd_rank), max(imd_rank) "
        "FROM marts.fct_neighbourhood_spend"
    ).fetchall()
    assert n_null == 0 and (lo, hi) == (1, 32844)
    [(msoas, msoa_total, ward_total, lsoa_total)] = con.execute("""
        SELECT (SELECT count(DISTINCT msoa_code) FROM marts.fct_msoa_spend),
               (SELECT sum(amount_gbp) FROM marts.fct_msoa_spend WHERE financial_year = '2016-17'),
               (SELECT sum(amount_gbp) FROM marts.fct_ward_spend WHERE financial_year = '2016-17'),
               (SELECT sum(amount_gbp) FROM marts.fct_neighbourhood_spend WHERE financial_year =
                   '2016-17')""").fetchall()
    assert msoas == 6791
    assert msoa_total == pytest.approx(lsoa_total, rel=1e-9) and ward_total == pytest.approx(lsoa_total, rel=1e-9)


def test_a_district_without_lsoa_rows_fails_the_gate(built_warehouse, tmp_path):
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(built_warehouse["warehouse"], broken)
    c = duckdb.connect(str(broken))
    # the LSOA mart is a view over the LSOA shares: take Hackney's LSOAs out of them
    c.execute("DELETE FROM intermediate.int_lsoa_indicator_shares WHERE lad_code = 'E09000012'")
    c.close()
    proc = run_dbt(["test", "--select", "assert_lsoas_add_to_districts"], broken, tmp_path / "t")
    assert proc.returncode != 0
    assert "FAIL 17 assert_lsoas_add_to_districts" in proc.stdout  # Hackney, every one of the 17 years
