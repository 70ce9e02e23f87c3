"""Gated, atomic publish: a build writes a working file; only a fully green build replaces the
published warehouse (one rename), so the last good warehouse is never touched by a failed build.

The publish itself is checked on both sides of the rename:
- before: the new file opens, has the raw and marts schemas, and its mart row counts are taken; no
  process holds the published file open for writing (its writes would land in a WAL that does not
  match the new file, and be lost);
- the rename, then any write-ahead log left by a killed writer of the old file is removed (replayed
  against the new file it would make it unreadable for everyone);
- after: the published file opens read-only with the same mart row counts, or the previous warehouse
  is put back.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from pathlib import Path

import duckdb


class PublishRefused(RuntimeError):
    pass


def working_path(published: Path) -> Path:
    return published.with_name(published.stem + ".building" + published.suffix)


def failed_path(published: Path) -> Path:
    return published.with_name(published.stem + ".failed" + published.suffix)


def wal(path: Path) -> Path:
    return Path(str(path) + ".wal")


def discard(path: Path) -> None:
    for p in (path, wal(path)):
        if p.exists():
            p.unlink()


def live_writer(published: Path) -> str | None:
    """The lock error if some process holds ``published`` open for writing, else None. Read-only
    sessions share the file and do not count."""
    if not published.exists():
        return None
    try:
        duckdb.connect(str(published), read_only=True).close()
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            return str(exc).splitlines()[0]
        return None  # unreadable (truncated, corrupt): replacing it is what is needed
    except duckdb.Error:
        return None
    return None


def mart_counts(path: Path) -> dict[str, int]:
    """Rows of every mart table (views are computed from them and not counted)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        schemas = {s for (s,) in con.execute("SELECT DISTINCT schema_name FROM duckdb_schemas()").fetchall()}
        missing = {"raw", "marts"} - schemas
        if missing:
            raise PublishRefused(
                f"{path.name} has no {' or '.join(sorted(missing))} schema: it is not a complete "
                "warehouse, so it is not published"
            )
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1"
            ).fetchall()
        ]
        return {t: con.execute(f'SELECT count(*) FROM marts."{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def _readable_counts(path: Path) -> dict[str, int] | str:
    try:
        return mart_counts(path)
    except (duckdb.Error, PublishRefused) as exc:
        return str(exc).splitlines()[0]


def publish(work: Path, published: Path) -> dict[str, int]:
    """Move ``work`` over ``published`` as described above; returns the mart row counts published."""
    con = duckdb.connect(str(work))
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    expected = mart_counts(work)
    if not expected:
        raise PublishRefused(f"{work.name} has no mart tables: it is not published")
    writer = live_writer(published)
    if writer:
        raise PublishRefused(
            f"another process holds {published} open for writing, so publishing over it would lose "
            f"its writes or leave a log that does not match the new file ({writer}). Close that "
            "session (analysts open the warehouse read-only) and run the build again"
        )
    published.parent.mkdir(parents=True, exist_ok=True)
    previous = published.with_name(published.stem + ".previous" + published.suffix)
    discard(previous)
    if published.exists():
        os.link(published, previous)  # a second name for the old file, so it can be put back
    try:
        os.replace(work, published)
        discard(wal(work))
        if wal(published).exists():  # a killed writer's log of the old file: it does not match the new one
            wal(published).unlink()
        got = _readable_counts(published)
        if got != expected:
            if previous.exists():
                os.replace(previous, published)
            raise PublishRefused(
                f"the published file did not read back as built "
                f"({got if isinstance(got, str) else 'row counts differ'}); "
                "the previous warehouse was put back"
            )
    finally:
        with contextlib.suppress(FileNotFoundError):
            previous.unlink()
    return expected


def keep_failed(work: Path, published: Path) -> tuple[Path | None, str]:
    """Keep a failed build for inspection, but only while there is room for the next build: the kept
    copy never takes the space a build needs (about twice the published warehouse). Returns the kept
    path (or None) and what was done."""
    if not work.exists():
        return None, ""
    target = failed_path(published)
    discard(target)  # only the newest failed build is kept
    size = work.stat().st_size + (wal(work).stat().st_size if wal(work).exists() else 0)
    need = 2 * max(size, published.stat().st_size if published.exists() else 0)
    free = shutil.disk_usage(work.parent).free
    if free < need:
        discard(work)
        return None, (
            f"the failed build was not kept: {free / 2**20:,.0f} MiB free in {work.parent}, and the next "
            f"build needs about {need / 2**20:,.0f} MiB"
        )
    os.replace(work, target)
    if wal(work).exists():
        os.replace(wal(work), wal(target))
    return (
        target,
        f"the failed build is kept for inspection at {target} ({size / 2**20:,.0f} MiB; the next build replaces it)",
    )


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno == errno.ENOSPC
