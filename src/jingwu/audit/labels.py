"""What the audit log's codes mean, in words (pure): actions, record types, outcomes, fields.

An inspector reads the log without knowing the platform's internal codes. Every action has a
label: the explicit events services record (``access.denied`` → "Access denied"), and the
automatic write audit's ``<table>.create|update|delete``, named after the kind of record
("Work order changed"). Labels are English message ids, translated through the audit
domain's catalogue (``locale/zh_CN.po``). ``tests/unit/test_audit_labels.py`` fails when an
action recorded in the code or a table in the schema has no label here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Gettext = Callable[[str], str]

# Explicit events (``audit.record(action=...)``).
ACTIONS: dict[str, str] = {
    "access.denied": "Access denied",
    "auth.device_key_added": "Device key added",
    "auth.device_key_removed": "Device key removed",
    "auth.sign_in": "Signed in",
    "auth.sign_in_failed": "Sign-in failed",
    "auth.throttled": "Sign-in throttled",
    "consult.purge": "Expired consultations purged",
    "coverage.import_residents": "Resident grid imported",
    "coverage.import_roads": "Road network imported",
    "evaluation.pdca_demo_seed": "Demo improvement lists created",
    "evaluation.pdca_overdue": "Overdue improvement items notified",
    "evidence.cosigned": "Evidence checkpoint co-signed",
    "evidence.export": "Evidence exported",
    "evidence.integrity": "Evidence integrity checked",
    "evidence.record": "Evidence recorded",
    "evidence.record_bulk": "Evidence recorded in bulk",
    "evaluation.catalogue_activated": "Indicator catalogue version chosen",
    "evaluation.recompute": "Indices recomputed",
    "evaluation.values_entered": "Indicator value entered",
    "evaluation.values_imported": "Indicator values imported",
    "incidents.feed": "Incidents passed to analytics",
    "rollout.plan_imported": "Rollout plan imported",
    "incidents.import": "Incidents imported",
    "iot.escalate": "Sensor alerts escalated",
    "org.staff_moved": "Staff member moved to another unit",
    "patrols.import": "Patrol routes imported",
    "pii.unmask": "Personal data shown unmasked",
    "standard.assessed": "Station self-assessed a requirement",
    "standard.rectification_closed": "Standard rectification closed",
    "standard.rectification_opened": "Standard rectification opened",
    "standard.verified": "Self-assessment verified",
    "standard.version_loaded": "Standard version loaded",
    "wo_overdue.handle": "Overdue record handled",
    "workorders.demo_seed": "Demo work orders created",
    "workorders.merge": "Duplicate work order merged",
    "workorders.sweep": "Deadline sweep",
}

# The automatic write audit: ``<table>.<verb>``.
VERBS: dict[str, str] = {
    "create": "{object} created",
    "update": "{object} changed",
    "delete": "{object} deleted",
}

# Every table, as the kind of record it holds.
TABLES: dict[str, str] = {
    "analytics_state": "Analytics state",
    "api_tokens": "API token",
    "audit_log": "Audit entry",
    "backtest_runs": "Backtest run",
    "blobs": "Stored file",
    "categories": "Category",
    "cov_circles": "Service circle",
    "cov_networks": "Road network",
    "cov_resident_grids": "Resident grid",
    "cov_resident_places": "Resident place",
    "cov_road_lines": "Road line",
    "cov_runs": "Coverage run",
    "departments": "Department",
    "open311_key_uses": "Open311 API key use",
    "open311_keys": "Open311 API key",
    "portal_attempts": "Portal attempt",
    "portal_codes": "Portal one-time code",
    "pub_requests": "Published request",
    "public_inbox": "Public submission",
    "public_ratings": "Public rating",
    "rollout_moves": "Demonstration status change",
    "rollout_stations": "Station in the rollout plan",
    "rollout_targets": "Rollout target",
    "pub_sunshine_versions": "Published open-data version",
    "pub_sunshine_cells": "Published open-data figure",
    "device_keys": "Device key",
    "equipment": "Equipment",
    "eval_cases": "Library case",
    "eval_catalogue_versions": "Indicator catalogue version",
    "eval_check_draws": "Spot-check draw",
    "eval_check_outcomes": "Spot-check outcome",
    "eval_expert_reviews": "Expert review",
    "eval_experts": "Expert",
    "eval_index_results": "Index result",
    "eval_indicator_values": "Indicator value",
    "eval_mystery_plans": "Mystery-visit plan",
    "eval_mystery_visits": "Mystery visit",
    "eval_pdca_evidence": "PDCA evidence",
    "eval_pdca_items": "PDCA item",
    "eval_pdca_lists": "PDCA list",
    "eval_pdca_moves": "PDCA stage move",
    "eval_survey_imports": "Survey import",
    "eval_survey_results": "Survey result",
    "evidence_checkpoints": "Evidence checkpoint",
    "evidence_cosignatures": "Checkpoint co-signature",
    "evidence_entries": "Evidence entry",
    "evidence_head": "Evidence log head",
    "evidence_item": "Evidence item",
    "evidence_checkpoint": "Evidence checkpoint",
    "evidence_items": "Evidence item",
    "evidence_leaves": "Evidence log leaf",
    "evidence_nodes": "Evidence log node",
    "evidence_queue": "Evidence queue entry",
    "evidence_scrub": "Evidence scrub",
    "evidence_scrubs": "Evidence scrub",
    "evidence_witnesses": "Evidence witness",
    "forecasts": "Forecast",
    "heat_days": "Heat map day",
    "heat_grids": "Heat map grid",
    "incident_categories": "Incident category",
    "incidents": "Incident",
    "iot_alerts": "Sensor alert",
    "iot_cursors": "Sensor job cursor",
    "iot_dead_letters": "Refused sensor message",
    "iot_devices": "Sensing device",
    "iot_energy_days": "Energy day",
    "iot_events": "Device event",
    "iot_gaps": "Data gap",
    "iot_gateway_devices": "Gateway link",
    "iot_gateways": "Gateway",
    "iot_readings": "Sensor reading",
    "iot_rollup_hour": "Hourly rollup",
    "iot_rollup_minute": "Minute rollup",
    "iot_rule_state": "Rule state",
    "iot_rules": "Sensor rule",
    "iot_sequences": "Message sequence",
    "jobs": "Scheduled job",
    "key_canaries": "Key check",
    "login_failures": "Failed sign-in",
    "notification_contacts": "Notification settings",
    "notification_deliveries": "Outside delivery",
    "notifications": "Notification",
    "patrol_routes": "Patrol route",
    "consult_sessions": "Online consultation",
    "consult_messages": "Consultation message",
    "posts": "Post",
    "recovery_codes": "Recovery code",
    "request": "Web request",
    "role_policies": "Role sign-in policy",
    "sms_reports": "SMS delivery report",
    "staff": "Staff member",
    "staff_memberships": "Staff membership history",
    "std_assessment_files": "Self-assessment evidence",
    "std_assessments": "Self-assessment",
    "std_rectification_files": "Rectification evidence",
    "std_rectifications": "Standard rectification",
    "std_versions": "Standard version",
    "units": "Unit",
    "user": "User",
    "users": "User",
    "web_sessions": "Sign-in session",
    "webauthn_challenges": "Device key challenge",
    "wo_alerts": "Deadline warning",
    "wo_attachments": "Attachment",
    "wo_day_counters": "Order number counter",
    "wo_draws": "Quota draw",
    "wo_events": "Work order event",
    "wo_feedback": "Citizen feedback",
    "wo_follow_ups": "Mediation follow-up",
    "wo_mediation_parties": "Mediation party",
    "wo_mediation_sessions": "Mediation session",
    "wo_mediations": "Mediation",
    "wo_overdue": "Overdue record",
    "wo_tasks": "Department task",
    "work_orders": "Work order",
    "zones": "Zone",
}

OUTCOMES: dict[str, str] = {"ok": "Succeeded", "denied": "Denied", "failed": "Failed"}

# Detail keys and the field names most often changed, in words; others are shown as stored.
FIELDS: dict[str, str] = {
    "acknowledged_at": "Signed for at",
    "acknowledged_by": "Signed for by",
    "active": "Active",
    "added": "Added",
    "address": "Address",
    "alerts": "Alerts",
    "assignee_id": "Assignee",
    "cases": "Library cases",
    "claims_met": "Claimed met",
    "closed_at": "Closed at",
    "closure": "Closure record",
    "code": "Record code",
    "completion_due_at": "Completion deadline",
    "count": "Count",
    "description": "Description",
    "display_name": "Display name",
    "due": "Due date",
    "duplicate_of": "Duplicate of",
    "escalated": "Escalated",
    "escalation_level": "Escalation level",
    "event_count": "Timeline entries",
    "events": "Events",
    "factor": "Second factor",
    "fields": "Fields",
    "file": "File",
    "lines": "Lines",
    "indicator": "Indicator",
    "items": "Items",
    "last_login_at": "Last sign-in",
    "last_seen_at": "Last heard from",
    "name": "Name",
    "next_due_at": "Next deadline check",
    "next_escalation_at": "Next escalation",
    "note": "Note",
    "notifications": "Notifications",
    "orders": "Orders",
    "outcome": "Outcome",
    "overdue": "Overdue",
    "override_reason": "Reason for another tier",
    "password_hash": "Password",
    "path": "Path",
    "period": "Period",
    "periods": "Periods",
    "phone": "Phone",
    "quarter": "Quarter",
    "received_by_id": "Received by",
    "reporter_id_number": "Reporter's ID number",
    "reporter_name": "Reporter's name",
    "reporter_phone": "Reporter's phone",
    "requirement": "Requirement",
    "requirements": "Requirements",
    "resolved_at": "Resolved at",
    "resolved_by": "Resolved by",
    "responded_at": "Responded at",
    "response_due_at": "Response deadline",
    "responsible_id": "Responsible person",
    "results": "Results",
    "retired": "Retired",
    "role": "Role",
    "rows": "Rows",
    "sha256": "SHA-256",
    "stations": "Stations",
    "size": "Size (bytes)",
    "sla": "Deadlines",
    "sla_provisional": "Provisional deadlines",
    "state": "State",
    "status": "Status",
    "suggested_tier": "Suggested tier",
    "tier": "Colour tier",
    "totp_confirmed": "Second factor enrolled",
    "totp_last_step": "Last one-time code used",
    "totp_secret": "Second-factor secret",
    "transfer_to": "Transferred to",
    "triaged_at": "Triaged at",
    "triaged_by_id": "Triaged by",
    "unit_id": "Unit",
    "updated_at": "Updated at",
    "username": "User name",
    "value": "Value",
    "values": "Values",
    "version": "Version",
    "witnesses": "Witnesses",
    "work_order_ref": "Work order",
}


def object_label(object_type: str, gettext: Gettext) -> str:
    """The kind of record, in words (the code itself when it is unknown)."""
    noun = TABLES.get(object_type)
    return gettext(noun) if noun else object_type


def action_label(action: str, gettext: Gettext) -> str:
    """What happened, in words."""
    if action in ACTIONS:
        return gettext(ACTIONS[action])
    table, _, verb = action.rpartition(".")
    if verb in VERBS and table in TABLES:
        return gettext(VERBS[verb]).format(object=gettext(TABLES[table]))
    return action


def outcome_label(outcome: str, gettext: Gettext) -> str:
    """Succeeded, refused or failed."""
    return gettext(OUTCOMES[outcome]) if outcome in OUTCOMES else outcome


def field_label(name: str, gettext: Gettext) -> str:
    """A detail key or a changed field, in words where it is a common one."""
    return gettext(FIELDS[name]) if name in FIELDS else name


# Labels of a detail key that means something else in one action (an error's code).
ACTION_FIELDS: dict[tuple[str, str], str] = {("access.denied", "code"): "Reason"}

# Values from a vocabulary, in words: the second factor of a sign-in, a refusal's reason.
VALUES: dict[str, dict[str, str]] = {
    "factor": {
        "code": "One-time code",
        "device_key": "Device key",
        "none": "None yet (may only enrol)",
    },
    "code": {
        "not_found": "Not found or outside the scope",
        "forbidden": "Not permitted",
        "forbidden_role": "The role lacks the permission",
        "role_forbidden": "The role lacks the permission",
        "unauthenticated": "Not signed in",
        "invalid": "Invalid input",
        "conflict": "Conflicts with the record's state",
        "wrong_state": "Not allowed in this state",
        "too_many_requests": "Too many requests",
        "payload_too_large": "Request too large",
    },
}

# One value of a detail: its text and whether it is data (a code, a path, a user name)
# that stays as it is in every language (shown with translate="no").
Piece = tuple[str, bool]


def _pieces(key: str, value: Any, gettext: Gettext) -> list[Piece]:
    if isinstance(value, list):
        return [(gettext(FIELDS[str(v)]), False) if str(v) in FIELDS else (str(v), True)
                for v in value]  # fmt: skip
    if isinstance(value, bool):
        return [(gettext("yes") if value else gettext("no"), False)]
    if isinstance(value, int | float):
        return [(str(value), False)]
    words = VALUES.get(key, {})
    if isinstance(value, str) and value in words:
        return [(gettext(words[value]), False)]
    return [(str(value), True)]


def detail_parts(
    detail: Mapping[str, Any] | None, gettext: Gettext, action: str = ""
) -> list[tuple[str, list[Piece]]]:
    """The detail of an entry as (label, values) in words; a new record's field list is
    left out (it says nothing the action does not)."""
    if not detail:
        return []
    parts = []
    for key, value in detail.items():
        if key == "fields" and action.endswith(".create"):
            continue
        special = ACTION_FIELDS.get((action, key))
        label = gettext(special) if special else field_label(key, gettext)
        parts.append((label, _pieces(key, value, gettext)))
    return parts


def detail_text(detail: Mapping[str, Any] | None, gettext: Gettext, action: str = "") -> str:
    """The detail as one line: "Fields: State, Tier; Path: /x"."""
    return "; ".join(
        f"{label}: {', '.join(text for text, _ in pieces)}"
        for label, pieces in detail_parts(detail, gettext, action)
    )


def action_choices(gettext: Gettext) -> list[tuple[str, str]]:
    """The action filter's choices: every explicit event, and any record created, changed or
    deleted (``*.create``...), sorted by label."""
    events = [(code, gettext(label)) for code, label in ACTIONS.items()]
    verbs = [
        (f"*.{verb}", gettext(template).format(object=gettext("Any record")))
        for verb, template in VERBS.items()
    ]
    return verbs + sorted(events, key=lambda c: c[1])
