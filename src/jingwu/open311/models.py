"""Open311 tables: the API keys a district issues to partner systems, and their recent uses.

A key is shown once, when issued; only its SHA-256 is stored (the key is 32 random bytes,
so a plain hash cannot be reversed by guessing). The internet zone reads ``open311_keys`` and
writes ``open311_key_uses`` (one row per accepted request, for the rate limit).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime


class Open311Key(Base):
    """An API key for ``POST requests``, issued by a district unit to a named partner."""

    __tablename__ = "open311_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # the district
    name: Mapped[str] = mapped_column(String(120))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # the first characters, to tell keys apart
    per_hour: Mapped[int] = mapped_column(Integer, default=60)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Open311KeyUse(Base):
    """One accepted ``POST requests`` with a key (counted for the key's hourly limit)."""

    __tablename__ = "open311_key_uses"
    __audit__ = False  # a counter written by the internet zone (no audit rows there)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("open311_keys.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
