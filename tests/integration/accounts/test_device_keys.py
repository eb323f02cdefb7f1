"""Device keys: the ceremonies' state (single-use challenges, the signature counter, the
origin) and the roles that must sign in with a key (both databases)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.orm import Session

from jingwu.accounts import devicekeys, service, signin
from jingwu.accounts.devicekeys import RelyingParty
from jingwu.accounts.scope import SYSTEM
from jingwu.errors import Conflict, Invalid, Unauthenticated
from jingwu.security import totp
from tests.factories import accounts as fa
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.authenticator import SoftAuthenticator
from tests.factories.org import make_tree

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
RP = RelyingParty("https://jingwu.example")
SECRET = b"k" * 32


def enrol(session: Session, tu: fa.TestUser, device: SoftAuthenticator) -> None:
    options = devicekeys.registration_options(session, user=tu.user, rp=RP, now=NOW)
    devicekeys.register(
        session, user=tu.user, credential=device.create(options), name="phone", rp=RP, now=NOW
    )


def answer(session: Session, tu: fa.TestUser, device: SoftAuthenticator, **kw: object) -> str:
    options = devicekeys.sign_in_options(
        session, username=tu.username, rp=RP, now=NOW, secret=SECRET
    )
    return device.get(options, **kw)  # type: ignore[arg-type]


def sign_in_with(session: Session, tu: fa.TestUser, credential: str) -> signin.SignedIn:
    return signin.authenticate(
        session,
        username=tu.username,
        password=PASSWORD,
        device_key=credential,
        rp=RP,
        ip="10.0.0.1",
        now=NOW,
    )


@pytest.fixture
def officer(session: Session) -> fa.TestUser:
    return make_user(session, make_tree(session)["SA01"], "officer")


def device() -> SoftAuthenticator:
    return SoftAuthenticator(rp_id="jingwu.example", origin=RP.origin)


def test_a_registered_key_signs_in_with_the_password(
    session: Session, officer: fa.TestUser
) -> None:
    key = device()
    enrol(session, officer, key)
    assert [k.name for k in devicekeys.list_keys(session, user_id=officer.user.id)] == ["phone"]
    signed = sign_in_with(session, officer, answer(session, officer, key))
    assert signed.user.id == officer.user.id and not signed.needs_device_key


def test_a_challenge_is_used_once(session: Session, officer: fa.TestUser) -> None:
    key = device()
    enrol(session, officer, key)
    credential = answer(session, officer, key)
    assert sign_in_with(session, officer, credential)
    with pytest.raises(Unauthenticated):
        sign_in_with(session, officer, credential)  # replayed


def test_a_registration_challenge_is_used_once(session: Session, officer: fa.TestUser) -> None:
    options = devicekeys.registration_options(session, user=officer.user, rp=RP, now=NOW)
    first = device().create(options)
    devicekeys.register(session, user=officer.user, credential=first, name="a", rp=RP, now=NOW)
    with pytest.raises(Invalid):
        devicekeys.register(
            session,
            user=officer.user,
            credential=device().create(options),
            name="b",
            rp=RP,
            now=NOW,
        )


def test_an_expired_challenge_is_refused(session: Session, officer: fa.TestUser) -> None:
    options = devicekeys.registration_options(session, user=officer.user, rp=RP, now=NOW)
    later = NOW + devicekeys.CHALLENGE_TTL + dt.timedelta(seconds=1)
    with pytest.raises(Invalid):
        devicekeys.register(
            session,
            user=officer.user,
            credential=device().create(options),
            name="a",
            rp=RP,
            now=later,
        )


def test_a_signature_counter_that_does_not_grow_is_a_cloned_key(
    session: Session, officer: fa.TestUser
) -> None:
    key = device()
    enrol(session, officer, key)
    assert sign_in_with(session, officer, answer(session, officer, key, count=5))
    with pytest.raises(Unauthenticated):
        sign_in_with(session, officer, answer(session, officer, key, count=5))
    assert sign_in_with(session, officer, answer(session, officer, key, count=6))


def test_an_answer_made_for_another_origin_is_refused(
    session: Session, officer: fa.TestUser
) -> None:
    options = devicekeys.registration_options(session, user=officer.user, rp=RP, now=NOW)
    phished = device().create(options, origin="https://jingwu.example.evil.test")
    with pytest.raises(Invalid):
        devicekeys.register(
            session, user=officer.user, credential=phished, name="a", rp=RP, now=NOW
        )
    key = device()
    enrol(session, officer, key)
    with pytest.raises(Unauthenticated):
        sign_in_with(session, officer, answer(session, officer, key, origin="https://evil.test"))


def test_another_users_challenge_does_not_open_this_account(session: Session) -> None:
    t = make_tree(session)
    alice, bob = make_user(session, t["SA01"], "officer"), make_user(session, t["SA01"], "chief")
    key = device()
    enrol(session, alice, key)
    options = devicekeys.sign_in_options(
        session, username=bob.username, rp=RP, now=NOW, secret=SECRET
    )
    with pytest.raises(Unauthenticated):
        sign_in_with(session, alice, key.get(options))


def test_the_options_look_the_same_for_unknown_users(
    session: Session, officer: fa.TestUser
) -> None:
    unknown = json.loads(
        devicekeys.sign_in_options(session, username="nobody", rp=RP, now=NOW, secret=SECRET)
    )
    keyless = json.loads(
        devicekeys.sign_in_options(
            session, username=officer.username, rp=RP, now=NOW, secret=SECRET
        )
    )
    assert len(unknown["allowCredentials"]) == len(keyless["allowCredentials"]) == 1
    assert unknown["allowCredentials"] != keyless["allowCredentials"]


def test_malformed_answers_are_refused_with_a_sentence(
    session: Session, officer: fa.TestUser
) -> None:
    for junk in ("", "{}", "[1]", '{"id": 1, "response": {"clientDataJSON": "e30"}}', "x" * 70_000):
        with pytest.raises(Invalid):
            devicekeys.register(
                session, user=officer.user, credential=junk, name="", rp=RP, now=NOW
            )
        with pytest.raises(Unauthenticated):
            sign_in_with(session, officer, junk)


def test_a_role_that_requires_a_key_is_sent_to_enrol_one(
    session: Session, officer: fa.TestUser
) -> None:
    devicekeys.set_required_roles(session, SYSTEM, roles={"officer"})
    code = totp.code_at(officer.secret, NOW.timestamp())
    signed = signin.authenticate(
        session, username=officer.username, password=PASSWORD, code=code, ip="10.0.0.1", now=NOW
    )
    assert signed.needs_device_key
    key = device()
    enrol(session, officer, key)
    later = NOW + dt.timedelta(seconds=30)
    with pytest.raises(Unauthenticated, match="device key"):
        signin.authenticate(
            session,
            username=officer.username,
            password=PASSWORD,
            code=totp.code_at(officer.secret, later.timestamp()),
            ip="10.0.0.1",
            now=later,
        )
    assert not sign_in_with(session, officer, answer(session, officer, key)).needs_device_key


def test_the_last_key_of_a_role_that_requires_one_stays(
    session: Session, officer: fa.TestUser
) -> None:
    devicekeys.set_required_roles(session, SYSTEM, roles={"officer"})
    enrol(session, officer, device())
    (only,) = devicekeys.list_keys(session, user_id=officer.user.id)
    with pytest.raises(Conflict):
        devicekeys.remove_key(session, user=officer.user, key_id=only.id, now=NOW)
    enrol(session, officer, device())
    devicekeys.remove_key(session, user=officer.user, key_id=only.id, now=NOW)


def test_resetting_the_second_factor_forgets_the_keys(
    session: Session, officer: fa.TestUser
) -> None:
    enrol(session, officer, device())
    service.reset_second_factor(session, SYSTEM, username=officer.username)
    assert not devicekeys.has_keys(session, user_id=officer.user.id)


def test_only_known_roles_can_be_required(session: Session) -> None:
    with pytest.raises(Invalid):
        devicekeys.set_required_roles(session, SYSTEM, roles={"wizard"})


def test_expired_challenges_are_pruned(session: Session, officer: fa.TestUser) -> None:
    devicekeys.registration_options(session, user=officer.user, rp=RP, now=NOW)
    devicekeys.sign_in_options(session, username="nobody", rp=RP, now=NOW, secret=SECRET)
    assert devicekeys.prune_challenges(session, now=NOW) == 0
    later = NOW + devicekeys.CHALLENGE_TTL + dt.timedelta(seconds=1)
    assert devicekeys.prune_challenges(session, now=later) == 2
