"""What a user sees when the CLI cannot do what was asked: one line naming the file or the value and
what to do, a non-zero exit, no traceback. No mirror, no build (fast tier)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TOTALPLACE = str(Path(sys.executable).with_name("totalplace"))


def run(args: list[str], tmp_path: Path, warehouse: Path | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "TOTALPLACE_WAREHOUSE": str(warehouse or tmp_path / "none" / "totalplace.duckdb"),
        "TOTALPLACE_MIRROR": str(tmp_path / "no-mirror"),
        "TOTALPLACE_DATA": str(tmp_path / "data"),
    }
    return subprocess.run([TOTALPLACE, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "args",
    [
        ["count", "--place", "E09000012", "--year", "2016-17"],
        ["places"],
        ["report", "--place", "E09000012", "--year", "2016-17"],
        ["ndpb", "--region", "London", "--year", "2014-15"],
    ],
    ids=lambda a: a[0],
)
def test_no_warehouse_says_where_it_looked_and_what_to_run(tmp_path, args):
    proc = run(args, tmp_path)
    assert proc.returncode == 2
    assert f"no warehouse at {tmp_path / 'none' / 'totalplace.duckdb'}" in proc.stderr
    assert "run `totalplace build`" in proc.stderr and "Traceback" not in proc.stderr


def test_a_damaged_warehouse_is_named_and_the_fix_given(tmp_path):
    bad = tmp_path / "totalplace.duckdb"
    bad.write_bytes(b"not a duckdb file" * 100)
    proc = run(["count", "--place", "E09000012", "--year", "2016-17"], tmp_path, warehouse=bad)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{bad} is not a readable DuckDB warehouse" in proc.stderr and "totalplace build" in proc.stderr


def test_a_year_outside_the_returns_is_refused_before_anything_runs(tmp_path):
    proc = run(["build", "--year", "1999-00"], tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "unknown financial year '1999-00'; the yearly returns cover 2007-08 to 2024-25" in proc.stderr
    assert not (tmp_path / "data").exists()  # nothing was pulled


def test_bare_totalplace_lists_its_commands_and_version_is_known(tmp_path):
    proc = run([], tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert all(c in proc.stdout for c in ("build", "count", "places", "report", "template", "docs"))
    proc = run(["--version"], tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip().startswith("totalplace 0.")
    proc = run(["report", "--help"], tmp_path)
    assert "HTML file to write (default: report.html here)" in proc.stdout
