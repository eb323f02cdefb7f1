"""Pages for finding orders and for paper: the search page and the walk-in receipt (回执);
the provisions of law an order suggests (a fragment of the order page)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from jingwu.accounts.scope import Principal
from jingwu.legal import service as legal
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.templating import render
from jingwu.workorders import queries, search
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.pages import labels

router = APIRouter(include_in_schema=False)

PER_PAGE = 30


@router.get("/work-orders/search", response_class=HTMLResponse)
def find(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.view")],
    q: Annotated[str, Query(max_length=search.MAX_QUERY)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Orders in my scope by code, the caller's phone, address or text."""
    rows, total = search.find(session, principal, q=q, page=page, per_page=PER_PAGE)
    found = [(row, search.matched_on(row, q)) for row in rows]
    ctx = {
        "q": q,
        "found": found,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PER_PAGE)),
        **labels(),
        "tab": "search",
    }
    return render(request, "workorders/search.html", ctx)


@router.get("/work-orders/{code}/receipt", response_class=HTMLResponse)
def receipt(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.view")],
    now: Now,
    code: str,
) -> Response:
    """The walk-in receipt (受理回执) to print and hand to the reporter: the order code, when
    the station will respond, and how to follow the order."""
    detail = queries.order_detail(session, principal, code=code, now=now)
    return render(request, "workorders/receipt.html", {"d": detail, "now": now, **labels()})


@router.get("/work-orders/{code}/legal", response_class=HTMLResponse)
def legal_suggestions(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("legal.search")],
    code: str,
) -> Response:
    """The articles of law the order's category and description suggest (htmx fragment)."""
    order, _ = queries.order_and_people(session, principal, code=code)
    known = order.category in DEFAULT_CATALOGUE
    category = DEFAULT_CATALOGUE.get(order.category).zh if known else ""
    directory = legal.index_dir(request.app.state.settings)
    hits = legal.suggest(order.category, category, order.description or "", directory=directory)
    return render(request, "legal/_suggest.html", {"hits": hits, "ready": legal.ready(directory)})
