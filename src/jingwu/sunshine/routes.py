"""Sunshine policing (阳光警务): the public open-data pages and downloads.

Served in the internet zone (and the demo's ``all``), to anyone: every figure comes from
the published ``pub_sunshine_*`` tables, already suppressed. Downloads return the exact
bytes whose SHA-256 the evidence log holds.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from jingwu.errors import NotFound
from jingwu.sunshine import queries
from jingwu.sunshine.dataset import ALL, COLUMNS, OUTCOMES, TIERS, one_per_target
from jingwu.sunshine.suppress import K
from jingwu.web.authz import PUBLIC
from jingwu.web.deps import SessionDep
from jingwu.web.templating import render

ZONES = frozenset({"internet"})
STATIC = Path(__file__).parent / "static"
_MEDIA = {".css": "text/css", ".js": "text/javascript"}
_MONTH = re.compile(r"\d{4}-\d{2}")
_CODE = re.compile(r"[A-Z0-9]{2,12}")
INDICES = ("safety", "kpi.satisfaction", "kpi.efficiency", "kpi.social")
MEASURES = (
    "received",
    "closed",
    "response_median_minutes",
    "completion_median_minutes",
    "satisfaction_mean",
    "satisfaction_count",
    "mediations",
    *INDICES,
)

router = APIRouter(include_in_schema=False)


@router.get("/sunshine/static/{name}", dependencies=[PUBLIC])
def static_file(name: str) -> FileResponse:
    """The pages' script and style sheet."""
    path = STATIC / name
    if path.parent != STATIC or path.suffix not in _MEDIA or not path.is_file():
        raise NotFound("No such file.")
    return FileResponse(path, media_type=_MEDIA[path.suffix])


def _pick(value: str | None, allowed: list[str], default: str | None) -> str | None:
    return value if value in allowed else default


@router.get("/sunshine", response_class=HTMLResponse, dependencies=[PUBLIC])
def index(
    request: Request, session: SessionDep, month: str | None = None, community: str | None = None
) -> Response:
    """The latest version's figures: filters, charts, map and table."""
    row = queries.latest(session)
    if row is None:
        return render(request, "sunshine/index.html", {"row": None})
    doc = queries.document(session, row)
    months: list[str] = doc.get("months", [])
    places: list[dict[str, Any]] = doc.get("places", [])
    month = month if month and _MONTH.fullmatch(month) else None
    community = community if community and _CODE.fullmatch(community) else None
    chosen_month = _pick(month, months, months[-1] if months else "")
    chosen = _pick(community, [p["code"] for p in places], None)
    v = queries.view(session, row, month=chosen_month or "", community=chosen, months=months)
    context = {
        "row": row,
        "doc": doc,
        "months": months,
        "places": places,
        "month": chosen_month,
        "community": chosen,
        "place": next((p for p in places if p["code"] == chosen), None),
        "v": v,
        "tiers": TIERS,
        "all": ALL,
        "indices": INDICES,
        # one_per_target again: versions published before it list a target per result
        "draws": one_per_target([d for d in doc.get("draws", []) if d["period"] == chosen_month]),
        "map_points": [
            {
                "code": p["code"],
                "name": p["name_en"]
                if request.state.language == "en" and p["name_en"]
                else p["name"],
                "lat": p["lat"],
                "lon": p["lon"],
                "received": v.totals.get(p["code"], {}).get("received"),
            }
            for p in places
            if p["lat"] is not None and p["lon"] is not None
        ],
    }
    return render(request, "sunshine/index.html", context)


@router.get("/sunshine/versions", response_class=HTMLResponse, dependencies=[PUBLIC])
def version_list(request: Request, session: SessionDep) -> Response:
    """Every published version with its hashes and its place in the evidence log."""
    return render(request, "sunshine/versions.html", {"rows": queries.versions(session)})


@router.get("/sunshine/dictionary", response_class=HTMLResponse, dependencies=[PUBLIC])
def dictionary(request: Request, session: SessionDep) -> Response:
    """What each column, measure and code of the downloads means."""
    row = queries.latest(session)
    categories = queries.document(session, row).get("categories", {}) if row else {}
    context = {
        "columns": COLUMNS,
        "measures": MEASURES,
        "tiers": TIERS,
        "outcomes": OUTCOMES,
        "categories": categories,
        "k": K,
    }
    return render(request, "sunshine/dictionary.html", context)


def _number(version: str) -> int:
    if not version.isdigit() or len(version) > 9:
        raise NotFound("No published version {version}.", params={"version": version})
    return int(version)


@router.get("/sunshine/data/{version}.csv", dependencies=[PUBLIC])
def download_csv(session: SessionDep, version: str) -> Response:
    """A version's cells as CSV, byte for byte as hashed."""
    row = queries.version(session, number=_number(version))
    return Response(
        row.csv_body.encode(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="sunshine-v{row.version}.csv"'},
    )


@router.get("/sunshine/data/{version}.json", dependencies=[PUBLIC])
def download_json(session: SessionDep, version: str) -> Response:
    """A version's canonical JSON document, byte for byte as logged."""
    row = queries.version(session, number=_number(version))
    return Response(
        row.json_body.encode(),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="sunshine-v{row.version}.json"'},
    )
