"""The mirror sensor: quiet when nothing changed, a run request naming the family when a file changes."""

from __future__ import annotations

import json
import shutil

import dagster as dg

from dagster_project.sensors import build_mirror_sensor


def small_mirror(manifest, mirror, tmp_path, monkeypatch, source_ids):
    """A mirror folder holding copies of a few real files, set as TOTALPLACE_MIRROR."""
    m = tmp_path / "mirror"
    for sid in source_ids:
        target = m / manifest[sid].mirror_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mirror / manifest[sid].mirror_path, target)
    monkeypatch.setenv("TOTALPLACE_MIRROR", str(m))
    return m


def test_sensor_notices_a_changed_manifest_file(manifest, mirror, tmp_path, monkeypatch):
    m = small_mirror(manifest, mirror, tmp_path, monkeypatch, ("un_cofog", "geo_region_codes"))
    sensor = build_mirror_sensor("refresh_from_mirror")

    ctx = dg.build_sensor_context()
    first = sensor(ctx)
    assert isinstance(first, dg.SkipReason) and "2 manifest file(s) recorded" in first.skip_message
    cursor = ctx.cursor
    assert set(json.loads(cursor)) == {"un_cofog", "geo_region_codes"}

    quiet = sensor(dg.build_sensor_context(cursor=cursor))
    assert isinstance(quiet, dg.SkipReason) and "no manifest file appeared or changed" in quiet.skip_message

    (m / manifest["un_cofog"].mirror_path).write_bytes(b"Code,Description_EN\n01,General public services\n")
    ctx = dg.build_sensor_context(cursor=cursor)
    request = sensor(ctx)
    assert isinstance(request, dg.RunRequest)
    assert request.asset_selection == [dg.AssetKey(["landed", "un_cofog"])]
    assert request.tags["totalplace/changed"] == "un_cofog"
    assert json.loads(ctx.cursor)["un_cofog"] != json.loads(cursor)["un_cofog"]


def test_sensor_requests_everything_downstream_of_the_changed_family(manifest, mirror, tmp_path, monkeypatch):
    from dagster_project.definitions import defs

    small_mirror(manifest, mirror, tmp_path, monkeypatch, ("un_cofog",))
    sensor = build_mirror_sensor("refresh_from_mirror")
    request = sensor(
        dg.build_sensor_context(cursor=json.dumps({"un_cofog": "0:0"}), repository_def=defs.get_repository_def())
    )
    keys = {k.to_user_string() for k in request.asset_selection}
    assert {"landed/un_cofog", "raw/cofog", "staging/stg_hmt__cra", "marts/fct_place_spend"} <= keys
    assert "raw/cra" not in keys and "landed/hmt_cra" not in keys


def test_a_changed_return_requests_its_financial_year_only(manifest, mirror, tmp_path, monkeypatch):
    small_mirror(manifest, mirror, tmp_path, monkeypatch, ("rs_2016_17", "un_cofog"))
    sensor = build_mirror_sensor("refresh_from_mirror")
    ctx = dg.build_sensor_context()
    sensor(ctx)
    cursor = json.loads(ctx.cursor)

    one_year = sensor(dg.build_sensor_context(cursor=json.dumps({**cursor, "rs_2016_17": "0:0"})))
    assert one_year.tags["dagster/asset_partition_range_start"] == "2016-17"
    assert one_year.tags["dagster/asset_partition_range_end"] == "2016-17"

    every_year = sensor(dg.build_sensor_context(cursor=json.dumps({"rs_2016_17": "0:0", "un_cofog": "0:0"})))
    assert every_year.tags["dagster/asset_partition_range_start"] == "2007-08"
    assert every_year.tags["dagster/asset_partition_range_end"] == "2024-25"


def test_a_changed_family_refresh_ends_with_the_publish(manifest, mirror, tmp_path, monkeypatch):
    from dagster_project.definitions import defs

    small_mirror(manifest, mirror, tmp_path, monkeypatch, ("un_cofog",))
    request = build_mirror_sensor("refresh_from_mirror")(
        dg.build_sensor_context(cursor=json.dumps({"un_cofog": "0:0"}), repository_def=defs.get_repository_def())
    )
    assert dg.AssetKey(["publish", "warehouse"]) in request.asset_selection


def test_monthly_schedule_lands_new_files_and_names_what_needs_a_manifest_row(manifest, mirror, tmp_path, monkeypatch):
    from dagster_project.pull import pull
    from dagster_project.sensors import build_mirror_schedule

    m = small_mirror(manifest, mirror, tmp_path, monkeypatch, ("un_cofog", "geo_region_codes"))
    monkeypatch.setenv("TOTALPLACE_DATA", str(tmp_path / "data"))
    schedule = build_mirror_schedule("refresh_from_mirror")
    when = dg.build_schedule_context(scheduled_execution_time=__import__("datetime").datetime(2026, 12, 1, 6))

    # nothing landed yet: the two mirror files are new, so a refresh over every year is requested
    request = schedule(when)
    assert isinstance(request, dg.RunRequest)
    assert request.tags["totalplace/new"] == "geo_region_codes,un_cofog"
    assert (request.tags["dagster/asset_partition_range_start"], request.tags["dagster/asset_partition_range_end"]) == (
        "2007-08",
        "2024-25",
    )

    # landed: nothing to do; a file no manifest row lists, and a mirror file replaced by other bytes, are named
    pull([manifest["un_cofog"], manifest["geo_region_codes"]], tmp_path / "data", m)
    (m / "new_publisher" / "CRA_2026.xlsx").parent.mkdir()
    (m / "new_publisher" / "CRA_2026.xlsx").write_bytes(b"not yet in the manifest")
    quiet = schedule(when)
    assert isinstance(quiet, dg.SkipReason)
    assert "1 mirror file(s) are in no manifest row (new_publisher/CRA_2026.xlsx)" in quiet.skip_message
    (m / manifest["un_cofog"].mirror_path).write_bytes(b"Code,Description_EN\n01,General public services\n")
    replaced = schedule(when)
    assert isinstance(replaced, dg.SkipReason)
    assert (
        "1 mirror file(s) no longer match the manifest's sha256 (un_cofog): update seeds/sources.csv"
        in replaced.skip_message
    )


def test_definitions_load_with_the_build_job_sensor_and_schedule():
    from dagster_project.definitions import defs

    repo = defs.get_repository_def()
    assert {j.name for j in repo.get_all_jobs()} >= {"build_warehouse", "refresh_from_mirror"}
    assert (
        repo.get_sensor_def("mirror_files_changed")
        and repo.get_schedule_def("mirror_monthly_check").cron_schedule == "0 6 1 * *"
    )
    graph = defs.resolve_asset_graph()
    publish = dg.AssetKey(["publish", "warehouse"])
    # the publish reads every other asset, and every asset shares the year partitions with one run per backfill
    assert graph.get(publish).parent_keys == set(graph.materializable_asset_keys) - {publish}
    assert {graph.get(k).backfill_policy.policy_type.value for k in graph.materializable_asset_keys} == {"SINGLE_RUN"}
    assert len({graph.get(k).partitions_def for k in graph.materializable_asset_keys}) == 1
    # the catalogue shows each description's first line as plain text: it opens on words, not on markdown
    specs = {s.key: s for s in defs.resolve_all_asset_specs()}
    assert specs[dg.AssetKey(["intermediate", "int_authority_districts_expanded"])].description.startswith(
        "Who serves where."
    )
    assert [k for k, s in specs.items() if (s.description or "").lstrip().startswith(("**", "#", "{{"))] == []
    assert {tuple(sorted(s.kinds)) for k, s in specs.items() if k.path[0] in ("staging", "intermediate", "marts")} == {
        ("dbt",)
    }


def test_the_dbt_start_up_overrides_still_override_something():
    """FastStartDbtCliResource replaces two private methods of dagster-dbt; if a new dagster-dbt renames
    them, the overrides would silently do nothing: this fails instead."""
    from dagster_dbt import DbtCliResource

    from dagster_project.transform import FastStartDbtCliResource, dbt_executable, dbt_project

    assert hasattr(DbtCliResource, "_cli_version") and hasattr(DbtCliResource, "_initialize_dbt_core_adapter")
    fast = FastStartDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())
    assert str(fast._cli_version).startswith("1.11.") and fast._initialize_dbt_core_adapter(["build"]) is None


def test_every_dbt_source_is_fed_by_a_raw_asset_and_every_raw_asset_is_read():
    """Sources are declared per publisher (hmt, ons, ...) but all map to ["raw", table]: each is a raw
    asset the manifest loads, so a failed raw gate stops the models reading it; and no raw asset is
    loaded that no model reads."""
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    raw_assets = {k for k in graph.materializable_asset_keys if k.path[0] == "raw"}
    dbt_models = {k for k in graph.materializable_asset_keys if k.path[0] in ("staging", "intermediate", "marts")}
    read_by_dbt = {p for k in dbt_models for p in graph.get(k).parent_keys if p.path[0] == "raw"}
    assert read_by_dbt and read_by_dbt <= raw_assets
    assert raw_assets - read_by_dbt == set(), "raw tables loaded but read by no model: model them or drop them"
