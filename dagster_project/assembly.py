"""How the Definitions are put together: pull and raw assets with their GE gates, the dbt models, the
publish, the build job, the mirror sensor and schedule, and the resources.

`dagster_project.definitions` holds the module-level ``defs`` the Dagster UI and CLI load;
`totalplace build` loads the same definitions and runs the same job on the same instance.
"""

from __future__ import annotations

import dagster as dg

from .checks.mart_gates import build_mart_checks
from .checks.raw_gates import build_raw_checks
from .console import install as install_one_line_failures
from .manifest import load_manifest
from .partitions import financial_years, year_partitioning
from .publish_asset import publish_asset
from .raw.assets import build_assets, raw_tables
from .resources import PUBLISH_KEY, BuildGraph, TotalplaceConfig
from .returns.assets import partner_returns_asset
from .sensors import build_mirror_schedule, build_mirror_sensor
from .settings import Settings
from .transform import dbt_definitions

BUILD_JOB = "build_warehouse"
REFRESH_JOB = "refresh_from_mirror"


def make_definitions(settings: Settings | None = None) -> dg.Definitions:
    settings = settings or Settings.from_env()
    install_one_line_failures()
    sources = load_manifest()
    partitioning = year_partitioning(sources)
    dbt_assets, dbt_resources = dbt_definitions()
    assets = [*build_assets(sources), partner_returns_asset(partitioning), *dbt_assets]
    # the publish reads every other asset, so it is the last step of any run that selects it
    keys = [k for a in assets for k in a.keys]
    assets.append(publish_asset(keys, partitioning))
    checks = [*build_raw_checks(raw_tables(sources)), *build_mart_checks()]

    build = dg.define_asset_job(
        BUILD_JOB,
        selection=dg.AssetSelection.all(),
        description="Every asset for the chosen years: pull, parse, gate, model, and publish the warehouse if every "
        "blocking check passed. `totalplace build` runs this job.",
    )
    refresh = dg.define_asset_job(
        REFRESH_JOB,
        selection=dg.AssetSelection.groups("pull").downstream(),
        description="Pull the changed families and rebuild and publish everything downstream of them.",
    )
    defs = dg.Definitions(
        assets=assets,
        jobs=[build, refresh],
        sensors=[build_mirror_sensor(REFRESH_JOB)],
        schedules=[build_mirror_schedule(REFRESH_JOB)],
        asset_checks=checks,
        resources={"totalplace": TotalplaceConfig.from_settings(settings), **dbt_resources},
        executor=dg.in_process_executor,  # DuckDB has one writer: steps run one after another
    )
    graph = defs.resolve_asset_graph()
    BuildGraph.upstream = {k: set(graph.get(k).parent_keys) for k in graph.materializable_asset_keys}
    BuildGraph.years = financial_years(sources)
    return defs


__all__ = ["BUILD_JOB", "PUBLISH_KEY", "REFRESH_JOB", "make_definitions"]
