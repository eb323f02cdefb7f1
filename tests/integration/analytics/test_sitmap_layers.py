"""The situational map's viewport layers against an independent count: only features in
scope and in the box; at low zoom the clusters add up to the brute-force count; the
hotspot coverage share of the patrol routes."""

from __future__ import annotations

import random
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from jingwu.analytics.sitmap import layers
from jingwu.errors import Forbidden
from jingwu.iot.models import Alert, Device
from jingwu.patrols import service
from jingwu.viewport import parse_viewport
from tests.integration.workorders.wo_factory import NOW, World, make_world, new_order

ASK = layers.Ask(now=NOW, tz=ZoneInfo("Asia/Shanghai"))
STATUSES = ("online", "offline", "fault", "maintenance")
# SA01, SA02, SB01 are 0.01° squares at 120.10, 120.11, 120.12 (30.20–30.21)
BOXES = ["120.095,30.195,120.135,30.215", "120.103,30.2,120.114,30.207", "120.0,30.0,120.105,30.3"]


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def _devices(session: Session, w: World, n: int = 400) -> list[dict[str, Any]]:
    rng = random.Random(7)
    made = []
    for i in range(n):
        code = rng.choice(["SA01", "SA02", "SB01"])
        x0 = {"SA01": 120.1, "SA02": 120.11, "SB01": 120.12}[code]
        d = Device(
            unit_id=w.units[code].id, code=f"DEV-{i:04d}", device_class="environment",
            lon=round(x0 + rng.random() * 0.01, 6), lat=round(30.2 + rng.random() * 0.01, 6),
            status=rng.choice(STATUSES), retired=i % 17 == 0, registered_at=NOW,
        )  # fmt: skip
        session.add(d)
        made.append({"code": d.code, "unit": code, "lon": d.lon, "lat": d.lat,
                     "status": d.status, "retired": d.retired, "obj": d})  # fmt: skip
    session.flush()
    return made


SCOPES = {"officer": {"SA01"}, "street": {"SA01", "SA02"}, "director": {"SA01", "SA02", "SB01"}}


def _expected(devices: list[dict[str, Any]], who: str, bbox: str) -> set[str]:
    w, s, e, n = (float(v) for v in bbox.split(","))
    return {
        d["code"] for d in devices
        if d["unit"] in SCOPES[who] and not d["retired"]
        and w <= d["lon"] <= e and s <= d["lat"] <= n
    }  # fmt: skip


@pytest.mark.parametrize("who", sorted(SCOPES))
@pytest.mark.parametrize("bbox", BOXES)
def test_devices_close_up_are_the_ones_in_scope_and_in_the_box(
    session: Session, world: World, who: str, bbox: str
) -> None:
    devices = _devices(session, world)
    got = layers.load(session, world.p[who], "devices", parse_viewport(bbox, 16), ASK)
    assert not got["clustered"]
    assert {f["properties"]["code"] for f in got["features"]} == _expected(devices, who, bbox)


@pytest.mark.parametrize("who", sorted(SCOPES))
@pytest.mark.parametrize("zoom", [9, 12, 14])
@pytest.mark.parametrize("bbox", BOXES)
def test_low_zoom_clusters_add_up_to_the_brute_force_count(
    session: Session, world: World, who: str, zoom: int, bbox: str
) -> None:
    devices = _devices(session, world)
    view = parse_viewport(bbox, zoom)
    got = layers.load(session, world.p[who], "devices", view, ASK)
    expected = _expected(devices, who, bbox)
    assert got["clustered"]
    assert sum(f["properties"]["count"] for f in got["features"]) == len(expected)
    assert got["total"] == len(expected)
    by_status = {s: sum(f["properties"]["statuses"][s] for f in got["features"]) for s in STATUSES}
    assert by_status == {
        s: sum(1 for d in devices if d["code"] in expected and d["status"] == s) for s in STATUSES
    }
    for f in got["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert view.contains(lon, lat)


def test_open_orders_are_in_scope_and_clustered_at_low_zoom(session: Session, world: World) -> None:
    spots = [("SA01", 120.105, 30.205), ("SA01", 120.101, 30.209), ("SA02", 120.115, 30.205),
             ("SB01", 120.125, 30.205)]  # fmt: skip
    for station, lon, lat in spots:
        who = {"SA01": "officer", "SA02": "other_officer", "SB01": "b_officer"}[station]
        new_order(session, world, who=who, station=station, lon=lon, lat=lat)
    close = layers.load(session, world.p["street"], "orders", parse_viewport(BOXES[0], 16), ASK)
    assert sorted(f["geometry"]["coordinates"][0] for f in close["features"]) == [
        120.101,
        120.105,
        120.115,
    ]
    assert {f["properties"]["tier"] for f in close["features"]} <= {
        "red",
        "orange",
        "yellow",
        "untriaged",
    }
    far = layers.load(session, world.p["director"], "orders", parse_viewport(BOXES[0], 10), ASK)
    assert far["clustered"] and far["total"] == 4
    box = layers.load(session, world.p["director"], "orders", parse_viewport(BOXES[1], 16), ASK)
    inside = [s for s in spots if 120.103 <= s[1] <= 120.114 and 30.2 <= s[2] <= 30.207]
    assert box["total"] == len(inside)


def test_live_alerts_are_those_of_devices_in_scope_and_in_the_box(
    session: Session, world: World
) -> None:
    devices = _devices(session, world, n=30)
    for d in devices[:12]:
        dev = d["obj"]
        session.add(Alert(unit_id=dev.unit_id, device_id=dev.id, rule_code="r", tier="red",
                          state="open" if d["code"] != "DEV-0001" else "resolved",
                          source="event", raised_at=NOW, reason_zh="", reason_en="",
                          label_zh="烟雾", label_en="Smoke"))  # fmt: skip
    session.flush()
    got = layers.load(session, world.p["officer"], "alerts", parse_viewport(BOXES[0], 13), ASK)
    expected = {d["code"] for d in devices[:12]
                if d["unit"] == "SA01" and d["code"] != "DEV-0001"}  # fmt: skip
    assert {f["properties"]["device"] for f in got["features"]} == expected


def test_stations_in_the_box_and_in_scope(session: Session, world: World) -> None:
    got = layers.load(session, world.p["street"], "stations", parse_viewport(BOXES[0], 13), ASK)
    codes = {(f["properties"]["code"], f["properties"]["part"]) for f in got["features"]}
    assert codes == {("SA01", "boundary"), ("SA02", "boundary"), ("SA01", "station")}
    west = layers.load(session, world.p["director"], "stations", parse_viewport(BOXES[2], 13), ASK)
    assert {f["properties"]["code"] for f in west["features"]} == {"SA01"}


def test_a_layer_of_another_domain_needs_its_permission(session: Session, world: World) -> None:
    assert "patrols" not in layers.offered(world.p["inspector"])
    assert "devices" in layers.offered(world.p["inspector"])
    with pytest.raises(Forbidden):
        layers.load(session, world.p["inspector"], "patrols", parse_viewport(BOXES[0], 13), ASK)
    with pytest.raises(Forbidden):
        layers.load(session, world.p["partner"], "devices", parse_viewport(BOXES[0], 13), ASK)


def test_patrol_routes_in_view_and_the_hotspot_share(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = (
        b'{"type":"FeatureCollection","features":['
        b'{"type":"Feature","geometry":{"type":"LineString","coordinates":'
        b'[[120.101,30.2015],[120.109,30.2015]]},"properties":{"name":"A"}}]}'
    )
    service.import_routes(session, world.p["chief"], unit="SA01", kind="planned",
                          filename="a.geojson", content=content, now=NOW)  # fmt: skip
    # three hotspot cells: one crossed by the route, two not
    boxes = [(120.102, 30.201, 120.103, 30.202), (120.102, 30.205, 120.103, 30.206),
             (120.106, 30.207, 120.107, 30.208)]  # fmt: skip
    monkeypatch.setattr(layers, "_hotspot_boxes", lambda s, p: [(None, b) for b in boxes])
    got = layers.load(session, world.p["officer"], "patrols", parse_viewport(BOXES[0], 14), ASK)
    assert [f["properties"]["name"] for f in got["features"]] == ["A"]
    assert got["coverage"] == {"covered": 1, "hotspots": 3, "share": round(1 / 3, 4)}
    other = layers.load(session, world.p["b_officer"], "patrols", parse_viewport(BOXES[0], 14), ASK)
    assert other["features"] == [] and other["coverage"]["covered"] == 0
    west_box = parse_viewport("120.0,30.0,120.1005,30.3", 14)
    away = layers.load(session, world.p["officer"], "patrols", west_box, ASK)
    assert away["features"] == []
    edge = layers.load(
        session, world.p["officer"], "patrols", parse_viewport("120.0,30.0,120.1015,30.3", 14), ASK
    )
    assert [f["properties"]["name"] for f in edge["features"]] == ["A"]
