"""The count (issue 3) on the warehouse built from the real files: conservation, the London identity,
multi-district places, the 2009 reorganisation, the CLI, and the documentation of every model."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PLACE_YEARS, run_cli, run_dbt

from dagster_project import policy

YEARS = [f"{y}-{str(y + 1)[2:]}" for y in range(2008, 2025)]
# the crosswalk treatments that are counted: seed treatments, their one home
COUNTED = "(" + ", ".join(f"'{t}'" for t in policy.load().counted_treatments) + ")"


def test_cg_and_pc_conserved_in_every_region_year(con):
    rows = con.execute(
        "SELECT region_code, financial_year, sector, difference_gbp FROM marts.reconciliation "
        "WHERE sector IN ('CG', 'PC')"
    ).fetchall()
    assert {(r, y) for r, y, s, _ in rows if s == "CG"} == {(f"E1200000{i}", y) for i in range(1, 10) for y in YEARS}
    worst = max(abs(d) for *_, d in rows)
    assert worst < 1000, f"largest CG/PC difference £{worst:,.2f}"


def test_london_lg_is_the_london_returns_minus_transfers(con):
    [(allocated,)] = con.execute("""
        SELECT sum(l.amount_gbp) FROM intermediate.int_lg_current_apportioned l
        JOIN intermediate.int_districts_described d USING (lad_code)
        WHERE d.region_code = 'E12000007' AND l.financial_year = '2016-17' AND l.ecode <> 'E6803'""").fetchall()
    # independently from the raw returns: boroughs, City, GLA and the London waste authorities,
    # counted lines only (levies they pay each other are transfers and are left out)
    london_bodies = (
        "(SELECT ecode FROM raw.revenue_outturn_rs WHERE authority_class = 'L') "
        "UNION SELECT unnest(['E5100', 'E6201', 'E6205', 'E6206', 'E6207'])"
    )
    [(returns, levies)] = con.execute(f"""
        SELECT sum(r.value_gbp_thousand * 1000) FILTER (WHERE c.treatment IN {COUNTED}),
               sum(r.value_gbp_thousand * 1000) FILTER (WHERE c.treatment = 'transfer_out')
        FROM raw.revenue_outturn_rs r
        JOIN seeds.cipfa_to_cofog c ON c.line_label = lower(regexp_replace(trim(r.line_label), '\\s+', ' ', 'g'))
        WHERE r.financial_year = '2016-17' AND r.measure = 'net_current_expenditure' AND r.ecode IN
            ({london_bodies})""").fetchall()
    assert allocated == pytest.approx(returns, abs=1.0)
    assert levies > 10e6  # London bodies paid £57m of levies in 2016-17: really removed, not counted twice
    # Lee Valley Regional Park (London, Essex, Hertfordshire) is conserved over all its districts
    [(lv_alloc,)] = con.execute(
        "SELECT sum(amount_gbp) FROM intermediate.int_lg_current_apportioned "
        "WHERE ecode = 'E6803' AND financial_year = '2016-17'"
    ).fetchall()
    [(lv_raw,)] = con.execute(f"""SELECT sum(r.value_gbp_thousand * 1000) FROM raw.revenue_outturn_rs r
        JOIN seeds.cipfa_to_cofog c ON c.line_label = lower(regexp_replace(trim(r.line_label), '\\s+', ' ', 'g'))
        WHERE r.ecode = 'E6803' AND r.financial_year = '2016-17' AND r.measure = 'net_current_expenditure'
          AND c.treatment IN {COUNTED}""").fetchall()
    assert lv_alloc == pytest.approx(lv_raw, abs=1.0)


PILOT_SIZES = {  # districts per named place, as the issue defines them
    "tp_birmingham": 1,
    "tp_bradford": 1,
    "tp_coventry_solihull_warwickshire": 7,
    "tp_croydon": 1,
    "tp_bournemouth_dorset_poole": 8,
    "tp_durham": 1,
    "tp_kent": 12,
    "tp_leicester_leicestershire": 8,
    "tp_lewisham": 1,
    "tp_luton_central_bedfordshire": 2,
    "tp_manchester_city_region_warrington": 11,
    "tp_gateshead_south_tyneside_sunderland": 3,
    "tp_worcestershire": 6,
    "cb_greater_manchester": 10,
    "cb_west_cheshire": 1,
    "cb_essex": 12,
    "cb_west_london_triborough": 3,
}


def test_named_places_have_their_districts(con):
    sizes = dict(
        con.execute(
            "SELECT place_id, count(*) FROM seeds.place_districts "
            "WHERE place_id LIKE 'tp_%' OR place_id LIKE 'cb_%' GROUP BY 1"
        ).fetchall()
    )
    assert sizes == PILOT_SIZES
    assert con.execute("SELECT count(*) FROM seeds.places WHERE place_kind = 'district'").fetchone()[0] == 326


def test_every_multi_district_place_is_the_sum_of_its_districts(con):
    bad = con.execute("""
        WITH districts AS (
            SELECT m.place_id, t.financial_year, sum(t.total_gbp) AS total, sum(t.population) AS population,
                   count(*) = any_value(n.members) AS every_district_published
            FROM seeds.place_districts m JOIN marts.place_totals t ON t.place_id = m.lad_code
            JOIN (SELECT place_id, count(*) AS members FROM seeds.place_districts GROUP BY 1) n ON n.place_id =
                m.place_id
            WHERE m.place_id <> m.lad_code GROUP BY ALL)
        SELECT p.place_id, p.financial_year, p.total_gbp, d.total FROM marts.place_totals p
        JOIN districts d USING (place_id, financial_year)
        WHERE d.every_district_published AND (abs(p.total_gbp - d.total) > 1 OR abs(p.population - d.population) >
            0.5)""").fetchall()
    assert bad == []
    # the places made of districts merged since are checked in every year their districts were published
    checked = con.execute("""SELECT count(*) FROM marts.place_totals t JOIN seeds.places p USING (place_id)
                             WHERE p.place_kind = 'district_2023'""").fetchone()[0]
    assert checked == 11 * 17
    n = con.execute(
        "SELECT count(DISTINCT place_id) FROM marts.place_totals WHERE place_id LIKE 'tp_%' OR place_id LIKE 'cb_%'"
    ).fetchone()[0]
    assert n == 17


@pytest.mark.parametrize(
    "place,old_ecodes",
    [
        ("tp_durham", ["E1321", "E1331", "E1333", "E1334", "E1335", "E1336", "E1337", "E1338"]),
        ("tp_luton_central_bedfordshire", ["E0233", "E0234"]),  # Mid and South Bedfordshire; Luton is its own UA
    ],
)
def test_2008_09_count_for_places_reorganised_in_2009(con, place, old_ecodes):
    [(total, per_head)] = con.execute(
        "SELECT total_gbp, per_capita_gbp FROM marts.place_totals WHERE place_id = ? AND financial_year = '2008-09'",
        [place],
    ).fetchall()
    assert total > 0 and 3000 < per_head < 20000
    codes = ", ".join(f"'{e}'" for e in old_ecodes)
    [(from_old,)] = con.execute(f"""SELECT sum(amount_gbp) FROM intermediate.int_lg_current_apportioned
        WHERE financial_year = '2008-09' AND ecode IN ({codes})""").fetchall()
    [(raw_old,)] = con.execute(f"""SELECT sum(r.value_gbp_thousand * 1000) FROM raw.revenue_outturn_rs r
        JOIN seeds.cipfa_to_cofog c ON c.line_label = lower(regexp_replace(trim(r.line_label), '\\s+', ' ', 'g'))
        WHERE r.financial_year = '2008-09' AND r.measure = 'net_current_expenditure' AND r.ecode IN ({codes})
          AND c.treatment IN {COUNTED}""").fetchall()
    assert from_old == pytest.approx(raw_old, abs=1.0) and raw_old > 100e6
    # Bedfordshire county council (abolished 2009) is shared between Bedford and Central Bedfordshire
    if place == "tp_luton_central_bedfordshire":
        shares = dict(
            con.execute(
                "SELECT lad_code, sum(amount_gbp) FROM intermediate.int_lg_current_apportioned "
                "WHERE ecode = 'E0221' AND financial_year = '2008-09' GROUP BY 1"
            ).fetchall()
        )
        assert set(shares) == {"E06000055", "E06000056"}


def test_every_place_has_every_year(con):
    assert con.execute("SELECT count(*) FROM marts.place_totals").fetchone()[0] == PLACE_YEARS
    assert (
        con.execute("SELECT count(*) FROM marts.place_totals WHERE total_gbp IS NULL OR total_gbp <= 0").fetchone()[0]
        == 0
    )


def test_count_cli_json_matches_the_marts(built_warehouse, con):
    proc = run_cli(
        ["count", "--place", "E09000012", "--year", "2016-17", "--by", "sector", "--format", "json"],
        built_warehouse["env"],
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    [(total, pop)] = con.execute(
        "SELECT total_gbp, population FROM marts.place_totals WHERE place_id = 'E09000012' "
        "AND financial_year = '2016-17'"
    ).fetchall()
    assert out["total_gbp"] == pytest.approx(total) and out["population"] == pop
    assert out["per_capita_gbp"] == pytest.approx(total / pop)
    assert {b["sector"] for b in out["breakdown"]} == {"CG", "LG", "PC"}
    assert sum(b["amount_gbp"] for b in out["breakdown"]) == pytest.approx(total)


def test_count_cli_unknown_place_lists_close_matches(built_warehouse):
    proc = run_cli(["count", "--place", "hackny", "--year", "2016-17"], built_warehouse["env"])
    assert proc.returncode == 2
    assert "unknown place 'hackny'" in proc.stderr
    assert proc.stderr.split("closest: ")[1].startswith("E09000012 (Hackney)")  # the best match first
    proc = run_cli(["count", "--place", "tp_kent", "--year", "2025-26"], built_warehouse["env"])
    assert proc.returncode == 2 and "the count covers 2008-09 to 2024-25" in proc.stderr


@pytest.mark.parametrize(
    "place,year,place_id",
    [
        ("Kent", "2016-17", "tp_kent"),
        ("Kingston upon Hull", "2016/17", "E06000010"),
        ("hackney", "16-17", "E09000012"),
        ("Leicester and Leicestershire", "2016-2017", "tp_leicester_leicestershire"),
    ],
)
def test_count_finds_places_by_name_and_years_in_any_common_form(built_warehouse, con, place, year, place_id):
    proc = run_cli(
        ["count", "--place", place, "--year", year, "--by", "sector", "--format", "csv"], built_warehouse["env"]
    )
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert {r["place_id"] for r in rows} == {place_id} and {r["financial_year"] for r in rows} == {"2016-17"}
    # labelled rows, no TOTAL row mixed in: the rows add up to the place's total
    assert sorted(r["label"] for r in rows) == [
        "CG Central government",
        "LG Local government",
        "PC Public corporations",
    ]
    total = con.execute(
        "SELECT total_gbp FROM marts.place_totals WHERE place_id = ? AND financial_year = '2016-17'", [place_id]
    ).fetchone()[0]
    assert sum(float(r["amount_gbp"]) for r in rows) == pytest.approx(total, abs=0.05)


def test_count_works_from_any_directory(built_warehouse, tmp_path):
    """No TOTALPLACE_WAREHOUSE: the project's own warehouse, wherever the command runs; a missing one is named."""
    import sys

    exe = str(Path(sys.executable).parent / "totalplace")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOTALPLACE_")}
    env["TOTALPLACE_WAREHOUSE"] = str(built_warehouse["warehouse"])
    proc = subprocess.run(
        [exe, "count", "--place", "Hackney", "--year", "2016-17"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0 and proc.stdout.startswith("Hackney (E09000012), 2016-17")
    env["TOTALPLACE_WAREHOUSE"] = "relative/missing.duckdb"
    proc = subprocess.run(
        [exe, "count", "--place", "Hackney", "--year", "2016-17"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert f"no warehouse at {tmp_path / 'relative' / 'missing.duckdb'} (TOTALPLACE_WAREHOUSE)" in proc.stderr
    assert "run `totalplace build` in" in proc.stderr and "Traceback" not in proc.stderr
    del env["TOTALPLACE_WAREHOUSE"]  # unset: the project's own warehouse, whatever the current directory
    from dagster_project.settings import PROJECT_ROOT, Settings

    assert Settings.from_env(env).warehouse == PROJECT_ROOT / "warehouse" / "totalplace.duckdb"


def test_places_lists_and_searches(built_warehouse):
    proc = run_cli(["places", "kent", "--format", "json"], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows[0]["place_id"] == "tp_kent" and rows[0]["n_districts"] == 12 and rows[0]["region_name"] == "South East"
    everything = json.loads(run_cli(["places", "--format", "json"], built_warehouse["env"]).stdout)
    assert len(everything) == 354 and {r["place_kind"] for r in everything} == {
        "district",
        "district_2023",
        "pilot_area",
    }


def test_every_mart_table_and_column_describes_itself(con):
    """dbt persist_docs: an analyst reading the DuckDB file sees what every mart and column is."""
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts' UNION ALL "
        "SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'marts'"
    ).fetchall()
    assert len(tables) >= 15 and [t for t, c in tables if not (c or "").strip()] == []
    columns = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'marts'"
    ).fetchall()
    assert len(columns) > 100 and [(t, c) for t, c, x in columns if not (x or "").strip()] == []
    assert {t for t, *_ in tables} >= {"dim_place", "dim_cofog", "method_sensitivity"}
    kinds = dict(
        con.execute(
            "SELECT place_kind, count(*) FROM marts.place_totals WHERE financial_year = '2016-17' GROUP BY 1"
        ).fetchall()
    )
    assert kinds == {"district": 326, "district_2023": 11, "pilot_area": 17}
    kinds = dict(
        con.execute(
            "SELECT place_kind, count(*) FROM marts.place_totals WHERE financial_year = '2024-25' GROUP BY 1"
        ).fetchall()
    )
    assert kinds == {"district": 285, "district_2023": 11, "pilot_area": 17}  # 285 + 11 = the 296 districts of 2023


def test_dbt_docs_generate_and_everything_is_described(built_warehouse, tmp_path):
    copy = tmp_path / "docs.duckdb"  # dbt opens its warehouse read-write: give it a copy
    shutil.copyfile(built_warehouse["warehouse"], copy)
    target = tmp_path / "target"
    proc = run_dbt(["docs", "generate"], copy, target)
    assert proc.returncode == 0, proc.stdout[-3000:]
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    missing = []
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] not in ("model", "seed"):
            continue
        if not node.get("description", "").strip():
            missing.append(uid)
        documented = {c for c, v in node["columns"].items() if v.get("description", "").strip()}
        for col in catalog["nodes"].get(uid, {}).get("columns", {}):
            if col.lower() not in {d.lower() for d in documented}:
                missing.append(f"{uid}.{col}")
    assert missing == []
    assert (target / "index.html").exists()
