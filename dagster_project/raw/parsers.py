"""raw table -> the parser that reads one of its files, as each publisher module's ``TABLES`` declares it.

Kept apart from the Dagster assets (raw/assets.py) so that a parsing worker (raw/parse_pool.py) imports the
parsers without importing Dagster.
"""

from collections.abc import Callable
from pathlib import Path

from ..manifest import Source
from . import cofog, cra, derived, indicators, la_returns, nhs, ons, public_bodies
from .tabular import ParseResult

PARSERS: dict[str, Callable[[Path, Source], ParseResult]] = {
    **cra.TABLES,
    **derived.TABLES,
    **indicators.TABLES,
    **la_returns.TABLES,
    **nhs.TABLES,
    **ons.TABLES,
    **cofog.TABLES,
    **public_bodies.TABLES,
}
