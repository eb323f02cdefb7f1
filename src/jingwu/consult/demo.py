"""Demo seed: at Baochu (BS01) one consultation waiting, one answered by demo-expert and one
closed, so the desk shows each state."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.consult import service
from jingwu.demodata import DemoContext

ORDER = 92  # after the accounts


def seed(session: Session, ctx: DemoContext) -> None:
    expert_id = ctx.data.get("users", {}).get("expert")
    if expert_id is None:
        return
    expert = accounts.load_principal(session, expert_id)
    assert expert is not None
    now = ctx.now
    waiting = service.open_consultation(
        session, station="BS01", topic="neighbours", display_name="王女士",
        now=now - dt.timedelta(minutes=5),
    )  # fmt: skip
    service.send_citizen(
        session, token=waiting.token, body="楼上每晚十一点后还在装修，可以报警吗？",
        now=now - dt.timedelta(minutes=4),
    )  # fmt: skip
    active = service.open_consultation(
        session, station="BS01", topic="labour", display_name="李先生",
        now=now - dt.timedelta(minutes=30),
    )  # fmt: skip
    service.send_citizen(
        session, token=active.token, body="公司拖欠我三个月工资，该怎么办？",
        now=now - dt.timedelta(minutes=29),
    )  # fmt: skip
    service.claim(
        session, expert, code=active.consultation.code, now=now - dt.timedelta(minutes=25)
    )
    service.send_expert(
        session, expert, code=active.consultation.code,
        body="您可以先向劳动保障监察机构投诉，也可以申请劳动争议仲裁，时效一般为一年。",
        now=now - dt.timedelta(minutes=24),
    )  # fmt: skip
    done = service.open_consultation(
        session, station="BS01", topic="family", display_name="张阿姨",
        now=now - dt.timedelta(days=1),
    )  # fmt: skip
    service.send_citizen(
        session, token=done.token, body="子女不赡养老人，社区能帮忙调解吗？",
        now=now - dt.timedelta(days=1) + dt.timedelta(minutes=1),
    )  # fmt: skip
    service.claim(session, expert, code=done.consultation.code, now=now - dt.timedelta(hours=23))
    service.send_expert(
        session, expert, code=done.consultation.code,
        body="可以，警务室可组织人民调解；调解不成可依法起诉要求支付赡养费。",
        now=now - dt.timedelta(hours=23),
    )  # fmt: skip
    service.close(session, expert, code=done.consultation.code, now=now - dt.timedelta(hours=22))
