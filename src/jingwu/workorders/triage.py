"""Explainable tier suggestion for a new order, and the confirmation record (pure).

The rules start from the category's default tier and raise it for what the description and
the circumstances say; every rule that fires adds a reason (a stable code, the tier it argues
for, the words that triggered it, and a sentence in Chinese and English). The suggestion is
the most serious tier any reason argues for. Rules only ever raise a tier — lowering is the
officer's call, with a reason (:func:`confirm`); both the suggestion and the decision are kept.

Keywords are matched as plain substrings in Chinese and as whole words in English, without
negation handling ("没有打人" still mentions 打人): a suggestion errs towards caution and the
officer, who reads the matched words beside it, decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jingwu.workorders.catalogue import DEFAULT_CATALOGUE, Catalogue
from jingwu.workorders.vocab import Tier, most_severe, parse

REPEAT_ADDRESS_MIN = 2  # earlier orders at the same address within 30 days
REPEAT_CALLER_MIN = 3  # earlier orders from the same reporter within 30 days
REPEAT_WINDOW_DAYS = 30

# The reasons are stored with the order in both languages (a record of what was shown at
# intake, kept as written), so the rules word them in both; pages show the stored text.
_TIER_ZH = {Tier.RED: "红色", Tier.ORANGE: "橙色", Tier.YELLOW: "黄色"}


class TriageError(ValueError):
    """A triage input or confirmation breaks a rule."""


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a tier is suggested."""

    code: str
    tier: Tier
    zh: str
    en: str
    evidence: tuple[str, ...] = ()  # the words that triggered the rule

    def text(self, language: str) -> str:
        """The reason in ``language`` (zh_CN or en)."""
        return self.en if language == "en" else self.zh

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form to store with the order."""
        return {
            "code": self.code,
            "tier": str(self.tier),
            "zh": self.zh,
            "en": self.en,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class TriageInput:
    """What the rules look at; the counts are computed by the service."""

    category: str
    description: str = ""
    minors_involved: bool = False
    elderly_involved: bool = False
    address_orders_30d: int = 0  # earlier orders at the same address in the last 30 days
    caller_orders_30d: int = 0  # earlier orders by the same reporter in the last 30 days
    source_tier: Tier | None = None  # a tier suggested by the source, e.g. an IoT rule
    source: str = ""  # what suggested it (shown with the reason)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The suggested tier and every reason for it, most serious first."""

    tier: Tier
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form to store with the order."""
        return {"tier": str(self.tier), "reasons": [r.to_dict() for r in self.reasons]}


@dataclass(frozen=True, slots=True)
class TriageRecord:
    """The suggestion and the officer's decision, both kept on the order."""

    suggestion: Suggestion
    tier: Tier
    override_reason: str | None = None

    @property
    def overridden(self) -> bool:
        """True when the officer chose another tier than suggested."""
        return self.tier is not self.suggestion.tier

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form to store with the order."""
        return {
            "suggestion": self.suggestion.to_dict(),
            "tier": str(self.tier),
            "overridden": self.overridden,
            "override_reason": self.override_reason,
        }


@dataclass(frozen=True, slots=True)
class _KeywordRule:
    code: str
    tier: Tier
    zh_label: str
    en_label: str
    zh_words: tuple[str, ...]
    en_pattern: re.Pattern[str]

    def matches(self, text: str) -> tuple[str, ...]:
        found = [word for word in self.zh_words if word in text]
        found += [m.group(0).lower() for m in self.en_pattern.finditer(text)]
        return tuple(dict.fromkeys(found))


def _rule(
    code: str, tier: Tier, labels: tuple[str, str], zh: str, en: tuple[str, ...]
) -> _KeywordRule:
    pattern = re.compile(r"\b(?:" + "|".join(en) + r")\b", re.IGNORECASE)
    return _KeywordRule(code, tier, labels[0], labels[1], tuple(zh.split()), pattern)


RED, ORANGE = Tier.RED, Tier.ORANGE

# English alternatives are regular expressions; Chinese words are space-separated substrings.
KEYWORD_RULES: tuple[_KeywordRule, ...] = (
    _rule(
        "violence",
        RED,
        ("暴力", "violence"),
        "打人 殴打 打架 斗殴 施暴 家暴 动手打 砍人 捅人 行凶 伤人 掐脖子",
        (
            r"assault(?:ed|ing)?",
            r"attack(?:ed|ing)?",
            r"beat(?:en|ing)?",
            r"punch(?:ed|ing)?",
            r"stab(?:bed|bing)?",
            r"violen(?:ce|t)",
            r"brawl(?:ing)?",
            r"hit (?:me|him|her)",
        ),
    ),
    _rule(
        "weapon",
        RED,
        ("凶器", "weapon"),
        "持刀 拿刀 用刀 动刀 带刀 刀子 菜刀 刀具 砍刀 匕首 凶器 枪 弓弩 爆炸物",
        (r"knife", r"knives", r"guns?", r"firearms?", r"weapons?", r"machetes?", r"crossbows?"),
    ),
    _rule(
        "fire",
        RED,
        ("火情或爆炸", "fire or explosion"),
        "起火 着火 失火 火灾 冒烟 爆炸 燃气泄漏 煤气泄漏",
        (
            r"fire(?!\s+(?:exits?|escapes?|doors?|extinguishers?|lanes?|hydrants?|alarms?|safety|hazards?))",
            r"burning",
            r"smoke",
            r"explo(?:sion|ded)",
            r"gas leak",
        ),
    ),
    _rule(
        "self_harm",
        RED,
        ("自伤自杀风险", "risk of self-harm"),
        "自杀 轻生 跳楼 割腕 想不开 不想活 寻短见 服毒",
        (
            r"suicid(?:e|al)",
            r"self[- ]harm",
            r"kill (?:myself|himself|herself)",
            r"end (?:my|his|her) life",
        ),
    ),
    _rule(
        "threat_to_kill",
        RED,
        ("扬言杀人", "threat to kill"),
        "杀了你 杀了他 杀了她 弄死 砍死",
        (r"kill (?:you|him|her|them)",),
    ),
    _rule(
        "missing_person",
        RED,
        ("人员走失", "missing person"),
        "走失 失踪 失联",
        (r"missing (?:person|child|boy|girl|man|woman)", r"went missing", r"disappeared"),
    ),
    _rule(
        "threat",
        ORANGE,
        ("威胁恐吓", "threats"),
        "威胁 恐吓 报复 扬言",
        (r"threat(?:s|en|ened|ening)?", r"revenge", r"intimidat(?:e|ed|ion)"),
    ),
    _rule(
        "intoxication",
        ORANGE,
        ("醉酒或情绪失控", "intoxication or loss of control"),
        "醉酒 喝醉 酗酒 情绪激动 失控",
        (r"drunk(?:en)?", r"intoxicated"),
    ),
    _rule(
        "group",
        ORANGE,
        ("群体聚集", "group gathering"),
        "聚集 围堵 群体 集体上访",
        (r"crowd(?:s|ed)?", r"mob", r"protest(?:s|ers)?"),
    ),
    _rule(
        "drugs_gambling",
        ORANGE,
        ("涉毒涉赌", "drugs or gambling"),
        "吸毒 毒品 贩毒 赌博 赌场",
        (r"drugs?", r"gambling"),
    ),
)


def _reason(code: str, tier: Tier, zh: str, en: str, evidence: tuple[str, ...] = ()) -> Reason:
    return Reason(code, tier, zh, en, evidence)


def _keyword_reasons(description: str) -> list[Reason]:
    reasons = []
    for rule in KEYWORD_RULES:
        words = rule.matches(description)
        if words:
            zh_words, en_words = "、".join(words), ", ".join(words)
            reasons.append(
                _reason(
                    rule.code,
                    rule.tier,
                    f"描述涉及{rule.zh_label}：{zh_words}",
                    f"the description mentions {rule.en_label}: {en_words}",
                    words,
                )
            )
    return reasons


def _circumstance_reasons(inp: TriageInput) -> list[Reason]:
    reasons = []
    if inp.minors_involved:
        reasons.append(_reason("minor_involved", ORANGE, "涉及未成年人", "a minor is involved"))
    if inp.elderly_involved:
        reasons.append(
            _reason("elderly_involved", ORANGE, "涉及老年人", "an elderly person is involved")
        )
    if inp.address_orders_30d >= REPEAT_ADDRESS_MIN:
        n = inp.address_orders_30d
        reasons.append(
            _reason(
                "repeat_address",
                ORANGE,
                f"同一地址{REPEAT_WINDOW_DAYS}日内已有{n}起诉求",
                f"{n} earlier requests from the same address within {REPEAT_WINDOW_DAYS} days",
            )
        )
    if inp.caller_orders_30d >= REPEAT_CALLER_MIN:
        n = inp.caller_orders_30d
        reasons.append(
            _reason(
                "repeat_caller",
                ORANGE,
                f"同一报告人{REPEAT_WINDOW_DAYS}日内已有{n}起诉求",
                f"{n} earlier requests by the same reporter within {REPEAT_WINDOW_DAYS} days",
            )
        )
    if inp.source_tier is not None:
        tier = parse(Tier, inp.source_tier)
        zh_tier, en_tier = _TIER_ZH[tier], str(tier)
        what = inp.source or "source"
        reasons.append(
            _reason(
                "source_suggestion",
                tier,
                f"{_source_zh(inp.source)}建议{zh_tier}",
                f"the source ({what}) suggests {en_tier.lower()}",
                (what,),
            )
        )
    return reasons


# Systems that file orders with a tier of their own, named for a Chinese reader.
_SOURCE_ZH = {"iot-alert": "物联网告警"}


def _source_zh(source: str) -> str:
    """``iot-alert:3`` → 来源（物联网告警 3号）; an unknown kind stays as recorded."""
    if not source:
        return "来源"
    kind, _, ref = source.partition(":")
    name = _SOURCE_ZH.get(kind)
    if name is None:
        return f"来源（{source}）"
    return f"来源（{name}{f' {ref}号' if ref else ''}）"


def suggest(inp: TriageInput, catalogue: Catalogue = DEFAULT_CATALOGUE) -> Suggestion:
    """Suggest a tier for a new order, with every reason, most serious first."""
    if inp.address_orders_30d < 0 or inp.caller_orders_30d < 0:
        raise TriageError("repeat counts cannot be negative")
    category = catalogue.get(inp.category)
    zh_tier, en_tier = _TIER_ZH[category.default_tier], str(category.default_tier)
    first = _reason(
        "category_default",
        category.default_tier,
        f"类别“{category.zh}”默认{zh_tier}",
        f"category “{category.en}” defaults to {en_tier.lower()}",
    )
    reasons = [first, *_keyword_reasons(inp.description), *_circumstance_reasons(inp)]
    reasons.sort(key=lambda reason: -reason.tier.severity)  # stable: rule order within a tier
    return Suggestion(most_severe([r.tier for r in reasons]), tuple(reasons))


def confirm(suggestion: Suggestion, tier: Tier | str, reason: str = "") -> TriageRecord:
    """The officer's decision on ``suggestion``: another tier than suggested needs a reason."""
    chosen = parse(Tier, tier)
    if chosen is suggestion.tier:
        return TriageRecord(suggestion, chosen, reason.strip() or None)
    if not reason.strip():
        raise TriageError(
            f"choosing {chosen} instead of the suggested {suggestion.tier} needs a reason"
        )
    return TriageRecord(suggestion, chosen, reason.strip())
