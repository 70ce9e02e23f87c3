"""The project's Dagster instance: the UI opens without the first-run dialog, for a new home and an old one."""

from __future__ import annotations

import dagster as dg

from dagster_project.instance import ensure_home


def test_a_new_and_an_older_home_both_turn_the_first_run_dialog_off(tmp_path):
    new = ensure_home(tmp_path / "new")
    old = tmp_path / "old"
    old.mkdir()
    (old / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    ensure_home(old)
    ensure_home(old)  # a second use adds nothing more
    for home in (new, old):
        instance = dg.DagsterInstance.from_config(str(home))
        assert instance.nux_enabled is False
        assert not instance.telemetry_enabled
    assert (old / "dagster.yaml").read_text(encoding="utf-8").count("nux:") == 1


def _materialisations(run_id: str, n: int):
    import time

    from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
    from dagster._core.events.log import EventLogEntry

    return [
        EventLogEntry(
            error_info=None,
            level=20,
            user_message="",
            run_id=run_id,
            timestamp=time.time(),
            step_key="dbt_models",
            job_name="build_warehouse",
            dagster_event=DagsterEvent(
                DagsterEventType.ASSET_MATERIALIZATION.value,
                "build_warehouse",
                event_specific_data=StepMaterializationData(
                    dg.AssetMaterialization(asset_key=["marts", f"m{i // 17}"], partition=f"{2008 + i % 17}-xx")
                ),
            ),
        )
        for i in range(n)
    ]


def test_a_batch_of_events_is_stored_as_dagster_stores_them_one_by_one(tmp_path):
    """The batching event log (event_storage.py) keeps what Dagster's own SQLite storage keeps: every
    event of the run, each asset's latest materialisation and partition, in the same files."""
    from dagster_project.event_storage import BatchingSqliteEventLogStorage

    home = ensure_home(tmp_path / "home")
    instance = dg.DagsterInstance.from_config(str(home))
    assert isinstance(instance.event_log_storage, BatchingSqliteEventLogStorage)
    events = _materialisations("run-a", 34)
    instance.event_log_storage.store_event_batch(events)
    plain = dg.DagsterInstance.from_config(str(ensure_home(tmp_path / "plain")))
    # the same events written by Dagster's default storage, one at a time
    for e in _materialisations("run-a", 34):
        dg.DagsterInstance.store_event(plain, e)
    for inst in (instance, plain):
        assert len(inst.all_logs("run-a")) == 34
        latest = inst.get_latest_materialization_event(dg.AssetKey(["marts", "m1"]))
        assert latest.dagster_event.partition == "2024-xx"
        assert inst.get_materialized_partitions(dg.AssetKey(["marts", "m0"])) == {f"{y}-xx" for y in range(2008, 2025)}
    assert (home / "history" / "runs" / "run-a.db").exists()


def test_an_older_or_moved_home_gets_the_batching_event_log_in_its_own_folder(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    ensure_home(old)
    ensure_home(old)
    text = (old / "dagster.yaml").read_text(encoding="utf-8")
    assert text.count("event_log_storage:") == 1 and f"base_dir: {old / 'history' / 'runs'}" in text
    moved = tmp_path / "moved"
    old.rename(moved)
    ensure_home(moved)
    assert f"base_dir: {moved / 'history' / 'runs'}" in (moved / "dagster.yaml").read_text(encoding="utf-8")
