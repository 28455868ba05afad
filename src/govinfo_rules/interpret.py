"""Typed IR to values by walking the tree (the reference interpreter).

In: an IR expression and an environment, or a checked ``score`` block with one
validated record's values and the evaluation context.  Out: the expression's value
(:func:`evaluate_expr`), or what the block gives the record (:func:`interpret_score`):
points, yuan, the gate that stopped it, the trace lines, and the credited units,
warnings and reminders.

This is the second evaluator of the language, kept for clarity rather than speed.
Every IR node has one branch of plain recursive code that says what the node means —
no closures, no caching, nothing decided ahead of time — so that the semantics of
docs/language.md can be read off it in one sitting.  Scoring never uses it: the fast
evaluators (the closures of :mod:`.compile` with a trace, the fast path without one,
:meth:`.Ruleset.scorer`) must agree with it exactly, which
tests/test_reference_interpreter.py checks on every bundled example, every test case
and generated records; where they do not yet, a strict xfail there says so.  It is
written apart from :mod:`.compile` on purpose and shares with it only
:class:`~.compile.EvaluationError` and the environment layout.

The environment is a tuple of scopes, innermost first, followed by the context:
``(scope, ..., scope, (as_of, period))``.  A scope is a struct value (a tuple);
``Field(depth, index)`` reads ``env[depth][index]``; ``as_of`` and ``period`` are read
from the last element.  A ``score`` block runs in ``(record values + lets, ctx)``; an
``over`` item or a ``where`` item is pushed in front.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from . import ir
from .compile import EvaluationError
from .text import format_value
from .types import DATE, NAME, ListT, name_key

Env = tuple[Any, ...]
TraceLine = tuple[str, Decimal, Decimal, int | None]  # rule name, points, yuan, item index

ZERO = Decimal(0)


@attrs.frozen
class Interpreted:
    """What a ``score`` block gives one record, before it is credited to units."""

    points: Decimal
    yuan: Decimal
    stopped_by: int | None  # index in ``score.gates`` of the first gate that did not hold
    lines: tuple[TraceLine, ...]  # in the order they were paid, pseudo lines included
    targets: tuple[Any, ...] = ()  # the units credited, as the record names them
    warnings: tuple[str, ...] = ()  # the texts of the warnings raised
    reminders: tuple[tuple[str, Any, Any], ...] = ()  # (text, due, shortfall)


# --- expressions -----------------------------------------------------------------


def evaluate_expr(node: ir.Expr, env: Env) -> Any:
    """The value of ``node`` in ``env``; ``None`` is unknown (three-valued logic)."""
    if isinstance(node, ir.Const):
        return node.value
    if isinstance(node, ir.Field):
        return env[node.depth][node.index]
    if isinstance(node, ir.Context):
        return env[-1][node.index]
    if isinstance(node, ir.GetAttr):
        obj = evaluate_expr(node.obj, env)
        return None if obj is None else obj[node.index]
    if isinstance(node, ir.Neg):
        value = evaluate_expr(node.expr, env)
        return None if value is None else -value
    if isinstance(node, ir.Not):
        value = evaluate_expr(node.expr, env)
        return None if value is None else not value
    if isinstance(node, ir.Arith):
        return _arith(node, evaluate_expr(node.left, env), evaluate_expr(node.right, env))
    if isinstance(node, ir.Cmp):
        return _compare(node, evaluate_expr(node.left, env), evaluate_expr(node.right, env))
    if isinstance(node, ir.Logic):
        return _logic(node, env)
    if isinstance(node, ir.IsNull):
        return (evaluate_expr(node.expr, env) is None) != node.negated
    if isinstance(node, ir.InSet):
        value = evaluate_expr(node.expr, env)
        if value is None:
            return None
        if node.expr.type == NAME:  # the options are constants of the subject's type
            found = any(name_key(value) == name_key(option) for option in node.values)
        else:
            found = any(value == option for option in node.values)
        return found != node.negated
    if isinstance(node, ir.Member):
        return _member(node, env)
    if isinstance(node, ir.If):
        # Only the branch chosen is computed; an unknown condition takes `else`.
        if evaluate_expr(node.cond, env) is True:
            return evaluate_expr(node.then, env)
        return evaluate_expr(node.otherwise, env)
    if isinstance(node, ir.Lookup):
        key = evaluate_expr(node.key, env)
        if key is None:
            return None
        return node.table.rows.get(_table_key(node.table, key), node.table.default)
    if isinstance(node, ir.InTable):
        key = evaluate_expr(node.expr, env)
        if key is None:
            return None
        return (_table_key(node.table, key) in node.table.rows) != node.negated
    if isinstance(node, ir.Aggregate):
        return _aggregate(node, env)
    if isinstance(node, ir.Extreme):
        values = [evaluate_expr(arg, env) for arg in node.args]
        if any(v is None for v in values):
            return None
        best = values[0]
        for value in values[1:]:  # the first of equal values is kept
            if (value > best) if node.func == "max" else (value < best):
                best = value
        return best
    raise AssertionError(f"unhandled IR node {node!r}")  # pragma: no cover


def _arith(node: ir.Arith, left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    if node.left.type == DATE and node.right.type == DATE:
        return (left - right).days  # date - date: days between them
    if node.left.type == DATE:  # date ± integer: a date that many days later or earlier
        days = dt.timedelta(days=right)
        return left + days if node.op == "+" else left - days
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        raise EvaluationError("division by zero")
    return Decimal(left) / Decimal(right)  # `/` is exact decimal division, even of integers


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _compare(node: ir.Cmp, left: Any, right: Any) -> bool | None:
    if left is None or right is None:
        return None
    if node.by_name:  # a name on either side: the same name after NFKC, without white space
        left, right = name_key(left), name_key(right)
    return _COMPARE[node.op](left, right)


def _logic(node: ir.Logic, env: Env) -> bool | None:
    """Kleene: ``false and x`` is false, ``true or x`` is true, without computing ``x``."""
    left: bool | None = evaluate_expr(node.left, env)
    if node.op == "and":
        if left is False:
            return False
        right: bool | None = evaluate_expr(node.right, env)
        if right is False:
            return False
        return None if left is None or right is None else True
    if left is True:
        return True
    right = evaluate_expr(node.right, env)
    if right is True:
        return True
    return None if left is None or right is None else False


def _member(node: ir.Member, env: Env) -> bool | None:
    value = evaluate_expr(node.expr, env)
    if value is None:
        return None
    items = evaluate_expr(node.items, env)
    if items is None:  # a list inside a missing optional struct
        return None
    item_type = node.items.type.item if isinstance(node.items.type, ListT) else None
    if NAME in (node.expr.type, item_type):  # names compare as `==` compares them
        found = any(name_key(value) == name_key(item) for item in items)
    else:
        found = any(value == item for item in items)
    return found != node.negated


def _table_key(table: ir.Table, key: Any) -> Any:
    return name_key(key) if table.by_name else key


def _aggregate(node: ir.Aggregate, env: Env) -> Any:
    items = evaluate_expr(node.items, env)
    if items is None:  # a list inside a missing optional struct: anything computed from it is unknown
        return None
    if node.func == "sum":
        total = ZERO
        for item in items:
            total += item
        return total
    if node.where is None:
        assert node.func == "count"
        return len(items)
    where = node.where
    # The item is the innermost scope; a plain value is wrapped as the scope (it,).
    if node.func == "count":
        return sum(1 for item in items if _holds_for(where, item, node.wrap, env))
    # any() and all() stop at the first item that decides them, as the language does.
    if node.func == "any":
        return any(_holds_for(where, item, node.wrap, env) for item in items)
    assert node.func == "all"
    return all(_holds_for(where, item, node.wrap, env) for item in items)


def _holds_for(cond: ir.Expr, item: Any, wrap: bool, env: Env) -> bool:
    scope = (item,) if wrap else item
    return evaluate_expr(cond, (scope, *env)) is True


def _amount(node: ir.Expr, env: Env) -> Decimal:
    """An amount (points, yuan, a scale factor): an unknown one counts as zero."""
    value = evaluate_expr(node, env)
    return ZERO if value is None else Decimal(value)


def _message(pieces: tuple[str | ir.Expr, ...], env: Env) -> str:
    return "".join(p if isinstance(p, str) else format_value(evaluate_expr(p, env)) for p in pieces)


# --- a score block -------------------------------------------------------------------


def _within(value: Decimal, floor: Decimal | None, cap: Decimal | None) -> Decimal:
    if floor is not None and value < floor:
        return floor
    if cap is not None and value > cap:
        return cap
    return value


def _run_group(group: ir.Group, env: Env) -> tuple[Decimal, Decimal, list[TraceLine]]:
    """What one group pays (points, yuan) and its trace lines, budget and bound lines included."""
    # Every (item, rule) pair that holds, in item order, then rule order.
    if group.over is None:
        scopes: list[tuple[int | None, Env]] = [(None, env)]
    else:
        scopes = [(index, (item, *env)) for index, item in enumerate(evaluate_expr(group.over, env))]
    lines: list[TraceLine] = []
    for index, inner in scopes:
        for rule in group.rules:
            if evaluate_expr(rule.cond, inner) is True:
                lines.append((rule.name, _amount(rule.points, inner), _amount(rule.yuan, inner), index))
    # The factor multiplies what is paid; it is computed (in the record's scope) only
    # when something is paid.
    if group.scale is not None and lines:
        factor = _amount(group.scale, env)
        lines = [(name, points * factor, yuan * factor, index) for name, points, yuan, index in lines]
    if group.combine == "highest" and lines:
        best = lines[0]
        for line in lines[1:]:  # strictly larger (points, then yuan): the first wins a tie
            if (line[1], line[2]) > (best[1], best[2]):
                best = line
        lines = [best]
    # The budget, then the rules' amounts, kept within [floor, cap]: what the group pays.
    if group.start is not None:
        lines.insert(0, (f"{group.name}.满分", group.start, ZERO, None))
    paid = sum((line[1] for line in lines), ZERO)
    yuan = sum((line[2] for line in lines), ZERO)
    kept = _within(paid, group.floor, group.cap)
    # A bound that applied shows as one more line, so that the trace adds up to `kept`.
    if kept > paid:
        lines.append((f"{group.name}.扣完为止", kept - paid, ZERO, None))
    elif kept < paid:
        lines.append((f"{group.name}.封顶", kept - paid, ZERO, None))
    return kept, yuan, lines


def interpret_score(score: ir.Score, values: tuple[Any, ...], ctx: Any) -> Interpreted:
    """Run a ``score`` block on one record's values with ``ctx = (as_of, period)``.

    The lets are computed first, in order, each seeing the ones before it; then the
    gates and groups in the order written — a gate that does not hold stops every
    step after it, groups before it still pay; then the ``total`` bound; then the
    credited units, warnings and reminders, whatever the gates decided.
    """
    scope = values
    for let in score.lets:
        scope = (*scope, evaluate_expr(let, (scope, ctx)))
    env: Env = (scope, ctx)

    points = yuan = ZERO
    lines: list[TraceLine] = []
    stopped_by: int | None = None
    gate_index = 0
    for step in score.steps:
        if isinstance(step, ir.Gate):
            if evaluate_expr(step.cond, env) is not True:
                stopped_by = gate_index
                break
            gate_index += 1
        else:
            group_points, group_yuan, group_lines = _run_group(step, env)
            points += group_points
            yuan += group_yuan
            lines.extend(group_lines)

    total = score.total
    if total is not None:  # points only; yuan are never bounded
        kept = _within(points, total.floor, total.cap)
        if kept != points:
            lines.append(("total.限定", kept - points, ZERO, None))
            points = kept

    targets = evaluate_expr(score.targets, env)
    warnings = tuple(_message(w.pieces, env) for w in score.warns if evaluate_expr(w.cond, env) is True)
    reminders = tuple(
        (
            _message(r.pieces, env),
            evaluate_expr(r.due, env) if r.due is not None else None,
            evaluate_expr(r.shortfall, env) if r.shortfall is not None else None,
        )
        for r in score.reminds
        if evaluate_expr(r.cond, env) is True
    )
    return Interpreted(
        points=points,
        yuan=yuan,
        stopped_by=stopped_by,
        lines=tuple(lines),
        targets=targets if isinstance(targets, tuple) else (targets,),
        warnings=warnings,
        reminders=reminders,
    )
