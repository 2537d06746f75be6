"""Re-exports imported on first use (PEP 562), for the ``__init__.py`` of a subpackage.

A subpackage's ``__init__.py`` names what it re-exports from which private module; each
module is imported when one of its names is first looked up, so that importing one part
of a subpackage (the CSV reader, the flat estimate) does not import every other part (the
spreadsheet reader, the Monte Carlo models). Type checkers and the documentation read the
same names from the imports in the ``if TYPE_CHECKING:`` block beside the call;
``tests/test_architecture.py`` checks that both lists and ``__all__`` agree.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["reexport"]


def reexport(
    package: str, modules: Mapping[str, tuple[str, ...]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` re-exporting ``modules`` lazily.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    modules : mapping of str to tuple of str
        Module (its full name, e.g. ``"narcometrics.io._readers"``) to the names the
        package re-exports from it.

    Returns
    -------
    tuple of callable
        ``__getattr__(name)``, which imports the module that provides ``name``, stores the
        value in the package (so the next lookup is a plain attribute) and returns it; for
        another name, the submodule of that name (``estimate.production``), as after an
        import of every submodule up front, or `AttributeError`; and ``__dir__()``.
    """
    where = {name: module for module, names in modules.items() for name in names}
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        try:
            module = where[name]
        except KeyError:
            return _submodule(package, name)
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *where})

    return __getattr__, __dir__


def _submodule(package: str, name: str) -> Any:
    """The submodule ``name`` of ``package`` (imported now), or `AttributeError`."""
    missing = AttributeError(f"module {package!r} has no attribute {name!r}")
    if name.startswith("__"):
        raise missing  # a special name (``__wrapped__``, ``__test__``), never a submodule
    try:
        return importlib.import_module(f"{package}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{package}.{name}":
            raise  # the submodule exists and needs a module that is not installed
        raise missing from None
