"""The ``narcometrics`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from narcometrics import __version__

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
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stdout)
        return 0
    return 0  # pragma: no cover - every sub-command returns from its own handler


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
