"""Take the README screenshots from a running demo: `python scripts/screenshots.py URL`."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def main(base: str, out: Path, user: str = "demo-director") -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"{base}/login")
        page.screenshot(path=str(out / "login.png"))
        code = page.get_attribute(f"tr[data-user='{user}'] .otp", "data-code")
        page.fill("#username", user)
        page.fill("#password", "jingwu-demo")
        page.fill("#code", code or "")
        page.click("#sign-in")
        page.wait_for_url(f"{base}/")
        page.screenshot(path=str(out / "dashboard.png"))
        for path, name in (("/org", "org"), ("/staffing", "staffing")):
            page.goto(base + path)
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
        page.goto(f"{base}/org")
        page.click("#org-tree a:has-text('BS01')")
        page.wait_for_selector("#unit-map[data-ready='1']")
        page.screenshot(path=str(out / "station.png"), full_page=True)
        page.click("#lang-en")
        page.wait_for_selector("#unit-map[data-ready='1']")
        page.screenshot(path=str(out / "station-en.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2] if len(sys.argv) > 2 else "docs/img"))
