"""Domain errors: services raise these; the web layer and the CLI translate them.

Each error carries a stable machine ``code``, a human ``message`` (one sentence) and,
for validation problems, ``fields`` mapping a field name to what is wrong with it.

Messages are English message ids with ``{name}`` placeholders and their ``params``, so the
edge (a page, the API, the CLI) can translate the id first and fill the placeholders
afterwards::

    raise Invalid("A red order needs tasks for at least {n} departments.", params={"n": 3})

``message`` is the English sentence; :meth:`DomainError.translated` takes a ``gettext``
function and returns the sentence in that language. Field messages are message ids too
(without parameters). Never build the message with an f-string: the id would change with
every value and could not be translated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def fill(template: str, params: Mapping[str, Any] | None) -> str:
    """``template`` with its ``{name}`` placeholders filled; unfilled braces are kept."""
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


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

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in the language of ``gettext`` (the id translated, then filled)."""
        return fill(gettext(self.template), self.params)

    def translated_fields(self, gettext: Callable[[str], str]) -> dict[str, str]:
        """The field messages in the language of ``gettext``."""
        return {name: gettext(text) for name, text in self.fields.items()}


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
