"""Roles and what each may do (pure). Where a role may act is the org scope's business.

Authorisation = role × org scope: a permission below says *what*; the scope filter in
:mod:`jingwu.accounts.scope` says *where* (the user's unit and the units below it).
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from jingwu.errors import Term
from jingwu.registry import domain_modules


class Role(StrEnum):
    OFFICER = "officer"  # 社区民警
    AUXILIARY = "auxiliary"  # 辅警
    CHIEF = "chief"  # 警务室负责人
    STREET = "street"  # 街道服务站站长
    DIRECTOR = "director"  # 区级指导中心主任
    CITY = "city"  # 市局负责人 (oversees the districts of a city)
    INSPECTOR = "inspector"  # 督察
    PARTNER = "partner"  # 合作单位
    EXPERT = "expert"  # 驻所专家 (the "X" of 3+X: lawyers, psychologists, social workers)
    ADMIN = "admin"  # 系统管理员


# English message ids of the role names; the catalogues translate them (社区民警 …).
ROLE_LABELS: dict[Role, str] = {
    Role.OFFICER: "Community officer",
    Role.AUXILIARY: "Auxiliary officer",
    Role.CHIEF: "Station chief",
    Role.STREET: "Street station head",
    Role.DIRECTOR: "District director",
    Role.CITY: "City bureau head",
    Role.INSPECTOR: "Inspector",
    Role.PARTNER: "Partner",
    Role.EXPERT: "Station expert",
    Role.ADMIN: "Administrator",
}

_STAFF = {Role.OFFICER, Role.AUXILIARY, Role.CHIEF, Role.STREET, Role.DIRECTOR}
_LEADERS = {Role.CHIEF, Role.STREET, Role.DIRECTOR}
# The city bureau oversees its districts: it reads, it does not run a station's daily work.
_OVERSIGHT = {Role.CITY, Role.INSPECTOR, Role.ADMIN}

PERMISSIONS: dict[str, frozenset[Role]] = {
    "org.view": frozenset(_STAFF | _OVERSIGHT),
    "org.edit": frozenset({Role.DIRECTOR, Role.ADMIN}),
    "staff.view": frozenset(_STAFF | _OVERSIGHT),
    "staff.edit": frozenset(_LEADERS | {Role.ADMIN}),
    "pii.unmask": frozenset({Role.OFFICER, Role.CHIEF, Role.STREET, Role.DIRECTOR}),
    "users.admin": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.INSPECTOR, Role.ADMIN, Role.DIRECTOR}),
    "reference.edit": frozenset({Role.ADMIN, Role.DIRECTOR}),
    "dashboard.view": frozenset(_STAFF | _OVERSIGHT | {Role.PARTNER, Role.EXPERT}),
    "notifications.failed": frozenset(_LEADERS | {Role.ADMIN}),
    # the operator's commands: keys, migrations, the server, the worker, the jobs by hand
    "system.operate": frozenset({Role.ADMIN}),
}


# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "org.view": "See the organisation",
    "org.edit": "Edit the organisation",
    "staff.view": "See staff",
    "staff.edit": "Edit staff",
    "pii.unmask": "See personal data unmasked",
    "users.admin": "Administer users",
    "audit.view": "Read the audit log",
    "reference.edit": "Edit reference data",
    "dashboard.view": "See the start page",
    "notifications.failed": "See failed messages",
    "system.operate": "Operate the system",
}


@cache
def all_permissions() -> dict[str, frozenset[Role]]:
    """The shell's permissions plus each domain's (``PERMISSIONS`` in its ``permissions.py``)."""
    merged = dict(PERMISSIONS)
    for module in domain_modules("permissions"):
        merged.update(getattr(module, "PERMISSIONS", {}))
    return merged


@cache
def permission_labels() -> dict[str, str]:
    """Every permission's label (``PERMISSION_LABELS`` of the shell and each domain)."""
    merged = dict(PERMISSION_LABELS)
    for module in domain_modules("permissions"):
        merged.update(getattr(module, "PERMISSION_LABELS", {}))
    return merged


def permission_term(permission: str) -> Term:
    """``permission`` as an error parameter, shown by what it lets one do."""
    return Term(permission, permission_labels().get(permission, permission))


def allowed(role: str, permission: str) -> bool:
    """True when ``role`` holds ``permission``; unknown permissions are refused."""
    holders = all_permissions().get(permission)
    return holders is not None and role in holders


def label(role: str) -> str:
    """The English message id of the role's name (``role`` itself when unknown)."""
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


def role_term(role: str) -> Term:
    """``role`` as an error parameter, shown by its translated name."""
    return Term(role, label(role))
