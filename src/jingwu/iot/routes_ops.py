"""Operations pages: the live map, the alert queue, the rule editor, coverage, energy, loss."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jingwu.accounts.principal import Principal
from jingwu.errors import Invalid
from jingwu.iot import queries, service_alerts, service_rules
from jingwu.iot.classes import CLASSES
from jingwu.iot.energy import SOLAR_TARGET_KWH, daily_energy, local_today
from jingwu.iot.ruleset import KINDS
from jingwu.iot.service_loss import loss_totals, open_gaps
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.i18n import error_fields, translations
from jingwu.web.params import FormFields, IdPath
from jingwu.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
TIERS = ("red", "orange", "yellow")
OPS = (">", ">=", "<", "<=", "outside")
DEVICE_LAYERS = ("stations", "devices", "alerts")


def _labels(language: str) -> dict[str, str]:
    zh = language == "zh_CN"
    return {c.value: (s.label_zh if zh else s.label_en) for c, s in CLASSES.items()}


@router.get("/iot/map", response_class=HTMLResponse)
def device_map(principal: Annotated[Principal, Requires("iot.view")]) -> Response:
    """The live device map is the situational map with the device layers on."""
    return RedirectResponse(f"/analytics?layers={','.join(DEVICE_LAYERS)}", status_code=303)


@router.get("/iot/alerts", response_class=HTMLResponse)
def alerts(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.view")],
    state: str = "",
    tier: str = "",
) -> Response:
    states = (state,) if state in service_alerts.STATES else ("open", "acknowledged")
    rows = service_alerts.list_alerts(session, principal, states=states, tier=tier or None)
    ctx = {
        "rows": rows,
        "state": state,
        "tier": tier,
        "tiers": TIERS,
        "classes": _labels(request.state.language),
        "can_act": principal.can("iot.alerts"),
        "tab": "alerts",
    }
    return render(request, "iot/alerts.html", ctx)


def _alert_row(
    request: Request, session: Session, principal: Principal, alert_id: int, **extra: Any
) -> Response:
    ctx = {
        "r": service_alerts.alert_row(session, principal, alert_id),
        "tiers": TIERS,
        "classes": _labels(request.state.language),
        "can_act": principal.can("iot.alerts"),
        **extra,
    }
    return render(request, "iot/_alert_row.html", ctx, status_code=422 if extra else 200)


@router.post("/iot/alerts/{alert_id}/confirm", response_class=HTMLResponse)
def confirm_alert(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.alerts")],
    now: Now,
    alert_id: int,
    tier: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """File a work order for the alert, already triaged with the chosen tier and reason."""
    try:
        service_alerts.confirm(
            session, principal, alert_id=alert_id, now=now, tier=tier or None, reason=reason
        )
    except Invalid as exc:
        if not is_htmx(request):
            raise
        error = exc.translated(translations(request.state.language).ugettext)
        return _alert_row(
            request, session, principal, alert_id, error=error, chosen=tier, reason=reason
        )
    if not is_htmx(request):
        return RedirectResponse("/iot/alerts", status_code=303)
    return _alert_row(request, session, principal, alert_id)


@router.post("/iot/alerts/{alert_id}/{action}", response_class=HTMLResponse)
def alert_action(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.alerts")],
    now: Now,
    alert_id: IdPath,
    action: str,
    note: Annotated[str, Form()] = "",
) -> Response:
    if action == "acknowledge":
        service_alerts.acknowledge(session, principal, alert_id=alert_id, now=now, note=note)
    elif action == "resolve":
        service_alerts.resolve(session, principal, alert_id=alert_id, now=now, note=note)
    else:
        raise Invalid("Unknown action '{action}'.", params={"action": action})
    if not is_htmx(request):
        return RedirectResponse("/iot/alerts", status_code=303)
    return _alert_row(request, session, principal, alert_id)


@router.get("/iot/rules", response_class=HTMLResponse)
def rules(
    request: Request, session: SessionDep, principal: Annotated[Principal, Requires("iot.view")]
) -> Response:
    ctx = {
        "views": service_rules.rule_views(session, principal),
        "classes": _labels(request.state.language),
        "can_edit": principal.can("iot.rules"),
        "can_edit_global": principal.can("iot.rules.global"),
        "tab": "rules",
    }
    return render(request, "iot/rules.html", ctx)


def _rule_form(
    request: Request, form: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    ctx = {
        "form": form,
        "errors": errors,
        "kinds": KINDS,
        "tiers": TIERS,
        "ops": OPS,
        "classes": _labels(request.state.language),
        "tab": "rules",
    }
    return render(request, "iot/rule_edit.html", ctx, status_code=status)


@router.get("/iot/rules/edit", response_class=HTMLResponse)
def edit_rule(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.rules")],
    code: str = "",
    scope: str = "",
) -> Response:
    view = next(
        (
            v
            for v in service_rules.rule_views(session, principal)
            if v.rule.code == code and (v.rule.device or "") == scope
        ),
        None,
    )
    form: dict[str, Any] = (
        dict(view.definition)
        if view
        else {"kind": "threshold", "tier": "yellow", "dedup_s": 600, "enabled": True}
    )
    if view is not None and scope == "" and request.query_params.get("device"):
        form["device"] = request.query_params["device"]  # a device override of a class rule
    return _rule_form(request, form, {})


def _number(value: str) -> float | str | None:
    value = value.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return value  # the rule parser names the field


@router.post("/iot/rules/edit", response_class=HTMLResponse)
def save_rule(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.rules")],
    now: Now,
    form: FormFields,
) -> Response:
    raw = {k: v for k, v in form.items() if k != "csrf_token"}
    definition: dict[str, Any] = {
        k: v.strip()
        for k, v in raw.items()
        if k in ("code", "kind", "tier", "metric", "event", "attr", "op", "label_zh", "label_en")
        and v.strip()
    }
    definition["device_class"] = raw.get("device_class") or None
    definition["device"] = raw.get("device", "").strip() or None
    definition["enabled"] = raw.get("enabled") == "on"
    for key in ("value", "high", "window_s", "offline_after_s", "dedup_s"):
        number = _number(raw.get(key, ""))
        if number is not None:
            definition[key] = number
    try:
        service_rules.save_rule(session, principal, definition=definition, now=now)
    except Invalid as exc:
        errors = error_fields(request, exc, whole="form")
        return _rule_form(request, {**raw, **definition}, errors, 422)
    return RedirectResponse("/iot/rules", status_code=303)


@router.post("/iot/rules/reset", response_class=HTMLResponse)
def reset_rule(
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.rules")],
    code: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "",
) -> Response:
    service_rules.reset_rule(session, principal, code=code, scope=scope)
    return RedirectResponse("/iot/rules", status_code=303)


@router.get("/iot/coverage", response_class=HTMLResponse)
def coverage(
    request: Request, session: SessionDep, principal: Annotated[Principal, Requires("iot.view")]
) -> Response:
    report = queries.density(session, principal)
    ctx = {"report": report, "classes": _labels(request.state.language), "tab": "coverage"}
    return render(request, "iot/coverage.html", ctx)


@router.get("/iot/energy", response_class=HTMLResponse)
def energy(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.view")],
    now: Now,
) -> Response:
    today = local_today(now)
    yesterday = today - dt.timedelta(days=1)
    ctx = {
        "today": today,
        "yesterday": yesterday,
        "rows_today": daily_energy(session, principal, day=today),
        "rows_yesterday": daily_energy(session, principal, day=yesterday),
        "target": SOLAR_TARGET_KWH,
        "tab": "energy",
    }
    return render(request, "iot/energy.html", ctx)


@router.get("/iot/loss", response_class=HTMLResponse)
def loss(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.view")],
    now: Now,
) -> Response:
    since = int((now - dt.timedelta(days=1)).timestamp() * 1000)
    ctx = {
        "totals": loss_totals(session, principal),
        "gaps": open_gaps(session, principal, limit=200),
        "refused": queries.refusal_counts(session, principal, since_ms=since),
        "tab": "loss",
    }
    return render(request, "iot/loss.html", ctx)
