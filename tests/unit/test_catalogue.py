"""Every message id the code and the templates use has a Chinese translation.

Message ids are found the way a translator's tool would: in the templates with Jinja's
extraction (``_("…")``, ``gettext("…")``), and in the Python source by walking the syntax
tree for the places that hold message ids — the first argument of a domain error
(``raise Invalid("…")``) and its ``fields``, the refusals of the work-order guards, the
labels of navigation items, dashboard cards and :class:`~jingwu.errors.Term`, messages
sent as notifications, calls of ``translated(request, "…")`` and the label tables
(``*_LABELS`` and a few named ones).
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment

import jingwu
from jingwu import errors
from jingwu.registry import locale_files
from jingwu.web import csrf
from jingwu.web.i18n import translations

SRC = Path(jingwu.__file__).parent

# Calls whose n-th positional argument (or keyword) is a message id.
ID_ARGUMENTS: dict[str, tuple[int, str]] = {
    "Decision": (2, "template"),
    "conflict": (1, "message"),
    "invalid": (2, "message"),
    "NavItem": (0, "label"),
    "Card": (0, "label"),
    "translated": (1, "message"),
    "_": (0, "message"),
    "gettext": (0, "message"),
    "notify": (-1, "message"),
    "Message": (2, "message"),  # notifications.Message(user, kind, message, …)
}
TRANSLATORS = ("translator", "request_gettext")
LABEL_TABLES = re.compile(r"^_?[A-Z_]*(LABELS|KINDS|CATEGORIES|FIELDS|MESSAGES)$")
NOT_MESSAGES = frozenset({"POST_KINDS_ORDER"})


@cache
def _sources() -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
    }


def _domain_error_names() -> set[str]:
    names = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.DomainError)
    }
    for tree in _sources().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id in names for b in node.bases
            ):
                names.add(node.name)
    return names


def _text(node: ast.AST | None, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _call_name(call: ast.Call) -> str:
    func = call.func
    return (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else ""
    )


def _ids_in_call(call: ast.Call, raising: set[str], constants: dict[str, str]) -> Iterator[str]:
    name = _call_name(call)
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if name in raising:
        if call.args and (text := _text(call.args[0], constants)):
            yield text
        fields = keywords.get("fields")
        if isinstance(fields, ast.Dict):
            yield from (t for v in fields.values if (t := _text(v, constants)))
    if name in ID_ARGUMENTS:
        position, keyword = ID_ARGUMENTS[name]
        node = keywords.get(keyword)
        if node is None and 0 <= position < len(call.args):
            node = call.args[position]
        if (text := _text(node, constants)) is not None:
            yield text
        if name == "Card" and (text := _text(keywords.get("note"), constants)):
            yield text
    if name == "Term" and len(call.args) > 1 and (text := _text(call.args[1], constants)):
        yield text
    inner = call.func  # translator(language)(MESSAGE)
    translating = isinstance(inner, ast.Call) and _call_name(inner) in TRANSLATORS
    if translating and call.args and (text := _text(call.args[0], constants)):
        yield text


def _ids_in_tables(tree: ast.Module) -> Iterator[str]:
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = getattr(node, "value", None)
        if not isinstance(target, ast.Name) or not isinstance(value, ast.Dict):
            continue
        if LABEL_TABLES.match(target.id) and target.id not in NOT_MESSAGES:
            for v in value.values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    yield v.value


@cache
def python_ids() -> dict[str, str]:
    """Message id → where it is used, for the Python source."""
    raising = _domain_error_names()
    found: dict[str, str] = {}
    for path, tree in _sources().items():
        constants = {
            t.id: n.value.value
            for n in tree.body
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
            for t in n.targets
            if isinstance(t, ast.Name) and isinstance(n.value.value, str)
        }
        where = str(path.relative_to(SRC))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for text in _ids_in_call(node, raising, constants):
                    found.setdefault(text, f"{where}:{node.lineno}")
        for text in _ids_in_tables(tree):
            found.setdefault(text, where)
    return found


@cache
def template_ids() -> dict[str, str]:
    """Message id → where it is used, for every template."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("templates/**/*.html")):
        source = path.read_text(encoding="utf-8")
        for lineno, _function, message in env.extract_translations(source):
            for text in message if isinstance(message, tuple) else (message,):
                if isinstance(text, str):
                    found.setdefault(text, f"{path.relative_to(SRC)}:{lineno}")
    return found


def _needs_translation(message: str) -> bool:
    # Nothing to translate in a value with no letters ("—", "{n}", "→").
    return bool(re.search(r"[A-Za-z]", re.sub(r"\{[^}]*\}", "", message)))


def test_the_extraction_finds_the_kinds_of_message_ids_we_use() -> None:
    ids = {**python_ids(), **template_ids()}
    for sample in (
        "No work order {code}.",  # raise NotFound(...)
        "role {role} may not {action} an order; allowed: {allowed}",  # a guard's Decision
        "Community officer",  # ROLE_LABELS
        "Dashboard",  # a template
        "This field is required.",  # a pydantic error, web.validation.MESSAGES
        csrf.REFUSED,  # translator(language)(REFUSED)
    ):
        assert sample in ids, sample


def test_every_message_id_has_a_chinese_translation() -> None:
    catalogue = translations("zh_CN")
    ids = {**python_ids(), **template_ids()}
    missing = sorted(
        f"{where}: {message!r}"
        for message, where in ids.items()
        if _needs_translation(message) and catalogue.ugettext(message) == message
    )
    assert not missing, f"{len(missing)} message ids lack a zh_CN translation:\n" + "\n".join(
        missing
    )


def _entries() -> Iterator[tuple[str, str, str]]:
    for path in locale_files("zh_CN"):
        with path.open("rb") as fh:
            for message in read_po(fh, locale="zh_CN"):
                if message.id and isinstance(message.id, str):
                    yield path.parent.parent.name, message.id, str(message.string)


def test_no_message_id_is_translated_differently_by_two_domains() -> None:
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for domain, message, text in _entries():
        if message in seen and seen[message][1] != text:
            clashes.append(
                f"{message!r}: {seen[message][0]} {seen[message][1]!r}, {domain} {text!r}"
            )
        seen.setdefault(message, (domain, text))
    assert not clashes, "the merged catalogue keeps only one of:\n" + "\n".join(clashes)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("domain", sorted({d for d, _, _ in _entries()}))
def test_translations_use_only_the_placeholders_of_their_message_id(domain: str) -> None:
    wrong = [
        f"{message!r} → {text!r}"
        for d, message, text in _entries()
        if d == domain
        and "{" in message
        and text
        and not _placeholders(text) <= _placeholders(message)
    ]
    assert not wrong, "\n".join(wrong)


def test_each_message_id_is_in_the_catalogue_of_the_domain_using_it() -> None:
    own: dict[str, set[str]] = {}
    for domain, message, _text in _entries():
        own.setdefault(domain, set()).add(message)
    shell = own.get("web", set())
    ids = {**template_ids(), **python_ids()}
    stray = sorted(
        f"{where}: {message!r}"
        for message, where in ids.items()
        if _needs_translation(message)
        and message not in shell
        and message not in own.get(where.split("/")[0], set())
    )
    assert not stray, "add these to the domain's locale/zh_CN.po:\n" + "\n".join(stray)
