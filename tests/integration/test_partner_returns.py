"""Issue 5 round trip on the real warehouse: `totalplace template` for Hackney 2016-17, filled
programmatically for two bodies (one funding the other), ingested by `totalplace build --returns`;
a bad return is rejected with its problems named while the rest builds."""

from __future__ import annotations

import csv
import json
import re
import shutil

import duckdb
import openpyxl
import pytest
from conftest import published_copy, run_cli

from dagster_project.returns.assets import load_returns
from dagster_project.returns.catalogue import load_catalogue
from dagster_project.returns.ingest import read_return, validate
from dagster_project.returns.layout import CSV_COLUMNS

PLACE, YEAR, LONDON = "E09000012", "2016-17", "E12000007"
DFE = ("CG", "Department for Education", "Department for Education")
ACADEMIES = ("CG", "Department for Education", "Academies")


def body_sheet(wb, organisation):
    return next(wb[n] for n in wb.sheetnames[3:] if wb[n]["B6"].value == organisation)


def regional(con, division="09"):
    """London's total for each of the two bodies in the division (returned or apportioned; transfers apart)."""
    return dict(
        con.execute(
            """SELECT s.organisation, sum(s.amount_gbp) FROM intermediate.int_spend_with_returns s
                               JOIN intermediate.int_districts_described d USING (lad_code)
                               WHERE d.region_code = ? AND s.financial_year = ? AND s.cofog_division = ?
                                 AND s.department = 'Department for Education' AND s.method <> 'transfer_removed'
                                 AND s.organisation IN ('Academies', 'Department for Education') GROUP BY 1""",
            [LONDON, YEAR, division],
        ).fetchall()
    )


def estimate(con, body, division="09"):
    return con.execute(
        "SELECT coalesce(sum(amount_gbp), 0) FROM marts.fct_place_spend WHERE place_id = ? AND "
        "financial_year = ? AND sector = ? AND department = ? AND organisation = ? AND cofog_division = ?",
        [PLACE, YEAR, *body, division],
    ).fetchone()[0]


@pytest.fixture(scope="module")
def round_trip(built_warehouse, tmp_path_factory):
    base = tmp_path_factory.mktemp("returns")
    published, env = published_copy(built_warehouse, base)
    env["TOTALPLACE_RETURNS"] = str(base / "in")
    template = base / "hackney_2016-17.xlsx"
    made = run_cli(["template", "--place", PLACE, "--year", YEAR, "--out", str(template)], env)
    assert made.returncode == 0, made.stderr
    with duckdb.connect(str(published), read_only=True) as con:
        before = {
            "total": con.execute(
                "SELECT total_gbp FROM marts.place_totals WHERE place_id = ? AND financial_year = ?", [PLACE, YEAR]
            ).fetchone()[0],
            "dfe": estimate(con, DFE),
            "academies": estimate(con, ACADEMIES),
            "london": regional(con),
            "bodies": con.execute(
                "SELECT count(*) FROM (SELECT DISTINCT sector, department, organisation FROM "
                "marts.fct_place_spend WHERE place_id = ? AND financial_year = ? GROUP BY ALL "
                "HAVING abs(sum(amount_gbp)) >= 0.5)",
                [PLACE, YEAR],
            ).fetchone()[0],
        }

    (base / "in").mkdir()
    wb = openpyxl.load_workbook(template)
    dfe, academies = body_sheet(wb, "Department for Education"), body_sheet(wb, "Academies")
    assert dfe["A17"].value == "09" and academies["A17"].value == "09"
    dfe["E17"] = 150_000_000  # the department's own gross figure for education in Hackney
    dfe["G17"] = "gross, including grants passed to academies"
    academies["E17"] = 100_000_000  # the academies' spending, all of it funded by the department
    academies["F17"] = "CG | Department for Education | Department for Education"
    wb.save(base / "in" / "hackney_partners.xlsx")

    bad = openpyxl.load_workbook(template)
    sheet = body_sheet(bad, "Department for Education")
    sheet["A19"], sheet["E19"] = "11", 5_000  # a COFOG code that does not exist
    sheet["E16"] = -2_000  # a negative amount (division 08)
    sheet["A20"], sheet["E20"] = "07", 1_000  # the same line twice
    sheet["A21"], sheet["E21"] = "07", 1_000
    bad.save(base / "in" / "hackney_bad.xlsx")

    proc = run_cli(["build", "--returns"], env)
    assert proc.returncode == 0, proc.stderr[-4000:]
    # both files are for 2016-17 and none was published before: that year alone is rebuilt
    assert "the partner returns, new and published, cover 2016-17 to 2016-17: rebuilding those years alone" in (
        proc.stdout
    )
    assert "financial year partition(s): 2016-17\n" in proc.stdout
    return {"env": env, "published": published, "template": template, "before": before, "stdout": proc.stdout}


def test_template_has_a_validated_sheet_per_body_prefilled_with_the_estimate(round_trip):
    wb = openpyxl.load_workbook(round_trip["template"])
    assert wb.sheetnames[:3] == ["Instructions", "Index", "Lists"]
    bodies = wb.sheetnames[3:]
    # the index names every body in full and links to its sheet; no sheet name is cut mid-word
    index = wb["Index"]
    assert [index.cell(r, 1).value for r in range(2, len(bodies) + 2)] == bodies
    full = [index.cell(r, 4).value for r in range(2, len(bodies) + 2)]
    for sheet, name in zip(bodies, full, strict=False):
        shown = sheet[4:]  # after "001 "
        legal = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\']", " ", name)).strip()  # what Excel allows in a sheet name
        assert len(sheet) <= 31
        if shown.endswith("\u2026"):  # cut at a word, and marked
            kept = shown[:-1].rstrip(" ,-")
            assert legal.startswith(kept) and legal[len(kept)] in " ,-"
        else:
            assert shown == legal
    assert "Department for Digital, Culture, Media and Sport" in full
    assert len(bodies) == round_trip["before"]["bodies"] > 100
    prefilled = sum(wb[n].cell(r, 3).value or 0 for n in bodies for r in range(9, 19))
    assert prefilled == pytest.approx(round_trip["before"]["total"], abs=len(bodies) * 10)
    academies = body_sheet(wb, "Academies")
    assert academies["C17"].value == round(round_trip["before"]["academies"])
    # academies: CRA 2021 (the latest vintage of 2016-17) puts all of it in 09.2 secondary education, placed
    # by the population of school age
    assert academies["D17"].value.split(", ") == ["apportioned_indicator (school_age_population)"]
    rules = {str(dv.sqref): dv for dv in academies.data_validations.dataValidation}
    assert rules["A9:A28"].type == "list" and rules["A9:A28"].formula1 == "Lists!$A$2:$A$11"
    assert rules["E9:E28"].type == "decimal" and rules["E9:E28"].operator == "greaterThanOrEqual"
    assert rules["F9:F28"].type == "list" and rules["F9:F28"].formula1.startswith("Lists!$C$2")
    assert [wb["Lists"].cell(r, 1).value for r in range(2, 12)] == [f"{i:02d}" for i in range(1, 11)]


def test_returned_figures_replace_estimates_and_the_transfer_is_counted_once(round_trip):
    b = round_trip["before"]
    with duckdb.connect(str(round_trip["published"]), read_only=True) as con:
        total = con.execute(
            "SELECT total_gbp FROM marts.place_totals WHERE place_id = ? AND financial_year = ?", [PLACE, YEAR]
        ).fetchone()[0]
        rows = con.execute(
            """SELECT organisation, method, sum(amount_gbp) FROM marts.fct_place_spend
                              WHERE place_id = ? AND financial_year = ? AND cofog_division = '09'
                                AND organisation IN ('Academies', 'Department for Education')
                                AND department = 'Department for Education' GROUP BY ALL""",
            [PLACE, YEAR],
        ).fetchall()
        refs = con.execute(
            "SELECT DISTINCT return_reference FROM marts.fct_place_spend WHERE method = 'actual_return' "
            "AND place_id = ?",
            [PLACE],
        ).fetchall()
        recon = con.execute(
            "SELECT difference_gbp, transfers_removed_gbp FROM marts.reconciliation "
            "WHERE region_code = ? AND financial_year = ? AND sector = 'CG'",
            [LONDON, YEAR],
        ).fetchone()
        london = regional(con)
    got = {(o, m): a for o, m, a in rows}
    # the count used the returned figures, not the estimates
    assert got == pytest.approx(
        {
            ("Department for Education", "actual_return"): 150e6,
            ("Department for Education", "transfer_removed"): -100e6,
            ("Academies", "actual_return"): 100e6,
        }
    )
    assert {r for (r,) in refs} == {
        "hackney_partners.xlsx, sheet '062 Academies', row 17",
        "hackney_partners.xlsx, sheet '066 Department for Education', row 17",
    }
    # the £100m the department funded is counted once, at the academies
    assert got[("Department for Education", "actual_return")] + got[
        ("Department for Education", "transfer_removed")
    ] == pytest.approx(50e6)
    # the place total moved by exactly: returned (150m + 100m - 100m transfer) - the two estimates replaced
    assert total - b["total"] == pytest.approx(150e6 - b["dfe"] - b["academies"], abs=1)
    # conservation still holds for London: CG allocated equals the published figure; the transfer is reported
    assert abs(recon[0]) < 1 and recon[1] == pytest.approx(100e6)
    # and for each of the two bodies: London's education figure is what it was, Hackney's share re-apportioned
    assert london == pytest.approx(b["london"], abs=1)


def test_a_bad_return_is_rejected_with_each_problem_named_and_the_rest_builds(round_trip):
    out = round_trip["stdout"]
    assert "partner return hackney_partners.xlsx: accepted, 2 line(s)" in out
    assert "partner return hackney_bad.xlsx: rejected" in out
    sheet = "sheet '066 Department for Education'"
    assert f"hackney_bad.xlsx, {sheet}, row 19, column A (cofog_division): not a COFOG division (01 to 10): '11'" in out
    assert f"hackney_bad.xlsx, {sheet}, row 16, column E (own_figure_gbp): negative amount" in out
    assert f"hackney_bad.xlsx, {sheet}, row 20, column A (cofog_division): duplicated line" in out
    assert f"hackney_bad.xlsx, {sheet}, row 21, column A (cofog_division): duplicated line" in out
    with duckdb.connect(str(round_trip["published"]), read_only=True) as con:
        files = {
            f: (s, json.loads(p))
            for f, s, p in con.execute("SELECT return_file, status, problems FROM raw.partner_return_files").fetchall()
        }
        counted = con.execute("SELECT DISTINCT return_file FROM raw.partner_returns").fetchall()
    assert files["hackney_bad.xlsx"][0] == "rejected" and len(files["hackney_bad.xlsx"][1]) == 4
    assert files["hackney_partners.xlsx"][0] == "accepted"
    assert counted == [("hackney_partners.xlsx",)]  # nothing from the rejected file is counted
    report = round_trip["published"].parent / "returns_reports" / "hackney_bad.xlsx.txt"
    assert report.read_text().startswith("hackney_bad.xlsx: REJECTED whole, 4 problem(s)")


def test_a_csv_return_naming_an_unknown_body_and_funder_is_rejected(built_warehouse, tmp_path):
    path = tmp_path / "partners.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        w.writerow([PLACE, YEAR, "CG", "Department for Education", "Academies", "09", "1,000", "", ""])
        w.writerow([PLACE, YEAR, "CG", "Department for Education", "Academys", "09", "10", "", "typo"])
        w.writerow([PLACE, YEAR, "CG", "Department for Education", "Academies", "10", "10", "CG | Nobody | Nobody", ""])
        w.writerow(["E99999999", "2030-31", "CG", "Department for Education", "Academies", "09", "abc", "", ""])
    rf = validate(read_return(path), load_catalogue(built_warehouse["warehouse"]))
    problems = "\n".join(rf.problems)
    assert not rf.accepted
    assert "partners.csv, row 5, column G (own_figure_gbp): 'abc' is not a number" in problems
    assert (
        "partners.csv, row 3, column E (organisation): body not known to the count for that year: 'Academys'"
        in problems
    )
    assert "partners.csv, row 4, column H (funding_source): funding source not in the list of bodies" in problems
    assert "partners.csv, row 5, column A (place_id): unknown place" in problems
    assert "partners.csv, row 5, column B (financial_year): financial year outside the count" in problems
    assert rf.lines[0]["own_figure_gbp"] == 1000


def test_a_first_build_with_returns_stages_what_it_checks_them_against(built_warehouse, tmp_path):
    """A first build has no published warehouse to start from, so no staged views: the returns step has
    dbt make them (and only them) and checks the return, instead of stopping the build."""
    first = tmp_path / "warehouse" / "totalplace.duckdb"
    first.parent.mkdir()
    shutil.copyfile(built_warehouse["warehouse"], first)
    with duckdb.connect(str(first)) as con:  # what a first build has when the returns are read: raw only
        for schema in ("staging", "intermediate", "marts", "seeds"):
            con.execute(f"DROP SCHEMA {schema} CASCADE")
    (tmp_path / "in").mkdir()
    with open(tmp_path / "in" / "partners.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        w.writerow([PLACE, YEAR, "CG", "Department for Education", "Academies", "09", "1,000", "", ""])
        w.writerow([PLACE, YEAR, "CG", "Department for Education", "Academys", "09", "10", "", "typo"])
    (rf,) = load_returns(first, tmp_path / "in", log=lambda _: None)
    assert not rf.accepted
    assert rf.problems == [
        "partners.csv, row 3, column E (organisation): body not known to the count for that year: 'Academys'"
    ]
    with duckdb.connect(str(first), read_only=True) as con:
        made = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_schema IN ('staging', 'intermediate', 'marts') ORDER BY 1"
        ).fetchall()
        assert made == [("staging.stg_hmt__cra",), ("staging.stg_mhclg__rs_returns",), ("staging.stg_un__cofog",)]
        assert con.execute("SELECT count(*) FROM raw.partner_return_files WHERE status = 'rejected'").fetchone() == (1,)
