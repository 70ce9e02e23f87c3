"""`totalplace trace`: every contribution to one figure of the count, largest first, down to the published cell.

A figure is a place, a year and optionally a COFOG division or group and a sector. Its rows are the
district rows the count adds up (``intermediate.int_spend_with_returns`` over the place's 2018 districts);
each row is followed back to what it was made from:

- a local-government row from the returns: the return lines (file, sheet, row, column, value) that the
  crosswalk (``seeds.cipfa_to_cofog``: line -> COFOG, treatment) sends to its COFOG group, and the share of
  the authority's spending that falls in the place (1 for an authority wholly inside it, its districts'
  population share otherwise);
- a central-government or public-corporation row, LG capital, or an LG line a return lacks: the CRA rows
  (file, sheet, row, department, segment, value) of the regional figure it was shared from, and the key
  (the indicator or population, its value for the district and for the region, the share);
- a partner return: its reference; an imputed authority: the rule it was carried by.

Each part is the published cell's value times the share of it that lands in the place, so the parts of a
row add to the row and the rows add to the count exactly. The rule names are the dbt docs blocks.

This reads the intermediate models on purpose: the trace *is* the path from mart to cell, and no mart
carries every CRA row times every district (that would be ~10 million rows a build for a query an
auditor asks of one figure at a time).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .count import CountError, get_count
from .warehouse import connect

FIELDS = [
    "amount_gbp",
    "sector",
    "cofog_division",
    "cofog_group",
    "department",
    "organisation",
    "method",
    "source_id",
    "source_file",
    "sheet",
    "row_number",
    "column_letter",
    "published_gbp",
    "share",
    "line_label",
    "treatment",
    "segment",
    "indicator_id",
    "key_district",
    "key_region",
    "lad_code",
    "return_reference",
    "fill_rule",
    "rules",
]


@dataclass
class Part:
    amount_gbp: float
    sector: str
    cofog_division: str
    cofog_group: str | None
    department: str
    organisation: str
    method: str
    source_id: str
    lad_code: str
    source_file: str | None = None
    sheet: str | None = None
    row_number: int | None = None
    column_letter: str | None = None
    published_gbp: float | None = None  # the cell's value, in pounds
    share: float | None = None  # the part of the cell that lands in the place
    line_label: str | None = None
    treatment: str | None = None
    segment: str | None = None
    indicator_id: str | None = None
    key_district: float | None = None  # the indicator's value for the district
    key_region: float | None = None  # ... and for its region
    return_reference: str | None = None
    fill_rule: str | None = None
    rules: list[str] = field(default_factory=list)


@dataclass
class Trace:
    place_id: str
    place_name: str
    financial_year: str
    cofog: str | None
    sector: str | None
    total_gbp: float
    parts: list[Part]

    def as_dict(self) -> dict:
        return {
            "place_id": self.place_id,
            "place_name": self.place_name,
            "financial_year": self.financial_year,
            "cofog": self.cofog,
            "sector": self.sector,
            "total_gbp": self.total_gbp,
            "parts_gbp": sum(p.amount_gbp for p in self.parts),
            "n_parts": len(self.parts),
            "parts": [asdict(p) for p in self.parts],
        }


ROW_KEYS = (
    "lad_code, sector, cofog_division, cofog_group, department, organisation, source_id, method, indicator_id, "
    "cofog_group_basis, fill_rule, return_reference"
)


def _rows(con, members: list[str], year: str, cofog: str | None, sector: str | None) -> list[dict]:
    where, params = ["lad_code IN (SELECT unnest(?))", "financial_year = ?"], [members, year]
    if cofog:
        where.append("cofog_division = ?" if len(cofog) == 2 else "cofog_group = ?")
        params.append(cofog)
    if sector:
        where.append("sector = ?")
        params.append(sector)
    cur = con.execute(
        f"SELECT {ROW_KEYS}, sum(amount_gbp) AS amount_gbp FROM intermediate.int_spend_with_returns "
        f"WHERE {' AND '.join(where)} GROUP BY ALL HAVING sum(amount_gbp) <> 0",
        params,
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _base(row: dict, rules: list[str], amount: float, **cell) -> Part:
    return Part(
        amount_gbp=amount,
        sector=row["sector"],
        cofog_division=row["cofog_division"],
        cofog_group=row["cofog_group"],
        department=row["department"],
        organisation=row["organisation"],
        method=row["method"],
        source_id=row["source_id"],
        lad_code=row["lad_code"],
        indicator_id=row["indicator_id"],
        fill_rule=row["fill_rule"],
        return_reference=row["return_reference"],
        rules=rules,
        **cell,
    )


def _spread(row: dict, cells: list[tuple], rules: list[str], make) -> list[Part]:
    """The row's amount over the cells it was made from, in proportion to each cell's value: part = cell ×
    (row / sum of cells), so the parts add to the row."""
    total = sum(c[0] for c in cells)
    if not cells or total == 0:
        return [_base(row, [*rules, "(no published cell matched: see the rule)"], row["amount_gbp"])]
    share = row["amount_gbp"] / total
    return [_base(row, rules, value * share, share=share, published_gbp=value, **make(c)) for value, *c in cells]


class _Cells:
    """The published cells and keys a trace follows its rows to, read once per trace: the year's CRA rows of the
    place's regions, the return lines of its authorities, the indicator keys of its districts, each read in one
    query and looked up per row. (One query per row took a minute for Kent's 2,000 rows.) The lookups keep SQL's
    meaning: a NULL on either side of an equality matches nothing."""

    def __init__(self, con, year: str, regions: set[str], members: list[str], authorities: set[str]):
        cra = con.execute(
            """SELECT amount_gbp, source_file, sheet, row_number, coalesce(segment_name, segment_code),
                   region_code, source_id, sector, department, coalesce(organisation, department), cofog_division,
                   cofog_group, cap_or_cur
            FROM intermediate.int_cra_vintages_deduplicated
            WHERE is_identifiable AND region_kind = 'english_region' AND amount_gbp IS NOT NULL
              AND region_code IN (SELECT unnest(?)) AND financial_year = ?
            ORDER BY abs(amount_gbp) DESC""",
            [sorted(regions), year],
        ).fetchall()
        self._cra: dict[tuple, list[tuple]] = {}
        self._cra_lg_current: dict[tuple, list[tuple]] = {}
        for r in cra:
            region, source_id, sector, department, organisation, division, group, cap_or_cur = r[5:]
            self._cra.setdefault((region, source_id, sector, department, organisation, division), []).append(r)
            if sector == "LG" and cap_or_cur == "CUR":
                self._cra_lg_current.setdefault((region, group), []).append(r)
        lines = con.execute(
            """SELECT r.amount_gbp, r.source_file, r.sheet, r.row_number, r.column_letter, r.line_label_key,
                   c.treatment, r.source_id, r.authority_name, c.cofog_division, coalesce(nullif(c.cofog_group, ''), '')
            FROM intermediate.int_lg_returns_unioned r
            JOIN seeds.cipfa_to_cofog c ON r.line_label_key = c.line_label
            JOIN seeds.treatments t ON t.treatment = c.treatment AND t.is_counted
            WHERE r.financial_year = ? AND r.authority_name IN (SELECT unnest(?)) AND r.return_status = 'submitted'
            ORDER BY abs(r.amount_gbp) DESC""",
            [year, sorted(authorities)],
        ).fetchall()
        self._lines: dict[tuple, list[tuple]] = {}
        for r in lines:
            self._lines.setdefault(r[7:], []).append(r[:7])
        self._keys: dict[tuple, tuple] = {}
        for lad, indicator, district, region in con.execute(
            "SELECT lad_code, indicator_id, indicator_value, indicator_value / region_share "
            "FROM intermediate.int_district_indicators_scaled "
            "WHERE lad_code IN (SELECT unnest(?)) AND financial_year = ?",
            [members, year],
        ).fetchall():
            self._keys.setdefault((lad, indicator), (district, region))

    def return_lines(self, row: dict) -> list[tuple]:
        """The submitted return lines of the row's authority that the crosswalk sends to its COFOG group."""
        if None in (row["source_id"], row["organisation"], row["cofog_division"]):
            return []
        key = (row["source_id"], row["organisation"], row["cofog_division"], row["cofog_group"] or "")
        return self._lines.get(key, [])

    def cra_rows(self, row: dict, region: str) -> list[tuple]:
        """The CRA rows of the regional figure the row was shared from, largest first."""
        if row["fill_rule"]:  # LG lines a return lacks: the region's CRA LG current rows of the group, less what
            # the returns gave (int_lg_lines_filled), so the share of each cell also carries that difference
            if row["cofog_group"] is None:
                return []
            return [r[:5] for r in self._cra_lg_current.get((region, row["cofog_group"]), [])]
        key = (region, row["source_id"], row["sector"], row["department"], row["organisation"], row["cofog_division"])
        if None in key:
            return []
        published = row["cofog_group_basis"] == "published"
        return [
            r[:5]
            for r in self._cra.get(key, [])
            if (not published or (r[11] or "") == (row["cofog_group"] or ""))
            and (r[7] in ("CG", "PC") or r[12] == "CAP")
        ]

    def key(self, row: dict) -> tuple[float | None, float | None]:
        """The indicator's value for the row's district and for its region."""
        if row["lad_code"] is None or row["indicator_id"] is None:
            return (None, None)
        return self._keys.get((row["lad_code"], row["indicator_id"]), (None, None))


def _parts(cells: _Cells, row: dict, regions: dict[str, str]) -> list[Part]:
    method, derived = row["method"], "derived" in (row["source_id"] or "")
    if method in ("actual_return", "transfer_removed"):
        return [_base(row, ["returns_rule"], row["amount_gbp"])]
    if method == "imputed_not_submitted":
        return [_base(row, ["not_submitted_rule", "lg_from_returns_rule"], row["amount_gbp"])]
    if row["source_id"].startswith("cra_"):
        rules = {
            "apportioned_indicator": ["indicator_rule"],
            "apportioned_funder_allocation": ["funder_allocation_rule", "indicator_rule"],
        }.get(method, ["population_last_resort_rule"])
        rules += ["lg_fill_rule"] if row["fill_rule"] else ["lg_capital_rule"] if row["sector"] == "LG" else []
        rules += [] if row["cofog_group_basis"] == "published" else ["group_split_rule"]
        district, region = cells.key(row)
        parts = _spread(
            row,
            cells.cra_rows(row, regions[row["lad_code"]]),
            [*rules, "vintage_rule", "conservation_rule"],
            lambda c: {"source_file": c[0], "sheet": c[1], "row_number": c[2], "segment": c[3]},
        )
        for p in parts:
            p.key_district, p.key_region = district, region
        return parts
    rules = ["lg_from_returns_rule", "multi_district_rule" if method == "apportioned_population" else "count_rule"]
    return _spread(
        row,
        cells.return_lines(row),
        [*rules, *(["derived_source_rule"] if derived else [])],
        lambda c: {
            "source_file": c[0],
            "sheet": c[1],
            "row_number": c[2],
            "column_letter": c[3],
            "line_label": c[4],
            "treatment": c[5],
        },
    )


def get_trace(warehouse: Path, place: str, year: str, cofog: str | None = None, sector: str | None = None) -> Trace:
    if cofog and not ((len(cofog) == 2 and cofog.isdigit()) or (len(cofog) == 4 and cofog[2] == ".")):
        raise CountError(f"--cofog {cofog!r}: give a COFOG division (07) or group (07.3)")
    if sector and sector.upper() not in ("CG", "LG", "PC"):
        raise CountError(f"--sector {sector!r}: give CG, LG or PC")
    sector = sector.upper() if sector else None
    headline = get_count(warehouse, place, year)  # checks the place and the year, with close matches
    year = headline.financial_year
    with connect(warehouse, read_only=True) as con:
        [(members,)] = con.execute(
            "SELECT string_split(member_codes, ', ') FROM marts.dim_place WHERE place_id = ?", [headline.place_id]
        ).fetchall()
        regions = dict(
            con.execute(
                "SELECT lad_code, region_code FROM intermediate.int_districts_described "
                "WHERE lad_code IN (SELECT unnest(?))",
                [members],
            ).fetchall()
        )
        where, params = "place_id = ? AND financial_year = ?", [headline.place_id, year]
        if cofog:
            where += " AND cofog_division = ?" if len(cofog) == 2 else " AND cofog_group = ?"
            params.append(cofog)
        if sector:
            where += " AND sector = ?"
            params.append(sector)
        [(total,)] = con.execute(
            f"SELECT coalesce(sum(amount_gbp), 0) FROM marts.fct_place_spend WHERE {where}", params
        ).fetchall()
        rows = _rows(con, members, year, cofog, sector)
        cells = _Cells(
            con, year, set(regions.values()), members, {r["organisation"] for r in rows if r["organisation"]}
        )
        parts = [p for row in rows for p in _parts(cells, row, regions)]
    parts.sort(key=lambda p: -abs(p.amount_gbp))
    return Trace(headline.place_id, headline.place_name, year, cofog, sector, total, parts)


def render(trace: Trace, fmt: str, limit: int = 40) -> str:
    if fmt == "json":
        return json.dumps(trace.as_dict(), indent=2, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        for p in trace.parts:
            w.writerow({**asdict(p), "rules": " ".join(p.rules)})
        return buf.getvalue()
    what = " ".join(x for x in (f"COFOG {trace.cofog}" if trace.cofog else "", trace.sector or "") if x)
    added = sum(p.amount_gbp for p in trace.parts)
    lines = [
        f"{trace.place_name} ({trace.place_id}), {trace.financial_year}{', ' + what if what else ''}: "
        f"£{trace.total_gbp / 1e6:,.1f} million in {len(trace.parts):,} parts "
        f"(they add to £{added:,.2f}; the count says £{trace.total_gbp:,.2f})",
        "",
    ]
    for p in trace.parts[:limit]:
        cell = f"{p.source_file} / {p.sheet} / row {p.row_number}" + (
            f" col {p.column_letter}" if p.column_letter else ""
        )
        what = p.line_label or p.segment or p.return_reference or p.fill_rule or ""
        key = (
            f"; key {p.indicator_id} {p.key_district:,.1f} of {p.key_region:,.1f}"
            if p.key_district is not None and p.key_region
            else ""
        )
        share = f" × {p.share:.6f}" if p.share is not None else ""
        published = f"£{p.published_gbp:,.0f}{share}" if p.published_gbp is not None else "no cell"
        lines.append(
            f"  £{p.amount_gbp / 1e6:>9,.3f}m  {p.sector} {p.cofog_group or p.cofog_division}  {p.organisation[:40]}"
        )
        lines.append(f"      {p.method}: {published}{key}; {cell if p.source_file else p.source_id}")
        if what:
            lines.append(f"      {what[:100]}  [rules: {', '.join(p.rules)}]")
        else:
            lines.append(f"      [rules: {', '.join(p.rules)}]")
    if len(trace.parts) > limit:
        rest = sum(p.amount_gbp for p in trace.parts[limit:])
        lines.append(
            f"  ... and {len(trace.parts) - limit:,} smaller parts (£{rest / 1e6:,.3f}m): --format csv or json "
            "lists every one"
        )
    return "\n".join(lines) + "\n"
