"""Materialise real raw assets with their GE gates into a temporary warehouse; gates passing and failing."""

from __future__ import annotations

import csv
import dataclasses
import hashlib

import dagster as dg
import duckdb

from dagster_project.checks.raw_gates import raw_gate
from dagster_project.raw.assets import pull_asset, raw_asset
from dagster_project.resources import TotalplaceConfig


def materialise(sources, table, family, tmp_path, mirror):
    cfg = TotalplaceConfig(
        warehouse=str(tmp_path / "w.duckdb"), data_dir=str(tmp_path / "data"), mirror=str(mirror), gated=False
    )
    return dg.materialize(
        [pull_asset(family, sources), raw_asset(table, sources), raw_gate(table, sources)],
        resources={"totalplace": cfg},
        raise_on_error=False,
    ), cfg


def test_cofog_asset_and_gate_pass_on_real_file(manifest, mirror, tmp_path):
    s = manifest["un_cofog"]
    result, cfg = materialise([s], "cofog", s.family, tmp_path, mirror)
    assert result.success
    [check] = result.get_asset_check_evaluations()
    assert check.passed and check.description.startswith("raw.cofog passed")
    con = duckdb.connect(str(cfg.warehouse_path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw.cofog WHERE level = 'division'").fetchone()[0] == 10
        # the row number is the record of the published file (header = 1), counted independently here
        with open(mirror / s.mirror_path, encoding="utf-8-sig", newline="") as fh:
            line_73 = next(i for i, r in enumerate(csv.reader(fh), start=1) if r[0] == "07.3")
        assert con.execute(
            "SELECT description, source_file, row_number FROM raw.cofog WHERE cofog_code = '07.3'"
        ).fetchone() == ("Hospital services", "cofog.csv", line_73)
        assert con.execute("SELECT data_rows, sha256 FROM raw.load_log WHERE table_name='cofog'").fetchone() == (
            188,
            s.sha256,
        )
    finally:
        con.close()


def test_truncated_file_fails_the_blocking_gate_and_names_it(manifest, mirror, tmp_path):
    s = manifest["un_cofog"]
    short_mirror = tmp_path / "mirror"
    (short_mirror / s.mirror_path).parent.mkdir(parents=True)
    lines = (mirror / s.mirror_path).read_bytes().split(b"\n")
    (short_mirror / s.mirror_path).write_bytes(b"\n".join(lines[:12]) + b"\n")  # header + a few divisions
    truncated = dataclasses.replace(s, sha256=hashlib.sha256((short_mirror / s.mirror_path).read_bytes()).hexdigest())

    @dg.asset(key="uses_cofog", deps=[dg.AssetKey(["raw", "cofog"])])
    def uses_cofog():
        return 1

    cfg = TotalplaceConfig(
        warehouse=str(tmp_path / "w.duckdb"), data_dir=str(tmp_path / "data"), mirror=str(short_mirror), gated=False
    )
    result = dg.materialize(
        [
            pull_asset(s.family, [truncated]),
            raw_asset("cofog", [truncated]),
            raw_gate("cofog", [truncated]),
            uses_cofog,
        ],
        resources={"totalplace": cfg},
        raise_on_error=False,
    )
    assert not result.success
    [check] = result.get_asset_check_evaluations()
    assert not check.passed
    assert "cofog.csv [un_cofog] gave 11 data rows, expected 180..200" in check.description
    mats = {m.asset_key.to_user_string() for m in result.get_asset_materialization_events()}
    assert "uses_cofog" not in mats and "raw/cofog" in mats
