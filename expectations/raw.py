"""Raw-layer gate: what every raw table must look like before anything reads it.

For each table: the columns that must exist (found by meaning in the parser, so here by name),
the columns that may not be empty, the key that may not repeat, well-formed codes, counts that
may not be negative (people, ranks, costs), and the number of data rows each published file must
give (bounds per source file, so a truncated or padded file fails and names itself). Bounds are the
counts of the published files (see the issue notes) with a little room for revisions; a new file
without its own bound gets its table's default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # GE is imported where a suite is built (dagster_project/checks/ge.py)
    import great_expectations as gx

AREA = r"^[EWSNK]\d{8}$"


@dataclass(frozen=True)
class RawSuite:
    table: str
    columns: tuple[str, ...]
    not_null: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    regex: dict[str, str] = field(default_factory=dict)
    # counts that cannot be below zero (people, a rank, a cost): a sign flip or a misread cell fails.
    # (Types need no check: the writer casts every number column and a cell that is not a number
    # is quarantined by the parser with its file, sheet, row and column.)
    non_negative: tuple[str, ...] = ()
    rows_per_file: dict[str, tuple[int, int]] = field(default_factory=dict)  # source_id -> (min, max) data rows
    default_rows: tuple[int, int] = (1, 10_000_000)

    def bounds(self, source_id: str) -> tuple[int, int]:
        return self.rows_per_file.get(source_id, self.default_rows)


PROV = ("source_id", "source_file", "sheet", "row_number")
NHS_WEIGHTS = (  # a GP practice's list and the allocation formula's need-weighted populations
    "patients",
    "list_size",
    "general_acute_wp",
    "community_wp",
    "mental_health_wp",
    "maternity_wp",
    "health_inequalities_wp",
    "prescribing_wp",
    "final_wp",
    "final_pmc_wp",
)
RS_ROWS = {
    f"rs_{y}": (380, 520)
    for y in (
        "2007_08",
        "2008_09",
        "2009_10",
        "2010_11",
        "2011_12",
        "2012_13",
        "2013_14",
        "2014_15",
        "2015_16",
        "2016_17",
        "2017_18",
        "2023_24",
    )
}
RS_ROWS.update({f"rsx_{y}": (400, 440) for y in ("2021_22", "2022_23", "2024_25")})  # 410 to 426 authorities

SUITES: dict[str, RawSuite] = {
    s.table: s
    for s in [
        RawSuite(
            "cra",
            PROV
            + (
                "vintage",
                "department",
                "segment_code",
                "cofog_function",
                "id_or_non_id",
                "cap_or_cur",
                "sector",
                "region",
                "financial_year",
                "value",
                "unit",
            ),
            not_null=PROV + ("department", "region", "sector", "financial_year", "unit"),
            key=("source_id", "row_number", "financial_year"),
            regex={
                "financial_year": r"^\d{4}-\d{2}$",
                "cap_or_cur": r"^(TES_)?(CAP|CUR)$",
                "sector": r"^(CG|LG|LA|PC|BOE|PSP)$",
                "id_or_non_id": r"^(ID|Non-ID|non-ID)$",
            },
            rows_per_file={
                "cra_2010_ch9": (20000, 20800),
                "cra_2010_ch10": (19800, 20500),
                "cra_2014": (22000, 22900),
                "cra_2018": (20800, 21500),
                "cra_2019": (21700, 22400),
                "cra_2020": (21500, 22200),
                "cra_2021": (21500, 22200),
                "cra_2022": (21300, 22000),
                "cra_2023": (22300, 23000),
                "cra_2024": (22700, 23400),
                "cra_2025": (20100, 20800),
            },
        ),
        RawSuite(
            "revenue_outturn_rs",
            PROV
            + (
                "financial_year",
                "measure",
                "ecode",
                "authority_name",
                "authority_class",
                "line_label",
                "value_gbp_thousand",
            ),
            not_null=PROV + ("ecode", "authority_name", "line_label", "financial_year", "measure"),
            key=("source_id", "sheet", "row_number", "column_letter"),
            # the 2021-22 to 2024-25 files give Lee Valley Regional Park its E-code (E6803) in the ONS column
            regex={
                "ecode": r"^E\d{4}$",
                "ons_code": r"^([EWSNK]\d{8}|E\d{4})$",
                "authority_class": r"^(L|LB|MD|UA|SC|SD|O)$",
                "return_status": r"^(submitted|not_submitted)$",
            },
            rows_per_file=RS_ROWS,
            default_rows=(380, 520),
        ),
        RawSuite(
            "derived_revenue_outturn",
            PROV + ("column_name", "financial_year", "ons_code", "value_gbp_thousand", "return_status", "origin"),
            not_null=PROV[:2] + ("row_number", "column_name", "financial_year", "ons_code", "origin"),
            key=("source_id", "row_number", "column_name"),
            regex={
                "financial_year": r"^\d{4}-\d{2}$",
                "origin": r"^third_party_derived$",
                "return_status": r"^(submitted|not_submitted)$",
            },
            default_rows=(3000, 3150),
        ),  # 3,081 authority-years
        RawSuite(
            "ons_district_population_2023",
            PROV + ("area_code", "area_name", "geography", "mid_year", "population"),
            not_null=PROV + ("area_code", "mid_year", "population"),
            key=("area_code", "mid_year"),
            regex={"area_code": AREA, "mid_year": r"^\d{4}$"},
            non_negative=("population",),
            default_rows=(350, 365),
        ),
        RawSuite(
            "ons_district_population_2024",
            PROV + ("area_code", "area_name", "geography", "mid_year", "population", "origin"),
            not_null=PROV + ("area_code", "mid_year", "population", "origin"),
            key=("area_code", "mid_year"),
            regex={"area_code": AREA, "mid_year": r"^2024$", "origin": r"^third_party_derived$"},
            non_negative=("population",),
            default_rows=(350, 365),
        ),  # 356 areas of England and Wales, mid-2024
        RawSuite(
            "geo_la_current",
            PROV + ("authority_code", "gss_code", "end_date", "replaced_by"),
            not_null=("authority_code",),
            key=("authority_code",),
            default_rows=(440, 500),
        ),
        RawSuite(
            "ons_district_population",
            PROV + ("area_code", "area_name", "mid_year", "population"),
            not_null=PROV + ("area_code", "mid_year", "population"),
            key=("area_code", "mid_year"),
            regex={"area_code": AREA, "mid_year": r"^\d{4}$"},
            non_negative=("population",),
            default_rows=(380, 400),
        ),
        RawSuite(
            "ons_area_population",
            PROV + ("area_code", "area_name", "geography", "mid_year", "population"),
            not_null=PROV + ("area_code", "mid_year"),
            key=("area_code", "mid_year"),
            regex={"area_code": AREA},
            non_negative=("population",),
            default_rows=(420, 440),
        ),
        RawSuite(
            "ons_population_by_age",
            PROV + ("area_code", "area_name", "geography", "sex", "age", "population"),
            not_null=PROV + ("area_code", "sex", "age", "population"),
            key=("area_code", "sex", "age"),
            regex={"area_code": AREA, "sex": r"^(persons|male|female)$"},
            non_negative=("population",),
            default_rows=(420, 440),
        ),  # about 430 areas on each sheet (persons, males, females)
        RawSuite(
            "iod_district_scales",
            PROV + ("lad_code", "lad_name", "domain", "deprived_people"),
            not_null=PROV + ("lad_code", "domain", "deprived_people"),
            key=("lad_code", "domain"),
            regex={"lad_code": r"^E0[6-9]\d{6}$", "domain": r"^(income|employment)$"},
            non_negative=("deprived_people",),
            default_rows=(300, 317),
        ),  # 317 districts (2019 codes) a sheet; a few missing fail the indicator gate, naming them
        RawSuite(
            "iod_lsoa_population",
            PROV + ("lsoa_code", "lad_code", "population", "population_0_15", "population_16_59", "population_60_plus"),
            not_null=PROV + ("lsoa_code", "lad_code", "population"),
            key=("lsoa_code",),
            regex={"lsoa_code": r"^E01\d{6}$"},
            non_negative=("population", "population_0_15"),
            default_rows=(32844, 32844),
        ),
        RawSuite(
            "nhs_cost_by_age",
            PROV + ("column_letter", "reference_year", "age", "sex", "imd_quintile", "cost_gbp_per_person"),
            not_null=PROV + ("reference_year", "age", "sex", "imd_quintile", "cost_gbp_per_person"),
            key=("reference_year", "age", "sex", "imd_quintile"),
            regex={"reference_year": r"^\d{4}-\d{2}$", "sex": r"^(male|female)$"},
            non_negative=("cost_gbp_per_person",),
            default_rows=(86, 86),
        ),  # ages 0 to 85+ on each of the two sheets
        RawSuite(
            "ons_small_area_population",
            PROV + ("area_code", "area_type", "population"),
            not_null=PROV + ("area_code", "population"),
            key=("source_id", "area_code"),
            regex={"area_code": AREA},
            non_negative=("population",),
            rows_per_file={"ons_lsoa_population_2018": (35000, 35200), "ons_msoa_population_2018": (7400, 7600)},
        ),
        RawSuite(
            "ons_gdp_deflator",
            PROV + ("column_letter", "period", "calendar_year", "quarter", "deflator"),
            not_null=("source_id", "source_file", "row_number", "period", "calendar_year", "quarter", "deflator"),
            key=("period",),
            regex={"period": r"^\d{4} Q[1-4]$"},
            non_negative=("deflator",),
            default_rows=(270, 320),
        ),  # quarterly from 1955 Q1: 281 quarters to 2025 Q1
        RawSuite(
            "nhs_icb_allocations",
            PROV
            + (
                "column_letter",
                "financial_year",
                "allocation",
                "area_kind",
                "nhs_region_code",
                "icb_code",
                "area_name",
                "measure",
                "value_gbp_thousand",
            ),
            not_null=("source_id", "source_file", "sheet", "row_number", "financial_year", "allocation", "area_kind"),
            key=("financial_year", "allocation", "area_kind", "icb_code", "nhs_region_code"),
            regex={"icb_code": r"^Q[A-Z0-9]{2}$", "financial_year": r"^20\d\d-\d\d$"},
            non_negative=("value_gbp_thousand",),
            default_rows=(90, 110),
        ),  # the largest sheet, Other Primary Care: (42 ICBs + 7 regions held centrally) x two years + England's two
        # (ICB core and PMC sheets: 42 ICBs + England each; the gate counts a workbook's largest sheet)
        RawSuite(
            "nhs_practice_weighted_population",
            PROV + ("practice_code", "lad21_code", "icb_code", "nhs_region_code", "financial_year") + NHS_WEIGHTS,
            not_null=("source_id", "row_number", "practice_code", "lad21_code", "icb_code", "final_wp", "final_pmc_wp"),
            key=("financial_year", "practice_code"),
            non_negative=NHS_WEIGHTS,
            default_rows=(6000, 7500),
        ),  # about 6,550 practices a year
        RawSuite(
            "nhs_practice_weighted_population_2021_22",
            PROV
            + ("practice_code", "pcn_code", "ccg_code", "icb_code", "nhs_region_code", "financial_year", "list_size")
            + ("general_acute_wp", "community_wp", "mental_health_wp", "maternity_wp", "hchs_wp"),
            not_null=("source_id", "row_number", "practice_code", "ccg_code", "icb_code", "list_size", "hchs_wp"),
            key=("practice_code",),
            non_negative=("list_size", "general_acute_wp", "community_wp", "mental_health_wp", "maternity_wp")
            + ("hchs_wp",),
            default_rows=(7000, 7600),
        ),  # 7,325 practices of 2018/19
        RawSuite(
            "district_outlines",
            PROV + ("name", "kind", "geometry"),
            not_null=("source_id", "source_file", "row_number", "name", "geometry"),
            key=("name",),
            default_rows=(296, 296),
        ),  # the 296 districts of May 2024 (= April 2023), one feature each
        RawSuite(
            "cofog",
            PROV + ("cofog_code", "description", "level"),
            not_null=("cofog_code", "description"),
            key=("cofog_code",),
            regex={"cofog_code": r"^\d{2}(\.\d(\.\d)?)?$"},
            default_rows=(180, 200),
        ),
        RawSuite(
            "public_bodies",
            PROV + ("body_name", "department", "classification"),
            not_null=("body_name",),
            key=("source_id", "row_number"),
            default_rows=(200, 400),
        ),
        RawSuite(
            "geo_la_codes",
            PROV + ("lad_code",),
            not_null=("lad_code",),
            key=("lad_code",),
            regex={"lad_code": AREA},
            default_rows=(400, 430),
        ),
        RawSuite(
            "geo_region_codes",
            PROV + ("region_code",),
            key=("region_code",),
            regex={"region_code": AREA},
            default_rows=(9, 9),
        ),
        RawSuite(
            "geo_lad12_cty12",
            PROV + ("lad_code", "county_code"),
            key=("lad_code",),
            regex={"lad_code": AREA},
            default_rows=(260, 280),
        ),
        RawSuite(
            "geo_lsoa_imd2019",
            PROV + ("lsoa_code", "lad_code", "imd_rank"),
            key=("lsoa_code",),
            regex={"lsoa_code": r"^E01\d{6}$"},
            non_negative=("imd_rank",),
            default_rows=(32844, 32844),
        ),
        RawSuite(
            "geo_lad17_police_force",
            PROV + ("lad_code", "police_force_code"),
            key=("lad_code",),
            regex={"police_force_code": r"^(E23|W15)\d{6}$"},
            default_rows=(340, 360),
        ),
        RawSuite(
            "geo_lad17_fire_authority",
            PROV + ("lad_code", "fire_authority_code"),
            key=("lad_code",),
            regex={"fire_authority_code": r"^(E31|W25)\d{6}$"},
            default_rows=(340, 360),
        ),
        RawSuite(
            "geo_lsoa_ward17",
            PROV + ("lsoa_code", "ward_code", "lad_code"),
            key=("lsoa_code",),
            regex={"lsoa_code": r"^[EW]01\d{6}$"},
            default_rows=(34700, 34800),
        ),
    ]
}


def expectation_suite(spec: RawSuite, present_columns: set[str]) -> gx.ExpectationSuite:
    """The GE suite for one raw table (row-level part; per-file counts are a second, small suite)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=f"raw.{spec.table}")
    for c in spec.columns:
        suite.add_expectation(gxe.ExpectColumnToExist(column=c))
    for c in spec.not_null:
        if c in present_columns:
            suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=c))
    if len(spec.key) > 1 and set(spec.key) <= present_columns:
        suite.add_expectation(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(spec.key)))
    elif len(spec.key) == 1 and spec.key[0] in present_columns:
        suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column=spec.key[0]))
    for c, rx in spec.regex.items():
        if c in present_columns:
            suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column=c, regex=rx))
    for c in spec.non_negative:
        if c in present_columns:
            suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0))
    return suite


def rows_per_file_suite(spec: RawSuite) -> gx.ExpectationSuite:
    """On a frame (source_id, source_file, data_rows, min_rows, max_rows): every file within its bounds."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=f"raw.{spec.table}.rows_per_file")
    suite.add_expectation(
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="data_rows", column_B="min_rows", or_equal=True)
    )
    suite.add_expectation(
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="max_rows", column_B="data_rows", or_equal=True)
    )
    return suite
