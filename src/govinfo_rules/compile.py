"""Typed IR to Python closures (stage 4): the fast evaluator.

Entry points: :func:`compile_expr` and :class:`CompiledScore`.  Every IR node becomes
one closure chosen when the ruleset is loaded; nothing is looked up by name while
records are scored, and no user text is ever turned into code.

Logic is three-valued (Kleene): a missing optional value is unknown (``None``); a
comparison with an unknown value is unknown, ``false and unknown`` is false, and a
condition that ends unknown does not hold.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from . import ir
from .errors import GovinfoRulesError
from .text import format_value
from .types import BOOL, DATE, DECIMAL, NAME, ListT, name_key

Env = tuple[Any, ...]
Fn = Callable[[Env], Any]

ZERO = Decimal(0)


class EvaluationError(GovinfoRulesError):
    """A rule could not be computed for a record (for example a division by zero)."""


def _field(depth: int, index: int) -> Fn:
    if depth == 0:
        return lambda env: env[0][index]
    return lambda env: env[depth][index]


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _cmp(op: str, left: Fn, right: Fn, by_name: bool) -> Fn:
    if by_name:
        inner_left, inner_right = left, right

        def left(env: Env) -> Any:
            v = inner_left(env)
            return None if v is None else name_key(v)

        def right(env: Env) -> Any:
            v = inner_right(env)
            return None if v is None else name_key(v)

    compare = _COMPARE[op]

    def cmp(env: Env) -> bool | None:
        a, b = left(env), right(env)
        return None if a is None or b is None else compare(a, b)

    return cmp


def arithmetic(op: str, date_left: bool, date_right: bool) -> Callable[[Any, Any], Any]:
    """``a OP b`` as the language defines it: unknown if either is; date − date in days,
    date ± integer days; a division by zero, or a date outside the calendar, is an
    :class:`EvaluationError`.  Shared with the generated fast path (:mod:`.codegen`).

    Decimals are computed in the caller's decimal context (the default one unless the
    host changed it): the limits on numbers and on products (:mod:`.limits`) keep every
    result within it, and switching context per record would cost more than the
    operation itself."""
    if date_left and not date_right:
        return _date_shift(op)

    def run(a: Any, b: Any) -> Any:
        if a is None or b is None:
            return None
        if date_left and date_right:
            return (a - b).days
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            raise EvaluationError("division by zero")
        try:
            return Decimal(a) / Decimal(b)
        except ArithmeticError as err:  # only in a host's stricter context (an Inexact trap)
            raise EvaluationError(f"cannot divide {a} by {b}: {type(err).__name__}") from None

    return run


def _date_shift(op: str) -> Callable[[Any, Any], Any]:
    def run(day: Any, days: Any) -> Any:
        if day is None or days is None:
            return None
        try:
            delta = dt.timedelta(days=days)
            return day + delta if op == "+" else day - delta
        except OverflowError:  # past year 9999, or a count of days too large for a timedelta
            sign = "+" if op == "+" else "-"
            raise EvaluationError(f"{day.isoformat()} {sign} {days} days is outside the calendar") from None

    return run


def _arith(node: ir.Arith, left: Fn, right: Fn) -> Fn:
    compute = arithmetic(node.op, node.left.type == DATE, node.right.type == DATE)
    return lambda env: compute(left(env), right(env))


def _logic(op: str, left: Fn, right: Fn) -> Fn:
    if op == "and":

        def and_(env: Env) -> bool | None:
            a = left(env)
            if a is False:
                return False
            b = right(env)
            if b is False:
                return False
            return None if a is None or b is None else True

        return and_

    def or_(env: Env) -> bool | None:
        a = left(env)
        if a is True:
            return True
        b = right(env)
        if b is True:
            return True
        return None if a is None or b is None else False

    return or_


def _aggregate(func: str, items: Fn, where: Fn | None, wrap: bool) -> Fn:
    inner_items = items

    def guarded(env: Env) -> Any:
        # A list inside a missing optional struct is unknown, and so is its count.
        found = inner_items(env)
        if found is None:
            raise _Unknown
        return found

    run = _aggregate_known(func, guarded, where, wrap)

    def aggregate(env: Env) -> Any:
        try:
            return run(env)
        except _Unknown:
            return None

    return aggregate


class _Unknown(Exception):
    """An aggregate over a list that is itself unknown."""


def _aggregate_known(func: str, items: Fn, where: Fn | None, wrap: bool) -> Fn:
    if func == "count" and where is None:
        return lambda env: len(items(env))
    if func == "sum":
        return lambda env: sum(items(env), ZERO)
    assert where is not None
    if wrap:  # plain values: the item scope is (value,), read as `it`
        inner = where

        def where(env: Env) -> Any:
            return inner(((env[0],), *env[1:]))

    if func == "count":
        return lambda env: sum(1 for it in items(env) if where((it, *env)) is True)
    if func == "any":
        return lambda env: any(where((it, *env)) is True for it in items(env))
    return lambda env: all(where((it, *env)) is True for it in items(env))


def compile_expr(node: ir.Expr | ir.Tallied) -> Fn:
    """One closure ``env -> value`` for an IR expression."""
    if isinstance(node, ir.Const):
        value = node.value
        return lambda env: value
    if isinstance(node, ir.Field):
        return _field(node.depth, node.index)
    if isinstance(node, ir.GetAttr):
        obj, index = compile_expr(node.obj), node.index

        def getattr_(env: Env) -> Any:
            v = obj(env)
            return None if v is None else v[index]

        return getattr_
    if isinstance(node, ir.Neg):
        inner = compile_expr(node.expr)
        return lambda env: None if (v := inner(env)) is None else -v
    if isinstance(node, ir.Not):
        inner = compile_expr(node.expr)
        return lambda env: None if (v := inner(env)) is None else not v
    if isinstance(node, ir.Arith):
        return _arith(node, compile_expr(node.left), compile_expr(node.right))
    if isinstance(node, ir.Cmp):
        return _cmp(node.op, compile_expr(node.left), compile_expr(node.right), node.by_name)
    if isinstance(node, ir.InSet):
        inner = compile_expr(node.expr)
        by_name = node.expr.type == NAME
        values = frozenset(name_key(v) for v in node.values) if by_name else frozenset(node.values)
        negated = node.negated

        def in_set(env: Env) -> bool | None:
            v = inner(env)
            if v is None:
                return None
            return ((name_key(v) if by_name else v) in values) != negated

        return in_set
    if isinstance(node, ir.IsNull):
        inner = compile_expr(node.expr)
        negated = node.negated
        return lambda env: (inner(env) is None) != negated
    if isinstance(node, ir.Logic):
        return _logic(node.op, compile_expr(node.left), compile_expr(node.right))
    if isinstance(node, ir.Context):
        index = node.index
        return lambda env: env[-1][index]
    if isinstance(node, ir.Member):
        subject, items, negated = compile_expr(node.expr), compile_expr(node.items), node.negated
        listed = node.items.type.item if isinstance(node.items.type, ListT) else None
        if NAME in (node.expr.type, listed):  # names compare by identity: NFKC, without white space

            def member(env: Env) -> bool | None:
                v, found = subject(env), items(env)
                if v is None or found is None:
                    return None
                return (name_key(v) in {name_key(i) for i in found}) != negated

            return member

        def member(env: Env) -> bool | None:
            v, found = subject(env), items(env)
            return None if v is None or found is None else (v in found) != negated

        return member
    if isinstance(node, ir.If):
        cond, then, otherwise = compile_expr(node.cond), compile_expr(node.then), compile_expr(node.otherwise)
        return lambda env: then(env) if cond(env) is True else otherwise(env)
    if isinstance(node, ir.Lookup):
        return _lookup(node.table, compile_expr(node.key))
    if isinstance(node, ir.InTable):
        inner, rows, by_name, negated = compile_expr(node.expr), node.table.rows, node.table.by_name, node.negated

        def in_table(env: Env) -> bool | None:
            v = inner(env)
            if v is None:
                return None
            return ((name_key(v) if by_name else v) in rows) != negated

        return in_table
    if isinstance(node, ir.Aggregate):
        where = compile_expr(node.where) if node.where is not None else None
        return _aggregate(node.func, compile_expr(node.items), where, node.wrap)
    if isinstance(node, ir.Extreme):
        args = tuple(compile_expr(a) for a in node.args)
        pick = max if node.func == "max" else min

        def extreme(env: Env) -> Any:
            values = [a(env) for a in args]
            return None if any(v is None for v in values) else pick(values)

        return extreme
    if isinstance(node, ir.Tallied):
        slot = node.slot
        return lambda env: env[-1][2][slot]
    raise AssertionError(f"unhandled IR node {node!r}")  # pragma: no cover


def _lookup(table: ir.Table, key: Fn) -> Fn:
    rows, default, by_name = table.rows, table.default, table.by_name

    def lookup(env: Env) -> Any:
        k = key(env)
        if k is None:
            return None
        return rows.get(name_key(k) if by_name else k, default)

    return lookup


def _amount(node: ir.Expr) -> Fn:
    """An amount as a Decimal; an unknown amount counts as zero."""
    if isinstance(node, ir.Const):
        value = ZERO if node.value is None else Decimal(node.value)
        return lambda env: value
    inner = compile_expr(node)
    return lambda env: ZERO if (v := inner(env)) is None else Decimal(v)


# --- scoring ----------------------------------------------------------------------


@attrs.frozen
class Line:
    """One rule's contribution to a record (before it is credited to units)."""

    rule: ir.Rule
    group: ir.Group
    points: Decimal
    yuan: Decimal
    item: int | None  # index in the group's `over` list, if any
    factor: Decimal | None = None  # the group's scale, when it has one


@attrs.frozen
class Dropped:
    """A rule that matched but did not pay: beaten inside a `highest` group."""

    line: Line
    beaten_by: Line


@attrs.frozen
class Outcome:
    """What one record earned, before crediting: totals, and the trace when asked."""

    targets: tuple[str, ...]
    points: Decimal
    yuan: Decimal
    lines: tuple[Line, ...] | None
    dropped: tuple[Dropped, ...] | None
    stopped_by: ir.Gate | None
    warnings: tuple[tuple[ir.Warn, str], ...]
    reminders: tuple[Reminding, ...] = ()

    @property
    def scored(self) -> bool:
        """Passed every gate: what counts toward a quota."""
        return self.stopped_by is None


@attrs.frozen
class Reminding:
    """A reminder raised for a record or a unit: its text, due date and shortfall."""

    remind: ir.Remind
    text: str
    due: Any
    shortfall: Any


def message(pieces: tuple[str | Fn, ...], env: Env) -> str:
    return "".join(p if isinstance(p, str) else format_value(p(env)) for p in pieces)


class CompiledMessages:
    """The warnings and reminders of a scope, compiled once."""

    def __init__(self, warns: tuple[ir.Warn, ...], reminds: tuple[ir.Remind, ...]) -> None:
        self.warns = tuple((w, compile_expr(w.cond), _pieces(w.pieces)) for w in warns)
        self.reminds = tuple(
            (
                r,
                compile_expr(r.cond),
                _pieces(r.pieces),
                compile_expr(r.due) if r.due is not None else None,
                compile_expr(r.shortfall) if r.shortfall is not None else None,
            )
            for r in reminds
        )

    def warnings(self, env: Env) -> tuple[tuple[ir.Warn, str], ...]:
        return tuple((w, message(p, env)) for w, cond, p in self.warns if cond(env) is True)

    def reminders(self, env: Env) -> tuple[Reminding, ...]:
        out = []
        for remind, cond, pieces, due, shortfall in self.reminds:
            if cond(env) is True:
                out.append(
                    Reminding(
                        remind,
                        message(pieces, env),
                        due(env) if due is not None else None,
                        shortfall(env) if shortfall is not None else None,
                    )
                )
        return tuple(out)


def _pieces(pieces: tuple[str | ir.Expr, ...]) -> tuple[str | Fn, ...]:
    return tuple(p if isinstance(p, str) else compile_expr(p) for p in pieces)


def extend(values: tuple[Any, ...], lets: tuple[Fn, ...], ctx: Any) -> tuple[Any, ...]:
    """A scope's values followed by its lets, each computed with the ones before it."""
    for let in lets:
        values = (*values, let((values, ctx)))
    return values


def _clamp(value: Decimal, floor: Decimal | None, cap: Decimal | None) -> Decimal:
    if floor is not None and value < floor:
        value = floor
    if cap is not None and value > cap:
        value = cap
    return value


def _pseudo_rule(group: ir.Group, label: str, note: str) -> ir.Rule:
    """A trace line that is not a rule of the ruleset: a budget, or a bound applied."""
    zero = ir.Const(ZERO, DECIMAL)
    return ir.Rule(f"{group.name}.{label}", label, ir.Const(True, BOOL), zero, zero, group.clause, (note,), None)


class _CompiledGroup:
    def __init__(self, group: ir.Group, matcher: Fn | None = None) -> None:
        self.group = group
        self.matcher = matcher  # generated (codegen.generate_matcher): what _matched computes
        self.highest = group.combine == "highest"
        self.over = compile_expr(group.over) if group.over is not None else None
        self.scale = _amount(group.scale) if group.scale is not None else None
        self.start_rule = _pseudo_rule(group, "满分", f"the item starts from its full marks, {group.start}")
        bounds = f"[{group.floor}, {group.cap}]"
        self.floor_rule = _pseudo_rule(group, "扣完为止", f"deductions stop at the floor: kept within {bounds}")
        self.cap_rule = _pseudo_rule(group, "封顶", f"the item cannot pay more than its cap: kept within {bounds}")
        self.rules = tuple(
            (rule, compile_expr(rule.cond), _amount(rule.points), _amount(rule.yuan)) for rule in group.rules
        )

    def lines(self, env: Env) -> list[Line]:
        """Every rule that matched, in item order then rule order, scaled."""
        out = self._matched(env)
        if self.scale is not None and out:
            factor = self.scale(env)
            out = [
                attrs.evolve(line, points=line.points * factor, yuan=line.yuan * factor, factor=factor) for line in out
            ]
        return out

    def settle(self, lines: list[Line]) -> tuple[list[Line], Decimal | None]:
        """The budget line first and, when the total leaves [floor, cap], the line that
        brings it back (扣完为止 at the floor, 封顶 at the cap), so the trace still adds up
        to what is paid; and the group's kept total (None for an unbounded group).

        The record is paid the kept total itself, not the sum of these lines: after an
        inexact quotient the two may differ in the 28th digit."""
        group = self.group
        if group.start is None and group.floor is None and group.cap is None:
            return lines, None
        out = list(lines)
        if group.start is not None:
            out.insert(0, Line(self.start_rule, group, group.start, ZERO, None))
        total = sum((line.points for line in out), ZERO)
        kept = _clamp(total, group.floor, group.cap)
        if kept != total:
            rule = self.floor_rule if kept > total else self.cap_rule
            out.append(Line(rule, group, kept - total, ZERO, None))
        return out, kept

    def _matched(self, env: Env) -> list[Line]:
        if self.matcher is not None:
            matched: list[Line] = self.matcher(env)
            return matched
        out: list[Line] = []
        if self.over is None:
            for rule, cond, points, yuan in self.rules:
                if cond(env) is True:
                    out.append(Line(rule, self.group, points(env), yuan(env), None))
            return out
        for index, item in enumerate(self.over(env)):
            inner = (item, *env)
            for rule, cond, points, yuan in self.rules:
                if cond(inner) is True:
                    out.append(Line(rule, self.group, points(inner), yuan(inner), index))
        return out


def pick_highest(lines: list[Line]) -> tuple[Line, list[Dropped]]:
    """The line with the largest (points, yuan); the first one wins a tie."""
    best = lines[0]
    for line in lines[1:]:
        if (line.points, line.yuan) > (best.points, best.yuan):
            best = line
    return best, [Dropped(line, best) for line in lines if line is not best]


class CompiledRules:
    """Rules summed over a scope (the `per unit` block): every match pays."""

    def __init__(self, rules: tuple[ir.Rule, ...]) -> None:
        self.rules = tuple((rule, compile_expr(rule.cond), _amount(rule.points), _amount(rule.yuan)) for rule in rules)

    def run(self, env: Env) -> list[tuple[ir.Rule, Decimal, Decimal]]:
        return [(rule, points(env), yuan(env)) for rule, cond, points, yuan in self.rules if cond(env) is True]


class CompiledScore:
    """The `score` block of one record type, ready to run on validated records.

    Without a trace, a record runs through the block's generated function
    (:mod:`.codegen`) when there is one; with a trace, or for a construct the generator
    leaves alone, through the closures.  Both give the same numbers (tested)."""

    def __init__(
        self, score: ir.Score, fast: Any = None, matchers: Callable[[], dict[str, Fn | None]] | None = None
    ) -> None:
        self.score = score
        self.fast = fast
        # Generated on the first traced record: most runs never ask for a trace.
        self.pending_matchers = matchers
        self.targets = compile_expr(score.targets)
        self.lets = tuple(compile_expr(let) for let in score.lets)
        self.steps = tuple(
            (step, compile_expr(step.cond)) if isinstance(step, ir.Gate) else (step, _CompiledGroup(step))
            for step in score.steps
        )
        self.messages = CompiledMessages(score.warns, score.reminds)
        self.total = score.total
        # The total's bound shows in the trace as a line of a group named "total".
        total = score.total
        self.total_group = ir.Group(
            "total", "sum", None, None, None, None, None, None, (), total.clause if total else None, ()
        )
        floor, cap = (total.floor, total.cap) if total else (None, None)
        self.total_rule = _pseudo_rule(self.total_group, "限定", f"the total is kept within [{floor}, {cap}]")

    def run(self, values: tuple[Any, ...], ctx: Any, *, trace: bool) -> Outcome:
        if not trace and self.fast is not None:
            return self._run_fast(values, ctx)
        self.prepare_trace()
        ext = extend(values, self.lets, ctx) if self.lets else values
        env: Env = (ext, ctx)
        # With a generated function, it decides the gates, targets and flagged messages;
        # the groups below rebuild the lines (through generated matchers where there are).
        fast = self.fast(values, ctx) if self.fast is not None else None
        stop_gate = self.score.gates[fast[2]] if fast is not None and fast[2] is not None else None
        stopped_by = None
        points = yuan = ZERO
        kept: list[Line] = []
        dropped: list[Dropped] = []
        for step, run in self.steps:
            if isinstance(step, ir.Gate):
                if stopped_by is None and (step is stop_gate if fast is not None else run(env) is not True):  # type: ignore[operator]
                    stopped_by = step
                continue
            if stopped_by is not None:
                continue
            lines = run.lines(env)  # type: ignore[union-attr]
            if step.combine == "highest" and lines:
                best, beaten = pick_highest(lines)
                lines = [best]
                dropped.extend(beaten)
            lines, group_total = run.settle(lines)  # type: ignore[union-attr]
            for line in lines:
                if group_total is None:
                    points += line.points
                yuan += line.yuan
            if group_total is not None:
                points += group_total
            if trace:
                kept.extend(lines)
        if self.total is not None:
            kept_points = _clamp(points, self.total.floor, self.total.cap)
            if kept_points != points:
                if trace:
                    kept.append(Line(self.total_rule, self.total_group, kept_points - points, ZERO, None))
                points = kept_points
        if fast is not None:
            found, flagged = fast[3], fast[4]
            warnings = self.messages.warnings(env) if flagged else ()
            reminders = self.messages.reminders(env) if flagged else ()
        else:
            found = self.targets(env)
            warnings, reminders = self.messages.warnings(env), self.messages.reminders(env)
        return Outcome(
            found if isinstance(found, tuple) else (found,),
            points,
            yuan,
            tuple(kept) if trace else None,
            tuple(dropped) if trace else None,
            stopped_by,
            warnings,
            reminders,
        )

    def prepare_trace(self) -> None:
        """Generate the traced path's matchers, once (the first traced record does)."""
        if self.pending_matchers is None:
            return
        matchers = self.pending_matchers()
        self.pending_matchers = None
        for step, run in self.steps:
            if isinstance(step, ir.Group) and isinstance(run, _CompiledGroup):
                run.matcher = matchers.get(step.name)

    def _run_fast(self, values: tuple[Any, ...], ctx: Any) -> Outcome:
        points, yuan, stopped, found, flagged = self.fast(values, ctx)
        warnings: tuple[tuple[ir.Warn, str], ...] = ()
        reminders: tuple[Reminding, ...] = ()
        if flagged:  # rare: format the messages with the closures
            env: Env = (extend(values, self.lets, ctx) if self.lets else values, ctx)
            warnings = self.messages.warnings(env)
            reminders = self.messages.reminders(env)
        return Outcome(
            found if isinstance(found, tuple) else (found,),
            points,
            yuan,
            None,
            None,
            self.score.gates[stopped] if stopped is not None else None,
            warnings,
            reminders,
        )
