"""The analysts' notebooks run top to bottom on the real warehouse, for more than one place and year."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import nbclient
import nbformat
import pytest
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def execute(path: Path, env: dict[str, str]) -> nbformat.NotebookNode:
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits the parameters from the environment
    try:
        nb = nbformat.read(path, as_version=4)
        nbclient.NotebookClient(
            nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        ).execute()
        return nb
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


YEAR = re.compile(r"^20\d\d-\d\d$")


def year_axes(chart: dict) -> list[tuple[str, list[str]]]:
    """(axis type, the years drawn on it) for every x axis of a plotly figure that shows financial years."""
    fig = chart["application/vnd.plotly.v1+json"]
    years = sorted({str(x) for trace in fig["data"] for x in (trace.get("x") or []) if YEAR.match(str(x))})
    return [(fig["layout"].get("xaxis", {}).get("type"), years)] if years else []


@pytest.mark.parametrize("place,year", [("E09000012", "2016-17"), ("tp_kent", "2008-09")])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_draws(built_warehouse, path, place, year):
    nb = execute(
        path,
        {"TOTALPLACE_PLACE": place, "TOTALPLACE_YEAR": year, "TOTALPLACE_WAREHOUSE": str(built_warehouse["warehouse"])},
    )
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    charts = [o["data"] for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert charts, f"{path.name} drew no chart"
    # every chart also carries an HTML copy (plotly.js embedded), so it survives export to HTML
    assert all("text/html" in c and "Plotly.newPlot" in c["text/html"] for c in charts)
    con = duckdb.connect(str(built_warehouse["warehouse"]), read_only=True)
    all_years = [
        y for (y,) in con.execute("SELECT DISTINCT financial_year FROM marts.place_totals ORDER BY 1").fetchall()
    ]
    con.close()
    axes = [a for c in charts for a in year_axes(c)]
    if path.name in ("03_trend.ipynb", "05_reconciliation.ipynb"):
        assert axes == [("category", all_years)], f"{path.name}: every year, as a category, on the x axis"
    assert all(kind == "category" for kind, _ in axes)  # never a date axis
    if path.name == "01_place_count.ipynb":
        con = duckdb.connect(str(built_warehouse["warehouse"]), read_only=True)
        total = con.execute(
            "SELECT total_gbp FROM marts.place_totals WHERE place_id = ? AND financial_year = ?", [place, year]
        ).fetchone()[0]
        con.close()
        text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
        assert f"£{total / 1e6:,.1f} million" in text
    if path.name == "06_map.ipynb":
        from dagster_project.maps import drawn_as

        [fig] = [c["application/vnd.plotly.v1+json"] for c in charts]
        [trace] = fig["data"]
        assert trace["type"] == "choropleth" and len(set(_values(trace["locations"]))) == 296
        # the place is outlined: its April-2023 district (or a pilot's districts), and only those
        widths = dict(zip(_values(trace["locations"]), _values(trace["marker"]["line"]["width"]), strict=True))
        assert sorted(k for k, w in widths.items() if w > 1) == drawn_as(built_warehouse["warehouse"], place)


def _values(data) -> list:
    """A plotly array as the figure's JSON holds it: a list, or {"dtype", "bdata"} (base64 of a numpy array)."""
    if isinstance(data, dict) and "bdata" in data:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


@pytest.mark.parametrize("prices,column", [("real", "per_capita_real_gbp"), ("cash", "per_capita_gbp")])
def test_trend_notebook_is_in_real_terms_by_default_and_in_cash_when_asked(built_warehouse, prices, column):
    env = {"TOTALPLACE_PLACE": "E09000012", "TOTALPLACE_WAREHOUSE": str(built_warehouse["warehouse"])}
    if prices == "cash":
        env["TOTALPLACE_PRICES"] = "cash"
    else:
        os.environ.pop("TOTALPLACE_PRICES", None)  # the default
    nb = execute(ROOT / "notebooks" / "03_trend.ipynb", env)
    [fig] = [
        o["data"]["application/vnd.plotly.v1+json"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "application/vnd.plotly.v1+json" in o.get("data", {})
    ]
    stacked: dict[str, float] = {}
    for trace in fig["data"]:
        for x, y in zip(_values(trace["x"]), _values(trace["y"]), strict=True):
            stacked[x] = stacked.get(x, 0.0) + y
    con = duckdb.connect(str(built_warehouse["warehouse"]), read_only=True)
    expected = dict(
        con.execute(f"SELECT financial_year, {column} FROM marts.place_totals WHERE place_id = 'E09000012'").fetchall()
    )
    con.close()
    assert stacked == pytest.approx(expected)
    label = "2024-25 prices" if prices == "real" else "cash, each year's prices"
    assert label in fig["layout"]["title"]["text"] and label in fig["layout"]["yaxis"]["title"]["text"]
