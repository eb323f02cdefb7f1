"""Ridge-penalised cell-choice regression (conditional Poisson / multinomial logit), by Newton.

For training period r and cell c with features x_rc and y_rc observed events, the events of a
period fall in cells with probabilities softmax(x_r·β). The log-likelihood
    Σ_r Σ_c y_rc·(x_rc·β) − n_r·log Σ_c exp(x_rc·β),   n_r = Σ_c y_rc,
is the Poisson likelihood with a free intercept per period profiled out, and is concave in β.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MAX_HALVINGS = 20


def _loglik(eta: FloatArray, y: FloatArray, n: FloatArray) -> tuple[float, FloatArray]:
    """The log-likelihood at scores ``eta`` (periods × cells) and the choice probabilities."""
    top = eta.max(axis=1, keepdims=True)
    z = np.exp(eta - top)
    total = z.sum(axis=1, keepdims=True)
    value = float(np.sum(y * eta) - np.sum(n * (top[:, 0] + np.log(total[:, 0]))))
    return value, z / total


def fit_choice(
    x: FloatArray, y: FloatArray, beta: FloatArray, *, ridge: float, steps: int
) -> FloatArray:
    """``steps`` Newton steps from ``beta``, each halved until the penalised likelihood rises.

    x: (periods, cells, features); y: (periods, cells) observed counts.
    """
    rows, cells, k = x.shape
    flat = x.reshape(rows * cells, k)
    n = y.sum(axis=1)
    eta = (flat @ beta).reshape(rows, cells)
    value, p = _loglik(eta, y, n)
    value -= 0.5 * ridge * float(beta @ beta)
    for _ in range(steps):
        expected = n[:, np.newaxis] * p
        grad = flat.T @ (y - expected).reshape(-1) - ridge * beta
        mean = np.einsum("rck,rc->rk", x, p)
        root = np.sqrt(expected).reshape(-1, 1)
        scaled = flat * root
        hess = scaled.T @ scaled - (mean * n[:, np.newaxis]).T @ mean + ridge * np.eye(k)
        delta = np.linalg.solve(hess, grad)
        move = (flat @ delta).reshape(rows, cells)  # scores move linearly with the step
        step = 1.0
        for _halving in range(MAX_HALVINGS):
            trial = beta + step * delta
            new_value, new_p = _loglik(eta + step * move, y, n)
            new_value -= 0.5 * ridge * float(trial @ trial)
            if new_value >= value:
                beta, eta, value, p = trial, eta + step * move, new_value, new_p
                break
            step /= 2.0
        else:
            break  # no ascent direction left: converged as far as floating point allows
    return beta
