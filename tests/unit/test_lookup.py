"""Finding the place and year a user means (dagster_project/lookup.py): pure functions, no data needed."""

from __future__ import annotations

import pytest

from dagster_project.lookup import LookupFailed, Place, normalise_year, resolve_place

PLACES = [
    Place("E09000012", "Hackney"),
    Place("E09000014", "Haringey"),
    Place("E06000010", "Kingston upon Hull, City of"),
    Place("E09000021", "Kingston upon Thames"),
    Place("E08000025", "Birmingham"),
    Place("tp_birmingham", "Birmingham (Total Place pilot)", "pilot_area"),
    Place("tp_kent", "Kent (Total Place pilot; the twelve Kent county districts, not Medway)", "pilot_area"),
    Place("E07000134", "North West Leicestershire"),
    Place("tp_leicester_leicestershire", "Leicester and Leicestershire (Total Place pilot)", "pilot_area"),
]
YEARS = [f"{y}-{(y + 1) % 100:02d}" for y in range(2008, 2018)]


@pytest.mark.parametrize(
    "text,place_id",
    [
        ("E09000012", "E09000012"),
        ("e09000012", "E09000012"),
        ("HACKNEY", "E09000012"),
        ("Kent", "tp_kent"),
        ("Kingston upon Hull", "E06000010"),
        ("City of Kingston upon Hull", "E06000010"),
        ("Birmingham", "E08000025"),
        ("birmingham (total place pilot)", "tp_birmingham"),
        ("Kingston upon T", "E09000021"),
        ("north west leic", "E07000134"),
    ],
)
def test_places_by_id_name_plain_name_prefix_or_substring(text, place_id):
    assert resolve_place(text, PLACES).place_id == place_id


def test_an_ambiguous_or_unknown_place_is_an_error_naming_the_candidates():
    with pytest.raises(LookupFailed, match=r"'Kingston' matches 2 places: E06000010 .*E09000021"):
        resolve_place("Kingston", PLACES)
    with pytest.raises(LookupFailed, match=r"'leicestershire' matches 2 places"):
        resolve_place("leicestershire", PLACES)
    with pytest.raises(LookupFailed, match=r"unknown place 'Hackny'; closest: E09000012 \(Hackney\)"):
        resolve_place("Hackny", PLACES)


@pytest.mark.parametrize("text", ["2016-17", "2016/17", "16-17", "16/17", "2016-2017", " 2016 / 17 "])
def test_year_forms(text):
    assert normalise_year(text, YEARS) == "2016-17"


def test_a_calendar_year_names_both_financial_years_it_touches():
    with pytest.raises(LookupFailed) as err:
        normalise_year("2016", YEARS)
    assert "2016-17 (April 2016 to March 2017) or 2015-16 (April 2015 to March 2016)" in str(err.value)
    assert "the count covers 2008-09 to 2017-18; ask for 2016-17 or 2015-16" in str(err.value)


@pytest.mark.parametrize("text", ["2016", "2016-18", "2019-20", "abc"])
def test_a_year_outside_the_count_or_malformed_says_what_is_covered(text):
    with pytest.raises(LookupFailed, match="the count covers 2008-09 to 2017-18"):
        normalise_year(text, YEARS)
