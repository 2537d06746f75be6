"""Transfer rates and summaries over TrainingOutcome records: pooling, grouping, levels."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from narcometrics import TrainingOutcome, ValidationError
from narcometrics.errors import UnknownNameError
from narcometrics.testing import strategies as nst
from narcometrics.training import (
    learning_gain,
    pooled_learning_gain,
    pooled_scores,
    proportion_interval,
    training_summary,
    transfer_rate,
)

D17 = dt.date(2017, 6, 30)
D18 = dt.date(2018, 3, 1)


def course(**changes: Any) -> TrainingOutcome:
    """An illustrative course record (made-up numbers, not programme data)."""
    fields: dict[str, Any] = {
        "date": D17,
        "institution": "SUNAT Aduanas",
        "course": "Risk profiling",
        "participants": 20,
    }
    fields.update(changes)
    return TrainingOutcome(**fields)


def followed(k: int, n: int, trained: int, verification: str = "independent", **kw: Any) -> Any:
    return course(participants=trained, followed_up=n, applying=k, verification=verification, **kw)


# ------------------------------------------------------------------------ pooling


def test_pooling_sums_k_and_n_and_never_averages_shares() -> None:
    records = [
        followed(9, 10, 12, course="A"),
        followed(10, 100, 120, course="B"),
    ]
    pooled = transfer_rate(records)
    assert (pooled.k, pooled.n) == (19, 110)
    assert pooled.share == pytest.approx(19 / 110)  # 0.173
    mean_of_shares = (9 / 10 + 10 / 100) / 2  # 0.5: what averaging would claim
    assert mean_of_shares == pytest.approx(0.5)
    assert abs(pooled.share - mean_of_shares) > 0.3
    assert (pooled.low, pooled.high) == pytest.approx(proportion_interval(19, 110))
    ref = proportion_confint(19, 110, alpha=0.05, method="wilson")
    assert (pooled.low, pooled.high) == pytest.approx(ref, abs=1e-9)
    assert pooled.trained == 132
    assert pooled.follow_up_rate == pytest.approx(110 / 132)


def test_records_without_follow_up_count_as_trained_only() -> None:
    records = [
        followed(8, 10, 20),
        course(participants=30),  # no follow-up at all
        course(participants=15, followed_up=6),  # followed up, application not recorded
    ]
    r = transfer_rate(records)
    assert (r.k, r.n, r.trained) == (8, 10, 65)
    assert r.follow_up_rate == pytest.approx(10 / 65)
    assert "2 of 3 record(s) have no follow-up with applying recorded" in r.note
    assert "their 45 participant(s) count as trained, not in k or n" in r.note
    assert "6 people followed up without applying recorded are not in n" in r.note


def test_nobody_followed_up_gives_nan_share_and_interval() -> None:
    r = transfer_rate([course(participants=25)])
    assert (r.k, r.n, r.trained) == (0, 0, 25)
    assert all(math.isnan(v) for v in (r.share, r.low, r.high))
    assert r.follow_up_rate == 0.0
    assert r.verification is None
    assert str(r) == "all: 25 trained, nobody followed up"
    json.dumps(r.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    ("kinds", "expected", "independent"),
    [
        (["independent", "independent"], "independent", 20),
        (["self_reported", "self_reported"], "self_reported", 0),
        (["independent", "self_reported"], "mixed", 10),
    ],
)
def test_verification_is_named_and_the_independent_part_counted(
    kinds: list[str], expected: str, independent: int
) -> None:
    records = [followed(5, 10, 12, verification=v, course=str(i)) for i, v in enumerate(kinds)]
    r = transfer_rate(records)
    assert r.verification == expected
    assert r.n_independent == independent
    if expected == "self_reported":
        assert "self-reported, not independently verified" in r.note
    if expected == "mixed":
        assert "independent and self-reported verification are pooled" in r.note


def test_unique_people_counts_each_person_once_across_courses() -> None:
    a = followed(3, 4, 4, participant_ids=("p1", "p2", "p3", "p4"), course="A")
    b = followed(2, 3, 3, participant_ids=("p1", "p2", "p5"), course="B")
    r = transfer_rate([a, b])
    assert r.trained == 7
    assert r.unique_people == 5
    assert "7 enrolments are 5 people" in r.note
    assert transfer_rate([a, course()]).unique_people is None  # one record without ids


def test_transfer_rate_str_carries_the_numbers_a_claim_needs() -> None:
    text = str(transfer_rate([followed(10, 16, 18)]))
    low, high = proportion_interval(10, 16)
    assert text == (
        f"all: 10 of 16 followed up applying (62.5%, 95% CI {low:.1%} to {high:.1%}, Wilson); "
        "followed up 16 of 18 trained (88.9%); verification independent"
    )


def test_other_interval_methods_and_confidence_pass_through() -> None:
    r = transfer_rate([followed(3, 7, 9)], method="clopper_pearson", confidence=0.9)
    ref = proportion_confint(3, 7, alpha=0.1, method="beta")
    assert (r.low, r.high) == pytest.approx(ref, abs=1e-9)
    assert r.method == "clopper_pearson"
    assert r.confidence == 0.9


# ----------------------------------------------------------------------- grouping


def _records() -> list[TrainingOutcome]:
    return [
        followed(9, 10, 12, institution="SUNAT Aduanas", course="A", date=D17),
        followed(4, 8, 10, institution="DIRANDRO", course="A", date=D17),
        followed(6, 9, 11, institution="DIRANDRO", course="B", date=D18),
        course(institution="DIRANDRO", course="B", date=D18, participants=7),
    ]


def test_grouping_by_one_and_several_fields_gives_sorted_label_tuples() -> None:
    by_inst = transfer_rate(_records(), by="institution")
    assert list(by_inst) == [("DIRANDRO",), ("SUNAT Aduanas",)]
    assert (by_inst[("DIRANDRO",)].k, by_inst[("DIRANDRO",)].n) == (10, 17)
    assert by_inst[("DIRANDRO",)].trained == 28
    by_year = transfer_rate(_records(), by="year")
    assert list(by_year) == [(2017,), (2018,)]
    assert isinstance(next(iter(by_year))[0], int)
    both = transfer_rate(_records(), by=("institution", "year"))
    assert list(both) == [("DIRANDRO", 2017), ("DIRANDRO", 2018), ("SUNAT Aduanas", 2017)]
    assert both[("DIRANDRO", 2018)].by == ("institution", "year")
    assert both[("DIRANDRO", 2018)].to_dict()["group"] == ["DIRANDRO", 2018]


@given(
    nst.record_lists(
        nst.training_outcomes(institutions=["A", "B", "C"], max_participants=40),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["institution", "course", "year", ("institution", "year")]),
)
def test_group_counts_sum_to_the_pooled_total_under_any_grouping(
    records: list[TrainingOutcome], by: Any
) -> None:
    total = transfer_rate(records)
    groups = transfer_rate(records, by=by)
    assert sum(g.k for g in groups.values()) == total.k
    assert sum(g.n for g in groups.values()) == total.n
    assert sum(g.trained for g in groups.values()) == total.trained
    assert sum(g.records for g in groups.values()) == len(records)
    assert total.k == sum(r.applying for r in records if r.applying is not None)
    if total.n:
        assert total.share == pytest.approx(total.k / total.n)
        # the pooled share is the n-weighted mean of group shares, not their plain mean
        weighted = sum(g.share * g.n for g in groups.values() if g.n) / total.n
        assert total.share == pytest.approx(weighted)


@given(nst.record_lists(nst.training_outcomes(max_participants=40), min_size=1, max_size=6))
def test_summary_is_json_and_its_level_follows_the_evidence(records: list[TrainingOutcome]) -> None:
    s = training_summary(records)
    json.dumps(s.to_dict(), allow_nan=False)
    has_pairs = any(r.pre_scores for r in records)
    has_follow_up = any(r.applying is not None and r.followed_up for r in records)
    assert (3 in s.kirkpatrick_levels) == has_follow_up
    if 2 in s.kirkpatrick_levels:
        assert has_pairs
    assert s.kirkpatrick_level == max(s.kirkpatrick_levels, default=0)
    assert s.trained == sum(r.participants for r in records)


def test_bad_records_and_by_raise_naming_the_parameter() -> None:
    with pytest.raises(ValidationError, match="records: must hold at least one"):
        transfer_rate([])
    with pytest.raises(TypeError, match=r"records\[1\] must be a TrainingOutcome, not dict"):
        transfer_rate([course(), {"participants": 3}])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="records must be an iterable"):
        transfer_rate(course())  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match="by: must be one of: institution, course, year"):
        transfer_rate([course()], by="country")
    with pytest.raises(ValidationError, match="by: must not repeat a field"):
        transfer_rate([course()], by=("year", "year"))
    with pytest.raises(ValidationError, match=r"confidence: must be within \(0, 1\)"):
        training_summary([course()], confidence=0)
    with pytest.raises(UnknownNameError, match="method"):
        training_summary([course()], method="agresti_coull")


def test_any_iterable_of_records_is_accepted() -> None:
    records = _records()
    assert transfer_rate(iter(records)) == transfer_rate(records)
    assert transfer_rate(tuple(records), by="course") == transfer_rate(records, by="course")


# -------------------------------------------------------------------------- gains


def test_pooled_gain_pools_the_pairs_not_the_per_course_gains() -> None:
    a = course(
        course="A", participants=3, pre_scores=(20, 40), post_scores=(60, 80), max_score=100.0
    )
    b = course(
        course="B",
        participants=5,
        pre_scores=(80, 90, 60, 70),
        post_scores=(85, 95, 70, 80),
        max_score=100.0,
    )
    pooled = pooled_learning_gain([a, b])
    direct = learning_gain((20, 40, 80, 90, 60, 70), (60, 80, 85, 95, 70, 80), 100, participants=8)
    assert pooled == direct
    per_course = pooled_learning_gain([a, b], by="course")
    mean_of_hake = (per_course[("A",)].hake_gain + per_course[("B",)].hake_gain) / 2
    assert pooled.hake_gain != pytest.approx(mean_of_hake)
    assert pooled.attrition == pytest.approx(1 - 6 / 8)


def test_records_without_scores_are_left_out_of_the_gain_and_said_so() -> None:
    scored = course(participants=4, pre_scores=(10, 20), post_scores=(15, 30), max_score=40.0)
    g = pooled_learning_gain([scored, course(participants=50)])
    assert g.n_participants == 4
    assert g.attrition == pytest.approx(0.5)
    assert "1 record(s) without scores are not in the gain nor in its attrition" in g.note
    pairs = pooled_scores([scored, course(participants=50)])
    assert pairs.pre == (10.0, 20.0)
    assert pairs.records_without_scores == 1


def test_different_max_scores_do_not_pool() -> None:
    a = course(course="A", pre_scores=(5,), post_scores=(8,), max_score=10.0)
    b = course(course="B", pre_scores=(50,), post_scores=(80,), max_score=100.0)
    g = pooled_learning_gain([a, b])
    assert math.isnan(g.raw_gain)
    assert "max_score differs between records (10, 100)" in g.note
    with pytest.raises(ValidationError, match="records: max_score differs"):
        pooled_scores([a, b])
    with pytest.raises(ValidationError, match="records: no record has pre/post scores"):
        pooled_scores([course()])
    assert not math.isnan(pooled_learning_gain([a, b], by="course")[("A",)].raw_gain)


# ------------------------------------------------------------------------ summary


def test_summary_of_a_programme_with_every_kind_of_evidence() -> None:
    records = [
        course(
            course="A",
            participants=10,
            completed=9,
            pre_scores=(40, 50, 60),
            post_scores=(60, 70, 75),
            max_score=100.0,
            followed_up=8,
            applying=6,
            verification="independent",
        ),
        course(
            course="B",
            participants=12,
            completed=10,
            followed_up=10,
            applying=5,
            verification="self_reported",
        ),
        course(course="C", participants=6),
    ]
    s = training_summary(records)
    assert (s.records, s.trained, s.completed) == (3, 28, 19)
    assert s.attrition == pytest.approx(1 - 19 / 22)  # over the records reporting completed
    assert "completed reported by 2 of 3 record(s)" in s.note
    assert (s.followed_up, s.applying) == (18, 11)
    assert (s.transfer.k, s.transfer.n) == (11, 18)
    assert s.transfer.verification == "mixed"
    assert s.gain is not None
    assert s.gain.n_paired == 3
    assert s.gain.attrition == pytest.approx(1 - 3 / 10)
    assert s.kirkpatrick_levels == (2, 3)
    assert s.kirkpatrick_level == 3
    d = s.to_dict()
    assert d["transfer"]["k"] == 11
    assert d["gain"]["n_paired"] == 3
    json.dumps(d, allow_nan=False)


def test_summary_levels_counts_only_and_behaviour_without_learning() -> None:
    counts_only = training_summary([course(participants=5)])
    assert counts_only.kirkpatrick_levels == ()
    assert counts_only.kirkpatrick_level == 0
    assert counts_only.gain is None
    assert counts_only.completed is None
    assert math.isnan(counts_only.attrition)
    assert "attrition unknown" in counts_only.note
    behaviour = training_summary([followed(3, 4, 5)])
    assert behaviour.kirkpatrick_levels == (3,)
    assert "behaviour evidence without learning evidence" in behaviour.note
    learning = training_summary([course(pre_scores=(1,), post_scores=(2,), max_score=5.0)])
    assert learning.kirkpatrick_levels == (2,)


def test_summary_by_group_matches_transfer_rate_by_group() -> None:
    summaries = training_summary(_records(), by="institution")
    rates = transfer_rate(_records(), by="institution")
    assert list(summaries) == list(rates)
    for key, s in summaries.items():
        assert s.transfer == rates[key]
        assert s.group == key
    assert np.isclose(summaries[("DIRANDRO",)].transfer.share, 10 / 17)


def test_a_training_table_gives_the_same_results_as_its_records() -> None:
    from narcometrics.tables import TrainingTable

    records = [
        *_records(),
        course(pre_scores=(10, 20), post_scores=(15, 30), max_score=40.0, participants=3),
    ]
    table = TrainingTable.from_records(records)
    assert transfer_rate(table, by="institution") == transfer_rate(records, by="institution")
    assert training_summary(table).to_dict() == training_summary(records).to_dict()  # NaN
    assert pooled_learning_gain(table) == pooled_learning_gain(records)


def _course(name: str, k: int, n: int) -> TrainingOutcome:
    return TrainingOutcome(
        date=dt.date(2017, 6, 1),
        institution="PNP",
        course=name,
        participants=n,
        followed_up=n,
        applying=k,
        verification="independent",
    )


def test_clustered_courses_widen_the_pooled_interval_by_the_design_effect() -> None:
    # Four courses of 25 whose shares differ far more than binomial sampling allows.
    records = [_course(f"c{i}", k, 25) for i, k in enumerate((24, 23, 5, 4))]
    plain = transfer_rate(records)
    clustered = transfer_rate(records, clusters="record")
    k = np.array([24, 23, 5, 4.0])
    p = k.sum() / 100
    robust = 4 / 3 * np.sum((k - p * 25) ** 2) / 100**2
    deff = robust / (p * (1 - p) / 100)
    assert clustered.design_effect == pytest.approx(deff)
    assert clustered.clusters == 4
    n_eff, z = 100 / deff, 1.959963984540054  # Wilson on the effective sample size
    centre = (p + z**2 / (2 * n_eff)) / (1 + z**2 / n_eff)
    half = z * math.sqrt(p * (1 - p) / n_eff + z**2 / (4 * n_eff**2)) / (1 + z**2 / n_eff)
    low, high = centre - half, centre + half
    assert (clustered.low, clustered.high) == pytest.approx((low, high))
    assert clustered.high - clustered.low > 2 * (plain.high - plain.low)
    assert (clustered.k, clustered.n, clustered.share) == (plain.k, plain.n, plain.share)


def test_homogeneous_courses_never_narrow_the_plain_interval() -> None:
    records = [_course(f"c{i}", 10, 20) for i in range(5)]  # identical shares: deff 0
    clustered = transfer_rate(records, clusters="course")
    plain = transfer_rate(records)
    assert clustered.design_effect == pytest.approx(0.0)
    assert (clustered.low, clustered.high) == pytest.approx((plain.low, plain.high))


def test_one_cluster_leaves_the_design_effect_undefined_with_a_note() -> None:
    records = [_course("same", 10, 20), _course("same", 3, 20)]
    result = transfer_rate(records, clusters="course")
    assert math.isnan(result.design_effect)  # type: ignore[arg-type]
    assert result.clusters == 1
    assert "design effect undefined" in result.note
    with pytest.raises(UnknownNameError, match="clusters"):
        transfer_rate(records, clusters="institution")
