"""Open311 GeoReport v2, the services (both zones, anyone, no key).

``GET /open311/v2/services.{json|xml}`` lists the category catalogue as services;
``GET /open311/v2/services/{service_code}.{json|xml}`` gives a service's definition (its
attributes). Names follow ``locale`` or ``Accept-Language`` (Chinese by default). The
requests are in :mod:`jingwu.open311.api`. Errors are the specification's error list.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from jingwu.open311 import catalogue, formats, service, spec
from jingwu.open311.wire import answer, answering, language
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


def _format(fmt: str) -> str:
    if fmt not in spec.FORMATS:
        raise spec.Open311Error(404, "Not found: ask for .json or .xml.")
    return fmt


@router.get("/services.{fmt}", dependencies=[PUBLIC], responses=XML_OR_JSON)
def services(request: Request, session: SessionDep, fmt: Format) -> Response:
    """Every service (category): code, name, description, metadata, type, keywords, group."""
    wanted = fmt if fmt in spec.FORMATS else "json"

    def body() -> Response:
        lang = language(request)
        rows = [catalogue.service(e, lang) for e in service.entries(session)]
        out = formats.render_list("services", rows, spec.SERVICE_FIELDS, _format(fmt))
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
