"""Error types raised by narcometrics.

Every problem with user input is a [`ValidationError`][narcometrics.errors.ValidationError], a
subclass of `ValueError`, so ``except ValueError`` keeps working for callers that do not know this
library. The error carries one [`Problem`][narcometrics.errors.Problem] per bad value: a table or a
file can have many bad rows, and users need to see all of them (up to a limit), not only the first.

The error rule for the whole library:

- a wrong *type* (a string where a number is needed, a number where a date is needed) raises
  [`WrongTypeError`][narcometrics.errors.WrongTypeError], which is both a `TypeError` and a
  `ValidationError`;
- a bad *value* of the right type (a negative mass, an end before its start) raises
  [`ValidationError`][narcometrics.errors.ValidationError];
- an unknown *name* (a factor set id, a method, a grouping field) raises
  [`UnknownNameError`][narcometrics.errors.UnknownNameError], a `ValidationError` and a
  `KeyError` listing the valid names.

The content of a file or of a parsed JSON payload is a value: a reader collects every problem it
finds, whatever its kind, into one `ValidationError` with file, row, column or JSON path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = ["MAX_PROBLEMS", "Problem", "UnknownNameError", "ValidationError", "WrongTypeError"]

MAX_PROBLEMS = 100
"""How many problems an error collects before it stops looking (the message says so)."""

_NO_VALUE = object()


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@attrs.frozen(kw_only=True)
class Problem:
    """One bad value: which field, what is wrong and where it was found.

    Attributes
    ----------
    field : str
        The field or parameter name, e.g. ``"mass_kg"`` or ``"Seizure.mass_kg"``.
    problem : str
        What is wrong, e.g. ``"must be > 0"``.
    value : object, optional
        The offending value; shown with ``repr`` in the message.
    row : int, optional
        For tables: the 0-based row index. For files: the 1-based line-like row number
        (the header is row 1), as a spreadsheet would show it.
    column : int, optional
        For files: the 1-based column number.
    path : str, optional
        For files: the path of the file.
    """

    field: str
    problem: str
    value: object = _NO_VALUE
    row: int | None = None
    column: int | None = None
    path: str | None = None

    @property
    def has_value(self) -> bool:
        """Whether a value was recorded with the problem."""
        return self.value is not _NO_VALUE

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            parts = [self.path]
            if self.row is not None:
                parts.append(str(self.row))
            if self.column is not None:
                parts.append(str(self.column))
            where = ":".join(parts) + ": "
        elif self.row is not None:
            where = f"row {self.row}: "
        shown = f" ({_show(self.value)})" if self.has_value else ""
        return f"{where}{self.field}: {self.problem}{shown}"


class ValidationError(ValueError):
    """Invalid input: names the field, shows the value and, for files, the row and column.

    Build one with a single problem, ``ValidationError("mass_kg", "must be > 0", -1.0)``, or
    with many through `from_problems`. The message has one line per problem.

    Attributes
    ----------
    problems : tuple of Problem
        Every problem found (at most `MAX_PROBLEMS`).
    truncated : bool
        True when more problems existed than were collected.
    summary : tuple of str
        When truncated, lines counting every problem found per field and per distinct bad
        value (most frequent first), so that a user knows what to fix first; may be empty.
    """

    problems: tuple[Problem, ...]
    truncated: bool
    summary: tuple[str, ...] = ()

    def __init__(
        self,
        field: str,
        problem: str,
        value: object = _NO_VALUE,
        *,
        row: int | None = None,
        column: int | None = None,
        path: str | None = None,
    ) -> None:
        self._set(
            (
                Problem(
                    field=field, problem=problem, value=value, row=row, column=column, path=path
                ),
            ),
            truncated=False,
        )

    def _set(
        self, problems: Sequence[Problem], *, truncated: bool, summary: Sequence[str] = ()
    ) -> None:
        self.problems = tuple(problems)
        self.truncated = truncated
        self.summary = tuple(summary)
        lines = [str(p) for p in self.problems]
        if truncated:
            lines.append(f"... more problems not shown (stopped after {len(self.problems)})")
        lines.extend(self.summary)
        ValueError.__init__(self, "\n".join(lines))

    @classmethod
    def from_problems(
        cls, problems: Iterable[Problem], *, truncated: bool = False, summary: Sequence[str] = ()
    ) -> ValidationError:
        """Build one error from several problems (at least one), with optional `summary`
        lines shown after them."""
        collected = tuple(problems)
        if not collected:
            raise ValueError("ValidationError.from_problems needs at least one problem")
        error = cls.__new__(cls)
        error._set(collected, truncated=truncated, summary=summary)
        return error

    def to_records(self) -> list[dict[str, object]]:
        """The problems as records, one dict per problem, to put in a dataframe.

        Keys: ``path``, ``row``, ``column``, ``field``, ``problem`` and ``value`` (None where
        not known). ``pandas.DataFrame(error.to_records())`` gives one row per problem.

        Examples
        --------
        >>> from narcometrics.errors import ValidationError
        >>> records = ValidationError("mass_kg", "must be > 0", -1.0, row=3).to_records()
        >>> records[0]["field"], records[0]["row"], records[0]["value"]
        ('mass_kg', 3, -1.0)
        """
        return [
            {
                "path": p.path,
                "row": p.row,
                "column": p.column,
                "field": p.field,
                "problem": p.problem,
                "value": p.value if p.has_value else None,
            }
            for p in self.problems
        ]

    @property
    def field(self) -> str:
        """The field of the first problem."""
        return self.problems[0].field

    @property
    def value(self) -> object:
        """The value of the first problem (``None`` when none was recorded)."""
        first = self.problems[0]
        return first.value if first.has_value else None

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.problems, self.truncated, self.summary))


def _rebuild(
    cls: type[ValidationError],
    problems: tuple[Problem, ...],
    truncated: bool,
    summary: tuple[str, ...] = (),
) -> ValidationError:
    error = cls.__new__(cls)
    error._set(problems, truncated=truncated, summary=summary)
    return error


class WrongTypeError(ValidationError, TypeError):
    """A value of the wrong type: not a real number, not a date, not a string...

    Both a [`ValidationError`][narcometrics.errors.ValidationError] (it names the field and
    shows the value, like every problem with user input) and a `TypeError`, so that a wrong type
    is a `TypeError` everywhere in the library, as Python's own functions raise (numpy's
    `AxisError` is a `ValueError` and an `IndexError` in the same way). Built like a
    `ValidationError`: ``WrongTypeError("mass_kg", "must be a real number, not str", "abc")``.

    Examples
    --------
    >>> from narcometrics import Seizure
    >>> from narcometrics.errors import WrongTypeError
    >>> try:
    ...     Seizure(date="2017-03-01", country="PER", substance="cocaine_hcl", mass_kg=1.0)
    ... except TypeError as error:
    ...     print(isinstance(error, WrongTypeError), error.field)
    True Seizure.date
    """


class UnknownNameError(ValidationError, KeyError):
    """A name (factor set id, measure, grouping field) that is not one of the valid names.

    The message lists the valid names. It is both a
    [`ValidationError`][narcometrics.errors.ValidationError] and a `KeyError`, so dictionary-style
    callers can catch it too.
    """

    def __init__(self, field: str, value: str, valid: Iterable[str]) -> None:
        self.valid = tuple(valid)
        super().__init__(field, f"must be one of: {', '.join(self.valid)}", value)

    def __str__(self) -> str:
        return ValueError.__str__(self)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.field, self.value, self.valid))
