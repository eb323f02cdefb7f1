"""``jingwu evaluation``: indices, values, PDCA, draws and the white paper."""

from __future__ import annotations

import click


@click.group("evaluation")
def cli() -> None:
    """Evaluation and supervision: indices, PDCA, spot checks, the white paper."""
