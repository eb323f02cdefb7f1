"""Pages of the work orders: the router joins the order pages and the case and report pages.

My queue, the station board, intake, the order page and its forms live in
:mod:`~jingwu.workorders.routes_orders`; mediation, accountability, draws and the station
dashboard in :mod:`~jingwu.workorders.routes_cases`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from jingwu.errors import NotFound
from jingwu.web.authz import PUBLIC
from jingwu.web.nav import NavItem
from jingwu.workorders.routes_cases import router as cases_router
from jingwu.workorders.routes_find import router as find_router
from jingwu.workorders.routes_orders import router as orders_router

STATIC = Path(__file__).parent / "static"
_MEDIA = {".js": "text/javascript", ".css": "text/css"}

router = APIRouter(include_in_schema=False)
NAV = [
    NavItem("Work orders", "/work-orders", "workorders.view", order=20),
]


@router.get("/work-orders/sw.js", dependencies=[PUBLIC])
def service_worker() -> FileResponse:
    """The service worker that keeps new orders drafted without signal (scope /work-orders/;
    it holds no data of its own, so it is open like the other static files)."""
    headers = {"Service-Worker-Allowed": "/work-orders/", "Cache-Control": "no-cache"}
    return FileResponse(STATIC / "sw.js", media_type="text/javascript", headers=headers)


@router.get("/work-orders/static/{name}", dependencies=[PUBLIC])
def static_file(name: str) -> FileResponse:
    """The domain's own script and style sheet."""
    path = STATIC / name
    if path.parent != STATIC or path.suffix not in _MEDIA or not path.is_file():
        raise NotFound("No such file.")
    return FileResponse(path, media_type=_MEDIA[path.suffix])


# Fixed paths first: "/work-orders/static/..." or "/work-orders/draws" are not order codes.
router.include_router(find_router)
router.include_router(cases_router)
router.include_router(orders_router)
