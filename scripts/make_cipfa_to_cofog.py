"""Drafted the seed from the warehouse (raw layer) when it was first made. The CSV in seeds/ is the
reviewed source of truth: change the CSV (and its YAML), not this script, unless regenerating on
purpose. Run after `totalplace build`: python scripts/make_cipfa_to_cofog.py
"""

import collections
import csv
import re
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent

con = duckdb.connect(str(ROOT / "warehouse" / "totalplace.duckdb"), read_only=True)
labels = con.execute("""select lower(regexp_replace(trim(line_label), '\\s+', ' ', 'g')) l, min(line_number),
    min(financial_year), max(financial_year)
 from raw.revenue_outturn_rs where measure='net_current_expenditure' group by 1 order by 2 nulls last,
     1""").fetchall()
RULES = [  # (regex, treatment, division, group, rationale)
    (
        r"^education services$",
        "service",
        "09",
        "",
        "Schools and other education; spans several COFOG 09 groups, so the group is left empty.",
    ),
    (
        r"^education: student support - mandatory awards$",
        "service",
        "09",
        "09.4",
        "Mandatory student awards: tertiary education support.",
    ),
    (
        r"^highways( roads)? and transport services$",
        "service",
        "04",
        "04.5",
        "Roads, public and concessionary transport: COFOG 04.5 Transport.",
    ),
    (
        r"^social care$",
        "service",
        "10",
        "",
        "Children's and adults' social care before the 2011-12 split: several COFOG 10 groups.",
    ),
    (r"^children social care$", "service", "10", "10.4", "Children's social care: COFOG 10.4 Family and children."),
    (
        r"^adult social care$",
        "service",
        "10",
        "",
        "Adult social care: sickness and disability (10.1) and old age (10.2); group left empty.",
    ),
    (r"^public health$", "service", "07", "07.4", "Public health (from 2013-14): COFOG 07.4 Public health services."),
    (
        r"^housing services \(gfra only\)$",
        "service",
        "10",
        "10.6",
        "General fund housing (homelessness, housing welfare): COFOG 10.6 Housing, as CRA classifies LG housing.",
    ),
    (
        r"^cultural and related services$",
        "service",
        "08",
        "",
        "Culture, heritage, recreation, sport, libraries, tourism: COFOG 08 groups 08.1 and 08.2.",
    ),
    (
        r"^environmental( and regulatory)? services$",
        "service",
        "05",
        "",
        "Waste, street cleansing, regulatory services: mainly COFOG 05 (05.1 waste management).",
    ),
    (
        r"^planning and development services$",
        "service",
        "06",
        "06.2",
        "Planning, economic and community development: COFOG 06.2 Community development.",
    ),
    (r"^police services$", "service", "03", "03.1", "Police: COFOG 03.1."),
    (r"^fire and rescue services$", "service", "03", "03.2", "Fire and rescue: COFOG 03.2 Fire-protection services."),
    (
        r"^court services$",
        "service",
        "03",
        "03.3",
        "Magistrates' courts and coroners (2007-08, 2008-09): COFOG 03.3 Law courts.",
    ),
    (
        r"^central services",
        "service",
        "01",
        "01.3",
        "Corporate and democratic core, council tax collection, elections, registration: COFOG 01.3 General services.",
    ),
    (
        r"^non-distributed costs: ?retirement benefits$",
        "service",
        "01",
        "01.3",
        "Non-distributed pension costs (until 2010-11, part of total service expenditure): COFOG 01.3.",
    ),
    (r"^other services$", "service", "01", "01.6", "Other services: COFOG 01.6 General public services n.e.c."),
    (
        r"^housing benefits: (rent allowances|non-hra rent rebates|rent rebates to hra tenants)",
        "housing_benefit",
        "10",
        "10.6",
        "Mandatory housing benefit payments made by the authority: counted once, here (CRA carries the same money as "
        "LG 10.6, which is never added).",
    ),
    (
        r"^local tax collection: council tax benefit",
        "housing_benefit",
        "10",
        "10.9",
        "Council tax benefit (until 2012-13) paid by the authority to its collection fund for residents: a social "
        "protection transfer, COFOG 10.9.",
    ),
    (
        r"^parish precepts$",
        "parish_precept",
        "01",
        "01.3",
        "Precepts passed to parish and town councils, which make no return of their own: their spending is counted "
        "here, function unknown (01.3).",
    ),
    (
        r"(integrated transport authority|passenger transport authority|waste disposal authority|london pensions "
        r"fund authority) levy$|^other levies$|^levy: environment agency",
        "transfer_out",
        "",
        "",
        "A levy paid to another body that is counted at that body (its own return, or CRA for the Environment "
        "Agency): removed from the payer.",
    ),
    (
        r"^housing benefits: (subsidy limitation transfers from hra|transfers to/from hra)|^contribution to the hra",
        "transfer_internal",
        "",
        "",
        "A transfer between the authority's own accounts (general fund and HRA): not spending.",
    ),
]
out = []
for label, ln, y0, y1 in labels:
    hit = next((r for r in RULES if re.search(r[0], label)), None)
    if hit:
        _, t, d, g, why = hit
    else:
        t, d, g, why = (
            "not_counted",
            "",
            "",
            "A total, trading account, financing, capital, grant, income or reserve line: not service spending.",
        )
    out.append(
        dict(
            line_label=label,
            rs_line=ln or "",
            first_year=y0,
            last_year=y1,
            treatment=t,
            cofog_division=d,
            cofog_group=g,
            rationale=why,
        )
    )
with open(ROOT / "seeds" / "cipfa_to_cofog.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(out[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(out)

print(collections.Counter(o["treatment"] for o in out))
for o in out:
    if o["treatment"] != "not_counted":
        print(o["treatment"], o["line_label"], o["cofog_group"] or o["cofog_division"])
