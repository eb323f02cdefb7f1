"""Request parameter types shared by every route: bounded ids and page numbers, local
date-times (from :mod:`jingwu.fields`), and a form read before a synchronous endpoint runs.

Use these instead of bare ``int`` or ``datetime``: a value the database cannot hold (an id
of 2^63 or more) or a time without a zone is dealt with here (a 422 naming the field, or
the time read in the configured zone), never a 500 further in. The OpenAPI document
carries the same bounds and says how times without an offset are read.
"""

from __future__ import annotations

from typing import Annotated, BinaryIO, TypedDict

from fastapi import Depends, Path, Query, Request, UploadFile

from jingwu.fields import (
    MAX_ID,
    MAX_IDS,
    BodyId,
    IdList,
    LocalDateTime,
    local_time_zone,
    use_time_zone,
)

__all__ = [
    "MAX_ID",
    "MAX_IDS",
    "MAX_PAGE",
    "BodyId",
    "FormFields",
    "IdList",
    "IdPath",
    "IdQuery",
    "Latitude",
    "LocalDateTime",
    "Longitude",
    "PageNo",
    "Upload",
    "local_time_zone",
    "upload",
    "use_time_zone",
]

MAX_PAGE = 10_000_000  # far past any list; keeps OFFSET within a BIGINT

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="a record id")]
"""A record id in the path: 1 … 2^63-1 (larger cannot exist: 422, not 500)."""

IdQuery = Annotated[int, Query(ge=1, le=MAX_ID)]
"""A record id in the query string."""

Longitude = Annotated[float, Query(ge=-180, le=180, description="WGS-84 longitude")]
"""A longitude in the query string: -180 … 180 (no inf, no nan)."""

Latitude = Annotated[float, Query(ge=-90, le=90, description="WGS-84 latitude")]
"""A latitude in the query string: -90 … 90."""

PageNo = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page number, from 1")]
"""A page number: 1 … 10,000,000."""


async def form_fields(request: Request) -> dict[str, str]:
    """The text fields of a URL-encoded or multipart form (files are left out).

    Read here, on the event loop, so the endpoint itself can be synchronous and do its
    database work in a thread: an ``async def`` endpoint that calls a service would hold
    up every other request while the database answers.
    """
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


class Upload(TypedDict):
    """An uploaded file as a service takes it (``service.attach(..., **upload(file))``)."""

    stream: BinaryIO
    filename: str
    media_type: str


def upload(file: UploadFile) -> Upload:
    """The keyword arguments a service's ``attach`` takes for an uploaded file."""
    return {
        "stream": file.file,
        "filename": file.filename or "",
        "media_type": file.content_type or "",
    }
