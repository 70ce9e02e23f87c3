"""Raw layer: one module per publisher turning published files into tidy tables with provenance."""
