"""The raw asset of partner returns: every file in TOTALPLACE_RETURNS read, validated, loaded or rejected."""

import json
from pathlib import Path

import dagster as dg
import pandas as pd

from ..resources import TotalplaceConfig
from ..warehouse import connect
from .catalogue import load_catalogue, stage_for_catalogue
from .ingest import (
    LINE_COLUMNS,
    ReturnFile,
    cap_problems,
    read_return,
    reject_duplicates_across_files,
    return_files,
    validate,
)

REPORT_DIR = "returns_reports"


def write_report(rf: ReturnFile, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{rf.path.name}.txt"
    head = (
        f"{rf.path.name}: ACCEPTED, {len(rf.lines)} line(s) counted"
        if rf.accepted
        else f"{rf.path.name}: REJECTED whole, {len(rf.problems)} problem(s); nothing from this file is counted"
    )
    out.write_text(
        "\n".join([head, f"sha256 {rf.sha256}", ""] + [f"- {p}" for p in rf.problems]) + "\n", encoding="utf-8"
    )
    return out


def load_returns(warehouse: Path, folder: Path | None, log=print) -> list[ReturnFile]:
    """Read, validate and load every return in ``folder`` into raw.partner_returns (accepted lines) and
    raw.partner_return_files (one row per file with its status and problems). Both tables are written
    even when there are no returns, so the models that read them always run."""
    files = return_files(folder)
    if files:
        stage_for_catalogue(warehouse, log=log)
    catalogue = load_catalogue(warehouse) if files else None
    results = [validate(read_return(path), catalogue) for path in files]
    reject_duplicates_across_files(results)
    for rf in results:
        n_problems = len(rf.problems)
        cap_problems(rf)
        report = write_report(rf, warehouse.parent / REPORT_DIR)
        log(
            f"return {rf.path.name}: "
            + (
                f"accepted, {len(rf.lines)} line(s)"
                if rf.accepted
                else f"REJECTED with {n_problems:,} problem(s), see {report}"
            )
        )
    lines = pd.DataFrame([line for rf in results if rf.accepted for line in rf.lines], columns=LINE_COLUMNS)
    lines = lines.astype({c: "string" for c in LINE_COLUMNS if c not in ("own_figure_gbp", "row_number")})
    lines = lines.astype({"own_figure_gbp": "float64", "row_number": "Int64"})
    status = pd.DataFrame(
        [
            {
                "return_file": rf.path.name,
                "sha256": rf.sha256,
                "status": "accepted" if rf.accepted else "rejected",
                "lines": len(rf.lines),
                "problems": json.dumps(rf.problems),
            }
            for rf in results
        ],
        columns=["return_file", "sha256", "status", "lines", "problems"],
    )
    status = status.astype(
        {"return_file": "string", "sha256": "string", "status": "string", "lines": "Int64", "problems": "string"}
    )
    with connect(warehouse) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        con.execute("BEGIN")
        con.register("lines_df", lines)
        con.register("status_df", status)
        con.execute("CREATE OR REPLACE TABLE raw.partner_returns AS SELECT * FROM lines_df")
        con.execute("CREATE OR REPLACE TABLE raw.partner_return_files AS SELECT *, now() AS loaded_at FROM status_df")
        con.execute("COMMIT")
    return results


def partner_returns_asset(partitioning: dict | None = None) -> dg.AssetsDefinition:
    """The partner returns asset, with the build's partitions (partitions.year_partitioning)."""

    @dg.asset(
        key=["raw", "partner_returns"],
        group_name="raw",
        kinds={"duckdb", "python"},
        # what the staged views the returns are checked against read (catalogue.stage_for_catalogue)
        deps=[dg.AssetKey(["raw", "cra"]), dg.AssetKey(["raw", "revenue_outturn_rs"]), dg.AssetKey(["raw", "cofog"])],
        description="Filled local spend returns from TOTALPLACE_RETURNS (the `totalplace template` layout, xlsx or "
        "csv), validated by the GE suite expectations/returns.py against the places, years, COFOG "
        "divisions and bodies known to the count. Accepted lines go to raw.partner_returns; every file, "
        "accepted or rejected with its problems, to raw.partner_return_files and a report beside the "
        "warehouse. A rejected file does not stop the build. Each materialisation reads every return.",
        **(partitioning or {}),
    )
    def partner_returns(context: dg.AssetExecutionContext, totalplace: TotalplaceConfig) -> dg.MaterializeResult:
        results = load_returns(totalplace.warehouse_path, totalplace.returns_path, log=context.log.info)
        rejected = [rf for rf in results if not rf.accepted]
        for rf in rejected:
            context.log.warning(f"return {rf.path.name} rejected:\n  " + "\n  ".join(rf.problems))
        return dg.MaterializeResult(
            metadata={
                "files": len(results),
                "accepted": len(results) - len(rejected),
                "rejected": len(rejected),
                "lines_counted": sum(len(rf.lines) for rf in results if rf.accepted),
                "problems": dg.MetadataValue.json({rf.path.name: rf.problems for rf in rejected}),
            }
        )

    return partner_returns
