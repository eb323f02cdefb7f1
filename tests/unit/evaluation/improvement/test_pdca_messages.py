"""Every message an improvement-list or case-library page or error shows has Chinese."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

import jingwu.evaluation.improvement
from jingwu.evaluation.improvement import overdue, vocab
from jingwu.registry import locale_files

PACKAGE = Path(jingwu.evaluation.improvement.__file__).parent
TEMPLATES = PACKAGE.parent / "templates" / "evaluation"
RAISED = {"Invalid": 0, "Conflict": 0, "NotFound": 0, "Forbidden": 0, "Message": 2}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _from_python(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            position = RAISED.get(name)
            if position is not None and len(node.args) > position:
                arg = node.args[position]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
            for kw in node.keywords:
                if kw.arg == "fields" and isinstance(kw.value, ast.Dict):
                    found |= {str(v.value) for v in kw.value.values if isinstance(v, ast.Constant)}
    return found


def message_ids() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        found |= _from_python(ast.parse(path.read_text(encoding="utf-8")))
    for labels in (
        vocab.STAGE_LABELS,
        vocab.COLOUR_LABELS,
        vocab.REASON_LABELS,
        vocab.KIND_LABELS,
        vocab.SOURCE_LABELS,
    ):
        found |= set(labels.values())
    found |= {overdue.OVERDUE, overdue.ESCALATED}
    for path in TEMPLATES.glob("pdca_*.html"):
        found |= {m[1] for m in re.findall(r"""_\((["'])(.+?)\1\)""", path.read_text())}
    return found


def test_every_message_has_chinese_with_the_same_placeholders() -> None:
    translated: dict[str, str] = {}
    for po in locale_files("zh_CN"):
        with po.open("rb") as handle:
            translated.update({m.id: m.string for m in read_po(handle) if m.id and m.string})
    ids = message_ids()
    assert len(ids) > 20
    missing = sorted(i for i in ids if not translated.get(i))
    assert not missing, missing
    for message in ids:
        zh = translated[message]
        assert sorted(PLACEHOLDER.findall(zh)) == sorted(PLACEHOLDER.findall(message)), message
        assert re.search("[\u4e00-\u9fff]", zh), message
