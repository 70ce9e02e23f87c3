"""Each parser on its real published file: data-row counts and values read back from the cells."""
from __future__ import annotations

import pytest

from dagster_project.raw import cofog, cra, la_returns, ons, public_bodies

RS_ROWS = {"rs_2007_08": 478, "rs_2008_09": 478, "rs_2009_10": 443, "rs_2010_11": 444, "rs_2011_12": 444,
           "rs_2012_13": 444, "rs_2013_14": 444, "rs_2014_15": 444, "rs_2015_16": 444, "rs_2016_17": 446,
           "rs_2017_18": 445}


def test_cra_2018_has_every_data_row_and_london_cg_total(real):
    s, path = real("cra_2018")
    r = cra.parse_cra(path, s)
    assert r.stats[0]["data_rows"] == 21135
    assert len({rec["row_number"] for rec in r.records}) == 21135
    assert not r.rejected
    london_cg = sum(x["value"] or 0 for x in r.records if x["financial_year"] == "2016-17"
                    and x["region"] == "ENGLAND_London" and x["id_or_non_id"] == "ID" and x["sector"] == "CG")
    assert london_cg == pytest.approx(57_790_783, abs=1)  # £ thousand: about £57.8 billion
    assert {x["unit"] for x in r.records} == {"GBP thousand"}
    assert {x["organisation"] for x in r.records if x["organisation"]} > {"Armed Forces Pension and Compensation Schemes"}


@pytest.mark.parametrize("sid,rows,years,unit", [
    ("cra_2010_ch9", 20416, 7, "GBP million"), ("cra_2010_ch10", 20151, 6, "GBP million"),
    ("cra_2014", 22469, 5, "GBP thousand")])
def test_cra_older_vintages(real, sid, rows, years, unit):
    s, path = real(sid)
    r = cra.parse_cra(path, s)
    assert r.stats[0]["data_rows"] == rows
    assert len(r.records) == rows * years
    assert {x["unit"] for x in r.records} == {unit}
    if sid == "cra_2010_ch10":  # sub-function detail is kept, and the 2010 sector code LA is kept as published
        assert any(x["cofog_subfunction"] == "4.3 Fuel and energy" for x in r.records)
        assert {x["sector"] for x in r.records} == {"CG", "PC", "LA"}
    if sid == "cra_2010_ch9":  # both spellings of Yorkshire stay, as separate rows
        assert {x["region"] for x in r.records} >= {"ENGLAND_Yorkshire and the Humber", "ENGLAND_Yorkshire and The Humber"}


@pytest.mark.parametrize("sid,rows", sorted(RS_ROWS.items()))
def test_revenue_outturn_one_row_per_authority_no_footnotes(real, sid, rows):
    s, path = real(sid)
    r = la_returns.parse_la_workbook(path, s)
    assert {st["data_rows"] for st in r.stats} == {rows}
    assert not r.rejected
    assert all(x["ecode"][0] == "E" and len(x["ecode"]) == 5 for x in r.records)
    assert {x["measure"] for x in r.records} >= {"net_current_expenditure"}


def test_hackney_rs_2016_17_net_current_expenditure(real):
    s, path = real("rs_2016_17")
    r = la_returns.parse_la_workbook(path, s)
    hit = [x for x in r.records if x["ecode"] == "E5013" and x["line_label"] == "NET CURRENT EXPENDITURE"]
    assert len(hit) == 1
    assert hit[0]["value_gbp_thousand"] == 842670
    assert hit[0]["line_number"] == 749 and hit[0]["ons_code"] == "E09000012"
    assert (hit[0]["sheet"], hit[0]["row_number"], hit[0]["column_letter"]) == ("RS LA Data 2016-17", 331, "AJ")


def test_ro3_and_ra_returns(real):
    s, path = real("ro3_2008_09")
    r = la_returns.parse_la_workbook(path, s)
    assert r.stats[0]["data_rows"] == 388
    assert any(x["line_label"].startswith("Social Care strategy - children Employees") for x in r.records)
    s, path = real("ra_2016_17")
    r = la_returns.parse_la_workbook(path, s)
    assert r.stats[0]["data_rows"] == 443


def test_ons_population_and_lookups(real):
    s, path = real("ons_myeb3_2018")
    r = ons.parse_district_population(path, s)
    assert r.stats[0]["data_rows"] == 391
    hackney = {x["mid_year"]: x["population"] for x in r.records if x["area_code"] == "E09000012"}
    assert len(hackney) == 18 and hackney["2001"] > 0
    s, path = real("ons_lsoa_population_2018")
    r = ons.parse_small_area_population(path, s)
    assert sum(1 for x in r.records if x["area_type"] == "LSOA") > 34000
    s, path = real("geo_lad17_police_force")
    r = ons.parse_geography(path, s)
    assert r.stats[0]["data_rows"] == 348
    assert {x["police_force_code"] for x in r.records if x["lad_code"] == "E09000012"} == {"E23000001"}


def test_cofog_and_public_bodies(real):
    s, path = real("un_cofog")
    r = cofog.parse_cofog(path, s)
    levels = [x["level"] for x in r.records]
    assert (levels.count("division"), levels.count("group"), levels.count("class")) == (10, 69, 109)
    s, path = real("public_bodies_2015")  # CR line endings
    r = public_bodies.parse_public_bodies(path, s)
    assert r.stats[0]["data_rows"] == 282
    assert all(x["body_name"] for x in r.records)


def test_indicator_sources_read_back_from_their_cells(real):
    from dagster_project.raw import indicators

    s, path = real("iod_2019_district_summaries")
    r = indicators.parse_iod_district_scales(path, s)
    assert [(st["sheet"], st["data_rows"]) for st in r.stats] == [("Income", 317), ("Employment", 317)]
    assert not r.rejected
    hartlepool = {x["domain"]: (x["deprived_people"], x["row_number"]) for x in r.records if x["lad_code"] == "E06000001"}
    assert hartlepool == {"income": (21084, 2), "employment": (9715.25, 2)}

    s, path = real("iod_2019_population_denominators")
    r = indicators.parse_iod_lsoa_population(path, s)
    assert r.stats[0]["data_rows"] == 32844 and not r.rejected
    first = r.records[0]
    assert (first["lsoa_code"], first["lad_code"], first["population"], first["population_0_15"],
            first["population_60_plus"]) == ("E01000001", "E09000001", 1296, 175, 465)

    s, path = real("nhs_cost_by_age")
    r = indicators.parse_nhs_cost_by_age(path, s)
    assert [(st["sheet"], st["data_rows"]) for st in r.stats] == [("2011 overall results", 86), ("2014 overall results", 86)]
    assert len(r.records) == 2 * 86 * 2 * 5   # two years, ages 0-85+, two sexes, five quintiles
    cell = next(x for x in r.records if (x["reference_year"], x["age"], x["sex"], x["imd_quintile"]) == ("2014-15", 0, "female", 1))
    assert cell["cost_gbp_per_person"] == pytest.approx(1439.8395, abs=1e-3)
    assert (cell["sheet"], cell["row_number"], cell["column_letter"]) == ("2014 overall results", 4, "D")  # the cell D4
    oldest = next(x for x in r.records if (x["reference_year"], x["age"], x["sex"], x["imd_quintile"]) == ("2014-15", 85, "male", 5))
    assert oldest["cost_gbp_per_person"] == pytest.approx(6229.6184, abs=1e-3)


def test_mye2_by_sex_and_single_year_of_age(real):
    s, path = real("ons_mye_2018_workbook")
    r = ons.parse_population_by_age(path, s)
    assert [(st["sheet"], st["data_rows"]) for st in r.stats] == [
        ("MYE2-All", 430), ("MYE2 - Males", 430), ("MYE2 - Females", 430)]
    hackney = {(x["sex"], x["age"]): x["population"] for x in r.records if x["area_code"] == "E09000012"}
    assert hackney[("male", "all ages")] + hackney[("female", "all ages")] == hackney[("persons", "all ages")] == 279665
    assert sum(v for (sex, age), v in hackney.items() if sex == "persons" and age != "all ages") == 279665
