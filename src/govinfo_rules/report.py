"""The result of an evaluation, as data, and its JSON form (the contract's shape).

A :class:`Report` is what :meth:`Ruleset.evaluate` returns; renderers (JSON, the
table, ``explain``) only read it.  Points and yuan stay ``Decimal`` here and become
JSON strings holding exact decimals in :meth:`Report.to_json`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

import attrs

from .decimals import format_decimal


@attrs.frozen
class Credit:
    """What one record gives one unit it credits: its points and yuan (exact decimals)."""

    unit: str
    points: Decimal
    yuan: Decimal


@attrs.frozen
class TraceLine:
    """One rule's payment to one unit, with the clause that pays it."""

    rule: str
    unit: str
    points: Decimal
    yuan: Decimal
    source: str | None
    notes: tuple[str, ...] = ()
    item: int | None = None  # index in the list the group ran over, if any
    factor: Decimal | None = None  # the group's scale (e.g. 0.5 for a 综 article)


@attrs.frozen
class DroppedLine:
    """A rule that matched but was not paid (beaten in a `highest` group)."""

    rule: str
    points: Decimal
    yuan: Decimal
    source: str | None
    beaten_by: str
    item: int | None = None


@attrs.frozen
class RecordResult:
    """One record's result: the units it credits with what each gets, and — when the
    evaluation was asked for a trace — every rule that paid (``trace``), every rule
    beaten in a ``highest`` group (``dropped``) and the gate that stopped it, if any.
    ``counted`` is false for a record dated after the as-of date (listed, never scored)."""

    id: str
    type: str
    credits: tuple[Credit, ...]
    trace: tuple[TraceLine, ...] | None
    dropped: tuple[DroppedLine, ...] | None = None
    stopped_by: str | None = None  # the gate that stopped the record, as written
    stopped_source: str | None = None
    counted: bool = True  # False: dated after as_of

    @property
    def points(self) -> Decimal:
        """The record's points: the sum over its credits."""
        return sum((c.points for c in self.credits), Decimal(0))

    def group_points(self, group: str, unit: str) -> Decimal:
        """What one group of the score block paid one credited unit (from the trace)."""
        prefix = group + "."
        return sum((t.points for t in self.trace or () if t.unit == unit and t.rule.startswith(prefix)), Decimal(0))

    @property
    def yuan(self) -> Decimal:
        """The record's money in yuan: the sum over its credits (awards are not in it)."""
        return sum((c.yuan for c in self.credits), Decimal(0))


@attrs.frozen
class UnitResult:
    """One unit of the ranking: its competition rank (``None`` for an exempt unit),
    points and yuan summed over its records plus its ``per unit`` adjustments, its tier
    and ranking group where the ruleset has them, how many records it has, and the
    values of the ruleset's ``show`` columns (task, done, shortfall...)."""

    unit: str
    rank: int | None
    points: Decimal
    yuan: Decimal
    tier: str | None = None
    records: int = 0
    adjustments: tuple[TraceLine, ...] = ()  # `per unit` rules: points not from one record
    columns: tuple[tuple[str, Any], ...] = ()  # values the ruleset shows (`show`)
    group: str | None = None  # the ranking group, when the ruleset ranks in groups


@attrs.frozen
class Reminder:
    """半月一提醒: a unit behind its task, or an obligation coming due."""

    unit: str
    reason: str
    due_on: dt.date | None = None
    shortfall: Any = None
    record: str | None = None
    source: str | None = None


@attrs.frozen
class AwardResult:
    """One prize of an award: its rank, the winner (an author or a unit), the money
    (ties split to the fen, rounded down), what the ranking measured and the clause."""

    award: str
    rank: int
    winner: str
    yuan: Decimal
    measure: Any = None
    source: str | None = None


@attrs.frozen
class Warning:
    """A warning: about a record (``record``) or a unit (``unit``), with the clause and
    notes of the check that raised it.  Warnings never change a score."""

    record: str | None
    message: str
    source: str | None = None
    notes: tuple[str, ...] = ()
    unit: str | None = None  # for warnings about a unit rather than a record


@attrs.frozen
class Rejected:
    """A problem of an input record left out by ``--skip-invalid``: the record's id
    (``None`` when it has none), the field path, the message and the input line."""

    record: str | None
    field: str
    message: str
    line: int = 0
    # Which input record the problem belongs to (its ordinal, or its line where a record
    # is one line): one record may have several problems, on several lines of a JSON array.
    entry: int | None = attrs.field(default=None, eq=False, repr=False)


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str | None) -> tuple[Any, ...]:
    """``W-2`` before ``W-10``: digit runs compare as numbers.

    A run compares by its value (length without leading zeros, then digits), so that an
    id of thousands of digits needs no conversion to ``int``; ``W-1`` and ``W-01`` tie
    here (:func:`order_key` tells them apart)."""
    if text is None:
        return ((2, ""),)
    # re.split with a group puts the digit runs at the odd indexes. A plain loop: this
    # runs once or twice for every record of a ledger.
    parts = _DIGITS.split(text)
    key: list[tuple[Any, ...]] = []
    for i in range(1, len(parts), 2):
        if parts[i - 1]:
            key.append((1, parts[i - 1]))
        digits = parts[i]
        if not digits.isascii():  # other scripts' digits (٣) compare by their value too
            digits = "".join(str(unicodedata.digit(c)) for c in digits)
        digits = digits.lstrip("0")
        key.append((0, len(digits), digits))
    if parts[-1]:
        key.append((1, parts[-1]))
    return tuple(key)


def order_key(text: str | None) -> tuple[Any, ...]:
    """The order of records in a report: natural order, then the text itself, so that
    two distinct ids never tie (``W-1`` before ``W-01``) and the order of the input
    cannot show through."""
    return (natural_key(text), text or "")


def _num(value: Decimal) -> str:
    return format_decimal(value)


def _json_value(value: Any) -> Any:
    """Numbers as strings holding exact decimals, like every other figure."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | Decimal):
        return _num(Decimal(value))
    return str(value)


@attrs.frozen
class Report:
    """The result of an evaluation, as the JSON output shows it: the ruleset, as-of
    date and period, every record's result (in id order), the units ranked, awards,
    warnings, reminders (``None`` when the ruleset has none) and rejected records.
    :meth:`to_json` gives the contract's JSON object; :meth:`record` and :meth:`unit`
    look one up."""

    ruleset: str
    version: str | None
    as_of: dt.date
    period: str | None
    records: tuple[RecordResult, ...]
    units: tuple[UnitResult, ...]
    awards: tuple[AwardResult, ...]
    warnings: tuple[Warning, ...]
    rejected: tuple[Rejected, ...] = ()
    title: str | None = None
    reminders: tuple[Reminder, ...] | None = None  # None: the ruleset has no reminders
    counted_records: int | None = None  # records that counted, when `records` was streamed elsewhere
    late_records: int = 0  # in the period but dated after as_of: listed, not counted
    outside_records: int = 0  # valid records left out: outside the period, or undated under one

    @property
    def rejected_count(self) -> int:
        """Rejected input records (one record may have several problems)."""
        return len({r.entry if r.entry is not None else (r.record, r.line) for r in self.rejected})

    def record(self, record_id: str) -> RecordResult:
        """The result of one record; ``KeyError`` when it was not evaluated."""
        for result in self.records:
            if result.id == record_id:
                return result
        raise KeyError(record_id)

    def unit(self, name: str) -> UnitResult:
        """The result of one unit, its name compared as unit names are (NFKC, white
        space ignored); ``KeyError`` when it is not in the ranking."""
        from .types import name_key

        key = name_key(name)
        for result in self.units:
            if name_key(result.unit) == key:
                return result
        raise KeyError(name)

    def _base_json(self, lists: bool) -> dict[str, Any]:
        """The contract's JSON object: numbers as strings holding exact decimals."""
        return {
            "ruleset": {"name": self.ruleset, "version": self.version},
            "as_of": self.as_of.isoformat(),
            "period": self.period,
            "records": [record_json(r) for r in self.records] if lists else [],
            "units": [_unit_json(u) for u in self.units],
            "awards": [
                {
                    "award": a.award,
                    "rank": a.rank,
                    "winner": a.winner,
                    "yuan": _num(a.yuan),
                    "measure": _json_value(a.measure),
                    "source": a.source,
                }
                for a in self.awards
            ],
            "warnings": [_warning_json(w) for w in self.warnings] if lists else [],
            "rejected": [_rejected_json(r) for r in self.rejected] if lists else [],
        }

    def to_json(self, *, lists: bool = True) -> dict[str, Any]:
        """The contract's JSON object, with the keys this ruleset adds (``records``,
        ``warnings`` and ``rejected`` left empty when not wanted)."""
        out = self._base_json(lists)
        if self.reminders is not None:
            out["reminders"] = [_reminder_json(r) for r in self.reminders]
        return out

    def to_json_text(self) -> str:
        """The JSON text `score --format json` writes (see :func:`write_json`)."""
        out = io.StringIO()
        write_json(self, (record_text(r) for r in self.records), out)
        return out.getvalue()


def record_text(result: RecordResult) -> str:
    """One record's result as one line of JSON (the C encoder: no indentation)."""
    return json.dumps(record_json(result), ensure_ascii=False)


def write_json(report: Report, records: Iterable[str], out: IO[str]) -> None:
    """The report as JSON text: indented, except that each item of ``records``,
    ``warnings`` and ``rejected`` — the lists that grow with the ledger — is one line
    (written as it is encoded, by the C encoder; one line per record also keeps it
    greppable and diffable).  ``records`` gives the records' lines in order; the
    report's own ``records`` are not read, so a caller can stream them from elsewhere."""
    lines = {
        "records": records,
        "warnings": (json.dumps(_warning_json(w), ensure_ascii=False) for w in report.warnings),
        "rejected": (json.dumps(_rejected_json(r), ensure_ascii=False) for r in report.rejected),
    }
    data = report.to_json(lists=False)
    out.write("{")
    separator = "\n"
    for key, value in data.items():
        out.write(f"{separator}  {json.dumps(key)}: ")
        separator = ",\n"
        if key in lines:
            _write_lines(lines[key], out)
        else:
            # Nested values one level in: JSON text never holds a raw newline inside a string.
            out.write(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  "))
    out.write("\n}\n")


def _write_lines(items: Iterable[str], out: IO[str]) -> None:
    separator = "[\n    "
    for text in items:
        out.write(separator)
        out.write(text)
        separator = ",\n    "
    out.write("[]" if separator == "[\n    " else "\n  ]")


def _rejected_json(rejected: Rejected) -> dict[str, Any]:
    return {"record": rejected.record, "field": rejected.field, "message": rejected.message, "line": rejected.line}


def _trace_json(line: TraceLine) -> dict[str, Any]:
    out = {"rule": line.rule, "unit": line.unit, "points": _num(line.points), "yuan": _num(line.yuan)}
    out["source"] = line.source  # type: ignore[assignment]
    if line.factor is not None:
        out["factor"] = _num(line.factor)
    return out


def _unit_json(unit: UnitResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "unit": unit.unit,
        "rank": unit.rank,
        "points": _num(unit.points),
        "yuan": _num(unit.yuan),
        "tier": unit.tier,
    }
    if unit.group is not None:
        out["group"] = unit.group
    for name, value in unit.columns:
        out.setdefault(name, _json_value(value))
    if unit.adjustments:
        out["trace"] = [_trace_json(t) for t in unit.adjustments]
    return out


def _warning_json(warning: Warning) -> dict[str, Any]:
    out: dict[str, Any] = {"record": warning.record, "message": warning.message, "source": warning.source}
    if warning.unit is not None:
        out["unit"] = warning.unit
    return out


def _reminder_json(reminder: Reminder) -> dict[str, Any]:
    out: dict[str, Any] = {"unit": reminder.unit, "reason": reminder.reason}
    if reminder.due_on is not None:
        out["due_on"] = reminder.due_on.isoformat()
    if reminder.shortfall is not None:
        out["shortfall"] = _json_value(reminder.shortfall)
    if reminder.record is not None:
        out["record"] = reminder.record
    out["source"] = reminder.source
    return out


def record_json(result: RecordResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": result.id,
        "type": result.type,
        "credits": [{"unit": c.unit, "points": _num(c.points), "yuan": _num(c.yuan)} for c in result.credits],
        "trace": [_trace_json(t) for t in result.trace or ()],
    }
    if result.dropped:
        out["not_applied"] = [
            {
                "rule": d.rule,
                "points": _num(d.points),
                "yuan": _num(d.yuan),
                "source": d.source,
                "beaten_by": d.beaten_by,
            }
            for d in result.dropped
        ]
    if result.stopped_by is not None:
        out["stopped_by"] = {"gate": result.stopped_by, "source": result.stopped_source}
    if not result.counted:
        out["counted"] = False
    return out
