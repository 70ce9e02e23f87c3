"""Benchmark: prints figures for this machine; asserts nothing about time.

    python benchmarks/run.py                 # everything at scale x1 and x10
    python benchmarks/run.py --scale 1 10 100
    python benchmarks/run.py --skip-build    # use the published warehouse (TOTALPLACE_WAREHOUSE)

Figures:
  1. cold `totalplace build` (empty data folder and warehouse): wall time and peak RSS, and where it went
     (benchmarks/breakdown.py, from Dagster's own step events: start-up, each raw asset and gate, dbt, the mart
     gates, publish, the events recorded);
  2. re-running one financial year alone: `totalplace build --year 2024-25` (--year; its RS partition re-parsed,
     the models rebuilt for that year, the gates, the atomic publish), whole process;
  3. the LSOA mart for all years (a view): every row materialised, and a per-LSOA, year and sector table;
  4. a typical analyst query (one place-year breakdown, read-only) latency: median and p95;
  5. the same LSOA apportionment in straightforward pandas on the same inputs, in the same run: ratios;
  6. scale mode: the LSOA x year x segment rows multiplied synthetically and the mart written to a
     DuckDB file (x1, x10; larger factors counted only), time, peak RSS and file size per factor.
Each measured step runs in its own process so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

SHARE_SQL = """
    SELECT l.lsoa_code, l.lad_code, l.imd_rank, d.financial_year, d.cofog_division, d.cofog_group, d.sector,
           d.amount_gbp * l.district_share / {k} AS amount_gbp
    FROM intermediate.int_district_spend_summarised d
    JOIN intermediate.int_lsoas_shared l ON l.lad_code = d.lad_code
    {replicate}
"""


AGG_SQL = """SELECT lsoa_code, financial_year, sector, sum(amount_gbp) AS amount_gbp
               FROM marts.fct_neighbourhood_spend GROUP BY ALL"""


def run_measured(code: str, env: dict | None = None) -> dict:
    """Run python code in a fresh process; it prints a JSON line; return it with the process's peak RSS."""
    wrapper = (
        "import json, resource, time, sys\n"
        "t0 = time.perf_counter()\n"
        f"{code}\n"
        "out = dict(result if 'result' in dir() else {})\n"
        "out['seconds'] = time.perf_counter() - t0\n"
        "out['peak_rss_mib'] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024\n"
        "print('BENCH ' + json.dumps(out))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {}), "PATH": f"{BIN}:{os.environ.get('PATH', '')}"},
        cwd=ROOT,
    )
    line = next((out[out.index("BENCH ") :] for out in proc.stdout.splitlines() if "BENCH " in out), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"benchmark step failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return json.loads(line[6:])


def breakdown_of_latest_run(env: dict, wall: float) -> str:
    """The Dagster instance's own record of the latest run, as benchmarks/breakdown.py renders it."""
    r = run_measured(
        f"sys.path.insert(0, {str(ROOT / 'benchmarks')!r})\n"
        "import breakdown\n"
        "b = breakdown.latest_run_breakdown()\n"
        f"result = {{'text': breakdown.render(b, {wall!r})}}\n",
        env,
    )
    return r["text"]


def cli(args: list[str]) -> str:
    return (
        "import subprocess\n"
        f"p = subprocess.run({[str(BIN / 'totalplace'), *args]!r}, capture_output=True, text=True)\n"
        "assert p.returncode == 0, p.stderr[-3000:]\n"
    )


def scale_step(k: int, mode: str, wh: str, work: Path, memory_limit: str) -> dict:
    """The LSOA rows x k: written to a fresh DuckDB file ("written") or only counted and summed ("counted")."""
    rep = "" if k == 1 else f"CROSS JOIN range({k}) AS copies(i)"
    share = SHARE_SQL.format(k=k, replicate=rep).replace("intermediate.", "w.intermediate.")
    materialise = mode == "written"
    out = work / f"scale_x{k}.duckdb"
    step = (
        f"con.execute({('CREATE TABLE lsoa_spend AS ' + share)!r})\n"
        "n, total = con.execute('SELECT count(*), sum(amount_gbp) FROM lsoa_spend').fetchone()\n"
        if materialise
        else f"n, total = con.execute({('SELECT count(*), sum(amount_gbp) FROM (' + share + ')')!r}).fetchone()\n"
    )
    target = str(out) if materialise else ":memory:"
    settings = [
        "SET preserve_insertion_order=false",
        "SET enable_progress_bar=false",
        f"SET memory_limit='{memory_limit}'",
        f"SET temp_directory='{work / 'spill'}'",
        f"ATTACH '{wh}' AS w (READ_ONLY)",
    ]
    r = run_measured(
        "import duckdb, os\n"
        f"con = duckdb.connect({target!r})\n"
        f"for stmt in {settings!r}:\n"
        "    con.execute(stmt)\n" + step + "con.close()\n"
        f"result = {{'rows': n, 'total': total, "
        f"'file_gb': os.path.getsize({target!r}) / 1e9 if {materialise} else 0}}\n"
    )
    out.unlink(missing_ok=True)
    return r


def print_scale(k: int, mode: str, r: dict, base: dict) -> None:
    print(
        f"   x{k:<4} {mode:8} {r['rows']:>14,} rows  {r['seconds']:7.1f} s  "
        f"peak RSS {r['peak_rss_mib']:7.0f} MiB  file {r['file_gb']:5.1f} GB  "
        f"time/row vs x1 {mode}: {(r['seconds'] / r['rows']) / (base['seconds'] / base['rows']):.2f}  "
        f"total conserved: {abs(r['total'] - base['total']) < 1e-3 * abs(base['total'])}",
        flush=True,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--skip-build", action="store_true", help="measure on the published warehouse")
    ap.add_argument(
        "--materialise-max",
        type=int,
        default=10,
        help="scale factors up to this are written as a table; larger ones only counted (x100 = 2.9e9 rows)",
    )
    ap.add_argument("--memory-limit", default="8GB", help="DuckDB memory_limit for the scale runs (spills beyond it)")
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--year-runs", type=int, default=3, help="how many times to time the one-year re-run")
    ap.add_argument("--year", default="2024-25", help="the financial year re-run alone (default: the latest)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="totalplace-bench-"))
    mirror = os.environ.get("TOTALPLACE_MIRROR") or str(ROOT.parent / "shared" / "raw")
    env = {
        "TOTALPLACE_MIRROR": mirror,
        "TOTALPLACE_DATA": str(work / "data"),
        "TOTALPLACE_WAREHOUSE": str(work / "warehouse" / "totalplace.duckdb"),
        "DAGSTER_HOME": str(work / "dagster_home"),
    }
    print(f"totalplace benchmark  (cores: {os.cpu_count()}, scratch: {work})", flush=True)
    try:
        # dagster-dbt's preparer parses the project for this warehouse first (as the first build after a
        # clone does, or `dagster dev` at each reload), so the builds below find dbt's partial-parse state
        r = run_measured(
            "from dagster_project.transform import dbt_project\n"
            "dbt_project.preparer.prepare(dbt_project)\nresult = {}\n",
            env,
        )
        print(
            f"0. dbt manifest prepared for this warehouse (not part of the figures below): {r['seconds']:.1f} s",
            flush=True,
        )
        if args.skip_build:
            published = Path(os.environ.get("TOTALPLACE_WAREHOUSE", ROOT / "warehouse" / "totalplace.duckdb")).resolve()
            (work / "warehouse").mkdir(parents=True)
            shutil.copyfile(published, env["TOTALPLACE_WAREHOUSE"])
            print(f"1. cold build: skipped (copied {published})")
        else:
            r = run_measured(cli(["build"]), env)
            print(
                f"1. cold build (pull, raw, gates, dbt incl. LSOA mart, publish): "
                f"{r['seconds']:.1f} s, peak RSS {r['peak_rss_mib']:.0f} MiB; where it went:",
                flush=True,
            )
            print(breakdown_of_latest_run(env, r["seconds"]), flush=True)
        # the first re-run after the cold build, then again: this VM's timings vary by about 15 %
        reruns = [run_measured(cli(["build", "--year", args.year]), env) for _ in range(args.year_runs)]
        secs = [r["seconds"] for r in reruns] or [float("nan")]
        last_year_run = breakdown_of_latest_run(env, reruns[-1]["seconds"]) if reruns else ""
        print(
            f"2. re-run of one financial year alone (totalplace build --year {args.year}), {len(secs)} run(s): "
            f"{', '.join(f'{x:.1f}' for x in secs)} s (median {statistics.median(secs):.1f} s, worst "
            f"{max(secs):.1f} s), peak RSS {max((r['peak_rss_mib'] for r in reruns), default=float('nan')):.0f} "
            f"MiB; the last run's breakdown:\n{last_year_run}",
            flush=True,
        )
        wh = env["TOTALPLACE_WAREHOUSE"]
        # the LSOA mart is a view: (a) every row materialised, (b) what analysts ask of it, a per-LSOA,
        # year and sector table (the national deprivation analysis); pandas does both the same way in 5.
        r = run_measured(
            "import duckdb\n"
            f"con = duckdb.connect({wh!r}, read_only=True)\n"
            "con.execute('SET preserve_insertion_order=false'); con.execute('SET enable_progress_bar=false')\n"
            "t = time.perf_counter()\n"
            "con.execute('CREATE TEMP TABLE everything AS SELECT * FROM marts.fct_neighbourhood_spend')\n"
            "rows = con.execute('SELECT count(*) FROM everything').fetchone()[0]\n"
            "all_s = time.perf_counter() - t\n"
            "t = time.perf_counter()\n"
            f"agg = con.execute({AGG_SQL!r}).df()\n"
            "result = {'rows': rows, 'compute_s': all_s, 'agg_rows': len(agg), 'agg_s': time.perf_counter() - t,\n"
            "          'agg_total': float(agg.amount_gbp.sum())}\n"
        )
        sql = r
        print(
            f"3. LSOA mart, all years (marts.fct_neighbourhood_spend, a view): every row materialised in memory: "
            f"{r['rows']:,} rows in {r['compute_s']:.1f} s; per LSOA, year and sector: {r['agg_rows']:,} rows in "
            f"{r['agg_s']:.2f} s (process {r['seconds']:.1f} s, peak RSS {r['peak_rss_mib']:.0f} MiB)",
            flush=True,
        )
        r = run_measured(
            "import statistics, time\n"
            "from pathlib import Path\n"
            "from dagster_project.count import get_count\n"
            f"ts = []\n"
            f"for i in range({args.queries}):\n"
            "    t = time.perf_counter()\n"
            f"    get_count(Path({wh!r}), 'E09000012', ['2016-17', '2015-16', '2008-09'][i % 3], ['cofog', 'sector', "
            f"'department'][i % 3])\n"
            "    ts.append((time.perf_counter() - t) * 1000)\n"
            "ts.sort()\n"
            "result = {'median_ms': statistics.median(ts), 'p95_ms': ts[int(len(ts) * 0.95) - 1]}\n"
        )
        print(
            f"4. analyst query (one place-year breakdown, fresh read-only connection each time): "
            f"median {r['median_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms over {args.queries}",
            flush=True,
        )
        r = run_measured(
            "import duckdb, pandas as pd\n"
            f"con = duckdb.connect({wh!r}, read_only=True)\n"
            "d = con.execute('SELECT * FROM intermediate.int_district_spend_summarised').df()\n"
            "l = con.execute('SELECT lsoa_code, lad_code, imd_rank, district_share FROM "
            "intermediate.int_lsoas_shared').df()\n"
            "con.close()\n"
            "import time\n"
            "t = time.perf_counter()\n"
            "m = d.merge(l, on='lad_code')\n"
            "m['amount_gbp'] = m['amount_gbp'] * m['district_share']\n"
            "m = m.drop(columns=['district_share'])\n"
            "all_s = time.perf_counter() - t\n"
            "t = time.perf_counter()\n"
            "agg = m.groupby(['lsoa_code', 'financial_year', 'sector'], as_index=False).amount_gbp.sum()\n"
            "result = {'rows': len(m), 'compute_s': all_s, 'agg_rows': len(agg), 'agg_s': all_s + "
            "time.perf_counter() - t,\n"
            "          'agg_total': float(agg.amount_gbp.sum())}\n"
        )
        same = (
            abs(r["agg_total"] - sql["agg_total"]) < 1e-6 * abs(sql["agg_total"]) and r["agg_rows"] == sql["agg_rows"]
        )
        print(
            f"5. the same apportionment in pandas (merge + multiply [+ groupby], inputs already in memory): every "
            f"row {r['rows']:,} in {r['compute_s']:.1f} s, SQL {r['compute_s'] / sql['compute_s']:.1f}x faster; "
            f"per LSOA, year and sector {r['agg_rows']:,} rows in {r['agg_s']:.1f} s, SQL "
            f"{r['agg_s'] / sql['agg_s']:.1f}x faster (same result: {same}); pandas process {r['seconds']:.1f} s, "
            f"peak RSS {r['peak_rss_mib']:.0f} MiB",
            flush=True,
        )
        print(
            f"6. scale mode (LSOA x year x segment rows multiplied; the LSOA mart written to a fresh DuckDB file "
            f"as dbt writes it, memory_limit {args.memory_limit}; factors above x{args.materialise_max} are only "
            f"aggregated):",
            flush=True,
        )
        bases: dict[str, dict] = {}
        for k in args.scale:
            mode = "written" if k <= args.materialise_max else "counted"
            if mode not in bases and k != 1:
                # time per row is compared like with like: a counted factor against x1 counted
                bases[mode] = scale_step(1, mode, wh, work, args.memory_limit)
                print_scale(1, mode, bases[mode], bases[mode])
            r = scale_step(k, mode, wh, work, args.memory_limit)
            bases.setdefault(mode, r)
            print_scale(k, mode, r, bases[mode])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
