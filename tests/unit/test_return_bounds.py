"""A partner's file is read within bounds (dagster_project/returns/ingest.py, readbook.py): small files made
here, no mirror needed."""

from __future__ import annotations

import csv
import time

import openpyxl
from conftest import academies_body_sheet

from dagster_project.returns.ingest import read_return, validate
from dagster_project.returns.layout import CSV_COLUMNS

HEADER = CSV_COLUMNS


def test_a_return_of_many_duplicated_lines_is_rejected_in_a_second(tmp_path):
    path = tmp_path / "dups.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(
            [["E09000012", "2016-17", "CG", "Department for Education", "Academies", "09", "1000", "", ""]] * 60_000
        )
    t0 = time.perf_counter()
    rf = validate(read_return(path), catalogue=None)  # stopped before validation: no catalogue needed
    elapsed = time.perf_counter() - t0
    assert not rf.accepted and rf.problems == [
        "dups.csv, row 20002: more than 20,000 lines with a figure, more than a return has; the file is not "
        "read further"
    ]
    print(f"rejected in {elapsed:.2f} s")


def test_a_sheet_spanning_the_grid_is_rejected_without_being_read(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["XFD1048576"] = "x", "y"
    wb.save(tmp_path / "huge.xlsx")
    rf = read_return(tmp_path / "huge.xlsx")
    assert rf.problems == [
        "huge.xlsx, sheet 'Sheet': its cells reach row 1,048,576 and column XFD, beyond the 5,000 "
        "rows and 100 columns a return sheet may have; the file is not read further"
    ]


def test_formulas_are_named_and_typed_values_read(tmp_path):
    wb, ws = academies_body_sheet()
    ws["A9"], ws["E9"], ws["G9"] = "09", 1500, "typed"
    ws["A10"], ws["E10"], ws["G10"] = "10", "=E9*2", '=CONCAT("a","b")'
    wb.save(tmp_path / "formula.xlsx")
    rf = read_return(tmp_path / "formula.xlsx")
    assert rf.problems == [
        "formula.xlsx, sheet '001 Academies', cell(s) E10, G10: a formula, not a typed value (its "
        "result may be empty or out of date): type the figure or text itself"
    ]
    assert [(ln["cofog_division"], ln["own_figure_gbp"]) for ln in rf.lines] == [("09", 1500.0)]
