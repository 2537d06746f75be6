"""The package's bundled data files, found without importing ``importlib.resources`` or
``pathlib``.

``importlib.resources`` imports ``tempfile``, ``shutil`` and the compression modules (about
15 ms at start-up), and ``pathlib`` imports ``urllib.parse`` and ``ipaddress`` (about 3.5
ms). An installed or checked-out package is a folder: its data are plain files beside this
module, handed out as `Bundled` (the part of ``importlib.resources``' ``Traversable`` that
the package uses). Only a package that is not a folder (imported from a zip file) goes
through ``importlib.resources``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

__all__ = ["Bundled", "data", "local_path"]

_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


class Bundled:
    """A bundled file or folder of the package's ``data`` folder on the file system."""

    __slots__ = ("_path",)

    def __init__(self, path: str) -> None:
        self._path = path

    @property
    def name(self) -> str:
        """The file's or folder's name."""
        return os.path.basename(self._path)

    def joinpath(self, *parts: str) -> Bundled:
        """The file or folder ``parts`` below this folder."""
        return Bundled(os.path.join(self._path, *parts))

    def iterdir(self) -> Iterator[Bundled]:
        """The entries of this folder, in the order the file system gives them."""
        return (Bundled(entry.path) for entry in os.scandir(self._path))

    def is_dir(self) -> bool:
        """Whether this is a folder."""
        return os.path.isdir(self._path)

    def read_text(self, encoding: str = "utf-8") -> str:
        """The file's text."""
        with open(self._path, encoding=encoding) as fh:
            return fh.read()

    def __fspath__(self) -> str:
        return self._path

    def __str__(self) -> str:
        return self._path

    def __repr__(self) -> str:
        return f"Bundled({self._path!r})"


def data(*parts: str) -> Any:
    """The bundled ``data/<parts>`` as a `Bundled` (or a resources ``Traversable``)."""
    if os.path.isdir(_FOLDER):
        return Bundled(_FOLDER).joinpath(*parts)
    from importlib import resources  # pragma: no cover - a package inside a zip file

    return resources.files("narcometrics").joinpath("data", *parts)  # pragma: no cover


@contextlib.contextmanager
def local_path(resource: Any) -> Iterator[str | os.PathLike[str]]:
    """A file system path for a bundled file (``importlib.resources.as_file`` when needed)."""
    if isinstance(resource, Bundled):
        yield resource
        return
    from importlib import resources  # pragma: no cover - a package inside a zip file

    with resources.as_file(resource) as path:  # pragma: no cover
        yield path
