"""Learning gains and paired effect sizes: formulas by hand and numpy, NaN cases, bad input."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import integrate, optimize, special, stats

from narcometrics import ValidationError
from narcometrics.errors import UnknownNameError
from narcometrics.training import (
    EFFECT_SIZE_VARIANTS,
    hedges_correction,
    learning_gain,
    paired_effect_size,
)

MAX = 100.0


@st.composite
def score_pairs(draw: st.DrawFn, min_size: int = 1) -> tuple[list[float], list[float]]:
    n = draw(st.integers(min_value=min_size, max_value=60))
    score = st.floats(min_value=0.0, max_value=MAX)
    return draw(st.lists(score, min_size=n, max_size=n)), draw(
        st.lists(score, min_size=n, max_size=n)
    )


# ---------------------------------------------------------------------------- gains


def test_gains_by_hand_and_hake_differs_from_the_average_of_individual_gains() -> None:
    # pre 20 and 60, post 60 and 70, max 100: D = 40, 10
    g = learning_gain([20, 60], [60, 70], 100, participants=5)
    assert g.raw_gain == 25.0
    assert g.hake_gain == pytest.approx((65 - 40) / (100 - 40))  # 0.4167 from class means
    assert g.mean_individual_gain == pytest.approx((40 / 80 + 10 / 40) / 2)  # 0.375
    assert g.hake_gain != pytest.approx(g.mean_individual_gain)
    assert g.pre_mean == 40.0
    assert g.post_mean == 65.0
    assert g.n_paired == 2
    assert g.n_participants == 5
    assert g.attrition == pytest.approx(1 - 2 / 5)
    assert g.note == ""


@given(score_pairs())
def test_gains_agree_with_a_direct_numpy_computation(
    pairs: tuple[list[float], list[float]],
) -> None:
    pre, post = (np.array(v) for v in pairs)
    g = learning_gain(pre, post, MAX)
    assert g.raw_gain == pytest.approx(np.mean(post - pre), abs=1e-9)
    if pre.mean() < MAX:
        expected = (post.mean() - pre.mean()) / (MAX - pre.mean())
        assert g.hake_gain == pytest.approx(expected, rel=1e-9, abs=1e-12)
    else:
        assert math.isnan(g.hake_gain)
    if (pre < MAX).all():
        expected = np.mean((post - pre) / (MAX - pre))
        assert g.mean_individual_gain == pytest.approx(expected, rel=1e-9, abs=1e-12)
    else:
        assert math.isnan(g.mean_individual_gain)
    assert math.isnan(g.attrition)
    assert "attrition unknown" in g.note


def test_pre_mean_at_the_maximum_gives_nan_with_an_explanation() -> None:
    g = learning_gain([10, 10], [10, 9], 10, participants=2)
    assert math.isnan(g.hake_gain)
    assert math.isnan(g.mean_individual_gain)
    assert g.raw_gain == -0.5
    assert "Hake gain undefined: the pre-test mean equals max_score" in g.note
    assert "2 participant(s) scored max_score on the pre-test" in g.note
    assert g.attrition == 0.0


def test_one_participant_at_the_maximum_leaves_hake_defined() -> None:
    g = learning_gain([10, 4], [10, 7], 10)
    assert g.hake_gain == pytest.approx((8.5 - 7) / (10 - 7))
    assert math.isnan(g.mean_individual_gain)
    assert "1 participant(s)" in g.note


def test_no_pairs_give_nan_gains_with_a_note() -> None:
    g = learning_gain([], [], 20, participants=12)
    assert g.n_paired == 0
    assert all(math.isnan(v) for v in (g.raw_gain, g.hake_gain, g.mean_individual_gain))
    assert g.attrition == 1.0
    assert "no score pairs" in g.note


def test_gain_result_to_dict_is_plain_json() -> None:
    import json

    d = learning_gain([10, 10], [10, 9], 10).to_dict()
    assert d["hake_gain"] is None
    assert d["n_participants"] is None
    json.dumps(d, allow_nan=False)


GAIN_BAD: list[tuple[dict[str, Any], str]] = [
    ({"post": [50, 60, 70]}, r"post: must pair with pre: 3 post scores for 2 pre scores"),
    ({"pre": [50, 101]}, r"pre\[1\]: must be within \[0, 100\] \(101.0\)"),
    ({"post": [-1, 60]}, r"post\[0\]: must be within \[0, 100\] \(-1.0\)"),
    ({"pre": [50, math.nan]}, r"pre\[1\]: must be finite"),
    ({"pre": [50, None]}, r"pre\[1\]: must be a real score, not NoneType"),
    ({"pre": [[50, 40]]}, r"pre: must be 1-d, not 2-d"),
    ({"max_score": 0}, r"max_score: must be > 0"),
    ({"max_score": math.inf}, r"max_score: must be finite"),
    ({"participants": 1}, r"participants: must be >= the number of score pairs \(2\)"),
    ({"participants": 0}, r"participants: must be >= 1"),
    ({"participants": 3.0}, r"participants: must be an integer count"),
]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pre": [True, 40]}, r"pre must be real scores, not bool"),
        ({"pre": "50,40"}, r"pre must be a sequence of scores, not str"),
    ],
)
def test_scores_of_a_wrong_type_raise_type_error_naming_the_parameter(
    changes: dict[str, Any], message: str
) -> None:
    kwargs: dict[str, Any] = {"pre": [50, 40], "post": [60, 70], "max_score": 100.0}
    kwargs.update(changes)
    with pytest.raises(TypeError, match=message):
        learning_gain(**kwargs)


@pytest.mark.parametrize(("changes", "message"), GAIN_BAD)
def test_bad_gain_input_raises_validation_error_naming_the_parameter(
    changes: dict[str, Any], message: str
) -> None:
    kwargs: dict[str, Any] = {"pre": [50, 40], "post": [60, 70], "max_score": 100.0}
    kwargs.update(changes)
    with pytest.raises(ValidationError, match=message):
        learning_gain(**kwargs)


# --------------------------------------------------------------------- effect sizes


def _direct(pre: np.ndarray, post: np.ndarray, variant: str) -> float:
    """The reference formulas, straight from numpy and scipy.special.gamma."""
    n = pre.size
    if variant.endswith("z"):
        d = float(np.mean(post - pre) / np.std(post - pre, ddof=1))
    else:
        d = float((post.mean() - pre.mean()) / np.sqrt((pre.var(ddof=1) + post.var(ddof=1)) / 2))
    if variant.startswith("g"):
        if variant == "g_z":
            v = n - 1
        else:  # Cousineau (2020): the degrees of freedom of d_av depend on r
            r = 0.0 if min(pre.var(), post.var()) == 0 else np.corrcoef(pre, post)[0, 1]
            v = 2 * (n - 1) / (1 + r * r)
        d *= special.gamma(v / 2) / (np.sqrt(v / 2) * special.gamma((v - 1) / 2))
    return d


@given(score_pairs(min_size=3), st.sampled_from(EFFECT_SIZE_VARIANTS))
def test_effect_sizes_agree_with_a_direct_numpy_computation(
    pairs: tuple[list[float], list[float]], variant: str
) -> None:
    pre, post = (np.array(v) for v in pairs)
    e = paired_effect_size(pre, post, variant=variant)
    assert e.variant == variant
    assert e.n == pre.size
    if math.isnan(e.estimate):
        assert "sd 0" in e.note
        return
    # scipy.special.gamma overflows beyond n ~ 340; pairs here stay far below
    expected = _direct(pre, post, variant)
    assert e.estimate == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(score_pairs(min_size=3), st.sampled_from(EFFECT_SIZE_VARIANTS), st.floats(0.5, 0.999))
def test_the_named_normal_interval_is_the_hedges_olkin_approximation(
    pairs: tuple[list[float], list[float]], variant: str, confidence: float
) -> None:
    pre, post = (np.array(v) for v in pairs)
    e = paired_effect_size(pre, post, variant=variant, confidence=confidence, interval="normal")
    assert e.interval == "normal"
    if math.isnan(e.estimate):
        return
    n = pre.size
    j = e.correction
    d = e.estimate / j
    se = math.sqrt(1 / n + d * d / (2 * n))  # indicator semantics, "Training outcomes"
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    assert e.se == pytest.approx(j * se, rel=1e-12)
    assert e.low == pytest.approx(j * (d - z * se), rel=1e-9, abs=1e-12)
    assert e.high == pytest.approx(j * (d + z * se), rel=1e-9, abs=1e-12)
    assert e.low <= e.estimate <= e.high


def _nct_cdf(t: float, df: float, nc: float) -> float:
    """P(T <= t) for T = (Z + nc) / sqrt(V / df), by integrating over V ~ chi2(df):
    a computation independent of scipy's noncentral t (boost) and of cdflib."""

    half = df / 2
    log_norm = half * math.log(2) + math.lgamma(half)

    def integrand(v: float) -> float:
        # the chi-square density written out (scipy.stats' pdf costs ~50x more per call)
        density = math.exp((half - 1) * math.log(v) - v / 2 - log_norm) if v > 0 else 0.0
        return 0.5 * math.erfc(-(t * math.sqrt(v / df) - nc) / math.sqrt(2)) * density

    return float(integrate.quad(integrand, 0, np.inf, epsabs=1e-12, epsrel=1e-10, limit=100)[0])


def _nct_interval(t: float, df: float, confidence: float) -> tuple[float, float]:
    """Noncentrality limits by root search on the integral cdf (bracketed around cdflib's
    ``nctdtrinc``, whose own answer is off by up to about 1e-6)."""
    tail = (1 - confidence) / 2
    limits = []
    for p in (1 - tail, tail):
        guess = float(special.nctdtrinc(df, p, t))
        limits.append(
            optimize.brentq(
                lambda nc, p=p: _nct_cdf(t, df, nc) - p, guess - 1, guess + 1, xtol=1e-12
            )
        )
    return limits[0], limits[1]


@settings(max_examples=25)  # each example integrates the cdf a few dozen times
@given(score_pairs(min_size=3), st.sampled_from(["d_z", "g_z"]), st.floats(0.5, 0.99))
def test_d_z_interval_equals_the_noncentral_t_interval_to_1e_6(
    pairs: tuple[list[float], list[float]], variant: str, confidence: float
) -> None:
    pre, post = (np.array(v) for v in pairs)
    e = paired_effect_size(pre, post, variant=variant, confidence=confidence)
    if math.isnan(e.estimate):
        return
    n = pre.size
    diff = post - pre
    t = diff.mean() * math.sqrt(n) / diff.std(ddof=1)
    if abs(t) > 30:  # cdflib's own search loses accuracy far in the tail
        return
    lam_low, lam_high = _nct_interval(t, n - 1, confidence)
    assert e.low == pytest.approx(lam_low / math.sqrt(n), abs=1e-6)
    assert e.high == pytest.approx(lam_high / math.sqrt(n), abs=1e-6)
    # the defining property: the observed t sits at the alpha/2 and 1 - alpha/2 quantiles
    tail = (1 - confidence) / 2
    assert stats.nct.cdf(t, n - 1, e.low * math.sqrt(n)) == pytest.approx(1 - tail, abs=1e-9)
    assert stats.nct.cdf(t, n - 1, e.high * math.sqrt(n)) == pytest.approx(tail, abs=1e-9)


@settings(max_examples=25)
@given(score_pairs(min_size=3), st.sampled_from(["d_av", "g_av"]))
def test_d_av_interval_is_algina_keselman(
    pairs: tuple[list[float], list[float]], variant: str
) -> None:
    pre, post = (np.array(v) for v in pairs)
    e = paired_effect_size(pre, post, variant=variant)
    if math.isnan(e.low):
        return
    n = pre.size
    diff = post - pre
    t = diff.mean() * math.sqrt(n) / diff.std(ddof=1)
    if abs(t) > 30:
        return
    # Algina and Keselman (2003): delta = lambda * sqrt((s_x^2 + s_y^2 - 2 s_xy) / n) / s_av,
    # where s_x^2 + s_y^2 - 2 s_xy is the variance of the differences (computed as such: the
    # three-term form can round below zero when the differences are tiny)
    s_av2 = (pre.var(ddof=1) + post.var(ddof=1)) / 2
    factor = math.sqrt(diff.var(ddof=1) / (n * s_av2))
    lam_low, lam_high = _nct_interval(t, n - 1, 0.95)
    assert e.low == pytest.approx(lam_low * factor, abs=1e-6)
    assert e.high == pytest.approx(lam_high * factor, abs=1e-6)


def test_g_shares_the_interval_of_d_and_g_av_uses_the_r_dependent_df() -> None:
    pre = [40.0, 50, 60, 55, 47, 62]
    post = [50.0, 70, 70, 52, 60, 61]
    for d_name, g_name in (("d_z", "g_z"), ("d_av", "g_av")):
        d = paired_effect_size(pre, post, variant=d_name)
        g = paired_effect_size(pre, post, variant=g_name)
        assert (g.low, g.high) == (d.low, d.high)  # an interval for delta, not J times it
        assert g.estimate == pytest.approx(g.correction * d.estimate)
    g_av = paired_effect_size(pre, post, variant="g_av")
    r = float(np.corrcoef(pre, post)[0, 1])
    assert g_av.r == pytest.approx(r)
    assert g_av.df == pytest.approx(2 * 5 / (1 + r * r))
    assert g_av.correction == pytest.approx(hedges_correction(2 * 5 / (1 + r * r)))
    assert g_av.correction > hedges_correction(5)  # J(n - 1) over-corrects d_av


def test_unknown_interval_method_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="interval: must be one of: noncentral_t, normal"):
        paired_effect_size([1, 2, 3], [1, 2, 4], interval="wald")


def test_d_z_by_hand_and_g_z_is_j_times_d_z() -> None:
    pre, post = [40, 50, 60], [50, 70, 70]  # D = 10, 20, 10: mean 40/3, sd 10/sqrt(3)
    d = paired_effect_size(pre, post, variant="d_z")
    assert d.estimate == pytest.approx((40 / 3) / (10 / math.sqrt(3)))
    assert d.correction == 1.0
    g = paired_effect_size(pre, post, variant="g_z")
    j2 = special.gamma(1.0) / (math.sqrt(1.0) * special.gamma(0.5))  # J(2) = 1/sqrt(pi)
    assert g.correction == pytest.approx(j2)
    assert g.estimate == pytest.approx(j2 * d.estimate)


def test_undefined_effect_sizes_are_nan_with_a_note() -> None:
    one = paired_effect_size([1], [2])
    assert math.isnan(one.estimate)
    assert "at least 2 pairs" in one.note
    two = paired_effect_size([1, 2], [2, 4], variant="g_z")
    assert math.isnan(two.estimate)
    assert "at least 3 pairs" in two.note
    flat = paired_effect_size([1, 2, 3], [2, 3, 4], variant="d_z")
    assert math.isnan(flat.estimate)
    assert "differences have sd 0" in flat.note
    still = paired_effect_size([5, 5, 5], [6, 6, 6], variant="d_av")
    assert math.isnan(still.estimate)
    assert "sd 0" in still.note
    assert still.to_dict()["estimate"] is None


def test_bad_effect_size_input_raises_naming_the_parameter() -> None:
    with pytest.raises(ValidationError, match="post: must pair with pre"):
        paired_effect_size([1, 2, 3], [1, 2])
    with pytest.raises(UnknownNameError, match="variant: must be one of: d_z, d_av, g_z, g_av"):
        paired_effect_size([1, 2, 3], [1, 2, 4], variant="cohen_d")
    with pytest.raises(ValidationError, match=r"confidence: must be within \(0, 1\)"):
        paired_effect_size([1, 2, 3], [1, 2, 4], confidence=1.5)
    with pytest.raises(ValidationError, match=r"pre\[0\]: must be finite"):
        paired_effect_size([math.inf, 2, 3], [1, 2, 4])


# ----------------------------------------------------------------------- Hedges' J


def test_hedges_correction_matches_scipy_gamma() -> None:
    v = np.arange(2, 300)
    expected = special.gamma(v / 2) / (np.sqrt(v / 2) * special.gamma((v - 1) / 2))
    assert_allclose(hedges_correction(v), expected, rtol=1e-12)
    assert isinstance(hedges_correction(9), float)
    assert hedges_correction(9.0) == pytest.approx(float(expected[7]), rel=1e-14)


@pytest.mark.parametrize("bad", [1, 0.5, -3, math.nan, math.inf, [5, 1]])
def test_hedges_correction_refuses_df_not_above_one(bad: object) -> None:
    with pytest.raises(ValidationError, match="df"):
        hedges_correction(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [True, "9"])
def test_hedges_correction_refuses_df_of_a_wrong_type(bad: object) -> None:
    with pytest.raises(TypeError, match="df"):
        hedges_correction(bad)  # type: ignore[arg-type]
