"""NHS England's allocation files on files the test writes: ICBs and England kept with their cells, a changed
layout refused naming the file, sheet and row."""

from __future__ import annotations

import openpyxl
import pytest

from dagster_project.manifest import by_id, load_manifest
from dagster_project.raw.nhs import parse_icb_allocations, parse_practice_weights
from dagster_project.raw.tabular import SourceFormatError

HEAD = ["R23", "Region", "ICB23", "System Name", "2024/25 Combined allocation (inc. COVID) (£k)"]


def _workbook(tmp_path, england=True, header=HEAD):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, value_head in (
        ("ICB Core Allocations 2024-25", header[4]),
        ("PMC Allocations 2024-25", "2024/25 Recurrent allocation (£k)"),
        ("Other Primary Care", "2024/25 Recurrent allocation £k"),
    ):
        ws = wb.create_sheet(sheet)
        ws.append(["Allocations"])
        ws.append([])
        ws.append([*header[:4], value_head])
        ws.append([])
        ws.append(["Y56", "London", "QMF", "NHS North East London ICB", 100.0])
        ws.append(["Y56", "London", "QRV", "NHS North West London ICB", 200.0])
        ws.append([])
        ws.append(["", "Sort", "R23", "Region", value_head])
        if england:
            ws.append(["", "", "Total", "ENGLAND", "300 "])
    path = tmp_path / "allocations.xlsx"
    wb.save(path)
    return path


def test_each_icb_and_englands_row_are_kept_with_their_cell(tmp_path):
    result = parse_icb_allocations(_workbook(tmp_path), by_id(load_manifest())["nhs_icb_allocations_2023_25"])
    core = [r for r in result.records if r["allocation"] == "icb_core"]
    assert [
        (r["area_kind"], r["icb_code"], r["row_number"], r["column_letter"], r["value_gbp_thousand"]) for r in core
    ] == [
        ("icb", "QMF", 5, "E", 100.0),
        ("icb", "QRV", 6, "E", 200.0),
        ("england", None, 9, "E", 300.0),
    ]
    assert {r["financial_year"] for r in result.records} == {"2024-25"}


def test_a_sheet_without_englands_row_or_its_value_column_is_refused_naming_it(tmp_path):
    manifest = by_id(load_manifest())["nhs_icb_allocations_2023_25"]
    with pytest.raises(SourceFormatError, match=r"allocations\.xlsx.*ICB Core Allocations 2024-25.*no England row"):
        parse_icb_allocations(_workbook(tmp_path, england=False), manifest)
    renamed = [*HEAD[:4], "2024/25 Total (£k)"]
    with pytest.raises(SourceFormatError, match=r"ICB Core Allocations 2024-25.*row 3.*combined allocation"):
        parse_icb_allocations(_workbook(tmp_path, header=renamed), manifest)


def test_a_practice_file_with_a_renamed_weight_column_is_refused(tmp_path):
    path = tmp_path / "2024_2025.csv"
    path.write_text("Practice_Code,LAD21,ICS22,R22,pop 2022/23,Final WP,PMC WP\nA81001,E06000004,QHM,Y63,10,12,11\n")
    with pytest.raises(SourceFormatError, match=r"2024_2025\.csv.*final_pmc_wp"):
        parse_practice_weights(path, by_id(load_manifest())["nhs_practice_wp_2024_25"])
