"""Folds of files larger than memory into mergeable totals.

[`aggregate_csv`][narcometrics.stream.aggregate_csv] reads CSV files chunk by chunk with
[`narcometrics.io.iter_csv`][narcometrics.io.iter_csv] and folds each chunk into
[`narcometrics.aggregate.total`][narcometrics.aggregate.total] totals, merged as they come.
It lives here, above both, so that input and output never import a model.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import IO, Any

from narcometrics._renamed import record_type_keyword
from narcometrics.aggregate import Totals, merge, total
from narcometrics.io import iter_csv
from narcometrics.io._csv import DEFAULT_BLOCK_BYTES, DEFAULT_CHUNK_ROWS, Engine
from narcometrics.io._files import PathLike
from narcometrics.io._kinds import table_type

__all__ = ["aggregate_csv"]


@record_type_keyword
def aggregate_csv(
    sources: PathLike | IO[Any] | Sequence[PathLike | IO[Any]],
    record_type: type[Any],
    measure: str,
    by: str | Sequence[str] = (),
    *,
    engine: Engine = "auto",
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    progress: bool | None = None,
    encoding: str = "utf-8",
    sep: str = ",",
    decimal: str = ".",
    **total_options: Any,
) -> Totals:
    """Totals over one or more CSV files larger than memory, chunk by chunk.

    Each chunk is aggregated with [`narcometrics.aggregate.total`][narcometrics.aggregate.total]
    and the partials are merged ([`narcometrics.aggregate.merge`][narcometrics.aggregate.merge]),
    which gives the same groups and totals as
    [`narcometrics.aggregate.total`][narcometrics.aggregate.total] on all rows at once (counts
    exactly, float sums to rounding). Memory holds one chunk and the group totals.

    Parameters
    ----------
    sources : path, file object, or a sequence of them
    record_type : record or table class
    measure, by
        As for [`narcometrics.aggregate.total`][narcometrics.aggregate.total].
    engine, chunk_rows, block_bytes, progress, encoding, sep, decimal
        As for [`narcometrics.io.iter_csv`][narcometrics.io.iter_csv].
    **total_options
        Passed on to [`narcometrics.aggregate.total`][narcometrics.aggregate.total] (for example
        ``missing``).
    """
    if isinstance(sources, (str, os.PathLike)) or hasattr(sources, "read"):
        sources = [sources]  # type: ignore[list-item]
    parts: list[Totals] = []
    for source in sources:
        for chunk in iter_csv(
            source,
            record_type,
            engine=engine,
            chunk_rows=chunk_rows,
            block_bytes=block_bytes,
            progress=progress,
            encoding=encoding,
            sep=sep,
            decimal=decimal,
        ):
            parts.append(total(chunk, measure, by=by, **total_options))
            if len(parts) >= 64:
                parts = [merge(*parts)]
    if not parts:
        return total(table_type(record_type).from_records([]), measure, by=by, **total_options)
    return merge(*parts)
