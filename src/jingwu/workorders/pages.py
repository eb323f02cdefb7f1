"""What the order pages share: vocabulary labels, form errors and the order page itself.

Both :mod:`~jingwu.workorders.routes_orders` and :mod:`~jingwu.workorders.routes_cases`
render the order page (a refused form is shown on it), so it lives below both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError
from jingwu.reference import service as reference
from jingwu.web.i18n import validation_fields
from jingwu.web.templating import render
from jingwu.workorders import queries, search
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.guards import escalation_target
from jingwu.workorders.models_cases import Mediation
from jingwu.workorders.service_core import actor_of
from jingwu.workorders.vocab import (
    ACTION_LABELS,
    CHANNEL_LABELS,
    MODULE_LABELS,
    STATE_LABELS,
    TIER_LABELS,
    State,
)


def field_errors(request: Request, exc: ValidationError) -> dict[str, str]:
    """Per-field messages of a pydantic error (the first of each field), translated."""
    return validation_fields(request, exc)


def labels() -> dict[str, Any]:
    """Vocabulary labels for the templates."""
    return {
        "tier_labels": {str(k): v for k, v in TIER_LABELS.items()},
        "module_labels": {str(k): v for k, v in MODULE_LABELS.items()},
        "channel_labels": {str(k): v for k, v in CHANNEL_LABELS.items()},
        "categories": {c.code: c for c in DEFAULT_CATALOGUE},
        "state_labels": {str(k): v for k, v in STATE_LABELS.items()},
        "action_labels": {str(k): v for k, v in ACTION_LABELS.items()},
    }


def order_page(
    request: Request,
    session: Session,
    principal: Principal,
    now: dt.datetime,
    code: str,
    *,
    unmask: bool = False,
    error: DomainError | None = None,
) -> Response:
    """The order page, optionally with the error of a refused form."""
    detail = queries.order_detail(session, principal, code=code, now=now, unmask=unmask)
    order = detail.order
    merging = order.state != State.DUPLICATE
    ctx: dict[str, Any] = {
        "d": detail,
        "now": now,
        "error": error,
        "assignable": queries.assignable(session, principal, detail.order)
        if {"assign", "reassign"} & set(detail.actions)
        else [],
        "escalate_to": escalation_target(actor_of(principal), order.escalation_level or 0),
        "departments": reference.departments(session),
        "candidates": search.duplicate_candidates(session, principal, order) if merging else [],
        "merged": search.merged_into(session, principal, order),
        # the link to the mediation case only when there is one the reader may open
        "has_mediation": principal.can("workorders.mediations")
        and session.scalar(select(Mediation.id).where(Mediation.order_id == order.id)) is not None,
        **labels(),
    }
    return render(request, "workorders/order.html", ctx, status_code=error.status if error else 200)
