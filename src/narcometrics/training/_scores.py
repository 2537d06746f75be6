"""Pre/post test scores: learning gains and paired effect sizes."""

from __future__ import annotations

import math
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from narcometrics import _special
from narcometrics._checks import check_count, check_positive
from narcometrics.errors import Problem, UnknownNameError, ValidationError
from narcometrics.training._intervals import (
    check_confidence,
    has_bool,
    index_name,
    non_real_problems,
    raise_problems,
    where,
)
from narcometrics.training._results import EffectSize, GainResult

__all__ = ["EFFECT_SIZE_VARIANTS", "hedges_correction", "learning_gain", "paired_effect_size"]

#: The paired effect-size variants, by the name the ``variant`` parameter takes.
EFFECT_SIZE_VARIANTS = ("d_z", "d_av", "g_z", "g_av")

NAN = math.nan


def as_scores(name: str, value: object) -> NDArray[np.float64]:
    """A 1-d sequence of finite real scores (bool and text refused)."""
    if isinstance(value, (str, bytes)):
        raise ValidationError(name, "must be a sequence of scores, not text", value)
    if has_bool(value):
        raise ValidationError(name, "must be real scores, not bool", value)
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise ValidationError(name, f"must be a sequence of scores ({error})", value) from None
    if array.ndim != 1:
        raise ValidationError(name, f"must be 1-d, not {array.ndim}-d", value)
    if array.dtype.kind == "O":
        raise_problems(non_real_problems(name, array, "a real score"))
    elif array.dtype.kind not in "iuf":
        raise ValidationError(name, f"must be real scores, not {array.dtype}", value)
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
def hedges_correction(df: ArrayLike) -> Any: ...
def hedges_correction(df: ArrayLike) -> Any:
    r"""Hedges' exact small-sample correction factor $J(v)$.

    Parameters
    ----------
    df : float or array_like [degrees of freedom]
        $v$, > 1; for a paired effect size $v = n - 1$.

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
    Computed from ``math.lgamma`` for small ``v`` and from the Stirling series of the
    log-gamma difference for large ``v`` (no overflow, full precision as J -> 1).

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
        raise ValidationError("df", "must be a real number > 1", df)
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
    return _special.as_float(_special.hedges_j(v))


def paired_effect_size(
    pre: ArrayLike,
    post: ArrayLike,
    *,
    variant: str = "d_z",
    confidence: float = 0.95,
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

    Returns
    -------
    EffectSize
        ``variant``, ``estimate``, ``low``, ``high``, ``se``, ``confidence``, ``n``,
        ``correction`` and a ``note`` explaining any NaN.

    Raises
    ------
    ValidationError
        Naming ``pre``, ``post`` (also when they do not pair) or ``confidence``; an unknown
        ``variant`` raises UnknownNameError.

    Notes
    -----
    With $D_i = y_i - x_i$ over $n$ pairs and sample standard deviations
    (divisor $n - 1$) [1]:

    - $d_z = \bar D / s_D$, undefined when $s_D = 0$;
    - $d_{av} = (\bar y - \bar x) / \sqrt{(s_x^2 + s_y^2)/2}$, undefined when both
      standard deviations are 0;
    - $g = J(n - 1)\, d$ with Hedges' exact $J$
      ([`hedges_correction`][narcometrics.training.hedges_correction]); needs
      $n \ge 3$.

    Interval: the normal approximation of the reference [1],
    $d \pm z\,se$ with $se = \sqrt{1/n + d^2/(2n)}$ and $z$ the normal
    quantile at $1 - \alpha/2$. For ``g`` the interval and the standard error are
    those of ``d`` multiplied by $J$ (``g`` is ``d`` times a constant). The formula
    ignores the pre/post correlation, which the sampling variance of $d_{av}$
    depends on: for ``d_av`` and ``g_av`` read the interval as approximate. Fewer than two
    pairs give NaN with a note.

    References
    ----------
    .. [1] Documentation page "Training statistics";
       Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative
       science. Frontiers in Psychology 4, 863.

    Examples
    --------
    >>> e = paired_effect_size([40, 50, 60], [50, 70, 70], variant="d_z")
    >>> print(e.variant, round(e.estimate, 4), e.n)
    d_z 2.3094 3
    """
    if not isinstance(variant, str) or variant not in EFFECT_SIZE_VARIANTS:
        shown = variant if isinstance(variant, str) else repr(variant)
        raise UnknownNameError("variant", shown, EFFECT_SIZE_VARIANTS)
    level = check_confidence(confidence)
    x, y = check_pairs(pre, post)
    n = int(x.size)
    hedges = variant.startswith("g")

    def undefined(why: str, correction: float = NAN) -> EffectSize:
        return EffectSize(
            variant=variant,
            estimate=NAN,
            low=NAN,
            high=NAN,
            se=NAN,
            confidence=level,
            n=n,
            correction=correction,
            note=why,
        )

    if n < 2:
        return undefined(f"{variant} needs at least 2 pairs, got {n}")
    if hedges and n < 3:
        return undefined("Hedges' correction J(n - 1) needs at least 3 pairs, got 2")
    correction = float(_special.hedges_j(n - 1)) if hedges else 1.0
    if variant.endswith("z"):
        sd = float(np.std(y - x, ddof=1))
        if sd == 0:
            return undefined(f"{variant} undefined: the differences have sd 0", correction)
        d = float(np.mean(y - x)) / sd
    else:
        sd = math.sqrt((float(np.var(x, ddof=1)) + float(np.var(y, ddof=1))) / 2.0)
        if sd == 0:
            return undefined(f"{variant} undefined: pre and post scores have sd 0", correction)
        d = (float(np.mean(y)) - float(np.mean(x))) / sd
    se_d = math.sqrt(1.0 / n + d * d / (2.0 * n))
    z = float(-_special.ndtri((1.0 - level) / 2.0))
    return EffectSize(
        variant=variant,
        estimate=correction * d,
        low=correction * (d - z * se_d),
        high=correction * (d + z * se_d),
        se=correction * se_d,
        confidence=level,
        n=n,
        correction=correction,
    )
