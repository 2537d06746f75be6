"""Training statistics over TrainingOutcome records: pooling, grouping, summaries."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import overload

import attrs
import numpy as np

from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.records import TrainingOutcome, Verification
from narcometrics.training._intervals import check_confidence, check_method, intervals
from narcometrics.training._results import (
    GainResult,
    GroupKey,
    ScorePairs,
    TrainingSummary,
    TransferRate,
)
from narcometrics.training._scores import learning_gain, undefined_gain

__all__ = [
    "GROUP_FIELDS",
    "pooled_learning_gain",
    "pooled_scores",
    "training_summary",
    "transfer_rate",
]

#: The fields ``by=`` accepts: ``year`` is the year of the record's ``date``.
GROUP_FIELDS = ("institution", "course", "year")

NAN = math.nan
By = str | Sequence[str] | None


def collect(records: Iterable[TrainingOutcome]) -> list[TrainingOutcome]:
    """The records as a list, each checked to be a TrainingOutcome; at least one."""
    if isinstance(records, (str, bytes, TrainingOutcome)) or not isinstance(records, Iterable):
        raise TypeError(
            f"records must be an iterable of TrainingOutcome records, not {type(records).__name__}"
        )
    items = list(records)
    for index, item in enumerate(items):
        if not isinstance(item, TrainingOutcome):
            raise TypeError(
                f"records[{index}] must be a TrainingOutcome, not {type(item).__name__}"
            )
    if not items:
        raise ValidationError("records", "must hold at least one TrainingOutcome", [])
    return items


def group_fields(by: By) -> tuple[str, ...]:
    """``by`` as a tuple of valid, distinct grouping fields."""
    if by is None:
        return ()
    names = (by,) if isinstance(by, str) else tuple(by)
    for name in names:
        if not isinstance(name, str) or name not in GROUP_FIELDS:
            shown = name if isinstance(name, str) else repr(name)
            raise UnknownNameError("by", shown, GROUP_FIELDS)
    if len(set(names)) != len(names):
        raise ValidationError("by", "must not repeat a field", by)
    return names


def _label(record: TrainingOutcome, name: str) -> str | int:
    return record.date.year if name == "year" else str(getattr(record, name))


def grouped(
    records: list[TrainingOutcome], names: tuple[str, ...]
) -> dict[GroupKey, list[TrainingOutcome]]:
    """Records by group key, keys sorted; ``{(): records}`` when ``names`` is empty."""
    groups: dict[GroupKey, list[TrainingOutcome]] = {}
    for record in records:
        groups.setdefault(tuple(_label(record, n) for n in names), []).append(record)
    return dict(sorted(groups.items()))


def _unique_people(records: list[TrainingOutcome]) -> int | None:
    ids: set[str] = set()
    for record in records:
        if record.participant_ids is None:
            return None
        ids.update(record.participant_ids)
    return len(ids)


def _pairs(records: list[TrainingOutcome]) -> tuple[ScorePairs | None, str]:
    """Pooled pairs, or None and why (no scores, or different maximum scores)."""
    scored = [r for r in records if r.pre_scores]
    if not scored:
        return None, "no record has pre/post scores"
    maxima = sorted({float(r.max_score) for r in scored if r.max_score is not None})
    if len(maxima) > 1:
        shown = ", ".join(f"{m:g}" for m in maxima)
        return None, (
            f"max_score differs between records ({shown}): pairs on different scales do not "
            "pool; group by course"
        )
    return ScorePairs(
        pre=tuple(s for r in scored for s in r.pre_scores),
        post=tuple(s for r in scored for s in r.post_scores),
        max_score=maxima[0],
        n_participants=sum(r.participants for r in scored),
        records=len(scored),
        records_without_scores=len(records) - len(scored),
    ), ""


def pooled_scores(records: Iterable[TrainingOutcome]) -> ScorePairs:
    """Pool the pre/post score pairs of several records into one set of pairs.

    Parameters
    ----------
    records : iterable of TrainingOutcome
        Records or a TrainingTable (which yields records when iterated).

    Returns
    -------
    ScorePairs
        The pairs, the common ``max_score``, the participants of the records with scores
        (the base for attrition) and how many records had no scores.

    Raises
    ------
    ValidationError
        Naming ``records`` when no record has scores or when their ``max_score`` differ
        (pairs on different scales are not pooled: group by course instead).

    Examples
    --------
    Feed the pairs to [`paired_effect_size`][narcometrics.training.paired_effect_size]::

        pairs = pooled_scores(records)
        paired_effect_size(pairs.pre, pairs.post, variant="g_z")
    """
    items = collect(records)
    pairs, why = _pairs(items)
    if pairs is None:
        raise ValidationError("records", why)
    return pairs


def _gain(records: list[TrainingOutcome]) -> GainResult:
    pairs, why = _pairs(records)
    if pairs is None:
        return undefined_gain(max_score=NAN, n_participants=None, attrition=NAN, note=[why])
    gain = learning_gain(pairs.pre, pairs.post, pairs.max_score, participants=pairs.n_participants)
    if pairs.records_without_scores:
        extra = (
            f"{pairs.records_without_scores} record(s) without scores are not in the gain "
            "nor in its attrition"
        )
        return attrs.evolve(gain, note="; ".join(filter(None, [gain.note, extra])))
    return gain


@overload
def pooled_learning_gain(records: Iterable[TrainingOutcome], *, by: None = None) -> GainResult: ...
@overload
def pooled_learning_gain(
    records: Iterable[TrainingOutcome], *, by: str | Sequence[str]
) -> dict[GroupKey, GainResult]: ...
def pooled_learning_gain(
    records: Iterable[TrainingOutcome], *, by: By = None
) -> GainResult | dict[GroupKey, GainResult]:
    """Learning gains of the pre/post pairs pooled over records (by group with ``by``).

    The pairs are pooled, then the gains computed once: the pooled Hake gain is not the
    average of the per-course Hake gains. Records without scores are left out of the gain
    and of its attrition (the note says how many); records whose ``max_score`` differ are
    not pooled (NaN gains with a note: group by course).

    Parameters
    ----------
    records : iterable of TrainingOutcome
        Records or a TrainingTable.
    by : str or sequence of str, optional
        ``"institution"``, ``"course"``, ``"year"`` or a tuple of them; None for one pooled
        result.

    Returns
    -------
    GainResult or dict
        One result, or a dict from group key (a tuple of labels) to result, keys sorted.
        ``attrition`` is ``1 - n_paired / n_participants`` over the records with scores.

    References
    ----------
    Hake, R. R. (1998), "Interactive-engagement versus traditional methods", American
    Journal of Physics 66(1), 64-74 (average normalized gain from class averages); pooling
    as in the documentation page "Training statistics".
    """
    items = collect(records)
    names = group_fields(by)
    results = {key: _gain(group) for key, group in grouped(items, names).items()}
    return results[()] if by is None else results


def _verification(records: list[TrainingOutcome]) -> str | None:
    kinds = {r.verification for r in records if r.applying is not None and r.followed_up}
    if not kinds:
        return None
    if len(kinds) > 1:
        return "mixed"
    return str(next(iter(kinds)))


#: The clusters a design-effect interval can take, by the name ``clusters`` takes.
CLUSTERS = ("record", "course")


def _design_effect(group: list[TrainingOutcome], clusters: str) -> tuple[float, int]:
    """Kish's design effect of the pooled share over the clusters of ``group``, and their
    number: the cluster-robust (linearised ratio) variance over the binomial variance."""
    sums: dict[object, list[int]] = {}
    for index, record in enumerate(group):
        if record.applying is None or not record.followed_up:
            continue
        key = index if clusters == "record" else record.course
        pair = sums.setdefault(key, [0, 0])
        pair[0] += record.applying
        pair[1] += record.followed_up
    count = len(sums)
    k = np.array([v[0] for v in sums.values()], dtype=np.float64)
    n = np.array([v[1] for v in sums.values()], dtype=np.float64)
    total = float(n.sum())
    if count < 2 or total == 0:
        return NAN, count
    p = float(k.sum()) / total
    binomial = p * (1.0 - p) / total
    if binomial == 0:
        return 1.0, count
    robust = count / (count - 1) * float(np.sum((k - p * n) ** 2)) / total**2
    return robust / binomial, count


def _transfers(
    groups: dict[GroupKey, list[TrainingOutcome]],
    names: tuple[str, ...],
    confidence: float,
    method: str,
    clusters: str | None = None,
) -> dict[GroupKey, TransferRate]:
    keys = list(groups)
    ks = np.array(
        [sum(r.applying for r in groups[g] if r.applying is not None) for g in keys], np.int64
    )
    ns = np.array(
        [sum(r.followed_up or 0 for r in groups[g] if r.applying is not None) for g in keys],
        np.int64,
    )
    lows = np.full(len(keys), NAN)
    highs = np.full(len(keys), NAN)
    some = ns > 0
    if some.any():
        lows[some], highs[some] = intervals(ks[some], ns[some], confidence, method)
    out: dict[GroupKey, TransferRate] = {}
    for i, key in enumerate(keys):
        group = groups[key]
        k, n = int(ks[i]), int(ns[i])
        deff, count = NAN, None
        if clusters is not None and n:
            deff, count = _design_effect(group, clusters)
            if math.isfinite(deff):
                # Wilson (or the chosen method) on the effective sample size n / deff, with
                # deff at least 1: never narrower than the interval for independent people.
                n_eff = n / max(deff, 1.0)
                low, high = intervals(
                    np.asarray(k / n * n_eff), np.asarray(n_eff), confidence, method
                )
                lows[i], highs[i] = float(low), float(high)
        trained = sum(r.participants for r in group)
        unique = _unique_people(group)
        verification = _verification(group)
        out[key] = TransferRate(
            group=key,
            by=names,
            k=k,
            n=n,
            share=k / n if n else NAN,
            low=float(lows[i]),
            high=float(highs[i]),
            confidence=confidence,
            method=method,
            trained=trained,
            unique_people=unique,
            follow_up_rate=n / trained,
            verification=verification,
            n_independent=sum(
                r.followed_up or 0
                for r in group
                if r.applying is not None and r.verification is Verification.INDEPENDENT
            ),
            records=len(group),
            note=_transfer_note(group, trained, unique, verification)
            + _cluster_note(clusters, deff, count),
            design_effect=None if clusters is None else deff,
            clusters=count,
        )
    return out


def _cluster_note(clusters: str | None, deff: float, count: int | None) -> str:
    if clusters is None:
        return ""
    if not math.isfinite(deff):
        return (
            f"; design effect undefined with {count} cluster(s) ({clusters}): the interval "
            "assumes independent people"
        )
    return (
        f"; interval widened by the design effect {deff:.2f} over {count} clusters "
        f"({clusters}; effective n = n / max(deff, 1))"
    )


def _transfer_note(
    group: list[TrainingOutcome], trained: int, unique: int | None, verification: str | None
) -> str:
    notes = []
    missing = [r for r in group if r.applying is None]
    if missing:
        notes.append(
            f"{len(missing)} of {len(group)} record(s) have no follow-up with applying "
            f"recorded: their {sum(r.participants for r in missing)} participant(s) count as "
            "trained, not in k or n"
        )
    lost = sum(r.followed_up or 0 for r in missing)
    if lost:
        notes.append(f"{lost} people followed up without applying recorded are not in n")
    if verification == "self_reported":
        notes.append("application is self-reported, not independently verified")
    elif verification == "mixed":
        notes.append("independent and self-reported verification are pooled")
    if unique is not None and unique < trained:
        notes.append(f"{trained} enrolments are {unique} people: k, n and trained count per course")
    return "; ".join(notes)


@overload
def transfer_rate(
    records: Iterable[TrainingOutcome],
    *,
    by: None = None,
    confidence: float = 0.95,
    method: str = "wilson",
    clusters: str | None = None,
) -> TransferRate: ...
@overload
def transfer_rate(
    records: Iterable[TrainingOutcome],
    *,
    by: str | Sequence[str],
    confidence: float = 0.95,
    method: str = "wilson",
    clusters: str | None = None,
) -> dict[GroupKey, TransferRate]: ...
def transfer_rate(
    records: Iterable[TrainingOutcome],
    *,
    by: By = None,
    confidence: float = 0.95,
    method: str = "wilson",
    clusters: str | None = None,
) -> TransferRate | dict[GroupKey, TransferRate]:
    r"""Share of the followed-up verified applying the training, pooled, with its interval.

    Parameters
    ----------
    records : iterable of TrainingOutcome
        Records or a TrainingTable (which yields records when iterated).
    by : str or sequence of str, optional
        ``"institution"``, ``"course"``, ``"year"`` (of ``date``) or a tuple of them; None
        for the pooled total.
    confidence : float [fraction]
        Confidence level of the interval, in (0, 1).
    method : {"wilson", "clopper_pearson", "jeffreys"}
        The interval, as in [`proportion_interval`][narcometrics.training.proportion_interval].
    clusters : {"record", "course"}, optional
        People in one course are not independent (same trainer, same workplace). Give the
        clusters to widen the interval by the design effect: ``"record"`` (each record is one
        course delivery) or ``"course"`` (records with the same course name form one
        cluster). None (default): people taken as independent.

    Returns
    -------
    TransferRate or dict
        One result when ``by`` is None, else a dict from group key (tuple of labels, sorted)
        to result.

    Raises
    ------
    ValidationError
        Naming ``records`` (empty, or an item that is not a TrainingOutcome), ``by``,
        ``confidence`` or ``method``.

    Notes
    -----
    ``k`` sums ``applying`` and ``n`` sums ``followed_up`` over the records that record
    ``applying``; the share is ``k / n``. Pooling sums counts and never averages shares:
    9 of 10 and 10 of 100 pool to 19 of 110 (17 %), not to the 50 % mean of 90 % and 10 %.
    Records without ``applying`` still count in ``trained`` (their participants were
    trained, none with a recorded outcome), so ``follow_up_rate = n / trained`` shows how
    much of the trained population the share speaks for. ``trained`` counts enrolments;
    when every record lists ``participant_ids``, ``unique_people`` counts each person once.

    With ``clusters``, over $C$ clusters with counts $k_c$, $n_c$ and $p = \sum k_c / \sum n_c$:
    the cluster-robust (linearised ratio) variance
    $v = \frac{C}{C-1} \sum_c (k_c - p\, n_c)^2 / (\sum n_c)^2$, the design effect
    $deff = v / (p(1-p)/n)$, and the interval of ``method`` on the effective sample size
    $n / \max(deff, 1)$ with the same $p$ (Kish 1965; Korn and Graubard 1998). Fewer than
    two clusters leave the design effect undefined (NaN) and the interval unchanged, with a
    note. The plain interval is too narrow whenever the shares differ between courses more
    than binomial sampling explains ($deff > 1$).

    References
    ----------
    .. [1] Documentation pages "Training statistics" and "Aggregation semantics of
       indicators"; Kirkpatrick level 3 ("behaviour").
    .. [2] Kish, L. (1965). Survey Sampling. Wiley (design effect).
    .. [3] Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions with
       small expected number of positive counts estimated from survey data. Survey
       Methodology 24(2), 193-201 (effective sample size).
    """
    level = check_confidence(confidence)
    name = check_method(method)
    if clusters is not None and (not isinstance(clusters, str) or clusters not in CLUSTERS):
        raise UnknownNameError(
            "clusters", clusters if isinstance(clusters, str) else repr(clusters), CLUSTERS
        )
    items = collect(records)
    names = group_fields(by)
    results = _transfers(grouped(items, names), names, level, name, clusters)
    return results[()] if by is None else results


@overload
def training_summary(
    records: Iterable[TrainingOutcome],
    *,
    by: None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> TrainingSummary: ...
@overload
def training_summary(
    records: Iterable[TrainingOutcome],
    *,
    by: str | Sequence[str],
    confidence: float = 0.95,
    method: str = "wilson",
) -> dict[GroupKey, TrainingSummary]: ...
def training_summary(
    records: Iterable[TrainingOutcome],
    *,
    by: By = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> TrainingSummary | dict[GroupKey, TrainingSummary]:
    """Per group: trained, completed, followed up, applying with interval, gains, level.

    Parameters
    ----------
    records : iterable of TrainingOutcome
        Records or a TrainingTable.
    by : str or sequence of str, optional
        ``"institution"``, ``"course"``, ``"year"`` or a tuple of them; None for one summary
        of everything.
    confidence : float [fraction]
        Confidence level of the transfer interval.
    method : {"wilson", "clopper_pearson", "jeffreys"}
        The transfer interval.

    Returns
    -------
    TrainingSummary or dict
        One summary, or a dict from group key to summary (keys sorted).

    Notes
    -----
    Three denominators, each stated: ``attrition`` is course drop-out,
    ``1 - completed / participants`` over the records that report ``completed``; the
    gain's own attrition is ``1 - n_paired / participants`` over the records with scores;
    ``transfer.follow_up_rate`` is ``n / trained`` over all records. The Kirkpatrick level
    is the highest the evidence reaches: 2 needs pre/post score pairs, 3 needs people
    followed up with application recorded (independent or self-reported: see
    ``transfer.verification``). The records carry no reaction surveys or results data, so
    levels 1 and 4 are never claimed; a group with counts only is level 0.

    References
    ----------
    Kirkpatrick's four levels (1 reaction, 2 learning, 3 behaviour, 4 results); pooling
    of k and n and the Wilson interval as in the documentation page "Training
    statistics".
    """
    level = check_confidence(confidence)
    name = check_method(method)
    items = collect(records)
    names = group_fields(by)
    groups = grouped(items, names)
    transfers = _transfers(groups, names, level, name)
    results = {key: _summary(key, names, group, transfers[key]) for key, group in groups.items()}
    return results[()] if by is None else results


def _summary(
    key: GroupKey, names: tuple[str, ...], group: list[TrainingOutcome], transfer: TransferRate
) -> TrainingSummary:
    reporting = [r for r in group if r.completed is not None]
    completed = sum(r.completed or 0 for r in reporting) if reporting else None
    base = sum(r.participants for r in reporting)
    attrition = 1.0 - completed / base if completed is not None else NAN
    gain = _gain(group) if any(r.pre_scores for r in group) else None
    levels = tuple(
        lvl
        for lvl, reached in ((2, gain is not None and gain.n_paired > 0), (3, transfer.n > 0))
        if reached
    )
    notes = [transfer.note] if transfer.note else []
    if completed is None:
        notes.append("no record reports completed: attrition unknown")
    elif len(reporting) < len(group):
        notes.append(f"completed reported by {len(reporting)} of {len(group)} record(s)")
    if gain is not None and gain.note:
        notes.append(gain.note)
    if levels == (3,):
        notes.append("behaviour evidence without learning evidence (no pre/post scores)")
    return TrainingSummary(
        group=key,
        by=names,
        records=len(group),
        trained=transfer.trained,
        unique_people=transfer.unique_people,
        completed=completed,
        attrition=attrition,
        followed_up=sum(r.followed_up or 0 for r in group),
        applying=transfer.k,
        transfer=transfer,
        gain=gain,
        kirkpatrick_levels=levels,
        kirkpatrick_level=max(levels, default=0),
        note="; ".join(notes),
    )
