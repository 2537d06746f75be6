"""narcometrics.dask on a distributed.LocalCluster: worker processes, a Client, errors."""

from __future__ import annotations

from collections.abc import Iterator

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from narcometrics import SeizureTable, ValidationError
from narcometrics import dask as nd
from narcometrics.aggregate import total
from narcometrics.estimate import avoided_production_adjusted

distributed = pytest.importorskip("distributed")


#: The cluster options of these tests: the dashboard on a free port (":0"), never 8787.
DASHBOARD = ":0"


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    """One worker process with two threads, started and closed here (the dashboard on a free
    port: no test depends on a fixed port such as 8787)."""
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=2,
            processes=True,
            dashboard_address=DASHBOARD,
            timeout="60s",
        ) as cluster,
        distributed.Client(cluster, timeout="60s") as connected,
    ):
        yield connected


def frame(rows: int, seed: int) -> pd.DataFrame:
    """Seeded synthetic seizures (made-up values)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "date": (np.datetime64("2015-01-01", "D") + rng.integers(0, 2000, rows)).astype(
                "datetime64[s]"
            ),
            "country": rng.choice(["BOL", "PER"], rows),
            "substance": rng.choice(["cocaine_hcl", "coca_paste", "crack"], rows),
            "mass_kg": rng.lognormal(1.0, 1.5, rows),
            "region": rng.choice(np.array(["Cusco", "Puno", None], dtype=object), rows),
        }
    )


def test_a_client_gives_the_in_memory_totals_and_estimates(client: distributed.Client) -> None:
    data = frame(20_000, 1)
    by = ("year", "region", "substance")
    got = nd.total(
        dd.from_pandas(data, npartitions=7), SeizureTable, "mass_kg", by=by, scheduler=client
    )
    expected = total(SeizureTable.from_frame(data), "mass_kg", by=by)
    assert got.keys() == expected.keys()
    np.testing.assert_array_equal(got.counts, expected.counts)
    np.testing.assert_allclose(got.values, expected.values, rtol=1e-12, atol=0)

    area = np.random.default_rng(2).uniform(0.0, 500.0, 1_000)
    lazy = nd.estimate_map(
        avoided_production_adjusted,
        da.from_array(area, chunks=300),
        "pe-gov-2022",
        draws=50,
        seed=3,
    )
    got_estimate = lazy.compute(scheduler=client)
    expected_estimate = avoided_production_adjusted(area, "pe-gov-2022", draws=50, seed=3)
    assert got_estimate.provenance == expected_estimate.provenance
    np.testing.assert_allclose(got_estimate.high, expected_estimate.high, rtol=1e-12, atol=0)
    np.testing.assert_allclose(
        got_estimate.percentiles[95.0], expected_estimate.percentiles[95.0], rtol=1e-12, atol=0
    )


def test_a_bad_row_on_a_worker_reaches_the_caller_as_a_validation_error(
    client: distributed.Client,
) -> None:
    data = frame(40, 4)
    data.loc[27, "mass_kg"] = -1.0
    ddf = dd.from_pandas(data, npartitions=1).repartition(divisions=[0, 10, 20, 30, 39])
    with pytest.raises(ValidationError) as caught:
        nd.total(ddf, SeizureTable, "count", scheduler=client)
    assert type(caught.value) is ValidationError
    assert str(caught.value) == "partition 2, row 7 (index 27): mass_kg: must be > 0 (-1.0)"


def test_the_cluster_starts_when_port_8787_is_taken() -> None:
    """Another program on the default dashboard port must not break these tests."""
    import socket
    import warnings

    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        try:
            holder.bind(("127.0.0.1", 8787))
            holder.listen()
        except OSError:
            pass  # already taken by someone else: the same situation
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with distributed.LocalCluster(
                n_workers=1,
                threads_per_worker=1,
                processes=False,
                dashboard_address=DASHBOARD,
                timeout="60s",
            ) as cluster:
                assert cluster.scheduler is not None
    finally:
        holder.close()
