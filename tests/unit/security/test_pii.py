from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.security import pii

VALID_ID = "11010519491231002X"  # the GB 11643 worked example


def test_it_accepts_the_standards_example_id_number() -> None:
    assert pii.normalize_id_number(VALID_ID.lower()) == VALID_ID
    assert pii.birth_date_of(VALID_ID).isoformat() == "1949-12-31"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("1101051949123100", "18 characters"),
        ("11010519491231002Y", "17 digits"),
        ("110105194913310021", "not a date"),
        ("110105194912310021", "check character"),
        ("110105189912310023", "before 1900"),
    ],
)
def test_it_rejects_bad_id_numbers_saying_why(value: str, why: str) -> None:
    with pytest.raises(pii.IdentifierError, match=why):
        pii.normalize_id_number(value)


ids17 = st.builds(
    lambda area, y, m, d, seq: f"{area:06d}{y:04d}{m:02d}{d:02d}{seq:03d}",
    st.integers(110000, 659999),
    st.integers(1900, 2020),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 999),
)


@given(ids17, st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_breaks_the_check(first17: str, pos: int, delta: int) -> None:
    valid = first17 + pii.id_check_char(first17)
    assert pii.normalize_id_number(valid) == valid
    changed = first17[:pos] + str((int(first17[pos]) + delta) % 10) + first17[pos + 1 :]
    with pytest.raises(pii.IdentifierError):
        pii.normalize_id_number(changed + valid[17])


def test_masks_keep_only_what_is_needed() -> None:
    assert pii.mask_id_number(VALID_ID) == "110105********002X"
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_name("张三丰") == "张**"


def test_phones_are_normalised_or_refused() -> None:
    assert pii.normalize_phone("+86 138 1234 5678") == "13812345678"
    assert pii.normalize_phone("0571-87654321") == "0571-87654321"
    with pytest.raises(pii.IdentifierError):
        pii.normalize_phone("12345")
