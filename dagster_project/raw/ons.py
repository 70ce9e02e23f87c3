"""ONS mid-year population estimates and ONS Open Geography lookups -> raw.ons_* and raw.geo_*.

Population tables are long (area x mid-year) with numbers typed; the geography lookups are kept
column for column as published (all text, snake_case headers) with the key columns checked by
meaning so a renamed header fails loudly.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..manifest import Source
from .tabular import (
    Column,
    DuplicateGuard,
    Field,
    NotANumber,
    ParseResult,
    SourceFormatError,
    find_header,
    find_sheet,
    parse_simple_table,
    provenance,
    read_csv,
    read_sheet,
    row_is_blank,
    to_number,
    to_text,
)

AREA_CODE = r"[EWSNK]\d{8}"


def _wide_population(
    rows,
    *,
    source: Source,
    path: Path,
    sheet: str | None,
    id_fields: list[Field],
    value_col: re.Pattern,
    label: str,
    result: ParseResult,
) -> None:
    """Rows of areas with one population column per year/age -> long records."""
    header = find_header(rows, id_fields, file=path.name, sheet=sheet)
    value_cols = [(j, m.group(1)) for j, c in enumerate(header.cells) if (m := value_col.match(c))]
    if not value_cols:
        raise SourceFormatError(
            f"no {label} columns in the header row", file=path.name, sheet=sheet, row=header.row_number
        )
    kept = skipped = 0
    code_j = header.columns["area_code"]
    seen: dict[str, int] = {}
    for i in range(header.row_index + 1, len(rows)):
        row, rn = rows[i], i + 1
        if row_is_blank(row):
            continue
        code = to_text(row[code_j])
        if code is None or not re.fullmatch(AREA_CODE, code):
            if (
                any(isinstance(row[j], (int, float)) for j, _ in value_cols if j < len(row))
                and code is not None
                and len(code) < 15
            ):
                result.reject(source.source_id, path.name, sheet, rn, header.cells[code_j], code, "malformed area code")
            else:
                skipped += 1
            continue
        if code in seen:
            result.reject(
                source.source_id,
                path.name,
                sheet,
                rn,
                header.cells[code_j],
                code,
                f"duplicated row: area code {code} already at row {seen[code]}",
            )
            continue
        seen[code] = rn
        meta = {name: to_text(row[j]) for name, j in header.columns.items()}
        for j, key in value_cols:
            try:
                value = to_number(row[j] if j < len(row) else None)
            except NotANumber:
                result.reject(
                    source.source_id, path.name, sheet, rn, header.cells[j], row[j], "population is not a number"
                )
                continue
            result.records.append(
                {
                    **provenance(source, path.name, sheet or "", rn),
                    **meta,
                    label: key,
                    "population": value,
                }
            )
        kept += 1
    result.stat(source.source_id, path.name, sheet or "", header.row_number, kept, skipped)


def _wide_file(
    path: Path, source: Source, id_fields: list[Field], value_col: str, sheet_pattern: str | None = None
) -> ParseResult:
    """One wide population table (a column per mid-year) from a CSV, or from the sheet matching
    ``sheet_pattern`` of a workbook, one row per area and mid-year."""
    result = ParseResult()
    sheet = find_sheet(path, [sheet_pattern])[0] if sheet_pattern else None
    _wide_population(
        read_sheet(path, sheet) if sheet else read_csv(path),
        source=source,
        path=path,
        sheet=sheet,
        label="mid_year",
        id_fields=id_fields,
        value_col=re.compile(value_col),
        result=result,
    )
    return result


def _code_name_geography(geography: str) -> list[Field]:
    """The id columns of ONS's area tables: code, name and the kind of area."""
    return [Field("area_code", (r"^code$",)), Field("area_name", (r"^name$",)), Field("geography", (geography,))]


def parse_district_population(path: Path, source: Source) -> ParseResult:
    """MYEB3: every UK district (2018 codes), population mid-2001..mid-2018."""
    id_fields = [
        Field("area_code", (r"^ladcode\d*$", r"^code$")),
        Field("area_name", (r"^laname\d*$", r"^name$")),
        Field("country", (r"^country$",), required=False),
    ]
    return _wide_file(path, source, id_fields, r"^population_(\d{4})$")


def parse_area_population(path: Path, source: Source) -> ParseResult:
    """MYE5: countries, regions, counties and districts, population mid-2001..mid-2018."""
    return _wide_file(path, source, _code_name_geography(r"^geography\d?$"), r"^estimated population mid-(\d{4})$")


def parse_district_population_2023(path: Path, source: Source) -> ParseResult:
    """mye23tablesew.xlsx, sheet MYE4: every England and Wales area on April-2023 boundaries (countries,
    regions, counties, 296 English districts), population mid-2011..mid-2023, revised after Census 2021."""
    return _wide_file(path, source, _code_name_geography(r"^geography$"), r"^mid-(\d{4})$", sheet_pattern=r"^mye4$")


def parse_district_population_mid2024(path: Path, source: Source) -> ParseResult:
    """mye24tablesew_MYE2_persons.csv: a third party's CSV export of sheet MYE2 - Persons of ONS's mid-2024
    workbook (April-2023 boundaries): code, name, geography, ``All ages``, then single years of age. Kept: the
    ``All ages`` column as mid-year 2024, with the manifest's origin on every row (third_party_derived)."""
    result = _wide_file(path, source, _code_name_geography(r"^geography$"), r"^(all ages)$")
    for rec in result.records:
        rec["mid_year"] = "2024"
        rec["origin"] = source.origin
    return result


MYE2_SHEETS = {r"^mye2 ?- ?all$": "persons", r"^mye2 ?- ?males$": "male", r"^mye2 ?- ?females$": "female"}


def parse_population_by_age(path: Path, source: Source) -> ParseResult:
    """The mid-2018 workbook, sheets MYE2-All, MYE2 - Males and MYE2 - Females: population by single
    year of age (0 to 90+) for every area, with ``sex`` persons, male or female."""
    result = ParseResult()
    for pattern, sex in MYE2_SHEETS.items():
        sheet = find_sheet(path, [pattern])[0]
        part = ParseResult()
        _wide_population(
            read_sheet(path, sheet),
            source=source,
            path=path,
            sheet=sheet,
            label="age",
            id_fields=_code_name_geography(r"^geography\d?$"),
            value_col=re.compile(r"^(all ages|\d+\+?)$"),
            result=part,
        )
        for rec in part.records:
            rec["sex"] = sex
        result.extend(part)
    return result


def parse_small_area_population(path: Path, source: Source) -> ParseResult:
    """LSOA / MSOA mid-2018 populations (the files also carry district rows; area_type says which)."""
    result = ParseResult()
    parse_simple_table(
        read_csv(path),
        [
            Column("area_code", (r"^lsoacode$", r"^msoacode$", r"code$"), kind="code", pattern=AREA_CODE),
            Column("population", (r"^my2018allpopulation$", r"^population$"), kind="number"),
            Column("population_70_plus", (r"^population70andover$",), kind="number", required=False),
        ],
        source_id=source.source_id,
        source_file=path.name,
        sheet=None,
        result=result,
        key="area_code",
        extra={"mid_year": "2018"},
    )
    for rec in result.records:
        rec["area_type"] = {"E01": "LSOA", "W01": "LSOA", "E02": "MSOA", "W02": "MSOA"}.get(
            rec["area_code"][:3], "district"
        )
    return result


# Key columns of each lookup, found by meaning; every other column is kept as published.
GEOGRAPHY_KEYS: dict[str, list[Column]] = {
    "geo_la_codes": [
        Column("lad_code", (r"^ladcd$",), "code", pattern=AREA_CODE),
        Column("region_code", (r"^rgncd$",), "code", required=False),
    ],
    "geo_region_codes": [Column("region_code", (r"^rgncd$",), "code", pattern=AREA_CODE)],
    "geo_lad12_cty12": [
        Column("lad_code", (r"^lad12cd$",), "code", pattern=AREA_CODE),
        Column("county_code", (r"^cty12cd$",), "code", required=False, pattern=AREA_CODE),
    ],
    "geo_lsoa_imd2019": [
        Column("lsoa_code", (r"^lsoa11cd$",), "code", pattern=AREA_CODE),
        Column("lad_code", (r"^lad19cd$",), "code", pattern=AREA_CODE),
        Column("imd_rank", (r"^imd19$",), "number"),
    ],
    "geo_lad17_police_force": [
        Column("lad_code", (r"^lad17cd$",), "code", pattern=AREA_CODE),
        Column("police_force_code", (r"^pfa17cd$",), "code", pattern=AREA_CODE),
    ],
    "geo_lad17_fire_authority": [
        Column("lad_code", (r"^lad17cd$",), "code", pattern=AREA_CODE),
        Column("fire_authority_code", (r"^fra17cd$",), "code", pattern=AREA_CODE),
    ],
    "geo_lsoa_ward17": [
        Column("lsoa_code", (r"^lsoa11cd$",), "code", pattern=AREA_CODE),
        Column("ward_code", (r"^wd17cd$",), "code", pattern=AREA_CODE),
        Column("lad_code", (r"^lad17cd$",), "code", pattern=AREA_CODE),
    ],
    # mySociety's register (not ONS): three-letter authority codes, GSS codes, start/end dates, successors
    "geo_la_current": [
        Column("authority_code", (r"^local-authority-code$",), "code", pattern=r"[A-Z]{2,6}(-[A-Z])?"),
        Column("gss_code", (r"^gss-code$",), "code", required=False, pattern=AREA_CODE),
        Column("end_date", (r"^end-date$",), required=False),
        Column("replaced_by", (r"^replaced-by$",), required=False),
    ],
}
# Natural key per lookup (a repeated key is a duplicated row and is quarantined)
GEOGRAPHY_KEY = {
    "geo_la_codes": "lad_code",
    "geo_region_codes": "region_code",
    "geo_lsoa_imd2019": "lsoa_code",
    "geo_lad17_police_force": "lad_code",
    "geo_lad17_fire_authority": "lad_code",
    "geo_lsoa_ward17": "lsoa_code",
    "geo_lad12_cty12": "lad_code",
    "geo_la_current": "authority_code",
}


def parse_geography(path: Path, source: Source) -> ParseResult:
    result = ParseResult()
    if source.source_id not in GEOGRAPHY_KEYS:
        raise SourceFormatError(
            f"no key columns declared for {source.source_id} in raw/ons.py GEOGRAPHY_KEYS", file=path.name
        )
    parse_simple_table(
        read_csv(path),
        GEOGRAPHY_KEYS[source.source_id],
        source_id=source.source_id,
        source_file=path.name,
        sheet=None,
        result=result,
        key=GEOGRAPHY_KEY.get(source.source_id),
        keep_all_columns=True,
    )
    return result


QUARTER = re.compile(r"^(\d{4}) Q([1-4])$")


def parse_gdp_deflator(path: Path, source: Source) -> ParseResult:
    """ONS's CSV download of one time series (YBGB, the GDP implied deflator): a metadata block
    ("Title", "CDID", ... "Important notes"), then annual rows (1948, ...) and quarterly rows
    (1955 Q1, ...). The quarterly rows are kept: a financial year's deflator is the mean of its four
    quarters (int_deflators_by_financial_year). The CDID must be YBGB, or the file is another series."""
    result = ParseResult()
    rows = read_csv(path)
    meta = {r[0].strip(): (r[1].strip() if len(r) > 1 else "") for r in rows[:12] if r}
    if meta.get("CDID") != "YBGB":
        found = next((i + 1 for i, r in enumerate(rows[:12]) if r and r[0].strip() == "CDID"), None)
        raise SourceFormatError(
            f"expected the ONS series CDID YBGB (GDP implied deflator), found {meta.get('CDID')!r}",
            file=path.name,
            row=found,
            column="A",
        )
    guard = DuplicateGuard(result, source_id=source.source_id, source_file=path.name, sheet=None, key_name="period")
    kept = 0
    for i, row in enumerate(rows, start=1):
        m = QUARTER.match(row[0].strip()) if row else None
        if not m or guard.is_duplicate(row[0].strip(), i):
            continue
        try:
            value = to_number(row[1] if len(row) > 1 else None)
        except NotANumber:
            value = None
        if value is None or value <= 0:
            result.reject(
                source.source_id,
                path.name,
                None,
                i,
                "B",
                row[1] if len(row) > 1 else None,
                "not a positive index value",
            )
            continue
        result.records.append(
            {
                **provenance(source, path.name, None, i),
                "column_letter": "B",
                "period": row[0].strip(),
                "calendar_year": int(m.group(1)),
                "quarter": int(m.group(2)),
                "deflator": value,
            }
        )
        kept += 1
    result.stat(source.source_id, path.name, None, 0, kept, len(rows) - kept)
    return result


TABLES = {
    "ons_gdp_deflator": parse_gdp_deflator,
    "ons_district_population": parse_district_population,
    "ons_district_population_2023": parse_district_population_2023,
    "ons_district_population_2024": parse_district_population_mid2024,
    "ons_area_population": parse_area_population,
    "ons_population_by_age": parse_population_by_age,
    "ons_small_area_population": parse_small_area_population,
    **{sid: parse_geography for sid in GEOGRAPHY_KEYS},
}
