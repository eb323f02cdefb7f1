from __future__ import annotations

import json
from pathlib import Path

import pytest

from jingwu.config import ConfigError, load_settings
from jingwu.security import keys


def test_a_bad_setting_stops_with_one_sentence_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JINGWU_PORT", "eighty")
    with pytest.raises(ConfigError, match=r"^Setting JINGWU_PORT is invalid: .*\.$"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JINGWU_TIME_ZONE", "Mars/Olympus"),
        ("JINGWU_ZONE", "dmz"),
        ("JINGWU_DATABASE_URL", "mysql://x"),
        ("JINGWU_ENVIRONMENT", "staging"),
    ],
)
def test_each_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()


def test_development_generates_missing_keys_once(tmp_path: Path) -> None:
    s = load_settings(var_dir=tmp_path)
    first = keys.load_keyring(s)
    stored = json.loads((tmp_path / "keys.json").read_text())
    assert set(stored) == {"secret_key", "blind_index_key", "data_keys", "data_key_active"}
    assert oct((tmp_path / "keys.json").stat().st_mode & 0o777) == "0o600"
    again = keys.load_keyring(s)
    assert again.active_key.key == first.active_key.key


def test_production_refuses_to_start_without_keys(tmp_path: Path) -> None:
    s = load_settings(var_dir=tmp_path, environment="production")
    with pytest.raises(ConfigError, match="JINGWU_SECRET_KEY is missing"):
        keys.load_keyring(s)
    assert not (tmp_path / "keys.json").exists()


def test_configured_keys_are_validated(tmp_path: Path) -> None:
    s = load_settings(
        var_dir=tmp_path,
        environment="production",
        secret_key="c2VjcmV0",
        blind_index_key="YmxpbmQ=",
        data_keys="k1:aes:c2hvcnQ=",
        data_key_active="k1",
    )
    with pytest.raises(ConfigError, match="32 bytes"):
        keys.load_keyring(s)
    good = keys.format_data_keys({"k1": keys.new_data_key("k1", "sm4")})
    ring = keys.load_keyring(
        load_settings(
            var_dir=tmp_path,
            environment="production",
            secret_key="c2VjcmV0",
            blind_index_key="YmxpbmQ=",
            data_keys=good,
            data_key_active="k1",
        )
    )
    assert ring.active_key.alg == "sm4"
    with pytest.raises(ConfigError, match="ACTIVE"):
        keys.load_keyring(
            load_settings(
                var_dir=tmp_path,
                environment="production",
                secret_key="c2VjcmV0",
                blind_index_key="YmxpbmQ=",
                data_keys=good,
                data_key_active="k7",
            )
        )
