"""Parsers on small files the tests write: traceability to the row, clear errors, number reading.
No mirror needed (fast tier)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dagster_project.manifest import Source
from dagster_project.raw.cofog import parse_cofog
from dagster_project.raw.ons import parse_geography
from dagster_project.raw.tabular import NotANumber, SourceFormatError, to_number

COFOG_CSV = """Code,Description_EN,Description_FR,ExplanatoryNote
01,General public services,Services generaux,
07,Health,Sante,
07.3,Hospital services,Services hospitaliers,"Hospital services, with a comma"
07.3.1,General hospital services  (IS),Services hospitaliers generaux (SI),
10,Social protection,Protection sociale,
"""


def source(source_id: str, file_name: str, raw_table: str) -> Source:
    return Source(
        source_id=source_id,
        family="test",
        publisher="test",
        title="a generated file",
        landing_page="",
        download_url="",
        file_name=file_name,
        mirror_path=f"test/{file_name}",
        sha256="0" * 64,
        format=file_name.rsplit(".", 1)[1],
        financial_years="",
        units="",
        raw_table=raw_table,
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_cofog_rows_keep_their_file_row_and_level(tmp_path):
    r = parse_cofog(write(tmp_path, "cofog.csv", COFOG_CSV), source("un_cofog", "cofog.csv", "raw.cofog"))
    by_code = {x["cofog_code"]: x for x in r.records}
    assert [x["cofog_code"] for x in r.records] == ["01", "07", "07.3", "07.3.1", "10"]
    assert (by_code["07.3"]["row_number"], by_code["07.3"]["source_file"]) == (4, "cofog.csv")
    assert [by_code[c]["level"] for c in ("07", "07.3", "07.3.1")] == ["division", "group", "class"]


def test_a_line_inserted_above_moves_the_row_number_with_it(tmp_path):
    """The row number is read from the file, not assumed: a mutated file gives a different number."""
    lines = COFOG_CSV.splitlines(keepends=True)
    mutated = "".join([*lines[:2], "02,Defence,Defense,\n", *lines[2:]])
    r = parse_cofog(write(tmp_path, "cofog.csv", mutated), source("un_cofog", "cofog.csv", "raw.cofog"))
    assert {x["cofog_code"]: x["row_number"] for x in r.records}["07.3"] == 5


def test_a_renamed_header_names_the_file_and_what_is_missing(tmp_path):
    bad = COFOG_CSV.replace("Description_EN", "Label")
    with pytest.raises(SourceFormatError) as err:
        parse_cofog(write(tmp_path, "cofog.csv", bad), source("un_cofog", "cofog.csv", "raw.cofog"))
    assert str(err.value).startswith("cofog.csv") and "description" in str(err.value).lower()


def test_a_malformed_code_is_quarantined_with_its_row_and_column(tmp_path):
    bad = COFOG_CSV.replace("07.3,Hospital", "7-3,Hospital")
    r = parse_cofog(write(tmp_path, "cofog.csv", bad), source("un_cofog", "cofog.csv", "raw.cofog"))
    assert "7-3" not in {x["cofog_code"] for x in r.records}
    [rej] = r.rejected
    assert (rej["source_file"], rej["row_number"], rej["column_name"], rej["cell_value"]) == (
        "cofog.csv",
        4,
        "code",  # the column as the file heads it
        "7-3",
    )


def test_a_duplicated_lookup_row_is_quarantined_not_loaded_twice(tmp_path):
    text = "LAD17CD,LAD17NM,RGN17CD\nE06000001,Hartlepool,E12000001\nE06000001,Hartlepool,E12000001\n"
    s = dataclasses.replace(source("geo_la_codes", "la.csv", "raw.geo_la_codes"))
    r = parse_geography(write(tmp_path, "la.csv", text.replace("LAD17CD", "LADCD").replace("RGN17CD", "RGNCD")), s)
    assert [x["lad_code"] for x in r.records] == ["E06000001"]
    assert len(r.rejected) == 1 and r.rejected[0]["row_number"] == 3 and "E06000001" in r.rejected[0]["reason"]


@pytest.mark.parametrize(
    "cell,expected",
    [("1,234", 1234.0), ("(5)", -5.0), ("£12", 12.0), ("[x]", None), ("[z]", None), (None, None), (7, 7.0)],
)
def test_published_numbers_are_read_as_published(cell, expected):
    assert to_number(cell) == expected


@pytest.mark.parametrize("cell", ["1_000", "n/a?", True])
def test_what_is_not_a_number_is_refused(cell):
    with pytest.raises(NotANumber):
        to_number(cell)
