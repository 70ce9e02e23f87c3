"""The Dagster UI's "Materialize all" over every year, as a data engineer clicks it: `dagster dev` on a temporary
project home, the backfill launched through the UI's GraphQL API the way its button does. A file of its own, so
that a test worker starts this whole build while the other builds the session's warehouse (tests/conftest.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from conftest import ROOT
from test_dagster_paths import PUBLISH, _bin, _env, _free_port, _hackney, _instance

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from ui_client import DagsterUI


@pytest.fixture()
def dagster_ui(tmp_path, mirror):
    """`dagster dev` (webserver and daemon) on 127.0.0.1 against a temporary project home."""
    home = tmp_path / "dagster_home"
    subprocess.run(
        [sys.executable, "-m", "dagster_project.instance"],
        env=_env(DAGSTER_HOME=str(home)),
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    port = _free_port()
    env = _env(
        TOTALPLACE_MIRROR=str(mirror),
        TOTALPLACE_DATA=str(tmp_path / "data"),
        TOTALPLACE_WAREHOUSE=str(tmp_path / "warehouse" / "totalplace.duckdb"),
        DAGSTER_HOME=str(home),
    )
    with open(tmp_path / "dagster_dev.log", "w") as log:
        proc = subprocess.Popen(
            [_bin("dagster"), "dev", "-m", "dagster_project.definitions", "-h", "127.0.0.1", "-p", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        ui = DagsterUI(f"http://127.0.0.1:{port}")
        try:
            ui.wait_until_up()
            yield ui, home, Path(env["TOTALPLACE_WAREHOUSE"]), tmp_path / "dagster_dev.log"
        finally:
            # SIGINT is dagster dev's own clean shutdown (dagster_project/ui.py); it ignored SIGTERM here, and
            # the wait ran out at 60 s every time
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def test_materialize_all_from_the_ui_over_every_year_builds_and_publishes(dagster_ui, request):
    ui, home, warehouse, log = dagster_ui
    backfill = ui.launch_backfill_of_everything()
    done = ui.wait_for_backfill(backfill, timeout=1200)
    runs = ui.runs_of_backfill(backfill)
    assert done["status"] == "COMPLETED_SUCCESS", (done, log.read_text()[-3000:])
    assert runs and all(r["status"] == "SUCCESS" for r in runs), runs
    with _instance(home) as instance:
        evaluations = [
            r.event_log_entry.dagster_event.event_specific_data
            for run in runs
            for r in instance.get_records_for_run(
                run["runId"], of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
            ).records
        ]
        assert len(evaluations) >= 250
        blocking_failed = [e for e in evaluations if not e.passed and e.severity != dg.AssetCheckSeverity.WARN]
        assert blocking_failed == []
        assert instance.get_latest_materialization_event(PUBLISH) is not None
    # the session's `totalplace build`, asked for only now: this backfill runs beside it rather than after it
    built_warehouse = request.getfixturevalue("built_warehouse")
    assert _hackney(warehouse) == pytest.approx(_hackney(built_warehouse["warehouse"]), abs=0.01)
    assert not warehouse.with_name("totalplace.building.duckdb").exists()
