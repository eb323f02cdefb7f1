"""Message catalogues: Babel ``.po`` files of the shell and every domain, merged per language.

Message ids are English; ``zh_CN`` (the default) translates them. The ``.po`` files are the
source of truth and are compiled in memory at start-up, so there is no build step.
"""

from __future__ import annotations

import io
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from jingwu.registry import locale_files

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"


@cache
def translations(language: str) -> NullTranslations:
    """The merged catalogue for ``language`` (English needs none: ids are English)."""
    merged: Translations | None = None
    for path in locale_files(language):
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        part = Translations(buf)
        if merged is None:
            merged = part
        else:
            merged.merge(part)
    return merged if merged is not None else NullTranslations()


def pick_language(requested: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """A supported language for a cookie/query value (``en``, ``zh``, ``zh_CN`` …)."""
    if not requested:
        return default
    value = requested.replace("-", "_")
    if value.lower().startswith("en"):
        return "en"
    if value.lower().startswith("zh"):
        return "zh_CN"
    return default


def gettext(language: str, message: str) -> str:
    """``message`` (an English message id) in ``language``."""
    return translations(language).ugettext(message)
