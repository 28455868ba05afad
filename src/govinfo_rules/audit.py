"""`govinfo-rules audit`: a standard battery of properties, checked with hypothesis.

Entry point: :func:`audit`.  Each property runs on records generated from the
ruleset's own schema (:mod:`.testing`); a failing one is reported with the smallest
counterexample hypothesis found, as JSON, with its trace.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import HealthCheck, given, seed, settings

from . import bounds, ir
from .errors import RecordError
from .report import Report
from .ruleset import Ruleset
from .testing import invalid_records, ledgers, monotone_pairs
from .types import BOOL, ListT

AS_OF = "2024-12-31"


@attrs.frozen
class Finding:
    name: str
    held: bool
    counterexample: Any = None
    detail: str = ""
    trace: tuple[str, ...] = ()  # the trace lines of the counterexample's records


def _evaluate(ruleset: Ruleset, ledger: list[dict[str, Any]]) -> Report:
    return ruleset.evaluate(ledger, as_of=AS_OF, period=None)


def _totals_add_up(ruleset: Ruleset, ledger: list[dict[str, Any]]) -> str | None:
    report = _evaluate(ruleset, ledger)
    for record in report.records:
        for credit in record.credits:
            traced = sum((t.points for t in record.trace or () if t.unit == credit.unit), Decimal(0))
            if traced != credit.points:
                return f"record {record.id}: {credit.unit} is credited {credit.points} but its trace adds to {traced}"
    return None


def _order_free(ruleset: Ruleset, ledger: list[dict[str, Any]]) -> str | None:
    shuffled = list(reversed(ledger))  # reversed: every record moves
    if _evaluate(ruleset, ledger).to_json() != _evaluate(ruleset, shuffled).to_json():
        return "the report changes when the records are given in another order"
    return None


def _no_raise(ruleset: Ruleset, ledger: list[dict[str, Any]]) -> str | None:
    _evaluate(ruleset, ledger)  # any exception is the finding
    return None


def _maxima(ruleset: Ruleset, ledger: list[dict[str, Any]]) -> str | None:
    report = _evaluate(ruleset, ledger)
    scores = {s.record: s for s in ruleset.program.scores}
    for record in report.records:
        score = scores.get(record.type)
        if score is None:
            continue
        for group in score.groups:
            if group.maximum is None:
                continue
            for credit in record.credits:
                paid = record.group_points(group.name, credit.unit)
                if paid > group.maximum:
                    return f"record {record.id}: group {group.name} pays {paid}, above its max {group.maximum}"
        if score.total is not None and score.total.maximum is not None:
            for credit in record.credits:
                if credit.points > score.total.maximum:
                    return f"record {record.id}: {credit.points} is above the declared total max {score.total.maximum}"
    return None


def _award_pools(ruleset: Ruleset, ledger: list[dict[str, Any]]) -> str | None:
    report = _evaluate(ruleset, ledger)
    for award in ruleset.program.awards:
        paid = sum((a.yuan for a in report.awards if a.award == award.label), Decimal(0))
        pool = sum(award.prizes, Decimal(0))
        if paid > pool:
            return f"award {award.label} pays ¥{paid}, more than its pool ¥{pool}"
    return None


def _highest_groups(ruleset: Ruleset, ledger: list[dict[str, Any]]) -> str | None:
    report = _evaluate(ruleset, ledger)
    scores = {s.record: s for s in ruleset.program.scores}
    for record in report.records:
        score = scores.get(record.type)
        for group in score.groups if score else ():
            if group.combine != "highest":
                continue
            largest = bounds.group_range(group)[1]
            for credit in record.credits:
                paid = record.group_points(group.name, credit.unit)
                if largest is not None and paid > largest:
                    return (
                        f"record {record.id}: highest group {group.name} pays {paid}, above its largest rule {largest}"
                    )
    return None


PROPERTIES: tuple[tuple[str, Callable[[Ruleset, list[dict[str, Any]]], str | None]], ...] = (
    ("totals equal the sum of trace lines", _totals_add_up),
    ("results do not depend on record order", _order_free),
    ("no valid ledger raises", _no_raise),
    ("declared maxima hold", _maxima),
    ("award money never exceeds the pool", _award_pools),
    ("highest groups never pay more than their largest rule", _highest_groups),
)


def _monotone(ruleset: Ruleset, pair: tuple[dict[str, Any], dict[str, Any], ir.Monotone]) -> str | None:
    before, after, declared = pair
    old = {c.unit: c.points for c in _evaluate(ruleset, [before]).records[0].credits}
    new = {c.unit: c.points for c in _evaluate(ruleset, [after]).records[0].credits}
    for unit in sorted(old.keys() | new.keys()):
        was, now = old.get(unit, Decimal(0)), new.get(unit, Decimal(0))
        if (now < was) if declared.increasing else (now > was):
            return f"{before['id']}: {unit} gets {was} but {now} after the change in {declared.field}"
    return None


def _trace_lines(ruleset: Ruleset, value: Any) -> tuple[str, ...]:
    """The trace of a counterexample's records, as `explain` would show their payments."""
    if isinstance(value, tuple) and len(value) == 3 and isinstance(value[2], ir.Monotone):
        ledgers_shown = [("before", [value[0]]), ("after", [value[1]])]
    elif isinstance(value, list) and all(isinstance(r, dict) for r in value):
        ledgers_shown = [("", value)]
    else:
        return ()
    lines: list[str] = []
    for heading, ledger in ledgers_shown:
        try:
            report = _evaluate(ruleset, ledger)
        except Exception:  # the exception is the finding itself; nothing to trace
            return ()
        for record in report.records:
            prefix = f"{heading} " if heading else ""
            if not record.trace:
                stopped = f" (stopped by {record.stopped_by})" if record.stopped_by else ""
                lines.append(f"{prefix}{record.id}: no payment{stopped}")
            for line in record.trace or ():
                source = f"  § {line.source}" if line.source else ""
                yuan = f", ¥{line.yuan}" if line.yuan else ""
                lines.append(f"{prefix}{record.id}: {line.rule} → {line.unit} {line.points} pts{yuan}{source}")
    return tuple(lines)


def _run(name: str, check: Callable[[Any], str | None], strategy: Any, examples: int, seed_value: int) -> Finding:
    failing: list[tuple[Any, str]] = []

    @seed(seed_value)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
    )
    @given(strategy)
    def prop(value: Any) -> None:
        try:
            problem = check(value)
        except Exception as err:
            problem = f"{type(err).__name__}: {err}"
        if problem is not None:
            failing.append((value, problem))
            raise AssertionError(problem)

    try:
        prop()
    except AssertionError:
        value, problem = failing[-1]  # hypothesis runs the shrunk example last
        return Finding(name, False, value, problem)
    return Finding(name, True)


def _bound(
    prop: Callable[[Ruleset, list[dict[str, Any]]], str | None], ruleset: Ruleset
) -> Callable[[Any], str | None]:
    def check(ledger: Any) -> str | None:
        return prop(ruleset, ledger)

    return check


def audit(ruleset: Ruleset, *, examples: int = 100, seed_value: int = 0) -> list[Finding]:
    """Run every property of the battery; a finding per property."""
    findings = []
    for name, prop in PROPERTIES:
        strategy = ledgers(ruleset, min_size=1, max_size=8)
        finding = _run(name, _bound(prop, ruleset), strategy, examples, seed_value)
        if not finding.held:
            finding = attrs.evolve(finding, trace=_trace_lines(ruleset, finding.counterexample))
        findings.append(finding)

    def rejected(case: tuple[dict[str, Any], str]) -> str | None:
        record, field = case
        try:
            ruleset.validate([record])
        except RecordError as err:
            if any(p.field.split("[")[0].split(".")[0] == field for p in err.problems):
                return None
            return f"rejected, but no error names {field}: {[p.field for p in err.problems]}"
        return f"accepted a record with a bad {field}"

    for score in ruleset.program.scores:
        for declared in score.monotone:
            direction = "never lowers" if declared.increasing else "never raises"
            field = f"{score.record}.{declared.field}"
            if isinstance(declared.type, ListT):
                grown = f"one more item in {field}"
            elif declared.type == BOOL:
                grown = f"{field} true instead of false"
            else:
                grown = f"a larger {field}"
            name = f"monotone: {grown} {direction} its points"
            pairs = monotone_pairs(ruleset, score.record, declared)
            finding = _run(name, lambda pair: _monotone(ruleset, pair), pairs, examples, seed_value)
            if not finding.held:
                before, after, _ = finding.counterexample
                finding = attrs.evolve(finding, counterexample={"before": before, "after": after})
                finding = attrs.evolve(finding, trace=_trace_lines(ruleset, (before, after, declared)))
            findings.append(finding)

    findings.append(
        _run(
            "every invalid record is rejected naming its field",
            rejected,
            invalid_records(ruleset),
            examples,
            seed_value,
        )
    )
    return findings


def render(ruleset: Ruleset, findings: list[Finding], examples: int, seed_value: int) -> str:
    lines = [f"audit {ruleset.name} ({examples} examples per property, seed {seed_value})"]
    for finding in findings:
        if finding.held:
            lines.append(f"  held            {finding.name}")
            continue
        lines.append(f"  COUNTEREXAMPLE  {finding.name}: {finding.detail}")
        shown = json.dumps(finding.counterexample, ensure_ascii=False, indent=2, default=str)
        lines += [f"      {line}" for line in shown.splitlines()]
        if finding.trace:
            lines.append("    trace:")
            lines += [f"      {line}" for line in finding.trace]
    held = sum(f.held for f in findings)
    lines.append(f"{held} of {len(findings)} properties held")
    return "\n".join(lines) + "\n"
