"""One build path, seen from the data engineer's side: the dagster CLI and `totalplace build` run the same job on
the project's instance and publish the same gated warehouse (the UI's "Materialize all": test_dagster_ui_backfill)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import PLACE_YEARS, ROOT, published_copy

FCT = dg.AssetKey(["marts", "fct_place_spend"])
PUBLISH = dg.AssetKey(["publish", "warehouse"])
HACKNEY_2016 = "SELECT total_gbp FROM marts.place_totals WHERE place_id = 'E09000012' AND financial_year = '2016-17'"


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _materialize(select: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    """`dagster asset materialize` on the project's definitions for the 2016-17 partition, as a data
    engineer would type it."""
    return subprocess.run(
        [_bin("dagster"), "asset", "materialize", "-m", "dagster_project.definitions"]
        + ["--select", select, "--partition", "2016-17"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    env.pop("TOTALPLACE_YEARS", None)
    return env


def _hackney(path: Path) -> float:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(HACKNEY_2016).fetchone()[0]


def _instance(home: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(home))


def _with_home(env: dict[str, str]) -> dict[str, str]:
    """The environment, its DAGSTER_HOME created as `make dagster` or `totalplace build` would."""
    env = _env(**env)
    subprocess.run(
        [sys.executable, "-m", "dagster_project.instance"], env=env, check=True, cwd=ROOT, capture_output=True
    )
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_totalplace_build_is_recorded_in_the_project_instance(built_warehouse):
    """After `totalplace build`, the instance in its DAGSTER_HOME holds the latest materialisation of
    marts/fct_place_spend for every year, its check results, and the publish with what it published."""
    from dagster_project.partitions import financial_years

    home = Path(built_warehouse["env"]["DAGSTER_HOME"])
    assert (home / "dagster.yaml").exists() and "max_concurrent_runs: 1" in (home / "dagster.yaml").read_text()
    run_id = re.search(r"run ([0-9a-f-]{36}) finished", built_warehouse["stdout"]).group(1)
    with _instance(home) as instance:
        run = instance.get_run_by_id(run_id)
        assert run.job_name == "build_warehouse" and run.status == dg.DagsterRunStatus.SUCCESS
        assert run.tags["totalplace/started_by"] == "totalplace build"
        checks = {
            (e.asset_key, e.check_name): e
            for e in (
                r.event_log_entry.dagster_event.event_specific_data
                for r in instance.get_records_for_run(
                    run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
                ).records
            )
        }
        assert checks[(FCT, "marts_gate")].passed and checks[(FCT, "not_null_fct_place_spend_method")].passed
        assert len(checks) >= 250 and all(e.passed for e in checks.values())
        for year in financial_years():
            got = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=FCT, asset_partitions=[year]), limit=1
            )
            assert got.records, f"no materialisation of marts/fct_place_spend for {year}"
        published = instance.get_latest_materialization_event(PUBLISH)
        assert published is not None
        meta = published.asset_materialization.metadata
        assert meta["path"].value == str(built_warehouse["warehouse"])
        assert meta["place_years"].value == PLACE_YEARS and meta["gates_passed"].value >= 250


def test_materialising_one_mart_on_an_empty_project_says_what_to_build_first(tmp_path, mirror):
    env = _env(
        TOTALPLACE_MIRROR=str(mirror),
        TOTALPLACE_DATA=str(tmp_path / "data"),
        TOTALPLACE_WAREHOUSE=str(tmp_path / "warehouse" / "totalplace.duckdb"),
        DAGSTER_HOME=str(tmp_path / "dagster_home"),
    )
    subprocess.run([sys.executable, "-m", "dagster_project.instance"], env=env, check=True, cwd=ROOT)
    proc = _materialize("marts/fct_place_spend", env)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"nothing is published yet at {tmp_path / 'warehouse' / 'totalplace.duckdb'}" in out
    assert "materialise every asset first (Materialize all in the Dagster UI, or `totalplace build`)" in out
    assert "Stack Trace" not in out and "Traceback" not in out and "Catalog Error" not in out
    assert not (tmp_path / "warehouse" / "totalplace.duckdb").exists()


def test_a_run_without_the_publish_step_changes_nothing_and_says_so(built_warehouse, tmp_path):
    published, env = published_copy(built_warehouse, tmp_path)
    before = published.read_bytes()
    proc = _materialize("raw/cofog", _with_home(env))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert "nothing was published: this run did not select publish/warehouse" in out
    assert published.read_bytes() == before
    assert not (published.parent / "totalplace.building.duckdb").exists()


def test_a_dagster_run_started_during_a_build_waits_for_it_then_publishes(built_warehouse, tmp_path):
    """`totalplace build --year` and, while it runs, the dagster CLI materialising the same year: the second
    waits for the first, naming it, then runs; both publish, and the warehouse is whole after each."""
    published, env = published_copy(built_warehouse, tmp_path)
    expected = _hackney(built_warehouse["warehouse"])
    lock = published.parent / ".totalplace.build.lock"
    first = subprocess.Popen(
        [_bin("totalplace"), "build", "--year", "2016-17"],
        env=_env(**env),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.2)
    second = _materialize("raw/revenue_outturn_rs*", _with_home(env), timeout=900)
    out1, err1 = first.communicate(timeout=900)
    out2 = second.stdout + second.stderr
    assert first.returncode == 0 and "build OK" in out1, err1[-3000:]
    assert "waiting for the running build to end (process" in out2 and "totalplace build --year 2016-17" in out2
    assert second.returncode == 0, out2[-3000:]
    assert "publish__warehouse - published" in out2 or "published " + str(published) in out2
    assert _hackney(published) == pytest.approx(expected, abs=0.01)
    assert not (published.parent / "totalplace.building.duckdb").exists()
