"""Exact JSON-compatible conversion of records, through a private cattrs converter.

``to_dict`` gives plain JSON types (dates as ISO 8601 strings, enums as their values,
tuples as lists); ``from_dict`` reverses it exactly and refuses anything else: unknown
keys, missing required keys, wrong types (no string-to-number or bool-to-int coercion).
Errors are [`ValidationError`][narcometrics.errors.ValidationError] with JSON paths such as
``$[3].mass_kg``.

Results (estimates, provenance, training results, the report) are written through a second
converter, [`result_json`][narcometrics.serialize.result_json], beside the strict one for
records: it only unstructures, and it decides for every result how a NaN, a numpy array, a
numpy scalar, an enum and a date become JSON.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

import attrs
import cattrs
import numpy as np
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from narcometrics import _json
from narcometrics._cattrs import problems_from
from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError, WrongTypeError
from narcometrics.records import RECORD_TYPES

__all__ = ["dumps", "from_dict", "loads", "result_json", "to_dict"]

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
    WrongTypeError
        When ``data`` is not a mapping (a `TypeError` and a `ValidationError`).
    ValidationError
        Naming each bad field with its JSON path (``$.mass_kg``) and value.
    """
    if cls not in RECORD_TYPES:
        raise TypeError(f"not a narcometrics record type: {cls!r}")
    if not isinstance(data, Mapping):
        raise WrongTypeError(path, f"must be a JSON object, not {type(data).__name__}", data)
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


# ------------------------------------------------------------------------- results

_results = cattrs.Converter()


def _finite_or_none(value: float) -> float | None:
    # JSON has no NaN or infinity: an undefined or unbounded number is null, never a number
    # a JSON reader would refuse (or, worse, read as a value).
    number = float(value)
    return number if math.isfinite(number) else None


def _array(value: np.ndarray[Any, Any]) -> Any:
    if value.dtype.kind == "f":
        finite = np.isfinite(value)
        if not finite.all():
            out = value.astype(object)
            out[~finite] = None
            return out.tolist()
    return value.tolist()


def _numpy_scalar(value: np.generic) -> Any:
    return _results.unstructure(value.item())


def _mapping(value: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        key.value if isinstance(key, StrEnum) else str(key): _results.unstructure(item)
        for key, item in value.items()
    }


def _attrs_fields(value: Any) -> dict[str, Any]:
    # By the runtime type of each value, not its annotation: a result field typed
    # ``float | NDArray`` holds either.
    return {f.name: _results.unstructure(getattr(value, f.name)) for f in attrs.fields(type(value))}


_results.register_unstructure_hook(float, _finite_or_none)
_results.register_unstructure_hook(np.ndarray, _array)
_results.register_unstructure_hook(np.generic, _numpy_scalar)
_results.register_unstructure_hook(StrEnum, lambda e: e.value)
_results.register_unstructure_hook(_dt.date, lambda d: d.isoformat())
_results.register_unstructure_hook_func(
    lambda cls: isinstance(cls, type) and issubclass(cls, Mapping), _mapping
)
_results.register_unstructure_hook_func(
    lambda cls: isinstance(cls, type) and attrs.has(cls), _attrs_fields
)
# A result with its own layout (an estimate's percentile keys, a provenance's digests) says
# so with ``to_dict``, which converts its parts here (registered last: it wins).
_results.register_unstructure_hook_func(
    lambda cls: isinstance(cls, type) and callable(getattr(cls, "to_dict", None)),
    lambda value: value.to_dict(),
)


def result_json(value: Any) -> Any:
    """A result (or any value built of numbers, arrays, enums, dates, tuples, mappings and
    attrs classes) as plain JSON types: the one place where results become JSON.

    NaN and infinities become ``None`` (JSON has neither); numpy arrays become (nested) lists
    and numpy scalars Python numbers; enums become their values, dates ``YYYY-MM-DD``, tuples
    lists; mapping keys become strings; an object with a ``to_dict`` method its dict, any other
    attrs class a dict of its fields.

    Examples
    --------
    >>> import numpy as np
    >>> from narcometrics.serialize import result_json
    >>> result_json({"share": float("nan"), "draws": np.array([1.5, np.inf]), 5.0: (1, 2)})
    {'share': None, 'draws': [1.5, None], '5.0': [1, 2]}
    """
    return _results.unstructure(value)
