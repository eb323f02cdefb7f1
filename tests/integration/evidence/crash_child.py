"""A process that records and sequences evidence until it is killed (crash tests).

    python -m tests.integration.evidence.crash_child ORDER [--crash-before-signing]

Prints ``acked <code> …`` after each recording transaction commits: those items were
acknowledged, so they must survive any crash. With ``--crash-before-signing`` it kills
itself right after a batch of leaves is committed and before the checkpoint is signed.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys

from jingwu.accounts.scope import SYSTEM
from jingwu.evidence import sequencer, service
from jingwu.evidence.logkeys import load_log_keys
from jingwu.runtime import start

BATCH = 500


def _crash(*_args: object, **_kwargs: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    order, crash_before_signing = sys.argv[1], "--crash-before-signing" in sys.argv
    runtime = start()
    keys = load_log_keys(runtime.settings)
    n = 0
    rounds = 0
    while True:
        records = [
            service.HashedRecord(
                order_code=order,
                category="electronic_data",
                sha256=hashlib.sha256(f"{os.getpid()} {n + i}".encode()).digest(),
                size=n + i,
                media_type="application/octet-stream",
                filename=f"f{n + i}.bin",
            )
            for i in range(BATCH)
        ]
        with runtime.db.unit_of_work() as session:
            codes = service.record_hashed(session, SYSTEM, records=records, now=runtime.clock())
        sys.stdout.write(f"acked {' '.join(codes)}\n")
        sys.stdout.flush()
        n += BATCH
        rounds += 1
        if crash_before_signing and rounds == 3:
            sequencer.sign_head = _crash  # type: ignore[assignment]
        sequencer.sequence_once(runtime.db, keys, clock=runtime.clock)


if __name__ == "__main__":
    main()
