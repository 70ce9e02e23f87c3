"""The source manifest (seeds/sources.csv): the single list of published files the pull step reads.

Adding a new year's file is one new row. The same CSV is a dbt seed, so auditors see it in the
lineage docs beside the models it feeds.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, fields
from pathlib import Path

from .settings import SEEDS_DIR

MANIFEST_PATH = SEEDS_DIR / "sources.csv"


@dataclass(frozen=True)
class Source:
    source_id: str
    family: str
    publisher: str
    title: str
    landing_page: str
    download_url: str
    file_name: str
    mirror_path: str
    sha256: str
    format: str
    financial_years: str
    units: str
    raw_table: str
    origin: str = "publisher"  # publisher | third_party_derived (a file derived by someone else)


class ManifestError(ValueError):
    pass


def load_manifest(path: Path | None = None) -> list[Source]:
    """The manifest rows. TOTALPLACE_MANIFEST names another manifest file (to try a new source, or in
    tests); by default seeds/sources.csv."""
    path = Path(path or os.environ.get("TOTALPLACE_MANIFEST") or MANIFEST_PATH)
    names = [f.name for f in fields(Source)]
    ORIGINS = ("publisher", "third_party_derived")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [n for n in names if n != "origin" and n not in (reader.fieldnames or [])]
        if missing:
            raise ManifestError(f"{path}: manifest lacks columns {missing}")
        sources = [
            Source(
                **{
                    n: (row.get(n) or "").strip().lower() if n == "sha256" else (row.get(n) or "").strip()
                    for n in names
                    if n != "origin" or row.get(n)
                }
            )
            for row in reader
        ]
    seen: set[str] = set()
    for line, s in enumerate(sources, start=2):
        if s.source_id in seen:
            raise ManifestError(f"{path} line {line}: source_id {s.source_id!r} appears twice")
        seen.add(s.source_id)
        if s.origin not in ORIGINS:
            raise ManifestError(
                f"{path} line {line}: origin of {s.source_id} must be one of {ORIGINS}, not {s.origin!r}"
            )
        if len(s.sha256) != 64 or any(c not in "0123456789abcdef" for c in s.sha256):
            raise ManifestError(f"{path} line {line}: sha256 of {s.source_id} is not 64 hex digits: {s.sha256!r}")
    return sources


def families(sources: list[Source]) -> list[str]:
    return sorted({s.family for s in sources})


def by_family(sources: list[Source], family: str) -> list[Source]:
    return [s for s in sources if s.family == family]


def by_id(sources: list[Source]) -> dict[str, Source]:
    return {s.source_id: s for s in sources}
