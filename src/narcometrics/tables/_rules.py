"""The records' cross-field rules evaluated on whole columns.

Each rule object declared on a record (``narcometrics.records.TRAINING_RULES``) has a
vectorised evaluation here, looked up by the rule's type, that finds the rows breaking it;
the words for each such row come from the same rule's scalar evaluation
([`check_rules`][narcometrics._fields.check_rules]) on that row alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from narcometrics._fields import (
    AtMost,
    NotMoreItems,
    Paired,
    RequiredWhen,
    Requires,
    RowRule,
    Scores,
    UniqueIds,
)
from narcometrics.tables._columns import Categorical, Ragged
from narcometrics.tables._validate import Column

Mask: TypeAlias = NDArray[np.bool_]
Columns: TypeAlias = Mapping[str, Column]


def _values(col: Column) -> tuple[NDArray[Any], Mask]:
    """A column's values and which rows have none (masked, code -1 or NaN)."""
    if isinstance(col, Categorical):
        return col.codes, col.codes < 0
    if isinstance(col, np.ma.MaskedArray):
        return np.asarray(col.data), np.ma.getmaskarray(col)
    values = np.asarray(col)
    missing = np.isnan(values) if values.dtype.kind == "f" else np.zeros(len(values), np.bool_)
    return values, missing


def _ragged(col: Column) -> Ragged:
    assert isinstance(col, Ragged)
    return col


def _at_most(rule: AtMost, columns: Columns, n: int) -> Mask:
    value, no_value = _values(columns[rule.field])
    limit, no_limit = _values(columns[rule.limit])
    bad: Mask = ~no_value & ~no_limit & (value > limit)
    return bad


def _requires(rule: Requires, columns: Columns, n: int) -> Mask:
    bad: Mask = ~_values(columns[rule.field])[1] & _values(columns[rule.needs])[1]
    return bad


def _required_when(rule: RequiredWhen, columns: Columns, n: int) -> Mask:
    bad: Mask = ~_values(columns[rule.when])[1] & _values(columns[rule.field])[1]
    return bad


def _scores(rule: Scores, columns: Columns, n: int) -> Mask:
    """Scores outside [0, max], or scores without a max (items are finite already)."""
    scores = _ragged(columns[rule.field])
    max_score = np.asarray(columns[rule.max_field])
    lengths = scores.lengths
    owner = np.repeat(np.arange(n), lengths)
    values = np.asarray(scores.values)
    outside = (values < 0) | (values > max_score[owner])
    bad: Mask = np.bincount(owner[outside], minlength=n) > 0
    bad |= (lengths > 0) & np.isnan(max_score)
    return bad


def _paired(rule: Paired, columns: Columns, n: int) -> Mask:
    bad: Mask = _ragged(columns[rule.field]).lengths != _ragged(columns[rule.other]).lengths
    return bad


def _not_more_items(rule: NotMoreItems, columns: Columns, n: int) -> Mask:
    bad: Mask = _ragged(columns[rule.field]).lengths > np.asarray(columns[rule.limit])
    return bad


def _unique_ids(rule: UniqueIds, columns: Columns, n: int) -> Mask:
    """Rows with ids (an empty row has none) whose number is not the count, or repeated."""
    ids = _ragged(columns[rule.field])
    lengths = ids.lengths
    bad: Mask = (lengths > 0) & (lengths != np.asarray(columns[rule.count]))
    assert isinstance(ids.values, Categorical)
    codes = ids.values.codes
    if len(codes) > 1:
        owner = np.repeat(np.arange(n), lengths)
        order = np.lexsort((codes, owner))
        same = (owner[order][1:] == owner[order][:-1]) & (codes[order][1:] == codes[order][:-1])
        bad |= np.bincount(owner[order][1:][same], minlength=n) > 0
    return bad


#: The vectorised evaluation of each kind of rule: the rows that break it.
VECTORISED: Mapping[type, Callable[[Any, Columns, int], Mask]] = {
    AtMost: _at_most,
    Requires: _requires,
    RequiredWhen: _required_when,
    Scores: _scores,
    Paired: _paired,
    NotMoreItems: _not_more_items,
    UniqueIds: _unique_ids,
}


def broken_rows(rules: Sequence[RowRule], columns: Columns, n: int) -> Mask:
    """The rows that break at least one of ``rules``."""
    bad = np.zeros(n, dtype=np.bool_)
    for rule in rules:
        bad |= VECTORISED[type(rule)](rule, columns, n)
    return bad
