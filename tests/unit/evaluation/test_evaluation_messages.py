"""Every message id the evaluation cores raise has a Chinese translation with its placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

import jingwu.evaluation

PACKAGE = Path(jingwu.evaluation.__file__).parent
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def message_ids() -> set[str]:
    """String literals raised as messages: ``Invalid("…")``, ``wrong(key, "…")``, and the
    ``message = "…"`` passed on to a check."""
    found: set[str] = set()
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                position = {"Invalid": 0, "wrong": 1}.get(name)
                if position is not None and len(node.args) > position:
                    arg = node.args[position]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.add(arg.value)
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "message" for t in node.targets)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.add(node.value.value)
    return found


def test_every_message_id_has_a_chinese_translation_with_the_same_placeholders() -> None:
    with (PACKAGE / "locale" / "zh_CN.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id: m.string for m in catalog if m.id}
    ids = message_ids()
    assert len(ids) > 40
    for message in ids:
        assert translated.get(message), f"untranslated: {message}"
        zh = translated[message]
        assert sorted(PLACEHOLDER.findall(zh)) == sorted(PLACEHOLDER.findall(message)), message
        assert re.search("[\u4e00-\u9fff]", zh), message


def test_the_catalogue_holds_no_stale_entries() -> None:
    """Every entry of the domain's catalogue is used somewhere in the domain (code,
    templates or the catalogue data), so a renamed message cannot leave its old one behind.
    """
    with (PACKAGE / "locale" / "zh_CN.po").open("rb") as handle:
        catalog = read_po(handle)
    constants = [
        node.value
        for path in PACKAGE.glob("**/*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    texts = [
        p.read_text(encoding="utf-8")
        for pattern in ("**/*.html", "**/*.json", "**/*.js")
        for p in PACKAGE.glob(pattern)
    ]
    sources = "\n".join([*constants, *texts])
    stale = [m.id for m in catalog if m.id and str(m.id) not in sources]
    assert stale == []
