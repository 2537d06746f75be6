"""Start-up: what the report path imports lazily gives the same values as before."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest
from scipy import special

from narcometrics import _version
from narcometrics.training import _intervals


def test_the_version_read_without_importlib_metadata_is_the_installed_one() -> None:
    assert _version.__version__ == importlib.metadata.version("narcometrics")
    assert _version._from_dist_info() == importlib.metadata.version("narcometrics")


@pytest.mark.parametrize("tail", sorted(_intervals.NORMAL_QUANTILES))
def test_the_stored_normal_quantiles_are_scipys_bit_for_bit(tail: float) -> None:
    assert _intervals.NORMAL_QUANTILES[tail] == float(-special.ndtri(tail))
    assert _intervals.normal_quantile(tail) == float(-special.ndtri(tail))


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.97, 0.5])
def test_every_confidence_gives_scipys_normal_quantile(confidence: float) -> None:
    tail = (1.0 - confidence) / 2.0
    assert _intervals.normal_quantile(tail) == float(-special.ndtri(tail))


def test_the_report_on_the_bundled_example_imports_no_scipy_importlib_metadata_or_cattrs() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from narcometrics.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['report'])\n"
        "print(sorted(m for m in ('scipy', 'importlib.metadata', 'cattrs') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "[]"
