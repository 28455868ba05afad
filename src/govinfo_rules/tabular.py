"""A report as tables, one per section, for spreadsheets: `score --format xlsx|csv`.

In: a :class:`~govinfo_rules.report.Report`; out: :class:`Section` objects — a summary
(概要), then units, records (one row per credited unit), awards, reminders (for a
ruleset that has them), warnings and, with ``--skip-invalid``, the rejected records.
Cells keep their types (text, ``Decimal``, ``int``, ``datetime.date``, ``bool`` or
``None``) so that :mod:`.xlsx` writes numbers as exact numbers and dates as dates,
and :func:`csv_text` writes the same rows as CSV text.

Text that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return, as OWASP lists them) is written as text: in a
workbook as a text cell, in CSV behind a single quote (:func:`guard`).  Numbers are
never guarded: ``-10`` points is a number, not a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from . import __version__
from .decimals import format_decimal
from .report import Report, TraceLine
from .text import format_value

Cell = str | Decimal | int | bool | dt.date | None

# OWASP "CSV injection": a cell starting with one of these may be run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@attrs.frozen
class Column:
    key: str  # the English name, as in the JSON output
    zh: str  # the Chinese name

    @property
    def header(self) -> str:
        """Both names, Chinese first: ``排名 rank``."""
        return f"{self.zh} {self.key}" if self.zh else self.key


@attrs.frozen
class Section:
    key: str  # the CSV file's stem: units, records, ...
    title: str  # the sheet's name: 单位得分, ...
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(key, zh) for key, zh in pairs)


def sections(report: Report, *, rejected: bool = False) -> tuple[Section, ...]:
    """Every section of the report, the summary first; ``rejected`` adds the rejected
    records (``--skip-invalid``), ``reminders`` comes only from a ruleset with reminders."""
    out = [summary(report), units(report), records(report), awards(report)]
    if report.reminders is not None:
        out.append(reminders(report))
    out.append(warnings(report))
    if rejected:
        out.append(rejected_section(report))
    return tuple(out)


def summary(report: Report) -> Section:
    counted = (
        report.counted_records if report.counted_records is not None else sum(1 for r in report.records if r.counted)
    )
    rows: list[tuple[Cell, ...]] = [
        ("规则集 ruleset", report.ruleset),
        ("名称 title", report.title),
        ("版本 version", report.version),
        ("截至日期 as_of", report.as_of),
        ("期间 period", report.period or "全部记录 all records"),
        ("计分记录 scored", counted),
        ("拒收记录 rejected", report.rejected_count),
        ("生成工具 generator", f"govinfo-rules {__version__}"),
    ]
    return Section("summary", "概要", _columns(("item", "项目"), ("value", "内容")), tuple(rows))


def units(report: Report) -> Section:
    extra = [name for name, _ in report.units[0].columns] if report.units else []
    has_group = any(u.group for u in report.units)
    columns = [
        *([("group", "分组")] if has_group else []),
        ("rank", "排名"),
        ("unit", "单位"),
        ("points", "得分"),
        ("yuan", "奖金"),
        ("tier", "等次"),
        ("records", "记录数"),
    ]
    rows = []
    for unit in report.units:
        rows.append(
            (
                *([unit.group] if has_group else []),
                unit.rank,
                unit.unit,
                unit.points,
                unit.yuan,
                unit.tier,
                unit.records,
                *(_cell(value) for _, value in unit.columns),
            )
        )
    return Section("units", "单位得分", (*_columns(*columns), *(Column(name, "") for name in extra)), tuple(rows))


def records(report: Report) -> Section:
    """One row per record and credited unit, with the rules that paid it when the
    report has traces."""
    columns = _columns(
        ("id", "编号"),
        ("type", "类型"),
        ("unit", "单位"),
        ("points", "得分"),
        ("yuan", "奖金"),
        ("counted", "计入"),
        ("stopped_by", "未计分原因"),
        ("trace", "计分明细"),
    )
    rows: list[tuple[Cell, ...]] = []
    for result in report.records:
        stopped = None
        if result.stopped_by is not None:
            stopped = result.stopped_by + (f" § {result.stopped_source}" if result.stopped_source else "")
        credits = result.credits or ()
        for credit in credits:
            trace = [t for t in result.trace or () if t.unit == credit.unit]
            rows.append(
                (
                    result.id,
                    result.type,
                    credit.unit,
                    credit.points,
                    credit.yuan,
                    result.counted,
                    stopped,
                    "; ".join(_trace_text(t) for t in trace) or None,
                )
            )
        if not credits:
            rows.append((result.id, result.type, None, Decimal(0), Decimal(0), result.counted, stopped, None))
    return Section("records", "记录得分", columns, tuple(rows))


def _trace_text(line: TraceLine) -> str:
    amounts = f"{format_decimal(line.points)} pts"
    if line.yuan:
        amounts += f", ¥{format_decimal(line.yuan)}"
    if line.factor is not None and line.factor != 1:
        amounts += f" (×{format_decimal(line.factor)})"
    return f"{line.rule} {amounts}" + (f" § {line.source}" if line.source else "")


def awards(report: Report) -> Section:
    columns = _columns(
        ("award", "奖项"),
        ("rank", "名次"),
        ("winner", "获奖者"),
        ("yuan", "奖金"),
        ("measure", "评比依据"),
        ("source", "条款"),
    )
    rows = tuple((a.award, a.rank, a.winner, a.yuan, _cell(a.measure), a.source) for a in report.awards)
    return Section("awards", "奖励", columns, rows)


def reminders(report: Report) -> Section:
    columns = _columns(
        ("unit", "单位"),
        ("reason", "事由"),
        ("due_on", "截止日期"),
        ("shortfall", "差额"),
        ("record", "编号"),
        ("source", "条款"),
    )
    rows = tuple((r.unit, r.reason, r.due_on, _cell(r.shortfall), r.record, r.source) for r in report.reminders or ())
    return Section("reminders", "提醒", columns, rows)


def warnings(report: Report) -> Section:
    columns = _columns(("record", "编号"), ("unit", "单位"), ("message", "内容"), ("source", "条款"))
    rows = tuple((w.record, w.unit, w.message, w.source) for w in report.warnings)
    return Section("warnings", "警告", columns, rows)


def rejected_section(report: Report) -> Section:
    columns = _columns(("record", "编号"), ("line", "行"), ("field", "字段"), ("message", "问题"))
    rows = tuple((r.record, r.line or None, r.field, r.message) for r in report.rejected)
    return Section("rejected", "拒收记录", columns, rows)


def _cell(value: Any) -> Cell:
    """A value a ruleset shows (a `show` column, an award's measure): numbers stay
    numbers, lists become text."""
    if value is None or isinstance(value, str | bool | int | Decimal | dt.date):
        return value
    return format_value(value)


# --- CSV ---------------------------------------------------------------------------------


def guard(text: str) -> str:
    """Text a spreadsheet will not run: a leading ``'`` before what could start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return guard(value)


def csv_text(section: Section) -> str:
    """The section as CSV: a header row, then one row per line of the section, text
    guarded against formulas (:func:`guard`), numbers and dates as ``format_decimal``
    and ISO dates write them, booleans as 是/否.  Lines end with CR LF (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in section.columns])
    for row in section.rows:
        writer.writerow([_text(value) for value in row])
    return buffer.getvalue()


def csv_files(report: Report, *, rejected: bool = False) -> dict[str, str]:
    """File name -> CSV text for every section (``summary.csv``, ``units.csv``, ...)."""
    return {f"{s.key}.csv": csv_text(s) for s in sections(report, rejected=rejected)}


def column_widths(section: Section, *, least: int = 8, most: int = 60) -> Sequence[int]:
    """A width for each column in characters, CJK counting double, within [least, most]."""
    from .source import display_width

    widths = []
    for i, column in enumerate(section.columns):
        texts = [column.header, *(_text(row[i]) for row in section.rows[:500])]
        widths.append(min(max(least, *(display_width(t) + 2 for t in texts)), most))
    return widths
