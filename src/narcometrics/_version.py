"""The installed version, read once from the package metadata (the one version string is in
``pyproject.toml``). Lives in its own module so that any module can import it without
importing the package's public face."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__: str = version("narcometrics")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"
