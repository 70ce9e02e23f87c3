"""Issue 26: a place asked for a year it did not exist in gets one line naming its years and its successor
(count, report, template, trace), never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from dagster_project.count import CountError, get_count
from dagster_project.report import build_report
from dagster_project.returns.template import write_template
from dagster_project.trace import get_trace

YEARS = [f"{y}-{str(y + 1)[2:]}" for y in range(2008, 2025)]


def _outside_life(con) -> list[tuple[str, str, str, str, str | None]]:
    """(place_id, place_name, year, last_year, successor name) for every place-year outside a place's life."""
    lives = con.execute("SELECT place_id, place_name, first_year, last_year FROM marts.dim_place").fetchall()
    successors = dict(
        con.execute(
            "SELECT m.code, p.place_name FROM marts.dim_place p, unnest(string_split(p.member_codes, ', ')) AS m(code) "
            "WHERE p.place_kind = 'district_2023' AND m.code <> p.place_id"
        ).fetchall()
    )
    return [
        (pid, name, y, last, successors.get(pid))
        for pid, name, first, last in lives
        for y in YEARS
        if not first <= y <= last
    ]


def test_every_place_year_outside_a_place_life_is_one_clear_line(built_warehouse, con, tmp_path):
    warehouse = Path(built_warehouse["warehouse"])
    cases = _outside_life(con)
    # the 2019-2023 reorganisations: every abolished 2018 district, each of its years after abolition
    assert len({c[0] for c in cases}) >= 30 and any(c[1] == "West Dorset" for c in cases)
    for pid, name, year, last, successor in cases:
        for call, extra in (
            (get_count, ()),
            (build_report, ()),
            (write_template, (tmp_path / "t.xlsx",)),
            (get_trace, ()),
        ):
            with pytest.raises(CountError) as err:
                call(warehouse, pid, year, *extra)
            text = str(err.value)
            assert "\n" not in text and f"{name} ({pid})" in text and f"up to {last}" in text, text
            assert successor is None or f"into what is now {successor} (" in text, text
    assert not (tmp_path / "t.xlsx").exists()


@pytest.mark.parametrize("command", ["count", "report", "template", "trace"])
def test_west_dorset_after_2019_names_dorset(built_warehouse, tmp_path, command):
    args = [command, "--place", "West Dorset", "--year", "2022-23"]
    if command in ("report", "template"):
        args += ["--out", str(tmp_path / f"{command}.out")]
    proc = run_cli(args, built_warehouse["env"])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "West Dorset (E07000052) was merged in April 2019 into what is now Dorset Council (E06000059)" in proc.stderr
    assert "ask for Dorset Council, or a year from 2008-09 up to 2018-19" in proc.stderr


def test_places_with_no_match_says_so_and_fails(built_warehouse):
    proc = run_cli(["places", "zzzz"], built_warehouse["env"])
    assert proc.returncode == 2 and proc.stdout == ""
    assert "no place matches 'zzzz'" in proc.stderr


def test_the_2023_districts_tile_england_in_every_year(con):
    """dim_place.is_2023_district: one set of places that adds to England's count in every year, no overlap."""
    rows = con.execute("""
        SELECT t.financial_year, count(*), sum(t.total_gbp) FROM marts.place_totals t
        JOIN marts.dim_place p USING (place_id) WHERE p.is_2023_district GROUP BY 1 ORDER BY 1""").fetchall()
    # England's count from the district rows (every 2018 district's money once), not from the places
    england = dict(
        con.execute(
            "SELECT financial_year, sum(amount_gbp) FROM intermediate.int_district_spend_summarised GROUP BY 1"
        ).fetchall()
    )
    assert [y for y, *_ in rows] == YEARS
    for year, n, total in rows:
        assert n == 296 and total == pytest.approx(england[year], abs=1.0), year
    # each 2018 district lies in exactly one of the 296
    members = con.execute(
        "SELECT m.code, count(*) FROM marts.dim_place p, unnest(string_split(p.member_codes, ', ')) AS m(code) "
        "WHERE p.is_2023_district GROUP BY 1"
    ).fetchall()
    assert len(members) == 326 and {c for _, c in members} == {1}


def test_dim_place_comments_name_every_place_kind(con):
    kinds = {k for (k,) in con.execute("SELECT DISTINCT place_kind FROM marts.dim_place").fetchall()}
    assert kinds == {"district", "district_2023", "pilot_area"}
    [(table,)] = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = 'dim_place'"
    ).fetchall()
    [(column,)] = con.execute(
        "SELECT comment FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = 'dim_place' "
        "AND column_name = 'place_kind'"
    ).fetchall()
    for comment in (table, column):
        assert all(k in comment for k in kinds) and "is_2023_district" in comment


def test_count_takes_a_year_range(built_warehouse, con):
    proc = run_cli(
        ["count", "--place", "Hackney", "--year", "2014-15..2016-17", "--by", "sector", "--format", "json"],
        built_warehouse["env"],
    )
    assert proc.returncode == 0, proc.stderr
    counts = json.loads(proc.stdout)
    totals = dict(
        con.execute(
            "SELECT financial_year, total_gbp FROM marts.place_totals WHERE place_id = 'E09000012' "
            "AND financial_year BETWEEN '2014-15' AND '2016-17'"
        ).fetchall()
    )
    assert [c["financial_year"] for c in counts] == ["2014-15", "2015-16", "2016-17"]
    assert all(c["total_gbp"] == pytest.approx(totals[c["financial_year"]]) for c in counts)
    proc = run_cli(["count", "--place", "Hackney", "--year", "2016-17..2014-15"], built_warehouse["env"])
    assert proc.returncode == 2 and "the range runs backwards; write it as 2014-15..2016-17" in proc.stderr
