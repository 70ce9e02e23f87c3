"""Issue 23 (parts 1-2): NHS England's own allocations in raw, and health placed by them."""

from __future__ import annotations

import pytest
from conftest import run_cli
from python_calamine import CalamineWorkbook


def test_raw_holds_englands_2024_25_icb_core_allocation_with_its_cell(con, mirror):
    [(value, file, sheet, row, column)] = con.execute("""
        SELECT value_gbp_thousand, source_file, sheet, row_number, column_letter FROM raw.nhs_icb_allocations
        WHERE area_kind = 'england' AND allocation = 'icb_core' AND financial_year = '2024-25'""").fetchall()
    assert value == 106_860_951 and (file, sheet) == ("nhs_allocations_2023_2025.xlsx", "ICB Core Allocations 2024-25")
    # the cell it names holds that figure in the published workbook
    cells = CalamineWorkbook.from_path(str(mirror / "nhs_allocations" / file)).get_sheet_by_name(sheet).to_python()
    assert cells[row - 1][ord(column) - ord("A")] == pytest.approx(106_860_951)
    # the 42 ICBs add to it
    [(icbs, total)] = con.execute("""
        SELECT count(*), sum(value_gbp_thousand) FROM raw.nhs_icb_allocations
        WHERE area_kind = 'icb' AND allocation = 'icb_core' AND financial_year = '2024-25'""").fetchall()
    assert icbs == 42 and total == pytest.approx(106_860_951, abs=1)


def _expected_funder_health(con, place_id: str, region_code: str, year: str) -> float:
    """The district's funder-placed health computed from the raw tables alone: each ICB's allocations shared over
    its practices (Final WP; Final PMC WP for primary medical care), summed to the surgery's district, as a share
    of the region's, times the region's health placed that way."""
    [(key_place, key_region)] = con.execute(
        """
        WITH practices AS (
            SELECT *, final_wp / sum(final_wp) OVER (PARTITION BY icb_code) AS core_share,
                   final_pmc_wp / sum(final_pmc_wp) OVER (PARTITION BY icb_code) AS pmc_share
            FROM raw.nhs_practice_weighted_population WHERE financial_year = $year),
        alloc AS (SELECT icb_code, allocation, value_gbp_thousand FROM raw.nhs_icb_allocations
                  WHERE area_kind = 'icb' AND financial_year = $year),
        keyed AS (
            SELECT p.lad21_code, sum(a.value_gbp_thousand * CASE WHEN a.allocation = 'primary_medical_care'
                                     THEN p.pmc_share ELSE p.core_share END) AS key
            FROM practices p JOIN alloc a USING (icb_code) GROUP BY 1)
        SELECT sum(key) FILTER (WHERE lad21_code = $place), sum(key)
        FROM keyed WHERE lad21_code IN (SELECT place_id FROM marts.dim_place WHERE place_kind = 'district'
                                        AND region_code = $region)""",
        {"year": year, "place": place_id, "region": region_code},
    ).fetchall()
    [(region_health,)] = con.execute(
        """SELECT sum(s.amount_gbp) FROM marts.fct_place_spend s JOIN marts.dim_place p USING (place_id)
           WHERE p.place_kind = 'district' AND p.region_code = $region AND s.financial_year = $year
             AND s.method = 'apportioned_funder_allocation'""",
        {"year": year, "region": region_code},
    ).fetchall()
    return region_health * key_place / key_region


def test_hackney_2024_25_health_is_londons_cra_health_times_its_share_of_the_funder_key(con):
    [(placed, indicator)] = con.execute("""
        SELECT sum(amount_gbp), string_agg(DISTINCT indicator_id, ',') FROM marts.fct_place_spend
        WHERE place_id = 'E09000012' AND financial_year = '2024-25' AND cofog_division = '07'
          AND method = 'apportioned_funder_allocation'""").fetchall()
    assert indicator == "nhs_funder_allocation" and placed > 0
    assert placed == pytest.approx(_expected_funder_health(con, "E09000012", "E12000007", "2024-25"), rel=1e-9)


def test_funder_placed_health_only_in_the_years_with_allocations_and_every_region_conserved(con):
    years = [
        y
        for (y,) in con.execute(
            "SELECT DISTINCT financial_year FROM marts.fct_place_spend WHERE method = 'apportioned_funder_allocation'"
            " ORDER BY 1"
        ).fetchall()
    ]
    assert years == ["2021-22", "2022-23", "2023-24", "2024-25"]
    # before them, health keeps the need-weighted estimate
    assert (
        con.execute(
            "SELECT count(*) FROM marts.fct_place_spend WHERE financial_year = '2020-21' AND cofog_division = '07'"
            " AND indicator_id = 'health_need_weighted_population'"
        ).fetchone()[0]
        > 0
    )
    # each region's health placed by the key adds back to the regional figures it shares (CG and PC)
    bad = con.execute("""
        SELECT region_code, financial_year, abs(sum(amount_gbp) - sum(population_only_gbp))
        FROM intermediate.int_cra_apportioned WHERE method = 'apportioned_funder_allocation'
        GROUP BY ALL HAVING abs(sum(amount_gbp) - sum(population_only_gbp)) > 1000""").fetchall()
    assert not bad


def test_count_says_hackneys_health_is_placed_by_nhs_englands_allocations(built_warehouse):
    proc = run_cli(["count", "--place", "Hackney", "--year", "2024-25"], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr
    assert "placed by the funder's own allocations (NHS England)" in proc.stdout


def test_method_accuracy_measures_the_four_comparisons(con):
    rows = con.execute(
        "SELECT method, indicator, spending_stream, comparator, financial_year, districts_compared, median_abs_error,"
        " p90_abs_error, share_misplaced FROM marts.method_accuracy"
    ).df()
    pairs = set(zip(rows.indicator, rows.comparator, strict=True))
    assert pairs == {
        ("health_need_weighted_population", "nhs_funder_allocation"),
        ("population", "nhs_funder_allocation"),
        ("population", "actual"),
        ("nhs_funder_allocation", "resident_population"),  # where the surgery is against where people live
    }
    lg = rows[rows.comparator == "actual"]
    assert len(lg) == 17 and (lg.districts_compared > 250).all()  # every year, districts with complete returns
    # the health proxy against the allocation, 2023-24, recomputed here from the two keys
    shares = con.execute("""
        SELECT p.lad_code, p.region_share AS proxy, f.region_share AS funder
        FROM intermediate.int_district_indicators_scaled p
        JOIN intermediate.int_district_indicators_scaled f USING (lad_code, financial_year)
        WHERE p.financial_year = '2023-24' AND p.indicator_id = 'health_need_weighted_population'
          AND f.indicator_id = 'nhs_funder_allocation'""").df()
    errors = ((shares.proxy - shares.funder).abs() / shares.funder).sort_values()
    [measured] = rows[
        (rows.indicator == "health_need_weighted_population") & (rows.financial_year == "2023-24")
    ].itertuples()
    assert measured.districts_compared == len(shares) == 326
    assert measured.median_abs_error == pytest.approx(errors.median())
    assert measured.p90_abs_error == pytest.approx(errors.quantile(0.9))
    # the need-weighted estimate is closer to the funder's figure than head count is, every year
    health = rows[rows.comparator == "nhs_funder_allocation"].pivot(
        index="financial_year", columns="indicator", values="median_abs_error"
    )
    assert (health.health_need_weighted_population < health.population).all()
    # the surgery's location: registered patients per district against its residents, recomputed from the
    # practice file's list sizes (a merged 2021 district's shared by population, as the key is)
    located = con.execute("""
        SELECT a.registered_patients / sum(a.registered_patients) OVER (PARTITION BY a.region_code) AS registered,
               p.population / sum(p.population) OVER (PARTITION BY p.region_code) AS residents
        FROM intermediate.int_nhs_allocations_shared a
        JOIN intermediate.int_district_population_shared p USING (lad_code, financial_year)
        WHERE a.financial_year = '2024-25'""").df()
    [(listed,)] = con.execute(
        "SELECT sum(list_size) FROM raw.nhs_practice_weighted_population WHERE financial_year = '2024-25'"
    ).fetchall()
    [(placed,)] = con.execute(
        "SELECT sum(registered_patients) FROM intermediate.int_nhs_allocations_shared WHERE financial_year = '2024-25'"
    ).fetchall()
    assert placed == pytest.approx(listed, rel=1e-9)  # every registered patient placed in a district
    [surgery] = rows[(rows.comparator == "resident_population") & (rows.financial_year == "2024-25")].itertuples()
    located_errors = (located.registered - located.residents).abs() / located.residents
    assert surgery.median_abs_error == pytest.approx(located_errors.median())
    assert surgery.p90_abs_error == pytest.approx(located_errors.quantile(0.9))


def test_2021_22_key_places_every_practice_weight_where_the_later_files_put_its_surgery(con, real):
    """2021-22's workbook has no district: a practice takes the district the first later file gives it, and one gone
    by then is spread over its CCG's other practices; nothing of the workbook's weight is lost."""
    _, path = real("nhs_practice_wp_2021_22")
    cells = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("GP practice WP by ICS").to_python()
    header = cells[0]
    practices = [dict(zip(header, r, strict=True)) for r in cells[1:] if r[header.index("Practice")]]
    workbook_total = sum(p["WP_HCHS"] for p in practices)
    [(placed, by_ccg, basis)] = con.execute("""
        SELECT sum(indicator_value), sum(indicator_value_located_by_ccg), string_agg(DISTINCT key_basis, ',')
        FROM intermediate.int_nhs_allocations_shared WHERE financial_year = '2021-22'""").fetchall()
    assert placed == pytest.approx(workbook_total, rel=1e-9) and basis == "hchs_weighted_population_only"
    later = dict(
        con.execute(
            "SELECT practice_code, arg_min(lad21_code, financial_year) FROM raw.nhs_practice_weighted_population "
            "GROUP BY 1"
        ).fetchall()
    )
    gone = sum(p["WP_HCHS"] for p in practices if p["Practice"] not in later)
    assert by_ccg == pytest.approx(gone, rel=1e-9) and 0 < gone / workbook_total < 0.1
    # Hackney's practices found in the later files, with none gone: its key is their weights
    hackney = sum(p["WP_HCHS"] for p in practices if later.get(p["Practice"]) == "E09000012")
    [(key, key_by_ccg)] = con.execute("""
        SELECT indicator_value, indicator_value_located_by_ccg FROM intermediate.int_nhs_allocations_shared
        WHERE financial_year = '2021-22' AND lad_code = 'E09000012'""").fetchall()
    assert key - key_by_ccg == pytest.approx(hackney, rel=1e-9)
