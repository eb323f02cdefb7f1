"""Settings and commands must be documented (docs/operations.md, README.md)."""

from __future__ import annotations

from pathlib import Path

import click

from jingwu.cli.main import cli
from jingwu.config import Settings
from jingwu.workorders.sla import RED_POLICY, YELLOW_POLICY

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "operations.md").read_text()
    missing = [
        f"JINGWU_{n.upper()}" for n in Settings.model_fields if f"JINGWU_{n.upper()}" not in text
    ]
    assert not missing, f"undocumented settings: {missing}"


def _commands(group: click.Group, prefix: str = "jingwu") -> list[str]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the lazy groups load their commands here
        cmd = group.get_command(ctx, name)
        assert cmd is not None, name
        path = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            out += _commands(cmd, path)
        else:
            out.append(path)
    return out


def test_every_command_is_documented_somewhere() -> None:
    docs = "\n".join(p.read_text() for p in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
    missing = [c for c in _commands(cli) if c not in docs]
    assert not missing, f"undocumented commands: {missing}"


def test_the_readme_shows_the_two_commands_and_every_demo_account() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    for role in (
        "admin",
        "city",
        "director",
        "street",
        "chief",
        "officer",
        "auxiliary",
        "inspector",
        "partner",
    ):
        assert f"demo-{role}" in readme


def test_bench_results_index_every_benchmark_with_figure_target_command_and_date() -> None:
    results = (ROOT / "bench" / "RESULTS.md").read_text()
    index = results.split("## Index", 1)[1].split("\n# ", 1)[0]
    rows = [line for line in index.splitlines() if line.startswith("| ") and "`" in line]
    scripts = [p.stem for p in (ROOT / "bench").glob("*.py") if p.stem != "run_all"]
    for name in scripts:
        [row] = [r for r in rows if f"(`{name}`)" in r]
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 5 and all(cells), name  # benchmark, figure, target, command, date
        assert f"bench/{name}.py" in cells[3] and cells[4][:4].isdigit(), name
        assert (
            f"bench/results/{name}.md" in results
            or (ROOT / "bench" / "results" / f"{name}.md").exists()
        )


def test_the_readme_points_the_cli_at_the_database_jingwu_demo_creates() -> None:
    readme = (ROOT / "README.md").read_text()
    serve = (ROOT / "src" / "jingwu" / "cli" / "serve.py").read_text()
    demo_url = "sqlite:///var/demo.db"  # the var dir is ./var unless JINGWU_VAR_DIR says else
    assert "var_dir / 'demo.db'" in serve, "jingwu demo moved its database: update the README"
    assert f"JINGWU_DATABASE_URL={demo_url} .venv/bin/jingwu" in readme


def test_the_readme_describes_every_domain_with_a_page() -> None:
    readme = (ROOT / "README.md").read_text()
    what = readme.split("## What it does", 1)[1].split("\n## ", 1)[0]
    for domain, page in [
        ("Organisation", "/org"),
        ("Accounts", "/admin/users"),
        ("Work orders", "/work-orders"),
        ("Evidence", "/evidence/log"),
        ("Analytics", "/analytics"),
        ("IoT", "/iot"),
        ("Notifications", "/notifications"),
        ("Audit", "/audit"),
    ]:
        assert domain in what and f"`{page}" in what, domain


def test_the_readme_gives_the_tiers_deadlines_as_the_code_has_them() -> None:
    """The three colours are red, orange and yellow; yellow is done within 24 hours."""
    text = " ".join((ROOT / "README.md").read_text().split())
    assert "green" not in text.lower()
    yellow = (YELLOW_POLICY.response_minutes // 60, YELLOW_POLICY.completion_minutes // 60)
    assert "yellow: respond in {} h, done within {} h".format(*yellow) in text
    assert f"red: respond in {RED_POLICY.response_minutes // 60} h" in text
