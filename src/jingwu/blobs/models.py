"""The blob registry: one row per stored content (SHA-256 of the plaintext)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime


class Blob(Base):
    """Metadata of a stored file; the bytes live in the blob store."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(128), default="application/octet-stream")
    filename: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
