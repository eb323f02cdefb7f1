"""Every route declares what it needs: a permission, any signed-in user, or nobody.

A route takes its principal through one of these dependencies, so the declaration and the
check are the same line and cannot drift apart::

    @router.get("/work-orders/mediations")
    def mediations(principal: Annotated[Principal, Requires("workorders.view")], ...): ...

    @router.get("/account")
    def account(principal: Annotated[Principal, Requires(SIGNED_IN)], ...): ...

    @router.get("/healthz", dependencies=[PUBLIC])
    def health(...): ...

``Requires(permission)`` signs the caller in (401 or a redirect to the sign-in page when
anonymous) and refuses a role without the permission (403 naming the role); the org scope
of the rows is still the service's business (:mod:`jingwu.accounts.scope`).
``tests/web/test_route_permissions.py`` enumerates the app's routes and fails on any route
that declares none of these, or a permission the roles table does not know.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from fastapi.params import Depends as DependsParam

from jingwu.accounts.roles import all_permissions
from jingwu.accounts.scope import Principal
from jingwu.web.deps import current_principal, optional_principal

SIGNED_IN = "signed_in"
"""Any signed-in user, whatever the role (their own account, notifications, the shell)."""

PUBLIC_ACCESS = "public"
"""Anyone, signed in or not (sign-in pages, health, the public checkpoint, feedback links)."""


class Requirement:
    """A dependency that signs the caller in and checks one permission."""

    def __init__(self, permission: str) -> None:
        if permission != SIGNED_IN and permission not in all_permissions():
            raise ValueError(f"unknown permission {permission!r}")
        self.permission = permission
        self.__name__ = f"requires_{permission.replace('.', '_')}"

    async def __call__(
        self, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        if self.permission != SIGNED_IN:
            principal.require(self.permission)
        return principal

    def __repr__(self) -> str:
        return f"Requirement({self.permission!r})"


class PublicAccess:
    """A dependency that declares a route open to anyone; it returns the caller, if any."""

    permission = PUBLIC_ACCESS
    __name__ = "public_access"

    async def __call__(
        self, principal: Annotated[Principal | None, Depends(optional_principal)]
    ) -> Principal | None:
        return principal


_requirements: dict[str, Requirement] = {}


def Requires(permission: str) -> Any:  # noqa: N802 - reads as a type annotation
    """``Depends`` on the caller holding ``permission`` (or ``SIGNED_IN``)."""
    requirement = _requirements.get(permission)
    if requirement is None:
        requirement = _requirements[permission] = Requirement(permission)
    return Depends(requirement)


_public = PublicAccess()
PUBLIC: DependsParam = Depends(_public)
"""For ``dependencies=[PUBLIC]`` or ``principal: Annotated[Principal | None, PUBLIC]``."""


def declared_permissions(dependant: Any) -> set[str]:
    """The permissions a route's dependency tree declares (for the route test)."""
    found: set[str] = set()
    stack = [dependant]
    while stack:
        node = stack.pop()
        call = getattr(node, "call", None)
        permission = getattr(call, "permission", None)
        if isinstance(call, Requirement | PublicAccess) and isinstance(permission, str):
            found.add(permission)
        stack.extend(getattr(node, "dependencies", []))
    return found
