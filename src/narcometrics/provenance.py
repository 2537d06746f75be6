"""Provenance records: write an estimate down, replay it later, see what changed.

Every public model keeps what it was called with in the estimate's provenance.
[`write`][narcometrics.provenance.write] saves an estimate as a JSON provenance record
([`Estimate.to_record`][narcometrics.estimate.Estimate.to_record]): the result, the method, its
arguments (or their digest), the factor sets (id and digest), seed, draws, and the library and
NumPy versions. [`replay`][narcometrics.provenance.replay] recomputes it with the installed
release: the same numbers bit for bit on the same versions, or the differences named (a factor
set whose content changed, another library or NumPy version) with how far each number moved.
A report's JSON (``narcometrics report --format json``) holds a record for each of its estimates
and replays the same way.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from narcometrics import _json
from narcometrics._paths import read_regular
from narcometrics._version import __version__
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.estimate import Estimate
from narcometrics.estimate._record import decode, digest, factor_set_from_dict
from narcometrics.estimate.result import RECORD_FORMAT
from narcometrics.factors import FactorSet, available, get

__all__ = ["Change", "Replay", "read", "replay", "write"]

#: The models a record may name (``narcometrics.estimate.<name>``); nothing else is called.
REPLAYABLE = (
    "avoided_production",
    "avoided_production_adjusted",
    "leaf_production",
    "potential_production",
    "potential_production_fresh_leaf",
    "pure_equivalent",
)
_COMPONENTS = ("central", "low", "high", "mean")


@attrs.frozen(kw_only=True)
class Change:
    """How far one number of an estimate moved on replay.

    Attributes
    ----------
    name : str
        ``central``, ``low``, ``high``, ``mean`` or a percentile (``p95``).
    recorded, replayed : float
        The recorded and the replayed value (for arrays: the element that moved most).
    difference : float
        ``replayed - recorded``, in the estimate's unit (NaN when one side is missing).
    relative : float
        ``difference / |recorded|`` [fraction]; NaN when ``recorded`` is 0.
    """

    name: str
    recorded: float
    replayed: float
    difference: float
    relative: float

    def __str__(self) -> str:
        relative = "" if math.isnan(self.relative) else f", {self.relative:+.3%}"
        return (
            f"{self.name} moved from {self.recorded!r} to {self.replayed!r} "
            f"({self.difference:+.6g}{relative})"
        )


@attrs.frozen(kw_only=True)
class Replay:
    """The outcome of replaying one provenance record.

    Attributes
    ----------
    where : str
        Which record: ``"$"`` for a record file, a JSON path in a larger document
        (``"$.eradication.avoided_production_up_to"``).
    method : str
        The model that was called.
    same : bool
        Every number came out bit for bit as recorded.
    differences : tuple of str
        What differs between the recorded call and this one (factor set content, versions),
        one sentence each.
    changes : tuple of Change
        Every number that moved, and by how much.
    estimate : Estimate or None
        The replayed estimate (None when it could not be recomputed).
    problem : str or None
        Why the record could not be replayed, when it could not.
    """

    where: str
    method: str
    same: bool
    differences: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()
    estimate: Estimate | None = None
    problem: str | None = None

    def __str__(self) -> str:
        head = f"{self.where}: {self.method.rsplit('.', 1)[-1]}"
        if self.problem is not None:
            return f"{head}: cannot replay: {self.problem}"
        if self.same:
            lines = [f"{head}: reproduced bit for bit"]
        else:
            lines = [f"{head}: differs"]
            lines.extend(f"  {change}" for change in self.changes)
        if self.differences:
            lines.append("  what differs from the recorded run:")
            lines.extend(f"  - {d}" for d in self.differences)
        return "\n".join(lines)


def write(estimate: Estimate, path: str | os.PathLike[str], *, inputs: bool = True) -> Path:
    """Write an estimate's provenance record as JSON (UTF-8).

    Parameters
    ----------
    estimate : Estimate
        Any estimate from a public model.
    path : str or path-like
        The file to write.
    inputs : bool
        Keep the arguments themselves (default) or only their digest.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from narcometrics.estimate import avoided_production
    >>> from narcometrics.provenance import replay, write
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "avoided.json"
    >>> _ = write(avoided_production(22_165, "pe-gov-2017"), path)
    >>> replay(path)[0].same
    True
    """
    if not isinstance(estimate, Estimate):
        raise TypeError(f"write takes an Estimate, not {type(estimate).__name__}")
    record = estimate.to_record(inputs=inputs)
    text = json.dumps(record, indent=1, ensure_ascii=False, allow_nan=False)
    out = Path(path)
    out.write_text(text + "\n", encoding="utf-8")
    return out


def read(path: str | os.PathLike[str]) -> Any:
    """Read a record file (or a report's JSON) as plain JSON, with clear errors naming the
    file (the library's strict JSON: repeated keys, NaN and over-long integers refused)."""
    name = os.fspath(path)
    return _json.loads(read_regular(path, name), path=name)


def _records(document: Any, where: str = "$") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every estimate record in a JSON document, with its JSON path."""
    if isinstance(document, Mapping):
        provenance = document.get("provenance")
        if isinstance(provenance, Mapping) and "method" in provenance and "central" in document:
            yield where, document
            return
        for key, value in document.items():
            yield from _records(value, f"{where}.{key}")
    elif isinstance(document, list):
        for i, value in enumerate(document):
            yield from _records(value, f"{where}[{i}]")


def replay(
    record: str | os.PathLike[str] | Mapping[str, Any] | Estimate,
    *,
    factors: Mapping[str, FactorSet] | None = None,
    inputs: Mapping[str, Any] | None = None,
) -> list[Replay]:
    """Recompute every estimate in a provenance record and compare it with what was recorded.

    Parameters
    ----------
    record : path, mapping or Estimate
        A record file written by [`write`][narcometrics.provenance.write], a report's JSON
        (``narcometrics report --format json``), the parsed JSON of either, or an estimate.
    factors : mapping of str to FactorSet, optional
        Factor sets to use instead of those of the record, by id (a set of your own that the
        record does not hold, or a newer edition to compare against).
    inputs : mapping of str to object, optional
        Arguments to use for a record written without them (``inputs=False``); checked
        against the recorded digest.

    Returns
    -------
    list of Replay
        One per estimate found, in document order. ``same`` says whether every number came
        out bit for bit as recorded; ``differences`` and ``changes`` say what differs and by
        how much.

    Raises
    ------
    ValidationError
        When the file cannot be read or holds no provenance record.

    Examples
    --------
    >>> import narcometrics
    >>> from narcometrics.estimate import avoided_production_adjusted
    >>> estimate = avoided_production_adjusted(22_165, "pe-gov-2017", draws=1_000, seed=2017)
    >>> [r.same for r in narcometrics.replay(estimate.to_record())]
    [True]
    """
    if isinstance(record, Estimate):
        document: Any = record.to_record()
    elif isinstance(record, Mapping):
        document = record
    elif isinstance(record, (str, os.PathLike)):
        document = read(record)
    else:
        raise TypeError(
            f"replay takes a path, a record mapping or an Estimate, not {type(record).__name__}"
        )
    found = list(_records(document))
    if not found:
        raise ValidationError(
            "record", "holds no provenance record (an estimate with 'central' and 'provenance')"
        )
    overrides = dict(factors or {})
    for key, value in overrides.items():
        if not isinstance(value, FactorSet):
            raise TypeError(f"factors[{key!r}] must be a FactorSet, not {type(value).__name__}")
    return [_guarded(where, data, overrides, inputs) for where, data in found]


def _guarded(
    where: str,
    data: Mapping[str, Any],
    overrides: Mapping[str, FactorSet],
    given: Mapping[str, Any] | None,
) -> Replay:
    method = str(data["provenance"].get("method"))
    tag = data.get("record", RECORD_FORMAT)
    if tag != RECORD_FORMAT:
        return _failed(where, method, f"a record of format {tag!r}: this release reads "
                       f"{RECORD_FORMAT!r}", [])  # fmt: skip
    try:
        return _replay_one(where, data, overrides, given)
    except (KeyError, AttributeError, TypeError, ValueError, IndexError) as error:
        problem = f"the record is malformed ({type(error).__name__}: {error})"
        return _failed(where, method, problem, [])


def _failed(where: str, method: str, problem: str, differences: list[str]) -> Replay:
    return Replay(
        where=where, method=method, same=False, differences=tuple(differences), problem=problem
    )


def _replay_one(
    where: str,
    data: Mapping[str, Any],
    overrides: Mapping[str, FactorSet],
    given: Mapping[str, Any] | None,
) -> Replay:
    provenance = data["provenance"]
    method = str(provenance.get("method"))
    differences = _versions(provenance)
    name = method.removeprefix("narcometrics.estimate.")
    if not method.startswith("narcometrics.estimate.") or name not in REPLAYABLE:
        return _failed(where, method, f"{method} is not a model this release replays", differences)
    sets, problem = _factor_sets(provenance, overrides, differences)
    if problem is not None:
        return _failed(where, method, problem, differences)
    arguments = provenance.get("inputs")
    if arguments is None:
        recorded_digest = provenance.get("inputs_digest")
        if recorded_digest is None:
            return _failed(
                where,
                method,
                "the record holds neither the inputs nor their digest (an estimate on Dask "
                "collections, or one made before narcometrics recorded its inputs)",
                differences,
            )
        if given is None:
            return _failed(
                where,
                method,
                "the record holds only the digest of its inputs: pass them with inputs=",
                differences,
            )
        from narcometrics.estimate._record import encode

        arguments = {k: encode(v) for k, v in given.items()}
        if digest(arguments) != recorded_digest:
            return _failed(
                where, method, "the inputs given do not match the recorded digest", differences
            )
    import narcometrics.estimate as models

    function = getattr(models, name)
    try:
        kwargs = {k: decode(v, sets, f"inputs.{k}") for k, v in arguments.items()}
        for key, value in kwargs.items():  # a factor set given by its bundled id
            if isinstance(value, str) and value in overrides and key in ("factors", "adjustments"):
                kwargs[key] = overrides[value]
        estimate = function(**kwargs)
    except (ValidationError, TypeError) as error:
        return _failed(where, method, str(error), differences)
    changes = _compare(data, estimate)
    return Replay(
        where=where,
        method=method,
        same=not changes,
        differences=tuple(differences),
        changes=tuple(changes),
        estimate=estimate,
    )


def _versions(provenance: Mapping[str, Any]) -> list[str]:
    out = []
    recorded = provenance.get("library_version")
    if recorded is None:
        out.append(f"the record names no narcometrics version (installed {__version__})")
    elif recorded != __version__:
        out.append(f"another narcometrics version: recorded {recorded}, installed {__version__}")
    numpy_recorded = provenance.get("numpy_version")
    if numpy_recorded is not None and numpy_recorded != np.__version__:
        what = "Monte Carlo draws may differ" if provenance.get("draws") else "draws not used"
        out.append(
            f"another NumPy version: recorded {numpy_recorded}, installed {np.__version__} ({what})"
        )
    return out


def _factor_sets(
    provenance: Mapping[str, Any], overrides: Mapping[str, FactorSet], differences: list[str]
) -> tuple[dict[str, FactorSet | str], str | None]:
    entries = provenance.get("factor_sets")
    if not entries:  # a record from before factor_sets: the flat set only
        set_id = provenance.get("factor_set")
        entries = (
            []
            if set_id is None
            else [{"id": set_id, "digest": provenance.get("factor_set_digest"), "bundled": True}]
        )
    sets: dict[str, FactorSet | str] = {}
    for entry in entries:
        set_id, recorded = entry["id"], entry.get("digest")
        if set_id in overrides:
            chosen = overrides[set_id]
        elif entry.get("content") is not None:
            try:
                chosen = factor_set_from_dict(entry["content"])
            except (ValidationError, TypeError, KeyError) as error:
                return sets, f"factor set {set_id}: the recorded content is not valid: {error}"
        else:
            try:
                chosen = get(set_id)
            except UnknownNameError:
                return sets, (
                    f"factor set {set_id} is not bundled with narcometrics {__version__} "
                    f"(bundled: {', '.join(available())}); pass it with factors="
                )
        now = chosen.digest()
        if recorded is not None and now != recorded:
            differences.append(
                f"factor set {set_id} changed: recorded digest {recorded[:12]}, now {now[:12]}"
            )
        sets[set_id] = chosen
    return sets, None


def _values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The numbers a record holds: central, low, high, mean and each percentile (``p95``)."""
    out = {k: data[k] for k in _COMPONENTS if k in data}
    percentiles = data.get("percentiles") or {}
    out.update({f"p{k}": v for k, v in percentiles.items()})
    return out


def _array(value: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    if value is None:
        return np.asarray(np.nan)
    return np.asarray(
        [np.nan if v is None else v for v in value] if isinstance(value, list) else value,
        dtype=np.float64,
    )


def _compare(data: Mapping[str, Any], estimate: Estimate) -> list[Change]:
    """Every number of the record (all that it holds) that the replay does not give bit for
    bit; a number the record holds and the replay lacks (or the reverse, for percentiles and
    the mean) counts as moved."""
    recorded = _values(data)
    replayed = _values(estimate.to_dict())
    names = [*recorded, *(k for k in replayed if k not in recorded and k not in _COMPONENTS[:3])]
    changes = []
    for name in names:
        a, b = recorded.get(name), replayed.get(name)
        if a is None and b is None:
            continue
        nan = math.nan
        try:
            old, new = np.broadcast_arrays(_array(a), _array(b))
        except ValueError:
            changes.append(
                Change(name=name, recorded=nan, replayed=nan, difference=nan, relative=nan)
            )
            continue
        same = (old.view(np.uint64) == new.view(np.uint64)) | (np.isnan(old) & np.isnan(new))
        if np.all(same) and np.shape(_array(a)) == np.shape(_array(b)):
            continue
        with np.errstate(invalid="ignore"):
            gap = np.abs(new - old)
        moved = np.where(same, -1.0, np.where(np.isnan(gap), np.inf, gap))
        index = np.unravel_index(int(np.argmax(moved)), moved.shape)
        x, y = float(old[index]), float(new[index])
        changes.append(
            Change(
                name=name,
                recorded=x,
                replayed=y,
                difference=y - x,
                relative=(y - x) / abs(x) if x != 0 else nan,
            )
        )
    return changes
