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

from jingwu.errors import DomainError, Forbidden, NotFound, Unauthenticated
from jingwu.web.auditwriter import Denial, DenialWriter
from jingwu.web.deps import EnrolmentRequired, client_ip
from jingwu.web.i18n import gettext, translations
from jingwu.web.templating import is_htmx, render

log = logging.getLogger("jingwu.web")


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
) -> Response:
    if wants_json(request):
        return JSONResponse(error_body(code, message, fields), status_code=status)
    language = getattr(request.state, "language", "zh_CN")
    template = "error_fragment.html" if is_htmx(request) else "error.html"
    tr = translations(language).ugettext
    return render(
        request,
        template,
        {
            "status": status,
            "code": code,
            "message": error.translated(tr) if error else gettext(language, message),
            "fields": error.translated_fields(tr) if error else fields or {},
        },
        status_code=status,
    )


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
    fields: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
        fields[".".join(loc) or "request"] = str(err.get("msg", "invalid"))
    first = next(iter(fields.items()), ("request", "invalid"))
    message = f"The request is invalid: {first[0]}: {first[1]}."
    return _respond(request, 422, "invalid", message, fields)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    messages = {404: "Page not found.", 405: "Method not allowed.", 401: "Please sign in."}
    message = messages.get(exc.status_code, str(exc.detail))
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
