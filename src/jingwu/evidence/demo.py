"""Demo seed: evidence on two work orders at 保俶 (BS01), a signed checkpoint, a witness.

The orders are received through the work-order service (a bicycle theft and a neighbour
dispute settled by mediation); each gets a few small generated files. The log is then
sequenced and signed, and a demo witness (the district procuratorate) cosigns it, so the
log page shows everything working on a first look.
"""

from __future__ import annotations

import io
import random

from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM, Principal
from jingwu.accounts.service import load_principal
from jingwu.demodata import DemoContext
from jingwu.evidence import cosignature, keys, sequencer, service, witnesses
from jingwu.evidence.logkeys import LogKeys, load_log_keys
from jingwu.workorders import service as workorders
from jingwu.workorders.schemas import IntakeIn

ORDER = 70
WITNESS_NAME = "xihu-procuratorate.demo/witness"

ORDERS = (
    ("theft", "保俶路 18 号楼下电动自行车被盗，车锁被剪断"),
    ("neighbour", "楼上漏水损坏楼下吊顶，双方就赔偿发生纠纷"),
)


def _sketch(rng: random.Random, title: str) -> bytes:
    """A small SVG scene sketch (deterministic for the seed)."""
    shapes = "".join(
        f'<rect x="{rng.randint(10, 250)}" y="{rng.randint(30, 150)}" '
        f'width="{rng.randint(20, 80)}" '
        f'height="{rng.randint(20, 60)}" fill="none" stroke="#333"/>'
        for _ in range(5)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200">'
        f'<text x="10" y="20" font-size="14">{title}</text>{shapes}</svg>'
    ).encode()


def _files(rng: random.Random, kind: str) -> list[tuple[str, str, str, bytes, str]]:
    if kind == "theft":
        return [
            (
                "scene_photo",
                "scene-sketch.svg",
                "image/svg+xml",
                _sketch(rng, "现场示意图：车棚东侧"),
                "车棚东侧，锁具残片位置",
            ),
            (
                "interview_transcript",
                "interview.txt",
                "text/plain",
                "询问笔录\n问：车辆何时发现丢失？\n答：今天早上七点半。\n".encode(),
                "报警人询问笔录",
            ),
            (
                "surveillance_video",
                "camera-03.txt",
                "text/plain",
                f"监控导出 摄像头03 02:10-02:40 校验码 {rng.getrandbits(64):016x}\n".encode(),
                "小区 3 号摄像头导出说明",
            ),
        ]
    return [
        (
            "inspection_record",
            "inspection.txt",
            "text/plain",
            "勘验、检查笔录\n楼下吊顶水渍约 2 平方米，楼上卫生间防水层破损。\n".encode(),
            "",
        ),
        (
            "mediation_agreement",
            "agreement.txt",
            "text/plain",
            "调解协议书\n楼上住户赔偿楼下修复费用人民币 3000 元，于十五日内付清。\n".encode(),
            "双方签字确认",
        ),
    ]


def _officer(session: Session, ctx: DemoContext) -> Principal | None:
    user_id = ctx.data.get("users", {}).get("officer")
    return None if user_id is None else load_principal(session, user_id)


def _record(session: Session, ctx: DemoContext, officer: Principal) -> list[str]:
    rng = random.Random(ctx.rng.random())
    codes: list[str] = []
    for kind, description in ORDERS:
        data = IntakeIn(station="BS01", channel="walk_in", category=kind, description=description)
        order = workorders.intake(session, officer, data=data, now=ctx.now)
        for category, name, mtype, content, note in _files(rng, kind):
            item = service.record_item(
                session,
                officer,
                ctx.runtime.blobs,
                order_code=order.code,
                category=category,
                filename=name,
                media_type=mtype,
                stream=io.BytesIO(content),
                note=note,
                now=ctx.now,
            )
            codes.append(item.code)
        ctx.data.setdefault("evidence_orders", []).append(order.code)
    return codes


def _witness(session: Session, ctx: DemoContext, note: str, log_keys: LogKeys) -> None:
    seed = random.Random(f"{ctx.rng.random()}-witness").randbytes(32)
    cosigner = keys.Cosigner(WITNESS_NAME, seed)
    witnesses.add_witness(
        session,
        _admin(session, ctx),
        vkey=cosigner.verifier_key(),
        label="西湖区人民检察院（演示）",
        now=ctx.now,
    )
    result = cosignature.witness(
        note=note,
        origin=log_keys.origin,
        log_verifiers=log_keys.verifiers,
        last=None,
        proof=[],
        cosigner=cosigner,
        timestamp=int(ctx.now.timestamp()),
    )
    witnesses.submit_cosigned(session, note=result.note, now=ctx.now)


def _admin(session: Session, ctx: DemoContext) -> Principal:
    user_id = ctx.data.get("users", {}).get("admin")
    found = None if user_id is None else load_principal(session, user_id)
    return found or SYSTEM


def seed(session: Session, ctx: DemoContext) -> None:
    """Record demo evidence, sequence and sign it, and have a demo witness cosign."""
    officer = _officer(session, ctx)
    if officer is None:
        return
    _record(session, ctx, officer)
    log_keys = load_log_keys(ctx.runtime.settings)
    # One transaction (the demo's): sequence and sign here rather than in the worker.
    sequencer.integrate(session, now=ctx.now)
    signed = sequencer.sign_head(session, log_keys, now=ctx.now)
    if signed is not None:
        _witness(session, ctx, signed.note, log_keys)
