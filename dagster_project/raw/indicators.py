"""Place-level indicator sources -> raw tables.

- MHCLG English Indices of Deprivation 2019, File 10 (district summaries): the number of people
  income-deprived (``Income scale``) and employment-deprived (``Employment scale``) per 2019 district
  -> ``raw.iod_district_scales``.
- MHCLG IoD 2019 File 6 (population denominators): every LSOA's mid-2015 population in total and by
  age band -> ``raw.iod_lsoa_population``.
- NHS spending per person by single year of age, sex and IMD quintile (Asaria, Doran and Cookson's
  spreadsheet; a published research estimate) -> ``raw.nhs_cost_by_age``.

Headers are found by meaning (``tabular.find_header``); every record keeps its file, sheet and row,
and the NHS cells their column letter, so each weight can be read back from the workbook.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..manifest import Source
from .tabular import (
    Column,
    Field,
    NotANumber,
    ParseResult,
    SourceFormatError,
    col_letter,
    find_header,
    find_sheet,
    norm,
    parse_simple_table,
    provenance,
    read_sheet,
    row_is_blank,
    to_number,
)

AREA_CODE = r"[EWSNK]\d{8}"

# domain sheet -> (domain name, header of the count column)
IOD_SCALES = {r"^income$": ("income", r"^income scale$"), r"^employment$": ("employment", r"^employment scale$")}


def parse_iod_district_scales(path: Path, source: Source) -> ParseResult:
    """IoD 2019 File 10: per 2019 district and domain (income, employment), the number of people deprived."""
    result = ParseResult()
    for sheet_pattern, (domain, scale_header) in IOD_SCALES.items():
        sheet = find_sheet(path, [sheet_pattern])[0]
        part = ParseResult()
        parse_simple_table(
            read_sheet(path, sheet),
            [
                Column("lad_code", (r"^local authority district code",), kind="code", pattern=AREA_CODE),
                Column("lad_name", (r"^local authority district name",)),
                Column("deprived_people", (scale_header,), kind="number"),
            ],
            source_id=source.source_id,
            source_file=path.name,
            sheet=sheet,
            result=part,
            key="lad_code",
            extra={"domain": domain},
        )
        result.extend(part)
    return result


def parse_iod_lsoa_population(path: Path, source: Source) -> ParseResult:
    """IoD 2019 File 6: every LSOA (2011) with its 2019 district and mid-2015 population by age band."""
    result = ParseResult()
    sheet = find_sheet(path, [r"population denominators"])[0]
    parse_simple_table(
        read_sheet(path, sheet),
        [
            Column("lsoa_code", (r"^lsoa code",), kind="code", pattern=r"E01\d{6}"),
            Column("lad_code", (r"^local authority district code",), kind="code", pattern=AREA_CODE),
            Column("population", (r"^total population",), kind="number"),
            Column("population_0_15", (r"children aged 0 ?- ?15",), kind="number"),
            Column("population_16_59", (r"aged 16 ?- ?59",), kind="number"),
            Column("population_60_plus", (r"aged 60 and over",), kind="number"),
            Column("population_working_age", (r"^working age population",), kind="number"),
        ],
        source_id=source.source_id,
        source_file=path.name,
        sheet=sheet,
        result=result,
        key="lsoa_code",
        extra={"mid_year": "2015"},
    )
    return result


NHS_SHEET = re.compile(r"^(\d{4}) overall results$")


def _quintile_columns(rows: list[list], header, path: Path, sheet: str) -> list[tuple[int, str, int]]:
    """(column index, sex, IMD quintile) of the ten cost columns: Q1 to Q5 under Female and under Male."""
    if header.row_index + 1 >= len(rows):
        raise SourceFormatError(
            "no quintile row under the sex header", file=path.name, sheet=sheet, row=header.row_number
        )
    quintiles = [norm(c) for c in rows[header.row_index + 1]]
    columns: list[tuple[int, str, int]] = []
    for sex in ("female", "male"):
        start = header.columns[sex]
        for j in range(start, min(start + 6, len(quintiles))):
            m = re.fullmatch(r"q([1-5])", quintiles[j])
            if m:
                columns.append((j, sex, int(m.group(1))))
    if len(columns) != 10:
        raise SourceFormatError(
            f"expected quintiles Q1 to Q5 under Female and Male, found {len(columns)} columns",
            file=path.name,
            sheet=sheet,
            row=header.row_number + 1,
        )
    return columns


def parse_nhs_cost_by_age(path: Path, source: Source) -> ParseResult:
    """Sheets 'YYYY overall results': NHS spend per person (GBP a year) by age (0 to 85+), sex and IMD
    quintile (Q1 most deprived). Two header rows: sex over quintile; the 'Overall' columns are skipped."""
    result = ParseResult()
    for sheet in find_sheet(path, [NHS_SHEET.pattern]):
        year = int(NHS_SHEET.match(norm(sheet)).group(1))
        rows = read_sheet(path, sheet)
        header = find_header(
            rows,
            [Field("age", (r"^age$",)), Field("female", (r"^female$",)), Field("male", (r"^male$",))],
            file=path.name,
            sheet=sheet,
        )
        columns = _quintile_columns(rows, header, path, sheet)
        kept = skipped = 0
        age_j = header.columns["age"]
        for i in range(header.row_index + 2, len(rows)):
            row, rn = rows[i], i + 1
            if row_is_blank(row):
                continue
            age = row[age_j] if age_j < len(row) else None
            if not isinstance(age, (int, float)) or isinstance(age, bool):
                skipped += 1  # the totals and notes under the table
                continue
            for j, sex, q in columns:
                try:
                    cost = to_number(row[j] if j < len(row) else None)
                except NotANumber:
                    result.reject(
                        source.source_id, path.name, sheet, rn, col_letter(j), row[j], "cost per person is not a number"
                    )
                    continue
                result.records.append(
                    {
                        **provenance(source, path.name, sheet, rn),
                        "column_letter": col_letter(j),
                        "reference_year": f"{year}-{str(year + 1)[-2:]}",
                        "age": int(age),
                        "sex": sex,
                        "imd_quintile": q,
                        "cost_gbp_per_person": cost,
                    }
                )
            kept += 1
        result.stat(source.source_id, path.name, sheet, header.row_number, kept, skipped)
    return result


TABLES = {
    "iod_district_scales": parse_iod_district_scales,
    "iod_lsoa_population": parse_iod_lsoa_population,
    "nhs_cost_by_age": parse_nhs_cost_by_age,
}
