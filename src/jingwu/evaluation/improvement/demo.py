"""Demo seed of the improvement lists and the case library: a year of each.

Every unit (stations, streets, the district) has its list for each quarter of this year up
to the current one. Past quarters' items went through plan → do → check → act and were
mostly done on time (a few late, a few never: red), the current quarter's are at the stage
their elapsed time suggests (some behind), and a few rectifications were added with a
source reference. Rows are written in bulk (one summary audit event); a few evidence files
and the case library go through the services, the cases promoted from closed orders a few
days after they closed, 35–65 a month, so some months reach the target and some do not.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import defaultdict
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from jingwu import bulk
from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal
from jingwu.accounts.service import load_principal
from jingwu.audit import service as audit
from jingwu.demodata import DemoContext
from jingwu.errors import DomainError
from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.checks.periods import LOCAL
from jingwu.evaluation.improvement import cases, service
from jingwu.evaluation.improvement.deidentify import deidentify
from jingwu.evaluation.improvement.models import Case, PdcaItem, PdcaList, PdcaMove
from jingwu.evaluation.pdca import quarter_window
from jingwu.org.models import Unit
from jingwu.workorders import demo_text as text
from jingwu.workorders.models import WorkOrder

STAGES = ("plan", "do", "check", "act", "done")
NOTES = {
    "do": ("制定整改方案并明确责任分工", "召开专题会议部署落实", "梳理问题清单并制定措施"),
    "check": ("按计划推进，完成阶段性任务", "组织民警落实各项措施", "与社区、物业联动推进"),
    "act": ("对照目标检查成效，数据达标", "督察抽查，整改到位", "回访群众，满意度提升"),
    "done": ("总结经验，形成长效机制", "固化做法纳入工作规范", "复盘完成，转入常态化管理"),
}
RECTIFICATIONS = (
    ("消防通道堵塞整改", "STD-2026-014"),
    ("电动车楼道充电隐患整改", "STD-2026-022"),
    ("值班记录不规范整改", "CHK-2026-031"),
)
TAGS = ("典型经验", "多部门联动", "快速处置", "群众满意", "矛盾化解", "隐患整改", "回访")


def _principal(session: Session, ctx: DemoContext, role: str) -> Principal | None:
    user_id = ctx.data.get("users", {}).get(role)
    return None if user_id is None else load_principal(session, user_id)


def _heads(session: Session, units: list[Unit]) -> dict[int, int]:
    wanted = {u.id: service.HEAD_ROLE.get(u.kind, "chief") for u in units}
    out: dict[int, int] = {}
    for uid, unit_id, role in session.execute(
        select(User.id, User.unit_id, User.role).where(User.active.is_(True)).order_by(User.id)
    ):
        if wanted.get(unit_id) == role and unit_id not in out:
            out[unit_id] = uid
    return out


def _reached(rng: random.Random, past: bool, elapsed: float) -> str:
    """The stage an item has reached: past quarters mostly done, the current by its time."""
    if past:
        return "done" if rng.random() < 0.94 else rng.choice(("do", "check", "act"))
    expected = min(4, int(elapsed * 4 + rng.uniform(-0.9, 0.9)))
    return STAGES[max(0, expected)]


def _item_rows(
    rng: random.Random, start: dt.datetime, end: dt.datetime, now: dt.datetime, reached: str
) -> tuple[dict[str, Any], list[tuple[str, str, dt.datetime]]]:
    """The item's columns and its moves (from, to, at), spread over its time."""
    span = (min(now, end + dt.timedelta(days=10)) - start).total_seconds()
    steps = STAGES.index(reached)
    moves, at = [], start
    for k in range(steps):
        share = (k + 1) / max(steps, 1) * rng.uniform(0.7, 0.98)
        at = max(at + dt.timedelta(hours=1), start + dt.timedelta(seconds=span * share))
        at = min(at, now)
        moves.append((STAGES[k], STAGES[k + 1], at))
    done_at = moves[-1][2] if reached == "done" else None
    late = done_at is None and now > end
    cols = {
        "stage": "act" if reached == "done" else reached,
        "done_at": done_at,
        "escalation_level": 2 if late else 0,
    }
    return cols, moves


def _lists(session: Session, ctx: DemoContext, units: list[Unit], rng: random.Random) -> None:
    now = ctx.now
    local = now.astimezone(LOCAL)
    heads = _heads(session, units)
    items = default_catalogue().improvement_items
    version = default_catalogue().version
    for quarter in range(1, (local.month - 1) // 3 + 2):
        start, end = quarter_window(local.year, quarter, LOCAL)
        elapsed = (now - start) / (end - start)
        opened = {}
        for unit in units:
            row = PdcaList(
                unit_id=unit.id,
                quarter=f"{local.year}-Q{quarter}",
                catalogue_version=version,
                opened_at=start + dt.timedelta(hours=2),
                opened_by_id=heads.get(unit.id),
            )
            session.add(row)
            opened[unit.id] = row
        session.flush()
        item_rows, planned = [], {}
        for unit in units:
            for entry in items:
                reached = _reached(rng, now >= end, elapsed)
                cols, moves = _item_rows(rng, start, end, now, reached)
                key = (opened[unit.id].id, entry.id)
                planned[key] = (unit.id, moves)
                item_rows.append(
                    {
                        "list_id": key[0],
                        "unit_id": unit.id,
                        "kind": "improvement",
                        "item_key": entry.id,
                        "title": "",
                        "source_ref": None,
                        "owner_id": heads.get(unit.id),
                        "start_at": start,
                        "due_at": end,
                        "created_at": start + dt.timedelta(hours=2),
                        **cols,
                    }
                )
        table = PdcaItem.__table__
        assert isinstance(table, Table)
        made = bulk.insert_rows(session, table, item_rows, returning=("id", "list_id", "item_key"))
        move_rows = []
        for item_id, list_id, key in made:
            unit_id, moves = planned[(list_id, key)]
            for before, after, at in moves:
                move_rows.append(
                    {
                        "item_id": item_id,
                        "unit_id": unit_id,
                        "from_stage": before,
                        "to_stage": after,
                        "at": at,
                        "by_id": heads.get(unit_id),
                        "note": rng.choice(NOTES[after]),
                    }
                )
        moves_table = PdcaMove.__table__
        assert isinstance(moves_table, Table)
        bulk.insert_rows(session, moves_table, move_rows)
        audit.record(
            session,
            principal=None,
            action="evaluation.pdca_demo_seed",
            object_type="eval_pdca_items",
            detail={"quarter": f"{local.year}-Q{quarter}", "items": len(item_rows)},
            now=now,
        )


def _rectifications(session: Session, ctx: DemoContext, who: Principal, station: str) -> None:
    for k, (title, ref) in enumerate(RECTIFICATIONS):
        due = (ctx.now.astimezone(LOCAL) + dt.timedelta(days=5 + 7 * k)).date()
        item = service.open_rectification(
            session, who, unit=station, title=title, due=due, source_ref=ref, now=ctx.now
        )
        if k == 0:
            service.move(session, who, item_id=item.id, to="do", note="已清理杂物", now=ctx.now)


def _evidence(session: Session, ctx: DemoContext, who: Principal, unit_id: int) -> None:
    """Files on the first items of the unit's current list (what a reader opens first)."""
    latest = session.scalar(
        select(PdcaList.id)
        .where(PdcaList.unit_id == unit_id)
        .order_by(PdcaList.quarter.desc())
        .limit(1)
    )
    rows = session.scalars(
        select(PdcaItem).where(PdcaItem.list_id == latest).order_by(PdcaItem.id).limit(3)
    )
    for item in list(rows):
        text = f"{item.item_key} 整改佐证：会议纪要、现场照片说明、数据对比。\n".encode()
        service.attach(
            session,
            who,
            ctx.runtime.blobs,
            item_id=item.id,
            stream=io.BytesIO(text),
            filename="佐证材料.txt",
            media_type="text/plain",
            note="阶段工作材料",
            now=ctx.now,
        )


def _cases(session: Session, ctx: DemoContext, who: Principal, rng: random.Random) -> None:
    by_month: dict[str, list[WorkOrder]] = defaultdict(list)
    closed = session.scalars(
        select(WorkOrder)
        .where(WorkOrder.state == "closed", WorkOrder.closed_at.is_not(None))
        .order_by(WorkOrder.closed_at)
    )
    for order in closed:
        assert order.closed_at is not None
        by_month[order.closed_at.astimezone(LOCAL).strftime("%Y-%m")].append(order)
    for orders in by_month.values():
        for order in rng.sample(orders, min(len(orders), rng.randint(35, 65))):
            assert order.closed_at is not None
            at = min(order.closed_at + dt.timedelta(days=rng.randint(1, 4)), ctx.now)
            tags = ",".join(rng.sample(TAGS, rng.randint(1, 2)))
            try:
                cases.promote(session, who, source="order", code=order.code, tags=tags, now=at)
            except DomainError:
                continue


def _archive(session: Session, ctx: DemoContext, rng: random.Random, before: str) -> None:
    """Cases of the months before the platform's order history (imported from the archive),
    written in bulk through the same de-identification."""
    stations = list(
        session.execute(select(Unit.id, Unit.short_code).where(Unit.kind == "community"))
    )
    if not stations:
        return
    year = ctx.now.astimezone(LOCAL).year
    rows = []
    for month in range(1, 13):
        period = f"{year}-{month:02d}"
        if period >= before:
            break
        seq: dict[int, int] = defaultdict(int)
        for n in range(rng.randint(35, 65)):
            unit_id, short = rng.choice(stations)
            category = rng.choice(sorted(text.DESCRIPTIONS))
            body = rng.choice(text.DESCRIPTIONS[category])
            body += f"\n处置结果：{rng.choice(text.CLOSURES)}"
            at = dt.datetime(year, month, rng.randint(1, 28), rng.randint(8, 20), tzinfo=LOCAL)
            seq[unit_id] += 1
            tags = [cases.category_name(category), *rng.sample(TAGS, rng.randint(1, 2))]
            clean = deidentify(body)
            rows.append(
                {
                    "code": f"{short}-AL{period.replace('-', '')}{seq[unit_id]:03d}",
                    "unit_id": unit_id,
                    "source_kind": "order",
                    "source_code": f"{short}-{at:%Y%m%d}-{9000 + n:04d}",
                    "category": category,
                    "title": f"{tags[0]}：{clean.splitlines()[0][:60]}",
                    "text": clean,
                    "tags": "|" + "".join(f"{t}|" for t in dict.fromkeys(tags)),
                    "month": period,
                    "seq": seq[unit_id],
                    "promoted_at": at.astimezone(dt.UTC),
                    "promoted_by_id": None,
                }
            )
    table = Case.__table__
    assert isinstance(table, Table)
    bulk.insert_rows(session, table, rows)
    audit.record(
        session,
        principal=None,
        action="evaluation.pdca_demo_seed",
        object_type="eval_cases",
        detail={"cases": len(rows)},
        now=ctx.now,
    )


def seed(session: Session, ctx: DemoContext) -> None:
    """A year of improvement lists and cases."""
    who = _principal(session, ctx, "director")
    if who is None:
        return
    rng = random.Random(f"{ctx.rng.random()}-pdca")
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    _lists(session, ctx, units, rng)
    chief = _principal(session, ctx, "chief") or who
    _rectifications(session, ctx, chief, "BS01")
    if chief.unit_id is not None:
        _evidence(session, ctx, chief, chief.unit_id)
    first = session.scalar(
        select(WorkOrder.closed_at)
        .where(WorkOrder.closed_at.is_not(None))
        .order_by(WorkOrder.closed_at)
        .limit(1)
    )
    _archive(session, ctx, rng, first.astimezone(LOCAL).strftime("%Y-%m") if first else "9999")
    _cases(session, ctx, who, rng)
    session.flush()
