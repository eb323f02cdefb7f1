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

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from fastapi.routing import APIRoute
from starlette.routing import Route

from jingwu.accounts.principal import Principal
from jingwu.accounts.roles import all_permissions
from jingwu.errors import Unauthenticated
from jingwu.web.deps import Now, SessionDep, current_principal, optional_principal

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
    """A dependency that declares a route open to anyone; it returns the caller, if any.

    An open route never refuses: a stale token or a session still waiting for its second
    factor counts as anonymous here (signing out, enrolling and the sign-in page itself
    must work for them).
    """

    permission = PUBLIC_ACCESS
    __name__ = "public_access"

    async def __call__(self, request: Request, session: SessionDep, now: Now) -> Principal | None:
        try:
            return await optional_principal(request, session, now)
        except Unauthenticated:
            return None


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


@dataclass(frozen=True)
class RouteDeclaration:
    """A route of the app and the permissions its dependencies declare."""

    path: str
    methods: frozenset[str]
    permissions: frozenset[str]
    endpoint: Callable[..., Any] | None
    dependant: Any = None  # FastAPI's dependency tree (path and query parameters)


def _declared_by(dependencies: list[Any]) -> set[str]:
    found: set[str] = set()
    for dep in dependencies:
        node = SimpleNamespace(call=getattr(dep, "dependency", None), dependencies=[])
        found |= declared_permissions(node)
    return found


def route_table(app: Any) -> list[RouteDeclaration]:
    """Every route of ``app`` (included routers walked, mounts left out) with what it declares.

    Starlette routes without a dependency tree (the API documentation) declare nothing.
    """
    table: list[RouteDeclaration] = []

    def walk(routes: list[Any], prefix: str, inherited: list[Any]) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                context = getattr(route, "include_context", None)
                walk(
                    list(inner.routes),
                    prefix + str(getattr(context, "prefix", "") or ""),
                    [*inherited, *(getattr(context, "dependencies", None) or [])],
                )
            elif isinstance(route, APIRoute):
                declared = declared_permissions(route.dependant) | _declared_by(inherited)
                table.append(
                    RouteDeclaration(
                        prefix + route.path,
                        frozenset(route.methods or ()),
                        frozenset(declared),
                        route.endpoint,
                        route.dependant,
                    )
                )
            elif isinstance(route, Route):
                methods = frozenset(route.methods or ())
                table.append(RouteDeclaration(prefix + route.path, methods, frozenset(), None))

    walk(list(app.routes), "", [])
    return table
