"""The keyring follows its key source: new keys are picked up, keys in use never dropped."""

from __future__ import annotations

import dataclasses

import pytest

from jingwu.config import ConfigError
from jingwu.security import keys
from tests.conftest import make_keyring


def _source(rings: list[keys.Keyring]) -> keys.KeySource:
    return keys.KeySource(load=lambda: rings[-1], stamp=lambda: len(rings))


def test_an_unknown_key_id_is_looked_for_in_the_key_source() -> None:
    ring = make_keyring()
    rings = [ring]
    keys.install(ring, _source(rings))
    k2 = keys.new_data_key("k2")
    rings.append(dataclasses.replace(ring, data_keys={**ring.data_keys, "k2": k2}, active="k2"))
    assert ring.get("k2") == k2  # the ring held since start-up finds it too
    assert keys.current().active == "k2"
    assert keys.following(ring).active == "k2"


def test_a_source_that_lost_a_key_in_use_is_not_followed() -> None:
    ring = make_keyring()
    rings = [ring]
    keys.install(ring, _source(rings))
    k2 = keys.new_data_key("k2")
    rings.append(dataclasses.replace(ring, data_keys={"k2": k2}, active="k2"))
    with pytest.raises(ConfigError, match="'k2' is needed"):
        ring.get("k2")
    assert keys.current() is ring


def test_without_a_source_an_unknown_key_is_an_error() -> None:
    ring = make_keyring()
    keys.install(ring)
    with pytest.raises(ConfigError, match="'k9' is needed"):
        ring.get("k9")
