"""Evidence in the worker and on the dashboard: the scrub job, its alert, the audit trail."""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.audit.models import AuditEntry
from jingwu.evidence import export, jobs, queries, sequencer
from jingwu.evidence.logkeys import load_log_keys
from jingwu.evidence.models import ScrubRun
from jingwu.runtime import Runtime
from jingwu.worker import runner
from tests.conftest import FrozenClock
from tests.integration.evidence.evidence_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def test_the_worker_runs_the_scrub_job_and_the_dashboard_turns_red_on_a_problem(
    world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    item = world.record(runtime.blobs, b"a photo", now=clock.now)
    sequencer.sequence_once(runtime.db, load_log_keys(runtime.settings), clock=clock)
    (spec,) = [j for j in runner.all_jobs() if j.name == "evidence.scrub"]
    assert runner.run_once(runtime, spec, worker_id="w1")
    (card,) = queries.dashboard_cards(world.session, world.officer)
    assert (card.value, card.tone) == ("1", "good")
    first = world.session.scalars(select(ScrubRun)).one()
    assert first.problems == [] and first.files_checked == 1
    blob = next(p for p in runtime.blobs.root.rglob("*") if p.is_file())  # type: ignore[attr-defined]
    blob.write_bytes(blob.read_bytes()[:-1])
    clock.advance(seconds=spec.interval_seconds + 1)
    assert runner.run_once(runtime, spec, worker_id="w1")
    (card,) = queries.dashboard_cards(world.session, world.officer)
    assert card.tone == "bad" and card.note == "Integrity problems found"
    alert = world.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "evidence.integrity")
    ).one()
    assert alert.outcome == "failed" and alert.detail is not None
    assert item.code in alert.detail["problems"][0]


def test_recording_and_exporting_leave_audit_events_naming_the_item(
    world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    item = world.record(runtime.blobs, b"transcript", now=clock.now)
    sequencer.sequence_once(runtime.db, load_log_keys(runtime.settings), clock=clock)
    export.export_bundle(
        world.session,
        world.inspector,
        runtime.blobs,
        item_code=item.code,
        out=io.BytesIO(),
        hash_only=True,
        now=clock.now,
    )
    events = world.session.execute(
        select(AuditEntry.action, AuditEntry.actor, AuditEntry.object_id).where(
            AuditEntry.action.like("evidence.%")
        )
    ).all()
    assert ("evidence.record", "officer-sa01", item.code) in events
    assert ("evidence.export", "inspector-d000", item.code) in events


def test_the_sequencer_service_signs_what_was_recorded_until_stopped(
    world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    world.record(runtime.blobs, b"a clip", now=clock.now)
    stop = threading.Event()
    rounds: list[sequencer.Round] = []

    def one_round(done: sequencer.Round) -> None:
        rounds.append(done)
        stop.set()

    keys = load_log_keys(runtime.settings)
    sequencer.run(runtime.db, keys, clock=clock, stop=stop, on_round=one_round)
    assert rounds[0].checkpoint is not None and rounds[0].checkpoint.size == 1
    assert [name for name, _ in runner.all_services()].count("evidence-sequencer") == 1
    assert jobs.SERVICES[0][1] is jobs.run_sequencer
