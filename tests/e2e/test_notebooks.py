"""The analysts' notebooks run top to bottom on the real warehouse, for more than one place and year."""
from __future__ import annotations

import json
import os
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
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        return nb
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_there_are_five_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01_place_count.ipynb", "02_compare_places.ipynb", "03_trend.ipynb",
                                           "04_funding_flow.ipynb", "05_reconciliation.ipynb"]


@pytest.mark.parametrize("place,year", [("E09000012", "2016-17"), ("tp_kent", "2008-09")])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_draws(built_warehouse, path, place, year):
    nb = execute(path, {"TOTALPLACE_PLACE": place, "TOTALPLACE_YEAR": year,
                        "TOTALPLACE_WAREHOUSE": str(built_warehouse["warehouse"])})
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    charts = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert charts, f"{path.name} drew no chart"
    if path.name == "01_place_count.ipynb":
        con = duckdb.connect(str(built_warehouse["warehouse"]), read_only=True)
        total = con.execute("SELECT total_gbp FROM marts.place_totals WHERE place_id = ? AND financial_year = ?",
                            [place, year]).fetchone()[0]
        con.close()
        text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
        assert f"£{total / 1e6:,.1f} million" in text
