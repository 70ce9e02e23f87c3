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
    request = sensor(dg.build_sensor_context(cursor=json.dumps({"un_cofog": "0:0"}),
                                             repository_def=defs.get_repository_def()))
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
    assert every_year.tags["dagster/asset_partition_range_end"] == "2017-18"
