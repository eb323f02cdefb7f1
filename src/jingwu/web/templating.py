"""Jinja2 templates with i18n, shared filters and an htmx-aware render helper."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from jingwu.accounts.roles import label as role_label
from jingwu.config import get_settings
from jingwu.registry import template_dirs
from jingwu.web.i18n import translations


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a stored UTC time in the configured zone (Asia/Shanghai by default)."""
    if value is None:
        return ""
    return value.astimezone(get_settings().tz).strftime(fmt)


def percent(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value * 100:.{digits}f}%"


@pass_context
def role_name(ctx: Context, role: str) -> str:
    """The role's name in the language of the page being rendered."""
    gettext = ctx.get("_")  # absent in a macro imported without context: English
    return str(gettext(role_label(role))) if gettext else role_label(role)


@cache
def environment() -> Environment:
    """The process-wide Jinja2 environment."""
    env = Environment(
        loader=FileSystemLoader([str(d) for d in template_dirs()]),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local_time"] = local_time
    env.filters["percent"] = percent
    env.globals["role_label"] = role_name
    return env


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` in the request's language with the shell's common context."""
    language = getattr(request.state, "language", "zh_CN")
    env = environment()
    tr = translations(language)
    ctx: dict[str, Any] = {
        "request": request,
        "language": language,
        "principal": getattr(request.state, "principal", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "nav": getattr(request.app.state, "nav", []),
        "settings": request.app.state.settings,
        "htmx": is_htmx(request),
        "_": tr.ugettext,
        "gettext": tr.ugettext,
        "ngettext": tr.ungettext,
    }
    ctx.update(context or {})
    # install per render: the environment is shared, the language is per request
    body = env.get_template(template).render(ctx)
    return HTMLResponse(body, status_code=status_code, headers=headers)
