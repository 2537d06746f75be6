"""Hypothesis entry point: registers the record strategies for ``st.from_type``."""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    from narcometrics.records import Eradication, Operation, Seizure, TrainingOutcome
    from narcometrics.testing import strategies as nst

    st.register_type_strategy(Seizure, nst.seizures())
    st.register_type_strategy(Eradication, nst.eradications())
    st.register_type_strategy(Operation, nst.operations())
    st.register_type_strategy(TrainingOutcome, nst.training_outcomes())
