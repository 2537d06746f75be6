"""The ``narcometrics`` command.

``narcometrics report`` prints a programme's headline results for a year, computed from
record files (or the bundled synthetic Peru 2017 example), with every estimate traced to
its factor set and sources. Bad input exits with status 2 and one line per problem.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

# Imported here, at the top of the command's module, not first deep inside the command
# (every command needs numpy: the parser lists the factor sets; the report's tables hold
# masked arrays). CPython 3.11 allocates and frees a chunk of its frame stack on each call
# that crosses a chunk boundary (python/cpython#142183, fixed in 3.13): imported from deep
# inside `main`, numpy's and numpy.ma's typing-heavy modules ran their calls on such a
# boundary, and `narcometrics report` made 1,426 mmap and 1,262 munmap calls instead of 185
# and 21, and took 209 ms instead of 153 ms (best of 11, beside 77 ms for `import numpy`).
import numpy
import numpy.ma  # noqa: F401

from narcometrics._version import __version__
from narcometrics.errors import ValidationError

__all__ = ["build_parser", "main"]


def _year(text: str) -> int:
    """A year in plain ASCII digits (``int()`` would also take ``２０１７`` or ``2_017``)."""
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        raise argparse.ArgumentTypeError(f"a year is four ASCII digits, not {text!r}")
    return int(text)


def _columns() -> int:
    """The terminal's width in columns, as `shutil.get_terminal_size` finds it (``COLUMNS``,
    else the terminal of standard output, else 80)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help formatter, told the width: argparse builds one for every argument it
    adds and asks `shutil` for the width, and importing `shutil` (with the compression
    modules) cost the command about 2.5 ms at start-up."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``narcometrics`` command."""
    from narcometrics.factors import flat_sets

    parser = argparse.ArgumentParser(
        prog="narcometrics",
        formatter_class=_HelpFormatter,
        description=(
            "Indicator models for counter-narcotics cooperation programmes: "
            "headline results computed from records, with cited estimates."
        ),
    )
    parser.add_argument("--version", action="version", version=f"narcometrics {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_cite_and_replay(commands)
    report = commands.add_parser(
        "report",
        formatter_class=_HelpFormatter,
        help="headline results for a year (bundled synthetic Peru 2017 example by default)",
        description=(
            "Headline results for one year, one section per country: operations, eradication "
            "and avoided production (the flat 'up to' figure and an adjusted estimate with its "
            "range), seizures by substance, change against the country's published national "
            "series, and training with its interval. Each figure is marked published, "
            "synthetic or data."
        ),
    )
    report.add_argument(
        "--data",
        nargs="+",
        metavar="PATH",
        help=(
            "record files (.csv, .json, .parquet, .xlsx) or folders of them; the record type of "
            "each file is told from its columns. Default: the bundled synthetic example."
        ),
    )
    report.add_argument(
        "--columns",
        metavar="FILE",
        help=(
            "a JSON object mapping the headers of the --data files to field names, e.g. "
            '{"Fecha": "date", "Peso (g)": "mass_g"}; substance and country names (PBC, '
            "Perú) are then mapped too (.csv and .xlsx files)"
        ),
    )
    report.add_argument(
        "--errors",
        choices=("raise", "collect"),
        default="raise",
        help=(
            "raise: any bad row is an error (exit 2, one line per problem); collect: report "
            "on the valid rows, leaving out the others, with a summary of their problems on "
            "standard error (default: raise)"
        ),
    )
    report.add_argument("--year", type=_year, help="the year to report (default: the latest)")
    report.add_argument(
        "--country",
        metavar="ISO3",
        help=(
            "report this country only (ISO 3166-1 alpha-3, e.g. PER); default: one "
            "section per country in the data, never summed across countries"
        ),
    )
    report.add_argument(
        "--factors",
        metavar="ID",
        help=(
            f"flat factor set for avoided production, one of: {', '.join(flat_sets())}; "
            "used only for its own country (default: the bundled set for each country "
            "and year)"
        ),
    )
    report.add_argument(
        "--format",
        choices=("text", "json", "csv", "html"),
        default="text",
        help="output format; html is one self-contained page with charts (default: text)",
    )
    report.add_argument(
        "--output",
        metavar="FILE",
        help=(
            "write the report to FILE (replaced all at once, never half written) instead of "
            "standard output"
        ),
    )
    return parser


class _Problems(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _load(paths: Sequence[str] | None, columns: str | None = None, errors: str = "raise") -> Any:
    from narcometrics.datasets import COUNTRIES, national_series, peru_2017_example
    from narcometrics.report import ReportData

    # every bundled national series: the report compares each with its own country only
    series = {code: national_series(code) for code in COUNTRIES}
    if not paths:
        return ReportData.from_example(
            peru_2017_example(),
            label="bundled example, Peru 2017 (synthetic records; published totals marked)",
            national_series=series,
        )
    # the readers of files of any kind, imported only when files are given
    from narcometrics.io import read_files
    from narcometrics.io._files import escape_name
    from narcometrics.records import Eradication, Operation, Seizure, TrainingOutcome
    from narcometrics.tables import concat

    names = {
        Operation: "operations",
        Seizure: "seizures",
        Eradication: "eradications",
        TrainingOutcome: "training",
    }
    tables: dict[str, list[Any]] = {name: [] for name in names.values()}
    held: frozenset[str] | None = None  # the operation count columns every operations file has
    if columns is not None and errors == "collect":
        raise _Problems(["--errors collect cannot be used with --columns"])
    reader = None if columns is None else _mapped_reader(columns)
    # Each file is read once (a file reached twice, e.g. a folder and a file in it, too);
    # records repeated across files are refused when the tables are concatenated.
    found_files = read_files(
        paths, reader=reader, errors="collect" if errors == "collect" else "raise"
    )
    for found in found_files:
        tables[names[found.record_type]].append(found.table)
        if found.record_type is Operation:
            held = found.columns if held is None else held & found.columns
    label = ", ".join(escape_name(path) for path in paths)
    left_out = _left_out(found_files)
    if left_out:
        label += f" ({left_out:,} rows with problems left out: see the summary on standard error)"
    return ReportData(
        label=label,
        national_series=series,
        reported_counts=held,
        **{name: concat(found) for name, found in tables.items() if found},
    )


def _left_out(files: Sequence[Any]) -> int:
    """Print the rows each file left out and a summary of their problems (standard error);
    the number of rows left out in all."""
    from narcometrics.io import FileProblems

    every = FileProblems()
    for found in files:
        if found.left_out:
            print(
                f"narcometrics: warning: {found.path}: {found.left_out:,} of {found.rows:,} rows "
                f"left out ({len(found.problems):,} problems)",
                file=sys.stderr,
            )
        every += found.problems
    for line in every.summary():
        print(f"narcometrics: {line}", file=sys.stderr)
    return sum(found.left_out for found in files)


def _mapped_reader(columns: str) -> Any:
    """A reader of one file through the column mapping in ``columns`` (a JSON file) that maps
    substance and country names too and notes every change on standard error."""
    from narcometrics import normalise
    from narcometrics.io import FileTable

    try:
        mapping = normalise.read_columns(columns)
    except ValidationError as error:
        raise _Problems([str(p) for p in error.problems]) from None

    def read(source: str, name: str) -> FileTable:
        record_type = normalise.detect_record_type(source, mapping)
        found = normalise.read(
            source, record_type, columns=mapping, names=("substances", "countries")
        )
        for change in found.changes:  # the user can check every mapping applied
            print(f"narcometrics: note: {name}: {change}", file=sys.stderr)
        present = frozenset(normalise.mapped_columns(source, mapping))
        return FileTable(path=name, record_type=record_type, table=found.table, columns=present)

    return read


def _report(args: argparse.Namespace) -> int:
    from narcometrics.report import build_report, render

    try:
        data = _load(args.data, args.columns, args.errors)
        report = build_report(data, year=args.year, country=args.country, factors=args.factors)
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
    return _write(render(report, args.format), args.output)


def _write(text: str, output: str | None) -> int:
    """``text`` to standard output, or to the file ``output`` all at once (status 2 if not)."""
    if output is None:
        sys.stdout.write(text)
        return 0
    from narcometrics.io._files import atomic_writer

    try:
        with atomic_writer(output, newline="\n") as fh:
            fh.write(text)
    except ValidationError as error:
        for problem in error.problems:
            print(f"narcometrics: error: {problem}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"narcometrics: error: --output: {error.strerror or error}", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "report":
        return _report(args)
    if args.command in ("cite", "replay"):
        return _cite(args) if args.command == "cite" else _replay(args)
    parser.print_help(sys.stdout)
    return 0


def run() -> NoReturn:
    """The ``narcometrics`` command (and ``python -m narcometrics``): `main`, then exit.

    The objects alive before and after the command are moved out of the cyclic garbage
    collector's sight (`gc.freeze`): its scans during the run and the full collection at
    interpreter exit then skip them, which takes about a tenth of a short command's
    time. Only the command-line process does this; `main` called from Python does not.
    """
    import gc

    gc.freeze()
    status = main()
    gc.freeze()
    sys.exit(status)


def _add_cite_and_replay(commands: Any) -> None:
    cite = commands.add_parser(
        "cite",
        formatter_class=_HelpFormatter,
        help="the citation of this release (BibTeX, CSL-JSON or text)",
        description="Print the citation of the installed narcometrics release, from its "
        "CITATION.cff, for a reference manager (BibTeX, CSL-JSON) or a text.",
    )
    cite.add_argument(
        "--format",
        choices=("text", "bibtex", "csl-json"),
        default="text",
        help="output format (default: text)",
    )
    replay = commands.add_parser(
        "replay",
        formatter_class=_HelpFormatter,
        help="recompute the estimates of a provenance record or a report's JSON",
        description="Recompute every estimate in a provenance record (or in the JSON of "
        "'narcometrics report --format json') with the installed release and compare: the "
        "same numbers bit for bit, or what differs (factor sets, versions) and by how much. "
        "Exit status 0 when every number is reproduced, 1 when one differs or cannot be "
        "recomputed, 2 on a file that cannot be read.",
    )
    replay.add_argument("record", metavar="FILE", help="provenance record or report JSON")
    replay.add_argument(
        "--factors",
        nargs="+",
        metavar="PATH",
        help="factor set files to use instead of the recorded sets of the same id",
    )


def _cite(args: argparse.Namespace) -> int:
    from narcometrics.citation import cite

    sys.stdout.write(cite(args.format))
    return 0


def _replay(args: argparse.Namespace) -> int:
    from narcometrics.factors import load
    from narcometrics.provenance import replay

    try:
        sets = {fs.id: fs for fs in (load(path) for path in args.factors or ())}
        results = replay(args.record, factors=sets)
    except ValidationError as error:
        for problem in error.problems:
            print(f"narcometrics: error: {problem}", file=sys.stderr)
        return 2
    for result in results:
        print(result)
    return 0 if all(r.same for r in results) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
