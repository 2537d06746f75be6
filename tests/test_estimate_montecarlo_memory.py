"""Monte Carlo in bounded memory: the same numbers, bit for bit, without keeping every draw.

The reference is the in-memory path (every draw kept, then ``numpy.mean`` and
``numpy.percentile``), forced by raising the size above which draws are not kept.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narcometrics.errors import ValidationError
from narcometrics.estimate import (
    Estimate,
    Uncertain,
    _montecarlo,
    avoided_production,
    avoided_production_adjusted,
)


def _identical(a: Estimate, b: Estimate) -> None:
    assert a.percentiles is not None
    assert b.percentiles is not None
    assert np.array_equal(np.asarray(a.mean), np.asarray(b.mean))
    assert list(a.percentiles) == list(b.percentiles)
    for q in a.percentiles:
        got, want = np.asarray(b.percentiles[q]), np.asarray(a.percentiles[q])
        assert got.shape == want.shape
        assert np.array_equal(got.view(np.uint64), want.view(np.uint64)), q
    assert a == b


def _both(
    monkeypatch: pytest.MonkeyPatch, run: Callable[[], Estimate], chunk: int, work: int
) -> tuple[Estimate, Estimate]:
    with monkeypatch.context() as patch:
        patch.setattr(_montecarlo, "FULL_BYTES", 1 << 60)
        kept = run()
    with monkeypatch.context() as patch:
        patch.setattr(_montecarlo, "FULL_BYTES", 0)
        patch.setattr(_montecarlo, "STREAM_ELEMENTS", chunk)
        patch.setattr(_montecarlo, "WORK_BYTES", work)
        streamed = run()
    return kept, streamed


@pytest.mark.parametrize(
    ("draws", "regions", "percentiles", "chunk", "work"),
    [
        (1_000, 50, (5.0, 50.0, 95.0), 997, 96 << 20),
        (3_001, 7, (0.0, 100.0, 33.3, 50.0), 200, 96 << 20),
        (20_000, 3, (2.5, 97.5), 1 << 20, 96 << 20),
        (777, 130, (50.0,), 130, 96 << 20),
        (5_000, 1, (1.0, 99.0), 300, 96 << 20),
        (2_500, 20, (5.0, 50.0, 95.0), 512, 0),  # every bin too full: the draws' own range
        (9, 4, (5.0, 50.0, 95.0), 1, 96 << 20),  # fewer draws than a pairwise block
    ],
)
def test_bounded_memory_percentiles_and_mean_equal_the_in_memory_ones_bit_for_bit(
    monkeypatch: pytest.MonkeyPatch,
    draws: int,
    regions: int,
    percentiles: Sequence[float],
    chunk: int,
    work: int,
) -> None:
    area = np.random.default_rng(regions).uniform(10.0, 500.0, regions)

    def run() -> Estimate:
        return avoided_production_adjusted(
            area, "pe-gov-2022", draws=draws, seed=7, percentiles=percentiles
        )

    _identical(*_both(monkeypatch, run, chunk, work))


@pytest.mark.parametrize("zone_axis", [None, 0, 1, -1])
def test_bounded_memory_equals_in_memory_over_zones_and_grids(
    monkeypatch: pytest.MonkeyPatch, zone_axis: int | None
) -> None:
    area = np.random.default_rng(1).uniform(0.0, 90.0, (6, 5))
    area[2, 3] = 0.0  # a region whose draws are all zero: one value in one bin

    def run() -> Estimate:
        return avoided_production_adjusted(
            area, "pe-gov-2022", zone_axis=zone_axis, draws=2_345, seed=np.random.default_rng(3)
        )

    _identical(*_both(monkeypatch, run, 400, 96 << 20))


def test_bounded_memory_equals_in_memory_for_a_scalar_and_a_degenerate_range(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def run() -> Estimate:
        return avoided_production_adjusted(
            123.4,
            "pe-gov-2022",
            yield_kg_per_ha=Uncertain(2000.0, 2000.0, 2000.0),
            licit_share=0.0,
            harvested_share=0.25,
            draws=4_000,
            seed=11,
        )

    _identical(*_both(monkeypatch, run, 256, 96 << 20))


@settings(max_examples=25, deadline=None)
@given(
    draws=st.integers(1, 3_000),
    regions=st.integers(1, 12),
    chunk=st.integers(1, 5_000),
    q=st.lists(st.floats(0.0, 100.0), min_size=1, max_size=4),
)
def test_bounded_memory_results_do_not_depend_on_the_chunk_size(
    draws: int, regions: int, chunk: int, q: list[float]
) -> None:
    area = np.linspace(1.0, 300.0, regions)

    def run() -> Estimate:
        return avoided_production_adjusted(
            area, "pe-gov-2022", draws=draws, seed=draws, percentiles=q
        )

    with pytest.MonkeyPatch.context() as patch:
        _identical(*_both(patch, run, chunk, 96 << 20))


def _peak(draws: int, area: np.ndarray) -> int:
    tracemalloc.start()
    try:
        avoided_production_adjusted(area, "pe-gov-2022", draws=draws, seed=1)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_bounded_memory_does_not_grow_with_the_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    area = np.random.default_rng(5).uniform(10.0, 500.0, 200)
    monkeypatch.setattr(_montecarlo, "FULL_BYTES", 1 << 20)
    monkeypatch.setattr(_montecarlo, "STREAM_ELEMENTS", 1 << 16)
    small, large = _peak(10_000, area), _peak(80_000, area)
    assert large < 80_000 * 200 * 8 / 10  # every draw kept would take 128 MB
    assert large < 1.5 * small


def test_draws_that_would_not_fit_are_refused_with_the_memory_they_need_before_allocating() -> None:
    start = time.perf_counter()
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match=r"draws.*need about [\d,.]+ [TP]iB of memory"):
            avoided_production_adjusted(np.ones(1_000), "pe-gov-2022", draws=10**13, seed=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 << 20
    assert time.perf_counter() - start < 10


def test_a_scalar_with_too_many_draws_is_refused_too() -> None:
    with pytest.raises(ValidationError, match="memory"):
        avoided_production(1.0, "pe-gov-2022", draws=10**15, seed=1)
