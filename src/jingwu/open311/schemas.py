"""Input and output shapes of the Open311 key API (``/api/v1/open311/keys``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from jingwu.open311.models import Open311Key


class KeyIn(BaseModel):
    """A key to issue: the district that issues it, the partner that will use it."""

    model_config = ConfigDict(extra="forbid")

    unit: str = Field(min_length=1, max_length=12, description="the district's short code")
    name: str = Field(min_length=1, max_length=120, description="the partner system")
    per_hour: int = Field(default=60, ge=1, le=10_000, description="requests an hour")


class KeyOut(BaseModel):
    """A key as listed: never the key itself, only its first characters."""

    id: int
    unit_id: int
    name: str
    prefix: str
    per_hour: int
    issued_at: dt.datetime
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, k: Open311Key) -> KeyOut:
        return cls(
            id=k.id,
            unit_id=k.unit_id,
            name=k.name,
            prefix=k.prefix,
            per_hour=k.per_hour,
            issued_at=k.issued_at,
            revoked_at=k.revoked_at,
        )


class IssuedOut(KeyOut):
    """A key just issued: ``key`` is shown this once and never again."""

    key: str
