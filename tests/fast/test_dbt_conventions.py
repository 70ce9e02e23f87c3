"""`make conventions`: dbt-project-evaluator's rules on the parsed project. Clean on the project as it
is, and each rule fires on a mutated manifest. Needs `dbt parse` only (fast tier)."""

from __future__ import annotations

import copy

import pytest

from dagster_project import dbt_conventions as dc


@pytest.fixture(scope="module")
def manifest():
    return dc.parse_manifest()


def rules(manifest) -> set[tuple[str, str]]:
    return {(v.rule, v.resource) for v in dc.check(manifest)}


def test_the_project_is_clean_and_every_exception_is_used(manifest):
    left, excepted, stale = dc.split(dc.check(manifest), dc.load_exceptions())
    assert left == [] and stale == []
    assert all(e.comment for _, e in excepted)


def test_an_intermediate_model_reading_a_mart_is_caught(manifest):
    m = copy.deepcopy(manifest)
    m["parent_map"]["model.totalplace.int_district_spend_summarised"].append("model.totalplace.fct_place_spend")
    assert ("fct_intermediate_dependent_on_marts", "int_district_spend_summarised") in rules(m)


def test_a_mart_reading_a_source_and_an_unused_source_are_caught(manifest):
    m = copy.deepcopy(manifest)
    cofog = "source.totalplace.un.cofog"
    m["parent_map"]["model.totalplace.dim_cofog"].append(cofog)
    found = rules(m)
    assert ("fct_marts_or_intermediate_dependent_on_source", "dim_cofog") in found
    m2 = copy.deepcopy(manifest)
    m2["child_map"][cofog] = []
    assert ("fct_unused_sources", "un.cofog") in rules(m2)


def test_an_undocumented_model_without_a_key_test_is_caught(manifest):
    m = copy.deepcopy(manifest)
    uid = "model.totalplace.dim_cofog"
    m["nodes"][uid]["description"] = ""
    m["nodes"] = {
        k: v for k, v in m["nodes"].items() if not (v["resource_type"] == "test" and v.get("attached_node") == uid)
    }
    found = rules(m)
    assert ("fct_undocumented_models", "dim_cofog") in found and ("fct_missing_primary_key_tests", "dim_cofog") in found


def test_an_exception_without_a_reason_or_matching_nothing_is_refused(tmp_path, manifest):
    bad = tmp_path / "exceptions.csv"
    bad.write_text("fct_name,column_name,id_to_exclude,comment\nfct_root_models,child,dim_cofog,\n")
    with pytest.raises(ValueError, match="row 2: an exception without a comment"):
        dc.load_exceptions(bad)
    stale = dc.Exception_("fct_root_models", "child", "no_such_model", "kept by mistake")
    assert dc.split(dc.check(manifest), [stale])[2] == [stale]
