"""Every message the indices raise (and every line error of a values file) has a Chinese
translation with the same placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

import jingwu.evaluation.indices

PACKAGE = Path(jingwu.evaluation.indices.__file__).parent
DOMAIN = PACKAGE.parent
PLACEHOLDER = re.compile(r"\{(\w+)\}")
RAISED = {"Invalid", "NotFound", "Conflict", "Forbidden", "_wrong"}


def _messages() -> set[str]:
    found: set[str] = set()
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else ""
            name = name or getattr(node.func, "attr", "")
            if name not in RAISED:
                continue
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                    found.add(arg.value)
    return found - {"indicator", "period", "value", "station"}


def test_every_message_of_the_indices_is_translated() -> None:
    translated: dict[str, str] = {}
    for po in sorted(DOMAIN.parent.glob("*/locale/zh_CN.po")):  # every domain's catalogue
        with po.open("rb") as handle:
            translated |= {str(m.id): str(m.string) for m in read_po(handle) if m.id}
    found = _messages() | {"unknown station"}
    assert len(found) > 10
    for message in found:
        zh = translated.get(message)
        assert zh, f"untranslated: {message}"
        assert sorted(PLACEHOLDER.findall(zh)) == sorted(PLACEHOLDER.findall(message)), message
