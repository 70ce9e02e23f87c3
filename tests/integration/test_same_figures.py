"""Issue 24: a change meant to alter no figure (the speed work) keeps every one. The snapshot was made from the
real files by scripts/snapshot_warehouse_totals.py on the warehouse built before the change; the session's cold
build must give the same place-year totals, LSOA totals and raw row counts."""

from __future__ import annotations

import gzip
import json
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from snapshot_warehouse_totals import DEFAULT_OUT, snapshot


@pytest.fixture(scope="module")
def before():
    with gzip.open(DEFAULT_OUT, "rt", encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def now(built_warehouse):
    return snapshot(built_warehouse["warehouse"])


def test_every_place_year_total_is_what_it_was(before, now):
    was = {(p, y): t for p, y, t in before["place_years"]}
    is_ = {(p, y): t for p, y, t in now["place_years"]}
    assert len(was) == 5854 and is_.keys() == was.keys()
    moved = {k: (was[k], is_[k]) for k in was if is_[k] != pytest.approx(was[k], rel=1e-9, abs=0.01)}
    assert not moved, f"{len(moved)} place-years moved, e.g. {sorted(moved.items())[:5]}"


def test_every_lsoa_total_and_every_years_lsoa_sum_is_what_it_was(before, now):
    was = dict(before["lsoa_totals"])
    is_ = dict(now["lsoa_totals"])
    assert len(was) == 32_844 and is_.keys() == was.keys()
    moved = {k: (was[k], is_[k]) for k in was if is_[k] != pytest.approx(was[k], rel=1e-9, abs=0.01)}
    assert not moved, f"{len(moved)} LSOAs moved, e.g. {sorted(moved.items())[:5]}"
    assert [[y, n] for y, _, n in now["lsoa_years"]] == [[y, n] for y, _, n in before["lsoa_years"]]
    for (y, t_now, _), (_, t_was, _) in zip(now["lsoa_years"], before["lsoa_years"], strict=True):
        assert t_now == pytest.approx(t_was, rel=1e-9), y


def test_every_raw_table_has_the_rows_it_had(before, now):
    assert now["raw_rows"] == before["raw_rows"]
