"""`totalplace map`: a choropleth of England's 296 April-2023 districts for a year, as one page that opens
offline; and the small map of a place among its neighbours in the report.

The outlines are `marts.dim_district_outline` (a third party's cut of ONS's May-2024 boundaries, NOT
ONS's file, said on the page). The map is plotly's own choropleth on a geo projection, with plotly.js
embedded: no tile server. plotly.js asks for a world base map (topojson from its CDN) even when the
figure draws only its own GeoJSON; the page defines that asset itself, empty, before plotly.js loads
(``window.PlotlyGeoAssets``), so nothing is fetched. GeoJSON rings are rewound to the winding plotly's
projection expects (exterior rings clockwise), or a district would be drawn as the whole globe minus it.

Measures (``--by``): per head in real terms (2024-25 prices; default), the share placed by indicators,
the share from actual local returns, or the error band as a share of the total (each method's money times
its measured error, in quadrature: rule error_band_rule). Any of them for one COFOG division with ``--cofog``.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from .count import CountError, require_warehouse
from .lookup import LookupFailed, normalise_year
from .map_measures import MEASURES
from .warehouse import connect

# plotly.js's world base map, defined empty so that the page never fetches it (see the module docstring)
_EMPTY = {"type": "GeometryCollection", "geometries": []}
_TOPOLOGY = {
    "type": "Topology",
    "objects": {k: _EMPTY for k in ("land", "ocean", "coastlines", "countries", "lakes", "rivers", "subunits")},
    "arcs": [],
}
GEO_ASSETS = (
    "<script>window.PlotlyGeoAssets = {topojson: {world_110m: %s, world_50m: %s, europe_110m: %s, europe_50m: %s}};"
    "</script>" % ((json.dumps(_TOPOLOGY),) * 4)
)


def _planar_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def rewound(geometry: dict) -> dict:
    """A (Multi)Polygon with exterior rings clockwise and holes anticlockwise, as d3-geo (plotly) reads them."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    out = []
    for polygon in polygons:
        rings = []
        for i, ring in enumerate(polygon):
            area = _planar_area(ring)
            rings.append(ring[::-1] if (i == 0 and area > 0) or (i > 0 and area < 0) else ring)
        out.append(rings)
    return {"type": "MultiPolygon", "coordinates": out}


def _values_sql(cofog: str | None) -> tuple[str, list]:
    where = " AND s.cofog_division = ?" if cofog and len(cofog) == 2 else " AND s.cofog_group = ?" if cofog else ""
    sql = f"""
        WITH errors AS (
            -- each method's money (of the division or group asked for) times its measured error: the band's terms
            SELECT s.place_id, abs(sum(s.amount_gbp)) * any_value(e.error_rate) AS error_gbp
            FROM marts.fct_place_spend s
            JOIN marts.place_error_bands e ON e.place_id = s.place_id AND e.financial_year = s.financial_year
                 AND e.method = s.method AND e.indicator_id IS NOT DISTINCT FROM s.indicator_id
            WHERE s.financial_year = $year {where.replace("?", "$cofog")}
            GROUP BY s.place_id, s.method, s.indicator_id),
        bands AS (SELECT place_id, sqrt(sum(error_gbp * error_gbp)) AS band_gbp FROM errors GROUP BY 1)
        SELECT o.place_id, o.place_name, o.region_name, o.member_names, o.geometry, t.population,
               any_value(b.band_gbp) AS band_gbp,
               sum(s.amount_gbp) AS gbp,
               sum(s.amount_gbp) FILTER (WHERE m.basis = 'indicator') AS indicator_gbp,
               sum(s.amount_gbp) FILTER (WHERE m.basis = 'actual') AS actual_gbp,
               sum(s.amount_gbp) FILTER (WHERE m.basis = 'population') AS population_gbp,
               sum(s.amount_gbp) FILTER (WHERE m.basis = 'imputed') AS imputed_gbp,
               any_value(d.real_terms_factor) AS factor, any_value(d.base_year) AS base_year
        FROM marts.dim_district_outline o
        JOIN marts.place_totals t ON t.place_id = o.place_id AND t.financial_year = $year
        JOIN marts.fct_place_spend s ON s.place_id = o.place_id AND s.financial_year = t.financial_year
             {where.replace("?", "$cofog")}
        JOIN seeds.methods m ON m.method = s.method
        JOIN marts.dim_financial_year d ON d.financial_year = t.financial_year
        LEFT JOIN bands b ON b.place_id = o.place_id
        GROUP BY o.place_id, o.place_name, o.region_name, o.member_names, o.geometry, t.population
        ORDER BY o.place_id"""
    return sql, {"cofog": cofog} if cofog else {}


def map_data(warehouse: Path, year: str, cofog: str | None = None) -> dict:
    """Every 2023 district's outline and figures for ``year`` (and one COFOG division or group)."""
    require_warehouse(warehouse)
    with connect(warehouse, read_only=True) as con:
        years = [
            y for (y,) in con.execute("SELECT DISTINCT financial_year FROM marts.place_totals ORDER BY 1").fetchall()
        ]
        try:
            year = normalise_year(year, years)
        except LookupFailed as e:
            raise CountError(str(e)) from None
        if cofog and not con.execute("SELECT 1 FROM marts.dim_cofog WHERE cofog_code = ?", [cofog]).fetchone():
            raise CountError(f"--cofog {cofog!r} is not a COFOG division or group (07, 07.3): see marts.dim_cofog")
        label = (
            con.execute("SELECT description FROM marts.dim_cofog WHERE cofog_code = ?", [cofog]).fetchone()[0]
            if cofog
            else None
        )
        sql, params = _values_sql(cofog)
        cur = con.execute(sql, {"year": year, **params})
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        n_districts = con.execute("SELECT count(*) FROM marts.dim_place WHERE is_2023_district").fetchone()[0]
    return {"year": year, "cofog": cofog, "cofog_label": label, "rows": rows, "n_districts": n_districts}


def _hover(r: dict, prices: str) -> str:
    gbp = r["gbp"] or 0.0

    def share(x):
        return f"{(x or 0) / gbp:.0%}" if gbp else "–"

    members = r["member_names"] or ""
    inside = f"<br>drawn with its 2018 districts: {html.escape(members)}" if "," in members else ""
    return (
        f"<b>{html.escape(r['place_name'])}</b> ({r['place_id']}), {html.escape(r['region_name'] or '')}<br>"
        f"£{gbp * r['factor'] / r['population']:,.0f} per head ({prices} prices), "
        f"£{gbp / r['population']:,.0f} cash<br>"
        f"placed: actual returns {share(r['actual_gbp'])}, indicators {share(r['indicator_gbp'])}, "
        f"head count {share(r['population_gbp'])}, imputed {share(r['imputed_gbp'])}<br>"
        f"error band ±{share(r['band_gbp'])} (each method's measured error){inside}"
    )


def _colour_range(values: list) -> tuple[float, float]:
    """The colours stop at the 1st and 99th percentiles, so that one outlier (the City of London's per head is
    twice the next district's) does not wash every other district into one shade."""
    xs = sorted(v for v in values if v is not None)
    if not xs:
        return 0.0, 1.0
    k = max(1 if len(xs) >= 10 else 0, round(len(xs) * 0.01))
    return xs[k], xs[-1 - k]


def _range_note(values: list, zmin: float, zmax: float, by: str) -> str:
    fmt = (lambda v: f"£{v:,.0f}") if by == "per_head" else (lambda v: f"±{v:.1%}") if by == "band" else "{:.0%}".format
    outside = sum(1 for v in values if v is not None and not zmin <= v <= zmax)
    beyond = f"; {outside} districts beyond them take the end colour (hover for each figure)" if outside else ""
    which = "1st to 99th percentile" if len(values) >= 100 else "all but the lowest and the highest"
    return f"colours run from {fmt(zmin)} to {fmt(zmax)} ({which}){beyond}"


def drawn_as(warehouse: Path, place_id: str) -> list[str]:
    """The April-2023 districts that hold a place's 2018 districts: itself for a 2023 district, its successor for a
    district merged after 2018, every district of a pilot area. Read from the marts only."""
    with connect(warehouse, read_only=True) as con:
        return [
            code
            for (code,) in con.execute(
                "SELECT DISTINCT q.place_id FROM marts.dim_place p, marts.dim_place q "
                "WHERE p.place_id = ? AND q.is_2023_district "
                "AND list_has_any(string_split(p.member_codes, ', '), string_split(q.member_codes, ', ')) ORDER BY 1",
                [place_id],
            ).fetchall()
        ]


def choropleth(
    data: dict, by: str = "per_head", highlight: list[str] | tuple = (), only_regions: list[str] | tuple = ()
):
    """The plotly figure: one location per 2023 district (or per district of the regions named), the districts in
    ``highlight`` outlined in orange."""
    if by not in MEASURES:
        raise CountError(f"--by {by!r}: choose one of {', '.join(MEASURES)}")
    rows = [r for r in data["rows"] if not only_regions or r["region_name"] in only_regions]
    highlight = set(highlight)
    prices = rows[0]["base_year"] if rows else "2024-25"
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": r["place_id"], "properties": {}, "geometry": rewound(json.loads(r["geometry"]))}
            for r in rows
        ],
    }

    def value(r):
        gbp = r["gbp"] or 0.0
        if by == "per_head":
            return gbp * r["factor"] / r["population"]
        part = {"share_indicator": r["indicator_gbp"], "share_actual": r["actual_gbp"], "band": r["band_gbp"]}[by]
        return (part or 0.0) / gbp if gbp else None

    values = [value(r) for r in rows]
    zmin, zmax = _colour_range(values)
    what = MEASURES[by].format(prices=prices) + (f", {data['cofog']} {data['cofog_label']}" if data["cofog"] else "")
    fig = go.Figure(
        go.Choropleth(
            geojson=geojson,
            locations=[r["place_id"] for r in rows],
            z=values,
            zmin=zmin,
            zmax=zmax,
            featureidkey="id",
            colorscale="Blues",
            marker_line_width=[2.5 if r["place_id"] in highlight else 0.3 for r in rows],
            marker_line_color=["#c2681d" if r["place_id"] in highlight else "#ffffff" for r in rows],
            colorbar=dict(
                title=dict(
                    text=what.split(" (")[0] if by == "per_head" else "± of the total" if by == "band" else "share"
                ),
                len=0.8,
                tickformat=",.0f" if by == "per_head" else ".1%" if by == "band" else ".0%",
            ),
            text=[_hover(r, prices) for r in rows],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(
        title=f"{what}, {data['year']}: the {len(rows)} districts of April 2023"
        + (f" in {', '.join(only_regions)}" if only_regions else ""),
        margin=dict(l=0, r=0, t=50, b=0),
        template="plotly_white",
    )
    fig.add_annotation(
        text=_range_note(values, zmin, zmax, by),
        x=0,
        y=0,
        xref="paper",
        yref="paper",
        showarrow=False,
        align="left",
        font=dict(size=11, color="#555"),
    )
    return fig


def write_map(
    warehouse: Path, year: str, out: Path, cofog: str | None = None, by: str = "per_head"
) -> tuple[Path, int]:
    data = map_data(warehouse, year, cofog)
    fig = choropleth(data, by)
    fig.update_layout(height=900)
    body = fig.to_html(full_html=False, include_plotlyjs=False, div_id="map", config={"displaylogo": False})
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>totalplace map {html.escape(data["year"])}</title>{GEO_ASSETS}<script>{get_plotlyjs()}</script>
<style>body{{font-family:system-ui,sans-serif;max-width:1200px;margin:1em auto;padding:0 1em;color:#222}}
.note{{color:#555;font-size:.9em}}</style></head><body>
<h1>Identifiable public spending per district, {html.escape(data["year"])}</h1>
<p class="note">Hover a district for its per head in real terms and in cash, how its money was placed and its
error band (each method's money times the error measured for that method, rule <code>error_band_rule</code>). A
district merged after 2018 is drawn as its April-2023 district, the sum of its 2018 predecessors. Outlines: a third
party's cut (a-b-street/ltn) of ONS's Local Authority Districts (May 2024) Boundaries UK BUC, NOT ONS's file;
contains OS data © Crown copyright and database right. Opens offline: nothing on this page is fetched.</p>
{body}
<p class="note">{len(data["rows"])} of {data["n_districts"]} April-2023 districts drawn; made by
<code>totalplace map</code> from the published warehouse.</p></body></html>"""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out, len(data["rows"])
