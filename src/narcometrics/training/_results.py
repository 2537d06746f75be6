"""Result classes of the training statistics: frozen, named fields, ``to_dict()``."""

from __future__ import annotations

import math
from typing import Any, cast

import attrs

__all__ = [
    "EffectSize",
    "GainResult",
    "GroupKey",
    "ScorePairs",
    "TrainingSummary",
    "TransferRate",
]

#: A group's labels, one per grouping field: ``str`` for institution and course, ``int`` for
#: year; ``()`` for the pooled total.
GroupKey = tuple[str | int, ...]


class _ToDict:
    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain JSON types (NaN becomes ``None``, tuples become lists), through
        [`result_json`][narcometrics.serialize.result_json]."""
        from narcometrics.serialize import result_json

        return {
            f.name: result_json(getattr(self, f.name)) for f in attrs.fields(cast(Any, type(self)))
        }


@attrs.frozen(kw_only=True)
class GainResult(_ToDict):
    """Pre/post learning gains of one set of paired test scores.

    Three different quantities, each named for what it is (see the explanation page).

    Attributes
    ----------
    raw_gain : float [score points]
        ``mean(post - pre)``.
    hake_gain : float [fraction]
        Hake's average normalized gain from class averages,
        ``(mean(post) - mean(pre)) / (max_score - mean(pre))``; NaN when the pre mean is
        the maximum.
    mean_individual_gain : float [fraction]
        The average of individual normalized gains, ``mean((post_i - pre_i) /
        (max_score - pre_i))``: a different quantity from ``hake_gain``; NaN when any
        participant scored the maximum on the pre-test.
    pre_mean, post_mean : float [score points]
        Means of the pre and post scores.
    max_score : float [score points]
        The maximum attainable score (NaN when there were no scores).
    n_paired : int [people]
        Participants with both a pre and a post score.
    n_participants : int or None [people]
        People who started the course(s) the scores come from; None when not given.
    attrition : float [fraction]
        ``1 - n_paired / n_participants``: the share of starters without a score pair
        (drop-outs and people not tested). NaN when ``n_participants`` is unknown.
        Drop-outs inflate gains: read every gain beside it.
    note : str
        Why a value is NaN, and other caveats; empty when there are none.
    """

    raw_gain: float
    hake_gain: float
    mean_individual_gain: float
    pre_mean: float
    post_mean: float
    max_score: float
    n_paired: int
    n_participants: int | None
    attrition: float
    note: str = ""

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.gain(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.gain(self).html()


@attrs.frozen(kw_only=True)
class EffectSize(_ToDict):
    """A paired (pre/post) standardized effect size with its confidence interval.

    Attributes
    ----------
    variant : str
        ``"d_z"`` (mean difference over the sd of the differences), ``"d_av"`` (mean
        difference over the average of the pre and post variances), or ``"g_z"`` /
        ``"g_av"`` (the same with Hedges' exact small-sample correction).
    estimate : float [standard deviations]
        The effect size (NaN when undefined, see ``note``).
    low, high : float [standard deviations]
        Confidence interval for the population effect, by the method named in
        ``interval`` (see [`paired_effect_size`][narcometrics.training.paired_effect_size]).
    se : float [standard deviations]
        The large-sample standard error ``sqrt(1/n + d**2/(2n))`` (times ``correction``).
    confidence : float [fraction]
        Confidence level of the interval, e.g. 0.95.
    n : int
        Number of pairs.
    correction : float
        Hedges' factor ``J(df)`` applied to the estimate; 1.0 for ``d_*``.
    df : float [degrees of freedom]
        Degrees of freedom of the effect size: ``n - 1`` for ``*_z``,
        ``2(n - 1)/(1 + r^2)`` for ``*_av`` (Cousineau 2020).
    r : float
        Pre/post correlation (``*_av`` only; NaN for ``*_z``).
    interval : str
        ``"noncentral_t"`` (exact noncentral t for ``*_z``, Algina-Keselman for ``*_av``)
        or ``"normal"`` (large-sample normal approximation).
    note : str
        Why a value is NaN, or an assumption made; empty otherwise.
    """

    variant: str
    estimate: float
    low: float
    high: float
    se: float
    confidence: float
    n: int
    correction: float
    df: float = math.nan
    r: float = math.nan
    interval: str = "noncentral_t"
    note: str = ""

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.effect_size(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.effect_size(self).html()


@attrs.frozen(kw_only=True)
class ScorePairs(_ToDict):
    """Pre/post score pairs pooled across training records (one pair per person tested).

    Attributes
    ----------
    pre, post : tuple of float [score points]
        The pooled pairs, record after record.
    max_score : float [score points]
        The maximum score, the same on every record with scores.
    n_participants : int [people]
        Participants of the records that have scores (the base for attrition).
    records : int
        Records that contributed scores.
    records_without_scores : int
        Records without scores: their participants are not in ``n_participants``.
    """

    pre: tuple[float, ...]
    post: tuple[float, ...]
    max_score: float
    n_participants: int
    records: int
    records_without_scores: int

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.score_pairs(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.score_pairs(self).html()


@attrs.frozen(kw_only=True)
class TransferRate(_ToDict):
    """Transfer of training: ``k`` verified applying among ``n`` followed up.

    A share among the followed-up is not a share among all trained: read it with
    ``follow_up_rate`` and ``verification``.

    Attributes
    ----------
    group : tuple of str or int
        The group's labels, one per field in ``by``; ``()`` for the pooled total.
    by : tuple of str
        The grouping fields (``institution``, ``course``, ``year``).
    k : int [people]
        People verified applying the training at follow-up (summed over records).
    n : int [people]
        People followed up whose application was recorded (summed over records).
    share : float [fraction]
        ``k / n``; NaN when ``n = 0``.
    low, high : float [fraction]
        Confidence interval of the share (NaN when ``n = 0``).
    confidence : float [fraction]
        Its confidence level.
    method : str
        ``"wilson"``, ``"clopper_pearson"`` or ``"jeffreys"``.
    trained : int [people]
        Participants summed over all records of the group (an enrolment count: a person in
        two courses counts twice).
    unique_people : int or None [people]
        Distinct participant ids, when every record of the group lists them; else None.
    follow_up_rate : float [fraction]
        ``n / trained``.
    verification : str or None
        ``"independent"``, ``"self_reported"``, ``"mixed"`` (both kinds pooled), or None
        when nobody was followed up.
    n_independent : int [people]
        Of ``n``, those in records verified independently.
    records : int
        Records in the group.
    note : str
        Caveats: records without follow-up, self-reported verification, repeated people,
        the design effect.
    design_effect : float or None
        With ``clusters``: Kish's design effect of the pooled share (NaN with fewer than two
        clusters); None when no clusters were given.
    clusters : int or None
        With ``clusters``: the number of clusters with people followed up.
    """

    group: GroupKey
    by: tuple[str, ...]
    k: int
    n: int
    share: float
    low: float
    high: float
    confidence: float
    method: str
    trained: int
    unique_people: int | None
    follow_up_rate: float
    verification: str | None
    n_independent: int
    records: int
    note: str = ""
    design_effect: float | None = None
    clusters: int | None = None

    def __str__(self) -> str:
        label = " / ".join(str(v) for v in self.group) or "all"
        if self.n == 0:
            return f"{label}: {self.trained} trained, nobody followed up"
        name = self.method.replace("_", "-").title()
        return (
            f"{label}: {self.k} of {self.n} followed up applying "
            f"({self.share:.1%}, {self.confidence:.0%} CI {self.low:.1%} to {self.high:.1%}, "
            f"{name}); followed up {self.n} of {self.trained} trained "
            f"({self.follow_up_rate:.1%}); verification {self.verification}"
        )

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.transfer_rate(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.transfer_rate(self).html()


@attrs.frozen(kw_only=True)
class TrainingSummary(_ToDict):
    """What the records of one group say about a training programme, with its caveats.

    Attributes
    ----------
    group : tuple of str or int
        The group's labels; ``()`` for the pooled total.
    by : tuple of str
        The grouping fields.
    records : int
        Records in the group.
    trained : int [people]
        Participants summed over the records (enrolments).
    unique_people : int or None [people]
        Distinct participant ids when every record lists them, else None.
    completed : int or None [people]
        Completions summed over the records that report them; None when none does.
    attrition : float [fraction]
        Course drop-out, ``1 - completed / participants`` over the records that report
        ``completed``; NaN when none does.
    followed_up : int [people]
        People reached at follow-up, over the records that report it.
    applying : int [people]
        People verified applying (the ``k`` of ``transfer``).
    transfer : TransferRate
        The share applying among those followed up, its interval, the follow-up rate and
        how application was verified.
    gain : GainResult or None
        Learning gains pooled over the records with scores (None when no record has
        scores).
    kirkpatrick_levels : tuple of int
        The Kirkpatrick levels the evidence reaches: 2 (learning) when there are pre/post
        score pairs, 3 (behaviour) when someone was followed up with application recorded.
        Level 1 (reaction) and 4 (results) are never claimed: the records carry no such
        evidence.
    kirkpatrick_level : int
        The highest of ``kirkpatrick_levels``; 0 when the records hold only counts.
    note : str
        Caveats, joined with ``"; "``.
    """

    group: GroupKey
    by: tuple[str, ...]
    records: int
    trained: int
    unique_people: int | None
    completed: int | None
    attrition: float
    followed_up: int
    applying: int
    transfer: TransferRate
    gain: GainResult | None
    kirkpatrick_levels: tuple[int, ...]
    kirkpatrick_level: int
    note: str = ""

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.training_summary(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.training_summary(self).html()
