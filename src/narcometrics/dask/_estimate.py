"""Estimation models applied block by block to Dask arrays and series, with provenance."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd  # type: ignore[import-untyped]
from dask.base import compute

from narcometrics import _checks as c
from narcometrics.dask._errors import in_block, in_partition
from narcometrics.errors import ValidationError
from narcometrics.estimate import Estimate, Provenance

__all__ = ["DaskEstimate", "estimate_map"]

#: Where a Dask argument sits in the call: a position (int) or a keyword (str).
Slot = int | str


def _is_collection(value: object) -> bool:
    return isinstance(value, (da.Array, dd.Series, dd.DataFrame))


def _stand_in(value: da.Array | dd.Series, extra_axis: bool) -> np.ndarray[Any, Any]:
    """A tiny array of the collection's dtype: one element, on ``ndim`` (or one more) axes.

    Ones for numbers (a valid value for every parameter kind of the models: >= 0, > 0,
    a fraction), the epoch for dates. Used only to work out the provenance.
    """
    ndim = 1 if isinstance(value, dd.Series) else value.ndim
    shape = (1,) * (ndim + extra_axis)
    try:
        dtype = np.dtype(value.dtype)
    except TypeError:  # a pandas extension type
        dtype = np.dtype(np.float64)
    if dtype.kind == "M":
        return np.zeros(shape, dtype=dtype)
    return np.ones(shape, dtype=dtype if dtype.kind in "iuf" else np.float64)


@attrs.frozen(kw_only=True, eq=False)
class _Call:
    """One model call with the Dask arguments left as slots, run on each block."""

    model: Callable[..., Estimate]
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]
    slots: tuple[Slot, ...]

    def filled(self, values: tuple[Any, ...]) -> Estimate:
        args, kwargs = list(self.args), dict(self.kwargs)
        for slot, value in zip(self.slots, values, strict=True):
            if isinstance(slot, int):
                args[slot] = value
            else:
                kwargs[slot] = value
        return self.model(*args, **kwargs)


def _components(estimate: Estimate) -> list[Any]:
    parts = [estimate.central, estimate.low, estimate.high]
    if estimate.mean is not None:
        parts.append(estimate.mean)
    if estimate.percentiles is not None:
        parts.extend(estimate.percentiles.values())
    return parts


def _names(reference: Estimate) -> list[str]:
    names = ["central", "low", "high"]
    if reference.mean is not None:
        names.append("mean")
    if reference.percentiles is not None:
        names.extend(f"p{q:g}" for q in reference.percentiles)
    return names


def _check_block(estimate: Estimate, provenance: Provenance, shape: tuple[int, ...]) -> None:
    if estimate.provenance != provenance:
        raise ValidationError(
            "provenance", "differs between blocks; pass parameters as plain values"
        )
    if np.shape(estimate.central) != shape:
        raise ValidationError(
            "shape",
            f"the model gave shape {np.shape(estimate.central)} for a block of shape {shape}: "
            "arguments that are not Dask collections must not add or stretch axes",
        )


@attrs.frozen(kw_only=True, eq=False)
class _ArrayBlocks:
    """The block function for Dask arrays: one stacked float array per block."""

    call: _Call
    provenance: Provenance

    def __call__(self, *blocks: Any, block_info: Any = None) -> np.ndarray[Any, Any]:
        info = block_info[0] if block_info else None
        try:
            estimate = self.call.filled(blocks)
            shape = np.broadcast_shapes(*(np.shape(b) for b in blocks))
            _check_block(estimate, self.provenance, shape)
        except ValidationError as error:
            if info is None:
                raise
            where = tuple(info["chunk-location"])
            start = [lo for lo, _ in info["array-location"]]
            raise in_block(error, where, start) from None
        return np.stack([np.asarray(v, dtype=np.float64) for v in _components(estimate)])


@attrs.frozen(kw_only=True, eq=False)
class _SeriesPartitions:
    """The partition function for Dask series: a frame of the estimate's columns."""

    call: _Call
    provenance: Provenance
    names: tuple[str, ...]

    def __call__(self, *series: Any, partition_info: Any = None) -> pd.DataFrame:
        index = series[0].index
        for other in series[1:]:
            if not other.index.equals(index):
                raise ValidationError("series", "must share their index (one dataframe)")
        arrays = tuple(s.to_numpy() for s in series)
        try:
            estimate = self.call.filled(arrays)
            _check_block(estimate, self.provenance, (len(index),))
        except ValidationError as error:
            if not partition_info:
                raise
            raise in_partition(error, partition_info["number"], index, elements=True) from None
        return pd.DataFrame(
            {
                n: np.asarray(v, np.float64)
                for n, v in zip(self.names, _components(estimate), strict=True)
            },
            index=index,
        )


@attrs.frozen(kw_only=True, eq=False)
class DaskEstimate:
    """A model result on Dask collections: lazy values, one provenance.

    Built by [`estimate_map`][narcometrics.dask.estimate_map]. The values are Dask arrays (for array
    inputs) or Dask series with the input's index (for series inputs), computed when asked for;
    [`compute`][narcometrics.dask.DaskEstimate.compute] gives the in-memory
    [`Estimate`][narcometrics.estimate.Estimate].

    Attributes
    ----------
    central, low, high : dask.array.Array or dask.dataframe.Series
        ``low <= central <= high`` element by element, in ``unit``.
    unit : str
        As in the in-memory estimate, e.g. ``"t"``.
    quantity : str
        What is measured.
    provenance : Provenance
        The provenance every block shares, equal to the in-memory model's.
    mean : dask.array.Array or dask.dataframe.Series or None
        Monte Carlo mean, when ``draws`` was given.
    percentiles : dict of float to dask.array.Array or dask.dataframe.Series, or None
        Monte Carlo percentiles, when ``draws`` was given.
    """

    central: Any
    low: Any
    high: Any
    unit: str
    quantity: str
    provenance: Provenance
    mean: Any = None
    percentiles: dict[float, Any] | None = None

    def compute(self, *, scheduler: Any = None) -> Estimate:
        """Compute every value in one pass and return the in-memory Estimate."""
        lazy = [self.central, self.low, self.high, self.mean, self.percentiles or {}]
        central, low, high, mean, percentiles = compute(*lazy, scheduler=scheduler)  # type: ignore[no-untyped-call]

        def plain(value: Any) -> Any:
            return value.to_numpy() if isinstance(value, pd.Series) else value

        return Estimate(
            central=plain(central),
            low=plain(low),
            high=plain(high),
            unit=self.unit,
            quantity=self.quantity,
            provenance=self.provenance,
            mean=None if mean is None else plain(mean),
            percentiles=None
            if self.percentiles is None
            else {q: plain(v) for q, v in percentiles.items()},
        )

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.dask_estimate(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.dask_estimate(self).html()


def _slot_name(model: Callable[..., Any], slot: Slot) -> str:
    if isinstance(slot, str):
        return slot
    try:
        names = list(inspect.signature(model).parameters)
    except (TypeError, ValueError):
        names = []
    return names[slot] if slot < len(names) else f"argument {slot}"


def _reference(call: _Call, dask_args: list[Any]) -> Estimate:
    """The model on one-element stand-ins; refuse Dask values that the provenance records."""
    first = call.filled(tuple(_stand_in(a, False) for a in dask_args))
    for i, slot in enumerate(call.slots):
        values = [_stand_in(a, j == i) for j, a in enumerate(dask_args)]
        if call.filled(tuple(values)).provenance != first.provenance:
            raise ValidationError(
                _slot_name(call.model, slot),
                "is recorded in the estimate's provenance (a model parameter, not an input "
                "amount), so it cannot vary by block: pass a number, an Uncertain, a Factor "
                "or a numpy array that broadcasts against every block",
            )
    return first


def _check_draws(kwargs: Mapping[str, Any], zone_axis: Any) -> None:
    if kwargs.get("draws") is None:
        return
    seed = kwargs.get("seed")
    if isinstance(seed, np.random.Generator):
        raise ValidationError(
            "seed",
            "must be an int on Dask collections: every block draws from the same seed, "
            "which a Generator (changed by each use) cannot give",
        )
    if zone_axis is not None:
        raise ValidationError(
            "zone_axis",
            "cannot be combined with draws on Dask collections: percentiles of a sum are "
            "not sums of percentiles; sum the central, low and high values instead",
        )


def _dask_slots(
    model: Callable[..., Estimate], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[list[Slot], list[Any]]:
    """Where the Dask arguments are (positions and keywords) and the arguments themselves."""
    slots: list[Slot] = [i for i, a in enumerate(args) if _is_collection(a)]
    slots += [k for k, v in kwargs.items() if _is_collection(v)]
    dask_args = [args[s] if isinstance(s, int) else kwargs[s] for s in slots]
    if not dask_args:
        raise ValidationError("args", "no Dask array or series given; call the model directly")
    for slot, value in zip(slots, dask_args, strict=True):
        if isinstance(value, dd.DataFrame):
            raise ValidationError(
                _slot_name(model, slot), "must be a Dask series (one column), not a dataframe"
            )
    if len({type(a) for a in dask_args}) > 1:
        raise ValidationError("args", "give Dask arrays or Dask series, not both")
    return slots, dask_args


def _series_values(
    call: _Call, reference: Estimate, names: list[str], dask_args: list[Any], zone_axis: Any
) -> list[Any]:
    """The model per partition of Dask series: one lazy series per output value."""
    if zone_axis is not None:
        raise ValidationError("zone_axis", "applies to Dask arrays; sum the result series instead")
    meta = pd.DataFrame({n: pd.Series(dtype=np.float64) for n in names})
    fn = _SeriesPartitions(call=call, provenance=reference.provenance, names=tuple(names))
    frame = dd.map_partitions(  # type: ignore[no-untyped-call]
        fn, *dask_args, meta=meta, align_dataframes=False
    )
    return [frame[n] for n in names]


def _array_values(
    call: _Call, reference: Estimate, names: list[str], dask_args: list[Any], zone_axis: Any
) -> list[Any]:
    """The model per block of Dask arrays: one lazy array per output value, summed over
    ``zone_axis`` when given."""
    arrays = da.broadcast_arrays(*dask_args)
    arrays = [arrays[0], *(a.rechunk(arrays[0].chunks) for a in arrays[1:])]
    blocks = _ArrayBlocks(call=call, provenance=reference.provenance)
    stacked = da.map_blocks(  # type: ignore[no-untyped-call]
        blocks,
        *arrays,
        new_axis=0,
        chunks=((len(names),), *arrays[0].chunks),
        dtype=np.float64,
        meta=np.empty((0,) * (arrays[0].ndim + 1)),
    )
    values = [stacked[i] for i in range(len(names))]
    if zone_axis is None:
        return values
    ndim = arrays[0].ndim
    axis = c.check_count("zone_axis", zone_axis, minimum=-ndim) if ndim else ndim
    if axis >= ndim:
        raise ValidationError(
            "zone_axis", f"must be an axis of the inputs ({ndim} axes)", zone_axis
        )
    return [v.sum(axis=axis % ndim) for v in values]


def estimate_map(
    model: Callable[..., Estimate], /, *args: Any, zone_axis: int | None = None, **kwargs: Any
) -> DaskEstimate:
    """Apply an estimation model to Dask arrays or series, block by block.

    Parameters
    ----------
    model : callable
        A model of [`narcometrics.estimate`][narcometrics.estimate] (or any function returning an
        [`Estimate`][narcometrics.estimate.Estimate] element by element), e.g.
        [`avoided_production`][narcometrics.estimate.avoided_production].
    *args, **kwargs
        The model's arguments. The input amounts (``area_ha``, ``mass_kg``, ``leaf_t``,
        ...) may be Dask arrays (broadcast together and aligned to the first one's
        chunks) or Dask series of one dataframe (same partitions); every other argument
        is passed unchanged to each block and must broadcast against it. Parameters
        that the provenance records (a yield, a purity, a share) cannot be Dask
        collections: their provenance would differ by block. The Monte Carlo options
        ``draws``, ``seed`` (an ``int``) and ``percentiles`` go to every block; see Notes.
    zone_axis : int, optional
        For Dask arrays: sum the results over this axis after the blocks are computed.

    Returns
    -------
    DaskEstimate
        Lazy central, low and high values (and Monte Carlo mean and percentiles), with
        the provenance the in-memory model gives.

    Raises
    ------
    ValidationError
        For a parameter given as a Dask collection, a Generator seed or ``draws`` with
        ``zone_axis``, now; for bad values, when computed, each problem naming its partition or
        block ([`PartitionProblem`][narcometrics.dask.PartitionProblem]) and, for arrays, the
        element's index in the whole array.

    Notes
    -----
    The provenance is worked out once, by calling the model on one-element stand-ins
    for the Dask arguments; each block checks that its own provenance is the same.

    Monte Carlo: every block draws with the same seed. The models draw a scalar
    parameter once per draw, shared by every element, and an array parameter per
    element of its own shape, so each element gets the draws it gets in memory and the
    mean and percentiles equal the in-memory ones. A block holds ``draws`` values per
    element while it is computed (8 bytes each): choose chunks accordingly.

    Examples
    --------
    >>> import dask.array as da
    >>> import numpy as np
    >>> from narcometrics.dask import estimate_map
    >>> from narcometrics.estimate import avoided_production
    >>> area = da.from_array(np.array([22_165.0, 22_885.0, 0.0]), chunks=2)
    >>> result = estimate_map(avoided_production, area, "pe-gov-2017")
    >>> result.compute(scheduler="sync").central.round(1).tolist()
    [204.8, 211.5, 0.0]
    """
    _check_draws(kwargs, zone_axis)
    slots, dask_args = _dask_slots(model, args, kwargs)
    call = _Call(model=model, args=tuple(args), kwargs=kwargs, slots=tuple(slots))
    reference = _reference(call, dask_args)
    names = _names(reference)
    if isinstance(dask_args[0], dd.Series):
        values = _series_values(call, reference, names, dask_args, zone_axis)
    else:
        values = _array_values(call, reference, names, dask_args, zone_axis)
    n_pct = 0 if reference.percentiles is None else len(reference.percentiles)
    return DaskEstimate(
        central=values[0],
        low=values[1],
        high=values[2],
        unit=reference.unit,
        quantity=reference.quantity,
        # The stand-ins' arguments are not the inputs: the record says none were kept.
        provenance=attrs.evolve(reference.provenance, inputs=None),
        mean=values[3] if reference.mean is not None else None,
        percentiles=None
        if reference.percentiles is None
        else dict(zip(reference.percentiles, values[len(values) - n_pct :], strict=True)),
    )
