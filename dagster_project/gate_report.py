"""Gate results: every asset check of a build, kept in the warehouse (quality.gate_results) and
rendered as a readable HTML page for auditors (`totalplace docs`)."""
from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .warehouse import connect


def record(path: Path, evaluations, run_id: str) -> int:
    """Write one row per asset check evaluation into quality.gate_results of ``path``, replacing the
    rows of the same checks (a partial build keeps the results of the checks it did not run)."""
    rows = []
    for e in evaluations:
        meta = {k: getattr(v, "value", v) for k, v in (e.metadata or {}).items()}
        rows.append({"run_id": run_id, "asset": e.asset_key.to_user_string(), "check_name": e.check_name,
                     "passed": bool(e.passed), "description": e.description or "",
                     "details": json.dumps(meta, default=str)[:20000],
                     "evaluated_at": datetime.now(timezone.utc).replace(tzinfo=None)})
    df = pd.DataFrame(rows, columns=["run_id", "asset", "check_name", "passed", "description", "details", "evaluated_at"])
    with connect(path) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS quality")
        con.register("gates_df", df)
        con.execute("CREATE TABLE IF NOT EXISTS quality.gate_results AS SELECT * FROM gates_df LIMIT 0")
        con.execute("DELETE FROM quality.gate_results WHERE (asset, check_name) IN (SELECT asset, check_name FROM gates_df)")
        con.execute("INSERT INTO quality.gate_results SELECT * FROM gates_df")
    return len(df)


FAILURES_SCHEMA = "quality_failures"   # dbt_project.yml: data_tests singular +schema


def failing_rows(path: Path, check_name: str, limit: int = 5) -> list[str]:
    """The first rows a failed singular dbt gate stored (store_failures), one 'column=value, ...' line
    each, so the build's message names what failed; empty when the gate stores none."""
    if not path.exists():
        return []
    with connect(path, read_only=True) as con:
        found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                            [FAILURES_SCHEMA, check_name]).fetchone()[0]
        if not found:
            return []
        cur = con.execute(f'SELECT * FROM "{FAILURES_SCHEMA}"."{check_name}" LIMIT {int(limit)}')
        names = [d[0] for d in cur.description]
        return [", ".join(f"{n}={v}" for n, v in zip(names, row)) for row in cur.fetchall()]


def source_commit() -> str:
    """The git commit of the project that builds (with '+changes' when the work tree differs), or
    'unknown' outside a git checkout."""
    import subprocess

    from .settings import PROJECT_ROOT

    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (commit + ("+changes" if dirty else "")) if commit else "unknown"


def record_build(path: Path, run_id: str, years: list[str]) -> None:
    """quality.build_info: when the published warehouse was built, from which commit, for which years."""
    row = pd.DataFrame([{"run_id": run_id, "built_at": datetime.now(timezone.utc).replace(tzinfo=None),
                         "commit": source_commit(), "years": ", ".join(years)}])
    with connect(path) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS quality")
        con.register("build_df", row)
        con.execute("CREATE OR REPLACE TABLE quality.build_info AS SELECT * FROM build_df")


def build_info(path: Path) -> tuple[str, str]:
    """(built at, commit) of a published warehouse, or ('unknown', 'unknown') for one built before this was kept."""
    with connect(path, read_only=True) as con:
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'quality' "
                           "AND table_name = 'build_info'").fetchone()[0]:
            return "unknown", "unknown"
        built_at, commit = con.execute("SELECT built_at, commit FROM quality.build_info").fetchone()
    return f"{built_at:%Y-%m-%d %H:%M} UTC", commit


def render(warehouse: Path, out: Path) -> Path:
    with connect(warehouse, read_only=True) as con:
        df = con.execute("SELECT asset, check_name, passed, description, details, evaluated_at "
                         "FROM quality.gate_results ORDER BY passed, asset, check_name").df()
    failed = int((~df["passed"]).sum())
    when = df["evaluated_at"].max() if len(df) else "never"
    body = []
    for r in df.itertuples():
        status = "passed" if r.passed else "FAILED"
        body.append(f"<tr class='{status.lower()}'><td>{html.escape(r.asset)}</td><td>{html.escape(r.check_name)}</td>"
                    f"<td>{status}</td><td>{html.escape(r.description)}</td></tr>")
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>totalplace quality gates</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top}}
tr.failed td{{background:#fdd}} tr.passed td:nth-child(3){{color:#060}}</style></head><body>
<h1>Quality gates of the last published build</h1>
<p>{len(df)} gates evaluated at {when} UTC: {len(df) - failed} passed, {failed} failed. Raw and marts gates are
Great Expectations suites (expectations/raw.py, expectations/marts.py); the others are dbt tests.</p>
<table><tr><th>asset</th><th>gate</th><th>result</th><th>what was checked / what failed</th></tr>
{''.join(body)}</table></body></html>"""
    out.write_text(page, encoding="utf-8")
    return out
