"""Open311 GeoReport v2 under ``/open311/v2`` (both zones; reading is open, posting needs a
key). Not HTML pages: the spec's JSON and XML, in this module because ``routes`` modules may
serve the internet zone while the directors' key API (:mod:`jingwu.open311.api`) may not.

- ``GET services.{json|xml}``: the category catalogue as services; ``GET
  services/{service_code}.{json|xml}``: a service's definition (its attributes). Names follow
  ``locale`` or ``Accept-Language`` (Chinese by default).
- ``GET requests.{json|xml}``: published requests, with the specification's filters
  (``service_request_id``, ``service_code``, ``start_date``, ``end_date``, ``status``); 90
  days and 1000 requests by default. ``GET requests/{service_request_id}.{json|xml}``.
- ``POST requests.{json|xml}``: a form-encoded request with ``api_key``; 201 with a tracking
  token (the service_request_id comes once the intranet has taken it in).
- ``GET tokens/{token}.{json|xml}``.

Reads come only from ``pub_requests`` (:mod:`jingwu.open311.queries`); a post goes to the
portal's inbox (:func:`jingwu.open311.service.submit`). Errors are the spec's error list.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Path, Request, Response
from sqlalchemy.orm import Session

from jingwu.open311 import catalogue, formats, queries, service, spec
from jingwu.open311.wire import answer, answering, language, w3c
from jingwu.web.authz import PUBLIC
from jingwu.web.deps import SessionDep

ZONES = frozenset({"intranet", "internet"})

router = APIRouter(prefix="/open311/v2", tags=["open311"])

Format = Annotated[str, Path(description="json or xml")]
Resource = Annotated[str, Path(description="the code or id, then .json or .xml")]
XML_OR_JSON: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/xml": {}}, "description": "the answer"},
    400: {"description": "the specification's error list"},
    404: {"description": "the specification's error list"},
}


@router.get("/services.{fmt}", dependencies=[PUBLIC], responses=XML_OR_JSON)
def services(request: Request, session: SessionDep, fmt: Format) -> Response:
    """Every service (category): code, name, description, metadata, type, keywords, group."""
    wanted = fmt if fmt in spec.FORMATS else "json"

    def body() -> Response:
        lang = language(request)
        rows = [catalogue.service(e, lang) for e in service.entries(session)]
        out = formats.render_list("services", rows, spec.SERVICE_FIELDS, _checked(fmt))
        return answer(out, fmt, cache=True)

    return answering(wanted, None, body, request)


@router.get("/services/{resource}", dependencies=[PUBLIC], responses=XML_OR_JSON)
def definition(request: Request, session: SessionDep, resource: Resource) -> Response:
    """A service's definition: its code and the attributes a request may answer."""
    fmt = resource.rpartition(".")[2]

    def body() -> Response:
        code, wanted = spec.split_resource(resource)
        record = catalogue.definition(service.entry(session, code), language(request))
        return answer(formats.render_definition(record, wanted), wanted, cache=True)

    return answering(fmt if fmt in spec.FORMATS else "json", None, body, request)


POSTED: dict[int | str, dict[str, Any]] = {
    201: {"content": {"application/json": {}, "text/xml": {}}, "description": "the token"},
    400: {"description": "the specification's error list"},
    403: {"description": "api_key missing, unknown or revoked"},
    404: {"description": "the specification's error list"},
    429: {"description": "api_key over its hourly limit"},
}
MAX_FIELDS = 60
NOTICE = {
    "en": "Follow the request with its token; its service_request_id appears once a "
    "community police station has taken it in. In an emergency call 110.",
    "zh_CN": "请凭 token 查询办理进度；社区警务室受理后将生成 service_request_id。"
    "紧急情况请拨打 110。",
}


def _fmt(fmt: str) -> str:
    return fmt if fmt in spec.FORMATS else "json"


def _checked(fmt: str) -> str:
    if fmt not in spec.FORMATS:
        raise spec.Open311Error(404, "Not found: ask for .json or .xml.")
    return fmt


def _listing(request: Request, session: Session, rows: list[Any], fmt: str) -> Response:
    lang = language(request)
    names = queries.names(session, lang)
    records = [queries.record(r, names, lang, w3c) for r in rows]
    return answer(formats.render_list("requests", records, spec.REQUEST_FIELDS, fmt), fmt)


@router.get("/requests.{fmt}", dependencies=[PUBLIC], responses=XML_OR_JSON)
def requests(request: Request, session: SessionDep, fmt: Format) -> Response:
    """Published requests: status, public notes, snapped location; never a description."""

    def body() -> Response:
        now: dt.datetime = request.app.state.clock()
        filters = spec.parse_filters(request.query_params, now=now)
        return _listing(request, session, queries.requests(session, filters), _checked(fmt))

    return answering(_fmt(fmt), None, body, request)


@router.get("/requests/{resource}", dependencies=[PUBLIC], responses=XML_OR_JSON)
def one_request(request: Request, session: SessionDep, resource: Resource) -> Response:
    """One published request by its service_request_id (a list of one, as the spec says)."""
    fmt = _fmt(resource.rpartition(".")[2])

    def body() -> Response:
        wanted, fmt_ = spec.split_resource(resource)
        rows = queries.requests(session, spec.Filters(ids=(wanted,)))
        if not rows:
            raise spec.Open311Error(404, "service_request_id was not found.")
        return _listing(request, session, rows, fmt_)

    return answering(fmt, None, body, request)


@router.get("/tokens/{resource}", dependencies=[PUBLIC], responses=XML_OR_JSON)
def token(request: Request, session: SessionDep, resource: Resource) -> Response:
    """The service_request_id of a token (null until the intranet has taken it in)."""
    fmt = _fmt(resource.rpartition(".")[2])

    def body() -> Response:
        wanted, fmt_ = spec.split_resource(resource)
        row = queries.by_token(session, wanted)
        if row is None:
            raise spec.Open311Error(404, "token was not found.")
        record = {"service_request_id": row.service_request_id, "token": row.token}
        return answer(formats.render_list("requests", [record], spec.TOKEN_FIELDS, fmt_), fmt_)

    return answering(fmt, None, body, request)


@router.post("/requests.{fmt}", dependencies=[PUBLIC], status_code=201, responses=POSTED)
async def create(request: Request, session: SessionDep, fmt: Format) -> Response:
    """Submit a request (form-encoded, with ``api_key``); answers its tracking token."""
    wanted = _fmt(fmt)
    try:
        async with request.form(max_files=0, max_fields=MAX_FIELDS) as form:
            items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    except Exception:
        bad = spec.Open311Error(400, "Send the request form-encoded, without files.")
        return answer(formats.render_errors(bad.errors(), wanted), wanted, status=400)
    return await anyio.to_thread.run_sync(_create, request, session, items, fmt)


def _create(request: Request, session: Session, items: list[tuple[str, str]], fmt: str) -> Response:
    def body() -> Response:
        fmt_ = _checked(fmt)
        session.connection()  # begin (IMMEDIATE on SQLite) before reading the clock
        now: dt.datetime = request.app.state.clock()
        api_key = next((v for k, v in items if k == "api_key"), None)
        key = service.check_key(session, api_key=api_key, now=now)
        submission, account = service.submit(
            session, form=items, key=key, now=now, language=request.app.state.settings.language
        )
        record = {
            "service_request_id": None,
            "token": submission.token,
            "service_notice": NOTICE[language(request)],
            "account_id": account,
        }
        out = formats.render_list("requests", [record], spec.CREATED_FIELDS, fmt_)
        return answer(out, fmt_, status=201)

    return answering(_fmt(fmt), session, body, request)
