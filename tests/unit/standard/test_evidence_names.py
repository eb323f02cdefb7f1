"""The kinds of evidence a loaded standard version names have no message ids: an error that
lists them names them from the version's own zh/en names, in the reader's language."""

from __future__ import annotations

from jingwu.errors import Invalid, Terms
from jingwu.i18n import translations
from jingwu.standard.requirements import EvidenceKind

MESSAGE = "The rectification cannot close without the evidence its requirement names: {missing}."


def _error() -> Invalid:
    kinds = [
        EvidenceKind("drill_log", "应急演练记录", "Emergency drill log"),  # loaded, no msgid
        EvidenceKind("floor_plan", "平面图（标注各区面积）", "Floor plan with the areas marked"),
    ]
    return Invalid(MESSAGE, params={"missing": Terms(k.term() for k in kinds)})


def test_a_loaded_versions_evidence_is_named_in_chinese_in_a_chinese_sentence() -> None:
    shown = _error().translated(translations("zh_CN").ugettext)
    assert shown.startswith("缺少该要求规定的佐证，整改不能销号：")
    assert "应急演练记录" in shown and "平面图（标注各区面积）" in shown
    assert "drill" not in shown and "Emergency" not in shown


def test_and_in_english_in_an_english_sentence() -> None:
    shown = _error().translated(translations("en").ugettext)
    assert shown == MESSAGE.format(missing="Emergency drill log, Floor plan with the areas marked")
