"""`totalplace docs`: static lineage docs that open from disk, and the gate results of the last build."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, run_cli


@pytest.fixture(scope="module")
def site(built_warehouse, tmp_path_factory):
    """One `totalplace docs` of the session's warehouse, read by both tests."""
    out = tmp_path_factory.mktemp("docs") / "site"
    proc = run_cli(["docs", "--out", str(out)], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def test_docs_site_opens_from_disk_with_lineage_and_gates(site):
    out = site
    static = (out / "dbt" / "static_index.html").read_text(encoding="utf-8")
    for name in (
        "fct_place_spend",
        "place_totals",
        "reconciliation",
        "cipfa_to_cofog",
        "authority_coverage",
        "Local government from the returns, not CRA",
    ):
        assert name in static
    index = (out / "index.html").read_text()
    assert "dbt/static_index.html" in index and "gates.html" in index
    gates = (out / "gates.html").read_text()
    m = re.search(r"(\d+) gates evaluated at .*?: (\d+) passed, (\d+) failed", gates)
    assert m and int(m.group(1)) > 100 and m.group(3) == "0"
    assert "raw/cra" in gates and "marts/fct_place_spend" in gates
    # grouped by layer in the order data flows, then by model (linked to its dbt docs page), with a filter
    layers = re.findall(r"<tr class='layer'><th colspan='4'>(\w+): (\d+) gates", gates)
    assert [name for name, _ in layers] == ["raw", "seeds", "staging", "intermediate", "marts"]
    assert sum(int(n) for _, n in layers) == int(m.group(1))
    assert "href='dbt/static_index.html#!/model/model.totalplace.fct_place_spend'" in gates
    assert 'id="q"' in gates and "filterGates()" in gates and 'id="only-failed"' in gates
    # every gate says what it checks: GE gates list their expectations, dbt tests their rule
    rows = re.findall(
        r"<tr class='(passed|failed)'><td>(.*?)</td><td>(.*?)</td><td class='result'>\w+</td><td>(.*?)(?:<div|</td>)",
        gates,
    )
    assert len(rows) == int(m.group(1))
    assert [(a, g) for _, a, g, what in rows if not what.strip()] == []
    what = {(a, g): w for _, a, g, w in rows}
    assert "GDP" not in what[("raw/cra", "raw_gate")] and "column sector exists" in what[("raw/cra", "raw_gate")]
    assert "CRA_2018_Database_for_Publication_rvsd.xlsx gives" in what[("raw/cra", "raw_gate")]
    assert what[("marts/place_totals", "not_null_place_totals_population")] == "place_totals: population is never empty"
    assert what[("intermediate/int_district_indicators_scaled", "assert_every_district_has_its_indicators")].startswith(
        "Every 2018 district has every indicator"
    )
    # the dbt docs open on the project's own overview, and the site holds no dbt working files
    assert "doc.totalplace.__overview__" in static and "Where to start" in static  # the project's overview page
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert files == {"index.html", "gates.html", "dbt/static_index.html", "dbt/manifest.json", "dbt/catalog.json"}


def test_docs_site_has_no_undocumented_model_seed_or_column(site):
    import json

    out = site
    manifest = json.loads((out / "dbt" / "manifest.json").read_text())
    catalog = json.loads((out / "dbt" / "catalog.json").read_text())
    undocumented = []
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] not in ("model", "seed"):
            continue
        if not node.get("description", "").strip():
            undocumented.append(uid)
        described = {c.lower() for c, v in node["columns"].items() if v.get("description", "").strip()}
        undocumented += [
            f"{uid}.{c}" for c in catalog["nodes"].get(uid, {}).get("columns", {}) if c.lower() not in described
        ]
    assert undocumented == []
    models = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    assert models == {p.stem for p in (ROOT / "dbt" / "models").rglob("*.sql")}  # every model is in the docs
    assert {e["name"] for e in manifest["exposures"].values()} >= {"place_count_report", "notebook_funding_flow"}
