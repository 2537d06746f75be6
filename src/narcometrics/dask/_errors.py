"""Validation errors found inside one partition (or block) of a Dask collection."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import attrs

from narcometrics.errors import Problem, ValidationError

__all__ = ["PartitionProblem", "in_block", "in_partition"]

#: A problem field with an element index, as the estimation models name them:
#: ``area_ha[5]`` or ``yield_kg_per_ha[2, 0]``.
_INDEXED = re.compile(r"^(?P<name>.+)\[(?P<index>\d+(?:, \d+)*)\]$")


@attrs.frozen(kw_only=True)
class PartitionProblem(Problem):
    """A [`Problem`][narcometrics.errors.Problem] found in one partition of a Dask collection.

    ``row`` is the 0-based row within the partition (the row a table built from that
    partition alone would report).

    Attributes
    ----------
    partition : int or tuple of int
        The partition number of a Dask dataframe (0-based, in order), or the block
        index of a Dask array (one number per axis).
    label : object, optional
        The dataframe index label of the row, when it differs from ``row`` (for a
        dataframe built with ``dask.dataframe.from_pandas``, the row's label in the
        original frame).

    Examples
    --------
    >>> from narcometrics.dask import PartitionProblem
    >>> print(PartitionProblem(field="mass_kg", problem="must be > 0", value=-1.0, row=5,
    ...                        partition=2, label=2005))
    partition 2, row 5 (index 2005): mass_kg: must be > 0 (-1.0)
    """

    partition: int | tuple[int, ...]
    label: object = None

    def __str__(self) -> str:
        if isinstance(self.partition, tuple):
            where = [f"block {self.partition}"]
        else:
            where = [f"partition {self.partition}"]
        if self.path is not None:
            where.append(self.path)
        if self.row is not None:
            row = f"row {self.row}"
            if self.label is not None and self.label != self.row:
                row += f" (index {self.label!r})"
            where.append(row)
        if self.column is not None:
            where.append(f"column {self.column}")
        # The field, problem and value as the plain Problem shows them.
        plain = attrs.evolve(self, row=None, column=None, path=None)
        return ", ".join(where) + ": " + Problem.__str__(plain)


def _label(labels: Sequence[Any] | None, row: int | None) -> object:
    if labels is None or row is None or not 0 <= row < len(labels):
        return None
    label = labels[row]
    return label.item() if hasattr(label, "item") else label


def in_partition(
    error: ValidationError,
    partition: int,
    labels: Sequence[Any] | None = None,
    *,
    elements: bool = False,
) -> ValidationError:
    """``error`` (from one dataframe partition) with every problem naming the partition.

    ``labels`` are the partition's index labels, to show beside each 0-based row. With
    ``elements``, a field naming an element of a one-dimensional input (``area_ha[5]``,
    as the estimation models do) becomes the field and its row (``area_ha``, row 5).
    """
    problems = []
    for p in error.problems:
        field, row = p.field, p.row
        match = _INDEXED.match(field) if elements and row is None else None
        if match is not None and "," not in match["index"]:
            field, row = match["name"], int(match["index"])
        problems.append(
            PartitionProblem(
                field=field,
                problem=p.problem,
                **({"value": p.value} if p.has_value else {}),
                row=row,
                column=p.column,
                path=p.path,
                partition=partition,
                label=_label(labels, row),
            )
        )
    return ValidationError.from_problems(problems, truncated=error.truncated)


def in_block(
    error: ValidationError, block: tuple[int, ...], start: Sequence[int]
) -> ValidationError:
    """``error`` (from a model run on one array block) naming the block, with element
    indices in the field (``area_ha[5]``) shifted by the block's ``start`` to the index
    in the whole array, as the in-memory model would report it."""
    problems = []
    for p in error.problems:
        field = p.field
        match = _INDEXED.match(field)
        if match is not None:
            index = [int(i) for i in match["index"].split(", ")]
            if len(index) == len(start):
                shifted = ", ".join(str(i + s) for i, s in zip(index, start, strict=True))
                field = f"{match['name']}[{shifted}]"
        problems.append(
            PartitionProblem(
                field=field,
                problem=p.problem,
                **({"value": p.value} if p.has_value else {}),
                row=p.row,
                column=p.column,
                path=p.path,
                partition=block,
            )
        )
    return ValidationError.from_problems(problems, truncated=error.truncated)
