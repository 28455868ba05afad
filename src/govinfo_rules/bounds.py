"""Interval bounds of amounts, to prove declared full marks (`max`) statically.

Entry points: :func:`group_range` and :func:`total_range`.  Every amount expression is
given an interval from the constants, the declared ``min``/``max`` of the fields it
reads and the values of the tables it looks up; ``None`` marks an unbounded side.
A rule may or may not fire, so it contributes between min(0, low) and max(0, high).
The bounds are sound but not tight: a ruleset the checker cannot prove is rejected
with the bound it found, and the author can add the field bounds that prove it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from . import ir

Bound = Decimal | None
Interval = tuple[Bound, Bound]
ZERO = Decimal(0)
UNKNOWN: Interval = (None, None)


def _add(a: Bound, b: Bound) -> Bound:
    return None if a is None or b is None else a + b


def _neg(i: Interval) -> Interval:
    lo, hi = i
    return (None if hi is None else -hi, None if lo is None else -lo)


def _mul(a: Interval, b: Interval) -> Interval:
    corners = [x * y for x in a for y in b if x is not None and y is not None]
    if len(corners) < 4:
        # an unbounded side: bounded only when the other factor is exactly zero
        if a == (ZERO, ZERO) or b == (ZERO, ZERO):
            return (ZERO, ZERO)
        signs_a = _sign(a)
        signs_b = _sign(b)
        if signs_a and signs_b:
            lo_neg = (signs_a == "+" and signs_b == "-") or (signs_a == "-" and signs_b == "+")
            return (None, ZERO) if lo_neg else (ZERO, None)
        return UNKNOWN
    return (min(corners), max(corners))


def _sign(i: Interval) -> str | None:
    lo, hi = i
    if lo is not None and lo >= 0:
        return "+"
    if hi is not None and hi <= 0:
        return "-"
    return None


def _union(parts: Iterable[Interval]) -> Interval:
    items = list(parts)
    lo = None if any(p[0] is None for p in items) else min(p[0] for p in items if p[0] is not None)
    hi = None if any(p[1] is None for p in items) else max(p[1] for p in items if p[1] is not None)
    return (lo, hi)


def expr_range(node: ir.Expr) -> Interval:
    """The interval an amount expression can take (unknown values count as zero)."""
    if isinstance(node, ir.Const):
        if isinstance(node.value, int | Decimal) and not isinstance(node.value, bool):
            value = Decimal(node.value)
            return (value, value)
        return (ZERO, ZERO)
    if isinstance(node, ir.Field | ir.GetAttr):
        return (node.lo, node.hi)
    if isinstance(node, ir.Neg):
        return _neg(expr_range(node.expr))
    if isinstance(node, ir.Arith):
        left, right = expr_range(node.left), expr_range(node.right)
        if node.op == "+":
            return (_add(left[0], right[0]), _add(left[1], right[1]))
        if node.op == "-":
            negated = _neg(right)
            return (_add(left[0], negated[0]), _add(left[1], negated[1]))
        if node.op == "*":
            return _mul(left, right)
        return UNKNOWN
    if isinstance(node, ir.If):
        return _union([expr_range(node.then), expr_range(node.otherwise)])
    if isinstance(node, ir.Lookup):
        values = [v for v in node.table.rows.values() if isinstance(v, int | Decimal) and not isinstance(v, bool)]
        if node.table.default is not None:
            values.append(node.table.default)
        else:
            values.append(ZERO)  # a missing key gives nothing: the amount counts zero
        return (Decimal(min(values)), Decimal(max(values))) if values else UNKNOWN
    if isinstance(node, ir.Aggregate) and node.func == "count":
        return (ZERO, None)
    if isinstance(node, ir.Extreme):
        parts = [expr_range(a) for a in node.args]
        if node.func == "max":
            lo = None if all(p[0] is None for p in parts) else max(p[0] for p in parts if p[0] is not None)
            hi = None if any(p[1] is None for p in parts) else max(p[1] for p in parts if p[1] is not None)
        else:
            lo = None if any(p[0] is None for p in parts) else min(p[0] for p in parts if p[0] is not None)
            hi = None if all(p[1] is None for p in parts) else min(p[1] for p in parts if p[1] is not None)
        return (lo, hi)
    return UNKNOWN


def _clamp(i: Interval, floor: Bound, cap: Bound) -> Interval:
    lo, hi = i
    if floor is not None:
        lo = floor if lo is None else max(lo, floor)
        hi = hi if hi is None else max(hi, floor)
    if cap is not None:
        hi = cap if hi is None else min(hi, cap)
        lo = lo if lo is None else min(lo, cap)
    return (lo, hi)


def group_range(group: ir.Group) -> Interval:
    """What a group can pay one record (one credited unit)."""
    rules = [expr_range(rule.points) for rule in group.rules]
    contributions = [(None if lo is None else min(lo, ZERO), None if hi is None else max(hi, ZERO)) for lo, hi in rules]
    if group.combine == "highest":
        total: Interval = _union(contributions) if contributions else (ZERO, ZERO)
    elif group.over is not None:
        # every item of the list may pay: a sum over an unbounded list is unbounded
        total = (
            ZERO if all(c[0] == 0 for c in contributions) else None,
            ZERO if all(c[1] == 0 for c in contributions) else None,
        )
    else:
        total = (ZERO, ZERO)
        for lo, hi in contributions:
            total = (_add(total[0], lo), _add(total[1], hi))
    if group.scale is not None:
        total = _mul(total, expr_range(group.scale))
    start = group.start or ZERO
    total = (_add(total[0], start), _add(total[1], start))
    return _clamp(total, group.floor, group.cap)


def total_range(score: ir.Score) -> Interval:
    """What a record can earn in all, after the `total` bounds."""
    total: Interval = (ZERO, ZERO)
    for group in score.groups:
        lo, hi = group_range(group)
        total = (_add(total[0], lo), _add(total[1], hi))
    if score.total is not None:
        total = _clamp(total, score.total.floor, score.total.cap)
    return total
