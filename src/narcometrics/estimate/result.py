"""The result of every estimation model: central value, range, unit and provenance.

An [`Estimate`][narcometrics.estimate.Estimate] holds Python floats when the inputs were scalars and
numpy arrays (read-only, the broadcast shape of the inputs) when any input was an array. Its
[`Provenance`][narcometrics.estimate.Provenance] names the method, the factor set and its citations,
the library version and every assumption used, so that a published number can be traced and
reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from narcometrics import _checks as c
from narcometrics.errors import ValidationError
from narcometrics.factors import Citation, FactorSet, available, get

if TYPE_CHECKING:
    from narcometrics.citation import Format, Reference
    from narcometrics.estimate._record import Inputs

__all__ = ["RECORD_FORMAT", "Assumption", "Distribution", "Estimate", "Provenance", "Uncertain"]

#: The format tag of a provenance record
#: ([`Estimate.to_record`][narcometrics.estimate.Estimate.to_record]).
RECORD_FORMAT = "narcometrics-provenance/1"

FloatArray: TypeAlias = npt.NDArray[np.float64]
#: A float (scalar inputs) or a float64 array (array inputs).
Value: TypeAlias = float | FloatArray


def _freeze(value: Any) -> Value:
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return float(value)
        out = np.array(value, dtype=np.float64)
        out.flags.writeable = False
        return out
    return value  # type: ignore[no-any-return]


def _freeze_optional(value: Any) -> Value | None:
    return None if value is None else _freeze(value)


def _freeze_mapping(mapping: Mapping[float, Any] | None) -> Mapping[float, Value] | None:
    return None if mapping is None else {float(k): _freeze(v) for k, v in mapping.items()}


def _same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and bool(np.array_equal(a, b, equal_nan=True))
        )
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (a != a and b != b)
    return a == b


def _same_mapping(a: Mapping[float, Value] | None, b: Mapping[float, Value] | None) -> bool:
    if a is None or b is None:
        return a is b
    return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)


class Distribution(StrEnum):
    """How the Monte Carlo path draws an uncertain parameter over its range."""

    #: Triangular with its mode at the central value (``numpy`` ``triangular``).
    TRIANGULAR = "triangular"
    #: Uniform over the range (the central value is not used by the draws).
    UNIFORM = "uniform"


def _to_distribution(value: Distribution | str) -> Distribution:
    return c.to_enum(Distribution, value)  # type: ignore[return-value]


def _array_field() -> Any:
    return attrs.field(converter=_freeze, eq=attrs.cmp_using(eq=_same), hash=False)


def _to_input(value: Any) -> Any:
    # Lists and arrays of numbers to read-only float arrays, real numbers to float; anything
    # else (bools, strings) is left as it is, for the model to refuse with the parameter's
    # name.
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(value)
        except ValueError:
            return value
        if array.dtype.kind not in "iuf":
            return value
        return _freeze(array.astype(np.float64))
    return c.to_float(value)


def _input_field() -> Any:
    return attrs.field(converter=_to_input, eq=attrs.cmp_using(eq=_same), hash=False)


@attrs.frozen
class Uncertain:
    """A model parameter with a central value and a range.

    Pass one wherever a model accepts a parameter value (a plain number or array means
    the value is exact). Arrays broadcast like the model's other inputs; each element gets
    its own draw in the Monte Carlo path, while a scalar is drawn once per draw and shared.

    Attributes
    ----------
    central : float or numpy.ndarray
        The central value.
    low, high : float or numpy.ndarray
        The range; ``low <= central <= high`` element by element (checked by the model,
        which knows the parameter's name and bounds).
    distribution : Distribution or str
        ``triangular`` (mode at ``central``, the default) or ``uniform``.
    source : str or None
        Where the value and range come from; recorded in the estimate's provenance.

    Examples
    --------
    >>> from narcometrics.estimate import Uncertain
    >>> Uncertain(0.5, 1 / 3, 2 / 3).distribution.value
    'triangular'
    """

    central: Value = _input_field()
    low: Value = _input_field()
    high: Value = _input_field()
    distribution: Distribution = attrs.field(
        default=Distribution.TRIANGULAR,
        converter=_to_distribution,
        validator=c.v_enum(Distribution),
    )
    source: str | None = attrs.field(default=None, kw_only=True, validator=c.v_text(optional=True))


@attrs.frozen(kw_only=True)
class Assumption:
    """One parameter value a model used, with its unit and where it came from.

    Attributes
    ----------
    name : str
        The parameter, e.g. ``"replanting_share"``.
    value : float or None
        The central value used. For per-record values (``per_record``), their mean weighted
        by the records' amounts (e.g. eradicated area): the one value that gives the same
        central estimate.
    low, high : float or None
        The range used; for per-record values, the weighted means of the records' lows and
        highs (the smallest and largest record values are in ``source``).
    unit : str
        Unit of the value, e.g. ``"fraction"`` or ``"kg leaf/ha/yr"``.
    source : str
        Where it came from: a factor set value, a default of the model, or the caller.
    per_record : bool
        True when the model used one value per record (e.g. the harvested share from each
        record's date), summarised by ``value``, ``low`` and ``high``.
    records : int or None
        The number of per-record values (None for a single value).
    """

    name: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    source: str
    per_record: bool = False
    records: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (an undefined value, NaN, becomes ``None``)."""
        from narcometrics.serialize import result_json

        return {f.name: result_json(getattr(self, f.name)) for f in attrs.fields(Assumption)}


@attrs.frozen(kw_only=True)
class Provenance:
    """Everything needed to trace and reproduce an estimate.

    Attributes
    ----------
    method : str
        The model, e.g. ``"narcometrics.estimate.avoided_production"``.
    factor_set : str or None
        Id of the factor set used (None when the model uses none).
    citations : tuple of Citation
        The sources of the factor values used.
    library_version : str
        ``narcometrics.__version__`` when the estimate was made.
    assumptions : tuple of Assumption
        Every parameter value used, with its unit and source.
    note : str or None
        What the number means and what it leaves out.
    draws : int or None
        Monte Carlo draws, when the Monte Carlo path was used.
    seed : int or None
        The integer seed, when one was given (None for a ``numpy.random.Generator``).
    factor_set_digest : str or None
        SHA-256 of the factor set's content
        ([`FactorSet.digest`][narcometrics.factors.FactorSet.digest]), so an edited copy of
        a bundled set is told apart from the original.
    numpy_version : str
        The NumPy version: Monte Carlo draws are reproducible with the same seed and the
        same NumPy release.
    inputs : Inputs or None
        A read-only copy of every argument of the call (defaults included), kept by the public
        models so that the estimate can be replayed
        ([`narcometrics.replay`][narcometrics.provenance.replay]); None when not recorded
        (an estimate on Dask collections). Not compared by ``==``: the blocks of one call
        share one provenance.
    factor_sets : tuple of FactorSet
        Every factor set the call used (the flat set and, for the adjusted model, the
        adjustments), each once.
    """

    method: str
    factor_set: str | None
    citations: tuple[Citation, ...]
    library_version: str
    assumptions: tuple[Assumption, ...] = ()
    note: str | None = None
    draws: int | None = None
    seed: int | None = None
    factor_set_digest: str | None = None
    numpy_version: str = np.__version__
    inputs: Inputs | None = attrs.field(default=None, eq=False, repr=False)
    factor_sets: tuple[FactorSet, ...] = attrs.field(default=(), repr=False)

    def references(self) -> tuple[Reference, ...]:
        """The library release that computed the estimate, then every source behind the
        factors used, each once ([`references`][narcometrics.citation.references])."""
        from narcometrics.citation import references  # imported when a citation is asked for

        return references(self)

    def cite(self, format: Format = "text") -> str:
        """Cite the estimate: the narcometrics release and every factor source, each once.

        Parameters
        ----------
        format : {"text", "bibtex", "csl-json"}
            Plain text (one reference a line), BibTeX entries, or a CSL-JSON array.

        Examples
        --------
        >>> from narcometrics.estimate import avoided_production
        >>> text = avoided_production(22_165, "pe-gov-2017").provenance.cite()
        >>> print(text.splitlines()[1][:62])
        FIIAPP (2018). Peru: successful cooperation. FIIAPP blog (opin
        """
        from narcometrics.citation import format_references

        return format_references(self.references(), format)

    def cited(self) -> str:
        """The sources in short form, ``"publisher (year); ..."``, each once."""
        short = (f"{c.publisher} ({c.year})" if c.year else c.publisher for c in self.citations)
        return "; ".join(dict.fromkeys(short))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (citations and assumptions as lists of objects), through
        [`result_json`][narcometrics.serialize.result_json]; the arguments of the call keep
        their own exact encoding."""
        from narcometrics.serialize import result_json

        plain: dict[str, Any] = result_json(
            {
                "method": self.method,
                "factor_set": self.factor_set,
                "citations": self.citations,
                "library_version": self.library_version,
                "assumptions": self.assumptions,
                "note": self.note,
                "draws": self.draws,
                "seed": self.seed,
                "factor_set_digest": self.factor_set_digest,
                "numpy_version": self.numpy_version,
                "factor_sets": [factor_set_entry(fs) for fs in self.factor_sets],
            }
        )
        plain["inputs"] = None if self.inputs is None else self.inputs.encode()
        plain["inputs_digest"] = None if self.inputs is None else self.inputs.digest()
        return plain

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.provenance(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.provenance(self).html()


def factor_set_entry(factor_set: FactorSet) -> dict[str, Any]:
    """How a provenance record names a factor set: id, digest, whether it is the bundled set of
    that id, and its whole content when it is not (so a record replays without the file)."""
    entry: dict[str, Any] = {"id": factor_set.id, "digest": factor_set.digest()}
    entry["bundled"] = (
        factor_set.id in available() and get(factor_set.id).digest() == (entry["digest"])
    )
    if not entry["bundled"]:
        from narcometrics.serialize import result_json

        entry["content"] = result_json(factor_set)
    return entry


@attrs.frozen(kw_only=True)
class Estimate:
    """A model result: central value and range, with unit and provenance.

    ``low`` and ``high`` come from the factor and parameter ranges (each parameter at the
    end of its range that lowers or raises the result); with no range they equal
    ``central``. The Monte Carlo path adds ``mean`` and ``percentiles`` of the draws.

    Attributes
    ----------
    central, low, high : float or numpy.ndarray
        ``low <= central <= high``, in ``unit``.
    unit : str
        ``"t"`` (tonnes) unless stated otherwise, e.g. ``"kg"``.
    quantity : str
        What is measured, e.g. ``"cocaine hydrochloride (100 % pure)"``.
    provenance : Provenance
        Method, factor set, citations, library version and assumptions.
    mean : float or numpy.ndarray or None
        Monte Carlo mean.
    percentiles : mapping of float to float or numpy.ndarray, or None
        Monte Carlo percentiles, e.g. ``{5.0: ..., 50.0: ..., 95.0: ...}``.
    """

    central: Value = _array_field()
    low: Value = _array_field()
    high: Value = _array_field()
    unit: str
    quantity: str
    provenance: Provenance
    mean: Value | None = attrs.field(
        default=None,
        converter=_freeze_optional,
        eq=attrs.cmp_using(eq=_same),
        hash=False,
    )
    percentiles: Mapping[float, Value] | None = attrs.field(
        default=None,
        converter=_freeze_mapping,
        eq=attrs.cmp_using(eq=_same_mapping),
        hash=False,
    )

    def __attrs_post_init__(self) -> None:
        if np.any(np.greater(self.low, self.central)) or np.any(
            np.greater(self.central, self.high)
        ):
            raise ValidationError("Estimate", "must have low <= central <= high", self.central)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types: floats, or (nested) lists of floats for arrays, through
        [`result_json`][narcometrics.serialize.result_json]: an undefined value (NaN) is
        ``None``, as in every result's JSON.

        Percentile keys are strings (``"5"``, ``"50"``, ``"95"``), as JSON requires.
        """
        from narcometrics.serialize import result_json

        plain: dict[str, Any] = result_json(
            {
                "central": self.central,
                "low": self.low,
                "high": self.high,
                "unit": self.unit,
                "quantity": self.quantity,
                "mean": self.mean,
                "percentiles": None
                if self.percentiles is None
                else {f"{k:g}": v for k, v in self.percentiles.items()},
                "provenance": self.provenance,
            }
        )
        return plain

    def to_record(self, *, inputs: bool = True) -> dict[str, Any]:
        """The provenance record: everything needed to recompute the estimate and check it.

        [`to_dict`][narcometrics.estimate.Estimate.to_dict] with a ``"record"`` format tag: the
        result (central, low, high, mean, percentiles), the method, every argument of the call
        (or, with ``inputs=False``, only their SHA-256 digest), the factor sets (id, digest,
        content unless bundled), seed, draws, library and NumPy versions. Write it as JSON with
        [`narcometrics.provenance.write`][narcometrics.provenance.write]; replay it with
        [`narcometrics.replay`][narcometrics.provenance.replay].

        Parameters
        ----------
        inputs : bool
            Keep the arguments themselves (default). Without them (large or confidential
            inputs) a replay needs the arguments again and checks them against the digest.
        """
        record = {"record": RECORD_FORMAT, **self.to_dict()}
        if not inputs:
            record["provenance"]["inputs"] = None
        return record

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.estimate(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.estimate(self).html()
