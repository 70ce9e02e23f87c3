"""`totalplace report` renders offline in headless Chromium: the charts draw and the page is not blank."""

from __future__ import annotations

import re
import shutil
import subprocess

import duckdb
import pytest
from conftest import run_cli
from PIL import Image

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=8000",
]


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.fail("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    return exe


def test_report_renders_offline_with_its_charts(built_warehouse, tmp_path):
    out = tmp_path / "hackney.html"
    proc = run_cli(["report", "--place", "E09000012", "--year", "2016-17", "--out", str(out)], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = out.read_text(encoding="utf-8")
    # self-contained, opens offline: no script, stylesheet or image is fetched from anywhere
    assert not re.search(r"<(script|img|iframe)[^>]+src=", page) and not re.search(r"<link[^>]+href=", page)
    total, pop_only = (
        duckdb.connect(str(built_warehouse["warehouse"]), read_only=True)
        .execute(
            "SELECT total_gbp, population_only_total_gbp FROM marts.place_totals WHERE place_id = 'E09000012' "
            "AND financial_year = '2016-17'"
        )
        .fetchone()
    )
    assert f"£{total / 1e6:,.1f} million" in page and "Method and sources" in page
    # the indicators' effect is on the page: the population-only total and the streams they moved
    assert f"by population only: £{pop_only / 1e6:,.1f}m" in page and 'id="sensitivity"' in page
    assert "Population of state pension age" in page
    # one colour per sector: the donut and the Sankey give central government the same colour
    assert page.count('"#1f6f8b"') >= 2 and page.count('"#c2681d"') >= 2
    # when and from what the warehouse was built
    built_at, commit = (
        duckdb.connect(str(built_warehouse["warehouse"]), read_only=True)
        .execute("SELECT built_at, commit FROM quality.build_info")
        .fetchone()
    )
    assert f"Warehouse built {built_at:%Y-%m-%d %H:%M} UTC from commit <code>{commit}</code>" in page
    dom = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile1'}", "--dump-dom", out.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    # compared with the region and England (issue 25), and the headline traced to its cells (issue 26)
    assert "Compared with the region and England" in page and 'id="compare-table"' in page
    assert ">London</td>" in page and ">England</td>" in page and 'id="trace-parts"' in page
    for chart in ("chart-cofog", "chart-sector", "chart-trend", "chart-sankey", "chart-compare", "chart-map"):
        assert f'id="{chart}"' in dom
    # the map locates Hackney among London's 33 districts, drawn offline
    assert "Among its neighbours" in page and dom.count('class="choroplethlocation"') == 33
    assert dom.count('class="main-svg"') >= 4  # plotly drew an SVG for every chart
    assert 'class="sankey"' in dom and 'class="trace bars"' in dom
    png = tmp_path / "report.png"
    subprocess.run(
        [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile2'}",
            "--window-size=1200,2600",
            f"--screenshot={png}",
            out.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    img = Image.open(png).convert("RGB")
    colours = img.resize((300, 650)).getcolors(maxcolors=1_000_000)
    assert img.size == (1200, 2600) and len(colours) > 200  # a drawn page, not a blank one
    # the COFOG bar chart's colour is present in quantity
    assert sum(n for n, rgb in colours if rgb == (31, 111, 139)) > 500


def test_report_2024_25_shows_the_band_nhs_englands_allocations_and_the_third_party_population(
    built_warehouse, tmp_path
):
    out = tmp_path / "hackney.html"
    proc = run_cli(["report", "--place", "Hackney", "--year", "2024-25", "--out", str(out)], built_warehouse["env"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = out.read_text(encoding="utf-8")
    con = duckdb.connect(str(built_warehouse["warehouse"]), read_only=True)
    low, high, population = con.execute(
        "SELECT total_low_gbp, total_high_gbp, population FROM marts.place_totals WHERE place_id = 'E09000012' "
        "AND financial_year = '2024-25'"
    ).fetchone()
    [(funder_error,)] = con.execute(
        "SELECT error_rate FROM marts.place_error_bands WHERE place_id = 'E09000012' AND financial_year = '2024-25' "
        "AND method = 'apportioned_funder_allocation'"
    ).fetchall()
    band = re.search(r'<span id="kpi-band">likely £([\d,.]+)m–£([\d,.]+)m', page)
    assert band and band.groups() == (f"{low / 1e6:,.1f}", f"{high / 1e6:,.1f}")
    assert f"likely £{low / population:,.0f}–£{high / population:,.0f}" in page
    placed = re.search(r'id="kpi-placed">(.*?)</div>', page, re.S).group(1)
    assert f"placed by the funder&#x27;s own allocations (NHS England) <i>±{funder_error:.0%}</i>" in placed
    assert "a third party&#x27;s export of ONS&#x27;s sheet" in page  # the mid-2024 population's origin
    # the methods table: each way's measured error and what it was measured against
    methods = re.search(r'<table id="methods">(.*?)</table>', page, re.S).group(1)
    assert f"±{funder_error:.1%}" in methods and "NHS England&#x27;s allocations" in methods


def test_report_unknown_place_is_a_clear_error(built_warehouse, tmp_path):
    proc = run_cli(
        ["report", "--place", "tp_kentt", "--year", "2016-17", "--out", str(tmp_path / "x.html")],
        built_warehouse["env"],
    )
    assert proc.returncode == 2 and "unknown place 'tp_kentt'" in proc.stderr and "tp_kent" in proc.stderr
