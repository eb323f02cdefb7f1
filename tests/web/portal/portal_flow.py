"""Helpers for the portal's web tests: a photo with EXIF, the challenge solved, the SMS code
read from the outbox."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.notifications.models import Delivery
from jingwu.portal import challenge


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 50.0), 3: "E", 4: (121.0, 28.0, 25.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def form_challenge(html: str) -> tuple[str, str]:
    """The page's CSRF-free challenge and its solution (what pow.js computes)."""
    found = re.search(r'name="pow_challenge" value="([^"]+)"', html)
    assert found
    ch = found.group(1)
    return ch, str(challenge.solve(ch, int(ch.split(".")[2])))


def sms_code(session: Session, phone: str) -> str:
    """The newest code sent to ``phone`` (the demo's outbox)."""
    rows = session.scalars(select(Delivery).order_by(Delivery.id.desc()))
    for row in rows:
        if row.address == phone and "code" in row.params:
            return str(row.params["code"])
    raise AssertionError("no code sent")


def submit(
    client: TestClient, session: Session, token: str, *, phone: str = "13900001111", **over: object
):  # type: ignore[no-untyped-def]
    page = client.get("/portal/submit")
    ch, answer = form_challenge(page.text)
    sent = client.post(
        "/portal/code", data={"contact_phone": phone}, headers={"X-CSRF-Token": token}
    )
    assert sent.status_code == 200, sent.text
    data: dict[str, object] = {
        "service_code": "noise",
        "description": "楼下烧烤店深夜噪音",
        "contact_phone": phone,
        "sms_code": sms_code(session, phone),
        "pow_challenge": ch,
        "pow_answer": answer,
        "lat": "30.205",
        "lon": "120.105",
    }
    data.update(over)
    files = [("photo", ("p.jpg", jpeg_with_gps(), "image/jpeg"))]
    return client.post(
        f"/portal/submit?csrf_token={token}", data=data, files=files, follow_redirects=False
    )
