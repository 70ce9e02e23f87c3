"""dbt models as Dagster assets, wired the way dagster-dbt documents it: one ``DbtProject`` whose
manifest is prepared by dagster-dbt's own preparer, ``@dbt_assets`` over that manifest with a
translator, and ``DbtCliResource`` (less two measured start-up costs, see below).

dbt sources are declared per publisher beside their staging models (source('hmt', 'cra')), all in
the raw schema; each maps to the Dagster raw asset ["raw", <table>], so a failed raw gate (a blocking
asset check) stops every model that reads that table.

What a run covers is passed to dbt as ``--vars``, never through the process environment:
- ``warehouse``: the run's working file (resources.py), which profiles.yml reads;
- ``years``: the financial years of the run's partitions, read by the macro ``selected_years``
  (an empty list: every year). The year tables are rebuilt for those years; the gates check them.
The manifest is prepared with the vars of a whole build of the default warehouse, so such a build
parses only what changed (dagster-dbt copies dbt/target/partial_parse.msgpack into each run's target).
"""

import functools
import importlib.metadata
import json
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.asset_utils import default_description_fn
from packaging import version

from .partitions import financial_years, partition_years, year_partitioning
from .publish import working_path
from .resources import TotalplaceConfig
from .settings import DBT_DIR, Settings


def dbt_vars(warehouse: Path, years: list[str] | None) -> dict[str, Any]:
    """The --vars of a dbt invocation: the file it builds and the years (empty: every year)."""
    return {"warehouse": str(warehouse), "years": list(years or [])}


def _prepare_vars() -> str:
    return json.dumps(dbt_vars(working_path(Settings.from_env().warehouse), None))


dbt_project = DbtProject(
    project_dir=DBT_DIR, profiles_dir=DBT_DIR, prepare_project_cli_args=["parse", "--quiet", "--vars", _prepare_vars()]
)
dbt_project.prepare_if_dev()  # under `dagster dev`, the manifest is re-parsed at each code reload


def _newest_project_file() -> float:
    sources = [p for folder in ("models", "macros", "tests", "docs") for p in (DBT_DIR / folder).rglob("*")]
    sources += [*DBT_DIR.glob("*.yml"), *(DBT_DIR.parent / "seeds").glob("*")]
    return max(p.stat().st_mtime for p in sources)


def ensure_manifest() -> Path:
    """dbt_project's manifest, prepared by dagster-dbt's preparer when it is missing or older than a model,
    macro, test, seed or YAML file (a fresh clone, or an edit outside `dagster dev`)."""
    manifest = dbt_project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_project_file():
        # the preparer runs the first `dbt` on PATH: this virtualenv's, even when it is not activated
        # (`.venv/bin/totalplace build` after editing a model would otherwise fail with "dbt not found")
        bin_dir = str(Path(dbt_executable()).parent)
        if Path(dbt_executable()).is_absolute() and bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
        dbt_project.preparer.prepare(dbt_project)
    return manifest


class TotalplaceTranslator(DagsterDbtTranslator):
    """Asset keys are [schema, model] (marts/fct_place_spend, staging/stg_cra__spend, seeds/places);
    sources are [schema, table] (raw/cra), the keys of the raw assets, whichever publisher declares
    them. The group is the folder's (dbt_project.yml meta), the description the model's YAML
    description."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # sources are declared per publisher (hmt, ons, ...) but all live in the raw schema
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema")
        return dg.AssetKey([schema, dbt_resource_props["name"]] if schema else [dbt_resource_props["name"]])

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> dg.AssetSpec:
        """dagster-dbt's spec, tagged only "dbt": every asset is in DuckDB, and a second tag in the catalogue
        costs each asset's name a third of the room it has there."""
        return super().get_asset_spec(manifest, unique_id, project).replace_attributes(kinds={"dbt"})

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """The model's YAML description and SQL, as dagster-dbt gives them, but opening on plain words: the
        catalogue shows a description's first line as plain text, so a rule's bold title ("**Who serves
        where.**") would show its asterisks there."""
        return re.sub(r"^\*\*(.+?)\*\*\s*", r"\1 ", default_description_fn(dbt_resource_props).lstrip())


class FastStartDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two start-up costs it pays on every run, kept because the benchmark
    shows they matter (benchmarks/run.py, this VM, 2026-11-24: 4 s of each run, a one-year re-run
    18.9 s -> 14.9 s): ``dbt --version`` in a subprocess (2.3 s) to learn the version of the dbt-core this
    virtualenv pins anyway, and an in-process dbt adapter (about 1.7 s) used only to fetch row counts and
    column metadata, which these assets do not ask for. Both override private methods of dagster-dbt
    0.29 (pinned <0.30); tests/unit/test_mirror_sensor.py fails if dagster-dbt renames them."""

    @functools.cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def dbt_definitions():
    manifest = ensure_manifest()
    all_years = financial_years()

    @dbt_assets(
        manifest=manifest,
        project=dbt_project,
        name="dbt_models",
        dagster_dbt_translator=TotalplaceTranslator(),
        **year_partitioning(),
    )
    def dbt_models(context: dg.AssetExecutionContext, dbt: FastStartDbtCliResource, totalplace: TotalplaceConfig):
        years = partition_years(context) or []
        years = [] if years == all_years else years
        context.log.info(
            f"dbt build into {totalplace.warehouse_path.name} for financial year(s) {', '.join(years) or 'all'}"
        )
        args = ["build", "--vars", json.dumps(dbt_vars(totalplace.warehouse_path, years))]
        yield from dbt.cli(args, context=context).stream()

    return [dbt_models], {"dbt": FastStartDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())}


def run_dbt_subprocess(args: list[str], target: Path, env: Mapping[str, str] | None = None):
    """This virtualenv's dbt on the project (``dbt <args>``), its working files in ``target``, output
    captured: for the commands that run dbt outside the Dagster assets (docs, the returns' first build)."""
    import subprocess

    return subprocess.run(
        [
            dbt_executable(),
            *args,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(target),
        ],
        env=dict(env) if env is not None else None,
        cwd=DBT_DIR,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def dbt_executable() -> str:
    """The dbt of this virtualenv (dagster-dbt's default is the first `dbt` on PATH)."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"
