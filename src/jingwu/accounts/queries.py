"""Read models of accounts: demo sign-in codes, account overview."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.models import ApiToken, RecoveryCode, User
from jingwu.security import totp

DEMO_PREFIX = "demo-"


@dataclass(frozen=True)
class DemoCode:
    """A demo account's current one-time code, or that it was just used."""

    username: str
    role: str
    code: str | None  # None: this step's code was used; wait for the next one
    seconds_left: int


def demo_codes(session: Session, *, unix_time: float) -> list[DemoCode]:
    """Current codes of the demo accounts (shown on the sign-in page in demo mode only)."""
    users = session.scalars(
        select(User)
        .where(User.username.startswith(DEMO_PREFIX), User.totp_confirmed.is_(True))
        .order_by(User.id)
    )
    step = totp.step_at(unix_time)
    out = []
    for user in users:
        assert user.totp_secret is not None
        used = user.totp_last_step is not None and user.totp_last_step >= step
        code = None if used else totp.code_at(user.totp_secret, unix_time)
        out.append(DemoCode(user.username, user.role, code, totp.seconds_left(unix_time)))
    return out


@dataclass(frozen=True)
class AccountOverview:
    user: User
    recovery_left: int
    tokens: list[ApiToken]


def overview(session: Session, *, user_id: int) -> AccountOverview:
    """What the account page shows for the signed-in user."""
    user = session.get(User, user_id)
    assert user is not None
    left = len(
        list(
            session.scalars(
                select(RecoveryCode.id).where(
                    RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
                )
            )
        )
    )
    tokens = list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
        )
    )
    return AccountOverview(user, left, tokens)
