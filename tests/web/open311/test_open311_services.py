"""GET services and service definitions over HTTP: every field the specification documents
in JSON and XML, names by ``locale`` / ``Accept-Language``, errors as its error list."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.open311 import spec
from jingwu.reference import service as reference

BASE = "/open311/v2"


@pytest.fixture
def c(client: TestClient, session: Session) -> TestClient:
    reference.seed_defaults(session)
    return client


def test_services_json_has_every_documented_field(c: TestClient) -> None:
    r = c.get(f"{BASE}/services.json", headers={"Accept-Language": "en"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    rows = r.json()
    assert len(rows) > 20
    for row in rows:
        assert list(row) == list(spec.SERVICE_FIELDS)
        assert row["metadata"] is True and row["type"] == "batch"
        assert row["service_name"] and row["group"] and row["keywords"]
    fight = next(row for row in rows if row["service_code"] == "fight")
    assert fight["service_name"] == "Fight or assault"
    assert fight["group"] == "Public security"


def test_services_xml_has_every_documented_element(c: TestClient) -> None:
    r = c.get(f"{BASE}/services.xml", params={"locale": "zh_CN"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(r.content)
    assert root.tag == "services"
    assert {s.tag for s in root} == {"service"}
    for s in root:
        assert [e.tag for e in s] == list(spec.SERVICE_FIELDS)
        assert s.findtext("metadata") == "true"
    fight = next(s for s in root if s.findtext("service_code") == "fight")
    assert fight.findtext("service_name") == "打架斗殴"
    assert fight.findtext("group") == "治安防范"


def test_the_locale_parameter_wins_over_accept_language(c: TestClient) -> None:
    r = c.get(f"{BASE}/services.json?locale=en-US", headers={"Accept-Language": "zh-CN"})
    assert next(s for s in r.json() if s["service_code"] == "theft")["service_name"] == "Theft"
    r = c.get(f"{BASE}/services.json", headers={"Accept-Language": "zh-CN"})
    assert next(s for s in r.json() if s["service_code"] == "theft")["service_name"] == "盗窃线索"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_service_definition_in_both_formats(c: TestClient, fmt: str) -> None:
    r = c.get(f"{BASE}/services/fight.{fmt}", headers={"Accept-Language": "en"})
    assert r.status_code == 200
    if fmt == "json":
        data = r.json()
        assert data["service_code"] == "fight"
        attributes = data["attributes"]
        assert all(list(a) == list(spec.ATTRIBUTE_FIELDS) for a in attributes)
        codes = [a["code"] for a in attributes]
        orders = [a["order"] for a in attributes]
    else:
        root = ET.fromstring(r.content)
        assert root.tag == "service_definition"
        assert root.findtext("service_code") == "fight"
        found = root.findall("attributes/attribute")
        assert all([e.tag for e in a] == list(spec.ATTRIBUTE_FIELDS) for a in found)
        codes = [a.findtext("code") or "" for a in found]
        orders = [int(a.findtext("order") or 0) for a in found]
    assert codes == ["occurred_at", "place_note", "ongoing"]
    assert orders == [1, 2, 3]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_404_in_the_error_list(c: TestClient, fmt: str) -> None:
    r = c.get(f"{BASE}/services/no_such_thing.{fmt}")
    assert r.status_code == 404
    if fmt == "json":
        assert r.json() == [{"code": 404, "description": "service_code was not found."}]
    else:
        root = ET.fromstring(r.content)
        assert root.tag == "errors"
        assert [(e.findtext("code"), e.findtext("description")) for e in root] == [
            ("404", "service_code was not found.")
        ]


def test_an_unknown_format_or_jurisdiction_is_404(c: TestClient) -> None:
    assert c.get(f"{BASE}/services.html").status_code == 404
    assert c.get(f"{BASE}/services/fight").status_code == 404
    r = c.get(f"{BASE}/services.json?jurisdiction_id=elsewhere.gov")
    assert r.status_code == 404
    assert r.json() == [{"code": 404, "description": "jurisdiction_id was not found."}]
    assert c.get(f"{BASE}/services.json?jurisdiction_id=jingwu").status_code == 200
