"""Analysts read the published warehouse while a build runs; a build whose gate fails leaves it
byte-identical."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time

import duckdb
from conftest import ROOT, published_copy, run_cli

READER = textwrap.dedent("""
    import duckdb, json, os, sys, time
    path, stop = sys.argv[1], sys.argv[2]
    held = duckdb.connect(path, read_only=True)   # a session kept open for the whole build
    queries = errors = 0
    inodes = []
    while not os.path.exists(stop):
        try:
            held.execute("SELECT sum(total_gbp) FROM marts.place_totals").fetchall()
            con = duckdb.connect(path, read_only=True)   # and a fresh one each time
            con.execute("SELECT count(*) FROM marts.fct_place_spend WHERE place_id = 'E09000012'").fetchall()
            con.close()
            queries += 1
        except Exception as exc:
            errors += 1
            print(repr(exc), file=sys.stderr)
        ino = os.stat(path).st_ino
        if not inodes or inodes[-1] != ino:
            inodes.append(ino)
        time.sleep(0.05)
    print(json.dumps({"queries": queries, "errors": errors, "inodes": inodes}))
""")


def test_queries_keep_working_during_a_build_and_the_file_changes_once(built_warehouse, tmp_path):
    published, env = published_copy(built_warehouse, tmp_path)  # its own copy: other tests read the session's
    before = os.stat(published).st_ino
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(2)
        # a one-year build: it writes its working copy for a minute and publishes as a whole build does
        proc = run_cli(["build", "--year", "2016-17"], env)
        assert proc.returncode == 0, proc.stderr[-3000:]
        time.sleep(1)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    result = json.loads(out.strip().splitlines()[-1])
    assert result["errors"] == 0, err[-2000:]
    assert result["queries"] > 100
    assert result["inodes"][0] == before and len(result["inodes"]) == 2  # replaced exactly once, at the end
    assert result["inodes"][1] == os.stat(published).st_ino


def test_a_failing_gate_leaves_the_published_warehouse_byte_identical(built_warehouse, mirror, tmp_path):
    published, published_env = published_copy(built_warehouse, tmp_path)
    digest = hashlib.sha256(published.read_bytes()).hexdigest()
    # a mirror whose COFOG file was truncated, with a manifest that (wrongly) accepts its checksum:
    # the pull passes, the raw gate must stop the build (a build of the COFOG file and its pull alone)
    bad_mirror = tmp_path / "mirror"
    shutil.copytree(mirror / "un_cofog", bad_mirror / "un_cofog")
    cofog = bad_mirror / "un_cofog" / "cofog.csv"
    cofog.write_bytes(b"\n".join(cofog.read_bytes().split(b"\n")[:12]) + b"\n")
    rows = list(csv.DictReader((ROOT / "seeds" / "sources.csv").read_text().splitlines()))
    for r in rows:
        if r["source_id"] == "un_cofog":
            r["sha256"] = hashlib.sha256(cofog.read_bytes()).hexdigest()
    manifest = tmp_path / "sources.csv"
    with open(manifest, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    env = {
        **published_env,
        "TOTALPLACE_MIRROR": str(bad_mirror),
        "TOTALPLACE_DATA": str(tmp_path / "data"),
        "TOTALPLACE_MANIFEST": str(manifest),
    }
    proc = run_cli(["build", "--select", "+key:raw/cofog"], env)
    assert proc.returncode == 1
    assert "gate failed: raw/cofog raw_gate" in proc.stderr
    assert "cofog.csv [un_cofog] gave 11 data rows, expected 180..200" in proc.stderr
    assert "the published warehouse was not touched" in proc.stderr
    assert hashlib.sha256(published.read_bytes()).hexdigest() == digest
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("SELECT count(*) FROM raw.cofog").fetchone()[0] == 188
    con.close()
