"""Keyword arguments renamed in 0.2, accepted under their old name until 0.3 with a warning."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["record_type_keyword", "renamed_keyword"]

P = ParamSpec("P")
R = TypeVar("R")


def renamed_keyword(old: str, new: str, why: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Accept the keyword ``old`` as ``new``, with a DeprecationWarning saying ``why``.

    Passing both is a `TypeError`. The wrapped function's signature (and its documentation)
    shows ``new`` only.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if old in kwargs:
                if new in kwargs:
                    raise TypeError(
                        f"{function.__name__}() got both {new}= and its old name {old}="
                    )
                warnings.warn(
                    f"{_public(function)}({old}=...) is deprecated and will be removed in 0.3; "
                    f"use {new}=... ({why})",
                    DeprecationWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper

    return decorate


def _public(function: Callable[..., object]) -> str:
    """``narcometrics.io.read_csv`` for a function defined in ``narcometrics.io._readers``."""
    parts = [p for p in function.__module__.split(".") if not p.startswith("_")]
    return ".".join([*parts, function.__name__])


#: The readers' and aggregators' ``kind=`` of 0.1 is ``record_type=``, as `Table.record_type`
#: (``kind`` is a column's storage kind in `FieldSpec`).
record_type_keyword = renamed_keyword(
    "kind", "record_type", "the record class is a table's record_type; kind is a column's storage"
)
