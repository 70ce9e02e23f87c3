"""A raw table's files parsed on every core.

The big tables are many files (raw.cra: eleven CRA vintages, 1.25 million rows; raw.revenue_outturn_rs:
fifteen years of RS returns). Parsed one after another in the step's own process they took most of a cold
build's raw layer and, held as Python dicts until the table was written, most of its memory. Here each file
is parsed in a worker process of its own (``TOTALPLACE_PARSE_WORKERS`` at a time, default: the machine's
cores); the worker types its rows as the raw table declares them and writes them to a Parquet file, and
only those files' names, the quarantined rows and the per-file stats come back. ``write_raw_table`` then
loads the Parquet files with DuckDB: the step's own process never holds the rows.

A table of one file, or of small files, is parsed in the step's process as before (a worker costs about a
second to start). Either way the parser, the rows, the quarantine and the stats are the same.
"""

from __future__ import annotations

import gc
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from ..manifest import Source
from ..settings import parse_workers
from ..warehouse import declared_types, frame
from .parsers import PARSERS
from .tabular import ParseResult

# below this much input a table is parsed in the step's own process
POOL_MIN_BYTES = 8_000_000


def parse_to_parquet(table: str, path: Path, source: Source, out: Path) -> ParseResult:
    """One file parsed (in a worker): its rows typed as raw.<table> declares them and written to ``out``;
    the result keeps the quarantine, the stats and the Parquet file's name, not the rows."""
    gc.disable()  # a file's rows are a few hundred thousand dicts with no cycles: collecting them is wasted
    try:
        part = PARSERS[table](path, source)
        if part.records:
            frame(part.records, declared_types().get(table, {})).to_parquet(out, index=False)
            part.parts, part.part_rows, part.records = [str(out)], len(part.records), []
        return part
    finally:
        gc.enable()


def share(sizes: list[int], workers: int) -> list[list[int]]:
    """The files' indexes dealt to ``workers`` by size, biggest first, each to the least loaded worker."""
    loads = [0] * workers
    shares: list[list[int]] = [[] for _ in range(workers)]
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        w = loads.index(min(loads))
        shares[w].append(i)
        loads[w] += sizes[i]
    return [sorted(s) for s in shares if s]


def parse_files(
    table: str,
    files: list[tuple[Path, Source]],
    workdir: Path | None = None,
    log: Callable[[str], None] | None = None,
) -> ParseResult:
    """Every file of ``table`` parsed, in file order. With ``workdir`` (where the Parquet files go, the
    caller removes it) and more than one file of at least POOL_MIN_BYTES together, in worker processes."""
    workers = min(parse_workers(), len(files))
    sizes = [p.stat().st_size for p, _ in files]
    size = sum(sizes)
    result = ParseResult()
    if workdir is None or workers < 2 or size < POOL_MIN_BYTES:
        for path, source in files:
            result.extend(PARSERS[table](path, source))
        return result
    if log:
        log(f"raw.{table}: parsing {len(files)} files ({size / 1e6:.0f} MB) in {workers} worker processes")
    # Each worker is `python -m dagster_project.raw.parse_pool` (not multiprocessing: its spawn re-imports the
    # caller's main script, its fork copies the step's threads mid-flight); jobs in and results out are pickles.
    running = []
    for w, indexes in enumerate(share(sizes, workers)):
        jobs = workdir / f"worker-{w}.jobs"
        jobs.write_bytes(
            pickle.dumps([(i, table, files[i][0], files[i][1], workdir / f"{i:03d}.parquet") for i in indexes])
        )
        with open(workdir / f"worker-{w}.log", "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "dagster_project.raw.parse_pool", str(jobs)], stdout=err, stderr=err
            )
        running.append((w, indexes, proc))
    parts: dict[int, ParseResult | BaseException] = {}
    for w, indexes, proc in running:
        proc.wait()
        done = workdir / f"worker-{w}.jobs.done"
        if proc.returncode != 0 or not done.exists():
            tail = (workdir / f"worker-{w}.log").read_text(errors="replace")[-3000:]
            names = ", ".join(files[i][1].file_name for i in indexes)
            raise RuntimeError(
                f"raw.{table}: the worker parsing {names} stopped (exit code {proc.returncode}):\n{tail}"
            )
        parts.update(pickle.loads(done.read_bytes()))
        if log:
            rows = sum(p.part_rows for i in indexes if isinstance(p := parts[i], ParseResult))
            log(f"raw.{table}: worker {w + 1} parsed {len(indexes)} files, {rows:,} rows")
    for i in range(len(files)):
        part = parts[i]
        if isinstance(part, BaseException):
            raise part  # a parser's error (which file, sheet, row, column) as the worker raised it
        result.extend(part)
    return result


def work(jobs: Path) -> None:
    """A worker: parse each job's file, then write {index: result or the error raised} beside the jobs."""
    out: dict[int, ParseResult | BaseException] = {}
    for i, table, path, source, parquet in pickle.loads(jobs.read_bytes()):
        try:
            out[i] = parse_to_parquet(table, path, source, parquet)
        except Exception as exc:  # handed back whole and raised by the step
            try:
                pickle.dumps(exc)
            except Exception:  # an error that cannot travel is sent back as its words
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            out[i] = exc
            break  # the step stops at the first file in error, as a serial parse would
    done = jobs.with_name(jobs.name + ".done")
    done.with_suffix(".tmp").write_bytes(pickle.dumps(out))
    done.with_suffix(".tmp").rename(done)


if __name__ == "__main__":
    work(Path(sys.argv[1]))
