"""One-sentence usage errors for ``jingwu analytics`` commands (shared by their modules)."""

from __future__ import annotations

from typing import Any

import click


class OneSentence(click.Command):
    """A command whose usage errors print one sentence (no usage block) and exit 2."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise UsageProblem(sentence(exc.format_message())) from None


class UsageProblem(click.ClickException):
    """A usage error shown as one sentence, with click's usage exit status."""

    exit_code = 2


def sentence(text: str) -> str:
    """One line ending with a full stop."""
    text = " ".join(text.split())
    return text if text.endswith(".") else text + "."
