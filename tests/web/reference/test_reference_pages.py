from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.reference.models import Category
from jingwu.reference.service import seed_defaults
from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, make_user, sign_in
from tests.factories.org import make_tree


def test_a_director_adds_a_category_and_bad_input_stores_nothing(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t = make_tree(session)
    seed_defaults(session)
    before = session.scalar(select(func.count()).select_from(Category))
    sign_in(client, make_user(session, t["D000"], "director"), clock.now)
    bad = client.post(
        "/reference/categories",
        data={
            "csrf_token": csrf(client),
            "code": "Bad Code",
            "module": "planet",
            "name": "",
            "default_tier": "yellow",
            "orange_response_minutes": "30",
        },
    )
    assert bad.status_code == 422
    assert 'class="field has-error"' in bad.text and "小写字母和下划线" in bad.text
    assert session.scalar(select(func.count()).select_from(Category)) == before
    ok = client.post(
        "/reference/categories",
        data={
            "csrf_token": csrf(client),
            "code": "e_bike_fire",
            "module": "security",
            "name": "电动车充电隐患",
            "name_en": "E-bike charging hazard",
            "default_tier": "orange",
            "orange_response_minutes": "60",
            "orange_completion_minutes": "1440",
        },
    )
    assert ok.status_code == 200 and "e_bike_fire" in ok.text
    assert (
        session.scalar(select(Category.default_tier).where(Category.code == "e_bike_fire"))
        == "orange"
    )


def test_an_officer_reads_the_catalogue_but_cannot_change_it(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t = make_tree(session)
    seed_defaults(session)
    sign_in(client, make_user(session, t["SA01"], "officer"), clock.now)
    page = client.get("/reference")
    assert page.status_code == 200 and "/reference/categories" not in page.text
    r = client.post("/reference/categories", data={"csrf_token": csrf(client), "code": "x_y"})
    assert r.status_code == 403
