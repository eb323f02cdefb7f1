"""Every model on synthetic point processes with known structure, and the no-peeking rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from jingwu.analytics.choice import fit_choice
from jingwu.analytics.etas import Etas, fit_etas, linear_scan
from jingwu.analytics.forecast import ModelSpec
from jingwu.analytics.grid import build_grid, unproject
from jingwu.analytics.ours import CellChoice
from jingwu.analytics.registry import model_specs
from jingwu.analytics.synthetic import simulate_grid_etas, table_from_points
from jingwu.analytics.timeline import DAY_S, EventSet, Periods, make_periods, place_events

LON0, LAT0 = 121.47, 31.23
T0 = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
CELL = 100.0
SPECS = model_specs(CELL)


def events_at(
    x: np.ndarray, y: np.ndarray, t_days: np.ndarray, *, reported_days: np.ndarray | None = None
) -> EventSet:
    lon, lat = unproject(x, y, LON0, LAT0)
    reported = None if reported_days is None else T0 + reported_days * DAY_S
    table = table_from_points(T0 + t_days * DAY_S, lon, lat, reported=reported)
    return place_events(table, build_grid(lon, lat, cell=CELL), UTC)


def days(first: int, last: int) -> Periods:
    start = date(2026, 1, 1)
    return make_periods(
        date.fromordinal(start.toordinal() + first),
        date.fromordinal(start.toordinal() + last),
        UTC,
        step_days=1,
    )


def planted_hotspot(seed: int) -> tuple[EventSet, int]:
    """60 days: 900 events spread over 2 km × 2 km, 240 more at one address."""
    rng = np.random.default_rng(seed)
    n_bg, n_hot = 900, 240
    x = np.r_[rng.uniform(0, 2000, n_bg), np.full(n_hot, 1250.0)]
    y = np.r_[rng.uniform(0, 2000, n_bg), np.full(n_hot, 650.0)]
    t = rng.uniform(0, 60, n_bg + n_hot)
    events = events_at(x, y, t)
    lon, lat = unproject(np.array([1250.0]), np.array([650.0]), LON0, LAT0)
    return events, int(events.grid.locate(lon, lat)[0])


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_a_planted_hotspot_ranks_first_under_every_setting(spec: ModelSpec) -> None:
    events, hot = planted_hotspot(seed=1)
    for params in spec.candidates:
        forecast = spec.build(params).forecast(events, days(60, 62))
        assert forecast.shape == (2, events.grid.n_cells)
        assert np.all(np.isfinite(forecast)) and np.all(forecast >= 0)
        assert int(np.argmax(forecast[1])) == hot, params


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_no_forecast_uses_an_event_known_at_or_after_its_period(spec: ModelSpec) -> None:
    rng = np.random.default_rng(5)
    n = 1500
    t = np.sort(rng.uniform(0, 40, n))
    lag = np.where(rng.random(n) < 0.3, rng.exponential(3.0, n), 0.0)  # some late reports
    x, y = rng.normal(800, 300, n), rng.normal(800, 300, n)
    events = events_at(x, y, t, reported_days=t + lag)
    periods = days(30, 36)
    full = spec.build(spec.candidates[-1]).forecast(events, periods)
    for k in (0, 3, 5):
        known = events.known < periods.starts[k]
        assert not known.all()  # the test would be empty otherwise
        cut = spec.build(spec.candidates[-1]).forecast(events.subset(known), periods)
        np.testing.assert_allclose(cut[k], full[k], rtol=1e-9, atol=1e-12)


def test_the_prefix_scan_solves_the_linear_recurrence() -> None:
    rng = np.random.default_rng(2)
    a = rng.uniform(0, 1, 300)
    a[rng.random(300) < 0.1] = 0.0  # resets, as at the start of every cell
    b = rng.uniform(0, 2, 300)
    expected, x = [], 0.0
    for ai, bi in zip(a, b, strict=True):
        x = ai * x + bi
        expected.append(x)
    np.testing.assert_allclose(linear_scan(a, b), expected, rtol=1e-12)


def test_etas_recovers_the_parameters_of_a_simulated_process() -> None:
    rng = np.random.default_rng(11)
    mu = rng.gamma(1.0, 0.05, size=100)
    t, cell = simulate_grid_etas(mu, theta=0.5, omega=0.5, span_days=1000.0, rng=rng)
    fit = fit_etas(t, cell, 100, 1000.0)
    assert fit.converged
    assert fit.mu.sum() == pytest.approx(mu.sum(), rel=0.15)
    assert fit.theta == pytest.approx(0.5, rel=0.15)
    assert fit.omega == pytest.approx(0.5, rel=0.15)


def test_etas_on_the_grid_recovers_a_process_simulated_in_its_cells() -> None:
    rng = np.random.default_rng(4)
    mu = rng.gamma(1.0, 0.1, size=64)
    t, cell = simulate_grid_etas(mu, theta=0.4, omega=2.0, span_days=500.0, rng=rng)
    x = (cell % 8) * CELL  # one address per cell, a cell apart
    y = (cell // 8) * CELL
    events = events_at(x, y, t)
    fit, _ = Etas(window_days=500.0).fit_before(events, T0 + 500.0 * DAY_S)
    assert fit.mu.sum() == pytest.approx(mu.sum(), rel=0.15)
    assert fit.theta == pytest.approx(0.4, rel=0.15)
    assert fit.omega == pytest.approx(2.0, rel=0.15)


def test_etas_does_not_let_simultaneous_events_trigger_each_other() -> None:
    rng = np.random.default_rng(8)
    t, cell = simulate_grid_etas(np.full(50, 0.05), 0.0, 1.0, 400.0, rng)
    doubled = fit_etas(np.r_[t, t], np.r_[cell, cell], 50, 400.0)
    assert doubled.theta < 0.05


def test_fit_choice_recovers_the_weights_of_a_cell_choice_process() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 40, 2))
    beta = np.array([1.0, -0.5])
    eta = x @ beta
    p = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    y = np.stack([rng.multinomial(60, row) for row in p]).astype(float)
    got = fit_choice(x, y, np.zeros(2), ridge=1e-6, steps=25)
    np.testing.assert_allclose(got, beta, atol=0.05)


def test_our_model_learns_which_cells_are_busy_on_which_weekday() -> None:
    rng = np.random.default_rng(6)
    weeks = 16
    day = np.arange(weeks * 7)
    saturday = np.repeat(day[(day + 3) % 7 == 5], 3)  # 1 January 2026 was a Thursday
    monday = np.repeat(day[(day + 3) % 7 == 0], 3)
    background = np.repeat(day, 2)
    t = np.r_[saturday, monday, background] + rng.uniform(0, 1, 2 * len(saturday) + len(background))
    n_bg = len(background)
    x = np.r_[np.full(len(saturday), 150.0), np.full(len(monday), 950.0), rng.uniform(0, 2e3, n_bg)]
    y = np.r_[np.full(len(saturday), 150.0), np.full(len(monday), 950.0), rng.uniform(0, 2e3, n_bg)]
    events = events_at(x, y, t)
    spots = unproject(np.array([150.0, 950.0]), np.array([150.0, 950.0]), LON0, LAT0)
    sat_cell, mon_cell = events.grid.locate(*spots)
    periods = days(weeks * 7, weeks * 7 + 7)
    forecast = CellChoice(train_periods=28, ridge=1.0).forecast(events, periods)
    tops = {
        (int(d) + 3) % 7: int(np.argmax(row)) for d, row in zip(periods.day, forecast, strict=True)
    }
    assert tops[5] == sat_cell
    assert tops[0] == mon_cell
    # expected counts: 6 hotspot events a week plus 2 a day in the background
    assert forecast.sum(axis=1) == pytest.approx(np.full(7, 6 / 7 + 2), rel=0.25)
