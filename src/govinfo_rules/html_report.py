"""A report as one self-contained HTML page that office staff can read and print.

:func:`render_html` turns a :class:`~.report.Report` (scored with ``trace=True``) and
the :class:`~.ruleset.Ruleset` that made it into a single HTML document: no script, no
external resource (no URL, no web font), inline CSS with an A4 print layout, and the
unit points drawn as an inline SVG bar chart.  Every text that comes from a ruleset or
a ledger is escaped, and invisible direction controls are shown as ``<U+202E>`` so a
unit name cannot reorder the text around it.  The output depends only on its inputs:
the same report gives the same bytes (no clock is read; pass ``generated`` to print a
time).  Figures are written as the JSON output writes them (:func:`format_decimal`).
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from . import ir
from .decimals import CONTEXT, format_decimal
from .report import RecordResult, Report, TraceLine
from .source import display_width
from .text import format_value

if TYPE_CHECKING:
    from .ruleset import Ruleset

__all__ = ["BAR_COLOUR", "NEGATIVE_COLOUR", "render_html"]

BAR_COLOUR = "#2b6cb0"  # positive points: the tests look for this colour in a screenshot
NEGATIVE_COLOUR = "#c53030"

# Characters that change how the text around them is shown without being seen: the
# bidirectional controls (U+202E turns "gpj.exe" around) and C0/C1 controls.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _visible(text: str) -> str:
    """Hidden controls as ``<U+XXXX>``, so what is printed is what the ledger holds."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in _BIDI or (unicodedata.category(ch) == "Cc" and ch not in "\t\n"):
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    return "".join(out)


def _e(text: object) -> str:
    """User or ruleset text, escaped for an element's content or a quoted attribute."""
    return html.escape(_visible(str(text)), quote=True)


def _num(value: Decimal) -> str:
    return format_decimal(value)


def _cite(source: str | None) -> str:
    return f"§ {source}" if source else "（未注明条款）"


# --- footnotes ------------------------------------------------------------------------


_Note = tuple[str, str, str | None, tuple[str, ...], str | None, tuple[str, ...]]
# kind, name, clause, the rule's notes, its group's name and the group's notes


class _Footnotes:
    """The clauses cited in the report, numbered in the order they first appear."""

    def __init__(self, program: ir.Program) -> None:
        self._numbers: dict[_Note, int] = {}
        self.items: list[_Note] = []
        self._groups = {(s.record, g.name): g for s in program.scores for g in s.groups}
        self._rules = {(s.record, r.name): r for s in program.scores for g in s.groups for r in g.rules}

    def rule(self, record_type: str | None, name: str, source: str | None, notes: Sequence[str]) -> str:
        """The footnote of a rule of ``record_type``'s score block (``None``: the per-unit
        block), with the notes of its group, which often hold the clause's reading."""
        spec = self._rules.get((record_type or "", name))
        own = spec.notes if spec is not None else tuple(notes)
        group = self._groups.get((record_type or "", name.split(".", 1)[0]))
        kind = "规则" if record_type is not None else "单位规则"
        if group is None or not group.notes:
            return self.ref(kind, name, source, own)
        return self.ref(kind, name, source, own, group.name, group.notes)

    def ref(
        self,
        kind: str,
        name: str,
        source: str | None,
        notes: Sequence[str],
        group: str | None = None,
        group_notes: Sequence[str] = (),
    ) -> str:
        """A superscript link to the footnote of one rule; its clause and notes on hover."""
        key = (kind, name, source, tuple(notes), group, tuple(group_notes))
        number = self._numbers.get(key)
        if number is None:
            self.items.append(key)
            number = self._numbers[key] = len(self.items)
        hover = "\n".join([f"{name}  {_cite(source)}", *notes, *group_notes])
        return f'<sup class="fnref"><a href="#fn-{number}" title="{_e(hover)}">[{number}]</a></sup>'

    def render(self) -> str:
        if not self.items:
            return '<p class="empty">本报告未引用任何规则。</p>'
        out = ['<ol class="footnotes">']
        first: dict[tuple[str | None, tuple[str, ...]], int] = {}  # a group's notes are printed once
        for number, (kind, name, source, notes, group, group_notes) in enumerate(self.items, 1):
            clause = f'<span class="clause">{_e(_cite(source))}</span>'
            out.append(
                f'<li id="fn-{number}" data-rule="{_e(name)}" data-clause="{_e(source or "")}">'
                f'<span class="kind">{_e(kind)}</span> <span class="rule">{_e(name)}</span> {clause}'
            )
            out += [f'<p class="note">{_e(note)}</p>' for note in notes]
            if group_notes and (group, group_notes) in first:
                seen = first[(group, group_notes)]
                out.append(f'<p class="note group-ref">（{_e(group)}组的说明见 <a href="#fn-{seen}">[{seen}]</a>）</p>')
            else:
                first[(group, group_notes)] = number
                out += [f'<p class="note group">{_e(f"（{group}组）{note}")}</p>' for note in group_notes]
            out.append("</li>")
        out.append("</ol>")
        return "\n".join(out)


# --- the bar chart ----------------------------------------------------------------------

_CHART_WIDTH = Decimal(900)
_ROW = Decimal(24)
_BAR = Decimal(15)
_TOP = Decimal(26)  # room for the scale's labels
_FONT_PX = Decimal(7)  # SVG units per display column at font-size 14 (CJK: 2 columns)
_LABEL_MAX = 320  # display columns * _FONT_PX beyond this: the name is cut, the full one on hover
_BARS_PER_CHART = 40  # one SVG per 40 units, so that no chart is taller than an A4 page
_Q = Decimal("0.01")


def _px(value: Decimal) -> str:
    """A coordinate, rounded to 0.01 and without exponent or trailing zeros."""
    return format_decimal(value.quantize(_Q, rounding=ROUND_HALF_UP, context=CONTEXT))


def _cut(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` display columns, with an ellipsis if cut."""
    if display_width(text) <= columns:
        return text
    out, used = [], 1
    for ch in text:
        used += display_width(ch)
        if used > columns:
            break
        out.append(ch)
    return "".join(out) + "…"


def _step(span: Decimal) -> Decimal:
    """A round tick interval (1, 2 or 5 × 10ⁿ) giving at most six intervals over ``span``."""
    exponent = span.adjusted()
    for power in (exponent - 1, exponent, exponent + 1):
        for digit in (1, 2, 5):
            step = Decimal(digit).scaleb(power)
            if span / step <= 6:
                return step
    return Decimal(10).scaleb(exponent + 1)


class _Scale:
    """Points to SVG x: the same scale for every chart of the report."""

    def __init__(self, points: Sequence[Decimal], label_width: Decimal) -> None:
        self.lo = min([Decimal(0), *points])
        self.hi = max([Decimal(0), *points])
        texts = [_num(p) for p in points] or ["0"]
        pad = Decimal(max(len(t) for t in texts)) * Decimal(8) + Decimal(10)
        self.left = label_width + Decimal(16) + (pad if self.lo < 0 else Decimal(6))
        self.right = _CHART_WIDTH - pad
        span = self.hi - self.lo
        self.span = span if span > 0 else Decimal(1)
        self.per_point = (self.right - self.left) / self.span
        self.zero = self.left - self.lo * self.per_point

    def x(self, points: Decimal) -> Decimal:
        return self.zero + points * self.per_point

    def ticks(self) -> list[Decimal]:
        step = _step(self.span)
        first = (self.lo / step).to_integral_value(rounding=ROUND_CEILING)
        last = (self.hi / step).to_integral_value(rounding=ROUND_FLOOR)
        return [step * i for i in range(int(first), int(last) + 1)]


_Bar = tuple[str, Decimal, str, str]  # unit, points, rank as text, mark after the name


def _chart(units: Sequence[_Bar], scale: _Scale, label_width: Decimal, caption: str) -> str:
    """One SVG of horizontal bars, one row per unit, best first."""
    height = _TOP + _ROW * len(units) + Decimal(6)
    bottom = _px(height - Decimal(4))
    out = [
        f'<figure class="chart"><svg class="bars" viewBox="0 0 {_px(_CHART_WIDTH)} {_px(height)}" '
        f'width="100%" role="img" aria-label="{_e(caption)}">'
    ]
    for tick in scale.ticks():
        x = _px(scale.x(tick))
        out.append(
            f'<line class="grid" x1="{x}" y1="{_px(_TOP - 6)}" x2="{x}" y2="{bottom}"/>'
            f'<text class="tick" x="{x}" y="{_px(_TOP - 10)}" text-anchor="middle">{_num(tick)}</text>'
        )
    label_columns = int(label_width / _FONT_PX)
    for i, (unit, points, rank, mark) in enumerate(units):
        top = _TOP + _ROW * i
        y = top + (_ROW - _BAR) / 2
        text_y = _px(top + _ROW / 2 + Decimal(4))
        start, end = sorted((scale.zero, scale.x(points)))
        width = end - start
        colour = "bar neg" if points < 0 else "bar"
        if points < 0:
            value = f'<text class="value" x="{_px(start - 4)}" y="{text_y}" text-anchor="end">{_num(points)}</text>'
        else:
            value = f'<text class="value" x="{_px(end + 4)}" y="{text_y}">{_num(points)}</text>'
        shown = _cut(_visible(unit), label_columns - display_width(mark)) + mark
        out.append(
            f'<g class="row"><title>{_e(f"{rank}{mark}  {unit}：{_num(points)} 分")}</title>'
            f'<text class="label" x="{_px(label_width + 8)}" y="{text_y}" text-anchor="end">{html.escape(shown)}</text>'
            f'<rect class="{colour}" data-unit="{_e(unit)}" data-points="{_num(points)}" x="{_px(start)}" '
            f'y="{_px(y)}" width="{_px(width)}" height="{_px(_BAR)}"/>{value}</g>'
        )
    zero = _px(scale.zero)
    out.append(f'<line class="axis" x1="{zero}" y1="{_px(_TOP - 6)}" x2="{zero}" y2="{bottom}"/>')
    out.append(f"</svg><figcaption>{_e(caption)}</figcaption></figure>")
    return "".join(out)


def _charts(report: Report) -> str:
    units = report.units
    if not units:
        return '<p class="empty">没有单位得分。</p>'
    widest = max(display_width(_visible(u.unit)) for u in units)
    label_width = min(Decimal(widest) * _FONT_PX, Decimal(_LABEL_MAX))
    scale = _Scale([u.points for u in units], label_width)
    # Units of one ranking group stay together; a long list is cut into charts of
    # _BARS_PER_CHART so that none is split across printed pages.
    groups: list[tuple[str | None, list[_Bar]]] = []
    for unit in units:
        if not groups or groups[-1][0] != unit.group:
            groups.append((unit.group, []))
        if unit.rank is None:  # an unranked unit (免评) is marked beside its name: its bar is no place
            rank, mark = "不排名", f"（{unit.tier or '不排名'}）"
        else:
            rank, mark = f"第{unit.rank}名", ""
        groups[-1][1].append((unit.unit, unit.points, rank, mark))
    out = []
    for group, rows in groups:
        chunks = [rows[i : i + _BARS_PER_CHART] for i in range(0, len(rows), _BARS_PER_CHART)]
        for n, chunk in enumerate(chunks, 1):
            title = f"{group}：" if group else ""
            part = f"（{n}/{len(chunks)}）" if len(chunks) > 1 else ""
            caption = f"{title}各单位得分{part}，共 {len(rows)} 个单位，按名次排列"
            out.append(_chart(chunk, scale, label_width, caption))
    return "\n".join(out)


# --- sections -------------------------------------------------------------------------------


def _table(headers: Sequence[str], rows: Iterable[str], cls: str, numeric: Sequence[bool]) -> str:
    head = "".join(
        f'<th class="num">{_e(h)}</th>' if n else f"<th>{_e(h)}</th>" for h, n in zip(headers, numeric, strict=True)
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def _td(text: str, numeric: bool = False, title: str | None = None, *, nowrap: bool = False) -> str:
    """A cell of escaped text."""
    attrs = ' class="num"' if numeric else ' class="nowrap"' if nowrap else ""
    attrs += f' title="{_e(title)}"' if title else ""
    return f"<td{attrs}>{_e(text)}</td>"


def _ranking(report: Report, ruleset: Ruleset) -> str:
    has_group = any(u.group for u in report.units)
    has_tier = any(u.tier for u in report.units)
    extra = [name for name, _ in report.units[0].columns] if report.units else []
    headers = [*(["组别"] if has_group else []), "名次", "单位", "得分", "奖金（元）", *extra, "记录数"]
    numeric = [*([False] if has_group else []), True, False, True, True, *([True] * len(extra)), True]
    if has_tier:
        headers.append("等次")
        numeric.append(False)
    tiers = ruleset.program.tiers
    tier_hover = f"{_cite(tiers.clause)}\n" + "\n".join(tiers.notes) if tiers is not None else None
    rows = []
    for unit in report.units:
        cells = [
            *([_td(unit.group or "")] if has_group else []),
            _td("—" if unit.rank is None else str(unit.rank), True),
            f'<td class="unit">{_e(unit.unit)}</td>',
            _td(_num(unit.points), True),
            _td(_num(unit.yuan), True),
            *(_td(format_value(value, missing="—"), True) for _, value in unit.columns),
            _td(str(unit.records), True),
        ]
        if has_tier:
            cells.append(_td(unit.tier or "", title=tier_hover))
        negative = ' class="negative"' if unit.points < 0 else ""
        rows.append(f'<tr data-unit="{_e(unit.unit)}"{negative}>{"".join(cells)}</tr>')
    if not rows:
        return '<p class="empty">没有单位得分。</p>'
    return _table(headers, rows, "ranking", numeric)


def _adjustments(report: Report, notes: _Footnotes) -> str:
    rows = []
    for unit in report.units:
        for line in unit.adjustments:
            ref = notes.rule(None, line.rule, line.source, line.notes)
            rows.append(
                f"<tr>{_td(unit.unit)}<td>{_e(line.rule)}{ref}</td>"
                f"{_td(_num(line.points), True)}{_td(_num(line.yuan), True)}</tr>"
            )
    if not rows:
        return ""
    table = _table(["单位", "规则", "得分", "奖金（元）"], rows, "adjustments", [False, False, True, True])
    return _section("adjustments", "单位加减分", f'<p class="hint">不来自单条记录、按单位计算的分值。</p>{table}')


def _awards(report: Report, ruleset: Ruleset, notes: _Footnotes) -> str:
    if not report.awards:
        return ""
    declared = {a.label: a for a in ruleset.program.awards}
    rows = []
    for award in report.awards:
        spec = declared.get(award.award)
        ref = notes.ref("奖项", award.award, award.source, spec.notes if spec else ())
        rows.append(
            f'<tr data-award="{_e(award.award)}"><td>{_e(award.award)}{ref}</td>{_td(str(award.rank), True)}'
            f'<td class="unit">{_e(award.winner)}</td>{_td(_num(award.yuan), True)}'
            f"{_td(format_value(award.measure, missing='—'), True)}</tr>"
        )
    table = _table(["奖项", "名次", "获奖者", "奖金（元）", "计量"], rows, "awards", [False, True, False, True, True])
    return _section("awards", "奖项", table)


def _tiers(report: Report, ruleset: Ruleset, notes: _Footnotes) -> str:
    spec = ruleset.program.tiers
    if spec is None or not any(u.tier for u in report.units):
        return ""
    labels = [name for name, _ in spec.tiers]
    shares = dict(spec.tiers)
    if spec.exempt_label:
        labels.append(spec.exempt_label)
    labels += sorted({u.tier for u in report.units if u.tier and u.tier not in labels})
    groups: dict[str, dict[str, int]] = {}
    for unit in report.units:
        counts = groups.setdefault(unit.group or "", {})
        if unit.tier:
            counts[unit.tier] = counts.get(unit.tier, 0) + 1
    headers = ["组别"]
    for label in labels:
        share = shares.get(label)
        headers.append(f"{label}（{_num(share)}%）" if share is not None else label)
    headers.append("合计")
    rows = []
    for group, counts in groups.items():
        cells = "".join(_td(str(counts.get(label, 0)), True) for label in labels)
        rows.append(f'<tr data-group="{_e(group)}">{_td(group)}{cells}{_td(str(sum(counts.values())), True)}</tr>')
    ref = notes.ref("等次", "等次划分", spec.clause, spec.notes)
    lead = f'<p class="hint">各组按名次划分等次{ref}；每个单位的等次见排名表。</p>'
    table = _table(headers, rows, "tiers", [False, *([True] * (len(labels) + 1))])
    return _section("tiers", "等次", lead + table)


def _reminders(report: Report) -> str:
    if report.reminders is None:
        return ""
    if not report.reminders:
        return _section("reminders", "提醒", '<p class="empty">没有需要提醒的事项。</p>')
    # Columns no reminder fills are left out: the reason gets the width.
    has_due = any(r.due_on for r in report.reminders)
    has_record = any(r.record for r in report.reminders)
    rows = []
    for reminder in report.reminders:
        due = _td(reminder.due_on.isoformat() if reminder.due_on else "—", nowrap=True) if has_due else ""
        record = _td(reminder.record or "", nowrap=True) if has_record else ""
        rows.append(
            f'<tr data-unit="{_e(reminder.unit)}"><td class="unit">{_e(reminder.unit)}</td>{due}'
            f"{_td(format_value(reminder.shortfall, missing='—'), True)}{_td(reminder.reason)}"
            f"{_td(_cite(reminder.source) if reminder.source else '', nowrap=True)}{record}</tr>"
        )
    headers = ["单位", *(["截止日期"] if has_due else []), "差额", "事由", "依据", *(["记录"] if has_record else [])]
    numeric = [h == "差额" for h in headers]
    return _section("reminders", f"提醒（{len(report.reminders)}）", _table(headers, rows, "reminders", numeric))


def _warnings(report: Report) -> str:
    if not report.warnings:
        return _section("warnings", "提示", '<p class="empty">没有提示。</p>')
    rows = []
    for warning in report.warnings:
        who = warning.record or warning.unit or "—"
        hover = "\n".join(warning.notes) or None
        rows.append(
            f'<tr data-record="{_e(warning.record or "")}">{_td(who)}{_td(warning.message)}'
            f"{_td(_cite(warning.source) if warning.source else '', title=hover, nowrap=True)}</tr>"
        )
    lead = '<p class="hint">提示不改变任何分值。</p>'
    table = _table(["记录或单位", "内容", "依据"], rows, "warnings", [False, False, False])
    return _section("warnings", f"提示（{len(report.warnings)}）", lead + table)


def _rejected(report: Report) -> str:
    if not report.rejected:
        return ""
    rows = [
        f"<tr>{_td(str(r.line), True)}{_td(r.record or '?')}{_td(r.field)}{_td(r.message)}</tr>"
        for r in report.rejected
    ]
    table = _table(["行", "记录", "字段", "问题"], rows, "rejected", [True, False, False, False])
    lead = '<p class="hint">以下记录有误，未计分。</p>'
    return _section("rejected", f"退回的记录（{report.rejected_count}）", lead + table)


def _gates(ruleset: Ruleset) -> dict[tuple[str, str], ir.Gate]:
    return {(s.record, g.text): g for s in ruleset.program.scores for g in s.gates}


def _record_rows(
    result: RecordResult,
    report: Report,
    gates: dict[tuple[str, str], ir.Gate],
    notes: _Footnotes,
    yuan: bool,
) -> str:
    """One record as a ``<tbody>``: a header row (id, type, what it credited), then one
    row per rule that paid, was beaten in a ``highest`` group, or stopped the record."""
    columns = 5 if yuan else 4
    credited = "；".join(
        f"{c.unit} {_num(c.points)} 分" + (f"，{_num(c.yuan)} 元" if yuan else "") for c in result.credits
    )
    head = (
        f'<tr class="record-head"><th colspan="{columns}" scope="rowgroup">'
        f'<span class="rid">{_e(result.id)}</span><span class="rtype">{_e(result.type)}</span>'
        f'<span class="credited">{_e(credited or "未计分")}</span></th></tr>'
    )
    rows = [head]

    def row(cls: str, unit: str, rule: str, points: str = "", paid: str = "", note: str = "") -> None:
        money = f'<td class="num">{_e(paid)}</td>' if yuan else ""
        rows.append(
            f'<tr class="{cls}"><td class="unit">{_e(unit)}</td><td>{rule}</td>'
            f'<td class="num">{_e(points)}</td>{money}<td>{note}</td></tr>'
        )

    if not result.counted:
        row("status", "", _e(f"未计入：日期晚于截止日期 {report.as_of.isoformat()}"))
    if result.stopped_by is not None:
        gate = gates.get((result.type, result.stopped_by))
        ref = notes.ref("门槛", result.stopped_by, result.stopped_source, gate.notes if gate else ())
        row("status", "", f"未通过门槛：<code>{_e(result.stopped_by)}</code>{ref}", note="其后各项不计分")
    if result.trace is None:
        row("status", "", "（评分时未记录计分过程）")
    previous = None
    for line in result.trace or ():
        # The unit is written where it changes: a record credits one unit, or a few.
        row(
            "paid",
            line.unit if line.unit != previous else "",
            _trace_rule(result.type, line, notes),
            _num(line.points),
            _num(line.yuan),
        )
        previous = line.unit
    for drop in result.dropped or ():
        item = f"（第{drop.item + 1}项）" if drop.item is not None else ""
        ref = notes.rule(result.type, drop.rule, drop.source, ())
        beaten = f"未计：同组取最高，已计 {_e(drop.beaten_by)}"
        row("dropped", "", f"{_e(drop.rule)}{_e(item)}{ref}", _num(drop.points), _num(drop.yuan), beaten)
    if result.counted and result.stopped_by is None and result.trace == ():
        row("status", "", "没有适用的规则")
    return f'<tbody class="record" data-record="{_e(result.id)}">' + "".join(rows) + "</tbody>"


def _trace_rule(record_type: str, line: TraceLine, notes: _Footnotes) -> str:
    item = f"（第{line.item + 1}项）" if line.item is not None else ""
    factor = f" ×{_num(line.factor)}" if line.factor is not None and line.factor != 1 else ""
    return f"{_e(line.rule)}{_e(item)}{_e(factor)}{notes.rule(record_type, line.rule, line.source, line.notes)}"


def _records(report: Report, ruleset: Ruleset, notes: _Footnotes) -> str:
    if not report.records:
        return _section("records", "逐条明细", '<p class="empty">本报告未列出逐条记录。</p>')
    gates = _gates(ruleset)
    # A yuan column only where some rule pays yuan: most rulesets pay points alone.
    yuan = any(t.yuan != 0 for r in report.records for t in r.trace or ()) or any(
        d.yuan != 0 for r in report.records for d in r.dropped or ()
    )
    bodies = [_record_rows(r, report, gates, notes, yuan) for r in report.records]
    widths = ("26%", "38%", "9%", "9%", "18%") if yuan else ("28%", "42%", "10%", "20%")
    cols = "".join(f'<col style="width: {w}">' for w in widths)
    money = '<th class="num">奖金（元）</th>' if yuan else ""
    head = (
        f"<colgroup>{cols}</colgroup><thead><tr><th>单位</th><th>规则（方括号内为条款脚注）</th>"
        f'<th class="num">得分</th>{money}<th>说明</th></tr></thead>'
    )
    table = f'<table class="trace">{head}\n' + "\n".join(bodies) + "\n</table>"
    summary = f"{len(report.records)} 条记录的计分过程（点击收起或展开）"
    # Open by default so that it prints: a closed <details> hides its content on paper.
    return _section("records", "逐条明细", f"<details open><summary>{_e(summary)}</summary>{table}</details>")


def _section(ident: str, title: str, body: str) -> str:
    return f'<section id="{ident}"><h2>{_e(title)}</h2>\n{body}\n</section>'


def _header(report: Report, ruleset: Ruleset, generated: str | None) -> str:
    program = ruleset.program
    title = report.title or program.title or report.ruleset
    counted = (
        report.counted_records if report.counted_records is not None else sum(1 for r in report.records if r.counted)
    )
    facts = [
        ("规则集", f"{report.ruleset} {report.version or ''}".strip()),
        ("依据文件", program.source or "—"),
        ("考核期间", report.period or "全部记录"),
        ("截止日期", report.as_of.isoformat()),
        ("计分记录", f"{counted} 条"),
        ("退回记录", f"{report.rejected_count} 条"),
    ]
    if report.late_records:
        facts.append(("晚于截止日期", f"{report.late_records} 条（列出，不计分）"))
    if report.outside_records:
        facts.append(("期间外", f"{report.outside_records} 条（未计）"))
    when = f"，生成时间 {generated}" if generated else ""
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    return (
        f'<header><h1>{_e(title)}</h1><p class="subtitle">评分报告</p><dl class="facts">{dl}</dl>'
        f'<p class="generated">本报告由 govinfo-rules 按规则集 {_e(report.ruleset)} '
        f"{_e(report.version or '')} 生成{_e(when)}。分值均为精确小数，与 JSON 输出一致；"
        "鼠标停在条款编号上可看条款与说明，全部条款见文末“条款依据”。</p></header>"
    )


_NAV = (
    ("ranking", "排名"),
    ("chart", "得分图"),
    ("adjustments", "单位加减分"),
    ("awards", "奖项"),
    ("tiers", "等次"),
    ("reminders", "提醒"),
    ("warnings", "提示"),
    ("rejected", "退回"),
    ("records", "逐条明细"),
    ("clauses", "条款依据"),
)

_CSS = """
:root { --bar: @BAR@; --neg: @NEG@; --ink: #1a202c; --muted: #4a5568; --rule: #cbd5e0; --head: #edf2f7; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 28px 48px; color: var(--ink); background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
  font-size: 14px; line-height: 1.5; }
h1 { font-size: 24px; margin: 0 0 2px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--bar); }
.subtitle { margin: 0 0 12px; color: var(--muted); font-size: 16px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 10px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.generated, .hint, .empty { color: var(--muted); font-size: 13px; margin: 4px 0 8px; }
nav { margin: 12px 0 0; font-size: 13px; }
nav a { margin-right: 12px; color: var(--bar); }
table { border-collapse: collapse; min-width: 60%; margin: 4px 0 8px; }
th, td { border: 1px solid var(--rule); padding: 3px 8px; text-align: left; vertical-align: top; }
th, td.nowrap { white-space: nowrap; }
table.trace th { white-space: normal; }
thead th { background: var(--head); font-weight: 600; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.ranking tbody tr:nth-child(even), table.reminders tbody tr:nth-child(even) { background: #f7fafc; }
tr.negative td { color: var(--neg); }
td.unit { overflow-wrap: anywhere; }
.fnref { font-size: 11px; margin-left: 1px; line-height: 0; vertical-align: super; }
.fnref a { color: var(--bar); text-decoration: none; }
figure.chart { margin: 8px 0 16px; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { display: block; width: 100%; height: auto; max-width: 900px; }
figcaption { color: var(--muted); font-size: 12px; text-align: center; }
svg.bars text { font-family: inherit; font-size: 14px; fill: var(--ink); }
svg.bars text.tick { font-size: 11px; fill: var(--muted); }
svg.bars text.value { font-size: 13px; }
svg.bars .bar { fill: var(--bar); }
svg.bars .bar.neg { fill: var(--neg); }
svg.bars line.grid { stroke: #e2e8f0; stroke-width: 1; }
svg.bars line.axis { stroke: var(--ink); stroke-width: 1.2; }
table.trace { font-size: 13px; table-layout: fixed; width: 100%; }
table.trace tbody.record { border-top: 2px solid var(--rule); }
tr.record-head th, tr.record-head td { background: #f7fafc; }
tr.record-head .rtype { color: var(--muted); font-weight: normal; margin-left: 10px; }
tr.record-head .credited { float: right; font-weight: normal; }
tr.dropped td { color: var(--muted); text-decoration-color: var(--muted); }
tr.status td { color: var(--neg); }
details > summary { cursor: pointer; color: var(--muted); margin-bottom: 4px; }
ol.footnotes { padding-left: 2.4em; font-size: 13px; }
ol.footnotes li { margin-bottom: 6px; break-inside: avoid; }
ol.footnotes .kind { color: var(--muted); }
ol.footnotes .rule { font-weight: 600; }
ol.footnotes .note { margin: 2px 0 0; color: var(--muted); }
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav, details > summary { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, li, tbody.record { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; }
  figure.chart svg { max-width: 100%; }
  table.trace { font-size: 9pt; }
  table.trace td, table.trace th { padding: 1px 6px; }
  #records { break-before: page; }
}
"""


def render_html(report: Report, ruleset: Ruleset, *, generated: str | None = None) -> str:
    """The report as one self-contained HTML page (title, ranking, bar chart, awards,
    tiers, reminders, warnings, rejected records, every record's trace and the clause
    of every rule that paid), printable on A4.

    ``report`` should come from ``evaluate(..., trace=True)``; without traces the
    per-record section says so.  ``generated`` is printed as the time the report was
    made (nothing is read from the clock, so the same input gives the same bytes).
    """
    notes = _Footnotes(ruleset.program)
    title = report.title or ruleset.title or report.ruleset
    sections = [
        _section("ranking", "排名", _ranking(report, ruleset)),
        _section("chart", "得分图", _charts(report)),
        _adjustments(report, notes),
        _awards(report, ruleset, notes),
        _tiers(report, ruleset, notes),
        _reminders(report),
        _warnings(report),
        _rejected(report),
        _records(report, ruleset, notes),
    ]
    sections.append(_section("clauses", "条款依据", notes.render()))
    present = [s for s in sections if s]
    ids = {ident for ident, _ in _NAV if any(s.startswith(f'<section id="{ident}">') for s in present)}
    nav = "".join(f'<a href="#{ident}">{name}</a>' for ident, name in _NAV if ident in ids)
    css = _CSS.replace("@BAR@", BAR_COLOUR).replace("@NEG@", NEGATIVE_COLOUR)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="govinfo-rules">\n'
        f"<title>{_e(title)} — 评分报告</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f"{_header(report, ruleset, generated)}\n<nav>{nav}</nav>\n" + "\n".join(present) + "\n</body>\n</html>\n"
    )
