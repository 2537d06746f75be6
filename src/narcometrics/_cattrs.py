"""Turn cattrs structuring errors into [`Problem`][narcometrics.errors.Problem] lists with
JSON paths (``$.values[1].status``), for every loader of JSON-shaped data."""

from __future__ import annotations

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote, IterableValidationNote

from narcometrics.errors import Problem, ValidationError

__all__ = ["problems_from"]


def problems_from(exc: BaseException, path: str) -> list[Problem]:
    """The problems behind a structuring error, each named by its JSON path under ``path``.

    A record validator's field (``"Seizure.mass_kg"``) becomes ``path.mass_kg``; a hook's
    error with an empty field, or a nested one starting with ``"."``, keeps its place.
    """
    if isinstance(exc, ValidationError):
        out = []
        for p in exc.problems:
            if p.field.startswith("."):
                field = path + p.field
            elif p.field:
                field = f"{path}.{p.field.split('.', 1)[-1]}"
            else:
                field = path
            out.append(attrs.evolve(p, field=field))
        return out
    if isinstance(exc, cattrs.BaseValidationError):
        collected: list[Problem] = []
        for sub in exc.exceptions:
            suffix = ""
            for note in getattr(sub, "__notes__", []):
                if isinstance(note, AttributeValidationNote):
                    suffix = f".{note.name}"
                elif isinstance(note, IterableValidationNote):
                    index = note.index
                    suffix = f"[{index!r}]" if isinstance(index, str) else f"[{index}]"
            collected.extend(problems_from(sub, path + suffix))
        return collected
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return [
            Problem(field=f"{path}.{k}", problem="unknown field") for k in sorted(exc.extra_fields)
        ]
    if isinstance(exc, KeyError):
        return [Problem(field=path, problem="required field is missing")]
    return [Problem(field=path, problem=str(exc))]
