"""``jingwu reference``: default departments and categories (:mod:`jingwu.reference.cli_seed`)."""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

cli = LazyGroup(
    "reference",
    help="Reference data: outside departments, category catalogue.",
    lazy={"seed": "jingwu.reference.cli_seed:seed"},
)
