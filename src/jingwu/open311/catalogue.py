"""The category catalogue as GeoReport services (pure).

Each active category is a service: its code is the ``service_code``, its Chinese or English
name the ``service_name``, its functional module the ``group``. Services are of type
``batch``: a new request gets a tracking token at once and its ``service_request_id`` (the
work order's public code) once the intranet has taken it in. Every service has a definition
(``metadata`` true): a few questions asked for all categories plus one per module; the
answers travel sealed with the description and never appear in ``GET requests``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jingwu.open311.spec import Open311Error, parse_w3c

GROUPS = {
    "security": ("治安防范", "Public security"),
    "livelihood": ("便民服务", "Community services"),
    "dispute": ("矛盾纠纷", "Disputes"),
}


@dataclass(frozen=True)
class Entry:
    """One category of the catalogue, as the service layer reads it."""

    code: str
    module: str
    name_zh: str
    name_en: str
    default_tier: str


def _pick(language: str, zh: str, en: str) -> str:
    return en if language == "en" and en else zh


def service(entry: Entry, language: str) -> dict[str, Any]:
    """The ``GET services`` record of a category."""
    zh_group, en_group = GROUPS.get(entry.module, (entry.module, entry.module))
    group = _pick(language, zh_group, en_group)
    name = _pick(language, entry.name_zh, entry.name_en)
    urgent = entry.default_tier == "red"
    if language == "en":
        description = f"{name} ({group})" + (". In an emergency call 110." if urgent else ".")
    else:
        description = f"{name}（{group}）" + ("。紧急情况请拨打 110。" if urgent else "。")
    keywords = [k for k in (entry.name_zh, entry.name_en, zh_group, en_group) if k]
    return {
        "service_code": entry.code,
        "service_name": name,
        "description": description,
        "metadata": True,
        "type": "batch",
        "keywords": ", ".join(keywords),
        "group": group,
    }


@dataclass(frozen=True)
class Question:
    """An attribute of a service definition."""

    code: str
    datatype: str
    required: bool
    zh: str
    en: str
    values: tuple[tuple[str, str, str], ...] = ()  # (key, zh, en)


_COMMON = (
    Question("occurred_at", "datetime", False, "发生时间", "When did it happen?"),
    Question("place_note", "string", False, "位置补充说明（楼栋、单元等）",
             "Where exactly (building, entrance)?"),
)  # fmt: skip
_YES_NO = (("yes", "是", "Yes"), ("no", "否", "No"))
_BY_MODULE = {
    "security": (
        Question("ongoing", "singlevaluelist", True, "现在是否仍在发生？",
                 "Is it happening now?", _YES_NO),
    ),
    "dispute": (
        Question("parties", "number", False, "涉及几方当事人？",
                 "How many parties are involved?"),
    ),
    "livelihood": (
        Question("visit", "singlevaluelist", False, "希望上门还是到警务室办理？",
                 "Home visit or at the station?",
                 (("home", "上门", "Home visit"), ("station", "到警务室", "At the station"))),
    ),
}  # fmt: skip


def questions(module: str) -> tuple[Question, ...]:
    return _COMMON + _BY_MODULE.get(module, ())


def definition(entry: Entry, language: str) -> dict[str, Any]:
    """The service definition of a category: its code and attributes."""
    attributes = []
    for order, q in enumerate(questions(entry.module), start=1):
        text = _pick(language, q.zh, q.en)
        attributes.append(
            {
                "variable": True,
                "code": q.code,
                "datatype": q.datatype,
                "required": q.required,
                "datatype_description": _datatype_text(q.datatype, language),
                "order": order,
                "description": text,
                "values": [{"key": k, "name": _pick(language, zh, en)} for k, zh, en in q.values],
            }
        )
    return {"service_code": entry.code, "attributes": attributes}


def _datatype_text(datatype: str, language: str) -> str:
    texts = {
        "datetime": ("W3C 日期时间，如 2026-12-07T09:30:00+08:00",
                     "W3C date-time, e.g. 2026-12-07T09:30:00+08:00"),
        "number": ("整数", "a whole number"),
        "singlevaluelist": ("从列表中选一项", "one key from the list"),
        "string": ("不超过 200 字", "at most 200 characters"),
    }  # fmt: skip
    zh, en = texts.get(datatype, ("", ""))
    return _pick(language, zh, en)


def check_answers(module: str, answers: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(problems, lines): what is wrong with the ``attribute[...]`` answers of a request,
    and the answers as lines to seal with its description."""
    problems: list[str] = []
    lines: list[str] = []
    known = {q.code: q for q in questions(module)}
    for code in answers:
        if code not in known:
            problems.append(f"attribute[{code}] is not an attribute of this service.")
    for q in known.values():
        given = [v.strip() for v in answers.get(q.code, []) if v.strip()]
        if not given:
            if q.required:
                problems.append(f"attribute[{q.code}] is required.")
            continue
        value = given[0][:200]
        if q.values and value not in {k for k, _, _ in q.values}:
            problems.append(f"attribute[{q.code}] must be one of the listed keys.")
        elif q.datatype == "number" and not (value.isdigit() and len(value) <= 6):
            problems.append(f"attribute[{q.code}] must be a whole number.")
        elif q.datatype == "datetime" and not _is_w3c(value):
            problems.append(f"attribute[{q.code}] must be a W3C date-time.")
        lines.append(f"{q.en} {value}")
    return problems, lines


def _is_w3c(value: str) -> bool:
    try:
        parse_w3c(value, "value")
    except Open311Error:
        return False
    return True
