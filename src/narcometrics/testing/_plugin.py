"""Hypothesis entry point: registers the record strategies for ``st.from_type``.

Hypothesis runs this hook while it is being imported, which may be in the middle of
importing `narcometrics.testing.strategies` itself (that module imports hypothesis).
So the strategies are looked up only when a type is first resolved, never here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _lazy(name: str) -> Callable[[type[Any]], Any]:
    def resolve(_: type[Any]) -> Any:
        from narcometrics.testing import strategies

        return getattr(strategies, name)()

    return resolve


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    from narcometrics.records import Eradication, Operation, Seizure, TrainingOutcome

    st.register_type_strategy(Seizure, _lazy("seizures"))
    st.register_type_strategy(Eradication, _lazy("eradications"))
    st.register_type_strategy(Operation, _lazy("operations"))
    st.register_type_strategy(TrainingOutcome, _lazy("training_outcomes"))
