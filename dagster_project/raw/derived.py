"""Third-party derived files -> raw.derived_revenue_outturn.

``council_spending.json`` (arcadesproject/council-spending-visualiser) is NOT a publisher's file: a
renamed subset of MHCLG's revenue outturn time series, one object per authority and year ending
(``year_ending`` 201803 = 2017-18), with the net current expenditure of 13 services and their
``Total`` in GBP thousand. It is the only source here for 2018-19 to 2020-21. Every row keeps the
manifest's ``origin`` (``third_party_derived``) so what is built on it can say so.

One output row per object and service; ``row_number`` is the object's 1-based position in the JSON
array (the "row" of the file). A total that is null marks an authority without a return that year
(``return_status = 'not_submitted'``). A repeated (year, authority) is an error naming both rows: the
file is an export of a database, so a repeat means the export is broken, and which copy is right
cannot be told.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..manifest import Source
from .tabular import NotANumber, ParseResult, SourceFormatError, to_number, to_text

ID_KEYS = ("year_ending", "ONS_code", "LA_name")
SERVICES = (
    "Education",
    "Highways_Transport",
    "Children_Social_Care",
    "Adult_Social_Care",
    "Public_Health",
    "Housing",
    "Culture",
    "Environment",
    "Planning",
    "Police",
    "Fire_Rescue",
    "Central_Services",
    "Other",
    "Total",
)
YEAR_ENDING = re.compile(r"^(\d{4})03$")


def _financial_year(year_ending: object) -> str | None:
    m = YEAR_ENDING.match(str(year_ending).strip())
    if not m:
        return None
    end = int(m.group(1))
    return f"{end - 1}-{str(end)[2:]}"


def _load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", file=path.name, row=exc.lineno
        ) from None


def parse_council_spending(path: Path, source: Source) -> ParseResult:
    result = ParseResult()
    data = _load_json(path)
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        raise SourceFormatError("expected a JSON array of objects (one per authority and year)", file=path.name)
    missing = [k for k in (*ID_KEYS, *SERVICES) if k not in data[0]]
    if missing:
        raise SourceFormatError(
            f"the first object lacks the keys {missing}; it has {sorted(data[0])}", file=path.name, row=1
        )
    seen: dict[tuple[str, str], int] = {}
    kept = 0
    for rn, obj in enumerate(data, start=1):
        year = _financial_year(obj.get("year_ending"))
        code = to_text(obj.get("ONS_code"))
        if year is None or code is None:
            result.reject(
                source_id=source.source_id,
                source_file=path.name,
                sheet=None,
                row_number=rn,
                column="year_ending" if year is None else "ONS_code",
                value=obj.get("year_ending") if year is None else code,
                reason="year_ending is not YYYY03" if year is None else "ONS_code is empty",
            )
            continue
        if (year, code) in seen:
            raise SourceFormatError(
                f"duplicated object: year_ending {obj['year_ending']} and ONS_code {code} "
                f"({to_text(obj.get('LA_name'))}) already at row {seen[(year, code)]}",
                file=path.name,
                row=rn,
                column="ONS_code",
            )
        seen[(year, code)] = rn
        status = "not_submitted" if obj.get("Total") is None else "submitted"
        for service in SERVICES:
            try:
                value = to_number(obj.get(service))
            except NotANumber:
                result.reject(
                    source_id=source.source_id,
                    source_file=path.name,
                    sheet=None,
                    row_number=rn,
                    column=service,
                    value=obj.get(service),
                    reason="value is not a number",
                )
                continue
            result.records.append(
                {
                    "source_id": source.source_id,
                    "source_file": path.name,
                    "sheet": "",
                    "row_number": rn,
                    "column_name": service,
                    "financial_year": year,
                    "ons_code": code,
                    "authority_name": to_text(obj.get("LA_name")),
                    "value_gbp_thousand": value,
                    "return_status": status,
                    "origin": source.origin,
                }
            )
        kept += 1
    result.stat(source.source_id, path.name, "", 0, kept)
    return result


def parse_district_outlines(path: Path, source: Source) -> ParseResult:
    """The districts' outlines (a third party's cut of ONS's boundaries, NOT ONS's file): one row per
    GeoJSON feature, row_number its place in the file's feature list (1-based), the district's name as
    published and its geometry as GeoJSON text. A repeated name is a duplicated row and is quarantined;
    a feature without a name or without a (Multi)Polygon is quarantined naming the feature."""
    result = ParseResult()
    data = _load_json(path)
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise SourceFormatError("expected a GeoJSON FeatureCollection with a list of features", file=path.name)
    seen: dict[str, int] = {}
    for rn, feature in enumerate(data["features"], start=1):
        props, geometry = feature.get("properties") or {}, feature.get("geometry") or {}
        name = to_text(props.get("name"))
        problem = (
            "feature without a name (properties.name)"
            if not name
            else f"geometry {geometry.get('type')!r} is not a Polygon or MultiPolygon"
            if geometry.get("type") not in ("Polygon", "MultiPolygon")
            else f"duplicated row: name {name!r} already at feature {seen[name]}"
            if name in seen
            else None
        )
        if problem:
            result.reject(source.source_id, path.name, None, rn, "properties.name", name, problem)
            continue
        seen[name] = rn
        result.records.append(
            {
                "source_id": source.source_id,
                "source_file": path.name,
                "sheet": None,
                "row_number": rn,
                "name": name,
                "kind": to_text(props.get("kind")),
                "geometry": json.dumps(geometry, separators=(",", ":")),
            }
        )
    result.stat(source.source_id, path.name, None, 0, len(result.records), len(result.rejected))
    return result


TABLES = {"derived_revenue_outturn": parse_council_spending, "district_outlines": parse_district_outlines}
