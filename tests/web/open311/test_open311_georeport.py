"""The PyPI Open311 client ``georeport`` drives the API of a live server serving the
internet zone alone, as a partner's system would: it lists the services, reads a service
definition, and, once a request posted with a key has been taken in by the intranet's
intake job, lists and fetches it. ``georeport`` has no call for posting or for tokens, so
those two go through ``requests`` (the HTTP library it uses) with the same base URL."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import uvicorn
from georeport import GeoReport

from jingwu.accounts.scope import SYSTEM
from jingwu.open311 import service
from jingwu.portal import intake
from jingwu.runtime import utcnow
from jingwu.security import keys
from jingwu.web.app import create_app
from tests.web.live import Live, live_world, make_runtime


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(tmp_path: Path, keyring: keys.Keyring) -> Iterator[tuple[str, Live]]:
    with live_world(tmp_path, keyring, "open311") as world:
        runtime = make_runtime(world.db, keyring, tmp_path, zone="internet")
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(runtime), host="127.0.0.1", port=_free_port(), log_level="warning"
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.time() + 60
        while not server.started and time.time() < deadline:
            time.sleep(0.05)
        assert server.started
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            yield f"http://127.0.0.1:{port}/open311/v2", world
        finally:
            server.should_exit = True
            thread.join(timeout=30)


def test_the_georeport_client_lists_posts_and_follows_a_request(
    live: tuple[str, Live],
) -> None:
    base, world = live
    root = base.removesuffix("/open311/v2")
    assert requests.get(f"{root}/api/v1/work-orders", timeout=30).status_code == 404  # internet
    with world.db.unit_of_work() as session:
        key = service.issue_key(session, SYSTEM, unit="D000", name="georeport", now=utcnow())
    for fmt in ("json", "xml"):
        client = GeoReport(base, api_key=key.secret, output_format=fmt)
        services = client.get_service_list()
        codes = [s["service_code"] for s in services]
        assert "noise" in codes and "fight" in codes
        assert all({"service_name", "metadata", "type", "group"} <= set(s) for s in services)
        definition = client.get_service_definition("fight")
        assert definition["service_code"] == "fight"
        # xmltodict gives {"attribute": [...]}; JSON a list
        attributes = definition["attributes"]
        attributes = attributes["attribute"] if fmt == "xml" else attributes
        assert "ongoing" in [a["code"] for a in attributes]
    posted = requests.post(
        f"{base}/requests.json",
        data={
            "api_key": key.secret,
            "service_code": "noise",
            "lat": "30.2051",
            "long": "120.1152",
            "description": "楼上深夜装修噪音",
            "phone": "13812345678",
        },
        timeout=30,
    )
    assert posted.status_code == 201, posted.text
    token = posted.json()[0]["token"]
    tracked = requests.get(f"{base}/tokens/{token}.json", timeout=30).json()
    assert tracked == [{"service_request_id": None, "token": token}]
    with world.db.unit_of_work() as session:  # the intranet's portal.intake job
        assert intake.intake_pending(session, blobs=world.runtime.blobs, now=utcnow()).done == 1
    sid = requests.get(f"{base}/tokens/{token}.json", timeout=30).json()[0]["service_request_id"]
    assert sid
    for fmt in ("json", "xml"):
        client = GeoReport(base, output_format=fmt)
        one = client.get_service_request(sid)
        assert one["service_request_id"] == sid and one["status"] == "open"
        assert one["service_code"] == "noise"
        listed = client.get_service_requests(service_code="noise", status="open")
        listed = [listed] if isinstance(listed, dict) else listed  # xmltodict: one is a dict
        assert [r["service_request_id"] for r in listed] == [sid]
        assert "13812345678" not in repr(listed) and "装修" not in repr(listed)
    refused = requests.post(f"{base}/requests.json", data={"service_code": "noise"}, timeout=30)
    assert refused.status_code == 403
    assert refused.json() == [{"code": 403, "description": "api_key is missing or invalid."}]
