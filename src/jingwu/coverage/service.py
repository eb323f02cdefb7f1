"""Computing the circles: each station's walking and driving circle, and the unit's share.

The unit's newest road network (or, for a station, its nearest ancestor's) is loaded once
into a :class:`RoadGraph` kept in a small per-process cache keyed by the network's id and
file digest (networks never change once imported); without one the straight-line fallback
is used and the circles say so. Results are stored (``cov_circles``, ``cov_runs``), so the
pages read rows and never compute.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import asdict

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, subtree
from jingwu.coverage import isochrone, residents
from jingwu.coverage.models import (
    CoverageRun,
    ResidentGrid,
    ResidentPlace,
    RoadLine,
    RoadNetwork,
    ServiceCircle,
)
from jingwu.coverage.network import Mode, Road, RoadGraph, build
from jingwu.coverage.service_import import target_unit
from jingwu.coverage.travel import CIRCLE_MINUTES, Travel
from jingwu.org.models import Unit

_CACHE_SIZE = 2
_graphs: OrderedDict[tuple[int, str], RoadGraph] = OrderedDict()
_graphs_lock = threading.Lock()  # requests compute in worker threads


def newest(
    session: Session, model: type[RoadNetwork] | type[ResidentGrid], unit: Unit
) -> int | None:
    """The newest network or grid of the unit or its nearest ancestor that has one."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p] or [unit.id]
    rows = session.execute(
        select(model.id, model.unit_id).where(model.unit_id.in_(ids)).order_by(model.id.desc())
    ).all()
    depth = {uid: n for n, uid in enumerate(ids)}
    best = max(rows, key=lambda r: (depth.get(r.unit_id, -1), r.id), default=None)
    return None if best is None else int(best.id)


def graph(session: Session, network_id: int) -> RoadGraph:
    """The network's graph, built once per process."""
    network = session.get(RoadNetwork, network_id)
    assert network is not None
    key = (network.id, network.sha256)
    with _graphs_lock:
        if key in _graphs:
            _graphs.move_to_end(key)
            return _graphs[key]
    rows = session.execute(
        select(RoadLine.coords, RoadLine.speed_kmh, RoadLine.oneway).where(
            RoadLine.network_id == network_id
        )
    )
    built = build([Road([(p[0], p[1]) for p in c], s, bool(o)) for c, s, o in rows])
    with _graphs_lock:
        _graphs[key] = built
        while len(_graphs) > _CACHE_SIZE:
            _graphs.popitem(last=False)
    return built


def _residents(session: Session, grid_id: int | None) -> residents.Residents:
    rows = (
        session.execute(
            select(ResidentPlace.lon, ResidentPlace.lat, ResidentPlace.population).where(
                ResidentPlace.grid_id == grid_id
            )
        ).all()
        if grid_id is not None
        else []
    )
    arr = np.array(rows, dtype=np.float64).reshape(-1, 3)
    return residents.Residents(arr[:, 0], arr[:, 1], arr[:, 2].astype(np.int64))


def compute(
    session: Session, principal: Principal, *, unit: str | int, now: dt.datetime
) -> list[CoverageRun]:
    """Compute and store the circles of every station under the unit and its coverage."""
    principal.require("coverage.import")
    target = target_unit(session, principal, unit)
    # Two computations of one unit at once would both replace its rows: the second waits.
    session.execute(select(Unit.id).where(Unit.id == target.id).with_for_update())
    stations = session.execute(
        select(Unit.id, Unit.lon, Unit.lat)
        .where(Unit.id.in_(subtree(target)), Unit.kind == "community")
        .where(Unit.lon.is_not(None), Unit.lat.is_not(None))
        .order_by(Unit.id)
    ).all()
    network_id = newest(session, RoadNetwork, target)
    grid_id = newest(session, ResidentGrid, target)
    road_graph = graph(session, network_id) if network_id is not None else None
    people = _residents(session, grid_id)
    limit_s = CIRCLE_MINUTES * 60.0
    lon = np.array([s.lon for s in stations], dtype=np.float64)
    lat = np.array([s.lat for s in stations], dtype=np.float64)
    ids = [s.id for s in stations]
    session.execute(delete(ServiceCircle).where(ServiceCircle.unit_id.in_(ids)))
    session.execute(delete(CoverageRun).where(CoverageRun.unit_id == target.id))
    runs = []
    for mode in Mode:
        travel = Travel(mode, road_graph)
        for sid, x, y in zip(ids, lon.tolist(), lat.tolist(), strict=True):
            c = isochrone.circle(travel, sid, x, y, limit_s)
            session.add(
                ServiceCircle(
                    unit_id=sid,
                    mode=mode.value,
                    method=c.method.value,
                    minutes=CIRCLE_MINUTES,
                    geometry=c.geometry,
                    area_m2=c.area_m2,
                    nodes_reached=c.nodes_reached,
                    computed_at=now,
                )
            )
        mask = residents.covered_mask(travel, (lon, lat), people, limit_s)
        share = residents.share(people, mask)
        run = CoverageRun(
            unit_id=target.id,
            mode=mode.value,
            method=travel.method.value,
            minutes=CIRCLE_MINUTES,
            network_id=network_id,
            grid_id=grid_id,
            stations=len(ids),
            covered=share.covered,
            total=share.total,
            uncovered=[asdict(p) for p in residents.uncovered_places(people, mask)],
            suggestions=[asdict(s) for s in residents.suggest(travel, people, mask, limit_s)],
            computed_at=now,
        )
        session.add(run)
        runs.append(run)
    session.flush()
    return runs
