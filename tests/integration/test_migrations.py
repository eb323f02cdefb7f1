from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from jingwu.migrations import alembic_config
from tests.conftest import fresh_database_url


def test_the_models_and_the_migrations_do_not_drift(database_url: str) -> None:
    command.check(alembic_config(database_url))


def test_migrations_run_down_and_up_again(tmp_path: Path) -> None:
    with fresh_database_url(tmp_path, "updown") as url:
        cfg = alembic_config(url)
        command.upgrade(cfg, "heads")
        command.downgrade(cfg, "base")
        command.upgrade(cfg, "heads")
        command.check(cfg)


def test_each_domain_has_one_head_and_revisions_are_date_stamped() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    heads = [script.get_revision(h) for h in script.get_heads()]
    labels = [sorted(h.branch_labels) for h in heads if h is not None]
    # One branch per domain off the foundation; the foundation itself is no head once a
    # domain builds on it.
    assert len({tuple(lb) for lb in labels}) == len(heads)
    for rev in script.walk_revisions():
        assert rev.revision[:8].isdigit(), rev.revision
        assert Path(str(rev.path)).name[:8].isdigit()
