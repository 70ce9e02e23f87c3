"""HM Treasury Country and Regional Analysis (PESA) databases -> raw.cra.

All vintages (CRA 2010 chapters 9 and 10, CRA 2014, CRA 2018 to CRA 2025) in one long table: one row per
published row and financial year, with the value in its *published* unit (recorded in ``unit``;
the 2010 vintage is GBP million, later ones GBP thousand). Nothing is harmonised here: labels,
spellings and sector codes are as published; staging does the rest.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..manifest import Source
from .tabular import (
    Field,
    NotANumber,
    ParseResult,
    SourceFormatError,
    find_header,
    find_sheet,
    norm,
    provenance,
    read_sheet,
    row_is_blank,
    to_number,
    to_text,
)

FIELDS = [
    Field("department_code", (r"^dept code$",), required=False),
    Field("department", (r"^dept name$", r"^department name$", r"^department$")),
    Field("organisation", (r"^organisation name$",), required=False),
    Field("segment_code", (r"^programme object group$", r"^cra segment code$", r"^cra segment$")),
    Field("segment_name", (r"^programme object group alias$", r"^cra segment name$", r"^cra segment description$")),
    # COFOG level names shift between vintages: 2010 calls the function "level 1" and the
    # sub-function "level 2"; 2014 and 2018 call them "level 0" and "level 1". Earlier aliases win.
    Field("cofog_function", (r"^cofog level 0$", r"^cofog level 1$")),
    Field("hmt_function", (r"^hmt functional classification$", r"^hmt function$")),
    Field("cofog_subfunction", (r"^cofog level 2$", r"^cofog level 1$"), required=False),
    Field("hmt_subfunction", (r"^hmt sub-?functional classification$", r"^hmt sub-?function$"), required=False),
    Field("id_or_non_id", (r"^id or non-id$", r"^id/non-id$")),
    Field("cap_or_cur", (r"^cap or cur$",)),
    Field("sector", (r"^cg, lg or pc", r"^cg, lg, pc")),
    Field("allocated_by", (r"^allocated by hmt or dept",), required=False),
    Field("region", (r"^nuts 1 region$", r"^nuts region$", r"^itl1? region$")),  # ITL from CRA 2022
    Field("country", (r"^country$",), required=False),
]
YEAR = re.compile(r"^(\d{4})-(\d{2})$")
UNIT_WORDS = {"GBP thousand": ("£'000", "£ thousand", "£000"), "GBP million": ("£ million", "£m", "£million")}
VINTAGE = {"cra_2010_ch9": "CRA 2010 ch.9", "cra_2010_ch10": "CRA 2010 ch.10"}


def _declared_unit_check(path: Path, source: Source) -> None:
    """If the workbook states its unit (the Metadata sheet of CRA 2014/2018), it must be the manifest's."""
    try:
        meta = find_sheet(path, [r"^metadata$"])[0]
    except SourceFormatError:
        return
    text = " ".join(norm(c) for row in read_sheet(path, meta)[:5] for c in row)
    for unit, words in UNIT_WORDS.items():
        if any(w.lower() in text for w in words) and unit != source.units:
            raise SourceFormatError(
                f"unit change: the workbook says values are in {unit} but the manifest declares {source.units}; "
                f"fix the manifest row or the file",
                file=path.name,
                sheet=meta,
            )


def parse_cra(path: Path, source: Source) -> ParseResult:
    result = ParseResult()
    _declared_unit_check(path, source)
    sheet = next(s for s in find_sheet(path, [r"database", r"\bdb\b"]))
    rows = read_sheet(path, sheet)
    header = find_header(rows, FIELDS, file=path.name, sheet=sheet)
    years = [(j, c) for j, c in enumerate(header.cells) if YEAR.match(c)]
    if not years:
        raise SourceFormatError(
            "no financial-year columns (like '2016-17') in the header row",
            file=path.name,
            sheet=sheet,
            row=header.row_number,
        )
    cols = header.columns
    vintage = VINTAGE.get(source.source_id, source.source_id.replace("cra_", "CRA "))
    kept = 0
    for i in range(header.row_index + 1, len(rows)):
        row = rows[i]
        rn = i + 1
        if row_is_blank(row):
            continue
        desc = {name: to_text(row[j]) if j < len(row) else None for name, j in cols.items()}
        if desc["department"] is None or desc["region"] is None:
            missing = "department" if desc["department"] is None else "region"
            result.reject(
                source.source_id, path.name, sheet, rn, header.cells[cols[missing]], None, f"{missing} is empty"
            )
            continue
        for j, year in years:
            cell = row[j] if j < len(row) else None
            try:
                value = to_number(cell)
            except NotANumber:
                result.reject(source.source_id, path.name, sheet, rn, year, cell, "value is not a number")
                continue
            rec = {
                **provenance(source, path.name, sheet, rn),
                "vintage": vintage,
                "financial_year": year,
            }
            for f in FIELDS:
                rec[f.name] = desc.get(f.name)
            rec["value"] = value
            rec["unit"] = source.units
            result.records.append(rec)
        kept += 1
    result.stat(source.source_id, path.name, sheet, header.row_number, kept)
    return result


TABLES = {"cra": parse_cra}
