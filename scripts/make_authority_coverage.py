"""Drafted the seed from the warehouse (raw layer) when it was first made. The CSV in seeds/ is the
reviewed source of truth: change the CSV (and its YAML), not this script, unless regenerating on
purpose. Run after `totalplace build`: python scripts/make_authority_coverage.py
"""

import collections
import csv
import os
import re
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent

con = duckdb.connect(str(ROOT / "warehouse" / "totalplace.duckdb"), read_only=True)


def q(s, p=None):
    return con.execute(s, p or []).fetchall()


auths = q("""select ecode, arg_max(authority_name, financial_year), arg_max(authority_class, financial_year),
    min(financial_year), max(financial_year),
  max(ons_code) filter (where ons_code is not null) from raw.revenue_outturn_rs where
      measure='net_current_expenditure' group by 1 order by 1""")
# the researchers' E-code -> ONS code list, read from the mirror (the build does not load it)
ECODE_LOOKUP = (
    Path(os.environ.get("TOTALPLACE_MIRROR") or ROOT.parent / "shared" / "raw")
    / "ons_geography"
    / "lookups_between_ons_and_ecodes.csv"
)
lookup = dict(q(f"select ecode, ons_code from read_csv('{ECODE_LOOKUP}') where ons_code is not null"))
published = {e: o for e, _, _, _, _, o in auths if o}
fire17 = {c for (c,) in q("select distinct fire_authority_code from raw.geo_lad17_fire_authority")}


def D(*codes):
    return [("district", c) for c in codes]


dorset = ["E07000048", "E07000049", "E07000050", "E07000051", "E07000052", "E07000053"]
gm10 = [f"E0800000{i}" for i in range(1, 10)] + ["E08000010"]
HAND = {  # ecode -> [(area_kind, area_code)], basis
    # 2009 reorganisation: abolished counties and districts -> their 2018 successor unitary(ies)
    "E0221": (
        D("E06000055", "E06000056"),
        "Bedfordshire county council (abolished 2009): Bedford and Central Bedfordshire",
    ),
    "E0231": (D("E06000055"), "Bedford borough (became a unitary in 2009)"),
    "E0233": (D("E06000056"), "Mid Bedfordshire (abolished 2009): now Central Bedfordshire"),
    "E0234": (D("E06000056"), "South Bedfordshire (abolished 2009): now Central Bedfordshire"),
    "E0534": (D("E07000011"), "Huntingdonshire (E-code of 2007-08)"),
    "E0621": (
        D("E06000049", "E06000050"),
        "Cheshire county council (abolished 2009): Cheshire East and Cheshire West and Chester",
    ),
    **{
        e: (D("E06000050"), "Cheshire district abolished 2009: now Cheshire West and Chester")
        for e in ("E0631", "E0634", "E0637")
    },
    **{e: (D("E06000049"), "Cheshire district abolished 2009: now Cheshire East") for e in ("E0632", "E0633", "E0636")},
    **{
        e: (D("E06000052"), "Cornwall county or district (reorganised 2009): now Cornwall")
        for e in ("E0820", "E0831", "E0832", "E0833", "E0834", "E0835", "E0836")
    },
    **{
        e: (D("E06000047"), "Durham county or district (reorganised 2009): now County Durham")
        for e in ("E1321", "E1331", "E1333", "E1334", "E1335", "E1336", "E1337", "E1338")
    },
    **{
        e: (D("E06000057"), "Northumberland county or district (reorganised 2009): now Northumberland")
        for e in ("E2920", "E2931", "E2932", "E2933", "E2934", "E2935", "E2936")
    },
    **{
        e: (D("E06000051"), "Shropshire county or district (reorganised 2009): now Shropshire (not Telford and Wrekin)")
        for e in ("E3221", "E3231", "E3232", "E3233", "E3234", "E3235")
    },
    **{
        e: (D("E06000054"), "Wiltshire county or district (reorganised 2009): now Wiltshire (not Swindon)")
        for e in ("E3921", "E3931", "E3932", "E3933", "E3935")
    },
    # London-wide and multi-district bodies
    "E5100": (
        [("region", "E12000007")],
        "Greater London Authority (incl. police, fire and transport for London): the 33 London authorities",
    ),
    "E6201": (
        D("E09000002", "E09000016", "E09000025", "E09000026"),
        "East London Waste Authority: Barking and Dagenham, Havering, Newham, Redbridge",
    ),
    "E6205": (
        D("E09000003", "E09000007", "E09000010", "E09000012", "E09000014", "E09000019", "E09000031"),
        "North London Waste Authority: Barnet, Camden, Enfield, Hackney, Haringey, Islington, Waltham Forest",
    ),
    "E6206": (
        D("E09000013", "E09000020", "E09000022", "E09000032"),
        "Western Riverside Waste Authority: Hammersmith and Fulham, Kensington and Chelsea, Lambeth, Wandsworth",
    ),
    "E6207": (
        D("E09000005", "E09000009", "E09000015", "E09000017", "E09000018", "E09000027"),
        "West London Waste Authority: Brent, Ealing, Harrow, Hillingdon, Hounslow, Richmond upon Thames",
    ),
    "E6202": (
        D(*gm10[:9]),
        "Greater Manchester Waste Disposal Authority: the Greater Manchester districts except Wigan",
    ),
    "E6204": (
        D("E08000011", "E08000012", "E08000013", "E08000014", "E08000015"),
        "Merseyside Waste Disposal Authority: Knowsley, Liverpool, St Helens, Sefton, Wirral",
    ),
    "E6342": ([("county", "E11000001")], "Greater Manchester Passenger Transport Authority: the metropolitan county"),
    "E6343": ([("county", "E11000002")], "Merseyside Passenger Transport Authority: the metropolitan county"),
    "E6344": ([("county", "E11000003")], "South Yorkshire Passenger Transport Authority: the metropolitan county"),
    "E6345": ([("county", "E11000004")], "Tyne and Wear Passenger Transport Authority: the metropolitan county"),
    "E6346": ([("county", "E11000005")], "West Midlands Passenger Transport Authority / ITA: the metropolitan county"),
    "E6347": ([("county", "E11000006")], "West Yorkshire Passenger Transport Authority: the metropolitan county"),
    "E6112": (
        [("county", "E10000009")] + D("E06000028", "E06000029"),
        "Dorset Fire Authority (to 2015-16): Dorset county districts, Bournemouth and Poole",
    ),
    "E6139": (D("E06000054", "E06000030"), "Wiltshire Fire Authority (to 2015-16): Wiltshire and Swindon"),
    "E6142": (
        D(*gm10),
        "Greater Manchester Fire and Civil Defence Authority (to 2016-17): the ten Greater Manchester districts",
    ),
    "E6803": (
        [("region", "E12000007"), ("county", "E10000012"), ("county", "E10000015")],
        "Lee Valley Regional Park Authority: levies on London, Essex and Hertfordshire; apportioned over all three "
        "by population",
    ),
    "E6351": (
        D("E06000047", "E08000037", "E08000021", "E08000022", "E06000057", "E08000023", "E08000024"),
        "North East Combined Authority (2014): its seven districts, named in its title (E47000005 has no members in "
        "the current ONS lookup after the 2018 split)",
    ),
    # National parks: the districts a park lies in (whole-district populations: an approximation, the mirror has no
    # park boundaries)
    "E6401": (D("E07000044", "E07000045", "E07000047"), "Dartmoor National Park: South Hams, Teignbridge, West Devon"),
    "E6402": (D("E07000191", "E07000043"), "Exmoor National Park: West Somerset, North Devon"),
    "E6403": (
        D("E07000026", "E07000029", "E07000030", "E07000031"),
        "Lake District National Park: Allerdale, Copeland, Eden, South Lakeland",
    ),
    "E6404": (
        D("E07000164", "E07000167", "E07000168", "E06000003"),
        "North York Moors National Park: Hambleton, Ryedale, Scarborough, Redcar and Cleveland",
    ),
    "E6405": (D("E06000057"), "Northumberland National Park: Northumberland"),
    "E6406": (
        D("E07000035", "E07000037", "E07000198", "E08000016", "E08000019", "E08000034", "E08000004", "E06000049"),
        "Peak District National Park: Derbyshire Dales, High Peak, Staffordshire Moorlands, Barnsley, Sheffield, "
        "Kirklees, Oldham, Cheshire East",
    ),
    "E6407": (
        D("E07000163", "E07000166", "E07000031", "E07000030"),
        "Yorkshire Dales National Park: Craven, Richmondshire, South Lakeland, Eden",
    ),
    "E6408": (
        D("E07000144", "E07000145", "E07000147", "E07000148", "E07000149", "E07000206"),
        "The Broads Authority: Broadland, Great Yarmouth, North Norfolk, Norwich, South Norfolk, Waveney",
    ),
    "E6409": (D("E07000091", "E07000093", "E06000054"), "New Forest National Park: New Forest, Test Valley, Wiltshire"),
    "E6410": (
        D(
            "E07000223",
            "E07000224",
            "E07000225",
            "E07000227",
            "E07000228",
            "E07000229",
            "E07000063",
            "E07000065",
            "E07000061",
            "E07000085",
            "E07000094",
            "E06000043",
        ),
        "South Downs National Park: Adur, Arun, Chichester, Horsham, Mid Sussex, Worthing, Lewes, Wealden, "
        "Eastbourne, East Hampshire, Winchester, Brighton and Hove",
    ),
}
KIND = {
    "E23": "police_force_area",
    "E31": "fire_authority",
    "E47": "combined_authority",
    "E10": "county",
    "E11": "county",
    "E12": "region",
    "E06": "district",
    "E07": "district",
    "E08": "district",
    "E09": "district",
}
rows = []
for e, name, cls, y0, y1, _pub in auths:
    if e in HAND:
        areas, basis = HAND[e]
    else:
        code = lookup.get(e) or published.get(e)
        if code is None and re.match(r"E60\d\d", e):  # police authority -> the force area its successor PCC prints
            pcc = {"E6071": "E7015", "E6072": "E7019", "E6073": "E7036"}.get(e, "E70" + e[3:])
            code = published.get(pcc)
            basis = f"Police authority: the police force area of its successor police and crime commissioner ({pcc})"
        elif e in lookup:
            basis = "E-code lookup (lookups_between_ons_and_ecodes.csv)"
        else:
            basis = "ONS code printed beside the E-code in the RS returns (2014-15 on)"
        if code is None or code[:3] not in KIND:
            raise SystemExit(f"no coverage rule for {e} {name} {cls} {code}")
        if KIND[code[:3]] == "fire_authority" and code not in fire17:
            raise SystemExit(f"fire authority {e} {name} {code} not in the 2017 lookup: add a hand rule")
        areas = [(KIND[code[:3]], code)]
    for kind, code in areas:
        rows.append(
            dict(
                ecode=e,
                authority_name=name,
                authority_class=cls,
                first_year=y0,
                last_year=y1,
                area_kind=kind,
                area_code=code,
                basis=basis,
            )
        )
with open(ROOT / "seeds" / "authority_coverage.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)

print(len(auths), len(rows), collections.Counter(r["area_kind"] for r in rows))
