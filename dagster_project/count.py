"""`totalplace count`: one place's count for one year, read from the published warehouse (read-only)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from . import policy
from .lookup import LookupFailed, Place, normalise_year, plain_names, resolve_place, suggestions
from .settings import PROJECT_ROOT
from .warehouse import connect

SECTOR_NAMES = {"CG": "Central government", "LG": "Local government", "PC": "Public corporations"}

BREAKDOWNS = {
    "cofog": ("cofog_division", "COFOG division"),
    "group": ("coalesce(cofog_group, cofog_division || ' (no group)')", "COFOG group"),
    "sector": ("sector", "sector"),
    # the councils' own returns and CRA's "Local Government England" rows are different money: say which is which
    "department": (
        "CASE department WHEN 'Local government' THEN 'Local government (the councils'' own returns)' "
        "WHEN 'Local Government England' THEN 'Local Government England (CRA: council capital and companies)' "
        "ELSE department END",
        "department",
    ),
    "body": ("organisation", "body"),
    "method": (
        "CASE WHEN method = 'apportioned_indicator' THEN 'indicator: ' || indicator_id ELSE method END",
        "method (and indicator)",
    ),
    "indicator": ("coalesce(indicator_id, 'none: actual figure or partner return')", "indicator"),
    # a figure resting on a third party's derived file says so (rule derived_source_rule)
    "source": (
        "source_id || CASE WHEN source_origin = 'third_party_derived' "
        "THEN ' [third-party derived file, not a publisher''s]' ELSE '' END",
        "source",
    ),
}


class CountError(LookupError):
    pass


def require_warehouse(warehouse: Path) -> None:
    """A clear message, not a traceback, when there is no published warehouse where we look."""
    if warehouse.exists():
        return
    import os

    where = (
        "TOTALPLACE_WAREHOUSE"
        if os.environ.get("TOTALPLACE_WAREHOUSE")
        else f"the project's default (the project this command runs from, {PROJECT_ROOT})"
    )
    raise CountError(
        f"no warehouse at {warehouse} ({where}): run `totalplace build` in {PROJECT_ROOT}, "
        "or set TOTALPLACE_WAREHOUSE to a built warehouse"
    )


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
    population_mid_year: int | None = None
    # how the money was placed, in plain words (seed methods' headline), largest first:
    # [{"method", "third_party_derived", "label", "amount_gbp", "share"}]
    placed: list[dict] | None = None
    # real terms: cash x factor is in the prices of base_year (marts.dim_financial_year, rule real_terms_rule)
    real_terms_factor: float | None = None
    base_year: str | None = None
    real: bool = False  # the table and csv show real terms (the cash figure beside them)
    # the error band (place_totals.total_low_gbp / total_high_gbp, rule error_band_rule)
    total_low_gbp: float | None = None
    total_high_gbp: float | None = None
    population_origin: str | None = None  # third_party_derived: mid-2024 from a third party's export

    @property
    def band_gbp(self) -> float | None:
        return None if self.total_high_gbp is None else self.total_high_gbp - self.total_gbp

    @property
    def total_real_gbp(self) -> float | None:
        return None if self.real_terms_factor is None else self.total_gbp * self.real_terms_factor

    @property
    def per_capita_real_gbp(self) -> float | None:
        return None if self.real_terms_factor is None else self.per_capita_gbp * self.real_terms_factor

    def as_dict(self) -> dict:
        return {
            "place_id": self.place_id,
            "place_name": self.place_name,
            "financial_year": self.financial_year,
            "population": self.population,
            "total_gbp": self.total_gbp,
            "per_capita_gbp": self.per_capita_gbp,
            "share_actual": self.share_actual,
            "share_indicator": self.share_indicator,
            "population_only_total_gbp": self.population_only_total_gbp,
            "population_mid_year": self.population_mid_year,
            "population_origin": self.population_origin,
            "total_real_gbp": self.total_real_gbp,
            "per_capita_real_gbp": self.per_capita_real_gbp,
            "real_terms_factor": self.real_terms_factor,
            "prices_of": self.base_year,
            "total_low_gbp": self.total_low_gbp,
            "total_high_gbp": self.total_high_gbp,
            "per_capita_low_gbp": None if self.total_low_gbp is None else self.total_low_gbp / self.population,
            "per_capita_high_gbp": None if self.total_high_gbp is None else self.total_high_gbp / self.population,
            "placed": self.placed,
            "by": self.by,
            "breakdown": self.breakdown,
        }


def load_places(con) -> list[Place]:
    return [
        Place(*r)
        for r in con.execute(
            "SELECT t.place_id, any_value(t.place_name), any_value(coalesce(p.place_kind, 'district')) "
            "FROM marts.place_totals t LEFT JOIN seeds.places p USING (place_id) GROUP BY 1 ORDER BY 1"
        ).fetchall()
    ]


def load_years(con) -> list[str]:
    return [y for (y,) in con.execute("SELECT DISTINCT financial_year FROM marts.place_totals ORDER BY 1").fetchall()]


def count_years(warehouse: Path, text: str) -> list[str]:
    """The financial years a --year names: one (2016-17, 2016/17, 16-17) or a range (2014-15..2016-17), each end
    checked against the years the count covers."""
    require_warehouse(warehouse)
    with connect(warehouse, read_only=True) as con:
        years = load_years(con)
    first, sep, last = text.partition("..")
    try:
        start = normalise_year(first, years)
        end = normalise_year(last, years) if sep else start
    except LookupFailed as e:
        raise CountError(str(e)) from None
    if end < start:
        raise CountError(f"--year {text!r}: the range runs backwards; write it as {end}..{start}")
    return [y for y in years if start <= y <= end]


def get_count(warehouse: Path, place: str, year: str, by: str = "cofog", real: bool = False) -> Count:
    if by not in BREAKDOWNS:
        raise CountError(f"unknown breakdown {by!r}; choose one of {', '.join(BREAKDOWNS)}")
    require_warehouse(warehouse)
    expr, _label = BREAKDOWNS[by]
    with connect(warehouse, read_only=True) as con:
        try:
            found = resolve_place(place, load_places(con))
            year = normalise_year(year, load_years(con))
        except LookupFailed as e:
            raise CountError(str(e)) from None
        place = found.place_id
        row = con.execute(
            "SELECT place_name, population, total_gbp, per_capita_gbp, share_actual, share_indicator, "
            "population_only_total_gbp, population_mid_year, total_low_gbp, total_high_gbp, population_origin "
            "FROM marts.place_totals "
            "WHERE place_id = ? AND financial_year = ?",
            [place, year],
        ).fetchone()
        if row is None:
            raise CountError(outside_life(con, found, year))
        parts = con.execute(
            f"SELECT {expr} AS key, sum(amount_gbp) AS amount_gbp, sum(population_only_gbp) "
            "FROM marts.fct_place_spend WHERE place_id = ? AND financial_year = ? GROUP BY 1 ORDER BY 2 DESC",
            [place, year],
        ).fetchall()
        placed = how_placed(con, place, year, row[2])
        errors = (
            {
                k: (rate, stream, comparator, measured, assumed)
                for k, rate, stream, comparator, measured, assumed in con.execute(
                    f"SELECT {expr} AS key, sum(error_gbp) / nullif(sum(abs(amount_gbp)), 0), "
                    "any_value(measured_stream), any_value(measured_comparator), any_value(measured_financial_year), "
                    "bool_or(matched_indicator_id = '*') "
                    "FROM marts.place_error_bands WHERE place_id = ? AND financial_year = ? GROUP BY 1",
                    [place, year],
                ).fetchall()
            }
            if by == "method"
            else {}
        )
        factor, base = con.execute(
            "SELECT real_terms_factor, base_year FROM marts.dim_financial_year WHERE financial_year = ?", [year]
        ).fetchone() or (None, None)
        if real and factor is None:
            raise CountError(f"no GDP deflator for {year} in marts.dim_financial_year: ask for cash (no --real)")
        names = (
            dict(con.execute("SELECT cofog_code, description FROM marts.dim_cofog").fetchall())
            if by in ("cofog", "group")
            else {}
        )
        if by == "group":  # a line the source gives only a division for says so, with the division's name
            names |= {
                k: f"{k[:2]} {names.get(k[:2], '')}: no group (the source gives the division only)"
                for k, *_ in parts
                if k and k.endswith(" (no group)")
            }
        if by == "sector":
            names = SECTOR_NAMES
        elif by == "indicator" or by == "method":
            labels = dict(con.execute("SELECT indicator_id, label FROM seeds.indicators").fetchall())
            names = {
                k: f"{k} ({labels[k.removeprefix('indicator: ')]})"
                for k, *_ in parts
                if k and k.removeprefix("indicator: ") in labels
            }
    total = row[2]
    breakdown = [
        {
            by: k,
            "label": names[k]
            if (by in ("indicator", "method") or str(k).endswith(" (no group)")) and k in names
            else f"{k} {names[k]}"
            if k in names
            else str(k),
            "amount_gbp": a,
            "per_capita_gbp": a / row[1],
            "share": a / total,
            "population_only_gbp": po,
            **(
                {
                    "error_rate": errors[k][0],
                    "error_gbp": None if errors[k][0] is None else abs(a) * errors[k][0],
                    "error_measured_as": error_measured_as(*errors[k][1:]),
                }
                if k in errors
                else {}
            ),
        }
        for k, a, po in parts
    ]
    return Count(
        place,
        row[0],
        year,
        int(row[1]),
        total,
        row[3],
        row[4],
        row[5],
        row[6],
        by,
        breakdown,
        row[7],
        placed,
        factor,
        base,
        real,
        row[8],
        row[9],
        row[10],
    )


STREAM_WORDS = {"07 health": "health", "LG current (councils own returns)": "local government current spending"}
COMPARATOR_WORDS = {
    "nhs_funder_allocation": "NHS England's allocations",
    "resident_population": "the district's residents (its patients counted where their surgery is)",
    "actual": "the councils' own returns",
}


def error_measured_as(stream: str | None, comparator: str | None, year: str | None, assumed: bool = False) -> str:
    """What a method's measured error was measured against, in words: 'health (07) against NHS England's
    allocations, 2024-25'; a body's own figure: 'its own figure: no placement error'."""
    if comparator is None:
        return "its own figure: no placement error"
    stream_words = STREAM_WORDS.get(stream, stream)
    measured = f"{stream_words} against {COMPARATOR_WORDS.get(comparator, comparator)}, {year}"
    return f"assumed: health's estimate's error ({measured})" if assumed else measured


DERIVED_NOTE = " (a third party's derived file, not the publisher's)"


def how_placed(con, place_id: str, year: str, total: float) -> list[dict]:
    """The count split by how its money was placed (method, and whether it rests on a third party's
    derived file), in the plain words of seed methods' headline column, largest first."""
    headlines = policy.load().method_headlines
    rows = con.execute(
        "SELECT method, coalesce(source_origin = 'third_party_derived', false) AS derived, sum(amount_gbp) "
        "FROM marts.fct_place_spend WHERE place_id = ? AND financial_year = ? GROUP BY 1, 2 "
        "HAVING abs(sum(amount_gbp)) >= 0.5 ORDER BY 3 DESC",
        [place_id, year],
    ).fetchall()
    # each method's measured error (marts.place_error_bands: its money x its measured 90th-percentile error)
    errors = dict(
        con.execute(
            "SELECT method, sum(error_gbp) / nullif(sum(abs(amount_gbp)), 0) FROM marts.place_error_bands "
            "WHERE place_id = ? AND financial_year = ? GROUP BY 1",
            [place_id, year],
        ).fetchall()
    )
    return [
        {
            "method": method,
            "third_party_derived": derived,
            "label": headlines.get(method, method) + (DERIVED_NOTE if derived else ""),
            "amount_gbp": amount,
            "share": amount / total,
            "error_rate": errors.get(method),
        }
        for method, derived, amount in rows
    ]


def placed_lines(count: Count, indent: str = "    ", factor: float = 1.0) -> list[str]:
    """The headline's 'how the money was placed' block: one line per way, its share and £ million."""
    width = max([40] + [len(p["label"]) for p in count.placed or []])
    amounts = [f"£{factor * p['amount_gbp'] / 1e6:,.1f} million" for p in count.placed or []]
    room = max([0] + [len(a) for a in amounts])
    return [
        (
            f"{indent}{p['label']:<{width}} {p['share']:>7.1%}  {a:<{room}}"
            + ("" if not p.get("error_rate") else f"  ±{p['error_rate']:.0%} measured error")
        ).rstrip()
        for p, a in zip(count.placed or [], amounts, strict=True)
    ]


def band_text(low: float | None, high: float | None, scale: float, digits: int, unit: str = "") -> str:
    """', likely £4,192.3–£4,820.6 million' (empty when there is no band)."""
    if low is None or high is None:
        return ""
    return f", likely £{low / scale:,.{digits}f}–£{high / scale:,.{digits}f}{unit}"


def outside_life(con, place: Place, year: str) -> str:
    """One line for a place asked for a year it did not exist in: its years, and its successor if it merged."""
    first, last = con.execute(
        "SELECT first_year, last_year FROM marts.dim_place WHERE place_id = ?", [place.place_id]
    ).fetchone() or (None, None)
    label = f"{place.place_name} ({place.place_id})"
    if first is None:
        return f"{label} has no count for {year}; `totalplace places` lists the places and their years"
    successor = con.execute(
        "SELECT place_id, place_name FROM marts.dim_place WHERE place_kind = 'district_2023' AND place_id <> ? "
        "AND list_contains(string_split(member_codes, ', '), ?) ORDER BY place_id LIMIT 1",
        [place.place_id, place.place_id],
    ).fetchone()
    if year > last and successor:
        merged = int(last[:4]) + 1
        return (
            f"{label} was merged in April {merged} into what is now {successor[1]} ({successor[0]}): "
            f"ask for {successor[1]}, or a year from {first} up to {last}"
        )
    return f"{label} is counted from {first} to {last} only, not in {year}: ask for a year in that span"


def population_label(count: Count) -> str:
    """'population (mid-2016)'; for a year whose own estimate is not out yet, the one held for it."""
    year = int(count.financial_year[:4])
    mid = count.population_mid_year or year
    return f"population (mid-{mid})" if mid == year else f"population (mid-{mid}, held)"


def population_note(count: Count) -> str:
    """Beside the population: whose file it is, when it is a third party's export (mid-2024)."""
    if count.population_origin == "third_party_derived":
        return "a third party's export of ONS's sheet, not ONS's workbook"
    return ""


def _money(x: float, digits: int = 0) -> str:
    text = f"{x:,.{digits}f}"
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text  # never "-0"


def _headline_money(count: Count) -> list[str]:
    """Total, population and per head: in real terms with the cash beside them, or cash saying so."""
    pop_note = f" ({population_note(count)})" if population_note(count) else ""
    k = count.real_terms_factor if count.real else 1.0
    low, high = (None, None) if count.total_low_gbp is None else (k * count.total_low_gbp, k * count.total_high_gbp)
    total_band = band_text(low, high, 1e6, 1, " million")
    head_band = band_text(
        None if low is None else low / count.population, None if high is None else high / count.population, 1, 0
    )
    band_line = (
        []
        if low is None
        else [
            f"  {'':36}(the band: each method's measured error, ±{count.band_gbp / count.total_gbp:.1%}; "
            "--by method shows each)"
        ]
    )
    if count.real:
        return [
            f"  total identifiable public spending  £{count.total_real_gbp / 1e6:,.1f} million in {count.base_year} "
            f"prices{total_band} (cash: £{count.total_gbp / 1e6:,.1f} million)",
            *band_line,
            f"  {population_label(count):36}{count.population:,}{pop_note}",
            f"  per head                            £{count.per_capita_real_gbp:,.0f} in {count.base_year} prices"
            f"{head_band} (cash: £{count.per_capita_gbp:,.0f})",
        ]
    return [
        f"  total identifiable public spending  £{count.total_gbp / 1e6:,.1f} million{total_band} (cash, "
        f"{count.financial_year} prices; --real for real terms)",
        *band_line,
        f"  {population_label(count):36}{count.population:,}{pop_note}",
        f"  per head                            £{count.per_capita_gbp:,.0f}{head_band}",
    ]


def render(count: Count, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(count.as_dict(), indent=2)
    if fmt == "csv":
        # one row per part with its label; the total is the sum of the rows (see --format json or table)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(
            [
                "place_id",
                "place_name",
                "financial_year",
                count.by,
                "label",
                "amount_gbp",
                "per_capita_gbp",
                "share",
                "population_only_gbp",
                *(["amount_real_gbp", "per_capita_real_gbp", "prices_of"] if count.real else []),
                *(["error_rate", "error_gbp", "error_measured_as"] if count.by == "method" else []),
            ]
        )
        for b in count.breakdown:
            w.writerow(
                [
                    count.place_id,
                    count.place_name,
                    count.financial_year,
                    b[count.by],
                    b["label"],
                    f"{b['amount_gbp']:.2f}",
                    f"{b['per_capita_gbp']:.2f}",
                    f"{b['share']:.6f}",
                    f"{b['population_only_gbp']:.2f}",
                    *(
                        [
                            f"{b['amount_gbp'] * count.real_terms_factor:.2f}",
                            f"{b['per_capita_gbp'] * count.real_terms_factor:.2f}",
                            count.base_year,
                        ]
                        if count.real
                        else []
                    ),
                    *(
                        [
                            "" if b.get("error_rate") is None else f"{b['error_rate']:.6f}",
                            "" if b.get("error_gbp") is None else f"{b['error_gbp']:.2f}",
                            b.get("error_measured_as", ""),
                        ]
                        if count.by == "method"
                        else []
                    ),
                ]
            )
        return buf.getvalue()
    width = max([44, len(BREAKDOWNS[count.by][1])] + [len(b["label"]) for b in count.breakdown])
    moved = count.total_gbp - count.population_only_total_gbp
    k = count.real_terms_factor if count.real else 1.0  # the table's amounts: real terms, or cash
    unit = f"£ million, {count.base_year} prices" if count.real else "£ million"
    money = _headline_money(count)
    lines = [
        f"{count.place_name} ({count.place_id}), {count.financial_year}",
        *money,
        "  how the money was placed:",
        *placed_lines(count, factor=k),
        f"  by population only, it would be     £{k * count.population_only_total_gbp / 1e6:,.1f} million "
        f"(the indicators moved it {'+' if moved >= 0 else '-'}£{k * abs(moved) / 1e6:,.1f} million; "
        f"£{k * count.population_only_total_gbp / count.population:,.0f} per head)",
        "",
        f"  {BREAKDOWNS[count.by][1]:<{width}} {unit:>12} {'£ per head':>11} {'share':>7} {'by population only':>19}",
    ]
    with_errors = count.by == "method"
    if with_errors:
        lines[-1] += f" {'measured error':>15}"
    for b in count.breakdown:
        line = (
            f"  {b['label']:<{width}} {_money(k * b['amount_gbp'] / 1e6, 1):>{len(unit)}} "
            f"{_money(k * b['per_capita_gbp']):>11} {b['share']:>7.1%} "
            f"{_money(k * b['population_only_gbp'] / 1e6, 1):>19}"
        )
        if with_errors:
            rate = b.get("error_rate")
            line += f" {'—' if rate is None else f'±{rate:.1%}':>15}"
        lines.append(line)
    if with_errors:
        lines += [
            "",
            "  measured error: the 90th-percentile error of a district's share under the method, measured against",
            "  a better figure (marts.method_accuracy; seed error_bands says which stands for which):",
            *sorted({f"    {b['label']}: {b['error_measured_as']}" for b in count.breakdown if "error_gbp" in b}),
        ]
    return "\n".join(lines) + "\n"


def list_places(warehouse: Path, search: str | None = None) -> list[dict]:
    """Places of the count (marts.dim_place), all or those whose id or name contains ``search``, best
    match first; with no match, the closest by similarity."""
    require_warehouse(warehouse)
    with connect(warehouse, read_only=True) as con:
        cur = con.execute(
            "SELECT place_id, place_name, place_kind, region_name, n_districts, member_names, "
            "first_year, last_year FROM marts.dim_place ORDER BY place_kind DESC, place_name"
        )
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=False)) for r in cur.fetchall()]
    if not search:
        return rows
    t = search.strip().lower()
    by_id = {r["place_id"]: r for r in rows}
    places = [Place(r["place_id"], r["place_name"], r["place_kind"]) for r in rows]
    hits = [p for p in places if t in p.place_id.lower() or any(t in n for n in plain_names(p))]
    hits.sort(
        key=lambda p: (not any(n.startswith(t) for n in plain_names(p)), p.place_kind != "district", p.place_name)
    )
    return [by_id[p.place_id] for p in (hits or suggestions(search, places))]


def render_places(rows: list[dict], fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["place_id"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()
    # every column as wide as its longest value, so long pilot ids and region lists keep the columns aligned
    w_id = max([len("place id")] + [len(r["place_id"]) for r in rows])
    w_kind = max([len("kind")] + [len(r["place_kind"]) for r in rows])
    w_region = max([len("region")] + [len(r["region_name"] or "") for r in rows])
    w_name = max([len("name")] + [len(r["place_name"]) for r in rows])
    lines = [
        f"{'place id':<{w_id}}  {'kind':<{w_kind}}  {'region':<{w_region}}  {'years':<18}  "
        f"{'name':<{w_name}}  districts"
    ]
    for r in rows:
        members = r["member_names"] if r["n_districts"] > 1 else ""
        lines.append(
            f"{r['place_id']:<{w_id}}  {r['place_kind']:<{w_kind}}  {(r['region_name'] or ''):<{w_region}}  "
            f"{r['first_year'] + ' to ' + r['last_year']:<18}  {r['place_name']:<{w_name}}  {members}".rstrip()
        )
    return "\n".join(lines) + "\n"
