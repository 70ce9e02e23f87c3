"""Financial-year partitions, shared by every asset of the build.

One published RS file is one financial year, so the raw RS table is partitioned by the year of its
files (read from the manifest's ``financial_years`` column) and a year can be re-parsed alone. The dbt
models are built per year (a run for some years passes them to dbt as ``--vars {"years": [...]}``);
their tables are rebuilt from the raw tables, which hold every year; the gates check the years the
run covers.

Every other asset (the pull, the CRA, ONS and other multi-year files, the partner returns, the
publish) carries the same partitions with a single-run backfill policy, although each of its
materialisations reads its whole file: that is what lets "Materialize all" over every year in the UI,
or `dagster asset materialize --select '*' --partition-range ...`, run as ONE run, in dependency order,
into one working warehouse that is published at its end (resources.py). A backfill of assets with
different partitions would be split into several runs, and the publish would see only part of the
build.
"""

import dagster as dg

from .manifest import Source, load_manifest

YEARLY_RAW_TABLES = ("revenue_outturn_rs",)
# Multi-year files that are a year's local government return where no yearly file exists (the
# derived revenue outturn series is the only source for 2018-19 to 2020-21): their years are
# partitions too, although the file is read whole.
MULTI_YEAR_RETURN_TABLES = ("derived_revenue_outturn",)


def _expand(span: str) -> list[str]:
    """'2017-18..2020-21' -> ['2017-18', '2018-19', '2019-20', '2020-21']."""
    first, last = (int(p[:4]) for p in span.split(".."))
    return [f"{y}-{str(y + 1)[2:]}" for y in range(first, last + 1)]


def yearly_sources(sources: list[Source]) -> list[Source]:
    return [s for s in sources if s.raw_table.removeprefix("raw.") in YEARLY_RAW_TABLES]


def financial_years(sources: list[Source] | None = None) -> list[str]:
    sources = load_manifest() if sources is None else sources
    years = {s.financial_years for s in yearly_sources(sources)}
    bad = sorted(y for y in years if ".." in y or len(y) != 7)
    if bad:
        raise ValueError(f"seeds/sources.csv: yearly sources must each cover one financial year (YYYY-YY); got {bad}")
    for s in sources:
        if s.raw_table.removeprefix("raw.") in MULTI_YEAR_RETURN_TABLES:
            years.update(_expand(s.financial_years))
    return sorted(years)


def year_range(first: str, last: str, known: list[str] | None = None) -> list[str]:
    """The known financial years from ``first`` to ``last`` inclusive (empty if first comes after last)."""
    known = financial_years() if known is None else known
    return known[known.index(first) : known.index(last) + 1]


def financial_year_partitions(sources: list[Source] | None = None) -> dg.StaticPartitionsDefinition:
    return dg.StaticPartitionsDefinition(financial_years(sources))


def partition_years(context) -> list[str] | None:
    """The financial years a run covers (one key, or a single-run range), or None if unpartitioned."""
    if not (context.has_partition_key or context.has_partition_key_range):
        return None
    return list(context.partition_keys)


def run_years_from_tags(tags: dict[str, str], known: list[str] | None = None) -> list[str] | None:
    """The financial years a run covers, from its partition tags, or None for a run over every year
    (or an unpartitioned run)."""
    known = financial_years() if known is None else known
    if tags.get("dagster/partition") in known:
        years = [tags["dagster/partition"]]
    else:
        start, end = tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")
        if not (start in known and end in known):
            return None
        years = year_range(start, end, known)
    return None if years == known else years


def run_years(context) -> list[str] | None:
    """The financial years of the run an asset check belongs to (checks are not partitioned themselves),
    or None for a run over every year. A one-year run's gates validate the rows of that year, which are
    the only rows the run replaced; the other years' rows passed when they were built."""
    return run_years_from_tags(context.run.tags)


def year_partitioning(sources: list[Source] | None = None) -> dict:
    """The partitions and backfill policy every asset of the build carries (see the module's docstring)."""
    return {"partitions_def": financial_year_partitions(sources), "backfill_policy": dg.BackfillPolicy.single_run()}
