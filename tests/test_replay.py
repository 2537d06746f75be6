"""Provenance records: every estimate can be written down and recomputed, bit for bit, or the
replay names what differs (a factor set, a version) and how far each number moved."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import narcometrics
from narcometrics import factors
from narcometrics.cli import main
from narcometrics.datasets import peru_2017_example
from narcometrics.errors import ValidationError
from narcometrics.estimate import (
    Uncertain,
    _model,
    avoided_production,
    avoided_production_adjusted,
    leaf_production,
    potential_production,
    potential_production_fresh_leaf,
    pure_equivalent,
)
from narcometrics.provenance import read, replay, write

FLAT = "pe-gov-2017"


def _json(record: dict[str, Any]) -> dict[str, Any]:
    """Through JSON text, as a record file would be."""
    return json.loads(json.dumps(record))  # type: ignore[no-any-return]


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = main(argv)
    return status, out.getvalue()


def _edited(set_id: str, name: str, value: float) -> factors.FactorSet:
    """A copy of a bundled set with one value changed (a later correction, a user's edit)."""
    original = factors.get(set_id)
    values = tuple(
        attrs.evolve(f, value=value, low=None, high=None) if f.name == name else f
        for f in original.values
    )
    return attrs.evolve(original, values=values)


# --- the bundled report ----------------------------------------------------------------------


def test_replay_reproduces_the_bundled_reports_estimates_exactly(tmp_path: Path) -> None:
    status, text = _run(["report", "--format", "json"])
    assert status == 0
    path = tmp_path / "report.json"
    path.write_text(text, encoding="utf-8")
    results = replay(path)
    where = [r.where for r in results]
    assert where == [
        "$.sections[0].eradication.avoided_production_up_to",
        "$.sections[0].eradication.avoided_production_adjusted",
        "$.sections[0].eradication.avoided_production_adjusted_without_dates",
    ]
    assert all(r.same and not r.changes and not r.differences for r in results), results
    up_to, adjusted, _ = (r.estimate for r in results)
    assert up_to is not None
    assert adjusted is not None
    assert round(up_to.central, 1) == 204.8  # the published "up to" figure
    stored = json.loads(text)["sections"][0]["eradication"]
    assert adjusted.central == stored["avoided_production_adjusted"]["central"]
    status, out = _run(["replay", str(path)])
    assert status == 0
    assert out.count("reproduced bit for bit") == 3


def test_replay_reproduces_the_reports_adjusted_estimate_with_its_seed(tmp_path: Path) -> None:
    # The report's adjusted call (per-record areas and dates, summed over records), with the
    # Monte Carlo path and a seed.
    erad = peru_2017_example().eradications
    estimate = avoided_production_adjusted(
        np.asarray(erad.area_ha), FLAT, eradication_date=erad.date, zone_axis=0,
        draws=2_000, seed=2017,
    )  # fmt: skip
    path = write(estimate, tmp_path / "adjusted.json")
    [result] = replay(path)
    assert result.same, result
    assert result.estimate == estimate
    assert result.estimate is not None
    assert result.estimate.percentiles == estimate.percentiles
    assert read(path)["provenance"]["seed"] == 2017


# --- what differs is named, with how far the numbers moved ----------------------------------


def test_a_bundled_factor_set_changed_since_the_record_is_reported_with_the_move(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = _json(avoided_production(22_165, FLAT).to_record())
    corrected = _edited(FLAT, "hcl_per_ha", 9.0)
    real_get = factors.get

    def later_release(set_id: str) -> factors.FactorSet:
        return corrected if set_id == FLAT else real_get(set_id)

    monkeypatch.setattr(_model, "get", later_release)
    monkeypatch.setattr("narcometrics.provenance.get", later_release)
    [result] = replay(record)
    assert not result.same
    assert any(
        d.startswith(f"factor set {FLAT} changed: recorded digest") for d in result.differences
    )
    central = {c.name: c for c in result.changes}["central"]
    assert central.recorded == 204.8046
    assert central.replayed == pytest.approx(22_165 * 9.0 / 1000)
    assert central.difference == pytest.approx(199.485 - 204.8046)
    assert central.relative == pytest.approx((199.485 - 204.8046) / 204.8046)
    text = str(result)
    assert "differs" in text
    assert f"factor set {FLAT} changed" in text
    assert "central moved" in text


def test_a_recorded_digest_that_differs_is_named_even_when_the_numbers_agree() -> None:
    record = _json(avoided_production(22_165, FLAT).to_record())
    record["provenance"]["factor_sets"][0]["digest"] = "0" * 64
    [result] = replay(record)
    assert result.same  # the numbers agree bit for bit ...
    assert (
        result.differences
        == (  # ... and the changed set is still named
            f"factor set {FLAT} changed: recorded digest 000000000000, "
            f"now {factors.get(FLAT).digest()[:12]}",
        )
    )


def test_another_library_or_numpy_version_is_named() -> None:
    record = _json(avoided_production_adjusted(500.0, "pe-gov-2022", draws=100, seed=5).to_record())
    record["provenance"]["library_version"] = "0.0.1"
    record["provenance"]["numpy_version"] = "1.0.0"
    [result] = replay(record)
    assert result.same
    assert result.differences == (
        f"another narcometrics version: recorded 0.0.1, installed {narcometrics.__version__}",
        f"another NumPy version: recorded 1.0.0, installed {np.__version__} "
        "(Monte Carlo draws may differ)",
    )


def test_a_number_changed_in_the_record_is_never_called_reproduced() -> None:
    record = _json(avoided_production([10.0, 20.0, 30.0], FLAT).to_record())
    record["high"][1] = np.nextafter(record["high"][1], np.inf)  # one bit
    [result] = replay(record)
    assert not result.same
    [change] = result.changes
    assert change.name == "high"
    assert change.difference < 0
    assert change.recorded == record["high"][1]


def test_a_users_factor_set_is_kept_in_the_record_and_replays_without_its_file() -> None:
    mine = attrs.evolve(_edited(FLAT, "hcl_per_ha", 7.5), id="my-survey")
    record = _json(avoided_production(1_000.0, mine).to_record())
    [entry] = record["provenance"]["factor_sets"]
    assert entry["id"] == "my-survey"
    assert entry["bundled"] is False
    assert entry["content"]
    [result] = replay(record)
    assert result.same
    assert not result.differences
    assert result.estimate is not None
    assert result.estimate.central == 7.5


def test_a_factor_set_given_to_replay_replaces_the_recorded_one(tmp_path: Path) -> None:
    record = avoided_production(22_165, FLAT).to_record()
    [result] = replay(record, factors={FLAT: _edited(FLAT, "hcl_per_ha", 10.0)})
    assert not result.same
    assert result.estimate is not None
    assert result.estimate.central == pytest.approx(221.65)
    # the same from the command line, with the set in a factor file
    data = json.loads(
        (Path(factors.__file__).parents[1] / "data" / "factors" / f"{FLAT}.json").read_text("utf-8")
    )
    data["values"][0].update(value=10.0, low=9.5, high=10.5)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    saved = write(avoided_production(22_165, FLAT), tmp_path / "record.json")
    status, out = _run(["replay", str(saved), "--factors", str(edited)])
    assert status == 1
    assert f"factor set {FLAT} changed" in out
    assert "central moved from 204.8046 to 221.65" in out


# --- what cannot be replayed says why ---------------------------------------------------------


def test_a_generator_seed_cannot_be_replayed_and_says_so() -> None:
    rng = np.random.default_rng(1)
    [result] = replay(_json(avoided_production(100.0, FLAT, draws=50, seed=rng).to_record()))
    assert not result.same
    assert result.estimate is None
    assert result.problem is not None
    assert "numpy.random.Generator" in result.problem


def test_inputs_left_out_of_the_record_are_checked_against_their_digest() -> None:
    area = np.array([120.5, 30.25])
    record = _json(avoided_production(area, FLAT).to_record(inputs=False))
    assert record["provenance"]["inputs"] is None
    assert record["provenance"]["inputs_digest"]
    [missing] = replay(record)
    assert missing.problem is not None
    assert "pass them with inputs=" in missing.problem
    arguments = {"area_ha": area, "factors": FLAT, "zone_axis": None, "draws": None,
                 "seed": None, "percentiles": (5.0, 50.0, 95.0)}  # fmt: skip
    [result] = replay(record, inputs=arguments)
    assert result.same
    [wrong] = replay(record, inputs={**arguments, "area_ha": area * 2})
    assert wrong.problem == "the inputs given do not match the recorded digest"


def test_a_record_naming_another_function_is_never_called() -> None:
    record = _json(avoided_production(1.0, FLAT).to_record())
    record["provenance"]["method"] = "os.system"
    [result] = replay(record)
    assert result.problem == "os.system is not a model this release replays"


def test_an_unknown_factor_set_asks_for_the_file() -> None:
    record = _json(avoided_production(1.0, FLAT).to_record())
    entry = record["provenance"]["factor_sets"][0]
    entry.pop("content", None)
    entry["id"] = "gone-2030"
    [result] = replay(record)
    assert result.problem is not None
    assert "gone-2030 is not bundled" in result.problem


def test_bad_files_exit_2_with_one_line_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe not json")
    status, out = _run(["replay", str(bad)])
    assert status == 2
    assert out.startswith(f"narcometrics: error: {bad}:1: file: not UTF-8 text")
    bad.write_text('{"central": 1', encoding="utf-8")
    status, out = _run(["replay", str(bad)])
    assert status == 2
    assert out.startswith(f"narcometrics: error: {bad}:1:14: $: malformed JSON")
    bad.write_text('{"central": 1, "central": 2}', encoding="utf-8")  # strict JSON
    status, out = _run(["replay", str(bad)])
    assert status == 2
    assert f"{bad}: $.central: repeated key" in out
    bad.write_text('{"year": 2017}', encoding="utf-8")
    status, out = _run(["replay", str(bad)])
    assert status == 2
    assert "holds no provenance record" in out
    status, out = _run(["replay", str(tmp_path / "missing.json")])
    assert status == 2
    assert "file not found" in out
    with pytest.raises(TypeError, match="replay takes a path"):
        replay(3)  # type: ignore[arg-type]


def test_a_fifo_or_a_folder_is_refused_before_it_is_read(tmp_path: Path) -> None:
    # Reading a FIFO would block for ever: it is refused from its status, never opened.
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    with pytest.raises(ValidationError, match="is not a regular file"):
        read(fifo)
    with pytest.raises(ValidationError, match="is a directory, not a file"):
        replay(tmp_path)


# --- what is recorded -------------------------------------------------------------------------


def test_the_record_is_a_copy_a_later_change_to_the_callers_array_cannot_alter() -> None:
    area = np.array([100.0, 200.0])
    estimate = avoided_production(area, FLAT)
    area[0] = 1e9
    [result] = replay(_json(estimate.to_record()))
    assert result.same


def test_every_public_model_records_what_it_was_called_with() -> None:
    leaf = leaf_production([10.0, 20.0], Uncertain(2_000.0, 1_500.0, 2_500.0), zone_axis=0)
    estimates = [
        leaf,
        potential_production(Uncertain(50.0, 20.0, 80.0), "pe-unodc-2008"),
        potential_production_fresh_leaf([5.0, 7.0], "co-simci-2020", draws=100, seed=3),
        pure_equivalent([12.5, 3.0], Uncertain(0.7, 0.5, 0.9), draws=100, seed=4),
        avoided_production_adjusted(
            np.array([30.0, 50.0]),
            "pe-gov-2024",
            eradication_date=[dt.date(2017, 3, 1), dt.date(2017, 11, 30)],
            date_kind="event",
            licit_share=Uncertain(0.1, 0.0, 0.2),
        ),
        avoided_production_adjusted(
            np.array([30.0, 50.0]), "pe-gov-2024", horizon="twelve_months", replanting_share=0.3
        ),
    ]
    for estimate in estimates:
        record = _json(estimate.to_record())
        assert record["record"] == "narcometrics-provenance/1"
        [result] = replay(record)
        assert result.same, (estimate.provenance.method, result)
        assert result.estimate == estimate


def test_the_adjusted_model_records_both_of_its_factor_sets() -> None:
    provenance = avoided_production_adjusted(100.0, "pe-gov-2022").provenance
    assert [fs.id for fs in provenance.factor_sets] == ["pe-gov-2022", "pe-eradication-adjustments"]
    entries = provenance.to_dict()["factor_sets"]
    assert [e["digest"] for e in entries] == [fs.digest() for fs in provenance.factor_sets]
    assert all(e["bundled"] and "content" not in e for e in entries)


def test_recorded_inputs_do_not_change_estimate_equality() -> None:
    # Blocks of one Dask call share one provenance: the arguments are not compared.
    a, b = avoided_production(1.0, FLAT), avoided_production(np.float64(1.0), FLAT)
    assert a == b


def test_replay_of_an_estimate_object_and_of_a_written_file_agree(tmp_path: Path) -> None:
    estimate = pure_equivalent(10.0, 0.5)
    [direct] = replay(estimate)
    [from_file] = replay(write(estimate, tmp_path / "r.json"))
    assert direct.same
    assert from_file.same
    with pytest.raises(TypeError, match="takes an Estimate"):
        write({"central": 1.0}, tmp_path / "x.json")  # type: ignore[arg-type]


def test_replay_refuses_a_factor_override_that_is_not_a_factor_set() -> None:
    with pytest.raises(TypeError, match="must be a FactorSet"):
        replay(pure_equivalent(10.0, 0.5), factors={FLAT: FLAT})  # type: ignore[dict-item]


def test_a_record_with_nothing_replayable_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="holds no provenance record"):
        replay({"estimates": []})


_areas = st.lists(
    st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=20,
)


@given(areas=_areas, seed=st.integers(0, 2**32), draws=st.integers(1, 50))
def test_any_recorded_estimate_replays_bit_for_bit(
    areas: list[float], seed: int, draws: int
) -> None:
    estimate = avoided_production_adjusted(
        np.array(areas), "pe-gov-2022", draws=draws, seed=seed, zone_axis=0
    )
    [result] = replay(_json(estimate.to_record()))
    assert result.same
    assert result.estimate == estimate


def test_an_estimate_on_dask_collections_records_no_stand_in_inputs() -> None:
    da = pytest.importorskip("dask.array")
    from narcometrics import dask as nd

    lazy = nd.estimate_map(avoided_production, da.from_array(np.arange(6.0), chunks=3), FLAT)
    assert lazy.provenance.inputs is None  # not the one-element stand-ins it was worked out on
    estimate = lazy.compute(scheduler="synchronous")
    [result] = replay(_json(estimate.to_record()))
    assert result.problem is not None
    assert "neither the inputs nor their digest" in result.problem


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: r["provenance"].update(inputs=[1, 2]),
        lambda r: r["provenance"].update(factor_sets=[{"digest": "x"}]),
        lambda r: r["provenance"]["inputs"].update(area_ha={"array": "x", "dtype": "nope"}),
        lambda r: r["provenance"]["inputs"].update(area_ha={"date": "2017-02-30"}),
        lambda r: r["provenance"]["inputs"].update(percentiles={"mystery": 1}),
        lambda r: r["provenance"]["inputs"].update(unknown_argument=1),
        lambda r: r.update(central="a lot"),
    ],
)
def test_a_damaged_record_is_a_named_problem_never_a_crash_nor_reproduced(damage: Any) -> None:
    record = _json(avoided_production(1.0, FLAT).to_record())
    damage(record)
    [result] = replay(record)
    assert not result.same
    assert result.problem or result.changes


def test_a_record_of_another_format_is_not_read_as_this_one() -> None:
    record = _json(avoided_production(1.0, FLAT).to_record())
    record["record"] = "narcometrics-provenance/2"
    [result] = replay(record)
    assert result.problem is not None
    assert "format 'narcometrics-provenance/2'" in result.problem


_dtypes = st.sampled_from(["<f8", "<i8", "datetime64[D]"])


@st.composite
def _arrays(draw: st.DrawFn) -> np.ndarray[Any, Any]:
    from hypothesis.extra import numpy as hnp

    dtype = np.dtype(draw(_dtypes))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    if dtype.kind == "M":
        elements = st.integers(-100_000, 100_000).map(lambda d: np.datetime64(d, "D"))
        return draw(hnp.arrays(dtype, shape, elements=elements | st.just(np.datetime64("NaT"))))
    nan = np.frombuffer(bytes.fromhex("fff8000000000001"), ">f8")[0]  # sign and payload
    floats = st.floats() | st.just(float(nan)) | st.just(-float("nan"))
    elements = floats if dtype.kind == "f" else None
    return draw(hnp.arrays(dtype, shape, elements=elements))  # NaN, inf, -0.0, subnormals


@given(array=_arrays())
def test_an_argument_array_survives_json_bit_for_bit_with_its_dtype_and_shape(
    array: np.ndarray[Any, Any],
) -> None:
    from narcometrics.estimate._record import decode, encode

    back = decode(_json({"a": encode(array)})["a"], {}, "a")
    assert back.dtype == array.dtype
    assert back.shape == array.shape
    assert back.tobytes() == array.tobytes()  # every bit, NaN payloads of numpy's NaN included


@given(
    value=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats()
        | st.just(-float("nan"))
        | st.text()
        | st.dates().map(lambda d: d),
        lambda inner: st.lists(inner, max_size=4),
        max_leaves=10,
    )
)
def test_a_plain_argument_survives_json_unchanged(value: Any) -> None:
    from narcometrics.estimate._record import decode, encode

    back = decode(_json({"a": encode(value)})["a"], {}, "a")

    def same(a: Any, b: Any) -> bool:
        if isinstance(a, list):
            return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
        if isinstance(a, float):
            return isinstance(b, float) and np.float64(a).tobytes() == np.float64(b).tobytes()
        return type(a) is type(b) and a == b

    assert same(value, back)
