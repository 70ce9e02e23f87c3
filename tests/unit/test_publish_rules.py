"""The publish step's rules on small warehouses made here (no mirror needed)."""

from __future__ import annotations

import csv
import shutil
from collections import namedtuple

import duckdb
import pytest

from dagster_project import publish as pub
from dagster_project.manifest import ManifestError, load_manifest
from dagster_project.settings import SEEDS_DIR


def small_warehouse(path, rows=3):
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
    con.execute(f"CREATE TABLE marts.place_totals AS SELECT range AS id FROM range({rows})")
    con.close()


def test_publish_moves_a_complete_warehouse_and_refuses_an_incomplete_one(tmp_path):
    work, published = tmp_path / "w.duckdb", tmp_path / "p.duckdb"
    small_warehouse(work, 3)
    assert pub.publish(work, published) == {"place_totals": 3}
    assert not work.exists()
    bare = tmp_path / "bare.duckdb"
    duckdb.connect(str(bare)).close()  # opens, but has no raw or marts schema
    before = published.read_bytes()
    with pytest.raises(pub.PublishRefused, match="has no marts or raw schema"):
        pub.publish(bare, published)
    assert published.read_bytes() == before


def test_a_failed_build_is_kept_only_while_there_is_room_for_the_next(tmp_path, monkeypatch):
    published, work = tmp_path / "p.duckdb", tmp_path / "p.building.duckdb"
    small_warehouse(published)
    small_warehouse(work)
    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: Usage(10**9, 10**9, 1000))  # a nearly full disk
    kept, said = pub.keep_failed(work, published)
    assert kept is None and not work.exists() and "was not kept" in said and "MiB free" in said
    small_warehouse(work)
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: Usage(10**12, 0, 10**12))
    kept, said = pub.keep_failed(work, published)
    assert kept == pub.failed_path(published) and kept.exists() and "kept for inspection" in said


def test_an_upper_case_sha256_in_the_manifest_is_the_same_hash(tmp_path):
    rows = list(csv.reader((SEEDS_DIR / "sources.csv").read_text().splitlines()))
    rows[1][8] = rows[1][8].upper()
    manifest = tmp_path / "sources.csv"
    with open(manifest, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    assert load_manifest(manifest)[0].sha256 == rows[1][8].lower()
    rows[1][8] = "z" * 64
    with open(manifest, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(ManifestError, match="is not 64 hex digits"):
        load_manifest(manifest)
