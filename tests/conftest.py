"""Shared test configuration.

Hypothesis profiles: ``ci`` (derandomized, no deadline: a landing never depends on luck;
selected by ``.ci/run`` through ``HYPOTHESIS_PROFILE=ci``), ``dev`` (the default, random
exploration) and ``thorough`` (many more examples, for exploring locally).
"""

from __future__ import annotations

import os

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
