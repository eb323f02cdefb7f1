"""The default category catalogue, per functional module (pure data).

Each category has a default tier (the triage rules start from it) and, where an order of the
category can be orange, its own orange response and completion times; categories without
them use the orange tier defaults of :mod:`jingwu.workorders.sla`. Red and yellow times are
fixed by the guide (red 1 h / 5 days, yellow 24 h) and not set per category.

Times reflect common practice at Chinese community police stations: a suspicious person or a
missing child is looked at within the hour; a neighbour or wage dispute gets a first contact
the same day and days for mediation; paperwork help is ordinary (yellow) work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from jingwu.workorders.vocab import Module, Tier

_CODE_RE = re.compile(r"[a-z][a-z0-9_]{1,39}")
HOUR = 60
DAY = 24 * HOUR


class CatalogueError(ValueError):
    """The catalogue is malformed or a category is unknown."""


@dataclass(frozen=True, slots=True)
class Category:
    """One kind of request."""

    code: str
    module: Module
    zh: str
    en: str
    default_tier: Tier
    orange_response_minutes: int | None = None
    orange_completion_minutes: int | None = None
    mediable: bool = False  # a dispute that may open a mediation case (WO-5)

    def __post_init__(self) -> None:
        if not _CODE_RE.fullmatch(self.code):
            raise CatalogueError(f"category code {self.code!r} must be lower_snake_case")
        times = (self.orange_response_minutes, self.orange_completion_minutes)
        if (times[0] is None) != (times[1] is None):
            raise CatalogueError(f"category {self.code}: set both orange times or neither")
        if times[0] is not None and times[1] is not None and not 0 < times[0] <= times[1]:
            raise CatalogueError(
                f"category {self.code}: orange response must be positive and not after completion"
            )

    def name(self, language: str) -> str:
        """The category's name in ``language`` (zh_CN or en)."""
        return self.en if language == "en" else self.zh


class Catalogue:
    """An immutable set of categories, looked up by code."""

    def __init__(self, categories: Iterable[Category]) -> None:
        self._by_code: dict[str, Category] = {}
        for category in categories:
            if category.code in self._by_code:
                raise CatalogueError(f"category code {category.code!r} appears twice")
            self._by_code[category.code] = category

    def get(self, code: str) -> Category:
        """The category with ``code``; CatalogueError if there is none."""
        try:
            return self._by_code[code]
        except KeyError:
            raise CatalogueError(f"unknown category {code!r}") from None

    def by_module(self, module: Module) -> tuple[Category, ...]:
        """The categories of one functional module, in catalogue order."""
        return tuple(c for c in self._by_code.values() if c.module is module)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Category]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)


M, T, C = Module, Tier, Category

_SECURITY = (
    C("suspicious_person", M.SECURITY, "可疑人员", "Suspicious person", T.ORANGE, 30, 1 * DAY),
    C("theft", M.SECURITY, "盗窃线索", "Theft", T.ORANGE, 1 * HOUR, 3 * DAY),
    C("fraud_report", M.SECURITY, "电信网络诈骗", "Telecom or online fraud", T.ORANGE, 30, 2 * DAY),
    C("fraud_consultation", M.SECURITY, "反诈咨询", "Fraud prevention advice", T.YELLOW),
    C("fire_hazard", M.SECURITY, "消防安全隐患", "Fire hazard", T.ORANGE, 2 * HOUR, 2 * DAY),
    C("fight", M.SECURITY, "打架斗殴", "Fight or assault", T.RED),
    C("domestic_violence", M.SECURITY, "家庭暴力", "Domestic violence", T.RED),
    C("dangerous_goods", M.SECURITY, "危险物品", "Dangerous goods", T.RED),
    C(
        "mental_health_risk",
        M.SECURITY,
        "肇事肇祸风险人员",
        "Person at risk of causing harm",
        T.ORANGE,
        30,
        2 * DAY,
    ),
    C(
        "drugs_gambling",
        M.SECURITY,
        "涉黄赌毒线索",
        "Drugs, gambling or vice tip",
        T.ORANGE,
        2 * HOUR,
        5 * DAY,
    ),
    C(
        "public_order",
        M.SECURITY,
        "扰乱公共秩序",
        "Public order disturbance",
        T.ORANGE,
        1 * HOUR,
        2 * DAY,
    ),
    C(
        "traffic_hazard",
        M.SECURITY,
        "交通安全隐患",
        "Traffic safety hazard",
        T.YELLOW,
        2 * HOUR,
        3 * DAY,
    ),
    C("patrol_request", M.SECURITY, "巡逻防范需求", "Patrol request", T.YELLOW),
    C("sensor_alert", M.SECURITY, "感知设备告警", "Sensor alert", T.ORANGE, 30, 1 * DAY),
)

_LIVELIHOOD = (
    C("household_registration", M.LIVELIHOOD, "户籍业务", "Household registration", T.YELLOW),
    C("id_card", M.LIVELIHOOD, "居民身份证办理", "Resident ID card", T.YELLOW),
    C("residence_permit", M.LIVELIHOOD, "居住证办理", "Residence permit", T.YELLOW),
    C("lost_documents", M.LIVELIHOOD, "证件遗失", "Lost documents", T.YELLOW),
    C("certificate", M.LIVELIHOOD, "开具证明", "Certificate request", T.YELLOW),
    C("lost_and_found", M.LIVELIHOOD, "失物招领", "Lost and found", T.YELLOW),
    C("exit_entry", M.LIVELIHOOD, "出入境咨询", "Exit and entry advice", T.YELLOW),
    C("missing_elderly", M.LIVELIHOOD, "老人走失", "Missing elderly person", T.RED),
    C("missing_child", M.LIVELIHOOD, "儿童走失", "Missing child", T.RED),
    C(
        "vulnerable_help",
        M.LIVELIHOOD,
        "困难群众求助",
        "Help for a vulnerable resident",
        T.ORANGE,
        1 * HOUR,
        2 * DAY,
    ),
    C("animal_nuisance", M.LIVELIHOOD, "犬只扰民", "Dog or animal nuisance", T.YELLOW),
    C("public_facility", M.LIVELIHOOD, "公共设施报修", "Public facility fault", T.YELLOW),
)

_DISPUTE = (
    C("noise", M.DISPUTE, "噪音扰民", "Noise complaint", T.YELLOW, 1 * HOUR, 2 * DAY, True),
    C("neighbour", M.DISPUTE, "邻里纠纷", "Neighbour dispute", T.ORANGE, 2 * HOUR, 7 * DAY, True),
    C("family", M.DISPUTE, "婚姻家庭纠纷", "Family dispute", T.ORANGE, 1 * HOUR, 5 * DAY, True),
    C(
        "property_management",
        M.DISPUTE,
        "物业纠纷",
        "Property management dispute",
        T.YELLOW,
        4 * HOUR,
        7 * DAY,
        True,
    ),
    C(
        "landlord_tenant",
        M.DISPUTE,
        "租赁纠纷",
        "Landlord and tenant dispute",
        T.YELLOW,
        4 * HOUR,
        5 * DAY,
        True,
    ),
    C("wage_arrears", M.DISPUTE, "劳资纠纷", "Unpaid wages", T.ORANGE, 1 * HOUR, 5 * DAY, True),
    C("debt", M.DISPUTE, "债务纠纷", "Debt dispute", T.ORANGE, 2 * HOUR, 7 * DAY, True),
    C("consumer", M.DISPUTE, "消费纠纷", "Consumer dispute", T.YELLOW, 4 * HOUR, 3 * DAY, True),
    C("parking", M.DISPUTE, "停车纠纷", "Parking dispute", T.YELLOW, 2 * HOUR, 2 * DAY, True),
    C("group_dispute", M.DISPUTE, "群体性矛盾", "Collective dispute", T.RED, mediable=True),
)

DEFAULT_CATALOGUE = Catalogue((*_SECURITY, *_LIVELIHOOD, *_DISPUTE))
