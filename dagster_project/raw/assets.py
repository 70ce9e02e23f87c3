"""Dagster assets of the pull step (one per source family) and of the raw layer (one per raw table).

Which files feed which raw table is the manifest's ``raw_table`` column; which parser reads them is
declared by each publisher module's ``TABLES``.
"""

import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from ..manifest import Source, by_family, families, load_manifest
from ..partitions import YEARLY_RAW_TABLES, partition_years, year_partitioning
from ..pull import landed_path, pull, sha256_of
from ..resources import TotalplaceConfig
from ..warehouse import write_raw_table
from .parse_pool import parse_files
from .parsers import PARSERS
from .tabular import ParseResult, SourceFormatError


def raw_tables(sources: list[Source]) -> dict[str, list[Source]]:
    tables: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        table = s.raw_table.removeprefix("raw.")
        if table not in PARSERS:
            raise SourceFormatError(
                f"manifest row {s.source_id} names raw table {s.raw_table!r}, which no parser "
                f"reads (known: {sorted(PARSERS)})",
                file="seeds/sources.csv",
            )
        tables[table].append(s)
    return dict(tables)


def pull_asset(family: str, sources: list[Source], partitioning: dict | None = None) -> dg.AssetsDefinition:
    @dg.asset(
        key=["landed", family],
        group_name="pull",
        kinds={"python"},
        **(partitioning or {}),
        description=f"Published files of {family} ({len(sources)} file(s)) taken from TOTALPLACE_MIRROR or "
        f"downloaded, sha256-verified against seeds/sources.csv, landed under TOTALPLACE_DATA.",
    )
    def _pull(context: dg.AssetExecutionContext, totalplace: TotalplaceConfig) -> dg.MaterializeResult:
        landed = pull(sources, totalplace.data_path, totalplace.mirror_path, log=context.log.info)
        return dg.MaterializeResult(
            metadata={
                "files": dg.MetadataValue.md(
                    "\n".join(f"- `{x.source.mirror_path}` ({x.how}) sha256 `{x.source.sha256[:12]}…`" for x in landed)
                ),
                "file_count": len(landed),
            }
        )

    return _pull


def parse_sources(
    table: str,
    sources: list[Source],
    data_dir: Path,
    workdir: Path | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[ParseResult, dict[str, str]]:
    """Parse every file of ``table``, each verified against the manifest's sha256 first, whatever the
    run (a one-year or returns build does not pull again, so the landed copy is checked here). Returns
    the rows and the sha256 actually computed per source (what raw.load_log records). With ``workdir``,
    a big table's files are parsed on every core and their rows left in Parquet files there
    (raw/parse_pool.py)."""
    hashes: dict[str, str] = {}
    files: list[tuple[Path, Source]] = []
    for s in sources:
        path = landed_path(s, data_dir)
        if not path.exists():
            raise FileNotFoundError(
                f"{s.mirror_path} [{s.source_id}] has not been pulled into {data_dir}; "
                f"materialise landed/{s.family} first (totalplace build does)"
            )
        actual = sha256_of(path)
        if actual != s.sha256:
            raise SourceFormatError(
                f"the landed file's sha256 is {actual}, the manifest (seeds/sources.csv, "
                f"{s.source_id}) says {s.sha256}: it changed after it was pulled. Run "
                "`totalplace pull` (or a full `totalplace build`) to land it again",
                file=str(path),
            )
        hashes[s.source_id] = actual
        files.append((path, s))
    return parse_files(table, files, workdir, log), hashes


def raw_asset(table: str, sources: list[Source], partitioning: dict | None = None) -> dg.AssetsDefinition:
    fams = sorted({s.family for s in sources})
    files = ", ".join(s.file_name for s in sources)
    yearly = partitioning is not None and table in YEARLY_RAW_TABLES

    @dg.asset(
        key=["raw", table],
        group_name="raw",
        kinds={"duckdb", "python"},
        deps=[dg.AssetKey(["landed", f]) for f in fams],
        description=f"raw.{table}: tidy rows with provenance (source file, sheet, row) from {files}."
        + (
            " One partition is one year's file, re-parsed alone."
            if yearly
            else " Each materialisation, whatever its years, reads every file (they cover several years)."
        ),
        metadata={
            "publisher": ", ".join(sorted({s.publisher for s in sources})),
            "sources": ", ".join(s.source_id for s in sources),
        },
        **(partitioning or {}),
    )
    def _raw(context: dg.AssetExecutionContext, totalplace: TotalplaceConfig) -> dg.MaterializeResult:
        t0 = time.perf_counter()
        years = partition_years(context) if yearly else None
        chosen = sources if years is None else [s for s in sources if s.financial_years in years]
        if years is not None:
            context.log.info(
                f"raw.{table}: financial year(s) {', '.join(years)}: {', '.join(s.file_name for s in chosen)}"
            )
        if not chosen:  # e.g. 2018-19 to 2020-21: no yearly file, the derived series holds the year
            context.log.info(f"raw.{table}: no file for {', '.join(years or [])}; the table is left as it is")
            return dg.MaterializeResult(
                metadata={"row_count": 0, "rejected_rows": 0, "note": "no yearly file for this partition"}
            )
        totalplace.data_path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".parsing-{table}-", dir=totalplace.data_path) as workdir:
            result, hashes = parse_sources(table, chosen, totalplace.data_path, Path(workdir), context.log.info)
            counts = write_raw_table(
                totalplace.warehouse_path,
                table,
                result,
                [s.source_id for s in chosen],
                hashes,
                only_sources=years is not None,
            )
        per_file = defaultdict(int)
        for st in result.stats:
            per_file[st["source_file"]] += st["data_rows"]
        context.log.info(
            f"raw.{table}: {counts['rows']:,} rows, {counts['rejected']} quarantined, {time.perf_counter() - t0:.1f}s"
        )
        return dg.MaterializeResult(
            metadata={
                "row_count": counts["rows"],
                "rejected_rows": counts["rejected"],
                "data_rows_per_file": dg.MetadataValue.json(dict(per_file)),
            }
        )

    return _raw


def build_assets(sources: list[Source] | None = None) -> list[dg.AssetsDefinition]:
    sources = load_manifest() if sources is None else sources
    partitioning = year_partitioning(sources)
    assets = [pull_asset(f, by_family(sources, f), partitioning) for f in families(sources)]
    assets += [raw_asset(t, ss, partitioning) for t, ss in sorted(raw_tables(sources).items())]
    return assets
