"""Demo seed: the district's 2024–2026 plan, each station's progress as of the demo's day,
and a second, smaller district of the same city so that the city compares districts.

The plan goes through the same import as a user's file; statuses move through the same
service (dated on the days they happened), so the audit log and the move history read as
a real rollout would. Two stations get a rectification from the standard's scorecard,
so the dashboard has stations blocked by unmet requirements.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.demodata import DemoContext
from jingwu.evaluation.improvement import service as improvement
from jingwu.org import codes
from jingwu.org import service as org
from jingwu.org.models import Unit
from jingwu.org.schemas import StaffIn, UnitIn
from jingwu.rollout import service
from jingwu.rollout.plan import STATUSES

ORDER = 95  # after the evaluation seed: its rectifications are there already

CITY = "HZ00"
DECIDED = dt.date(2024, 1, 15)  # the day the district adopted its plan
# phase, street, target, stations named
PLAN = (
    ("2024", "BS00", 1, "BS01"),
    ("2024", "XX00", 1, "XX01"),
    ("2025", "BS00", 1, "BS02"),
    ("2025", "XX00", 1, "XX02"),
    ("2025", "CY00", 2, "CY01|CY02"),
    ("2026", "BS00", 2, "BS03|BS04"),
    ("2026", "XX00", 2, "XX03|XX04"),
    ("2026", "CY00", 2, "CY03|CY04"),
    ("2025", "MS00", 1, "MS01"),
    ("2026", "MS00", 2, "MS02|MS03"),
)
# Where each station stands: the days it reached each status after "planned", in order.
PROGRESS: dict[str, tuple[str, ...]] = {
    "BS01": ("2024-03-10", "2024-08-20", "2024-10-15", "2024-11-20"),
    "XX01": ("2024-04-01", "2024-10-30", "2024-12-20", "2025-01-15"),  # a month late
    "BS02": ("2025-02-15", "2025-07-01", "2025-09-05", "2025-10-10"),
    "XX02": ("2025-03-01", "2025-08-18", "2025-10-28", "2025-12-01"),
    "CY01": ("2025-03-20", "2025-08-30", "2025-10-09", "2025-11-18"),
    "CY02": ("2025-05-06", "2026-02-10", "2026-05-12"),  # verified, not yet designated
    "CY03": ("2026-02-01", "2026-06-30", "2026-09-20", "2026-10-30"),
    "XX03": ("2026-03-01", "2026-08-15", "2026-11-12"),
    "BS03": ("2026-04-10", "2026-11-02"),
    "BS04": ("2026-05-15",),
    "XX04": ("2026-06-01",),
    "MS01": ("2025-04-01", "2025-09-10", "2025-11-05", "2025-12-12"),
    "MS02": ("2026-03-15", "2026-10-20"),
}
# Failed requirements of the construction standard, opened as rectifications.
BLOCKERS = (
    ("BS03", "接待区面积占比 24 %，未达到 30 % 的标准", "standard-1.0/ORG-4"),
    ("XX04", "关键岗位 A/B 岗覆盖率 75 %，未达到 100 %", "standard-1.0/ORG-3"),
    ("BS04", "感知设备密度 14 台/km²，未达到 20 台/km²", "standard-1.0/IOT-1"),
)
# The second district: (code, name, English name, lon, lat)
SECOND = ("GS00", "拱墅区社区警务指导中心", "Gongshu District Guidance Centre")
SECOND_STREET = ("MS00", "米市巷街道警务服务站", "Mishixiang Street Service Station")
SECOND_STATIONS = (
    ("MS01", "左家新村社区警务室", "Zuojia Xincun Community Police Station"),
    ("MS02", "卖鱼桥社区警务室", "Maiyuqiao Community Police Station"),
    ("MS03", "珠儿潭社区警务室", "Zhu'ertan Community Police Station"),
)
LON0, LAT0, CELL = 120.162, 30.27, 0.012


def _square(i: int) -> dict[str, object]:
    x, y = LON0 + i * CELL, LAT0
    ring = [[x, y], [x + CELL, y], [x + CELL, y + CELL], [x, y + CELL], [x, y]]
    return {"type": "Polygon", "coordinates": [[[round(a, 6), round(b, 6)] for a, b in ring]]}


def _unit(
    session: Session,
    ctx: DemoContext,
    kind: str,
    parent: str,
    n: int,
    names: tuple[str, str, str],
    division: str,
    **extra: object,
) -> Unit:
    body = "11" + division[:6] + f"{n:08d}" + "MB"
    return org.create_unit(
        session,
        SYSTEM,
        now=ctx.now,
        data=UnitIn(
            kind=kind,
            parent_code=parent,
            name=names[1],
            name_en=names[2],
            short_code=names[0],
            division_code=division,
            org_code=codes.make_org_code(body[:17]),
            **extra,
        ),
    )


def _second_district(session: Session, ctx: DemoContext) -> None:
    _unit(session, ctx, "district", CITY, 1, SECOND, "330105", address="杭州市拱墅区湖墅南路 1 号")
    _unit(session, ctx, "street", "GS00", 2, SECOND_STREET, "330105001")
    people = NAMES.split()
    for i, names in enumerate(SECOND_STATIONS):
        station = _unit(
            session,
            ctx,
            "community",
            "MS00",
            3 + i,
            names,
            f"330105001{i + 1:03d}",
            boundary=_square(i),
            lon=round(LON0 + (i + 0.5) * CELL, 6),
            lat=round(LAT0 + CELL / 2, 6),
            floor_area_m2=60.0,
            residents=9_000 + 1_500 * i,
        )
        _staff(session, ctx, station.id, people[5 * i : 5 * i + 5])


NAMES = "周建华 吴海燕 郑晓东 孙丽 钱伟 冯静 陈刚 褚红梅 卫国强 蒋欣怡 沈磊 韩雨桐 杨涛 朱敏 秦浩然"


def _staff(session: Session, ctx: DemoContext, unit_id: int, names: list[str]) -> None:
    """A chief and a community officer (police) and three auxiliaries, on their posts."""
    taken = ctx.data.setdefault("police_numbers", set())
    ids = []
    for k, name in enumerate(names):
        number = None
        if k < 2:
            number = str(ctx.rng.randint(100000, 999999))
            while number in taken:
                number = str(ctx.rng.randint(100000, 999999))
            taken.add(number)
        data = StaffIn(name=name, category="police" if k < 2 else "auxiliary", police_number=number)
        ids.append(org.add_staff(session, SYSTEM, unit_id=unit_id, data=data).id)
    chief, officer, *auxes = ids
    posts = [("chief", chief, officer, True), ("community_officer", officer, chief, True)]
    posts += [("auxiliary", a, auxes[(n + 1) % len(auxes)], False) for n, a in enumerate(auxes)]
    for kind, holder, backup, key in posts:
        org.set_post(
            session,
            SYSTEM,
            unit_id=unit_id,
            kind=kind,
            holder_id=holder,
            backup_id=backup,
            is_key=key,
        )


def _improvement_lists(session: Session, ctx: DemoContext) -> None:
    """The second district's quarterly improvement lists, as every demo unit has them."""
    today = service.today(ctx.now)
    codes = [SECOND[0], SECOND_STREET[0], *(s[0] for s in SECOND_STATIONS)]
    for quarter in range(1, (today.month - 1) // 3 + 2):
        for code in codes:
            improvement.open_list(
                session, SYSTEM, unit=code, quarter=f"{today.year}-Q{quarter}", now=ctx.now
            )


def plan_csv() -> bytes:
    """The demo plan as the CSV file a director would import."""
    lines = ["phase,street,target,stations"]
    lines += [f"{p},{s},{t},{n}" for p, s, t, n in PLAN]
    return ("\n".join(lines) + "\n").encode()


def seed(session: Session, ctx: DemoContext) -> None:
    _second_district(session, ctx)
    _improvement_lists(session, ctx)
    service.import_plan(
        session,
        SYSTEM,
        filename="hangzhou-rollout-2024-2026.csv",
        content=plan_csv(),
        now=ctx.now,
        decided_on=DECIDED,
    )
    for station, days in PROGRESS.items():
        for status, day in zip(STATUSES[1:], days, strict=False):
            service.move(
                session,
                SYSTEM,
                station=station,
                status=status,
                on=dt.date.fromisoformat(day),
                now=ctx.now,
            )
    today = service.today(ctx.now)
    for k, (station, title, ref) in enumerate(BLOCKERS):
        improvement.open_rectification(
            session,
            SYSTEM,
            unit=station,
            title=title,
            due=today + dt.timedelta(days=10 + 7 * k),
            source_ref=ref,
            now=ctx.now,
        )
