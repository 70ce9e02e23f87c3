"""`totalplace build` on the real files into a temporary warehouse, then bad builds that must not
touch it."""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import pytest
from conftest import published_copy, run_cli


def q(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_build_loads_every_file_with_spot_values(built_warehouse, manifest):
    w = built_warehouse["warehouse"]
    assert "build OK" in built_warehouse["stdout"] and "gate(s) passed" in built_warehouse["stdout"]
    logged = {r[0] for r in q(w, "SELECT DISTINCT source_id FROM raw.load_log")}
    assert logged == set(manifest)  # every manifest row pulled, verified and loaded
    assert q(w, "SELECT data_rows FROM raw.load_log WHERE source_id = 'cra_2018'") == [(21135,)]
    assert q(w, "SELECT data_rows FROM raw.load_log WHERE source_id = 'rs_2016_17'") == [(446,)]
    assert q(
        w,
        "SELECT value_gbp_thousand FROM raw.revenue_outturn_rs WHERE ecode = 'E5013' "
        "AND financial_year = '2016-17' AND line_number = 749",
    ) == [(842670.0,)]
    [(london,)] = q(
        w,
        "SELECT sum(value) FROM raw.cra WHERE source_id = 'cra_2018' AND financial_year = '2016-17' "
        "AND region = 'ENGLAND_London' AND id_or_non_id = 'ID' AND sector = 'CG'",
    )
    assert london == pytest.approx(57_790_783, abs=1)
    assert q(w, "SELECT count(*) FROM raw.rejected_rows") == [(0,)]
    # dbt staging ran on top of the gated raw layer: pounds, whatever the published unit
    [(gbp,)] = q(
        w,
        "SELECT sum(amount_gbp) FROM staging.stg_hmt__cra WHERE source_id = 'cra_2018' "
        "AND financial_year = '2016-17' AND region_published = 'ENGLAND_London' AND is_identifiable AND sector = "
        "'CG'",
    )
    assert gbp == pytest.approx(57_790_783_000, rel=1e-9)


def test_status_lists_every_file(built_warehouse):
    proc = run_cli(["status"], built_warehouse["env"])
    assert proc.returncode == 0
    assert "rs_2016_17" in proc.stdout and "RS_2016-17_data_by_LA.xlsx" in proc.stdout


def test_failed_builds_leave_the_published_warehouse_untouched(built_warehouse, mirror, manifest, tmp_path):
    w, published_env = published_copy(built_warehouse, tmp_path)  # its own copy: other tests read the session's
    before = hashlib.sha256(w.read_bytes()).hexdigest()
    reader = duckdb.connect(str(w), read_only=True)  # an analyst's session stays open throughout
    try:
        # 1. a file missing from the mirror, nothing landed yet: the pull names it
        partial = tmp_path / "mirror"
        shutil.copytree(mirror, partial)
        missing = manifest["geo_region_codes"]
        (partial / missing.mirror_path).unlink()
        env = {**published_env, "TOTALPLACE_MIRROR": str(partial), "TOTALPLACE_DATA": str(tmp_path / "data")}
        proc = run_cli(["build"], env)
        assert proc.returncode == 1
        assert (
            f"{missing.mirror_path} [{missing.source_id}] not found: put it at {partial / missing.mirror_path}"
            in proc.stderr
        )
        assert "the published warehouse was not touched" in proc.stderr
        assert hashlib.sha256(w.read_bytes()).hexdigest() == before

        # 2. a truncated (corrupted) file in the mirror: the pull refuses it and lands nothing
        s = manifest["un_cofog"]
        text = (partial / s.mirror_path).read_bytes().split(b"\n")
        (partial / s.mirror_path).write_bytes(b"\n".join(text[:12]) + b"\n")
        shutil.copy(mirror / missing.mirror_path, partial / missing.mirror_path)
        data = tmp_path / "data"
        shutil.rmtree(data, ignore_errors=True)
        proc = run_cli(["pull"], env)
        assert proc.returncode == 2 and "checksum mismatch for un_cofog/cofog.csv" in proc.stderr
        # nothing of the bad file is landed (no file, no partial download) while the good ones are
        landed = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()}
        assert s.mirror_path not in landed and not [p for p in landed if p.startswith("un_cofog/")]
        assert reader.execute("SELECT count(*) FROM raw.cofog").fetchone()[0] == 188
    finally:
        reader.close()
    assert q(w, "SELECT count(*) FROM raw.cra WHERE source_id = 'cra_2018'")[0][0] == 21135 * 5


def test_cra_staging_harmonises_vintages(built_warehouse):
    w = built_warehouse["warehouse"]
    # both spellings of Yorkshire are kept as rows and both map to E12000003, so they add up
    rows = dict(
        q(
            w,
            "SELECT region_published, count(*) FROM staging.stg_hmt__cra WHERE region_code = 'E12000003' "
            "AND vintage = 'CRA 2018' GROUP BY 1",
        )
    )
    assert set(rows) == {"ENGLAND_Yorkshire and The Humber", "ENGLAND_Yorkshire and the Humber"}
    [(raw_total,)] = q(
        w,
        "SELECT sum(value) * 1000 FROM raw.cra WHERE source_id = 'cra_2018' AND financial_year = '2016-17' "
        "AND lower(region) = 'england_yorkshire and the humber'",
    )
    [(stg_total,)] = q(
        w,
        "SELECT sum(amount_gbp) FROM staging.stg_hmt__cra WHERE vintage = 'CRA 2018' "
        "AND financial_year = '2016-17' AND region_code = 'E12000003'",
    )
    assert stg_total == pytest.approx(raw_total, rel=1e-12)
    assert q(w, "SELECT count(*) FROM staging.stg_hmt__cra WHERE region_code IS NULL") == [(0,)]
    # CRA 2010 is in £ million: staging multiplies by 10^6; its LA sector becomes LG
    [(raw_m, stg_gbp)] = q(
        w,
        "SELECT (SELECT sum(value) FROM raw.cra WHERE source_id = 'cra_2010_ch9' AND sector = 'LA' "
        "AND financial_year = '2008-09'), (SELECT sum(amount_gbp) FROM staging.stg_hmt__cra "
        "WHERE source_id = 'cra_2010_ch9' AND sector = 'LG' AND financial_year = '2008-09')",
    )
    assert stg_gbp == pytest.approx(raw_m * 1e6, rel=1e-12)
    assert q(
        w,
        "SELECT cofog_division, cofog_group FROM staging.stg_hmt__cra WHERE cofog_subfunction = '10.4 Family and "
        "children' LIMIT 1",
    ) == [("10", "10.4")]
