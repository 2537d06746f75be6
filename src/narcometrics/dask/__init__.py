"""The same aggregation and estimation on Dask, for data larger than one machine.

[`total`][narcometrics.dask.total] aggregates a Dask dataframe, or CSV and Parquet files, with the
semantics of [`narcometrics.aggregate.total`][narcometrics.aggregate.total]: each partition becomes
a validated table and its mergeable [`total`][narcometrics.aggregate.total] totals, merged in a
tree, so only group labels, sums and counts reach the caller.
[`estimate_map`][narcometrics.dask.estimate_map] applies an estimation model of
[`narcometrics.estimate`][narcometrics.estimate] to Dask arrays or series block by block, with the
provenance of the in-memory model. Both run on any Dask scheduler: the local threads, a
``distributed.Client`` on a laptop (``LocalCluster``) or on a cluster.

Bad values raise [`ValidationError`][narcometrics.errors.ValidationError], each problem a
[`PartitionProblem`][narcometrics.dask.PartitionProblem] naming the partition (or block) and the row
in it.

Needs the ``dask`` extra: ``pip install "narcometrics[dask]"``.
"""

from __future__ import annotations

try:
    import dask
    import dask.array
    import dask.dataframe  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        'narcometrics.dask needs Dask: pip install "narcometrics[dask]" '
        f"(could not import {exc.name or 'dask'})"
    ) from exc

from narcometrics.dask._aggregate import delayed_total, total
from narcometrics.dask._errors import PartitionProblem
from narcometrics.dask._estimate import DaskEstimate, estimate_map

__all__ = ["DaskEstimate", "PartitionProblem", "delayed_total", "estimate_map", "total"]
