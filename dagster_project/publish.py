"""Gated, atomic publish: a build writes a working file; only a fully green build replaces the
published warehouse (one rename), so the last good warehouse is never touched by a failed build."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb


def working_path(published: Path) -> Path:
    return published.with_name(published.stem + ".building" + published.suffix)


def failed_path(published: Path) -> Path:
    return published.with_name(published.stem + ".failed" + published.suffix)


def discard(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        if p.exists():
            p.unlink()


def publish(work: Path, published: Path) -> None:
    con = duckdb.connect(str(work))
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    published.parent.mkdir(parents=True, exist_ok=True)
    os.replace(work, published)
    discard(Path(str(work) + ".wal"))


def keep_failed(work: Path, published: Path) -> Path | None:
    if not work.exists():
        return None
    target = failed_path(published)
    discard(target)
    os.replace(work, target)
    if Path(str(work) + ".wal").exists():
        os.replace(Path(str(work) + ".wal"), Path(str(target) + ".wal"))
    return target
