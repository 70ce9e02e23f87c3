"""Reading and validating filled local spend returns (TOTALPLACE_RETURNS).

Each file is read into long lines (place, year, body, COFOG division, the body's own figure, funding
source, note), each line keeping its file, sheet, row and the cell it came from. The lines are then
validated by a Great Expectations suite (expectations/returns.py). A file with any problem is
rejected whole and every problem is listed, named by file, sheet, row and column; the other files
and the rest of the build go on.
"""
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..raw.tabular import (NotANumber, SourceFormatError, col_letter, find_header, norm, read_csv, read_workbook,
                           row_is_blank, to_number, to_text)
from .catalogue import Catalogue
from .layout import CSV_FIELDS, META_LABELS, TABLE_FIELDS, body_label

SUFFIXES = (".xlsx", ".xls", ".csv")
LINE_COLUMNS = ["place_id", "financial_year", "sector", "department", "organisation", "cofog_division",
                "own_figure_gbp", "funding_source", "note", "return_file", "sheet", "row_number"]


@dataclass
class ReturnFile:
    path: Path
    sha256: str
    lines: list[dict] = field(default_factory=list)
    cells: dict[tuple[int, str], str] = field(default_factory=dict)   # (line index, field) -> "sheet!E12"
    problems: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.problems and bool(self.lines)

    def at(self, sheet: str, row, column: str, name: str) -> str:
        """Where a problem is, e.g. "r.xlsx, sheet '003 Academies', row 12, column E (own_figure_gbp)"."""
        return (f"{self.path.name}" + (f", sheet '{sheet}'" if sheet else "") + f", row {row}"
                + (f", column {column}" if column else "") + f" ({name})")

    def where(self, i: int, name: str) -> str:
        """Where a line's field came from (a field above the table has its own row, e.g. B6)."""
        line = self.lines[i]
        m = re.fullmatch(r"([A-Z]+)(\d+)", self.cells.get((i, name), "").split("!")[-1])
        return self.at(line["sheet"], m.group(2) if m else line["row_number"], m.group(1) if m else "", name)


def _division(value) -> str | None:
    text = to_text(value)
    if text is None:
        return None
    if re.fullmatch(r"\d+(\.0+)?", text):
        return f"{int(float(text)):02d}"
    return text


def _add_line(rf: ReturnFile, sheet: str, row_number: int, values: dict, letters: dict[str, str]) -> None:
    raw_figure = values.get("own_figure_gbp")
    try:
        figure = to_number(raw_figure)
    except NotANumber:
        figure = None
        rf.problems.append(f"{rf.at(sheet, row_number, letters['own_figure_gbp'], 'own_figure_gbp')}: "
                           f"{raw_figure!r} is not a number")
    if figure is None and to_text(raw_figure) is None:
        return  # no figure given for this division: the estimate stands
    i = len(rf.lines)
    rf.lines.append({
        "place_id": to_text(values.get("place_id")), "financial_year": to_text(values.get("financial_year")),
        "sector": to_text(values.get("sector")), "department": to_text(values.get("department")),
        "organisation": to_text(values.get("organisation")), "cofog_division": _division(values.get("cofog_division")),
        "own_figure_gbp": figure, "funding_source": to_text(values.get("funding_source")) or "",
        "note": to_text(values.get("note")) or "", "return_file": rf.path.name, "sheet": sheet,
        "row_number": row_number})
    for name, letter in letters.items():  # a meta field's letter carries its own row (B3)
        rf.cells[(i, name)] = f"{sheet}!{letter}" + ("" if letter[-1].isdigit() else str(row_number))


def _read_body_sheet(rf: ReturnFile, sheet: str, rows: list[list]) -> None:
    try:
        header = find_header(rows, TABLE_FIELDS, file=rf.path.name, sheet=sheet)
    except SourceFormatError as exc:
        rf.problems.append(str(exc))
        return
    meta, meta_cells = {}, {}
    for r in range(header.row_index):
        label = norm(rows[r][0] if rows[r] else None).rstrip(":")
        if label in META_LABELS and len(rows[r]) > 1:
            meta[META_LABELS[label]] = rows[r][1]
            meta_cells[META_LABELS[label]] = f"B{r + 1}"
    lacking = [label for label, name in META_LABELS.items() if to_text(meta.get(name)) is None]
    if lacking:
        rf.problems.append(f"{rf.path.name}, sheet '{sheet}': the cells above the table do not name the "
                           f"{', '.join(lacking)} (column A label, value in column B)")
        return
    letters = {name: col_letter(j) for name, j in header.columns.items()}
    letters.update(meta_cells)
    for r in range(header.row_index + 1, len(rows)):
        row = rows[r]
        if row_is_blank(row):
            continue
        values = dict(meta)
        values.update({name: row[j] if j < len(row) else None for name, j in header.columns.items()})
        _add_line(rf, sheet, r + 1, values, letters)


def _read_csv(rf: ReturnFile) -> None:
    rows = read_csv(rf.path)
    try:
        header = find_header(rows, CSV_FIELDS, file=rf.path.name)
    except SourceFormatError as exc:
        rf.problems.append(str(exc))
        return
    letters = {name: col_letter(j) for name, j in header.columns.items()}
    for r in range(header.row_index + 1, len(rows)):
        row = rows[r]
        if row_is_blank(row):
            continue
        _add_line(rf, "", r + 1, {name: row[j] if j < len(row) else None for name, j in header.columns.items()},
                  letters)


def read_return(path: Path) -> ReturnFile:
    rf = ReturnFile(path, hashlib.sha256(path.read_bytes()).hexdigest())
    try:
        if path.suffix.lower() == ".csv":
            _read_csv(rf)
        else:
            for sheet, rows in read_workbook(path).items():
                if norm(sheet) in ("instructions", "index", "lists"):
                    continue
                _read_body_sheet(rf, sheet, rows)
    except Exception as exc:  # an unreadable file is a problem of that file, not of the build
        rf.problems.append(f"{path.name}: cannot be read as a return ({type(exc).__name__}: {exc})")
    if not rf.lines and not rf.problems:
        rf.problems.append(f"{path.name}: no figures found (fill the 'Your figure (£)' column of a body's sheet)")
    return rf


def validate(rf: ReturnFile, catalogue: Catalogue) -> ReturnFile:
    """Run the GE suite of expectations/returns.py on the file's lines; add each failing line as a problem."""
    if not rf.lines:
        return rf
    from expectations.returns import returns_suite

    from ..checks.ge import run_suite

    df = pd.DataFrame(rf.lines, columns=LINE_COLUMNS)
    df.insert(0, "line_id", range(len(df)))
    df["body_key"] = [f"{y}|{s}|{d}|{o}" for y, s, d, o in
                      zip(df.financial_year, df.sector, df.department, df.organisation)]
    df["funding_key"] = [f"{y}|{f}" if f else "" for y, f in zip(df.financial_year, df.funding_source)]
    known_funders = {f"{y}|{body_label(s, d, o)}" for y, s, d, o in catalogue.bodies} | {""}  # "": own resources
    outcome = run_suite(returns_suite, (catalogue, known_funders), df, index_column="line_id")
    for result in outcome.raw["results"]:
        if result["success"]:
            continue
        cfg, res = result["expectation_config"], result.get("result", {})
        what = cfg.get("meta", {}).get("problem", cfg["type"])
        column = cfg["kwargs"].get("column") or cfg["kwargs"].get("column_list", ["line"])[-1]
        shown = {"body_key": "organisation", "funding_key": "funding_source"}.get(column, column)
        for hit in res.get("unexpected_index_list") or []:
            i = int(hit["line_id"])
            value = rf.lines[i].get(shown)
            rf.problems.append(f"{rf.where(i, shown)}: {what}: {value!r}")
    return rf


def return_files(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", ".")))
