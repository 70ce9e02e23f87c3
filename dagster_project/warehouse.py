"""Short-lived DuckDB connections and the raw-table writer.

DuckDB allows one writer: every function opens the file, does its work in one transaction and
closes it. Readers open read-only. Nothing holds the warehouse open between steps.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from .raw.tabular import REJECTED_COLUMNS, ParseResult
from .settings import DBT_DIR

# The loader's own tables, column -> DuckDB type (their DDL is made from these).
REJECTED_TABLE = {
    "table_name": "VARCHAR",
    **{c: ("INTEGER" if c == "row_number" else "VARCHAR") for c in REJECTED_COLUMNS},
}
LOAD_LOG_TABLE = {
    "table_name": "VARCHAR",
    "source_id": "VARCHAR",
    "source_file": "VARCHAR",
    "sheet": "VARCHAR",
    "sha256": "VARCHAR",
    "header_row": "INTEGER",
    "data_rows": "INTEGER",
    "skipped_rows": "INTEGER",
    "rejected_rows": "INTEGER",
    "loaded_at": "TIMESTAMP",
}


@functools.cache
def declared_types() -> dict[str, dict[str, str]]:
    """raw table -> column -> DuckDB type, as the dbt sources declare them (one home for what a raw
    column is: dbt/models/staging/<publisher>/_<publisher>__sources.yml). A column no source
    declares is text."""
    out: dict[str, dict[str, str]] = {}
    for p in sorted((DBT_DIR / "models" / "staging").rglob("_*__sources.yml")):
        for source in yaml.safe_load(p.read_text(encoding="utf-8"))["sources"]:
            for t in source["tables"]:
                out[t["name"]] = {c["name"]: c["data_type"] for c in t.get("columns", []) if c.get("data_type")}
    return out


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


def frame(records: list[dict], types: dict[str, str], columns: list[str] | None = None) -> pd.DataFrame:
    """The records as a frame typed by ``types`` (column -> DuckDB type): integers as Int64, floating
    numbers as float64, a timestamp as it is, everything else as text."""
    df = pd.DataFrame.from_records(records, columns=columns)
    for c in df.columns:
        kind = types.get(c, "varchar").lower()
        if kind in ("bigint", "integer", "int", "smallint", "hugeint"):
            df[c] = pd.to_numeric(df[c], errors="raise").astype("Int64")
        elif kind in ("double", "float", "real") or kind.startswith("decimal"):
            df[c] = pd.to_numeric(df[c], errors="raise").astype("float64")
        elif not kind.startswith("timestamp"):
            df[c] = df[c].astype("string")
    return df


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for name, columns in (("rejected_rows", REJECTED_TABLE), ("load_log", LOAD_LOG_TABLE)):
        ddl = ", ".join(f"{c} {t}" for c, t in columns.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS raw.{name} ({ddl})")


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
    if not result.records and not result.parts:
        raise ValueError(f"raw.{table}: no rows parsed from {source_ids}")
    if result.records and result.parts:
        raise ValueError(f"raw.{table}: rows both in memory and in Parquet files; a table's files are parsed one way")
    data = frame(result.records, declared_types().get(table, {})) if result.records else None
    rejected = frame(result.rejected, REJECTED_TABLE, REJECTED_COLUMNS)
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
        ],
        LOAD_LOG_TABLE,
    )
    with connect(path) as con:
        ensure_schemas(con)
        con.execute("BEGIN")
        if data is not None:
            con.register("data_df", data)
        else:  # typed by the parsing workers; a column some files lack is NULL in their rows
            files = ", ".join("'" + p.replace("'", "''") + "'" for p in result.parts)
            con.execute(f"CREATE TEMP VIEW data_df AS SELECT * FROM read_parquet([{files}], union_by_name = true)")
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
    return {"rows": len(data) if data is not None else result.part_rows, "rejected": len(rejected)}
