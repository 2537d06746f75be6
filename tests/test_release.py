"""Release hygiene: the changelog and CITATION.cff agree, released notes stay as released, and
``import narcometrics`` stays light (subpackages on first use)."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import io
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

import narcometrics

ROOT = Path(__file__).resolve().parents[1]
_RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\](?P<rest>.*)$", re.M)
_SECTION = r"^## \[{version}\] - {date}\n.*?(?=^## |\Z)"

#: SHA-256 of each released section of CHANGELOG.md, from its heading to the next one. Notes
#: of a release are what users of that release read: they do not change afterwards, and a new
#: entry belongs under [Unreleased]. Add a line here when a release is made.
RELEASED = {"0.1.0": "74e3df7c38c1ebac6eaf02b602cd4e5ac1d6531fd3c43088885daeeddd4c2555"}


def _changelog() -> str:
    return (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def _releases() -> list[tuple[str, dt.date]]:
    out = []
    for match in _RELEASE.finditer(_changelog()):
        if match["version"] == "Unreleased":
            assert match["rest"] == "", "the Unreleased heading has no date"
            continue
        date = re.fullmatch(r" - (\d{4}-\d{2}-\d{2})", match["rest"])
        assert date, f"release heading without ' - YYYY-MM-DD': {match.group(0)!r}"
        out.append((match["version"], dt.date.fromisoformat(date[1])))
    return out


def _version_key(version: str) -> tuple[int, ...]:
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"not a semantic version: {version}"
    return tuple(int(part) for part in version.split("."))


def test_changelog_and_citation_agree_on_the_latest_release_and_its_date() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    releases = _releases()
    assert releases, "CHANGELOG.md has no release section (## [x.y.z] - YYYY-MM-DD)"
    version, date = releases[0]
    assert str(citation["version"]) == version
    assert dt.date.fromisoformat(str(citation["date-released"])) == date
    with (ROOT / "pyproject.toml").open("rb") as fh:
        assert tomllib.load(fh)["project"]["version"] == version


def test_release_sections_are_newest_first_with_dates_not_increasing() -> None:
    releases = _releases()
    versions = [_version_key(v) for v, _ in releases]
    assert versions == sorted(versions, reverse=True)
    assert len(set(versions)) == len(versions)
    dates = [d for _, d in releases]
    assert dates == sorted(dates, reverse=True)
    assert _changelog().index("## [Unreleased]") < _changelog().index(f"## [{releases[0][0]}]")


def test_released_notes_are_never_edited_afterwards() -> None:
    releases = dict(_releases())
    assert set(RELEASED) == set(releases), "record the digest of each new release"
    for version, expected in RELEASED.items():
        pattern = _SECTION.format(version=re.escape(version), date=releases[version].isoformat())
        section = re.search(pattern, _changelog(), re.M | re.S)
        assert section is not None
        got = hashlib.sha256(section.group(0).encode("utf-8")).hexdigest()
        assert got == expected, (
            f"the notes of release {version} changed: new entries go under [Unreleased]"
        )


def test_importing_narcometrics_loads_no_subpackage_nor_numpy() -> None:
    code = (
        "import sys, narcometrics; "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('narcometrics', 'numpy', 'narwhals', 'cattrs', 'attrs', 'scipy'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["narcometrics"]


def test_every_public_name_loads_on_first_use() -> None:
    code = (
        "import sys, narcometrics; "
        "names = [n for n in narcometrics.__all__ if getattr(narcometrics, n) is None]; "
        "print(len(narcometrics.__all__), names, 'narcometrics.estimate' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split(maxsplit=1) == [str(len(narcometrics.__all__)), "[] True\n"]


def test_the_lazy_names_are_the_public_names_and_the_same_objects() -> None:
    from narcometrics import _LAZY  # type: ignore[attr-defined]
    from narcometrics.estimate import Estimate as _  # noqa: F401
    from narcometrics.records import Seizure
    from narcometrics.tables import SeizureTable

    assert set(_LAZY) == set(narcometrics.__all__)
    assert narcometrics.Seizure is Seizure
    assert narcometrics.SeizureTable is SeizureTable
    assert narcometrics.replay is narcometrics.provenance.replay
    assert set(narcometrics.__all__) <= set(dir(narcometrics))


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Seizures'"):
        narcometrics.Seizures  # noqa: B018
    assert not hasattr(narcometrics, "plot_everything")


def _check_dist() -> Any:
    spec = importlib.util.spec_from_file_location("check_dist", ROOT / ".ci" / "check_dist.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dists(tmp_path: Path, leave_out: str | None, version: str) -> tuple[Path, Path]:
    check_dist = _check_dist()
    files = [f for f in check_dist.package_files(ROOT) if f != leave_out]
    wheel = tmp_path / "narcometrics-x-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name in files:
            zf.writestr(name, b"")
        zf.writestr(
            f"narcometrics-{narcometrics.__version__}.dist-info/METADATA",
            f"Metadata-Version: 2.4\nName: narcometrics\nVersion: {version}\n",
        )
    sdist = tmp_path / "narcometrics-x.tar.gz"
    with tarfile.open(sdist, "w:gz") as tf:
        for name in [*check_dist.SDIST_FILES, *(f"src/{f}" for f in files)]:
            info = tarfile.TarInfo(f"narcometrics-x/{name}")
            tf.addfile(info, io.BytesIO(b""))
    return wheel, sdist


def test_the_release_check_passes_complete_distributions(tmp_path: Path) -> None:
    wheel, sdist = _dists(tmp_path, None, narcometrics.__version__)
    assert _check_dist().check(wheel, sdist, ROOT) == []


def test_the_release_check_fails_when_a_bundled_data_file_is_missing(tmp_path: Path) -> None:
    missing = "narcometrics/data/factors/pe-gov-2017.json"
    wheel, sdist = _dists(tmp_path, missing, narcometrics.__version__)
    check_dist = _check_dist()
    assert check_dist.check(wheel, sdist, ROOT) == [
        f"{wheel.name}: missing {missing}",
        f"{sdist.name}: missing src/{missing}",
    ]
    argv = ["--wheel", str(wheel), "--sdist", str(sdist), "--root", str(ROOT)]
    assert check_dist.main(argv) == 1


def test_the_release_check_fails_on_a_wheel_of_another_version(tmp_path: Path) -> None:
    wheel, sdist = _dists(tmp_path, None, "9.9.9")
    [problem] = _check_dist().check(wheel, sdist, ROOT)
    assert problem.endswith(
        f"metadata version 9.9.9, pyproject.toml says {narcometrics.__version__}"
    )


def test_ci_runs_the_release_check() -> None:
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\nrun .ci/release-check\n" in run
    assert (ROOT / ".ci" / "release-check").stat().st_mode & 0o111


_FROM_INDEX = re.compile(r"""(pip|uv pip) install\s+["']?narcometrics\b""")


def test_no_page_promises_an_install_from_an_index_that_does_not_serve_the_package() -> None:
    # narcometrics is not published yet: only the install page's "Once published" section
    # may show `pip install narcometrics`, and it says that it does not work yet; elsewhere
    # the command may only be named to say that it does not work yet, or will once published.
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if page == ROOT / "docs" / "install.md":
            published = text.index("## Once published")
            assert "(they do not yet)" in text[published : text.index("## Extras")]
            text = text[:published] + text[text.index("## Extras") :]
        for match in _FROM_INDEX.finditer(text):
            around = " ".join(text[max(0, match.start() - 120) : match.end() + 60].split()).lower()
            if not re.search(
                r"does not (work|install)|once (it is|narcometrics is) (on|pub)", around
            ):
                found.append(f"{page.relative_to(ROOT)}: {around}")
    assert found == []
