"""A results framework as IATI 2.03 ``<result>`` elements inside a minimal valid activity."""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from narcometrics.errors import Problem, ValidationError
from narcometrics.iati._schema import (
    NAMESPACE,
    XML_LANG,
    lxml,
    raise_problems,
    schema_problems,
)
from narcometrics.io._files import PathLike, atomic_file

__all__ = ["iati_tree", "write_iati"]

_LEVEL_CODES = {"output": "1", "outcome": "2", "impact": "3"}
_MEASURE_CODES = {
    "unit": "1",
    "percentage": "2",
    "nominal": "3",
    "ordinal": "4",
    "qualitative": "5",
    "rate": "1",  # IATI has no rate: written as unit values (see the docs)
}


def _number(value: float, where: str) -> str:
    if not math.isfinite(value):
        raise ValidationError(
            where, "is undefined (a zero denominator): IATI needs a number", value
        )
    return repr(float(value))


class _Writer:
    def __init__(self, lang: str | None) -> None:
        self.etree = lxml()
        self.lang = lang

    def sub(self, parent: Any, tag: str, **attributes: str) -> Any:
        element = self.etree.SubElement(parent, tag)
        for key, value in attributes.items():
            element.set(key.replace("_", "-"), value)
        return element

    def narrative(self, parent: Any, tag: str, text: str) -> Any:
        element = self.sub(parent, tag)
        narrative = self.sub(element, "narrative")
        narrative.text = text
        return element

    def extension(self, parent: Any, name: str, attributes: dict[str, str]) -> None:
        if attributes:
            element = self.etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
            for key, value in attributes.items():
                element.set(key, value)

    def value(self, parent: Any, tag: str, indicator: Any, item: Any, where: str) -> Any:
        element = self.sub(parent, tag)
        extra: dict[str, str] = {}
        if indicator.measure == "qualitative":
            comment = item.narrative
        else:
            element.set("value", _number(indicator.value_of(item), where))
            if item.numerator is not None:
                extra["numerator"] = repr(float(item.numerator))
                extra["denominator"] = repr(float(item.denominator))
            comment = getattr(item, "source", None)
        if tag != "baseline":
            if item.location is not None:
                for ref in item.location.split("; "):
                    self.sub(element, "location", ref=ref)
            for name, category in item.dimensions:
                self.sub(element, "dimension", name=name, value=category)
        if comment is not None:
            self.narrative(element, "comment", comment)
        if getattr(item, "milestone", False):
            extra["milestone"] = "1"
        verification = getattr(item, "verification", None)
        if verification is not None and str(verification) != "unverified":
            extra["verification"] = str(verification)
        self.extension(element, "value", extra)
        return element

    def indicator(self, parent: Any, entry: Any, index: int) -> None:
        ind = entry.indicator
        where = f"indicators[{index}]"
        result = self.sub(parent, "result", type=_LEVEL_CODES[str(ind.level)])
        self.narrative(result, "title", ind.title)
        element = self.sub(result, "indicator", measure=_MEASURE_CODES[str(ind.measure)])
        if ind.ascending is not None:
            element.set("ascending", "1" if ind.ascending else "0")
        self.narrative(element, "title", ind.title)
        self.sub(element, "reference", vocabulary="99", code=ind.code)
        for reference in ind.references:
            self.sub(element, "reference", vocabulary=reference.vocabulary, code=reference.code)
        if entry.baseline is not None:
            base = self.value(element, "baseline", ind, entry.baseline, f"{where}.baseline")
            base.set("year", str(entry.baseline.year))
            # IATI wants @year first for readability only; attribute order carries no meaning.
        periods: dict[Any, tuple[list[Any], list[Any]]] = {}
        for target in entry.targets:
            periods.setdefault(target.period, ([], []))[0].append(target)
        for actual in entry.actuals:
            periods.setdefault(actual.period, ([], []))[1].append(actual)
        for period, (targets, actuals) in periods.items():
            p = self.sub(element, "period")
            self.sub(p, "period-start", iso_date=period.start.isoformat())
            self.sub(p, "period-end", iso_date=period.end.isoformat())
            for i, target in enumerate(targets):
                self.value(p, "target", ind, target, f"{where}.targets[{i}]")
            for i, actual in enumerate(actuals):
                self.value(p, "actual", ind, actual, f"{where}.actuals[{i}]")
        rules: dict[str, str] = {}
        if str(ind.measure) == "rate":
            rules["measure"] = "rate"
        for key in ("time_rule", "unit_rule", "unit"):
            value = getattr(ind, key)
            if value is not None:
                rules[key] = str(value)
        if str(ind.cumulative) != "none":
            rules["cumulative"] = str(ind.cumulative)
        if ind.per is not None:
            rules["per"] = repr(float(ind.per))
        if ind.kirkpatrick_level is not None:
            rules["kirkpatrick_level"] = str(ind.kirkpatrick_level)
        if ind.dimensions:
            rules["dimensions"] = " ".join(ind.dimensions)
        self.extension(element, "rules", rules)


def _check_required(**texts: object) -> None:
    """Each of ``texts`` is non-empty text."""
    for name, text in texts.items():
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(name, "is required (non-empty text)", text)


def _start(framework: Any) -> _dt.date:
    """The first day of a target or actual period: the activity's start when none is given."""
    starts = [v.period.start for e in framework for v in (*e.targets, *e.actuals)]
    if not starts:
        raise ValidationError("start", "is required when no target or actual gives a period", None)
    first: _dt.date = min(starts)
    return first


def _framework_problems(framework: Any) -> list[Problem]:
    """What IATI cannot hold: a level without a result type, a baseline year before 1."""
    problems: list[Problem] = []
    for index, entry in enumerate(framework):
        if str(entry.indicator.level) not in _LEVEL_CODES:
            problems.append(
                Problem(field=f"indicators[{index}].level", problem="has no IATI result type")
            )
        if entry.baseline is not None and entry.baseline.year < 1:
            problems.append(
                Problem(field=f"indicators[{index}].baseline.year", problem="must be >= 1")
            )
    return problems


def iati_tree(
    framework: Any,
    *,
    identifier: str,
    reporting_org: str,
    reporting_org_type: str,
    reporting_org_name: str,
    title: str | None = None,
    description: str | None = None,
    start: _dt.date | None = None,
    activity_status: str = "2",
    lang: str | None = "en",
    generated: _dt.datetime | None = None,
) -> Any:
    """The IATI XML tree of a framework (validated against the 2.03 schema)."""
    from narcometrics.indicators import ResultsFramework

    if not isinstance(framework, ResultsFramework):
        raise TypeError(f"framework must be a ResultsFramework, not {type(framework).__name__}")
    _check_required(
        identifier=identifier,
        reporting_org=reporting_org,
        reporting_org_type=reporting_org_type,
        reporting_org_name=reporting_org_name,
    )
    start = _start(framework) if start is None else start
    raise_problems(_framework_problems(framework))
    writer = _Writer(lang)
    etree = writer.etree
    root = etree.Element("iati-activities", nsmap={"nm": NAMESPACE})
    root.set("version", "2.03")
    stamp = generated or _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    root.set("generated-datetime", stamp.isoformat())
    where = "activity"
    try:
        activity = writer.sub(root, "iati-activity")
        if lang is not None:
            activity.set(XML_LANG, lang)
        ident = writer.sub(activity, "iati-identifier")
        ident.text = identifier
        org = writer.sub(activity, "reporting-org", ref=reporting_org, type=reporting_org_type)
        org_name = writer.sub(org, "narrative")
        org_name.text = reporting_org_name
        writer.narrative(activity, "title", title or framework.title)
        writer.narrative(activity, "description", description or title or framework.title)
        participant = writer.sub(activity, "participating-org", ref=reporting_org, role="4")
        writer.sub(participant, "narrative").text = reporting_org_name
        writer.sub(activity, "activity-status", code=activity_status)
        writer.sub(activity, "activity-date", type="2", iso_date=start.isoformat())
        for index, entry in enumerate(framework):
            where = f"indicators[{index}] ({entry.code})"
            writer.indicator(activity, entry, index)
    except ValueError as exc:  # lxml refuses text XML cannot hold (control characters)
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError(where, f"cannot be written as XML: {exc}") from None
    tree = etree.ElementTree(root)
    raise_problems(schema_problems(tree, "<written IATI>"))
    return tree


def write_iati(
    target: PathLike,
    framework: Any,
    *,
    identifier: str,
    reporting_org: str,
    reporting_org_type: str,
    reporting_org_name: str,
    title: str | None = None,
    description: str | None = None,
    start: _dt.date | None = None,
    activity_status: str = "2",
    lang: str | None = "en",
) -> None:
    """Write a results framework as the results of one minimal, valid IATI 2.03 activity.

    Parameters
    ----------
    target : path
        The ``.xml`` file to write (atomically).
    framework : ResultsFramework
        One ``<result>`` per indicator (its level as the result type), with the indicator,
        its baseline, and one ``<period>`` per period of its targets and actuals.
    identifier : str
        The ``iati-identifier`` (the reporting organisation's ref and the activity's own id).
    reporting_org, reporting_org_type, reporting_org_name : str
        The reporting organisation's ref, its IATI OrganisationType code (``"10"``
        government, ``"40"`` multilateral...) and name.
    title, description : str, optional
        The activity's title and description; the framework's title by default.
    start : datetime.date, optional
        The actual start date (``activity-date`` type 2); the first period start by default.
    activity_status : str
        IATI ActivityStatus code; ``"2"`` (implementation) by default.
    lang : str or None
        ``xml:lang`` of the activity's narratives; ``"en"`` by default.

    Raises
    ------
    ValidationError
        When the written XML would break the IATI 2.03 schema (every problem named by its
        element path), for a value IATI cannot hold (an undefined percentage), or missing
        identifiers.

    Notes
    -----
    What IATI has no place for (declared rules, units, numerators and denominators,
    milestones, verification status, rates) is written in narcometrics extension elements
    (namespace `NAMESPACE`), which IATI allows and other tools ignore; see the page "IATI
    results in and out" for what is written and what is lost.
    """
    tree = iati_tree(
        framework,
        identifier=identifier,
        reporting_org=reporting_org,
        reporting_org_type=reporting_org_type,
        reporting_org_name=reporting_org_name,
        title=title,
        description=description,
        start=start,
        activity_status=activity_status,
        lang=lang,
    )
    with atomic_file(target) as fh:
        tree.write(fh, xml_declaration=True, encoding="UTF-8", pretty_print=True)
