"""Every setting the project reads from the environment, read in this one place.

TOTALPLACE_MIRROR     folder holding a copy of the publishers' files (default: ../shared/raw beside the project
                      when it exists, else none: the files are downloaded from their URLs)
TOTALPLACE_DATA       where pulled, verified files land (default: <project>/data, ignored by git)
TOTALPLACE_WAREHOUSE  the published DuckDB warehouse analysts open (default: <project>/warehouse/totalplace.duckdb)
TOTALPLACE_RETURNS    folder of filled partner returns (default: <project>/returns)
TOTALPLACE_MANIFEST   another source manifest to use instead of seeds/sources.csv (optional)
TOTALPLACE_PARSE_WORKERS  how many worker processes parse a big raw table's files at once (default: the machine's
                      cores; raw/parse_pool.py)
DAGSTER_HOME          the Dagster instance `totalplace build` and the Dagster UI share: runs, materialisations,
                      check results (default: <project>/.dagster_home, ignored by git, created with its
                      dagster.yaml on first use by dagster_project/instance.py)

Relative paths in the variables are taken from the current directory and turned absolute, so dbt
(which runs inside dbt/) and Dagster see the same files. Unset, each is the project's own folder
(the project this command is installed from), so `totalplace count` works from any directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
DBT_DIR = PROJECT_ROOT / "dbt"
# the publishers' files as this workplace lays them out beside the project (the Makefile's default too)
DEFAULT_MIRROR = PROJECT_ROOT.parent / "shared" / "raw"


def _path(value: str | None, default: str | None) -> Path | None:
    raw = value if value not in (None, "") else default
    if raw is None:
        return None
    return Path(raw).expanduser().resolve()


@dataclass(frozen=True)
class Settings:
    mirror: Path | None
    data_dir: Path
    warehouse: Path
    returns_dir: Path
    dagster_home: Path

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            mirror=_path(env.get("TOTALPLACE_MIRROR"), str(DEFAULT_MIRROR) if DEFAULT_MIRROR.is_dir() else None),
            data_dir=_path(env.get("TOTALPLACE_DATA"), str(PROJECT_ROOT / "data")),
            warehouse=_path(env.get("TOTALPLACE_WAREHOUSE"), str(PROJECT_ROOT / "warehouse" / "totalplace.duckdb")),
            returns_dir=_path(env.get("TOTALPLACE_RETURNS"), str(PROJECT_ROOT / "returns")),
            dagster_home=_path(env.get("DAGSTER_HOME"), str(PROJECT_ROOT / ".dagster_home")),
        )

    def export(self, warehouse: Path | None = None) -> dict[str, str]:
        """Environment for child processes (dbt), with absolute paths."""
        env = {
            "TOTALPLACE_DATA": str(self.data_dir),
            "TOTALPLACE_WAREHOUSE": str(warehouse or self.warehouse),
            "TOTALPLACE_RETURNS": str(self.returns_dir),
            "DAGSTER_HOME": str(self.dagster_home),
        }
        if self.mirror:
            env["TOTALPLACE_MIRROR"] = str(self.mirror)
        return env


def parse_workers(env: dict[str, str] | None = None) -> int:
    """How many files of a big raw table are parsed at once: TOTALPLACE_PARSE_WORKERS, or the machine's cores."""
    value = (os.environ if env is None else env).get("TOTALPLACE_PARSE_WORKERS", "")
    if value.strip():
        try:
            n = int(value)
        except ValueError:
            raise ValueError(f"TOTALPLACE_PARSE_WORKERS must be a whole number of processes, not {value!r}") from None
        return max(1, n)
    return max(1, os.cpu_count() or 1)
