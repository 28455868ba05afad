"""What-if: two reports on the same ledger, compared, and the rules that make the difference.

:func:`compare` takes the :class:`Report` of an OLD ruleset (or the same ruleset with
other parameters) and of a NEW one, both run on the same records, and returns a
:class:`Comparison`: per unit, points, yuan, rank, tier and reminders old → new, with
the per-rule contributions that changed and the clause of each rule; per award, the
prizes added, removed or changed; warnings that appear or disappear; and the records
whose credits changed.  :func:`render_text` and :func:`render_json` only read it.

Every figure is a ``Decimal`` and every delta is exact (new − old).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from .decimals import format_decimal
from .render import table
from .report import AwardResult, Reminder, Report, TraceLine, UnitResult, Warning, natural_key
from .text import format_value
from .types import name_key

ZERO = Decimal(0)

T = TypeVar("T")


def signed(value: Decimal) -> str:
    """A delta with its sign always shown: ``+10``, ``-5``, and ``0`` (never ``-0`` or ``+0``)."""
    text = format_decimal(value)
    return f"+{text}" if value > 0 else text


@attrs.frozen
class Change:
    """A figure on both sides; ``None`` on the side where it does not exist (a unit only in one report)."""

    old: Decimal | None
    new: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        """new − old, or ``None`` when one side is missing."""
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    @property
    def changed(self) -> bool:
        return self.old != self.new


@attrs.frozen
class ParamChange:
    """A ruleset parameter whose value differs between the two sides."""

    name: str
    old: Any
    new: Any


@attrs.frozen
class RuleChange:
    """What one rule paid one unit, summed over the unit's records (or its `per unit` rule)."""

    rule: str
    source: str | None
    points: Change
    yuan: Change


@attrs.frozen
class UnitChange:
    """One unit whose results differ; ``status`` is ``changed``, ``added`` (only NEW) or ``removed`` (only OLD)."""

    unit: str
    status: str
    points: Change
    yuan: Change
    rank: tuple[int | None, int | None]
    tier: tuple[str | None, str | None]
    group: tuple[str | None, str | None]
    rules: tuple[RuleChange, ...]
    reminders_added: tuple[Reminder, ...] = ()
    reminders_removed: tuple[Reminder, ...] = ()


@attrs.frozen
class AwardChange:
    """One prize of one winner: ``added``, ``removed``, or ``changed`` (rank or money)."""

    award: str
    winner: str
    status: str
    rank: tuple[int | None, int | None]
    yuan: Change
    source: str | None = None


@attrs.frozen
class RuleTotal:
    """One rule's change summed over every unit it affects."""

    rule: str
    source: str | None
    units: int
    points: Decimal
    yuan: Decimal


@attrs.frozen
class Comparison:
    """Everything that differs between two reports on the same records."""

    old_label: str
    new_label: str
    as_of: tuple[str, str]
    period: tuple[str | None, str | None]
    params: tuple[ParamChange, ...]
    records: int  # records evaluated by NEW
    records_changed: tuple[str, ...]  # ids whose credits differ, in NEW's order
    units_listed: int  # units listed by NEW
    units: tuple[UnitChange, ...]
    awards: tuple[AwardChange, ...]
    warnings_added: tuple[Warning, ...]
    warnings_removed: tuple[Warning, ...]

    @property
    def differs(self) -> bool:
        """Whether the results differ at all (parameters alone are not a difference)."""
        return bool(self.records_changed or self.units or self.awards or self.warnings_added or self.warnings_removed)

    @property
    def rules(self) -> tuple[RuleTotal, ...]:
        """Every rule behind a change, with its total over the units, largest change first."""
        totals: dict[str, list[Any]] = {}
        for unit in self.units:
            for rule in unit.rules:
                entry = totals.setdefault(rule.rule, [rule.source, 0, ZERO, ZERO])
                entry[1] += 1
                entry[2] += (rule.points.new or ZERO) - (rule.points.old or ZERO)
                entry[3] += (rule.yuan.new or ZERO) - (rule.yuan.old or ZERO)
        out = [RuleTotal(name, s, n, p, y) for name, (s, n, p, y) in totals.items()]
        return tuple(sorted(out, key=lambda r: (-abs(r.points), -abs(r.yuan), r.rule)))


# --- comparing ------------------------------------------------------------------------


def _contributions(report: Report) -> dict[str, dict[str, tuple[Decimal, Decimal, str | None]]]:
    """Per unit (by name key), per rule: points and yuan paid, over all records and `per unit` rules."""
    out: dict[str, dict[str, tuple[Decimal, Decimal, str | None]]] = defaultdict(dict)

    def add(line: TraceLine) -> None:
        rules = out[name_key(line.unit)]
        points, yuan, _ = rules.get(line.rule, (ZERO, ZERO, None))
        rules[line.rule] = (points + line.points, yuan + line.yuan, line.source)

    for record in report.records:
        for line in record.trace or ():
            add(line)
    for unit in report.units:
        for line in unit.adjustments:
            add(line)
    return out


def _rule_changes(
    old: Mapping[str, tuple[Decimal, Decimal, str | None]], new: Mapping[str, tuple[Decimal, Decimal, str | None]]
) -> tuple[RuleChange, ...]:
    """Rules whose contribution to one unit differs; a rule missing on one side paid nothing there."""
    out = []
    for rule in sorted(old.keys() | new.keys()):
        old_points, old_yuan, old_source = old.get(rule, (ZERO, ZERO, None))
        new_points, new_yuan, new_source = new.get(rule, (ZERO, ZERO, None))
        if old_points != new_points or old_yuan != new_yuan:
            source = new_source if rule in new else old_source
            out.append(RuleChange(rule, source, Change(old_points, new_points), Change(old_yuan, new_yuan)))
    # The largest change first: the reader's first question is "what moved this unit most".
    out.sort(key=lambda r: -abs((r.points.new or ZERO) - (r.points.old or ZERO)))
    return tuple(out)


def _reminder_key(reminder: Reminder) -> tuple[Any, ...]:
    return (name_key(reminder.unit), reminder.reason, reminder.due_on, reminder.shortfall, reminder.record)


def _warning_key(warning: Warning) -> tuple[Any, ...]:
    return (warning.record, warning.unit, warning.message, warning.source)


def _only_in(first: Iterable[T], second: Iterable[T], key: Callable[[T], Hashable]) -> tuple[T, ...]:
    """Items of ``first`` not matched in ``second`` (as multisets: a repeated item counts each time)."""
    left = Counter(key(item) for item in second)
    out = []
    for item in first:
        k = key(item)
        if left[k]:
            left[k] -= 1
        else:
            out.append(item)
    return tuple(out)


def _unit_change(
    shown: str,
    old: UnitResult | None,
    new: UnitResult | None,
    rules: tuple[RuleChange, ...],
    reminders: tuple[tuple[Reminder, ...], tuple[Reminder, ...]],
) -> UnitChange | None:
    status = "added" if old is None else "removed" if new is None else "changed"
    change = UnitChange(
        shown,
        status,
        Change(old.points if old else None, new.points if new else None),
        Change(old.yuan if old else None, new.yuan if new else None),
        (old.rank if old else None, new.rank if new else None),
        (old.tier if old else None, new.tier if new else None),
        (old.group if old else None, new.group if new else None),
        rules,
        reminders[0],
        reminders[1],
    )
    same = (
        status == "changed"
        and not change.points.changed
        and not change.yuan.changed
        and change.rank[0] == change.rank[1]
        and change.tier[0] == change.tier[1]
        and change.group[0] == change.group[1]
        and not rules
        and not reminders[0]
        and not reminders[1]
    )
    return None if same else change


def _units(old: Report, new: Report) -> tuple[UnitChange, ...]:
    """Units in NEW's order, then those only OLD lists, in OLD's order."""
    old_units = {name_key(u.unit): u for u in old.units}
    new_units = {name_key(u.unit): u for u in new.units}
    order: dict[str, str] = {}  # key -> name as shown, NEW's spelling first
    for unit in (*new.units, *old.units):
        order.setdefault(name_key(unit.unit), unit.unit)
    reminders: dict[str, tuple[list[Reminder], list[Reminder]]] = defaultdict(lambda: ([], []))
    old_reminders, new_reminders = old.reminders or (), new.reminders or ()
    for reminder in _only_in(new_reminders, old_reminders, _reminder_key):
        reminders[name_key(reminder.unit)][0].append(reminder)
        order.setdefault(name_key(reminder.unit), reminder.unit)
    for reminder in _only_in(old_reminders, new_reminders, _reminder_key):
        reminders[name_key(reminder.unit)][1].append(reminder)
        order.setdefault(name_key(reminder.unit), reminder.unit)
    old_rules, new_rules = _contributions(old), _contributions(new)
    out = []
    for key, shown in order.items():
        if key not in old_units and key not in new_units:
            continue  # cannot happen: a reminder is always for a unit its report lists
        added, removed = reminders.get(key, ([], []))
        found = _unit_change(
            shown,
            old_units.get(key),
            new_units.get(key),
            _rule_changes(old_rules.get(key, {}), new_rules.get(key, {})),
            (tuple(added), tuple(removed)),
        )
        if found is not None:
            out.append(found)
    return tuple(out)


def _awards(old: Sequence[AwardResult], new: Sequence[AwardResult]) -> tuple[AwardChange, ...]:
    """Prizes matched by (award, winner): NEW's order, then those only OLD gives."""
    olds: dict[tuple[str, str], list[AwardResult]] = defaultdict(list)
    for award in old:
        olds[award.award, name_key(award.winner)].append(award)
    out = []
    for award in new:
        matches = olds.get((award.award, name_key(award.winner)))
        before = matches.pop(0) if matches else None
        if before is None:
            out.append(
                AwardChange(
                    award.award, award.winner, "added", (None, award.rank), Change(None, award.yuan), award.source
                )
            )
        elif before.rank != award.rank or before.yuan != award.yuan:
            out.append(
                AwardChange(
                    award.award,
                    award.winner,
                    "changed",
                    (before.rank, award.rank),
                    Change(before.yuan, award.yuan),
                    award.source,
                )
            )
    for matches in olds.values():
        out.extend(
            AwardChange(a.award, a.winner, "removed", (a.rank, None), Change(a.yuan, None), a.source) for a in matches
        )
    return tuple(out)


def _records_changed(old: Report, new: Report) -> tuple[str, ...]:
    def credits(report: Report) -> dict[str, Any]:
        return {r.id: sorted((name_key(c.unit), c.points, c.yuan) for c in r.credits) for r in report.records}

    before, after = credits(old), credits(new)
    ids = [r.id for r in new.records] + [r.id for r in old.records if r.id not in after]
    return tuple(i for i in ids if before.get(i) != after.get(i))


def _params(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> tuple[ParamChange, ...]:
    if old is None or new is None:
        return ()
    names = list(new) + [n for n in old if n not in new]
    return tuple(ParamChange(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n))


def _label(report: Report) -> str:
    return f"{report.ruleset} {report.version or ''}".strip()


def compare(
    old: Report,
    new: Report,
    *,
    old_params: Mapping[str, Any] | None = None,
    new_params: Mapping[str, Any] | None = None,
    old_label: str | None = None,
    new_label: str | None = None,
) -> Comparison:
    """What differs between ``old`` and ``new``, two reports on the same records.

    ``old_params``/``new_params`` (``Ruleset.params``) add the parameters that differ;
    the labels name the two sides (default: ruleset name and version).
    """
    return Comparison(
        old_label or _label(old),
        new_label or _label(new),
        (old.as_of.isoformat(), new.as_of.isoformat()),
        (old.period, new.period),
        _params(old_params, new_params),
        len(new.records),
        _records_changed(old, new),
        len(new.units),
        _units(old, new),
        _awards(old.awards, new.awards),
        _only_in(new.warnings, old.warnings, _warning_key),
        _only_in(old.warnings, new.warnings, _warning_key),
    )


# --- text ---------------------------------------------------------------------------


def _number(value: Decimal | None) -> str:
    return "—" if value is None else format_decimal(value)


def _arrow(old: Any, new: Any, show: Any = None) -> str:
    """``old → new``, or just the value when it did not change."""
    show = show or (lambda v: "—" if v is None else str(v))
    return show(old) if old == new else f"{show(old)} → {show(new)}"


def _figure(change: Change) -> str:
    return _arrow(change.old, change.new, _number)


def _delta(change: Change) -> str:
    delta = change.delta
    return "—" if delta is None else signed(delta)


def _both(pair: tuple[Any, Any]) -> str:
    return _arrow(pair[0], pair[1])


def _context(comparison: Comparison) -> str:
    period = _arrow(*comparison.period, show=lambda p: p or "all records")
    as_of = _arrow(*comparison.as_of)
    return f"{comparison.old_label} → {comparison.new_label} · period {period} · as of {as_of}"


def _params_line(comparison: Comparison) -> str:
    shown = (f"{p.name} {_arrow(p.old, p.new, lambda v: format_value(v, missing='—'))}" for p in comparison.params)
    return "parameters: " + ", ".join(shown)


def _who(item: Reminder | Warning) -> str:
    if isinstance(item, Reminder):
        return f"{item.unit}: " + (f"{item.record}: " if item.record else "")
    return f"{item.record}: " if item.record else f"{item.unit}: " if item.unit else ""


def _reminder_text(reminder: Reminder) -> str:
    extra = [f"due {reminder.due_on.isoformat()}"] if reminder.due_on else []
    extra += [f"shortfall {format_value(reminder.shortfall)}"] if reminder.shortfall is not None else []
    return f"{_who(reminder)}{reminder.reason}" + (f" ({', '.join(extra)})" if extra else "")


def _units_text(comparison: Comparison) -> list[str]:
    units = comparison.units
    money = any(u.yuan.changed for u in units)
    tiers = any(u.tier[0] != u.tier[1] for u in units)
    groups = any(u.group[0] or u.group[1] for u in units)  # ranks count within a group: show it, as `score` does
    headers = [*(["group"] if groups else []), "rank", "unit", "points", "Δ points"]
    headers += ["yuan", "Δ yuan"] if money else []
    headers += ["tier"] if tiers else []
    rows = []
    for unit in units:
        name = unit.unit if unit.status == "changed" else f"{unit.unit} ({unit.status})"
        row = [*([_both(unit.group)] if groups else []), _both(unit.rank), name, _figure(unit.points)]
        row += [_delta(unit.points)]
        row += [_figure(unit.yuan), _delta(unit.yuan)] if money else []
        row += [_both(unit.tier)] if tiers else []
        rows.append(row)
    right = [*([False] if groups else []), False, False, True, True, *([True, True] if money else [])]
    right += [False] if tiers else []
    return [f"Units: {len(units)} of {comparison.units_listed} differ", *table(headers, rows, right)]


def _rules_text(comparison: Comparison) -> list[str]:
    totals = comparison.rules
    money = any(t.yuan for t in totals) or any(r.yuan.changed for u in comparison.units for r in u.rules)
    headers = ["rule", "clause", "units", "Δ points", *(["Δ yuan"] if money else [])]
    rows = [
        [t.rule, t.source or "—", str(t.units), signed(t.points), *([signed(t.yuan)] if money else [])] for t in totals
    ]
    out = ["Rules behind the changes", *table(headers, rows, [False, False, True, True, True][: len(headers)])]
    headers = ["unit", "rule", "points", "Δ points", *(["yuan", "Δ yuan"] if money else [])]
    rows = []
    for unit in comparison.units:
        for rule in unit.rules:
            row = [unit.unit, rule.rule, _figure(rule.points), _delta(rule.points)]
            rows.append(row + ([_figure(rule.yuan), _delta(rule.yuan)] if money else []))
    out += ["", *table(headers, rows, [False, False, True, True, True, True][: len(headers)])]
    return out


def _awards_text(comparison: Comparison) -> list[str]:
    rows = [
        [
            a.award,
            a.winner if a.status == "changed" else f"{a.winner} ({a.status})",
            _both(a.rank),
            _figure(a.yuan),
            _delta(a.yuan),
        ]
        for a in comparison.awards
    ]
    headers = ["award", "winner", "rank", "yuan", "Δ yuan"]
    return [f"Awards: {len(rows)} prize(s) differ", *table(headers, rows, [False, False, False, True, True])]


def render_text(comparison: Comparison) -> str:
    """The comparison for people: context, then units, rules, reminders, awards, warnings."""
    if not comparison.differs:
        params = f"; {_params_line(comparison)}" if comparison.params else ""
        return f"no differences: {_context(comparison)} · {comparison.records} record(s){params}\n"
    out = [_context(comparison)]
    if comparison.params:
        out.append(_params_line(comparison))
    out.append(f"records: {comparison.records} · credits changed: {len(comparison.records_changed)}")
    if comparison.units:
        out += ["", *_units_text(comparison)]
    if comparison.rules:
        out += ["", *_rules_text(comparison)]
    added = [r for u in comparison.units for r in u.reminders_added]
    removed = [r for u in comparison.units for r in u.reminders_removed]
    if added or removed:
        out += ["", f"Reminders: +{len(added)} -{len(removed)}"]
        for unit in comparison.units:  # unit by unit, as a diff: the old reminder, then the new
            out += [f"  - {_reminder_text(r)}" for r in unit.reminders_removed]
            out += [f"  + {_reminder_text(r)}" for r in unit.reminders_added]
    if comparison.awards:
        out += ["", *_awards_text(comparison)]
    if comparison.warnings_added or comparison.warnings_removed:
        out += ["", f"Warnings: +{len(comparison.warnings_added)} -{len(comparison.warnings_removed)}"]
        # Record by record, as a diff: the old warning, then the new.
        marked = [("-", w) for w in comparison.warnings_removed] + [("+", w) for w in comparison.warnings_added]
        marked.sort(key=lambda m: (m[1].record is None, natural_key(m[1].record), m[0] == "+"))
        out += [f"  {mark} {_who(w)}{w.message}" + (f"  § {w.source}" if w.source else "") for mark, w in marked]
    return "\n".join(out) + "\n"


# --- JSON ---------------------------------------------------------------------------


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def _change_json(change: Change) -> dict[str, str | None]:
    delta = change.delta
    return {"old": _num(change.old), "new": _num(change.new), "delta": None if delta is None else signed(delta)}


def _value_json(value: Any) -> Any:
    """Parameter values as the report writes figures: numbers and dates as strings."""
    if value is None or isinstance(value, bool):
        return value
    return format_value(value)


def _reminder_json(reminder: Reminder) -> dict[str, Any]:
    return {
        "unit": reminder.unit,
        "reason": reminder.reason,
        "due_on": reminder.due_on.isoformat() if reminder.due_on else None,
        "shortfall": _value_json(reminder.shortfall),
        "record": reminder.record,
        "source": reminder.source,
    }


def _warning_json(warning: Warning) -> dict[str, Any]:
    return {"record": warning.record, "unit": warning.unit, "message": warning.message, "source": warning.source}


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as JSON data: figures as strings holding exact decimals, deltas signed."""
    return {
        "old": {"ruleset": comparison.old_label, "as_of": comparison.as_of[0], "period": comparison.period[0]},
        "new": {"ruleset": comparison.new_label, "as_of": comparison.as_of[1], "period": comparison.period[1]},
        "differences": comparison.differs,
        "parameters": [
            {"name": p.name, "old": _value_json(p.old), "new": _value_json(p.new)} for p in comparison.params
        ],
        "records": comparison.records,
        "records_changed": list(comparison.records_changed),
        "units": [
            {
                "unit": u.unit,
                "status": u.status,
                "points": _change_json(u.points),
                "yuan": _change_json(u.yuan),
                "rank": {"old": u.rank[0], "new": u.rank[1]},
                "tier": {"old": u.tier[0], "new": u.tier[1]},
                **({"group": {"old": u.group[0], "new": u.group[1]}} if any(u.group) else {}),
                "rules": [
                    {
                        "rule": r.rule,
                        "source": r.source,
                        "points": _change_json(r.points),
                        "yuan": _change_json(r.yuan),
                    }
                    for r in u.rules
                ],
                "reminders": {
                    "added": [_reminder_json(r) for r in u.reminders_added],
                    "removed": [_reminder_json(r) for r in u.reminders_removed],
                },
            }
            for u in comparison.units
        ],
        "rules": [
            {
                "rule": t.rule,
                "source": t.source,
                "units": t.units,
                "points": signed(t.points),
                "yuan": signed(t.yuan),
            }
            for t in comparison.rules
        ],
        "awards": [
            {
                "award": a.award,
                "winner": a.winner,
                "status": a.status,
                "rank": {"old": a.rank[0], "new": a.rank[1]},
                "yuan": _change_json(a.yuan),
                "source": a.source,
            }
            for a in comparison.awards
        ],
        "warnings": {
            "added": [_warning_json(w) for w in comparison.warnings_added],
            "removed": [_warning_json(w) for w in comparison.warnings_removed],
        },
    }


def render_json(comparison: Comparison) -> str:
    return json.dumps(comparison_json(comparison), ensure_ascii=False, indent=2) + "\n"
