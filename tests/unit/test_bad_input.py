"""Bad input on copies of real files: moved or renamed headers, extra footnotes, duplicated rows,
unit changes. Each has a clear error naming file/sheet/row/column, or a quarantine outcome."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter
from conftest import ods_with_text_replaced

from dagster_project.raw import la_returns, ons
from dagster_project.raw.tabular import SourceFormatError, read_sheet

SHEET = "RS LA Data 2016-17"


def copy_rs(real, tmp_path: Path, edit) -> tuple[object, Path]:
    """Write a copy of the RS 2016-17 data sheet after ``edit(rows)`` changed its rows."""
    s, path = real("rs_2016_17")
    rows = read_sheet(path, SHEET)
    rows = edit([list(r) for r in rows])
    out = tmp_path / path.name
    wb = xlsxwriter.Workbook(str(out))
    ws = wb.add_worksheet(SHEET)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if v not in ("", None):
                ws.write(i, j, v)
    wb.close()
    return s, out


def hackney(rows):
    return next(i for i, r in enumerate(rows) if r[0] == "E5013")


def test_header_moved_down_is_still_found(real, tmp_path):
    s, path = copy_rs(real, tmp_path, lambda rows: [["Revenue outturn"], [], []] + rows)
    r = la_returns.parse_la_workbook(path, s)
    assert r.stats[0]["header_row"] == 10 and r.stats[0]["data_rows"] == 446
    hit = [x for x in r.records if x["ecode"] == "E5013" and x["line_number"] == 749]
    assert hit[0]["value_gbp_thousand"] == 842670 and hit[0]["row_number"] == 334


def test_header_renamed_is_a_clear_error(real, tmp_path):
    def rename(rows):
        rows[6][0] = "Authority reference"
        return rows

    s, path = copy_rs(real, tmp_path, rename)
    with pytest.raises(SourceFormatError) as err:
        la_returns.parse_la_workbook(path, s)
    msg = str(err.value)
    assert path.name in msg and f"sheet {SHEET!r}" in msg
    assert "row 7 looks like the header but lacks ecode" in msg


def test_extra_footnote_row_is_not_data(real, tmp_path):
    def footnote(rows):
        last = max(i for i, r in enumerate(rows) if str(r[0]).startswith("E") and len(str(r[0])) == 5)
        rows.insert(last + 1, ["Note: figures for 2016-17 were revised in 2018.", "", "", "", "", 1.0])
        return rows

    s, path = copy_rs(real, tmp_path, footnote)
    r = la_returns.parse_la_workbook(path, s)
    assert r.stats[0]["data_rows"] == 446
    assert r.stats[0]["skipped_rows"] == 14  # 13 in the published file, plus the new footnote
    assert not r.rejected


def test_duplicated_row_is_quarantined_with_its_row(real, tmp_path):
    def dup(rows):
        i = hackney(rows)
        rows.insert(i + 1, list(rows[i]))
        return rows

    s, path = copy_rs(real, tmp_path, dup)
    r = la_returns.parse_la_workbook(path, s)
    assert r.stats[0]["data_rows"] == 446
    assert len(r.rejected) == 1
    rej = r.rejected[0]
    assert (rej["source_file"], rej["sheet"], rej["row_number"], rej["column_name"]) == (
        path.name,
        SHEET,
        332,
        "E-code",
    )
    assert rej["reason"] == "duplicated row: E-code E5013 already at row 331"


def test_text_in_a_value_cell_is_quarantined_with_column(real, tmp_path):
    def text(rows):
        rows[hackney(rows)][5] = "see note 4"
        return rows

    s, path = copy_rs(real, tmp_path, text)
    r = la_returns.parse_la_workbook(path, s)
    assert [(x["row_number"], x["column_name"], x["cell_value"], x["reason"]) for x in r.rejected] == [
        (331, "Education services", "see note 4", "value is not a number")
    ]


def test_unit_change_is_an_error(real, tmp_path):
    def millions(rows):
        rows[1][0] = "Net current expenditure (£ million)"
        return rows

    s, path = copy_rs(real, tmp_path, millions)
    with pytest.raises(SourceFormatError, match=r"unit change: the sheet says 'Net current expenditure \(£ million\)'"):
        la_returns.parse_la_workbook(path, s)


def test_csv_header_renamed_names_file_and_column(real, tmp_path):
    s, path = real("ons_myeb3_2018")
    out = tmp_path / path.name
    text = path.read_text(encoding="utf-8-sig")
    out.write_text(text.replace("ladcode18", "district", 1), encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        ons.parse_district_population(out, s)
    assert path.name in str(err.value) and "lacks area_code" in str(err.value) and "'^ladcode" in str(err.value)


def test_csv_duplicated_area_is_quarantined(real, tmp_path):
    s, path = real("ons_myeb3_2018")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    hk = next(i for i, line in enumerate(lines) if line.startswith("E09000012,"))
    lines.insert(hk + 1, lines[hk])
    out = tmp_path / path.name
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = ons.parse_district_population(out, s)
    assert r.stats[0]["data_rows"] == 391
    assert [(x["row_number"], x["reason"]) for x in r.rejected] == [
        (hk + 2, f"duplicated row: area code E09000012 already at row {hk + 1}")
    ]


def test_ods_header_renamed_names_file_sheet_and_row(real, tmp_path):
    """RSX 2024-25 (ODS) with its E-code header renamed: a clear error naming the file, the sheet, the row
    that looked like the header and the column it lacks."""
    s, path = real("rsx_2024_25")
    out = tmp_path / path.name
    ods_with_text_replaced(path, out, "E-code", "Authority reference")
    with pytest.raises(SourceFormatError) as err:
        la_returns.parse_la_workbook(out, s)
    msg = str(err.value)
    assert msg.startswith(f"{path.name}, sheet 'RSX_LA_Data_202425': header row not found")
    assert "row 7 looks like the header but lacks ecode" in msg


def test_rsx_not_submitted_rows_are_kept_empty_not_zero(real):
    s, path = real("rsx_2024_25")
    r = la_returns.parse_la_workbook(path, s)
    amber = [x for x in r.records if x["authority_name"] == "Amber Valley"]  # Notes "M", cells "[x]"
    assert amber and {x["return_status"] for x in amber} == {"not_submitted"}
    assert {x["value_gbp_thousand"] for x in amber} == {None} and amber[0]["row_number"] == 9
