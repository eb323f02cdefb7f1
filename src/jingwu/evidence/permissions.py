"""Who may record and who may read evidence (pure). Where is the org scope's business.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`) as
``evidence.record``, ``evidence.view`` and ``evidence.admin``.
"""

from __future__ import annotations

from jingwu.accounts.roles import Role, role_term
from jingwu.accounts.scope import Principal
from jingwu.errors import Forbidden

_STAFF = {Role.OFFICER, Role.AUXILIARY, Role.CHIEF, Role.STREET, Role.DIRECTOR}

RECORD = frozenset(_STAFF | {Role.ADMIN})
"""Station staff record evidence; the operator (admin) may, e.g. from the command line."""

VIEW = frozenset(_STAFF | {Role.INSPECTOR, Role.ADMIN})
"""Staff and inspectors read evidence and export bundles (within their scope)."""

ADMINISTER = frozenset({Role.ADMIN, Role.DIRECTOR})
"""Registering witnesses and reading the scrub reports of the whole log."""


PERMISSIONS = {"evidence.record": RECORD, "evidence.view": VIEW, "evidence.admin": ADMINISTER}


def _require(principal: Principal, roles: frozenset[Role], permission: str) -> None:
    if principal.role not in roles:
        raise Forbidden(
            "The role '{role}' may not do this ({permission}).",
            params={"role": role_term(principal.role), "permission": permission},
            code="forbidden_role",
        )


def require_record(principal: Principal) -> None:
    """Raise Forbidden unless the principal's role may record evidence."""
    _require(principal, RECORD, "evidence.record")


def require_view(principal: Principal) -> None:
    """Raise Forbidden unless the principal's role may read evidence."""
    _require(principal, VIEW, "evidence.view")


def require_admin(principal: Principal) -> None:
    """Raise Forbidden unless the principal's role may administer the log."""
    _require(principal, ADMINISTER, "evidence.admin")


def can_view(principal: Principal) -> bool:
    """Return whether the principal's role may read evidence."""
    return principal.role in VIEW


def can_record(principal: Principal) -> bool:
    """Return whether the principal's role may record evidence."""
    return principal.role in RECORD
