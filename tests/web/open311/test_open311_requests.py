"""POST and GET requests, tokens: every field of the specification in JSON and XML, the
key's checks (403, 429), the filters, and nothing published that the public may not see."""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.open311 import service, spec
from jingwu.portal import intake
from jingwu.portal.models import PublicInbox
from jingwu.workorders.models import WorkOrder
from tests.conftest import FrozenClock
from tests.integration.workorders.wo_factory import make_world

BASE = "/open311/v2"
PHONE = "13812345678"
SECRET_TEXT = "楼上深夜装修噪音ZQX"


class Api:
    def __init__(self, client: TestClient, session: Session, clock: FrozenClock) -> None:
        self.client, self.session, self.clock = client, session, clock
        self.key = service.issue_key(
            session, SYSTEM, unit="D000", name="App", per_hour=5, now=clock()
        ).secret

    def post(self, fmt: str = "json", **fields: Any) -> Any:
        data: dict[str, Any] = {
            "api_key": self.key,
            "service_code": "noise",
            "lat": "30.2051",
            "long": "120.1152",
            "description": SECRET_TEXT,
            "phone": PHONE,
            "first_name": "三",
            "last_name": "张",
        }
        data.update(fields)
        data = {k: v for k, v in data.items() if v is not None}
        return self.client.post(f"{BASE}/requests.{fmt}", data=data)

    def take_in(self) -> None:
        """What the intranet's portal.intake job does: inbox rows become work orders."""
        intake.intake_pending(self.session, blobs=None, now=self.clock())


@pytest.fixture
def api(client: TestClient, session: Session, clock: FrozenClock) -> Api:
    make_world(session)
    return Api(client, session, clock)


def test_a_post_answers_a_token_in_json(api: Api, session: Session) -> None:
    r = api.post(**{"attribute[place_note]": "3号楼2单元", "account_id": "u-77"})
    assert r.status_code == 201, r.text
    (created,) = r.json()
    assert list(created) == list(spec.CREATED_FIELDS)
    assert created["service_request_id"] is None and created["account_id"] == "u-77"
    assert len(created["token"]) >= 16 and "110" in created["service_notice"]
    row = session.scalar(select(PublicInbox).where(PublicInbox.token == created["token"]))
    assert row is not None and row.channel == "open311" and row.api_key_id is not None
    assert SECRET_TEXT not in row.sealed and PHONE not in row.sealed
    t = api.client.get(f"{BASE}/tokens/{created['token']}.json")
    assert t.status_code == 200
    assert t.json() == [{"service_request_id": None, "token": created["token"]}]


def test_a_post_answers_a_token_in_xml(api: Api) -> None:
    r = api.post("xml")
    assert r.status_code == 201 and r.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(r.content)
    assert root.tag == "service_requests"
    (request,) = list(root)
    assert request.tag == "request"
    assert [e.tag for e in request] == list(spec.CREATED_FIELDS)
    token = request.findtext("token")
    t = ET.fromstring(api.client.get(f"{BASE}/tokens/{token}.xml").content)
    assert [(e.tag, e.text) for e in t.find("request") or []] == [
        ("service_request_id", None),
        ("token", token),
    ]


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "o311_" + "x" * 43}, 403, "api_key"),
        ({"service_code": None}, 400, "service_code was not provided"),
        ({"service_code": "no_such"}, 404, "service_code was not found"),
        ({"lat": None, "long": None}, 400, "address_string"),
        ({"lat": "91", "long": "120"}, 400, "lat and long"),
        ({"lat": "30.2", "long": "nan"}, 400, "lat and long"),
        ({"phone": "12"}, 400, "phone"),
        ({"description": "x" * 4001}, 400, "description"),
        ({"email": "a" * 300}, 400, "email"),
        ({"attribute[bogus]": "1"}, 400, "attribute[bogus]"),
    ],
)
def test_bad_posts_are_the_error_list(
    api: Api, session: Session, fields: dict[str, Any], status: int, words: str
) -> None:
    for fmt in ("json", "xml"):
        r = api.post(fmt, **fields)
        assert r.status_code == status, r.text
        if fmt == "json":
            errors = r.json()
            assert all(list(e) == ["code", "description"] for e in errors)
            assert errors[0]["code"] == status and words in errors[0]["description"]
        else:
            root = ET.fromstring(r.content)
            assert root.tag == "errors" and {e.tag for e in root} == {"error"}
            assert root.findtext("error/code") == str(status)
            assert words in (root.findtext("error/description") or "")
    assert session.scalar(select(PublicInbox.id)) is None


def test_every_attribute_problem_is_its_own_error(api: Api) -> None:
    r = api.post(
        service_code="fight",
        **{"attribute[ongoing]": "maybe", "attribute[occurred_at]": "yesterday"},
    )
    assert r.status_code == 400
    assert [e["description"] for e in r.json()] == [
        "attribute[occurred_at] must be a W3C date-time.",
        "attribute[ongoing] must be one of the listed keys.",
    ]
    r = api.post(service_code="fight", **{"attribute[ongoing]": "yes"})
    assert r.status_code == 201


def test_an_address_alone_is_enough(api: Api) -> None:
    r = api.post(lat=None, long=None, address_string="文三路 90 号")
    assert r.status_code == 201
    api.take_in()  # the officer reads the address under a Chinese label
    ref = f"open311:{r.json()[0]['token']}"
    text = api.session.scalar(select(WorkOrder.description).where(WorkOrder.source_ref == ref))
    assert text is not None and "地址：文三路 90 号" in text and "Address" not in text


def test_the_key_is_limited_per_hour_and_revocable(api: Api, clock: FrozenClock) -> None:
    for _ in range(5):
        assert api.post().status_code == 201
    r = api.post()
    assert r.status_code == 429
    assert r.json() == [
        {"code": 429, "description": "api_key is over its limit of 5 requests an hour."}
    ]
    clock.advance(hours=1, seconds=1)
    assert api.post().status_code == 201
    (key,) = service.keys(api.session, SYSTEM)
    service.revoke_key(api.session, SYSTEM, key_id=key.id, now=clock())
    assert api.post().status_code == 403


def test_a_post_with_a_browser_cookie_needs_no_csrf_token(api: Api) -> None:
    api.client.cookies.set("jingwu_csrf", "stale.cookie")
    assert api.post().status_code == 201


def _records(r: Any, fmt: str) -> list[dict[str, Any]]:
    assert r.status_code == 200, r.text
    if fmt == "json":
        rows: list[dict[str, Any]] = r.json()
        assert all(list(x) == list(spec.REQUEST_FIELDS) for x in rows)
        return rows
    root = ET.fromstring(r.content)
    assert root.tag == "service_requests" and all(e.tag == "request" for e in root)
    assert all([c.tag for c in e] == list(spec.REQUEST_FIELDS) for e in root)
    return [{c.tag: c.text for c in e} for e in root]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_taken_in_requests_are_listed_with_every_field_and_nothing_private(
    api: Api, fmt: str
) -> None:
    token = api.post().json()[0]["token"]
    assert _records(api.client.get(f"{BASE}/requests.{fmt}"), fmt) == []  # not taken in yet
    api.take_in()
    sid = api.client.get(f"{BASE}/tokens/{token}.json").json()[0]["service_request_id"]
    assert sid
    r = api.client.get(f"{BASE}/requests.{fmt}", headers={"Accept-Language": "en"})
    (row,) = _records(r, fmt)
    assert row["service_request_id"] == sid and row["status"] == "open"
    assert row["service_code"] == "noise" and row["service_name"]
    assert row["status_notes"] == "Accepted by a community police station."
    assert row["agency_responsible"]
    for empty in ("description", "address_id", "zipcode", "media_url"):
        assert row[empty] is None
    requested = dt.datetime.fromisoformat(str(row["requested_datetime"]))
    assert requested.utcoffset() == dt.timedelta(hours=8)
    assert float(row["lat"]) != 30.2051 and abs(float(row["lat"]) - 30.2051) < 0.01
    for secret in (SECRET_TEXT, PHONE, "张", token):
        assert secret not in r.text
    one = api.client.get(f"{BASE}/requests/{sid}.{fmt}", params={"locale": "zh_CN"})
    (same,) = _records(one, fmt)
    assert same["service_request_id"] == sid and same["status_notes"] != row["status_notes"]


def test_the_filters_of_get_requests(api: Api, clock: FrozenClock) -> None:
    api.post()
    clock.advance(days=10)
    api.post(service_code="fight", **{"attribute[ongoing]": "no"})
    api.take_in()

    def got(**params: str) -> list[str]:
        r = api.client.get(f"{BASE}/requests.json", params=params)
        return [x["service_code"] for x in r.json()]

    assert got() == ["fight", "noise"]  # newest first
    assert got(service_code="noise") == ["noise"]
    assert got(service_code="noise,fight") == ["fight", "noise"]
    assert got(status="closed") == [] and got(status="open,closed") == ["fight", "noise"]
    day = (clock() - dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert got(start_date=day) == ["fight"]
    assert got(end_date=day) == ["noise"]
    ids = [x["service_request_id"] for x in api.client.get(f"{BASE}/requests.json").json()]
    assert got(service_request_id=ids[1], status="closed", start_date="garbage") == ["noise"]
    clock.advance(days=85)  # the noise request is now older than the default 90 days
    assert got() == ["fight"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("status=pending", 400),
        ("start_date=2026-01-01T00:00:00", 400),
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", 400),
        ("jurisdiction_id=elsewhere", 404),
    ],
)
def test_bad_filters_are_the_error_list(api: Api, query: str, status: int) -> None:
    r = api.client.get(f"{BASE}/requests.xml?{query}")
    assert r.status_code == status
    assert ET.fromstring(r.content).findtext("error/code") == str(status)


def test_unknown_ids_tokens_and_formats_are_404(api: Api) -> None:
    for url in ("requests/SA01-19990101-0001.json", "tokens/nope.xml", "requests.html",
                "requests/x.html", "tokens/x"):  # fmt: skip
        assert api.client.get(f"{BASE}/{url}").status_code == 404, url
    assert api.client.post(f"{BASE}/requests.txt", data={"api_key": api.key}).status_code == 404
