"""Settings of sign-in and SMS: trusted proxies, the WebAuthn origin, the SMS gateway."""

from __future__ import annotations

import pytest

from jingwu.config import ConfigError, load_settings


def test_trusted_proxies_are_a_comma_separated_list_of_addresses_and_networks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JINGWU_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16,fd00::/8")
    assert load_settings().trusted_proxies == ["10.0.0.5/32", "10.1.0.0/16", "fd00::/8"]


def test_there_are_no_trusted_proxies_by_default() -> None:
    assert load_settings().trusted_proxies == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JINGWU_TRUSTED_PROXIES", "10.0.0.5, proxy.example"),
        ("JINGWU_WEBAUTHN_ORIGIN", "jingwu.example"),
        ("JINGWU_SMS_URL", "ftp://sms.example"),
        ("JINGWU_PUBLIC_URL", "/relative"),
    ],
)
def test_a_bad_value_is_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()


def test_an_sms_gateway_needs_its_shared_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JINGWU_SMS_URL", "https://sms.example/send")
    with pytest.raises(ConfigError, match="JINGWU_SMS_SECRET"):
        load_settings()
    monkeypatch.setenv("JINGWU_SMS_SECRET", "s3cret")
    assert load_settings().sms_url == "https://sms.example/send"
