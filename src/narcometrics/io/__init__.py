"""Reading and writing records: CSV, JSON and Parquet, with row-level errors.

Column names are the record field names (see the "File formats" reference page). Every
reader returns a table ([`narcometrics.tables`][narcometrics.tables]) and raises one
[`ValidationError`][narcometrics.errors.ValidationError] listing every bad cell as
``path:row:column: field: problem (value)`` (up to
`MAX_PROBLEMS`); nothing is dropped or coerced silently. Every
writer writes to a temporary file and renames it, so an error never leaves a half-written
output. CSV output escapes text a spreadsheet would run as a formula. No pickle, no eval.

Files larger than memory stream in chunks: [`iter_csv`][narcometrics.io.iter_csv] yields tables and
[`narcometrics.stream.aggregate_csv`][narcometrics.stream.aggregate_csv] folds them into
mergeable partial totals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from narcometrics._lazy import reexport

if TYPE_CHECKING:  # what type checkers and the docs see; imported on first use
    from narcometrics.io._collect import Collected, FileProblems
    from narcometrics.io._deprecated import aggregate_csv
    from narcometrics.io._files import escape_cell, unescape_cell
    from narcometrics.io._kinds import LIST_SEPARATOR
    from narcometrics.io._many import (
        FileTable,
        column_names,
        detect_kind,
        detect_record_type,
        read_files,
    )
    from narcometrics.io._readers import (
        AUTO_PYARROW_BYTES,
        AUTO_PYARROW_COLD_BYTES,
        iter_csv,
        read,
        read_csv,
        read_json,
        read_parquet,
        write,
        write_csv,
        write_json,
        write_parquet,
    )
    from narcometrics.io._xlsx import read_xlsx, write_xlsx
else:
    __getattr__, __dir__ = reexport(
        __name__,
        {
            "narcometrics.io._collect": ("Collected", "FileProblems"),
            "narcometrics.io._deprecated": ("aggregate_csv",),
            "narcometrics.io._files": ("escape_cell", "unescape_cell"),
            "narcometrics.io._kinds": ("LIST_SEPARATOR",),
            "narcometrics.io._many": (
                "FileTable",
                "column_names",
                "detect_kind",
                "detect_record_type",
                "read_files",
            ),
            "narcometrics.io._readers": (
                "AUTO_PYARROW_BYTES",
                "AUTO_PYARROW_COLD_BYTES",
                "iter_csv",
                "read",
                "read_csv",
                "read_json",
                "read_parquet",
                "write",
                "write_csv",
                "write_json",
                "write_parquet",
            ),
            "narcometrics.io._xlsx": ("read_xlsx", "write_xlsx"),
        },
    )

__all__ = [
    "AUTO_PYARROW_BYTES",
    "AUTO_PYARROW_COLD_BYTES",
    "LIST_SEPARATOR",
    "Collected",
    "FileProblems",
    "FileTable",
    "aggregate_csv",
    "column_names",
    "detect_kind",
    "detect_record_type",
    "escape_cell",
    "iter_csv",
    "read",
    "read_csv",
    "read_files",
    "read_json",
    "read_parquet",
    "read_xlsx",
    "unescape_cell",
    "write",
    "write_csv",
    "write_json",
    "write_parquet",
    "write_xlsx",
]
