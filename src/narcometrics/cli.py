"""The ``narcometrics`` command.

``narcometrics report`` prints a programme's headline results for a year, computed from
record files (or the bundled synthetic Peru 2017 example), with every estimate traced to
its factor set and sources. Bad input exits with status 2 and one line per problem.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from narcometrics._version import __version__
from narcometrics.errors import ValidationError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``narcometrics`` command."""
    parser = argparse.ArgumentParser(
        prog="narcometrics",
        description=(
            "Indicator models for counter-narcotics cooperation programmes: "
            "headline results computed from records, with cited estimates."
        ),
    )
    parser.add_argument("--version", action="version", version=f"narcometrics {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    report = commands.add_parser(
        "report",
        help="headline results for a year (bundled synthetic Peru 2017 example by default)",
        description=(
            "Headline results for one year: operations, eradication and avoided production "
            "(the flat 'up to' figure and an adjusted estimate with its range), seizures by "
            "substance, training with its interval, and change against earlier years."
        ),
    )
    report.add_argument(
        "--data",
        nargs="+",
        metavar="PATH",
        help=(
            "record files (.csv, .json, .parquet) or folders of them; the record type of "
            "each file is told from its columns. Default: the bundled synthetic example."
        ),
    )
    report.add_argument("--year", type=int, help="the year to report (default: the latest)")
    report.add_argument(
        "--factors",
        metavar="ID",
        help="factor set id for avoided production (default: the bundled set for the year)",
    )
    report.add_argument(
        "--format", choices=("text", "json", "csv"), default="text", help="output format"
    )
    return parser


class _Problems(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _load(paths: Sequence[str] | None) -> Any:
    from narcometrics.datasets import peru_2017_example, peru_national_series
    from narcometrics.io import read_files
    from narcometrics.io._files import escape_name
    from narcometrics.report import ReportData
    from narcometrics.tables import concat

    series = peru_national_series()
    if not paths:
        example = peru_2017_example()
        return ReportData(
            operations=example.operations,
            seizures=example.seizures,
            eradications=example.eradications,
            training=example.training,
            label="bundled example, Peru 2017 (synthetic records; totals as published)",
            synthetic=True,
            national_series=series,
        )
    from narcometrics.records import Eradication, Operation, Seizure, TrainingOutcome

    names = {
        Operation: "operations",
        Seizure: "seizures",
        Eradication: "eradications",
        TrainingOutcome: "training",
    }
    tables: dict[str, list[Any]] = {name: [] for name in names.values()}
    held: frozenset[str] | None = None  # the operation count columns every operations file has
    # Each file is read once (a file reached twice, e.g. a folder and a file in it, too);
    # records repeated across files are refused when the tables are concatenated.
    for found in read_files(paths):
        tables[names[found.kind]].append(found.table)
        if found.kind is Operation:
            held = found.columns if held is None else held & found.columns
    label = ", ".join(escape_name(path) for path in paths)
    return ReportData(
        label=label,
        national_series=series,
        reported_counts=held,
        **{name: concat(found) for name, found in tables.items() if found},
    )


def _report(args: argparse.Namespace) -> int:
    from narcometrics.report import build_report, render

    try:
        data = _load(args.data)
        report = build_report(data, year=args.year, factors=args.factors)
    except ValidationError as error:
        for problem in error.problems:
            print(f"narcometrics: error: {problem}", file=sys.stderr)
        if error.truncated:
            print(
                f"narcometrics: error: ... more problems not shown (stopped after "
                f"{len(error.problems)})",
                file=sys.stderr,
            )
        for line in getattr(error, "summary", ()):
            print(f"narcometrics: {line}", file=sys.stderr)
        return 2
    except _Problems as problems:
        for line in problems.lines:
            print(f"narcometrics: error: {line}", file=sys.stderr)
        return 2
    sys.stdout.write(render(report, args.format))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "report":
        return _report(args)
    parser.print_help(sys.stdout)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
