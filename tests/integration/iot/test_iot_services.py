"""Registry, rules and alert services on the database, and the org scope in each of them."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.iot import queries, service_alerts, service_devices, service_rules
from jingwu.iot.brokerconf import Role, verify_password
from jingwu.iot.classes import DeviceClass
from jingwu.iot.ingest import Batch
from jingwu.iot.models import Device
from jingwu.iot.pipeline import Pipeline
from jingwu.iot.schemas import DeviceIn, GatewayIn
from jingwu.iot.service_broker import broker_accounts
from tests.conftest import FrozenClock, TransactionalDatabase
from tests.factories.accounts import make_user, principal
from tests.integration.iot.iot_factory import NOW, event, network, tele, topic


def _as(session: Session, net: dict[str, Any], unit: str, role: str) -> Any:
    return principal(session, make_user(session, net["units"][unit], role))


def _dev(code: str, station: str, **kw: Any) -> DeviceIn:
    return DeviceIn(
        code=code, station=station, device_class=DeviceClass.ENVIRONMENT, lon=120.1, lat=30.2, **kw
    )


def test_an_import_with_one_bad_row_registers_nothing(session: Session) -> None:
    net = network(session)
    chief = _as(session, net, "SA01", "chief")
    rows = [
        (2, _dev("NEW-1", "SA01")),
        (3, _dev("NEW-2", "SB01")),
        (4, _dev("SA01-ENV-000", "SA01")),
    ]
    with pytest.raises(service_devices.DeviceImportProblems) as caught:
        service_devices.register_devices(session, chief, rows=rows, now=NOW)
    assert [line for line, _ in caught.value.problems] == [3, 4]
    assert session.scalar(select(Device).where(Device.code == "NEW-1")) is None


def test_only_leaders_register_devices(session: Session) -> None:
    net = network(session)
    officer = _as(session, net, "SA01", "officer")
    with pytest.raises(Forbidden):
        service_devices.register_device(session, officer, data=_dev("N-1", "SA01"), now=NOW)


def test_a_rotated_secret_replaces_the_old_one(session: Session) -> None:
    net = network(session)
    dev, old = net["env"][0]
    assert old is not None and verify_password(old, dev.credential_hash or "")
    new = service_devices.rotate_credential(session, SYSTEM, device_id=dev.id)
    assert verify_password(new, dev.credential_hash or "")
    assert not verify_password(old, dev.credential_hash or "")


def test_an_officer_cannot_see_or_change_another_stations_device(session: Session) -> None:
    net = network(session)
    officer = _as(session, net, "SA01", "officer")
    chief = _as(session, net, "SA01", "chief")
    other = net["other"][0][0]
    with pytest.raises(NotFound):
        service_devices.device_in_scope(session, officer, other.id)
    with pytest.raises(NotFound):
        service_devices.set_maintenance(session, chief, device_id=other.id, on=True)
    page = queries.device_page(session, officer)
    assert other.id not in {d.id for d, _ in page.rows} and page.total == 4
    assert {c.code for c in queries.density(session, officer).communities} == {"SA01"}


def test_the_broker_accounts_cover_devices_gateways_and_the_ingester(session: Session) -> None:
    net = network(session)
    a, b = net["env"][0][0], net["env"][1][0]
    service_devices.add_gateway(
        session,
        SYSTEM,
        data=GatewayIn(code="GW-1", station="SA01", devices=[a.code, b.code]),
        now=NOW,
    )
    accounts = {
        acc.username: acc for acc in broker_accounts(session, SYSTEM, ingester=("ing", "pw"))
    }
    assert accounts["GW-1"].role is Role.GATEWAY
    assert set(accounts["GW-1"].devices) == {("SA01", a.code), ("SA01", b.code)}
    assert accounts[a.code].devices == (("SA01", a.code),)
    assert accounts["ing"].role is Role.INGESTER and len(accounts) == 5 + 1 + 1
    chief = _as(session, net, "SB00", "street")
    assert {x.username for x in broker_accounts(session, chief)} == {net["other"][0][0].code}


def test_a_device_rule_overrides_the_class_rule_and_the_ingester_picks_it_up(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    dev = net["env"][0][0]
    chief = _as(session, net, "SA01", "chief")
    p = Pipeline(db, clock)
    p.start()
    service_rules.save_rule(
        session,
        chief,
        now=NOW,
        definition={
            "code": "env.pm25",
            "kind": "threshold",
            "device_class": "environment",
            "device": dev.code,
            "metric": "pm25",
            "op": ">",
            "value": 50,
            "tier": "orange",
            "label_zh": "超标",
            "label_en": "Over",
            "dedup_s": 60,
        },
    )
    session.flush()
    p.reload()
    batch = Batch()
    for d, seq in ((dev, 0), (net["env"][1][0], 0)):
        p.feed(batch, topic(d, "SA01"), tele(seq, pm25=80), clock())
    out = p.commit(batch)
    assert len(out.alerts) == 1  # only the device with the stricter rule
    origins = {
        (v.rule.code, v.rule.device): v.origin for v in service_rules.rule_views(session, chief)
    }
    assert origins[("env.pm25", dev.code)] == "device" and origins[("env.pm25", None)] == "default"


def test_class_rules_need_the_district_and_device_rules_need_the_device_in_scope(
    session: Session,
) -> None:
    net = network(session)
    chief = _as(session, net, "SA01", "chief")
    director = _as(session, net, "D000", "director")
    rule = {
        "code": "env.noise",
        "kind": "threshold",
        "device_class": "environment",
        "metric": "noise",
        "op": ">",
        "value": 70,
        "tier": "yellow",
        "label_zh": "噪声",
        "label_en": "Noise",
    }
    with pytest.raises(Forbidden):
        service_rules.save_rule(session, chief, definition=rule, now=NOW)
    with pytest.raises(Invalid):
        service_rules.save_rule(
            session, chief, now=NOW, definition={**rule, "device": net["other"][0][0].code}
        )
    row = service_rules.save_rule(session, director, definition=rule, now=NOW)
    assert orjson.loads(row.definition)["value"] == 70
    with pytest.raises(Invalid):
        service_rules.save_rule(session, director, definition={**rule, "metric": "smell"}, now=NOW)
    service_rules.reset_rule(session, director, code="env.noise")
    noise = next(r for r in service_rules.effective_rules(session) if r.code == "env.noise")
    assert noise.condition.limit.value == 85  # type: ignore[union-attr]


def test_alerts_move_open_acknowledged_resolved_and_stay_in_scope(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    smoke, other = net["smoke"][0][0], net["other"][0][0]
    p = Pipeline(db, clock)
    p.start()
    batch = Batch()
    p.feed(batch, topic(smoke, "SA01", "event"), event(0, "fire_alarm"), clock())
    p.feed(batch, topic(other, "SB01"), tele(0, pm25=500), clock())
    out = p.commit(batch)
    mine, theirs = sorted(out.alerts)
    officer = _as(session, net, "SA01", "officer")
    listed = service_alerts.list_alerts(session, officer)
    assert [r.alert.id for r in listed] == [mine] and listed[0].alert.tier == "red"
    with pytest.raises(NotFound):
        service_alerts.acknowledge(session, officer, alert_id=theirs, now=NOW)
    a = service_alerts.acknowledge(session, officer, alert_id=mine, now=NOW, note="到场")
    assert (a.state, a.acknowledged_by, a.note) == ("acknowledged", officer.user_id, "到场")
    with pytest.raises(Conflict):
        service_alerts.acknowledge(session, officer, alert_id=mine, now=NOW)
    service_alerts.resolve(session, officer, alert_id=mine, now=NOW)
    with pytest.raises(Conflict):
        service_alerts.resolve(session, officer, alert_id=mine, now=NOW)
    inspector = _as(session, net, "D000", "inspector")
    with pytest.raises(Forbidden):
        service_alerts.resolve(session, inspector, alert_id=theirs, now=NOW)
