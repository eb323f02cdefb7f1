"""The web edge of Open311 shared by its routers: answers in either format, the spec's
error list for every failure, and the language of service names.

Open311 clients expect errors as ``[{code, description}]`` (``<errors><error>``), not the
platform's error shape, so the endpoints turn every failure into that list themselves:
:func:`answering` wraps an endpoint body, maps :class:`~jingwu.open311.spec.Open311Error`
and the domain errors to their HTTP statuses, and rolls the transaction back on failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import Request, Response
from sqlalchemy.orm import Session

from jingwu.errors import Conflict, DomainError, Forbidden, NotFound
from jingwu.i18n import accepted_language
from jingwu.open311 import formats, spec
from jingwu.web.params import local_time_zone

JURISDICTIONS = frozenset({"jingwu"})
CACHE = {"Cache-Control": "public, max-age=300"}


def answer(body: bytes, fmt: str, *, status: int = 200, cache: bool = False) -> Response:
    headers = CACHE if cache else {"Cache-Control": "no-store"}
    return Response(body, status_code=status, media_type=formats.MEDIA_TYPES[fmt], headers=headers)


def error(exc: spec.Open311Error, fmt: str) -> Response:
    return answer(formats.render_errors(exc.errors(), fmt), fmt, status=exc.status)


def _status(exc: DomainError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, Conflict):
        return 409
    return 400


def answering(
    fmt: str, session: Session | None, body: Callable[[], Response], request: Request
) -> Response:
    """Run ``body``; a failure becomes the spec's error list (and rolls back)."""
    try:
        check_jurisdiction(request)
        result = body()
    except spec.Open311Error as exc:
        if session is not None:
            session.rollback()
        return error(exc, fmt)
    except DomainError as exc:
        if session is not None:
            session.rollback()
        fields = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        text = exc.message + (f" ({fields})" if fields else "")
        return error(spec.Open311Error(_status(exc), text), fmt)
    if session is not None:
        session.commit()
    return result


def check_jurisdiction(request: Request) -> None:
    """``jurisdiction_id`` is optional here (one jurisdiction); a different one is 404."""
    given = request.query_params.get("jurisdiction_id")
    if given is not None and given not in JURISDICTIONS and given != request.url.hostname:
        raise spec.Open311Error(404, "jurisdiction_id was not found.")


def language(request: Request) -> str:
    """``en`` or ``zh_CN``: the ``locale`` parameter, else ``Accept-Language``, else Chinese."""
    locale = request.query_params.get("locale", "")
    if locale:
        chosen = accepted_language(locale.replace("_", "-"))
        if chosen:
            return "en" if chosen.startswith("en") else "zh_CN"
    current = str(getattr(request.state, "language", "zh_CN"))
    return "en" if current.startswith("en") else "zh_CN"


def w3c(value: dt.datetime | None) -> str | None:
    return spec.w3c(value, local_time_zone())
