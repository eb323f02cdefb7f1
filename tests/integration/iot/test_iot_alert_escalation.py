"""Red alerts reach the station's chief at once; unacknowledged alerts climb to the street
station and the district; confirming an alert files an order already triaged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Invalid
from jingwu.iot import service_alerts
from jingwu.iot.classes import DeviceClass
from jingwu.iot.ingest import Batch
from jingwu.iot.models import Alert
from jingwu.iot.pipeline import Pipeline
from jingwu.iot.service_escalation import escalate
from jingwu.notifications import service as notifications
from jingwu.notifications.messages import text
from jingwu.notifications.models import Notification
from jingwu.workorders.models import OrderEvent, WorkOrder
from tests.conftest import FrozenClock, TransactionalDatabase
from tests.integration.iot.iot_factory import add_devices, event, tele, topic
from tests.integration.workorders.wo_factory import World, make_world

M = dt.timedelta(minutes=1)


class Site:
    """The work-order world (chiefs, street heads, the director) with sensors at SA01, SB01."""

    def __init__(self, session: Session, db: TransactionalDatabase, clock: FrozenClock) -> None:
        self.session, self.db, self.clock = session, db, clock
        self.world: World = make_world(session)
        units = self.world.units
        self.smoke = add_devices(session, units["SA01"], 1, DeviceClass.SMOKE_FIRE)[0][0]
        self.cam = add_devices(session, units["SA01"], 1, DeviceClass.VIDEO_ANALYTICS)[0][0]
        self.env = add_devices(session, units["SA01"], 1)[0][0]
        self.b_smoke = add_devices(session, units["SB01"], 1, DeviceClass.SMOKE_FIRE)[0][0]
        session.flush()
        self.seq = 0

    def p(self, name: str) -> Principal:
        return self.world.p[name]

    def feed(self, device: Any, station: str, body: bytes, channel: str = "event") -> list[int]:
        pipeline = Pipeline(self.db, self.clock)
        pipeline.start()
        batch = Batch()
        pipeline.feed(batch, topic(device, station, channel), body, self.clock())
        return list(pipeline.commit(batch).alerts)

    def alarm(self, device: Any, station: str, name: str) -> int:
        self.seq += 1
        ts = int(self.clock.now.timestamp() * 1000) - 100
        return self.feed(device, station, event(self.seq, name, ts_ms=ts))[0]

    def inbox(self, name: str) -> list[Notification]:
        uid = self.world.users[name].user.id
        return list(
            self.session.scalars(
                select(Notification).where(Notification.user_id == uid).order_by(Notification.id)
            )
        )

    def sweep(self, after: dt.timedelta) -> int:
        return escalate(self.session, now=self.clock.now + after).notifications


@pytest.fixture
def site(session: Session, db: TransactionalDatabase, clock: FrozenClock) -> Site:
    return Site(session, db, clock)


def test_a_red_alert_reaches_the_stations_chief_at_once_and_counts_on_the_badge(
    site: Site,
) -> None:
    alert_id = site.alarm(site.smoke, "SA01", "smoke_alarm")
    (note,) = site.inbox("chief")
    assert note.kind == "iot.alert_red" and note.link == f"/iot/alerts#alert-{alert_id}"
    line = text(note.message, note.params, "zh_CN")
    assert "红色传感器告警" in line and "烟雾报警" in line and site.smoke.code in line
    assert notifications.unread_count(site.session, site.p("chief")) == 1
    # nobody else yet: not the officers, not another station's chief, not the street
    for name in ("officer", "b_chief", "street", "director"):
        assert site.inbox(name) == []
    alert = site.session.get(Alert, alert_id)
    assert alert is not None and alert.escalation_level == 1


def test_an_unacknowledged_red_alert_climbs_to_the_street_then_the_district_once_each(
    site: Site,
) -> None:
    site.alarm(site.cam, "SA01", "fight")
    assert site.sweep(9 * M) == 0
    assert site.sweep(10 * M) == 1 and len(site.inbox("street")) == 1
    assert site.sweep(10 * M) == 0  # run again: nothing new
    assert site.inbox("director") == [] and site.inbox("b_street") == []
    assert site.sweep(30 * M) == 1
    (late,) = site.inbox("director")
    assert late.kind == "iot.alert_escalated" and late.params["minutes"] == 30
    assert "30 分钟无人确认" in text(late.message, late.params, "zh_CN")
    assert site.sweep(600 * M) == 0
    assert [len(site.inbox(n)) for n in ("chief", "street", "director")] == [1, 1, 1]


def test_acknowledging_stops_the_climb(site: Site) -> None:
    alert_id = site.alarm(site.smoke, "SA01", "smoke_alarm")
    service_alerts.acknowledge(
        site.session, site.p("officer"), alert_id=alert_id, now=site.clock.now + M
    )
    assert site.sweep(120 * M) == 0
    assert site.inbox("street") == [] and site.inbox("director") == []


def test_a_yellow_alert_reaches_the_chief_after_an_hour_and_a_late_sweep_skips_no_rung(
    site: Site,
) -> None:
    alert_ids = site.feed(site.env, "SA01", tele(1, pm25=400), channel="telemetry")
    tier = site.session.get(Alert, alert_ids[0]).tier  # type: ignore[union-attr]
    assert tier == "yellow" and site.inbox("chief") == []
    assert site.sweep(59 * M) == 0
    # the worker was down for 10 hours: chief and street head hear of it together, once
    assert site.sweep(600 * M) == 2
    assert len(site.inbox("chief")) == 1 and len(site.inbox("street")) == 1
    assert site.inbox("director") == []  # yellow stops at the street station


def test_a_station_without_a_chief_sends_a_red_alert_to_the_street_at_once(
    site: Site, session: Session
) -> None:
    chief = site.world.users["b_chief"].user
    chief.active = False
    session.flush()
    site.alarm(site.b_smoke, "SB01", "smoke_alarm")
    assert len(site.inbox("b_street")) == 1 and site.inbox("street") == []


def _events(session: Session, code: str) -> list[OrderEvent]:
    order = session.scalar(select(WorkOrder).where(WorkOrder.code == code))
    assert order is not None
    return list(
        session.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.seq)
        )
    )


def test_confirming_files_an_order_triaged_with_the_chosen_tier_and_its_explanation(
    site: Site, session: Session
) -> None:
    alert_id = site.alarm(site.smoke, "SA01", "smoke_alarm")
    alert = service_alerts.confirm(
        session, site.p("officer"), alert_id=alert_id, now=site.clock.now, tier="red"
    )
    order = session.scalar(select(WorkOrder).where(WorkOrder.code == alert.work_order_ref))
    assert order is not None
    assert (order.state, order.tier, order.sla_provisional) == ("triaged", "red", False)
    triage = [e for e in _events(session, order.code) if e.action == "triage"]
    assert len(triage) == 1 and "烟雾报警" in triage[0].reason  # the rule's explanation
    assert alert.next_escalation_at is None and site.sweep(60 * M) == 0


def test_another_tier_than_the_rules_needs_a_reason_that_goes_into_the_timeline(
    site: Site, session: Session
) -> None:
    alert_id = site.alarm(site.cam, "SA01", "fight")
    with pytest.raises(Invalid) as refused:
        service_alerts.confirm(
            session, site.p("officer"), alert_id=alert_id, now=site.clock.now, tier="orange"
        )
    assert "reason" in refused.value.fields
    assert session.scalar(select(WorkOrder)) is None
    alert = service_alerts.confirm(
        session,
        site.p("officer"),
        alert_id=alert_id,
        now=site.clock.now,
        tier="orange",
        reason="现场核实为两人推搡，已分开",
    )
    order = session.scalar(select(WorkOrder).where(WorkOrder.code == alert.work_order_ref))
    assert order is not None and (order.state, order.tier) == ("triaged", "orange")
    (triage,) = [e for e in _events(session, order.code) if e.action == "triage"]
    assert triage.reason == "现场核实为两人推搡，已分开"
