"""Special functions for the interval and effect-size code, in numpy only (no scipy).

Private: the public functions in [`narcometrics.training`][narcometrics.training] validate their
input and call these. Every function here is vectorised over numpy arrays and returns float64
arrays; out of domain inputs give NaN rather than raising (the callers never pass them).

- `ndtri`: the standard normal quantile, Wichura's algorithm AS 241 (PPND16), a
  rational approximation with relative error about 1e-16.
- `betainc`: the regularized incomplete beta function ``I_x(a, b)``, from its
  continued fraction evaluated with the modified Lentz method.
- `betaincinv`: its inverse in ``x``, by Halley's method on ``log I_x`` kept inside a
  bracket that shrinks at every step (bisection when a step would leave it).
- `log_gamma`: `math.lgamma` element by element.

References
----------
.. [1] Wichura, M. J. (1988). Algorithm AS 241: The percentage points of the normal
   distribution. Applied Statistics 37(3), 477-484. doi:10.2307/2347330. The
   coefficients below are those of the paper, as also used by CPython's
   ``statistics.NormalDist.inv_cdf``.
.. [2] Abramowitz, M. and Stegun, I. A. (1964). Handbook of Mathematical Functions,
   26.5.8 (continued fraction of the incomplete beta function) and 26.5.22 (its normal
   approximation, used here only as a starting point).
.. [3] Lentz, W. J. (1976). Generating Bessel functions in Mie scattering calculations
   using continued fractions. Applied Optics 15(3), 668-671; modified by Thompson, I. J.
   and Barnett, A. R. (1986). J. Comput. Phys. 64, 490-509.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["betainc", "betaincinv", "hedges_j", "log_beta", "log_gamma", "ndtri"]

Float = NDArray[np.float64]

# AS 241 (PPND16) coefficients, highest degree first (numpy.polyval order) [1].
_A = (
    2.5090809287301226727e3,
    3.3430575583588128105e4,
    6.7265770927008700853e4,
    4.5921953931549871457e4,
    1.3731693765509461125e4,
    1.9715909503065514427e3,
    1.3314166789178437745e2,
    3.3871328727963666080e0,
)
_B = (
    5.2264952788528545610e3,
    2.8729085735721942674e4,
    3.9307895800092710610e4,
    2.1213794301586595867e4,
    5.3941960214247511077e3,
    6.8718700749205790830e2,
    4.2313330701600911252e1,
    1.0,
)
_C = (
    7.74545014278341407640e-4,
    2.27238449892691845833e-2,
    2.41780725177450611770e-1,
    1.27045825245236838258e0,
    3.64784832476320460504e0,
    5.76949722146069140550e0,
    4.63033784615654529590e0,
    1.42343711074968357734e0,
)
_D = (
    1.05075007164441684324e-9,
    5.47593808499534494600e-4,
    1.51986665636164571966e-2,
    1.48103976427480074590e-1,
    6.89767334985100004550e-1,
    1.67638483018380384940e0,
    2.05319162663775882187e0,
    1.0,
)
_E = (
    2.01033439929228813265e-7,
    2.71155556874348757815e-5,
    1.24266094738807843860e-3,
    2.65321895265761230930e-2,
    2.96560571828504891230e-1,
    1.78482653991729133580e0,
    5.46378491116411436990e0,
    6.65790464350110377720e0,
)
_F = (
    2.04426310338993978564e-15,
    1.42151175831644588870e-7,
    1.84631831751005468180e-5,
    7.86869131145613259100e-4,
    1.48753612908506148525e-2,
    1.36929880922735805310e-1,
    5.99832206555887937690e-1,
    1.0,
)

_EPS = np.finfo(np.float64).eps
_TINY = 1e-300
# Continued-fraction terms: the number needed grows like sqrt(max(a, b)) [2]; this cap is
# far above what a, b up to 1e8 need, and is there only to stop a runaway loop.
_MAX_TERMS = 100_000
_MAX_NEWTON = 200


def ndtri(p: ArrayLike) -> Float:
    """Standard normal quantile: ``x`` with ``Phi(x) = p`` (AS 241 [1]).

    ``p = 0`` gives ``-inf``, ``p = 1`` gives ``inf``, ``p`` outside [0, 1] or NaN gives NaN.
    """
    prob = np.asarray(p, dtype=np.float64)
    q = prob - 0.5
    out = np.full(prob.shape, np.nan)
    central = np.abs(q) <= 0.425
    r = 0.180625 - q[central] ** 2
    out[central] = q[central] * np.polyval(_A, r) / np.polyval(_B, r)
    tail = ~central & (prob > 0) & (prob < 1)
    r = np.sqrt(-np.log(np.where(q[tail] <= 0, prob[tail], 1.0 - prob[tail])))
    near = r <= 5.0
    value = np.where(
        near,
        np.polyval(_C, r - 1.6) / np.polyval(_D, r - 1.6),
        np.polyval(_E, r - 5.0) / np.polyval(_F, r - 5.0),
    )
    out[tail] = np.where(q[tail] < 0, -value, value)
    out[prob == 0] = -np.inf
    out[prob == 1] = np.inf
    return out


_lgamma = np.vectorize(math.lgamma, otypes=[np.float64])


def log_gamma(x: ArrayLike) -> Float:
    """``log |Gamma(x)|`` element by element, for ``x > 0``."""
    return np.asarray(_lgamma(np.asarray(x, dtype=np.float64)), dtype=np.float64)


def _stirling_tail(z: Float) -> Float:
    """``lgamma(z) - [(z - 1/2) log z - z + log(2 pi) / 2]``: the Stirling series in 1/z.

    Terms ``B_2k / (2k (2k - 1) z^(2k - 1))`` for k = 1..7 (Bernoulli numbers B_2k); for
    ``z >= 10`` the first term left out, ``3617 / (122400 z^15)``, is below 3e-17.
    """
    w = 1.0 / (z * z)
    series = -691 / 360360 + w / 156
    for coefficient in (1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12):
        series = coefficient + w * series
    return series / z


def log_beta(a: ArrayLike, b: ArrayLike) -> Float:
    """``log B(a, b)`` for ``a, b > 0``.

    With ``s = min(a, b)`` and ``t = max(a, b) >= 10`` it is
    ``lgamma(s) - (t - 1/2) log1p(s/t) - s log(s + t) + s + S(t) - S(s + t)`` (``S`` the
    Stirling series): unlike ``lgamma(a) + lgamma(b) - lgamma(a + b)`` it does not lose
    digits to cancellation when one argument is large and the other small.
    """
    a_, b_ = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64))
    small = np.minimum(a_, b_)
    large = np.maximum(a_, b_)
    asymptotic = large >= 10.0
    t = np.where(asymptotic, large, 10.0)
    s = np.where(asymptotic, small, 1.0)
    tail = (
        log_gamma(s) - (t - 0.5) * np.log1p(s / t) - s * np.log(s + t) + s
        + _stirling_tail(t) - _stirling_tail(s + t)
    )  # fmt: skip
    sa = np.where(asymptotic, 1.0, a_)
    sb = np.where(asymptotic, 1.0, b_)
    direct = log_gamma(sa) + log_gamma(sb) - log_gamma(sa + sb)
    return np.where(asymptotic, tail, direct)


_gamma = np.vectorize(math.gamma, otypes=[np.float64])


def hedges_j(df: ArrayLike) -> Float:
    """Hedges' exact small-sample correction ``J(v) = Gamma(v/2) / (sqrt(v/2) Gamma((v-1)/2))``.

    Defined for ``v > 1`` (NaN otherwise). With ``x = (v - 1) / 2``: for ``x < 10`` the
    ratio of `math.gamma` values (each accurate to an ulp); above, with
    ``h = 1 / (2x)``, ``log J = x log1p(h) - 1/2 - log1p(h) / 2 + S(x + 1/2) - S(x)``
    where ``S`` is the Stirling series, which keeps full precision as ``J -> 1`` where a
    difference of two ``lgamma`` values would lose it.
    """
    v = np.asarray(df, dtype=np.float64)
    ok = v > 1
    x = (np.where(ok, v, 3.0) - 1.0) / 2.0
    large = x >= 10.0
    xl = np.where(large, x, 10.0)
    h = 1.0 / (2.0 * xl)
    j_large = np.exp(
        xl * np.log1p(h) - 0.5 - 0.5 * np.log1p(h) + _stirling_tail(xl + 0.5) - _stirling_tail(xl)
    )
    xs = np.where(large, 1.0, x)
    j_small = _gamma(xs + 0.5) / (_gamma(xs) * np.sqrt(xs + 0.5))
    return np.where(ok, np.where(large, j_large, j_small), np.nan)


def _nonzero(v: Float) -> Float:
    """Lentz's guard: a value too close to 0 becomes a tiny one, so that 1/v stays finite."""
    return np.where(np.abs(v) < _TINY, _TINY, v)


def _lentz_step(num: Float, c: Float, d: Float) -> tuple[Float, Float]:
    """One modified-Lentz update with partial numerator ``num`` (partial denominator 1)."""
    return _nonzero(1.0 + num / c), 1.0 / _nonzero(1.0 + num * d)


def _continued_fraction(a: Float, b: Float, x: Float) -> Float:
    """The continued fraction of ``I_x(a, b)`` (A&S 26.5.8), by modified Lentz [2, 3].

    Converges fast for ``x < (a + 1) / (a + b + 2)``; all arrays are 1-d and equally long.
    Each loop takes the even and the odd term of step ``m``.
    """
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = np.ones_like(x)
    d = 1.0 / _nonzero(1.0 - qab * x / qap)
    h = d.copy()
    active = np.arange(x.size)
    for m in range(1, _MAX_TERMS + 1):
        aa_, bb_, xx = a[active], b[active], x[active]
        m2 = 2.0 * m
        even = m * (bb_ - m) * xx / ((qam[active] + m2) * (aa_ + m2))
        cc, dd = _lentz_step(even, c[active], d[active])
        factor = dd * cc
        odd = -(aa_ + m) * (qab[active] + m) * xx / ((aa_ + m2) * (qap[active] + m2))
        cc, dd = _lentz_step(odd, cc, dd)
        delta = dd * cc
        h[active] *= factor * delta
        c[active], d[active] = cc, dd
        converged = np.abs(delta - 1.0) <= _EPS
        if converged.all():
            return h
        active = active[~converged]
    raise ArithmeticError(  # pragma: no cover - cap far above what any input needs
        f"incomplete beta continued fraction did not converge in {_MAX_TERMS} terms"
    )


def _t_minus_log1p(t: Float) -> Float:
    """``t - log1p(t)`` for ``t > -1`` without cancellation near 0.

    With ``u = t / (2 + t)``, ``log1p(t) = 2 atanh(u)``, so
    ``t - log1p(t) = t^2 / (2 + t) - 2 (u^3/3 + u^5/5 + ...)``; the series is summed for
    ``|t| <= 1/2`` (``|u| <= 1/3``, 30 terms reach 1e-30) and the direct form used beyond.
    """
    near = np.abs(t) <= 0.5
    tn = np.where(near, t, 0.0)
    u = tn / (2.0 + tn)
    u2 = u * u
    power = u * u2
    series = np.zeros_like(tn)
    for k in range(3, 63, 2):
        series += power / k
        power = power * u2
    with np.errstate(divide="ignore"):
        direct = t - np.log1p(t)
    return np.where(near, tn * tn / (2.0 + tn) - 2.0 * series, direct)


def _log_power_over_beta(a: Float, b: Float, x: Float, lbeta: Float) -> Float:
    """``log(x^a (1 - x)^b / B(a, b))``, accurate also when ``a`` and ``b`` are both large.

    Directly, the terms are of size ``a log a`` and their rounding (an ulp of ~1e6 is 1e-10)
    would swamp the result. For ``a, b >= 10`` it is rewritten around ``p0 = a / (a + b)``
    with ``d = x - p0`` (as in TOMS 708's ``brcomp``): the first-order terms of
    ``a log(x/p0) + b log((1-x)/q0)`` cancel exactly, leaving
    ``-a r(d/p0) - b r(-d/q0) - log(2 pi)/2 + log(ab/(a+b))/2 - [S(a) + S(b) - S(a+b)]``
    with ``r(t) = t - log1p(t)`` and ``S`` the Stirling series.
    """
    both_large = (a >= 10.0) & (b >= 10.0)
    direct = a * np.log(x) + b * np.log1p(-x) - lbeta
    if not both_large.any():
        return direct
    al = np.where(both_large, a, 10.0)
    bl = np.where(both_large, b, 10.0)
    total = al + bl
    p0 = al / total
    q0 = bl / total
    d = x - p0
    large = (
        -al * _t_minus_log1p(d / p0)
        - bl * _t_minus_log1p(-d / q0)
        - 0.5 * math.log(2.0 * math.pi)
        + 0.5 * np.log(al * bl / total)
        - (_stirling_tail(al) + _stirling_tail(bl) - _stirling_tail(total))
    )
    return np.where(both_large, large, direct)


def _log_betainc(a: Float, b: Float, x: Float, lbeta: Float) -> tuple[Float, Float]:
    """``(I_x(a, b), log I_x(a, b))`` for 1-d arrays with ``0 < x < 1``.

    ``lbeta`` is ``log B(a, b)``. The logarithm stays accurate far in the lower tail, where
    ``I_x`` itself underflows.
    """
    swap = x > (a + 1.0) / (a + b + 2.0)
    aa = np.where(swap, b, a)
    bb = np.where(swap, a, b)
    xx = np.where(swap, 1.0 - x, x)
    log_small = (
        _log_power_over_beta(aa, bb, xx, lbeta)
        - np.log(aa)
        + np.log(_continued_fraction(aa, bb, xx))
    )
    small = np.exp(log_small)
    return np.where(swap, 1.0 - small, small), np.where(swap, np.log1p(-small), log_small)


def betainc(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> Float:
    """Regularized incomplete beta function ``I_x(a, b)`` for ``a, b > 0``, ``0 <= x <= 1``.

    Broadcasts its arguments; NaN outside the domain.
    """
    a_, b_, x_, out, inner = _domain(a, b, x)
    if inner.any():
        ai, bi = a_[inner], b_[inner]
        with np.errstate(all="ignore"):  # underflow of the front factor to 0 is right
            out[inner] = _log_betainc(ai, bi, x_[inner], log_beta(ai, bi))[0]
    return out


def _domain(
    a: ArrayLike, b: ArrayLike, v: ArrayLike
) -> tuple[Float, Float, Float, Float, NDArray[np.bool_]]:
    """Broadcast ``a, b, v`` and prepare the output: 0 at ``v = 0``, 1 at ``v = 1``, NaN
    outside ``a, b > 0``, ``0 <= v <= 1``; ``inner`` marks the entries left to compute."""
    a_, b_, v_ = np.broadcast_arrays(
        np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(v, np.float64)
    )
    out = np.full(a_.shape, np.nan)
    valid = (a_ > 0) & (b_ > 0) & (v_ >= 0) & (v_ <= 1)
    out[valid & (v_ == 0)] = 0.0
    out[valid & (v_ == 1)] = 1.0
    return a_, b_, v_, out, valid & (v_ > 0) & (v_ < 1)


def _start(a: Float, b: Float, p: Float, lbeta: Float) -> Float:
    """A starting point for the inverse: A&S 26.5.22 when a, b >= 1, else the power-law
    behaviour of ``I_x`` near whichever end holds ``p`` (as in Numerical Recipes)."""
    both_large = (a >= 1) & (b >= 1)
    y = -ndtri(p)  # upper-tail deviate: I_x(a, b) = p at x ~ a / (a + b e^{2w}) [2]
    lam = (y * y - 3.0) / 6.0
    inv = 1.0 / (2.0 * np.where(both_large, a, 1.0) - 1.0)
    inv_b = 1.0 / (2.0 * np.where(both_large, b, 1.0) - 1.0)
    h = 2.0 / (inv + inv_b)
    w = y * np.sqrt(h + lam) / h - (inv_b - inv) * (lam + 5.0 / 6.0 - 2.0 / (3.0 * h))
    normal = a / (a + b * np.exp(2.0 * w))
    # Near 0: I_x ~ x^a / (a B); near 1: 1 - I_x ~ (1 - x)^b / (b B). Use the end whose
    # approximation holds p: t and u are the two approximations' masses at x = a / (a + b).
    log_t = a * np.log(a / (a + b)) - np.log(a)
    log_u = b * np.log(b / (a + b)) - np.log(b)
    t, u = np.exp(log_t), np.exp(log_u)
    share_low = t / (t + u)
    low = np.exp((np.log(p) + np.log(a) + lbeta) / a)
    high = 1.0 - np.exp((np.log1p(-p) + np.log(b) + lbeta) / b)
    power = np.where(p < share_low, low, high)
    guess = np.where(both_large, normal, power)
    return np.where(np.isfinite(guess) & (guess > 0) & (guess < 1), guess, 0.5)


def betaincinv(a: ArrayLike, b: ArrayLike, p: ArrayLike) -> Float:
    """Inverse of `betainc` in ``x``: the ``p`` quantile of Beta(a, b).

    ``p = 0`` gives 0, ``p = 1`` gives 1; NaN outside ``a, b > 0``, ``0 <= p <= 1``. For
    ``p > 1/2`` it solves the mirrored problem ``1 - I_{1-x}(b, a) = p`` so that the lower
    tail is always the one being solved.
    """
    a_, b_, p_, out, inner = _domain(a, b, p)
    if inner.any():
        ai, bi, pi = a_[inner], b_[inner], p_[inner]
        mirror = pi > 0.5
        aa = np.where(mirror, bi, ai)
        bb = np.where(mirror, ai, bi)
        pp = np.where(mirror, 1.0 - pi, pi)
        with np.errstate(all="ignore"):  # infinities are caught by the bracket
            x = _solve_lower(aa, bb, pp)
        out[inner] = np.where(mirror, 1.0 - x, x)
    return out


def _solve_lower(a: Float, b: Float, p: Float) -> Float:
    """Solve ``I_x(a, b) = p`` for ``0 < p <= 1/2`` (1-d arrays).

    Halley's method (Newton's with a curvature correction, clipped as in Numerical
    Recipes' ``invbetai``) on ``g(x) = log I_x(a, b) - log p``, whose derivative is
    ``pdf(x) / I_x``: in the logarithm the lower tail is nearly linear, so the steps stay
    long where ``I_x`` is tiny and ``p`` is not. Each step is kept inside a bracket that
    shrinks around the root; a step that would leave it bisects the bracket instead.
    """
    lbeta = log_beta(a, b)
    log_p = np.log(p)
    x = _start(a, b, p, lbeta)
    lo = np.zeros_like(x)
    hi = np.ones_like(x)
    active = np.arange(x.size)
    for _ in range(_MAX_NEWTON):
        aa, bb, xx, lb = a[active], b[active], x[active], lbeta[active]
        _value, log_value = _log_betainc(aa, bb, xx, lb)
        g = log_value - log_p[active]
        lo[active] = np.where(g < 0, xx, lo[active])
        hi[active] = np.where(g > 0, xx, hi[active])
        log_pdf = (aa - 1.0) * np.log(xx) + (bb - 1.0) * np.log1p(-xx) - lb
        newton = g * np.exp(log_value - log_pdf)  # g / g', with g' = pdf / I
        # Halley: divide by 1 - g g'' / (2 g'^2), g''/g' = (a-1)/x - (b-1)/(1-x) - g'
        bend = (aa - 1.0) / xx - (bb - 1.0) / (1.0 - xx) - np.exp(log_pdf - log_value)
        step = newton / (1.0 - 0.5 * np.clip(newton * bend, -1.0, 1.0))
        new = xx - step
        l_, h_ = lo[active], hi[active]
        # Converged: the step is below the precision sought (it is still taken).
        done = (g == 0) | (np.abs(step) <= 1e-14 * xx) | (h_ - l_ <= 4 * _EPS * h_)
        outside = ~np.isfinite(new) | (new <= l_) | (new >= h_)
        # Bisect outside the bracket: geometrically when it spans decades above 0.
        mid = np.where((l_ > 0) & (h_ > 4.0 * l_), np.sqrt(l_ * h_), 0.5 * (l_ + h_))
        new = np.where(outside & ~done, mid, new)
        x[active] = np.where((g == 0) | ~np.isfinite(new), xx, new)
        if done.all():
            return x
        active = active[~done]
    return x


def as_float(value: Any) -> Any:
    """A 0-d array to a Python float; any other array unchanged."""
    array = np.asarray(value)
    return float(array) if array.ndim == 0 else array
