"""Rendering a stored message (English id + parameters) in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jingwu.i18n import gettext


def text(message: str, params: Mapping[str, Any], language: str) -> str:
    """The message translated into ``language`` with its parameters filled in."""
    template = gettext(language, message)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        # A translation with a wrong placeholder must not lose the message.
        return message.format_map(_Lenient(params))


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(
    message: str, params: Mapping[str, Any], language: str, link: str = ""
) -> tuple[str, str]:
    """A subject line and a body for an outside channel."""
    line = text(message, params, language)
    prefix = "【警务】" if language != "en" else "[Jingwu] "
    body = f"{line}\n{link}" if link else line
    return prefix + line, body
