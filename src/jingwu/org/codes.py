"""Official codes of units (pure): GB/T 2260 division codes, GB 32100 credit codes, short codes.

Division codes: 6 digits for a county-level district (GB/T 2260), 9 with the street
(GB/T 10114), 12 with the community. Organisation codes: the 18-character unified social
credit code of GB 32100-2015, whose last character is a MOD 31 check.
"""

from __future__ import annotations

import re

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_PROVINCES = {
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
    41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
}  # fmt: skip
_SHORT = re.compile(r"^[A-Z]{1,4}[0-9]{1,4}$")


class CodeError(ValueError):
    """A code is malformed; the message says how."""


def check_division_code(code: str) -> str:
    """Validate a 6-, 9- or 12-digit administrative division code."""
    c = code.strip()
    if not c.isdigit() or len(c) not in (6, 9, 12):
        raise CodeError("a division code has 6, 9 or 12 digits (GB/T 2260, GB/T 10114)")
    if int(c[:2]) not in _PROVINCES:
        raise CodeError(f"{c[:2]} is not a province code of GB/T 2260")
    return c


def credit_check_char(first17: str) -> str:
    """The MOD 31 check character of a unified social credit code."""
    try:
        total = sum(
            _CREDIT_CHARS.index(ch) * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True)
        )
    except ValueError:
        raise CodeError(
            "a credit code uses digits and upper-case letters except I, O, S, V, Z"
        ) from None
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def check_org_code(code: str) -> str:
    """Validate an 18-character unified social credit code (GB 32100-2015)."""
    c = code.strip().upper()
    if len(c) != 18:
        raise CodeError("an organisation code has 18 characters (GB 32100-2015)")
    if credit_check_char(c[:17]) != c[17]:
        raise CodeError("the organisation code's check character is wrong")
    return c


def make_org_code(first17: str) -> str:
    """Complete 17 characters with their check character."""
    return first17 + credit_check_char(first17)


def check_short_code(code: str) -> str:
    """Validate a short unit code used in human-readable numbers (e.g. GS03)."""
    c = code.strip().upper()
    if not _SHORT.match(c):
        raise CodeError("a short code is 1-4 letters then 1-4 digits, e.g. GS03")
    return c


def check_police_number(number: str) -> str:
    """Validate a police number (警号): 6 to 8 digits."""
    n = number.strip()
    if not n.isdigit() or not 6 <= len(n) <= 8:
        raise CodeError("a police number has 6 to 8 digits")
    return n
