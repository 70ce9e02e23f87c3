"""What `totalplace map --by` can colour the districts by (the CLI reads it without importing plotly)."""

MEASURES = {
    "per_head": "£ per head ({prices} prices)",
    "share_indicator": "share placed by place-level indicators",
    "share_actual": "share from actual local returns",
    "band": "error band (± share of the total, from each method's measured error)",
}
