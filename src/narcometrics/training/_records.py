"""Training statistics over TrainingOutcome records: pooling, grouping, summaries."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import overload

import attrs
import numpy as np
from numpy.typing import NDArray

from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.records import TrainingOutcome, Verification
from narcometrics.tables import TrainingTable
from narcometrics.training._columns import Columns, Groups
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


def columns(records: Iterable[TrainingOutcome]) -> Columns:
    """The records as columns: a TrainingTable read column by column, other iterables
    checked with [`collect`][] and read once; at least one record."""
    if isinstance(records, TrainingTable):
        if not len(records):
            raise ValidationError("records", "must hold at least one TrainingOutcome", [])
        return Columns.from_table(records)
    return Columns.from_records(collect(records))


def _pairs(cols: Columns, rows: NDArray[np.intp]) -> tuple[ScorePairs | None, str]:
    """Pooled pairs of ``rows``, or None and why (no scores, or different maximum scores)."""
    lengths = np.diff(cols.score_offsets)[rows]
    scored = rows[lengths > 0]
    if not scored.size:
        return None, "no record has pre/post scores"
    maxima = sorted({m for m in cols.max_score[scored].tolist() if not math.isnan(m)})
    if len(maxima) > 1:
        shown = ", ".join(f"{m:g}" for m in maxima)
        return None, (
            f"max_score differs between records ({shown}): pairs on different scales do not "
            "pool; group by course"
        )
    pre, post = cols.scores(scored)
    return ScorePairs(
        pre=pre,
        post=post,
        max_score=maxima[0],
        n_participants=int(cols.participants[scored].sum()),
        records=int(scored.size),
        records_without_scores=int(rows.size - scored.size),
    ), ""


def _all_rows(cols: Columns) -> NDArray[np.intp]:
    return np.arange(len(cols), dtype=np.intp)


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
    cols = columns(records)
    pairs, why = _pairs(cols, _all_rows(cols))
    if pairs is None:
        raise ValidationError("records", why)
    return pairs


def _gain(cols: Columns, rows: NDArray[np.intp]) -> GainResult:
    pairs, why = _pairs(cols, rows)
    if pairs is None:
        return undefined_gain(max_score=NAN, n_participants=None, attrition=NAN, note=[why])
    pre, post = np.asarray(pairs.pre, np.float64), np.asarray(pairs.post, np.float64)
    gain = learning_gain(pre, post, pairs.max_score, participants=pairs.n_participants)
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
    cols = columns(records)
    groups = Groups.of(cols, group_fields(by))
    results = {key: _gain(cols, groups.rows(i)) for i, key in enumerate(groups.keys)}
    return results[()] if by is None else results


def _verification(cols: Columns, rows: NDArray[np.intp]) -> str | None:
    followed = rows[cols.has_applying[rows] & (cols.followed_up[rows] > 0)]
    kinds = set(cols.verification[followed].tolist())
    if not kinds:
        return None
    if len(kinds) > 1:
        return "mixed"
    return str(next(iter(kinds)))


#: The clusters a design-effect interval can take, by the name ``clusters`` takes.
CLUSTERS = ("record", "course")


def _design_effect(cols: Columns, rows: NDArray[np.intp], clusters: str) -> tuple[float, int]:
    """Kish's design effect of the pooled share over the clusters of ``rows``, and their
    number: the cluster-robust (linearised ratio) variance over the binomial variance."""
    sums: dict[object, list[int]] = {}
    for row in rows.tolist():
        if not cols.has_applying[row] or not cols.followed_up[row]:
            continue
        key = row if clusters == "record" else cols.course[row]
        pair = sums.setdefault(key, [0, 0])
        pair[0] += int(cols.applying[row])
        pair[1] += int(cols.followed_up[row])
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


@attrs.frozen
class _Counts:
    """The per-group sums a transfer rate needs, each an array over the groups."""

    k: NDArray[np.int64]
    n: NDArray[np.int64]
    trained: NDArray[np.int64]
    records: NDArray[np.int64]
    n_independent: NDArray[np.int64]
    missing: NDArray[np.int64]  # records without applying
    missing_participants: NDArray[np.int64]
    lost: NDArray[np.int64]  # followed up without applying

    @classmethod
    def of(cls, cols: Columns, groups: Groups) -> _Counts:
        reported = cols.has_applying
        independent = reported & np.array(
            [v is Verification.INDEPENDENT for v in cols.verification.tolist()], dtype=bool
        )
        return cls(
            k=groups.sum(cols.applying, reported),
            n=groups.sum(cols.followed_up, reported),
            trained=groups.sum(cols.participants),
            records=groups.count(),
            n_independent=groups.sum(cols.followed_up, independent),
            missing=groups.count(~reported),
            missing_participants=groups.sum(cols.participants, ~reported),
            lost=groups.sum(cols.followed_up, ~reported),
        )


def _intervals(
    counts: _Counts, confidence: float, method: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lows = np.full(len(counts.k), NAN)
    highs = np.full(len(counts.k), NAN)
    some = counts.n > 0
    if some.any():
        lows[some], highs[some] = intervals(counts.k[some], counts.n[some], confidence, method)
    return lows, highs


def _transfers(
    cols: Columns,
    groups: Groups,
    confidence: float,
    method: str,
    clusters: str | None = None,
) -> dict[GroupKey, TransferRate]:
    counts = _Counts.of(cols, groups)
    lows, highs = _intervals(counts, confidence, method)
    out: dict[GroupKey, TransferRate] = {}
    for i, key in enumerate(groups.keys):
        rows = groups.rows(i)
        k, n, trained = int(counts.k[i]), int(counts.n[i]), int(counts.trained[i])
        deff, count = NAN, None
        if clusters is not None and n:
            deff, count = _design_effect(cols, rows, clusters)
            if math.isfinite(deff):
                # Wilson (or the chosen method) on the effective sample size n / deff, with
                # deff at least 1: never narrower than the interval for independent people.
                n_eff = n / max(deff, 1.0)
                low, high = intervals(
                    np.asarray(k / n * n_eff), np.asarray(n_eff), confidence, method
                )
                lows[i], highs[i] = float(low), float(high)
        unique = cols.unique_people(rows)
        verification = _verification(cols, rows)
        out[key] = TransferRate(
            group=key,
            by=groups.names,
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
            n_independent=int(counts.n_independent[i]),
            records=int(counts.records[i]),
            note=_transfer_note(counts, i, unique, verification)
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


def _transfer_note(counts: _Counts, i: int, unique: int | None, verification: str | None) -> str:
    notes = []
    missing, records, trained = (
        int(counts.missing[i]),
        int(counts.records[i]),
        int(counts.trained[i]),
    )
    if missing:
        notes.append(
            f"{missing} of {records} record(s) have no follow-up with applying "
            f"recorded: their {int(counts.missing_participants[i])} participant(s) count as "
            "trained, not in k or n"
        )
    lost = int(counts.lost[i])
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
    cols = columns(records)
    groups = Groups.of(cols, group_fields(by))
    results = _transfers(cols, groups, level, name, clusters)
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
    cols = columns(records)
    groups = Groups.of(cols, group_fields(by))
    transfers = _transfers(cols, groups, level, name)
    results = {key: _summary(cols, groups, i, transfers[key]) for i, key in enumerate(groups.keys)}
    return results[()] if by is None else results


def _summary_notes(
    transfer: TransferRate,
    completed: int | None,
    reporting: int,
    records: int,
    gain: GainResult | None,
    levels: tuple[int, ...],
) -> str:
    notes = [transfer.note] if transfer.note else []
    if completed is None:
        notes.append("no record reports completed: attrition unknown")
    elif reporting < records:
        notes.append(f"completed reported by {reporting} of {records} record(s)")
    if gain is not None and gain.note:
        notes.append(gain.note)
    if levels == (3,):
        notes.append("behaviour evidence without learning evidence (no pre/post scores)")
    return "; ".join(notes)


def _summary(cols: Columns, groups: Groups, i: int, transfer: TransferRate) -> TrainingSummary:
    rows = groups.rows(i)
    reported = cols.has_completed[rows]
    reporting = int(reported.sum())
    completed = int(cols.completed[rows][reported].sum()) if reporting else None
    base = int(cols.participants[rows][reported].sum())
    attrition = 1.0 - completed / base if completed is not None else NAN
    scored = bool(np.any(np.diff(cols.score_offsets)[rows] > 0))
    gain = _gain(cols, rows) if scored else None
    levels = tuple(
        lvl
        for lvl, reached in ((2, gain is not None and gain.n_paired > 0), (3, transfer.n > 0))
        if reached
    )
    return TrainingSummary(
        group=groups.keys[i],
        by=groups.names,
        records=int(rows.size),
        trained=transfer.trained,
        unique_people=transfer.unique_people,
        completed=completed,
        attrition=attrition,
        followed_up=int(cols.followed_up[rows].sum()),
        applying=transfer.k,
        transfer=transfer,
        gain=gain,
        kirkpatrick_levels=levels,
        kirkpatrick_level=max(levels, default=0),
        note=_summary_notes(transfer, completed, reporting, int(rows.size), gain, levels),
    )
