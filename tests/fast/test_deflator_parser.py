"""The GDP deflator parser on files the test writes: quarters kept with their rows, another series refused."""

from __future__ import annotations

import pytest

from dagster_project.manifest import by_id, load_manifest
from dagster_project.raw.ons import parse_gdp_deflator
from dagster_project.raw.tabular import SourceFormatError

HEAD = '"Title","GDP deflator"\n"CDID","{cdid}"\n"Source dataset ID","UKEA"\n"Important notes",\n'


def _file(tmp_path, cdid="YBGB", body='"2023","110.0"\n"2024 Q1","111.2"\n"2024 Q2","112.0"\n'):
    path = tmp_path / "ybgb.csv"
    path.write_text(HEAD.format(cdid=cdid) + body, encoding="utf-8")
    return path


def test_quarters_are_kept_with_their_row_and_years_left_out(tmp_path):
    result = parse_gdp_deflator(_file(tmp_path), by_id(load_manifest())["ons_gdp_deflator"])
    assert [(r["period"], r["row_number"], r["deflator"]) for r in result.records] == [
        ("2024 Q1", 6, 111.2),
        ("2024 Q2", 7, 112.0),
    ]


def test_another_series_is_refused_naming_file_row_and_column(tmp_path):
    with pytest.raises(SourceFormatError, match=r"ybgb.csv, row 2, column 'A': expected the ONS series CDID YBGB"):
        parse_gdp_deflator(_file(tmp_path, cdid="L8GG"), by_id(load_manifest())["ons_gdp_deflator"])


def test_a_bad_value_is_quarantined_and_a_repeated_quarter_too(tmp_path):
    body = '"2024 Q1","n/a"\n"2024 Q2","112.0"\n"2024 Q2","112.5"\n'
    result = parse_gdp_deflator(_file(tmp_path, body=body), by_id(load_manifest())["ons_gdp_deflator"])
    assert [r["period"] for r in result.records] == ["2024 Q2"]
    assert [(r["row_number"], r["column_name"]) for r in result.rejected] == [(5, "B"), (7, "period")]
