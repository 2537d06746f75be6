"""Check that a built wheel and sdist hold what the package needs (standard library only).

    python .ci/check_dist.py --wheel dist/x.whl --sdist dist/x.tar.gz [--root .]

Every file of the package in the source tree (modules, ``py.typed`` and every bundled data
file under ``src/narcometrics/data``) must be in the wheel at the same place, and in the
sdist; the wheel's metadata must name the version of ``pyproject.toml``; the sdist must hold
the files a release is cited and rebuilt from (``pyproject.toml``, ``README.md``,
``LICENSE``, ``CHANGELOG.md``, ``CITATION.cff``). Prints one line per problem and exits 1 if
there is any, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tarfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

PACKAGE = "narcometrics"
SDIST_FILES = ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "CITATION.cff")


def package_files(root: Path) -> list[str]:
    """The package's files in the source tree, relative to ``src`` (caches left out)."""
    base = root / "src"
    return sorted(
        path.relative_to(base).as_posix()
        for path in (base / PACKAGE).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def check(wheel: Path, sdist: Path, root: Path) -> list[str]:
    """Every problem found, one sentence each (empty when the distributions are complete)."""
    problems = []
    expected = package_files(root)
    with (root / "pyproject.toml").open("rb") as fh:
        version = tomllib.load(fh)["project"]["version"]
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata_name = f"{PACKAGE}-{version}.dist-info/METADATA"
        if metadata_name in names:
            metadata = Parser().parsestr(zf.read(metadata_name).decode("utf-8"))
            if metadata["Version"] != version:
                problems.append(
                    f"{wheel.name}: metadata version {metadata['Version']}, "
                    f"pyproject.toml says {version}"
                )
        else:
            problems.append(f"{wheel.name}: no {metadata_name}")
    problems.extend(f"{wheel.name}: missing {name}" for name in expected if name not in names)
    with tarfile.open(sdist) as tf:
        members = {m.name.split("/", 1)[1] for m in tf.getmembers() if "/" in m.name}
    for name in (*SDIST_FILES, *(f"src/{n}" for n in expected)):
        if name not in members:
            problems.append(f"{sdist.name}: missing {name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, required=True)
    parser.add_argument("--sdist", type=Path, required=True)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    problems = check(args.wheel, args.sdist, args.root)
    for problem in problems:
        print(f"release check: {problem}")
    if not problems:
        data = [n for n in package_files(args.root) if n.startswith(f"{PACKAGE}/data/")]
        print(f"release check: wheel and sdist hold every package file ({len(data)} data files)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
