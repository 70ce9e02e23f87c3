"""Financial-year partitions: one year's RS returns re-parsed alone, and `totalplace build --year`
re-running one year on top of the published warehouse without changing the others."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
import pytest
from conftest import published_copy, run_cli, run_dbt

from dagster_project.checks.raw_gates import raw_gate
from dagster_project.partitions import financial_years, year_partitioning
from dagster_project.pull import pull
from dagster_project.raw.assets import raw_asset
from dagster_project.resources import TotalplaceConfig


def test_partitions_are_the_years_of_the_rs_files(manifest):
    years = financial_years(list(manifest.values()))
    # RS/RSX files 2007-08 to 2017-18 and 2021-22 to 2024-25, and the derived series' 2018-19 to 2020-21
    assert years[0] == "2007-08" and years[-1] == "2024-25" and len(years) == 18
    assert {"2018-19", "2019-20", "2020-21"} <= set(years)


def test_one_partition_loads_one_year_and_a_rerun_replaces_it(manifest, mirror, tmp_path):
    rs = [s for s in manifest.values() if s.raw_table == "raw.revenue_outturn_rs"]
    wanted = [s for s in rs if s.financial_years in ("2015-16", "2016-17")]
    pull(wanted, tmp_path / "data", mirror)
    cfg = TotalplaceConfig(warehouse=str(tmp_path / "w.duckdb"), data_dir=str(tmp_path / "data"), gated=False)
    parts = year_partitioning(list(manifest.values()))
    assets = [raw_asset("revenue_outturn_rs", rs, parts), raw_gate("revenue_outturn_rs", rs)]

    def run(year):
        result = dg.materialize(assets, partition_key=year, resources={"totalplace": cfg}, raise_on_error=False)
        assert result.success
        with duckdb.connect(str(cfg.warehouse_path), read_only=True) as con:
            return dict(con.execute("SELECT source_id, count(*) FROM raw.revenue_outturn_rs GROUP BY 1").fetchall())

    first = run("2016-17")
    assert set(first) == {"rs_2016_17"} and first["rs_2016_17"] > 40_000
    both = run("2015-16")
    assert set(both) == {"rs_2015_16", "rs_2016_17"} and both["rs_2016_17"] == first["rs_2016_17"]
    again = run("2016-17")
    assert again == both  # replaced, not appended
    with duckdb.connect(str(cfg.warehouse_path), read_only=True) as con:
        assert (
            con.execute("SELECT count(*) FROM raw.load_log WHERE table_name = 'revenue_outturn_rs'").fetchone()[0]
            == con.execute("SELECT count(DISTINCT (source_id, sheet)) FROM raw.load_log").fetchone()[0]
        )


def _snapshot(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            "lsoa": con.execute(
                "SELECT financial_year, count(*), round(sum(amount_gbp), 2) FROM marts.fct_neighbourhood_spend "
                "GROUP BY 1 ORDER BY 1"
            ).fetchall(),
            "ward": con.execute(
                "SELECT financial_year, count(*), round(sum(amount_gbp), 2) FROM marts.fct_ward_spend "
                "GROUP BY 1 ORDER BY 1"
            ).fetchall(),
            "places": con.execute(
                "SELECT place_id, financial_year, round(total_gbp, 2) FROM marts.place_totals ORDER BY 1, 2"
            ).fetchall(),
            "loaded": dict(con.execute("SELECT source_id, max(loaded_at) FROM raw.load_log GROUP BY 1").fetchall()),
        }


def test_build_one_year_reruns_that_year_alone(built_warehouse, tmp_path):
    published, env = published_copy(built_warehouse, tmp_path)
    before = _snapshot(published)

    proc = run_cli(["build", "--year", "2016-17"], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "financial year partition(s): 2016-17" in proc.stdout
    after = _snapshot(published)
    # only the 2016-17 returns were parsed again
    changed = {sid for sid in after["loaded"] if after["loaded"][sid] != before["loaded"][sid]}
    assert changed == {"rs_2016_17"}
    # and every number is what the full build gave, in every year (the LSOA marts replaced 2016-17 only)
    # (sums compared to a millionth of a penny per pound: parallel sums of floats differ in the last digit)
    for mart in ("lsoa", "ward", "places"):
        assert [r[:-1] for r in after[mart]] == [r[:-1] for r in before[mart]]
        assert [r[-1] for r in after[mart]] == pytest.approx([r[-1] for r in before[mart]], rel=1e-12, abs=0.01)
    assert len(after["lsoa"]) == 17


def test_build_rejects_a_year_the_returns_do_not_cover(built_warehouse, tmp_path):
    proc = run_cli(
        ["build", "--year", "2025-26"],
        {**built_warehouse["env"], "TOTALPLACE_WAREHOUSE": str(tmp_path / "none.duckdb")},
    )
    assert proc.returncode != 0
    assert "unknown financial year '2025-26'" in proc.stderr and "2007-08 to 2024-25" in proc.stderr


def test_a_one_year_run_tests_the_years_it_replaced(built_warehouse, tmp_path):
    """The key tests of the year-incremental tables check, in a one-year run, that year's rows: a duplicate
    in the year being rebuilt fails it; one in a year the run leaves alone is left to the full build,
    which fails on both."""
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(built_warehouse["warehouse"], broken)
    c = duckdb.connect(str(broken))
    for year in ("2016-17", "2012-13"):
        c.execute(
            "INSERT INTO marts.fct_place_spend SELECT * FROM marts.fct_place_spend "
            "WHERE place_id = 'E09000012' AND financial_year = ? LIMIT 1",
            [year],
        )
    c.close()
    select = ["test", "--select", "fct_place_spend,test_name:unique_combination"]
    name = "unique_combination_fct_place_spend_place_id__financial_year"
    this_year = run_dbt(select, broken, tmp_path / "t", years="2016-17")
    assert this_year.returncode != 0 and f"FAIL 1 {name}" in this_year.stdout, this_year.stdout[-2000:]
    other_year = run_dbt(select, broken, tmp_path / "t", years="2014-15")
    assert other_year.returncode == 0 and f"PASS {name}" in other_year.stdout, other_year.stdout[-2000:]
    full = run_dbt(select, broken, tmp_path / "t")
    assert full.returncode != 0 and f"FAIL 2 {name}" in full.stdout, full.stdout[-2000:]
