"""The policies an auditor reads, as Python reads them: each list or threshold has one home, a dbt
seed (seeds/*.csv, documented in seeds/sources.yml) or a dbt var (dbt/dbt_project.yml), and the
dbt models, dbt tests, GE suites, the report and the tests all read it from there.

- ``methods``: seed methods (method -> basis, the label the report shows and the headline's plain words);
- ``counted_treatments``: seed treatments, the crosswalk treatments that are counted;
- ``cofog_divisions``: seed cofog_divisions (code -> label, as the return template shows it);
- ``per_head_band``: vars per_head_min_gbp and per_head_max_gbp, the plausible £ per head of a place;
- ``count_years``: vars first_count_year and last_count_year, the financial years a return may name.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

import yaml

from .settings import DBT_DIR, SEEDS_DIR


def _seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS_DIR / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class Policy:
    methods: dict[str, str]  # method -> the label a reader sees
    method_basis: dict[str, str]  # method -> actual | indicator | population | imputed | transfer
    method_headlines: dict[str, str]  # method -> plain words for the count's headline
    counted_treatments: tuple[str, ...]
    cofog_divisions: dict[str, str]  # '01' -> 'General public services'
    per_head_band: tuple[float, float]  # £ per head per year: outside it a place's count is wrong
    count_years: frozenset[str]  # '2008-09' ... '2024-25'

    def methods_with_basis(self, *bases: str) -> tuple[str, ...]:
        return tuple(m for m, b in self.method_basis.items() if b in bases)


@functools.cache
def load() -> Policy:
    methods = _seed("methods")
    dbt_vars = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    return Policy(
        methods={r["method"]: r["label"] for r in methods},
        method_basis={r["method"]: r["basis"] for r in methods},
        method_headlines={r["method"]: r["headline"] for r in methods},
        counted_treatments=tuple(r["treatment"] for r in _seed("treatments") if r["is_counted"] == "true"),
        cofog_divisions={r["cofog_division"]: r["label"] for r in _seed("cofog_divisions")},
        per_head_band=(float(dbt_vars["per_head_min_gbp"]), float(dbt_vars["per_head_max_gbp"])),
        count_years=frozenset(
            f"{y}-{(y + 1) % 100:02d}"
            for y in range(int(dbt_vars["first_count_year"]), int(dbt_vars["last_count_year"]) + 1)
        ),
    )
