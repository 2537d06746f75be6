"""Every Python code block in the README, the docs and the docstrings runs, and its shown
output (``#>`` comments after ``print``) matches.

Blocks run in a fresh namespace each, in a temporary working directory, so each is
self-contained. To refresh the shown output after an intended change, run
``uv run pytest tests/test_docs.py --update-examples``.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "README.md", ROOT / "docs"]


def _examples() -> list[CodeExample]:
    return [ex for ex in find_examples(*SOURCES) if ex.prefix_settings().get("test") != "skip"]


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
    # socket or file) fails this block's test, not whichever test runs next.
    gc.collect()
