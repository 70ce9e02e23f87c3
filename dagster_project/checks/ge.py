"""Run a GE 1.x suite on a pandas frame and turn the result into readable failure lines."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

os.environ.setdefault("TQDM_DISABLE", "1")          # GE's metric progress bars
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402
import pandas as pd  # noqa: E402


@dataclass
class GateOutcome:
    suite: str
    success: bool
    evaluated: int
    failures: list[str]
    raw: dict


@lru_cache(maxsize=1)
def _batch_definition():
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


def ensure_context() -> None:
    """GE suites can only be built once a data context exists."""
    _batch_definition()


def run_suite(suite: gx.ExpectationSuite, df: pd.DataFrame, index_column: str | None = None) -> GateOutcome:
    """Validate ``df``; with ``index_column`` every failing row's value of that column is kept in the
    raw result (result_format COMPLETE), so a caller can name each bad row."""
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": df})
    fmt = ({"result_format": "COMPLETE", "unexpected_index_column_names": [index_column]} if index_column
           else "SUMMARY")
    res = batch.validate(suite, result_format=fmt)
    failures = [_describe(r) for r in res.results if not r.success]
    return GateOutcome(suite.name, bool(res.success), len(res.results), failures, res.to_json_dict())
