"""Names renamed so that they explain themselves (issue 15): each old public name still works
for one release and warns with a DeprecationWarning naming the new one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from narcometrics import indicators, training
from narcometrics.datasets import peru_2017_example
from narcometrics.indicators import (
    Actual,
    ReportingPeriod,
    change_over_time,
    combine,
    production_avoided_adjusted,
    production_avoided_up_to,
    standard_indicators,
)

ERADICATIONS = peru_2017_example().eradications
STANDARD = standard_indicators()


def test_indicators_avoided_production_warns_and_gives_the_up_to_figure() -> None:
    with pytest.warns(DeprecationWarning, match="production_avoided_up_to"):
        old = indicators.avoided_production(ERADICATIONS, "pe-gov-2017")
    assert old == production_avoided_up_to(ERADICATIONS, "pe-gov-2017")
    assert round(old[0].value, 1) == 204.8  # FIIAPP (2018), the published figure


def test_indicators_avoided_production_adjusted_warns_and_gives_the_adjusted_figure() -> None:
    with pytest.warns(DeprecationWarning, match="production_avoided_adjusted"):
        old = indicators.avoided_production(ERADICATIONS, "pe-gov-2017", adjusted=True)
    new = production_avoided_adjusted(ERADICATIONS, "pe-gov-2017")
    assert [a.value for a in old] == [a.value for a in new]
    assert [a.source for a in old] == [a.source for a in new]


def test_the_new_avoided_production_names_do_not_repeat_the_estimate_names() -> None:
    from narcometrics import estimate

    assert not {"production_avoided_up_to", "production_avoided_adjusted"} & set(estimate.__all__)


def test_indicators_aggregate_warns_and_combines() -> None:
    indicator = STANDARD["OUT-4"]
    values = [Actual(period=2016, value=1.0), Actual(period=2017, value=2.0)]
    with pytest.warns(DeprecationWarning, match="combine"):
        old = indicators.aggregate(indicator, values)
    assert old == combine(indicator, values)


def test_indicators_year_over_year_warns_and_gives_the_change_over_time() -> None:
    indicator = STANDARD["OUT-4"]
    with pytest.warns(DeprecationWarning, match="change_over_time"):
        old = indicators.year_over_year(indicator, 30_151, 35_868)
    new = change_over_time(indicator, 30_151, 35_868)
    assert (float(old.value), old.unit) == (float(new.value), new.unit)


def test_indicators_period_warns_and_is_the_reporting_period() -> None:
    with pytest.warns(DeprecationWarning, match="ReportingPeriod"):
        old = indicators.Period
    assert old is ReportingPeriod
    assert old.year(2017) == ReportingPeriod(start=dt.date(2017, 1, 1), end=dt.date(2017, 12, 31))


def test_an_unknown_indicators_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = indicators.no_such_name  # type: ignore[attr-defined]


def test_wilson_interval_is_wilson_only_without_a_warning() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert training.wilson_interval(3, 10) == training.proportion_interval(3, 10)


@pytest.mark.parametrize("method", ["clopper_pearson", "jeffreys", "wilson"])
def test_wilson_interval_method_warns_and_gives_the_proportion_interval(method: str) -> None:
    with pytest.warns(DeprecationWarning, match="proportion_interval"):
        old = training.wilson_interval(3, 10, method=method)
    assert old == training.proportion_interval(3, 10, method=method)


def test_aggregate_records_warns_and_gives_the_best_ever_flags() -> None:
    from narcometrics import aggregate

    years, hectares = [2004, 2005, 2015, 2016, 2017], [10257, 12232, 35868, 30151, 22885]
    with pytest.warns(DeprecationWarning, match="best_ever"):
        old = aggregate.records(years, hectares)
    new = aggregate.best_ever(years, hectares)
    assert old.is_record.tolist() == new.is_record.tolist() == [False, False, True, False, False]
    assert old.label.tolist() == new.label.tolist()


def test_aggregate_partial_warns_and_is_the_total() -> None:
    from narcometrics import aggregate
    from narcometrics.datasets import peru_2017_example

    seizures = peru_2017_example().seizures
    with pytest.warns(DeprecationWarning, match="use total"):
        old = aggregate.partial(seizures, "mass_kg", by="substance")
    assert old == aggregate.total(seizures, "mass_kg", by="substance")


def test_the_aggregate_names_no_longer_collide_with_modules() -> None:
    from narcometrics import aggregate

    assert "best_ever" in aggregate.__all__
    assert aggregate.best_ever.__module__ == "narcometrics.aggregate._series"  # not the alias


def test_the_indicator_by_keyword_warns_and_means_period() -> None:
    from narcometrics.indicators import hectares_eradicated

    with pytest.warns(DeprecationWarning, match="use period="):
        old = hectares_eradicated(ERADICATIONS, by="quarter")  # type: ignore[call-arg]
    assert old == hectares_eradicated(ERADICATIONS, period="quarter")
    assert [a.period for a in old] == [
        a.period for a in hectares_eradicated(ERADICATIONS, period="quarter")
    ]


def test_the_indicator_by_and_period_keywords_together_are_a_type_error() -> None:
    from narcometrics.indicators import people_trained

    with pytest.raises(TypeError, match="both period= and its old name by="):
        people_trained(peru_2017_example().training, period="year", by="year")  # type: ignore[call-arg]


def test_factors_get_id_keyword_warns_and_gives_the_same_set() -> None:
    from narcometrics import factors

    with pytest.warns(DeprecationWarning, match="set_id"):
        old = factors.get(id="pe-gov-2017")
    assert old == factors.get("pe-gov-2017") == factors.get(set_id="pe-gov-2017")
    with pytest.raises(TypeError, match="both set_id= and its old name id="):
        factors.get(set_id="pe-gov-2017", id="pe-gov-2017")
    with pytest.raises(TypeError, match="unexpected keyword argument 'name'"):
        factors.get(name="pe-gov-2017")  # type: ignore[call-arg]


def test_the_readers_kind_keyword_warns_and_means_record_type(tmp_path: Any) -> None:
    from narcometrics import Seizure
    from narcometrics.io import FileTable, detect_kind, detect_record_type, read, read_files

    path = tmp_path / "seizures.csv"
    path.write_text("date,country,substance,mass_kg\n2017-01-12,PER,cocaine_hcl,410.0\n")
    with pytest.warns(DeprecationWarning, match="use record_type="):
        old = read(path, kind=Seizure)  # type: ignore[call-overload]
    assert old == read(path, record_type=Seizure) == read(path, Seizure)
    with pytest.raises(TypeError, match="both record_type= and its old name kind="):
        read(path, record_type=Seizure, kind=Seizure)  # type: ignore[call-overload]
    with pytest.warns(DeprecationWarning, match="detect_record_type"):
        assert detect_kind(path) is detect_record_type(path) is Seizure
    [found] = read_files([path])
    assert isinstance(found, FileTable)
    with pytest.warns(DeprecationWarning, match="FileTable.record_type"):
        assert found.kind is found.record_type is Seizure
