"""The pull step: mirror, HTTP from a local server, cached re-runs, checksum mismatch, missing files offline."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import http.server
import shutil
import threading

import pytest

from dagster_project.pull import PullError, pull


def small_sources(manifest):
    return [manifest["un_cofog"], manifest["geo_region_codes"], manifest["geo_la_codes"]]


def test_pull_from_mirror_verifies_and_lands(manifest, mirror, tmp_path):
    landed = pull(small_sources(manifest), tmp_path / "data", mirror)
    assert [x.how for x in landed] == ["mirror"] * 3
    for x in landed:
        assert x.path == tmp_path / "data" / x.source.mirror_path
        assert hashlib.sha256(x.path.read_bytes()).hexdigest() == x.source.sha256
    again = pull(small_sources(manifest), tmp_path / "data", None)  # no mirror needed once landed
    assert [x.how for x in again] == ["cached"] * 3


@pytest.fixture
def http_server(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield root, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_pull_over_http_from_local_server(manifest, mirror, tmp_path, http_server):
    root, url = http_server
    s = manifest["geo_region_codes"]
    shutil.copy(mirror / s.mirror_path, root / s.file_name)
    src = dataclasses.replace(s, download_url=f"{url}/{s.file_name}")
    landed = pull([src], tmp_path / "data", None)
    assert landed[0].how == "download"
    assert landed[0].path.read_bytes() == (mirror / s.mirror_path).read_bytes()


def test_http_checksum_mismatch_leaves_nothing(manifest, tmp_path, http_server):
    root, url = http_server
    s = manifest["geo_region_codes"]
    (root / s.file_name).write_text("RGNCD,RGNNM\nE12000001,North East\n")
    src = dataclasses.replace(s, download_url=f"{url}/{s.file_name}")
    with pytest.raises(PullError) as err:
        pull([src], tmp_path / "data", None)
    actual = hashlib.sha256((root / s.file_name).read_bytes()).hexdigest()
    assert f"checksum mismatch for {s.mirror_path}" in str(err.value)
    assert s.sha256 in str(err.value) and actual in str(err.value)
    assert [p for p in (tmp_path / "data").rglob("*") if p.is_file()] == []


def test_mirror_checksum_mismatch_names_file_and_both_hashes(manifest, mirror, tmp_path):
    bad_mirror = tmp_path / "mirror"
    s = manifest["un_cofog"]
    (bad_mirror / s.mirror_path).parent.mkdir(parents=True)
    (bad_mirror / s.mirror_path).write_bytes((mirror / s.mirror_path).read_bytes() + b"\n01,extra,,,\n")
    actual = hashlib.sha256((bad_mirror / s.mirror_path).read_bytes()).hexdigest()
    with pytest.raises(PullError) as err:
        pull([s], tmp_path / "data", bad_mirror)
    assert str(err.value).endswith(
        f"checksum mismatch for {s.mirror_path} (un_cofog) from {bad_mirror / s.mirror_path}: "
        f"manifest expects sha256 {s.sha256}, file has {actual}"
    )
    assert not (tmp_path / "data" / s.mirror_path).exists()
    assert list((tmp_path / "data").rglob("*.part")) == []


def test_offline_without_mirror_names_every_missing_file(manifest, tmp_path):
    sources = [dataclasses.replace(s, download_url="") for s in small_sources(manifest)]
    with pytest.raises(PullError) as err:
        pull(sources, tmp_path / "data", tmp_path / "empty-mirror")
    msg = str(err.value)
    assert msg.startswith("3 source file(s) missing and no download URL")
    for s in sources:
        assert (
            f"{s.mirror_path} [{s.source_id}] not found: put it at {tmp_path / 'empty-mirror' / s.mirror_path}" in msg
        )
    assert not (tmp_path / "data").exists()


def test_a_killed_pulls_part_files_go_and_a_read_only_data_folder_is_named(manifest, mirror, tmp_path):
    sources = small_sources(manifest)
    data = tmp_path / "data"
    folder = data / sources[0].mirror_path.rsplit("/", 1)[0]
    folder.mkdir(parents=True)
    leftover = folder / ".cofog.csv.abc123.part"  # what a pull killed mid-copy leaves
    leftover.write_bytes(b"half a file")
    pull(sources, data, mirror)
    assert not leftover.exists()
    # a data folder that cannot be written: the copy from the mirror is named, not a download
    fresh = tmp_path / "readonly"
    (fresh / "un_cofog").mkdir(parents=True)
    (fresh / "un_cofog").chmod(0o555)
    try:
        import os

        if os.geteuid() == 0:  # root writes anywhere: make the target path a folder instead, so the copy fails
            (fresh / "un_cofog").chmod(0o755)
            (fresh / sources[0].mirror_path).mkdir(parents=True)
        with pytest.raises(PullError) as err:
            pull(sources[:1], fresh, mirror)
        text = str(err.value)
        assert f"could not copy {mirror / sources[0].mirror_path}" in text and "TOTALPLACE_DATA is writable" in text
        assert "could not fetch" not in text
    finally:
        (fresh / "un_cofog").chmod(0o755)
