"""UN Classification of the Functions of Government -> raw.cofog (divisions, groups, classes)."""

from __future__ import annotations

from pathlib import Path

from ..manifest import Source
from .tabular import Column, ParseResult, parse_simple_table, read_csv

COLUMNS = [
    Column("cofog_code", (r"^code$",), kind="code", pattern=r"\d{2}(\.\d(\.\d)?)?"),
    Column("description", (r"^description_en$", r"^description$")),
    Column("explanatory_note", (r"^explanatorynote$", r"^explanatory note$"), required=False),
]


def parse_cofog(path: Path, source: Source) -> ParseResult:
    result = ParseResult()
    parse_simple_table(
        read_csv(path),
        COLUMNS,
        source_id=source.source_id,
        source_file=path.name,
        sheet=None,
        result=result,
        key="cofog_code",
    )
    for rec in result.records:
        rec["level"] = {0: "division", 1: "group", 2: "class"}[rec["cofog_code"].count(".")]
    return result


TABLES = {"cofog": parse_cofog}
