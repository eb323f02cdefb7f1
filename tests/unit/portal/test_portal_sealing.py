"""Sealing to the intranet's public key, and the public grid and timeline (pure)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.portal.public import GRID_DEG, PHRASES, entry, extend, snap, step_for
from jingwu.portal.sealing import (
    SealError,
    load_private,
    load_public,
    new_pair,
    open_sealed,
    private_from_seed,
    seal,
)
from jingwu.portal.zone import INTERNET_GRANTS

PRIVATE = private_from_seed(b"x" * 32)


@given(st.binary(max_size=2000), st.sampled_from(["public_inbox.sealed", "other.col"]))
def test_a_sealed_value_opens_with_the_private_key_only(data: bytes, context: str) -> None:
    sealed = seal(PRIVATE.public_key(), data, context)
    assert data == open_sealed(PRIVATE, sealed, context)
    with pytest.raises(SealError):
        open_sealed(private_from_seed(b"y" * 32), sealed, context)
    with pytest.raises(SealError):
        open_sealed(PRIVATE, sealed, context + "x")


def test_sealing_twice_gives_different_values_and_tampering_is_refused() -> None:
    a, b = (seal(PRIVATE.public_key(), b"13800138000", "c") for _ in range(2))
    assert a != b and "13800138000" not in a
    body = a[:-6] + ("A" if a[-6] != "A" else "B") + a[-5:]
    with pytest.raises(SealError):
        open_sealed(PRIVATE, body, "c")
    with pytest.raises(SealError):
        open_sealed(PRIVATE, "v1.aes.k1.xx", "c")


def test_keygen_pairs_match() -> None:
    priv, pub = new_pair()
    sealed = seal(load_public(pub), b"hello", "c")
    assert open_sealed(load_private(priv), sealed, "c") == b"hello"


@given(st.floats(min_value=-180, max_value=180, allow_nan=False))
def test_snap_moves_a_point_by_at_most_half_a_cell(value: float) -> None:
    snapped = snap(value)
    assert snapped is not None
    assert abs(snapped - value) <= GRID_DEG / 2 + 1e-4
    assert snap(snapped) == snapped


def test_timeline_steps_are_public_phrases() -> None:
    at = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)
    line = extend([entry("received", at)], "accepted", at)
    assert [e["step"] for e in extend(line, "accepted", at)] == ["received", "accepted"]
    assert line[0] == {"at": "2026-12-07T02:00:00+00:00", "status": "open", "step": "received"}
    for state in ("received", "in_progress", "resolved", "closed", "rejected", "unknown"):
        assert step_for(state) in PHRASES
    assert PHRASES[step_for("closed")][0] == "closed"


def test_the_internet_zone_touches_only_the_inbox_published_and_its_own_tables() -> None:
    # read only: the catalogue Open311 publishes as its services; the schema's version
    lookups = {"categories", "alembic_version"}
    for table, privileges in INTERNET_GRANTS.items():
        if table in lookups:
            assert privileges == {"SELECT"}, table
            continue
        assert table.startswith(("pub_", "public_", "portal_", "open311_")), table
        assert privileges <= {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert INTERNET_GRANTS["public_inbox"] == {"INSERT", "SELECT"}
