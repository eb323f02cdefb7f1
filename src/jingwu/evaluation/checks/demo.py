"""Demo seed of the spot checks: a year of draws with outcomes, and the third-party evaluation.

Through the services, at the times things would have happened this year: each month's
station draw of the district committed a week before the month and drawn on its 2nd (the
current month's is left for the inspector to make, so coverage stands just short of 100 %), last
month's order draw, the work orders' orange draws logged and paired, outcomes recorded a
few days after each draw; then the log is signed so that every draw verifies. The mystery
visits, experts and the survey import are in :mod:`.demo_third`.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.accounts.service import load_principal
from jingwu.demodata import DemoContext
from jingwu.evaluation.checks import demo_third, ledger, orange, outcomes, service
from jingwu.evaluation.checks.models import CheckDraw
from jingwu.evaluation.checks.periods import LOCAL
from jingwu.evidence import sequencer
from jingwu.evidence.logkeys import load_log_keys
from jingwu.workorders.models import Draw, WorkOrder

FINDINGS = (
    "公示栏警务信息未及时更新",
    "值班记录缺少夜间签字",
    "消防器材检查记录缺失一个月",
    "群众意见簿近期未回复",
    "调解室预约登记不完整",
    "警务室门口便民服务卡缺失",
)
ORDER_FINDINGS = ("回访记录与群众陈述不一致", "结案材料缺少现场照片", "答复时限超出承诺")


def _at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LOCAL).astimezone(dt.UTC)


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _inspector(session: Session, ctx: DemoContext) -> Principal | None:
    user_id = ctx.data.get("users", {}).get("inspector")
    return None if user_id is None else load_principal(session, user_id)


def _outcome(
    session: Session,
    who: Principal,
    rng: random.Random,
    row: CheckDraw,
    purpose: str,
    target: str,
    at: dt.datetime,
) -> None:
    roll = rng.random()
    if roll < 0.72:
        status, finding = "done", ""
    else:
        status = "found"
        pool = FINDINGS if row.kind == "station" else ORDER_FINDINGS
        finding = rng.choice(pool)
    outcomes.record_outcome(
        session,
        who,
        code=row.code,
        purpose=purpose,
        target=target,
        status=status,
        finding=finding,
        now=at,
    )


def _station_draws(session: Session, ctx: DemoContext, who: Principal, rng: random.Random) -> None:
    now = ctx.now.astimezone(LOCAL)
    for month in range(1, now.month):  # this month's draw is left to the inspector
        period = f"{now.year}-{month:02d}"
        y, m = _month_before(now.year, month)
        row = service.commit_draw(
            session, who, kind="station", unit="XH00", period=period, now=_at(y, m, 24)
        )
        drawn_at = _at(now.year, month, 2, 9)
        service.run_draw(session, who, code=row.code, now=drawn_at)
        for target, _ in (row.pairs or {}).get("target", []):
            at = drawn_at + dt.timedelta(days=rng.randint(3, 12), hours=rng.randint(0, 6))
            _outcome(session, who, rng, row, "target", str(target), min(at, ctx.now))


def _order_draw(session: Session, ctx: DemoContext, who: Principal, rng: random.Random) -> None:
    now = ctx.now.astimezone(LOCAL)
    y, m = _month_before(now.year, now.month)
    if y != now.year:
        return
    committed = _at(*_month_before(y, m), 24)
    row = service.commit_draw(
        session,
        who,
        kind="order",
        unit="XH00",
        period=f"{y}-{m:02d}",
        quota="1/20",
        now=committed,
    )
    drawn_at = min(_at(now.year, now.month, 2, 9), ctx.now)
    service.run_draw(session, who, code=row.code, now=drawn_at)
    for k, (target, _) in enumerate((row.pairs or {}).get("target", [])):
        if k % 4 != 3:  # a quarter still being reviewed
            _outcome(session, who, rng, row, "target", str(target), ctx.now)


def _orange(session: Session, ctx: DemoContext, who: Principal, rng: random.Random) -> None:
    for wo in session.scalars(select(Draw).order_by(Draw.month, Draw.id)):
        row = orange.log_orange(session, who, wo, now=wo.committed_at)
        if row is None or wo.revealed_at is None:
            continue
        orange.pair_orange(session, who, row, wo, now=wo.revealed_at)
        for purpose, pairs in (row.pairs or {}).items():
            for target, _ in pairs:
                if rng.random() < 0.8:
                    _outcome(session, who, rng, row, purpose, str(target), ctx.now)


def _follow_up(session: Session, ctx: DemoContext, who: Principal) -> None:
    """One orange re-inspection that found the problem unsolved: the order is reopened."""
    row = session.scalar(
        select(CheckDraw).where(CheckDraw.kind == "orange", CheckDraw.drawn_at.is_not(None))
    )
    if row is None:
        return
    for target, _ in (row.pairs or {}).get("reinspection", []):
        state = session.scalar(select(WorkOrder.state).where(WorkOrder.code == target))
        if state in ("resolved", "closed"):
            outcomes.record_outcome(
                session,
                who,
                code=row.code,
                purpose="reinspection",
                target=str(target),
                status="follow_up",
                finding="复查发现问题反弹，群众仍有投诉",
                now=ctx.now,
            )
            return


def seed(session: Session, ctx: DemoContext) -> None:
    """Draws, outcomes and the third-party evaluation for this year; the log signed."""
    who = _inspector(session, ctx)
    if who is None:
        return
    rng = random.Random(f"{ctx.rng.random()}-checks")
    _station_draws(session, ctx, who, rng)
    _order_draw(session, ctx, who, rng)
    _orange(session, ctx, who, rng)
    _follow_up(session, ctx, who)
    demo_third.seed(session, ctx, rng)
    sequencer.integrate(session, now=ctx.now)
    sequencer.sign_head(session, load_log_keys(ctx.runtime.settings), now=ctx.now)
    for row in session.scalars(select(CheckDraw)):
        ledger.refresh_indexes(session, row)
    session.flush()
