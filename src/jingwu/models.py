"""Import every domain's models so the metadata is complete (Alembic, tests)."""

from __future__ import annotations

from jingwu.db import Base
from jingwu.registry import domain_modules

MODEL_MODULES = domain_modules("models", include=("security",))

__all__ = ["MODEL_MODULES", "Base"]
