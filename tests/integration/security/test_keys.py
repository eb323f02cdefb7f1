from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.config import ConfigError
from jingwu.org import service
from jingwu.org.models import Staff
from jingwu.org.schemas import StaffIn
from jingwu.security import keys
from jingwu.security.service import check_keys, retire_old_canaries, rotate
from tests.conftest import make_keyring
from tests.factories.org import make_tree

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)


def add_phone(session: Session, unit_id: int, phone: str) -> Staff:
    return service.add_staff(
        session,
        SYSTEM,
        unit_id=unit_id,
        data=StaffIn(name="赵六", category="auxiliary", phone=phone),
    )


def test_phones_are_never_written_in_plaintext(session: Session) -> None:
    t = make_tree(session)
    staff = add_phone(session, t["SA01"].id, "13812345678")
    raw = session.execute(text("SELECT phone FROM staff WHERE id=:i"), {"i": staff.id}).scalar_one()
    assert "13812345678" not in raw and raw.startswith("v1.aes.k1.")
    session.expire_all()
    assert session.get(Staff, staff.id).phone == "13812345678"  # type: ignore[union-attr]


def test_start_up_stops_when_a_key_cannot_read_the_stored_data(
    session: Session, keyring: keys.Keyring
) -> None:
    check_keys(session, keyring, now=NOW)
    impostor = make_keyring(kid="k1")
    with pytest.raises(ConfigError, match="'k1' cannot decrypt"):
        check_keys(session, impostor, now=NOW)
    missing = make_keyring(kid="k9")
    with pytest.raises(ConfigError, match="'k1' is needed"):
        check_keys(session, missing, now=NOW)


def test_start_up_stops_when_the_blind_index_key_changed(
    session: Session, keyring: keys.Keyring
) -> None:
    check_keys(session, keyring, now=NOW)
    other = keys.Keyring(
        secret_key=keyring.secret_key,
        blind_index_key=b"x" * 32,
        data_keys=keyring.data_keys,
        active=keyring.active,
    )
    with pytest.raises(ConfigError, match="BLIND_INDEX"):
        check_keys(session, other, now=NOW)


@pytest.mark.parametrize("alg", ["aes", "sm4"])
def test_rotation_re_encrypts_every_value_under_the_new_key(
    session: Session, keyring: keys.Keyring, alg: keys.Algorithm
) -> None:
    t = make_tree(session)
    staff = add_phone(session, t["SA01"].id, "13900001111")
    check_keys(session, keyring, now=NOW)
    new = keys.new_data_key("k2", alg)
    rotated = keys.Keyring(
        secret_key=keyring.secret_key,
        blind_index_key=keyring.blind_index_key,
        data_keys={**keyring.data_keys, "k2": new},
        active="k2",
    )
    keys.install(rotated)
    counts = rotate(session, rotated)
    assert counts["staff.phone"] >= 1
    retire_old_canaries(session, rotated)
    check_keys(session, rotated, now=NOW)
    raw = session.execute(text("SELECT phone FROM staff WHERE id=:i"), {"i": staff.id}).scalar_one()
    assert raw.startswith(f"v1.{alg}.k2.")
    only_new = keys.Keyring(
        secret_key=keyring.secret_key,
        blind_index_key=keyring.blind_index_key,
        data_keys={"k2": new},
        active="k2",
    )
    keys.install(only_new)
    session.expire_all()
    assert session.get(Staff, staff.id).phone == "13900001111"  # type: ignore[union-attr]
    check_keys(session, only_new, now=NOW)
