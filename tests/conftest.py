"""Shared fixtures: the real mirror (../shared/raw by default) and temporary warehouses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.manifest import by_id, load_manifest

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("TOTALPLACE_MIRROR") or ROOT.parent / "shared" / "raw").resolve()
# Place-years of marts.place_totals on the real files, 2008-09 to 2024-25: the 296 districts of April
# 2023 (285 unchanged since 2018, 11 made by the 2019-2023 reorganisations) and the 17 named pilots in
# all 17 years (5,321), and the 41 districts merged since 2018 in the 533 years they existed.
PLACE_YEARS = (296 + 17) * 17 + 533


@pytest.fixture(scope="session", autouse=True)
def own_dagster_home(tmp_path_factory):
    """Runs started by the tests are recorded in a Dagster instance of their own, never in the
    project's .dagster_home (what `make dagster` shows)."""
    home = tmp_path_factory.mktemp("dagster_home")
    before = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    yield home
    if before is None:
        os.environ.pop("DAGSTER_HOME", None)
    else:
        os.environ["DAGSTER_HOME"] = before


@pytest.fixture(scope="session")
def mirror() -> Path:
    if not (MIRROR / "SHA256SUMS").exists():
        pytest.fail(f"the real mirror is not at {MIRROR}: set TOTALPLACE_MIRROR (CI uses ../shared/raw)")
    return MIRROR


@pytest.fixture(scope="session")
def manifest():
    return by_id(load_manifest())


@pytest.fixture(scope="session")
def real(mirror, manifest):
    """(source, path) of a manifest file in the real mirror."""

    def get(source_id: str):
        s = manifest[source_id]
        return s, mirror / s.mirror_path

    return get


def ods_with_text_replaced(src: Path, dst: Path, old: str, new: str) -> None:
    """A copy of an ODS workbook with every cell reading ``old`` reading ``new``. An ODS is a zip of XML: the
    copy rewrites content.xml and keeps every other member as it is (mimetype first and stored)."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "content.xml":
                data = data.replace(f"<text:p>{old}</text:p>".encode(), f"<text:p>{new}</text:p>".encode())
            zout.writestr(item, data)


def academies_body_sheet():
    """A workbook with one body sheet as the template lays it out (Hackney 2016-17, Academies): the
    labels above the table, the table's header in row 8; the caller fills the lines from row 9."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "001 Academies"
    meta = [
        ("Place", "E09000012"),
        ("Financial year", "2016-17"),
        ("Sector", "CG"),
        ("Department", "Department for Education"),
        ("Body", "Academies"),
    ]
    for r, (label, value) in enumerate(meta, start=2):
        ws.cell(r, 1, label), ws.cell(r, 2, value)
    header = [
        "COFOG division",
        "Function",
        "Current estimate (£)",
        "Method",
        "Your figure (£)",
        "Funding source",
        "Note",
    ]
    for c, h in enumerate(header, start=1):
        ws.cell(8, c, h)
    return wb, ws


def run_cli(args: list[str], env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "totalplace"
    full_env = {**os.environ, **env, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    return subprocess.run([str(exe), *args], env=full_env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def run_dbt(args: list[str], warehouse: Path, target: Path, years: str | None = None) -> subprocess.CompletedProcess:
    """The project's dbt against ``warehouse`` (its own target folder); ``years`` passed as a one-year run
    passes them (--vars, as dagster_project/transform.py does)."""
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ, "TOTALPLACE_WAREHOUSE": str(warehouse)}
    variables = ["--vars", json.dumps({"warehouse": str(warehouse), "years": years.split(",") if years else []})]
    return subprocess.run(
        [
            str(dbt),
            *args,
            *variables,
            "--project-dir",
            str(ROOT / "dbt"),
            "--profiles-dir",
            str(ROOT / "dbt"),
            "--target-path",
            str(target),
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT / "dbt",
        timeout=600,
    )


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory, mirror, worker_id):
    """A cold `totalplace build` of everything on the real files into a temporary warehouse. Under
    pytest-xdist (`make test-real` runs two workers) the workers share one build: the first to need it
    builds it under a file lock, the others wait and read what it wrote. Tests that build over it work
    on their own copy (``published_copy``), so the shared warehouse never changes under a reader."""
    if worker_id == "master":
        return _build_warehouse(tmp_path_factory.mktemp("build"), mirror)
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent / "shared_build"
    with FileLock(str(shared) + ".lock"):
        done = shared / "build.json"
        if not done.exists():
            shared.mkdir(exist_ok=True)
            try:
                built = _build_warehouse(shared, mirror)
            except BaseException as exc:
                done.write_text(json.dumps({"failed": str(exc)[-8000:]}))
                raise
            done.write_text(json.dumps({**built, "warehouse": str(built["warehouse"]), "base": str(shared)}))
    built = json.loads(done.read_text())
    if "failed" in built:
        pytest.fail(f"the shared session build failed in another worker:\n{built['failed']}")
    return {**built, "warehouse": Path(built["warehouse"]), "base": Path(built["base"])}


def _build_warehouse(base: Path, mirror: Path) -> dict:
    env = {
        "TOTALPLACE_MIRROR": str(mirror),
        "TOTALPLACE_DATA": str(base / "data"),
        "TOTALPLACE_WAREHOUSE": str(base / "warehouse" / "totalplace.duckdb"),
        "DAGSTER_HOME": str(base / "dagster_home"),
    }
    reuse = os.environ.get("TOTALPLACE_TEST_WAREHOUSE")
    if reuse:
        # a developer's shortcut (never set by make test or CI): a warehouse already built from this tree,
        # copied in, instead of a cold build; the tests on the build's own log need the real build
        Path(env["TOTALPLACE_WAREHOUSE"]).parent.mkdir(parents=True)
        shutil.copyfile(reuse, env["TOTALPLACE_WAREHOUSE"])
        return {"env": env, "warehouse": Path(env["TOTALPLACE_WAREHOUSE"]), "stdout": "", "base": base}
    # the build starts where a disk that filled up, or a copy cut short, leaves a user: an empty file where the
    # warehouse should be. A build of everything replaces it (test_reliability asserts it on this build).
    damaged = Path(env["TOTALPLACE_WAREHOUSE"])
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"")
    proc = run_cli(["build"], env)
    assert proc.returncode == 0, f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    return {
        "env": env,
        "warehouse": damaged,
        "stdout": proc.stdout,
        "stderr": proc.stderr,
        "base": base,
        "over_damaged": True,
    }


def published_copy(built_warehouse, base: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the built warehouse published under ``base`` (so a test may build over it) and the
    environment that points the CLI at it."""
    published = base / "warehouse" / "totalplace.duckdb"
    published.parent.mkdir(parents=True)
    shutil.copyfile(built_warehouse["warehouse"], published)
    return published, {
        **built_warehouse["env"],
        "TOTALPLACE_WAREHOUSE": str(published),
        "DAGSTER_HOME": str(base / "dagster_home"),
    }


@pytest.fixture(scope="module")
def con(built_warehouse):
    """A read-only session on the warehouse built from the real files (as an analyst would open it)."""
    import duckdb

    c = duckdb.connect(str(built_warehouse["warehouse"]), read_only=True)
    yield c
    c.close()


# Seconds each test file took in a whole run of the tiers (setup, call and teardown of its tests), written by
# `make test-durations`. Under pytest-xdist the files are handed out in this order, longest first, so that no
# worker starts a long file near the end while the other has nothing left; new files go last.
DURATIONS = ROOT / "tests" / "durations.json"


def pytest_collection_modifyitems(config, items):
    """A test that reads the real files (the `mirror` fixture, directly or through `real`,
    `built_warehouse` or `con`) is in the real-data tier: `make test-fast` runs the others
    (`-m "not realdata"`), with no mirror and no full build. The files run longest first (DURATIONS)."""
    for item in items:
        if "mirror" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.realdata)
    if DURATIONS.exists():
        seconds = json.loads(DURATIONS.read_text())
        order = {}
        for item in items:
            order.setdefault(item.nodeid.split("::")[0], len(order))
        # stable: the tests of a file keep their order, files of equal (or unknown) length their collection order
        items.sort(key=lambda item: (-seconds.get(item.nodeid.split("::")[0], 0.0), order[item.nodeid.split("::")[0]]))


_durations: dict[str, float] = {}


def pytest_runtest_logreport(report):
    _durations[report.nodeid.split("::")[0]] = _durations.get(report.nodeid.split("::")[0], 0.0) + report.duration


def pytest_sessionfinish(session):
    """TOTALPLACE_TEST_DURATIONS=<file>: the seconds of each test file of this run merged into that file (the
    controller's, under xdist, which sees every worker's reports)."""
    out = os.environ.get("TOTALPLACE_TEST_DURATIONS")
    if not out or hasattr(session.config, "workerinput") or not _durations:
        return
    path = Path(out)
    known = json.loads(path.read_text()) if path.exists() else {}
    known.update({k: round(v, 1) for k, v in _durations.items()})
    path.write_text(json.dumps(dict(sorted(known.items(), key=lambda kv: -kv[1])), indent=1) + "\n")
