"""Requests whose clock lags an event another request stamped a moment later."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FrozenClock
from tests.integration.workorders.wo_factory import World, make_world
from tests.web.workorders.test_wo_api import Api, _create


@pytest.fixture
def api(client: TestClient, session: Session) -> tuple[Api, World]:
    world = make_world(session)
    return Api(client, session, world), world


class LaggingClock:
    """Reads ``stale`` for the first ``stale_reads`` reads, then ``fresh``."""

    def __init__(self, stale: dt.datetime, fresh: dt.datetime, stale_reads: int) -> None:
        self.stale, self.fresh, self.left = stale, fresh, stale_reads

    def __call__(self) -> dt.datetime:
        self.left -= 1
        return self.stale if self.left >= 0 else self.fresh


def _contact(call: Api, code: str) -> Any:
    path = f"/api/v1/work-orders/{code}/actions/record_contact"
    return call("chief", "POST", path, {"note": "回访"})


def test_a_write_that_finds_a_later_event_is_run_again_with_a_fresh_clock(
    api: tuple[Api, World], app: FastAPI, clock: FrozenClock
) -> None:
    call, _ = api
    code = _create(call)["code"]
    last = clock.advance(minutes=10)
    assert _contact(call, code).status_code == 200
    # The request's clock and the transaction's first read lag the event just written.
    app.state.clock = LaggingClock(
        last - dt.timedelta(minutes=5), last + dt.timedelta(minutes=1), 2
    )
    assert _contact(call, code).status_code == 200
    app.state.clock = clock
    events = call("officer", "GET", f"/api/v1/work-orders/{code}").json()["events"]
    times = [dt.datetime.fromisoformat(e["at"]) for e in events]
    assert times[-1] == last + dt.timedelta(minutes=1) and times == sorted(times)


def test_a_write_whose_clock_stays_behind_is_refused_and_changes_nothing(
    api: tuple[Api, World], app: FastAPI, clock: FrozenClock
) -> None:
    call, _ = api
    code = _create(call)["code"]
    clock.advance(minutes=10)
    assert _contact(call, code).status_code == 200
    clock.advance(minutes=-5)
    r = _contact(call, code)
    assert r.status_code == 409 and "before the order's last event" in r.json()["error"]["message"]
    clock.advance(minutes=5)
    events = call("officer", "GET", f"/api/v1/work-orders/{code}").json()["events"]
    assert [e["action"] for e in events] == ["intake", "record_contact"]


def test_a_read_whose_clock_lags_the_latest_action_shows_the_clocks_at_that_action(
    api: tuple[Api, World], app: FastAPI, clock: FrozenClock
) -> None:
    call, _ = api
    code = _create(call)["code"]
    clock.advance(minutes=10)
    assert _contact(call, code).status_code == 200
    clock.advance(minutes=-1)  # a reader whose clock was read just before that commit
    r = call("officer", "GET", f"/api/v1/work-orders/{code}")
    assert r.status_code == 200
    response = next(c for c in r.json()["clocks"] if c["clock"] == "response")
    assert response["status"] != "running" and r.json()["events"][-1]["action"] == "record_contact"
