"""Typed records to a :class:`Report` (stage 5): period, as-of, credits, units, awards.

Entry point: :func:`evaluate`.  Per-record work is done by the compiled score blocks
(:mod:`.compile`); this module decides which records count, credits units, runs the
`per unit` rules, ranks units and runs the awards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from . import ir
from .awards import competition_ranks, place_prizes
from .codegen import generate_matcher, generate_score
from .compile import (
    CompiledMessages,
    CompiledRules,
    CompiledScore,
    EvaluationError,
    Fn,
    Line,
    Outcome,
    Reminding,
    compile_expr,
    extend,
)
from .errors import UsageError
from .periods import Period
from .report import (
    AwardResult,
    Credit,
    DroppedLine,
    RecordResult,
    Reminder,
    Report,
    TraceLine,
    UnitResult,
    Warning,
    natural_key,
)
from .tiers import assign_tiers
from .types import INTEGER, name_key
from .validate import Record

ZERO = Decimal(0)


class CompiledProgram:
    """Everything of a checked program that runs, compiled once when it is loaded."""

    def __init__(self, program: ir.Program, *, fast: bool = True) -> None:
        self.program = program
        self.schemas = {s.name: s for s in program.schemas}
        self.scores = {
            s.record: CompiledScore(
                s,
                generate_score(s, self.schemas[s.record], program.name) if fast else None,
                _matchers(s, self.schemas[s.record], program.name) if fast else None,
            )
            for s in program.scores
        }
        self.dated: dict[str, Fn | None] = {}
        self.period_by: dict[str, Fn | None] = {}
        for schema in program.schemas:
            self.dated[schema.name] = compile_expr(schema.dated) if schema.dated is not None else None
            self.period_by[schema.name] = compile_expr(schema.period_by) if schema.period_by is not None else None
        unit = program.per_unit
        self.unit_lets = tuple(compile_expr(e) for e in unit.lets) if unit is not None else ()
        self.unit_rules = CompiledRules(unit.rules) if unit is not None else None
        self.unit_messages = CompiledMessages(unit.warns, unit.reminds) if unit is not None else None
        self.awards = tuple(
            (a, compile_expr(a.entrants), compile_expr(a.measure), compile_expr(a.among) if a.among else None)
            for a in program.awards
        )
        self.cohort_fields = cohort_fields(program)
        self.has_reminders = bool(any(s.reminds for s in program.scores) or (unit is not None and unit.reminds))
        tiers = program.tiers
        self.exempt = {kind: compile_expr(cond) for kind, cond in tiers.exempt.items()} if tiers else {}
        self.by_year = any(
            s.dated is not None and s.period_by is None and s.dated.type == INTEGER for s in program.schemas
        )


def _matchers(score: ir.Score, schema: ir.Schema, ruleset: str) -> dict[str, Fn | None]:
    return {
        step.name: generate_matcher(step, schema, ruleset, Line) for step in score.steps if isinstance(step, ir.Group)
    }


def period_values(period: Period | None, as_of: dt.date) -> tuple[Any, ...] | None:
    """``period`` as the language sees it: (start, end, months, months_begun)."""
    if period is None:
        return None
    begun = 0
    year, month = period.start.year, period.start.month
    for _ in range(period.months):
        if dt.date(year, month, 1) <= as_of:
            begun += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return (period.start, period.end, period.months, begun)


class _Units:
    """Per-unit totals and record lists, keyed by name identity, shown under the
    first spelling met (a data table's spelling when the ruleset lists its units)."""

    def __init__(self, types: Sequence[str]) -> None:
        self.types = tuple(types)
        self.shown: dict[str, str] = {}
        self.points: dict[str, Decimal] = {}
        self.yuan: dict[str, Decimal] = {}
        self.records: dict[str, int] = {}
        self.lists: dict[str, dict[str, list[tuple[Any, ...]]]] = {}

    def touch(self, name: str) -> str:
        key = name_key(name)
        if key not in self.shown:
            self.shown[key] = name
            self.points[key] = ZERO
            self.yuan[key] = ZERO
            self.records[key] = 0
            self.lists[key] = {t: [] for t in self.types}
        return key

    def add(self, key: str, record_type: str, extended: tuple[Any, ...], outcome: Outcome) -> None:
        self.points[key] += outcome.points
        self.yuan[key] += outcome.yuan
        self.records[key] += 1
        self.lists[key][record_type].append(extended)


def _entrant_values(
    scope: ir.Entrant, name: str, points: Decimal, yuan: Decimal, lists: Mapping[str, list[tuple[Any, ...]]]
) -> tuple[Any, ...]:
    return (name, points, yuan, *(tuple(lists.get(t, ())) for t in scope.types))


def _names_read(nodes: Iterable[Any]) -> set[str]:
    """Every field name an IR subtree reads (over-approximated: by name, at any depth)."""
    found: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, ir.Field):
            found.add(node.name)
        if isinstance(node, tuple | list):
            stack.extend(node)
        elif attrs.has(type(node)) and not isinstance(node, ir.Table):
            stack.extend(getattr(node, f.name) for f in attrs.fields(type(node)))
    return found


def cohort_fields(program: ir.Program) -> dict[str, tuple[bool, ...]]:
    """Per record type, which of its values the cohort stage (`per unit`, awards,
    tiers) may read; the others need not be kept once the record is scored."""
    cohort: list[Any] = []
    if program.per_unit is not None:
        cohort.append(program.per_unit)
    cohort.extend(program.awards)
    if program.tiers is not None:
        cohort.extend(program.tiers.exempt.values())
    names = _names_read(cohort)
    return {s.name: tuple(f.name in names for f in s.struct.fields) for s in program.schemas}


class Evaluation:
    """One evaluation, fed record by record, so that a caller can stream its input.

    :meth:`add` scores a record and keeps only what the cohort needs (per-unit totals,
    the values that `per unit` rules, awards and tiers read); the record's own result
    goes to ``on_result`` when one is given, instead of into the report.
    """

    def __init__(
        self,
        compiled: CompiledProgram,
        *,
        as_of: dt.date,
        period: Period | None,
        trace: bool = True,
        extra_warnings: Sequence[tuple[str, str]] = (),
        on_result: Callable[[RecordResult], None] | None = None,
    ) -> None:
        program = compiled.program
        if period is not None and period.kind != "year" and compiled.by_year:
            raise UsageError(
                f"--period {period.label}: this ruleset's records carry only a year; give a year such as 2024"
            )
        self.compiled = compiled
        self.as_of = as_of
        self.period = period
        self.trace = trace
        self.ctx = (as_of, period_values(period, as_of))
        self.units = _Units([s.name for s in program.schemas])
        if program.units_from is not None:
            for listed in program.units_from.shown.values():
                self.units.touch(listed)
        self.results: list[RecordResult] = []
        self.on_result = on_result
        self.warnings: list[Warning] = [Warning(rid, message) for rid, message in extra_warnings]
        self.reminders: list[Reminder] = []
        # (record type, values + (scored, points, yuan)) of every counted record: what awards read
        self.counted: list[tuple[str, tuple[Any, ...]]] = []
        # Values the cohort never reads are dropped (None) from what is kept of a record,
        # and equal totals share one Decimal: memory per record stays small on long inputs.
        self.keep = {t: flags if not all(flags) else None for t, flags in compiled.cohort_fields.items()}
        self.decimals: dict[Decimal, Decimal] = {}
        self.counted_records = 0

    def _emit(self, result: RecordResult) -> None:
        if result.counted:
            self.counted_records += 1
        if self.on_result is not None:
            self.on_result(result)
        else:
            self.results.append(result)

    def add(self, record: Record) -> None:
        compiled, period, as_of, units = self.compiled, self.period, self.as_of, self.units
        trace = self.trace
        dated = compiled.dated[record.type]
        day = dated((record.values,)) if dated is not None else None
        by = compiled.period_by[record.type]
        period_day = by((record.values,)) if by is not None else day
        if period is not None:
            if period_day is None:
                self.warnings.append(
                    Warning(record.id, f"has no date: it belongs to no period and is left out of {period.label}")
                )
                return
            if isinstance(period_day, dt.date) and period_day not in period:
                return
            if isinstance(period_day, int) and period_day != period.start.year:
                return  # dated by a year: a year period selects by it; as_of does not apply
        if isinstance(day, dt.date) and day > as_of:
            self._emit(RecordResult(record.id, record.type, (), () if trace else None, counted=False))
            self.warnings.append(
                Warning(record.id, f"dated {day.isoformat()}, after the as-of date {as_of.isoformat()}: not counted")
            )
            return
        score = compiled.scores.get(record.type)
        if score is None:
            self.counted.append((record.type, (*record.values, True, ZERO, ZERO)))
            self._emit(RecordResult(record.id, record.type, (), () if trace else None))
            return
        try:
            outcome = score.run(record.values, self.ctx, trace=trace)
        except EvaluationError as err:
            where = f"{record.input}:{record.line}:1" if record.input else "<records>"
            raise EvaluationError(f"{where}: error: record {record.id}: {err.message}") from None
        # One tuple per record, shared by the unit lists and the awards.
        keep = self.keep.get(record.type)
        values = (
            record.values if keep is None else tuple(v if k else None for v, k in zip(record.values, keep, strict=True))
        )
        shared = self.decimals.setdefault
        extended = (*values, outcome.scored, shared(outcome.points, outcome.points), shared(outcome.yuan, outcome.yuan))
        self.counted.append((record.type, extended))
        keys: list[str] = []
        for name in outcome.targets:
            key = units.touch(name)
            if key not in keys:  # a unit named twice in one record is credited once
                keys.append(key)
                units.add(key, record.type, extended, outcome)
        self._emit(_record_result(record, outcome, [units.shown[k] for k in keys], trace))
        if outcome.warnings:
            self.warnings.extend(Warning(record.id, text, warn.clause, warn.notes) for warn, text in outcome.warnings)
        if outcome.reminders:
            for key in keys:
                self.reminders.extend(_reminder(units.shown[key], r, record.id) for r in outcome.reminders)

    def finish(self) -> Report:
        compiled, units, ctx = self.compiled, self.units, self.ctx
        program = compiled.program
        warnings, reminders = self.warnings, self.reminders
        adjustments: dict[str, tuple[TraceLine, ...]] = {}
        columns: dict[str, tuple[tuple[str, Any], ...]] = {}
        if program.per_unit is not None:
            adjustments, columns = _per_unit(compiled, program.per_unit, units, ctx, warnings, reminders)

        if program.tiers is not None:
            placed = _tiered(compiled, program.tiers, units, ctx, warnings)
        else:
            ordered_keys = sorted(units.shown, key=lambda k: (-units.points[k], units.shown[k]))
            ranks = competition_ranks([units.points[k] for k in ordered_keys])
            placed = [(k, rank, None, None) for k, rank in zip(ordered_keys, ranks, strict=True)]
        unit_results = tuple(
            UnitResult(
                units.shown[k],
                rank,
                units.points[k],
                units.yuan[k],
                tier,
                units.records[k],
                adjustments.get(k, ()),
                columns.get(k, ()),
                group,
            )
            for k, rank, tier, group in placed
        )

        award_results: list[AwardResult] = []
        for award, entrants, measure, among in compiled.awards:
            rows, notes = _run_award(award, entrants, measure, among, self.counted, units, ctx)
            award_results.extend(rows)
            warnings.extend(Warning(None, note, award.clause, award.notes) for note in notes)

        self.results.sort(key=lambda r: natural_key(r.id))
        warnings.sort(key=lambda w: (w.record is None, natural_key(w.record), w.unit or ""))
        reminders.sort(key=lambda r: (r.due_on or dt.date.max, r.unit, natural_key(r.record)))
        return Report(
            ruleset=program.name,
            version=program.version,
            as_of=self.as_of,
            period=self.period.label if self.period is not None else None,
            records=tuple(self.results),
            units=unit_results,
            awards=tuple(award_results),
            warnings=tuple(warnings),
            title=program.title,
            reminders=tuple(reminders) if compiled.has_reminders else None,
            counted_records=self.counted_records,
        )


def evaluate(
    compiled: CompiledProgram,
    records: Iterable[Record],
    *,
    as_of: dt.date,
    period: Period | None,
    trace: bool = True,
    extra_warnings: Sequence[tuple[str, str]] = (),
) -> Report:
    evaluation = Evaluation(compiled, as_of=as_of, period=period, trace=trace, extra_warnings=extra_warnings)
    for record in records:
        evaluation.add(record)
    return evaluation.finish()


def _tiered(
    compiled: CompiledProgram, tiers: ir.Tiers, units: _Units, ctx: tuple[Any, ...], warnings: list[Warning]
) -> list[tuple[str, int | None, str | None, str | None]]:
    """Units by ranking group: ranked and tiered within it, exempt ones last."""
    placed: list[tuple[str, int | None, str | None, str | None]] = []
    grouped: set[str] = set()
    for label, types in tiers.rankings:
        # a unit with records in two groups is ranked in the first (and warned about by the ruleset)
        members = [k for k in units.shown if k not in grouped and any(units.lists[k].get(t) for t in types)]
        grouped.update(members)
        exempt = sorted(
            (k for k in members if any(_is_exempt(compiled, units.lists[k], t, ctx) for t in types)),
            key=lambda k: units.shown[k],
        )
        excluded = set(exempt)  # a set: a list here made large groups quadratic
        ranked = sorted((k for k in members if k not in excluded), key=lambda k: (-units.points[k], units.shown[k]))
        rows, notes = assign_tiers(label, [(units.shown[k], units.points[k]) for k in ranked], tiers.tiers)
        placed.extend((k, rank, tier, label) for k, (_, rank, tier) in zip(ranked, rows, strict=True))
        placed.extend((k, None, tiers.exempt_label, label) for k in exempt)
        warnings.extend(Warning(None, note, tiers.clause, tiers.notes) for note in notes)
    rest = sorted((k for k in units.shown if k not in grouped), key=lambda k: (-units.points[k], units.shown[k]))
    placed.extend((k, None, None, None) for k in rest)
    return placed


def _is_exempt(compiled: CompiledProgram, lists: Mapping[str, list[tuple[Any, ...]]], kind: str, ctx: Any) -> bool:
    condition = compiled.exempt.get(kind)
    if condition is None:
        return False
    width = len(compiled.schemas[kind].struct.fields)
    return any(condition((values[:width], ctx)) is True for values in lists.get(kind, ()))


def _record_result(record: Record, outcome: Outcome, shown: list[str], trace: bool) -> RecordResult:
    credits = tuple(Credit(name, outcome.points, outcome.yuan) for name in shown)
    lines = dropped = None
    if trace:
        assert outcome.lines is not None and outcome.dropped is not None
        lines = tuple(
            TraceLine(
                line.rule.name, name, line.points, line.yuan, line.rule.clause, line.rule.notes, line.item, line.factor
            )
            for name in shown
            for line in outcome.lines
        )
        dropped = tuple(
            DroppedLine(
                d.line.rule.name, d.line.points, d.line.yuan, d.line.rule.clause, d.beaten_by.rule.name, d.line.item
            )
            for d in outcome.dropped
        )
    gate = outcome.stopped_by
    return RecordResult(
        record.id,
        record.type,
        credits,
        lines,
        dropped,
        gate.text if gate is not None else None,
        gate.clause if gate is not None else None,
    )


def _reminder(unit: str, found: Reminding, record: str | None) -> Reminder:
    return Reminder(unit, found.text, found.due, found.shortfall, record, found.remind.clause)


def _per_unit(
    compiled: CompiledProgram,
    block: ir.PerUnit,
    units: _Units,
    ctx: tuple[Any, ...],
    warnings: list[Warning],
    reminders: list[Reminder],
) -> tuple[dict[str, tuple[TraceLine, ...]], dict[str, tuple[tuple[str, Any], ...]]]:
    """Run the `per unit` block for every listed unit; its rules add to the unit's totals."""
    assert compiled.unit_rules is not None and compiled.unit_messages is not None
    adjustments: dict[str, tuple[TraceLine, ...]] = {}
    columns: dict[str, tuple[tuple[str, Any], ...]] = {}
    for key in sorted(units.shown, key=lambda k: units.shown[k]):
        name = units.shown[key]
        values = _entrant_values(block.scope, name, units.points[key], units.yuan[key], units.lists[key])
        ext = extend(values, compiled.unit_lets, ctx)
        env = (ext, ctx)
        lines = []
        for rule, points, yuan in compiled.unit_rules.run(env):
            units.points[key] += points
            units.yuan[key] += yuan
            lines.append(TraceLine(rule.name, name, points, yuan, rule.clause, rule.notes))
        adjustments[key] = tuple(lines)
        columns[key] = tuple((column, ext[index]) for column, index in block.shows)
        warnings.extend(
            Warning(None, text, warn.clause, warn.notes, name) for warn, text in compiled.unit_messages.warnings(env)
        )
        reminders.extend(_reminder(name, r, None) for r in compiled.unit_messages.reminders(env))
    return adjustments, columns


def _run_award(
    award: ir.Award,
    entrants: Fn,
    measure: Fn,
    among: Fn | None,
    counted: Sequence[tuple[str, tuple[Any, ...]]],
    units: _Units,
    ctx: tuple[Any, ...],
) -> tuple[list[AwardResult], list[str]]:
    shown: dict[str, str] = {}
    lists: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    own_points: dict[str, Decimal] = {}
    own_yuan: dict[str, Decimal] = {}
    for record_type, extended in counted:
        if record_type != award.record:
            continue
        points, yuan = extended[-2], extended[-1]
        found = entrants((extended, ctx))
        names = found if isinstance(found, tuple) else (found,)
        seen: set[str] = set()
        for name in names:
            key = name_key(name)
            if key in seen:
                continue  # an entrant named twice in one record counts once
            seen.add(key)
            shown.setdefault(key, name)
            per_type = lists.setdefault(key, {})
            per_type.setdefault(record_type, []).append(extended)
            own_points[key] = own_points.get(key, ZERO) + points
            own_yuan[key] = own_yuan.get(key, ZERO) + yuan
    scored_entrants: list[tuple[str, Any]] = []
    for key, per_type in lists.items():
        if award.entrants_are_targets:
            # A unit entrant sees all its records, of every type, as the per-unit block does.
            points, yuan = units.points.get(key, ZERO), units.yuan.get(key, ZERO)
            per_type = {**units.lists.get(key, {}), award.record: per_type[award.record]}
        else:
            points, yuan = own_points[key], own_yuan[key]
        env = (_entrant_values(award.scope, shown[key], points, yuan, per_type), ctx)
        if among is not None and among(env) is not True:
            continue
        value = measure(env)
        if value is None:
            continue
        scored_entrants.append((shown[key], value))
    scored_entrants.sort(key=lambda item: (-item[1], item[0]))
    rows, notes = place_prizes(award.label, scored_entrants, award.prizes)
    results = [AwardResult(award.label, rank, winner, yuan, value, award.clause) for rank, winner, yuan, value in rows]
    return results, notes
