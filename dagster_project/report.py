"""`totalplace report`: one self-contained HTML page per place and year (opens offline: plotly.js is
embedded, no CDN) with the headline numbers, the charts and a method-and-sources section."""

from __future__ import annotations

import html
import itertools
from datetime import UTC, datetime
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from . import policy
from .count import CountError, error_measured_as, get_count, population_label, population_note
from .gate_report import build_info
from .maps import GEO_ASSETS, choropleth, drawn_as, map_data
from .warehouse import connect

SECTORS = {"CG": "Central government", "LG": "Local government", "PC": "Public corporations"}
# one colour per sector on every chart and every report
SECTOR_COLOURS = {"CG": "#1f6f8b", "LG": "#c2681d", "PC": "#5b8c3a"}
FUNCTION_COLOUR = "#8a8f98"
VINTAGES = {"cra_2010_ch9": "CRA 2010", "cra_2014": "CRA 2014", "cra_2018": "CRA 2018"}


def _vintage(source_id: str) -> str:
    """'cra_2021' -> 'CRA 2021' (and the named chapters of the older vintages)."""
    if source_id in VINTAGES:
        return VINTAGES[source_id]
    return f"CRA {source_id[4:8]}" if source_id.startswith("cra_") and source_id[4:8].isdigit() else source_id


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _short(name: str, width: int = 52) -> str:
    """A funder's name short enough to read beside a Sankey node (the full name shows on hover)."""
    name = name.replace("Department for ", "Dept for ").replace("Department of ", "Dept of ")
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


# how each method reads on the page: seed methods (its label column)
METHODS = policy.load().methods


def _signed(gbp: float, scale: float = 1e6, unit: str = "m", digits: int = 1) -> str:
    """+£59.4m / −£98.8m: the sign before the pound sign."""
    sign = "+" if gbp >= 0 else "\u2212"
    return f"{sign}£{abs(gbp) / scale:,.{digits}f}{unit}"


def _fig_html(fig: go.Figure, div_id: str) -> str:
    # the toolbar stands upright at the right edge, so it never covers a title
    fig.update_layout(
        margin=dict(l=10, r=40, t=50, b=10),
        template="plotly_white",
        font=dict(size=13),
        modebar=dict(orientation="v"),
    )
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config={"displaylogo": False})


def _compare_html(warehouse: Path, place_id: str, year: str, division_names: dict[str, str]) -> str:
    """The place's per head beside its region's and England's (totalplace compare), by COFOG division."""
    from .compare import get_comparison

    c = get_comparison(warehouse, [place_id], year)
    areas = [*c["places"], *c["regions"], c["england"]]
    colours = ["#1f6f8b", "#c2681d", "#777"]
    divisions = sorted({k for a in areas for k in a["per_capita_by_cofog_gbp"]})
    labels = [f"{d} {division_names.get(d, '')}".strip() for d in divisions]
    fig = go.Figure(
        [
            go.Bar(
                name=a["name"],
                x=[a["per_capita_by_cofog_gbp"].get(d, 0) for d in divisions],
                y=labels,
                orientation="h",
                marker_color=colours[min(i, 2)],
                hovertemplate=f"{html.escape(a['name'])}: %{{y}} £%{{x:,.0f}} per head<extra></extra>",
            )
            for i, a in enumerate(areas)
        ]
    ).update_layout(
        title="£ per head by function: the place, its region and England (cash)",
        barmode="group",
        height=560,
        yaxis=dict(autorange="reversed"),
        xaxis=dict(tickprefix="£", tickformat=",.0f"),
        legend=dict(orientation="h", y=-0.12),
    )
    rows = "".join(
        f"<tr><td>{html.escape(a['name'])}</td><td>£{a['per_capita_gbp']:,.0f}</td>"
        f"<td>£{a['per_capita_real_gbp']:,.0f}</td><td>{a['population']:,.0f}</td></tr>"
        for a in areas
    )
    return (
        '<h2 id="compare">Compared with the region and England</h2><p>Per head in cash and in '
        f"{c['prices_of']} prices; the region and England are the sums of their April-2023 districts "
        f"(<code>totalplace compare {html.escape(place_id)} OTHER --year {year}</code> sets any places side by "
        'side).</p><table id="compare-table"><tr><th>area</th><th>per head (cash)</th>'
        f"<th>per head ({c['prices_of']} prices)</th><th>population</th></tr>{rows}</table>"
        + _fig_html(fig, "chart-compare")
    )


def _map_html(warehouse: Path, place_id: str, year: str) -> str:
    """The place among its region's districts, per head in real terms (totalplace map draws all England)."""
    data = map_data(warehouse, year)
    members = drawn_as(warehouse, place_id)
    regions = sorted({r["region_name"] for r in data["rows"] if r["place_id"] in members})
    fig = choropleth(data, highlight=members, only_regions=regions)
    fig.update_layout(height=620, title=dict(text=fig.layout.title.text.split(":")[0] + f": {', '.join(regions)}"))
    # the colour bar lies under the map, clear of the report's upright toolbar
    fig.update_traces(colorbar=dict(orientation="h", y=0.02, x=0.5, len=0.6, thickness=14, title=dict(side="top")))
    names = {r["place_id"]: r["place_name"] for r in data["rows"]}
    if members == [place_id]:
        drawn = ""
    elif len(members) == 1:
        drawn = f" (drawn as its April-2023 district, {names[members[0]]} {members[0]})"
    else:
        drawn = f" (its {len(members)} April-2023 districts)"
    return (
        f'<h2 id="map">Among its neighbours</h2><p>Per head in {data["rows"][0]["base_year"]} prices for every '
        f"April-2023 district of {html.escape(', '.join(regions))}; the place outlined in orange{drawn}. Hover a "
        f"district for its figures and method mix. All England: <code>totalplace map --year {year}</code>. Outlines: "
        "a third party's cut of ONS's May-2024 district boundaries, not ONS's file.</p>" + _fig_html(fig, "chart-map")
    )


def _trace_html(warehouse: Path, place_id: str, year: str, n: int = 15) -> str:
    """The headline figure's largest parts down to their cells: the same parts `totalplace trace` gives."""
    from .trace import get_trace

    trace = get_trace(warehouse, place_id, year)
    rows = []
    for p in trace.parts[:n]:
        cell = (
            f"<code>{html.escape(p.source_file)}</code>, {html.escape(p.sheet)}, row {p.row_number}"
            + (f", column {p.column_letter}" if p.column_letter else "")
            if p.source_file
            else html.escape(p.fill_rule or p.return_reference or p.source_id)
        )
        how = f"£{p.published_gbp:,.0f} × {p.share:.6f}" if p.published_gbp is not None else html.escape(p.method)
        rows.append(
            f"<tr><td>£{p.amount_gbp / 1e6:,.2f}m</td><td>{html.escape(p.sector)} "
            f"{html.escape(p.cofog_group or p.cofog_division)}</td><td>{html.escape(p.organisation)}</td>"
            f"<td>{cell}</td><td>{how}</td><td>{'<br>'.join(html.escape(r) for r in p.rules)}</td></tr>"
        )
    rest = sum(p.amount_gbp for p in trace.parts[n:])
    return (
        f'<h2 id="trace">Where the headline comes from</h2><p>The £{trace.total_gbp / 1e6:,.1f}m is '
        f"{len(trace.parts):,} parts, each a published cell times the share of it that lands here; the largest "
        f"{min(n, len(trace.parts))} are below, the other {max(len(trace.parts) - n, 0):,} add £{rest / 1e6:,.1f}m. "
        f"Every part: <code>totalplace trace --place {html.escape(place_id)} --year {year} --format csv</code> "
        "(add <code>--cofog 07</code> or <code>--sector CG</code> for one function or sector).</p>"
        '<div class="scroll"><table id="trace-parts"><tr><th>part</th><th>sector, COFOG</th><th>body</th>'
        "<th>published cell</th>"
        f"<th>cell × share</th><th>rules (docs blocks)</th></tr>{''.join(rows)}</table></div>"
    )


def _sankey(names: dict[str, str], flows: list[tuple]) -> go.Sankey:
    """Funder -> sector -> function, one colour per sector, the functions' labels on their right."""
    nodes: list[str] = []
    colours: list[str] = []
    full: list[str] = []

    def index(name: str, colour: str, label: str | None = None) -> int:
        if name not in nodes:
            nodes.append(name), colours.append(colour), full.append(name if label is None else label)
        return nodes.index(name)

    src, dst, val, link_colours = [], [], [], []
    for funder, sector, division, gbp in flows:
        colour = SECTOR_COLOURS.get(sector, "#999")
        f = index(f"funder:{funder}", _rgba(colour, 0.55), funder)
        m = index(f"sector:{sector}", colour, SECTORS.get(sector, sector))
        d = index(f"function:{division}", FUNCTION_COLOUR, names.get(division, division))
        for a, b in ((f, m), (m, d)):
            src.append(a), dst.append(b), val.append(gbp / 1e6), link_colours.append(_rgba(colour, 0.3))
    # plotly draws the labels of the last column on their left, across the flows: an invisible column after
    # the functions puts their labels on the right, over empty space
    into: dict[int, float] = {}
    for b, v in zip(dst, val, strict=True):
        if nodes[b].startswith("function:"):
            into[b] = into.get(b, 0.0) + v
    for d, v in into.items():
        pad = index(f"pad:{nodes[d]}", "rgba(0,0,0,0)", "")
        src.append(d), dst.append(pad), val.append(v), link_colours.append("rgba(0,0,0,0)")
    sankey = go.Sankey(
        arrangement="snap",
        textfont=dict(size=12, color="#111"),
        node=dict(
            label=[_short(x) for x in full],
            customdata=full,
            color=colours,
            pad=18,
            thickness=14,
            line=dict(width=0),
            hovertemplate="%{customdata}: £%{value:,.1f}m<extra></extra>",
        ),
        link=dict(
            source=src,
            target=dst,
            value=val,
            color=link_colours,
            hovertemplate="%{source.customdata} → %{target.customdata}: £%{value:,.1f}m<extra></extra>",
        ),
    )
    return sankey


def build_report(warehouse: Path, place: str, year: str) -> str:
    headline = get_count(warehouse, place, year, "cofog")
    year = headline.financial_year  # as the user wrote it: 2016/17, 16-17...
    built_at, commit = build_info(warehouse)
    built_text = (
        f"Warehouse built {html.escape(built_at)} from commit <code>{html.escape(commit)}</code>"
        if built_at != "unknown"
        else "Warehouse build date and commit not recorded (built by an older version)"
    )
    place = headline.place_id
    with connect(warehouse, read_only=True) as con:
        q = lambda sql, p=None: con.execute(sql, p or []).fetchall()  # noqa: E731
        by_sector = q(
            "SELECT sector, sum(amount_gbp) FROM marts.fct_place_spend WHERE place_id=? AND financial_year=? "
            "GROUP BY 1 ORDER BY 2 DESC",
            [place, year],
        )
        by_method = q(
            "SELECT s.method, s.indicator_id, sum(s.amount_gbp), sum(s.population_only_gbp), any_value(e.error_rate), "
            "any_value(e.measured_stream), any_value(e.measured_comparator), any_value(e.measured_financial_year), "
            "bool_or(e.matched_indicator_id = '*') "
            "FROM marts.fct_place_spend s LEFT JOIN marts.place_error_bands e ON s.place_id = e.place_id "
            "AND s.financial_year = e.financial_year AND s.method = e.method "
            "AND s.indicator_id IS NOT DISTINCT FROM e.indicator_id "
            "WHERE s.place_id=? AND s.financial_year=? GROUP BY 1, 2 ORDER BY 3 DESC",
            [place, year],
        )
        indicator_names = dict(q("SELECT indicator_id, label FROM seeds.indicators"))
        moved = q(
            """SELECT m.cofog_group, m.cofog_division, m.indicator_id, sum(m.count_gbp), sum(m.population_only_gbp),
                sum(m.difference_gbp)
                     FROM marts.method_sensitivity m WHERE m.place_id=? AND m.financial_year=? AND m.indicator_id <>
                         'population'
                     GROUP BY 1, 2, 3 ORDER BY abs(sum(m.difference_gbp)) DESC LIMIT 8""",
            [place, year],
        )
        trend = q(
            "SELECT financial_year, per_capita_gbp, total_gbp, per_capita_real_gbp FROM marts.place_totals "
            "WHERE place_id=? ORDER BY 1",
            [place],
        )
        vintages = q(
            """SELECT financial_year, max(source_id) FROM marts.fct_place_spend
                        WHERE place_id = ? AND source_id LIKE 'cra_%' GROUP BY 1 ORDER BY 1""",
            [place],
        )
        flows = q(
            """WITH f AS (SELECT CASE WHEN sector = 'LG' THEN 'Local authorities' ELSE department END AS funder,
                                       sector, cofog_division, sum(amount_gbp) AS gbp
                                FROM marts.fct_place_spend WHERE place_id=? AND financial_year=? GROUP BY ALL),
                          top AS (SELECT funder FROM f GROUP BY 1 ORDER BY sum(gbp) DESC LIMIT 12)
                     SELECT CASE WHEN funder IN (SELECT funder FROM top) THEN funder ELSE 'Other departments' END,
                            sector, cofog_division, sum(gbp) FROM f GROUP BY ALL HAVING sum(gbp) > 0""",
            [place, year],
        )
        rank = q(
            """SELECT r, n FROM (SELECT t.place_id, rank() OVER (ORDER BY t.per_capita_gbp DESC) AS r, count(*) OVER
                () AS n
                    FROM marts.place_totals t JOIN seeds.places p ON p.place_id = t.place_id AND p.place_kind =
                        'district'
                    WHERE t.financial_year = ?) WHERE place_id = ?""",
            [year, place],
        )
        sources = q(
            """SELECT f.source_id, s.publisher, s.title, s.file_name, sum(f.amount_gbp)
                       FROM marts.fct_place_spend f JOIN seeds.sources s USING (source_id)
                       WHERE f.place_id=? AND f.financial_year=? GROUP BY ALL ORDER BY 5 DESC""",
            [place, year],
        )
        members = q(
            "SELECT p.place_name FROM seeds.place_districts d JOIN seeds.places p ON p.place_id = d.lad_code "
            "WHERE d.place_id = ? ORDER BY 1",
            [place],
        )

    cofog = [(b["label"], b["amount_gbp"]) for b in headline.breakdown]
    years = [y for y, *_ in trend]
    base = headline.base_year or "2024-25"
    # real terms by default (rule real_terms_rule); the cash series beside it, in the legend
    trend_fig = go.Figure(
        [
            go.Scatter(
                x=years,
                y=[r for *_, r in trend],
                name=f"real terms ({base} prices)",
                mode="lines+markers",
                line_color="#333",
                hovertemplate=f"%{{x}}: £%{{y:,.0f}} per head in {base} prices<extra></extra>",
            ),
            go.Scatter(
                x=years,
                y=[p for _, p, *_ in trend],
                name="cash (each year's prices)",
                mode="lines",
                line=dict(color="#999", dash="dash"),
                hovertemplate="%{x}: £%{y:,.0f} per head, cash<extra></extra>",
            ),
        ]
    )
    trend_fig.update_layout(
        title=f"Spending per head in {base} prices, {years[0]} to {years[-1]}<br><sup>dashed: cash; dotted: "
        "a new CRA vintage (a step there may be the publication)</sup>",
        legend=dict(orientation="h", y=-0.35),
        height=440,
        xaxis=dict(type="category", title="financial year"),
        yaxis=dict(rangemode="tozero", tickprefix="£", tickformat=",.0f", title=f"£ per head ({base} prices)"),
    )
    for (_y0, v0), (y1, v1) in itertools.pairwise(vintages):
        if v0 != v1:  # the CRA vintage changes here: a step in the series may be the publication, not the place
            trend_fig.add_vline(x=years.index(y1) - 0.5, line_dash="dot", line_color="#888")
            # upright beside its line, so that the yearly vintages of 2019-2025 never run into each other
            trend_fig.add_annotation(
                x=years.index(y1) - 0.5,
                y=0.03,
                yref="paper",
                showarrow=False,
                font=dict(size=10, color="#555"),
                textangle=-90,
                xanchor="left",
                yanchor="bottom",
                xshift=1,
                text=_vintage(v1),
                hovertext=f"{_vintage(v0)} up to {years[years.index(y1) - 1]}, {_vintage(v1)} from {y1}",
            )
    figs = [
        _fig_html(
            go.Figure(
                go.Bar(
                    x=[a / 1e6 for _, a in cofog][::-1],
                    y=[label for label, _ in cofog][::-1],
                    orientation="h",
                    marker_color="#1f6f8b",
                    text=[f"£{a / 1e6:,.0f}m" for _, a in cofog][::-1],
                    textposition="outside",
                    cliponaxis=False,
                    hovertemplate="%{y}: £%{x:,.1f}m<extra></extra>",
                )
            ).update_layout(
                title="Spending by function (COFOG division)",
                height=420,
                xaxis=dict(
                    range=[0, max([a / 1e6 for _, a in cofog] + [0]) * 1.15],  # room for the values at the bars' ends
                    tickprefix="£",
                    ticksuffix="m",
                    tickformat=",.0f",
                    title="£ million",
                ),
            ),
            "chart-cofog",
        ),
        _fig_html(
            go.Figure(
                go.Pie(
                    labels=[SECTORS.get(s, s) for s, _ in by_sector],
                    values=[a for _, a in by_sector],
                    marker=dict(colors=[SECTOR_COLOURS.get(s, "#999") for s, _ in by_sector]),
                    sort=False,
                    hole=0.45,
                    insidetextorientation="horizontal",
                    hovertemplate="%{label}: £%{value:,.0f}<extra></extra>",
                )
            ).update_layout(title="By sector", height=380),
            "chart-sector",
        ),
        _fig_html(trend_fig, "chart-trend"),
    ]
    sankey = _sankey({b["cofog"]: b["label"] for b in headline.breakdown}, flows)
    figs.append(
        _fig_html(
            go.Figure(sankey).update_layout(
                title="Where the money flows: funder → sector → function (£ million)", height=680
            ),
            "chart-sankey",
        )
    )
    placed_html = "".join(
        f'<span class="placed"><b>{p["share"]:.1%}</b> {html.escape(p["label"])}'
        + (f" <i>±{p['error_rate']:.0%}</i>" if p.get("error_rate") else "")
        + "</span>"
        for p in headline.placed or []
    )
    rank_text = f"{rank[0][0]} of {rank[0][1]} districts by spending per head" if rank else ""

    def how(m: str, ind: str | None) -> str:
        text = METHODS.get(m, m)
        return f"{text}: {indicator_names.get(ind, ind)}" if m == "apportioned_indicator" else text

    rows = "".join(
        f"<tr><td>{html.escape(how(m, ind))}</td><td>£{a / 1e6:,.1f}m</td><td>{a / headline.total_gbp:.1%}</td>"
        f"<td>£{po / 1e6:,.1f}m</td><td>{'' if e is None else f'±{e:.1%}'}</td>"
        f"<td>{html.escape(error_measured_as(st, co, my, bool(assumed)))}</td></tr>"
        for m, ind, a, po, e, st, co, my, assumed in by_method
    )
    band = (
        ""
        if headline.total_low_gbp is None
        else f'<span id="kpi-band">likely £{headline.total_low_gbp / 1e6:,.1f}m–£{headline.total_high_gbp / 1e6:,.1f}m'
        f" (±{headline.band_gbp / headline.total_gbp:.1%}, "
        '<a href="#methods">each method\'s measured error</a>)</span>'
    )
    head_band = (
        ""
        if headline.total_low_gbp is None
        else f'<span id="kpi-per-head-band">likely £{headline.total_low_gbp / headline.population:,.0f}–'
        f"£{headline.total_high_gbp / headline.population:,.0f}</span>"
    )
    moved_rows = "".join(
        f"<tr><td>{html.escape(g or d_ + ' (division only)')}</td><td>{html.escape(indicator_names.get(i, i))}</td>"
        f"<td>£{a / 1e6:,.1f}m</td><td>£{po / 1e6:,.1f}m</td><td>{_signed(d)}</td>"
        f"<td>{_signed(d / headline.population, 1, '', 0)}</td></tr>"
        for g, d_, i, a, po, d in moved
    )
    difference = headline.total_gbp - headline.population_only_total_gbp
    src_rows = "".join(
        f"<tr><td>{html.escape(t)}</td><td>{html.escape(p)}</td><td><code>{html.escape(f)}</code></td>"
        f"<td>£{a / 1e6:,.1f}m</td></tr>"
        for _, p, t, f, a in sources
    )
    member_text = ", ".join(html.escape(m) for (m,) in members)
    pop_note = (
        f'<span id="kpi-population-note">{html.escape(population_note(headline))}</span>'
        if population_note(headline)
        else ""
    )
    kpi_indicator = f'<b id="kpi-indicator">{headline.share_indicator:.1%}</b>'
    pop_only = f"£{headline.population_only_total_gbp / 1e6:,.1f}m"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Total Place count: {html.escape(headline.place_name)} {year}</title>
{GEO_ASSETS}<script>{get_plotlyjs()}</script>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}}
.kpis{{display:flex;gap:1.5em;flex-wrap:wrap}} .kpi{{background:#f3f6f8;padding:1em 1.4em;border-radius:8px}}
.kpi b{{display:block;font-size:1.6em}} .yr{{white-space:nowrap}} .placed{{display:block;font-size:.9em}}
.placed b{{display:inline;font-size:1.1em;margin-right:.3em}} table{{border-collapse:collapse;margin:1em 0}}
td,th{{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}}
#sensitivity td:nth-child(n+3),#methods td:nth-child(n+2):nth-child(-n+5),
#trace-parts td:first-child{{white-space:nowrap}}
#trace-parts{{font-size:.85em}} .scroll{{overflow-x:auto}}
.grid{{display:grid;grid-template-columns:1fr 1fr;gap:1em}} .built{{color:#666;font-size:.9em;margin-top:2em}}
@media (max-width: 900px) {{ .grid{{grid-template-columns:1fr}} }}</style></head><body>
<h1>How much public money goes into {html.escape(headline.place_name)}, <span class="yr">{year}</span>?</h1>
<p>{html.escape(headline.place_id)}: {member_text}</p>
<div class="kpis">
<div class="kpi">Identifiable public spending<b id="kpi-total">£{headline.total_gbp / 1e6:,.1f} million</b>
{band}<br><a href="#trace">where it comes from</a></div>
<div class="kpi">Per head<b id="kpi-per-head">£{headline.per_capita_gbp:,.0f}</b>{head_band}<br>{rank_text}</div>
<div class="kpi">{population_label(headline).capitalize()}<b>{headline.population:,}</b>{pop_note}</div>
<div class="kpi" id="kpi-placed">How the money was placed{placed_html}</div>
<div class="kpi">Placed by indicators and allocations{kpi_indicator}by population only: {pop_only}
({_signed(difference)})</div>
</div>
{figs[0]}<div class="grid">{figs[1]}{figs[2]}</div>{figs[3]}
{_compare_html(warehouse, headline.place_id, year, {b["cofog"]: b["label"][3:] for b in headline.breakdown})}
{_map_html(warehouse, headline.place_id, year)}
<h2>Method and sources</h2>
<p>Every figure is identifiable public spending, counted once at the body that spends it. Local government current
spending comes from each authority's own Revenue Outturn return (authorities serving several districts are
shared by population); central government, public corporations and local government capital come from HM
Treasury's Country and Regional Analysis for the region, shared within the region by a place-level indicator
specific to each stream (people of pension age for the state pension, children for family benefits, pupils for
schools, income- and employment-deprived people for means-tested and disability benefits; for the NHS, NHS
England's own allocations to its ICBs shared by GP practices' need-weighted populations from 2021-22, and an
age-, sex- and deprivation-weighted population before; seed <code>apportionment_indicators</code>), and by
population only where no indicator fits. Non-identifiable
spending (defence, debt interest, overseas) is not included. The rules, seeds and lineage are in the auditors'
docs (<code>totalplace docs</code>).</p>
<p>Each way of placing the money carries the error measured for it: the 90th-percentile error of a district's
share against a better figure for the same stream (<code>marts.method_accuracy</code>). The headline's band adds
them up, linearly within one indicator and in quadrature across them (rule <code>error_band_rule</code>): nine
districts in ten are closer than that. An indicator without a better figure of its own takes the error of health's
estimate, an assumption.</p>
<table id="methods"><tr><th>How the figure was placed</th><th>amount</th><th>share</th>
<th>by population only</th><th>measured error</th><th>measured as</th></tr>{rows}</table>
<h3>What the indicators moved</h3>
<p>The count against the same streams shared by population only: £{headline.total_gbp / 1e6:,.1f}m against
{pop_only} ({_signed(difference)}, {_signed(difference / headline.population, 1, "", 0)} per head).
The streams that moved most:</p>
<table id="sensitivity"><tr><th>COFOG group</th><th>indicator</th><th>count</th><th>by population only</th>
<th>difference</th><th>per head</th></tr>{moved_rows}</table>
<table><tr><th>Source</th><th>publisher</th><th>file</th><th>amount</th></tr>{src_rows}</table>
{_trace_html(warehouse, headline.place_id, year)}
<p class="built">{built_text};
report made {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by <code>totalplace report</code>.</p>
</body></html>"""


def write_report(warehouse: Path, place: str, year: str, out: Path) -> Path:
    page = build_report(warehouse, place, year)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


__all__ = ["CountError", "build_report", "write_report"]
