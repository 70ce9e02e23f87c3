"""Short-lived DuckDB connections and the raw-table writer.

DuckDB allows one writer: every function opens the file, does its work in one transaction and
closes it. Readers open read-only. Nothing holds the warehouse open between steps.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd

from .raw.tabular import REJECTED_COLUMNS, ParseResult

NUMERIC = {
    "value",
    "value_gbp_thousand",
    "population",
    "population_70_plus",
    "imd_rank",
    "row_number",
    "deprived_people",
    "population_0_15",
    "population_16_59",
    "population_60_plus",
    "population_working_age",
    "cost_gbp_per_person",
    "imd_quintile",
    "line_number",
    "header_row",
    "data_rows",
    "skipped_rows",
    "rejected_rows",
}


class WarehouseError(RuntimeError):
    """A warehouse that cannot be opened, said in words: which file, what is wrong, what to do."""


def open_error(path: Path, exc: Exception) -> WarehouseError:
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "lock" in first.lower():
        return WarehouseError(
            f"another process holds {path} open for writing ({first}); close that session and try "
            "again (analysts open the warehouse read-only)"
        )
    return WarehouseError(
        f"{path} is not a readable DuckDB warehouse ({first}): it may be truncated or damaged. "
        "Run a full `totalplace build` to make it again"
    )


@contextlib.contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise open_error(path, exc) from None
    try:
        yield con
    finally:
        con.close()


def frame(records: list[dict], columns: list[str] | None = None) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records, columns=columns)
    for c in df.columns:
        if c in NUMERIC:
            df[c] = pd.to_numeric(df[c], errors="raise").astype(
                "float64"
                if c not in ("row_number", "line_number", "header_row", "data_rows", "skipped_rows", "rejected_rows")
                else "Int64"
            )
        else:
            df[c] = df[c].astype("string")
    return df


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute("""CREATE TABLE IF NOT EXISTS raw.rejected_rows (
        table_name VARCHAR, source_id VARCHAR, source_file VARCHAR, sheet VARCHAR, row_number INTEGER,
        column_name VARCHAR, cell_value VARCHAR, reason VARCHAR)""")
    con.execute("""CREATE TABLE IF NOT EXISTS raw.load_log (
        table_name VARCHAR, source_id VARCHAR, source_file VARCHAR, sheet VARCHAR, sha256 VARCHAR,
        header_row INTEGER, data_rows INTEGER, skipped_rows INTEGER, rejected_rows INTEGER,
        loaded_at TIMESTAMP)""")


def write_raw_table(
    path: Path,
    table: str,
    result: ParseResult,
    source_ids: list[str],
    sha256: dict[str, str],
    only_sources: bool = False,
) -> dict[str, int]:
    """Replace raw.<table> and this table's rows of raw.rejected_rows and raw.load_log, atomically.

    With ``only_sources`` (a partitioned run for some years), only the rows of ``source_ids`` are
    replaced and the table's other files are kept as they are."""
    if not result.records:
        raise ValueError(f"raw.{table}: no rows parsed from {source_ids}")
    data = frame(result.records)
    rejected = frame(result.rejected, REJECTED_COLUMNS)
    rejected.insert(0, "table_name", table)
    rej_by_sheet: dict[tuple[str, str], int] = {}
    for r in result.rejected:
        rej_by_sheet[(r["source_id"], r["sheet"])] = rej_by_sheet.get((r["source_id"], r["sheet"]), 0) + 1
    log = frame(
        [
            {
                **s,
                "table_name": table,
                "sha256": sha256.get(s["source_id"], ""),
                "rejected_rows": rej_by_sheet.get((s["source_id"], s["sheet"]), 0),
            }
            for s in result.stats
        ]
    )
    with connect(path) as con:
        ensure_schemas(con)
        con.execute("BEGIN")
        con.register("data_df", data)
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' AND table_name = ?", [table]
        ).fetchone()[0]
        if only_sources and exists:
            con.execute(f'DELETE FROM raw."{table}" WHERE source_id IN (SELECT unnest(?))', [source_ids])
            con.execute(f'INSERT INTO raw."{table}" BY NAME SELECT * FROM data_df')
            scope, args = "table_name = ? AND source_id IN (SELECT unnest(?))", [table, source_ids]
        else:
            con.execute(f'CREATE OR REPLACE TABLE raw."{table}" AS SELECT * FROM data_df')
            scope, args = "table_name = ?", [table]
        con.execute(f"DELETE FROM raw.rejected_rows WHERE {scope}", args)
        if len(rejected):
            con.register("rej_df", rejected)
            con.execute(
                "INSERT INTO raw.rejected_rows SELECT table_name, source_id, source_file, sheet, row_number, "
                "column_name, cell_value, reason FROM rej_df"
            )
        con.execute(f"DELETE FROM raw.load_log WHERE {scope}", args)
        con.register("log_df", log)
        con.execute(
            "INSERT INTO raw.load_log SELECT table_name, source_id, source_file, sheet, sha256, header_row, "
            "data_rows, skipped_rows, rejected_rows, now() FROM log_df"
        )
        con.execute("COMMIT")
    return {"rows": len(data), "rejected": len(rejected)}
