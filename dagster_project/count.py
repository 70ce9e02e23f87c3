"""`totalplace count`: one place's count for one year, read from the published warehouse (read-only)."""
from __future__ import annotations

import csv
import difflib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from .warehouse import connect

BREAKDOWNS = {
    "cofog": ("cofog_division", "COFOG division"),
    "group": ("coalesce(cofog_group, cofog_division || ' (no group)')", "COFOG group"),
    "sector": ("sector", "sector"),
    "department": ("department", "department"),
    "body": ("organisation", "body"),
    "method": ("CASE WHEN method = 'apportioned_indicator' THEN 'indicator: ' || indicator_id ELSE method END",
               "method (and indicator)"),
    "indicator": ("coalesce(indicator_id, 'none: actual figure or partner return')", "indicator"),
    "source": ("source_id", "source"),
}


class CountError(LookupError):
    pass


@dataclass
class Count:
    place_id: str
    place_name: str
    financial_year: str
    population: int
    total_gbp: float
    per_capita_gbp: float
    share_actual: float
    share_indicator: float
    population_only_total_gbp: float
    by: str
    breakdown: list[dict]

    def as_dict(self) -> dict:
        return {"place_id": self.place_id, "place_name": self.place_name, "financial_year": self.financial_year,
                "population": self.population, "total_gbp": self.total_gbp, "per_capita_gbp": self.per_capita_gbp,
                "share_actual": self.share_actual, "share_indicator": self.share_indicator,
                "population_only_total_gbp": self.population_only_total_gbp, "by": self.by, "breakdown": self.breakdown}


def _close(word: str, options: list[str], n: int = 5) -> list[str]:
    lowered = {o.lower(): o for o in options}
    hits = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.5)
    hits += [o.lower() for o in options if word.lower() in o.lower() and o.lower() not in hits]
    return [lowered[h] for h in hits[:n]]


def get_count(warehouse: Path, place: str, year: str, by: str = "cofog") -> Count:
    if by not in BREAKDOWNS:
        raise CountError(f"unknown breakdown {by!r}; choose one of {', '.join(BREAKDOWNS)}")
    if not warehouse.exists():
        raise CountError(f"no warehouse at {warehouse}: run `totalplace build` first")
    expr, _label = BREAKDOWNS[by]
    with connect(warehouse, read_only=True) as con:
        places = con.execute("SELECT place_id, place_name FROM marts.place_totals GROUP BY ALL").fetchall()
        ids = {p for p, _ in places}
        if place not in ids:
            by_name = {n.lower(): p for p, n in places}
            if place.lower() in by_name:
                place = by_name[place.lower()]
            else:
                names = {f"{p} ({n})": p for p, n in places}
                hints = _close(place, [p for p, _ in places] + [n for _, n in places])
                shown = [f"{p} ({n})" for p, n in places if p in hints or n in hints][:8]
                raise CountError(f"unknown place {place!r}" + (f"; close matches: {', '.join(shown)}" if shown else
                                 "; place ids are 2018 district codes (e.g. E09000012) or pilot ids (e.g. tp_kent)"))
        years = [y for (y,) in con.execute("SELECT DISTINCT financial_year FROM marts.place_totals ORDER BY 1").fetchall()]
        if year not in years:
            hints = _close(year, years, n=3) or years[-3:]
            raise CountError(f"unknown financial year {year!r}; the count covers {years[0]} to {years[-1]}"
                             f" (close: {', '.join(hints)})")
        row = con.execute("SELECT place_name, population, total_gbp, per_capita_gbp, share_actual, share_indicator, "
                          "population_only_total_gbp FROM marts.place_totals "
                          "WHERE place_id = ? AND financial_year = ?", [place, year]).fetchone()
        parts = con.execute(f"SELECT {expr} AS key, sum(amount_gbp) AS amount_gbp, sum(population_only_gbp) "
                            "FROM marts.fct_place_spend WHERE place_id = ? AND financial_year = ? GROUP BY 1 ORDER BY 2 DESC",
                            [place, year]).fetchall()
        names = dict(con.execute("SELECT cofog_code, description FROM raw.cofog").fetchall()) if by in ("cofog", "group") else {}
    total = row[2]
    breakdown = [{by: k, "label": f"{k} {names[k]}" if k in names else str(k), "amount_gbp": a,
                  "per_capita_gbp": a / row[1], "share": a / total, "population_only_gbp": po}
                 for k, a, po in parts]
    return Count(place, row[0], year, int(row[1]), total, row[3], row[4], row[5], row[6], by, breakdown)


def render(count: Count, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(count.as_dict(), indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["place_id", "financial_year", count.by, "amount_gbp", "per_capita_gbp", "share", "population_only_gbp"])
        for b in count.breakdown:
            w.writerow([count.place_id, count.financial_year, b[count.by], f"{b['amount_gbp']:.2f}",
                        f"{b['per_capita_gbp']:.2f}", f"{b['share']:.6f}", f"{b['population_only_gbp']:.2f}"])
        w.writerow([count.place_id, count.financial_year, "TOTAL", f"{count.total_gbp:.2f}", f"{count.per_capita_gbp:.2f}", "1",
                    f"{count.population_only_total_gbp:.2f}"])
        return buf.getvalue()
    lines = [f"{count.place_name} ({count.place_id}), {count.financial_year}",
             f"  total identifiable public spending  £{count.total_gbp / 1e6:,.1f} million",
             f"  population (mid-{count.financial_year[:4]})               {count.population:,}",
             f"  per head                            £{count.per_capita_gbp:,.0f}",
             f"  from actual local returns           {count.share_actual:.1%}",
             f"  placed by place-level indicators    {count.share_indicator:.1%}",
             f"  by population only, it would be     £{count.population_only_total_gbp / 1e6:,.1f} million "
             f"({(count.total_gbp - count.population_only_total_gbp) / 1e6:+,.1f}; "
             f"£{count.population_only_total_gbp / count.population:,.0f} per head)",
             "", f"  {BREAKDOWNS[count.by][1]:<44} {'£ million':>12} {'£ per head':>11} {'share':>7} {'by population only':>19}"]
    for b in count.breakdown:
        lines.append(f"  {b['label'][:44]:<44} {b['amount_gbp'] / 1e6:>12,.1f} {b['per_capita_gbp']:>11,.0f} {b['share']:>7.1%}"
                     f" {b['population_only_gbp'] / 1e6:>19,.1f}")
    return "\n".join(lines) + "\n"
