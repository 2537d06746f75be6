"""Exact JSON-compatible conversion of records, through a private cattrs converter.

``to_dict`` gives plain JSON types (dates as ISO 8601 strings, enums as their values,
tuples as lists); ``from_dict`` reverses it exactly and refuses anything else: unknown
keys, missing required keys, wrong types (no string-to-number or bool-to-int coercion).
Errors are [`ValidationError`][narcometrics.errors.ValidationError] with JSON paths such as
``$[3].mass_kg``.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from narcometrics import _json
from narcometrics._cattrs import problems_from
from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError
from narcometrics.records import RECORD_TYPES

__all__ = ["dumps", "from_dict", "loads", "to_dict"]

R = TypeVar("R")

_converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)


def _structure_date(value: object, _: type) -> _dt.date:
    if isinstance(value, _dt.date) and type(value) is _dt.date:
        return value
    problem = "must be an ISO 8601 date string (YYYY-MM-DD)"
    if not isinstance(value, str):
        raise ValidationError("", f"{problem}, not {type(value).__name__}", value)
    try:
        parsed = _dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError("", problem, value) from None
    if parsed.isoformat() != value:
        raise ValidationError("", problem, value)
    return parsed


def _passthrough(value: object, _: type) -> object:
    # The records' own validators check types strictly; no coercion here.
    return value


def _structure_list(value: object, kind: Any) -> object:
    """A JSON array for a list field (an object would otherwise become its keys)."""
    if value is None:
        return None
    if not isinstance(value, list):
        shown = "an object" if isinstance(value, dict) else type(value).__name__
        raise ValidationError(
            "",
            f"must be a JSON array, not {shown}",
            dict(value) if isinstance(value, dict) else value,
        )
    return tuple(value)


_converter.register_unstructure_hook(_dt.date, lambda d: d.isoformat())
_converter.register_unstructure_hook(StrEnum, lambda e: e.value)
_converter.register_structure_hook(_dt.date, _structure_date)
for _scalar in (float, int, str):
    _converter.register_structure_hook(_scalar, _passthrough)
_LISTS = (tuple[float, ...], tuple[str, ...], tuple[str, ...] | None)
_converter.register_structure_hook_func(lambda t: t in _LISTS, _structure_list)
for _cls in RECORD_TYPES:
    _converter.register_unstructure_hook(_cls, make_dict_unstructure_fn(_cls, _converter))
    _converter.register_structure_hook(
        _cls, make_dict_structure_fn(_cls, _converter, _cattrs_forbid_extra_keys=True)
    )


def to_dict(record: Any) -> dict[str, Any]:
    """A record as a dict of plain JSON types (exact: ``from_dict`` gives it back).

    Parameters
    ----------
    record : Seizure, Eradication, Operation or TrainingOutcome

    Returns
    -------
    dict
        Field name to value; dates as ``YYYY-MM-DD``, enums as their value strings.
    """
    if type(record) not in RECORD_TYPES:
        raise TypeError(f"not a narcometrics record: {type(record).__name__}")
    result: dict[str, Any] = _converter.unstructure(record)
    return result


def from_dict(cls: type[R], data: Mapping[str, Any], *, path: str = "$") -> R:
    """Build a record of type ``cls`` from a dict made by
    [`to_dict`][narcometrics.serialize.to_dict] (or by hand).

    Raises
    ------
    ValidationError
        Naming each bad field with its JSON path (``$.mass_kg``) and value.
    """
    if cls not in RECORD_TYPES:
        raise TypeError(f"not a narcometrics record type: {cls!r}")
    if not isinstance(data, Mapping):
        raise ValidationError(path, f"must be a JSON object, not {type(data).__name__}", data)
    try:
        return _converter.structure(data, cls)
    except (ValidationError, cattrs.BaseValidationError, KeyError, TypeError, ValueError) as exc:
        problems = problems_from(exc, path)
        raise ValidationError.from_problems(problems[:MAX_PROBLEMS]) from None


def dumps(records: Any | Sequence[Any], *, indent: int | None = None) -> str:
    """Serialize one record, or a list of records, as JSON text."""
    if isinstance(records, (list, tuple)):
        payload: Any = [to_dict(r) for r in records]
    else:
        payload = to_dict(records)
    return json.dumps(payload, indent=indent, ensure_ascii=False, allow_nan=False)


def loads(cls: type[R], text: str | bytes) -> list[R]:
    """Parse JSON text (an object or an array of objects) into records of type ``cls``.

    Raises
    ------
    ValidationError
        For malformed JSON (with line and column), repeated keys, over-long integers and
        nesting too deep (with their JSON paths), and invalid records (with their JSON
        paths, e.g. ``$[3].mass_kg``).
    """
    return records(cls, _json.loads(text))


def records(cls: type[R], payload: Any) -> list[R]:
    """Records of type ``cls`` from parsed JSON (an object or a list of objects)."""
    items: Iterable[Any] = payload if isinstance(payload, list) else [payload]
    out: list[R] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        try:
            out.append(
                from_dict(cls, item, path=f"$[{index}]" if isinstance(payload, list) else "$")
            )
        except ValidationError as exc:
            problems.extend(exc.problems)
            if len(problems) >= MAX_PROBLEMS:
                raise ValidationError.from_problems(
                    problems[:MAX_PROBLEMS], truncated=True
                ) from None
    if problems:
        raise ValidationError.from_problems(problems)
    return out
