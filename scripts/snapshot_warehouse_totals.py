"""Write the figures a change that should alter no figure must keep (issue 24: speed work keeps every total):
every place-year total of marts.place_totals, every LSOA's total over all years and every year's LSOA sum of
marts.fct_neighbourhood_spend, and every raw table's row count, from a warehouse built on the real files.

    python scripts/snapshot_warehouse_totals.py [WAREHOUSE] [--out tests/fixtures/warehouse_totals.json.gz]

tests/integration/test_same_figures.py compares a fresh build with the snapshot; make the snapshot anew (and
say so in the commit) only when a change is meant to move figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "warehouse_totals.json.gz"


def snapshot(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        place_years = con.execute(
            "SELECT place_id, financial_year, total_gbp FROM marts.place_totals ORDER BY 1, 2"
        ).fetchall()
        lsoas = con.execute(
            "SELECT lsoa_code, sum(amount_gbp) FROM marts.fct_neighbourhood_spend GROUP BY 1 ORDER BY 1"
        ).fetchall()
        lsoa_years = con.execute(
            "SELECT financial_year, sum(amount_gbp), count(DISTINCT lsoa_code) FROM marts.fct_neighbourhood_spend "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' ORDER BY 1"
            ).fetchall()
        ]
        raw_rows = {t: con.execute(f'SELECT count(*) FROM raw."{t}"').fetchone()[0] for t in tables}
        built = con.execute("SELECT built_at, commit FROM quality.build_info").fetchone()
    finally:
        con.close()
    return {
        "built_at": str(built[0]),
        "commit": built[1],
        "place_years": [[p, y, t] for p, y, t in place_years],
        "lsoa_totals": [[code, t] for code, t in lsoas],
        "lsoa_years": [[y, t, n] for y, t, n in lsoa_years],
        "raw_rows": raw_rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("warehouse", nargs="?", default=str(ROOT / "warehouse" / "totalplace.duckdb"))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    a = ap.parse_args()
    snap = snapshot(Path(a.warehouse))
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as f:
        json.dump(snap, f)
    print(
        f"{out}: {len(snap['place_years']):,} place-years, {len(snap['lsoa_totals']):,} LSOAs, "
        f"{len(snap['raw_rows'])} raw tables, from the warehouse built at {snap['built_at']} from commit "
        f"{snap['commit']} (HEAD {head.strip()})"
    )


if __name__ == "__main__":
    main()
