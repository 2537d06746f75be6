"""Dataframes of results, through narwhals: one definition of the backends and one builder.

Every result outside the tables that holds more than one number gives a dataframe of the
backend the caller names (pandas, polars or pyarrow, imported only then) from plain columns:
[`frame`][] builds it through narwhals, so the native code of each backend is written once,
there. The tables keep their own writer (`tables/_frame.py`) for the column types narwhals
does not build from Python lists (categoricals, masked integers, lists).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from narcometrics.errors import UnknownNameError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["BACKENDS", "Backend", "check_backend", "frame"]

#: The dataframe libraries a result can be returned in.
Backend: TypeAlias = Literal["pandas", "polars", "pyarrow"]
BACKENDS: tuple[Backend, ...] = ("pandas", "polars", "pyarrow")


def check_backend(backend: object) -> Backend:
    """``backend`` if it is one of [`BACKENDS`][], else TypeError (not a str) or
    UnknownNameError listing them."""
    if not isinstance(backend, str):
        raise TypeError(f"backend must be a str, not {type(backend).__name__}")
    if backend not in BACKENDS:
        raise UnknownNameError("backend", backend, BACKENDS)
    return backend


def frame(columns: Mapping[str, Sequence[Any] | NDArray[Any]], backend: object = "pandas") -> Any:
    """A dataframe of ``backend`` with one column per item of ``columns``, in order.

    Parameters
    ----------
    columns : mapping of str to sequence
        Column name to values (lists or 1-d numpy arrays of equal length).
    backend : {"pandas", "polars", "pyarrow"}
        The library of the result; it must be installed.

    Returns
    -------
    pandas.DataFrame or polars.DataFrame or pyarrow.Table
        The native dataframe.

    Raises
    ------
    TypeError
        If ``backend`` is not a str.
    UnknownNameError
        If ``backend`` is not one of [`BACKENDS`][].
    """
    chosen = check_backend(backend)
    import narwhals as nw

    return nw.from_dict(dict(columns), backend=chosen).to_native()
