"""De-identification of a case's text before it enters the case library (pure).

What is replaced, in this order:

1. the names and addresses known from the records (the reporter, the parties, the mediator,
   the order's address), longest first → ``某某`` / ``[地址]``;
2. a person named by surname and a form of address (``王先生``, ``李阿姨``) → ``某先生``;
3. street addresses (``文三路 100 号``, ``3 单元``, ``502 室``, ``7 幢``) → ``[地址]``;
4. every run of seven or more digits, in any script, with single spaces or hyphens inside
   (mobile and landline numbers, ID numbers with their final X, bank cards, plates' digits)
   → ``[号码]``.

Step 4 is what guarantees that no phone or ID-number pattern of the input survives: the
replacements hold no digits, so no new run of digits can form across them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NAME = "某某"
ADDRESS = "[地址]"
NUMBER = "[号码]"
MIN_NAME = 2  # a one-character "name" would blank out ordinary words

_DIGITS = re.compile(r"\d(?:[ \-]?\d){6,}(?:[ \-]?[Xx](?![A-Za-z]))?")
_ADDRESS = re.compile(
    r"[\u4e00-\u9fff]{1,10}(?:路|街|巷|弄|道|大道)\s*\d+\s*(?:号|弄)"
    r"|\d+\s*(?:号楼|幢|栋|单元|室|号院)"
)
_HONORIFIC = re.compile(r"[\u4e00-\u9fff](先生|女士|阿姨|大爷|大妈|师傅|老师|同志)")


def deidentify(text: str, *, names: Iterable[str] = (), addresses: Iterable[str] = ()) -> str:
    """``text`` with names, addresses and identifying numbers replaced (see the module)."""
    out = text
    known = [(a.strip(), ADDRESS) for a in addresses if len(a.strip()) >= MIN_NAME]
    known += [(n.strip(), NAME) for n in names if len(n.strip()) >= MIN_NAME]
    for value, marker in sorted(known, key=lambda pair: -len(pair[0])):
        out = out.replace(value, marker)
    out = _HONORIFIC.sub(lambda m: "某" + m[1], out)
    out = _ADDRESS.sub(ADDRESS, out)
    return _DIGITS.sub(NUMBER, out)
