"""Reading a partner's workbook in a child process with a memory and time budget.

A return comes from outside the project: a small file can still ask the reader for an absurd amount
of memory (a sheet whose cells reach XFD1048576 is a 549 GB grid to python-calamine, which aborts the
whole process) or time. So the workbook is read in a separate process with its address space and
wall time bounded; whatever goes wrong there is that file's problem, said in words, and the build
goes on. This module imports only what the child needs, so starting it costs a fraction of a second.
"""

from __future__ import annotations

import re
import resource
import zipfile
from pathlib import Path

MEMORY_BUDGET = 2 * 2**30  # bytes of address space the reading process may use
TIME_BUDGET = 60  # seconds
MAX_SHEET_ROWS = 5_000
MAX_SHEET_COLUMNS = 100
SKIPPED_SHEETS = ("instructions", "index", "lists")
CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"')


def _col_letters(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_members(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML member in an xlsx."""
    names = z.namelist()
    book = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = (
        z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace") if "xl/_rels/workbook.xml.rels" in names else ""
    )
    targets = {}
    for tag in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'Id="([^"]+)"', tag), re.search(r'Target="([^"]+)"', tag)
        if rid and target:
            targets[rid.group(1)] = "xl/" + target.group(1).lstrip("/").removeprefix("xl/")
    members = {}
    for tag in re.findall(r"<sheet\b[^>]*>", book):
        name, rid = re.search(r'name="([^"]+)"', tag), re.search(r'r:id="([^"]+)"', tag)
        if name and rid and targets.get(rid.group(1)) in names:
            members[name.group(1).replace("&amp;", "&").replace("&apos;", "'")] = targets[rid.group(1)]
    return members


def xlsx_scan(path: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Without building any grid: the cells holding a formula per sheet, and every sheet whose cells
    reach beyond the bounds of a return (problems, in words)."""
    formulas: dict[str, list[str]] = {}
    problems: list[str] = []
    with zipfile.ZipFile(path) as z:
        for name, member in _sheet_members(z).items():
            xml = z.read(member)
            rows = cols = 0
            for col, row in CELL.findall(xml):
                rows, cols = max(rows, int(row)), max(cols, _col_number(col))
            if rows > MAX_SHEET_ROWS or cols > MAX_SHEET_COLUMNS:
                problems.append(
                    f"{path.name}, sheet '{name}': its cells reach row {rows:,} and column {_col_letters(cols)}, "
                    f"beyond the {MAX_SHEET_ROWS:,} rows and {MAX_SHEET_COLUMNS} columns a return sheet may have"
                )
            if name.strip().lower() in SKIPPED_SHEETS:
                continue
            cells = [
                m.decode()
                for m in re.findall(rb'<c r="([A-Z]+\d+)"[^>]*>(?:(?!</c>).){0,200}?<f[\s>/]', xml, flags=re.S)
            ]
            if cells:
                formulas[name] = cells
    return formulas, problems


def _read(path: str) -> dict[str, list[list]]:
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(path)
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}


def main(path: str) -> int:
    """The child: bound its own memory, read, and write the sheets (pickled) to stdout."""
    import pickle
    import sys

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BUDGET, MEMORY_BUDGET))
    try:
        payload = ("ok", _read(path))
    except BaseException as exc:
        payload = ("error", f"{type(exc).__name__}: {exc}")
    sys.stdout.buffer.write(pickle.dumps(payload))
    return 0


def read_bounded(path: Path) -> tuple[dict[str, list[list]] | None, str | None]:
    """Every sheet's rows, or None and why the file could not be read within the budget."""
    import pickle
    import subprocess
    import sys

    try:
        proc = subprocess.run(
            [sys.executable, "-m", "dagster_project.returns.readbook", str(path)],
            capture_output=True,
            timeout=TIME_BUDGET,
        )
    except subprocess.TimeoutExpired:
        return None, f"could not be read within {TIME_BUDGET} s"
    if proc.returncode != 0 or not proc.stdout:
        return None, (
            f"could not be read within {MEMORY_BUDGET // 2**30} GB of memory and {TIME_BUDGET} s (the "
            f"reader stopped with exit code {proc.returncode})"
        )
    status, payload = pickle.loads(proc.stdout)
    return (payload, None) if status == "ok" else (None, f"cannot be read as a workbook ({payload})")


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1]))
