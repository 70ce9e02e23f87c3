"""Manifest row -> verified file on disk.

For each row: if the landed copy under TOTALPLACE_DATA already has the right sha256 it is kept;
else the file is copied from the mirror folder (TOTALPLACE_MIRROR) or downloaded from its URL.
Either way it is written to a temporary file, its sha256 verified, and only then renamed into
place, so nothing partial is ever left behind. Every problem is collected and reported at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .manifest import Source

CHUNK = 1 << 20


class PullError(RuntimeError):
    """One or more manifest files could not be landed; the message lists every one."""


@dataclass(frozen=True)
class Landed:
    source: Source
    path: Path
    how: str  # "cached" | "mirror" | "download"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def landed_path(source: Source, data_dir: Path) -> Path:
    return data_dir / source.mirror_path


def _copy_verified(source: Source, target: Path, fill: Callable[[object], None], origin: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            fill(out)
        actual = sha256_of(Path(tmp))
        if actual != source.sha256:
            raise PullError(
                f"checksum mismatch for {source.mirror_path} ({source.source_id}) from {origin}: "
                f"manifest expects sha256 {source.sha256}, file has {actual}"
            )
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _from_mirror(source: Source, mirror_file: Path, target: Path) -> None:
    def fill(out):
        with open(mirror_file, "rb") as src:
            shutil.copyfileobj(src, out, CHUNK)

    _copy_verified(source, target, fill, str(mirror_file))


def _from_url(source: Source, target: Path, timeout: float) -> None:
    def fill(out):
        req = urllib.request.Request(source.download_url, headers={"User-Agent": "totalplace-pull/0.1"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            shutil.copyfileobj(resp, out, CHUNK)

    _copy_verified(source, target, fill, source.download_url)


def plan_pull(
    sources: list[Source], data_dir: Path, mirror: Path | None, allow_download: bool = True
) -> list[tuple[Source, str, Path | None]]:
    """How each file will be landed (cached, mirror or download); PullError naming every file that
    cannot be."""
    plan: list[tuple[Source, str, Path | None]] = []
    missing: list[str] = []
    for s in sources:
        target = landed_path(s, data_dir)
        mirror_file = mirror / s.mirror_path if mirror else None
        if target.is_file() and sha256_of(target) == s.sha256:
            plan.append((s, "cached", None))
        elif mirror_file is not None and mirror_file.is_file():
            plan.append((s, "mirror", mirror_file))
        elif s.download_url and allow_download:
            plan.append((s, "download", None))
        else:
            where = (
                f"put it at {mirror / s.mirror_path}"
                if mirror
                else f"set TOTALPLACE_MIRROR to a folder holding {s.mirror_path}, or put it at {target}"
            )
            missing.append(f"  - {s.mirror_path} [{s.source_id}] not found: {where} (publisher: {s.landing_page})")
    if missing:
        raise PullError(
            f"{len(missing)} source file(s) missing and no download URL to fetch them from "
            f"(mirror: {mirror or 'not set'}):\n" + "\n".join(missing)
        )
    return plan


def _land(s: Source, how: str, mirror_file: Path | None, target: Path, timeout: float, log) -> str | None:
    """Land one planned file; the problem in words, or None when it landed."""
    try:
        if how == "mirror":
            _from_mirror(s, mirror_file, target)
        elif how == "download":
            log(f"downloading {s.source_id} from {s.download_url}")
            _from_url(s, target, timeout)
    except PullError as exc:
        return f"  - {exc}"
    except OSError as exc:  # URLError is an OSError
        if how == "mirror":  # the copy failed here, not a download: say where and why
            return (
                f"  - {s.mirror_path} [{s.source_id}]: could not copy {mirror_file} into {target.parent} "
                f"({exc.strerror or exc}): check that TOTALPLACE_DATA is writable and has room"
            )
        return f"  - {s.mirror_path} [{s.source_id}]: could not fetch {s.download_url}: {exc}"
    return None


def pull(
    sources: list[Source],
    data_dir: Path,
    mirror: Path | None,
    *,
    allow_download: bool = True,
    timeout: float = 60.0,
    log: Callable[[str], None] = lambda _m: None,
) -> list[Landed]:
    """Land every source; raise PullError naming every file that could not be landed."""
    plan = plan_pull(sources, data_dir, mirror, allow_download)
    # a pull killed part-way leaves its temporary copies behind: they are never landed files
    for folder in {landed_path(s, data_dir).parent for s, _h, _m in plan}:
        for leftover in folder.glob(".*.part") if folder.is_dir() else ():
            with contextlib.suppress(OSError):
                leftover.unlink()
    landed: list[Landed] = []
    errors: list[str] = []
    for s, how, mirror_file in plan:
        target = landed_path(s, data_dir)
        problem = _land(s, how, mirror_file, target, timeout, log)
        if problem:
            errors.append(problem)
            continue
        log(f"{s.source_id}: {how} -> {target}")
        landed.append(Landed(s, target, how))
    if errors:
        raise PullError(f"{len(errors)} source file(s) could not be landed:\n" + "\n".join(errors))
    return landed
