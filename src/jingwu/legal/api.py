"""JSON API of the legal search: ``GET /api/v1/legal/search?q=&limit=`` (``legal.search``).

The answer is a list, best first, like ``jingwu legal search --json``. Without a built index
the answer is 409 naming ``jingwu legal load``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from jingwu.accounts.scope import Principal
from jingwu.errors import Conflict
from jingwu.legal import service
from jingwu.legal.index import MAX_LIMIT
from jingwu.legal.schemas import ProvisionOut
from jingwu.web.authz import Requires
from jingwu.web.openapi import API_ERRORS

router = APIRouter(prefix="/api/v1/legal", tags=["legal"], responses=API_ERRORS)
MAX_Q = 200


@router.get("/search", response_model=list[ProvisionOut])
def search(
    request: Request,
    principal: Annotated[Principal, Requires("legal.search")],
    q: Annotated[str, Query(min_length=1, max_length=MAX_Q, description="the question")],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="how many articles")] = 10,
) -> list[dict[str, Any]]:
    """The articles in force that best answer ``q``, best first."""
    directory = service.index_dir(request.app.state.settings)
    if not service.ready(directory):
        raise Conflict(
            "The legal index is not built yet: run `jingwu legal load` first.",
            code="legal_index_missing",
        )
    return [h.as_json() for h in service.search(q, limit=limit, directory=directory)]
