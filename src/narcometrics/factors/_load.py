"""Reading a factor set from strict JSON: [`load`][narcometrics.factors.load] for a user's file.

A well-formed set is built straight from the parsed JSON with the records' own constructors
(their validators check every value). Anything else (an unknown or missing key, a value of
the wrong JSON type, a value a validator refuses) goes through the strict cattrs path, which
names every problem with its JSON path. cattrs is imported only then.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from narcometrics import _json
from narcometrics._paths import read_regular
from narcometrics.errors import MAX_PROBLEMS, ValidationError
from narcometrics.factors._model import Citation, Factor, FactorSet, MethodFamily, Status

if TYPE_CHECKING:
    from pathlib import Path

    import cattrs

__all__ = ["load", "parse"]


def _passthrough(value: object, _: type) -> object:
    # The classes' own validators check types strictly; no coercion here.
    return value


@functools.cache
def _base() -> cattrs.Converter:
    """The converter of every factor set, built on first use (cattrs is imported then)."""
    import cattrs

    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    for scalar in (float, int, str, Status, MethodFamily):
        converter.register_structure_hook(scalar, _passthrough)
    return converter


def _structure_set(data: Any) -> FactorSet:
    if not isinstance(data, Mapping):
        raise ValidationError("", f"must be a JSON object, not {type(data).__name__}", data)
    payload = dict(data)
    if "citations" not in payload:
        raise ValidationError(".citations", "required field is missing")
    raw_citations = payload.pop("citations")
    if not isinstance(raw_citations, Mapping):
        raise ValidationError(
            ".citations", "must be a JSON object of key -> citation", raw_citations
        )
    import cattrs

    from narcometrics._cattrs import problems_from as _problems

    try:
        citations: dict[str, Citation] = _base().structure(raw_citations, dict[str, Citation])
    except (ValidationError, cattrs.BaseValidationError) as exc:
        raise ValidationError.from_problems(_problems(exc, ".citations")) from None

    def by_key(value: object, _: type) -> Citation:
        if not isinstance(value, str) or value not in citations:
            raise ValidationError("", f"must be a citation key: {', '.join(citations)}", value)
        return citations[value]

    converter = _base().copy()
    converter.register_structure_hook(Citation, by_key)
    for item in (Citation, Factor):
        converter.register_structure_hook_func(
            functools.partial(operator.eq, tuple[item, ...]),  # type: ignore[valid-type]
            _list_hook(converter, item),
        )
    structured: FactorSet = converter.structure(payload, FactorSet)
    return structured


def _list_hook(converter: Any, item: type) -> Any:
    import cattrs
    from cattrs.errors import IterableValidationNote

    def structure(value: object, _: type) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise ValidationError("", f"must be a JSON array, not {type(value).__name__}", value)
        out: list[Any] = []
        problems: list[Exception] = []
        for index, element in enumerate(value):
            try:
                out.append(converter.structure(element, item))
            except Exception as exc:  # collected with their index, re-raised below
                exc.add_note(IterableValidationNote(f"@ index {index}", index, item))
                problems.append(exc)
        if problems:
            raise cattrs.IterableValidationError("invalid items", problems, tuple)
        return tuple(out)

    return structure


def parse(text: str | bytes, where: str) -> FactorSet:
    """The factor set in JSON ``text``, validated; ``where`` names the file in errors.

    Strict JSON: repeated keys, NaN, over-long integers and deep nesting are errors.
    """
    payload = _json.loads(text, path=where)
    built = _direct(payload)
    if built is not None:
        return built
    return _strict(payload, where)


#: The keys of each JSON object: the fields of its record (a set also has ``citations``).
_SET_KEYS = frozenset(a.name for a in attrs.fields(FactorSet)) | {"citations"}
_FACTOR_KEYS = frozenset(a.name for a in attrs.fields(Factor))
_CITATION_KEYS = frozenset(a.name for a in attrs.fields(Citation))


def _direct(payload: object) -> FactorSet | None:
    """The set built straight from well-formed JSON; None when anything is off.

    It calls the constructors the cattrs path calls with the same arguments (the scalars
    pass through unchanged there too), so a set built here is the set cattrs builds. Any
    problem gives None, and `_strict` reports it.
    """
    try:
        return _build(payload)
    except Exception:  # every problem is reported by the strict path
        return None


def _fields(value: object, keys: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict) or not value.keys() <= keys:
        raise ValueError("not a plain record")
    return dict(value)


def _build(payload: object) -> FactorSet:
    fields = _fields(payload, _SET_KEYS)
    raw_citations, raw_values = fields.pop("citations"), fields["values"]
    if not isinstance(raw_citations, dict) or not isinstance(raw_values, list):
        raise ValueError("not a plain record")
    citations = {
        key: Citation(**_fields(value, _CITATION_KEYS)) for key, value in raw_citations.items()
    }
    values = []
    for raw in raw_values:
        entry = _fields(raw, _FACTOR_KEYS)
        keys = entry["citations"]
        if not isinstance(keys, list):
            raise ValueError("not a plain record")
        # JSON object keys are str: a key of another type is never found (KeyError).
        entry["citations"] = tuple(citations[key] for key in keys)
        values.append(Factor(**entry))
    fields["values"] = tuple(values)
    return FactorSet(**fields)


def _strict(payload: object, where: str) -> FactorSet:
    """The cattrs path: the set, or a ValidationError naming every problem by JSON path."""
    import cattrs

    from narcometrics._cattrs import problems_from as _problems

    try:
        return _structure_set(payload)
    except (ValidationError, cattrs.BaseValidationError, KeyError, TypeError, ValueError) as exc:
        problems = [attrs.evolve(p, path=where) for p in _problems(exc, "$")]
        raise ValidationError.from_problems(
            problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS
        ) from None


def load(path: str | Path) -> FactorSet:
    """Read and validate a factor set from a JSON file (the format of the bundled sets).

    The file holds ``id``, ``title``, ``method``, ``first_year``, ``last_year``, ``note``,
    ``citations`` (an object of key to citation) and ``values`` (an array of factors, each
    naming its sources by citation key under ``citations``).

    The file is UTF-8 text, with or without a byte-order mark, and is read strictly (a
    repeated key is an error).

    Raises
    ------
    ValidationError
        Naming the file and each bad field with its JSON path, e.g.
        ``pe-gov-2017.json: $.values[0].status: must be one of: ...``; also for a missing
        file, a folder, a FIFO or device, text that is not UTF-8 (with its line) and JSON
        nested too deeply.
    """
    from pathlib import Path  # on use: pathlib costs the report ~3.5 ms at start-up

    file = Path(path)
    name = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in str(file))
    data = read_regular(file, name)
    return parse(data, name)
