"""The message catalogues as the web layer uses them (the core is :mod:`jingwu.i18n`, below
the web layer, so that services and jobs translate without importing the web app)."""

from __future__ import annotations

from jingwu.i18n import DEFAULT_LANGUAGE, LANGUAGES, gettext, pick_language, translations

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "gettext", "pick_language", "translations"]
