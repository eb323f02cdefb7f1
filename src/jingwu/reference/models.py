"""Reference tables: outside departments and the service/incident category catalogue."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base


class Department(Base):
    """An outside department that receives tasks and transfers (city management, fire, …)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Category(Base):
    """A service or incident category of one functional module (ORG-5)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    module: Mapped[str] = mapped_column(String(16), index=True)  # security|livelihood|dispute
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    default_tier: Mapped[str] = mapped_column(String(8), default="yellow")
    orange_response_minutes: Mapped[int | None] = mapped_column(Integer)
    orange_completion_minutes: Mapped[int | None] = mapped_column(Integer)
    mediable: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
