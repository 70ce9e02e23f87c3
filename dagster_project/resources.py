"""Run configuration shared by every asset: where the mirror, landed data and warehouse are."""
from __future__ import annotations

from pathlib import Path

import dagster as dg

from .settings import Settings


class TotalplaceConfig(dg.ConfigurableResource):
    """Paths for one run. Defaults come from the TOTALPLACE_* environment (see settings.py);
    `totalplace build` points ``warehouse`` at a working file that is published only when every gate passes."""
    warehouse: str
    data_dir: str
    mirror: str = ""
    returns_dir: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, warehouse: Path | None = None) -> "TotalplaceConfig":
        return cls(warehouse=str(warehouse or settings.warehouse), data_dir=str(settings.data_dir),
                   mirror=str(settings.mirror) if settings.mirror else "", returns_dir=str(settings.returns_dir))

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def returns_path(self) -> Path | None:
        return Path(self.returns_dir) if self.returns_dir else None

    @property
    def mirror_path(self) -> Path | None:
        return Path(self.mirror) if self.mirror else None
