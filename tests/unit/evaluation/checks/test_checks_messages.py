"""Every message a spot-check page or error shows has a Chinese translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

import jingwu.evaluation.checks
from jingwu.evaluation.checks import sheet
from jingwu.registry import locale_files

PACKAGE = Path(jingwu.evaluation.checks.__file__).parent
TEMPLATES = PACKAGE.parent / "templates" / "evaluation"
RAISED = {"Invalid": 0, "Conflict": 0, "NotFound": 0, "Forbidden": 0, "_Differs": 0}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _from_python(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            position = RAISED.get(name)
            if position is not None and node.args and isinstance(node.args[0], ast.Constant):
                found.add(str(node.args[0].value))
            for kw in node.keywords:
                if kw.arg == "fields" and isinstance(kw.value, ast.Dict):
                    found |= {str(v.value) for v in kw.value.values if isinstance(v, ast.Constant)}
            if (
                name == "fromkeys"
                and len(node.args) == 2
                and isinstance(node.args[1], ast.Constant)
            ):
                found.add(str(node.args[1].value))
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", "") == "_TEXTS" for t in node.targets
        ):
            found |= {str(c.value) for c in ast.walk(node.value) if isinstance(c, ast.Constant)}
            found -= {"commitment", "record"}
    return found


def message_ids() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        found |= _from_python(ast.parse(path.read_text()))
    found |= {item.label for item in sheet.SHEET} | set(sheet.SECTIONS.values())
    for path in TEMPLATES.glob("checks_*.html"):
        found |= {m[1] for m in re.findall(r"""_\((["'])(.+?)\1\)""", path.read_text())}
    return found


def test_every_message_has_chinese_with_the_same_placeholders() -> None:
    translated: dict[str, str] = {}
    for po in locale_files("zh_CN"):
        with po.open("rb") as handle:
            translated.update({m.id: m.string for m in read_po(handle) if m.id and m.string})
    ids = message_ids()
    assert len(ids) > 200
    missing = sorted(i for i in ids if not translated.get(i))
    assert not missing, missing
    for message in ids:
        zh = translated[message]
        assert sorted(PLACEHOLDER.findall(zh)) == sorted(PLACEHOLDER.findall(message)), message
        assert re.search("[\u4e00-\u9fff]", zh) or message in {"0-100", "1-5000"}, message
