"""One error shape for the API, clear pages for people; denials audited."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from jingwu.errors import DomainError, Forbidden, NotFound, Unauthenticated, translate
from jingwu.web.auditwriter import Denial, DenialWriter
from jingwu.web.deps import EnrolmentRequired, client_ip
from jingwu.web.i18n import DEFAULT_LANGUAGE, translator
from jingwu.web.templating import is_htmx, render
from jingwu.web.validation import GENERAL, field_problems

log = logging.getLogger("jingwu.web")

HTTP_MESSAGES = {
    400: "The request is not valid.",
    401: "Please sign in.",
    403: "You may not do this.",
    404: "Page not found.",
    405: "Method not allowed.",
    409: "The record changed meanwhile; reload the page and try again.",
    413: "The request is too large.",
    415: "This kind of content is not accepted here.",
    429: "Too many requests; please wait a moment and try again.",
}
INVALID_REQUEST = "The request is invalid: {field}: {problem}"


def wants_json(request: Request) -> bool:
    """JSON for the API and every operation of the OpenAPI document (programs call them);
    pages for people."""
    path = request.url.path
    route = request.scope.get("route")
    if isinstance(route, APIRoute) and route.include_in_schema:
        return True
    prefixes: tuple[str, ...] = getattr(request.app.state, "json_prefixes", ())
    return path.startswith(("/api/", "/open311/", *prefixes)) or (
        "application/json" in request.headers.get("accept", "")
        and "text/html" not in request.headers.get("accept", "")
    )


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


async def _audit_denial(request: Request, exc: DomainError) -> None:
    """Record a refusal, off the event loop (see :mod:`jingwu.web.auditwriter`)."""
    writer: DenialWriter = request.app.state.denials
    denial = Denial(
        principal=getattr(request.state, "principal", None),
        object_id=f"{request.method} {request.url.path}"[:64],
        ip=client_ip(request),
        detail={"status": exc.status, "code": exc.code, "path": request.url.path},
        at=request.app.state.clock(),
    )
    await writer.record(denial)


def _respond(
    request: Request,
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    *,
    error: DomainError | None = None,
    params: dict[str, Any] | None = None,
) -> Response:
    """The error in the request's language: JSON for the API, else a page or fragment.

    ``message`` and the ``fields`` values are message ids (``params`` fill ``message``);
    a domain ``error`` brings its own id, parameters and field messages.
    """
    tr = translator(getattr(request.state, "language", DEFAULT_LANGUAGE))
    shown = error.translated(tr) if error else translate(message, params, tr)
    shown_fields = (
        error.translated_fields(tr) if error else {k: tr(v) for k, v in (fields or {}).items()}
    )
    return _send(request, status, code, shown, shown_fields)


def _send(
    request: Request, status: int, code: str, message: str, fields: dict[str, str]
) -> Response:
    """An already translated error as JSON for the API, else as a page or an htmx fragment."""
    if wants_json(request):
        return JSONResponse(error_body(code, message, fields), status_code=status)
    template = "error_fragment.html" if is_htmx(request) else "error.html"
    context = {"status": status, "code": code, "message": message, "fields": fields}
    return render(request, template, context, status_code=status)


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if isinstance(exc, Unauthenticated) and not wants_json(request):
        target = "/account/enrol" if isinstance(exc, EnrolmentRequired) else "/login"
        nxt = quote(str(request.url.path))
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": f"{target}?next={nxt}"})
        return RedirectResponse(f"{target}?next={nxt}", status_code=303)
    if isinstance(exc, Forbidden | NotFound):
        await _audit_denial(request, exc)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
    response = _respond(request, exc.status, exc.code, exc.message, exc.fields, error=exc)
    if headers:
        response.headers.update(headers)
    return response


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    language = getattr(request.state, "language", DEFAULT_LANGUAGE)
    tr = translator(language)
    fields = field_problems(exc.errors(), tr, language)
    field, why = next(iter(fields.items()), ("request", tr(GENERAL)))
    message = translate(INVALID_REQUEST, {"field": field, "problem": why}, tr)
    return _send(request, 422, "invalid", message, fields)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
    return _respond(request, exc.status_code, f"http_{exc.status_code}", message)


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(
        request,
        500,
        "server_error",
        "Something went wrong on our side; nothing was saved. Please try again.",
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, server_error)
