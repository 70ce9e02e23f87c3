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
Storage is Dagster's default: SQLite files in the same folder.

`python -m dagster_project.instance` creates it and prints its path (the Makefile does this before
`dagster dev`, so the UI never starts without its dagster.yaml).
"""

from __future__ import annotations

import os
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


def ensure_home(home: Path) -> Path:
    """Create ``home`` and its dagster.yaml if they do not exist yet; an existing dagster.yaml is kept."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        tmp = config.with_name(f".dagster.yaml.{os.getpid()}.tmp")  # two first uses at once each write their own
        tmp.write_text(DAGSTER_YAML, encoding="utf-8")
        tmp.replace(config)
    elif "\nnux:" not in config.read_text(encoding="utf-8"):
        with config.open("a", encoding="utf-8") as fh:
            fh.write(
                "\n# No first-run dialog over the UI (added by dagster_project/instance.py).\nnux:\n  enabled: false\n"
            )
    return home


def project_instance(settings: Settings | None = None):
    """The persistent instance in the project's DAGSTER_HOME (created if needed)."""
    import dagster as dg

    settings = settings or Settings.from_env()
    return dg.DagsterInstance.from_config(str(ensure_home(settings.dagster_home)))


if __name__ == "__main__":
    print(ensure_home(Settings.from_env().dagster_home))
    sys.exit(0)
