"""Cabinet Office Public Bodies directories 2012-2015 -> raw.public_bodies.

Money columns are kept as published text beside a parsed number: their units and spellings vary
by year (the NDPB issue reconciles them).
"""

from __future__ import annotations

from pathlib import Path

from ..manifest import Source
from .tabular import Column, ParseResult, find_sheet, parse_simple_table, read_csv, read_sheet

BODY_COLUMNS = [
    Column("body_name", (r"^name$",)),
    Column("department", (r"^department$",)),
    Column("classification", (r"^classification$",)),
    Column("government_funding", (r"^government funding",), required=False),
    Column("total_gross_expenditure", (r"^total gross exp",), required=False),
]


def parse_public_bodies(path: Path, source: Source) -> ParseResult:
    result = ParseResult()
    if path.suffix.lower() == ".csv":
        rows, sheet = read_csv(path), None
    else:
        sheet = find_sheet(path, [r"^pb \d{4}$", r"public bodies"])[0]
        rows = read_sheet(path, sheet)
    parse_simple_table(
        rows,
        BODY_COLUMNS,
        source_id=source.source_id,
        source_file=path.name,
        sheet=sheet,
        result=result,
        extra={"directory_year": source.source_id.rsplit("_", 1)[1]},
    )
    return result


TABLES = {"public_bodies": parse_public_bodies}
