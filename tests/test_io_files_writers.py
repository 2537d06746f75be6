"""Files on real input (issue 13): safe writers (file mode, symbolic links, flushing, stale
temporaries, errors naming the target) and inputs that must not hang or crash (a FIFO, a
factors file with a BOM, repeated DataFrame columns)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from narcometrics import (
    Seizure,
    SeizureTable,
    ValidationError,
    factors,
)
from narcometrics.io import (
    read_csv,
    read_files,
    read_json,
    write_csv,
    write_json,
    write_parquet,
)
from narcometrics.io._files import TEMP_SUFFIX
from seizure_files import ENGINES, seizures

# ------------------------------------------------------------------- writers


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    write_csv(target, seizures(2))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    old = os.umask(0o027)
    try:
        for writer, name in (
            (write_csv, "new.csv"),
            (write_json, "new.json"),
            (write_parquet, "new.parquet"),
        ):
            writer(tmp_path / name, seizures(2))
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o640
    finally:
        os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_symlink_target_is_written_through_and_the_link_kept(tmp_path: Path) -> None:
    real = tmp_path / "data" / "real.csv"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_csv(link, seizures(3))
    assert link.is_symlink()
    assert len(read_csv(real, Seizure)) == 3
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.csv"]


def test_data_and_folder_are_flushed_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_IFMT(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_csv(tmp_path / "out.csv", seizures(2))
    assert stat.S_IFREG in synced
    if os.name == "posix":
        assert stat.S_IFDIR in synced


def test_stale_temporaries_of_our_naming_are_removed_and_others_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    dead = 2**22 + 12345  # above the default pid_max: no process has it
    stale = tmp_path / f".out.csv.{dead}-0a1b2c3d{TEMP_SUFFIX}"
    stale.write_text("half", encoding="utf-8")
    mine = tmp_path / f".out.csv.{os.getpid()}-0a1b2c3d{TEMP_SUFFIX}"  # a live writer's
    mine.write_text("in progress", encoding="utf-8")
    other = tmp_path / ".out.csv.notours.tmp"
    other.write_text("someone else's", encoding="utf-8")
    write_csv(target, seizures(1))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, mine.name, other.name]
    )


def test_a_writer_error_names_the_users_target_not_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "out.csv"
    with pytest.raises(OSError, match=r"out\.csv") as caught:
        write_csv(target, seizures(1))
    assert TEMP_SUFFIX not in str(caught.value)
    assert caught.value.filename == str(target)
    folder = tmp_path / "a-folder.csv"
    folder.mkdir()
    with pytest.raises(
        ValidationError, match=r"a-folder\.csv: path: exists and is not a regular file"
    ):
        write_csv(folder, seizures(1))


# ---------------------------------------------------------- hangs and crashes


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "x.csv"
    os.mkfifo(fifo)
    for engine in ("auto", *ENGINES):
        with pytest.raises(ValidationError, match=r"x\.csv: path: is not a regular file"):
            read_csv(fifo, Seizure, engine=engine)  # type: ignore[arg-type]
    json_fifo = tmp_path / "x.json"
    os.mkfifo(json_fifo)
    for call in (
        lambda: read_json(json_fifo, Seizure),
        lambda: factors.load(json_fifo),
        lambda: read_files([tmp_path]),
    ):
        with pytest.raises(ValidationError, match="is not a regular file"):
            call()


def test_factors_load_gives_validation_errors_and_accepts_a_bom(tmp_path: Path) -> None:
    from importlib import resources

    bundled = resources.files("narcometrics").joinpath("data", "factors", "pe-gov-2017.json")
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + bundled.read_bytes())
    assert factors.load(bom) == factors.get("pe-gov-2017")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{\n"id": "x",\n"title": "Hu\xe1nuco"}')
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50_000, encoding="utf-8")
    cases = {
        tmp_path / "missing.json": "missing.json: path: file not found",
        tmp_path: "path: is a directory, not a file",
        latin: r"latin.json:3: file: not UTF-8 text",
        deep: r"deep.json: \$: JSON nested too deeply",
    }
    for path, message in cases.items():
        with pytest.raises(ValidationError, match=message):
            factors.load(path)


def test_duplicated_dataframe_columns_are_a_validation_error() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        [[pd.Timestamp("2017-01-01"), "PER", "crack", 1.0, 2.0]],
        columns=["date", "country", "substance", "mass_kg", "mass_kg"],
    )
    with pytest.raises(ValidationError, match=r"mass_kg: repeated column \(2 times\)"):
        SeizureTable.from_frame(frame)
