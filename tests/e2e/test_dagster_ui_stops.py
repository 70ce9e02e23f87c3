"""`make dagster` (dagster_project/ui.py) stops everything it started when it is sent SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group_members(pgid: int) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pgid=,stat=,args="], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.split()[0] == str(pgid) and not line.split()[1].startswith("Z")]


def test_sigterm_stops_the_ui_daemon_and_code_servers(mirror, tmp_path):
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home"), "TOTALPLACE_WAREHOUSE": str(tmp_path / "w.duckdb")}
    launcher = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.ui", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(1)
        else:
            raise AssertionError("the Dagster UI did not start")
        # the group of `dagster dev`: the webserver, the daemon and the code servers
        dev = int(subprocess.run(["pgrep", "-P", str(launcher.pid)], capture_output=True, text=True).stdout.split()[0])
        assert os.getpgid(dev) == dev and len(_group_members(dev)) >= 3
        launcher.send_signal(signal.SIGTERM)
        out, _ = launcher.communicate(timeout=60)
        assert launcher.returncode == 0 and "stopping the Dagster UI" in out
        assert _group_members(dev) == []
    finally:
        if launcher.poll() is None:
            launcher.kill()
