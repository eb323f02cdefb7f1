"""Key canaries: prove at start-up that the configured keys read the stored data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime


class KeyCanary(Base):
    """A known value encrypted (or HMAC'd) under one key id."""

    __tablename__ = "key_canaries"
    __audit__ = False

    kid: Mapped[str] = mapped_column(String(32), primary_key=True)
    alg: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
