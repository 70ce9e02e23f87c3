"""Issue 25 (part 2): `totalplace map` draws England's 296 April-2023 districts on one page that opens offline,
each coloured by the warehouse's own figure; the outlines join every district."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import run_cli
from test_notebooks import _values
from test_report_in_chromium import CHROMIUM_FLAGS, chromium

from dagster_project.maps import choropleth, drawn_as, map_data


def _figure(page: str) -> dict:
    """The plotly figure's data as the page embeds it (Plotly.newPlot("map", [traces], layout, config))."""
    start = re.search(r'Plotly\.newPlot\(\s*"map",\s*', page).end()
    traces, _ = json.JSONDecoder().raw_decode(page[start:])
    return {k: _values(v) if k in ("z", "locations") else v for k, v in traces[0].items()}


def test_every_2023_district_has_an_outline_and_the_file_is_flagged_third_party(con):
    [(districts, outlined, origins)] = con.execute("""
        SELECT count(*), count(o.place_id), list_distinct(list(o.source_origin))
        FROM marts.dim_place p LEFT JOIN marts.dim_district_outline o USING (place_id)
        WHERE p.is_2023_district""").fetchall()
    assert districts == outlined == 296 and origins == ["third_party_derived"]
    assert con.execute("SELECT count(*) FROM marts.dim_district_outline").fetchone()[0] == 296
    # every outline is a drawable (Multi)Polygon traced to its feature in the file
    kinds = con.execute(
        "SELECT DISTINCT json_extract_string(geometry, '$.type'), min(row_number) > 0 FROM marts.dim_district_outline "
        "GROUP BY 1"
    ).fetchall()
    assert {k for k, _ in kinds} <= {"Polygon", "MultiPolygon"} and all(ok for _, ok in kinds)


def test_map_2024_25_has_296_districts_coloured_by_real_per_head_and_draws_offline(built_warehouse, con, tmp_path):
    out = tmp_path / "map.html"
    proc = run_cli(["map", "--year", "2024-25", "--out", str(out)], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "296 districts" in proc.stdout and str(out) in proc.stdout
    page = out.read_text(encoding="utf-8")
    # self-contained: no script, stylesheet or image fetched; plotly's world base map defined in the page
    assert not re.search(r"<(script|img|iframe)[^>]+src=", page) and not re.search(r"<link[^>]+href=", page)
    assert "window.PlotlyGeoAssets" in page and "NOT ONS's file" in page
    trace = _figure(page)
    assert trace["type"] == "choropleth" and len(trace["locations"]) == len(set(trace["locations"])) == 296
    expected = dict(
        con.execute(
            "SELECT t.place_id, t.per_capita_real_gbp FROM marts.place_totals t JOIN marts.dim_place p USING (place_id)"
            " WHERE p.is_2023_district AND t.financial_year = '2024-25'"
        ).fetchall()
    )
    assert dict(zip(trace["locations"], trace["z"], strict=True)) == pytest.approx(expected)
    hackney = trace["text"][trace["locations"].index("E09000012")]
    assert f"£{expected['E09000012']:,.0f} per head (2024-25 prices)" in hackney and "placed: actual returns" in hackney
    # Chromium, with no network: every district drawn
    dom = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", out.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert dom.count('class="choroplethlocation"') == 296


def test_an_earlier_year_draws_merged_districts_inside_their_2023_district(built_warehouse, con):
    data = map_data(built_warehouse["warehouse"], "2016-17", cofog="07")
    assert len(data["rows"]) == 296 and data["cofog_label"]
    fig = choropleth(data)
    trace = fig.data[0]
    i = list(trace.locations).index("E06000063")  # Cumberland: Allerdale, Carlisle and Copeland in 2016-17
    assert "drawn with its 2018 districts: Allerdale, Carlisle, Copeland" in trace.text[i]
    [(health,)] = con.execute(
        "SELECT sum(s.amount_gbp) * any_value(d.real_terms_factor) / any_value(t.population)"
        " FROM marts.fct_place_spend s JOIN marts.place_totals t USING (place_id, financial_year)"
        " JOIN marts.dim_financial_year d USING (financial_year)"
        " WHERE s.place_id = 'E06000063' AND s.financial_year = '2016-17' AND s.cofog_division = '07'"
    ).fetchall()
    assert trace.z[i] == pytest.approx(health)
    assert drawn_as(built_warehouse["warehouse"], "E07000026") == ["E06000063"]  # Allerdale is drawn as Cumberland
    assert len(drawn_as(built_warehouse["warehouse"], "tp_kent")) == 12


def test_map_by_band_colours_each_district_by_its_error_band(built_warehouse, con, tmp_path):
    """--by band: each district's band as a share of its total, equal to place_totals' for the whole count; for one
    division, the same terms (each method's money of the division times its measured error) in quadrature."""
    out = tmp_path / "band.html"
    proc = run_cli(["map", "--year", "2024-25", "--by", "band", "--out", str(out)], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    trace = _figure(out.read_text(encoding="utf-8"))
    expected = dict(
        con.execute(
            "SELECT t.place_id, t.band_share FROM marts.place_totals t JOIN marts.dim_place p USING (place_id)"
            " WHERE p.is_2023_district AND t.financial_year = '2024-25'"
        ).fetchall()
    )
    assert len(trace["locations"]) == 296
    assert dict(zip(trace["locations"], trace["z"], strict=True)) == pytest.approx(expected)
    assert trace["colorbar"]["title"]["text"] == "± of the total"
    hackney = trace["text"][trace["locations"].index("E09000012")]
    assert f"error band ±{expected['E09000012']:.0%}" in hackney
    # health alone, 2024-25: the funder's allocation and the few rows of other methods, in quadrature
    data = map_data(built_warehouse["warehouse"], "2024-25", cofog="07")
    fig = choropleth(data, "band")
    z = dict(zip(fig.data[0].locations, fig.data[0].z, strict=True))
    terms = con.execute("""
        SELECT s.method, s.indicator_id, sum(s.amount_gbp), any_value(e.error_rate)
        FROM marts.fct_place_spend s JOIN marts.place_error_bands e ON e.place_id = s.place_id
             AND e.financial_year = s.financial_year AND e.method = s.method
             AND e.indicator_id IS NOT DISTINCT FROM s.indicator_id
        WHERE s.place_id = 'E09000012' AND s.financial_year = '2024-25' AND s.cofog_division = '07'
        GROUP BY ALL""").fetchall()
    band = sum((abs(a) * r) ** 2 for _, _, a, r in terms) ** 0.5
    assert z["E09000012"] == pytest.approx(band / sum(a for _, _, a, _ in terms))


def test_map_refuses_an_unknown_division_and_measure(built_warehouse, tmp_path):
    proc = run_cli(
        ["map", "--year", "2024-25", "--cofog", "99", "--out", str(tmp_path / "m.html")], built_warehouse["env"]
    )
    assert proc.returncode == 2 and "--cofog '99' is not a COFOG division or group" in proc.stderr
    assert not (tmp_path / "m.html").exists()
    proc = run_cli(
        ["map", "--year", "2024-25", "--by", "error", "--out", str(tmp_path / "m.html")], built_warehouse["env"]
    )
    assert proc.returncode == 2 and "band" in proc.stderr and not (tmp_path / "m.html").exists()
    proc = run_cli(["map", "--year", "2031-32", "--out", str(tmp_path / "m.html")], built_warehouse["env"])
    assert proc.returncode == 2 and "2031-32" in proc.stderr and "Traceback" not in proc.stderr
