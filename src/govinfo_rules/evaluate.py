"""Typed records to a :class:`Report` (stage 5): period, as-of, credits, units, awards.

Entry point: :func:`evaluate`.  Per-record work is done by the compiled score blocks
(:mod:`.compile`); this module decides which records count, credits units, runs the
`per unit` rules, ranks units and runs the awards.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from . import cohort, ir
from .accounting import AccountingError
from .awards import competition_ranks, place_prizes
from .codegen import generate_matcher, generate_score
from .compile import (
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
    order_key,
)
from .tiers import assign_tiers
from .types import INTEGER, name_key
from .validate import Record

ZERO = Decimal(0)


class CompiledProgram:
    """Everything of a checked program that runs, compiled once when it is loaded."""

    def __init__(self, program: ir.Program, *, fast: bool = True, running: bool = True) -> None:
        self.program = program
        self.schemas = {s.name: s for s in program.schemas}
        self.scores = {
            s.record: CompiledScore(
                s,
                generate_score(s, self.schemas[s.record], program.name) if fast else None,
                functools.partial(_matchers, s, self.schemas[s.record], program.name) if fast else None,
            )
            for s in program.scores
        }
        self.dated: dict[str, Fn | None] = {}
        self.period_by: dict[str, Fn | None] = {}
        for schema in program.schemas:
            self.dated[schema.name] = compile_expr(schema.dated) if schema.dated is not None else None
            self.period_by[schema.name] = compile_expr(schema.period_by) if schema.period_by is not None else None
        unit = program.per_unit
        # Running tallies keep memory flat; `running=False` keeps the records (tests compare).
        self.cohort = cohort.plan(program, running=running)
        # Only kept records are projected on what the cohort reads; tallies keep none.
        self.cohort_fields = cohort_fields(program) if self.cohort.unit_tallies is None else {}
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


# Sorts before the order key of any record: a data table's spelling is never replaced.
_LISTED: tuple[Any, ...] = ((), "")


class _Spellings:
    """Names keyed by identity (:func:`name_key`), each shown under the spelling of the
    first record, in the report's record order (:func:`order_key`), that names it.

    The contract says "the first spelling met in the input"; reading the input in id
    order instead keeps the output independent of the order of the lines, and is the
    same whenever the ledger is kept in id order.  A spelling shown earlier and then
    replaced is remembered, so that what was already written under it can be respelt.
    """

    def __init__(self) -> None:
        self.shown: dict[str, str] = {}
        self.first: dict[str, tuple[Any, ...]] = {}  # order key of the record that gave the spelling
        self.replaced: set[str] = set()

    def spell(self, name: str, order: tuple[Any, ...]) -> tuple[str, bool]:
        """The key of ``name``, and whether it is new."""
        key = name_key(name)
        shown = self.shown.get(key)
        if shown is None:
            self.shown[key] = name
            self.first[key] = order
            return key, True
        if order < self.first[key]:
            self.first[key] = order
            if name != shown:
                self.replaced.add(shown)
                self.shown[key] = name
        return key, False

    def respelling(self) -> dict[str, str]:
        """Spellings shown at some time and not in the end, to the final spelling."""
        out = {}
        for old in sorted(self.replaced):
            final = self.shown[name_key(old)]
            if final != old:
                out[old] = final
        return out


class _Units(_Spellings):
    """Per-unit totals, keyed by name identity (a data table's spelling when the
    ruleset lists its units)."""

    def __init__(self) -> None:
        super().__init__()
        self.points: dict[str, Decimal] = {}
        self.yuan: dict[str, Decimal] = {}
        self.records: dict[str, int] = {}

    def touch(self, name: str, order: tuple[Any, ...] = _LISTED) -> str:
        key, new = self.spell(name, order)
        if new:
            self.points[key] = ZERO
            self.yuan[key] = ZERO
            self.records[key] = 0
        return key

    def add(self, key: str, outcome: Outcome) -> None:
        self.points[key] += outcome.points
        self.yuan[key] += outcome.yuan
        self.records[key] += 1


class _Entrants(_Spellings):
    """One award's entrants as records name them: spelling and own totals."""

    def __init__(self) -> None:
        super().__init__()
        self.points: dict[str, Decimal] = {}
        self.yuan: dict[str, Decimal] = {}

    def add(self, name: str, points: Decimal, yuan: Decimal, order: tuple[Any, ...]) -> str:
        key, new = self.spell(name, order)
        if new:
            self.points[key] = points
            self.yuan[key] = yuan
        else:
            self.points[key] += points
            self.yuan[key] += yuan
        return key


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

    :meth:`add` scores a record and hands the cohort (:mod:`.cohort`) what it keeps of
    it — running tallies for every bundled ruleset, so memory does not grow with the
    records; the record's own result goes to ``on_result`` when one is given, instead
    of into the report.
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
        self.units = _Units()
        if program.units_from is not None:
            for listed in program.units_from.shown.values():
                self.units.touch(listed)
        self.cohort = cohort.make_cohort(compiled.cohort, [s.name for s in program.schemas], self.ctx)
        self.entrants = [_Entrants() for _ in compiled.cohort.awards]
        self.awards_of = {
            s.name: [(i, run) for i, run in enumerate(compiled.cohort.awards) if run.award.record == s.name]
            for s in program.schemas
        }
        self.exempt: dict[str, set[str]] = {}  # record type -> units with a record meeting its exemption
        self.results: list[RecordResult] = []
        self.on_result = on_result
        self.warnings: list[Warning] = [Warning(rid, message) for rid, message in extra_warnings]
        self.reminders: list[Reminder] = []
        # Values the cohort never reads are dropped (None) from what it keeps of a record.
        self.keep = {t: flags if not all(flags) else None for t, flags in compiled.cohort_fields.items()}
        self.decimals: dict[Decimal, Decimal] = {}  # equal totals share one Decimal
        # Every record added is counted, late or outside: the caller's accounting rests on it.
        self.added = 0
        self.counted_records = 0
        self.late_records = 0
        self.outside_records = 0
        self.respelling: dict[str, str] = {}  # set by finish(): see _Spellings

    def _emit(self, result: RecordResult) -> None:
        if result.counted:
            self.counted_records += 1
        else:
            self.late_records += 1
        if self.on_result is not None:
            self.on_result(result)
        else:
            self.results.append(result)

    def add(self, record: Record) -> None:
        compiled, period, as_of, units = self.compiled, self.period, self.as_of, self.units
        trace = self.trace
        self.added += 1
        dated = compiled.dated[record.type]
        day = dated((record.values,)) if dated is not None else None
        by = compiled.period_by[record.type]
        period_day = by((record.values,)) if by is not None else day
        if period is not None:
            if period_day is None:
                self.warnings.append(
                    Warning(record.id, f"has no date: it belongs to no period and is left out of {period.label}")
                )
                self.outside_records += 1
                return
            if isinstance(period_day, dt.date) and period_day not in period:
                self.outside_records += 1
                return
            if isinstance(period_day, int) and period_day != period.start.year:
                self.outside_records += 1
                return  # dated by a year: a year period selects by it; as_of does not apply
        if isinstance(day, dt.date) and day > as_of:
            self._emit(RecordResult(record.id, record.type, (), () if trace else None, counted=False))
            self.warnings.append(
                Warning(record.id, f"dated {day.isoformat()}, after the as-of date {as_of.isoformat()}: not counted")
            )
            return
        order = order_key(record.id)  # which spelling of a unit or an entrant is shown
        score = compiled.scores.get(record.type)
        if score is None:
            self._count(record, (*record.values, True, ZERO, ZERO), ZERO, ZERO, order)
            self._emit(RecordResult(record.id, record.type, (), () if trace else None))
            return
        try:
            outcome = score.run(record.values, self.ctx, trace=trace)
        except EvaluationError as err:
            where = f"{record.input}:{record.line}:1" if record.input else "<records>"
            raise EvaluationError(f"{where}: error: record {record.id}: {err.message}") from None
        # One tuple per record, shared by the unit and the awards when the cohort keeps records.
        keep = self.keep.get(record.type)
        values = (
            record.values if keep is None else tuple(v if k else None for v, k in zip(record.values, keep, strict=True))
        )
        shared = self.decimals.setdefault
        points, yuan = shared(outcome.points, outcome.points), shared(outcome.yuan, outcome.yuan)
        extended = (*values, outcome.scored, points, yuan)
        self._count(record, extended, points, yuan, order)
        keys: list[str] = []
        for name in outcome.targets:
            key = units.touch(name, order)
            if key not in keys:  # a unit named twice in one record is credited once
                keys.append(key)
                units.add(key, outcome)
                self.cohort.credit(key, record.type, extended)
        self._exemption(record, keys)
        self._emit(_record_result(record, outcome, [units.shown[k] for k in keys], trace))
        if outcome.warnings:
            self.warnings.extend(Warning(record.id, text, warn.clause, warn.notes) for warn, text in outcome.warnings)
        if outcome.reminders:
            for key in keys:
                self.reminders.extend(_reminder(units.shown[key], r, record.id) for r in outcome.reminders)

    def _count(
        self, record: Record, extended: tuple[Any, ...], points: Decimal, yuan: Decimal, order: tuple[Any, ...]
    ) -> None:
        """A counted record, to the awards over its type: each entrant it names, once."""
        for index, run in self.awards_of.get(record.type, ()):
            entrants = self.entrants[index]
            for name in cohort.entrants_of(run, extended, self.ctx):
                key = entrants.add(name, points, yuan, order)
                self.cohort.count(index, key, record.type, extended)

    def _exemption(self, record: Record, keys: list[str]) -> None:
        condition = self.compiled.exempt.get(record.type)
        if condition is not None and keys and condition((record.values, self.ctx)) is True:
            self.exempt.setdefault(record.type, set()).update(keys)

    def finish(self) -> Report:
        compiled, units = self.compiled, self.units
        program = compiled.program
        warnings, reminders = self.warnings, self.reminders
        adjustments: dict[str, tuple[TraceLine, ...]] = {}
        columns: dict[str, tuple[tuple[str, Any], ...]] = {}
        if compiled.cohort.unit is not None:
            adjustments, columns = _per_unit(compiled.cohort.unit, units, self.cohort, warnings, reminders)

        if program.tiers is not None:
            placed = _tiered(program.tiers, units, self.cohort, self.exempt, warnings)
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
        for index, run in enumerate(compiled.cohort.awards):
            rows, notes = _run_award(index, run, self.entrants[index], units, self.cohort)
            award_results.extend(rows)
            warnings.extend(Warning(None, note, run.award.clause, run.award.notes) for note in notes)

        # What was written under a spelling replaced since is written under the final one.
        self.respelling = units.respelling()
        if self.respelling:
            self.results = [_respelt(r, self.respelling) for r in self.results]
            reminders[:] = [attrs.evolve(r, unit=self.respelling.get(r.unit, r.unit)) for r in reminders]
        # Sort keys that never tie (warnings of one record keep the order they were found in).
        self.results.sort(key=lambda r: order_key(r.id))
        warnings.sort(key=lambda w: (w.record is None, order_key(w.record), w.unit or ""))
        reminders.sort(key=lambda r: (r.due_on or dt.date.max, r.unit, order_key(r.record)))
        if self.added != self.counted_records + self.late_records + self.outside_records:
            raise AccountingError(
                f"internal error: {self.added} record(s) evaluated but {self.counted_records} counted, "
                f"{self.late_records} late and {self.outside_records} outside the period"
            )
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
            late_records=self.late_records,
            outside_records=self.outside_records,
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
    tiers: ir.Tiers, units: _Units, kept: cohort.Cohort, exempt: Mapping[str, set[str]], warnings: list[Warning]
) -> list[tuple[str, int | None, str | None, str | None]]:
    """Units by ranking group: ranked and tiered within it, exempt ones last."""
    placed: list[tuple[str, int | None, str | None, str | None]] = []
    grouped: set[str] = set()
    for label, types in tiers.rankings:
        # a unit with records in two groups is ranked in the first (and warned about by the ruleset)
        members = [k for k in units.shown if k not in grouped and kept.has_records(k, types)]
        grouped.update(members)
        excluded = {k for k in members if any(k in exempt.get(t, ()) for t in types)}
        exempted = sorted(excluded, key=lambda k: units.shown[k])
        ranked = sorted((k for k in members if k not in excluded), key=lambda k: (-units.points[k], units.shown[k]))
        rows, notes = assign_tiers(label, [(units.shown[k], units.points[k]) for k in ranked], tiers.tiers)
        placed.extend((k, rank, tier, label) for k, (_, rank, tier) in zip(ranked, rows, strict=True))
        placed.extend((k, None, tiers.exempt_label, label) for k in exempted)
        warnings.extend(Warning(None, note, tiers.clause, tiers.notes) for note in notes)
    rest = sorted((k for k in units.shown if k not in grouped), key=lambda k: (-units.points[k], units.shown[k]))
    placed.extend((k, None, None, None) for k in rest)
    return placed


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


def _respelt(result: RecordResult, respelling: Mapping[str, str]) -> RecordResult:
    """``result`` with its units under their final spellings."""
    if not any(c.unit in respelling for c in result.credits):
        return result
    credits = tuple(attrs.evolve(c, unit=respelling.get(c.unit, c.unit)) for c in result.credits)
    trace = result.trace
    if trace is not None:
        trace = tuple(attrs.evolve(t, unit=respelling.get(t.unit, t.unit)) for t in trace)
    return attrs.evolve(result, credits=credits, trace=trace)


def _reminder(unit: str, found: Reminding, record: str | None) -> Reminder:
    return Reminder(unit, found.text, found.due, found.shortfall, record, found.remind.clause)


def _per_unit(
    block: cohort.UnitBlock,
    units: _Units,
    kept: cohort.Cohort,
    warnings: list[Warning],
    reminders: list[Reminder],
) -> tuple[dict[str, tuple[TraceLine, ...]], dict[str, tuple[tuple[str, Any], ...]]]:
    """Run the `per unit` block for every listed unit; its rules add to the unit's totals."""
    adjustments: dict[str, tuple[TraceLine, ...]] = {}
    columns: dict[str, tuple[tuple[str, Any], ...]] = {}
    for key in sorted(units.shown, key=lambda k: units.shown[k]):
        name = units.shown[key]
        values, ctx = kept.unit_values(key, name, units.points[key], units.yuan[key])
        ext = extend(values, block.lets, ctx)
        env = (ext, ctx)
        lines = []
        for rule, points, yuan in block.rules.run(env):
            units.points[key] += points
            units.yuan[key] += yuan
            lines.append(TraceLine(rule.name, name, points, yuan, rule.clause, rule.notes))
        adjustments[key] = tuple(lines)
        columns[key] = tuple((column, ext[index]) for column, index in block.block.shows)
        warnings.extend(
            Warning(None, text, warn.clause, warn.notes, name) for warn, text in block.messages.warnings(env)
        )
        reminders.extend(_reminder(name, r, None) for r in block.messages.reminders(env))
    return adjustments, columns


def _run_award(
    index: int, run: cohort.AwardRun, entrants: _Entrants, units: _Units, kept: cohort.Cohort
) -> tuple[list[AwardResult], list[str]]:
    award = run.award
    scored_entrants: list[tuple[str, Any]] = []
    for key, name in entrants.shown.items():
        if award.entrants_are_targets:
            # A unit entrant's totals are the unit's, `per unit` rules included, and so is its spelling.
            points, yuan = units.points.get(key, ZERO), units.yuan.get(key, ZERO)
            name = units.shown.get(key, name)
        else:
            points, yuan = entrants.points[key], entrants.yuan[key]
        env = kept.award_values(index, key, name, points, yuan)
        if run.among is not None and run.among(env) is not True:
            continue
        value = run.measure(env)
        if value is None:
            continue
        scored_entrants.append((name, value))
    scored_entrants.sort(key=lambda item: (-item[1], item[0]))
    rows, notes = place_prizes(award.label, scored_entrants, award.prizes)
    results = [AwardResult(award.label, rank, winner, yuan, value, award.clause) for rank, winner, yuan, value in rows]
    return results, notes
