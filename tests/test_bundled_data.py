"""The bundled data files, handed out without pathlib (`narcometrics._data.Bundled`), read
as `pathlib.Path` reads them: the same names, texts, folders and file-system paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from narcometrics._data import Bundled, data, local_path

ROOT = Path(__file__).resolve().parents[1] / "src" / "narcometrics" / "data"


def _walk(entry: Bundled, path: Path) -> int:
    """Files compared below ``entry`` (a folder), against ``path``."""
    assert os.fspath(entry) == os.fspath(path) == str(entry)
    assert entry.name == path.name
    assert entry.is_dir() == path.is_dir()
    if not path.is_dir():
        assert entry.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
        return 1
    assert sorted(e.name for e in entry.iterdir()) == sorted(p.name for p in path.iterdir())
    return sum(_walk(entry.joinpath(p.name), p) for p in path.iterdir())


def test_every_bundled_file_reads_as_pathlib_reads_it() -> None:
    folder = data()
    assert isinstance(folder, Bundled)
    assert _walk(folder, ROOT) >= 10  # factor sets, examples, series, citation


def test_a_bundled_file_is_a_path_for_the_readers() -> None:
    with local_path(data("citation.json")) as path:
        assert os.path.isfile(path)
        with open(path, encoding="utf-8") as fh:
            assert fh.read() == (ROOT / "citation.json").read_text(encoding="utf-8")


def test_a_missing_bundled_file_is_an_os_error_naming_it() -> None:
    with pytest.raises(FileNotFoundError, match="no-such-file"):
        data("no-such-file.json").read_text()
