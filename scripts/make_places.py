"""Drafted the seed from the warehouse (raw layer) when it was first made. The CSV in seeds/ is the
reviewed source of truth: change the CSV (and its YAML), not this script, unless regenerating on
purpose. Run after `totalplace build`: python scripts/make_places.py
"""

import csv
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent

con = duckdb.connect(
    sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "warehouse" / "totalplace.duckdb"), read_only=True
)


def q(s, p=None):
    return con.execute(s, p or []).fetchall()


districts = q("select distinct area_code, area_name from raw.ons_district_population where country='E' order by 1")
codes = {c for c, _ in districts}
name = dict(districts)


def county(cty):
    # 2012 county membership (raw.geo_lad12_cty12), each 2012 code carried to its 2018 code
    rows = q(
        """select distinct case when c.lad_code in (select area_code from raw.ons_district_population) then c.lad_code
                else l.ladcd_active end from raw.geo_lad12_cty12 c left join raw.geo_la_codes l on l.lad_code =
                    c.lad_code
                where c.county_code = ? order by 1""",
        [cty],
    )
    r = [c for (c,) in rows if c in codes]
    assert r, cty
    return r


gm = [
    "E08000001",
    "E08000002",
    "E08000003",
    "E08000004",
    "E08000005",
    "E08000006",
    "E08000007",
    "E08000008",
    "E08000009",
    "E08000010",
]
NAMED = [
    ("tp_birmingham", "Birmingham (Total Place pilot)", ["E08000025"]),
    ("tp_bradford", "Bradford (Total Place pilot)", ["E08000032"]),
    (
        "tp_coventry_solihull_warwickshire",
        "Coventry, Solihull and Warwickshire (Total Place pilot)",
        ["E08000026", "E08000029"] + county("E10000031"),
    ),
    ("tp_croydon", "Croydon (Total Place pilot)", ["E09000008"]),
    (
        "tp_bournemouth_dorset_poole",
        "Bournemouth, Dorset and Poole (Total Place pilot)",
        ["E06000028", "E06000029"] + county("E10000009"),
    ),
    ("tp_durham", "County Durham (Total Place pilot)", ["E06000047"]),
    ("tp_kent", "Kent (Total Place pilot; the twelve Kent county districts, not Medway)", county("E10000016")),
    (
        "tp_leicester_leicestershire",
        "Leicester and Leicestershire (Total Place pilot)",
        ["E06000016"] + county("E10000018"),
    ),
    ("tp_lewisham", "Lewisham (Total Place pilot)", ["E09000023"]),
    ("tp_luton_central_bedfordshire", "Luton and Central Bedfordshire (Total Place pilot)", ["E06000032", "E06000056"]),
    (
        "tp_manchester_city_region_warrington",
        "Manchester City Region including Warrington (Total Place pilot)",
        gm + ["E06000007"],
    ),
    (
        "tp_gateshead_south_tyneside_sunderland",
        "Gateshead, South Tyneside and Sunderland (Total Place pilot)",
        ["E08000037", "E08000023", "E08000024"],
    ),
    ("tp_worcestershire", "Worcestershire (Total Place pilot)", county("E10000034")),
    ("cb_greater_manchester", "Greater Manchester (Community Budget pilot)", gm),
    ("cb_west_cheshire", "West Cheshire: Cheshire West and Chester (Community Budget pilot)", ["E06000050"]),
    ("cb_essex", "Essex (Community Budget pilot; the twelve Essex county districts)", county("E10000012")),
    (
        "cb_west_london_triborough",
        "West London Tri-borough (Community Budget pilot)",
        ["E09000033", "E09000013", "E09000020"],
    ),
]
places, members = [], []
for c, n in districts:
    places.append(
        dict(place_id=c, place_name=n, place_kind="district", description=f"The district {n} (2018 code {c}).")
    )
    members.append(dict(place_id=c, lad_code=c))
for pid, pname, ds in NAMED:
    assert all(d in codes for d in ds), (pid, [d for d in ds if d not in codes])
    places.append(
        dict(
            place_id=pid,
            place_name=pname,
            place_kind="pilot_area",
            description=pname + ": " + ", ".join(name[d] for d in ds) + ".",
        )
    )
    members += [dict(place_id=pid, lad_code=d) for d in ds]
    print(pid, len(ds), [name[d] for d in ds])
# April-2023 districts that are not 2018 districts (the 2019-2023 reorganisations): each a place in every
# year, made of its 2018 predecessors, found by following mySociety's replaced-by chain (raw.geo_la_current)
auth = {
    r[0]: r[1:]
    for r in q(
        "select authority_code, gss_code, end_date, replaced_by, nice_name from raw.geo_la_current where "
        "nation = 'England'"
    )
}
by_gss = {v[0]: k for k, v in auth.items() if v[0]}


def current(code):
    a = by_gss[code]
    while auth[a][1]:
        nxt = auth[a][2].split(",")
        assert len(nxt) == 1, (code, nxt)
        a = nxt[0]
    return auth[a][0], auth[a][3]


d2023 = {
    c
    for (c,) in q(
        "select distinct area_code from raw.ons_district_population_2023 where area_code like 'E%' and geography in "
        "('Unitary Authority', 'Metropolitan District', 'London Borough', 'Non-metropolitan District')"
    )
}
new = {}
for c, _ in districts:
    code, nm = current(c)
    assert code in d2023, (c, code)
    if code not in codes:
        new.setdefault((code, nm), []).append(c)
for (code, nm), ds in sorted(new.items()):
    places.append(
        dict(
            place_id=code,
            place_name=nm,
            place_kind="district_2023",
            description=f"The April-2023 district {nm} ({code}), in every year the sum of its 2018 predecessors: "
            + ", ".join(name[d] for d in ds)
            + ".",
        )
    )
    members += [dict(place_id=code, lad_code=d) for d in ds]
    print(code, nm, [name[d] for d in ds])
assert len(d2023) == len({current(c)[0] for c, _ in districts}) == 296
for fn, rows in (("places", places), ("place_districts", members)):
    with open(ROOT / "seeds" / f"{fn}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
print(len(districts), len(places), len(members))
