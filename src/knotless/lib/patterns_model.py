"""The regression behind "what helped me?": a small Bayesian linear model, in plain Python.

One fit is one regression of a day's pain on a few columns (intercept, trend, weekend, one habit
or experiment arm). Days are not independent, so the errors are modelled as AR(1): the part of
today's pain the columns do not explain carries over from yesterday's by a factor rho (estimated
from the person's own residuals). The fit is generalised least squares with that AR(1) error,
written as a transformation of each row by the previous row that has a pain value ``g`` days
earlier (``g`` is 1 for consecutive days, more across a gap):

    y*_t = c_g (y_t - rho^g y_(t-g)),   x*_t = c_g (x_t - rho^g x_(t-g)),
    c_g = sqrt((1 - rho^2) / (1 - rho^(2g))),

and the first row scaled by sqrt(1 - rho^2) (Prais-Winsten). This is exactly "yesterday's pain
as a covariate" with the coefficient rho, and it handles missing days honestly: a gap of g days
only says that the carry-over fades as rho^g; nothing is filled in.

rho is the lag-1 correlation of the residuals of an almost-flat first fit over consecutive
days. From a short series that estimate is biased towards 0 by roughly (1 + 3 rho + k p) / m
(m consecutive pairs, p columns; Kendall's bias plus what fitting the columns removes), so that
amount is added back; k (RHO_BIAS_COLUMNS, 2 for patterns and 1.25 for the 4-phase experiments)
is set by ``bench/insights_calibration.py``: smaller values gave intervals that were too
narrow.

On the transformed rows the coefficients get independent normal priors N(0, s_j^2) (wide for the
nuisance columns, narrow for the habit so that effects shrink towards zero) and the noise
variance sigma^2 is estimated from the residuals (RSS / (n - p)):

    precision P = X*'X* / sigma^2 + diag(1 / s_j^2),   mean m = P^-1 X*'y* / sigma^2,
    covariance P^-1,

and since sigma^2 is itself estimated from n - p residual degrees of freedom, intervals and
probabilities use Student's t with n - p degrees of freedom around m (the marginal posterior
under a vague prior on sigma^2), not the normal.

If the transformed residuals still carry lag-1 correlation r (the AR(1) assumption was too
simple, for example because ratings are noisy on top of a slow drift), sigma^2 is inflated by
(1 + r a) / (1 - r a), where a is the lag-1 autocorrelation of the habit column (the usual
correction for a regression slope under AR(1) errors), and the posterior is computed again.

Design matrices are small (a handful of columns, at most a few hundred rows), so the Cholesky
factorisation and the solves are written out by hand; numpy is not needed at run time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

NORMAL = NormalDist()
# rho is capped below 1: a person whose pain never forgets yesterday still gets a finite fit.
RHO_MAX = 0.95
# Fewer consecutive-day pairs than this and rho is taken as 0 (nothing to estimate it from).
MIN_PAIRS = 5
RHO_BIAS_COLUMNS = 2.0


@dataclass(frozen=True, slots=True)
class Fit:
    coef: tuple[float, ...]  # posterior means
    var: tuple[float, ...]  # posterior variances (the diagonal of P^-1)
    sigma: float  # noise sd after the AR(1) transformation (inflation included)
    rho: float  # the AR(1) carry-over used
    inflation: float  # the factor sigma^2 was multiplied by (1 when none was needed)
    n: int  # rows
    df: float  # degrees of freedom of the noise variance: the posterior is Student t

    def interval(self, j: int, level: float = 0.8) -> tuple[float, float]:
        half = t_quantile(0.5 + level / 2, self.df) * math.sqrt(self.var[j])
        return (self.coef[j] - half, self.coef[j] + half)

    def prob_below(self, j: int, threshold: float) -> float:
        """Posterior probability that coefficient j is below ``threshold``."""
        sd = math.sqrt(self.var[j])
        return t_cdf((threshold - self.coef[j]) / sd, self.df) if sd > 0 else 0.0


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the regularised incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-14:
            break
    return h


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
        + a * math.log(x) + b * math.log1p(-x)
    )  # fmt: skip
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom (normal when df is huge)."""
    if df > 1e6:
        return NORMAL.cdf(t)
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


@lru_cache(maxsize=1024)
def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t, by bisection on ``t_cdf``."""
    if df > 1e6:
        return NORMAL.inv_cdf(p)
    low, high = -1e3, 1e3
    for _ in range(100):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


def cholesky(a: Sequence[Sequence[float]]) -> list[list[float]]:
    """Lower-triangular L with L L' = a, for a symmetric positive definite matrix."""
    n = len(a)
    low = [[0.0] * n for _ in range(n)]
    for i in range(n):
        row_i = low[i]
        for j in range(i + 1):
            row_j = low[j]
            s = a[i][j] - sum(row_i[k] * row_j[k] for k in range(j))
            if i == j:
                if s <= 0.0:
                    raise ValueError("matrix is not positive definite")
                row_i[i] = math.sqrt(s)
            else:
                row_i[j] = s / row_j[j]
    return low


def cho_solve(low: Sequence[Sequence[float]], b: Sequence[float]) -> list[float]:
    """Solve (L L') x = b given the Cholesky factor L."""
    n = len(low)
    z = [0.0] * n
    for i in range(n):
        z[i] = (b[i] - sum(low[i][k] * z[k] for k in range(i))) / low[i][i]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (z[i] - sum(low[k][i] * x[k] for k in range(i + 1, n))) / low[i][i]
    return x


def _normal_equations(
    x: Sequence[Sequence[float]], y: Sequence[float]
) -> tuple[list[list[float]], list[float]]:
    p = len(x[0])
    xtx = [[0.0] * p for _ in range(p)]
    xty = [0.0] * p
    for row, target in zip(x, y, strict=True):
        for i in range(p):
            ri = row[i]
            if ri == 0.0:
                continue
            xty[i] += ri * target
            xi = xtx[i]
            for j in range(i + 1):
                xi[j] += ri * row[j]
    for i in range(p):
        for j in range(i):
            xtx[j][i] = xtx[i][j]
    return xtx, xty


def _posterior(
    xtx: Sequence[Sequence[float]],
    xty: Sequence[float],
    sigma2: float,
    prior_sd: Sequence[float],
) -> tuple[list[float], list[float]]:
    p = len(xty)
    precision = [
        [xtx[i][j] / sigma2 + (1.0 / prior_sd[i] ** 2 if i == j else 0.0) for j in range(p)]
        for i in range(p)
    ]
    low = cholesky(precision)
    mean = cho_solve(low, [v / sigma2 for v in xty])
    var = []
    for j in range(p):
        unit = [0.0] * p
        unit[j] = 1.0
        var.append(cho_solve(low, unit)[j])
    return mean, var


def _residuals(
    x: Sequence[Sequence[float]], y: Sequence[float], coef: Sequence[float]
) -> list[float]:
    return [
        t - sum(a * b for a, b in zip(row, coef, strict=True)) for row, t in zip(x, y, strict=True)
    ]


def _lag1_correlation(values: Sequence[float], pairs: Sequence[int]) -> float:
    """Correlation of values[i] with values[i - 1] over the indices i in ``pairs``."""
    if len(pairs) < MIN_PAIRS:
        return 0.0
    num = sum(values[i] * values[i - 1] for i in pairs)
    den = math.sqrt(sum(values[i] ** 2 for i in pairs) * sum(values[i - 1] ** 2 for i in pairs))
    return num / den if den > 0 else 0.0


def ar1_transform(
    t: Sequence[int], rows: Sequence[Sequence[float]], y: Sequence[float], rho: float
) -> tuple[list[list[float]], list[float]]:
    """The Prais-Winsten rows for AR(1) errors over days ``t`` (sorted, gaps allowed)."""
    first = math.sqrt(1.0 - rho * rho)
    xs = [[first * v for v in rows[0]]]
    ys = [first * y[0]]
    for i in range(1, len(t)):
        gap = t[i] - t[i - 1]
        r = rho**gap
        c = math.sqrt((1.0 - rho * rho) / (1.0 - r * r)) if rho > 0 else 1.0
        xs.append([c * (a - r * b) for a, b in zip(rows[i], rows[i - 1], strict=True)])
        ys.append(c * (y[i] - r * y[i - 1]))
    return xs, ys


def fit(
    t: Sequence[int],
    rows: Sequence[Sequence[float]],
    y: Sequence[float],
    prior_sd: Sequence[float],
    focus: Sequence[int],
    rho_bias_columns: float = RHO_BIAS_COLUMNS,
) -> Fit:
    """Fit pain ``y`` on ``rows`` (one per day ``t``, sorted ascending) with AR(1) errors.

    ``focus`` are the columns whose autocorrelation sets the inflation (the habit, the arm).
    """
    n, p = len(y), len(prior_sd)
    if n < p + 2:
        raise ValueError("too few days for the model")
    loose = [1e3] * p
    # Step 1: an almost-flat fit on the raw rows, for residuals and rho.
    xtx, xty = _normal_equations(rows, y)
    coef0, _ = _posterior(xtx, xty, 1.0, loose)
    resid0 = _residuals(rows, y, coef0)
    consecutive = [i for i in range(1, n) if t[i] - t[i - 1] == 1]
    raw = _lag1_correlation(resid0, consecutive)
    # A lag-1 correlation of regression residuals from a short series is biased towards 0 by
    # about (1 + 3 rho + 2 p) / n (Kendall's bias, plus one unit per fitted column): add it back.
    if len(consecutive) >= MIN_PAIRS:
        raw += (1.0 + 3.0 * max(raw, 0.0) + rho_bias_columns * p) / len(consecutive)
    rho = min(RHO_MAX, max(0.0, raw))
    # Step 2: transform, estimate sigma^2 from an almost-flat fit, then the real posterior.
    xs, ys = ar1_transform(t, rows, y, rho)
    xtx, xty = _normal_equations(xs, ys)
    flat, _ = _posterior(xtx, xty, 1.0, loose)
    resid = _residuals(xs, ys, flat)
    sigma2 = max(sum(e * e for e in resid) / (n - p), 1e-6)
    # Step 3: what correlation is left after the transformation widens the interval.
    everyone = list(range(1, n))
    left = _lag1_correlation(resid, everyone)
    focus_ac = 0.0
    for j in focus:
        col = [r[j] for r in xs]
        mean_col = sum(col) / n
        focus_ac = max(focus_ac, _lag1_correlation([v - mean_col for v in col], everyone))
    product = max(0.0, left * focus_ac)
    inflation = min((1.0 + product) / (1.0 - product), 4.0) if product > 0 else 1.0
    mean, var = _posterior(xtx, xty, sigma2 * inflation, prior_sd)
    sigma = math.sqrt(sigma2 * inflation)
    return Fit(tuple(mean), tuple(var), sigma, rho, inflation, n, float(n - p))
