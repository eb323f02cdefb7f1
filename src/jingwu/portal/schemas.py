"""JSON shapes of the portal's feed API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from jingwu.workorders.schemas import InputModel


class FeedRequestIn(InputModel):
    """One request transferred from the 12345 hotline or 110 dispatch (strict: a number is
    a JSON number, never a boolean or a string)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    ref: str = Field(min_length=1, max_length=64, description="the source system's reference")
    category: str = Field(max_length=48, description="category code from the catalogue")
    description: str = Field(max_length=4000)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    phone: str | None = Field(default=None, max_length=32, description="the caller's phone")
    name: str | None = Field(default=None, max_length=64, description="the caller's name")


class FeedIn(BaseModel):
    """A batch of transferred requests."""

    model_config = ConfigDict(extra="forbid")

    requests: list[FeedRequestIn] = Field(max_length=500)


class FeedErrorOut(BaseModel):
    index: int = Field(description="1-based position of the request in the batch")
    message: str


class FeedOut(BaseModel):
    """What became of the batch: tracking tokens of the new requests, refs skipped because
    they were taken before, and the requests refused."""

    added: list[str]
    skipped: list[str]
    errors: list[FeedErrorOut]
