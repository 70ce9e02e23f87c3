"""The district-outline parser on files the test writes: one row per feature, bad features quarantined."""

from __future__ import annotations

import json

import pytest

from dagster_project.manifest import by_id, load_manifest
from dagster_project.raw.derived import parse_district_outlines
from dagster_project.raw.tabular import SourceFormatError

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def _file(tmp_path, features):
    path = tmp_path / "outlines.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def _feature(name, geometry=SQUARE):
    return {"type": "Feature", "properties": {"name": name, "kind": "LAD"}, "geometry": geometry}


def test_each_feature_is_a_row_with_its_place_in_the_file(tmp_path):
    path = _file(tmp_path, [_feature("Hackney"), _feature("Camden")])
    result = parse_district_outlines(path, by_id(load_manifest())["district_outlines_2024"])
    assert [(r["row_number"], r["name"], r["source_file"]) for r in result.records] == [
        (1, "Hackney", "outlines.geojson"),
        (2, "Camden", "outlines.geojson"),
    ]
    assert json.loads(result.records[0]["geometry"]) == SQUARE and not result.rejected


def test_a_nameless_a_pointlike_and_a_repeated_feature_are_quarantined_naming_the_feature(tmp_path):
    point = {"type": "Point", "coordinates": [0, 0]}
    path = _file(tmp_path, [_feature("Hackney"), _feature(None), _feature("Camden", point), _feature("Hackney")])
    result = parse_district_outlines(path, by_id(load_manifest())["district_outlines_2024"])
    assert [r["name"] for r in result.records] == ["Hackney"]
    problems = {r["row_number"]: r["reason"] for r in result.rejected}
    assert problems[2] == "feature without a name (properties.name)"
    assert problems[3] == "geometry 'Point' is not a Polygon or MultiPolygon"
    assert problems[4] == "duplicated row: name 'Hackney' already at feature 1"


def test_a_file_that_is_not_geojson_names_the_file(tmp_path):
    path = tmp_path / "outlines.geojson"
    path.write_text('{"type": "Topology"}', encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"outlines\.geojson.*expected a GeoJSON FeatureCollection"):
        parse_district_outlines(path, by_id(load_manifest())["district_outlines_2024"])
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"outlines\.geojson.*not valid JSON"):
        parse_district_outlines(path, by_id(load_manifest())["district_outlines_2024"])
