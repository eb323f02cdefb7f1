"""Demo seed: one account per role, ``demo-<role>``, password ``jingwu-demo``, 2FA enrolled."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jingwu.accounts import service
from jingwu.accounts.scope import SYSTEM
from jingwu.demodata import DEMO_PASSWORD, DemoContext
from jingwu.org.service import unit_by_code
from jingwu.security import totp

ORDER = 20

# (role, unit short code, display name)
ACCOUNTS = (
    ("admin", "XH00", "系统管理员"),
    ("city", "HZ00", "市局负责人"),
    ("director", "XH00", "区指导中心主任"),
    ("street", "BS00", "北山街道服务站站长"),
    ("chief", "BS01", "保俶警务室负责人"),
    ("officer", "BS01", "保俶社区民警"),
    ("auxiliary", "BS01", "保俶辅警"),
    ("inspector", "XH00", "督察"),
    ("partner", "XH00", "平安合作伙伴"),
    ("expert", "BS01", "保俶驻所律师"),
)


def seed(session: Session, ctx: DemoContext) -> None:
    for role, code, name in ACCOUNTS:
        unit = unit_by_code(session, code)
        assert unit is not None
        user = service.create_user(
            session,
            SYSTEM,
            username=f"demo-{role}",
            display_name=name,
            unit_id=unit.id,
            role=role,
            password=DEMO_PASSWORD,
            now=ctx.now,
            totp_secret=totp.new_secret(),
        )
        service.replace_recovery_codes(session, user=user)
        ctx.data.setdefault("users", {})[role] = user.id
