"""A big raw table's files parsed in worker processes (raw/parse_pool.py) give the table a serial parse gives."""

from __future__ import annotations

import duckdb
import pytest
from test_parsers_generated import COFOG_CSV, source, write

from dagster_project.raw import parse_pool
from dagster_project.raw.tabular import SourceFormatError
from dagster_project.settings import parse_workers
from dagster_project.warehouse import write_raw_table


def _files(tmp_path, texts):
    return [
        (write(tmp_path, f"cofog_{i}.csv", text), source(f"un_cofog_{i}", f"cofog_{i}.csv", "raw.cofog"))
        for i, text in enumerate(texts)
    ]


def _table(tmp_path, name, result, files):
    wh = tmp_path / f"{name}.duckdb"
    counts = write_raw_table(wh, "cofog", result, [s.source_id for _, s in files], {})
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute("SELECT * FROM raw.cofog ORDER BY source_id, row_number").fetchall()
        types = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'cofog' ORDER BY ordinal_position"
        ).fetchall()
        rejected = con.execute("SELECT source_file, row_number, cell_value FROM raw.rejected_rows").fetchall()
    return counts, rows, types, rejected


def test_files_parsed_by_workers_load_the_same_table_as_a_serial_parse(tmp_path, monkeypatch):
    texts = [COFOG_CSV, COFOG_CSV.replace("07.3,Hospital", "7-3,Hospital"), COFOG_CSV.replace("10,Social", "10,Soc")]
    files = _files(tmp_path, texts)
    serial = parse_pool.parse_files("cofog", files)
    assert serial.records and not serial.parts
    monkeypatch.setattr(parse_pool, "POOL_MIN_BYTES", 0)
    monkeypatch.setenv("TOTALPLACE_PARSE_WORKERS", "2")
    work = tmp_path / "work"
    work.mkdir()
    pooled = parse_pool.parse_files("cofog", files, work, log=print)
    assert not pooled.records and len(pooled.parts) == 3 and pooled.part_rows == len(serial.records) == 14
    assert pooled.stats == serial.stats and pooled.rejected == serial.rejected
    assert _table(tmp_path, "pooled", pooled, files) == _table(tmp_path, "serial", serial, files)
    counts, rows, _, rejected = _table(tmp_path, "pooled2", pooled, files)
    assert len(rows) == 14
    assert counts == {"rows": 14, "rejected": 1} and rejected == [("cofog_1.csv", 4, "7-3")]


def test_a_workers_parse_error_names_the_file_as_a_serial_parse_would(tmp_path, monkeypatch):
    files = _files(tmp_path, [COFOG_CSV, COFOG_CSV.replace("Description_EN", "Label"), COFOG_CSV])
    monkeypatch.setattr(parse_pool, "POOL_MIN_BYTES", 0)
    monkeypatch.setenv("TOTALPLACE_PARSE_WORKERS", "2")
    with pytest.raises(SourceFormatError) as err:
        parse_pool.parse_files("cofog", files, tmp_path)
    assert str(err.value).startswith("cofog_1.csv") and "description" in str(err.value).lower()
    assert err.value.file == "cofog_1.csv"


def test_a_bad_worker_count_is_a_message(monkeypatch):
    monkeypatch.setenv("TOTALPLACE_PARSE_WORKERS", "two")
    with pytest.raises(ValueError, match="TOTALPLACE_PARSE_WORKERS must be a whole number"):
        parse_workers()
