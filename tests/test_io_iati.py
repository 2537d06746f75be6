"""IATI 2.03 results in and out: the standard's own files, element paths, round trips."""

from __future__ import annotations

import datetime as dt
import io
import re
import string
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narcometrics import ValidationError
from narcometrics.iati import read_iati, write_iati
from narcometrics.indicators import (
    TIME_RULES,
    UNIT_RULES,
    Actual,
    Baseline,
    Indicator,
    IndicatorValues,
    ReportingPeriod,
    ResultsFramework,
    Target,
)

etree = pytest.importorskip("lxml.etree")

DATA = Path(__file__).parent / "data" / "iati"
SCHEMA = Path(__file__).parents[1] / "src" / "narcometrics" / "data" / "iati"
RULES = {"time_rule": "sum", "unit_rule": "sum", "unit": "u"}
ORG = {
    "identifier": "XM-DAC-41114-PE-2017",
    "reporting_org": "XM-DAC-41114",
    "reporting_org_type": "10",
    "reporting_org_name": "Programa de cooperación (ilustrativo)",
}


def _official_schema() -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMA / "iati-activities-schema.xsd"), parser))


def _activity(results: str, n: int = 1) -> str:
    activity = f"""
  <iati-activity>
    <iati-identifier>AA-1</iati-identifier>
    <reporting-org ref="AA" type="10"><narrative>Org</narrative></reporting-org>
    <title><narrative>Activity</narrative></title>
    <description><narrative>Text</narrative></description>
    <participating-org role="4"/>
    <activity-status code="2"/>
    <activity-date type="2" iso-date="2017-01-01"/>
    {results}
  </iati-activity>"""
    return (
        f'<?xml version="1.0"?>\n<iati-activities version="2.03">{activity * n}</iati-activities>'
    )


def _result(measure: str = "1", value: str = "5", ascending: str = "1") -> str:
    return f"""
    <result type="1">
      <title><narrative>R</narrative></title>
      <indicator measure="{measure}" ascending="{ascending}">
        <title><narrative>I</narrative></title>
        <period>
          <period-start iso-date="2017-01-01"/><period-end iso-date="2017-12-31"/>
          <actual value="{value}"/>
        </period>
      </indicator>
    </result>"""


def _read_text(text: str, **options: Any) -> Any:
    return read_iati(io.BytesIO(text.encode("utf-8")), **options)


# ------------------------------------------------------------- the standard's own files


def test_a_results_file_written_by_someone_else_gives_its_indicators_and_values() -> None:
    # IATI-Extra-Documentation, version 2.03: the annotated example activity.
    [activity] = read_iati(
        DATA / "activity-standard-example-annotated.xml", default_rules={**RULES, "unit": "u"}
    )
    assert activity.identifier == "AA-AAA-123456789-ABC123"
    assert activity.title == "Activity title"
    [entry] = list(activity.framework)
    indicator = entry.indicator
    assert (indicator.code, indicator.title, indicator.level, indicator.measure) == (
        "B1",
        "Indicator title",
        "output",
        "unit",
    )
    assert indicator.ascending is True
    assert [(r.vocabulary, r.code) for r in indicator.references] == [("1", "3429"), ("7", "861")]
    assert entry.baseline == Baseline(year=2012, value=10.0, source="Baseline comment text")
    period = ReportingPeriod(start=dt.date(2013, 1, 1), end=dt.date(2013, 3, 31))
    dims = {"sex": "female", "age": "adult"}
    assert entry.targets == (
        Target(period=period, value=10.0, location="AF-KAN; KH-PNH", dimensions=dims),
    )
    assert entry.actuals == (
        Actual(
            period=period,
            value=11.0,
            location="AF-KAN; KH-PNH",
            dimensions=dims,
            source="Actual comment text",
        ),
    )
    # Every narrative in every language is kept, by element path.
    assert activity.narratives["iati-activity[1]/title[1]"] == (
        ("en", "Activity title"),
        ("fr", "Titre de l'activité"),
        ("es", "Título de la actividad"),
    )
    assert "iati-activity[1]/result[1]/indicator[1]/baseline[1]/@iso-date" in activity.not_kept
    spanish = read_iati(
        DATA / "activity-standard-example-annotated.xml",
        default_rules={**RULES, "unit": "u"},
        lang="es",
    )
    assert spanish[0].title == "Título de la actividad"


@pytest.mark.parametrize("path", sorted(DATA.glob("should-fail-*.xml")), ids=lambda p: p.name)
def test_the_schemas_should_fail_files_are_refused_with_an_element_path(path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        read_iati(path, default_rules=RULES)
    problem = info.value.problems[0]
    assert problem.field.startswith("iati-activity[1]/result[1]")
    assert "IATI 2.03 schema" in problem.problem
    assert problem.row is not None
    assert not _official_schema().validate(etree.parse(str(path)))


def test_the_schemas_should_pass_results_file_is_refused_for_codes_outside_the_codelists() -> None:
    path = DATA / "should-pass-24-results.xml"
    assert _official_schema().validate(etree.parse(str(path)))  # valid XML...
    with pytest.raises(ValidationError) as info:  # ...but type="output" is no ResultType code
        read_iati(path, default_rules=RULES)
    fields = [p.field for p in info.value.problems]
    assert fields[0] == "iati-activity[1]/result[1]/@type"
    assert len(fields) == 13


# --------------------------------------------------------------------- bad values


def test_a_measure_outside_the_codelist_is_named_by_its_element_path() -> None:
    results = _result() + (
        '<result type="2"><title><narrative>R2</narrative></title>'
        + "".join(
            f'<indicator measure="{m}" ascending="1"><title><narrative>I{i}</narrative>'
            "</title></indicator>"
            for i, m in enumerate(["1", "1", "7"])
        )
        + "</result>"
    )
    text = (
        _activity(_result()).replace("</iati-activities>", "")
        + _activity(results).split('<iati-activities version="2.03">')[1]
    )
    with pytest.raises(ValidationError) as info:
        _read_text(text, default_rules=RULES)
    [problem] = info.value.problems
    assert problem.field == "iati-activity[2]/result[2]/indicator[3]/@measure"
    assert problem.value == "7"
    assert "1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative" in problem.problem


@pytest.mark.parametrize(
    ("result", "field"),
    [
        (
            _result(value="N=35;P=55"),
            "iati-activity[1]/result[1]/indicator[1]/period[1]/actual[1]/@value",
        ),
        (
            _result(value="nan"),
            "iati-activity[1]/result[1]/indicator[1]/period[1]/actual[1]/@value",
        ),
        (_result(ascending="yes"), "iati-activity[1]/result[1]/indicator[1]/@ascending"),
        (_result().replace('type="1"', 'type="9"'), "iati-activity[1]/result[1]/@type"),
    ],
)
def test_bad_values_are_refused_with_their_element_path(result: str, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        _read_text(_activity(result), default_rules=RULES)
    assert info.value.problems[0].field == field


def test_rules_are_never_inferred() -> None:
    with pytest.raises(ValidationError, match="rules are never inferred") as info:
        _read_text(_activity(_result()))
    assert info.value.problems[0].field == "iati-activity[1]/result[1]/indicator[1]"
    by_code = _read_text(_activity(_result()), rules={"R1.I1": RULES})
    assert by_code[0].framework["R1.I1"].indicator.time_rule == "sum"


def test_external_entities_are_never_resolved_and_a_doctype_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    text = (
        _activity(_result())
        .replace(
            '<?xml version="1.0"?>',
            '<?xml version="1.0"?>\n<!DOCTYPE iati-activities '
            f'[<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>',
        )
        .replace("<narrative>Activity</narrative>", "<narrative>&xxe;</narrative>")
    )
    with pytest.raises(ValidationError, match="has a DOCTYPE") as info:
        _read_text(text, default_rules=RULES)
    assert "TOP-SECRET-CONTENT" not in str(info.value)


def test_malformed_and_missing_files_are_validation_errors(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="malformed XML"):
        _read_text("<iati-activities><oops></iati-activities>")
    with pytest.raises(ValidationError, match="file not found"):
        read_iati(tmp_path / "none.xml")
    with pytest.raises(ValidationError, match="not an iati-activities file"):
        _read_text("<html/>")


# ------------------------------------------------------------------------ writing


def _programme() -> ResultsFramework:
    year = ReportingPeriod.year(2017)
    return ResultsFramework(
        title="Cooperation against drug trafficking, Peru (illustrative)",
        indicators=[
            IndicatorValues(
                indicator=Indicator(
                    code="OUT-1",
                    title="Laboratories destroyed",
                    level="output",
                    measure="unit",
                    unit="laboratories",
                    ascending=True,
                    time_rule="sum",
                    unit_rule="sum",
                    dimensions=("agency",),
                ),
                baseline=Baseline(year=2016, value=280.0, source="DIRANDRO year-end balance"),
                targets=[Target(period=year, value=300.0)],
                actuals=[
                    Actual(period=year, value=324.0, verification="internal"),
                    Actual(period=year, value=324.0, dimensions={"agency": "DIRANDRO"}),
                ],
            ),
            IndicatorValues(
                indicator=Indicator(
                    code="OC-2",
                    title="Trained officers applying the training",
                    level="outcome",
                    measure="percentage",
                    ascending=True,
                    time_rule="sum",
                    unit_rule="pooled_ratio",
                ),
                actuals=[Actual(period=year, numerator=45, denominator=60)],
            ),
            IndicatorValues(
                indicator=Indicator(
                    code="IMP-1",
                    title="Homicide rate",
                    level="impact",
                    measure="rate",
                    unit="homicides",
                    per=100_000,
                    ascending=False,
                    time_rule="sum",
                    unit_rule="pooled_ratio",
                ),
                actuals=[Actual(period=year, numerator=2400, denominator=32_000_000)],
            ),
            IndicatorValues(
                indicator=Indicator(
                    code="Q-1",
                    title="Inter-agency coordination",
                    level="outcome",
                    measure="qualitative",
                ),
                actuals=[Actual(period=year, narrative="Monthly meetings held all year.")],
            ),
        ],
    )


def test_the_written_file_validates_against_the_official_schema_and_reads_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "results.xml"
    framework = _programme()
    write_iati(path, framework, **ORG)
    assert _official_schema().validate(etree.parse(str(path)))
    [back] = read_iati(path)
    assert back.framework == framework
    assert back.identifier == ORG["identifier"]
    text = path.read_text(encoding="utf-8")
    assert '<indicator measure="2" ascending="1">' in text  # percentage: IATI code 2
    assert re.search(r'<actual value="75\.0"', text)  # 45 of 60 as a percentage
    # A rate has no IATI measure: written as a unit value (7.5 per 100,000).
    assert '<actual value="7.5">' in text


def test_a_reader_that_ignores_extensions_sees_plain_iati(tmp_path: Path) -> None:
    path = tmp_path / "results.xml"
    write_iati(path, _programme(), **ORG)
    tree = etree.parse(str(path))
    for element in tree.xpath("//*[namespace-uri()!='']"):
        element.getparent().remove(element)
    plain = tmp_path / "plain.xml"
    tree.write(str(plain))
    rules = {
        "OUT-1": {**RULES, "unit": "laboratories"},
        "OC-2": {"time_rule": "sum", "unit_rule": "pooled_ratio"},
        "IMP-1": {**RULES, "unit": "homicides"},
    }
    [back] = read_iati(plain, rules=rules)
    assert back.framework["IMP-1"].indicator.measure == "unit"  # the rate is lost
    assert back.framework["OC-2"].actuals[0].value == 75.0  # numerator/denominator lost


def test_writing_refuses_what_iati_cannot_hold(tmp_path: Path) -> None:
    undefined = ResultsFramework(
        title="T",
        indicators=[
            IndicatorValues(
                indicator=Indicator(
                    code="P",
                    title="Share",
                    level="output",
                    measure="percentage",
                    ascending=True,
                    time_rule="sum",
                    unit_rule="pooled_ratio",
                ),
                actuals=[Actual(period=2017, numerator=0, denominator=0)],
            )
        ],
    )
    with pytest.raises(ValidationError, match="zero denominator"):
        write_iati(tmp_path / "x.xml", undefined, **ORG)
    assert not (tmp_path / "x.xml").exists()
    with pytest.raises(ValidationError, match="identifier"):
        write_iati(tmp_path / "x.xml", _programme(), **{**ORG, "identifier": " "})
    with pytest.raises(TypeError):
        write_iati(tmp_path / "x.xml", [], **ORG)  # type: ignore[arg-type]
    control = attrs.evolve(
        _programme(),
        indicators=[
            attrs.evolve(
                _programme().indicators[0],
                indicator=attrs.evolve(_programme().indicators[0].indicator, title="bad\x01"),
            )
        ],
    )
    with pytest.raises(ValidationError, match=r"indicators\[0\] \(OUT-1\): cannot be written"):
        write_iati(tmp_path / "x.xml", control, **ORG)
    assert not (tmp_path / "x.xml").exists()


# -------------------------------------------------------------------- round trip

_TEXT = st.text(
    alphabet=string.ascii_letters + string.digits + " áéíóúñÑ-.,()'&<>\"", min_size=1, max_size=30
).filter(lambda s: s == s.strip())
_REF = st.text(alphabet=string.ascii_uppercase + string.digits + "-", min_size=1, max_size=8)
_NUMBER = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
_POSITIVE = st.floats(min_value=0.0, max_value=1e9, allow_nan=False)


@st.composite
def _values(draw: Any, kind: type, measure: str, year: int, dims: tuple[str, ...]) -> Any:
    fields: dict[str, Any] = {}
    if measure == "qualitative":
        fields["narrative"] = draw(_TEXT)
    elif measure in ("percentage", "rate") and draw(st.booleans()):
        fields["numerator"] = draw(_POSITIVE)
        fields["denominator"] = draw(st.floats(min_value=1.0, max_value=1e9))
    else:
        fields["value"] = draw(_NUMBER)
    if kind is Baseline:
        if measure != "qualitative":
            fields["source"] = draw(st.none() | _TEXT)
        return Baseline(year=year, **fields)
    fields["period"] = ReportingPeriod.year(year)
    fields["location"] = draw(st.none() | _REF)
    if dims and draw(st.booleans()):
        fields["dimensions"] = {dims[0]: draw(_REF)}
    if kind is Target:
        return Target(milestone=draw(st.booleans()), **fields)
    if measure != "qualitative":
        fields["source"] = draw(st.none() | _TEXT)
    return Actual(
        verification=draw(st.sampled_from(["unverified", "internal", "independent"])), **fields
    )


@st.composite
def _entries(draw: Any, code: str) -> IndicatorValues:
    measure = draw(
        st.sampled_from(["unit", "percentage", "rate", "nominal", "ordinal", "qualitative"])
    )
    rules: dict[str, Any] = {}
    if measure != "qualitative":
        from narcometrics.indicators import Measure

        rules["time_rule"] = draw(st.sampled_from(sorted(TIME_RULES[Measure(measure)])))
        rules["unit_rule"] = draw(st.sampled_from(sorted(UNIT_RULES[Measure(measure)])))
    dims = ("sex",) if draw(st.booleans()) and measure != "qualitative" else ()
    indicator = Indicator(
        code=code,
        title=draw(_TEXT),
        level=draw(st.sampled_from(["output", "outcome", "impact"])),
        measure=measure,
        unit="ha" if measure in ("unit", "rate") else None,
        per=100_000.0 if measure == "rate" else None,
        ascending=draw(st.booleans())
        if measure in ("unit", "percentage", "rate", "ordinal")
        else draw(st.none() | st.booleans()),
        dimensions=dims,
        references=draw(st.lists(st.tuples(st.sampled_from(["1", "7"]), _REF), max_size=2)),
        **rules,
    )
    years = sorted(draw(st.lists(st.integers(2010, 2030), max_size=4)))
    baseline = draw(st.none() | _values(Baseline, measure, 2009, dims))
    targets = [draw(_values(Target, measure, y, dims)) for y in years]
    actuals = [draw(_values(Actual, measure, y, dims)) for y in years]
    return IndicatorValues(indicator=indicator, baseline=baseline, targets=targets, actuals=actuals)


@st.composite
def _frameworks(draw: Any) -> ResultsFramework:
    n = draw(st.integers(1, 4))
    return ResultsFramework(
        title=draw(_TEXT), indicators=[draw(_entries(f"IND-{i}")) for i in range(n)]
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_frameworks())
def test_write_then_read_gives_an_equal_framework(
    tmp_path: Path, framework: ResultsFramework
) -> None:
    path = tmp_path / "round-trip.xml"
    write_iati(path, framework, start=dt.date(2009, 1, 1), **ORG)
    [back] = read_iati(path)
    assert back.framework == framework
