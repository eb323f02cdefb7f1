"""``jingwu analytics models`` and ``backtest``: output, JSON, one-sentence errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jingwu.analytics.cli import cli

DATA = Path(__file__).parents[2] / "data" / "crime" / "minneapolis_stops_2017.csv.gz"
WEEK = ["--start", "2017-02-01", "--end", "2017-02-08", "--tz", "America/Chicago"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_models_lists_every_model_with_its_kind() -> None:
    code, out = run("models")
    assert code == 0
    for name in ("naive", "retro_kde", "prospective", "st_kde", "etas"):
        assert f"{name}" in out
    assert "cell_choice" in out and "ours" in out and "baseline" in out


def test_backtest_prints_figures_and_writes_the_json(tmp_path: Path) -> None:
    out_file = tmp_path / "bt.json"
    code, out = run(
        "backtest",
        "--incidents",
        str(DATA),
        *WEEK,
        "--models",
        "naive,cell_choice",
        "--json",
        str(out_file),
    )
    assert code == 0, out
    assert "PAI 5%" in out and "cell_choice" in out
    doc = json.loads(out_file.read_text())
    assert doc["best_baseline"] == "naive"
    assert set(doc["models"]) == {"naive", "cell_choice"}
    assert doc["protocol"]["periods"] == {"validation": 7, "test": 7}
    assert doc["protocol"]["valid_cells"] == 4406
    assert doc["models"]["naive"]["pooled"]["5"]["pai"] > 3.0


def test_an_area_restricts_the_valid_cells(tmp_path: Path) -> None:
    downtown = [[-93.29, 44.97], [-93.26, 44.97], [-93.26, 44.99], [-93.29, 44.99], [-93.29, 44.97]]
    area = tmp_path / "downtown.geojson"
    area.write_text(json.dumps({"type": "Polygon", "coordinates": [downtown]}))
    out_file = tmp_path / "bt.json"
    code, out = run(
        "backtest",
        "--incidents",
        str(DATA),
        *WEEK,
        "--models",
        "naive",
        "--area",
        str(area),
        "--json",
        str(out_file),
    )
    assert code == 0, out
    protocol = json.loads(out_file.read_text())["protocol"]
    assert 100 < protocol["valid_cells"] < 400  # about 2.4 km × 2.2 km of 150 m cells
    assert protocol["events_in_valid_cells"] < 51_920


def one_sentence(out: str) -> str:
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    assert lines[0].startswith("Error: ") and lines[0].endswith(".")
    return lines[0]


def test_a_file_with_bad_rows_names_the_first_line_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,category,occurred_at,lat,lon\n"
        "1,theft,2017-01-01T00:00:00Z,44.9,-93.2\n"
        "2,theft,2017-01-01 00:00,44.9,-93.2\n"
        "3,theft,2017-01-02T00:00:00Z,44.9,north\n"
    )
    code, out = run("backtest", "--incidents", str(bad), *WEEK)
    assert code == 1
    line = one_sentence(out)
    assert "bad.csv line 3" in line and "no UTC offset" in line and "1 more bad rows" in line


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--incidents", "/nowhere/x.csv", *WEEK], "not a readable file"),
        (["--incidents", str(DATA), "--start", "2017-02-30", "--end", "2017-03-08"], "--start"),
        (["--incidents", str(DATA), *WEEK, "--horizon", "month"], "day or week"),
        (["--incidents", str(DATA), *WEEK, "--tz", "Mars/Olympus"], "IANA"),
        (["--incidents", str(DATA), *WEEK, "--cell", "-5"], "positive number"),
        (["--incidents", str(DATA), *WEEK, "--models", "naive,oracle"], "unknown model"),
        (["--incidents", str(DATA), *WEEK, "--area", "/nowhere.geojson"], "cannot be read"),
        (["--incidents", str(DATA), "--start", "2016-01-01", "--end", "2016-02-01"], "no events"),
    ],
)
def test_bad_input_gives_one_sentence_and_a_failure(args: list[str], needle: str) -> None:
    code, out = run("backtest", *args)
    assert code == 1
    assert needle in one_sentence(out)


def test_usage_errors_are_one_sentence_too() -> None:
    code, out = run("backtest", "--start", "2017-02-01", "--end", "2017-02-08")
    assert code == 2
    assert "--incidents" in one_sentence(out)
    code, out = run("backtest", "--incidents", str(DATA), *WEEK, "--colour", "red")
    assert code == 2
    assert "--colour" in one_sentence(out)
