"""Finding orders — by code, the caller's phone, address and text — and the reports that may
be the same matter (same caller or same address within 30 days), for marking duplicates.

The phone is never searched in clear: the number typed is normalised and compared through
its blind index, so only the whole number finds an order (written in groups, with dashes or
with the country code). A code matches on any part, with or without its dashes. Every
query goes through the scope filter (a partner finds only the orders it filed).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Invalid
from jingwu.security.pii import IdentifierError, normalize_phone
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.service import phone_index
from jingwu.workorders.service_core import visible
from jingwu.workorders.triage import REPEAT_WINDOW_DAYS
from jingwu.workorders.vocab import State

MAX_QUERY = 100
_NEARBY = 50  # same caller or address within the window: rarely more
MAX_TERMS = 5
_CODE_LIKE = re.compile(r"^[A-Za-z0-9-]+$")
_PHONE_LIKE = re.compile(r"^[0-9+\- ]{7,20}$")


def terms_of(q: str) -> list[str]:
    """The words of a search (at most a few, each matched on its own)."""
    if "\x00" in q:
        raise Invalid("A search may not contain NUL characters.", fields={"q": "Bad character."})
    if len(q) > MAX_QUERY:
        raise Invalid(
            "A search has at most {n} characters.",
            params={"n": MAX_QUERY},
            fields={"q": "Too long."},
        )
    if _PHONE_LIKE.match(q.strip()):
        return [q.strip()]  # a phone number written in groups ("139 0000 1111") is one word
    return q.split()[:MAX_TERMS]


def _phone_keys(term: str) -> set[str]:
    """Blind indexes of the ways the number may have been stored: as normalised when it was
    taken (a landline keeps the dash it was written with), so each spelling is tried."""
    if not _PHONE_LIKE.match(term):
        return set()
    digits = re.sub(r"\D", "", term)
    spellings = {term, digits}
    if digits.startswith("86") and len(digits) == 13:  # the country code without its "+"
        spellings.add(digits[2:])
    if digits.startswith("0"):
        spellings |= {f"{digits[:k]}-{digits[k:]}" for k in (3, 4)}
    keys = set()
    for spelling in spellings:
        try:
            keys.add(phone_index(normalize_phone(spelling)))
        except IdentifierError:
            continue
    return keys


def _term_clause(term: str) -> ColumnElement[bool]:
    folded = term.casefold()
    options: list[ColumnElement[bool]] = [
        func.lower(WorkOrder.address).contains(folded, autoescape=True),
        func.lower(WorkOrder.description).contains(folded, autoescape=True),
    ]
    if _CODE_LIKE.match(term):
        options.append(WorkOrder.code.contains(term.upper(), autoescape=True))
        # a code typed without its dashes (BS0120261207, 202612070002) or with other ones
        bare = term.upper().replace("-", "")
        if len(bare) >= 4:
            options.append(func.replace(WorkOrder.code, "-", "").contains(bare, autoescape=True))
    keys = _phone_keys(term)
    if keys:
        options.append(WorkOrder.reporter_phone_index.in_(sorted(keys)))
    return or_(*options)


def search_clause(q: str) -> ColumnElement[bool]:
    """Orders matching every word of ``q`` in their code, caller's phone, address or text."""
    terms = terms_of(q)
    return and_(*(_term_clause(t) for t in terms)) if terms else false()


def matched_on(order: WorkOrder | SearchRow, q: str) -> list[str]:
    """Which fields a found order matched on (code, phone, address, text), for the list."""
    found: list[str] = []
    for term in terms_of(q):
        folded = term.casefold()
        bare = term.upper().replace("-", "")
        if _CODE_LIKE.match(term) and (
            term.upper() in order.code or (len(bare) >= 4 and bare in order.code.replace("-", ""))
        ):
            found.append("code")
        if order.reporter_phone_index in _phone_keys(term):
            found.append("phone")
        if folded in (order.address or "").casefold():
            found.append("address")
        if folded in (order.description or "").casefold():
            found.append("text")
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class SearchRow:
    """An order found, as the results list shows it."""

    code: str
    tier: str | None
    state: str
    category: str
    received_at: dt.datetime
    address: str
    description: str
    reporter_phone_index: str | None
    duplicate_of: str | None


_COLUMNS = select(*(getattr(WorkOrder, name) for name in SearchRow.__dataclass_fields__))


def find(
    session: Session, principal: Principal, *, q: str, page: int = 1, per_page: int = 50
) -> tuple[list[SearchRow], int]:
    """One page of the orders in scope matching ``q``, newest first, and the total."""
    if not q.strip():
        return [], 0
    stmt = visible(_COLUMNS, principal).where(search_clause(q))
    total = session.scalar(stmt.with_only_columns(func.count(WorkOrder.id))) or 0
    rows = session.execute(
        stmt.order_by(WorkOrder.received_at.desc(), WorkOrder.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [SearchRow(*row) for row in rows], int(total)


@dataclass(frozen=True)
class Candidate:
    """Another order that may report the same matter, and why it is offered."""

    code: str
    state: str
    received_at: dt.datetime
    description: str
    same_caller: bool
    same_address: bool


def duplicate_candidates(
    session: Session, principal: Principal, order: WorkOrder, *, limit: int = 10
) -> list[Candidate]:
    """Orders of the same caller or address within 30 days of ``order`` (either side), not
    themselves merged, in the principal's scope; the nearest in time first."""
    same: list[ColumnElement[bool]] = []
    if order.reporter_phone_index:
        same.append(WorkOrder.reporter_phone_index == order.reporter_phone_index)
    if order.address_key:
        same.append(WorkOrder.address_key == order.address_key)
    if not same:
        return []
    window = dt.timedelta(days=REPEAT_WINDOW_DAYS)
    stmt = visible(select(WorkOrder), principal).where(
        or_(*same),
        WorkOrder.id != order.id,
        WorkOrder.state != State.DUPLICATE,
        WorkOrder.received_at.between(order.received_at - window, order.received_at + window),
    )
    found = sorted(
        session.scalars(stmt.order_by(WorkOrder.received_at.desc()).limit(_NEARBY)),
        key=lambda o: abs((o.received_at - order.received_at).total_seconds()),
    )[:limit]
    return [
        Candidate(
            o.code,
            o.state,
            o.received_at,
            o.description,
            bool(order.reporter_phone_index)
            and o.reporter_phone_index == order.reporter_phone_index,
            bool(order.address_key) and o.address_key == order.address_key,
        )
        for o in found
    ]


def merged_into(session: Session, principal: Principal, order: WorkOrder) -> list[str]:
    """The codes of the orders merged into ``order`` as its duplicates (in scope)."""
    stmt = visible(select(WorkOrder.code), principal).where(WorkOrder.duplicate_of == order.code)
    return list(session.scalars(stmt.order_by(WorkOrder.received_at)))
