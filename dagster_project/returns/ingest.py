"""Reading and validating filled local spend returns (TOTALPLACE_RETURNS).

Each file is read into long lines (place, year, body, COFOG division, the body's own figure, funding
source, note), each line keeping its file, sheet, row and the cell it came from. The lines are then
validated by a Great Expectations suite (expectations/returns.py). A file with any problem is
rejected whole and every problem is listed, named by file, sheet, row and column; the other files
and the rest of the build go on.
"""

import hashlib
import math
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..raw.tabular import (
    NotANumber,
    SourceFormatError,
    col_letter,
    find_header,
    norm,
    read_csv,
    row_is_blank,
    to_number,
    to_text,
)
from .catalogue import Catalogue
from .layout import COFOG_DIVISIONS, CSV_FIELDS, META_LABELS, TABLE_FIELDS, body_label
from .readbook import SKIPPED_SHEETS, read_bounded, xlsx_scan

SUFFIXES = (".xlsx", ".xls", ".csv")
# Bounds on what one return may be: a partner's file is read within them, or rejected as that file's
# problem, so no file can exhaust the memory or time of a build everyone shares.
MAX_BYTES = 20 * 2**20  # the template for a large place is under 1 MB
MAX_FIGURE_GBP = 1e12  # £1 trillion: more than any body spends in England in a year
MAX_PROBLEMS_LISTED = 50  # a file with thousands of bad lines is named with the first 50
MAX_LINES = 20_000  # the template of the largest pilot place has under 4,000 lines
LINE_COLUMNS = [
    "place_id",
    "financial_year",
    "sector",
    "department",
    "organisation",
    "cofog_division",
    "own_figure_gbp",
    "funding_source",
    "note",
    "return_file",
    "sheet",
    "row_number",
]


@dataclass
class ReturnFile:
    path: Path
    sha256: str
    lines: list[dict] = field(default_factory=list)
    cells: dict[tuple[int, str], str] = field(default_factory=dict)  # (line index, field) -> "sheet!E12"
    problems: list[str] = field(default_factory=list)
    too_large: bool = False  # stopped reading: not validated further

    @property
    def accepted(self) -> bool:
        return not self.problems and bool(self.lines)

    def at(self, sheet: str, row, column: str, name: str) -> str:
        """Where a problem is, e.g. "r.xlsx, sheet '003 Academies', row 12, column E (own_figure_gbp)"."""
        return (
            f"{self.path.name}"
            + (f", sheet '{sheet}'" if sheet else "")
            + f", row {row}"
            + (f", column {column}" if column else "")
            + f" ({name})"
        )

    def where(self, i: int, name: str) -> str:
        """Where a line's field came from (a field above the table has its own row, e.g. B6)."""
        line = self.lines[i]
        m = re.fullmatch(r"([A-Z]+)(\d+)", self.cells.get((i, name), "").split("!")[-1])
        return self.at(line["sheet"], m.group(2) if m else line["row_number"], m.group(1) if m else "", name)


# one body's figure in one place, year and COFOG division: what a return line is about
BODY_CELL = ("place_id", "financial_year", "sector", "department", "organisation", "cofog_division")


def _division(value) -> str | None:
    text = to_text(value)
    if text is None:
        return None
    if re.fullmatch(r"\d+(\.0+)?", text):
        return f"{int(float(text)):02d}"
    return text


def _add_line(rf: ReturnFile, sheet: str, row_number: int, values: dict, letters: dict[str, str]) -> None:
    if rf.too_large:
        return
    if len(rf.lines) >= MAX_LINES:
        rf.too_large = True
        rf.problems.append(
            f"{rf.path.name}" + (f", sheet '{sheet}'" if sheet else "") + f", row {row_number}: more than "
            f"{MAX_LINES:,} lines with a figure, more than a return has; the file is not read further"
        )
        return
    raw_figure = values.get("own_figure_gbp")
    try:
        figure = to_number(raw_figure)
    except NotANumber:
        figure = None
        rf.problems.append(
            f"{rf.at(sheet, row_number, letters['own_figure_gbp'], 'own_figure_gbp')}: {raw_figure!r} is not a number"
        )
    if figure is not None and (not math.isfinite(figure) or abs(figure) > MAX_FIGURE_GBP):
        rf.problems.append(
            f"{rf.at(sheet, row_number, letters['own_figure_gbp'], 'own_figure_gbp')}: "
            f"{raw_figure!r} is not a plausible figure in pounds (finite, at most £{MAX_FIGURE_GBP:,.0f})"
        )
        figure = None
    if figure is None and to_text(raw_figure) is None:
        return  # no figure given for this division: the estimate stands
    i = len(rf.lines)
    rf.lines.append(
        {
            "place_id": to_text(values.get("place_id")),
            "financial_year": to_text(values.get("financial_year")),
            "sector": to_text(values.get("sector")),
            "department": to_text(values.get("department")),
            "organisation": to_text(values.get("organisation")),
            "cofog_division": _division(values.get("cofog_division")),
            "own_figure_gbp": figure,
            "funding_source": to_text(values.get("funding_source")) or "",
            "note": to_text(values.get("note")) or "",
            "return_file": rf.path.name,
            "sheet": sheet,
            "row_number": row_number,
        }
    )
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
        rf.problems.append(
            f"{rf.path.name}, sheet '{sheet}': the cells above the table do not name the "
            f"{', '.join(lacking)} (column A label, value in column B)"
        )
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
        _add_line(
            rf, "", r + 1, {name: row[j] if j < len(row) else None for name, j in header.columns.items()}, letters
        )


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a return without opening it (so a named pipe never blocks)."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        return f"cannot be examined ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode):
        return "is a link, not a file: put the file itself in the returns folder"
    if stat.S_ISDIR(st.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file (a named pipe or a device)"
    if st.st_size > MAX_BYTES:
        return f"is {st.st_size / 2**20:,.1f} MB, more than the {MAX_BYTES / 2**20:,.0f} MB a return may be"
    return None


def _read_workbook(rf: ReturnFile) -> None:
    """A workbook read within its budget (readbook.py): an xlsx is first scanned for formulas and for
    sheets too large to be a return, without building any grid."""
    if rf.path.suffix.lower() == ".xlsx":
        try:
            formulas, too_large = xlsx_scan(rf.path)
        except (zipfile.BadZipFile, KeyError) as exc:
            rf.problems.append(f"{rf.path.name}: not a readable xlsx workbook ({type(exc).__name__}: {exc})")
            return
        if too_large:
            rf.problems.extend(p + "; the file is not read further" for p in too_large)
            return
        for sheet, cells in formulas.items():
            shown = ", ".join(cells[:10]) + (f" and {len(cells) - 10} more" if len(cells) > 10 else "")
            rf.problems.append(
                f"{rf.path.name}, sheet '{sheet}', cell(s) {shown}: a formula, not a typed value "
                "(its result may be empty or out of date): type the figure or text itself"
            )
    sheets, why = read_bounded(rf.path)
    if why:
        rf.problems.append(f"{rf.path.name}: {why}")
        return
    for sheet, rows in sheets.items():
        if norm(sheet) in SKIPPED_SHEETS:
            continue
        _read_body_sheet(rf, sheet, rows)


def read_return(path: Path) -> ReturnFile:
    why = _not_a_file(path)
    if why:
        rf = ReturnFile(path, "")
        rf.problems.append(f"{path.name}: {why}")
        return rf
    rf = ReturnFile(path, hashlib.sha256(path.read_bytes()).hexdigest())
    try:
        if path.suffix.lower() == ".csv":
            _read_csv(rf)
        else:
            _read_workbook(rf)
    except Exception as exc:  # an unreadable file is a problem of that file, not of the build
        rf.problems.append(f"{path.name}: cannot be read as a return ({type(exc).__name__}: {exc})")
    if not rf.lines and not rf.problems:
        rf.problems.append(f"{path.name}: no figures found (fill the 'Your figure (£)' column of a body's sheet)")
    return rf


def reject_duplicates_across_files(results: list["ReturnFile"]) -> None:
    """A line (place, year, body, division, funding source) given in two accepted files is counted from
    neither twice: the first file in name order keeps it, every later file is rejected, naming the first
    (a resubmitted return should replace the old file, not sit beside it)."""
    seen: dict[tuple, str] = {}
    for rf in sorted((r for r in results if r.accepted), key=lambda r: r.path.name):
        keys = {tuple(ln[k] for k in (*BODY_CELL, "funding_source")): i for i, ln in enumerate(rf.lines)}
        clashes = [(k, i) for k, i in keys.items() if k in seen]
        for k, i in clashes[:MAX_PROBLEMS_LISTED]:
            rf.problems.append(
                f"{rf.where(i, 'cofog_division')}: the same body, division and funding source for "
                f"{k[0]} {k[1]} are already in {seen[k]}: remove one of the two files"
            )
        if not clashes:
            for k in keys:
                seen[k] = rf.path.name


def cap_problems(rf: "ReturnFile") -> None:
    if len(rf.problems) > MAX_PROBLEMS_LISTED:
        more = len(rf.problems) - MAX_PROBLEMS_LISTED
        rf.problems[MAX_PROBLEMS_LISTED:] = [f"... and {more:,} more problem(s) of the same kinds"]


def validate(rf: ReturnFile, catalogue: Catalogue) -> ReturnFile:
    """Run the GE suite of expectations/returns.py on the file's lines; add each failing line as a problem."""
    if not rf.lines or rf.too_large:
        return rf
    from expectations.returns import returns_suite

    from ..checks.ge import run_suite

    df = pd.DataFrame(rf.lines, columns=LINE_COLUMNS)
    df.insert(0, "line_id", range(len(df)))
    df["body_key"] = [
        f"{y}|{s}|{d}|{o}"
        for y, s, d, o in zip(df.financial_year, df.sector, df.department, df.organisation, strict=False)
    ]
    df["funding_key"] = [f"{y}|{f}" if f else "" for y, f in zip(df.financial_year, df.funding_source, strict=False)]
    known_funders = {f"{y}|{body_label(s, d, o)}" for y, s, d, o in catalogue.bodies} | {""}  # "": own resources
    outcome = run_suite(returns_suite, (catalogue, known_funders, sorted(COFOG_DIVISIONS)), df, index_column="line_id")
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
    if catalogue.regional:
        _check_regional_figures(rf, catalogue)
    return rf


def _check_regional_figures(rf: ReturnFile, catalogue: Catalogue) -> None:
    """A body's figures for a place, division and year (its lines added up) may not exceed the body's whole
    published figure for the place's region(s): the rest of the region would be left with less than nothing."""
    totals: dict[tuple, tuple[float, int]] = {}
    for i, ln in enumerate(rf.lines):
        if ln["sector"] not in ("CG", "PC") or ln["own_figure_gbp"] is None:
            continue
        key = tuple(ln[k] for k in BODY_CELL)
        total, first = totals.get(key, (0.0, i))
        totals[key] = (total + ln["own_figure_gbp"], first)
    for key, (figure, i) in totals.items():
        regional = catalogue.regional.get(key)
        if regional is not None and figure > regional + 1:
            rf.problems.append(
                f"{rf.where(i, 'own_figure_gbp')}: £{figure:,.0f} is more than the body's whole published "
                f"figure for the region (£{regional:,.0f}, CRA, division {key[5]}, {key[1]}): check the "
                "figure, or the body and division it is given under"
            )


def return_files(folder: Path | None) -> list[Path]:
    """Every entry of the folder with a return's suffix, whatever it is (a folder or link named like a
    return is that entry's problem, said in its report, not a crash of the build)."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", ".")))
