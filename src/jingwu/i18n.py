"""Message catalogues: Babel ``.po`` files of the shell and every domain, merged per language.

Message ids are English; ``zh_CN`` (the default) translates them. The ``.po`` files are the
source of truth and are compiled in memory at start-up, so there is no build step. This core
sits below the web layer, so that services and jobs translate without importing the web app;
:mod:`jingwu.web.i18n` adds what needs a request.
"""

from __future__ import annotations

import io
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from jingwu.errors import Gettext
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


def _supported(requested: str) -> str | None:
    value = requested.strip().replace("-", "_").lower()
    if value.startswith("en"):
        return "en"
    if value.startswith("zh"):
        return "zh_CN"
    return None


def pick_language(requested: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """A supported language for a cookie/query value (``en``, ``zh``, ``zh_CN`` …)."""
    if not requested:
        return default
    return _supported(requested) or default


def accepted_language(header: str | None) -> str | None:
    """The supported language an ``Accept-Language`` header prefers most, if any."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = _supported(tag)
        if language is None or not 0 < quality <= 1:
            continue
        if best is None or (quality, -position) > (best[0], best[1]):
            best = (quality, -position, language)
    return best[2] if best else None


def negotiate(
    *, query: str, cookie: str, accept: str | None, default: str = DEFAULT_LANGUAGE
) -> str:
    """The language of a request: ``?lang=``, then the cookie, then ``Accept-Language``."""
    for requested in (query, cookie):
        if requested and (language := _supported(requested)):
            return language
    return accepted_language(accept) or default


def gettext(language: str, message: str) -> str:
    return translations(language).ugettext(message)


def translator(language: str) -> Gettext:
    """The ``gettext`` function of ``language``."""
    return translations(language).ugettext
