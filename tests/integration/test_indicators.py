"""Place-level indicators on the real warehouse: what they place, that they conserve, and that a
district missing from an indicator file stops the build with its name."""

from __future__ import annotations

import csv
import hashlib
import shutil

import pytest
from conftest import PLACE_YEARS, ROOT, run_cli

WEST_MIDLANDS = "E12000005"  # no district of the West Midlands merged since 2018: its 2018, 2019 and 2023 codes agree
MALVERN_HILLS = "E07000235"  # the region's oldest district


def test_most_of_the_count_is_placed_by_a_return_or_an_indicator(con):
    shares = dict(
        con.execute("""
        SELECT financial_year, sum(amount_gbp) FILTER (WHERE method IN (
            SELECT method FROM seeds.methods WHERE basis IN ('actual', 'indicator')))  -- funder allocations too
                               / sum(amount_gbp)
        FROM marts.fct_place_spend f JOIN seeds.places p USING (place_id)
        WHERE p.place_kind = 'district' GROUP BY 1""").fetchall()
    )
    assert len(shares) == 17
    assert shares["2016-17"] >= 0.60  # population alone placed 86% of it before the indicators
    assert min(shares.values()) > 0.5  # 2008-09 too, through its split of functions into groups


def test_old_age_stream_is_the_regional_figure_times_the_pension_age_share(con):
    """Recomputed from the raw tables alone: CRA 2021's West Midlands old-age (10.2) figure for 2016-17
    (the latest vintage that publishes the year) times Malvern Hills' share of the region's people of 65
    and over (mid-2018 rate per head, scaled to the revised mid-2016 population of the mid-2023 release)."""
    regional = con.execute("""
        SELECT sum(value) * 1000 FROM raw.cra
        WHERE source_id = 'cra_2021' AND financial_year = '2016-17' AND region = 'ENGLAND_West Midlands'
          AND id_or_non_id = 'ID' AND cofog_subfunction LIKE '10.2 %'
          AND (sector IN ('CG', 'PC') OR (sector = 'LG' AND cap_or_cur LIKE
              '%CAP'))""").fetchone()[0]  # CAP or TES_CAP
    shares = dict(
        con.execute(
            """
        WITH districts AS (SELECT lad_code FROM intermediate.int_districts_described WHERE region_code = ?),
        age AS (SELECT area_code, sum(population) FILTER (WHERE cast(regexp_extract(age, '^(\\d+)', 1) AS INT) >= 65)
                                  / sum(population) AS rate
                FROM raw.ons_population_by_age WHERE sex IN ('male', 'female') AND age <> 'all ages' GROUP BY 1),
        pop AS (SELECT area_code, population FROM raw.ons_district_population_2023 WHERE mid_year = '2016')
        SELECT d.lad_code, age.rate * pop.population / sum(age.rate * pop.population) OVER ()
        FROM districts d JOIN age ON age.area_code = d.lad_code JOIN pop ON pop.area_code = d.lad_code""",
            [WEST_MIDLANDS],
        ).fetchall()
    )
    assert len(shares) == 30 and sum(shares.values()) == pytest.approx(1)
    counted = con.execute(
        """
        SELECT sum(amount_gbp), min(method), max(method), min(indicator_id) FROM marts.fct_place_spend
        WHERE place_id = ? AND financial_year = '2016-17' AND cofog_group = '10.2' AND source_id = 'cra_2021'""",
        [MALVERN_HILLS],
    ).fetchone()
    assert counted[1:] == ("apportioned_indicator", "apportioned_indicator", "pension_age_population")
    assert counted[0] == pytest.approx(regional * shares[MALVERN_HILLS], abs=1.0)
    # and not what population alone gives: Malvern Hills is older than its region
    by_population = con.execute(
        """SELECT sum(population_only_gbp) FROM marts.fct_place_spend WHERE place_id = ?
        AND financial_year = '2016-17' AND cofog_group = '10.2' AND source_id = 'cra_2021'""",
        [MALVERN_HILLS],
    ).fetchone()[0]
    assert counted[0] > by_population * 1.05


def test_health_weight_of_an_older_district_exceeds_a_younger_one(con):
    """Rother (95,656 people in mid-2018, 32% aged 65+) against Harlow (86,594, 15%): similar head
    counts, and Harlow the more deprived, but age dominates NHS cost."""
    rows = {
        lad: (pop, old, weight)
        for lad, pop, old, weight in con.execute("""
        WITH age AS (SELECT area_code, sum(population) AS pop,
                            sum(population) FILTER (WHERE cast(regexp_extract(age, '^(\\d+)', 1) AS INT) >= 65) /
                                sum(population) AS old
                     FROM raw.ons_population_by_age WHERE sex IN ('male', 'female') AND age <> 'all ages' GROUP BY 1)
        SELECT r.lad_code_2019, age.pop, age.old, r.rate_per_head
        FROM intermediate.int_indicator_rates_referenced r JOIN age ON age.area_code = r.lad_code_2019
        WHERE r.indicator_id = 'health_need_weighted_population' AND r.lad_code_2019 IN ('E07000064',
            'E07000073')""").fetchall()
    }
    rother, harlow = rows["E07000064"], rows["E07000073"]
    assert abs(rother[0] - harlow[0]) / harlow[0] < 0.15 and rother[1] > 2 * harlow[1]
    assert rother[2] > harlow[2] * 1.1
    # the weight is relative to England's average cost per head
    avg = con.execute("""SELECT sum(value_at_reference) / sum(population_at_reference) FROM
        intermediate.int_indicator_rates_referenced
                         WHERE indicator_id = 'health_need_weighted_population'""").fetchone()[0]
    assert avg == pytest.approx(1.0, abs=1e-9)


def test_cg_pc_conserved_in_every_region_year_and_2008_09_groups_add_back(con):
    worst, n = con.execute(
        "SELECT max(abs(difference_gbp)), count(*) FROM marts.reconciliation WHERE sector IN ('CG', 'PC')"
    ).fetchone()
    assert n == 9 * 17 * 2 and worst < 1000
    # 2008-09 is published by function only: split into groups, it still adds to each published division
    split = con.execute("""
        WITH s AS (SELECT region_code, sector, cofog_division, sum(amount_gbp) AS gbp, count(DISTINCT cofog_group) AS
            groups,
                          min(cofog_group_basis) AS basis
                   FROM intermediate.int_cra_groups_split WHERE financial_year = '2008-09' GROUP BY ALL),
             p AS (SELECT region_code, sector, cofog_division, sum(amount_gbp) AS gbp FROM
                 intermediate.int_cra_vintages_deduplicated
                   WHERE financial_year = '2008-09' AND is_identifiable AND region_kind = 'english_region'
                     AND (sector IN ('CG', 'PC') OR (sector = 'LG' AND cap_or_cur = 'CAP')) AND amount_gbp IS NOT NULL
                         GROUP BY ALL)
        SELECT max(abs(s.gbp - p.gbp)), max(s.groups), min(s.basis) FROM s JOIN p USING (region_code, sector,
            cofog_division)
        WHERE s.cofog_division = '10'""").fetchone()
    assert split[0] < 1e-3 and split[1] >= 5 and split[2] == "split by the region's 2009-10 group shares"


def test_method_sensitivity_explains_every_place_year(con):
    worst = con.execute("""
        WITH m AS (SELECT place_id, financial_year, sum(difference_gbp) AS moved FROM marts.method_sensitivity GROUP
            BY ALL)
        SELECT max(abs(t.total_gbp - t.population_only_total_gbp - coalesce(m.moved, 0))), count(*)
        FROM marts.place_totals t LEFT JOIN m USING (place_id, financial_year)""").fetchone()
    assert worst[1] == PLACE_YEARS and worst[0] < 1.0
    # England's total does not move: the indicators only share each regional figure differently
    england = con.execute("""SELECT sum(total_gbp) - sum(population_only_total_gbp) FROM marts.place_totals t
        JOIN seeds.places p USING (place_id) WHERE p.place_kind = 'district' AND financial_year =
            '2016-17'""").fetchone()[0]
    assert abs(england) < 1000


def test_neighbourhoods_use_the_age_bands_and_say_where_they_fall_back(con):
    rows = dict(
        con.execute("""SELECT lsoa_basis || ' ' || method, count(*) FROM marts.fct_neighbourhood_spend
                               WHERE lad_code = 'E09000012' AND financial_year = '2016-17' GROUP BY 1""").fetchall()
    )
    assert set(rows) == {
        "population apportioned_population",
        "population_0_15 apportioned_indicator",
        "population_60_plus apportioned_indicator",
        "health_need apportioned_indicator",
    }
    # old-age money goes to the LSOAs with more people of 60 and over, not by head count
    top, bottom = con.execute("""
        WITH l AS (SELECT n.lsoa_code, sum(n.amount_gbp) / any_value(s.population_2018) AS per_head,
                          any_value(b.population_60_plus) / any_value(b.population) AS old
                   FROM marts.fct_neighbourhood_spend n JOIN intermediate.int_lsoas_shared s USING (lsoa_code)
                   JOIN staging.stg_mhclg__lsoa_population_denominators b USING (lsoa_code)
                   WHERE n.lad_code = 'E09000012' AND n.financial_year = '2016-17' AND n.lsoa_basis =
                       'population_60_plus'
                   GROUP BY 1)
        SELECT (SELECT avg(per_head) FROM (SELECT per_head FROM l ORDER BY old DESC LIMIT 20)),
               (SELECT avg(per_head) FROM (SELECT per_head FROM l ORDER BY old LIMIT 20))""").fetchone()
    assert top > 2 * bottom


def test_count_by_method_shows_the_population_only_figure(built_warehouse):
    proc = run_cli(["count", "--place", "E09000012", "--year", "2016-17", "--by", "method"], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr
    assert "by population only" in proc.stdout and "placed by place-level indicators" in proc.stdout
    assert "indicator: pension_age_population" in proc.stdout and "indicator: income_deprived" in proc.stdout


@pytest.mark.filterwarnings("ignore:DrawingML support is incomplete")
def test_a_district_missing_from_an_indicator_file_fails_a_blocking_gate(built_warehouse, mirror, tmp_path):
    """IoD 2019 File 10 without Hackney's Income row: the build fails on the indicator gate, which names
    the district and the indicator; the published warehouse is byte for byte as it was."""
    import openpyxl

    published = tmp_path / "warehouse" / "totalplace.duckdb"
    published.parent.mkdir()
    shutil.copyfile(built_warehouse["warehouse"], published)
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    bad_mirror = tmp_path / "mirror"
    shutil.copytree(mirror, bad_mirror, ignore=shutil.ignore_patterns("SHA256SUMS"))
    path = bad_mirror / "mhclg_deprivation" / "File_10_-_IoD2019_Local_Authority_District_Summaries__lower-tier__.xlsx"
    path.chmod(0o644)
    wb = openpyxl.load_workbook(path)
    sheet = wb["Income"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "E09000012")
    sheet.delete_rows(row)
    wb.save(path)
    manifest = tmp_path / "sources.csv"
    with open(ROOT / "seeds" / "sources.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    for r in rows:
        if r[0] == "iod_2019_district_summaries":
            r[8] = hashlib.sha256(path.read_bytes()).hexdigest()
    with open(manifest, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    env = {
        **built_warehouse["env"],
        "TOTALPLACE_MIRROR": str(bad_mirror),
        "TOTALPLACE_MANIFEST": str(manifest),
        "TOTALPLACE_DATA": str(tmp_path / "data"),
        "TOTALPLACE_WAREHOUSE": str(published),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    # the scaled indicators and everything they are made from (the files pulled and parsed again), with their
    # gates: the gate reads the districts and the seed of indicators beside the scaled table
    select = "+key:intermediate/int_district_indicators_scaled"
    proc = run_cli(["build", "--select", select], env)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert (
        "gate failed: intermediate/int_district_indicators_scaled assert_every_district_has_its_indicators"
        in proc.stderr
    )
    assert "lad_code=E09000012, lad_name=Hackney, indicator_id=income_deprived" in proc.stderr
    assert "the published warehouse was not touched" in proc.stderr
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before
