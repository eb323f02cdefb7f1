"""Finding English a Chinese reader would see on a page.

The visible text of a page (text nodes outside scripts and styles, and the attributes a
reader sees or hears: ``placeholder``, ``title``, ``aria-label``, ``alt``, the ``value``
of buttons) is searched for runs of two or more Latin letters. A run is fine when it is
on the allow-list below (abbreviations, units, proper nouns) or part of a data value:
codes and numbers matched by :data:`DATA_PATTERNS`, or text inside ``<code>``, ``<pre>``,
``<kbd>``, ``<samp>`` or an element marked ``translate="no"`` (the HTML attribute for
content that must not be translated: usernames, file names, hashes, device models).
Marked data may not hide prose: three English words in a row there are flagged too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Abbreviations, units and names that stay in Latin letters in Chinese text.
ALLOWED_WORDS = frozenset(
    {
        "EN",  # the language switch (each language named in itself)
        "Jingwu",
        "APP",  # as in 国家反诈中心APP
        "AB",  # as in AB岗 (a post's holder A and backup B)
        "API",
        "ID",
        "PDF",
        "CSV",
        "JSON",
        "GeoJSON",
        "GPS",  # satellite positioning (a patrol's GPS track)
        "GPX",  # the GPS exchange format of tracks and routes
        "SVG",
        "PAI",  # predictive accuracy index (forecast evaluation)
        "PEI",  # prediction efficiency index
        "CI",  # confidence interval
        "SHA",  # SHA-256
        "CSRF",  # the cross-site request forgery check
        "MQTT",
        "HTTP",
        "HTTPS",
        "URL",
        "QR",
        "SMS",
        "GCJ",  # GCJ-02 coordinates
        "WGS",  # WGS-84 coordinates
        "PM",  # PM2.5
        "CO",  # carbon monoxide
        "kWh",
        "km",
        "dBm",
        "ppm",
        "lux",
        "dB",
        "Hz",
        "kW",
        "ms",
    }
)

# Data values that may appear in any text: codes of units, orders, devices and evidence,
# demo usernames, e-mail addresses and web addresses.
DATA_PATTERNS = (
    re.compile(r"\b[A-Z]{2}\d{2}(?:-[A-Za-z0-9]+)*\b"),  # BS01, BS01-20261207-0002, BS01-E01
    re.compile(r"\b[a-z]{2}\d{2}-[a-z]+\b"),  # bs02-officer (demo accounts)
    re.compile(r"\bdemo-[a-z]+\b"),  # demo-officer
    re.compile(r"\bjingwu-demo\b"),  # the documented password of the demo accounts
    re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),  # e-mail
    re.compile(r"\bhttps?://\S+"),  # web address
    re.compile(r"\b\d+(?:\.\d+)?\s?(?:kWh|km|m|dBm|ppm|lux|dB|Hz|kW|ms|s|KiB|MiB)\b"),  # measures
    re.compile(r"\bPM2\.5\b|\bCO2\b|\bCO₂\b|\bC2SP\b"),
    re.compile(r"%RH|%obs/m|dB\(A\)|km/h|µg/m³"),  # the units of the sensors' metrics
    re.compile(r"\b[\w./-]+\.(?:md|csv|json|geojson|gz|txt|svg|pdf|jpg|png|zip)\b"),  # files
    re.compile(r"\bjingwu(?: [a-z][a-z-]*)+"),  # a command line: jingwu iot broker-config
)

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]")
PROSE = re.compile(r"[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}")
DATA_TAGS = frozenset({"code", "pre", "kbd", "samp"})
HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript"})
SEEN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class _Text(HTMLParser):
    """Collects (text, is_data) pieces a reader sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, hidden, data)
        self.pieces: list[tuple[str, bool]] = []

    def _state(self) -> tuple[bool, bool]:
        if not self.stack:
            return False, False
        _, hidden, data = self.stack[-1]
        return hidden, data

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        hidden, data = self._state()
        values = dict(attrs)
        hidden = hidden or tag in HIDDEN_TAGS or "hidden" in values
        data = data or tag in DATA_TAGS or values.get("translate") == "no"
        if not hidden:
            for name in SEEN_ATTRIBUTES:
                if values.get(name):
                    self.pieces.append((values[name] or "", data))
            kind = (values.get("type") or "").lower()
            if tag == "input" and kind in ("submit", "button", "reset") and values.get("value"):
                self.pieces.append((values["value"] or "", data))
        if tag not in VOID_TAGS:
            self.stack.append((tag, hidden, data))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        hidden, is_data = self._state()
        if not hidden and data.strip():
            self.pieces.append((" ".join(data.split()), is_data))


def visible_text(html: str) -> list[tuple[str, bool]]:
    """The pieces of text a reader sees, each with whether it is marked as data."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.pieces


def english(html: str) -> list[str]:
    """The untranslated English on a page: each offending piece of text once."""
    found: list[str] = []
    for text, is_data in visible_text(html):
        if is_data:
            if PROSE.search(text):
                found.append(text)
            continue
        if english_text(text):
            found.append(text)
    return list(dict.fromkeys(found))


def english_text(text: str) -> bool:
    """True when a plain text (a JSON message) holds English outside data and the allow-list."""
    rest = text
    for pattern in DATA_PATTERNS:
        rest = pattern.sub(" ", rest)
    return any(word not in ALLOWED_WORDS for word in WORD.findall(rest))
