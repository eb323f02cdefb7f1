"""Rendering a stored message (English id + parameters) in the reader's language.

A parameter whose value exists in two languages (a sensor alert's label, stored in Chinese
and English) is stored twice: ``what`` (Chinese) and ``what_en``; English readers get the
``_en`` value in the ``{what}`` placeholder, so the message id and its translation keep the
same placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jingwu.i18n import gettext


def text(message: str, params: Mapping[str, Any], language: str) -> str:
    """The message translated into ``language`` with its parameters filled in."""
    template = gettext(language, message)
    if language == "en":
        params = {**params, **{k[:-3]: v for k, v in params.items() if k.endswith("_en")}}
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
