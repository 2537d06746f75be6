"""Strict JSON parsing for every reader of JSON files (records, factor sets, file kinds).

The standard ``json`` module silently keeps the last of repeated keys, turns ``NaN`` and
``Infinity`` into floats, raises a plain `ValueError` for integers longer than Python's
4,300-digit conversion limit and a `RecursionError` for deeply nested input. `loads` makes each
of these a [`ValidationError`][narcometrics.errors.ValidationError] naming the JSON path
(``$[3].country``) or the line and column, so that nothing is lost or resolved silently.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import attrs

from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError

__all__ = ["MAX_DIGITS", "loads"]

#: The longest integer a JSON file may hold [digits] (Python's default conversion limit).
MAX_DIGITS = 4300


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it saw more than once."""

    __slots__ = ("repeated",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.repeated: list[str] = []
        if len(self) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen and key not in self.repeated:
                    self.repeated.append(key)
                seen.add(key)


class _TooLong:
    """An integer literal longer than `MAX_DIGITS` (kept as text, reported with its path)."""

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = digits


def _parse_int(text: str) -> int | _TooLong:
    if len(text.lstrip("-")) > MAX_DIGITS:
        return _TooLong(text)
    return int(text)


def _refuse_constant(name: str) -> float:
    raise ValidationError("$", f"{name} is not valid JSON (use null for a missing value)")


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{json.dumps(key)}]"


def _check(payload: Any) -> list[Problem]:
    """Repeated keys and over-long integers anywhere in ``payload``, with their JSON paths."""
    problems: list[Problem] = []
    stack: list[tuple[str, Any]] = [("$", payload)]
    while stack and len(problems) < MAX_PROBLEMS:
        path, value = stack.pop()
        if isinstance(value, _Object):
            problems.extend(
                Problem(field=_key(path, key), problem="repeated key (each key must appear once)")
                for key in value.repeated
            )
            stack.extend((_key(path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(value))))
        elif isinstance(value, _TooLong):
            problems.append(
                Problem(
                    field=path,
                    problem=f"integer has {len(value.digits.lstrip('-'))} digits "
                    f"(at most {MAX_DIGITS})",
                    value=value.digits[:20] + "...",
                )
            )
    return problems


def loads(text: str | bytes, *, path: str | None = None) -> Any:
    """Parse JSON text strictly: the payload as plain dicts, lists, numbers and strings.

    Parameters
    ----------
    text : str or bytes
        The JSON text (bytes are decoded as UTF-8, with or without a byte-order mark).
    path : str, optional
        The file name to put in error messages.

    Raises
    ------
    ValidationError
        For malformed JSON (with line and column), ``NaN``/``Infinity``, repeated keys and
        integers over `MAX_DIGITS` digits (with their JSON paths), nesting too deep to parse,
        and text that is not UTF-8.
    """
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise ValidationError(
                "file", f"not UTF-8 text ({exc.reason})", row=line, path=path
            ) from None
    text = text.removeprefix("\ufeff")
    try:
        payload = json.loads(
            text,
            object_pairs_hook=_Object,
            parse_int=_parse_int,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as exc:
        raise ValidationError(
            "$", f"malformed JSON: {exc.msg}", row=exc.lineno, column=exc.colno, path=path
        ) from None
    except ValidationError as exc:
        raise ValidationError.from_problems(
            Problem(field=p.field, problem=p.problem, path=path) for p in exc.problems
        ) from None
    except RecursionError:
        raise ValidationError(
            "$",
            f"JSON nested too deeply (more than about {sys.getrecursionlimit()} levels)",
            path=path,
        ) from None
    problems = _check(payload)
    if problems:
        raise ValidationError.from_problems(
            [attrs.evolve(p, path=path) for p in problems][:MAX_PROBLEMS],
            truncated=len(problems) >= MAX_PROBLEMS,
        )
    return payload
