"""Pre/post test scores: learning gains and paired effect sizes."""

from __future__ import annotations

import math
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from narcometrics._checks import FloatOrArray, check_count, check_positive
from narcometrics.errors import Problem, UnknownNameError, ValidationError, WrongTypeError
from narcometrics.training._intervals import (
    as_float,
    check_confidence,
    has_bool,
    index_name,
    non_real_problems,
    raise_problems,
    where,
)
from narcometrics.training._results import EffectSize, GainResult

__all__ = [
    "EFFECT_SIZE_INTERVALS",
    "EFFECT_SIZE_VARIANTS",
    "hedges_correction",
    "learning_gain",
    "paired_effect_size",
]

#: The paired effect-size variants, by the name the ``variant`` parameter takes.
EFFECT_SIZE_VARIANTS = ("d_z", "d_av", "g_z", "g_av")
#: The effect-size interval methods, by the name the ``interval`` parameter takes.
EFFECT_SIZE_INTERVALS = ("noncentral_t", "normal")

NAN = math.nan


def as_scores(name: str, value: object) -> NDArray[np.float64]:
    """A 1-d sequence of finite real scores (bool and text refused)."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of scores, not {type(value).__name__}")
    if has_bool(value):
        raise TypeError(f"{name} must be real scores, not bool")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise ValidationError(name, f"must be a sequence of scores ({error})", value) from None
    if array.ndim != 1:
        raise ValidationError(name, f"must be 1-d, not {array.ndim}-d", value)
    if array.dtype.kind == "O":
        raise_problems(non_real_problems(name, array, "a real score"), wrong_type=True)
    elif array.dtype.kind not in "iuf":
        raise WrongTypeError(name, f"must be real scores, not {array.dtype}", value)
    scores = array.astype(np.float64)
    problems = [
        Problem(field=index_name(name, index), problem="must be finite", value=array[index])
        for index in where(~np.isfinite(scores))
    ]
    raise_problems(problems)
    return scores


def check_pairs(pre: object, post: object) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Paired score arrays of equal length."""
    x = as_scores("pre", pre)
    y = as_scores("post", post)
    if x.size != y.size:
        raise ValidationError(
            "post", f"must pair with pre: {y.size} post scores for {x.size} pre scores", post
        )
    return x, y


def learning_gain(
    pre: ArrayLike,
    post: ArrayLike,
    max_score: float,
    *,
    participants: int | None = None,
) -> GainResult:
    r"""Raw gain, Hake's average normalized gain and the average of individual gains.

    Parameters
    ----------
    pre, post : array_like of float [score points]
        Paired scores, one pair per participant tested both times, each within
        [0, ``max_score``].
    max_score : float [score points]
        The maximum attainable score, > 0.
    participants : int, optional [people]
        People who started the course (>= the number of pairs), so that attrition can be
        reported beside the gains.

    Returns
    -------
    GainResult
        The three gains, the means, ``n_paired``, ``n_participants``, ``attrition`` and a
        ``note`` explaining any NaN.

    Raises
    ------
    ValidationError
        Naming ``pre``, ``post`` (also when the lists do not pair), ``max_score`` or
        ``participants``.

    Notes
    -----
    With pre scores $x_i$, post scores $y_i$, maximum $M$ and
    $D_i = y_i - x_i$ [1]:

    - raw gain $\bar D$;
    - Hake's average normalized gain from class averages
      $\langle g \rangle = (\bar y - \bar x) / (M - \bar x)$, undefined (NaN) when
      $\bar x = M$;
    - the average of individual normalized gains
      $\overline{(y_i - x_i) / (M - x_i)}$, a different number in general, undefined
      (NaN) when any $x_i = M$;
    - attrition $1 - n_{paired} / participants$.

    No pairs give NaN for every gain, with a note. Drop-outs inflate gains (those who leave
    are rarely those who learn most), so report attrition beside any gain.

    References
    ----------
    .. [1] Documentation page "Training statistics"; Hake, R. R. (1998).
       Interactive-engagement versus traditional methods. American Journal of Physics
       66(1), 64-74.

    Examples
    --------
    >>> g = learning_gain([20, 60], [60, 70], 100, participants=4)
    >>> print(g.raw_gain, round(g.hake_gain, 4), g.mean_individual_gain, g.attrition)
    25.0 0.4167 0.375 0.5
    """
    x, y = check_pairs(pre, post)
    top = check_positive("max_score", max_score)
    problems = [
        Problem(
            field=index_name(name, (int(i),)),
            problem=f"must be within [0, {top:g}]",
            value=float(values[i]),
        )
        for name, values in (("pre", x), ("post", y))
        for i in np.nonzero((values < 0) | (values > top))[0]
    ]
    raise_problems(problems)
    n = int(x.size)
    if participants is not None:
        participants = check_count("participants", participants, minimum=1)
        if participants < n:
            raise ValidationError(
                "participants", f"must be >= the number of score pairs ({n})", participants
            )
    notes: list[str] = []
    attrition = NAN if participants is None else 1.0 - n / participants
    if participants is None:
        notes.append("participants not given: attrition unknown")
    if n == 0:
        notes.append("no score pairs: every gain is undefined")
        return undefined_gain(
            max_score=top, n_participants=participants, attrition=attrition, note=notes
        )
    pre_mean = float(np.mean(x))
    post_mean = float(np.mean(y))
    raw = float(np.mean(y - x))
    if pre_mean == top:
        hake = NAN
        notes.append("Hake gain undefined: the pre-test mean equals max_score")
    else:
        hake = (post_mean - pre_mean) / (top - pre_mean)
    at_top = int(np.count_nonzero(x == top))
    if at_top:
        individual = NAN
        notes.append(
            f"average of individual normalized gains undefined: {at_top} participant(s) "
            "scored max_score on the pre-test"
        )
    else:
        individual = float(np.mean((y - x) / (top - x)))
    return GainResult(
        raw_gain=raw,
        hake_gain=hake,
        mean_individual_gain=individual,
        pre_mean=pre_mean,
        post_mean=post_mean,
        max_score=top,
        n_paired=n,
        n_participants=participants,
        attrition=attrition,
        note="; ".join(notes),
    )


def undefined_gain(
    *, max_score: float, n_participants: int | None, attrition: float, note: list[str]
) -> GainResult:
    """A GainResult with no pairs: every gain NaN, the notes joined."""
    return GainResult(
        raw_gain=NAN,
        hake_gain=NAN,
        mean_individual_gain=NAN,
        pre_mean=NAN,
        post_mean=NAN,
        max_score=max_score,
        n_paired=0,
        n_participants=n_participants,
        attrition=attrition,
        note="; ".join(note),
    )


@overload
def hedges_correction(df: float) -> float: ...
@overload
def hedges_correction(df: ArrayLike) -> NDArray[np.float64]: ...
def hedges_correction(df: ArrayLike) -> FloatOrArray:
    r"""Hedges' exact small-sample correction factor $J(v)$.

    Parameters
    ----------
    df : float or array_like [degrees of freedom]
        $v$, > 1; for ``d_z`` $v = n - 1$, for ``d_av`` $v = 2(n-1)/(1+r^2)$.

    Returns
    -------
    float or numpy.ndarray
        $J(v) = \Gamma(v/2) / (\sqrt{v/2}\,\Gamma((v-1)/2))$, in (0, 1), rising to 1.

    Raises
    ------
    ValidationError
        Naming ``df`` and the value when a value is not a finite real > 1.

    Notes
    -----
    Computed as ``scipy.special.poch((v - 1)/2, 1/2) / sqrt(v/2)`` (the gamma ratio as a
    Pochhammer symbol: no overflow, full precision as J -> 1).

    References
    ----------
    .. [1] Documentation page "Training statistics";
       Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and
       related estimators. Journal of Educational Statistics 6(2), 107-128.

    Examples
    --------
    >>> print(round(hedges_correction(9), 6))
    0.913875
    """
    if isinstance(df, (bool, str, bytes)):
        raise TypeError(f"df must be a real number > 1, not {type(df).__name__}")
    try:
        v = np.asarray(df, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError("df", "must be a real number > 1", df) from None
    bad = ~(np.isfinite(v) & (v > 1))
    raise_problems(
        [
            Problem(
                field=index_name("df", index),
                problem="must be a finite real > 1",
                value=v[index].item(),
            )
            for index in where(bad)
        ]
    )
    return as_float(_j(v))


def _j(v: Any) -> Any:
    from scipy import special  # imported on first use: scipy takes most of a second

    return special.poch((np.asarray(v, dtype=np.float64) - 1.0) / 2.0, 0.5) / np.sqrt(
        np.asarray(v, dtype=np.float64) / 2.0
    )


def noncentrality_limit(t: float, df: float, p: float) -> float:
    """The noncentrality ``nc`` with ``P(T <= t) = p`` for ``T`` noncentral t(``df``, ``nc``).

    The cdf decreases in ``nc``; the root is bracketed around scipy's ``nctdtrinc`` (cdflib)
    and refined with Brent's method on ``scipy.stats.nct.cdf`` (to about 1e-12).
    """

    from scipy import optimize, special, stats

    def f(nc: float) -> float:
        return float(stats.nct.cdf(t, df, nc)) - p

    guess = float(special.nctdtrinc(df, p, t))
    if not math.isfinite(guess):
        guess = t
    width = max(0.5, 1e-3 * abs(guess))
    low, high = guess - width, guess + width
    for _ in range(200):
        f_low, f_high = f(low), f(high)
        if math.isnan(f_low) or math.isnan(f_high):
            return guess
        if f_low >= 0 >= f_high:
            break
        if f_low < 0:
            low -= width
        if f_high > 0:
            high += width
        width *= 2.0
    else:  # pragma: no cover - the cdf spans (0, 1) in nc
        return guess
    return float(optimize.brentq(f, low, high, xtol=1e-13, rtol=4 * np.finfo(float).eps))


def paired_effect_size(
    pre: ArrayLike,
    post: ArrayLike,
    *,
    variant: str = "d_z",
    confidence: float = 0.95,
    interval: str = "noncentral_t",
) -> EffectSize:
    r"""A standardized pre/post effect size, named by its variant, with a confidence interval.

    Parameters
    ----------
    pre, post : array_like of float [score points]
        Paired scores, one pair per participant.
    variant : {"d_z", "d_av", "g_z", "g_av"}
        Which effect size (see Notes); tools disagree on the default, so it is named in
        the result.
    confidence : float [fraction]
        Confidence level of the interval, in (0, 1).
    interval : {"noncentral_t", "normal"}
        ``"noncentral_t"`` (default): the exact noncentral-t interval for ``d_z`` and
        ``g_z`` (Goulet-Pelletier and Cousineau 2018) and the Algina-Keselman (2003)
        interval for ``d_av`` and ``g_av``. ``"normal"``: the large-sample normal
        approximation (Hedges and Olkin 1985), kept for comparison with older tools; it
        is too narrow for small samples.

    Returns
    -------
    EffectSize
        ``variant``, ``estimate``, ``low``, ``high``, ``se``, ``confidence``, ``n``,
        ``correction``, ``df`` of the correction, ``r`` (pre/post correlation),
        ``interval`` (the method) and a ``note`` explaining any NaN.

    Raises
    ------
    ValidationError
        Naming ``pre``, ``post`` (also when they do not pair) or ``confidence``; an unknown
        ``variant`` or ``interval`` raises UnknownNameError.

    Notes
    -----
    With $D_i = y_i - x_i$ over $n$ pairs, sample standard deviations (divisor $n - 1$)
    and $r$ the pre/post correlation (Lakens 2013 names the variants):

    - $d_z = \bar D / s_D$, undefined when $s_D = 0$;
    - $d_{av} = (\bar y - \bar x) / s_{av}$, $s_{av} = \sqrt{(s_x^2 + s_y^2)/2}$,
      undefined when both standard deviations are 0;
    - $g_z = J(n - 1)\, d_z$ and $g_{av} = J(\nu)\, d_{av}$ with Hedges' exact $J$
      ([`hedges_correction`][narcometrics.training.hedges_correction]) and
      $\nu = 2(n-1)/(1+r^2)$, the degrees of freedom of $d_{av}$ (Cousineau 2020;
      $J(n-1)$ over-corrects $d_{av}$). Needs $n \ge 3$.

    Intervals (``interval="noncentral_t"``): with $t = \bar D \sqrt n / s_D$ the paired t
    statistic and $\lambda_{L}$, $\lambda_{U}$ the noncentralities of a noncentral t with
    $n - 1$ degrees of freedom whose cdf at $t$ is $1 - \alpha/2$ and $\alpha/2$:

    - ``d_z``, ``g_z``: $[\lambda_L, \lambda_U] / \sqrt n$, exact for normal differences
      (Goulet-Pelletier and Cousineau 2018);
    - ``d_av``, ``g_av``: $[\lambda_L, \lambda_U] \cdot s_D / (s_{av} \sqrt n)$, the
      Algina-Keselman (2003) approximation (the ratio $s_D / s_{av}$ taken as fixed).

    The interval is one for the population effect $\delta$, so ``g`` shares the interval of
    ``d`` (multiplying it by $J$ would lose coverage: 0.71 at $n = 3$). ``se`` is the
    large-sample standard error $\sqrt{1/n + d^2/(2n)}$ (times $J$ for ``g``) of Hedges and
    Olkin (1985), and ``interval="normal"`` gives $J (d \pm z\, se)$. Coverage measured by
    simulation is in the documentation page "Training statistics"
    (``benchmarks/effect_size_coverage.py``). Fewer than two pairs give NaN with a note.

    References
    ----------
    .. [1] Documentation page "Training statistics".
    .. [2] Goulet-Pelletier, J.-C. and Cousineau, D. (2018). A review of effect sizes and
       their confidence intervals, Part I: The Cohen's d family. The Quantitative Methods
       for Psychology 14(4), 242-265.
    .. [3] Algina, J. and Keselman, H. J. (2003). Approximate confidence intervals for
       effect sizes. Educational and Psychological Measurement 63(4), 537-553.
    .. [4] Cousineau, D. (2020). Approximating the distribution of Cohen's d_p in
       within-subject designs. The Quantitative Methods for Psychology 16(4), 418-421.
    .. [5] Hedges, L. V. and Olkin, I. (1985). Statistical Methods for Meta-Analysis.
       Academic Press (the large-sample variance).
    .. [6] Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
       cumulative science. Frontiers in Psychology 4, 863 (the variants d_z, d_av, g_av).

    Examples
    --------
    >>> e = paired_effect_size([40, 50, 60], [50, 70, 70], variant="d_z")
    >>> print(e.variant, round(e.estimate, 4), e.n, e.interval)
    d_z 2.3094 3 noncentral_t
    """
    if not isinstance(variant, str) or variant not in EFFECT_SIZE_VARIANTS:
        shown = variant if isinstance(variant, str) else repr(variant)
        raise UnknownNameError("variant", shown, EFFECT_SIZE_VARIANTS)
    if not isinstance(interval, str) or interval not in EFFECT_SIZE_INTERVALS:
        shown = interval if isinstance(interval, str) else repr(interval)
        raise UnknownNameError("interval", shown, EFFECT_SIZE_INTERVALS)
    level = check_confidence(confidence)
    x, y = check_pairs(pre, post)
    n = int(x.size)
    hedges = variant.startswith("g")
    paired_z = variant.endswith("z")

    def result(
        estimate: float = NAN,
        low: float = NAN,
        high: float = NAN,
        se: float = NAN,
        correction: float = NAN,
        df: float = NAN,
        r: float = NAN,
        note: str = "",
    ) -> EffectSize:
        return EffectSize(
            variant=variant,
            estimate=estimate,
            low=low,
            high=high,
            se=se,
            confidence=level,
            n=n,
            correction=correction,
            df=df,
            r=r,
            interval=interval,
            note=note,
        )

    if n < 2:
        return result(note=f"{variant} needs at least 2 pairs, got {n}")
    if hedges and n < 3:
        return result(note="Hedges' correction needs at least 3 pairs, got 2")
    diff = y - x
    mean_d = float(np.mean(diff))
    sd_d = float(np.std(diff, ddof=1))
    var_x, var_y = float(np.var(x, ddof=1)), float(np.var(y, ddof=1))
    notes: list[str] = []
    if paired_z:
        r = NAN
        df = float(n - 1)
        scale = sd_d
        if sd_d == 0:
            return result(note=f"{variant} undefined: the differences have sd 0")
    else:
        scale = math.sqrt((var_x + var_y) / 2.0)
        if scale == 0:
            return result(note=f"{variant} undefined: pre and post scores have sd 0")
        if var_x == 0 or var_y == 0:
            r = 0.0  # the covariance is exactly 0 when one set of scores is constant
            notes.append("r taken as 0: pre or post scores have sd 0")
        else:
            r = float(np.clip(np.corrcoef(x, y)[0, 1], -1.0, 1.0))
        df = 2.0 * (n - 1) / (1.0 + r * r)
    correction = float(_j(df)) if hedges else 1.0
    d = mean_d / scale
    se_d = math.sqrt(1.0 / n + d * d / (2.0 * n))
    tail = (1.0 - level) / 2.0
    if interval == "normal":
        from scipy import special

        z = float(-special.ndtri(tail))
        low, high = correction * (d - z * se_d), correction * (d + z * se_d)
    elif sd_d == 0:
        low = high = NAN
        notes.append("interval undefined: the differences have sd 0")
    else:
        t = mean_d * math.sqrt(n) / sd_d
        per_lambda = sd_d / (scale * math.sqrt(n))
        low = noncentrality_limit(t, n - 1, 1.0 - tail) * per_lambda
        high = noncentrality_limit(t, n - 1, tail) * per_lambda
    return result(
        estimate=correction * d,
        low=low,
        high=high,
        se=correction * se_d,
        correction=correction,
        df=df,
        r=r,
        note="; ".join(notes),
    )
