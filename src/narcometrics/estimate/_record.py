"""What a model was called with, kept with its estimate so that the number can be replayed.

[`recorded`][narcometrics.estimate._record.recorded] wraps a public model: after a successful call
it keeps a read-only copy of every argument (defaults included) in the estimate's provenance
([`Inputs`][narcometrics.estimate._record.Inputs]) and the factor sets the call used. ``encode``
and ``decode`` turn the arguments into plain JSON and back, exactly: floats keep every bit (JSON
numbers written by Python round-trip), arrays keep their dtype and shape, dates their day.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import json
import math
import struct
import sys
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

import attrs
import numpy as np

from narcometrics.errors import ValidationError
from narcometrics.estimate.result import Estimate, Uncertain
from narcometrics.factors import Citation, Factor, FactorSet, get

__all__ = ["Inputs", "decode", "encode", "factor_set_from_dict", "recorded"]

P = ParamSpec("P")
R = TypeVar("R", bound=Estimate)


class _Generator:
    """Stands for a ``numpy.random.Generator`` seed: its state is not recorded."""

    def __repr__(self) -> str:
        return "<numpy.random.Generator>"


def _is_generator(value: object) -> bool:
    """Whether ``value`` is a ``numpy.random.Generator``, without importing ``numpy.random``
    (a Generator exists only once that module is imported; the report never needs it)."""
    random = sys.modules.get("numpy.random")
    return random is not None and isinstance(value, random.Generator)


def _freeze(value: Any) -> Any:
    # A read-only copy of one argument, so a caller changing an array later cannot change
    # what the estimate records.
    if isinstance(value, np.ndarray):
        out = np.array(value, copy=True)
        out.flags.writeable = False
        return out
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if _is_generator(value):
        return _Generator()
    return value


@attrs.frozen(eq=False)
class Inputs:
    """The arguments of one model call, frozen; compared by their digest.

    Attributes
    ----------
    values : mapping of str to object
        Every parameter of the model with the value it had (defaults included).
    """

    values: Mapping[str, Any]

    def encode(self) -> dict[str, Any]:
        """The arguments as plain JSON types
        ([`encode`][narcometrics.estimate._record.encode])."""
        return {name: encode(value) for name, value in self.values.items()}

    def digest(self) -> str:
        """SHA-256 of the encoded arguments (canonical JSON: sorted keys, no spaces)."""
        return digest(self.encode())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Inputs):
            return NotImplemented
        return self.digest() == other.digest()

    __hash__ = None  # type: ignore[assignment]


def digest(encoded: Mapping[str, Any]) -> str:
    """SHA-256 of encoded arguments
    ([`Inputs.digest`][narcometrics.estimate._record.Inputs.digest])."""
    text = json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _number(value: float) -> Any:
    # JSON has no NaN or infinity: tag them, a NaN with its bits (sign and payload).
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return {"float": "nan", "bits": struct.pack(">d", value).hex()}
    return {"float": repr(value)}


def _is_number(value: object) -> bool:
    return isinstance(value, dict) and set(value) in ({"float"}, {"float", "bits"})


def _from_number(value: Mapping[str, str]) -> float:
    if "bits" in value:
        number: float = struct.unpack(">d", bytes.fromhex(value["bits"]))[0]
        return number
    return float(value["float"])


def encode(value: Any) -> Any:
    """One argument as plain JSON: numbers, strings, lists and tagged objects.

    Arrays become ``{"array": [...], "dtype": ..., "shape": [...]}`` (dates as ISO strings),
    dates ``{"date": "YYYY-MM-DD"}``, lists and tuples ``{"list": [...]}``, factor sets
    ``{"factor_set": id}`` (their content is recorded once, beside the arguments),
    [`Uncertain`][narcometrics.estimate.Uncertain] and [`Factor`][narcometrics.factors.Factor]
    values their fields; a ``numpy.random.Generator`` is ``{"generator": true}`` (its state is not
    recorded, so such a call cannot be replayed).
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "M":
            items: Any = np.datetime_as_string(value.astype("datetime64[D]")).tolist()
            return {"array": items, "dtype": "datetime64[D]", "shape": list(value.shape)}
        return {
            "array": _numbers(value.tolist()),
            "dtype": value.dtype.str,
            "shape": list(value.shape),
        }
    if isinstance(value, np.generic):
        return encode(value.item())
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dt.datetime):
        return {"unsupported": "datetime.datetime"}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return {"list": [encode(v) for v in value]}
    if isinstance(value, FactorSet):
        return {"factor_set": value.id}
    if isinstance(value, Uncertain):
        return {
            "uncertain": {
                "central": encode(value.central),
                "low": encode(value.low),
                "high": encode(value.high),
                "distribution": value.distribution.value,
                "source": value.source,
            }
        }
    if isinstance(value, Factor):
        from narcometrics.serialize import result_json

        return {"factor": result_json(value)}
    if isinstance(value, _Generator):
        return {"generator": True}
    return {"unsupported": type(value).__name__}


def _numbers(items: Any) -> Any:
    if isinstance(items, list):
        return [_numbers(v) for v in items]
    if isinstance(items, float):
        return _number(items)
    return items


def _denumber(items: Any) -> Any:
    if isinstance(items, list):
        return [_denumber(v) for v in items]
    if _is_number(items):
        return _from_number(items)
    return items


def decode(value: Any, factor_sets: Mapping[str, FactorSet | str], where: str) -> Any:
    """The argument [`encode`][narcometrics.estimate._record.encode] wrote, rebuilt exactly.

    ``factor_sets`` maps the ids of the recorded sets to the set (or bundled id) to pass.
    Raises ValidationError naming ``where`` for a value that cannot be rebuilt.
    """
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, dict) and len(value) >= 1:
        if "array" in value:
            dtype = np.dtype(value["dtype"])
            array = np.array(_denumber(value["array"]), dtype=dtype)
            return array.reshape(tuple(value["shape"]))
        if _is_number(value):
            return _from_number(value)
        if set(value) == {"date"}:
            return dt.date.fromisoformat(value["date"])
        if set(value) == {"list"}:
            return [decode(v, factor_sets, f"{where}[{i}]") for i, v in enumerate(value["list"])]
        if set(value) == {"factor_set"}:
            return factor_sets[value["factor_set"]]
        if set(value) == {"uncertain"}:
            u = value["uncertain"]
            return Uncertain(
                decode(u["central"], factor_sets, where),
                decode(u["low"], factor_sets, where),
                decode(u["high"], factor_sets, where),
                u["distribution"],
                source=u["source"],
            )
        if set(value) == {"factor"}:
            return _factor(value["factor"])
        if set(value) == {"generator"}:
            raise ValidationError(
                where,
                "was a numpy.random.Generator, whose state is not recorded: the Monte Carlo "
                "draws cannot be replayed (pass an integer seed to make them replayable)",
            )
        if set(value) == {"unsupported"}:
            raise ValidationError(
                where, f"was a {value['unsupported']}, which a record cannot hold", None
            )
    raise ValidationError(where, "is not a recorded argument", value)


def _factor(data: Mapping[str, Any]) -> Factor:
    fields = dict(data)
    fields["citations"] = tuple(Citation(**c) for c in fields["citations"])
    return Factor(**fields)


def factor_set_from_dict(data: Mapping[str, Any]) -> FactorSet:
    """A [`FactorSet`][narcometrics.factors.FactorSet] from ``attrs.asdict`` of one."""
    fields = dict(data)
    fields["values"] = tuple(_factor(v) for v in fields["values"])
    return FactorSet(**fields)


# The bundled sets are read once per process (``factors.get`` caches them too); this saves
# listing the data folder again on every call of a model.
_bundled_set = functools.cache(get)


def _is_factor_parameter(parameter: inspect.Parameter) -> bool:
    return "FactorSet" in str(parameter.annotation)


def recorded(function: Callable[P, R]) -> Callable[P, R]:
    """Record the arguments and factor sets of each call in the estimate's provenance."""
    signature = inspect.signature(function)
    factor_parameters = [
        name for name, p in signature.parameters.items() if _is_factor_parameter(p)
    ]

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        estimate = function(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        sets = []
        for name in factor_parameters:
            value = bound.arguments[name]
            sets.append(value if isinstance(value, FactorSet) else _bundled_set(str(value)))
        provenance = attrs.evolve(
            estimate.provenance,
            inputs=Inputs({name: _freeze(v) for name, v in bound.arguments.items()}),
            factor_sets=tuple(dict.fromkeys(sets)),
        )
        return attrs.evolve(estimate, provenance=provenance)

    return wrapper
