"""One build at a time: an OS-level lock held for the whole of `totalplace build`.

The lock is ``flock`` on a small file beside the published warehouse, so it is released by the
operating system whenever the build ends, however it ends (a clean exit, an exception, Ctrl-C or
``kill -9``): a stale lock cannot block the next build. The file names the build holding it (process,
start time, command), so a second build says who it is waiting for.

Every Dagster run of the build job takes the lock (the run's ``totalplace`` resource, resources.py),
whether `totalplace build`, the Dagster UI, a backfill or a sensor started it. `totalplace build` takes
it before it starts the run, so it can refuse at once; the lock is re-entrant within one process, so
the run it then executes holds it already.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path


class BuildLocked(RuntimeError):
    pass


_HELD: dict[Path, int] = {}  # lock files this process holds, with how many nested holders


def lock_path(warehouse: Path) -> Path:
    return warehouse.parent / f".{warehouse.stem}.build.lock"


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "a build whose details are not recorded"


@contextlib.contextmanager
def build_lock(
    warehouse: Path,
    *,
    wait: bool = False,
    poll: float = 1.0,
    who: str | None = None,
    say=lambda m: print(m, file=sys.stderr, flush=True),
) -> Iterator[None]:
    """Hold the build lock of ``warehouse`` for the block. Another build holding it: raise BuildLocked
    naming it, or with ``wait`` wait for it (saying so once). ``who`` describes this build to others
    (default: the command line)."""
    path = lock_path(warehouse).resolve()
    if _HELD.get(path):
        _HELD[path] += 1  # this process holds it already (`totalplace build` running its Dagster run)
        try:
            yield
        finally:
            _HELD[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    held = False
    try:
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(path)
                if not wait:
                    raise BuildLocked(
                        f"another build is running ({holder}); it publishes {warehouse} when it ends. "
                        "Wait for it, or run this build with --wait to start when it ends"
                    ) from None
                if not told:
                    say(f"  waiting for the running build to end ({holder})")
                    told = True
                time.sleep(poll)
        held = True
        os.ftruncate(fd, 0)
        who = who or " ".join(sys.argv[:1] and [Path(sys.argv[0]).name] + sys.argv[1:])
        os.pwrite(
            fd,
            (f"process {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC: {who}\n").encode(),
            0,
        )
        _HELD[path] = 1
        yield
    finally:
        _HELD.pop(path, None)
        if held:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
        os.close(fd)  # closing releases the flock


def stop_orphans(work: Path, say=lambda m: print(m, file=sys.stderr, flush=True)) -> int:
    """Processes left running by a killed build (dbt, whose command line names the working file in its
    --vars) are stopped before a new build uses the same file. Called while holding the build lock, so no
    live build owns them. Linux (/proc); elsewhere nothing is done. Returns how many were stopped."""
    import signal

    marker = f"TOTALPLACE_WAREHOUSE={work}".encode()
    named = str(work).encode()
    stopped = 0
    proc = Path("/proc")
    if not proc.is_dir():
        return 0
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) in (os.getpid(), os.getppid()):
            continue
        try:
            environ = (entry / "environ").read_bytes()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker + b"\0" in environ + b"\0" or (b"dbt" in cmdline and named in cmdline):
            with contextlib.suppress(OSError):
                os.kill(int(entry.name), signal.SIGKILL)
                stopped += 1
    if stopped:
        say(f"  stopped {stopped} process(es) left running by a killed build (they were writing {work.name})")
    return stopped
