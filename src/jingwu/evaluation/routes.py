"""The evaluation pages: each sub-area's router is included here, with the navigation entry
and the domain's style sheet."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from jingwu.errors import NotFound
from jingwu.evaluation.checks import routes as checks_routes
from jingwu.evaluation.checks import routes_third as checks_third
from jingwu.evaluation.improvement import routes as pdca_routes
from jingwu.evaluation.indices import routes as indices_routes
from jingwu.evaluation.indices import routes_catalogue, routes_entry
from jingwu.evaluation.whitepaper import routes as white_paper
from jingwu.web.authz import PUBLIC
from jingwu.web.nav import NavItem

STATIC = Path(__file__).parent / "static"
_MEDIA = {".css": "text/css", ".js": "text/javascript"}

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Evaluation", "/evaluation", "evaluation.view", order=55)]


@router.get("/evaluation/static/{name}", dependencies=[PUBLIC])
def static_file(name: str) -> FileResponse:
    """The evaluation pages' style sheet and scripts."""
    path = STATIC / name
    if path.parent != STATIC or path.suffix not in _MEDIA or not path.is_file():
        raise NotFound("No such file.")
    return FileResponse(path, media_type=_MEDIA[path.suffix])


router.include_router(checks_routes.router)
router.include_router(checks_third.router)
router.include_router(pdca_routes.router)
router.include_router(white_paper.router)
router.include_router(routes_entry.router)
router.include_router(routes_catalogue.router)
router.include_router(indices_routes.router)
