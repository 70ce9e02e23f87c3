"""`totalplace ndpb`: the arm's-length bodies report for one English region and year, from the
published warehouse (read-only): how much of CRA's organisation spending is matched to a directory
body, the NDPBs delivering in the region, the directory-against-CRA reconciliation and the bodies
that could not be linked."""

import difflib
from dataclasses import dataclass
from pathlib import Path

from .count import CountError, require_warehouse
from .warehouse import connect


@dataclass
class NdpbReport:
    region_code: str
    region_name: str
    financial_year: str
    coverage: tuple | None
    ndpbs: list[tuple]
    reconciliation: list[tuple]
    unmatched_directory: list[tuple]
    unmatched_cra: list[tuple]


def get_report(warehouse: Path, region: str, year: str, top: int = 15) -> NdpbReport:
    require_warehouse(warehouse)
    with connect(warehouse, read_only=True) as con:
        regions = dict(
            con.execute(
                "SELECT region_code, region_name FROM seeds.cra_regions WHERE region_kind = 'english_region'"
            ).fetchall()
        )
        by_name = {n.lower(): c for c, n in regions.items()}
        code = region if region in regions else by_name.get(region.lower())
        if code is None:
            hints = difflib.get_close_matches(region, list(regions) + list(regions.values()), n=4, cutoff=0.5)
            raise CountError(
                f"unknown English region {region!r}"
                + (
                    f"; close matches: {', '.join(hints)}"
                    if hints
                    else f"; regions: {', '.join(f'{c} ({n})' for c, n in sorted(regions.items()))}"
                )
            )
        years = [
            y
            for (y,) in con.execute(
                "SELECT DISTINCT financial_year FROM marts.ndpb_region_coverage ORDER BY 1"
            ).fetchall()
        ]
        if year not in years:
            raise CountError(f"no NDPB report for {year!r}: CRA 2018 names organisations for {years[0]} to {years[-1]}")
        coverage = con.execute(
            "SELECT organisation_spend_gbp, matched_gbp, matched_share, matched_organisations, "
            "unmatched_organisations FROM marts.ndpb_region_coverage WHERE region_code = ? AND "
            "financial_year = ?",
            [code, year],
        ).fetchone()
        ndpbs = con.execute(
            """
            SELECT b.organisation, b.department, any_value(b.classification), sum(b.amount_gbp)
            FROM marts.place_spend_by_body b JOIN marts.dim_place d ON d.place_id = b.place_id
            WHERE d.place_kind = 'district' AND d.region_code = ? AND b.financial_year = ? AND b.is_ndpb
            GROUP BY 1, 2 ORDER BY 4 DESC LIMIT ?""",
            [code, year, top],
        ).fetchall()
        reconciliation = con.execute(
            """
            SELECT body_name, cra_organisation, directory_gross_gbp, cra_total_gbp, difference_gbp
            FROM marts.ndpb_reconciliation WHERE financial_year = ?
            ORDER BY abs(difference_gbp) DESC NULLS LAST LIMIT ?""",
            [year, top],
        ).fetchall()
        unmatched_directory = con.execute("""
            SELECT body, department, classification, last_directory_year, amount_gbp FROM marts.ndpb_unmatched
            WHERE side LIKE 'directory%' ORDER BY amount_gbp DESC NULLS LAST""").fetchall()
        unmatched_cra = con.execute(
            """
            SELECT organisation, department, amount_gbp FROM marts.ndpb_unmatched_by_region
            WHERE region_code = ? AND financial_year = ? ORDER BY 3 DESC LIMIT ?""",
            [code, year, top],
        ).fetchall()
    return NdpbReport(code, regions[code], year, coverage, ndpbs, reconciliation, unmatched_directory, unmatched_cra)


def _m(x: float | None) -> str:
    """£1,234.5m, −£65,258.2m (the sign before the pound sign), or - for no figure."""
    if x is None:
        return "-"
    sign = "\u2212" if x < 0 else ""
    return f"{sign}£{abs(x) / 1e6:,.1f}m"


def as_rows(r: NdpbReport) -> list[dict]:
    """Every line of the report as one flat row (for CSV and JSON): section, body, department, detail, figures."""
    spend, matched, share, n_matched, n_unmatched = r.coverage
    base = {"region_code": r.region_code, "region_name": r.region_name, "financial_year": r.financial_year}
    rows = [
        {
            **base,
            "section": "coverage",
            "body": "",
            "department": "",
            "detail": f"{n_matched} matched, {n_unmatched} not",
            "amount_gbp": spend,
            "matched_gbp": matched,
            "matched_share": share,
        }
    ]
    rows += [
        {**base, "section": "ndpb_in_region", "body": o, "department": d, "detail": c or "", "amount_gbp": a}
        for o, d, c, a in r.ndpbs
    ]
    rows += [
        {
            **base,
            "section": "reconciliation_national",
            "body": b,
            "department": o or "",
            "detail": "",
            "amount_gbp": d,
            "cra_total_gbp": c,
            "difference_gbp": x,
        }
        for b, o, d, c, x in r.reconciliation
    ]
    rows += [
        {
            **base,
            "section": "directory_body_without_cra_line",
            "body": b,
            "department": d or "",
            "detail": f"{c or ''} (last in the {y} directory)",
            "amount_gbp": a,
        }
        for b, d, c, y, a in r.unmatched_directory
    ]
    rows += [
        {
            **base,
            "section": "cra_organisation_without_directory_body",
            "body": o,
            "department": d,
            "detail": "",
            "amount_gbp": a,
        }
        for o, d, a in r.unmatched_cra
    ]
    return rows


def render_format(r: NdpbReport, fmt: str) -> str:
    if fmt == "table":
        return render(r)
    rows = as_rows(r)
    if fmt == "json":
        import json

        return json.dumps(rows, indent=2, default=str)
    import csv
    import io

    buf = io.StringIO()
    names = list(dict.fromkeys(k for row in rows for k in row))
    w = csv.DictWriter(buf, fieldnames=names, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def render(r: NdpbReport) -> str:
    m = _m
    spend, matched, share, n_matched, n_unmatched = r.coverage
    lines = [
        f"Arm's-length bodies in {r.region_name} ({r.region_code}), {r.financial_year}",
        f"  CRA 2018 identifiable CG+PC spending under organisations other than departments: {m(spend)}",
        f"  matched to a counted directory body: {m(matched)} = {share:.1%} "
        f"({n_matched} organisations matched, {n_unmatched} not)",
        "",
        "  NDPBs delivering in the region (labelled inside the departments' figures, not added):",
    ]
    lines += [f"    {org[:58]:58} {cls or '':16} {m(a):>12}" for org, _d, cls, a in r.ndpbs]
    lines += ["", "  Directory gross expenditure against CRA 2018 total (largest differences, national):"]
    lines += [
        f"    {b[:44]:44} directory {m(d):>12}  CRA {m(c):>12}  diff {m(x):>12}" for b, _o, d, c, x in r.reconciliation
    ]
    lines += ["", f"  Directory bodies (counted) with no CRA 2018 line: {len(r.unmatched_directory)}; largest:"]
    lines += [f"    {b[:58]:58} {cls or '':26} {y} {m(a):>12}" for b, _d, cls, y, a in r.unmatched_directory[:15]]
    lines += ["", "  CRA organisations in the region with no directory body (largest):"]
    lines += [f"    {o[:58]:58} {d[:40]:40} {m(a):>12}" for o, d, a in r.unmatched_cra]
    return "\n".join(lines) + "\n"
