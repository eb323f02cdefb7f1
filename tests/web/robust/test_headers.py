"""The headers every answer carries: CSP, no caching of personal data, Secure cookies over
HTTPS, no server banner; TRACE refused; metrics and API docs configurable."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from jingwu.runtime import Runtime
from jingwu.web.app import create_app
from jingwu.web.headers import content_security_policy, is_https, tile_source

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted((ROOT / "src" / "jingwu").glob("**/templates/**/*.html"))


def test_pages_and_the_api_carry_a_csp_without_inline_scripts(client: TestClient) -> None:
    for path in ("/login", "/api/v1/work-orders", "/no-such-page"):
        csp = client.get(path).headers["content-security-policy"]
        script = re.search(r"script-src ([^;]*)", csp)
        assert script is not None and "unsafe-inline" not in script.group(1), csp
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_the_csp_lets_the_map_tiles_in() -> None:
    url = "https://webrd0{1-4}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}"
    assert tile_source(url) == "https://*.is.autonavi.com"
    assert b"img-src 'self' data: blob: https://*.is.autonavi.com;" in content_security_policy(url)
    assert tile_source(None) == ""


def test_no_template_holds_an_inline_script_or_handler() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*[\"']", re.I)
    found = [f"{p.relative_to(ROOT)}" for p in TEMPLATES if inline.search(p.read_text())]
    assert not found, f"inline scripts or event handlers (the CSP blocks them): {found}"


def test_no_template_holds_a_style_element() -> None:
    # style-src allows inline style attributes (ECharts needs them), not <style> elements.
    found = [f"{p.relative_to(ROOT)}" for p in TEMPLATES if "<style" in p.read_text().lower()]
    assert not found, f"<style> elements (the CSP blocks them; use a style sheet): {found}"


def test_pages_and_json_are_not_stored_but_static_files_may_be(client: TestClient) -> None:
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert client.get("/api/v1/work-orders").headers["cache-control"] == "no-store"
    static = client.get("/static/app/app.css")
    assert static.status_code == 200 and "cache-control" not in static.headers


def test_cookies_are_secure_over_https_only(app: object) -> None:
    with TestClient(app, base_url="https://testserver") as secure:  # type: ignore[arg-type]
        cookie = secure.get("/login").headers["set-cookie"]
        assert "Secure" in cookie
    with TestClient(app, base_url="http://testserver") as plain:  # type: ignore[arg-type]
        assert "Secure" not in plain.get("/login").headers["set-cookie"]


def test_x_forwarded_proto_counts_from_a_trusted_proxy_only() -> None:
    proxies = (ipaddress.ip_network("10.0.0.0/8"),)
    scope = {"scheme": "http", "headers": [(b"x-forwarded-proto", b"https")]}
    assert is_https({**scope, "client": ("10.1.2.3", 4000)}, proxies)
    assert not is_https({**scope, "client": ("192.0.2.9", 4000)}, proxies)
    assert not is_https({**scope, "client": ("10.1.2.3", 4000)}, ())


def test_trace_is_405_with_allow(client: TestClient) -> None:
    r = client.request("TRACE", "/login")
    assert r.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in r.headers["allow"].split(",")}


@pytest.mark.parametrize(("zone", "served"), [("intranet", True), ("internet", False)])
def test_metrics_and_api_docs_follow_the_zone(runtime: Runtime, zone: str, served: bool) -> None:
    runtime.settings.zone = zone  # type: ignore[assignment]
    with TestClient(create_app(runtime)) as client:
        for path in ("/metrics", "/api/docs", "/api/openapi.json"):
            assert (client.get(path).status_code == 200) is served, path


def test_metrics_and_api_docs_are_settings(runtime: Runtime) -> None:
    runtime.settings.zone = "internet"
    runtime.settings.metrics = True
    runtime.settings.api_docs = True
    with TestClient(create_app(runtime)) as client:
        assert client.get("/metrics").status_code == 200
        assert client.get("/api/openapi.json").status_code == 200
    runtime.settings.zone = "intranet"
    runtime.settings.metrics = False
    runtime.settings.api_docs = False
    with TestClient(create_app(runtime)) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/api/docs").status_code == 404


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _served(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "JINGWU_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "JINGWU_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT / "src"),
    }
    main = "from jingwu.cli.main import main; main()"
    # serve refuses a database that is missing or not migrated: make it first
    subprocess.run([sys.executable, "-c", main, "db", "upgrade"], env=env, check=True)
    cmd = [sys.executable, "-c", main, "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            assert proc.poll() is None, "jingwu serve stopped"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_jingwu_serve_sends_no_server_banner(tmp_path: Path) -> None:
    with _served(tmp_path) as base:
        r = httpx.get(f"{base}/healthz", headers={"X-Forwarded-For": "203.0.113.5"})
        assert r.status_code == 200
        assert "server" not in r.headers
        assert httpx.request("TRACE", f"{base}/healthz").status_code == 405
