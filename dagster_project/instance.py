"""The project's own persistent Dagster instance, shared by `totalplace build`, `dagster` CLI commands
and the Dagster UI (`make dagster`), so a run started any of these ways is listed in the UI with its
materialisations, check results and metadata.

It lives in DAGSTER_HOME (default ``<project>/.dagster_home``, ignored by git; see settings.py) and is
created on first use with the dagster.yaml below:
- one run at a time (``concurrency.runs.max_concurrent_runs: 1``): the warehouse has one writer, so a
  backfill or a sensor that asks for several runs gets them queued, one after another;
- telemetry off (no internet here);
- the UI's first-run "Join the Dagster community" dialog off (``nux.enabled: false``): the UI opens on
  the asset catalogue. A dagster.yaml made by an older version gains this setting on first use.
- the event log is Dagster's SQLite storage in the same folder (``history/runs``) through
  ``event_storage.BatchingSqliteEventLogStorage``, which stores a batch of events (a run's planned
  events, one output's materialisations over its years) in one transaction instead of one per event.
  Its ``base_dir`` must be absolute: it is this folder's, and is corrected if the folder was moved.
  A dagster.yaml made by an older version gains the section on first use, keeping its runs.
Runs and schedules are Dagster's default SQLite files in the same folder.

`python -m dagster_project.instance` creates it and prints its path (the Makefile does this before
`dagster dev`, so the UI never starts without its dagster.yaml).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from .settings import Settings

DAGSTER_YAML = """\
# The totalplace Dagster instance (written by dagster_project/instance.py on first use; edit freely).
# `totalplace build`, the dagster CLI and the Dagster UI all record their runs here.

# One run at a time: the DuckDB warehouse has one writer. Backfills and sensors queue their runs.
concurrency:
  runs:
    max_concurrent_runs: 1

telemetry:
  enabled: false

# No first-run "Join the Dagster community" dialog over the UI.
nux:
  enabled: false
"""

EVENT_LOG_SECTION = """
# Dagster's SQLite event log in history/runs, storing each batch of events in one transaction
# (dagster_project/event_storage.py; a full build records about 6,000 events).
event_log_storage:
  module: dagster_project.event_storage
  class: BatchingSqliteEventLogStorage
  config:
    base_dir: {runs_dir}
"""
_BASE_DIR = re.compile(r"^(    base_dir: )(.*)$", re.MULTILINE)


def ensure_home(home: Path) -> Path:
    """Create ``home`` and its dagster.yaml if they do not exist yet. An existing dagster.yaml keeps what it
    says and gains only what it lacks (the first-run dialog off, the batching event log), or the event log's
    folder when the home was moved."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    runs_dir = str((home / "history" / "runs").resolve())
    if not config.exists():
        _write(config, DAGSTER_YAML + EVENT_LOG_SECTION.format(runs_dir=runs_dir))
        return home
    text = original = config.read_text(encoding="utf-8")
    if "\nnux:" not in text:
        text += "\n# No first-run dialog over the UI (added by dagster_project/instance.py).\nnux:\n  enabled: false\n"
    if "\nevent_log_storage:" not in text:
        text += EVENT_LOG_SECTION.format(runs_dir=runs_dir)
    elif "BatchingSqliteEventLogStorage" in text:
        text = _BASE_DIR.sub(lambda m: m.group(1) + runs_dir, text)  # the folder was copied or moved
    if text != original:
        _write(config, text)
    return home


def _write(config: Path, text: str) -> None:
    tmp = config.with_name(f".dagster.yaml.{os.getpid()}.tmp")  # two first uses at once each write their own
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(config)


def project_instance(settings: Settings | None = None):
    """The persistent instance in the project's DAGSTER_HOME (created if needed)."""
    import dagster as dg

    settings = settings or Settings.from_env()
    return dg.DagsterInstance.from_config(str(ensure_home(settings.dagster_home)))


if __name__ == "__main__":
    print(ensure_home(Settings.from_env().dagster_home))
    sys.exit(0)
