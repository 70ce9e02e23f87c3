"""Marts gate: GE suites from expectations/marts.py as blocking checks on the dbt mart assets.
A failure stops `totalplace build` from publishing."""

import json
from pathlib import Path

import dagster as dg

from expectations.marts import SUITES

from .. import policy
from ..partitions import run_years
from ..resources import TotalplaceConfig
from ..warehouse import connect
from .ge import frame, run_suite


def evaluate_mart_gate(warehouse: Path, table: str, years: list[str] | None = None):
    """The GE suite on marts.<table>; with ``years`` (a one-year run) only those years' rows."""
    build_suite, sql = SUITES[table]
    with connect(warehouse, read_only=True) as con:
        if years is None:
            df = frame(con, sql)
        else:
            df = frame(con, f"SELECT * FROM ({sql}) WHERE financial_year IN (SELECT unnest(?))", [years])
    return run_suite(build_suite, (policy.load(),), df), len(df)


def mart_gate(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["marts", table]),
        name="marts_gate",
        blocking=True,
        description=f"GE suite for marts.{table} (expectations/marts.py): columns, keys, COFOG codes, sectors, "
        f"methods, per-head band, conservation.",
    )
    def _check(context: dg.AssetCheckExecutionContext, totalplace: TotalplaceConfig) -> dg.AssetCheckResult:
        outcome, rows = evaluate_mart_gate(totalplace.warehouse_path, table, run_years(context))
        return dg.AssetCheckResult(
            passed=outcome.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(
                f"marts.{table}: {outcome.evaluated} expectations passed on {rows:,} rows"
                if outcome.success
                else f"marts.{table} failed its gate: " + "; ".join(outcome.failures)
            ),
            metadata={
                "rows": rows,
                "failures": dg.MetadataValue.json(json.loads(json.dumps(outcome.failures))),
                "checked": dg.MetadataValue.json(outcome.checked),
            },
        )

    return _check


def build_mart_checks() -> list[dg.AssetChecksDefinition]:
    return [mart_gate(t) for t in SUITES]
