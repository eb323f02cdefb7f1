"""Domain errors: services raise these; the web layer and the CLI translate them.

Each error carries a stable machine ``code``, a human ``message`` (one sentence) and,
for validation problems, ``fields`` mapping a field name to what is wrong with it.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service may raise on purpose."""

    status = 400
    code = "error"

    def __init__(
        self, message: str, *, fields: dict[str, str] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, str] = dict(fields or {})
        if code is not None:
            self.code = code


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
