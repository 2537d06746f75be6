"""Training statistics read TrainingTable columns (issue 15): the same results from a table
and from its records, per group the same as for the group's records alone, and the counts
equal to plain sums over the records."""

from __future__ import annotations

import math
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from narcometrics.records import TrainingOutcome
from narcometrics.tables import TrainingTable
from narcometrics.testing import strategies as nst
from narcometrics.training import (
    pooled_learning_gain,
    training_summary,
    transfer_rate,
)

RECORDS = nst.record_lists(nst.training_outcomes(), min_size=1, max_size=10)  # distinct ids
BY = st.sampled_from([None, "course", "year", ("institution", "year")])


def _plain(value: Any) -> Any:
    """Results as comparable data, NaN equal to NaN."""
    if attrs.has(type(value)):
        return {k: _plain(v) for k, v in attrs.asdict(value, recurse=False).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return value


@given(RECORDS, BY)
def test_a_table_and_its_records_give_identical_training_statistics(
    records: list[TrainingOutcome], by: Any
) -> None:
    table = TrainingTable.from_records(records)
    assert _plain(training_summary(table, by=by)) == _plain(training_summary(records, by=by))
    assert _plain(transfer_rate(table, by=by, clusters="course")) == _plain(
        transfer_rate(records, by=by, clusters="course")
    )
    assert _plain(pooled_learning_gain(table, by=by)) == _plain(
        pooled_learning_gain(records, by=by)
    )


def _label(record: TrainingOutcome, name: str) -> object:
    return record.date.year if name == "year" else record.course


@given(RECORDS, st.sampled_from(["course", "year"]))
def test_each_group_summary_is_the_summary_of_the_group_records_alone(
    records: list[TrainingOutcome], by: str
) -> None:
    grouped = training_summary(TrainingTable.from_records(records), by=by)
    for (label,), summary in grouped.items():
        alone = training_summary([r for r in records if _label(r, by) == label])
        for field in ("records", "trained", "unique_people", "completed", "followed_up"):
            assert getattr(summary, field) == getattr(alone, field)
        assert (summary.transfer.k, summary.transfer.n) == (alone.transfer.k, alone.transfer.n)
        assert _plain(summary.gain) == _plain(alone.gain)


@given(RECORDS)
def test_the_pooled_counts_are_plain_sums_over_the_records(
    records: list[TrainingOutcome],
) -> None:
    summary = training_summary(TrainingTable.from_records(records))
    reported = [r for r in records if r.applying is not None]
    assert summary.transfer.k == sum(r.applying or 0 for r in reported)
    assert summary.transfer.n == sum(r.followed_up or 0 for r in reported)
    assert summary.trained == sum(r.participants for r in records)
    assert summary.followed_up == sum(r.followed_up or 0 for r in records)
    if all(r.participant_ids is not None for r in records):
        ids = {i for r in records for i in r.participant_ids or ()}
        assert summary.unique_people == len(ids)
    else:
        assert summary.unique_people is None
    completing = [r for r in records if r.completed is not None]
    expected = sum(r.completed or 0 for r in completing) if completing else None
    assert summary.completed == expected
