"""``jingwu evidence``: record, export, verify, keys, sequencing, scrubbing, witnesses.

``verify`` and ``witness`` need neither the database nor the Jingwu settings: they run
wherever the package is installed (a court's laptop, a witness's server). Every command
loads on demand, so that verifying a bundle and running a witness import neither the
database layer nor the settings.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

cli = LazyGroup(
    "evidence",
    help="Evidence log: record, export and verify evidence.",
    lazy={
        "add": "jingwu.evidence.cli_log:add",
        "export": "jingwu.evidence.cli_log:export_cmd",
        "key": "jingwu.evidence.cli_log:key",
        "scrub": "jingwu.evidence.cli_log:scrub_cmd",
        "sequence": "jingwu.evidence.cli_log:sequence",
        "witnesses": "jingwu.evidence.cli_log:witnesses_group",
        "verify": "jingwu.evidence.cli_verify:verify",
        "witness": "jingwu.evidence.cli_witness:witness",
        "witness-key": "jingwu.evidence.cli_witness:witness_key",
    },
)
