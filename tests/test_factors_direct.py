"""The direct path that builds a well-formed factor set without cattrs (issue 18, start-up).

A set the direct path builds must be the set the strict cattrs path builds, and anything the
strict path refuses must be refused with the strict path's words: the direct path gives up
(None) and the strict path reports. These tests break bundled sets in many small ways and
compare the two paths.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import factors
from narcometrics._data import data
from narcometrics.errors import ValidationError
from narcometrics.factors import _load

FOLDER = Path(str(data("factors")))
PAYLOADS = {
    path.stem: json.loads(path.read_text("utf-8")) for path in sorted(FOLDER.glob("*.json"))
}
#: JSON values to put where another was: every JSON type, with awkward numbers and text.
ODD = [
    None,
    True,
    0,
    -1,
    1.5,
    10**400,
    "",
    " ",
    "x",
    "é\u202e",
    [],
    ["x"],
    {},
    {"x": 1},
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree (object keys and array indices), the root excluded."""
    found: list[tuple[Any, ...]] = []
    items = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list)
        else ()
    )  # fmt: skip
    for key, child in items:
        found.append((*path, key))
        found.extend(_paths(child, (*path, key)))
    return found


def _outcome(parse: Any, payload: Any) -> tuple[str, Any]:
    text = json.dumps(payload, ensure_ascii=False)
    try:
        return ("set", parse(text))
    except ValidationError as exc:
        return ("error", str(exc))


def _both(payload: Any) -> tuple[tuple[str, Any], tuple[str, Any]]:
    def strict(text: str) -> Any:
        # Through the same strict JSON parser, then only the cattrs path.
        from narcometrics import _json

        return _load._strict(_json.loads(text, path="f.json"), "f.json")

    return _outcome(lambda text: _load.parse(text, "f.json"), payload), _outcome(strict, payload)


@pytest.mark.parametrize("id", sorted(PAYLOADS))
def test_a_bundled_set_built_directly_equals_the_one_cattrs_builds(id: str) -> None:
    payload = PAYLOADS[id]
    direct = _load._direct(copy.deepcopy(payload))
    assert direct is not None
    assert direct == _load._strict(copy.deepcopy(payload), f"{id}.json")
    assert direct.digest() == factors.get(id).digest()


@given(
    id=st.sampled_from(sorted(PAYLOADS)),
    pick=st.integers(min_value=0),
    action=st.sampled_from(["drop", "replace", "extra"]),
    odd=st.sampled_from(ODD),
)
def test_a_broken_set_gets_the_strict_paths_result_and_words(
    id: str, pick: int, action: str, odd: Any
) -> None:
    payload = copy.deepcopy(PAYLOADS[id])
    places = _paths(payload)
    place = places[pick % len(places)]
    parent = payload
    for key in place[:-1]:
        parent = parent[key]
    last = place[-1]
    if action == "drop":
        del parent[last]
    elif action == "replace":
        parent[last] = odd
    elif isinstance(parent, dict):
        parent["unexpected_" + str(last)] = odd
    else:
        parent.append(odd)
    fast, strict = _both(payload)
    assert fast == strict


@pytest.mark.parametrize(
    "payload",
    [[], "set", 3, None, {}, {"citations": {}, "values": []}],
    ids=["array", "string", "number", "null", "empty", "no-values"],
)
def test_a_payload_that_is_not_a_set_gets_the_strict_paths_words(payload: Any) -> None:
    fast, strict = _both(payload)
    assert fast[0] == "error"
    assert fast == strict


def test_a_citation_key_of_another_type_is_refused_as_before() -> None:
    payload = copy.deepcopy(PAYLOADS["pe-gov-2017"])
    key = next(iter(payload["citations"]))
    for odd in (1, None, [key], {key: key}):
        payload["values"][0]["citations"] = [odd]
        fast, strict = _both(payload)
        assert fast[0] == "error"
        assert fast == strict


def test_reading_the_bundled_sets_never_imports_cattrs() -> None:
    code = (
        "import sys\n"
        "from narcometrics import factors\n"
        "[factors.get(i) for i in factors.available()]\n"
        "print('cattrs' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "False"
