"""A report as text for people: aligned columns that stay aligned under CJK text."""

from __future__ import annotations

from collections.abc import Sequence

from .decimals import format_decimal
from .report import Report
from .source import display_width
from .text import format_value


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """Rows under headers, each column as wide as its widest cell."""
    widths = [max([display_width(h), *(display_width(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w, a) for h, w, a in zip(headers, widths, right, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_pad(c, w, a) for c, w, a in zip(row, widths, right, strict=True)).rstrip())
    return lines


def render_table(report: Report) -> str:
    counted = (
        report.counted_records if report.counted_records is not None else sum(1 for r in report.records if r.counted)
    )
    head = f"{report.title or report.ruleset} ({report.ruleset} {report.version or ''})".replace(" )", ")")
    out = [
        head,
        f"period: {report.period or 'all records'} · as of {report.as_of.isoformat()} · "
        f"{counted} record(s) scored, {report.rejected_count} rejected",
        "",
    ]
    has_tier = any(u.tier for u in report.units)
    has_group = any(u.group for u in report.units)
    extra = [name for name, _ in report.units[0].columns] if report.units else []
    headers = (["group"] if has_group else []) + ["rank", "unit", "points", "yuan", *extra, "records"]
    headers += ["tier"] if has_tier else []
    rows = []
    for unit in report.units:
        row = [
            *([unit.group or ""] if has_group else []),
            "—" if unit.rank is None else str(unit.rank),
            unit.unit,
            format_decimal(unit.points),
            format_decimal(unit.yuan),
            *(format_value(value, missing="—") for _, value in unit.columns),
            str(unit.records),
        ]
        if has_tier:
            row.append(unit.tier or "")
        rows.append(row)
    right = [*([False] if has_group else []), True, False, True, True, *([True] * len(extra)), True, False]
    out += table(headers, rows, right[: len(headers)])
    if report.reminders:
        out += ["", f"Reminders ({len(report.reminders)})"]
        reminder_rows = [
            [
                r.unit,
                r.due_on.isoformat() if r.due_on else "",
                format_value(r.shortfall, missing=""),
                r.reason,
            ]
            for r in report.reminders
        ]
        out += table(["unit", "due_on", "shortfall", "reason"], reminder_rows, [False, False, True, False])
    if report.awards:
        out += ["", "Awards"]
        award_rows = [[a.award, str(a.rank), a.winner, format_decimal(a.yuan)] for a in report.awards]
        out += table(["award", "rank", "winner", "yuan"], award_rows, [False, True, False, True])
    if report.warnings:
        out += ["", f"Warnings ({len(report.warnings)})"]
        for warning in report.warnings:
            who = f"{warning.record}: " if warning.record else f"{warning.unit}: " if warning.unit else ""
            where = f"  § {warning.source}" if warning.source else ""
            out.append(f"  {who}{warning.message}{where}")
    if report.rejected:
        out += ["", f"Rejected ({report.rejected_count} record(s))"]
        out += [f"  {line}" for line in rejected_lines(report)]
    return "\n".join(out) + "\n"


def rejected_lines(report: Report) -> list[str]:
    """Each problem of a rejected record, one line each (a record may have several)."""
    return [f"line {r.line}: record {r.record or '?'}: {r.field}: {r.message}" for r in report.rejected]


def render_csv_units(report: Report) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    extra = [name for name, _ in report.units[0].columns] if report.units else []
    has_group = any(u.group for u in report.units)
    writer.writerow([*(["group"] if has_group else []), "rank", "unit", "points", "yuan", "tier", "records", *extra])
    for unit in report.units:
        writer.writerow(
            [
                *([unit.group or ""] if has_group else []),
                "" if unit.rank is None else unit.rank,
                unit.unit,
                format_decimal(unit.points),
                format_decimal(unit.yuan),
                unit.tier or "",
                unit.records,
                *(format_value(value, missing="") for _, value in unit.columns),
            ]
        )
    return buffer.getvalue()
