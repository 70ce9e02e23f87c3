"""Gate results: every asset check of a build, kept in the warehouse (quality.gate_results) and
rendered as a readable HTML page for auditors (`totalplace docs`)."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .warehouse import connect


def record(path: Path, evaluations, run_id: str) -> int:
    """Write one row per asset check evaluation into quality.gate_results of ``path``, replacing the
    rows of the same checks (a partial build keeps the results of the checks it did not run)."""
    rows = []
    for e in evaluations:
        meta = {k: getattr(v, "value", v) for k, v in (e.metadata or {}).items()}
        rows.append(
            {
                "run_id": run_id,
                "asset": e.asset_key.to_user_string(),
                "check_name": e.check_name,
                "passed": bool(e.passed),
                "description": e.description or "",
                "details": json.dumps(meta, default=str)[:20000],
                "evaluated_at": datetime.now(UTC).replace(tzinfo=None),
            }
        )
    df = pd.DataFrame(
        rows, columns=["run_id", "asset", "check_name", "passed", "description", "details", "evaluated_at"]
    )
    with connect(path) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS quality")
        con.register("gates_df", df)
        con.execute("CREATE TABLE IF NOT EXISTS quality.gate_results AS SELECT * FROM gates_df LIMIT 0")
        con.execute(
            "DELETE FROM quality.gate_results WHERE (asset, check_name) IN (SELECT asset, check_name FROM gates_df)"
        )
        con.execute("INSERT INTO quality.gate_results SELECT * FROM gates_df")
    return len(df)


FAILURES_SCHEMA = "quality_failures"  # dbt_project.yml: data_tests singular +schema


def failing_rows(path: Path, check_name: str, limit: int = 5) -> list[str]:
    """The first rows a failed singular dbt gate stored (store_failures), one 'column=value, ...' line
    each, so the build's message names what failed; empty when the gate stores none."""
    if not path.exists():
        return []
    with connect(path, read_only=True) as con:
        found = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [FAILURES_SCHEMA, check_name],
        ).fetchone()[0]
        if not found:
            return []
        cur = con.execute(f'SELECT * FROM "{FAILURES_SCHEMA}"."{check_name}" LIMIT {int(limit)}')
        names = [d[0] for d in cur.description]
        return [", ".join(f"{n}={v}" for n, v in zip(names, row, strict=False)) for row in cur.fetchall()]


def source_commit() -> str:
    """The git commit of the project that builds (with '+changes' when the work tree differs), or
    'unknown' outside a git checkout."""
    import subprocess

    from .settings import PROJECT_ROOT

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (commit + ("+changes" if dirty else "")) if commit else "unknown"


def record_build(path: Path, run_id: str, years: list[str]) -> None:
    """quality.build_info: when the published warehouse was built, from which commit, for which years."""
    row = pd.DataFrame(
        [
            {
                "run_id": run_id,
                "built_at": datetime.now(UTC).replace(tzinfo=None),
                "commit": source_commit(),
                "years": ", ".join(years),
            }
        ]
    )
    with connect(path) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS quality")
        con.register("build_df", row)
        con.execute("CREATE OR REPLACE TABLE quality.build_info AS SELECT * FROM build_df")


def build_info(path: Path) -> tuple[str, str]:
    """(built at, commit) of a published warehouse, or ('unknown', 'unknown') for one built before this was kept."""
    with connect(path, read_only=True) as con:
        if not con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'quality' "
            "AND table_name = 'build_info'"
        ).fetchone()[0]:
            return "unknown", "unknown"
        built_at, commit = con.execute("SELECT built_at, commit FROM quality.build_info").fetchone()
    return f"{built_at:%Y-%m-%d %H:%M} UTC", commit


DBT_TEST_WORDS = {
    "not_null": "{column} is never empty",
    "unique": "{column} is unique",
    "accepted_values": "{column} only takes the values {values}",
    "relationships": "every {column} is a {field} of {to}",
    "unique_combination": "one row per {columns}",
    "shares_sum_to_one": "{share} adds to one for every {group_by}",
    "one_row_per_published_cell": "one row per published cell (file, sheet, row, column)",
    "every_spending_authority_covered": "every authority that spends in the returns is mapped to the districts it "
    "serves",
}


def _leading_comment(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        if line.startswith("--"):
            lines.append(line.lstrip("- ").strip())
        elif line.strip() and lines:
            break
    return " ".join(lines)


def describe_dbt_test(node: dict) -> str:
    """What a dbt test checks, in words: its own description, else its generic test and arguments,
    else (a singular test) the comment at the top of its SQL."""
    if node.get("description"):
        return node["description"].strip()
    meta = node.get("test_metadata") or {}
    kwargs = dict(meta.get("kwargs") or {})
    kwargs.update(kwargs.pop("arguments", None) or {})
    model = (node.get("refs") or [{}])[0].get("name") or "".join(node.get("sources", [[]])[0][-1:]) or ""
    if meta.get("name") in DBT_TEST_WORDS:
        words = {
            k: ", ".join(map(str, v)) if isinstance(v, list) else str(v).replace("ref('", "").replace("')", "")
            for k, v in kwargs.items()
        }
        try:
            text = DBT_TEST_WORDS[meta["name"]].format_map({"column": words.get("column_name", ""), **words})
        except KeyError:
            text = meta["name"]
        where = kwargs.get("config", {}).get("where") if isinstance(kwargs.get("config"), dict) else None
        return f"{model}: {text}" + (f" (where {where})" if where else "")
    return _leading_comment(node.get("raw_code", "")) or node.get("name", "")


def _what_was_checked(details: str, manifest: dict) -> str:
    meta = json.loads(details or "{}")
    if meta.get("checked"):
        return "; ".join(meta["checked"])
    node = manifest.get("nodes", {}).get(meta.get("unique_id", ""), {})
    return describe_dbt_test(node) if node else ""


# the layers in the order data flows through them, with what their gates guard
LAYERS = {
    "raw": "Great Expectations suites on each raw table as parsed from the publisher's file",
    "seeds": "dbt tests on the policy seeds (crosswalks, places, indicators, the manifest)",
    "staging": "dbt tests on the renamed and typed copies of the raw tables",
    "intermediate": "dbt tests on the mapping, apportionment and deduplication models",
    "marts": "dbt tests and the Great Expectations suite on what analysts read",
}

FILTER_JS = """<script>
function filterGates() {
  const q = document.getElementById('q').value.toLowerCase();
  const onlyFailed = document.getElementById('only-failed').checked;
  let shown = 0;
  document.querySelectorAll('tr.passed, tr.failed').forEach(tr => {
    const on = (!q || tr.textContent.toLowerCase().includes(q)) && (!onlyFailed || tr.classList.contains('failed'));
    tr.style.display = on ? '' : 'none';
    if (on) shown++;
  });
  document.querySelectorAll('tr.model, tr.layer').forEach(head => {
    let next = head.nextElementSibling, any = false;
    while (next && !next.classList.contains(head.classList.contains('layer') ? 'layer' : 'model')
           && !(head.classList.contains('model') && next.classList.contains('layer'))) {
      if ((next.classList.contains('passed') || next.classList.contains('failed')) && next.style.display !== 'none') {
        any = true;
      }
      next = next.nextElementSibling;
    }
    head.style.display = any ? '' : 'none';
  });
  document.getElementById('shown').textContent = shown + ' shown';
}
</script>"""


def _model_link(asset: str) -> str:
    """The asset's name, linked to its page in the dbt docs beside this page (models and seeds)."""
    layer, _, name = asset.partition("/")
    kind = {"seeds": "seed", "staging": "model", "intermediate": "model", "marts": "model"}.get(layer)
    text = html.escape(asset)
    return (
        f"<a href='dbt/static_index.html#!/{kind}/{kind}.totalplace.{html.escape(name)}'>{text}</a>" if kind else text
    )


def render(warehouse: Path, out: Path, manifest_path: Path | None = None) -> Path:
    """gates.html: every gate of the last published build with what it checks and its result."""
    manifest = json.loads(manifest_path.read_text()) if manifest_path and manifest_path.exists() else {}
    with connect(warehouse, read_only=True) as con:
        df = con.execute(
            "SELECT asset, check_name, passed, description, details, evaluated_at "
            "FROM quality.gate_results ORDER BY passed, asset, check_name"
        ).df()
    failed = int((~df["passed"]).sum())
    when = f"{df['evaluated_at'].max():%Y-%m-%d %H:%M}" if len(df) else "never"
    df["layer"] = df["asset"].str.split("/").str[0]
    df["layer_rank"] = df["layer"].map({name: i for i, name in enumerate(LAYERS)}).fillna(len(LAYERS))
    df = df.sort_values(["layer_rank", "asset", "passed", "check_name"])
    body = []
    for layer, in_layer in df.groupby("layer", sort=False):
        n_failed = int((~in_layer["passed"]).sum())
        body.append(
            f"<tr class='layer'><th colspan='4'>{html.escape(layer)}: {len(in_layer)} gates, "
            f"{n_failed} failed<span class='what'>{html.escape(LAYERS.get(layer, ''))}</span></th></tr>"
        )
        for asset, rows in in_layer.groupby("asset", sort=False):
            body.append(
                f"<tr class='model'><td colspan='4'>{_model_link(str(asset))} "
                f"<span class='n'>{len(rows)} gate{'s' if len(rows) > 1 else ''}</span></td></tr>"
            )
            for r in rows.itertuples():
                status = "passed" if r.passed else "FAILED"
                checked = _what_was_checked(r.details, manifest)
                body.append(
                    f"<tr class='{status.lower()}'><td>{html.escape(r.asset)}</td><td>{html.escape(r.check_name)}</td>"
                    f"<td class='result'>{status}</td><td>{html.escape(checked)}"
                    + (f"<div class='outcome'>{html.escape(r.description)}</div>" if r.description else "")
                    + "</td></tr>"
                )
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>totalplace quality gates</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em auto;max-width:1300px;padding:0 1em;color:#222}}
table{{border-collapse:collapse;width:100%;table-layout:fixed}}
td,th{{border-bottom:1px solid #ddd;padding:5px 8px;vertical-align:top;text-align:left;overflow-wrap:anywhere;
font-size:.92em}}
th{{background:#f3f6f8}} col.asset{{width:19%}} col.gate{{width:25%}} col.result{{width:7%}}
tr.failed td{{background:#fdd}} td.result{{font-weight:600}} tr.passed td.result{{color:#060}}
.outcome{{color:#666;font-size:.9em;margin-top:2px}}
tr.layer th{{background:#1f6f8b;color:#fff;font-size:1.05em;padding:8px}}
tr.layer .what{{font-weight:400;margin-left:1em}}
tr.model td{{background:#eef3f6;font-weight:600}} tr.model .n{{font-weight:400;color:#666;margin-left:.5em}}
.filter{{position:sticky;top:0;background:#fff;padding:.5em 0;z-index:2}} .filter input[type=search]{{width:28em;
padding:4px}}</style>{FILTER_JS}</head><body>
<h1>Quality gates of the last published build</h1>
<p>{len(df)} gates evaluated at {when} UTC: {len(df) - failed} passed, {failed} failed. Raw and marts gates are
Great Expectations suites (expectations/raw.py, expectations/marts.py): the column lists what each of their
expectations checks. The others are dbt tests, described from the model YAML (generic tests) or the
comment at the top of the test (singular tests, dbt/tests/singular/). Every gate is blocking: a failure stops the
publish. Grouped by layer (raw, seeds, staging, intermediate, marts) and model; each model links to its page
in the dbt docs.</p>
<div class="filter"><input id="q" type="search" placeholder="filter: a model, a gate, a column, a rule..."
oninput="filterGates()"> <label><input id="only-failed" type="checkbox" onchange="filterGates()"> failed only</label>
<span id="shown" class="n"></span></div>
<table><colgroup><col class="asset"><col class="gate"><col class="result"><col></colgroup>
<tr><th>asset</th><th>gate</th><th>result</th><th>what it checks</th></tr>
{"".join(body)}</table></body></html>"""
    out.write_text(page, encoding="utf-8")
    return out
