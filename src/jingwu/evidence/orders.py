"""The work orders evidence belongs to, through the work-order service's contract.

`resolve_order` calls ``jingwu.workorders.service.get_order(session, principal, code=...)``,
which is scoped: an order outside the principal's units is NotFound. Evidence items take
the order's unit as theirs, so the org scope of the order applies to its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.workorders import service as workorders


@dataclass(frozen=True)
class OrderRef:
    """What evidence needs of a work order: its code and its unit."""

    code: str
    unit_id: int


def resolve_order(session: Session, principal: Principal, code: str) -> OrderRef:
    """Return the work order ``code`` if the principal may see it (else NotFound)."""
    order = workorders.get_order(session, principal, code=code)
    return OrderRef(code=str(order.code), unit_id=int(order.unit_id))
