"""Domain errors: services raise these; the web layer and the CLI translate them.

Each error carries a stable machine ``code``, a human ``message`` (one sentence) and,
for validation problems, ``fields`` mapping a field name to what is wrong with it.

Messages are English message ids with ``{name}`` placeholders and their ``params``, so the
edge (a page, the API, the CLI) can translate the id first and fill the placeholders
afterwards::

    raise Invalid("A red order needs tasks for at least {n} departments.", params={"n": 3})

``message`` is the English sentence; :meth:`DomainError.translated` takes a ``gettext``
function and returns the sentence in that language. Field messages are message ids too
(their placeholders, if any, filled from the same ``params``). Never build the message with an
f-string: the id would change with every value and could not be translated.

A parameter that is a vocabulary value (a state, a role, a tier) is passed as a :class:`Term`
carrying the message id of its name, so a Chinese sentence names it in Chinese::

    raise Conflict("Cannot add tasks to an order in state {state}.",
                   params={"state": Term("closed", "Closed")})
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Self

Gettext = Callable[[str], str]


class Term(str):
    """A parameter value from a vocabulary (a state, a role, a tier) shown translated.

    The string is the stored value (``"received"``), which the English sentence shows;
    ``label`` is the English message id of its name (``"Received"``), which
    :meth:`DomainError.translated` shows when the language has a translation for it.
    """

    label: str

    def __new__(cls, value: str, label: str | None = None) -> Self:
        term = super().__new__(cls, value)
        term.label = label if label is not None else value
        return term


LANGUAGE_ID = "(language)"
"""The message id every catalogue translates to its language code (``zh_CN``); English,
which needs no catalogue, leaves it as it is."""


class NamedTerm(Term):
    """A term whose names come with the data, in each language, rather than from a catalogue:
    records loaded at run time (a loaded standard version's kinds of evidence) whose names no
    message catalogue can hold. The sentence shows the name of its own language (English
    when there is none)."""

    names: dict[str, str]

    def __new__(cls, value: str, names: Mapping[str, str]) -> Self:
        term = super().__new__(cls, value, names.get("en", value))
        term.names = dict(names)
        return term

    def shown(self, gettext: Gettext) -> str:
        language = gettext(LANGUAGE_ID)
        language = "en" if language == LANGUAGE_ID else language
        return self.names.get(language) or self.names.get("en") or str.__str__(self)


class Terms(tuple[Term, ...]):
    """A list of :class:`Term` parameters, shown joined by commas."""

    def __new__(cls, terms: Iterable[Term]) -> Terms:
        return super().__new__(cls, tuple(terms))

    def __str__(self) -> str:
        return ", ".join(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _term(term: Term, gettext: Gettext) -> str:
    if isinstance(term, NamedTerm):
        return term.shown(gettext)
    # No translation (English): the stored value, as the English sentence is worded for it.
    shown = gettext(term.label)
    return str.__str__(term) if shown == term.label else shown


def translate_param(value: Any, gettext: Gettext) -> Any:
    """A parameter as shown in the language of ``gettext`` (terms translated)."""
    if isinstance(value, Term):
        return _term(value, gettext)
    if isinstance(value, Terms):
        return gettext(", ").join(_term(term, gettext) for term in value)
    return value


def fill(template: str, params: Mapping[str, Any] | None) -> str:
    """``template`` with its ``{name}`` placeholders filled; unfilled braces are kept."""
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError):
        return template


def translate(template: str, params: Mapping[str, Any] | None, gettext: Gettext) -> str:
    """The message id ``template`` translated by ``gettext``, then filled with ``params``.

    A translation whose placeholders do not match the parameters falls back to the
    English sentence rather than losing the message.
    """
    shown = {name: translate_param(value, gettext) for name, value in (params or {}).items()}
    translated = gettext(template)
    try:
        return translated.format(**shown)
    except (KeyError, IndexError, ValueError, AttributeError):
        return fill(template, shown)


class DomainError(Exception):
    """Base of every error a service may raise on purpose."""

    status = 400
    code = "error"

    def __init__(
        self,
        message: str,
        *,
        params: Mapping[str, Any] | None = None,
        fields: dict[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        self.template = message
        self.params: dict[str, Any] = dict(params or {})
        self.message = fill(message, self.params)
        super().__init__(self.message)
        self.fields: dict[str, str] = dict(fields or {})
        if code is not None:
            self.code = code

    def translated(self, gettext: Gettext) -> str:
        """The message in the language of ``gettext`` (the id translated, then filled)."""
        return translate(self.template, self.params, gettext)

    def translated_fields(self, gettext: Gettext) -> dict[str, str]:
        """The field messages in the language of ``gettext`` (placeholders, if any, are
        filled from the error's parameters)."""
        return {name: translate(text, self.params, gettext) for name, text in self.fields.items()}


class Invalid(DomainError):
    """The input is malformed or breaks a rule (HTTP 422)."""

    status = 422
    code = "invalid"


class NotFound(DomainError):
    """The record does not exist or lies outside the caller's scope (HTTP 404)."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The caller's role may not do this (HTTP 403)."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The record is in a state that does not allow this (HTTP 409)."""

    status = 409
    code = "conflict"


class Unauthenticated(DomainError):
    """No valid credentials were presented (HTTP 401)."""

    status = 401
    code = "unauthenticated"


class TooManyRequests(DomainError):
    """The caller is throttled (HTTP 429)."""

    status = 429
    code = "too_many_requests"


class PayloadTooLarge(DomainError):
    """The request body is larger than allowed (HTTP 413)."""

    status = 413
    code = "payload_too_large"


class ConfigError(Exception):
    """A setting is missing or invalid, or the database is not ready: one sentence naming
    what to set or run (start-up and the command line stop with it, exit status 2)."""
