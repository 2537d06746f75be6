"""Hypothesis strategies for narcometrics records.

Each function takes keyword-only arguments to narrow what it generates and returns a
`hypothesis.strategies.SearchStrategy`. Defaults cover the whole valid range of
every field, including optional fields left out. Hypothesis cannot see attrs range
validators, so these are hand-written; they are registered through the ``hypothesis``
entry point, so ``st.from_type(Seizure)`` and ``st.builds(Seizure)`` generate valid
records in any project that installs narcometrics with the ``testing`` extra.

Examples
--------
>>> from hypothesis import given
>>> from narcometrics.testing import strategies as nst
>>> @given(nst.seizures(countries=["PER"], max_mass_kg=10.0))
... def test_small_peru_seizures(seizure): ...
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import TypeVar

from hypothesis import strategies as st

from narcometrics._checks import iso_alpha3
from narcometrics.records import (
    Eradication,
    EradicationMethod,
    Operation,
    Seizure,
    Substance,
    TrainingOutcome,
    Verification,
)

__all__ = [
    "countries",
    "dates",
    "eradications",
    "operations",
    "record_lists",
    "seizures",
    "texts",
    "training_outcomes",
]

_MIN_DATE = _dt.date(1990, 1, 1)
_MAX_DATE = _dt.date(2050, 12, 31)


def dates(
    *, min_date: _dt.date = _MIN_DATE, max_date: _dt.date = _MAX_DATE
) -> st.SearchStrategy[_dt.date]:
    """Dates between ``min_date`` and ``max_date`` (inclusive)."""
    return st.dates(min_value=min_date, max_value=max_date)


def countries(*, codes: Sequence[str] | None = None) -> st.SearchStrategy[str]:
    """ISO 3166-1 alpha-3 codes (upper case; the records refuse other codes), or one of
    ``codes``."""
    if codes is not None:
        return st.sampled_from([c.upper() for c in codes])
    return st.sampled_from(sorted(iso_alpha3()))


def texts(*, max_size: int = 20) -> st.SearchStrategy[str]:
    """Valid free text: non-empty, not only white space."""
    return st.text(min_size=1, max_size=max_size).filter(lambda s: bool(s.strip()))


def _optional_text(choices: Sequence[str] | None) -> st.SearchStrategy[str | None]:
    if choices is not None:
        return st.sampled_from(list(choices))
    return st.none() | texts()


def _positive_floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(
        min_value=low, max_value=high, exclude_min=low == 0.0, allow_nan=False, allow_infinity=False
    )


def seizures(
    *,
    countries: Sequence[str] | None = None,
    substances: Sequence[Substance] | None = None,
    regions: Sequence[str] | None = None,
    agencies: Sequence[str] | None = None,
    min_mass_kg: float = 0.0,
    max_mass_kg: float = 1e6,
    min_date: _dt.date = _MIN_DATE,
    max_date: _dt.date = _MAX_DATE,
) -> st.SearchStrategy[Seizure]:
    """Valid [`Seizure`][narcometrics.records.Seizure] records.

    Parameters
    ----------
    countries, substances, regions, agencies : sequence, optional
        Draw from these values only (regions and agencies then never ``None``).
    min_mass_kg, max_mass_kg : float [kg]
        Bounds of ``mass_kg``; the default lower bound 0 is excluded.
    min_date, max_date : datetime.date
        Bounds of ``date``.
    """
    return st.builds(
        Seizure,
        date=dates(min_date=min_date, max_date=max_date),
        country=_countries(countries),
        substance=st.sampled_from(list(substances) if substances else list(Substance)),
        mass_kg=_positive_floats(min_mass_kg, max_mass_kg),
        purity=st.none() | st.floats(min_value=0.0, max_value=1.0, exclude_min=True),
        region=_optional_text(regions),
        agency=_optional_text(agencies),
        id=st.none() | texts(),
        operation_id=st.none() | texts(),
    )


def eradications(
    *,
    countries: Sequence[str] | None = None,
    methods: Sequence[EradicationMethod] | None = None,
    regions: Sequence[str] | None = None,
    zones: Sequence[str] | None = None,
    min_area_ha: float = 0.0,
    max_area_ha: float = 1e5,
    min_date: _dt.date = _MIN_DATE,
    max_date: _dt.date = _MAX_DATE,
) -> st.SearchStrategy[Eradication]:
    """Valid [`Eradication`][narcometrics.records.Eradication] records.

    Parameters
    ----------
    countries, methods, regions, zones : sequence, optional
        Draw from these values only.
    min_area_ha, max_area_ha : float [ha]
        Bounds of ``area_ha``; the default lower bound 0 is excluded.
    min_date, max_date : datetime.date
        Bounds of ``date``.
    """
    return st.builds(
        Eradication,
        date=dates(min_date=min_date, max_date=max_date),
        country=_countries(countries),
        area_ha=_positive_floats(min_area_ha, max_area_ha),
        method=st.sampled_from(list(methods) if methods else list(EradicationMethod)),
        region=_optional_text(regions),
        zone=_optional_text(zones),
        id=st.none() | texts(),
    )


def operations(
    *,
    countries: Sequence[str] | None = None,
    agencies: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    max_count: int = 1000,
    unreported: bool = True,
    min_date: _dt.date = _MIN_DATE,
    max_date: _dt.date = _MAX_DATE,
) -> st.SearchStrategy[Operation]:
    """Valid [`Operation`][narcometrics.records.Operation] records.

    Parameters
    ----------
    countries, agencies, regions : sequence, optional
        Draw from these values only.
    max_count : int
        Upper bound of each count field (the lower bound is 0).
    unreported : bool
        Whether a count may be None (not reported); False gives every count a value.
    min_date, max_date : datetime.date
        Bounds of ``date``.
    """
    count: st.SearchStrategy[int | None] = st.integers(min_value=0, max_value=max_count)
    if unreported:
        count = st.none() | count
    return st.builds(
        Operation,
        date=dates(min_date=min_date, max_date=max_date),
        country=_countries(countries),
        agency=_optional_text(agencies),
        region=_optional_text(regions),
        id=st.none() | texts(),
        organisations_disbanded=count,
        airstrips_destroyed=count,
        laboratories_destroyed=count,
        arrests=count,
    )


@st.composite
def _training(
    draw: st.DrawFn,
    *,
    institutions: Sequence[str] | None,
    max_participants: int,
    with_scores: bool | None,
    min_date: _dt.date,
    max_date: _dt.date,
) -> TrainingOutcome:
    participants = draw(st.integers(min_value=1, max_value=max_participants))
    completed = draw(st.none() | st.integers(min_value=0, max_value=participants))
    scored = draw(st.booleans()) if with_scores is None else with_scores
    max_score: float | None = None
    pre: list[float] = []
    post: list[float] = []
    if scored:
        max_score = draw(st.sampled_from([1.0, 10.0, 20.0, 100.0]))
        n = draw(st.integers(min_value=0, max_value=min(participants, 30)))
        score = st.floats(min_value=0.0, max_value=max_score)
        pre = draw(st.lists(score, min_size=n, max_size=n))
        post = draw(st.lists(score, min_size=n, max_size=n))
    elif draw(st.booleans()):
        max_score = draw(st.floats(min_value=0.0, max_value=1e3, exclude_min=True))
    followed_up = draw(st.none() | st.integers(min_value=0, max_value=participants))
    applying = None
    verification = None
    if followed_up is not None and draw(st.booleans()):
        applying = draw(st.integers(min_value=0, max_value=followed_up))
        verification = draw(st.sampled_from(list(Verification)))
    ids = None
    if draw(st.booleans()):
        # A run of ids from a small pool, so that people recur across records (the case
        # distinct counts exist for) and a record costs three draws, not one per person.
        start = draw(st.integers(0, 400))
        step = draw(st.integers(1, 3))
        ids = tuple(f"P{start + step * i:05d}" for i in range(participants))
    return TrainingOutcome(
        date=draw(dates(min_date=min_date, max_date=max_date)),
        institution=draw(st.sampled_from(list(institutions)) if institutions else texts()),
        course=draw(texts()),
        participants=participants,
        completed=completed,
        pre_scores=tuple(pre),
        post_scores=tuple(post),
        max_score=max_score,
        followed_up=followed_up,
        applying=applying,
        verification=verification,
        follow_up_days=draw(st.none() | st.integers(min_value=0, max_value=3650)),
        participant_ids=ids,
        id=draw(st.none() | texts()),
    )


def training_outcomes(
    *,
    institutions: Sequence[str] | None = None,
    max_participants: int = 200,
    with_scores: bool | None = None,
    min_date: _dt.date = _MIN_DATE,
    max_date: _dt.date = _MAX_DATE,
) -> st.SearchStrategy[TrainingOutcome]:
    """Valid [`TrainingOutcome`][narcometrics.records.TrainingOutcome] records, consistent across
    fields.

    Parameters
    ----------
    institutions : sequence of str, optional
        Draw from these institutions only.
    max_participants : int
        Upper bound of ``participants`` (>= 1).
    with_scores : bool, optional
        Force paired pre/post scores on (True) or off (False); both when None.
    min_date, max_date : datetime.date
        Bounds of ``date``.
    """
    return _training(
        institutions=institutions,
        max_participants=max_participants,
        with_scores=with_scores,
        min_date=min_date,
        max_date=max_date,
    )


R = TypeVar("R")


def record_lists(
    records: st.SearchStrategy[R], *, min_size: int = 0, max_size: int | None = None
) -> st.SearchStrategy[list[R]]:
    """Lists of records with distinct ids, as a table accepts them.

    Tables refuse records that repeat an ``id`` (the same record counted twice); records
    without an id are never compared. Use this instead of ``st.lists`` to build tables.

    Parameters
    ----------
    records : SearchStrategy
        The records, e.g. ``seizures()``.
    min_size, max_size : int
        Bounds of the list length.

    Examples
    --------
    >>> from narcometrics.testing import strategies as nst
    >>> strategy = nst.record_lists(nst.seizures(), max_size=5)
    """
    return st.lists(
        records,
        min_size=min_size,
        max_size=max_size,
        unique_by=lambda record: _identity(getattr(record, "id", None), record),
    )


def _identity(record_id: object, record: object) -> object:
    return ("id", record_id) if record_id is not None else ("object", id(record))


def _countries(codes: Sequence[str] | None) -> st.SearchStrategy[str]:
    return countries(codes=codes)
