"""Broker files: Mosquitto $7$ hashes, password file, ACL and configuration text."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.iot.brokerconf import (
    Account,
    BrokerConfError,
    BrokerSettings,
    Role,
    acl_file,
    broker_config,
    broker_files,
    device_account,
    gateway_account,
    hash_password,
    ingester_account,
    password_file,
    verify_password,
)

# Produced by the real `mosquitto_passwd -c -b FILE dev1 secret` (Mosquitto 2.0.11):
KNOWN = (
    "$7$101$RsPVlgCGof+o9DEj$UrhM4ZEu1xzuT4t8ADUm52DWEJ8603g90OzkXIW6M5Wjie8xM1pkKjs9ESa93gVrjaJ"
    "nkBgbvMf/D7jlh32G/A=="
)
HASH = hash_password("x", salt=b"0" * 12)


def test_it_reproduces_a_hash_made_by_mosquitto_passwd() -> None:
    salt = base64.b64decode("RsPVlgCGof+o9DEj")
    assert hash_password("secret", salt=salt) == KNOWN
    assert verify_password("secret", KNOWN)
    assert not verify_password("Secret", KNOWN)


def test_a_hash_has_mosquittos_layout() -> None:
    h = hash_password("pw")
    _, kind, iterations, salt, digest = h.split("$")
    assert (kind, iterations) == ("7", "101")
    assert len(base64.b64decode(salt)) == 12
    assert len(base64.b64decode(digest)) == 64
    assert h != hash_password("pw"), "a fresh salt each time"


@settings(max_examples=25)
@given(st.text(min_size=1, max_size=40), st.integers(1, 50))
def test_any_password_verifies_against_its_own_hash(password: str, iterations: int) -> None:
    h = hash_password(password, iterations=iterations)
    assert verify_password(password, h)
    assert not verify_password(password + "x", h)


def test_it_verifies_the_legacy_sha512_format() -> None:
    import hashlib

    salt = b"abcdefghijkl"
    legacy = "$6$" + base64.b64encode(salt).decode() + "$"
    legacy += base64.b64encode(hashlib.sha512(b"old" + salt).digest()).decode()
    assert verify_password("old", legacy)
    assert not verify_password("new", legacy)


@pytest.mark.parametrize(
    "bad", ["", "plain", "$7$x$AAAA$AAAA", "$7$0$AAAA$AAAA", "$7$101$!!$AAAA", "$9$1$2$3"]
)
def test_malformed_hashes_never_verify(bad: str) -> None:
    assert not verify_password("anything", bad)


def test_it_refuses_empty_passwords_and_zero_iterations() -> None:
    with pytest.raises(BrokerConfError):
        hash_password("")
    with pytest.raises(BrokerConfError):
        hash_password("x", iterations=0)


def accounts() -> list[Account]:
    return [
        device_account("dev-b", HASH, station="GS03", device="dev-b"),
        device_account("dev-a", HASH, station="GS03", device="dev-a"),
        gateway_account("gw-1", HASH, devices=[("GS04", "d2"), ("GS03", "d1"), ("GS03", "d1")]),
        ingester_account("ingest", HASH),
    ]


def test_the_password_file_has_one_sorted_line_per_account() -> None:
    assert password_file(accounts()).splitlines() == [
        f"dev-a:{HASH}",
        f"dev-b:{HASH}",
        f"gw-1:{HASH}",
        f"ingest:{HASH}",
    ]


def test_the_acl_confines_each_account_to_its_topics() -> None:
    acl = acl_file(accounts())
    body = [ln for ln in acl.splitlines() if ln and not ln.startswith("#")]
    assert body == [
        "user dev-a",
        "topic write jingwu/v1/GS03/dev-a/#",
        "user dev-b",
        "topic write jingwu/v1/GS03/dev-b/#",
        "user gw-1",
        "topic write jingwu/v1/GS03/d1/#",
        "topic write jingwu/v1/GS04/d2/#",
        "user ingest",
        "topic read jingwu/v1/#",
    ]


@pytest.mark.parametrize(
    ("account", "message"),
    [
        (device_account("bad name", HASH, station="S", device="d"), "username"),
        (device_account("a:b", HASH, station="S", device="d"), "username"),
        (device_account("ok", "plaintext", station="S", device="d"), "hash"),
        (device_account("ok", HASH + "\nuser x", station="S", device="d"), "hash"),
        (device_account("ok", HASH, station="S", device="+"), "device code"),
        (Account("ok", HASH, Role.DEVICE, ()), "exactly one device"),
        (Account("ok", HASH, Role.GATEWAY, ()), "list its devices"),
        (Account("ok", HASH, Role.INGESTER, (("S", "d"),)), "must not list"),
    ],
)
def test_it_refuses_accounts_that_would_break_the_files(account: Account, message: str) -> None:
    with pytest.raises(BrokerConfError, match=message):
        acl_file([account])


def test_a_username_may_appear_only_once() -> None:
    with pytest.raises(BrokerConfError, match="twice"):
        password_file(
            [ingester_account("x", HASH), device_account("x", HASH, station="S", device="d")]
        )


def test_the_broker_config_turns_on_auth_persistence_and_raised_limits() -> None:
    conf = broker_config(
        BrokerSettings(
            port=18831,
            users_file="/t/passwd",
            acl_file="/t/acl",
            persistence_dir="/t/data",
            run_as="me",
        )
    ).splitlines()
    for line in [
        "allow_anonymous false",
        "password_file /t/passwd",
        "acl_file /t/acl",
        "listener 18831 127.0.0.1",
        "persistence true",
        "persistence_location /t/data/",
        "max_queued_messages 1000000",
        "max_inflight_messages 1000",
        "persistent_client_expiration 14d",
        "user me",
    ]:
        assert line in conf


@pytest.mark.parametrize(
    "settings_",
    [
        BrokerSettings(port=0),
        BrokerSettings(max_queued_messages=10),
        BrokerSettings(acl_file="a\nb"),
    ],
)
def test_it_refuses_unusable_broker_settings(settings_: BrokerSettings) -> None:
    with pytest.raises(BrokerConfError):
        broker_config(settings_)


def test_broker_files_names_the_three_files() -> None:
    files = broker_files(accounts(), BrokerSettings())
    assert set(files) == {"passwd", "acl", "mosquitto.conf"}
    assert "user root" not in files["mosquitto.conf"]
