"""Shared test configuration.

Hypothesis profiles: ``ci`` (derandomized, no deadline: a landing never depends on luck;
selected by ``.ci/run`` through ``HYPOTHESIS_PROFILE=ci``), ``dev`` (the default, random
exploration) and ``thorough`` (many more examples, for exploring locally).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=100,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run everything that starts a Dask cluster in one pytest-xdist worker, one at a time:
    two clusters started at once in two worker processes stop each other's workers."""
    for item in items:
        if "dask" in item.nodeid or "scale-out" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("dask"))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move everything alive after collection (modules, test parameters) out of the garbage
    collector's sight: later collections then scan only what the tests create. The doc
    examples call ``gc.collect()`` after each block, and a full collection over the ~1M
    objects of numpy, pandas, pyarrow, Dask and hypothesis took 30-60 ms each time."""
    import gc

    gc.collect()
    gc.freeze()
