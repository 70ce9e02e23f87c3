"""Partner returns: the local spend return template, and validated ingestion of filled returns."""
