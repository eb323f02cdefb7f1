"""The quarterly improvement lists (EVAL-4): open a unit's list, assign, move, attach.

A list belongs to a unit (station, street or district) and a local calendar quarter; it is
opened with the catalogue's 12 improvement items, each starting with the quarter, due at
its end, owned by the unit's head. Rectifications (``kind="rectification"``, opened by
other domains with a source reference) join the unit's list of the quarter they open in.
An item's stage moves forward only, one stage at a time, and every move is recorded with
who, when and why; the act stage ends with ``done``. Evidence files go into the blob store
under the work orders' attachment size limit. Everything is scoped by the unit tree: a unit
outside the caller's subtree is unknown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal, scoped, unit_in_scope
from jingwu.blobs import service as blobs_service
from jingwu.blobs.store import BlobStore, Readable
from jingwu.errors import Conflict, Invalid, NotFound
from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.checks.periods import LOCAL, local_date, quarter_of
from jingwu.evaluation.improvement.models import PdcaEvidence, PdcaItem, PdcaList, PdcaMove
from jingwu.evaluation.improvement.vocab import stage_term
from jingwu.evaluation.measures import Catalogue
from jingwu.evaluation.pdca import Stage, quarter_window
from jingwu.org.models import Unit
from jingwu.workorders.service_files import MAX_ATTACHMENT_BYTES

MAX_EVIDENCE_BYTES = MAX_ATTACHMENT_BYTES  # as the work orders' attachments
DONE = "done"
ORDER = [*(s.value for s in Stage), DONE]
HEAD_ROLE = {"community": "chief", "street": "street", "district": "director"}
KINDS = ("improvement", "rectification")
# A rectification of a standard requirement (``jingwu.standard.rectify``) carries this source
# reference and closes only there, where the evidence its requirement names is checked.
STANDARD_SOURCE = "standard:"
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def parse_quarter(text: str) -> tuple[int, int]:
    """``(year, quarter)`` of ``YYYY-Qn``; Invalid otherwise."""
    match = _QUARTER.match(text.strip())
    if match is None or not 2000 <= int(match[1]) <= 2100:
        raise Invalid("A quarter looks like 2026-Q1.", fields={"quarter": "YYYY-Qn"})
    return int(match[1]), int(match[2])


def current_quarter(now: dt.datetime) -> str:
    """The local quarter of an instant."""
    return quarter_of(local_date(now))


def end_of_day(day: dt.date) -> dt.datetime:
    """The UTC instant a local day ends (a due date is due by the end of its day)."""
    following = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL)
    return following.astimezone(dt.UTC)


def unit_named(session: Session, principal: Principal, code: str) -> Unit:
    """The unit with this short code in the caller's scope; Invalid naming ``unit``."""
    unit = unit_in_scope(session, principal, code)
    if unit is None:
        raise Invalid("Unknown unit {code}.", params={"code": code}, fields={"unit": "unknown"})
    return unit


def head_of(session: Session, unit: Unit) -> User | None:
    """The unit's head: the first active chief, street head or director at the unit."""
    return session.scalar(
        select(User)
        .where(
            User.unit_id == unit.id,
            User.role == HEAD_ROLE.get(unit.kind, "chief"),
            User.active.is_(True),
        )
        .order_by(User.id)
        .limit(1)
    )


def get_list(
    session: Session, principal: Principal, *, unit: Unit, quarter: str
) -> PdcaList | None:
    """The unit's list for the quarter, if opened (the unit is in scope already)."""
    parse_quarter(quarter)
    return session.scalar(
        scoped(select(PdcaList), principal, PdcaList.unit_id).where(
            PdcaList.unit_id == unit.id, PdcaList.quarter == quarter.strip()
        )
    )


def open_list(
    session: Session,
    principal: Principal,
    *,
    unit: str,
    quarter: str,
    now: dt.datetime,
    catalogue: Catalogue | None = None,
) -> PdcaList:
    """Open the unit's list for a quarter with the catalogue's improvement items."""
    principal.require("evaluation.pdca")
    where = unit_named(session, principal, unit)
    return _open(session, principal, where, quarter.strip(), now, catalogue)


def _open(
    session: Session,
    principal: Principal,
    unit: Unit,
    quarter: str,
    now: dt.datetime,
    catalogue: Catalogue | None = None,
) -> PdcaList:
    year, number = parse_quarter(quarter)
    if get_list(session, principal, unit=unit, quarter=quarter) is not None:
        raise Conflict(
            "The list of {unit} for {quarter} is open already.",
            params={"unit": unit.short_code, "quarter": quarter},
            code="exists",
        )
    cat = catalogue or default_catalogue()
    start, end = quarter_window(year, number, LOCAL)
    head = head_of(session, unit)
    row = PdcaList(
        unit_id=unit.id,
        quarter=quarter,
        catalogue_version=cat.version,
        opened_at=now,
        opened_by_id=principal.user_id,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:  # opened at the same moment by someone else
        raise Conflict(
            "The list of {unit} for {quarter} is open already.",
            params={"unit": unit.short_code, "quarter": quarter},
            code="exists",
        ) from exc
    for entry in cat.improvement_items:
        session.add(
            PdcaItem(
                list_id=row.id,
                unit_id=unit.id,
                kind="improvement",
                item_key=entry.id,
                owner_id=head.id if head else None,
                start_at=start,
                due_at=end,
                stage=Stage.PLAN.value,
                escalation_level=0,
                created_at=now,
            )
        )
    session.flush()
    return row


def open_rectification(
    session: Session,
    principal: Principal,
    *,
    unit: str,
    title: str,
    due: dt.date,
    now: dt.datetime,
    owner: str | None = None,
    source_ref: str | None = None,
) -> PdcaItem:
    """Add a rectification to the unit's list of the current quarter (opened if need be)."""
    principal.require("evaluation.pdca")
    where = unit_named(session, principal, unit)
    if not title.strip():
        raise Invalid("Say what is to be rectified.", fields={"title": "required"})
    quarter = current_quarter(now)
    row = get_list(session, principal, unit=where, quarter=quarter)
    if row is None:
        row = _open(session, principal, where, quarter, now)
    due_at = end_of_day(due)
    if due_at <= now:
        raise Invalid("The due date must lie ahead.", fields={"due": "in the future"})
    person = _owner(session, where, owner) if owner else head_of(session, where)
    item = PdcaItem(
        list_id=row.id,
        unit_id=where.id,
        kind="rectification",
        item_key=None,
        title=title.strip()[:200],
        source_ref=(source_ref or "").strip()[:64] or None,
        owner_id=person.id if person else None,
        start_at=now,
        due_at=due_at,
        stage=Stage.PLAN.value,
        escalation_level=0,
        created_at=now,
    )
    session.add(item)
    session.flush()
    return item


def get_item(
    session: Session, principal: Principal, item_id: int, *, for_update: bool = False
) -> PdcaItem:
    """An item in scope, or NotFound."""
    stmt = scoped(select(PdcaItem), principal, PdcaItem.unit_id).where(PdcaItem.id == item_id)
    if for_update:
        stmt = stmt.with_for_update()
    item = session.scalar(stmt)
    if item is None:
        raise NotFound("No improvement item {item}.", params={"item": item_id})
    return item


def _owner(session: Session, unit: Unit, username: str) -> User:
    user = session.scalar(
        select(User).where(
            User.username == username.strip(), User.unit_id == unit.id, User.active.is_(True)
        )
    )
    if user is None:
        raise Invalid(
            "{user} is not an active user of {unit}.",
            params={"user": username, "unit": unit.short_code},
            fields={"owner": "a user of the unit"},
        )
    return user


def _open_item(item: PdcaItem) -> None:
    if item.done_at is not None:
        raise Conflict("This item is done already.", code="wrong_state")


def assign(
    session: Session,
    principal: Principal,
    *,
    item_id: int,
    now: dt.datetime,
    owner: str | None = None,
    due: dt.date | None = None,
) -> PdcaItem:
    """Give an open item another owner (a user of its unit) or another due date."""
    principal.require("evaluation.pdca")
    item = get_item(session, principal, item_id, for_update=True)
    _open_item(item)
    if owner:
        unit = session.get(Unit, item.unit_id)
        assert unit is not None
        item.owner_id = _owner(session, unit, owner).id
    if due is not None:
        due_at = end_of_day(due)
        if due_at <= item.start_at:
            raise Invalid("The item must be due after it starts.", fields={"due": "after start"})
        if due_at != item.due_at:
            item.due_at, item.escalation_level = due_at, 0
    session.flush()
    return item


def move(
    session: Session,
    principal: Principal,
    *,
    item_id: int,
    to: str,
    note: str,
    now: dt.datetime,
    evidence_checked: bool = False,
) -> PdcaMove:
    """Move an item one stage forward (``done`` after act), recording who, when and why."""
    principal.require("evaluation.pdca")
    item = get_item(session, principal, item_id, for_update=True)
    _open_item(item)
    standard = (item.source_ref or "").startswith(STANDARD_SOURCE)
    if to == DONE and item.kind == "rectification" and standard and not evidence_checked:
        raise Conflict(
            "This rectification closes from the station's scorecard, with the evidence its "
            "requirement names.",
            code="evidence_required",
        )
    if to not in ORDER or ORDER.index(to) != ORDER.index(item.stage) + 1:
        nxt = ORDER[ORDER.index(item.stage) + 1]
        raise Conflict(
            "An item moves forward one stage at a time: from {stage} only to {next}.",
            params={"stage": stage_term(item.stage), "next": stage_term(nxt)},
            code="wrong_state",
        )
    if not note.strip():
        raise Invalid("Say what was done in this stage.", fields={"note": "required"})
    if now < item.start_at:
        raise Conflict("The item has not started yet.", code="too_early")
    row = PdcaMove(
        item_id=item.id,
        unit_id=item.unit_id,
        from_stage=item.stage,
        to_stage=to,
        at=now,
        by_id=principal.user_id,
        note=note.strip()[:2000],
    )
    session.add(row)
    if to == DONE:
        item.done_at = now
    else:
        item.stage = to
    session.flush()
    return row


def attach(
    session: Session,
    principal: Principal,
    blobs: BlobStore,
    *,
    item_id: int,
    stream: Readable,
    filename: str,
    media_type: str,
    now: dt.datetime,
    note: str = "",
) -> PdcaEvidence:
    """Store a file in the blob store and attach it to the item as evidence."""
    principal.require("evaluation.pdca")
    item = get_item(session, principal, item_id, for_update=True)
    blob = blobs_service.store_upload(
        session,
        blobs,
        stream=stream,
        filename=filename,
        media_type=media_type,
        now=now,
        max_bytes=MAX_EVIDENCE_BYTES,
    )
    row = PdcaEvidence(
        item_id=item.id,
        unit_id=item.unit_id,
        stage=DONE if item.done_at else item.stage,
        blob_sha256=blob.sha256,
        filename=filename.strip()[:255],
        media_type=blob.media_type,
        size=blob.size,
        note=note.strip()[:500],
        added_by_id=principal.user_id,
        added_at=now,
    )
    session.add(row)
    session.flush()
    return row


def read_evidence(
    session: Session, principal: Principal, blobs: BlobStore, *, item_id: int, evidence_id: int
) -> tuple[PdcaEvidence, Iterator[bytes]]:
    """An evidence file of an item in scope and its content."""
    item = get_item(session, principal, item_id)
    row = session.get(PdcaEvidence, evidence_id)
    if row is None or row.item_id != item.id:
        raise NotFound("No such file.")
    _, chunks = blobs_service.read(session, blobs, sha256=row.blob_sha256)
    return row, chunks
