"""The machinery shared by every model: parameters, validation, ranges and Monte Carlo.

A model is a pure function of named parameters ([`Term`][narcometrics.estimate._model.Term]), each
monotone in its parameter (``increasing`` says which way). The analytic range evaluates the model
with every parameter at the end of its range that lowers (``low``) or raises (``high``) the result.
The Monte Carlo path draws every uncertain parameter from its own random stream (one child of the
seed per parameter, in the model's parameter order) over all regions and a chunk of draws at once,
so that the result does not depend on the chunk size and fixing one parameter leaves the draws of
the others unchanged.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeAlias

import attrs
import numpy as np
from numpy.typing import ArrayLike

from narcometrics import _checks as c
from narcometrics._version import __version__
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.estimate import _montecarlo as mc
from narcometrics.estimate.result import (
    Assumption,
    Distribution,
    Estimate,
    FloatArray,
    Provenance,
    Uncertain,
    Value,
)
from narcometrics.factors import Citation, Factor, FactorSet, get

#: Elements of one Monte Carlo chunk (draws x regions); bounds the working memory.
CHUNK_ELEMENTS = 1 << 18
#: Percentiles returned by the Monte Carlo path unless others are asked for.
DEFAULT_PERCENTILES = (5.0, 50.0, 95.0)

Model = Callable[[Mapping[str, FloatArray]], FloatArray]

#: What a model parameter accepts: a number, numbers per region (any array-like, e.g. a
#: list, a numpy array or a pandas Series), or an [`Uncertain`][narcometrics.estimate.Uncertain]
#: range of either.
Quantity: TypeAlias = ArrayLike | Uncertain
#: What a date parameter accepts: a `datetime.date`, ISO text, or an array of dates
#: (datetime64, date objects or ISO text), one per region.
Dates: TypeAlias = _dt.date | ArrayLike


class Domain(StrEnum):
    """The domain of a parameter: the values it may take."""

    NON_NEGATIVE = ">= 0"
    POSITIVE = "> 0"
    FRACTION = "within [0, 1]"
    FRACTION_OPEN = "within (0, 1]"


def _bad(domain: Domain, values: FloatArray) -> Any:
    if domain is Domain.NON_NEGATIVE:
        return ~(values >= 0)
    if domain is Domain.POSITIVE:
        return ~(values > 0)
    if domain is Domain.FRACTION:
        return ~((values >= 0) & (values <= 1))
    return ~((values > 0) & (values <= 1))


def as_array(name: str, value: object, domain: Domain) -> FloatArray:
    """Validate a plain number or array_like and return it as a float64 array.

    Raises ValidationError naming ``name`` (with the index of the first bad element) for
    non-real values, NaN, infinity or values outside ``domain``.
    """
    if isinstance(value, (list, tuple)):
        try:
            value = np.asarray(value)
        except ValueError:
            raise ValidationError(name, "must be a real number or a rectangular array") from None
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            raise ValidationError(name, f"must hold real numbers, not {value.dtype}", value)
        array = np.asarray(value, dtype=np.float64)
        where = ~np.isfinite(array)
        problem = "must be finite"
        if not where.any():
            where, problem = _bad(domain, array), f"must be {domain.value}"
        if where.any():
            index = tuple(int(i) for i in np.argwhere(where)[0])
            label = name if array.ndim == 0 else f"{name}[{', '.join(map(str, index))}]"
            raise ValidationError(label, problem, float(array[index]))
        return array + 0.0  # a copy, with -0.0 as 0.0: never a negative zero tonnage
    number = c.check_real(name, value)
    if _bad(domain, np.asarray(number)):
        raise ValidationError(name, f"must be {domain.value}", value)
    return np.asarray(number + 0.0, dtype=np.float64)


@attrs.frozen(kw_only=True, eq=False)
class Term:
    """One model parameter: central value and range, broadcast to a common shape."""

    name: str
    central: FloatArray
    low: FloatArray
    high: FloatArray
    distribution: Distribution
    increasing: bool
    unit: str
    source: str
    record: bool = True
    citations: tuple[Citation, ...] = ()
    #: Draws the term in the Monte Carlo path instead of the per-element distribution:
    #: ``sampler(rng, n, ndim)`` returns ``n`` draws shaped as ``draw`` returns them.
    sampler: Callable[[np.random.Generator, int, int], FloatArray] | None = None

    @property
    def uncertain(self) -> bool:
        return bool(np.any(self.low < self.high))

    def at(self, end: str) -> FloatArray:
        if end == "central":
            return self.central
        return self.low if (end == "low") == self.increasing else self.high

    def assumption(self, weights: FloatArray | None = None) -> Assumption:
        """The term as an [`Assumption`][narcometrics.estimate.Assumption]; an array term is
        summarised by its means weighted by ``weights`` (the model's amounts, e.g. area)."""
        if self.central.ndim == 0:
            return Assumption(
                name=self.name,
                value=float(self.central),
                low=float(self.low),
                high=float(self.high),
                unit=self.unit,
                source=self.source,
            )
        if not self.central.size:
            return Assumption(
                name=self.name,
                value=None,
                low=None,
                high=None,
                unit=self.unit,
                source=f"{self.source} (no records)",
                per_record=True,
                records=0,
            )
        w = np.ones(self.central.shape) if weights is None else weights
        try:
            w = np.broadcast_to(w, self.central.shape)
        except ValueError:
            w = np.ones(self.central.shape)
        if not np.sum(w) > 0:
            w = np.ones(self.central.shape)
        low, high = float(np.min(self.low)), float(np.max(self.high))
        return Assumption(
            name=self.name,
            value=float(np.average(self.central, weights=w)),
            low=float(np.average(self.low, weights=w)),
            high=float(np.average(self.high, weights=w)),
            unit=self.unit,
            source=f"{self.source}: one value per record (shape {self.central.shape}), "
            f"from {float(np.min(self.central)):.4g} to {float(np.max(self.central)):.4g}, "
            f"ranges within {low:.4g} to {high:.4g}; value, low and high are their "
            "amount-weighted means",
            per_record=True,
            records=int(self.central.size),
        )


def term(
    name: str,
    value: object,
    *,
    domain: Domain,
    increasing: bool,
    unit: str,
    source: str = "given by the caller",
    record: bool = True,
    citations: Sequence[Citation] = (),
) -> Term:
    """A [`Term`][narcometrics.estimate._model.Term] from a number, an array_like, an
    [`Uncertain`][narcometrics.estimate.Uncertain] or a
    [`Factor`][narcometrics.factors.Factor] (whose citations it carries)."""
    if isinstance(value, Factor):
        return factor_term(
            name, value, set_id=None, domain=domain, increasing=increasing, unit=unit
        )
    distribution = Distribution.TRIANGULAR
    if isinstance(value, Uncertain):
        central = as_array(name, value.central, domain)
        low = as_array(f"{name}.low", value.low, domain)
        high = as_array(f"{name}.high", value.high, domain)
        distribution = value.distribution
        source = value.source or source
    else:
        central = low = high = as_array(name, value, domain)
    try:
        central, low, high = np.broadcast_arrays(central, low, high)
    except ValueError:
        raise ValidationError(name, "central, low and high must broadcast together") from None
    if np.any(low > central):
        raise ValidationError(f"{name}.low", "must be <= central", _first(low[low > central]))
    if np.any(central > high):
        raise ValidationError(f"{name}.high", "must be >= central", _first(high[central > high]))
    return Term(
        name=name,
        central=central,
        low=low,
        high=high,
        distribution=distribution,
        increasing=increasing,
        unit=unit,
        source=source,
        record=record,
        citations=tuple(citations),
    )


def amount(name: str, value: object, unit: str) -> Term:
    """The model's input quantity (an area, a mass): >= 0, exact, not an assumption."""
    return term(name, value, domain=Domain.NON_NEGATIVE, increasing=True, unit=unit, record=False)


def _first(values: FloatArray) -> float:
    return float(values.flat[0])


def factor_term(
    name: str,
    factor: Factor,
    *,
    set_id: str | None,
    domain: Domain,
    increasing: bool,
    unit: str,
    distribution: Distribution = Distribution.TRIANGULAR,
) -> Term:
    """A [`Term`][narcometrics.estimate._model.Term] from a factor value (of the set ``set_id``),
    checking its unit."""
    where = f"{set_id}.{factor.name}" if set_id else factor.name
    if factor.unit != unit:
        raise ValidationError(f"{where}.unit", f"must be {unit!r} for this model", factor.unit)
    low = factor.value if factor.low is None else factor.low
    high = factor.value if factor.high is None else factor.high
    year = "" if factor.year is None else f" {factor.year}"
    source = f"{set_id + ': ' if set_id else ''}{factor.name}{year} ({factor.status.value})"
    return term(
        name,
        Uncertain(factor.value, low, high, distribution, source=source),
        domain=domain,
        increasing=increasing,
        unit=unit,
        citations=factor.citations,
    )


def need(factor_set: FactorSet, name: str, year: int | None = None) -> Factor:
    """The value ``name`` of ``factor_set``, or a ValidationError naming ``factors``."""
    if not factor_set.has(name):
        raise ValidationError(
            "factors",
            f"{factor_set.id} has no {name} (it has: {', '.join(factor_set.names)})",
            factor_set.id,
        )
    return factor_set.get(name, year)


def resolve(factors: FactorSet | str, *families: str) -> FactorSet:
    """A factor set from a set or a bundled id, checked to belong to one of ``families``."""
    if isinstance(factors, str):
        try:
            factor_set = get(factors)
        except UnknownNameError as exc:
            raise UnknownNameError("factors", factors, exc.valid) from None
    elif isinstance(factors, FactorSet):
        factor_set = factors
    else:
        raise ValidationError(
            "factors", f"must be a FactorSet or an id, not {type(factors).__name__}", factors
        )
    if families and factor_set.method.value not in families:
        raise ValidationError(
            "factors",
            f"must be a set of method family {' or '.join(families)}, "
            f"not {factor_set.method.value}",
            factor_set.id,
        )
    return factor_set


def check_seed(draws: object, seed: object) -> tuple[int | None, int | None]:
    """Validate ``draws`` and ``seed`` together; a seed is required with draws."""
    if draws is None:
        if seed is not None:
            raise ValidationError("seed", "has no effect without draws", seed)
        return None, None
    count = c.check_count("draws", draws, minimum=1)
    if seed is None:
        raise ValidationError(
            "seed", "is required when draws is given (an int or a numpy.random.Generator)"
        )
    if isinstance(seed, np.random.Generator):
        return count, None
    return count, c.check_count("seed", seed)


def _children(seed: int | np.random.Generator, n: int) -> list[np.random.Generator]:
    if isinstance(seed, np.random.Generator):
        return seed.spawn(n)
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]


def draw(term: Term, rng: np.random.Generator, n: int, ndim: int) -> FloatArray:
    """``n`` draws of ``term``, shaped ``(n, *shape)`` with the term's own shape padded on
    the left to ``ndim`` axes (a scalar parameter gets one draw per draw, shared by every
    region), or its central value when it has no range."""
    if term.sampler is not None:
        return term.sampler(rng, n, ndim)
    if not term.uncertain:
        return term.central
    shape = (1,) * (ndim - term.central.ndim) + term.central.shape
    low, mode, high = (a.reshape(shape) for a in (term.low, term.central, term.high))
    size = (n, *shape)
    if term.distribution is Distribution.UNIFORM:
        return rng.uniform(low, high, size=size)
    if np.all(low < high):
        return rng.triangular(low, mode, high, size=size)
    # Some elements have no range and numpy refuses left == right: invert the CDF the way
    # numpy does (one uniform per draw), which gives the same numbers where both apply.
    u = rng.random(size)
    base = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (mode - low) / base
        left = low + np.sqrt(u * ((mode - low) * base))
        right = high - np.sqrt((1.0 - u) * ((high - mode) * base))
    out: FloatArray = np.where(base > 0, np.where(u <= ratio, left, right), low)
    return out


def _zone_axis(zone_axis: object, ndim: int) -> int | None:
    if zone_axis is None:
        return None
    axis = c.check_count("zone_axis", zone_axis, minimum=-ndim) if ndim else None
    if axis is None or axis >= ndim:
        raise ValidationError(
            "zone_axis", f"must be an axis of the inputs' shape ({ndim} axes)", zone_axis
        )
    return axis % ndim


def _percentiles(percentiles: Sequence[float]) -> tuple[float, ...]:
    if isinstance(percentiles, (str, bytes)) or not isinstance(percentiles, Sequence):
        raise ValidationError("percentiles", "must be a sequence of numbers", percentiles)
    out = []
    for q in percentiles:
        number = c.check_real("percentiles", q)
        if not 0 <= number <= 100:
            raise ValidationError("percentiles", "must be within [0, 100]", q)
        out.append(number)
    if not out:
        raise ValidationError("percentiles", "must not be empty", percentiles)
    return tuple(out)


def _out(value: FloatArray) -> Value:
    return float(value) if value.ndim == 0 else value


def run(
    *,
    method: str,
    quantity: str,
    unit: str,
    terms: Sequence[Term],
    model: Model,
    factor_set: FactorSet | None,
    note: str | None,
    draws: object = None,
    seed: object = None,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    zone_axis: object = None,
) -> Estimate:
    """Evaluate ``model`` at the central values and the ends of the ranges, and by Monte
    Carlo when ``draws`` is given; return an [`Estimate`][narcometrics.estimate.Estimate] with its
    provenance."""
    n_draws, int_seed = check_seed(draws, seed)
    qs = _percentiles(percentiles) if n_draws is not None else ()
    try:
        shape = np.broadcast_shapes(*(t.central.shape for t in terms))
    except ValueError:
        shapes = ", ".join(f"{t.name} {t.central.shape}" for t in terms)
        raise ValidationError("shape", f"inputs must broadcast together: {shapes}") from None
    axis = _zone_axis(zone_axis, len(shape))
    if n_draws is not None:
        outputs = math.prod(shape if axis is None else shape[:axis] + shape[axis + 1 :])
        mc.check_memory(n_draws, outputs, len(qs))

    def evaluate(end: str) -> FloatArray:
        result = np.broadcast_to(model({t.name: t.at(end) for t in terms}), shape)
        return np.asarray(result.sum(axis=axis) if axis is not None else result, dtype=float)

    central, low, high = evaluate("central"), evaluate("low"), evaluate("high")
    mean = pct = None
    if n_draws is not None:
        mean, pct = _monte_carlo(terms, model, shape, n_draws, seed, axis, qs, low, high)  # type: ignore[arg-type]
    provenance = Provenance(
        method=method,
        factor_set=None if factor_set is None else factor_set.id,
        factor_set_digest=None if factor_set is None else factor_set.digest(),
        citations=tuple(dict.fromkeys(c for t in terms for c in t.citations)),
        library_version=__version__,
        assumptions=tuple(t.assumption(_weights(terms, shape)) for t in terms if t.record),
        note=note,
        draws=n_draws,
        seed=int_seed,
    )
    return Estimate(
        central=_out(central),
        low=_out(low),
        high=_out(high),
        unit=unit,
        quantity=quantity,
        provenance=provenance,
        mean=None if mean is None else _out(mean),
        percentiles=None if pct is None else {q: _out(v) for q, v in zip(qs, pct, strict=True)},
    )


def _weights(terms: Sequence[Term], shape: tuple[int, ...]) -> FloatArray | None:
    """The model's amounts (the non-assumption terms, e.g. area) broadcast to ``shape``."""
    amounts = [t.central for t in terms if not t.record]
    if not amounts or not shape:
        return None
    try:
        return np.broadcast_to(np.prod(np.broadcast_arrays(*amounts), axis=0), shape)
    except ValueError:
        return None


def _monte_carlo(
    terms: Sequence[Term],
    model: Model,
    shape: tuple[int, ...],
    draws: int,
    seed: int | np.random.Generator,
    axis: int | None,
    qs: tuple[float, ...],
    low: FloatArray,
    high: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    rngs = _children(seed, len(terms))
    out_shape = shape if axis is None else shape[:axis] + shape[axis + 1 :]
    ndim = len(shape)
    outputs = math.prod(out_shape)

    def values(streams: Sequence[np.random.Generator], n: int) -> FloatArray:
        drawn = {t.name: draw(t, rng, n, ndim) for t, rng in zip(terms, streams, strict=True)}
        result = np.broadcast_to(model(drawn), (n, *shape))
        return result.sum(axis=axis + 1) if axis is not None else result

    if draws * outputs * 8 > mc.FULL_BYTES:
        # Bounded memory: the same streams, replayed for each pass, summarised exactly.
        def make_chunks() -> mc.Chunk:
            streams = mc.fresh(rngs)
            return lambda start, n: values(streams, n).reshape(n, outputs)

        total, spread = mc.summarise(make_chunks, draws, outputs, qs, low, high)
        return total.reshape(out_shape), spread.reshape((len(qs), *out_shape))
    # Draws on the last axis: the percentiles then partition contiguous rows, in place.
    out = np.empty((*out_shape, draws))
    chunk = max(1, CHUNK_ELEMENTS // max(1, math.prod(shape)))
    for start in range(0, draws, chunk):
        n = min(chunk, draws - start)
        out[..., start : start + n] = np.moveaxis(values(rngs, n), 0, -1)
    mean: FloatArray = out.mean(axis=-1)
    pct: FloatArray = np.percentile(out, qs, axis=-1, overwrite_input=True)
    return mean, pct
