"""`totalplace` command line: build the warehouse, pull the sources, show what was loaded."""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import map_measures


def _rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def cmd_pull(args) -> int:
    from .manifest import load_manifest
    from .pull import PullError, pull
    from .settings import Settings

    s = Settings.from_env()
    try:
        landed = pull(load_manifest(), s.data_dir, s.mirror, log=lambda m: print(m, flush=True))
    except PullError as exc:
        print(f"pull failed: {exc}", file=sys.stderr)
        return 2
    print(f"{len(landed)} files landed and verified in {s.data_dir}")
    return 0


def _years_arg(value: str | None) -> list[str] | None:
    """--year 2016-17 or --year 2015-16..2017-18 -> the partition keys it covers (checked against the manifest)."""
    from .partitions import financial_years, year_range

    if not value:
        return None
    known = financial_years()
    first, _, last = value.partition("..")
    unknown = [y for y in (first, last or first) if y not in known]
    if unknown:
        raise SystemExit(
            f"totalplace build: unknown financial year {unknown[0]!r}; the yearly returns cover "
            f"{known[0]} to {known[-1]} (write e.g. --year 2016-17 or --year 2015-16..2017-18)"
        )
    years = year_range(first, last or first, known)
    if not years:
        raise SystemExit(f"totalplace build: --year {value}: the first year comes after the last")
    return years


def _missing_relations(warehouse: Path) -> list[str]:
    """dbt models and seeds the project now has that the published warehouse lacks: a partial build
    reads them as they are, so after adding models a full build must come first."""
    from .transform import ensure_manifest
    from .warehouse import connect

    nodes = json.loads(ensure_manifest().read_text())["nodes"].values()
    wanted = {f"{n['schema']}.{n.get('alias') or n['name']}" for n in nodes if n["resource_type"] in ("model", "seed")}
    with connect(warehouse, read_only=True) as con:
        have = {
            f"{s}.{t}"
            for s, t in con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
        }
    return sorted(wanted - have)


def cmd_build(args) -> int:
    # Great Expectations (about 3 s to import) loads in its own process while this one loads Dagster and dbt;
    # forked now, before any thread exists
    from .buildlock import BuildLocked, build_lock
    from .checks.ge import start_worker, stop_worker
    from .settings import Settings

    warehouse = Settings.from_env().warehouse
    try:
        with build_lock(warehouse, wait=args.wait):
            start_worker()
            try:
                return _build(args)
            finally:
                stop_worker()
    except BuildLocked as exc:
        print(f"totalplace build: {exc}", file=sys.stderr)
        return 3


def _build(args) -> int:
    from .assembly import BUILD_JOB, make_definitions
    from .instance import project_instance
    from .partitions import financial_years
    from .settings import Settings

    t0 = time.perf_counter()
    settings = Settings.from_env()
    years = _years_arg(args.year)
    refusal = _refuse_partial(settings, years, args)
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    if args.returns:
        years = _returns_years(settings)
    if not (years or args.returns or args.select):
        missing = _unlandable(settings)
        if missing:
            print(f"totalplace build: {missing}", file=sys.stderr)
            print("build FAILED; the published warehouse was not touched", file=sys.stderr)
            return 1
    print(
        f"totalplace build: mirror={settings.mirror or '(none: downloading from the URLs)'} data={settings.data_dir} "
        f"returns={settings.returns_dir}\n"
        f"  building into {_working(settings)}\n"
        f"  publishing to {settings.warehouse} only if every gate passes\n"
        f"  Dagster instance {settings.dagster_home} (the runs show in `make dagster`)",
        flush=True,
    )
    if args.returns:
        print(
            "  the partner returns, new and published, cover "
            + (f"{years[0]} to {years[-1]}: rebuilding those years alone" if years else "no known year: every year"),
            flush=True,
        )
    defs = make_definitions(settings)
    print(f"  [{time.perf_counter() - t0:5.1f}s] asset definitions loaded", flush=True)
    asset_keys = _selected_assets(args, years, defs)
    run_years = years or financial_years()
    print(
        f"  financial year partition(s): {run_years[0]}" + (f" to {run_years[-1]}" if len(run_years) > 1 else ""),
        flush=True,
    )
    with project_instance(settings) as instance:
        result = defs.resolve_job_def(BUILD_JOB).execute_in_process(
            raise_on_error=False,
            instance=instance,
            asset_selection=asset_keys,
            tags={
                "dagster/asset_partition_range_start": run_years[0],
                "dagster/asset_partition_range_end": run_years[-1],
                "totalplace/started_by": "totalplace build",
            },
            run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
        )
    elapsed = time.perf_counter() - t0
    print(f"  [{elapsed:5.1f}s] run {result.run_id} finished", flush=True)
    return _report_build(result, settings, elapsed)


def _returns_years(settings) -> list[str] | None:
    """The financial years a `build --returns` rebuilds: from the first to the last year that a return in
    TOTALPLACE_RETURNS gives, or that the published warehouse's returns gave (a return taken away puts its
    year's estimates back). Every other year's rows do not read the returns and stay as published. None
    (every year) when neither has a return of a known year."""
    import duckdb

    from .partitions import financial_years, year_range
    from .returns.ingest import read_return, return_files
    from .warehouse import connect

    known = financial_years()
    files = return_files(settings.returns_dir)
    given = {line.get("financial_year") for path in files for line in read_return(path).lines}
    try:
        with connect(settings.warehouse, read_only=True) as con:
            given |= {y for (y,) in con.execute("SELECT DISTINCT financial_year FROM raw.partner_returns").fetchall()}
    except duckdb.CatalogException:  # a warehouse without the table (built before partner returns existed): every year
        return None
    years = sorted(y for y in given if y in known)
    if not years:
        return None
    return year_range(years[0], years[-1], known)


def _unlandable(settings) -> str | None:
    """Before a build of everything: the manifest files that no pull could land (not landed, not in the mirror,
    no URL), in the pull's own words, or None. Said at once rather than after every other file is parsed."""
    from .manifest import load_manifest
    from .pull import PullError, plan_pull

    try:
        plan_pull(load_manifest(), settings.data_dir, settings.mirror)
    except PullError as exc:
        return str(exc)
    return None


def _working(settings) -> Path:
    from .publish import working_path

    return working_path(settings.warehouse)


def _refuse_partial(settings, years: list[str] | None, args) -> str | None:
    """Why a partial build (--select, --year, --returns) cannot run on this warehouse, or None."""
    if (years or args.returns) and not settings.warehouse.exists():
        return (
            f"totalplace build {'--year' if years else '--returns'}: there is no published warehouse at "
            f"{settings.warehouse} to update; run a full `totalplace build` first"
        )
    if (args.select or years or args.returns) and settings.warehouse.exists():
        missing = _missing_relations(settings.warehouse)
        if missing:
            return (
                f"totalplace build: the published warehouse {settings.warehouse} predates {len(missing)} model(s) or "
                f"seed(s) of this version ({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}); a partial "
                f"build reads them as they are, so run a full `totalplace build` first"
            )
    return None


def _selected_assets(args, years: list[str] | None, defs) -> list | None:
    """The assets a partial build runs (always with the publish), or None for everything."""
    import dagster as dg

    from .partitions import YEARLY_RAW_TABLES
    from .resources import PUBLISH_KEY

    if args.select:
        selection = dg.AssetSelection.from_string(args.select)
    elif args.returns:
        # the partner returns read again, and every model that uses them, for the years they cover (_returns_years)
        selection = dg.AssetSelection.assets(dg.AssetKey(["raw", "partner_returns"])).downstream()
    elif years:
        # one year alone: its RS file, then every model built from the returns, with their gates
        selection = dg.AssetSelection.assets(*[dg.AssetKey(["raw", t]) for t in YEARLY_RAW_TABLES]).downstream()
    else:
        return None
    # a partial build publishes too
    return sorted(selection.resolve(defs.resolve_asset_graph()) | {PUBLISH_KEY}, key=lambda k: k.to_user_string())


def _report_build(result, settings, elapsed: float) -> int:
    """Say what the run did: the gates, the published warehouse or why nothing was published."""
    from .gate_report import failing_rows
    from .publish_asset import blocking_failures
    from .resources import PUBLISH_KEY

    evaluations = result.get_asset_check_evaluations()
    failed_checks = blocking_failures(evaluations)
    warned = [e for e in evaluations if not e.passed and e not in failed_checks]
    published = any(
        e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key == PUBLISH_KEY for e in result.all_events
    )
    if published:
        print(f"\nbuild OK: {len(evaluations) - len(warned)} gate(s) passed; published {settings.warehouse}")
        for e in warned:
            print(f"  warning: {e.asset_key.to_user_string()} {e.check_name} (not blocking)")
            for row in failing_rows(settings.warehouse, e.check_name):
                print(f"    - {row}")
        _summary(settings.warehouse)
        print(f"wall time {elapsed:.1f} s, peak RSS {_rss_mib():.0f} MiB")
        return 0
    _report_failure(result, settings, failed_checks)
    print(f"wall time {elapsed:.1f} s, peak RSS {_rss_mib():.0f} MiB", file=sys.stderr)
    return 1


def _report_failure(result, settings, failed_checks) -> None:
    from .gate_report import failing_rows
    from .publish import failed_path
    from .resources import AFTER_RUN

    print(
        "\nbuild FAILED; the published warehouse was not touched"
        + (f" ({settings.warehouse})" if settings.warehouse.exists() else ""),
        file=sys.stderr,
    )
    kept = failed_path(settings.warehouse)
    for e in failed_checks:
        rows = failing_rows(kept, e.check_name) if kept.exists() else []
        print(
            f"  gate failed: {e.asset_key.to_user_string()} {e.check_name}"
            + (f": {e.description}" if e.description else "")
            + (":" if rows else ""),
            file=sys.stderr,
        )
        for row in rows:
            print(f"    - {row}", file=sys.stderr)
    for where, msg in _step_failures(result):
        print(f"  {where}: {msg}", file=sys.stderr)
    skipped = [e for e in result.all_events if e.event_type_value == "STEP_SKIPPED"]
    if skipped:
        print(f"  {len(skipped)} step(s) not run because something they depend on failed", file=sys.stderr)
    if AFTER_RUN.get(result.run_id):
        print(f"  {AFTER_RUN[result.run_id]}", file=sys.stderr)


def _step_failures(result) -> list[tuple[str, str]]:
    """Each distinct failure of the run as (where, message): the user's error under Dagster's wrappers,
    without the gate failures (said above) and without repeats."""
    failure_types = ("STEP_FAILURE", "RESOURCE_INIT_FAILURE", "RUN_FAILURE", "PIPELINE_FAILURE")
    out, said = [], set()
    for e in result.all_events:
        if e.event_type_value not in failure_types:
            continue
        err = getattr(e.event_specific_data, "error", None)
        if err is None or "AssetCheckFailed" in str(getattr(err, "cls_name", "")):
            continue
        while err.cause is not None and err.cls_name in (
            "DagsterExecutionStepExecutionError",
            "DagsterResourceFunctionError",
            "DagsterUserCodeExecutionError",
        ):
            err = err.cause
        msg = err.message.strip()
        for prefix in ("dagster._core.definitions.events.Failure: ", "dagster_project.resources.NothingBuiltYet: "):
            msg = msg.removeprefix(prefix)
        if msg not in said:
            said.add(msg)
            out.append((f"step failed: {e.step_key}" if e.step_key else "run failed", msg))
    return out


def _summary(path: Path) -> None:
    from .warehouse import connect

    with connect(path, read_only=True) as con:
        rows = con.execute("""
            SELECT table_name, count(DISTINCT source_id) AS files, sum(data_rows) AS data_rows,
                   sum(skipped_rows) AS skipped, sum(rejected_rows) AS rejected
            FROM raw.load_log GROUP BY 1 ORDER BY 1""").fetchall()
        returns = (
            con.execute(
                "SELECT return_file, status, lines, problems FROM raw.partner_return_files ORDER BY 1"
            ).fetchall()
            if con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' AND table_name = "
                "'partner_return_files'"
            ).fetchone()[0]
            else []
        )
    print(f"  {'raw table':32} {'files':>5} {'data rows':>10} {'skipped':>8} {'rejected':>8}")
    for t, f, d, s, r in rows:
        print(f"  {t:32} {f:>5} {d:>10,} {s:>8,} {r:>8,}")
    for name, status, lines, problems in returns:
        problems = json.loads(problems)
        print(f"  partner return {name}: {status}, {lines} line(s)" + (":" if problems else ""))
        for p in problems:
            print(f"    - {p}")


def cmd_status(args) -> int:
    from .settings import Settings
    from .warehouse import connect

    s = Settings.from_env()
    if not s.warehouse.exists():
        print(f"no warehouse at {s.warehouse}: run `totalplace build`", file=sys.stderr)
        return 2
    with connect(s.warehouse, read_only=True) as con:
        rows = con.execute(
            "SELECT source_id, source_file, sheet, header_row, data_rows, skipped_rows, rejected_rows "
            "FROM raw.load_log ORDER BY table_name, source_id, sheet"
        ).fetchall()
    print(f"{'source_id':26} {'sheet':34} {'hdr':>4} {'data':>7} {'skip':>5} {'rej':>5}  file")
    for sid, f, sh, h, d, sk, r in rows:
        print(f"{sid:26} {(sh or '-')[:34]:34} {h:>4} {d:>7,} {sk:>5} {r:>5}  {f}")
    from .publish import failed_path, wal, working_path

    print(f"\nwarehouse files in {s.warehouse.parent}:")
    for label, path in (
        ("published", s.warehouse),
        ("failed build kept for inspection", failed_path(s.warehouse)),
        ("build in progress or interrupted", working_path(s.warehouse)),
    ):
        for p in (path, wal(path)):
            if p.exists():
                print(
                    f"  {label + (' (write-ahead log)' if p.suffix == '.wal' else ''):44} "
                    f"{p.stat().st_size / 2**20:>9,.1f} MiB  {p.name}"
                )
    print(f"  {'free space':44} {shutil.disk_usage(s.warehouse.parent).free / 2**20:>9,.0f} MiB")
    return 0


def cmd_count(args) -> int:
    from .count import CountError, count_years, get_count, render
    from .settings import Settings

    warehouse = Settings.from_env().warehouse
    try:
        years = count_years(warehouse, args.year)
        counts = [get_count(warehouse, args.place, y, args.by, real=args.real) for y in years]
    except CountError as exc:
        print(f"totalplace count: {exc}", file=sys.stderr)
        return 2
    if len(counts) == 1:
        sys.stdout.write(render(counts[0], args.format))
    elif args.format == "json":  # a range: one object per year
        import json

        sys.stdout.write(json.dumps([c.as_dict() for c in counts], indent=2) + "\n")
    elif args.format == "csv":  # a range: one header, the years' rows after it
        sys.stdout.write(
            "".join(render(c, "csv").split("\n", 1)[1] if i else render(c, "csv") for i, c in enumerate(counts))
        )
    else:
        sys.stdout.write("\n".join(render(c, "table") for c in counts))
    return 0


def cmd_places(args) -> int:
    from .count import CountError, list_places, render_places
    from .settings import Settings

    try:
        rows = list_places(Settings.from_env().warehouse, args.search)
    except CountError as exc:
        print(f"totalplace places: {exc}", file=sys.stderr)
        return 2
    if not rows:
        print(
            f"totalplace places: no place matches {args.search!r}; `totalplace places` lists all of them",
            file=sys.stderr,
        )
        return 2
    if (
        args.search
        and rows
        and args.search.strip().lower() not in (rows[0]["place_id"].lower() + " " + rows[0]["place_name"].lower())
    ):
        print(f"no place contains {args.search!r}; the closest:", file=sys.stderr)
    sys.stdout.write(render_places(rows, args.format))
    return 0


def cmd_compare(args) -> int:
    from .compare import get_comparison, render
    from .count import CountError
    from .settings import Settings
    from .warehouse import connect

    warehouse = Settings.from_env().warehouse
    try:
        comparison = get_comparison(warehouse, args.places, args.year)
    except CountError as exc:
        print(f"totalplace compare: {exc}", file=sys.stderr)
        return 2
    with connect(warehouse, read_only=True) as con:
        names = dict(con.execute("SELECT cofog_code, description FROM marts.dim_cofog").fetchall())
    sys.stdout.write(render(comparison, args.format, names))
    return 0


def cmd_map(args) -> int:
    from .count import CountError
    from .maps import write_map
    from .settings import Settings

    try:
        out, n = write_map(Settings.from_env().warehouse, args.year, Path(args.out), args.cofog, args.by)
    except CountError as exc:
        print(f"totalplace map: {exc}", file=sys.stderr)
        return 2
    print(f"map written to {out.resolve()}: {n} districts ({out.stat().st_size / 1e6:.1f} MB, opens offline)")
    return 0


def cmd_trace(args) -> int:
    from .count import CountError
    from .settings import Settings
    from .trace import get_trace, render

    try:
        trace = get_trace(Settings.from_env().warehouse, args.place, args.year, args.cofog, args.sector)
    except CountError as exc:
        print(f"totalplace trace: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(render(trace, args.format, args.limit))
    return 0


def cmd_report(args) -> int:
    from .count import CountError
    from .report import write_report
    from .settings import Settings

    try:
        out = write_report(Settings.from_env().warehouse, args.place, args.year, Path(args.out))
    except CountError as exc:
        print(f"totalplace report: {exc}", file=sys.stderr)
        return 2
    print(f"report written to {out.resolve()} ({out.stat().st_size / 1e6:.1f} MB, opens offline)")
    return 0


def cmd_template(args) -> int:
    from .count import CountError
    from .returns.template import write_template
    from .settings import Settings

    try:
        out, n = write_template(Settings.from_env().warehouse, args.place, args.year, Path(args.out))
    except CountError as exc:
        print(f"totalplace template: {exc}", file=sys.stderr)
        return 2
    print(
        f"return template written to {out}: {n} bodies, one sheet each; fill 'Your figure (£)' and put the "
        f"file in TOTALPLACE_RETURNS ({Settings.from_env().returns_dir}) before the next build"
    )
    return 0


def cmd_ndpb(args) -> int:
    from .count import CountError
    from .lookup import LookupFailed, normalise_year
    from .ndpb import get_report, render_format
    from .settings import Settings

    try:
        year = normalise_year(args.year, [f"{y}-{(y + 1) % 100:02d}" for y in range(2000, 2040)])
        report = get_report(Settings.from_env().warehouse, args.region, year)
    except (CountError, LookupFailed) as exc:
        print(f"totalplace ndpb: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(render_format(report, args.format))
    return 0


DOCS_INDEX = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>totalplace: docs for auditors</title>
<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
li{margin:.4em 0}</style></head><body>
<h1>totalplace: how every number is made</h1>
<p>The Total Place high-level count: identifiable public spending in each English place and year, by COFOG
function, sector, body, source and method, built from the published files with every figure traceable to its
source cell.</p>
<ul>
<li><a href="dbt/static_index.html">Lineage, models, columns and counting rules</a> (dbt docs): start at the
project overview, then <code>fct_place_spend</code> and its lineage graph back to the raw tables and seeds.</li>
<li><a href="gates.html">Quality gates of the last published build</a>: every gate, what it checks and its result.</li>
</ul>
<h2>Where to start</h2>
<ol>
<li>The rules: the docs blocks (count, vintages, who serves where, transfers, indicators, population as last
resort, conservation) are shown on the models that apply them.</li>
<li>The policies are seeds an auditor can read: <code>cipfa_to_cofog</code>, <code>authority_coverage</code>,
<code>places</code>, <code>apportionment_indicators</code> and <code>indicators</code>, <code>sources</code> (the
manifest, with each file's sha256).</li>
<li>From a number back to its cell: <code>marts.fct_place_spend</code> gives its <code>source_id</code>,
<code>method</code> and <code>indicator_id</code>; the raw tables give <code>source_file</code>, <code>sheet</code>,
<code>row_number</code> (and <code>column_letter</code>). In one command: <code>totalplace trace --place Hackney
--year 2016-17 --cofog 07</code> lists every part of a figure with its cell, key, share and rules; the parts add
to the figure.</li>
</ol></body></html>"""


def cmd_docs(args) -> int:
    """dbt lineage docs (static, opens from disk) and the gate results of the published build."""
    from .gate_report import render
    from .settings import Settings
    from .transform import run_dbt_subprocess

    s = Settings.from_env()
    if not s.warehouse.exists():
        print(f"no warehouse at {s.warehouse}: run `totalplace build` first", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    (out / "dbt").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:  # dbt opens its warehouse read-write: give it a copy
        copy = Path(tmp) / "docs.duckdb"
        shutil.copyfile(s.warehouse, copy)
        target = Path(tmp) / "target"  # dbt's working files (compiled SQL, graph, parse cache) stay out of the site
        print("generating dbt docs (catalog of every source, seed and model)...", flush=True)
        proc = run_dbt_subprocess(
            ["docs", "generate", "--static"], target, env={**os.environ, "TOTALPLACE_WAREHOUSE": str(copy)}
        )
        if proc.returncode != 0:
            print(proc.stdout[-3000:], file=sys.stderr)
            return 1
        for old in (out / "dbt").iterdir():  # a site written by an older version may hold dbt internals
            shutil.rmtree(old) if old.is_dir() else old.unlink()
        # the page (self-contained), and the manifest and catalog for machine-readable lineage; not dbt's
        # working files (graph.gpickle, partial_parse.msgpack, compiled/ and run/ SQL)
        for name in ("static_index.html", "manifest.json", "catalog.json"):
            shutil.copyfile(target / name, out / "dbt" / name)
        gates = render(s.warehouse, out / "gates.html", target / "manifest.json")
    (out / "index.html").write_text(DOCS_INDEX, encoding="utf-8")
    print(f"docs written to {out}: open {out / 'index.html'} ({out / 'dbt' / 'static_index.html'}, {gates})")
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("totalplace")
    except PackageNotFoundError:
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="totalplace", description=__doc__)
    p.add_argument("--version", action="version", version=f"totalplace {_version()}")
    sub = p.add_subparsers(dest="command")
    b = sub.add_parser("build", help="pull, parse, gate and publish the warehouse (TOTALPLACE_WAREHOUSE)")
    b.add_argument("--select", help="Dagster asset selection, e.g. 'key:raw/cra' (default: everything)")
    b.add_argument(
        "--year",
        help="re-run one financial year (2016-17) or a range (2015-16..2017-18) alone: re-parse "
        "its RS returns and rebuild what depends on them, starting from the published warehouse",
    )
    b.add_argument(
        "--returns",
        action="store_true",
        help="re-read the partner returns in TOTALPLACE_RETURNS and rebuild what depends on them for the years "
        "the returns (new and published) cover, starting from the published warehouse",
    )
    b.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    b.add_argument(
        "--wait",
        action="store_true",
        help="if another build is running, wait for it to end instead of stopping at once",
    )
    b.set_defaults(func=cmd_build)
    sub.add_parser("pull", help="land and verify every manifest file in TOTALPLACE_DATA").set_defaults(func=cmd_pull)
    c = sub.add_parser("count", help="the count for one place and year, from the published warehouse")
    c.add_argument(
        "--place",
        required=True,
        help="place id (E09000012, tp_kent) or name, any case, or a unique part "
        'of it (Hackney, Kent, "Kingston upon Hull"); `totalplace places` lists them',
    )
    c.add_argument(
        "--year", required=True, help="financial year: 2016-17, 2016/17 or 16-17, or a range: 2014-15..2016-17"
    )
    c.add_argument(
        "--by",
        default="cofog",
        choices=["cofog", "group", "sector", "department", "body", "method", "indicator", "source"],
    )
    c.add_argument("--format", default="table", choices=["table", "csv", "json"])
    c.add_argument(
        "--real",
        action="store_true",
        help="real terms: every amount in the prices of the base year (2024-25, ONS GDP deflator), the cash "
        "figure beside the headline; json always carries both",
    )
    c.set_defaults(func=cmd_count)
    pl = sub.add_parser("places", help="list the places of the count (districts and pilot areas), or search them")
    pl.add_argument("search", nargs="?", help="part of a name or id, e.g. Kent, hull, E09")
    pl.add_argument("--format", default="table", choices=["table", "csv", "json"])
    pl.set_defaults(func=cmd_places)
    cp = sub.add_parser(
        "compare", help="places side by side for a year, with their regions and England (per head, cash and real)"
    )
    cp.add_argument("places", nargs="+", metavar="PLACE", help="place ids or names, e.g. Hackney Camden")
    cp.add_argument("--year", required=True, help="financial year: 2016-17, 2016/17 or 16-17")
    cp.add_argument("--format", default="table", choices=["table", "csv", "json"])
    cp.set_defaults(func=cmd_compare)
    mp = sub.add_parser("map", help="a map of England's 296 districts for a year: one page that opens offline")
    mp.add_argument("--year", required=True, help="financial year: 2016-17, 2016/17 or 16-17")
    mp.add_argument("--cofog", help="one COFOG division (07) or group (07.3); default: the whole count")
    mp.add_argument(
        "--by",
        default="per_head",
        choices=list(map_measures.MEASURES),
        help="per head in 2024-25 prices (default), the share placed by indicators or from actual returns, or the "
        "error band (± share of the total, from each method's measured error)",
    )
    mp.add_argument("--out", default="map.html", help="HTML file to write (default: map.html here)")
    mp.set_defaults(func=cmd_map)
    tr = sub.add_parser(
        "trace", help="every contribution to one figure of the count, largest first, down to the published cell"
    )
    tr.add_argument("--place", required=True, help="place id (E09000012, tp_kent) or name")
    tr.add_argument("--year", required=True, help="financial year: 2016-17, 2016/17 or 16-17")
    tr.add_argument("--cofog", help="a COFOG division (07) or group (07.3); default: the whole count")
    tr.add_argument("--sector", help="CG, LG or PC; default: all three")
    tr.add_argument("--format", default="table", choices=["table", "csv", "json"])
    tr.add_argument("--limit", type=int, default=40, help="parts shown in the table (csv and json list all)")
    tr.set_defaults(func=cmd_trace)
    r = sub.add_parser("report", help="a self-contained HTML report for one place and year")
    r.add_argument("--place", required=True)
    r.add_argument("--year", required=True)
    r.add_argument("--out", default="report.html", help="HTML file to write (default: report.html here)")
    r.set_defaults(func=cmd_report)
    t = sub.add_parser("template", help="write the local spend return workbook for a place and year")
    t.add_argument("--place", required=True, help="place id (E09000012, tp_kent) or district name")
    t.add_argument("--year", required=True, help="financial year, e.g. 2016-17")
    t.add_argument("--out", default="returns.xlsx", help="workbook to write (default: returns.xlsx here)")
    t.set_defaults(func=cmd_template)
    n = sub.add_parser("ndpb", help="arm's-length bodies report for an English region and year")
    n.add_argument("--region", required=True, help="region code (E12000007) or name (London)")
    n.add_argument("--year", required=True, help="financial year covered by CRA 2018, e.g. 2014-15 or 2014/15")
    n.add_argument("--format", default="table", choices=["table", "csv", "json"])
    n.set_defaults(func=cmd_ndpb)
    d = sub.add_parser("docs", help="static lineage docs and gate results for auditors")
    d.add_argument("--out", default="docs_site", help="folder to write (default: docs_site/)")
    d.set_defaults(func=cmd_docs)
    sub.add_parser("status", help="per file: header row, data rows, skipped and rejected rows").set_defaults(
        func=cmd_status
    )
    args = p.parse_args(argv)
    if args.command is None:  # bare `totalplace`: what it can do, not an argparse error
        p.print_help()
        return 0
    from .warehouse import WarehouseError

    try:
        rc = args.func(args)
    except WarehouseError as exc:
        print(f"totalplace {args.command}: {exc}", file=sys.stderr)
        rc = 2
    if argv is None:
        # Run as the `totalplace` command: everything is written, closed and removed by now, and the
        # interpreter's own teardown of the Dagster, dbt and GE modules takes 1-2 s more (measured), so
        # leave at once.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(rc)
    return rc


if __name__ == "__main__":
    sys.exit(main())
