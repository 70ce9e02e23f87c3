"""The layout of a local spend return, shared by the template writer and the ingestion reader.

A return is either the template workbook (one sheet per body: the body named in the cells above a
table with one line per COFOG division) or a CSV with one line per body and division and the
columns of ``CSV_COLUMNS``. Both are read into the same long lines.
"""

from .. import policy
from ..raw.tabular import Field

TITLE = "Total Place local spend return"
OWN = ""  # an empty funding source: the body's own resources (not funded by another counted body)

# the COFOG divisions a return may use and the labels its sheets show: seed cofog_divisions
COFOG_DIVISIONS = policy.load().cofog_divisions

# (header aliases accept spaces or underscores: the CSV layout uses the CSV_COLUMNS names)
# labels in column A above the table of a body sheet, and the field each one fills
META_LABELS = {
    "place": "place_id",
    "financial year": "financial_year",
    "sector": "sector",
    "department": "department",
    "body": "organisation",
}

TABLE_HEADERS = [
    "COFOG division",
    "Function",
    "Current estimate (£)",
    "Estimate method",
    "Your figure (£)",
    "Funding source",
    "Note",
]
TABLE_FIELDS = [
    Field("cofog_division", (r"^cofog[ _]division", r"^cofog")),
    Field("own_figure_gbp", (r"^your[ _]figure", r"own[ _]figure")),
    Field("funding_source", (r"^funding[ _]source", r"funded[ _]by")),
    Field("note", (r"^note",), required=False),
]

CSV_COLUMNS = [
    "place_id",
    "financial_year",
    "sector",
    "department",
    "body",
    "cofog_division",
    "own_figure_gbp",
    "funding_source",
    "note",
]
CSV_FIELDS = [
    Field("place_id", (r"^place",)),
    Field("financial_year", (r"^financial[ _]year", r"^year")),
    Field("sector", (r"^sector",)),
    Field("department", (r"^department",)),
    Field("organisation", (r"^body", r"^organisation")),
    *TABLE_FIELDS,
]


def body_label(sector: str, department: str, organisation: str) -> str:
    """How a body is named in the funding-source list: unambiguous across sectors and departments."""
    return f"{sector} | {department} | {organisation}"
