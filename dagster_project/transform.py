"""dbt models as Dagster assets: one DbtProject, @dbt_assets over its manifest.

dbt sources named raw.<table> map to the Dagster raw assets ["raw", <table>], so a failed raw gate
(blocking asset check) stops every model that reads that table.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from .settings import DBT_DIR

dbt_project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)


def dbt_executable() -> str:
    """The dbt of this virtualenv (dagster-dbt calls dbt on PATH; prefer the one beside python)."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def ensure_manifest() -> Path:
    """Parse the dbt project if its manifest is missing or older than any model, seed or YAML."""
    manifest = dbt_project.manifest_path
    newest = max(p.stat().st_mtime for p in [*DBT_DIR.rglob("*.sql"), *DBT_DIR.rglob("*.yml"), *DBT_DIR.rglob("*.md"),
                                              *(DBT_DIR.parent / "seeds").glob("*")] if "target" not in p.parts)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        env = {**os.environ}
        env.setdefault("TOTALPLACE_WAREHOUSE", str(DBT_DIR.parent / "warehouse" / "totalplace.duckdb"))
        subprocess.run([dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)],
                       check=True, env=env, cwd=DBT_DIR)
    return manifest


def dbt_definitions():
    manifest = ensure_manifest()

    @dbt_assets(manifest=manifest, project=dbt_project, name="dbt_models")
    def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        yield from dbt.cli(["build"], context=context).stream()

    return [dbt_models], {"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())}
