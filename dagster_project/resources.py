"""The ``totalplace`` resource every asset and check uses: where the mirror, landed data and warehouse
are, and the build session of a run.

A run of the build (from `totalplace build`, the Dagster UI, a backfill, a sensor or a schedule) writes
into a working file beside the published warehouse, never into the published file itself:
1. the run takes the build lock (buildlock.py), waiting for a running build and saying whose;
2. it stops processes a killed build left writing the working file, then prepares that file: empty for
   a run of every asset over every year; otherwise a copy of the published warehouse, so what the run
   does not rebuild is kept. A run of some assets on a project with nothing published yet stops at once,
   in one line naming what to materialise first, unless it selects everything its assets need;
3. the assets write there; the last asset, ``publish/warehouse`` (publish.py via assets_publish.py),
   renames it over the published file only if every blocking check of the run passed;
4. when the run ends without publishing, the working file is kept for inspection as
   ``<name>.failed.duckdb`` (if there is room), or, for a run that did not select ``publish/warehouse``,
   removed with a warning that nothing was published.

``gated=False`` makes the assets write straight into ``warehouse`` with none of this (tests that
materialise one asset into a scratch file).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import dagster as dg

from .settings import Settings

PUBLISH_KEY = dg.AssetKey(["publish", "warehouse"])


class BuildGraph:
    """The asset graph of the loaded definitions (filled by assembly.make_definitions): which assets exist
    and what each reads, so a run can tell whether it is a whole build and what it is missing."""

    upstream: ClassVar[dict[dg.AssetKey, set[dg.AssetKey]]] = {}
    years: ClassVar[list[str]] = []


class NothingBuiltYet(dg.Failure):
    pass


AFTER_RUN: dict[str, str] = {}  # run id -> what became of its working file, for `totalplace build` to print


def run_scope(run: dg.DagsterRun) -> tuple[set[dg.AssetKey], list[str] | None]:
    """The assets a run materialises and the financial years it covers (None: every year)."""
    from .partitions import run_years_from_tags

    selected = set(run.asset_selection) if run.asset_selection else set(BuildGraph.upstream)
    return selected, run_years_from_tags(run.tags, BuildGraph.years)


def missing_upstream(selected: set[dg.AssetKey]) -> list[dg.AssetKey]:
    """Assets some selected asset reads that the run does not build."""
    need = {u for k in selected for u in BuildGraph.upstream.get(k, set())}
    return sorted(need - selected, key=lambda k: k.to_user_string())


class TotalplaceConfig(dg.ConfigurableResource):
    """Paths for one run. Defaults come from the TOTALPLACE_* environment (see settings.py). ``warehouse``
    is the published warehouse; a gated run writes to its working file (``warehouse_path``)."""

    warehouse: str
    data_dir: str
    mirror: str = ""
    returns_dir: str = ""
    gated: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> TotalplaceConfig:
        return cls(
            warehouse=str(settings.warehouse),
            data_dir=str(settings.data_dir),
            mirror=str(settings.mirror) if settings.mirror else "",
            returns_dir=str(settings.returns_dir),
        )

    @property
    def published_path(self) -> Path:
        return Path(self.warehouse)

    @property
    def warehouse_path(self) -> Path:
        """The file the assets and checks of this run write and read."""
        from .publish import working_path

        return working_path(self.published_path) if self.gated else self.published_path

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def returns_path(self) -> Path | None:
        return Path(self.returns_dir) if self.returns_dir else None

    @property
    def mirror_path(self) -> Path | None:
        return Path(self.mirror) if self.mirror else None

    @contextlib.contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[TotalplaceConfig]:
        run = context.run
        if not self.gated or run is None:
            yield self
            return
        from .buildlock import build_lock, stop_orphans

        log = context.log
        who = f"Dagster run {run.run_id[:8]} of {run.job_name}" + (
            f", {run.tags['dagster/backfill']} backfill" if "dagster/backfill" in run.tags else ""
        )
        with build_lock(self.published_path, wait=True, who=who, say=log.info):
            stop_orphans(self.warehouse_path, say=log.warning)
            selected = self._prepare(run, log)
            try:
                yield self
            finally:
                said = self._after(selected, log)
                if said:
                    AFTER_RUN[run.run_id] = said

    def _prepare(self, run: dg.DagsterRun, log) -> set[dg.AssetKey]:
        from .publish import discard, is_disk_full

        work, published = self.warehouse_path, self.published_path
        discard(work)
        selected, years = run_scope(run)
        whole = years is None and selected >= set(BuildGraph.upstream)
        if whole:
            log.info(f"building every asset for every year into {work}")
            return selected
        if not published.exists():
            missing = missing_upstream(selected)
            if missing:
                names = ", ".join(k.to_user_string() for k in missing[:6]) + (", ..." if len(missing) > 6 else "")
                raise NothingBuiltYet(
                    description=f"nothing is published yet at {published}, and this run does not build what its "
                    f"assets read ({names}): materialise every asset first (Materialize all in the "
                    "Dagster UI, or `totalplace build`)"
                )
            log.info(f"nothing published yet: building the selected assets into an empty {work}")
            return selected
        try:
            shutil.copyfile(published, work)
        except OSError as exc:
            discard(work)
            if is_disk_full(exc):
                raise dg.Failure(
                    description=f"no space left in {work.parent} to copy the published warehouse "
                    f"({published.stat().st_size / 2**20:,.0f} MiB needed, "
                    f"{shutil.disk_usage(work.parent).free / 2**20:,.0f} MiB free): free "
                    "some space and run again. The published warehouse was not touched."
                ) from exc
            raise
        log.info(
            f"started from a copy of the published warehouse ({work.name}): what this run does not rebuild "
            "is kept as published"
        )
        return selected

    def _after(self, selected: set[dg.AssetKey], log) -> str:
        from .publish import discard, keep_failed

        work = self.warehouse_path
        if not work.exists():
            return ""  # published (or never written)
        if PUBLISH_KEY not in selected:
            discard(work)
            said = (
                f"nothing was published: this run did not select {PUBLISH_KEY.to_user_string()}, so what it "
                f"built was discarded and {self.published_path} is unchanged. Select "
                f"{PUBLISH_KEY.to_user_string()} with the assets to rebuild (or use Materialize all)"
            )
            log.warning(said)
            return said
        _kept, said = keep_failed(work, self.published_path)
        log.warning("not published; the published warehouse was not touched" + (f": {said}" if said else ""))
        return said
