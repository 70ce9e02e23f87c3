"""The one Definitions object the Dagster UI and CLI load (`dagster dev -m dagster_project.definitions`)."""

from .assembly import make_definitions

defs = make_definitions()
