"""Every page of the app, found the way a user finds them: by following links.

The translation test and the phone-width test both need "every page a role can reach,
with its path parameters filled from demo-like records". Rather than a hand-kept list,
they crawl: start at the dashboard (or the sign-in page), follow every same-site link,
and visit each route pattern a few times. The app's GET page routes are enumerated so
that a page no crawl reached is reported, not silently skipped; pages reached only
through a message (the citizen's feedback link) are added as extra URLs.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from fastapi import FastAPI
from starlette.routing import compile_path

from jingwu.web.app import all_routes

# GET routes that are not pages a person reads: files, data, machine endpoints, switches.
NOT_PAGES = frozenset(
    {
        "/healthz",
        "/evidence/checkpoint",  # the signed log checkpoint, text for witnesses
        "/metrics",
        "/lang/{code}",
        "/docs/oauth2-redirect",
        "/analytics/map.svg",
        "/evidence/tile/{path:path}",
        "/work-orders/{code}/attachments/{attachment_id}",
        "/work-orders/sw.js",  # the service worker of the offline drafts
        "/audit.csv",
        "/evaluation/surveys/template.csv",
        "/evaluation/value-entry/template.csv",
        "/evaluation/pdca/items/{item_id}/evidence/{evidence_id}",  # an evidence file
        "/standard/assessments/{assessment_id}/files/{file_id}",  # an evidence file
        "/evaluation/white-paper.pdf",
        "/analytics/summary",  # a fragment the heat-map page fetches when a filter changes
        "/sunshine/data/{version}.csv",  # a published dataset version's files
        "/sunshine/data/{version}.json",
        "/consult/{token}/events",  # server-sent events (the conversation's lines)
        "/consult/desk/{code}/events",
    }
)
NOT_PAGE_PREFIXES = ("/api/", "/open311/", "/static/")
NOT_PAGE_SUFFIXES = ("/static/{name}",)


def is_page(path: str) -> bool:
    """True for a GET route that renders a page (or an htmx fragment of one)."""
    return not (
        path in NOT_PAGES or path.startswith(NOT_PAGE_PREFIXES) or path.endswith(NOT_PAGE_SUFFIXES)
    )


@dataclass(frozen=True)
class Pattern:
    """A GET page route: its path template and the regular expression matching it."""

    path: str
    regex: re.Pattern[str]

    def matches(self, url_path: str) -> bool:
        return self.regex.fullmatch(url_path) is not None


def page_patterns(app: FastAPI) -> list[Pattern]:
    """The app's GET page routes, most specific (fewest parameters) first."""
    out = []
    for path, methods in all_routes(app):
        if "GET" in methods and is_page(path):
            regex, _, _ = compile_path(path)
            out.append(Pattern(path, re.compile(regex.pattern.rstrip("$"))))
    return sorted(set(out), key=lambda p: (p.path.count("{"), p.path), reverse=False)


def pattern_of(patterns: Iterable[Pattern], url_path: str) -> Pattern | None:
    for pattern in patterns:
        if pattern.matches(url_path):
            return pattern
    return None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = ("href",) if tag == "a" else ("hx-get",) if tag != "link" else ()
        for name, value in attrs:
            if name in names and value:
                self.hrefs.append(value)


def links(html: str, base: str) -> list[str]:
    """Same-site links (``href`` of anchors, ``hx-get`` of fragments) as absolute paths."""
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        url = urlsplit(urljoin(base, href))
        if url.netloc and url.netloc != urlsplit(base).netloc:
            continue
        out.append(url.path + (f"?{url.query}" if url.query else ""))
    return out


Fetch = Callable[[str], tuple[int, str, str]]  # url -> (status, content type, body)


@dataclass
class Visit:
    url: str
    pattern: str
    status: int
    body: str


@dataclass
class Crawl:
    """Breadth-first over same-site links; each route pattern visited at most ``per_pattern``
    times (the first with each distinct set of query names counts separately up to that)."""

    patterns: list[Pattern]
    fetch: Fetch
    per_pattern: int = 2
    visits: list[Visit] = field(default_factory=list)
    unmatched: set[str] = field(default_factory=set)

    def run(self, starts: Iterable[str], *, base: str = "http://testserver") -> list[Visit]:
        seen: set[str] = set()
        counts: dict[str, int] = {}
        queue: deque[str] = deque(starts)
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            pattern = pattern_of(self.patterns, urlsplit(url).path)
            if pattern is None:
                self.unmatched.add(url)
                continue
            if counts.get(pattern.path, 0) >= self.per_pattern:
                continue
            counts[pattern.path] = counts.get(pattern.path, 0) + 1
            status, content_type, body = self.fetch(url)
            if "html" not in content_type:
                continue
            self.visits.append(Visit(url, pattern.path, status, body))
            queue.extend(links(body, base + url))
        return self.visits
