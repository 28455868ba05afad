"""Why a record got what it got: every rule with its clause, and why not more."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import ir
from .decimals import format_decimal
from .report import RecordResult, Report
from .text import format_value
from .types import ListT, StructT
from .validate import Record


def _money(points: Decimal, yuan: Decimal) -> str:
    sign = "+" if points >= 0 else ""
    return f"{sign}{format_decimal(points)} pts, ¥{format_decimal(yuan)}"


def _cite(source: str | None) -> str:
    return f"  § {source}" if source else ""


def _fields(record: Record, schema: ir.Schema) -> list[str]:
    lines = []
    for spec in schema.struct.fields[1:]:
        value = record.values[spec.index]
        if isinstance(spec.type, ListT) and isinstance(spec.type.item, StructT):
            item = spec.type.item
            shown = [
                "{" + ", ".join(f"{f.name}: {format_value(v[f.index], missing='—')}" for f in item.fields) + "}"
                for v in value
            ]
            lines.append(f"    {spec.name}: [{', '.join(shown)}]")
        elif value is not None:
            lines.append(
                f"    {spec.name}: [{format_value(value)}]"
                if isinstance(value, tuple)
                else f"    {spec.name}: {format_value(value)}"
            )
    return lines


def _item(group: ir.Group, index: int | None) -> str:
    if index is None or not isinstance(group.over, ir.Field):
        return ""
    return f" [{group.over.name}[{index}]]"


def _steps(score: ir.Score, result: RecordResult) -> list[str]:
    """Gates and groups in the order they run: a failed gate stops the groups after it."""
    out: list[str] = []
    trace = result.trace or ()
    dropped = result.dropped or ()
    first_unit = result.credits[0].unit if result.credits else None
    fired = {t.rule for t in trace}
    stopped = False
    for step in score.steps:
        if isinstance(step, ir.Gate):
            if stopped:
                out.append(f"  gate {step.text}: not reached{_cite(step.clause)}")
                continue
            stopped = result.stopped_by == step.text
            verdict = "NOT passed: no group below pays" if stopped else "passed"
            out.append(f"  gate {step.text}: {verdict}{_cite(step.clause)}")
            if stopped:
                out += [f"    note: {n}" for n in step.notes]
            continue
        group = step
        over = f" over {group.over.name}" if isinstance(group.over, ir.Field) else ""
        if group.maximum is not None and group.maximum == 0:
            marks = ", deductions only" + (
                f", at most {format_decimal(-group.floor)}" if group.floor is not None else ""
            )
        elif group.maximum is not None:
            marks = f", full marks {format_decimal(group.maximum)}"
        else:
            marks = ""
        out.append(f"  group {group.name} ({group.combine}{over}{marks}){_cite(group.clause)}")
        for line in trace:
            if line.unit != first_unit or not line.rule.startswith(group.name + "."):
                continue
            scaled = f" (× {format_decimal(line.factor)})" if line.factor is not None and line.factor != 1 else ""
            out.append(
                f"    paid      {line.rule}{_item(group, line.item)}: {_money(line.points, line.yuan)}{scaled}"
                f"{_cite(line.source)}"
            )
        for drop in dropped:
            if drop.rule.startswith(group.name + "."):
                out.append(
                    f"    not paid  {drop.rule}{_item(group, drop.item)}: {_money(drop.points, drop.yuan)}"
                    f"{_cite(drop.source)} — matched, but {group.combine} keeps only {drop.beaten_by}"
                )
        quiet = [r for r in group.rules if r.name not in fired and all(d.rule != r.name for d in dropped)]
        if quiet and stopped:
            out.append("    not tried (stopped by the gate): " + ", ".join(r.label for r in quiet))
        elif quiet:
            out.append(
                "    did not match: " + ", ".join(f"{r.label} (§ {r.clause})" if r.clause else r.label for r in quiet)
            )
        if group.start is not None or group.maximum is not None:
            paid = format_decimal(result.group_points(group.name, first_unit) if first_unit else Decimal(0))
            if group.maximum is not None and group.maximum == 0:
                out.append(f"    deducted: {paid}")
            else:
                of = f" of {format_decimal(group.maximum)}" if group.maximum is not None else ""
                out.append(f"    item score: {paid}{of}")
        out += [f"    note: {n}" for n in group.notes]
        for rule in group.rules:
            if rule.name in fired:
                out += [f"    note ({rule.label}): {n}" for n in rule.notes]
    total = score.total
    if total is not None:
        bounded = [t for t in trace if t.unit == first_unit and t.rule.startswith("total.")]
        out.append(
            f"  total kept within [{format_decimal(total.floor) if total.floor is not None else '—'}, "
            f"{format_decimal(total.cap) if total.cap is not None else '—'}]{_cite(total.clause)}"
        )
        for line in bounded:
            out.append(f"    applied   {line.rule}: {_money(line.points, line.yuan)}")
        out += [f"    note: {n}" for n in total.notes]
    return out


def explain_record(
    program: ir.Program,
    record: Record,
    result: RecordResult | None,
    report: Report,
    computed: tuple[tuple[str, Any], ...] = (),
) -> str:
    """A readable account of one record's score."""
    schema = next(s for s in program.schemas if s.name == record.type)
    out = [f"record {record.id} ({record.type}), {record.input} line {record.line}", *_fields(record, schema)]
    if computed:
        out.append(
            "  computed: " + "; ".join(f"{name} = {format_value(value, missing='—')}" for name, value in computed)
        )
    if result is None:
        out.append("  not evaluated: outside the period")
        return "\n".join(out) + "\n"
    if not result.counted:
        out.append(f"  not counted: dated after the as-of date {report.as_of.isoformat()}")
    score = next((s for s in program.scores if s.record == record.type), None)
    if score is None:
        out.append("  no score block for this record type: it earns nothing itself")
    elif result.counted:
        out.append("")
        out += _steps(score, result)
    warnings = [w for w in report.warnings if w.record == record.id]
    if warnings:
        out.append("  warnings (never change the score):")
        for warning in warnings:
            out.append(f"    {warning.message}{_cite(warning.source)}")
            out += [f"      note: {n}" for n in warning.notes]
    out.append("")
    if result.credits:
        for credit in result.credits:
            out.append(f"  total for {credit.unit}: {_money(credit.points, credit.yuan)}")
    else:
        out.append("  total: nothing credited")
    return "\n".join(out) + "\n"
