"""Raw-layer gates: one blocking asset check per raw table, running its GE suite from expectations/raw.py."""

import json
from pathlib import Path

import dagster as dg
import pandas as pd

from expectations.raw import SUITES, RawSuite, expectation_suite, rows_per_file_suite

from ..manifest import Source
from ..partitions import YEARLY_RAW_TABLES, run_years
from ..resources import TotalplaceConfig
from ..warehouse import connect
from .ge import GateOutcome, frame, run_suite


def evaluate_raw_gate(
    warehouse: Path, table: str, sources: list[Source], years: list[str] | None = None
) -> list[GateOutcome]:
    """The GE suite on raw.<table>; with ``years`` (a partitioned run) only the rows of those years' files."""
    spec: RawSuite = SUITES.get(table) or RawSuite(table, ("source_id", "source_file", "sheet", "row_number"))
    with connect(warehouse, read_only=True) as con:
        if years is None:
            df = frame(con, f'SELECT * FROM raw."{table}"')
        else:
            sources = [s for s in sources if s.financial_years in years]
            ids = [s.source_id for s in sources]
            df = frame(con, f'SELECT * FROM raw."{table}" WHERE source_id IN (SELECT unnest(?))', [ids])
        # a workbook with several data sheets (RS 2009-10: (1), (2), (3)) counts its largest sheet
        logged = con.execute(
            "SELECT source_id, max(data_rows) AS data_rows FROM raw.load_log WHERE table_name = ? GROUP BY 1", [table]
        ).df()
    got = dict(zip(logged["source_id"], logged["data_rows"], strict=False))
    counts = pd.DataFrame(
        [
            {
                "source_id": s.source_id,
                "source_file": s.file_name,
                "data_rows": int(got.get(s.source_id, 0)),
                "min_rows": spec.bounds(s.source_id)[0],
                "max_rows": spec.bounds(s.source_id)[1],
            }
            for s in sources
        ]
    )
    outcomes = [run_suite(expectation_suite, (spec, set(df.columns)), df)]
    per_file = run_suite(rows_per_file_suite, (spec,), counts)
    if not per_file.success:
        bad = counts[(counts.data_rows < counts.min_rows) | (counts.data_rows > counts.max_rows)]
        per_file.failures = [
            f"{r.source_file} [{r.source_id}] gave {r.data_rows} data rows, expected {r.min_rows}..{r.max_rows}"
            for r in bad.itertuples()
        ]
    per_file.checked = [
        f"{r.source_file} gives {r.min_rows:,} to {r.max_rows:,} data rows (it gave {r.data_rows:,})"
        for r in counts.itertuples()
    ]
    outcomes.append(per_file)
    return outcomes


def raw_gate(table: str, sources: list[Source]) -> dg.AssetChecksDefinition:
    files = ", ".join(s.file_name for s in sources)

    @dg.asset_check(
        asset=dg.AssetKey(["raw", table]),
        name="raw_gate",
        blocking=True,
        description=f"GE suite raw.{table} (expectations/raw.py): expected columns, non-empty keys, "
        f"unique keys, well-formed codes, no negative counts, data rows per file ({files}).",
    )
    def _check(context: dg.AssetCheckExecutionContext, totalplace: TotalplaceConfig) -> dg.AssetCheckResult:
        years = run_years(context) if table in YEARLY_RAW_TABLES else None
        outcomes = evaluate_raw_gate(totalplace.warehouse_path, table, sources, years)
        failures = [f for o in outcomes for f in o.failures]
        passed = all(o.success for o in outcomes)
        return dg.AssetCheckResult(
            passed=passed,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(
                f"raw.{table} passed {sum(o.evaluated for o in outcomes)} expectations"
                if passed
                else f"raw.{table} ({files}) failed its gate: " + "; ".join(failures)
            ),
            metadata={
                "expectations": sum(o.evaluated for o in outcomes),
                "failures": dg.MetadataValue.json(failures),
                "checked": dg.MetadataValue.json([c for o in outcomes for c in o.checked]),
                "ge_result": dg.MetadataValue.json(
                    json.loads(json.dumps(outcomes[0].raw.get("statistics", {}), default=str))
                ),
            },
        )

    return _check


def build_raw_checks(tables: dict[str, list[Source]]) -> list[dg.AssetChecksDefinition]:
    return [raw_gate(t, ss) for t, ss in sorted(tables.items())]
