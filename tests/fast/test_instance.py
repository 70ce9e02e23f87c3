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
