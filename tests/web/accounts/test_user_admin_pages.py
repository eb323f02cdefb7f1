"""The administrator's new-user form names each wrong field in Chinese, all at once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, make_user, sign_in
from tests.factories.org import make_tree
from tests.untranslated import english_text


def _create(client: TestClient, **fields: str):  # type: ignore[no-untyped-def]
    data = {"username": "", "display_name": "", "unit_id": "", "role": "", "password": ""}
    return client.post("/admin/users", data={**data, **fields, "csrf_token": csrf(client)})


def _notes(html: str) -> list[str]:
    parts = html.split('<small class="err"')[1:]
    return [part.split(">", 1)[1].split("</small>", 1)[0] for part in parts]


def test_an_empty_form_marks_every_field_and_says_how_many(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t = make_tree(session)
    assert sign_in(client, make_user(session, t["D000"], "admin"), clock.now).status_code == 303
    r = _create(client)
    assert r.status_code == 422
    assert "有 5 项填写有误" in r.text
    assert len(_notes(r.text)) == 5 and "必填" in _notes(r.text)
    assert not [n for n in _notes(r.text) if english_text(n)]


def test_one_wrong_field_is_named_in_the_message(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t = make_tree(session)
    assert sign_in(client, make_user(session, t["D000"], "admin"), clock.now).status_code == 303
    good = {"username": "new-officer", "display_name": "新民警", "role": "officer",
            "password": "a-long-password-1"}  # fmt: skip
    r = _create(client, **good)
    assert r.status_code == 422 and "“单位”填写有误：必填。" in r.text
    for unit in ("99999", "9" * 30, "x"):  # not there, too long for the column, not a number
        r = _create(client, **good, unit_id=unit)
        assert r.status_code == 422, unit
        assert "“单位”填写有误：单位不存在或不在您的权限范围内。" in r.text
    r = _create(client, **good, unit_id=str(t["SA01"].id))
    assert r.status_code == 200 and "new-officer" in r.text
