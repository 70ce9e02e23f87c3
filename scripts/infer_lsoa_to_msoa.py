"""Infer the 2011 LSOA -> MSOA lookup (the mirror has none) and write seeds/lsoa_to_msoa.csv.

An LSOA's name is its MSOA's name plus a letter ("Hackney 001A" is in MSOA "Hackney 001"), so LSOAs
group into MSOAs by name. The MSOA *codes* are matched to those groups by the mid-2018 populations
published for both (an MSOA's population is the sum of its LSOAs'):
  1. within each local authority name, MSOA codes mostly run in number order (code = base + number):
     the base is the most common (code - number) among unique population matches; a group whose
     base + number code has exactly its population takes it;
  2. a remaining group takes the one remaining code with exactly its population;
  3. a group still left takes, among remaining codes with its population, the one nearest its
     authority's other codes.
Every MSOA must end with exactly one group and equal population: the script fails otherwise, and a
dbt test checks the same on the seed. Run after `totalplace build` (reads the published warehouse, and
the ONS LSOA-CCG-district lookup straight from the mirror: the build does not load it):
    python scripts/infer_lsoa_to_msoa.py
"""

import os
import re
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("TOTALPLACE_MIRROR") or ROOT.parent / "shared" / "raw")
LSOA_LOOKUP = (
    MIRROR
    / "ons_geography"
    / "Lower_Layer_Super_Output_Area_2011_to_Clinical_Commissioning_Group_to_Local_Authority_District_"
    "April_2017_Lookup_in_England_Version_4.csv"
)


def main() -> int:
    wh = os.environ.get("TOTALPLACE_WAREHOUSE", str(ROOT / "warehouse" / "totalplace.duckdb"))
    con = duckdb.connect(wh, read_only=True)
    lsoa = con.execute(f"""SELECT s.area_code AS lsoa_code, i.lsoa11nm AS lsoa_name, s.population
        FROM raw.ons_small_area_population s JOIN read_csv('{LSOA_LOOKUP}') i ON i.lsoa11cd = s.area_code
        WHERE s.area_type = 'LSOA' AND s.area_code LIKE 'E01%'""").df()
    msoa = con.execute("""SELECT area_code AS msoa_code, population FROM raw.ons_small_area_population
        WHERE area_type = 'MSOA' AND area_code LIKE 'E02%'""").df()
    con.close()
    parts = lsoa["lsoa_name"].str.extract(r"^(?P<la>.*) (?P<num>\d{3})[A-Z]$")
    lsoa["msoa_name"] = parts["la"] + " " + parts["num"]
    groups = lsoa.groupby("msoa_name").agg(population=("population", "sum")).reset_index()
    groups[["la", "num"]] = groups["msoa_name"].str.extract(r"^(.*) (\d{3})$")
    groups["num"] = groups["num"].astype(int)
    msoa["code_int"] = msoa["msoa_code"].str[3:].astype(int)
    by_pop = msoa.groupby("population")["msoa_code"].apply(list).to_dict()
    code_int = dict(zip(msoa["msoa_code"], msoa["code_int"], strict=False))
    pop_of = dict(zip(msoa["msoa_code"], msoa["population"], strict=False))

    uniq = groups[groups["population"].map(lambda p: len(by_pop.get(p, [])) == 1)].copy()
    uniq["base"] = uniq["population"].map(lambda p: code_int[by_pop[p][0]]) - uniq["num"]
    base = uniq.groupby("la")["base"].agg(lambda s: s.mode().iloc[0]).to_dict()
    int_to_code = {v: k for k, v in code_int.items()}

    assigned: dict[str, str] = {}
    used: set[str] = set()
    _by_code_order(groups, base, int_to_code, pop_of, assigned, used)
    for _ in range(2):  # twice: a match can make another unique
        _by_unique_population(groups, by_pop, assigned, used)
    _by_nearest_code(groups, by_pop, code_int, assigned, used)
    missing_groups = [n for n in groups["msoa_name"] if n not in assigned]
    missing_codes = sorted(set(msoa["msoa_code"]) - used)
    if missing_groups or missing_codes:
        print(
            f"could not match {len(missing_groups)} MSOA name(s) {missing_groups[:5]} and {len(missing_codes)} "
            f"code(s) {missing_codes[:5]}",
            file=sys.stderr,
        )
        return 1
    lsoa["msoa_code"] = lsoa["msoa_name"].map(assigned)
    out = lsoa[["lsoa_code", "msoa_code", "msoa_name"]].sort_values("lsoa_code")
    out.to_csv(ROOT / "seeds" / "lsoa_to_msoa.csv", index=False, lineterminator="\n")
    print(f"{len(out)} LSOAs in {len(assigned)} MSOAs -> seeds/lsoa_to_msoa.csv")
    return 0


def _take(assigned: dict[str, str], used: set[str], name: str, code: str) -> None:
    assigned[name] = code
    used.add(code)


def _by_code_order(groups, base, int_to_code, pop_of, assigned, used) -> None:
    """Step 1: within an authority, the code base + number, where its population is the group's."""
    for g in groups.itertuples():
        if g.la in base:
            code = int_to_code.get(base[g.la] + g.num)
            if code and pop_of[code] == g.population and code not in used:
                _take(assigned, used, g.msoa_name, code)


def _by_unique_population(groups, by_pop, assigned, used) -> None:
    """Step 2: the one remaining code with exactly the group's population."""
    for g in groups.itertuples():
        if g.msoa_name in assigned:
            continue
        free = [c for c in by_pop.get(g.population, []) if c not in used]
        if len(free) == 1:
            _take(assigned, used, g.msoa_name, free[0])


def _by_nearest_code(groups, by_pop, code_int, assigned, used) -> None:
    """Step 3: among remaining codes with the group's population, the one nearest its authority's codes."""
    centre: dict[str, list[int]] = {}
    for name, code in assigned.items():
        centre.setdefault(re.sub(r" \d{3}$", "", name), []).append(code_int[code])
    middle = {la: sorted(v)[len(v) // 2] for la, v in centre.items()}
    for g in groups.sort_values("msoa_name").itertuples():
        if g.msoa_name in assigned:
            continue
        free = [c for c in by_pop.get(g.population, []) if c not in used]
        if free:
            _take(
                assigned, used, g.msoa_name, min(free, key=lambda c: abs(code_int[c] - middle.get(g.la, code_int[c])))
            )


if __name__ == "__main__":
    sys.exit(main())
