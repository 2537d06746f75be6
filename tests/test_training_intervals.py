"""Proportion intervals: agreement with scipy and statsmodels, shapes, bad input."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.stats import binomtest
from statsmodels.stats.proportion import proportion_confint

from narcometrics import ValidationError
from narcometrics.errors import UnknownNameError
from narcometrics.training import INTERVAL_METHODS, proportion_interval, wilson_interval
from narcometrics.training._intervals import normal_quantile

TOL = 1e-9
STATSMODELS = {"wilson": "wilson", "clopper_pearson": "beta", "jeffreys": "jeffreys"}
SCIPY = {"wilson": "wilson", "clopper_pearson": "exact"}


@st.composite
def counts(draw: st.DrawFn, max_n: int = 10_000) -> tuple[int, int]:
    n = draw(st.integers(min_value=1, max_value=max_n))
    k = draw(st.integers(min_value=0, max_value=n) | st.sampled_from([0, n]))
    return k, n


confidences = st.floats(min_value=0.5, max_value=0.999)


@given(counts(), confidences, st.sampled_from(INTERVAL_METHODS))
def test_every_method_agrees_with_statsmodels_to_1e_9(
    kn: tuple[int, int], confidence: float, method: str
) -> None:
    k, n = kn
    low, high = proportion_interval(k, n, confidence, method=method)
    ref_low, ref_high = proportion_confint(k, n, alpha=1 - confidence, method=STATSMODELS[method])
    assert abs(low - ref_low) <= TOL
    assert abs(high - ref_high) <= TOL


@given(counts(), confidences, st.sampled_from(sorted(SCIPY)))
def test_wilson_and_clopper_pearson_agree_with_scipy_binomtest_to_1e_9(
    kn: tuple[int, int], confidence: float, method: str
) -> None:
    k, n = kn
    low, high = proportion_interval(k, n, confidence, method=method)
    ref = binomtest(k, n).proportion_ci(confidence_level=confidence, method=SCIPY[method])
    assert abs(low - ref.low) <= TOL
    assert abs(high - ref.high) <= TOL


@pytest.mark.parametrize("method", INTERVAL_METHODS)
@pytest.mark.parametrize("n", [1, 2, 3, 7, 50, 999, 10_000])
@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.95, 0.999])
def test_every_k_from_0_to_n_agrees_with_statsmodels(
    n: int, confidence: float, method: str
) -> None:
    k = np.arange(n + 1)
    low, high = proportion_interval(k, n, confidence, method=method)
    ref_low, ref_high = proportion_confint(k, n, alpha=1 - confidence, method=STATSMODELS[method])
    assert_allclose(low, ref_low, rtol=0, atol=TOL)
    assert_allclose(high, ref_high, rtol=0, atol=TOL)


def test_wilson_matches_the_reference_formula_by_hand() -> None:
    # Indicator semantics, "Training outcomes": centre (p + z^2/(2n)) / (1 + z^2/n),
    # half-width z sqrt(p(1-p)/n + z^2/(4n^2)) / (1 + z^2/n); z from the standard library.
    from statistics import NormalDist

    k, n, confidence = 10, 16, 0.9
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    low, high = wilson_interval(k, n, confidence)
    assert low == pytest.approx(centre - half, abs=1e-14)
    assert high == pytest.approx(centre + half, abs=1e-14)


@pytest.mark.parametrize("n", [1, 5, 100])
def test_boundary_conventions_at_k_0_and_k_n(n: int) -> None:
    for method in ("wilson", "clopper_pearson"):
        assert proportion_interval(0, n, method=method)[0] == 0.0
        assert proportion_interval(n, n, method=method)[1] == 1.0
    # Jeffreys: plain beta quantiles, no special case (as statsmodels)
    low, high = proportion_interval(0, n, method="jeffreys")
    assert 0 < low < high < 1
    low, high = proportion_interval(n, n, method="jeffreys")
    assert 0 < low < high < 1


@given(counts(max_n=2000), st.sampled_from(INTERVAL_METHODS), confidences)
def test_interval_is_ordered_within_0_1_and_holds_the_share_except_jeffreys_at_the_ends(
    kn: tuple[int, int], method: str, confidence: float
) -> None:
    k, n = kn
    low, high = proportion_interval(k, n, confidence, method=method)
    assert 0.0 <= low <= high <= 1.0
    if method != "jeffreys" or 0 < k < n:
        assert low <= k / n <= high


@given(counts(max_n=2000), st.sampled_from(INTERVAL_METHODS), confidences, confidences)
def test_a_higher_confidence_never_gives_a_narrower_interval(
    kn: tuple[int, int], method: str, c1: float, c2: float
) -> None:
    k, n = kn
    lo_c, hi_c = sorted((c1, c2))
    narrow = proportion_interval(k, n, lo_c, method=method)
    wide = proportion_interval(k, n, hi_c, method=method)
    assert wide[0] <= narrow[0] + 1e-12
    assert wide[1] >= narrow[1] - 1e-12


def test_scalars_give_floats_and_arrays_give_arrays_of_the_broadcast_shape() -> None:
    low, high = wilson_interval(3, 10)
    assert type(low) is float
    assert type(high) is float
    k = np.array([[0, 1, 2], [3, 4, 5]])
    n = np.array([5, 10, 20])
    for method in INTERVAL_METHODS:
        low_a, high_a = proportion_interval(k, n, method=method)
        assert isinstance(low_a, np.ndarray)
        assert low_a.shape == high_a.shape == (2, 3)
        for index in np.ndindex(2, 3):
            one = proportion_interval(int(k[index]), int(n[index[1]]), method=method)
            assert low_a[index] == pytest.approx(one[0], abs=1e-15)
            assert high_a[index] == pytest.approx(one[1], abs=1e-15)
    low_l, _ = wilson_interval([1, 2], 4)
    assert isinstance(low_l, np.ndarray)
    assert low_l.shape == (2,)


def test_whole_number_floats_and_numpy_integers_are_counts() -> None:
    expected = wilson_interval(3, 10)
    assert wilson_interval(3.0, 10.0) == expected
    assert wilson_interval(np.int32(3), np.uint8(10)) == expected
    assert_allclose(wilson_interval(np.array([3.0]), 10)[0], [expected[0]])


BAD: list[tuple[dict[str, Any], str]] = [
    ({"k": 11, "n": 10}, r"k: must be <= n \(10\) \(11\)"),
    ({"k": 1, "n": 0}, r"n: must be >= 1 \(0\)"),
    ({"k": -1, "n": 10}, r"k: must be >= 0 \(-1\)"),
    ({"k": 1, "n": -3}, r"n: must be >= 1 \(-3\)"),
    ({"k": 1.5, "n": 10}, r"k: must be a whole number \(at most 2\*\*53 as a float\) \(1.5\)"),
    ({"k": 1, "n": 1e300}, r"n: must be a whole number"),
    ({"k": 1, "n": np.uint64(2**64 - 1)}, r"n: must be counts below 2\*\*63"),
    ({"k": math.nan, "n": 10}, r"k: must be a whole number"),
    ({"k": 1, "n": math.inf}, r"n: must be a whole number"),
    ({"k": 1, "n": [10, None]}, r"n\[1\]: must be an integer count, not NoneType"),
    ({"k": 1, "n": 10, "confidence": 0.0}, r"confidence: must be within \(0, 1\)"),
    ({"k": 1, "n": 10, "confidence": 1.0}, r"confidence: must be within \(0, 1\)"),
    ({"k": 1, "n": 10, "confidence": 95}, r"confidence: must be within \(0, 1\)"),
    ({"k": 1, "n": 10, "confidence": math.nan}, r"confidence: must be finite"),
    ({"k": 1, "n": 10, "confidence": "0.95"}, r"confidence: must be a real number"),
    ({"k": [1, 2, 3], "n": [4, 5]}, r"k: shape \(3,\) does not broadcast"),
]


WRONG_TYPE: list[tuple[dict[str, Any], str]] = [
    ({"k": True, "n": 10}, r"k must be integer counts, not bool"),
    ({"k": [1, True], "n": 10}, r"k must be integer counts, not list"),
    ({"k": np.array([True]), "n": 10}, r"k must be integer counts, not ndarray"),
    ({"k": "3", "n": 10}, r"k must be integer counts, not str"),
]


@pytest.mark.parametrize(("kwargs", "message"), WRONG_TYPE)
def test_counts_of_a_wrong_type_raise_type_error_naming_the_parameter(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        wilson_interval(**kwargs)


@pytest.mark.parametrize(("kwargs", "message"), BAD)
def test_bad_input_raises_validation_error_naming_the_parameter(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        wilson_interval(**kwargs)


def test_array_errors_name_every_bad_index() -> None:
    with pytest.raises(ValidationError) as info:
        wilson_interval(np.array([1, 12, 3, 15]), np.array([10, 10, 0, 10]))
    fields = [p.field for p in info.value.problems]
    assert fields == ["n[2]"]  # n is checked before k <= n
    with pytest.raises(ValidationError) as info:
        wilson_interval(np.array([[1, 12], [3, 15]]), 10)
    assert [p.field for p in info.value.problems] == ["k[0, 1]", "k[1, 1]"]
    assert [p.value for p in info.value.problems] == [12, 15]


def test_unknown_method_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="method: must be one of: wilson, clopper_pearson"):
        proportion_interval(1, 10, method="exact")


@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 10**6)), min_size=1, max_size=50),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_the_wilson_interval_is_the_textbook_formula_to_the_last_bit(
    pairs: list[tuple[int, int]], confidence: float
) -> None:
    k = np.array([min(a, b) for a, b in pairs], dtype=np.int64)
    n = np.array([b for _, b in pairs], dtype=np.int64)
    z = normal_quantile((1.0 - confidence) / 2.0)
    kf, nf = k.astype(np.float64), n.astype(np.float64)
    p = kf / nf
    z2 = z * z
    denom = 1.0 + z2 / nf
    centre = (p + z2 / (2.0 * nf)) / denom
    half = z * np.sqrt(p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)) / denom
    low, high = proportion_interval(k, n, confidence)
    assert low.tobytes() == np.where(k == 0, 0.0, centre - half).tobytes()
    assert high.tobytes() == np.where(k == n, 1.0, centre + half).tobytes()
    for i in range(len(k)):  # scalars take the same path
        assert proportion_interval(int(k[i]), int(n[i]), confidence) == (low[i], high[i])
