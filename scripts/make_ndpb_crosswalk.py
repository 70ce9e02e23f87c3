"""Drafts seeds/public_body_departments.csv and seeds/ndpb_crosswalk.csv from the warehouse.

Run after `totalplace build`: python scripts/make_ndpb_crosswalk.py

The CSVs in seeds/ are the reviewed source of truth. Rows whose match_basis is `reviewed` were set by
a person and are kept as they are when this script runs again; every other row is re-derived:
  - departments: the directory's department name (as published in 2012-2015) to the CRA 2018
    department, by exact or normalised name; renamed departments are `reviewed` rows;
  - bodies: each directory body (name as published, department) to a CRA 2018 organisation of the
    mapped department, by exact name (`name`), normalised name (`normalised_name`: case,
    punctuation, '&', a leading 'The', a bracketed abbreviation), or a close spelling inside the
    same department (`close_name`, ratio >= 0.9: check these); else `unmatched`.
"""

import csv
import difflib
import re
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def norm(name: str) -> str:
    s = (name or "").lower().replace("&", " and ").replace("’", "'").replace("\x92", "'")
    s = re.sub(r"\([^)]*\)", " ", s)  # bracketed abbreviations: (ACAS), (HEFCE)
    s = re.sub(r"^the\s+", "", s.strip())
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def reviewed(path: Path, key: tuple[str, ...]) -> dict[tuple, dict]:
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as fh:
        return {tuple(r[k] for k in key): r for r in csv.DictReader(fh) if r["match_basis"] == "reviewed"}


def main() -> None:
    con = duckdb.connect(str(ROOT / "warehouse" / "totalplace.duckdb"), read_only=True)
    cra = con.execute("""SELECT DISTINCT department, coalesce(organisation, department) FROM staging.stg_hmt__cra
                         WHERE source_id = 'cra_2018'""").fetchall()
    cra_depts = sorted({d for d, _ in cra})
    directory = con.execute("""SELECT body_name, department, max(directory_year) FROM raw.public_bodies
                               WHERE body_name IS NOT NULL GROUP BY ALL ORDER BY 2, 1""").fetchall()

    dept_path = SEEDS / "public_body_departments.csv"
    kept = reviewed(dept_path, ("directory_department",))
    depts = []
    for d in sorted({d for _, d, _ in directory if d}):
        if (d,) in kept:
            depts.append(kept[(d,)])
            continue
        exact = [c for c in cra_depts if c == d] or [c for c in cra_depts if norm(c) == norm(d)]
        depts.append(
            {
                "directory_department": d,
                "cra_department": exact[0] if exact else "",
                "match_basis": ("name" if exact and exact[0] == d else "normalised_name") if exact else "unmatched",
                "note": "",
            }
        )
    with open(dept_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, ["directory_department", "cra_department", "match_basis", "note"], lineterminator="\n")
        w.writeheader()
        w.writerows(depts)
    dept_map = {r["directory_department"]: r["cra_department"] for r in depts}

    body_path = SEEDS / "ndpb_crosswalk.csv"
    kept = reviewed(body_path, ("body_name", "directory_department"))
    rows = []
    for body, dept, _year in directory:
        if (body, dept or "") in kept:
            rows.append(kept[(body, dept or "")])
            continue
        cra_dept = dept_map.get(dept or "", "")
        in_dept = [(cd, co) for cd, co in cra if cd == cra_dept]
        row = {
            "body_name": body,
            "directory_department": dept or "",
            "cra_department": cra_dept,
            "cra_organisation": "",
            "match_basis": "unmatched",
            "note": "",
        }
        hit = next(((cd, co) for cd, co in cra if co == body), None)
        basis = "name"
        if hit is None:
            hit = next(((cd, co) for cd, co in in_dept if norm(co) == norm(body)), None) or next(
                ((cd, co) for cd, co in cra if norm(co) == norm(body)), None
            )
            basis = "normalised_name"
        if hit is None and in_dept:
            close = difflib.get_close_matches(norm(body), [norm(co) for _, co in in_dept], n=1, cutoff=0.9)
            if close:
                hit = next((cd, co) for cd, co in in_dept if norm(co) == close[0])
                basis = "close_name"
        if hit:
            row.update(cra_department=hit[0], cra_organisation=hit[1], match_basis=basis)
        rows.append(row)
    with open(body_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(
            fh,
            ["body_name", "directory_department", "cra_department", "cra_organisation", "match_basis", "note"],
            lineterminator="\n",
        )
        w.writeheader()
        w.writerows(rows)
    n = {
        b: sum(r["match_basis"] == b for r in rows)
        for b in ("name", "normalised_name", "close_name", "reviewed", "unmatched")
    }
    print(f"{len(depts)} departments ({sum(1 for r in depts if r['cra_department'])} mapped); {len(rows)} bodies: {n}")


if __name__ == "__main__":
    main()
