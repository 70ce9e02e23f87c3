"""dbt models as Dagster assets: one DbtProject, @dbt_assets over its manifest.

dbt sources named raw.<table> map to the Dagster raw assets ["raw", <table>], so a failed raw gate
(blocking asset check) stops every model that reads that table.

The models are partitioned by financial year like the RS returns (partitions.py): a run for some
years passes them to dbt in TOTALPLACE_YEARS (macro selected_years), which the year-scoped gates read;
the tables are rebuilt whole (seconds) and the neighbourhood marts are views.
"""
import functools
import importlib.metadata

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from packaging import version

from .partitions import financial_year_partitions, partition_years
from .settings import DBT_DIR

dbt_project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)


def dbt_executable() -> str:
    """The dbt of this virtualenv (dagster-dbt calls dbt on PATH; prefer the one beside python)."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def ensure_manifest() -> Path:
    """Parse the dbt project if its manifest is missing or older than any model, seed or YAML."""
    manifest = dbt_project.manifest_path
    sources = [p for folder in ("models", "macros", "tests", "docs") for p in (DBT_DIR / folder).rglob("*")]
    sources += [*DBT_DIR.glob("*.yml"), *(DBT_DIR.parent / "seeds").glob("*")]
    newest = max(p.stat().st_mtime for p in sources)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        env = {**os.environ}
        env.setdefault("TOTALPLACE_WAREHOUSE", str(DBT_DIR.parent / "warehouse" / "totalplace.duckdb"))
        subprocess.run([dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)],
                       check=True, env=env, cwd=DBT_DIR)
    return manifest


class WarehouseDbtResource(DbtCliResource):
    """dagster-dbt's resource without two start-up costs measured on every run (benchmarks/run.py):
    ``dbt --version`` in a subprocess (about 3 s) to learn the version of the dbt-core this virtualenv
    pins anyway, and an in-process dbt adapter (about 4 s) that is used only to fetch row counts and
    column metadata, which these assets do not ask for."""

    @functools.cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


KEEP_RUN_FOLDERS = 5


def keep_partial_parse(run_target: Path) -> None:
    """dagster-dbt gives each run its own target folder, seeded with dbt/target/partial_parse.msgpack.
    Copy the run's file back, so the next run with the same profile (the same warehouse path) parses
    only what changed: a full parse costs about 4 s more on every run (measured on a one-year run)."""
    parsed = run_target / "partial_parse.msgpack"
    target = Path(dbt_project.project_dir) / dbt_project.target_path
    if parsed.exists() and target.is_dir():
        shutil.copyfile(parsed, target / "partial_parse.msgpack.tmp")
        os.replace(target / "partial_parse.msgpack.tmp", target / "partial_parse.msgpack")
    # each run leaves a folder of compiled SQL and logs in dbt/target: keep the last few for debugging
    runs = sorted((p for p in target.glob("dbt_models-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in runs[:-KEEP_RUN_FOLDERS]:
        shutil.rmtree(old, ignore_errors=True)


def dbt_definitions():
    manifest = ensure_manifest()

    @dbt_assets(manifest=manifest, project=dbt_project, name="dbt_models",
                partitions_def=financial_year_partitions(), backfill_policy=dg.BackfillPolicy.single_run())
    def dbt_models(context: dg.AssetExecutionContext, dbt: WarehouseDbtResource):
        years = partition_years(context) or []
        context.log.info(f"dbt build for financial year(s) {', '.join(years) or 'all'} (TOTALPLACE_YEARS)")
        before = os.environ.get("TOTALPLACE_YEARS")
        os.environ["TOTALPLACE_YEARS"] = ",".join(years)  # read by the macro selected_years
        try:
            invocation = dbt.cli(["build"], context=context)
            yield from invocation.stream()
            keep_partial_parse(Path(invocation.target_path))
        finally:
            if before is None:
                os.environ.pop("TOTALPLACE_YEARS", None)
            else:
                os.environ["TOTALPLACE_YEARS"] = before

    return [dbt_models], {"dbt": WarehouseDbtResource(project_dir=dbt_project, dbt_executable=dbt_executable())}
