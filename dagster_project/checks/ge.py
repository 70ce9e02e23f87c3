"""Run a GE 1.x suite on a pandas frame and turn the result into readable failure lines.

Importing Great Expectations takes about 3 s (measured with ``python -X importtime``), on the path of
every run: the raw gate must pass before dbt may start. `totalplace build` therefore calls
``start_worker()`` first thing, which forks one process that imports GE and makes its context while the
main process imports Dagster and dbt on the other core; every suite of that build is then validated in
that process (the frame goes over a pipe, the result comes back as a plain dict). Without a worker
(the Dagster UI, tests calling ``materialize()``) suites run in-process, the same code.

A suite is named by its builder (a module-level function of ``expectations/``) and the builder's
arguments, so the expectation modules themselves never import GE until a suite is built.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

os.environ.setdefault("TQDM_DISABLE", "1")  # GE's metric progress bars
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class GateOutcome:
    suite: str
    success: bool
    evaluated: int
    failures: list[str]
    raw: dict
    checked: list[str] = field(default_factory=list)  # what each expectation checks, in words


class GateWorkerError(RuntimeError):
    """The validation process failed or went away; the message carries its traceback."""


@lru_cache(maxsize=1)
def _batch_definition():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    ds = ctx.data_sources.add_pandas("totalplace")
    return ds.add_dataframe_asset("frame").add_batch_definition_whole_dataframe("whole")


def _describe(r) -> str:
    cfg = r.expectation_config
    kw = {k: v for k, v in cfg.kwargs.items() if k not in ("batch_id",)}
    res = r.result or {}
    bits = [cfg.type]
    if "column" in kw:
        bits.append(f"column {kw['column']!r}")
    if "column_list" in kw:
        bits.append(f"columns {kw['column_list']}")
    if "regex" in kw:
        bits.append(f"to match {kw['regex']!r}")
    if res.get("unexpected_count"):
        bits.append(f"{res['unexpected_count']} unexpected value(s), e.g. {res.get('partial_unexpected_list', [])[:5]}")
    elif "observed_value" in res:
        bits.append(f"observed {res['observed_value']!r}")
    if r.exception_info and r.exception_info.get("raised_exception"):
        bits.append(f"error: {r.exception_info.get('exception_message')}")
    return ": ".join(bits[:1]) + " " + ", ".join(bits[1:])


WHAT = {
    "expect_column_to_exist": "column {column} exists",
    "expect_column_values_to_not_be_null": "{column} is never empty",
    "expect_column_values_to_be_unique": "{column} is unique",
    "expect_compound_columns_to_be_unique": "one row per {column_list}",
    "expect_column_values_to_match_regex": "{column} matches {regex}",
    "expect_column_values_to_be_in_set": "{column} is one of {value_set}",
    "expect_column_values_to_be_between": "{column} is between {min_value} and {max_value}",
    "expect_column_pair_values_a_to_be_greater_than_b": "{column_A} >= {column_B}",
}


def _what(r) -> str:
    """What one expectation checks, in words (for the auditors' gates page)."""
    cfg = r.expectation_config
    kw = {k: v for k, v in cfg.kwargs.items() if k != "batch_id"}
    template = WHAT.get(cfg.type)
    try:
        return (
            template.format(
                **{
                    k: kw.get(k)
                    for k in (
                        "column",
                        "column_list",
                        "regex",
                        "value_set",
                        "min_value",
                        "max_value",
                        "column_A",
                        "column_B",
                    )
                }
            )
            if template
            else cfg.type
        )
    except (KeyError, IndexError):
        return cfg.type


def _validate(build: Callable, args: tuple, df: pd.DataFrame, index_column: str | None) -> GateOutcome:
    """Build the suite (a GE context must exist first) and validate ``df`` against it, in this process."""
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": df})
    suite = build(*args)
    fmt = {"result_format": "COMPLETE", "unexpected_index_column_names": [index_column]} if index_column else "SUMMARY"
    res = batch.validate(suite, result_format=fmt)
    failures = [_describe(r) for r in res.results if not r.success]
    return GateOutcome(
        suite.name, bool(res.success), len(res.results), failures, res.to_json_dict(), [_what(r) for r in res.results]
    )


# --- the validation process -------------------------------------------------------------------------

_worker: tuple[Any, Any] | None = None  # (process, connection)
_worker_lock = threading.Lock()


def _serve(conn, parent_end) -> None:
    import signal

    parent_end.close()  # so the pipe reads EOF when the parent goes away
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle; this process then sees EOF
    with contextlib.suppress(Exception):  # reported with the first request instead
        _batch_definition()  # import GE and make the context now, while nobody waits
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            conn.send(("ok", _validate(*request)))
        except BaseException as exc:
            import traceback

            conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))


def start_worker() -> bool:
    """Fork the validation process (call before any thread exists: fork copies only the calling thread).
    Returns False where fork is unavailable; suites then run in-process."""
    global _worker
    import multiprocessing

    if _worker is not None:
        return True
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(child_end, parent_end), name="totalplace-ge", daemon=True)
    process.start()
    child_end.close()
    _worker = (process, parent_end)
    atexit.register(stop_worker)
    return True


def stop_worker() -> None:
    global _worker
    if _worker is None:
        return
    process, conn = _worker
    _worker = None
    try:
        conn.send(None)
        conn.close()
    except OSError:
        pass
    process.join(timeout=5)
    if process.is_alive():
        process.terminate()


def frame(con, sql: str, params: list | None = None) -> pd.DataFrame:
    """A DuckDB query's rows as the frame a GE suite reads: fetched as Arrow, text columns as pandas categoricals.
    The values, and so every expectation's result, are those of ``.df()``; for CRA's 1.25 million raw rows it is
    built about five times faster and pickled to the GE worker about fifty times faster (51 MB against 697 MB)."""
    rows = con.execute(sql) if params is None else con.execute(sql, params)
    return rows.to_arrow_table().to_pandas(strings_to_categorical=True)


def run_suite(build: Callable, args: tuple, df: pd.DataFrame, index_column: str | None = None) -> GateOutcome:
    """Validate ``df`` against the suite ``build(*args)``; with ``index_column`` every failing row's value
    of that column is kept in the raw result (result_format COMPLETE), so a caller can name each bad row."""
    if _worker is None:
        return _validate(build, args, df, index_column)
    with _worker_lock:  # one request at a time over the one pipe
        process, conn = _worker
        try:
            conn.send((build, args, df, index_column))
            status, payload = conn.recv()
        except (EOFError, OSError) as exc:
            raise GateWorkerError(f"the Great Expectations process (pid {process.pid}) went away: {exc}") from exc
    if status != "ok":
        raise GateWorkerError(f"validating with {getattr(build, '__qualname__', build)} failed: {payload}")
    return payload
