"""Typed records to a :class:`Report` (stage 5): period, as-of, credits, ranks, awards.

Entry point: :func:`evaluate`.  Per-record work is done by the compiled score blocks
(:mod:`.compile`); this module only decides which records count, credits units,
ranks them and runs the awards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from . import ir
from .awards import competition_ranks, place_prizes
from .compile import CompiledScore, compile_expr
from .errors import UsageError
from .periods import Period
from .report import (
    AwardResult,
    Credit,
    DroppedLine,
    RecordResult,
    Report,
    TraceLine,
    UnitResult,
    Warning,
    natural_key,
)
from .types import INTEGER, name_key
from .validate import Record

ZERO = Decimal(0)


class _Units:
    """Per-unit totals, keyed by name identity, shown under the first spelling met."""

    def __init__(self) -> None:
        self.shown: dict[str, str] = {}
        self.points: dict[str, Decimal] = {}
        self.yuan: dict[str, Decimal] = {}
        self.records: dict[str, int] = {}

    def touch(self, name: str) -> str:
        key = name_key(name)
        if key not in self.shown:
            self.shown[key] = name
            self.points[key] = ZERO
            self.yuan[key] = ZERO
            self.records[key] = 0
        return key

    def credit(self, key: str, points: Decimal, yuan: Decimal) -> None:
        self.points[key] += points
        self.yuan[key] += yuan


def _dated_by_year(schema: ir.Schema) -> bool:
    return schema.dated is not None and schema.struct.fields[schema.dated].type == INTEGER


def _date_of(record: Record, schema: ir.Schema) -> Any:
    return record.values[schema.dated] if schema.dated is not None else None


def evaluate(
    program: ir.Program,
    scores: Mapping[str, CompiledScore],
    records: Sequence[Record],
    *,
    as_of: dt.date,
    period: Period | None,
    trace: bool = True,
    extra_warnings: Sequence[tuple[str, str]] = (),
) -> Report:
    schemas = {s.name: s for s in program.schemas}
    if period is not None and period.kind != "year" and any(_dated_by_year(s) for s in program.schemas):
        raise UsageError(f"--period {period.label}: this ruleset's records carry only a year; give a year such as 2024")
    units = _Units()
    results: list[RecordResult] = []
    warnings: list[Warning] = [Warning(rid, message) for rid, message in extra_warnings]
    counted: list[Record] = []
    record_points: dict[str, Decimal] = {}

    for record in records:
        schema = schemas[record.type]
        day = _date_of(record, schema)
        if period is not None and isinstance(day, dt.date) and day not in period:
            continue
        if period is not None and isinstance(day, int) and day != period.start.year:
            continue  # dated by a year: a year period selects by it; as_of does not apply
        if isinstance(day, dt.date) and day > as_of:
            results.append(RecordResult(record.id, record.type, (), () if trace else None, counted=False))
            warnings.append(
                Warning(record.id, f"dated {day.isoformat()}, after the as-of date {as_of.isoformat()}: not counted")
            )
            continue
        counted.append(record)
        score = scores.get(record.type)
        if score is None:
            results.append(RecordResult(record.id, record.type, (), () if trace else None))
            continue
        outcome = score.run(record.values, trace=trace)
        keys: list[str] = []
        credits: list[Credit] = []
        for name in outcome.targets:
            key = units.touch(name)
            if key in keys:
                continue  # a unit named twice in one record is credited once
            keys.append(key)
            units.records[key] += 1
            units.credit(key, outcome.points, outcome.yuan)
            credits.append(Credit(units.shown[key], outcome.points, outcome.yuan))
        record_points[record.id] = outcome.points
        lines = dropped = None
        if trace:
            assert outcome.lines is not None and outcome.dropped is not None
            lines = tuple(
                TraceLine(
                    line.rule.name,
                    units.shown[key],
                    line.points,
                    line.yuan,
                    line.rule.clause,
                    line.rule.notes,
                    line.item,
                )
                for key in keys
                for line in outcome.lines
            )
            dropped = tuple(
                DroppedLine(
                    d.line.rule.name, d.line.points, d.line.yuan, d.line.rule.clause, d.beaten_by.rule.name, d.line.item
                )
                for d in outcome.dropped
            )
        gate = outcome.stopped_by
        results.append(
            RecordResult(
                record.id,
                record.type,
                tuple(credits),
                lines,
                dropped,
                gate.text if gate is not None else None,
                gate.clause if gate is not None else None,
            )
        )
        warnings.extend(Warning(record.id, text, warn.clause, warn.notes) for warn, text in outcome.warnings)

    ordered_keys = sorted(units.shown, key=lambda k: (-units.points[k], units.shown[k]))
    ranks = competition_ranks([units.points[k] for k in ordered_keys])
    unit_results = tuple(
        UnitResult(units.shown[k], rank, units.points[k], units.yuan[k], None, units.records[k])
        for k, rank in zip(ordered_keys, ranks, strict=True)
    )

    award_results: list[AwardResult] = []
    for award in program.awards:
        rows, notes = _run_award(award, counted, units, record_points)
        award_results.extend(rows)
        warnings.extend(Warning(None, note, award.clause, award.notes) for note in notes)

    results.sort(key=lambda r: natural_key(r.id))
    warnings.sort(key=lambda w: (w.record is None, natural_key(w.record)))
    return Report(
        ruleset=program.name,
        version=program.version,
        as_of=as_of,
        period=period.label if period is not None else None,
        records=tuple(results),
        units=unit_results,
        awards=tuple(award_results),
        warnings=tuple(warnings),
        title=program.title,
    )


def _run_award(
    award: ir.Award, counted: Sequence[Record], units: _Units, record_points: Mapping[str, Decimal]
) -> tuple[list[AwardResult], list[str]]:
    entrants = compile_expr(award.entrants)
    measure = compile_expr(award.measure)
    among = compile_expr(award.among) if award.among is not None else None
    shown: dict[str, str] = {}
    entries: dict[str, list[tuple[Any, ...]]] = {}
    own_points: dict[str, Decimal] = {}
    for record in counted:
        if record.type != award.record:
            continue
        found = entrants((record.values,))
        names = found if isinstance(found, tuple) else (found,)
        seen: set[str] = set()
        for name in names:
            key = name_key(name)
            if key in seen:
                continue
            seen.add(key)
            shown.setdefault(key, name)
            entries.setdefault(key, []).append(record.values)
            own_points[key] = own_points.get(key, ZERO) + record_points.get(record.id, ZERO)
    scored: list[tuple[str, Any]] = []
    for key, values in entries.items():
        if award.entrants_are_targets:
            points, yuan = units.points.get(key, ZERO), units.yuan.get(key, ZERO)
        else:
            points, yuan = own_points[key], ZERO
        env = ((tuple(values), points, yuan),)
        if among is not None and among(env) is not True:
            continue
        value = measure(env)
        if value is None:
            continue
        scored.append((shown[key], value))
    scored.sort(key=lambda item: (-item[1], item[0]))
    rows, notes = place_prizes(award.label, scored, award.prizes)
    results = [AwardResult(award.label, rank, winner, yuan, value, award.clause) for rank, winner, yuan, value in rows]
    return results, notes
