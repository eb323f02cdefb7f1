"""The public legal search page ``/legal`` (internet and intranet, no sign-in).

A search box; the articles in force that best answer the question, best first, with the
law's full title, the article number, its text and the law's effective date.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from jingwu.legal import service
from jingwu.legal.api import MAX_Q
from jingwu.web.authz import PUBLIC
from jingwu.web.nav import NavItem
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
ZONES = frozenset({"intranet", "internet"})
NAV = [NavItem("Legal search", "/legal", "legal.search", order=90)]
SHOWN = 10


@router.get("/legal", response_class=HTMLResponse, dependencies=[PUBLIC])
def legal_search(request: Request, q: Annotated[str, Query(max_length=MAX_Q)] = "") -> Response:
    """Search the national laws in force in plain Chinese."""
    directory = service.index_dir(request.app.state.settings)
    ready = service.ready(directory)
    hits = service.search(q, limit=SHOWN, directory=directory) if ready and q.strip() else []
    return render(request, "legal/search.html", {"q": q, "hits": hits, "ready": ready})
