"""Rule use cases: the effective rule set (defaults overlaid by stored rules) and the editor.

A stored rule with no device (scope ``""``) replaces the default of the same code, or adds a
new rule; a stored rule for a device (scope = the device code) overrides, for that device
only, the rule of the same code. Class-wide rules touch every station, so only a district
director or an administrator may change them; station leaders may tune their own devices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope
from jingwu.errors import Invalid, NotFound, Term
from jingwu.iot.default_rules import DEFAULT_RULE_DATA
from jingwu.iot.models import Device, RuleRow
from jingwu.iot.rules import Rule
from jingwu.iot.ruleset import RuleError, rule_from_dict, rule_to_dict


@dataclass(frozen=True)
class RuleView:
    """A rule as the editor lists it: its definition and where it comes from."""

    rule: Rule
    definition: dict[str, Any]
    origin: str  # default | edited | added | device
    row_id: int | None


def _stored(session: Session, principal: Principal | None = None) -> list[RuleRow]:
    stmt = select(RuleRow).order_by(RuleRow.code, RuleRow.scope)
    if principal is not None:
        stmt = stmt.where((RuleRow.unit_id.is_(None)) | in_scope(principal, RuleRow.unit_id))
    return list(session.scalars(stmt))


def _view(rule: Rule, origin: str, row_id: int | None) -> RuleView:
    return RuleView(rule, rule_to_dict(rule), origin, row_id)


def rule_views(session: Session, principal: Principal | None = None) -> list[RuleView]:
    """Every effective rule (device overrides only in the principal's scope, if given)."""
    views: dict[tuple[str, str], RuleView] = {
        (d["code"], ""): _view(rule_from_dict(d), "default", None) for d in DEFAULT_RULE_DATA
    }
    for row in _stored(session, principal):
        definition = orjson.loads(row.definition)
        try:
            rule = rule_from_dict(definition)
        except RuleError:
            continue  # a rule made invalid by a later change of the classes: ignored
        key = (row.code, row.scope)
        origin = "device" if row.scope else ("edited" if key in views else "added")
        views[key] = _view(rule, origin, row.id)
    return sorted(views.values(), key=lambda v: (v.rule.code, v.rule.device or ""))


def effective_rules(session: Session) -> list[Rule]:
    """The rules the ingester applies (all scopes)."""
    return [v.rule for v in rule_views(session)]


def rules_version(session: Session) -> tuple[int, str]:
    """Changes whenever a rule is saved or reset (the ingester reloads on change)."""
    count, latest = session.execute(
        select(func.count(RuleRow.id), func.max(RuleRow.updated_at))
    ).one()
    return int(count), str(latest)


def _scope_unit(session: Session, principal: Principal, rule: Rule) -> int | None:
    if rule.device is None:
        principal.require("iot.rules.global")
        return None
    device = session.scalar(
        select(Device).where(Device.code == rule.device, in_scope(principal, Device.unit_id))
    )
    if device is None:
        raise Invalid(
            "No device {device} in scope.",
            params={"device": rule.device},
            fields={"device": "unknown device"},
        )
    if rule.device_class is not None and rule.device_class.value != device.device_class:
        raise Invalid(
            "Device {code} is a {device_class}, not a {value}.",
            params={
                "code": device.code,
                "device_class": device.device_class,
                "value": rule.device_class.value,
            },
            fields={"device_class": "does not match the device"},
        )
    return device.unit_id


# The rule fields by the names of the editor (translated when an error names one).
_RULE_FIELDS = {
    "code": "Code",
    "kind": "Kind",
    "metric": "Metric",
    "event": "Event",
    "attr": "Event attribute",
    "op": "Comparison",
    "value": "Value",
    "high": "High end",
    "window_s": "Window",
    "offline_after_s": "Offline after",
    "tier": "Tier",
    "dedup_s": "Dedup window",
    "device": "Device",
    "device_class": "Class",
    "label_zh": "Label (Chinese)",
    "label_en": "Label (English)",
    "enabled": "Enabled",
}


def save_rule(
    session: Session, principal: Principal, *, definition: dict[str, Any], now: dt.datetime
) -> RuleRow:
    """Validate and store a rule (insert or replace the one with the same code and scope)."""
    principal.require("iot.rules")
    try:
        rule = rule_from_dict(definition)
    except RuleError as exc:
        field = Term(str(exc), _RULE_FIELDS.get(exc.field, "a field"))
        raise Invalid(
            "The rule is invalid: {why}.",
            params={"why": field},
            fields={exc.field: "this value is not valid"},
        ) from None
    unit_id = _scope_unit(session, principal, rule)
    scope = rule.device or ""
    row = session.scalar(select(RuleRow).where(RuleRow.code == rule.code, RuleRow.scope == scope))
    if row is None:
        row = RuleRow(code=rule.code, scope=scope)
        session.add(row)
    row.unit_id = unit_id
    row.definition = orjson.dumps(rule_to_dict(rule)).decode()
    row.updated_at = now
    row.updated_by = principal.user_id
    session.flush()
    return row


def reset_rule(session: Session, principal: Principal, *, code: str, scope: str = "") -> None:
    """Remove a stored rule: the default (if any) applies again."""
    principal.require("iot.rules")
    row = session.scalar(select(RuleRow).where(RuleRow.code == code, RuleRow.scope == scope))
    if row is None:
        raise NotFound("No stored rule '{code}'.", params={"code": code})
    if row.unit_id is None:
        principal.require("iot.rules.global")
    elif not session.scalar(
        select(func.count()).where(in_scope(principal, RuleRow.unit_id), RuleRow.id == row.id)
    ):
        raise NotFound("No stored rule '{code}'.", params={"code": code})
    session.execute(delete(RuleRow).where(RuleRow.id == row.id))
    session.flush()
