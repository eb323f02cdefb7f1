"""The message catalogues as the web layer uses them: the request's language, domain errors
and validation problems translated for a page or a response. The catalogues themselves are
:mod:`jingwu.i18n`, below the web layer."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request

from jingwu.errors import DomainError, Gettext, translate
from jingwu.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    accepted_language,
    gettext,
    negotiate,
    pick_language,
    translations,
    translator,
)
from jingwu.web.validation import field_problems

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "accepted_language",
    "error_fields",
    "error_text",
    "gettext",
    "negotiate",
    "pick_language",
    "request_gettext",
    "translated",
    "translations",
    "translator",
    "validation_fields",
]


def request_gettext(request: Request) -> Gettext:
    """The ``gettext`` of the request's language."""
    return translator(getattr(request.state, "language", DEFAULT_LANGUAGE))


def error_text(request: Request, exc: DomainError) -> str:
    """A domain error's message in the request's language."""
    return exc.translated(request_gettext(request))


def error_fields(request: Request, exc: DomainError, *, whole: str | None = None) -> dict[str, str]:
    """A domain error's field messages in the request's language, for a form shown again.

    With ``whole``, an error without field messages is shown under that key instead.
    """
    tr = request_gettext(request)
    fields = exc.translated_fields(tr)
    if not fields and whole is not None:
        return {whole: exc.translated(tr)}
    return fields


def translated(request: Request, message: str, **params: object) -> str:
    """The message id ``message`` in the request's language, filled with ``params``."""
    return translate(message, params, request_gettext(request))


def validation_fields(request: Request, exc: ValidationError) -> dict[str, str]:
    """A pydantic error's first problem per field, in the request's language."""
    language = getattr(request.state, "language", DEFAULT_LANGUAGE)
    return field_problems(exc.errors(), translator(language), language)
