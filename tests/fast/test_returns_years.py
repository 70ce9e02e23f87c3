"""`build --returns` rebuilds only the years the partner returns cover: those of the files in the folder and
those of the returns already published (a return taken away puts its year's estimates back)."""

from __future__ import annotations

import csv

import duckdb

from dagster_project.cli import _returns_years
from dagster_project.returns.layout import CSV_COLUMNS
from dagster_project.settings import Settings


def _settings(tmp_path, published_years: list[str] | None) -> Settings:
    wh = tmp_path / "warehouse" / "totalplace.duckdb"
    wh.parent.mkdir(parents=True)
    con = duckdb.connect(str(wh))
    if published_years is not None:
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.partner_returns (financial_year VARCHAR)")
        for y in published_years:
            con.execute("INSERT INTO raw.partner_returns VALUES (?)", [y])
    con.close()
    (tmp_path / "returns").mkdir()
    return Settings.from_env({"TOTALPLACE_WAREHOUSE": str(wh), "TOTALPLACE_RETURNS": str(tmp_path / "returns")})


def _return(settings: Settings, name: str, year: str) -> None:
    with open(settings.returns_dir / name, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        w.writerow(["E09000012", year, "CG", "Department for Education", "Academies", "09", "1000", "", ""])


def test_the_new_and_the_published_returns_years_and_those_between(tmp_path):
    settings = _settings(tmp_path, ["2012-13", "2012-13"])
    _return(settings, "a.csv", "2014-15")
    _return(settings, "b.csv", "2013-14")
    _return(settings, "odd.csv", "2031-32")  # not a year of the count: rejected by the build, rebuilds nothing
    assert _returns_years(settings) == ["2012-13", "2013-14", "2014-15"]


def test_a_return_taken_away_rebuilds_its_year(tmp_path):
    settings = _settings(tmp_path, ["2016-17"])  # published, and no file in the folder any more
    assert _returns_years(settings) == ["2016-17"]


def test_no_return_anywhere_or_an_older_warehouse_rebuilds_every_year(tmp_path):
    assert _returns_years(_settings(tmp_path / "a", [])) is None
    older = _settings(tmp_path / "b", None)  # built before raw.partner_returns existed
    _return(older, "a.csv", "2016-17")
    assert _returns_years(older) is None
