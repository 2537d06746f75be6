"""The private special functions behind the training intervals, against scipy.

scipy is a test-only dependency: narcometrics computes the normal quantile, the regularized
incomplete beta function and its inverse, and Hedges' J itself, and these tests hold them
to scipy (and, for J, to an exact recurrence) over wide ranges.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import special

from narcometrics import _special

# scipy itself gives NaN in the far tails for some shapes (betaincinv(1.03125, 0.25, 1e-20)
# and betaincinv(2, 4, 1e-300) are NaN in scipy 1.17), so the comparisons stay above 1e-12
probabilities = st.floats(min_value=1e-12, max_value=1.0, exclude_max=True)
# and scipy's betainc loses digits within 1e-9 of x = 1 (betainc(0.5, 0.5, 1 - 2**-53) is off
# by 3e-9) and at subnormal x (betainc(1/32, 2, 5e-324) is off by 1 %); the closed forms
# below cover those ends
points = st.just(0.0) | st.floats(min_value=1e-300, max_value=1.0 - 1e-9)
shapes = st.floats(min_value=0.01, max_value=1e6)


def test_ndtri_matches_scipy_on_a_dense_grid_and_in_the_far_tails() -> None:
    p = np.concatenate(
        [
            np.linspace(1e-6, 1 - 1e-6, 20_001),
            np.logspace(-300, -1, 600),
            1 - np.logspace(-16, -1, 200),
        ]
    )
    expected = special.ndtri(p)
    assert_allclose(_special.ndtri(p), expected, rtol=4e-15, atol=1e-15)


@given(probabilities)
def test_ndtri_agrees_with_scipy_for_any_probability(p: float) -> None:
    assert_allclose(_special.ndtri(p), special.ndtri(p), rtol=4e-15, atol=1e-15)


def test_ndtri_edges_are_infinite_and_outside_is_nan() -> None:
    out = _special.ndtri([0.0, 1.0, 0.5, -0.1, 1.1, np.nan])
    assert out[0] == -np.inf
    assert out[1] == np.inf
    assert out[2] == 0.0
    assert np.isnan(out[3:]).all()


@given(shapes, shapes, points)
def test_betainc_agrees_with_scipy_for_any_shape_and_point(a: float, b: float, x: float) -> None:
    assert_allclose(_special.betainc(a, b, x), special.betainc(a, b, x), rtol=1e-10, atol=1e-13)


@given(st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.01, max_value=1e4))
def test_betainc_matches_its_closed_forms_up_to_the_ends(x: float, c: float) -> None:
    # I_x(1/2, 1/2) = (2/pi) asin(sqrt(x)), written through 1 - x above 1/2 to keep its digits
    arcsine = (
        2 / math.pi * math.asin(math.sqrt(x))
        if x <= 0.5
        else 1 - 2 / math.pi * math.asin(math.sqrt(1 - x))
    )
    assert_allclose(_special.betainc(0.5, 0.5, x), arcsine, rtol=1e-13)
    assert_allclose(_special.betainc(c, 1.0, x), x**c, rtol=1e-11, atol=1e-300)
    power = -math.expm1(c * math.log1p(-x)) if x < 1 else 1.0  # 1 - (1 - x)^c
    assert_allclose(_special.betainc(1.0, c, x), power, rtol=1e-11, atol=1e-300)


@given(shapes)
def test_betainc_of_a_symmetric_beta_is_one_half_at_its_centre(a: float) -> None:
    # exact by symmetry; large a and b are where log B(a, b) loses digits if done naively
    # (and, at a ~ 1e6, where the continued fraction needs thousands of terms)
    assert abs(_special.betainc(a, a, 0.5) - 0.5) <= 1e-12


@given(shapes, shapes, st.floats(min_value=0.0, max_value=1.0))
def test_betainc_reflects_between_its_ends(a: float, b: float, x: float) -> None:
    y = 1.0 - x
    x = 1.0 - y  # x and y now sum to 1 exactly
    total = _special.betainc(a, b, x) + _special.betainc(b, a, y)
    assert abs(total - 1.0) <= 1e-12


def test_betainc_agrees_with_scipy_on_a_random_batch() -> None:
    rng = np.random.default_rng(20170101)
    a = 10 ** rng.uniform(-1, 5, 4000)
    b = 10 ** rng.uniform(-1, 5, 4000)
    x = rng.uniform(0, 1, 4000)
    assert_allclose(_special.betainc(a, b, x), special.betainc(a, b, x), rtol=1e-10, atol=1e-13)


@given(shapes, shapes, probabilities)
def test_betaincinv_agrees_with_scipy_to_1e_9_for_any_shape_and_probability(
    a: float, b: float, p: float
) -> None:
    assert_allclose(_special.betaincinv(a, b, p), special.betaincinv(a, b, p), rtol=0, atol=1e-9)


def test_betaincinv_agrees_with_scipy_on_binomial_interval_shapes_up_to_n_100000() -> None:
    rng = np.random.default_rng(7)
    for n in (1, 2, 10, 100, 1000, 10_000, 100_000):
        k = rng.integers(0, n + 1, 500).astype(float)
        tail = (1 - rng.uniform(0.5, 0.9999, 500)) / 2
        for a, b in ((k + 0.5, n - k + 0.5), (k[k > 0], n - k[k > 0] + 1)):
            t = tail[: a.size]
            assert_allclose(
                _special.betaincinv(a, b, t), special.betaincinv(a, b, t), rtol=0, atol=1e-12
            )
            assert_allclose(
                _special.betaincinv(a, b, 1 - t),
                special.betaincinv(a, b, 1 - t),
                rtol=0,
                atol=1e-12,
            )


def test_betaincinv_inverts_betainc() -> None:
    rng = np.random.default_rng(3)
    a = 10 ** rng.uniform(-0.5, 4, 2000)
    b = 10 ** rng.uniform(-0.5, 4, 2000)
    p = rng.uniform(0.001, 0.999, 2000)
    assert_allclose(_special.betainc(a, b, _special.betaincinv(a, b, p)), p, rtol=1e-10)


def test_betaincinv_edges() -> None:
    out = _special.betaincinv([2.0, 2.0, -1.0, 2.0], [3.0, 3.0, 1.0, 3.0], [0.0, 1.0, 0.5, 1.5])
    assert out[0] == 0.0
    assert out[1] == 1.0
    assert np.isnan(out[2:]).all()


def _j_exact(v: int) -> Decimal:
    """J(v) through the exact recurrence Gamma(x + 1/2)/Gamma(x) -> * (x + 1/2)/x.

    It starts from a small x (where math.gamma is accurate to the last bit) and multiplies
    in 50-digit decimals, so it is independent of narcometrics' lgamma / Stirling code.
    """
    with localcontext() as ctx:
        ctx.prec = 50
        x = Decimal(v - 1) / 2
        x0 = x - int(x) + 1 if x >= 2 else x
        ratio = Decimal(math.gamma(float(x0) + 0.5) / math.gamma(float(x0)))
        y = x0
        while y < x:
            ratio *= (y + Decimal("0.5")) / y
            y += 1
        return ratio / (Decimal(v) / 2).sqrt()


def test_hedges_j_matches_scipy_gamma_where_gamma_does_not_overflow() -> None:
    v = np.arange(2, 340, dtype=float)
    expected = special.gamma(v / 2) / (np.sqrt(v / 2) * special.gamma((v - 1) / 2))
    assert_allclose(_special.hedges_j(v), expected, rtol=1e-12)


@pytest.mark.parametrize("v", [2, 3, 4, 10, 39, 40, 41, 42, 100, 1001, 20_000, 100_001])
def test_hedges_j_matches_an_exact_recurrence(v: int) -> None:
    exact = _j_exact(v)
    got = Decimal(float(_special.hedges_j(v)))
    assert abs(got - exact) / exact < Decimal("2e-15")


def test_hedges_j_tends_to_one_from_below_like_its_approximation() -> None:
    v = np.logspace(1.5, 12, 200)
    j = _special.hedges_j(v)
    assert (j < 1).all()
    # J = 1 - 3/(4v) - 7/(32 v^2) + O(v^-3); 1 - 3/(4v - 1) differs from it by ~1/(32 v^2)
    assert (np.abs(j - (1 - 3 / (4 * v - 1))) <= 0.1 / v**2 + 1e-15).all()


def test_hedges_j_is_nan_at_or_below_one() -> None:
    assert np.isnan(_special.hedges_j([1.0, 0.5, -2.0])).all()
