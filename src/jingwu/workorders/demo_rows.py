"""Turning simulated demo lives into the rows the services would have written."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from jingwu.accounts.models import User
from jingwu.org.models import Unit
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.clocks import Clock, next_due_at, read_clocks
from jingwu.workorders.demo_history import Life, Step
from jingwu.workorders.escalation import level_for
from jingwu.workorders.service import address_key, phone_index
from jingwu.workorders.sla import escalation_for

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华建国志强海燕晓东红梅玉兰春梅浩然"
ROADS = ("文三路", "教工路", "学院路", "古墩路", "天目山路", "保俶路", "曙光路", "黄姑山路")
CHANNELS = (("walk_in", 35), ("phone", 38), ("online", 17), ("partner", 10))
_US = dt.timedelta(microseconds=1)


@dataclass
class People:
    """User ids per station and role, and everyone's display name."""

    station: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    pending: list[tuple[int, str, User]] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    partner: int | None = None  # the demo partner files the partner channel's orders
    partner_unit: int | None = None

    def resolve(self) -> None:
        """Record the ids of the accounts created for the seed (after the flush)."""
        for unit_id, role, user in self.pending:
            self.station[unit_id][role] = user.id


@dataclass
class Made:
    """What the case and notification seeds need to know about an order."""

    unit: Unit
    life: Life
    order: dict[str, Any]


class OrderRows:
    """Rows of every table, built order by order; child rows refer to the order by code."""

    def __init__(
        self,
        rng: random.Random,
        people: People,
        now: dt.datetime,
        departments: dict[str, int] | None = None,
    ) -> None:
        self.rng, self.people, self.now = rng, people, now
        self.departments = departments or {}
        self.orders: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.tasks: list[dict[str, Any]] = []
        self.alerts: list[dict[str, Any]] = []
        self.overdue: list[dict[str, Any]] = []
        self.feedback: list[dict[str, Any]] = []
        self.made: dict[str, Made] = {}

    def _who(self, unit: Unit, key: str, life: Life) -> int | None:
        roles = self.people.station[unit.id]
        if key == "receiver":
            return roles.get("officer")
        if key == "assignee":
            return roles.get(life.assignee)
        return roles.get("chief") if key == "chief" else None

    def add(self, unit: Unit, code: str, life: Life) -> None:
        """Build every row of one order."""
        rng = self.rng
        channel = (
            "sensor"
            if life.category == "sensor_alert"
            else rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        )
        triaged = life.at("triage")
        creator = self._who(unit, "receiver", life) if channel in ("walk_in", "phone") else None
        receiver = creator or (self._who(unit, "receiver", life) if triaged else None)
        if channel == "partner":
            creator = self.people.partner
        assigned = life.at("assign") is not None and life.state not in ("rejected", "transferred")
        assignee = self._who(unit, "assignee", life) if assigned else None
        order = self._order(unit, code, life, channel, creator, receiver, assignee)
        self.orders.append(order)
        self.made[code] = Made(unit, life, order)
        self._events(unit, code, life, channel, creator)
        self._alerts(unit, code, life, receiver, assignee)
        self._tasks(unit, code, life)
        self._feedback(unit, code, life, receiver)

    def _order(
        self,
        unit: Unit,
        code: str,
        life: Life,
        channel: str,
        creator: int | None,
        receiver: int | None,
        assignee: int | None,
    ) -> dict[str, Any]:
        rng, events = self.rng, life.clock_events
        read = read_clocks(life.policy, life.received_at, events, self.now)
        resp, comp = read[Clock.RESPONSE], read[Clock.COMPLETION]
        emitted = {a.key for a, _ in life.alerts}
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if rng.random() < 0.85 else None
        address = f"杭州市西湖区{rng.choice(ROADS)} {rng.randint(1, 400)} 号"
        resolve = next((s for s in reversed(life.steps) if s.action == "resolve"), None)
        responded = next(
            (s.at for s in life.steps if s.action in ("accept", "record_contact")), None
        )
        category = DEFAULT_CATALOGUE.get(life.category)
        return {
            "code": code,
            "unit_id": unit.id,
            "channel": channel,
            "category": life.category,
            "module": str(category.module),
            "description": life.description,
            "lon": round((unit.lon or 120.1) + rng.uniform(-0.005, 0.005), 6),
            "lat": round((unit.lat or 30.27) + rng.uniform(-0.004, 0.004), 6),
            "address": address,
            "address_key": address_key(address),
            "reporter_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "reporter_phone": phone,
            "reporter_id_number": None,
            "reporter_phone_index": phone_index(phone) if phone else None,
            "minors_involved": False,
            "elderly_involved": life.category == "missing_elderly",
            "source_ref": f"iot-alert:{rng.randint(1000, 9999)}" if channel == "sensor" else None,
            "state": life.state,
            "suggested_tier": str(life.suggestion.tier),
            "suggestion": life.suggestion.to_dict(),
            "tier": str(life.tier) if life.at("triage") else None,
            "override_reason": life.override_reason if life.at("triage") else None,
            "triaged_at": life.at("triage"),
            "triaged_by_id": receiver if life.at("triage") else None,
            "sla": life.policy.to_dict(),
            "sla_provisional": life.at("triage") is None,
            "received_at": life.received_at,
            "created_by_id": creator,
            "received_by_id": receiver,
            "responsible_id": assignee or receiver,
            "assignee_id": assignee,
            "responded_at": responded,
            "resolved_at": life.at("resolve"),
            "closed_at": life.at("close") if life.state == "closed" else None,
            "response_due_at": resp.deadline if resp.status == "running" else None,
            "completion_due_at": comp.deadline if comp.status == "running" else None,
            "paused_seconds": int(comp.paused.total_seconds()),
            "next_due_at": next_due_at(
                life.policy, life.received_at, events, self.now, emitted=emitted
            ),
            "overdue": any(a.is_breach for a, _ in life.alerts),
            "escalation_level": max(
                (level_for(str(life.tier), a.percent) for a, _ in life.alerts), default=0
            ),
            "resolve_count": life.resolves,
            "closure": (resolve.data or {}).get("closure") if resolve else None,
            "transfer_to": "110" if life.state == "transferred" else None,
            "duplicate_of": None,
            "event_count": len(life.steps) + 1,
            "updated_at": life.steps[-1].at if life.steps else life.received_at,
        }

    def _event(
        self, unit: Unit, code: str, seq: int, step: Step, before: str, actor: int | None
    ) -> dict[str, Any]:
        role = {"citizen": "citizen", "system": "system", "partner": "partner"}.get(step.actor)
        if role is None:
            role = {"receiver": "officer", "chief": "chief"}.get(step.actor, "officer")
        return {
            "order_code": code,
            "unit_id": unit.id,
            "seq": seq,
            "at": step.at,
            "kind": step.kind,
            "action": step.action,
            "from_state": before,
            "to_state": step.to_state,
            "actor_id": actor,
            "actor_name": self.people.names.get(actor or 0, step.actor),
            "actor_role": role,
            "actor_unit_id": unit.id if actor else None,
            "reason": step.reason,
            "data": step.data,
        }

    def _events(self, unit: Unit, code: str, life: Life, channel: str, creator: int | None) -> None:
        intake = Step(
            life.received_at,
            "intake",
            "intake",
            ("partner" if channel == "partner" else "receiver") if creator else "system",
            "received",
            data={"channel": channel},
        )
        self.events.append(self._event(unit, code, 1, intake, "received", creator))
        if channel == "partner" and creator is not None:
            self.events[-1]["actor_unit_id"] = self.people.partner_unit
        state = "received"
        for n, step in enumerate(life.steps, start=2):
            actor = self._who(unit, step.actor, life)
            if step.actor == "assignee" and life.assignee == "auxiliary":
                self.events.append(self._event(unit, code, n, step, state, actor))
                self.events[-1]["actor_role"] = "auxiliary"
            else:
                self.events.append(self._event(unit, code, n, step, state, actor))
            state = step.to_state

    def _alerts(
        self, unit: Unit, code: str, life: Life, receiver: int | None, assignee: int | None
    ) -> None:
        tier = str(life.tier) if life.at("triage") else str(life.suggestion.tier)
        assigned_at = life.at("assign")
        for alert, emitted in life.alerts:
            self.alerts.append(
                {
                    "order_code": code,
                    "unit_id": unit.id,
                    "clock": str(alert.clock),
                    "percent": alert.percent,
                    "tier": tier,
                    "crossed_at": alert.at,
                    "emitted_at": emitted,
                    "recipients": [str(r) for r in escalation_for(tier, alert.percent)],
                }
            )
            if not alert.is_breach:
                continue
            who = assignee if assignee and assigned_at and assigned_at < alert.at else receiver
            who = who or self.people.station[unit.id].get("chief")
            handled = emitted < self.now - dt.timedelta(days=2) and self.rng.random() < 0.75
            self.overdue.append(
                {
                    "order_code": code,
                    "unit_id": unit.id,
                    "clock": str(alert.clock),
                    "tier": tier,
                    "responsible_id": who,
                    "responsible_name": self.people.names.get(who or 0, ""),
                    "deadline_at": alert.at - _US,
                    "detected_at": emitted,
                    "handled_at": emitted + dt.timedelta(hours=20) if handled else None,
                    "handled_by_id": self.people.station[unit.id].get("chief") if handled else None,
                    "handling_note": "已约谈责任人并督促办结" if handled else "",
                }
            )

    def _tasks(self, unit: Unit, code: str, life: Life) -> None:
        for dept, due, created in life.tasks:
            done = due < self.now and self.rng.random() < 0.8
            self.tasks.append(
                {
                    "order_code": code,
                    "unit_id": unit.id,
                    "department_id": self.departments.get(dept),
                    "target_unit_id": None,
                    "instructions": "请协同处置",
                    "due_at": due,
                    "created_at": created,
                    "status": "done" if done else "open",
                    "result": "已按要求完成" if done else "",
                    "created_by_id": self.people.station[unit.id].get("officer"),
                    "done_at": due - dt.timedelta(hours=1) if done else None,
                    "reminded_at": due if (not done and due < self.now) else None,
                }
            )

    def _feedback(self, unit: Unit, code: str, life: Life, receiver: int | None) -> None:
        if life.feedback is None:
            return
        at, rating, ok, comment, reopened = life.feedback
        by_call = self.rng.random() < 0.4
        self.feedback.append(
            {
                "order_code": code,
                "unit_id": unit.id,
                "round": 1,
                "via": "call" if by_call else "link",
                "rating": rating,
                "resolved": ok,
                "comment": comment,
                "at": at,
                "recorded_by_id": receiver if by_call else None,
                "reopened": reopened,
            }
        )

    def bind(self, ids: dict[str, int]) -> None:
        """Replace each child row's order code by the order's id."""
        for rows in (self.events, self.tasks, self.alerts, self.overdue, self.feedback):
            for row in rows:
                row["order_id"] = ids[row.pop("order_code")]
        for code, made in self.made.items():
            made.order["id"] = ids[code]
