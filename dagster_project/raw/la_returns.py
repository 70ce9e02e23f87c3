"""DCLG/MHCLG local authority revenue outturn summaries (RS, RSX) -> raw.revenue_outturn_rs.

One parser serves every "LA data" sheet of the RS (outturn summary), RO3 (social care detail) and
RA (budget) workbooks, 2007-08 to 2017-18, whatever the year's layout:

* 2007-08, 2008-09: sheets "Net current expenditure (col 1)", "Capital charges (col 2)", "Net total cost (col 3)";
* 2009-10 to 2014-15: sheets "RS LA Data YYYY-YY (1)", "(2)", "(3)"; E-codes only until 2013-14;
* 2015-16 to 2017-18: one sheet "RS LA Data YYYY-YY" with E-code, ONS code and line numbers above the header;
* RO3 2008-09: labels stacked over five header rows;
* RS 2023-24 (ODS): sheet "RS_LA_Data_2023-24", hidden rows of variable codes and line numbers above
  the header; a Notes column ("M": no return received) and cells "[x]" for a non-submitter;
* RSX 2021-22 (CSV export with a UTF-8 BOM, numbers as text with thousands separators), 2022-23 and
  2024-25 (ODS): the service expenditure summary, 14 service lines x 7 measures; each column label is
  "<service line> - <measure> (Cn)", so the measure is per column, and the line number is read from
  the hidden variable code above it ("C7R190") where the file has one.

An authority flagged "M" in the Notes column did not submit: its rows are kept with
``return_status = 'not_submitted'`` (values NULL), so the count can fill it by its written rule
instead of counting nothing.

Output is long: one row per authority row and service column, with the line number (where the
sheet prints one), the column label as published, the measure the sheet holds and the value in
GBP thousand. Only rows with a well-formed E-code are authority rows; England and class totals
and footnotes under the data are not data and are counted as skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..manifest import Source
from .tabular import (
    MISSING_MARKERS,
    DuplicateGuard,
    Field,
    Header,
    NotANumber,
    ParseResult,
    SourceFormatError,
    col_letter,
    find_header,
    find_sheet,
    norm,
    provenance,
    read_sheet,
    row_is_blank,
    to_number,
    to_text,
)

ID_FIELDS = [
    Field("ecode", (r"^e-? ?code$",)),
    Field("ons_code", (r"^ons code$",), required=False),
    Field("authority_name", (r"^local authority$", r"^authority$")),
    Field("region", (r"^region$",), required=False),
    Field("authority_class", (r"^class$",)),
    Field("notes", (r"^notes$",), required=False),
    Field("detailed_class", (r"^detailed class$",), required=False),
    Field("certified", (r"^certifi(ed|cation)$",), required=False),
]
ECODE = re.compile(r"^E\d{4}$")
SHEETS = {
    "rs": [
        r"^rsx? ?_?la_? ?data",
        r"^rsx_\d{4}-\d{2}_data_by_la",
        r"^(net current expenditure|capital charges|net total cost) \(col \d\)$",
    ],
}
LABEL_DEPTH = {"rs": 0}
MEASURES = [
    ("net_current_expenditure", r"net current expenditure"),
    ("capital_items", r"capital (charges|items)"),
    ("net_total_cost", r"net total cost"),
    ("budget_net_current_expenditure", r"net current expenditure|budget"),
]
# RSX column labels: "<service line> - <measure> (Cn...)"; the measure names of the RSX summary
RSX_LABEL = re.compile(
    r"^(?P<line>.+?)\s*-\s*(?P<measure>employees|running expenses|total expenditure|"
    r"sales, fees and charges|other income.*?|total income|net current expenditure)\s*\(c\d",
    re.I,
)
RSX_CODE = re.compile(r"^C(\d)R(\d{3})$")
NOT_SUBMITTED = "M"
SUMMARY_LABEL = re.compile(r"england|total|breakdown|boroughs|districts|authorities|counties|class|region", re.I)
FLAG_WORDS = {"yes", "no"}
UNIT_RX = re.compile(r"£\s*(thousand|thous|million|m\b|000)", re.I)


def _kind(source: Source) -> str:
    kind = source.source_id.split("_", 1)[0]
    return "rs" if kind == "rsx" else kind  # RSX is the service-line part of the RS summary


def _measure(rows: list[list[Any]], header_row: int, sheet: str, kind: str) -> str:
    title = " ".join(norm(c) for r in rows[:header_row] for c in r[:3] if to_text(c))
    codes = " ".join(str(c) for r in rows[:header_row] for c in r if isinstance(c, str))
    if kind == "rs" and re.search(r"\bRS-\w+-net-exp\b", codes):  # RS 2023-24: variable codes "RS-edu-net-exp"
        return "net_current_expenditure"
    for name, rx in MEASURES:
        if re.search(rx, title) or re.search(rx, norm(sheet)):
            return name if kind == "rs" else f"budget_{name}".replace("budget_budget_", "budget_")
    m = re.search(r"\((\d)\)$", sheet)
    return f"sheet_{m.group(1)}" if m else "unspecified"


def _check_unit(rows: list[list[Any]], header_row: int, path: Path, sheet: str, source: Source) -> None:
    for r in rows[: header_row + 1]:
        for c in r[:8]:
            text = to_text(c)
            if not text:
                continue
            m = UNIT_RX.search(text)
            if m and m.group(1).lower() in ("million", "m") and source.units == "GBP thousand":
                raise SourceFormatError(
                    f"unit change: the sheet says {text!r} but the manifest declares {source.units}",
                    file=path.name,
                    sheet=sheet,
                )


def _labels(
    rows: list[list[Any]], header_row: int, depth: int, first_value_col: int
) -> tuple[dict[int, str], dict[int, int]]:
    """Column label (stacked header rows joined) and the line number printed above it, if any."""
    width = max(len(r) for r in rows[max(0, header_row - depth) : header_row + 1])
    labels: dict[int, str] = {}
    for j in range(first_value_col, width):
        parts = []
        for k in range(max(0, header_row - depth), header_row + 1):
            t = to_text(rows[k][j]) if j < len(rows[k]) else None
            if t and not (depth and re.fullmatch(r"£ ?thousand", t, re.I)):
                parts.append(" ".join(t.split()))
        if parts:
            labels[j] = " ".join(parts)
    if depth == 0 and header_row > 0:
        _prefix_block_titles(labels, rows[header_row - 1], first_value_col, width)
    return labels, _line_numbers(rows, header_row, labels)


def _prefix_block_titles(labels: dict[int, str], above: list, first_value_col: int, width: int) -> None:
    """A block title in the row above the header (e.g. the 2007-08 to 2010-11 memorandum block
    "Net current expenditure (non-IAS19 basis)" that repeats every service label) is part of the
    label of every column under it, up to the next title."""
    block = None
    for j in range(first_value_col, width):
        cell = above[j] if j < len(above) else None
        if (
            isinstance(cell, str) and cell.strip() and not re.fullmatch(r"[\d.]+", cell.strip())
        ):  # CSV: numbers are text
            block = " ".join(cell.split())
        if block and j in labels:
            labels[j] = f"{block}: {labels[j]}"


def _line_numbers(rows: list[list[Any]], header_row: int, labels: dict[int, str]) -> dict[int, int]:
    """The RS line number of each column: from the hidden variable codes like "C7R190" above the
    header (RSX, RS 2023-24), else from the numbers 100-999 printed in the row above it."""
    for r in rows[max(0, header_row - 6) : header_row]:
        codes = {j: RSX_CODE.match(str(r[j]).strip()) for j in labels if j < len(r)}
        if sum(1 for m in codes.values() if m) >= max(3, len(labels) // 2):
            return {j: int(m.group(2)) for j, m in codes.items() if m}
    if header_row == 0:
        return {}
    above = rows[header_row - 1]
    nums = {
        j: above[j]
        for j in labels
        if j < len(above)
        and isinstance(above[j], (int, float))
        and float(above[j]).is_integer()
        and 100 <= above[j] <= 999
    }
    return {j: int(v) for j, v in nums.items()} if len(nums) >= max(3, len(labels) // 2) else {}


def _column_measures(labels: dict[int, str], lines: dict[int, int]) -> dict[int, str]:
    """RSX: the measure of each column from its label ("<line> - <measure> (C...)"), the label then
    cut to its line; a column whose label is the measure alone (RSX 2021-22, line 590) takes its line
    from its code and its name from the neighbour of the same line. Edits ``labels`` in place."""

    def measure_name(m: re.Match) -> str:
        return re.sub(r"\W+", "_", m.group("measure").split(" [")[0].strip().lower()).strip("_")

    measures: dict[int, str] = {}
    for j, label in list(labels.items()):
        m = RSX_LABEL.match(label)
        if m:
            labels[j] = " ".join(m.group("line").split())
            measures[j] = measure_name(m)
    for j, label in list(labels.items()):
        m = RSX_LABEL.match(f"? - {label}")
        same_line = [k for k in measures if j in lines and lines.get(k) == lines[j]]
        if m and j not in measures and same_line:
            labels[j] = labels[same_line[0]]
            measures[j] = measure_name(m)
    return measures


def _why_not_an_authority(ecode: str | None, row: list, first_value_col: int) -> str | None:
    """For a row without a well-formed E-code: why it is quarantined, or None when it is a total, a
    note or a footnote (skipped)."""
    has_numbers = any(isinstance(v, (int, float)) for v in row[first_value_col:])
    label = " ".join(filter(None, (to_text(c) for c in row[:first_value_col])))
    if ecode is not None and has_numbers and len(ecode) <= 12 and re.match(r"^E\w*\d", ecode):
        return "malformed E-code (expected E followed by four digits)"
    if ecode is None and has_numbers and not SUMMARY_LABEL.search(label):
        return f"row with values but no E-code (label {label[:60]!r})"
    return None


@dataclass(frozen=True)
class _Sheet:
    """One sheet of a return file and how its columns read."""

    source: Source
    path: Path
    name: str
    header: Header
    first_value_col: int
    labels: dict[int, str]
    lines: dict[int, int]
    measure: str
    measures: dict[int, str]


def _authority_records(sh: _Sheet, row: list, rn: int, ecode: str, result: ParseResult) -> None:
    """One record per value column of an authority's row; cells that are not numbers are quarantined."""
    ids = sh.header.columns
    meta = {name: to_text(row[j]) if j < len(row) else None for name, j in ids.items()}
    meta = {k: (None if v is not None and v.lower() in MISSING_MARKERS else v) for k, v in meta.items()}
    status = "not_submitted" if meta.get("notes") == NOT_SUBMITTED else "submitted"
    where = (sh.source.source_id, sh.path.name, sh.name, rn)
    for j in range(sh.first_value_col, len(row)):
        cell = row[j]
        if j not in sh.labels:
            if to_text(cell) is not None:
                result.reject(*where, col_letter(j), cell, "value in a column with no header")
            continue
        text = None
        try:
            value = to_number(cell)
        except NotANumber:
            if str(cell).strip().lower() not in FLAG_WORDS:
                result.reject(*where, sh.labels[j], cell, "value is not a number")
                continue
            value, text = None, str(cell).strip()  # confirmation flags, e.g. "non-IAS19 basis: Yes"
        result.records.append(
            {
                **provenance(sh.source, sh.path.name, sh.name, rn),
                "column_letter": col_letter(j),
                "financial_year": sh.source.financial_years,
                "measure": sh.measures.get(j, sh.measure),
                "ecode": ecode,
                "ons_code": meta.get("ons_code"),
                "authority_name": meta["authority_name"],
                "authority_class": meta["authority_class"],
                "region": meta.get("region"),
                "line_number": sh.lines.get(j),
                "line_label": sh.labels[j],
                "value_gbp_thousand": value,
                "value_text": text,
                "return_status": status,
            }
        )


def _read_sheet(path: Path, source: Source, sheet: str, kind: str) -> tuple[_Sheet, list[list[Any]]]:
    rows = read_sheet(path, sheet)
    header = find_header(rows, ID_FIELDS, file=path.name, sheet=sheet)
    _check_unit(rows, header.row_index, path, sheet, source)
    first_value_col = max(header.columns.values()) + 1
    labels, lines = _labels(rows, header.row_index, LABEL_DEPTH[kind], first_value_col)
    measures = _column_measures(labels, lines)
    measure = _measure(rows, header.row_index, sheet, kind)
    return _Sheet(source, path, sheet, header, first_value_col, labels, lines, measure, measures), rows


def parse_la_workbook(path: Path, source: Source) -> ParseResult:
    kind = _kind(source)
    result = ParseResult()
    for sheet in find_sheet(path, SHEETS[kind]):
        sh, rows = _read_sheet(path, source, sheet, kind)
        ecode_col = sh.header.columns["ecode"]
        guard = DuplicateGuard(
            result, source_id=source.source_id, source_file=path.name, sheet=sheet, key_name="E-code"
        )
        kept = skipped = 0
        second_table = False
        for i in range(sh.header.row_index + 1, len(rows)):
            row, rn = rows[i], i + 1
            if row_is_blank(row):
                continue
            ecode = to_text(row[ecode_col])
            # RS 2023-24 and RSX: a second table (class totals) under the authorities repeats the header
            second_table = second_table or norm(ecode) == sh.header.cells[ecode_col]
            if second_table:
                skipped += 1
                continue
            if ecode is None or not ECODE.match(ecode):
                reason = _why_not_an_authority(ecode, row, sh.first_value_col)
                if reason:
                    result.reject(source.source_id, path.name, sheet, rn, sh.header.cells[ecode_col], ecode, reason)
                else:
                    skipped += 1  # England / class totals, notes and footnotes
                continue
            if guard.is_duplicate(ecode, rn):
                continue
            _authority_records(sh, row, rn, ecode, result)
            kept += 1
        if kept == 0:
            raise SourceFormatError(
                "no authority rows (E-codes like E5013) under the header",
                file=path.name,
                sheet=sheet,
                row=sh.header.row_number,
            )
        result.stat(source.source_id, path.name, sheet, sh.header.row_number, kept, skipped)
    return result


TABLES = {
    "revenue_outturn_rs": parse_la_workbook,
}
