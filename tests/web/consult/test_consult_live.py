"""Live: a citizen and an expert, each on a server-sent-events stream of a real server
(uvicorn in a thread, a database of its own); a line posted by one arrives on the other's
stream, and the expert's hand-over note never reaches the citizen's."""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.security import keys
from jingwu.web.app import create_app
from tests.integration.workorders.wo_factory import NOW, fast_user
from tests.web.live import Live, live_world

WAIT_S = 30.0  # generous: the machine is shared; this is no latency test


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def base(tmp_path: Path, keyring: keys.Keyring) -> Iterator[tuple[str, str]]:
    with live_world(tmp_path, keyring, "consult") as live:
        token = _expert(live)
        port = _free_port()
        app = create_app(live.runtime)
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.time() + 60
        while not server.started and time.time() < deadline:
            time.sleep(0.05)
        assert server.started
        try:
            yield f"http://127.0.0.1:{port}", token
        finally:
            server.should_exit = True
            thread.join(timeout=30)


def _expert(live: Live) -> str:
    with live.db.unit_of_work() as session:
        tu = fast_user(session, live.world.units["SA01"], "expert", "live-expert")
        fast_user(session, live.world.units["SA01"], "expert", "live-expert2")
        return accounts.create_token(session, SYSTEM, username=tu.user.username, name="t", now=NOW)


def _listen(client: httpx.Client, url: str, headers: dict[str, str]) -> queue.Queue[dict]:  # type: ignore[type-arg]
    """Read the stream in a thread; each ``message`` event's JSON lands in the queue."""
    got: queue.Queue[dict] = queue.Queue()  # type: ignore[type-arg]

    def run() -> None:
        with client.stream("GET", url, headers=headers, timeout=None) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            event = ""
            for line in r.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "message":
                    got.put(json.loads(line[6:]))
                elif line.startswith("data: ") and event == "end":
                    got.put({"end": True})
                    return

    threading.Thread(target=run, daemon=True).start()
    return got


def _until(q: queue.Queue[dict], body: str) -> list[dict]:  # type: ignore[type-arg]
    seen = []
    deadline = time.time() + WAIT_S
    while time.time() < deadline:
        item = q.get(timeout=max(0.1, deadline - time.time()))
        seen.append(item)
        if item.get("body") == body or (body == "END" and item.get("end")):
            return seen
    raise AssertionError(f"{body!r} did not arrive: {seen}")


def test_two_clients_talk_through_their_streams(base: tuple[str, str]) -> None:
    url, expert_token = base
    bearer = {"Authorization": f"Bearer {expert_token}"}
    with httpx.Client(base_url=url) as citizen, httpx.Client(base_url=url) as expert:
        citizen.get("/consult")
        csrf = {"X-CSRF-Token": citizen.cookies["jingwu_csrf"]}
        form = {"station": "SA01", "topic": "labour", "display_name": "赵"}
        r = citizen.post("/consult", data=form, headers=csrf)
        assert r.status_code == 303
        token = r.headers["location"].rsplit("/", 1)[1]
        mine = _listen(citizen, f"/consult/{token}/events", {})
        r = expert.post("/consult/desk/claim", headers=bearer)
        code = r.headers["location"].rsplit("/", 1)[1]
        theirs = _listen(expert, f"/consult/desk/{code}/events", bearer)
        _until(theirs, "专家已接入咨询。")  # the history first (the claim's notice)
        citizen.post(f"/consult/{token}/messages", data={"body": "工资拖欠三个月"}, headers=csrf)
        assert _until(theirs, "工资拖欠三个月")[-1]["sender"] == "citizen"
        expert.post(f"/consult/desk/{code}/messages", data={"body": "可以申请仲裁"}, headers=bearer)
        assert _until(mine, "可以申请仲裁")[-1]["sender"] == "expert"
        handover = {"to": "live-expert2", "note": "ZQX-NOTE 劳动仲裁"}
        expert.post(f"/consult/desk/{code}/handover", data=handover, headers=bearer)
        _until(theirs, "ZQX-NOTE 劳动仲裁")
        seen = _until(mine, "咨询已转交给另一位专家。")
        citizen.post(f"/consult/{token}/close", headers=csrf)
        seen += _until(mine, "END")
        assert all("ZQX-NOTE" not in str(item) for item in seen)
