"""``jingwu evaluation``: indices, values, PDCA, draws and the white paper."""

from __future__ import annotations

import click

from jingwu.evaluation.checks import cli as checks_cli


@click.group("evaluation")
def cli() -> None:
    """Evaluation and supervision: indices, PDCA, spot checks, the white paper."""


for _command in checks_cli.COMMANDS:  # draw, verify-draw, survey-template, import-survey
    cli.add_command(_command)
