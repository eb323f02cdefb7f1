"""Oversized request bodies are refused with 413 (the JSON error shape) before they are
buffered; long lists in bodies are 422."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.runtime import Runtime
from jingwu.web.app import create_app
from tests.integration.workorders.wo_factory import NOW, make_world

MIB = 1 << 20


@pytest.fixture
def headers(session: Session) -> dict[str, str]:
    world = make_world(session)
    username = world.users["officer"].username
    token = accounts.create_token(session, SYSTEM, username=username, name="t", now=NOW)
    return {"Authorization": f"Bearer {token}"}


def _ids(n: int) -> dict[str, object]:
    return {"ids": list(range(1, n + 1))}


def test_a_declared_oversized_json_body_is_413_in_the_error_shape(
    client: TestClient, headers: dict[str, str]
) -> None:
    body = b'{"ids": [' + b"1," * (MIB // 2) + b"1]}"
    r = client.post(
        "/api/v1/notifications/read",
        content=body,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    error = r.json()["error"]
    assert error["code"] == "payload_too_large" and str(MIB) in error["message"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(
    client: TestClient, headers: dict[str, str]
) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"ids": ['
        for _ in range(64):
            sent += 1
            yield b"1," * (64 * 1024)
        yield b"1]}"

    r = client.post(
        "/api/v1/notifications/read",
        content=chunks(),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


def test_the_limit_is_a_setting(runtime: Runtime, headers: dict[str, str]) -> None:
    runtime.settings.max_json_bytes = 4096
    app: FastAPI = create_app(runtime)
    with TestClient(app) as client:
        small = client.post("/api/v1/notifications/read", json={"ids": [1]}, headers=headers)
        assert small.status_code == 200
        big = client.post("/api/v1/notifications/read", json=_ids(3000), headers=headers)
        assert big.status_code == 413


def test_an_oversized_page_form_gets_a_page_not_json(client: TestClient) -> None:
    r = client.post(
        "/login", content=b"a=" + b"x" * (2 * MIB),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )  # fmt: skip
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")


def test_uploads_have_a_limit_of_their_own(
    runtime: Runtime, headers: dict[str, str], tmp_path: Path
) -> None:
    runtime.settings.max_upload_bytes = 64 * 1024
    with TestClient(create_app(runtime)) as client:
        files = {"file": ("big.bin", b"x" * (128 * 1024), "application/octet-stream")}
        r = client.post("/api/v1/evidence", files=files, data={"order": "X"}, headers=headers)
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        files = {"file": ("small.bin", b"x" * 1024, "application/octet-stream")}
        r = client.post("/api/v1/evidence", files=files, data={"order": "X"}, headers=headers)
        assert r.status_code != 413  # under the limit: on to the endpoint


def test_more_than_a_thousand_ids_is_422(client: TestClient, headers: dict[str, str]) -> None:
    r = client.post("/api/v1/notifications/read", json=_ids(1001), headers=headers)
    assert r.status_code == 422 and "ids" in r.json()["error"]["fields"]
    assert client.post("/api/v1/notifications/read", json=_ids(1000), headers=headers).is_success
