"""IATI 2.03 ``<result>`` elements into results frameworks (reading).

Each ``iati-activity`` becomes an [`IatiActivityResults`][narcometrics.iati.IatiActivityResults]:
its identifier and title, a [`ResultsFramework`][narcometrics.indicators.ResultsFramework] of
its indicators, every narrative in every language by element path, and the paths of what the
framework does not keep. See the page "IATI results in and out" for the mapping.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from collections.abc import Mapping
from typing import IO, Any

import attrs

from narcometrics.errors import Problem, ValidationError
from narcometrics.iati._schema import (
    BOOLEANS,
    MEASURES,
    NAMESPACE,
    RESULT_TYPES,
    XML_LANG,
    parse,
    raise_problems,
    schema_problems,
)
from narcometrics.io._files import display_name

__all__ = ["IatiActivityResults", "read_iati"]

Narratives = tuple[tuple[str | None, str], ...]
_RULE_FIELDS = ("time_rule", "unit_rule", "cumulative", "unit", "per", "kirkpatrick_level")


@attrs.frozen(kw_only=True)
class IatiActivityResults:
    """The results of one IATI activity.

    Attributes
    ----------
    identifier : str
        The ``iati-identifier``.
    title : str
        The activity title (in the language chosen when reading).
    framework : ResultsFramework
        Its indicators, with baselines, targets and actuals.
    narratives : mapping of str to tuple of (language, text)
        Every narrative of the activity's results, in every language given, by the element
        path of its parent (``iati-activity[1]/result[1]/indicator[1]/title[1]``); the
        language is ``None`` when the file gives none.
    not_kept : tuple of str
        Element paths read but not kept in the framework (document links, baseline
        locations and dimensions, dates of baselines...).
    """

    identifier: str
    title: str
    framework: Any
    narratives: Mapping[str, Narratives]
    not_kept: tuple[str, ...] = ()


def _local(tag: object) -> str:
    return tag.split("}")[-1] if isinstance(tag, str) else ""


class _Reader:
    """Walks one file, collecting problems with element paths instead of stopping."""

    def __init__(
        self,
        name: str,
        lang: str | None,
        rules: Mapping[str, Mapping[str, Any]],
        default_rules: Mapping[str, Any] | None,
    ) -> None:
        self.name = name
        self.lang = lang
        self.rules = rules
        self.default_rules = default_rules
        self.problems: list[Problem] = []
        self.narratives: dict[str, Narratives] = {}
        self.not_kept: list[str] = []

    def problem(self, path: str, problem: str, value: object, element: Any) -> None:
        line = getattr(element, "sourceline", None)
        self.problems.append(
            Problem(field=path, problem=problem, value=value, path=self.name, row=line)
        )

    # -------------------------------------------------------------------- helpers

    @staticmethod
    def children(element: Any, name: str) -> list[tuple[str, Any]]:
        """Children named ``name`` (IATI namespace, i.e. none), with their 1-based index."""
        found = [c for c in element if c.tag == name]
        return [(f"{name}[{i}]", c) for i, c in enumerate(found, start=1)]

    def text(self, element: Any, path: str, default_lang: str | None) -> str | None:
        """Keep every narrative; return the one in the chosen language (or the first)."""
        items: list[tuple[str | None, str]] = []
        for _, narrative in self.children(element, "narrative"):
            lang = narrative.get(XML_LANG, default_lang)
            items.append((lang, (narrative.text or "").strip()))
        if not items:
            return None
        self.narratives[path] = tuple(items)
        wanted = self.lang or default_lang
        for lang, value in items:
            if lang == wanted and value:
                return value
        return next((value for _, value in items if value), None)

    def boolean(self, element: Any, attribute: str, path: str) -> bool | None:
        raw = element.get(attribute)
        if raw is None:
            return None
        value = BOOLEANS.get(raw.strip())
        if value is None:
            self.problem(f"{path}/@{attribute}", "must be 0, 1, true or false", raw, element)
        return value

    def number(self, element: Any, path: str) -> float | None:
        raw = element.get("value")
        if raw is None:
            return None
        try:
            value = float(raw.strip())
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.problem(f"{path}/@value", "must be a finite number", raw, element)
            return None
        return value

    def date(self, element: Any, path: str) -> _dt.date | None:
        raw = element.get("iso-date")
        try:
            return _dt.date.fromisoformat((raw or "").strip()[:10])
        except ValueError:
            self.problem(f"{path}/@iso-date", "must be an ISO 8601 date", raw, element)
            return None

    @staticmethod
    def extension(element: Any, name: str) -> dict[str, str]:
        """The attributes of the narcometrics extension child ``name``, if any."""
        for child in element:
            if child.tag == f"{{{NAMESPACE}}}{name}":
                return {str(k): str(v) for k, v in child.attrib.items()}
        return {}

    def where(self, element: Any) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        refs = [c.get("ref", "").strip() for c in element if c.tag == "location"]
        location = "; ".join(r for r in refs if r) or None
        dimensions = tuple(
            (c.get("name", "").strip(), c.get("value", "").strip())
            for c in element
            if c.tag == "dimension"
        )
        return location, dimensions

    # --------------------------------------------------------------------- values

    def value_fields(
        self, element: Any, path: str, measure: str, lang: str | None
    ) -> dict[str, Any] | None:
        """value / numerator and denominator / narrative, and the comment."""
        extra = self.extension(element, "value")
        comment = None
        for comment_path, comment_element in self.children(element, "comment"):
            comment = self.text(comment_element, f"{path}/{comment_path}", lang)
        fields: dict[str, Any] = {}
        if measure == "qualitative":
            fields["narrative"] = comment
            if fields["narrative"] is None:
                self.problem(path, "a qualitative value needs a comment narrative", None, element)
                return None
            return {**fields, **extra}
        fields["source"] = comment
        if "numerator" in extra and "denominator" in extra:
            try:
                fields["numerator"] = float(extra["numerator"])
                fields["denominator"] = float(extra["denominator"])
            except ValueError:
                self.problem(
                    f"{path}/value", "numerator and denominator must be numbers", extra, element
                )
                return None
            return {
                **fields,
                **{k: v for k, v in extra.items() if k not in ("numerator", "denominator")},
            }
        value = self.number(element, path)
        if value is None:
            if element.get("value") is None:
                self.problem(path, f"a {measure} value needs @value", None, element)
            return None
        fields["value"] = value
        return {**fields, **extra}

    # ------------------------------------------------------------------ indicator

    def measure(self, element: Any, path: str) -> str | None:
        """The indicator's measure from its IATI code, or None (a problem) for another code."""
        measure = MEASURES.get((element.get("measure") or "").strip())
        if measure is None:
            self.problem(
                f"{path}/@measure",
                "must be an IATI IndicatorMeasure code: 1 unit, 2 percentage, 3 nominal, "
                "4 ordinal, 5 qualitative",
                element.get("measure"),
                element,
            )
        return measure

    def names(
        self, element: Any, path: str, lang: str | None, position: str
    ) -> tuple[str | None, str, list[tuple[str, str]]]:
        """Title, code (the vocabulary-99 reference, else the position) and other references."""
        title = None
        for title_path, title_element in self.children(element, "title"):
            title = self.text(title_element, f"{path}/{title_path}", lang)
        for desc_path, desc_element in self.children(element, "description"):
            self.text(desc_element, f"{path}/{desc_path}", lang)
        code = None
        references = []
        for _, ref in self.children(element, "reference"):
            vocabulary, ref_code = ref.get("vocabulary", "").strip(), ref.get("code", "").strip()
            if vocabulary == "99" and code is None:
                code = ref_code
            else:
                references.append((vocabulary, ref_code))
        return title, code or position, references

    def declared_rules(
        self, element: Any, path: str, code: str, measure: str
    ) -> tuple[str, dict[str, Any], str] | None:
        """Measure (a unit may declare itself a rate), aggregation rules and declared
        dimensions; None (a problem) when a quantitative indicator has no rules."""
        declared = dict(self.extension(element, "rules"))
        if measure == "unit" and declared.get("measure") == "rate":
            measure = "rate"
        declared.pop("measure", None)
        given = dict(self.rules.get(code, {}))
        rules: dict[str, Any] = {**(self.default_rules or {}), **declared, **given}
        dims_declared = rules.pop("dimensions", "")
        if measure == "qualitative":
            rules = {k: v for k, v in rules.items() if k not in ("time_rule", "unit_rule")}
        elif "time_rule" not in rules or "unit_rule" not in rules:
            self.problem(
                path,
                f"indicator {code!r} has no declared time_rule and unit_rule: give "
                "rules={code: {...}} or default_rules (rules are never inferred)",
                None,
                element,
            )
            return None
        return measure, rules, dims_declared

    def baseline(self, element: Any, path: str, measure: str, lang: str | None) -> Any:
        """The first baseline (others are problems), or None."""
        from narcometrics.indicators import Baseline

        baseline = None
        for b_path, b in self.children(element, "baseline"):
            full = f"{path}/{b_path}"
            if b_path != "baseline[1]":
                self.problem(full, "narcometrics keeps one baseline per indicator", None, b)
                continue
            for child in b:
                if child.tag in ("location", "dimension", "document-link"):
                    self.not_kept.append(f"{full}/{child.tag}")
            if b.get("iso-date") is not None:
                self.not_kept.append(f"{full}/@iso-date")
            fields = self.value_fields(b, full, measure, lang)
            year = b.get("year", "")
            if fields is None or not year.strip().isdigit():
                if fields is not None:
                    self.problem(f"{full}/@year", "must be a year", year, b)
                continue
            fields.pop("verification", None)
            fields.pop("milestone", None)
            baseline = Baseline(year=int(year), **fields)
        return baseline

    def period_value(
        self, kind: str, element: Any, path: str, period: Any, measure: str, lang: str | None
    ) -> tuple[Any, list[str]] | None:
        """One target or actual of a period, and the names of its dimensions; or None."""
        from narcometrics.indicators import Actual, Target

        fields = self.value_fields(element, path, measure, lang)
        if fields is None:
            return None
        location, dims = self.where(element)
        if any(c.tag == "document-link" for c in element):
            self.not_kept.append(f"{path}/document-link")
        names = [n for n, _ in dims]
        if kind == "actual":
            fields.pop("milestone", None)
            return Actual(period=period, location=location, dimensions=dims, **fields), names
        fields.pop("verification", None)
        fields.pop("source", None)  # a target's comment stays in narratives
        milestone = BOOLEANS.get(str(fields.pop("milestone", "0")), False)
        target = Target(
            period=period, location=location, dimensions=dims, milestone=milestone, **fields
        )
        return target, names

    def periods(
        self, element: Any, path: str, measure: str, lang: str | None, dimensions: set[str]
    ) -> tuple[list[Any], list[Any]]:
        """Targets and actuals of every period with a start and an end; the dimension names
        they use are added to ``dimensions``."""
        from narcometrics.indicators import ReportingPeriod

        found: dict[str, list[Any]] = {"target": [], "actual": []}
        for p_path, p in self.children(element, "period"):
            full = f"{path}/{p_path}"
            start = end = None
            for _, s in self.children(p, "period-start"):
                start = self.date(s, f"{full}/period-start[1]")
            for _, e in self.children(p, "period-end"):
                end = self.date(e, f"{full}/period-end[1]")
            if start is None or end is None:
                continue
            period = ReportingPeriod(start=start, end=end)
            for kind, items in found.items():
                for v_path, v in self.children(p, kind):
                    value = self.period_value(kind, v, f"{full}/{v_path}", period, measure, lang)
                    if value is not None:
                        items.append(value[0])
                        dimensions.update(value[1])
        return found["target"], found["actual"]

    def indicator(
        self, element: Any, path: str, level: str, lang: str | None, position: str
    ) -> Any:
        from narcometrics.indicators import Indicator, IndicatorValues, Level, Measure

        measure = self.measure(element, path)
        if measure is None:
            return None
        ascending = self.boolean(element, "ascending", path)
        self.boolean(element, "aggregation-status", path)
        title, code, references = self.names(element, path, lang, position)
        declared = self.declared_rules(element, path, code, measure)
        if declared is None:
            return None
        measure, rules, dims_declared = declared
        if ascending is None and measure in ("unit", "percentage", "rate", "ordinal"):
            ascending = True  # IATI: an indicator without @ascending improves upwards
        dimension_names: set[str] = set(str(dims_declared).split()) if dims_declared else set()
        try:
            baseline = self.baseline(element, path, measure, lang)
            targets, actuals = self.periods(element, path, measure, lang, dimension_names)
            indicator = Indicator(
                code=code,
                title=title or code,
                level=Level(level),
                measure=Measure(measure),
                ascending=ascending,
                references=tuple(references),
                dimensions=tuple(sorted(dimension_names)),
                **_rule_values(rules),
            )
            return IndicatorValues(
                indicator=indicator, baseline=baseline, targets=targets, actuals=actuals
            )
        except ValidationError as error:
            for p in error.problems:
                self.problem(
                    path, f"{p.field}: {p.problem}", p.value if p.has_value else None, element
                )
            return None

    # ------------------------------------------------------------------- activity

    def result(self, result: Any, full: str, r_path: str, lang: str | None) -> list[Any]:
        """The indicators of one result, at the level of its type (none for another type)."""
        code = (result.get("type") or "").strip()
        level = RESULT_TYPES.get(code)
        if level is None or level == "other":
            self.problem(
                f"{full}/@type",
                "must be an IATI ResultType code narcometrics maps: 1 output, 2 outcome, "
                "3 impact" + (" (9 other has no level here)" if level == "other" else ""),
                result.get("type"),
                result,
            )
            return []
        self.boolean(result, "aggregation-status", full)
        for t_path, t in self.children(result, "title"):
            self.text(t, f"{full}/{t_path}", lang)
        for d_path, d in self.children(result, "description"):
            self.text(d, f"{full}/{d_path}", lang)
        for child in result:
            if child.tag in ("document-link", "reference"):
                self.not_kept.append(f"{full}/{child.tag}")
        r_index = r_path[len("result[") : -1]
        entries = []
        for i_path, ind in self.children(result, "indicator"):
            position = f"R{r_index}.I{i_path[len('indicator[') : -1]}"
            entry = self.indicator(ind, f"{full}/{i_path}", level, lang, position)
            if entry is not None:
                entries.append(entry)
        return entries

    def activity(self, element: Any, path: str) -> IatiActivityResults | None:
        from narcometrics.indicators import ResultsFramework

        lang = element.get(XML_LANG)
        identifier = ""
        for _, ident in self.children(element, "iati-identifier"):
            identifier = (ident.text or "").strip()
        title = None
        for t_path, t in self.children(element, "title"):
            title = self.text(t, f"{path}/{t_path}", lang)
        entries = []
        for r_path, result in self.children(element, "result"):
            entries += self.result(result, f"{path}/{r_path}", r_path, lang)
        try:
            framework = ResultsFramework(
                title=title or identifier or "IATI activity", indicators=entries
            )
        except ValidationError as error:
            for p in error.problems:
                self.problem(
                    path, f"{p.field}: {p.problem}", p.value if p.has_value else None, element
                )
            return None
        return IatiActivityResults(
            identifier=identifier,
            title=title or "",
            framework=framework,
            narratives=dict(self.narratives),
            not_kept=tuple(self.not_kept),
        )


def _rule_values(rules: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _RULE_FIELDS:
        if key in rules and rules[key] not in (None, ""):
            value = rules[key]
            if key == "per" and isinstance(value, str):
                value = float(value)
            if key == "kirkpatrick_level" and isinstance(value, str):
                value = int(value)
            out[key] = value
    return out


def read_iati(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    rules: Mapping[str, Mapping[str, Any]] | None = None,
    default_rules: Mapping[str, Any] | None = None,
    lang: str | None = None,
) -> list[IatiActivityResults]:
    """Read the ``<result>`` elements of an IATI 2.03 activity file into results frameworks.

    Parameters
    ----------
    source : path or binary file object
        An ``iati-activities`` XML file. It is untrusted input: entities are never
        resolved, no DTD is loaded, nothing is fetched from the network.
    rules : mapping of indicator code to mapping, optional
        The aggregation rules IATI does not hold, per indicator code (the code is the
        ``reference`` of vocabulary 99, else ``R<result>.I<indicator>``):
        ``{"OUT-1": {"time_rule": "sum", "unit_rule": "sum", "unit": "ha"}}``. Rules
        written by [`write_iati`][narcometrics.iati.write_iati] are read from the file.
    default_rules : mapping, optional
        Rules for every indicator that has none in the file or in ``rules``.
    lang : str, optional
        The language of the titles and narratives kept in the framework (ISO 639-1); the
        activity's ``xml:lang`` by default, else the first narrative. All narratives are kept
        in ``narratives``.

    Returns
    -------
    list of IatiActivityResults
        One per ``iati-activity``, in file order.

    Raises
    ------
    ValidationError
        For a file that breaks the IATI 2.03 schema, a code outside IATI's codelists
        (measure, result type), a boolean other than 0, 1, true or false, a value that is
        not a number, or an indicator without declared rules; every problem is named by its
        element path (``iati-activity[2]/result[1]/indicator[3]/@measure``) and line.
    """
    name = display_name(source)
    tree = parse(source, name)
    root = tree.getroot()
    if _local(root.tag) != "iati-activities" or root.tag != "iati-activities":
        raise ValidationError("file", "is not an iati-activities file", root.tag, path=name)
    raise_problems(schema_problems(tree, name))
    out = []
    problems: list[Problem] = []
    for index, element in enumerate((c for c in root if c.tag == "iati-activity"), start=1):
        reader = _Reader(name, lang, rules or {}, default_rules)
        found = reader.activity(element, f"iati-activity[{index}]")
        problems.extend(reader.problems)
        if found is not None:
            out.append(found)
    raise_problems(problems)
    return out
