"""Benchmark: start-up time of ``import narcometrics`` and of ``narcometrics report``.

Issue 18 sets two targets, each a ratio measured in the same run on this machine:

- ``import narcometrics`` at most 1.3x ``import numpy, attrs`` (subpackages are imported on
  first use, PEP 562);
- ``narcometrics report`` on the bundled example at most 2x ``python -c "import numpy"``.

Each command runs in a fresh interpreter (the same Python as this script); the runs of a
pair alternate so that a busy machine slows both alike, and each time is the best of
--repeat runs (5 by default). Bytecode is cached (in a temporary folder, written by the
first, untimed, run), as for an installed package; ``--no-bytecode-cache`` measures the
compile-every-time case of a checkout run with PYTHONDONTWRITEBYTECODE=1. At full size a missed target gives exit status 1; the smoke
size (2 runs, for CI) only prints.

    uv run python benchmarks/startup.py            # best of 5, checks the targets
    uv run python benchmarks/startup.py --smoke    # best of 2, prints only (CI)

``--compare SRC`` also times the report of another source tree (``SRC`` holding the
``narcometrics`` package, e.g. ``git archive main src | tar -x -C /tmp/main``: ``/tmp/main/src``)
against this one and ``import numpy``, the three alternating in the same run, each through
the same ``python -c`` launcher: before and after a change, side by side (printed only).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORT_TARGET = 1.3
REPORT_TARGET = 2.0
#: What ``import narcometrics`` did in 0.1.0: every subpackage up front (for reference only).
EAGER = "import narcometrics, " + ", ".join(
    f"narcometrics.{name}"
    for name in (
        "aggregate", "datasets", "estimate", "factors", "indicators", "io", "rates",
        "serialize", "tables", "training", "units",
    )
)  # fmt: skip


def _command() -> list[str]:
    """The installed ``narcometrics`` command beside this Python, else ``python -m``."""
    script = Path(sys.executable).parent / "narcometrics"
    if script.exists():
        return [str(script)]
    found = shutil.which("narcometrics")
    return [found] if found else [sys.executable, "-m", "narcometrics"]


#: The environment of the timed commands: bytecode cached (in a folder of this run), as an
#: installed package has it; ``--no-bytecode-cache`` compiles every module on every run.
ENV = dict(os.environ)


def _time(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def best_pair(repeat: int, a: list[str], b: list[str]) -> tuple[float, float]:
    """Best wall time [s] of each command over ``repeat`` alternating runs."""
    _time(a), _time(b)  # warm the file cache once
    times_a, times_b = [], []
    for _ in range(repeat):
        times_a.append(_time(a))
        times_b.append(_time(b))
    return min(times_a), min(times_b)


#: The report through ``python -c`` (the same launcher for both trees of ``--compare``).
REPORT = "import sys; from narcometrics.cli import main; sys.exit(main(['report']))"


def compare(repeat: int, other: str) -> None:
    """Print the report's time with the package of ``other`` and with this one."""
    python = sys.executable
    here = dict(ENV)
    there = dict(ENV, PYTHONPATH=os.pathsep.join(filter(None, [other, ENV.get("PYTHONPATH")])))
    runs = {
        f"report ({other})": ([python, "-c", REPORT], there),
        "report (this tree)": ([python, "-c", REPORT], here),
        "import numpy": ([python, "-c", "import numpy"], here),
    }
    found = subprocess.run(
        [python, "-c", "import narcometrics; print(narcometrics.__file__)"],
        env=there,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not found.startswith(os.path.abspath(other)):
        raise SystemExit(f"--compare: {other} does not hold the narcometrics package ({found})")
    best = dict.fromkeys(runs, float("inf"))
    for argv, env in runs.values():  # warm the file cache and write the bytecode once
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    for _ in range(repeat):
        for name, (argv, env) in runs.items():
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
            best[name] = min(best[name], time.perf_counter() - start)
    base = best["import numpy"]
    print(f"side by side, best of {repeat} alternating runs:")
    for name, t in best.items():
        print(f"  {name:<40}{t * 1000:>7.0f} ms{t / base:>7.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="2 runs each; print only")
    parser.add_argument("--repeat", type=int, default=None, help="runs per command")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="compile every module on every run (as with PYTHONDONTWRITEBYTECODE=1)",
    )
    parser.add_argument(
        "--compare",
        metavar="SRC",
        help="also time the report of the package in SRC (e.g. main's src folder), side by side",
    )
    args = parser.parse_args()
    cache = tempfile.TemporaryDirectory(prefix="startup-pycache-")
    if args.no_bytecode_cache:
        ENV["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        # An installed package has its bytecode compiled; a checkout run with
        # PYTHONDONTWRITEBYTECODE=1 would compile numpy and every module on each run.
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = cache.name
    repeat = args.repeat or (2 if args.smoke else 5)
    python = sys.executable
    rows = [
        (
            "import narcometrics",
            "import numpy, attrs",
            best_pair(
                repeat,
                [python, "-c", "import narcometrics"],
                [python, "-c", "import numpy, attrs"],
            ),
            IMPORT_TARGET,
        ),
        (
            "narcometrics report",
            'python -c "import numpy"',
            best_pair(repeat, [*_command(), "report"], [python, "-c", "import numpy"]),
            REPORT_TARGET,
        ),
    ]
    eager, _ = best_pair(repeat, [python, "-c", EAGER], [python, "-c", "pass"])
    how = "compiled every run" if args.no_bytecode_cache else "bytecode cached"
    print(f"best of {repeat} runs, each in a fresh interpreter ({python}; {how})")
    print(f"{'command':<22}{'time':>9}   {'baseline':<26}{'time':>9}{'ratio':>8}{'target':>8}")
    ok = True
    for name, base_name, (t, base), target in rows:
        ratio = t / base
        met = ratio <= target
        ok &= met
        mark = "" if met else "  MISSED"
        print(
            f"{name:<22}{t * 1000:>7.0f} ms   {base_name:<26}{base * 1000:>7.0f} ms"
            f"{ratio:>7.2f}x{target:>7.1f}x{mark}"
        )
    base = rows[0][2][1]
    print(
        f"{'(0.1.0: every module)':<22}{eager * 1000:>7.0f} ms   {rows[0][1]:<26}"
        f"{base * 1000:>7.0f} ms{eager / base:>7.2f}x  (reference: the eager import of 0.1.0)"
    )
    if args.compare:
        compare(repeat, args.compare)
    cache.cleanup()
    if args.smoke:
        return 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
