"""The last asset of every build, ``publish/warehouse``: the gated, atomic publish (publish.py) as a step
of the same Dagster job, whoever started it (`totalplace build`, the UI, a backfill, a sensor).

It reads upstream of every other asset, so it runs last, and only if no step before it failed: a
failed blocking check stops the assets downstream of it, and a failed dbt test fails the dbt step.
It then checks the run's own record once more: any failed check of severity ERROR in this run stops
the publish with the checks named. Otherwise it writes the gate results and build information into
the working file and renames it over the published warehouse. Its materialisation carries what was
published: the path, the size, the row count of every mart, the gates passed and the warnings.
"""

import dagster as dg

from .gate_report import record, record_build
from .partitions import financial_years, partition_years
from .publish import PublishRefused, publish
from .resources import PUBLISH_KEY, TotalplaceConfig


def run_check_evaluations(instance: dg.DagsterInstance, run_id: str) -> list[dg.AssetCheckEvaluation]:
    """Every asset check evaluation recorded for the run so far."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    return [r.event_log_entry.dagster_event.event_specific_data for r in records]


def blocking_failures(evaluations: list[dg.AssetCheckEvaluation]) -> list[dg.AssetCheckEvaluation]:
    """Failed checks that withhold the warehouse (a check declared as a warning never does)."""
    return [e for e in evaluations if not e.passed and e.severity != dg.AssetCheckSeverity.WARN]


def publish_asset(upstream: list[dg.AssetKey], partitioning: dict) -> dg.AssetsDefinition:
    @dg.asset(
        key=PUBLISH_KEY,
        group_name="publish",
        kinds={"duckdb"},
        deps=upstream,
        **partitioning,
        description="The published warehouse analysts, notebooks and reports read (TOTALPLACE_WAREHOUSE). The run "
        "builds a working file; this step renames it over the published one, only when every "
        "blocking check of the run passed. A failed run leaves the published warehouse untouched "
        "and keeps its working file for inspection (<name>.failed.duckdb).",
    )
    def publish_warehouse(context: dg.AssetExecutionContext, totalplace: TotalplaceConfig) -> dg.MaterializeResult:
        work, published = totalplace.warehouse_path, totalplace.published_path
        evaluations = run_check_evaluations(context.instance, context.run_id)
        failed = blocking_failures(evaluations)
        if failed:
            raise dg.Failure(
                description=f"not published: {len(failed)} blocking check(s) failed in this run: "
                + "; ".join(f"{e.asset_key.to_user_string()} {e.check_name}" for e in failed[:10]),
                allow_retries=False,
            )
        years = partition_years(context) or financial_years()
        record(work, evaluations, context.run_id)
        record_build(work, context.run_id, years)
        try:
            counts = publish(work, published)
        except PublishRefused as exc:
            raise dg.Failure(description=f"not published: {exc}", allow_retries=False) from None
        warned = [e for e in evaluations if not e.passed]
        context.log.info(
            f"published {published}: {len(evaluations) - len(warned)} gate(s) passed"
            + (f", {len(warned)} warning(s)" if warned else "")
        )
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(published)),
                "size_mib": round(published.stat().st_size / 2**20, 1),
                "gates_passed": len(evaluations) - len(warned),
                "warnings": dg.MetadataValue.json([f"{e.asset_key.to_user_string()} {e.check_name}" for e in warned]),
                "years": ", ".join(years),
                "mart_rows": dg.MetadataValue.json(counts),
                "place_years": counts.get("place_totals", 0),
            }
        )

    return publish_warehouse
