"""The installed version, read once from the package metadata (the one version string is in
``pyproject.toml``). Lives in its own module so that any module can import it without
importing the package's public face.

The metadata file is found the way ``importlib.metadata`` finds it (the first
``narcometrics-*.dist-info`` along ``sys.path``) without importing ``importlib.metadata``,
which takes about 50 ms at start-up; anything else falls back to it.
"""

import os
import sys


def _from_dist_info() -> str | None:
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            if not (name.startswith("narcometrics-") and name.endswith(".dist-info")):
                continue
            try:
                with open(os.path.join(entry or ".", name, "METADATA"), encoding="utf-8") as fh:
                    for line in fh:
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
                        if not line.strip():
                            break
            except OSError:
                pass
            return None
    return None


def _installed() -> str:
    found = _from_dist_info()
    if found is not None:
        return found
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("narcometrics")
    except PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "0+unknown"


__version__: str = _installed()
