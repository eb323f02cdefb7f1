"""Demo seed: a realistic district of 1 guidance centre, 3 street stations, 12 community stations.

Boundaries come from a jittered lattice, so neighbouring communities share their edges;
staffing and zoning are mostly to standard, with a few stations short so that the checks
have something true to report.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.demodata import DemoContext
from jingwu.org import codes, service
from jingwu.org.schemas import StaffIn, UnitIn
from jingwu.org.standard import standard_zone_areas

ORDER = 10

LON0, LAT0 = 120.105, 30.262  # south-west corner of the demo district
CELL_LON, CELL_LAT = 0.0145, 0.0105  # about 1.4 km × 1.2 km per community
DIVISION = "330106"
CITY = "HZ00"  # the city above the demo district

STREETS = (
    ("BS", "北山街道", "Beishan Street", ("保俶社区", "曙光社区", "黄龙社区", "宝石社区"),
     ("Baochu", "Shuguang", "Huanglong", "Baoshi")),
    ("XX", "西溪街道", "Xixi Street", ("古荡社区", "文新社区", "嘉绿社区", "花园社区"),
     ("Gudang", "Wenxin", "Jialv", "Huayuan")),
    ("CY", "翠苑街道", "Cuiyuan Street", ("翠苑一区社区", "翠苑二区社区", "学院路社区", "星洲社区"),
     ("Cuiyuan I", "Cuiyuan II", "Xueyuan Road", "Xingzhou")),
)  # fmt: skip
ROADS = ("文三路", "教工路", "学院路", "古墩路", "天目山路", "保俶路", "曙光路", "黄姑山路")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕晓东晓明红梅玉兰春梅宇浩子涵欣怡梓轩诗涵雨桐浩然一鸣思远嘉怡俊杰文博"  # noqa: E501


def _lattice(
    rng: random.Random, cols: int, rows: int
) -> dict[tuple[int, int], tuple[float, float]]:
    pts = {}
    for i in range(cols + 1):
        for j in range(rows + 1):
            inner = 0 < i < cols and 0 < j < rows
            jx = rng.uniform(-0.22, 0.22) * CELL_LON if inner else 0.0
            jy = rng.uniform(-0.22, 0.22) * CELL_LAT if inner else 0.0
            pts[(i, j)] = (LON0 + i * CELL_LON + jx, LAT0 + j * CELL_LAT + jy)
    return pts


def _edge_mid(rng_seed: int, a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    # Deterministic per edge so both neighbours get the same bend.
    r = random.Random(f"{a[0]:.7f},{a[1]:.7f},{b[0]:.7f},{b[1]:.7f},{rng_seed}")
    t = r.uniform(0.35, 0.65)
    nx, ny = -(b[1] - a[1]), b[0] - a[0]
    k = r.uniform(-0.12, 0.12)
    return (a[0] + t * (b[0] - a[0]) + k * nx, a[1] + t * (b[1] - a[1]) + k * ny)


def _ring(points: list[tuple[float, float]], seed: int, outer: set[int]) -> list[list[float]]:
    ring: list[list[float]] = []
    for k, a in enumerate(points):
        b = points[(k + 1) % len(points)]
        ring.append([round(a[0], 6), round(a[1], 6)])
        if k not in outer:
            key = (a, b) if a <= b else (b, a)
            m = _edge_mid(seed, key[0], key[1])
            ring.append([round(m[0], 6), round(m[1], 6)])
    ring.append(ring[0])
    return ring


def _cell(
    pts: dict[tuple[int, int], tuple[float, float]], i: int, j: int, cols: int, rows: int
) -> dict[str, Any]:
    corners = [pts[(i, j)], pts[(i + 1, j)], pts[(i + 1, j + 1)], pts[(i, j + 1)]]
    outer = {k for k, on in enumerate((j == 0, i + 1 == cols, j + 1 == rows, i == 0)) if on}
    return {"type": "Polygon", "coordinates": [_ring(corners, 7, outer)]}


def _column(pts: dict[tuple[int, int], tuple[float, float]], i: int, rows: int) -> dict[str, Any]:
    left = [pts[(i, j)] for j in range(rows, -1, -1)]
    right = [pts[(i + 1, j)] for j in range(rows + 1)]
    ring = [[round(x, 6), round(y, 6)] for x, y in right + left]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def _org_code(rng: random.Random) -> str:
    body = "11" + "330106" + "".join(rng.choice("0123456789") for _ in range(8)) + "MB"
    return codes.make_org_code(body[:17])


def seed(session: Session, ctx: DemoContext) -> None:
    rng = ctx.rng
    pts = _lattice(rng, 3, 4)
    city = service.create_unit(
        session,
        SYSTEM,
        now=ctx.now,
        data=UnitIn(
            kind="city",
            name="杭州市公安局社区警务办公室",
            name_en="Hangzhou Municipal Community Policing Office",
            short_code=CITY,
            division_code="330100",
            org_code=_org_code(rng),
            address="杭州市上城区解放东路 100 号",
            phone="0571-87000000",
        ),
    )
    ctx.data["city_id"] = city.id
    district = service.create_unit(
        session,
        SYSTEM,
        now=ctx.now,
        data=UnitIn(
            kind="district",
            parent_code=CITY,
            name="西湖区社区警务指导中心",
            name_en="Xihu District Guidance Centre",
            short_code="XH00",
            division_code=DIVISION,
            org_code=_org_code(rng),
            address="杭州市西湖区文三路 100 号",
            phone="0571-87000110",
            lon=LON0 + 1.5 * CELL_LON,
            lat=LAT0 + 2 * CELL_LAT,
            boundary=_district(pts),
            residents=186_000,
        ),
    )
    _staff_centre(session, ctx, district.id, "director", 1, 3)
    stations: list[int] = []
    for i, (code, zh, en, communities, communities_en) in enumerate(STREETS):
        street = service.create_unit(
            session,
            SYSTEM,
            now=ctx.now,
            data=UnitIn(
                kind="street",
                parent_code="XH00",
                name=f"{zh}警务服务站",
                name_en=f"{en} Service Station",
                short_code=f"{code}00",
                division_code=f"{DIVISION}{i + 1:03d}",
                org_code=_org_code(rng),
                address=f"杭州市西湖区{ROADS[i]} {rng.randint(10, 300)} 号",
                lon=LON0 + (i + 0.5) * CELL_LON,
                lat=LAT0 + 2.1 * CELL_LAT,
                boundary=_column(pts, i, 4),
            ),
        )
        _staff_centre(session, ctx, street.id, "head", 1, 5)
        for j in range(4):
            cell = _cell(pts, i, j, 3, 4)
            ring = cell["coordinates"][0][:-1]
            lon = sum(p[0] for p in ring) / len(ring)
            lat = sum(p[1] for p in ring) / len(ring)
            vertical = (i + j) % 5 == 0
            area = rng.choice((120.0, 160.0, 200.0)) if vertical else float(rng.randint(50, 80))
            unit = service.create_unit(
                session,
                SYSTEM,
                now=ctx.now,
                data=UnitIn(
                    kind="community",
                    parent_code=f"{code}00",
                    name=f"{communities[j]}警务室",
                    name_en=f"{communities_en[j]} Community Police Station",
                    short_code=f"{code}{j + 1:02d}",
                    division_code=f"{DIVISION}{i + 1:03d}{j + 1:03d}",
                    org_code=_org_code(rng),
                    address=f"杭州市西湖区{rng.choice(ROADS)} {rng.randint(1, 400)} 号",
                    phone=f"0571-8{rng.randint(1000000, 9999999)}",
                    lon=round(lon, 6),
                    lat=round(lat, 6),
                    boundary=cell,
                    floor_area_m2=area,
                    design="vertical" if vertical else "traditional",
                    residents=rng.randint(6_000, 18_000),
                ),
            )
            _zones(session, ctx, unit.id, area, off=(i, j) == (2, 3))
            stations.append(unit.id)
    ctx.data["district_id"] = district.id
    ctx.data["station_ids"] = stations
    shortfalls = {
        stations[5]: "no_backup",
        stations[7]: "short_standard",
        stations[10]: "short_minimum",
    }
    for k, unit_id in enumerate(stations):
        _staff_station(session, ctx, unit_id, shortfalls.get(unit_id), k)


def _district(pts: dict[tuple[int, int], tuple[float, float]]) -> dict[str, Any]:
    ring = [
        [LON0, LAT0],
        [LON0 + 3 * CELL_LON, LAT0],
        [LON0 + 3 * CELL_LON, LAT0 + 4 * CELL_LAT],
        [LON0, LAT0 + 4 * CELL_LAT],
        [LON0, LAT0],
    ]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


EQUIPMENT = {
    "reception": (("自助服务终端", 1), ("叫号机", 1), ("便民服务箱", 1)),
    "security_control": (("视频监控大屏", 1), ("一键报警装置", 1), ("防暴器械柜", 1)),
    "professional_services": (("调解室桌椅", 1), ("同步录音录像设备", 1)),
    "technical_support": (("服务器机柜", 1), ("不间断电源", 1), ("无人机", 1)),
    "circulation": (("消防器材", 2),),
}


def _zones(session: Session, ctx: DemoContext, unit_id: int, area: float, *, off: bool) -> None:
    areas = standard_zone_areas(area)
    zones = []
    for kind, value in areas.items():
        wobble = ctx.rng.uniform(-0.02, 0.02) * area
        zones.append((kind, round(max(value + wobble, 1.0), 1)))
    if off:  # one station whose reception is far too small: the zoning check must say so
        zones = [(k, round(a * (0.4 if k == "reception" else 1.0), 1)) for k, a in zones]
    total = sum(a for _, a in zones)
    if total > area:
        zones = [(k, round(a * area / total, 1) - 0.1) for k, a in zones]
    service.set_zones(session, SYSTEM, unit_id=unit_id, floor_area_m2=area, zones=zones)
    for kind, items in EQUIPMENT.items():
        for name, qty in items:
            service.add_equipment(
                session, SYSTEM, unit_id=unit_id, zone_kind=kind, name=name, qty=qty
            )


def _police(session: Session, ctx: DemoContext, unit_id: int, specialty: str = "") -> int:
    number = str(ctx.rng.randint(100000, 999999))
    while number in ctx.data.setdefault("police_numbers", set()):
        number = str(ctx.rng.randint(100000, 999999))
    ctx.data["police_numbers"].add(number)
    staff = service.add_staff(
        session,
        SYSTEM,
        unit_id=unit_id,
        data=StaffIn(
            name=_name(ctx.rng),
            category="police",
            police_number=number,
            specialty=specialty,
            phone=f"13{ctx.rng.randint(100000000, 999999999)}",
        ),
    )
    return staff.id


def _aux(session: Session, ctx: DemoContext, unit_id: int) -> int:
    return service.add_staff(
        session,
        SYSTEM,
        unit_id=unit_id,
        data=StaffIn(
            name=_name(ctx.rng),
            category="auxiliary",
            phone=f"15{ctx.rng.randint(100000000, 999999999)}",
        ),
    ).id


def _staff_centre(
    session: Session, ctx: DemoContext, unit_id: int, lead: str, leads: int, staff: int
) -> None:
    people = [_police(session, ctx, unit_id) for _ in range(leads + staff)]
    service.set_post(
        session, SYSTEM, unit_id=unit_id, kind=lead, holder_id=people[0], backup_id=people[1]
    )
    kind = "expert" if lead == "director" else "full_time"
    for k, person in enumerate(people[1:]):
        service.set_post(
            session,
            SYSTEM,
            unit_id=unit_id,
            kind=kind,
            holder_id=person,
            backup_id=people[1 + (k + 1) % staff],
            is_key=False,
        )


def _staff_station(
    session: Session, ctx: DemoContext, unit_id: int, shortfall: str | None, k: int
) -> None:
    chief = _police(session, ctx, unit_id)
    officer = _police(session, ctx, unit_id)
    n_aux = {"short_standard": 2, "short_minimum": 1}.get(shortfall or "", 3 + (k % 3 == 0))
    auxes = [_aux(session, ctx, unit_id) for _ in range(n_aux)]
    has_chief = shortfall != "short_minimum"
    service.set_post(
        session,
        SYSTEM,
        unit_id=unit_id,
        kind="chief",
        holder_id=chief if has_chief else None,
        backup_id=officer,
        is_key=True,
    )
    service.set_post(
        session,
        SYSTEM,
        unit_id=unit_id,
        kind="community_officer",
        holder_id=officer,
        backup_id=None if shortfall == "no_backup" else chief,
        is_key=True,
    )
    for n, aux in enumerate(auxes):
        service.set_post(
            session,
            SYSTEM,
            unit_id=unit_id,
            kind="auxiliary",
            holder_id=aux,
            backup_id=auxes[(n + 1) % len(auxes)] if len(auxes) > 1 else None,
            is_key=False,
        )
    for specialty, field in (("法律顾问", "lawyer"), ("心理咨询师", "psychologist"))[: 1 + k % 2]:
        expert = service.add_staff(
            session,
            SYSTEM,
            unit_id=unit_id,
            data=StaffIn(
                name=_name(ctx.rng), category="expert", specialty=specialty, expert_field=field
            ),
        )
        service.set_post(
            session,
            SYSTEM,
            unit_id=unit_id,
            kind="expert",
            holder_id=expert.id,
            backup_id=None,
            is_key=False,
            title=specialty,
        )
    ctx.data.setdefault("station_staff", {})[unit_id] = {
        "chief": chief,
        "officer": officer,
        "auxiliaries": auxes,
    }
