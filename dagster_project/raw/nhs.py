"""NHS England's allocations -> raw.nhs_icb_allocations and raw.nhs_practice_weighted_population.

The ICB workbook (Allocation of resources 2023/24 to 2024/25) has one sheet per allocation and year:
the 42 integrated care boards under a header on sheet row 3, then, further down, a summary table by
NHS region with the England row. Each ICB's allocation and England's total are kept as published
(£ thousand) with their cell. The allocation tool's CSVs have one row per GP practice: its district
(LAD21: where the surgery is), ICB (ICS22 = ICB23 codes) and the formula's need-weighted populations.
Headers are found by meaning, so a renamed or moved column fails naming the file, sheet and row.
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
    read_csv,
    read_sheet,
    read_workbook,
    to_number,
    to_text,
)

ICB_CODE = re.compile(r"^Q[A-Z0-9]{2}$")

# sheet -> (allocation, the value column's header): the allocation as NHS England totals it for the year
ALLOCATION_SHEETS: dict[str, tuple[str, str]] = {
    r"^icb core allocations (\d{4})-(\d{2})$": ("icb_core", r"^\d{4}/\d{2} combined allocation"),
    r"^pmc allocations (\d{4})-(\d{2})$": ("primary_medical_care", r"^\d{4}/\d{2} recurrent allocation \(£k\)$"),
    r"^other primary care$": ("other_primary_care", r"^(\d{4})/(\d{2}) recurrent allocation £k$"),
}


def _year(m: re.Match) -> str:
    return f"{m.group(1)}-{m.group(2)[-2:]}"


def _allocation_sheet(
    rows: list[list], sheet: str, path: Path, source: Source, allocation: str, value_rx: str, sheet_year: str
) -> list[dict]:
    """The 42 ICB rows and the England row of one sheet: one record per row and value column (the year from
    the column's header where it names one, else from the sheet's name)."""
    fields = [
        Field("nhs_region_code", (r"^r23$",)),
        Field("icb_code", (r"^icb23$",)),
        Field("icb_name", (r"^system name$", r"^integrated care board")),
    ]
    header = find_header(rows, fields, file=path.name, sheet=sheet)
    value_cols = {j: re.match(value_rx, c) for j, c in enumerate(header.cells) if re.match(value_rx, c)}
    if not value_cols:
        raise SourceFormatError(
            f"no column headed like {value_rx!r} (the allocation in £ thousand)",
            file=path.name,
            sheet=sheet,
            row=header.row_number,
        )
    out = []

    def record(i: int, j: int, year: str, kind: str, region: str | None, icb: str | None, name: str | None):
        raw = rows[i][j] if j < len(rows[i]) else None
        try:
            value = to_number(raw)
        except NotANumber:
            raise SourceFormatError(
                f"the allocation is not a number: {raw!r}", file=path.name, sheet=sheet, row=i + 1, column=col_letter(j)
            ) from None
        out.append(
            {
                **provenance(source, path.name, sheet, i + 1),
                "column_letter": col_letter(j),
                "financial_year": year,
                "allocation": allocation,
                "area_kind": kind,
                "nhs_region_code": region,
                "icb_code": icb,
                "area_name": name,
                "measure": rows[header.row_index][j].replace("\n", " ").strip(),
                "value_gbp_thousand": value,
            }
        )

    col = header.columns
    last_icb = header.row_index
    for i in range(header.row_index + 1, len(rows)):
        code = to_text(rows[i][col["icb_code"]]) if col["icb_code"] < len(rows[i]) else None
        region = to_text(rows[i][col["nhs_region_code"]]) if col["nhs_region_code"] < len(rows[i]) else None
        name = to_text(rows[i][col["icb_name"]]) if col["icb_name"] < len(rows[i]) else None
        if code and ICB_CODE.match(code):
            kind = "icb"
        elif region == "Eng" and code and re.match(r"^Y\d{2}$", code):
            kind, region, code = "held_by_nhs_england", code, None  # held centrally for an NHS region
        else:
            continue
        last_icb = i
        for j, m in value_cols.items():
            record(i, j, _year(m) if m.groups() else sheet_year, kind, region, code, name)
    i, cells = _england_cells(rows, last_icb, value_rx, path, sheet)
    for j, m in cells:
        record(i, j, _year(m) if m.groups() else sheet_year, "england", None, None, "England")
    return out


def _england_cells(rows: list[list], after: int, value_rx: str, path: Path, sheet: str) -> tuple[int, list]:
    """The England row below the ICBs (row index) and its value columns, from the summary table's own header
    (the summary tables are laid out a column to the right of the ICB table)."""
    for i in range(after + 1, len(rows)):
        if "england" not in [norm(c) for c in rows[i][:6]]:
            continue
        above = next((k for k in range(i - 1, after, -1) if any(re.match(value_rx, norm(c)) for c in rows[k])), None)
        if above is None:
            raise SourceFormatError(
                "the England row has no header above it naming the allocation", file=path.name, sheet=sheet, row=i + 1
            )
        return i, [(j, m) for j, c in enumerate(rows[above]) if (m := re.match(value_rx, norm(c)))]
    raise SourceFormatError("no England row below the ICBs", file=path.name, sheet=sheet)


def parse_icb_allocations(path: Path, source: Source) -> ParseResult:
    """Every allocation sheet of the ICB workbook: each ICB's allocation and England's, £ thousand."""
    result = ParseResult()
    workbook = read_workbook(path)
    found = set()
    for sheet, rows in workbook.items():
        for pattern, (allocation, value_rx) in ALLOCATION_SHEETS.items():
            m = re.match(pattern, norm(sheet))
            if not m:
                continue
            records = _allocation_sheet(rows, sheet, path, source, allocation, value_rx, _year(m) if m.groups() else "")
            result.records.extend(records)
            found.add(allocation)
            result.stat(source.source_id, path.name, sheet, 3, len(records), 0)
    missing = [a for a, _ in ALLOCATION_SHEETS.values() if a not in found]
    if missing:
        raise SourceFormatError(f"no sheet for {', '.join(missing)} (sheets: {', '.join(workbook)})", file=path.name)
    return result


PRACTICE_COLUMNS = [
    Column("practice_code", (r"^practice_code$", r"^practice$"), kind="code", pattern=r"[A-Z0-9]{6}"),
    Column("lad21_code", (r"^lad21$",), kind="code", pattern=r"E0[6-9]\d{6}"),
    Column("icb_code", (r"^ics22$", r"^icb\d\d$"), kind="code", pattern=r"Q[A-Z0-9]{2}"),
    Column("nhs_region_code", (r"^r22$", r"^r23$"), kind="code", pattern=r"Y\d{2}"),
    Column("patients", (r"^patients$",), kind="number", required=False),
    Column("list_size", (r"^pop \d{4}/\d{2}$",), kind="number"),
    Column("general_acute_wp", (r"^g&a wp$",), kind="number", required=False),
    Column("community_wp", (r"^cs wp$",), kind="number", required=False),
    Column("mental_health_wp", (r"^mh wp$",), kind="number", required=False),
    Column("maternity_wp", (r"^mat wp$",), kind="number", required=False),
    Column("health_inequalities_wp", (r"^health ineq wp$",), kind="number", required=False),
    Column("prescribing_wp", (r"^prescr wp$",), kind="number", required=False),
    Column("final_wp", (r"^final wp$",), kind="number"),
    Column("final_pmc_wp", (r"^final pmc wp$",), kind="number"),
]


def parse_practice_weights(path: Path, source: Source) -> ParseResult:
    """One GP practice per row: its district (LAD21), ICB, list size and need-weighted populations."""
    result = ParseResult()
    parse_simple_table(
        read_csv(path),
        PRACTICE_COLUMNS,
        source_id=source.source_id,
        source_file=path.name,
        sheet=None,
        result=result,
        key="practice_code",
        extra={"financial_year": source.financial_years},
    )
    return result


PRACTICE_COLUMNS_2021_22 = [
    Column("practice_code", (r"^practice$",), kind="code", pattern=r"[A-Z0-9]{6}"),
    Column("pcn_code", (r"^pcn$",), kind="code", required=False),
    Column("ccg_code", (r"^ccg$",), kind="code", pattern=r"[0-9A-Z]{3}"),
    Column("icb_code", (r"^stp21$",), kind="code", pattern=r"Q[A-Z0-9]{2}"),
    Column("nhs_region_code", (r"^r21$",), kind="code", pattern=r"Y\d{2}"),
    Column("list_size", (r"^gp_pop$",), kind="number"),
    Column("general_acute_wp", (r"^wp_g&a$",), kind="number", required=False),
    Column("community_wp", (r"^wp_cs$",), kind="number", required=False),
    Column("mental_health_wp", (r"^wp_mh$",), kind="number", required=False),
    Column("maternity_wp", (r"^wp_mat$",), kind="number", required=False),
    Column("hchs_wp", (r"^wp_hchs$",), kind="number"),
]


def parse_practice_weights_2021_22(path: Path, source: Source) -> ParseResult:
    """The allocation tool's 2021/22 workbook, sheet 'GP practice WP by ICS': one GP practice per row with its CCG
    (2019), PCN, ICS and the hospital and community health services weighted population (WP_HCHS) of its 2018/19
    registered list. No district column: the practice's district comes from the later files (dbt)."""
    result = ParseResult()
    [sheet] = find_sheet(path, [r"^gp practice wp by ics$"])
    rows = read_sheet(path, sheet)
    # the sheet ends on England's unlabelled total row: kept out of the practices, and their sum checked against it
    last = max(i for i, row in enumerate(rows) if any(to_text(c) for c in row))
    total = rows[last] if not any(to_text(c) for c in rows[last][:12]) else None
    parse_simple_table(
        rows[:last] if total is not None else rows,
        PRACTICE_COLUMNS_2021_22,
        source_id=source.source_id,
        source_file=path.name,
        sheet=sheet,
        result=result,
        key="practice_code",
        extra={"financial_year": source.financial_years},
    )
    if total is not None:
        header = [norm(to_text(c) or "") for c in rows[0]]
        j = header.index("wp_hchs") if "wp_hchs" in header else None
        listed = sum(r["hchs_wp"] for r in result.records)
        if j is not None and abs(to_number(total[j]) - listed) > 0.001 * listed:
            raise SourceFormatError(
                f"the practices' WP_HCHS add to {listed:,.0f}, not the total row's {to_number(total[j]):,.0f}",
                file=path.name,
                sheet=sheet,
                row=last + 1,
                column=col_letter(j),
            )
    return result


TABLES = {
    "nhs_icb_allocations": parse_icb_allocations,
    "nhs_practice_weighted_population": parse_practice_weights,
    "nhs_practice_weighted_population_2021_22": parse_practice_weights_2021_22,
}
