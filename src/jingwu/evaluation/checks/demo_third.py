"""Demo seed of the third-party evaluation: two half-years of mystery visits (200+ each), an
expert panel across the 8 fields with its reviews, and the year's resident survey imported.

Each station has a service quality of its own, so the visits, reviews and survey agree
roughly on which stations do well, as real evaluations of the same stations would.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.accounts.service import load_principal
from jingwu.demodata import DemoContext
from jingwu.evaluation.checks import experts, mystery, sheet, surveys
from jingwu.evaluation.checks.periods import LOCAL, half_days, quarter_of
from jingwu.org.models import Unit

EXPERTS = (
    ("陈立新", "expert.law", "高校法学院"),
    ("周敏", "expert.psychology", "高校心理学系"),
    ("吴建平", "expert.urban_planning", "城乡规划设计研究院"),
    ("郑海", "expert.criminology", "警察学院"),
    ("王慧", "expert.sociology", "高校社会工作系"),
    ("李强", "expert.emergency_management", "消防救援支队"),
    ("孙悦", "expert.information_technology", "网络安全协会"),
    ("赵宁", "expert.statistics", "高校统计学院"),
    ("钱卫东", "expert.law", "律师事务所"),
    ("冯洁", "expert.criminology", "公安大学"),
)
REVIEW_TEXT = {
    "expert.law": "调解文书基本规范，个别协议条款表述不够明确，建议统一使用示范文本。",
    "expert.psychology": "接待用语亲切，对情绪激动群众的疏导方法可进一步培训。",
    "expert.urban_planning": "警务室选址便于群众到达，夜间照明与无障碍通道需改进。",
    "expert.criminology": "辖区盗窃警情下降明显，防范宣传与巡逻安排结合较好。",
    "expert.sociology": "志愿者队伍稳定，社区参与渠道多样，老年群体覆盖仍有不足。",
    "expert.emergency_management": "消防隐患整改闭环较好，应急预案演练记录需补充。",
    "expert.information_technology": "感知设备在线率高，数据访问日志完整，账号管理需加强。",
    "expert.statistics": "台账数据口径基本一致，建议按月核对工单与回访记录。",
}
VISITORS = tuple(f"MV{k:02d}" for k in range(1, 13))


def _quality(stations: list[Unit], rng: random.Random) -> dict[int, float]:
    return {s.id: rng.uniform(0.78, 0.96) for s in stations}


def _sheet(rng: random.Random, quality: float) -> dict[str, object]:
    return {
        item.id: max(0, min(item.points, round(item.points * rng.gauss(quality, 0.12))))
        for item in sheet.SHEET
    }


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.datetime:
    day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
    hour, minute = rng.randint(9, 16), rng.randint(0, 59)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL).astimezone(dt.UTC)


def _visits(
    session: Session,
    ctx: DemoContext,
    who: Principal,
    rng: random.Random,
    quality: dict[int, float],
) -> None:
    today = ctx.now.astimezone(LOCAL).date()
    stations = {
        s.short_code: s for s in session.scalars(select(Unit).where(Unit.kind == "community"))
    }
    for half in (f"{today.year}-H1", f"{today.year}-H2"):
        first, last = half_days(half)
        if first > today - dt.timedelta(days=1):
            continue
        plan = mystery.create_plan(
            session,
            who,
            unit="XH00",
            half=half,
            total=200,
            seed=rng.randint(1, 10**6),
            now=dt.datetime.combine(first, dt.time(9), LOCAL).astimezone(dt.UTC),
        )
        last = min(last, today - dt.timedelta(days=1))
        if last < first:
            continue
        for code, planned in sorted(plan.allocation.items()):
            for _ in range(int(planned) + rng.randint(0, 1)):
                station = stations[code]
                mystery.record_visit(
                    session,
                    who,
                    station=code,
                    visited_at=_day(rng, first, last),
                    visitor=rng.choice(VISITORS),
                    scenario=rng.choice(("walk_in", "phone")),
                    scores=_sheet(rng, quality[station.id]),
                    now=ctx.now,
                )


def _panel(
    session: Session,
    ctx: DemoContext,
    who: Principal,
    rng: random.Random,
    quality: dict[int, float],
) -> None:
    director = load_principal(session, ctx.data["users"]["director"]) or who
    today = ctx.now.astimezone(LOCAL).date()
    stations = list(session.scalars(select(Unit).where(Unit.kind == "community")))
    start = dt.date(today.year, 1, 15)
    for name, field, affiliation in EXPERTS:
        expert = experts.add_expert(
            session,
            director,
            unit="XH00",
            name=name,
            field=field,
            affiliation=affiliation,
            now=dt.datetime.combine(start, dt.time(9), LOCAL).astimezone(dt.UTC),
        )
        for station in rng.sample(stations, 3):
            day = start + dt.timedelta(days=rng.randint(10, max(11, (today - start).days - 1)))
            experts.add_review(
                session,
                who,
                expert=expert.code,
                unit=station.short_code,
                reviewed_on=day,
                score=round(min(98.0, max(55.0, rng.gauss(quality[station.id] * 100, 6))), 1),
                text=REVIEW_TEXT[field],
                now=ctx.now,
            )


def _survey(
    session: Session, ctx: DemoContext, rng: random.Random, quality: dict[int, float]
) -> None:
    director = load_principal(session, ctx.data["users"]["director"])
    if director is None:
        return
    today = ctx.now.astimezone(LOCAL).date()
    lines = ["unit,period,indicator,respondents,score,share"]
    quarters = sorted({quarter_of(dt.date(today.year, m, 1)) for m in range(1, today.month + 1)})
    for station in session.scalars(
        select(Unit).where(Unit.kind == "community").order_by(Unit.short_code)
    ):
        q = quality[station.id]
        for quarter in quarters:
            n = rng.randint(80, 160)
            lines.append(
                f"{station.short_code},{quarter},kpi.satisfaction.innovation,{n},,"
                f"{min(99.0, rng.gauss(q * 90, 4)):.1f}"
            )
            lines.append(
                f"{station.short_code},{quarter},kpi.satisfaction.environment,{n},"
                f"{min(99.0, rng.gauss(q * 100, 3)):.1f},"
            )
        lines.append(
            f"{station.short_code},{today.year},safety.order.safety_feeling,"
            f"{rng.randint(300, 500)},,{min(99.5, rng.gauss(88 + q * 8, 1.5)):.1f}"
        )
    surveys.import_survey(
        session,
        director,
        filename=f"{today.year}年居民满意度与安全感调查.csv",
        content=("\n".join(lines) + "\n").encode(),
        now=ctx.now,
    )


def seed(session: Session, ctx: DemoContext, rng: random.Random) -> None:
    """Mystery visits, the expert panel and the survey import for this year."""
    who = load_principal(session, ctx.data["users"]["inspector"])
    if who is None:
        return
    stations = list(session.scalars(select(Unit).where(Unit.kind == "community")))
    quality = _quality(stations, rng)
    _visits(session, ctx, who, rng, quality)
    _panel(session, ctx, who, rng, quality)
    _survey(session, ctx, rng, quality)
