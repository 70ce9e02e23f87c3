"""`totalplace build` validates its GE suites in a forked process that imported Great Expectations while
the build loaded Dagster: the verdicts must be the ones the in-process path gives, and a broken suite
must fail loudly, not pass."""

import pandas as pd
import pytest

from dagster_project.checks import ge
from expectations.raw import SUITES, rows_per_file_suite


def _broken_suite():
    raise ValueError("no such expectation for column 'valeu'")


@pytest.fixture
def worker():
    assert ge.start_worker()
    process = ge._worker[0]
    yield process
    ge.stop_worker()


def _counts(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "source_id": "rs_2016_17",
                "source_file": "RS_2016-17_data_by_LA.xlsx",
                "data_rows": 444,
                "min_rows": 380,
                "max_rows": 520,
            },
            {
                "source_id": "rs_2017_18",
                "source_file": "RS_2017-18_data_by_LA.xlsx",
                "data_rows": rows,
                "min_rows": 380,
                "max_rows": 520,
            },
        ]
    )


def test_worker_gives_the_in_process_verdicts(worker):
    spec = SUITES["revenue_outturn_rs"]
    good = ge.run_suite(rows_per_file_suite, (spec,), _counts(450))
    bad = ge.run_suite(rows_per_file_suite, (spec,), _counts(12))
    assert worker.is_alive() and worker.pid != __import__("os").getpid()
    assert good.success and good.evaluated == 2 and good.failures == []
    assert not bad.success
    assert len(bad.failures) == 1 and "column_pair_values_a_to_be_greater_than_b" in bad.failures[0]
    assert "1 unexpected value(s)" in bad.failures[0]

    ge.stop_worker()
    assert not worker.is_alive()
    in_process = ge.run_suite(rows_per_file_suite, (spec,), _counts(12))
    assert (in_process.success, in_process.evaluated, in_process.failures) == (bad.success, bad.evaluated, bad.failures)


def test_a_suite_that_cannot_be_built_raises_with_its_cause(worker):
    with pytest.raises(
        ge.GateWorkerError, match=r"_broken_suite failed: ValueError: no such expectation for column 'valeu'"
    ):
        ge.run_suite(_broken_suite, (), _counts(450))
    # the worker survives a failed request and serves the next one
    assert ge.run_suite(rows_per_file_suite, (SUITES["revenue_outturn_rs"],), _counts(450)).success
