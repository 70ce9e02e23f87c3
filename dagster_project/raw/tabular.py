"""Shared header-finding, typing and provenance helpers for every raw parser.

Publishers move header rows between years, rename and add columns, put footnotes and totals
under the data and write "..." or "-" for missing values. Every parser uses these helpers so the
rules are the same everywhere:

* columns are matched by meaning (a list of patterns per field), never by position;
* a cell that should be a number but is not goes to ``raw.rejected_rows`` with file, sheet, row,
  column and reason; published "not available" markers become NULL;
* every output row keeps ``source_id``, ``source_file``, ``sheet`` and the 1-based ``row_number``
  of the sheet, so a figure can be traced back to its cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

# "[x]" (not available) and "[z]" (not applicable) are the markers of the GSS style used since 2021
MISSING_MARKERS = {"", "-", "–", "—", "…", "...", "..", ".", "n/a", "na", "x", ":", "*", "[x]", "[z]"}


class SourceFormatError(ValueError):
    """The file does not have the shape the parser expects (header moved or renamed, sheet gone...)."""

    def __init__(
        self, message: str, *, file: str, sheet: str | None = None, row: int | None = None, column: str | None = None
    ):
        where = (
            f"{file}"
            + (f", sheet {sheet!r}" if sheet else "")
            + (f", row {row}" if row else "")
            + (f", column {column!r}" if column else "")
        )
        super().__init__(f"{where}: {message}")
        self.message, self.file, self.sheet, self.row, self.column = message, file, sheet, row, column

    def __reduce__(self):
        # raised in a parsing worker (raw/parse_pool.py), it is pickled back to the step whole
        return (_source_format_error, (type(self), self.message, self.file, self.sheet, self.row, self.column))


def _source_format_error(cls, message, file, sheet, row, column):
    return cls(message, file=file, sheet=sheet, row=row, column=column)


def norm(cell: Any) -> str:
    """Header text normalised: lower case, single spaces, no trailing punctuation noise."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).replace("\n", " ").replace("\xa0", " ").lstrip("\ufeff")
    return re.sub(r"\s+", " ", text).strip().lower()


def col_letter(idx: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> A)."""
    s = ""
    idx += 1
    while idx:
        idx, r = divmod(idx - 1, 26)
        s = chr(65 + r) + s
    return s


# ---------------------------------------------------------------- reading
def sheet_names(path: Path) -> list[str]:
    """A workbook's sheets; a CSV file is one sheet named after the file (without .csv)."""
    if path.suffix.lower() == ".csv":
        return [path.stem]
    return list(python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names)


def read_sheet(path: Path, sheet: str) -> list[list[Any]]:
    if path.suffix.lower() == ".csv":
        return read_csv(path)
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    if sheet not in wb.sheet_names:
        raise SourceFormatError(f"sheet not found; the workbook has {wb.sheet_names}", file=path.name, sheet=sheet)
    return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def find_sheet(path: Path, patterns: Sequence[str]) -> list[str]:
    """Sheets whose (normalised) name matches any pattern, in workbook order."""
    names = sheet_names(path)
    found = [n for n in names if any(re.search(p, norm(n)) for p in patterns)]
    if not found:
        raise SourceFormatError(f"no sheet matching {list(patterns)}; the workbook has {names}", file=path.name)
    return found


def read_csv(path: Path) -> list[list[str]]:
    """A CSV as rows of strings; UTF-8 (with or without BOM) or Windows-1252; any line endings."""
    data = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


# ---------------------------------------------------------------- header finding
@dataclass(frozen=True)
class Field:
    """A column found by meaning. ``aliases`` are regexes matched against the normalised header."""

    name: str
    aliases: tuple[str, ...]
    required: bool = True


@dataclass
class Header:
    row_index: int  # 0-based index into rows
    columns: dict[str, int]  # field name -> 0-based column index
    cells: list[str]  # normalised header cells

    @property
    def row_number(self) -> int:
        return self.row_index + 1


def _match_row(cells: list[str], fields_: Sequence[Field]) -> dict[str, int]:
    claimed: dict[str, int] = {}
    used: set[int] = set()
    for f in fields_:
        for alias in f.aliases:  # earlier aliases are preferred
            rx = re.compile(alias)
            hit = next((i for i, c in enumerate(cells) if i not in used and c and rx.search(c)), None)
            if hit is not None:
                claimed[f.name] = hit
                used.add(hit)
                break
    return claimed


def find_header(
    rows: list[list[Any]], fields_: Sequence[Field], *, file: str, sheet: str | None = None, max_scan: int = 40
) -> Header:
    """The first row within ``max_scan`` rows holding every required field.

    Raises SourceFormatError naming the best candidate row and the fields it lacks.
    """
    required = [f for f in fields_ if f.required]
    best: tuple[int, int, dict[str, int]] | None = None
    for i, row in enumerate(rows[:max_scan]):
        cells = [norm(c) for c in row]
        got = _match_row(cells, fields_)
        n_req = sum(1 for f in required if f.name in got)
        if n_req == len(required):
            return Header(i, got, cells)
        if best is None or n_req > best[1]:
            best = (i, n_req, got)
    want = ", ".join(f"{f.name} (header like {f.aliases[0]!r})" for f in required)
    if best and best[1]:
        lacking = [f for f in required if f.name not in best[2]]
        detail = f"row {best[0] + 1} looks like the header but lacks " + ", ".join(
            f"{f.name} (looked for {' or '.join(repr(a) for a in f.aliases)})" for f in lacking
        )
    else:
        detail = "no row has any of them"
    raise SourceFormatError(
        f"header row not found in the first {max_scan} rows: expected columns {want}; {detail}", file=file, sheet=sheet
    )


# ---------------------------------------------------------------- typing
class NotANumber(ValueError):
    pass


def to_number(cell: Any) -> float | None:
    """A published cell as a number; None for empty or a 'not available' marker; NotANumber otherwise."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise NotANumber(repr(cell))
    if isinstance(cell, (int, float)):
        return float(cell)
    text = str(cell).strip().replace("\xa0", "")
    if text.lower() in MISSING_MARKERS:
        return None
    neg = text.startswith("(") and text.endswith(")")
    cleaned = text.strip("()").replace(",", "").replace("£", "").strip()
    if "_" in cleaned:  # Python would read "1_000" as 1000; a published or typed figure never means that
        raise NotANumber(text)
    try:
        value = float(cleaned)
    except ValueError:
        raise NotANumber(text) from None
    return -value if neg else value


def to_text(cell: Any) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).replace("\xa0", " ").strip()
    return text or None


# ---------------------------------------------------------------- provenance and quarantine
REJECTED_COLUMNS = ["source_id", "source_file", "sheet", "row_number", "column_name", "cell_value", "reason"]


@dataclass
class ParseResult:
    """Rows for one raw table from one or more files, plus quarantined rows and per-file stats."""

    records: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    stats: list[dict[str, Any]] = field(default_factory=list)
    # rows already typed and written to Parquet files by a parsing worker (raw/parse_pool.py), in file order,
    # instead of ``records``; ``part_rows`` counts them
    parts: list[str] = field(default_factory=list)
    part_rows: int = 0

    def reject(
        self,
        source_id: str,
        source_file: str,
        sheet: str | None,
        row_number: int,
        column: str | None,
        value: Any,
        reason: str,
    ) -> None:
        self.rejected.append(
            dict(
                source_id=source_id,
                source_file=source_file,
                sheet=sheet or "",
                row_number=row_number,
                column_name=column or "",
                cell_value=None if value is None else str(value)[:200],
                reason=reason,
            )
        )

    def stat(
        self,
        source_id: str,
        source_file: str,
        sheet: str | None,
        header_row: int,
        data_rows: int,
        skipped_rows: int = 0,
    ) -> None:
        """What one file (and sheet) gave: its header row, the data rows kept and the rows skipped."""
        self.stats.append(
            dict(
                source_id=source_id,
                source_file=source_file,
                sheet=sheet,
                header_row=header_row,
                data_rows=data_rows,
                skipped_rows=skipped_rows,
            )
        )

    def extend(self, other: ParseResult) -> ParseResult:
        self.records.extend(other.records)
        self.rejected.extend(other.rejected)
        self.stats.extend(other.stats)
        self.parts.extend(other.parts)
        self.part_rows += other.part_rows
        return self


class DuplicateGuard:
    """Sends a row whose key was already seen in the same sheet to quarantine (first one kept)."""

    def __init__(self, result: ParseResult, *, source_id: str, source_file: str, sheet: str | None, key_name: str):
        self.result, self.source_id, self.source_file, self.sheet, self.key_name = (
            result,
            source_id,
            source_file,
            sheet,
            key_name,
        )
        self.seen: dict[Any, int] = {}

    def is_duplicate(self, key: Any, row_number: int) -> bool:
        if key in self.seen:
            self.result.reject(
                source_id=self.source_id,
                source_file=self.source_file,
                sheet=self.sheet,
                row_number=row_number,
                column=self.key_name,
                value=key,
                reason=f"duplicated row: {self.key_name} {key} already at row {self.seen[key]}",
            )
            return True
        self.seen[key] = row_number
        return False


def provenance(source: Any, source_file: str, sheet: str | None, row_number: int) -> dict[str, Any]:
    """The columns every raw row carries so a figure can be traced to its published cell."""
    return {"source_id": source.source_id, "source_file": source_file, "sheet": sheet, "row_number": row_number}


def row_is_blank(row: Iterable[Any]) -> bool:
    return all(to_text(c) is None for c in row)


# ---------------------------------------------------------------- simple "header + rows" tables
@dataclass(frozen=True)
class Column:
    """A typed output column found by meaning."""

    name: str
    aliases: tuple[str, ...]
    kind: str = "text"  # text | number | code
    required: bool = True
    pattern: str | None = None  # for kind == "code": a well-formed value matches this


def _cell(row: list, j: int):
    """The value at column j of a row, or None past the row's end."""
    return row[j] if j < len(row) else None


def _other_columns(header: Header) -> dict[str, int]:
    """Every column the parser does not read by meaning, under its snake_case header."""
    others: dict[str, int] = {}
    for j, h in enumerate(header.cells):
        if h and j not in header.columns.values():
            name = re.sub(r"[^a-z0-9]+", "_", h).strip("_") or f"col_{col_letter(j).lower()}"
            while name in others or name in header.columns:
                name += "_"
            others[name] = j
    return others


def _is_footnote(row: list, typed: dict[str, Any], colidx: dict[str, int], other_values: list) -> bool:
    """A line outside the table's data: nothing in any known column, or long prose in the first column only."""
    if all(to_text(v) is None for v in typed.values()) and not any(to_text(v) for v in other_values):
        return True  # a footnote or note line outside the known columns
    first_text = to_text(row[0]) if row else None
    rest = [to_text(v) for k, v in typed.items() if colidx.get(k) != 0]
    return bool(first_text and len(first_text) > 60 and all(v is None for v in rest))


def _typed_record(
    typed: dict[str, Any],
    columns: Sequence[Column],
    header: Header,
    where: tuple,
    row_number: int,
    result,
    extra: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """The row's record with each column typed, or None when a cell was quarantined (said in ``result``)."""
    source_id, source_file, sheet = where
    rec: dict[str, Any] = {
        "source_id": source_id,
        "source_file": source_file,
        "sheet": sheet or "",
        "row_number": row_number,
        **(extra or {}),
    }
    bad = False
    for c in columns:
        raw = typed[c.name]
        column = header.cells[header.columns[c.name]] if c.name in header.columns else c.name
        if c.kind == "number":
            try:
                rec[c.name] = to_number(raw)
            except NotANumber:
                result.reject(source_id, source_file, sheet, row_number, column, raw, f"{c.name}: not a number")
                bad = True
            continue
        rec[c.name] = to_text(raw)
        malformed = rec[c.name] is not None and c.pattern and not re.fullmatch(c.pattern, rec[c.name])
        if c.kind == "code" and ((c.required and rec[c.name] is None) or malformed):
            reason = f"{c.name}: malformed or missing code (expected {c.pattern})"
            result.reject(source_id, source_file, sheet, row_number, column, raw, reason)
            bad = True
    return None if bad else rec


def parse_simple_table(
    rows: list[list[Any]],
    columns: Sequence[Column],
    *,
    source_id: str,
    source_file: str,
    sheet: str | None,
    result: ParseResult,
    key: str | None = None,
    keep_all_columns: bool = False,
    extra: dict[str, Any] | None = None,
    max_scan: int = 40,
) -> int:
    """Rows under the header become records with the typed columns (and, if asked, every other
    column as text under its snake_case header). Returns the number of data rows kept.

    A row is data when any typed column has a value; fully blank rows are skipped; rows after the
    data whose only text sits in the first column (footnotes) are skipped and counted.
    """
    header = find_header(
        rows, [Field(c.name, c.aliases, c.required) for c in columns], file=source_file, sheet=sheet, max_scan=max_scan
    )
    others = _other_columns(header) if keep_all_columns else {}
    guard = (
        DuplicateGuard(result, source_id=source_id, source_file=source_file, sheet=sheet, key_name=key) if key else None
    )
    where = (source_id, source_file, sheet)
    kept = skipped = 0
    for i in range(header.row_index + 1, len(rows)):
        row = rows[i]
        if row_is_blank(row):
            continue
        typed = {c.name: _cell(row, header.columns[c.name]) if c.name in header.columns else None for c in columns}
        if _is_footnote(row, typed, header.columns, [_cell(row, j) for j in others.values()]):
            skipped += 1
            continue
        rec = _typed_record(typed, columns, header, where, i + 1, result, extra)
        if rec is None:
            continue
        for name, j in others.items():
            rec[name] = to_text(_cell(row, j))
        if guard and rec[key] is not None and guard.is_duplicate(rec[key], i + 1):
            continue
        result.records.append(rec)
        kept += 1
    result.stat(source_id, source_file, sheet or "", header.row_number, kept, skipped)
    return kept


def read_workbook(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet of a workbook as rows, opening the file once (a return has one sheet per body)."""
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
