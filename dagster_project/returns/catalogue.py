"""What a return may name: places, financial years, COFOG divisions and the bodies known to the count.

A body is known for a financial year when it has identifiable spending in that year's CRA (sector,
department, organisation - or the department where the CRA names no organisation) or is an
authority with a revenue outturn return for that year (sector LG, department "Local government").
These are the names the count's marts and the template use. Both are read from the staged models
(staging.stg_hmt__cra, staging.stg_mhclg__rs_returns), so the CRA rules (LA = LG, the ID flag, units)
have one home: dbt staging. Those are views a build makes; on a first build (no published warehouse
to start from) ``stage_for_catalogue`` has dbt make them, and only them, before the returns are read.
"""

import csv
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import policy
from ..settings import SEEDS_DIR
from ..warehouse import connect

BODIES_SQL = """
    SELECT DISTINCT financial_year, sector, department, coalesce(organisation, department) AS organisation
    FROM staging.stg_hmt__cra WHERE is_identifiable AND amount_gbp <> 0
    UNION
    SELECT DISTINCT financial_year, 'LG', 'Local government', authority_name
    FROM staging.stg_mhclg__rs_returns WHERE authority_name IS NOT NULL
"""
STAGED = {"staging.stg_hmt__cra", "staging.stg_mhclg__rs_returns"}


class CatalogueError(RuntimeError):
    """The staged models the catalogue reads are not in the warehouse and dbt could not make them."""


def _missing_staged(warehouse: Path) -> set[str]:
    with connect(warehouse, read_only=True) as con:
        have = {
            f"{a}.{b}"
            for a, b in con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
        }
    return STAGED - have


def stage_for_catalogue(warehouse: Path, log=print) -> None:
    """Make the staged views the catalogue reads when the warehouse has none yet (a first build): dbt
    builds those two models and what they read (stg_un__cofog, seed cra_regions), nothing else, into
    ``warehouse``. The raw tables must be loaded; the build's own dbt run later rebuilds the same views."""
    missing = _missing_staged(warehouse)
    if not missing:
        return
    from ..transform import dbt_vars, run_dbt_subprocess

    log(f"first build with partner returns: dbt makes {', '.join(sorted(missing))} to check them against")
    with tempfile.TemporaryDirectory(prefix="totalplace-dbt-") as target:
        select = [f"+{name.split('.')[1]}" for name in sorted(STAGED)]
        proc = run_dbt_subprocess(
            ["build", "--select", *select, "--resource-type", "model", "--resource-type", "seed", "--quiet"]
            + ["--vars", json.dumps(dbt_vars(warehouse, None))],
            Path(target),
        )
    if proc.returncode != 0:
        raise CatalogueError(
            f"{warehouse}: dbt could not make {', '.join(sorted(missing))}, which partner returns are checked "
            f"against (are raw.cra and raw.revenue_outturn_rs loaded?):\n{(proc.stdout + proc.stderr)[-3000:]}"
        )


# The body's whole published figure in the place's region(s), per year and COFOG division: a return
# above it cannot be right (either the return or the published figure is wrong). Known from the
# count's own intermediate tables, so from the second build on (a first build has none yet).
REGIONAL_SQL = """
    WITH place_regions AS (
        SELECT DISTINCT pd.place_id, d.region_code
        FROM seeds.place_districts pd JOIN intermediate.int_districts_described d ON d.lad_code = pd.lad_code)
    SELECT pr.place_id, c.financial_year, c.sector, c.department, coalesce(c.organisation, c.department),
           c.cofog_division, sum(c.amount_gbp)
    FROM intermediate.int_cra_vintages_deduplicated c JOIN place_regions pr ON pr.region_code = c.region_code
    WHERE c.is_identifiable AND c.region_kind = 'english_region' AND c.sector IN ('CG', 'PC')
    GROUP BY ALL
"""


@dataclass(frozen=True)
class Catalogue:
    places: frozenset[str]
    years: frozenset[str]
    bodies: frozenset[tuple[str, str, str, str]]  # (financial_year, sector, department, organisation)
    # (place, year, sector, department, organisation, division) -> the body's figure in the place's region(s)
    regional: dict[tuple[str, str, str, str, str, str], float] | None = None


def load_catalogue(warehouse: Path) -> Catalogue:
    with open(SEEDS_DIR / "places.csv", newline="", encoding="utf-8") as fh:
        places = frozenset(r["place_id"] for r in csv.DictReader(fh))
    years = policy.load().count_years
    missing = _missing_staged(warehouse)
    if missing:
        raise CatalogueError(
            f"{warehouse} has no {', '.join(sorted(missing))}: partner returns are checked against the staged "
            "CRA and outturn returns (stage_for_catalogue makes them)."
        )
    with connect(warehouse, read_only=True) as con:
        have = {
            f"{a}.{b}"
            for a, b in con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
        }
        bodies = frozenset(tuple(r) for r in con.execute(BODIES_SQL).fetchall())
        regional = None
        if {
            "seeds.place_districts",
            "intermediate.int_districts_described",
            "intermediate.int_cra_vintages_deduplicated",
        } <= have:
            regional = {tuple(r[:6]): r[6] for r in con.execute(REGIONAL_SQL).fetchall()}
    return Catalogue(places, years, bodies, regional)
