"""Every Python code block in the README, the docs and the docstrings runs, and its shown
output (``#>`` comments after ``print``) matches.

Blocks run in a fresh namespace each, in a temporary working directory, so each is
self-contained. To refresh the shown output after an intended change, run
``uv run pytest tests/test_docs.py --update-examples``.
"""

from __future__ import annotations

import gc
import inspect
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples, run_code

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "README.md", ROOT / "docs"]


def _examples() -> list[CodeExample]:
    return [ex for ex in find_examples(*SOURCES) if ex.prefix_settings().get("test") != "skip"]


class _InspectWithoutSource(ModuleType):
    """`inspect`, except that `stack()` reads no source lines.

    pytest-examples finds the line of each ``print`` through ``inspect.stack()``, which
    reads the source of every frame on the stack (about 60 under pytest) and scans
    ``sys.modules`` for each: two thirds of the time of this file. It uses only the file
    name and the frame of the result, which ``inspect.stack(context=0)`` gives unchanged.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(inspect, name)

    @staticmethod
    def stack(context: int = 1) -> list[inspect.FrameInfo]:
        return inspect.stack(0)


@pytest.fixture(autouse=True)
def _fast_print_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_code, "inspect", _InspectWithoutSource("inspect"))


@pytest.mark.parametrize("example", _examples(), ids=str)
def test_doc_example_runs_and_its_output_matches(
    example: CodeExample,
    eval_example: EvalExample,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    if eval_example.update_examples:
        eval_example.run_print_update(example)
    else:
        eval_example.run_print_check(example)
    # Collect what the block left behind now, so that a resource it leaks (an unclosed
    # socket or file) fails this block's test, not whichever test runs next. What survives
    # is alive (modules the block imported, their caches): freeze it, so that the next
    # block's collection scans only what that block creates.
    gc.collect()
    gc.freeze()
