"""What the accounts pages share: the relying party, the throttle's numbers, translated
errors, and the user of a session that may not have finished enrolling."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Request

from jingwu.accounts import devicekeys, service, throttle
from jingwu.accounts.models import User
from jingwu.config import Settings
from jingwu.errors import Unauthenticated
from jingwu.web.deps import SESSION_COOKIE, Now, SessionDep


def relying_party(request: Request, settings: Settings) -> devicekeys.RelyingParty:
    """The WebAuthn relying party: ``JINGWU_WEBAUTHN_ORIGIN``, else the request's origin."""
    return devicekeys.RelyingParty(
        settings.webauthn_origin or f"{request.url.scheme}://{request.url.netloc}"
    )


def throttle_policy(settings: Settings) -> throttle.ThrottlePolicy:
    return throttle.ThrottlePolicy(
        free_failures=settings.login_max_failures,
        window=dt.timedelta(minutes=settings.login_window_minutes),
        account_ceiling=settings.login_account_ceiling,
        address_ceiling=settings.login_address_ceiling,
    )


def enrolling_user(request: Request, session: SessionDep, now: Now) -> User:
    """The signed-in user, whether or not the second factor is enrolled."""
    token = request.cookies.get(SESSION_COOKIE)
    found = service.session_user(session, token=token, now=now) if token else None
    if found is None:
        raise Unauthenticated("Please sign in.")
    return found[1]


EnrollingUser = Annotated[User, Depends(enrolling_user)]
