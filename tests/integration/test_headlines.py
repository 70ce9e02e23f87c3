"""Issue 26: the count's headline says how its money was placed, in plain words, with each share."""

from __future__ import annotations

import json
import re

import pytest
from conftest import run_cli


def _share(con, place_id: str, year: str, where: str) -> float:
    [(share,)] = con.execute(
        f"SELECT sum(amount_gbp) FILTER (WHERE {where}) / sum(amount_gbp) FROM marts.fct_place_spend "
        "WHERE place_id = ? AND financial_year = ?",
        [place_id, year],
    ).fetchall()
    return share


def test_cumberland_2024_25_says_what_is_imputed_for_a_non_submitter(built_warehouse, con):
    imputed = _share(con, "E06000063", "2024-25", "method = 'imputed_not_submitted'")
    assert imputed > 0.05  # Cumberland made no 2024-25 return: its LG current spending is carried from 2023-24
    proc = run_cli(["count", "--place", "Cumberland", "--year", "2024-25"], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if "imputed for a non-submitter" in x)
    assert re.search(r"(\d+\.\d)%", line).group(1) == f"{imputed:.1%}"[:-1]
    assert "from actual local returns" not in proc.stdout


def test_hackney_2019_20_says_what_comes_from_the_third_party_file(built_warehouse, con):
    derived = _share(con, "E09000012", "2019-20", "source_origin = 'third_party_derived'")
    assert derived > 0.1  # 2019-20 returns come only through the derived series
    proc = run_cli(["count", "--place", "Hackney", "--year", "2019-20", "--format", "json"], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr
    placed = json.loads(proc.stdout)["placed"]
    assert sum(p["share"] for p in placed) == pytest.approx(1.0)
    assert sum(p["share"] for p in placed if p["third_party_derived"]) == pytest.approx(derived)
    assert all("third party's derived file" in p["label"] for p in placed if p["third_party_derived"])
    text = run_cli(["count", "--place", "Hackney", "--year", "2019-20"], built_warehouse["env"]).stdout
    assert "actual local returns (a third party's derived file, not the publisher's)" in text
