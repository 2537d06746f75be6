"""The terminal sessions shown in the docs run, and print what the docs show.

Every ```console block of a docs page whose commands are ``narcometrics``, ``printf`` or
``echo $?`` is replayed in one temporary folder per page (so files written by ``printf``
serve later commands), and the lines after each ``$ `` line must equal what it prints
(standard output and standard error together; trailing spaces ignored). ``narcometrics``
commands run in this process through :func:`narcometrics.cli.main` (with ``| head -n N``
applied to the output), which keeps the test fast; the other commands run in bash. Console
blocks with other commands (installing, ``uv run``) are shown, not run.

After a deliberate change of output, rewrite the pages with what the commands print now:
``NARCOMETRICS_UPDATE_DOCS=1 uv run pytest tests/test_docs_cli.py`` (then read the diff).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

import narcometrics
from narcometrics.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RUNNABLE = ("narcometrics", "printf", "echo")
#: The library version the sample output on the pages shows; the output of the installed
#: version is compared with it, so a release does not have to rewrite every page.
SHOWN_VERSION = "0.1.0"

_BLOCK = re.compile(r"^```console\n(.*?)^```", re.M | re.S)

Session = list[tuple[str, list[str]]]


def _sessions() -> list[tuple[str, Session]]:
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        session: Session = []
        for block in _BLOCK.findall(page.read_text(encoding="utf-8")):
            steps: Session = []
            for line in block.splitlines():
                if line.startswith("$ "):
                    steps.append((line[2:], []))
                elif steps:
                    steps[-1][1].append(line)
            if steps and all(cmd.split()[0] in RUNNABLE for cmd, _ in steps):
                session.extend(steps)
        if session:
            found.append((str(page.relative_to(ROOT)), session))
    return found


def _normalise(lines: list[str]) -> list[str]:
    text = "\n".join(line.rstrip() for line in lines).rstrip("\n")
    return text.replace(narcometrics.__version__, SHOWN_VERSION).splitlines()


def _narcometrics(command: str) -> tuple[int, list[str]]:
    """Run a ``narcometrics ...`` command line in this process: (status, output lines)."""
    command, _, pipe = command.partition(" | ")
    argv = shlex.split(command)[1:]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            status = main(argv)
        except SystemExit as stop:  # argparse: --help, --version, bad options
            status = stop.code if isinstance(stop.code, int) else 1
    lines = out.getvalue().splitlines()
    if pipe:
        head = re.fullmatch(r"head -n (\d+)", pipe.strip())
        assert head, f"unsupported pipe: {pipe}"
        lines = lines[: int(head.group(1))]
    return status, lines


@pytest.mark.parametrize(("page", "session"), _sessions(), ids=[p for p, _ in _sessions()])
def test_console_session_in_docs_prints_what_the_page_shows(
    page: str, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps its help at the terminal width
    status = 0
    printed: list[list[str]] = []
    for command, expected in session:
        if command == "echo $?":
            output = [str(status)]
        elif command.startswith("narcometrics"):
            status, output = _narcometrics(command)
        else:
            done = subprocess.run(
                ["bash", "-c", command],
                cwd=tmp_path,
                env=dict(os.environ),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                timeout=60,
                check=False,
            )
            status = done.returncode
            output = done.stdout.splitlines()
        printed.append(_normalise(output))
        if not os.environ.get("NARCOMETRICS_UPDATE_DOCS"):
            assert _normalise(output) == _normalise(expected), f"{page}: $ {command}"
    if os.environ.get("NARCOMETRICS_UPDATE_DOCS"):
        _rewrite(ROOT / page, printed)


def _rewrite(page: Path, printed: list[list[str]]) -> None:
    """Write what each runnable session step printed back into the page's console blocks."""
    outputs = iter(printed)

    def block(match: re.Match[str]) -> str:
        steps = [line for line in match.group(1).splitlines() if line.startswith("$ ")]
        if not steps or not all(step[2:].split()[0] in RUNNABLE for step in steps):
            return match.group(0)
        lines = []
        for step in steps:
            lines.extend([step, *next(outputs)])
        return "```console\n" + "\n".join(lines) + "\n```"

    text = page.read_text(encoding="utf-8")
    page.write_text(_BLOCK.sub(block, text), encoding="utf-8")


def test_the_docs_show_a_console_session() -> None:
    pages = [page for page, _ in _sessions()]
    assert "docs/reference/command-line.md" in pages
