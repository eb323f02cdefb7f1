"""The reference data page: outside departments and the editable category catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Invalid
from jingwu.reference import service
from jingwu.web.authz import Requires
from jingwu.web.deps import SessionDep
from jingwu.web.i18n import error_fields, error_text, translated
from jingwu.web.nav import NavItem
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Reference data", "/reference", "org.view", order=85)]


def _page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Response:
    return render(
        request,
        "reference/index.html",
        {
            "departments": service.departments(session, active_only=False),
            "categories": service.categories(session, active_only=False),
            "modules": service.MODULES,
            "tiers": service.TIERS,
            "can_edit": principal.can("reference.edit"),
            "form": form or {},
            "errors": errors or {},
            "message": message,
        },
        status_code=status,
    )


@router.get("/reference", response_class=HTMLResponse)
def index(
    request: Request, session: SessionDep, principal: Annotated[Principal, Requires("org.view")]
) -> Response:
    return _page(request, session, principal)


def _minutes(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid("Minutes must be a whole number.", fields={"minutes": "not a number"})
    return int(value)


@router.post("/reference/categories", response_class=HTMLResponse)
def save_category(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("reference.edit")],
    code: Annotated[str, Form()] = "",
    module: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    name_en: Annotated[str, Form()] = "",
    default_tier: Annotated[str, Form()] = "",
    orange_response_minutes: Annotated[str, Form()] = "",
    orange_completion_minutes: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    form = {
        "code": code,
        "module": module,
        "name": name,
        "name_en": name_en,
        "default_tier": default_tier,
        "orange_response_minutes": orange_response_minutes,
        "orange_completion_minutes": orange_completion_minutes,
    }
    try:
        with session.begin_nested():
            service.save_category(
                session,
                principal,
                code=code.strip(),
                module=module,
                name=name,
                name_en=name_en,
                default_tier=default_tier,
                orange_response_minutes=_minutes(orange_response_minutes),
                orange_completion_minutes=_minutes(orange_completion_minutes),
                active=active != "0",
            )
    except Invalid as exc:
        return _page(
            request,
            session,
            principal,
            form=form,
            errors=error_fields(request, exc),
            message=error_text(request, exc),
            status=422,
        )
    return _page(
        request,
        session,
        principal,
        message=translated(request, "Category {code} saved.", code=code),
    )
