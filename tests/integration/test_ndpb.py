"""Issue 5, NDPB extracts, on the warehouse built from the real files: bodies linked through the
reviewed crosswalk, exclusion rules applied, NDPB spending labelled and never added, the directory
reconciled against CRA 2018, and the region report."""

from __future__ import annotations

import csv

import pytest
from conftest import ROOT, run_cli


def test_labelling_bodies_adds_nothing_to_any_place(con):
    diff = con.execute("""
        SELECT max(abs(b.total - f.total)) FROM
          (SELECT place_id, financial_year, sum(amount_gbp) AS total FROM marts.place_spend_by_body GROUP BY ALL) b
        JOIN (SELECT place_id, financial_year, sum(amount_gbp) AS total FROM marts.fct_place_spend GROUP BY ALL) f
        USING (place_id, financial_year)""").fetchone()[0]
    n = con.execute("SELECT count(DISTINCT (place_id, financial_year)) FROM marts.place_spend_by_body").fetchone()[0]
    assert diff < 0.01 and n == con.execute("SELECT count(*) FROM marts.place_totals").fetchone()[0]
    kinds = dict(
        con.execute(
            "SELECT body_kind, sum(amount_gbp) FROM marts.place_spend_by_body WHERE place_id = 'E09000012' "
            "AND financial_year = '2014-15' GROUP BY 1"
        ).fetchall()
    )
    assert kinds["NDPB"] > 50e6 and kinds["local government"] > 800e6


def test_exclusion_rules_take_out_advisory_tribunal_and_overseas_bodies(con):
    excluded = dict(
        con.execute("SELECT excluded_by, count(*) FROM intermediate.int_public_bodies_linked GROUP BY 1").fetchall()
    )
    assert excluded["advisory"] > 300 and excluded["tribunal"] >= 50
    assert excluded.get("foreign_affairs", 0) + excluded.get("international_development", 0) > 0
    counted = con.execute("SELECT DISTINCT classification, cra_department FROM marts.ndpb_reconciliation").fetchall()
    assert not [c for c in counted if c[0] in ("Advisory NDPB", "Tribunal NDPB", "Other NDPB")]
    assert not [
        c for c in counted if c[1] in ("Foreign and Commonwealth Office", "Department for International Development")
    ]
    assert (
        con.execute(
            "SELECT count(*) FROM marts.place_spend_by_body WHERE is_ndpb AND excluded_by IS NOT NULL"
        ).fetchone()[0]
        == 0
    )


def test_directory_reconciled_against_cra_with_provenance(con):
    years = [
        y for (y,) in con.execute("SELECT DISTINCT financial_year FROM marts.ndpb_reconciliation ORDER BY 1").fetchall()
    ]
    assert years == ["2013-14", "2014-15"]  # the years both the directories and CRA 2018 cover
    ea = con.execute("""SELECT directory_gross_gbp, cra_total_gbp, difference_gbp, source_file, row_number
                        FROM marts.ndpb_reconciliation WHERE body_name = 'Environment Agency' AND financial_year =
                            '2014-15'""").fetchone()
    assert ea[0] == 1_295_000_000 and ea[1] > 0 and ea[2] == pytest.approx(ea[1] - ea[0])
    assert ea[3] == "public_bodies_2015.csv" and ea[4] > 1
    share = con.execute(
        "SELECT matched_share FROM marts.ndpb_region_coverage WHERE region_code = 'E12000007' "
        "AND financial_year = '2014-15'"
    ).fetchone()[0]
    assert 0.1 < share < 0.9


def test_crosswalk_rows_name_real_cra_organisations(con):
    with open(ROOT / "seeds" / "ndpb_crosswalk.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["cra_organisation"]]
    cra = set(
        con.execute(
            "SELECT DISTINCT department, coalesce(organisation, department) FROM staging.stg_hmt__cra "
            "WHERE source_id = 'cra_2018'"
        ).fetchall()
    )
    assert len(rows) > 100
    assert [r["body_name"] for r in rows if (r["cra_department"], r["cra_organisation"]) not in cra] == []


def test_ndpb_report_for_a_region_year(built_warehouse, con):
    proc = run_cli(["ndpb", "--region", "London", "--year", "2014-15"], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr
    share = con.execute(
        "SELECT matched_share FROM marts.ndpb_region_coverage WHERE region_code = 'E12000007' "
        "AND financial_year = '2014-15'"
    ).fetchone()[0]
    assert f"= {share:.1%} (" in proc.stdout
    assert "NHS Commissioning Board (NHS England)" in proc.stdout
    assert "Directory bodies (counted) with no CRA 2018 line:" in proc.stdout
    bad = run_cli(["ndpb", "--region", "Londn", "--year", "2014-15"], built_warehouse["env"])
    assert bad.returncode == 2 and "unknown English region 'Londn'; close matches: London" in bad.stderr
