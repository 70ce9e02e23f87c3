"""How the Definitions are put together: pull and raw assets, their GE gates, dbt models and resources.

`dagster_project.definitions` holds the module-level ``defs`` the Dagster UI loads; `totalplace build`
calls make_definitions itself with its working warehouse (so the definitions are built once per build)."""
from __future__ import annotations

import dagster as dg

from .checks.mart_gates import build_mart_checks
from .checks.raw_gates import build_raw_checks
from .manifest import load_manifest
from .raw.assets import build_assets, raw_tables
from .resources import TotalplaceConfig
from .sensors import build_mirror_sensor
from .settings import Settings


def make_definitions(settings: Settings | None = None, warehouse=None) -> dg.Definitions:
    settings = settings or Settings.from_env()
    sources = load_manifest()
    from .returns.assets import partner_returns

    assets = [*build_assets(sources), partner_returns]
    checks = build_raw_checks(raw_tables(sources))
    from .transform import dbt_definitions

    dbt_assets, dbt_resources = dbt_definitions()
    checks += build_mart_checks()
    refresh = dg.define_asset_job(
        "refresh_from_mirror", selection=dg.AssetSelection.groups("pull").downstream(),
        description="Pull the changed families and rebuild everything downstream of them.")
    return dg.Definitions(
        assets=[*assets, *dbt_assets],
        jobs=[refresh],
        sensors=[build_mirror_sensor("refresh_from_mirror")],
        asset_checks=checks,
        resources={"totalplace": TotalplaceConfig.from_settings(settings, warehouse), **dbt_resources},
        executor=dg.in_process_executor,  # DuckDB has one writer: steps run one after another
    )

