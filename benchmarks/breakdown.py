"""Where a build's time went, from the Dagster instance's own records of its latest run: start-up (the process's
wall time less the run's), each step (raw assets, their gates, dbt, the mart gates, publish) and the events the
run wrote. Printed by benchmarks/run.py after the cold build; run alone on any instance:

    DAGSTER_HOME=.dagster_home python benchmarks/breakdown.py [--wall SECONDS]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter


def latest_run_breakdown() -> dict:
    """Steps of the instance's latest run with their seconds (start to success or failure), the run's own seconds,
    and its event counts by type."""
    from dagster import DagsterEventType, DagsterInstance

    instance = DagsterInstance.get()
    [run] = instance.get_runs(limit=1)
    records = instance.all_logs(run.run_id)
    starts: dict[str, float] = {}
    steps: dict[str, float] = {}
    kinds: Counter = Counter()
    first = last = None
    for r in records:
        first = r.timestamp if first is None else min(first, r.timestamp)
        last = r.timestamp if last is None else max(last, r.timestamp)
        ev = r.dagster_event
        if ev is None:
            kinds["log message"] += 1
            continue
        kinds[ev.event_type_value] += 1
        if ev.event_type == DagsterEventType.STEP_START:
            starts[ev.step_key] = r.timestamp
        elif ev.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE) and ev.step_key in starts:
            steps[ev.step_key] = r.timestamp - starts[ev.step_key]
    return {
        "run_id": run.run_id,
        "run_seconds": (last - first) if first is not None else 0.0,
        "steps": steps,
        "events": sum(kinds.values()),
        "event_kinds": dict(kinds),
    }


def grouped(steps: dict[str, float]) -> list[tuple[str, float]]:
    """The steps as the issue names them: each raw asset and its gate on their own, all dbt, the mart gates
    together, publish; largest first within each kind."""
    raw = sorted(((k, v) for k, v in steps.items() if k.startswith("raw__")), key=lambda kv: -kv[1])
    landed = sum(v for k, v in steps.items() if k.startswith("landed__"))
    marts = sum(v for k, v in steps.items() if k.startswith("marts__"))
    dbt = sum(v for k, v in steps.items() if k.startswith("dbt"))
    publish = sum(v for k, v in steps.items() if k.startswith("publish"))
    known = {k for k, _ in raw} | {k for k in steps if k.startswith(("landed__", "marts__", "dbt", "publish"))}
    other = sum(v for k, v in steps.items() if k not in known)
    return [
        ("pull (landed__*, all)", landed),
        *raw,
        ("dbt (all models and tests)", dbt),
        ("mart gates (marts__*, all)", marts),
        ("publish", publish),
        ("other steps", other),
    ]


def render(b: dict, wall: float | None = None, top: int = 8) -> str:
    """Lines for the benchmark's output: start-up, the largest raw steps and gates, dbt, mart gates, publish,
    the rest of the raw steps together, and the events."""
    lines = []
    if wall is not None:
        lines.append(
            f"   start-up and hand-over (process wall {wall:.1f} s less the run's {b['run_seconds']:.1f} s): "
            f"{wall - b['run_seconds']:.1f} s"
        )
    rows = grouped(b["steps"])
    raw = [r for r in rows if r[0].startswith("raw__")]
    for name, secs in [r for r in rows if not r[0].startswith("raw__")][:1] + raw[:top]:
        lines.append(f"   {name:<44} {secs:6.1f} s")
    if len(raw) > top:
        rest = f"the other {len(raw) - top} raw steps and gates"
        lines.append(f"   {rest:<44} {sum(s for _, s in raw[top:]):6.1f} s")
    for name, secs in [r for r in rows if not r[0].startswith("raw__")][1:]:
        lines.append(f"   {name:<44} {secs:6.1f} s")
    kinds = b["event_kinds"]
    lines.append(
        f"   events recorded: {b['events']:,} ({kinds.get('ASSET_MATERIALIZATION', 0):,} materialisations, "
        f"{kinds.get('ASSET_CHECK_EVALUATION', 0):,} asset checks, {kinds.get('log message', 0):,} log messages); "
        f"steps summed {sum(b['steps'].values()):.1f} s, Dagster's time between them "
        f"{b['run_seconds'] - sum(b['steps'].values()):.1f} s"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wall", type=float, help="the build process's wall time, for the start-up figure")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    b = latest_run_breakdown()
    print(json.dumps(b, indent=2) if a.json else render(b, a.wall))
