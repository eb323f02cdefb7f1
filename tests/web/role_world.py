"""A world for the role matrix: one user per demo role, and identifiable records planted
in the roles' own station (SA01), another station of the same street (SA02), a station
of another street (SB01), and a station of another city (SC01, which no role may see).

Every planted record carries a marker (a string found nowhere else: ``ZQX-SA02-…``, an
order code, a commitment); :class:`Marker` says which roles may see it.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.roles import allowed
from jingwu.accounts.scope import SYSTEM, Principal
from jingwu.analytics.service_incidents import NewIncidents, add_incidents, locator
from jingwu.audit import service as audit
from jingwu.blobs.store import BlobStore
from jingwu.consult import service as consult
from jingwu.evaluation.checks import service as spot_checks
from jingwu.evaluation.improvement import service as pdca
from jingwu.evaluation.improvement.models import Case
from jingwu.evaluation.indices import values as index_values
from jingwu.evidence import service as evidence
from jingwu.iot.classes import DeviceClass
from jingwu.iot.models import Alert
from jingwu.notifications import service as notifications
from jingwu.org import service as org
from jingwu.org.models import Unit
from jingwu.reference.service import seed_defaults
from jingwu.rollout import service as rollout
from jingwu.workorders import service as workorders
from jingwu.workorders import service_cases, service_draws, service_files
from jingwu.workorders.models import OverdueRecord
from jingwu.workorders.schemas import ActionIn, AgreementIn, IntakeIn, MediationIn, PartyIn
from tests.factories.org import add_police, make_tree, make_unit, square
from tests.integration.iot.iot_factory import add_devices
from tests.integration.workorders.wo_factory import fast_user

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
MONTH = "2026-11"

# The demo accounts' roles and units (``jingwu.accounts.demo``): the city (HZ00 there, C000
# here), the district (XH00 there, D000 here), the street above the station, the station.
ROLES = {
    "city": "C000",
    "admin": "D000",
    "director": "D000",
    "inspector": "D000",
    "partner": "D000",
    "street": "SA00",
    "chief": "SA01",
    "officer": "SA01",
    "auxiliary": "SA01",
    "expert": "SA01",
}
PLACES = ("SA01", "SA02", "SB01")
# The stations each role's org scope covers.
_BELOW = {"C000": set(PLACES), "D000": set(PLACES), "SA00": {"SA01", "SA02"}, "SA01": {"SA01"}}
OTHER_CITY = "SC01"  # a station of another city: planted like the others, seen by no role
SCOPE = {role: _BELOW[unit] for role, unit in ROLES.items()}
STREETS = ("SA00", "SB00")
# The street-level records each role's org scope covers (a station sees none).
_STREETS_BELOW = {
    "C000": set(STREETS),
    "D000": set(STREETS),
    "SA00": {"SA00"},
    "SA01": set(),
}
STREET_SCOPE = {role: _STREETS_BELOW[unit] for role, unit in ROLES.items()}
CENTRES = {"SA01": (120.105, 30.205), "SA02": (120.115, 30.205), "SB01": (120.125, 30.205)}


@dataclass(frozen=True)
class Marker:
    """A string that identifies one planted record, and the roles that may see it."""

    text: str
    kind: str
    visible_to: frozenset[str]
    place: str | None = None


@dataclass
class Place:
    """The records planted at one station."""

    unit: Unit
    order: str = ""  # an ordinary order
    dispute: str = ""  # an order with a mediation (agreed)
    attachment_id: int = 0
    evidence_item: str = ""
    device_id: int = 0
    pdca_item: int = 0  # a rectification on the station's improvement list
    pdca_evidence: int = 0
    case: str = ""  # a case in the case library
    staff_id: int = 0
    consultation: str = ""  # a closed online consultation (its streams end)


@dataclass
class RoleWorld:
    """Users by role, the planted places and every marker."""

    users: dict[str, Principal]
    places: dict[str, Place]
    partner_orders: dict[str, str]  # "own" (filed by the partner) and "other" (another partner)
    markers: list[Marker] = field(default_factory=list)
    spot_checks: dict[str, str] = field(default_factory=dict)  # street code → draw code
    indicator_values: dict[str, int] = field(default_factory=dict)  # place → value id

    def add(self, text: str, kind: str, visible_to: set[str], place: str | None = None) -> str:
        self.markers.append(Marker(text, kind, frozenset(visible_to), place))
        return text

    def at(self, place: str, kind: str, text: str) -> str:
        """A marker of a record at ``place``: every role whose scope covers it, partners aside."""
        seen_by = {r for r in ROLES if place in SCOPE[r] and r != "partner"}
        return self.add(text, kind, seen_by, place)

    def hidden_from(self, role: str) -> list[Marker]:
        return [m for m in self.markers if role not in m.visible_to]

    def text(self, kind: str, place: str) -> str:
        """The one marker of ``kind`` planted at ``place``."""
        found = [m.text for m in self.markers if m.kind == kind and m.place == place]
        assert len(found) == 1, (kind, place, found)
        return found[0]


def _principal(session: Session, user_id: int) -> Principal:
    p = accounts.load_principal(session, user_id)
    assert p is not None
    return p


def build(session: Session, blobs: BlobStore) -> RoleWorld:
    """Plant the world (a few hundred rows)."""
    seed_defaults(session)
    units = make_tree(session, city="C000")
    units |= _other_city(session)
    users = {
        role: _principal(session, fast_user(session, units[code], role, f"m-{role}").user.id)
        for role, code in ROLES.items()
    }
    world = RoleWorld(users, {}, {})
    for place in (*PLACES, OTHER_CITY):
        world.places[place] = _plant(session, blobs, world, units[place])
    _rollout(session, world)
    _partner_orders(session, world, units)
    _incidents(session, world)
    _spot_checks(session, world)
    _improvement(session, blobs, world)
    _indicator_values(session, world)
    _consultations(session, world)
    note = "ZQX-MINE-NOTE"
    mine = users["officer"].user_id
    assert mine is not None
    notifications.notify(
        session, user_ids=[mine], kind="zqx", message="Note {x}", params={"x": note}, now=NOW
    )
    world.add(note, "notification", {"officer"})
    session.flush()
    return world


def _other_city(session: Session) -> dict[str, Unit]:
    """City C100 → district D100 → street SC00 → station SC01."""
    city = make_unit(session, "city", "C100")
    district = make_unit(session, "district", "D100", city, name="ZQX-D100-UNIT")
    street = make_unit(session, "street", "SC00", district, name="ZQX-SC00-UNIT")
    station = make_unit(
        session, "community", OTHER_CITY, street, boundary=square(121.0, 31.0), name="ZQX-SC01-UNIT"
    )
    return {"C100": city, "D100": district, "SC00": street, OTHER_CITY: station}


def _rollout(session: Session, world: RoleWorld) -> None:
    """The rollout plan of both cities; the other city's station is a marker (its name)."""
    text = "phase,street,target,stations\n2025,SA00,2,SA01|SA02\n2026,SB00,1,SB01\n"
    text += f"2026,SC00,1,{OTHER_CITY}\n"
    rollout.import_plan(session, SYSTEM, filename="p.csv", content=text.encode(), now=NOW)
    for code in ("D100", "SC00", OTHER_CITY):
        world.add(f"ZQX-{code}-UNIT", "unit", set())


def _plant(session: Session, blobs: BlobStore, world: RoleWorld, unit: Unit) -> Place:
    code = unit.short_code
    tu = fast_user(session, unit, "officer", f"zqx-{code.lower()}-officer")
    tu.user.display_name = world.at(code, "user", f"ZQX-{code}-OFFICER")
    who = _principal(session, tu.user.id)
    place = Place(unit)
    place.order = _order(session, world, who, code, "noise", f"ZQX-{code}-ORDER")
    place.dispute = _mediation(session, world, who, code)
    place.attachment_id = service_files.add_attachment(
        session,
        who,
        blobs,
        code=place.order,
        stream=io.BytesIO(world.at(code, "attachment", f"ZQX-{code}-FILEBODY").encode()),
        filename=world.at(code, "attachment", f"ZQX-{code}-ATTACH.txt"),
        media_type="text/plain",
        now=NOW,
    ).id
    place.evidence_item = evidence.record_item(
        session,
        who,
        blobs,
        order_code=place.order,
        category="scene_photo",
        filename=world.at(code, "evidence", f"ZQX-{code}-EVIDENCE.jpg"),
        media_type="image/jpeg",
        stream=io.BytesIO(f"photo of {code}".encode()),
        note=world.at(code, "evidence", f"ZQX-{code}-EVNOTE"),
        now=NOW,
    ).code
    place.device_id = _device(session, world, unit)
    _records(session, world, who, unit, place)
    return place


def _order(
    session: Session, world: RoleWorld, who: Principal, code: str, category: str, text: str
) -> str:
    data = IntakeIn(
        station=code,
        channel="walk_in",
        category=category,
        description=world.at(code, "order", text),
        address=world.at(code, "order", f"ZQX-{code}-{category.upper()}-ADDRESS"),
    )
    return world.at(code, "code", workorders.intake(session, who, data=data, now=NOW).code)


def _mediation(session: Session, world: RoleWorld, who: Principal, code: str) -> str:
    order = _order(session, world, who, code, "neighbour", f"ZQX-{code}-DISPUTE")
    workorders.act(session, who, code=order, action="triage", data=ActionIn(tier="orange"), now=NOW)
    parties = [
        PartyIn(side="applicant", name=world.at(code, "mediation", f"ZQX-{code}-APPLICANT")),
        PartyIn(side="respondent", name=world.at(code, "mediation", f"ZQX-{code}-RESPONDENT")),
    ]
    subject = world.at(code, "mediation", f"ZQX-{code}-MEDIATION")
    data = MediationIn(subject=subject, parties=parties)
    service_cases.open_mediation(session, who, code=order, data=data, now=NOW)
    terms = AgreementIn(outcome="agreed", text=world.at(code, "mediation", f"ZQX-{code}-TERMS"))
    service_cases.conclude(session, who, code=order, data=terms, now=NOW)
    return order


def _device(session: Session, world: RoleWorld, unit: Unit) -> int:
    code = unit.short_code
    ((device, _),) = add_devices(session, unit, 1, DeviceClass.ENVIRONMENT, prefix=f"{code}-ZQX")
    world.at(code, "device", device.code)
    label = world.at(code, "alert", f"ZQX-{code}-ALERT")
    session.add(
        Alert(
            unit_id=unit.id,
            device_id=device.id,
            rule_code="env.pm25",
            tier="orange",
            state="open",
            source="telemetry",
            raised_at=NOW,
            value=180.0,
            reason_zh=label,
            reason_en=label,
            label_zh=label,
            label_en=label,
        )
    )
    return device.id


def _records(session: Session, world: RoleWorld, who: Principal, unit: Unit, place: Place) -> None:
    """The draw, staff, an overdue record, an audit row and a notification of the station."""
    code = unit.short_code
    draw = service_draws.commit_draw(session, SYSTEM, station=code, month="2027-01", now=NOW)
    world.at(code, "draw", draw.commitment[:16])
    staff = add_police(
        session, unit, f"9{unit.id:05d}", name=world.at(code, "staff", f"ZQX{code}民警")
    )
    org.set_post(session, SYSTEM, unit_id=unit.id, kind="chief", holder_id=staff, backup_id=None)
    place.staff_id = staff
    order_id = workorders.get_order(session, who, code=place.order).id
    session.add(
        OverdueRecord(
            order_id=order_id,
            unit_id=unit.id,
            clock="response",
            tier="orange",
            responsible_id=who.user_id,
            responsible_name=world.at(code, "overdue", f"ZQX-{code}-RESPONSIBLE"),
            deadline_at=NOW - dt.timedelta(hours=1),
            detected_at=NOW,
            handling_note="",
        )
    )
    audit.record(
        session,
        principal=who,
        action="zqx.marker",
        object_type="zqx",
        object_id=world.at(code, "audit", f"ZQX-{code}-AUDIT"),
        unit_id=unit.id,
        now=NOW,
    )
    assert who.user_id is not None
    notifications.notify(
        session,
        user_ids=[who.user_id],
        kind="zqx",
        message="Note {x}",
        params={"x": world.add(f"ZQX-{code}-NOTE", "notification", set())},
        now=NOW,
    )


def _partner_orders(session: Session, world: RoleWorld, units: dict[str, Unit]) -> None:
    """The partner files an order at SA02; another partner files one there too."""
    other = _principal(session, fast_user(session, units["D000"], "partner", "m-partner2").user.id)
    sees = {r for r in ROLES if "SA02" in SCOPE[r] and r != "partner"}
    for key, who in (("own", world.users["partner"]), ("other", other)):
        mark = f"ZQX-PARTNER-{key.upper()}"
        data = IntakeIn(station="SA02", channel="partner", category="noise", description=mark)
        order = workorders.intake(session, who, data=data, now=NOW).code
        readers = sees | {"partner"} if key == "own" else sees
        world.add(mark, "partner order", readers)
        world.partner_orders[key] = world.add(order, "partner code", readers)


def _spot_checks(session: Session, world: RoleWorld) -> None:
    """A double-random station draw committed by each street (a street-level record)."""
    for street in STREETS:
        row = spot_checks.commit_draw(
            session, SYSTEM, kind="station", unit=street, period=MONTH, now=NOW
        )
        seen_by = {r for r in ROLES if street in STREET_SCOPE[r] and r != "partner"}
        world.add(row.commitment[:16], "spot check", seen_by, street)
        world.spot_checks[street] = row.code


def _improvement(session: Session, blobs: BlobStore, world: RoleWorld) -> None:
    """A rectification with an evidence file and a library case at each station."""
    for code, place in world.places.items():
        item = pdca.open_rectification(
            session,
            SYSTEM,
            unit=code,
            title=world.at(code, "pdca item", f"ZQX-{code}-PDCA"),
            due=dt.date(2026, 12, 20),
            now=NOW,
        )
        place.pdca_item = item.id
        place.pdca_evidence = pdca.attach(
            session,
            SYSTEM,
            blobs,
            item_id=item.id,
            stream=io.BytesIO(b"minutes"),
            filename=world.at(code, "pdca evidence", f"ZQX-{code}-PDCAFILE.txt"),
            media_type="text/plain",
            now=NOW,
        ).id
        case = Case(
            code=f"{code}-AL202611001",
            unit_id=place.unit.id,
            source_kind="order",
            source_code=f"{code}-20261101-9001",
            category="noise",
            title=world.at(code, "case", f"ZQX-{code}-CASE"),
            text="某某反映噪音，已协调",
            tags="|噪音扰民|",
            month="2026-11",
            seq=1,
            promoted_at=NOW,
        )
        session.add(case)
        place.case = case.code
    session.flush()


def _indicator_values(session: Session, world: RoleWorld) -> None:
    """An entered indicator value of each station."""
    for place in PLACES:
        row = index_values.enter(
            session,
            SYSTEM,
            indicator="kpi.social.participation",
            station=place,
            period="2026-Q4",
            value=20.0,
            now=NOW,
        )
        world.indicator_values[place] = row.id


def _incidents(session: Session, world: RoleWorld) -> None:
    refs = [world.at(p, "incident", f"ZQX-{p}-INCIDENT") for p in PLACES]
    lon = np.array([CENTRES[p][0] for p in PLACES])
    lat = np.array([CENTRES[p][1] for p in PLACES])
    rows = NewIncidents(
        source="zqx",
        refs=refs,
        categories=["theft"] * len(PLACES),
        occurred=np.full(len(PLACES), NOW.timestamp() - 86_400.0),
        reported=None,
        lon=lon,
        lat=lat,
        unit=locator(session, SYSTEM).assign(lon, lat),
    )
    assert add_incidents(session, rows, now=NOW) == len(PLACES)


def _consultations(session: Session, world: RoleWorld) -> None:
    """A closed consultation at every place: the name and a line are markers, seen only by
    the roles that answer consultations at that place (the desk of its station)."""
    for code, place in world.places.items():
        seen_by = {r for r in ROLES if code in SCOPE.get(r, set()) and allowed(r, "consult.answer")}
        name = world.add(f"ZQX-{code}-CONSULT", "consultation", seen_by, code)
        opened = consult.open_consultation(
            session, station=code, topic="labour", display_name=name, now=NOW
        )
        line = world.add(f"ZQX-{code}-CONSULTLINE", "consultation line", seen_by, code)
        consult.send_citizen(session, token=opened.token, body=line, now=NOW)
        consult.close_by_citizen(session, token=opened.token, now=NOW)
        place.consultation = opened.consultation.code
