"""Who may answer online consultations (pure data); where is the org scope's business.

The station's experts (lawyers, psychologists, social workers: the "X" of 3+X) and its
chief work the queue of the stations in their scope; citizens need no account (their
session's secret token is their key).
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

PERMISSIONS: dict[str, frozenset[Role]] = {
    # the desk: the queue, claiming, answering, handing over, closing, recording transcripts
    "consult.answer": frozenset({Role.EXPERT, Role.CHIEF}),
}

PERMISSION_LABELS: dict[str, str] = {
    "consult.answer": "Answer online consultations",
}
