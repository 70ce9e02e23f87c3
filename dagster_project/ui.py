"""`make dagster`: the Dagster UI and daemon (`dagster dev`) on the project's instance, stopped whole.

`dagster dev` starts a webserver, a daemon and code servers. Stopped by SIGTERM (what `make` sends its
recipe when it is itself terminated, what `kill` and service managers send), it leaves them running;
and a job started in the background ignores SIGINT. So this launcher runs `dagster dev` in a process
group of its own and, on SIGTERM, SIGINT or SIGHUP, stops the whole group: SIGINT first (dagster dev's own
clean shutdown), then SIGTERM, then SIGKILL for whatever is left after the grace period.

    python -m dagster_project.ui -h 127.0.0.1 -p 3000
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_S = 10.0


def _alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def stop_group(pgid: int, grace: float = GRACE_S) -> None:
    """SIGINT, then SIGTERM, then SIGKILL to every process of the group, until none is left."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace / 2
        while time.monotonic() < deadline:
            if not _alive(pgid):
                return
            time.sleep(0.2)


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def main(argv: list[str]) -> int:
    from .instance import ensure_home
    from .settings import Settings

    home = ensure_home(Settings.from_env().dagster_home)
    dagster = Path(sys.executable).with_name("dagster")
    # this virtualenv's bin first: the code server finds this dbt (dagster-dbt looks it up on PATH)
    env = {**os.environ, "DAGSTER_HOME": str(home), "PATH": f"{dagster.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    cmd = [str(dagster), "dev", "-m", "dagster_project.definitions", *argv]
    # a new session: the group is dagster dev and everything it starts, and nothing else
    child = subprocess.Popen(cmd, env=env, start_new_session=True)
    asked: list[float] = []  # when a stop was asked for

    def on_signal(signum, _frame):
        if not asked:
            asked.append(time.monotonic())
            print(f"\nstopping the Dagster UI, daemon and code servers ({signal.Signals(signum).name})", flush=True)
            _signal_group(child.pid, signal.SIGINT)  # dagster dev's own clean shutdown first

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    escalated = 0
    while (rc := child.poll()) is None:
        if asked and escalated < 2 and time.monotonic() - asked[0] > GRACE_S * (escalated + 1) / 2:
            escalated += 1
            _signal_group(child.pid, signal.SIGTERM if escalated == 1 else signal.SIGKILL)
        time.sleep(0.2)
    if _alive(child.pid):  # dagster dev has ended: whatever it started goes with it
        stop_group(child.pid)
    return 0 if asked else rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
