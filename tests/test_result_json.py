"""One result shape: every result becomes JSON through one converter (`serialize.result_json`),
which alone decides how NaN, numpy arrays and scalars, enums and dates are written."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from narcometrics import datasets as ds
from narcometrics import estimate as est
from narcometrics import training
from narcometrics.estimate import Assumption, Estimate, Provenance
from narcometrics.records import Substance
from narcometrics.serialize import result_json

PROVENANCE = Provenance(
    method="tests.undefined",
    factor_set=None,
    citations=(),
    library_version="0",
    assumptions=(
        Assumption(
            name="share", value=math.nan, low=None, high=None, unit="fraction", source="test"
        ),
    ),
)


def _undefined(value: Any) -> Estimate:
    return Estimate(
        central=value,
        low=value,
        high=value,
        unit="t",
        quantity="test",
        provenance=PROVENANCE,
        mean=value,
        percentiles={5.0: value, 50.0: value, 95.0: value},
    )


def _numbers(value: Any) -> list[float | None]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value] if value is None or isinstance(value, float) else []


def test_an_undefined_estimate_is_null_in_its_dict_never_nan() -> None:
    data = _undefined(math.nan).to_dict()
    assert data["central"] is None
    assert data["low"] is None
    assert data["high"] is None
    assert data["mean"] is None
    assert data["percentiles"] == {"5": None, "50": None, "95": None}
    assert data["provenance"]["assumptions"][0]["value"] is None
    json.dumps(data, allow_nan=False)  # a strict JSON writer takes it as it is


def test_an_undefined_entry_of_an_array_estimate_is_null_and_the_others_keep_their_bits() -> None:
    values = np.array([[0.1 + 0.2, math.nan], [1e-300, 5e-324]])
    data = _undefined(values).to_dict()
    assert data["central"] == [[0.1 + 0.2, None], [1e-300, 5e-324]]
    assert data["percentiles"]["95"] == data["central"]
    json.dumps(data, allow_nan=False)


def test_an_estimate_dict_is_the_result_converter_output() -> None:
    estimate = est.avoided_production(np.array([10.0, 22_165.0]), "pe-gov-2017", draws=50, seed=1)
    assert result_json(estimate) == estimate.to_dict()
    assert result_json([estimate]) == [estimate.to_dict()]
    assert estimate.to_dict()["central"] == estimate.central.tolist()
    assert list(estimate.to_dict()["percentiles"]) == [f"{k:g}" for k in estimate.percentiles]


def test_a_training_result_and_an_estimate_write_nan_the_same_way() -> None:
    # Hake's gain is undefined when everyone scored the maximum before: the same null as an
    # undefined estimate, through the same converter.
    gain = training.learning_gain([10.0, 10.0], [10.0, 10.0], 10)
    assert math.isnan(gain.hake_gain)
    data = gain.to_dict()
    assert data["hake_gain"] is None
    assert data == result_json(gain)
    assert _undefined(math.nan).to_dict()["central"] is None
    assert result_json(np.float64("nan")) is None
    assert result_json(np.float32("inf")) is None
    json.dumps(data, allow_nan=False)
    rate = training.transfer_rate(ds.peru_2017_example().training).to_dict()
    assert all(isinstance(v, float) or v is None for v in _numbers(rate))


def test_enums_dates_tuples_and_mapping_keys_are_plain_json() -> None:
    data = result_json(
        {Substance.CRACK: (dt.date(2017, 3, 1), np.int64(3), np.bool_(True)), 5.0: None}
    )
    assert data == {"crack": ["2017-03-01", 3, True], "5.0": None}
    assert type(data["crack"][1]) is int
    assert type(data["crack"][2]) is bool
    assert all(type(k) is str for k in data)


floats = st.floats(allow_nan=True, allow_infinity=True)
arrays = hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), elements=floats
)
nested = st.recursive(
    st.one_of(floats, arrays, st.integers(), st.none(), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
    ),
    max_leaves=20,
)


def _finite_leaves(value: Any) -> list[float]:
    if isinstance(value, np.ndarray):
        return [float(v) for v in value.ravel() if math.isfinite(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _finite_leaves(v)]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _finite_leaves(v)]
    return [value] if isinstance(value, float) and math.isfinite(value) else []


@given(nested)
def test_result_json_is_strict_json_that_keeps_every_finite_number_bit_for_bit(value: Any) -> None:
    data = result_json(value)
    text = json.dumps(data, allow_nan=False)  # never NaN or infinity
    back = json.loads(text)
    kept = [n for n in _numbers(back) if n is not None]
    assert [n.hex() for n in kept] == [n.hex() for n in _finite_leaves(value)]
