"""Faults around the published warehouse: each reproduced as found, with the outcome a user needs (a
message, an exit code, the last good warehouse readable or byte-identical, the next build recovering
without manual clean-up)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest
from conftest import academies_body_sheet, run_cli

from dagster_project.returns.layout import CSV_COLUMNS

SMALL = ["build", "--select", "key:raw/cofog"]  # a real, gated build that publishes in a few seconds


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def published(built_warehouse, tmp_path):
    """A copy of the built warehouse published in its own folder, and the environment that builds over it."""
    wh = tmp_path / "warehouse" / "totalplace.duckdb"
    wh.parent.mkdir()
    shutil.copyfile(built_warehouse["warehouse"], wh)
    return wh, {
        **built_warehouse["env"],
        "TOTALPLACE_WAREHOUSE": str(wh),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }


def hackney(env) -> subprocess.CompletedProcess:
    return run_cli(["count", "--place", "E09000012", "--year", "2016-17", "--format", "json"], env)


def test_a_stale_wal_from_a_killed_writer_is_removed_at_publish(published):
    wh, env = published
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect(r'{wh}'); "
            "c.execute('CREATE TABLE s AS FROM range(50000)'); print('ok', flush=True); time.sleep(99)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "ok"
    writer.kill()
    writer.wait()
    assert (wh.parent / "totalplace.duckdb.wal").exists()  # what the killed session left behind
    proc = run_cli(SMALL, env)
    assert proc.returncode == 0 and "build OK" in proc.stdout, proc.stderr[-2000:]
    assert not (wh.parent / "totalplace.duckdb.wal").exists()
    assert hackney(env).returncode == 0  # readable for everyone
    assert run_cli(SMALL, env).returncode == 0  # and the next build publishes again


def test_a_live_writer_stops_the_build_with_its_name_and_nothing_is_lost(published):
    wh, env = published
    before = sha(wh)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect(r'{wh}'); print('ok', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ok"
        proc = run_cli(SMALL, env)
        assert proc.returncode == 2
        assert f"another process holds {wh} open for writing" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        writer.kill()
        writer.wait()
    assert sha(wh) == before
    assert run_cli(SMALL, env).returncode == 0  # the writer gone, the next build publishes


def test_two_builds_started_together_one_publishes_the_other_says_why(published):
    wh, env = published
    for attempt in range(5):
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(run_cli, SMALL, env)
            time.sleep(0.2)
            second = pool.submit(run_cli, SMALL, env)
            results = [first.result(), second.result()]
        codes = sorted(p.returncode for p in results)
        assert codes == [0, 3], f"attempt {attempt}: {[(p.returncode, p.stderr[-500:]) for p in results]}"
        refused = next(p for p in results if p.returncode == 3)
        assert "another build is running (process" in refused.stderr and "--wait" in refused.stderr
        assert hackney(env).returncode == 0  # a complete, readable warehouse every time
        assert not (wh.parent / "totalplace.building.duckdb").exists()
    # --wait: the second build starts when the first ends, and both publish
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(run_cli, SMALL, env)
        time.sleep(0.2)
        second = pool.submit(run_cli, [*SMALL, "--wait"], env)
        assert first.result().returncode == 0 and second.result().returncode == 0
    assert "waiting for the running build to end" in second.result().stderr


def test_a_one_year_build_verifies_the_files_it_parses(published, built_warehouse, tmp_path):
    wh, env = published
    data = tmp_path / "data"
    shutil.copytree(built_warehouse["env"]["TOTALPLACE_DATA"], data)
    env = {**env, "TOTALPLACE_DATA": str(data)}
    landed = data / "mhclg_revenue_outturn" / "RS_2016-17_data_by_LA.xlsx"
    landed.chmod(0o644)
    landed.write_bytes(landed.read_bytes() + b"x")  # edited after it was pulled
    before = sha(wh)
    proc = run_cli(["build", "--year", "2016-17"], env)
    assert proc.returncode == 1
    assert f"{landed}: the landed file's sha256 is {sha(landed)}" in proc.stderr and "rs_2016_17" in proc.stderr
    assert sha(wh) == before
    assert run_cli(["pull"], env).returncode == 0  # lands the published file again
    proc = run_cli(["build", "--year", "2016-17"], env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    con = duckdb.connect(str(wh), read_only=True)
    logged = con.execute("SELECT sha256 FROM raw.load_log WHERE source_id = 'rs_2016_17'").fetchall()
    con.close()
    assert {h for (h,) in logged} == {sha(landed)}  # the hash computed from the file, not copied from the manifest


@pytest.mark.parametrize(
    "command",
    [
        ["count", "--place", "Hackney", "--year", "2016-17"],
        ["status"],
        ["places"],
        ["report", "--place", "Hackney", "--year", "2016-17", "--out", "r.html"],
        ["template", "--place", "Hackney", "--year", "2016-17", "--out", "t.xlsx"],
        ["build", "--year", "2016-17"],
    ],
)
def test_a_truncated_warehouse_gets_a_message_not_a_traceback(published, command, tmp_path):
    wh, env = published
    wh.write_bytes(wh.read_bytes()[:100_000])
    command = [str(tmp_path / c) if c.endswith((".html", ".xlsx")) else c for c in command]
    proc = run_cli(command, env)
    assert proc.returncode == 2
    assert f"{wh} is not a readable DuckDB warehouse" in proc.stderr and "Run a full `totalplace build`" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_full_build_replaces_a_damaged_warehouse(built_warehouse):
    """The session's build of everything (tests/conftest.py) started over an empty file where the warehouse
    should be: it published a whole warehouse in its place."""
    assert built_warehouse.get("over_damaged"), "the session build did not start over a damaged warehouse"
    assert "build OK" in built_warehouse["stdout"], built_warehouse.get("stderr", "")[-2000:]
    assert built_warehouse["warehouse"].stat().st_size > 100_000_000
    proc = hackney(built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total_gbp"] > 1e9


def _csv(path, figure, body="Academies", division="09", year="2016-17"):
    import csv

    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        w.writerow(["E09000012", year, "CG", "Department for Education", body, division, figure, "", ""])


@pytest.fixture(scope="module")
def returns_build(built_warehouse, tmp_path_factory):
    """One `totalplace build --returns` over a copy of the session's warehouse, with every kind of bad partner
    file found so far beside two good returns; each test below asserts on its own files' reports."""
    import os

    import openpyxl

    base = tmp_path_factory.mktemp("returns_build")
    wh = base / "warehouse" / "totalplace.duckdb"
    wh.parent.mkdir()
    shutil.copyfile(built_warehouse["warehouse"], wh)
    folder = base / "returns"
    folder.mkdir()
    env = {
        **built_warehouse["env"],
        "TOTALPLACE_WAREHOUSE": str(wh),
        "DAGSTER_HOME": str(base / "dagster_home"),
        "TOTALPLACE_RETURNS": str(folder),
    }
    _csv(folder / "good.csv", "150000000")
    _csv(folder / "v1.csv", "5000000", body="Department for Education")
    _csv(folder / "v2.csv", "6000000", body="Department for Education")  # the same return sent again
    _csv(folder / "infinite.csv", "inf", division="07")
    _csv(folder / "absurd.csv", "1e15", division="04")
    _csv(folder / "underscore.csv", "1_000", division="08")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.active["XFD1048576"] = "y"  # a 1.6 KB file whose sheet spans the whole grid
    wb.save(folder / "huge.xlsx")
    wb, ws = academies_body_sheet()
    ws["A9"], ws["E9"] = "10", "=2*1000"  # a formula where a figure is typed
    wb.save(folder / "formula.xlsx")
    (folder / "Hackney returns.xlsx").mkdir()
    (folder / "gone.xlsx").symlink_to(base / "nowhere.xlsx")
    os.mkfifo(folder / "pipe.csv")
    # Academies' whole London figure for education is a few £bn: £900bn for Hackney alone cannot be right
    _csv(folder / "too_big.csv", "900000000000", year="2015-16")
    (folder / "padded.csv").write_bytes(b"x" * (21 * 2**20))  # a 21 MB file: rejected unread, in no time
    proc = run_cli(["build", "--returns"], env)
    reports = (
        {p.name.removesuffix(".txt"): p.read_text() for p in (wh.parent / "returns_reports").iterdir()}
        if (wh.parent / "returns_reports").is_dir()
        else {}
    )
    return wh, proc, reports


def test_bad_partner_files_are_rejected_one_by_one_and_the_build_publishes(returns_build):
    """Every kind of bad file found, side by side: each is rejected alone with a message naming it, the
    good returns are counted, and the warehouse is published."""
    wh, proc, reports = returns_build
    assert proc.returncode == 0 and "build OK" in proc.stdout, proc.stderr[-3000:]
    accepted = {n for n, text in reports.items() if ": ACCEPTED" in text.splitlines()[0]}
    assert accepted == {"good.csv", "v1.csv"}
    expected = {
        "v2.csv": "are already in v1.csv: remove one of the two files",
        "infinite.csv": "'inf' is not a plausible figure in pounds",
        "absurd.csv": "'1e15' is not a plausible figure in pounds",
        "underscore.csv": "'1_000' is not a number",
        "huge.xlsx": "its cells reach row 1,048,576 and column XFD",
        "formula.xlsx": "sheet '001 Academies', cell(s) E9: a formula, not a typed value",
        "Hackney returns.xlsx": "is a folder, not a file",
        "gone.xlsx": "is a link, not a file",
        "pipe.csv": "is not a regular file",
    }
    for name, message in expected.items():
        assert "REJECTED" in reports[name].splitlines()[0] and message in reports[name], (name, reports[name][:500])
    con = duckdb.connect(str(wh), read_only=True)
    counted = con.execute("SELECT DISTINCT return_file FROM raw.partner_returns ORDER BY 1").fetchall()
    con.close()
    assert counted == [("good.csv",), ("v1.csv",)]


def test_a_return_above_the_bodys_regional_figure_rejects_that_file_alone(returns_build):
    """Found when the file is validated (the build goes on and publishes); the return is not counted, the
    good returns beside it are."""
    wh, proc, reports = returns_build
    assert proc.returncode == 0 and "build OK" in proc.stdout, proc.stderr[-2000:]
    assert "REJECTED" in reports["too_big.csv"].splitlines()[0]
    assert "is more than the body's whole published figure for the region" in reports["too_big.csv"]
    assert "is 21.0 MB, more than the 20 MB a return may be" in reports["padded.csv"]
    assert "ACCEPTED" in reports["good.csv"].splitlines()[0]
    con = duckdb.connect(str(wh), read_only=True)
    years = con.execute("SELECT DISTINCT financial_year FROM raw.partner_returns").fetchall()
    con.close()
    assert years == [("2016-17",)]  # nothing of too_big.csv (2015-16)


def test_a_killed_builds_leftover_process_is_stopped_by_the_next_build(published):
    """kill -9 of a build leaves its dbt child writing the working file; the next build stops it first."""
    wh, env = published
    work = wh.parent / "totalplace.building.duckdb"
    orphan = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"], env={**env, "TOTALPLACE_WAREHOUSE": str(work)}
    )
    try:
        proc = run_cli(SMALL, env)
        assert proc.returncode == 0 and "build OK" in proc.stdout, proc.stderr[-2000:]
        assert "stopped 1 process(es) left running by a killed build" in proc.stderr
        assert orphan.wait(timeout=10) == -9
    finally:
        if orphan.poll() is None:
            orphan.kill()


def test_a_full_disk_while_copying_the_warehouse_is_a_message_and_leaves_nothing(published, monkeypatch, capsys):
    """`build --year` first copies the published warehouse; a disk that fills up during the copy (errno 28)
    gives a message, removes the partial copy, and leaves the published warehouse as it was."""
    import errno

    from dagster_project import cli

    wh, env = published
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    before = sha(wh)

    def full_disk(src, dst, *a, **k):
        with open(dst, "wb") as out:
            out.write(b"\0" * 4096)  # part of the copy, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(shutil, "copyfile", full_disk)
    rc = cli.main(["build", "--year", "2016-17"])
    err = capsys.readouterr().err
    assert rc == 1
    assert f"no space left in {wh.parent} to copy the published warehouse" in err and "Traceback" not in err
    assert not (wh.parent / "totalplace.building.duckdb").exists() and sha(wh) == before
