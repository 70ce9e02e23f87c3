"""`totalplace compare`: places side by side for one year, with their regions and England.

For each place: total, population, per head in cash and in real terms (2024-25 prices), and per head by
COFOG division and by sector. Beside them, the same per head for each place's region and for England,
made from the 296 April-2023 districts (``dim_place.is_2023_district``), which tile England without
overlap, so a region's figure is the sum of its districts over the sum of their populations.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .count import SECTOR_NAMES, CountError, get_count
from .warehouse import connect

# per head by COFOG division and sector, for places (by their member districts' place rows) or for areas
_BREAKDOWN_SQL = """
SELECT {key} AS area, {what} AS part, sum(s.amount_gbp) AS gbp
FROM marts.fct_place_spend s JOIN marts.dim_place p USING (place_id)
WHERE s.financial_year = ? AND {where}
GROUP BY ALL
"""

_AREA_TOTALS_SQL = """
SELECT {key} AS area, any_value({name}) AS name, sum(t.total_gbp) AS total_gbp, sum(t.total_real_gbp) AS total_real,
       sum(t.population) AS population
FROM marts.place_totals t JOIN marts.dim_place p USING (place_id)
WHERE t.financial_year = ? AND p.is_2023_district {extra}
GROUP BY ALL
"""


def _parts(con, key: str, where: str, year: str, params: list) -> dict[str, dict[str, dict[str, float]]]:
    """area -> {"cofog": {division: gbp}, "sector": {sector: gbp}}."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for what, name in (("s.cofog_division", "cofog"), ("s.sector", "sector")):
        sql = _BREAKDOWN_SQL.format(key=key, what=what, where=where)
        for area, part, gbp in con.execute(sql, [year, *params]).fetchall():
            out.setdefault(area, {"cofog": {}, "sector": {}})[name][part] = gbp
    return out


def _area(area_id: str, name: str, total: float, real: float, population: float, parts: dict) -> dict:
    return {
        "id": area_id,
        "name": name,
        "population": population,
        "total_gbp": total,
        "per_capita_gbp": total / population,
        "per_capita_real_gbp": real / population,
        "per_capita_by_cofog_gbp": {k: v / population for k, v in sorted(parts.get("cofog", {}).items())},
        "per_capita_by_sector_gbp": {k: v / population for k, v in sorted(parts.get("sector", {}).items())},
    }


def get_comparison(warehouse: Path, places: list[str], year: str) -> dict:
    if not places:
        raise CountError("name at least one place: totalplace compare Hackney Camden --year 2023-24")
    counts = [get_count(warehouse, p, year) for p in places]  # checks each place and the year
    year = counts[0].financial_year
    with connect(warehouse, read_only=True) as con:
        ids = [c.place_id for c in counts]
        regions = dict(
            con.execute(
                "SELECT place_id, region_code FROM marts.dim_place WHERE place_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        )
        place_parts = _parts(con, "s.place_id", "s.place_id IN (SELECT unnest(?))", year, [ids])
        wanted = sorted({r for code in regions.values() for r in (code or "").split(", ") if r})
        region_rows = con.execute(
            _AREA_TOTALS_SQL.format(
                key="p.region_code", name="p.region_name", extra="AND p.region_code IN (SELECT unnest(?))"
            ),
            [year, wanted],
        ).fetchall()
        region_parts = _parts(
            con, "p.region_code", "p.is_2023_district AND p.region_code IN (SELECT unnest(?))", year, [wanted]
        )
        [england] = con.execute(
            _AREA_TOTALS_SQL.format(key="'E92000001'", name="'England'", extra=""), [year]
        ).fetchall()
        england_parts = _parts(con, "'E92000001'", "p.is_2023_district", year, [])
    result_places = []
    for c in counts:
        area = _area(
            c.place_id,
            c.place_name,
            c.total_gbp,
            c.total_real_gbp or c.total_gbp,
            c.population,
            place_parts.get(c.place_id, {}),
        )
        area["region_code"] = regions.get(c.place_id)
        result_places.append(area)
    return {
        "financial_year": year,
        "prices_of": counts[0].base_year,
        "places": result_places,
        "regions": [_area(r, n, t, rt, pop, region_parts.get(r, {})) for r, n, t, rt, pop in region_rows],
        "england": _area(*england, england_parts.get("E92000001", {})),
    }


def _rows(comparison: dict) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """Column names (places, regions, England) and one row per measure, per head in pounds."""
    areas = [*comparison["places"], *comparison["regions"], comparison["england"]]
    prices = comparison["prices_of"]
    rows: list[tuple[str, list[float | None]]] = [
        ("total (£ million, cash)", [a["total_gbp"] / 1e6 for a in areas]),
        ("population", [a["population"] for a in areas]),
        ("per head (cash)", [a["per_capita_gbp"] for a in areas]),
        (f"per head ({prices} prices)", [a["per_capita_real_gbp"] for a in areas]),
    ]
    divisions = sorted({k for a in areas for k in a["per_capita_by_cofog_gbp"]})
    rows += [(f"  COFOG {d}", [a["per_capita_by_cofog_gbp"].get(d) for a in areas]) for d in divisions]
    sectors = sorted({k for a in areas for k in a["per_capita_by_sector_gbp"]})
    rows += [(f"  {SECTOR_NAMES.get(s, s)}", [a["per_capita_by_sector_gbp"].get(s) for a in areas]) for s in sectors]
    return [a["name"] for a in areas], rows


def render(comparison: dict, fmt: str, division_names: dict[str, str] | None = None) -> str:
    if fmt == "json":
        return json.dumps(comparison, indent=2)
    names, rows = _rows(comparison)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["financial_year", "measure", *names])
        for label, values in rows:
            w.writerow(
                [comparison["financial_year"], label.strip(), *("" if v is None else f"{v:.2f}" for v in values)]
            )
        return buf.getvalue()
    division_names = division_names or {}
    labels = [
        f"  COFOG {lab.split()[-1]} {division_names.get(lab.split()[-1], '')}".rstrip() if "COFOG" in lab else lab
        for lab, _ in rows
    ]
    width = max(len(x) for x in labels)
    cols = [max(12, min(len(n), 26)) for n in names]
    out = [
        f"{comparison['financial_year']}: £ per head unless said (the regions and England from the 296 "
        "April-2023 districts)",
        f"{'':<{width}}  " + "  ".join(f"{n[:26]:>{c}}" for n, c in zip(names, cols, strict=True)),
    ]
    for label, (_, values) in zip(labels, rows, strict=True):
        cells = []
        for v, c in zip(values, cols, strict=True):
            cells.append(f"{'':>{c}}" if v is None else f"{v:>{c},.1f}" if "million" in label else f"{v:>{c},.0f}")
        out.append(f"{label:<{width}}  " + "  ".join(cells))
    return "\n".join(out) + "\n"
