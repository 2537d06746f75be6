"""The package's bundled data files, found without importing ``importlib.resources``.

``importlib.resources`` imports ``tempfile``, ``shutil`` and the compression modules (about
15 ms at start-up). An installed or checked-out package is a folder: its data are plain
files beside this module. Only a package that is not a folder (imported from a zip file)
goes through ``importlib.resources``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["data", "local_path"]


def data(*parts: str) -> Any:
    """The bundled ``data/<parts>`` as a ``pathlib.Path`` (or a resources ``Traversable``)."""
    folder = Path(__file__).parent / "data"
    if folder.is_dir():
        return folder.joinpath(*parts)
    from importlib import resources  # pragma: no cover - a package inside a zip file

    return resources.files("narcometrics").joinpath("data", *parts)  # pragma: no cover


@contextlib.contextmanager
def local_path(resource: Any) -> Iterator[Path]:
    """A file system path for a bundled file (``importlib.resources.as_file`` when needed)."""
    if isinstance(resource, Path):
        yield resource
        return
    from importlib import resources  # pragma: no cover - a package inside a zip file

    with resources.as_file(resource) as path:  # pragma: no cover
        yield path
