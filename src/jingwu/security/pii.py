"""Validation and masking of personal identifiers (pure).

Resident ID numbers follow GB 11643-1999: 17 digits (6-digit division code, 8-digit birth
date, 3-digit sequence) and an ISO 7064 MOD 11-2 check character (0-9 or X).
"""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class IdentifierError(ValueError):
    """An identifier is malformed; the message says what is wrong."""


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    """Validate a resident ID number and return it upper-cased; raise IdentifierError."""
    v = value.strip().upper()
    if len(v) != 18:
        raise IdentifierError("an ID number has 18 characters")
    if not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        raise IdentifierError("an ID number is 17 digits and a digit or X")
    try:
        birth = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise IdentifierError("the birth date inside the ID number is not a date") from None
    if birth.year < 1900:
        raise IdentifierError("the birth date inside the ID number is before 1900")
    if id_check_char(v[:17]) != v[17]:
        raise IdentifierError("the ID number's check character is wrong")
    return v


def birth_date_of(id_number: str) -> dt.date:
    """Birth date encoded in a valid ID number."""
    v = normalize_id_number(id_number)
    return dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))


def mask_id_number(value: str) -> str:
    """Show the division code's first 6 and the last 4 characters: 110105********123X."""
    v = value.strip()
    if len(v) <= 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def normalize_phone(value: str) -> str:
    """Validate a mainland mobile (11 digits, 1[3-9]…) or landline (0xx-xxxxxxxx) number."""
    v = re.sub(r"[\s()]", "", value.strip())
    v = v.removeprefix("+86").removeprefix("0086")
    if _MOBILE.match(v) or _LANDLINE.match(v):
        return v
    raise IdentifierError(
        "a phone number is an 11-digit mobile (1[3-9]…) or a landline 0xx-xxxxxxxx"
    )


def mask_phone(value: str) -> str:
    """138****5678 for mobiles; keep area code and last 4 for landlines."""
    v = value.strip()
    if len(v) == 11 and v.isdigit():
        return v[:3] + "****" + v[-4:]
    if len(v) > 4:
        return v[: max(0, len(v) - 8)] + "*" * min(4, len(v) - 4) + v[-4:]
    return "*" * len(v)


def mask_name(value: str) -> str:
    """Keep the surname: 张** / J*** (for display where the full name is not needed)."""
    v = value.strip()
    if not v:
        return v
    return v[0] + "*" * max(1, len(v) - 1)
