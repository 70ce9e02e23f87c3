"""Each parser on its real published file: data-row counts and values read back from the cells."""

from __future__ import annotations

import pytest

from dagster_project.raw import cofog, cra, la_returns, ons, public_bodies

RS_ROWS = {
    "rs_2007_08": 478,
    "rs_2008_09": 478,
    "rs_2009_10": 443,
    "rs_2010_11": 444,
    "rs_2011_12": 444,
    "rs_2012_13": 444,
    "rs_2013_14": 444,
    "rs_2014_15": 444,
    "rs_2015_16": 444,
    "rs_2016_17": 446,
    "rs_2017_18": 445,
}


def test_cra_2018_has_every_data_row_and_london_cg_total(real):
    s, path = real("cra_2018")
    r = cra.parse_cra(path, s)
    assert r.stats[0]["data_rows"] == 21135
    assert len({rec["row_number"] for rec in r.records}) == 21135
    assert not r.rejected
    london_cg = sum(
        x["value"] or 0
        for x in r.records
        if x["financial_year"] == "2016-17"
        and x["region"] == "ENGLAND_London"
        and x["id_or_non_id"] == "ID"
        and x["sector"] == "CG"
    )
    assert london_cg == pytest.approx(57_790_783, abs=1)  # £ thousand: about £57.8 billion
    assert {x["unit"] for x in r.records} == {"GBP thousand"}
    assert {x["organisation"] for x in r.records if x["organisation"]} > {
        "Armed Forces Pension and Compensation Schemes"
    }


@pytest.mark.parametrize(
    "sid,rows,years,unit",
    [
        ("cra_2010_ch9", 20416, 7, "GBP million"),
        ("cra_2010_ch10", 20151, 6, "GBP million"),
        ("cra_2014", 22469, 5, "GBP thousand"),
    ],
)
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
        assert {x["region"] for x in r.records} >= {
            "ENGLAND_Yorkshire and the Humber",
            "ENGLAND_Yorkshire and The Humber",
        }


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
    hartlepool = {
        x["domain"]: (x["deprived_people"], x["row_number"]) for x in r.records if x["lad_code"] == "E06000001"
    }
    assert hartlepool == {"income": (21084, 2), "employment": (9715.25, 2)}

    s, path = real("iod_2019_population_denominators")
    r = indicators.parse_iod_lsoa_population(path, s)
    assert r.stats[0]["data_rows"] == 32844 and not r.rejected
    first = r.records[0]
    assert (
        first["lsoa_code"],
        first["lad_code"],
        first["population"],
        first["population_0_15"],
        first["population_60_plus"],
    ) == ("E01000001", "E09000001", 1296, 175, 465)

    s, path = real("nhs_cost_by_age")
    r = indicators.parse_nhs_cost_by_age(path, s)
    assert [(st["sheet"], st["data_rows"]) for st in r.stats] == [
        ("2011 overall results", 86),
        ("2014 overall results", 86),
    ]
    assert len(r.records) == 2 * 86 * 2 * 5  # two years, ages 0-85+, two sexes, five quintiles
    cell = next(
        x
        for x in r.records
        if (x["reference_year"], x["age"], x["sex"], x["imd_quintile"]) == ("2014-15", 0, "female", 1)
    )
    assert cell["cost_gbp_per_person"] == pytest.approx(1439.8395, abs=1e-3)
    assert (cell["sheet"], cell["row_number"], cell["column_letter"]) == ("2014 overall results", 4, "D")  # the cell D4
    oldest = next(
        x
        for x in r.records
        if (x["reference_year"], x["age"], x["sex"], x["imd_quintile"]) == ("2014-15", 85, "male", 5)
    )
    assert oldest["cost_gbp_per_person"] == pytest.approx(6229.6184, abs=1e-3)


def test_mye2_by_sex_and_single_year_of_age(real):
    s, path = real("ons_mye_2018_workbook")
    r = ons.parse_population_by_age(path, s)
    assert [(st["sheet"], st["data_rows"]) for st in r.stats] == [
        ("MYE2-All", 430),
        ("MYE2 - Males", 430),
        ("MYE2 - Females", 430),
    ]
    hackney = {(x["sex"], x["age"]): x["population"] for x in r.records if x["area_code"] == "E09000012"}
    assert hackney[("male", "all ages")] + hackney[("female", "all ages")] == hackney[("persons", "all ages")] == 279665
    assert sum(v for (sex, age), v in hackney.items() if sex == "persons" and age != "all ages") == 279665


# ---------------------------------------------------------------- files added for 2018-19 to 2024-25 (issue 11)
@pytest.mark.parametrize(
    "sid,rows,years,region_header",
    [
        ("cra_2019", 22041, 5, "nuts region"),
        ("cra_2020", 21809, 5, "nuts region"),
        ("cra_2021", 21850, 5, "nuts region"),
        ("cra_2022", 21602, 5, "itl region"),
        ("cra_2023", 22646, 5, "itl region"),
        ("cra_2024", 23012, 5, "itl region"),
        ("cra_2025", 20449, 5, "itl region"),
    ],
)
def test_cra_later_vintages(real, sid, rows, years, region_header):
    s, path = real(sid)
    r = cra.parse_cra(path, s)
    assert r.stats[0]["data_rows"] == rows and len(r.records) == rows * years and not r.rejected
    assert {x["unit"] for x in r.records} == {"GBP thousand"}
    assert {x["sector"] for x in r.records} >= {"CG", "LG", "PC", "BOE"}
    if sid >= "cra_2020":  # public sector pensions debt interest, kept apart like BOE
        assert "PSP" in {x["sector"] for x in r.records}


def test_cra_2025_england_cg_pc_identifiable_2024_25(real):
    s, path = real("cra_2025")
    r = cra.parse_cra(path, s)
    total = sum(
        x["value"] or 0
        for x in r.records
        if x["financial_year"] == "2024-25"
        and x["id_or_non_id"] == "ID"
        and x["region"].startswith("ENGLAND_")
        and x["sector"] in ("CG", "PC")
    )
    assert total == pytest.approx(602_129_756, abs=1)  # £ thousand
    assert {x["region"] for x in r.records} >= {"ENGLAND_Yorkshire and The Humber", "ENGLAND_Yorkshire and the Humber"}


@pytest.mark.parametrize(
    "sid,rows,missing",
    [("rsx_2021_22", 426, 4), ("rsx_2022_23", 426, 23), ("rs_2023_24", 411, 14), ("rsx_2024_25", 410, 9)],
)
def test_new_revenue_outturn_files_and_their_non_submitters(real, sid, rows, missing):
    s, path = real(sid)
    r = la_returns.parse_la_workbook(path, s)
    assert r.stats[0]["data_rows"] == rows and not r.rejected
    not_submitted = {x["ecode"] for x in r.records if x["return_status"] == "not_submitted"}
    assert len(not_submitted) == missing
    # a non-submitter's cells ("[x]" or "...") are empty, never zero
    assert {x["value_gbp_thousand"] for x in r.records if x["return_status"] == "not_submitted"} == {None}
    net = [x for x in r.records if x["measure"] == "net_current_expenditure"]
    assert {x["line_label"] for x in net} >= {"Education services", "Adult Social Care", "Central services"}


def test_rsx_2021_22_csv_with_bom_and_numbers_as_text(real):
    s, path = real("rsx_2021_22")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    r = la_returns.parse_la_workbook(path, s)
    hit = {(x["line_number"], x["measure"]): x for x in r.records if x["ecode"] == "E5013"}
    edu = hit[(190, "net_current_expenditure")]
    assert edu["value_gbp_thousand"] == 286603 and (edu["row_number"], edu["column_letter"]) == (
        159,
        "M",
    )  # "286,603", record 159
    assert hit[(290, "net_current_expenditure")]["value_gbp_thousand"] == -8228  # "-8,228"
    # the column whose header is the measure alone takes its line from its variable code (C7R590)
    assert hit[(590, "net_current_expenditure")]["line_label"] == "Environmental and regulatory services"


def test_rs_2023_24_hackney_net_current_expenditure(real):
    s, path = real("rs_2023_24")
    r = la_returns.parse_la_workbook(path, s)
    hit = [x for x in r.records if x["ecode"] == "E5013" and x["line_number"] == 749]
    assert [(x["value_gbp_thousand"], x["sheet"], x["row_number"], x["column_letter"], x["ons_code"]) for x in hit] == [
        (936314, "RS_LA_Data_2023-24", 156, "AL", "E09000012")
    ]
    assert {x["measure"] for x in r.records} == {"net_current_expenditure"}


def test_derived_council_spending_json(real):
    from dagster_project.raw import derived

    s, path = real("derived_council_spending")
    assert s.origin == "third_party_derived"
    r = derived.parse_council_spending(path, s)
    assert r.stats[0]["data_rows"] == 3081 and len(r.records) == 3081 * 14 and not r.rejected
    assert {x["origin"] for x in r.records} == {"third_party_derived"}
    cumberland = {x["column_name"]: x for x in r.records if x["ons_code"] == "E06000063"}
    assert cumberland["Total"]["value_gbp_thousand"] == 460670 and cumberland["Total"]["financial_year"] == "2023-24"
    assert cumberland["Education"]["row_number"] == next(
        i for i, o in enumerate(__import__("json").loads(path.read_text()), start=1) if o["ONS_code"] == "E06000063"
    )
    assert len({(x["financial_year"], x["ons_code"]) for x in r.records if x["return_status"] == "not_submitted"}) == 18


def test_mid_2023_populations_and_the_register(real):
    s, path = real("ons_mye_2023")
    r = ons.parse_district_population_2023(path, s)
    eng = {x["mid_year"]: x["population"] for x in r.records if x["area_code"] == "E92000001"}
    assert eng["2023"] == 57_690_323 and eng["2011"] == 53_107_169 and len(eng) == 13
    s, path = real("geo_la_current")
    r = ons.parse_geography(path, s)
    allerdale = next(x for x in r.records if x["authority_code"] == "ALL")
    assert (allerdale["gss_code"], allerdale["end_date"], allerdale["replaced_by"]) == (
        "E07000026",
        "2023-04-01",
        "CBD",
    )
    assert not r.rejected
