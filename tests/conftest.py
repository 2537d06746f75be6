"""Shared test configuration.

Hypothesis profiles: ``ci`` (derandomized, no deadline: a landing never depends on luck;
selected by ``.ci/run`` through ``HYPOTHESIS_PROFILE=ci``), ``dev`` (the default, random
exploration) and ``thorough`` (many more examples, for exploring locally).
"""

from __future__ import annotations

import os
from collections.abc import Generator

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


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> Generator[None, None, None]:
    """Run everything that starts a Dask cluster in one pytest-xdist worker, one at a time:
    two clusters started at once in two worker processes stop each other's workers (and the
    module's cluster fixture is then started once per worker).

    pytest-xdist groups the tests of an ``xdist_group`` under ``--dist loadgroup`` by a
    ``@group`` suffix that its own hook of this name adds to each node id. That hook runs
    before the marks are added unless this one wraps it, and pytest-xdist 3.8 sets the
    suffix on an attribute that pytest 9 no longer reads (pytest-dev/pytest-xdist#1386,
    fixed the same way by the open pytest-dev/pytest-xdist#1388); so the marks are added
    before every other implementation and the suffix is set after them where it is
    missing. Once pytest-xdist sets it, this does nothing."""
    for item in items:
        if "dask" in item.nodeid or "scale-out" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("dask"))
    result = yield
    if getattr(config.option, "loadgroup", False):  # a pytest-xdist worker, --dist loadgroup
        for item in items:
            names = sorted({str(m.args[0]) for m in item.iter_markers("xdist_group")})
            suffix = "@" + "_".join(names)
            if names and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
                item._id = type(item._id).parse(item.nodeid + suffix)
    return result


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move everything alive after collection (modules, test parameters) out of the garbage
    collector's sight: later collections then scan only what the tests create. The doc
    examples call ``gc.collect()`` after each block, and a full collection over the ~1M
    objects of numpy, pandas, pyarrow, Dask and hypothesis took 30-60 ms each time."""
    import gc

    gc.collect()
    gc.freeze()
