"""What the OpenAPI document says about errors, shared by every API router.

Every API answer that is not a success has the one error shape; each router documents the
statuses any of its operations can answer (``APIRouter(..., responses=API_ERRORS)``), so
clients and ``tests/web/test_schemathesis.py`` know them all::

    router = APIRouter(prefix="/api/v1/things", tags=["things"], responses=API_ERRORS)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, one sentence, and the fields concerned."""

    code: str = Field(description="a stable machine code, e.g. not_found, invalid, csrf")
    message: str = Field(description="one sentence in the caller's language")
    fields: dict[str, str] = Field(description="field name → what is wrong with it")


class ErrorBody(BaseModel):
    """The error shape of every API error."""

    error: ErrorDetail


WHY = {
    400: "the body cannot be read (not UTF-8 JSON, or not a form)",
    401: "not signed in (no, an invalid, expired or revoked token)",
    403: "the caller's role may not do this (the message names the role), or CSRF refused",
    404: "no such record in the caller's scope",
    409: "the record's state does not allow this (the message names the state)",
    413: "the body is larger than the limit (JINGWU_MAX_JSON_BYTES, …)",
    422: "an input is missing or malformed (fields names it)",
    429: "too many attempts: try again later",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for the given error statuses, all in the error shape."""
    return {code: {"model": ErrorBody, "description": WHY[code]} for code in codes}


API_ERRORS = error_responses(400, 401, 403, 404, 409, 413, 422)
"""The errors any signed-in API operation may answer."""

PUBLIC_ERRORS = error_responses(400, 404, 413, 422)
"""The errors an operation open to anyone may answer."""


def binary(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a 200 answer that is not JSON (files, tiles, GeoJSON)."""
    schema: dict[str, Any] = {"type": "string", "format": "binary"}
    if media_type.endswith("json"):
        schema = {"type": "object"}
    return {200: {"description": description, "content": {media_type: {"schema": schema}}}}
