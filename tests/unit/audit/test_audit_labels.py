"""Every action the code records and every kind of record has a label, in Chinese too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import jingwu
from jingwu.audit import labels
from jingwu.models import Base
from jingwu.web.i18n import gettext

SRC = Path(jingwu.__file__).parent


def _recorded() -> tuple[set[str], set[str]]:
    """The action and object type constants passed to ``audit.record(...)`` in the code."""
    actions, types = set(), set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "record"):
                continue
            for kw in node.keywords:
                if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    if kw.arg == "action":
                        actions.add(kw.value.value)
                    elif kw.arg == "object_type":
                        types.add(kw.value.value)
    return actions, types


def test_every_action_recorded_in_the_code_has_a_label() -> None:
    actions, types = _recorded()
    assert "access.denied" in actions  # the scan finds them
    assert sorted(actions - set(labels.ACTIONS)) == []
    assert sorted(types - set(labels.TABLES)) == []


def test_every_table_has_a_label_so_its_writes_read_in_words() -> None:
    assert sorted(set(Base.metadata.tables) - set(labels.TABLES)) == []


def test_every_label_has_a_chinese_translation() -> None:
    ids = [
        *labels.ACTIONS.values(),
        *labels.VERBS.values(),
        *labels.TABLES.values(),
        *labels.OUTCOMES.values(),
        *labels.FIELDS.values(),
        "Any record",
    ]
    untranslated = sorted({i for i in ids if gettext("zh_CN", i) == i})
    assert untranslated == []


@pytest.mark.parametrize(
    ("action", "zh"),
    [
        ("access.denied", "拒绝访问"),
        ("auth.sign_in_failed", "登录失败"),
        ("work_orders.update", "修改工单"),
        ("wo_tasks.create", "新建部门任务"),
        ("users.delete", "删除用户"),
        ("something.unknown", "something.unknown"),
    ],
)
def test_actions_read_in_chinese(action: str, zh: str) -> None:
    assert labels.action_label(action, lambda m: gettext("zh_CN", m)) == zh


def test_details_read_in_words() -> None:
    def zh(m: str) -> str:
        return gettext("zh_CN", m)

    text = labels.detail_text({"fields": ["state", "tier", "sla", "xyz"], "path": "/x"}, zh)
    assert text == "字段: 状态, 等级, 时限规则, xyz; 路径: /x"
    created = {"fields": ["code", "state"]}
    assert labels.detail_text(created, zh, "work_orders.create") == ""  # the action says it
    assert labels.outcome_label("denied", zh) == "拒绝"
