"""`totalplace template`: the local spend return workbook for one place and year.

An Instructions sheet, a Lists sheet (COFOG divisions and the bodies a funding source may name) and
one sheet per body with identifiable spending counted in the place that year, pre-filled with the
current estimate by COFOG division and its method. Partners fill "Your figure (£)", "Funding source"
and "Note"; the workbook's validation keeps figures numeric and non-negative and COFOG codes and
funding sources to the lists.
"""

import re
from pathlib import Path

import xlsxwriter

from ..count import get_count
from ..warehouse import connect
from .layout import COFOG_DIVISIONS, TABLE_HEADERS, TITLE, body_label

EXTRA_ROWS = 10  # blank validated lines under the ten divisions, for a second line with another funding source


def _sheet_name(i: int, organisation: str, used: set[str]) -> str:
    """'003 Department for Work and…': Excel allows 31 characters, so a long name is cut at a word and
    marked; the full name is on the sheet and in the Index."""
    name = re.sub(r"\s+", " ", f"{i:03d} " + re.sub(r"[\[\]:*?/\\']", " ", organisation)).strip()
    if len(name) > 31:
        cut = name[:30]
        name = (cut[: cut.rfind(" ")] if cut.rfind(" ") > 4 else cut).rstrip(" ,-") + "\u2026"
    used.add(name)
    return name


NEGATIVE_NOTE = (
    "A negative estimate is this place's share of a negative published figure (CRA records some "
    "receipts, asset sales and accounting adjustments as negative spending) or money taken off this body "
    "because a partner said it funded another counted body. Your own figure is what you spent: 0 or more."
)


def body_estimates(
    warehouse: Path, place_id: str, year: str
) -> dict[tuple[str, str, str], dict[str, tuple[float, str]]]:
    """(sector, department, organisation) -> {COFOG division: (current estimate £, method)} for the place-year."""
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            """
            SELECT sector, department, organisation, cofog_division, sum(amount_gbp) AS amount_gbp,
                   string_agg(DISTINCT CASE WHEN method = 'apportioned_indicator'
                                            THEN method || ' (' || indicator_id || ')' ELSE method END, ', '
                              ORDER BY CASE WHEN method = 'apportioned_indicator'
                                            THEN method || ' (' || indicator_id || ')' ELSE method END) AS method
            FROM marts.fct_place_spend
            WHERE place_id = ? AND financial_year = ? AND method <> 'transfer_removed'
            GROUP BY ALL
            HAVING abs(sum(amount_gbp)) >= 0.5
            ORDER BY sector, department, organisation, cofog_division""",
            [place_id, year],
        ).fetchall()
    bodies: dict[tuple[str, str, str], dict[str, tuple[float, str]]] = {}
    for sector, dept, org, div, amount, method in rows:
        bodies.setdefault((sector, dept, org), {})[div] = (amount, method)
    return bodies


def write_template(warehouse: Path, place: str, year: str, out: Path) -> tuple[Path, int]:
    count = get_count(warehouse, place, year, "sector")  # checks place and year, with close matches
    year = count.financial_year  # as the user wrote it: 2016/17, 16-17...
    bodies = body_estimates(warehouse, count.place_id, year)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out))
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 14})
    money = wb.add_format({"num_format": "#,##0"})
    entry = wb.add_format({"num_format": "#,##0", "bg_color": "#FFF2CC", "border": 1})
    entry_text = wb.add_format({"bg_color": "#FFF2CC", "border": 1})
    head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    formats = {"bold": bold, "title": title, "money": money, "entry": entry, "entry_text": entry_text, "head": head}

    info = wb.add_worksheet("Instructions")
    index = wb.add_worksheet("Index")
    lists = wb.add_worksheet("Lists")
    info.set_column(0, 0, 110)
    text = [
        (TITLE, title),
        (f"Place: {count.place_name} ({count.place_id})    Financial year: {year}", bold),
        ("", None),
        (
            "What this is. The Total Place count first asks each body that spends public money in the place for "
            "its own figure, and uses shares of national or regional totals by population only where no figure "
            "is given. Each of the following sheets is one body with identifiable spending counted in this place "
            "this year, with the count's current estimate by COFOG function and the method behind it.",
            wrap,
        ),
        (
            "What to fill. On your body's sheet, for each function where you know what you spent in the place "
            "this year, type the figure in pounds in 'Your figure (£)' (the yellow cells). Leave it empty where "
            "you do not know: the estimate then stands. Figures are spending, so they are not negative.",
            wrap,
        ),
        (
            "Funding source. If some of that money came to you from another body in the count (for example a grant "
            "from a department), put it on its own line with that body chosen in 'Funding source' (use one of the "
            "spare lines under the ten functions for the rest). The money is then counted once, at your body, and "
            "taken off the funder. Leave it empty for your own resources.",
            wrap,
        ),
        (
            "Return. Save the workbook (keep the sheet layout, the names above each table and the column "
            "headings) and send it back; it is read from the folder TOTALPLACE_RETURNS at the next build. A file "
            "with a problem (a code that does not exist, a negative amount, a line given twice) is rejected "
            "whole with every problem listed.",
            wrap,
        ),
        ("Negative estimates. " + NEGATIVE_NOTE, wrap),
        ("", None),
        (
            f"{len(bodies)} bodies, {sum(len(v) for v in bodies.values())} estimated lines. The Index sheet lists "
            "every body with its full name and a link to its sheet; COFOG divisions and the funding bodies are on "
            "the Lists sheet.",
            None,
        ),
    ]
    for r, (t, fmt) in enumerate(text):
        info.write(r, 0, t, fmt) if fmt else info.write(r, 0, t)

    lists.write_row(0, 0, ["COFOG division", "Function", "Funding source (body)"], bold)
    for r, (code, name) in enumerate(COFOG_DIVISIONS.items(), start=1):
        lists.write_string(r, 0, code)
        lists.write_string(r, 1, name)
    labels = [body_label(*k) for k in bodies]
    for r, label in enumerate(labels, start=1):
        lists.write_string(r, 2, label)
    lists.set_column(0, 1, 28)
    lists.set_column(2, 2, 90)
    division_list = f"=Lists!$A$2:$A${len(COFOG_DIVISIONS) + 1}"
    funder_list = f"=Lists!$C$2:$C${len(labels) + 1}"

    index.write_row(0, 0, ["Sheet", "Sector", "Department", "Body (full name)", "Current estimate (£)", "Note"], head)
    index.set_column(0, 0, 34)
    index.set_column(1, 1, 8)
    index.set_column(2, 3, 48)
    index.set_column(4, 4, 20)
    index.set_column(5, 5, 60)
    used: set[str] = set()
    for i, ((sector, dept, org), estimates) in enumerate(bodies.items(), start=1):
        sheet_name = _sheet_name(i, org, used)
        total = sum(a for a, _ in estimates.values())
        negative = [code for code, (a, _) in estimates.items() if a < -0.5]
        index.write_url(i, 0, f"internal:'{sheet_name}'!A1", string=sheet_name)
        index.write_row(i, 1, [sector, dept, org])
        index.write_number(i, 4, round(total), money)
        if negative:
            index.write_string(i, 5, f"negative estimate in division(s) {', '.join(negative)}: see the body's sheet")
        _write_body_sheet(
            wb.add_worksheet(sheet_name),
            formats,
            (count, year, sector, dept, org),
            estimates,
            bool(negative),
            (division_list, funder_list),
        )
    wb.close()
    return out, len(bodies)


def _write_body_sheet(ws, formats: dict, what: tuple, estimates: dict, negative: bool, lists: tuple) -> None:
    """One body's sheet: who and where above the table, the ten divisions with the count's estimate and
    method, yellow cells for the body's own figure, spare lines, and the lists the cells accept."""
    count, year, sector, dept, org = what
    division_list, funder_list = lists
    bold, title, money, entry, entry_text, head = (
        formats[k] for k in ("bold", "title", "money", "entry", "entry_text", "head")
    )
    ws.write(0, 0, TITLE, title)
    for r, (label, value) in enumerate(
        [
            ("Place", count.place_id),
            ("Financial year", year),
            ("Sector", sector),
            ("Department", dept),
            ("Body", org),
        ],
        start=1,
    ):
        ws.write_string(r, 0, label, bold)
        ws.write_string(r, 1, value)
    ws.write_string(1, 2, count.place_name)
    hr = 7
    if negative:
        ws.write_string(hr - 1, 0, NEGATIVE_NOTE)
    ws.write_row(hr, 0, TABLE_HEADERS, head)
    for k, (code, name) in enumerate(COFOG_DIVISIONS.items()):
        r = hr + 1 + k
        amount, method = estimates.get(code, (0.0, "none"))
        ws.write_string(r, 0, code)
        ws.write_string(r, 1, name)
        ws.write_number(r, 2, round(amount), money)
        ws.write_string(r, 3, method)
        ws.write_blank(r, 4, None, entry)
        ws.write_blank(r, 5, None, entry_text)
        ws.write_blank(r, 6, None, entry_text)
    first, last = hr + 1, hr + len(COFOG_DIVISIONS) + EXTRA_ROWS
    for r in range(hr + 1 + len(COFOG_DIVISIONS), last + 1):
        for c in (0, 4, 5, 6):
            ws.write_blank(r, c, None, entry if c == 4 else entry_text)
    ws.data_validation(
        first,
        0,
        last,
        0,
        {
            "validate": "list",
            "source": division_list,
            "error_title": "COFOG division",
            "error_message": "Choose a COFOG division 01 to 10 from the list.",
        },
    )
    ws.data_validation(
        first,
        4,
        last,
        4,
        {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_title": "Your figure",
            "error_message": "A figure in pounds, 0 or more (leave empty where you do not know).",
        },
    )
    ws.data_validation(
        first,
        5,
        last,
        5,
        {
            "validate": "list",
            "source": funder_list,
            "error_title": "Funding source",
            "error_message": "Choose the funding body from the list, or leave empty for your own resources.",
        },
    )
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 32)
    ws.set_column(2, 2, 20)
    ws.set_column(3, 3, 26)
    ws.set_column(4, 4, 18)
    ws.set_column(5, 5, 60)
    ws.set_column(6, 6, 40)
    ws.freeze_panes(hr + 1, 0)
