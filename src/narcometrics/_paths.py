"""Reading a file by its path, with the errors every reader gives: one place for them.

Only a regular file is read (symbolic links followed): a directory, a FIFO, a socket or a
device is refused before it is opened, since reading one would fail, block or never end.
Each failure is a [`ValidationError`][narcometrics.errors.ValidationError] on the field
``path`` that shows the file's name as the caller gives it.
"""

from __future__ import annotations

import os
import stat

from narcometrics.errors import ValidationError

__all__ = ["check_regular", "path_error", "read_regular"]


def path_error(exc: OSError, name: str) -> ValidationError:
    """The error for an `OSError` raised while opening or reading the file ``name``."""
    if isinstance(exc, FileNotFoundError):
        problem = "file not found"
    elif isinstance(exc, IsADirectoryError):
        problem = "is a directory, not a file"
    elif isinstance(exc, PermissionError):
        problem = "permission denied"
    else:
        problem = f"cannot be read ({exc.strerror})"
    return ValidationError("path", problem, name, path=name)


def check_regular(path: str | os.PathLike[str], name: str) -> os.stat_result:
    """The status of ``path`` if it is a regular file; else the error naming ``name``."""
    try:
        status = os.stat(path)
    except OSError as exc:
        raise path_error(exc, name) from None
    if stat.S_ISDIR(status.st_mode):
        raise ValidationError("path", "is a directory, not a file", name, path=name)
    if not stat.S_ISREG(status.st_mode):
        raise ValidationError(
            "path", "is not a regular file (a FIFO, socket or device is refused)", name, path=name
        )
    return status


def read_regular(path: str | os.PathLike[str], name: str) -> bytes:
    """The bytes of the regular file ``path``; errors name ``name``."""
    check_regular(path, name)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise path_error(exc, name) from None
