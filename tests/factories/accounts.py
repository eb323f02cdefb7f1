"""Factories for users with an enrolled second factor, and signing in through the web."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts import service
from jingwu.accounts.models import User
from jingwu.accounts.scope import SYSTEM, Principal
from jingwu.org.models import Unit
from jingwu.security import totp

PASSWORD = "correct horse battery"
NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)


@dataclass
class TestUser:
    user: User
    secret: str
    password: str = PASSWORD

    @property
    def username(self) -> str:
        return self.user.username


def make_user(
    session: Session, unit: Unit, role: str, username: str | None = None, *, enrolled: bool = True
) -> TestUser:
    secret = totp.new_secret()
    user = service.create_user(
        session,
        SYSTEM,
        username=username or f"{role}-{unit.short_code.lower()}",
        display_name=f"{role} of {unit.short_code}",
        unit_id=unit.id,
        role=role,
        password=PASSWORD,
        now=NOW,
        totp_secret=secret if enrolled else None,
    )
    session.flush()
    return TestUser(user, user.totp_secret or secret)


def principal(session: Session, tu: TestUser) -> Principal:
    p = service.load_principal(session, tu.user.id)
    assert p is not None
    return p


def csrf(client: TestClient) -> str:
    """The CSRF token of the client's browser (fetching a page sets it)."""
    token = client.cookies.get("jingwu_csrf")
    if token is None:
        client.get("/login")
        token = client.cookies.get("jingwu_csrf")
    assert token
    return token


def sign_in(client: TestClient, tu: TestUser, now: dt.datetime, *, code: str | None = None):  # type: ignore[no-untyped-def]
    """Sign in through the login form; returns the response."""
    return client.post(
        "/login",
        data={
            "username": tu.username,
            "password": tu.password,
            "code": code if code is not None else totp.code_at(tu.secret, now.timestamp()),
            "csrf_token": csrf(client),
            "next": "/",
        },
        follow_redirects=False,
    )
