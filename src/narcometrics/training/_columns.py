"""Training records as columns: one array per field and one group index per row.

The training statistics ([`training_summary`][narcometrics.training.training_summary],
[`transfer_rate`][narcometrics.training.transfer_rate], the pooled gains) read a
[`TrainingTable`][narcometrics.tables.TrainingTable] column by column, without building a
record per row, and sum counts per group with ``numpy.bincount``. Records given as a list are
read into the same columns once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from narcometrics.records import TrainingOutcome, Verification
from narcometrics.tables import Categorical, TrainingTable

__all__ = ["Columns", "Groups"]

Ints = NDArray[np.int64]


def _filled(column: Any) -> tuple[Ints, NDArray[np.bool_]]:
    """A masked count column as (values with 0 where absent, where present)."""
    data = np.ma.getdata(column).astype(np.int64)
    absent = np.ma.getmaskarray(column)
    return np.where(absent, 0, data), ~absent


def _id_codes(ids: object) -> Ints:
    """One integer per participant id, equal for equal ids."""
    if isinstance(ids, Categorical):
        return np.asarray(ids.codes, dtype=np.int64)
    number: dict[object, int] = {}
    return np.array([number.setdefault(i, len(number)) for i in ids], dtype=np.int64)  # type: ignore[attr-defined]


def _verification(label: object) -> Verification | None:
    return None if label is None else Verification(str(label))


@attrs.frozen
class Columns:
    """The fields the training statistics read, one array per field, rows in input order."""

    institution: NDArray[Any]  # str
    course: NDArray[Any]  # str
    year: Ints
    participants: Ints
    completed: Ints
    has_completed: NDArray[np.bool_]
    followed_up: Ints
    applying: Ints
    has_applying: NDArray[np.bool_]
    verification: NDArray[Any]  # Verification or None
    max_score: NDArray[np.float64]  # NaN where absent
    score_offsets: Ints  # pre and post scores of row i: [offsets[i], offsets[i + 1])
    pre: NDArray[np.float64]
    post: NDArray[np.float64]
    id_offsets: Ints  # participant ids of row i: [id_offsets[i], id_offsets[i + 1])
    has_ids: NDArray[np.bool_]
    ids: Ints  # one code per distinct participant id

    def __len__(self) -> int:
        return len(self.participants)

    @classmethod
    def from_table(cls, table: TrainingTable) -> Columns:
        """The columns of a table, read as they are stored."""
        completed, has_completed = _filled(table.completed)
        followed_up, _ = _filled(table.followed_up)
        applying, has_applying = _filled(table.applying)
        ids = table.participant_ids
        verification = np.empty(len(table), dtype=object)
        verification[:] = [_verification(v) for v in table.verification.to_list()]
        return cls(
            institution=np.asarray(table.institution.to_list(), dtype=object),
            course=np.asarray(table.course.to_list(), dtype=object),
            year=table.date.astype("datetime64[Y]").astype(np.int64) + 1970,
            participants=np.asarray(table.participants, dtype=np.int64),
            completed=completed,
            has_completed=has_completed,
            followed_up=followed_up,
            applying=applying,
            has_applying=has_applying,
            verification=verification,
            max_score=np.asarray(table.max_score, dtype=np.float64),
            score_offsets=np.asarray(table.pre_scores.offsets, dtype=np.int64),
            pre=np.asarray(table.pre_scores.values, dtype=np.float64),
            post=np.asarray(table.post_scores.values, dtype=np.float64),
            id_offsets=np.asarray(ids.offsets, dtype=np.int64),
            has_ids=np.asarray(ids.lengths) > 0,
            ids=_id_codes(ids.values),
        )

    @classmethod
    def from_records(cls, records: Sequence[TrainingOutcome]) -> Columns:
        """The same columns from records (one pass over them)."""

        def counts(name: str) -> tuple[Ints, NDArray[np.bool_]]:
            values = [getattr(r, name) for r in records]
            present = np.array([v is not None for v in values], dtype=bool)
            return np.array([v or 0 for v in values], dtype=np.int64), present

        completed, has_completed = counts("completed")
        followed_up, _ = counts("followed_up")
        applying, has_applying = counts("applying")
        verification = np.empty(len(records), dtype=object)
        verification[:] = [r.verification for r in records]
        lengths = [len(r.pre_scores) for r in records]
        return cls(
            institution=np.array([r.institution for r in records], dtype=object),
            course=np.array([r.course for r in records], dtype=object),
            year=np.array([r.date.year for r in records], dtype=np.int64),
            participants=np.array([r.participants for r in records], dtype=np.int64),
            completed=completed,
            has_completed=has_completed,
            followed_up=followed_up,
            applying=applying,
            has_applying=has_applying,
            verification=verification,
            max_score=np.array(
                [np.nan if r.max_score is None else r.max_score for r in records], np.float64
            ),
            score_offsets=np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]),
            pre=np.array([s for r in records for s in r.pre_scores], dtype=np.float64),
            post=np.array([s for r in records for s in r.post_scores], dtype=np.float64),
            id_offsets=np.concatenate(
                [[0], np.cumsum([len(r.participant_ids or ()) for r in records], dtype=np.int64)]
            ),
            has_ids=np.array([r.participant_ids is not None for r in records], dtype=bool),
            ids=_id_codes([i for r in records for i in (r.participant_ids or ())]),
        )

    def scores(self, rows: NDArray[np.intp]) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """The pre and post scores of ``rows``, concatenated in row order."""
        parts = [np.arange(self.score_offsets[i], self.score_offsets[i + 1]) for i in rows]
        at = np.concatenate(parts) if parts else np.empty(0, dtype=np.intp)
        return tuple(self.pre[at].tolist()), tuple(self.post[at].tolist())

    def unique_people(self, rows: NDArray[np.intp]) -> int | None:
        """Distinct participant ids over ``rows``; None when some row lists none."""
        if not self.has_ids[rows].all():
            return None
        offsets = self.id_offsets
        parts = [self.ids[offsets[r] : offsets[r + 1]] for r in rows.tolist()]
        return int(np.unique(np.concatenate(parts)).size) if parts else 0


@attrs.frozen
class Groups:
    """Per row the index of its group; per group its key (labels in ``by`` order), sorted."""

    index: NDArray[np.intp]
    keys: list[tuple[Any, ...]]
    names: tuple[str, ...] = ()

    @classmethod
    def of(cls, columns: Columns, names: tuple[str, ...]) -> Groups:
        labels = [
            columns.year.tolist() if n == "year" else [str(v) for v in getattr(columns, n)]
            for n in names
        ]
        row_keys = list(zip(*labels, strict=True)) if names else [()] * len(columns)
        keys = sorted(set(row_keys))
        number = {key: i for i, key in enumerate(keys)}
        return cls(np.array([number[k] for k in row_keys], dtype=np.intp), keys, names)

    def __len__(self) -> int:
        return len(self.keys)

    def sum(self, values: NDArray[Any], where: NDArray[np.bool_] | None = None) -> Ints:
        """The sum of integer ``values`` per group (over the rows ``where`` is true)."""
        index = self.index if where is None else self.index[where]
        weights = values if where is None else values[where]
        total = np.bincount(index, weights=weights, minlength=len(self.keys))
        return np.rint(total).astype(np.int64)

    def count(self, where: NDArray[np.bool_] | None = None) -> Ints:
        """Rows per group (where ``where`` is true)."""
        index = self.index if where is None else self.index[where]
        return np.bincount(index, minlength=len(self.keys)).astype(np.int64)

    def rows(self, group: int) -> NDArray[np.intp]:
        """The rows of group ``group``, in input order."""
        return np.flatnonzero(self.index == group)
