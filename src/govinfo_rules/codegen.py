"""Typed IR to generated Python (stage 4b): the fast path of a score block.

Entry point: :func:`generate_score`.  A score block becomes the source of one Python
function ``(values, ctx) -> (points, yuan, stopped, targets, flagged)`` that computes
a record's totals with no trace: lets are local variables, fields are tuple indexes,
conditions are plain Python expressions, and the three-valued logic of
:mod:`.compile` is spelled out only where a value can actually be missing.

No user text reaches the source.  Every value of the ruleset — numbers, labels,
tables, sets — is a constant passed in a table and read through a generated name
``_k<N>``; every identifier is generated here (``v``, ``ctx``, ``_l<N>``, ``_i<N>``,
``_t<N>``, ``_g<N>``, ``_c<N>``), never taken from the ruleset.  The source is
registered with :mod:`linecache` under a name that says which ruleset it comes from,
so a traceback points at the generated line.

Anything this generator does not handle makes it return ``None``; the caller then
keeps the closures of :mod:`.compile`, which give the same numbers.

A score block computes an expression that it repeats (``count(xs where c) > 0 =>
(-2 * count(xs where c)) pts``) once, into a local ``_c<N>``: where it is first
computed (an assignment expression), and reused only where that place has certainly
run before — never behind a condition, the right side of ``and``/``or`` or a gate that
the first place was not.  So a repeated expression that raises (a division by zero)
raises where and when the closures would.  The ``count``/``any``/``all`` over the same
list that a group's conditions test, and that cannot raise, are computed together in
one loop before the group.
"""

from __future__ import annotations

import contextlib
import itertools
import linecache
import typing
from collections.abc import Callable, Hashable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs

from . import ir
from .compile import arithmetic
from .types import BOOL, DATE, DECIMAL, INTEGER, NAME, EnumT, ListT, StructT, name_key

ZERO = Decimal(0)

FastFn = Callable[[tuple[Any, ...], Any], tuple[Decimal, Decimal, int | None, Any, tuple[int, ...]]]

_OPS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_counter = itertools.count(1)


class Unsupported(Exception):
    """A construct the generator leaves to the closures."""


# --- helpers the generated code calls for the rare, nullable cases ---------------------


def _h_name(value: Any) -> Any:
    return None if value is None else name_key(value)


def _h_extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def run(*values: Any) -> Any:
        return None if any(v is None for v in values) else pick(values)

    return run


def _h_amount(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value)


# --- the generator ------------------------------------------------------------------


@attrs.define
class _Scope:
    """One level of the environment: the variable holding it and what each index is."""

    var: str | None  # the tuple variable (record values, an item); None: wrapped plain value
    plain: str | None = None  # a plain item's variable (`it`)
    nullable: dict[int, bool] = attrs.field(factory=dict)
    lets: dict[int, str] = attrs.field(factory=dict)  # let index -> local variable
    let_nullable: dict[int, bool] = attrs.field(factory=dict)


class _Gen:
    def __init__(self) -> None:
        self.consts: list[Any] = []
        self.const_ids: dict[tuple[type, Any, str], int] = {}
        self.temp = itertools.count()
        self.ctx_var = "ctx"
        self.track_gates = True
        # Common subexpressions, for generate_score only: off unless `shared` is set or
        # `share_all`, a first pass that learns which places are reused.  A place is
        # the number of an occurrence that could be computed into a local; both passes
        # meet the same places in the same order, so the second keeps only those reused.
        self.shared: frozenset[int] | None = None
        self.share_all = False
        self.places = itertools.count()
        self.reused: set[int] = set()
        # What has certainly been computed where the code being generated runs: a key
        # to its local, whether it may be unknown, and its place (None: a let, a loop).
        # One level per branch entered.
        self.known: list[dict[Hashable, tuple[str, bool, int | None]]] = [{}]
        # False where an assignment expression cannot go (a comprehension) or would
        # cost a cell variable: reuse only.
        self.may_define = True
        self.fuse = False  # several aggregates over one list in one loop (see _fused)
        self.serials: dict[int, int] = {}
        self.kept: list[Any] = []  # what `serials` numbers, kept alive so no id is reused
        self.keys: dict[tuple[int, ...], Hashable] = {}  # (id(node), bound, scopes) -> key

    def const(self, value: Any) -> str:
        """A ruleset value as a generated name: the value itself never enters the source."""
        # Equal decimals may be written differently (1 and 1.0): the spelling is part of the key.
        key: tuple[type, Any, str] | None
        try:
            key = (type(value), value, str(value))
            hash(key)
        except TypeError:
            key = None
        if key is not None and key in self.const_ids:
            return f"_k{self.const_ids[key]}"
        self.consts.append(value)
        index = len(self.consts) - 1
        if key is not None:
            self.const_ids[key] = index
        return f"_k{index}"

    def tmp(self, prefix: str = "_t") -> str:
        return f"{prefix}{next(self.temp)}"

    # Expressions: (source, nullable).  Conditions are read with `is True` unless they
    # cannot be unknown.

    def expr(self, node: ir.Expr, scopes: list[_Scope]) -> tuple[str, bool]:
        key = self.share_key(node, scopes)
        if key is not None and (found := self.reading(key)) is not None:
            return found
        source, nullable = self._generate(node, scopes)
        if key is not None and self.may_define:
            place = next(self.places)
            if self.share_all or (self.shared is not None and place in self.shared):
                local = self.tmp("_c")
                self.known[-1][key] = (local, nullable, place)
                return f"({local} := {source})", nullable
        return source, nullable

    def reading(self, key: Hashable) -> tuple[str, bool] | None:
        """The local holding ``key`` here, if it certainly has been computed."""
        found = self.known[-1].get(key)
        if found is None:
            return None
        local, nullable, place = found
        if place is not None:
            self.reused.add(place)
        return local, nullable

    def _generate(self, node: ir.Expr, scopes: list[_Scope]) -> tuple[str, bool]:
        method = getattr(self, f"e_{type(node).__name__}", None)
        if method is None:
            raise Unsupported(type(node).__name__)
        result: tuple[str, bool] = method(node, scopes)
        return result

    def bind(self, node: ir.Expr, scopes: list[_Scope], local: str) -> tuple[str, bool]:
        """``node`` as the value assigned to ``local`` here (a let): later occurrences of
        the same expression read the local."""
        key = self.share_key(node, scopes)
        found = self.reading(key) if key is not None else None
        result = found if found is not None else self._generate(node, scopes)
        if key is not None:
            self.known[-1][key] = (local, result[1], None)
        return result

    @contextlib.contextmanager
    def branch(self, *, define: bool = True) -> Iterator[None]:
        """Code that may not run: what it computes is not known once it is left."""
        saved = self.may_define
        self.known.append(dict(self.known[-1]))
        self.may_define = saved and define
        try:
            yield
        finally:
            self.known.pop()
            self.may_define = saved

    def share_key(self, node: ir.Expr, scopes: list[_Scope]) -> Hashable | None:
        """The key under which ``node`` may be computed once, or None: sharing is off, or
        the node is cheaper to read again than a local (a constant, a field)."""
        if (self.shared is None and not self.share_all) or isinstance(node, _LEAVES):
            return None
        return self.hashable_key(node, scopes)

    def hashable_key(self, node: ir.Expr, scopes: list[_Scope]) -> Hashable | None:
        try:
            key = self.key(node, scopes)
            hash(key)
        except TypeError:  # a constant that cannot be a key: leave the node as written
            return None
        return key

    def key(self, node: ir.Expr, scopes: list[_Scope], bound: int = 0) -> Hashable:
        """What ``node`` computes: equal keys, equal values in the same scopes.

        A field of the scopes is named by its scope (not its depth, which differs inside
        an aggregate); a field of an aggregate's item by its depth among the items.  A
        constant keeps its spelling (1 and 1.0 are equal decimals, printed differently)."""
        memo = (id(node), bound, *(self.serial(s) for s in scopes))
        if memo in self.keys:
            return self.keys[memo]
        key = self._key(node, scopes, bound)
        self.keys[memo] = key
        return key

    def _key(self, node: ir.Expr, scopes: list[_Scope], bound: int) -> Hashable:
        if isinstance(node, ir.Field):
            if node.depth < bound:
                return ("item", node.depth, node.index)
            depth = node.depth - bound
            if depth >= len(scopes):
                raise Unsupported("field outside the scopes")
            return ("field", self.serial(scopes[len(scopes) - 1 - depth]), node.index)
        parts: list[Hashable] = [type(node).__name__]
        for spec in attrs.fields(type(node)):
            value = getattr(node, spec.name)
            inner = bound + 1 if isinstance(node, ir.Aggregate) and spec.name == "where" else bound
            parts.append(self._key_part(value, scopes, inner))
        return tuple(parts)

    def _key_part(self, value: Any, scopes: list[_Scope], bound: int) -> Hashable:
        if _is_expr(value):
            return self.key(value, scopes, bound)
        if isinstance(value, tuple):
            return ("tuple", *(self._key_part(v, scopes, bound) for v in value))
        if isinstance(value, ir.Table):
            return ("table", self.serial(value))
        if value is None or isinstance(value, (bool, int, str, Decimal, float)):
            return (type(value), value, str(value))
        return (type(value), value)  # a type, a date: one spelling

    def serial(self, thing: Any) -> int:
        """A number for an object compared by identity, the same in every pass."""
        if id(thing) not in self.serials:
            self.serials[id(thing)] = len(self.serials)
            self.kept.append(thing)
        return self.serials[id(thing)]

    def e_Const(self, node: ir.Const, scopes: list[_Scope]) -> tuple[str, bool]:
        if node.value is None:
            return "None", True
        if node.value is True:
            return "True", False
        if node.value is False:
            return "False", False
        return self.const(node.value), False

    def e_Field(self, node: ir.Field, scopes: list[_Scope]) -> tuple[str, bool]:
        if node.depth >= len(scopes):
            raise Unsupported("field outside the scopes")
        scope = scopes[len(scopes) - 1 - node.depth]
        if scope.plain is not None:
            return scope.plain, True
        if node.index in scope.lets:
            return scope.lets[node.index], scope.let_nullable[node.index]
        if scope.var is None:
            raise Unsupported("field of a scope without a variable")
        return f"{scope.var}[{node.index}]", scope.nullable.get(node.index, True)

    def e_GetAttr(self, node: ir.GetAttr, scopes: list[_Scope]) -> tuple[str, bool]:
        obj, nullable = self.expr(node.obj, scopes)
        index = int(node.index)
        if not nullable:
            # A struct's field may itself be optional: unknown unless proved otherwise.
            return f"{obj}[{index}]", _struct_field_nullable(node.obj.type, index)
        t = self.tmp()
        return f"(None if ({t} := {obj}) is None else {t}[{index}])", True

    def e_Neg(self, node: ir.Neg, scopes: list[_Scope]) -> tuple[str, bool]:
        inner, nullable = self.expr(node.expr, scopes)
        if not nullable:
            return f"(-{inner})", False
        t = self.tmp()
        return f"(None if ({t} := {inner}) is None else -{t})", True

    def e_Not(self, node: ir.Not, scopes: list[_Scope]) -> tuple[str, bool]:
        inner, nullable = self.expr(node.expr, scopes)
        if not nullable:
            return f"(not {inner})", False
        t = self.tmp()
        return f"(None if ({t} := {inner}) is None else not {t})", True

    def e_Arith(self, node: ir.Arith, scopes: list[_Scope]) -> tuple[str, bool]:
        left, ln = self.expr(node.left, scopes)
        right, rn = self.expr(node.right, scopes)
        date_left, date_right = node.left.type == DATE, node.right.type == DATE
        plain = not (date_left or date_right or node.op == "/")
        if plain and not (ln or rn):
            return f"({left} {node.op} {right})", False
        helper = self.const(arithmetic(node.op, date_left, date_right))
        return f"{helper}({left}, {right})", ln or rn

    def e_Cmp(self, node: ir.Cmp, scopes: list[_Scope]) -> tuple[str, bool]:
        left, ln = self.expr(node.left, scopes)
        right, rn = self.expr(node.right, scopes)
        if node.by_name:
            key = self.const(_h_name)
            left, right = f"{key}({left})", f"{key}({right})"
        if not (ln or rn):
            return f"({left} {_OPS[node.op]} {right})", False
        # `|` rather than `or`: both sides are computed, as the closures do.
        a, b = self.tmp(), self.tmp()
        return f"(None if (({a} := {left}) is None) | (({b} := {right}) is None) else {a} {_OPS[node.op]} {b})", True

    def e_InSet(self, node: ir.InSet, scopes: list[_Scope]) -> tuple[str, bool]:
        inner, nullable = self.expr(node.expr, scopes)
        by_name = node.expr.type == NAME
        values = frozenset(name_key(v) for v in node.values) if by_name else frozenset(node.values)
        subject = f"{self.const(_h_name)}({inner})" if by_name else inner
        test = "not in" if node.negated else "in"
        if not nullable:
            return f"({subject} {test} {self.const(values)})", False
        t = self.tmp()
        subject = f"{self.const(_h_name)}({t})" if by_name else t
        return f"(None if ({t} := {inner}) is None else ({subject} {test} {self.const(values)}))", True

    def e_IsNull(self, node: ir.IsNull, scopes: list[_Scope]) -> tuple[str, bool]:
        inner, _ = self.expr(node.expr, scopes)
        return f"({inner} is {'not ' if node.negated else ''}None)", False

    def e_Logic(self, node: ir.Logic, scopes: list[_Scope]) -> tuple[str, bool]:
        left, ln = self.expr(node.left, scopes)
        with self.branch():  # computed only when the left side does not decide
            right, rn = self.expr(node.right, scopes)
        if not (ln or rn):
            return f"({left} {node.op} {right})", False
        # Kleene logic, short-circuiting as the closures do: the right side is computed
        # only when the left one does not decide.
        a, b = self.tmp(), self.tmp()
        decide = "False" if node.op == "and" else "True"
        other = "True" if node.op == "and" else "False"
        return (
            f"({decide} if ({a} := {left}) is {decide} else ({decide} if ({b} := {right}) is {decide} "
            f"else (None if {a} is None or {b} is None else {other})))",
            True,
        )

    def e_Context(self, node: ir.Context, scopes: list[_Scope]) -> tuple[str, bool]:
        return f"{self.ctx_var}[{int(node.index)}]", node.index != 0  # as_of is always known

    def e_Member(self, node: ir.Member, scopes: list[_Scope]) -> tuple[str, bool]:
        subject, sn = self.expr(node.expr, scopes)
        by_name = NAME in (node.expr.type, _item_type(node.items.type))
        if sn or by_name:
            # Computed only when the subject is known; by name, in a comprehension's iterable.
            with self.branch(define=not by_name):
                items, item_nullable = self.expr(node.items, scopes)
        else:
            items, item_nullable = self.expr(node.items, scopes)
        if item_nullable:
            raise Unsupported("membership in a list that may be missing")
        test = "not in" if node.negated else "in"
        if by_name:
            key = self.const(_h_name)
            t, i = self.tmp(), self.tmp("_i")
            return (
                f"(None if ({t} := {subject}) is None else ({key}({t}) {test} {{{key}({i}) for {i} in {items}}}))",
                True,
            )
        if not sn:
            return f"({subject} {test} {items})", False
        t = self.tmp()
        return f"(None if ({t} := {subject}) is None else ({t} {test} {items}))", True

    def e_If(self, node: ir.If, scopes: list[_Scope]) -> tuple[str, bool]:
        cond, cn = self.expr(node.cond, scopes)
        with self.branch():
            then, tn = self.expr(node.then, scopes)
        with self.branch():
            other, on = self.expr(node.otherwise, scopes)
        test = f"{cond} is True" if cn else cond
        return f"({then} if {test} else {other})", tn or on

    def e_Lookup(self, node: ir.Lookup, scopes: list[_Scope]) -> tuple[str, bool]:
        key, kn = self.expr(node.key, scopes)
        table = node.table
        rows, default = self.const(table.rows), self.const(table.default) if table.default is not None else "None"
        if table.by_name:
            key = f"{self.const(_h_name)}({key})"
        # A missing key gives the default (None without one): unknown unless every key is covered.
        if kn:
            t = self.tmp()
            return f"(None if ({t} := {key}) is None else {rows}.get({t}, {default}))", True
        return f"{rows}.get({key}, {default})", table.default is None or _any_none(table.rows)

    def e_InTable(self, node: ir.InTable, scopes: list[_Scope]) -> tuple[str, bool]:
        inner, nullable = self.expr(node.expr, scopes)
        rows = self.const(node.table.rows)
        test = "not in" if node.negated else "in"
        if not nullable:
            subject = f"{self.const(_h_name)}({inner})" if node.table.by_name else inner
            return f"({subject} {test} {rows})", False
        t = self.tmp()
        subject = f"{self.const(_h_name)}({t})" if node.table.by_name else t
        return f"(None if ({t} := {inner}) is None else ({subject} {test} {rows}))", True

    def e_Aggregate(self, node: ir.Aggregate, scopes: list[_Scope]) -> tuple[str, bool]:
        if node.where is None:
            items, item_nullable = self.expr(node.items, scopes)
        else:
            with self.branch(define=False):  # a comprehension's iterable
                items, item_nullable = self.expr(node.items, scopes)
        if item_nullable:
            raise Unsupported("an aggregate over a list that may be missing")
        if node.func == "count" and node.where is None:
            return f"len({items})", False
        if node.func == "sum":
            return f"sum({items}, {self.const(ZERO)})", False
        assert node.where is not None
        var = self.tmp("_i")
        with self.branch(define=False):  # once per item, inside a comprehension
            where, wn = self.expr(node.where, [*scopes, _item_scope(node, var)])
        test = f"{where} is True" if wn else where
        if node.func == "count":
            return f"sum(1 for {var} in {items} if {test})", False
        if node.func == "any":
            return f"any({test} for {var} in {items})", False
        return f"all({test} for {var} in {items})", False

    def e_Extreme(self, node: ir.Extreme, scopes: list[_Scope]) -> tuple[str, bool]:
        parts = [self.expr(a, scopes) for a in node.args]
        args = ", ".join(p for p, _ in parts)
        pick = "max" if node.func == "max" else "min"
        if not any(n for _, n in parts):
            return f"{pick}(({args},))", False
        return f"{self.const(_h_extreme(max if pick == 'max' else min))}({args})", True

    # Amounts: always a Decimal; unknown counts as zero.

    def amount(self, node: ir.Expr, scopes: list[_Scope]) -> str:
        if isinstance(node, ir.Const):
            return self.const(ZERO if node.value is None else Decimal(node.value))
        source, nullable = self.expr(node, scopes)
        if nullable:
            return f"{self.const(_h_amount)}({source})"
        if node.type == DECIMAL:
            return source
        return f"{self.const(Decimal)}({source})"

    def cond(self, node: ir.Expr, scopes: list[_Scope]) -> str:
        source, nullable = self.expr(node, scopes)
        return f"{source} is True" if nullable else source


_LEAVES = (ir.Const, ir.Field, ir.Context, ir.GetAttr)
# Nodes that raise only if a part does (Arith and Aggregate are decided case by case).
_SAFE: frozenset[type] = frozenset(
    (
        ir.Const,
        ir.Field,
        ir.GetAttr,
        ir.Neg,
        ir.Not,
        ir.Cmp,
        ir.InSet,
        ir.IsNull,
        ir.Logic,
        ir.Context,
        ir.Member,
        ir.If,
        ir.Lookup,
        ir.InTable,
        ir.Extreme,
    )
)
_EXPRS: tuple[type, ...] = typing.get_args(ir.Expr)


def _is_expr(value: object) -> typing.TypeGuard[ir.Expr]:
    return isinstance(value, _EXPRS)


def _item_scope(node: ir.Aggregate, var: str) -> _Scope:
    if node.wrap:
        return _Scope(None, plain=var)
    return _Scope(var, nullable=_struct_nullables(_item_type(node.items.type)))


def _children(node: ir.Expr) -> Iterator[ir.Expr]:
    for spec in attrs.fields(type(node)):
        value = getattr(node, spec.name)
        if _is_expr(value):
            yield value
        elif isinstance(value, tuple):
            yield from (v for v in value if _is_expr(v))


def _cannot_raise(node: ir.Expr) -> bool:
    """Whether computing ``node`` on a validated record can never raise.  Comparisons
    cannot: validated decimals are finite and the checker matched the types."""
    if isinstance(node, ir.Arith):
        # A division by zero, a date out of range, a decimal overflow: only integers
        # are always safe (+, -, *).
        if node.op not in ("+", "-", "*") or node.left.type != INTEGER or node.right.type != INTEGER:
            return False
    elif isinstance(node, ir.Aggregate):
        if node.func == "sum":
            return False  # decimal overflow
    elif type(node) not in _SAFE:  # a node added later is unsafe until shown otherwise
        return False
    return all(_cannot_raise(child) for child in _children(node))


def _tested(node: ir.Expr) -> Iterator[ir.Expr]:
    """``node`` and the parts of it computed whenever it is (not behind a short circuit)."""
    yield node
    if isinstance(node, ir.Aggregate):
        return  # the condition runs per item
    if isinstance(node, ir.Logic):
        yield from _tested(node.left)
    elif isinstance(node, ir.If):
        yield from _tested(node.cond)
    elif isinstance(node, ir.Member):
        yield from _tested(node.expr)
    else:
        for child in _children(node):
            yield from _tested(child)


def _any_none(rows: dict[Any, Any]) -> bool:
    return any(v is None for v in rows.values())


def _item_type(list_type: Any) -> Any:
    return list_type.item if isinstance(list_type, ListT) else None


def _struct_nullables(struct: Any) -> dict[int, bool]:
    if not isinstance(struct, StructT):
        return {}
    return {spec.index: spec.optional and spec.default is None for spec in struct.fields}


def _struct_field_nullable(struct: Any, index: int) -> bool:
    return _struct_nullables(struct).get(index, True)


# --- score blocks ---------------------------------------------------------------------


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)


def _equality_keys(cond: ir.Expr, depth: int) -> dict[int, Any] | None:
    """``a == X and b == Y`` over fields of one scope, as {field index: constant}; None
    for any other condition."""
    if isinstance(cond, ir.Logic) and cond.op == "and":
        left, right = _equality_keys(cond.left, depth), _equality_keys(cond.right, depth)
        if left is None or right is None or left.keys() & right.keys():
            return None
        return {**left, **right}
    if (
        isinstance(cond, ir.Cmp)
        and cond.op == "=="
        and not cond.by_name
        and isinstance(cond.left, ir.Field)
        and cond.left.depth == depth
        and isinstance(cond.right, ir.Const)
        and cond.right.value is not None
    ):
        return {cond.left.index: cond.right.value}
    return None


def _domain(field_type: Any) -> tuple[Any, ...] | None:
    if isinstance(field_type, EnumT):
        return field_type.values
    if field_type == BOOL:
        return (False, True)
    return None


def _table(
    group: ir.Group, struct: StructT | None
) -> tuple[tuple[int, ...], dict[Any, tuple[Decimal, Decimal]]] | None:
    """A group whose rules test only required enum (or bool) fields for equality and
    pay constants, as a table from those fields' values to what the group pays one item
    (the highest rule for a `highest` group, the sum of the matching rules otherwise)."""
    if group.scale is not None or struct is None:
        return None
    depth = 0
    keys = [_equality_keys(rule.cond, depth) for rule in group.rules]
    if any(k is None for k in keys) or not all(
        isinstance(r.points, ir.Const) and isinstance(r.yuan, ir.Const) for r in group.rules
    ):
        return None
    indexes = tuple(sorted({i for k in keys if k for i in k}))
    if not indexes or len(indexes) > 3:
        return None
    domains = []
    for index in indexes:
        spec = next((f for f in struct.fields if f.index == index), None)
        domain = _domain(spec.type) if spec is not None else None
        if spec is None or domain is None or (spec.optional and spec.default is None):
            return None
        domains.append(domain)
    table: dict[Any, tuple[Decimal, Decimal]] = {}
    for combo in itertools.product(*domains):
        values = dict(zip(indexes, combo, strict=True))
        paid = None
        for rule, key in zip(group.rules, keys, strict=True):
            assert key is not None
            if all(values[i] == v for i, v in key.items()):
                amount = (_const_amount(rule.points), _const_amount(rule.yuan))
                if group.combine == "highest":
                    paid = amount if paid is None or amount > paid else paid
                else:
                    paid = amount if paid is None else (paid[0] + amount[0], paid[1] + amount[1])
        if paid is not None:
            table[combo if len(indexes) > 1 else combo[0]] = paid
    return indexes, table


def _const_amount(node: ir.Expr) -> Decimal:
    assert isinstance(node, ir.Const)
    return ZERO if node.value is None else Decimal(node.value)


def _group(gen: _Gen, out: _Lines, group: ir.Group, scopes: list[_Scope], depth: int, record: StructT) -> None:
    highest = group.combine == "highest"
    bounded = group.start is not None or group.floor is not None or group.cap is not None
    items: str | None = None
    item_type = None
    if group.over is not None:
        items, nullable = gen.expr(group.over, scopes)
        item_type = _item_type(group.over.type)
        if nullable or not isinstance(item_type, StructT):
            raise Unsupported("over a list that may be missing, or of plain values")
    table = _table(group, item_type if items is not None else record)
    if items is None and table is None and gen.fuse:
        _fused(gen, out, group, scopes, depth)
    # A plain sum adds straight into the record's totals; a bounded one needs its own.
    gp, gy = ("_points", "_yuan") if not bounded else (gen.tmp("_gp"), gen.tmp("_gy"))
    if gp != "_points":
        out.add(depth, f"{gp} = {gen.const(group.start) if group.start is not None else gen.const(ZERO)}")
        out.add(depth, f"{gy} = {gen.const(ZERO)}")
    bp = gen.tmp("_bp")
    if highest:
        out.add(depth, f"{bp} = None")
    # The scale is computed once, when the first line matches (as the closures do).
    factor = gen.tmp("_f") if group.scale is not None and table is None else None
    if factor is not None:
        out.add(depth, f"{factor} = None")
    body_depth = depth
    inner_scopes = scopes
    var = "v"
    if items is not None:
        var = gen.tmp("_i")
        out.add(depth, f"for {var} in {items}:")
        body_depth = depth + 1
        assert isinstance(item_type, StructT)
        inner_scopes = [*scopes, _Scope(var, nullable=_struct_nullables(item_type))]
    # An item's lines run once per item, maybe never: what they compute is theirs.
    with gen.branch() if items is not None else contextlib.nullcontext():
        if table is not None:
            # Precomputed: one dictionary lookup instead of a test per rule.
            indexes, rows = table
            key = f"{var}[{indexes[0]}]" if len(indexes) == 1 else "(" + ", ".join(f"{var}[{i}]" for i in indexes) + ")"
            found = gen.tmp("_b")
            out.add(body_depth, f"{found} = {gen.const(rows)}.get({key})")
            out.add(body_depth, f"if {found} is not None:")
            if highest:
                out.add(body_depth + 1, f"if {bp} is None or {found} > {bp}:")
                out.add(body_depth + 2, f"{bp} = {found}")
            else:
                out.add(body_depth + 1, f"{gp} += {found}[0]")
                if any(y for _, y in rows.values()):  # no yuan in the table: nothing to add
                    out.add(body_depth + 1, f"{gy} += {found}[1]")
        else:
            for rule in group.rules:
                out.add(body_depth, f"if {gen.cond(rule.cond, inner_scopes)}:")
                with gen.branch():  # the rule's amounts run only when it matches
                    _pay(gen, out, group, rule, inner_scopes, scopes, body_depth + 1, gp, gy, bp, factor)
    if highest:
        out.add(depth, f"if {bp} is not None:")
        out.add(depth + 1, f"{gp} += {bp}[0]")
        out.add(depth + 1, f"{gy} += {bp}[1]")
    if group.floor is not None:
        out.add(depth, f"if {gp} < {gen.const(group.floor)}:")
        out.add(depth + 1, f"{gp} = {gen.const(group.floor)}")
    if group.cap is not None:
        out.add(depth, f"if {gp} > {gen.const(group.cap)}:")
        out.add(depth + 1, f"{gp} = {gen.const(group.cap)}")
    if gp != "_points":
        out.add(depth, f"_points += {gp}")
        out.add(depth, f"_yuan += {gy}")


def _pay(
    gen: _Gen,
    out: _Lines,
    group: ir.Group,
    rule: ir.Rule,
    inner_scopes: list[_Scope],
    scopes: list[_Scope],
    depth: int,
    gp: str,
    gy: str,
    bp: str,
    factor: str | None,
) -> None:
    """The lines of a rule that matched."""
    p, y = gen.amount(rule.points, inner_scopes), gen.amount(rule.yuan, inner_scopes)
    zero_yuan = isinstance(rule.yuan, ir.Const) and not rule.yuan.value
    if factor is not None:
        assert group.scale is not None
        out.add(depth, f"if {factor} is None:")
        with gen.branch():
            out.add(depth + 1, f"{factor} = {gen.amount(group.scale, scopes)}")
        p, y = f"{p} * {factor}", f"{y} * {factor}"
    if group.combine == "highest":
        # The largest (points, yuan) wins; the first one wins a tie.
        found = gen.tmp("_b")
        out.add(depth, f"{found} = ({p}, {y})")
        out.add(depth, f"if {bp} is None or {found} > {bp}:")
        out.add(depth + 1, f"{bp} = {found}")
    else:
        out.add(depth, f"{gp} += {p}")
        if not zero_yuan or factor is not None:
            out.add(depth, f"{gy} += {y}")


def _fused(gen: _Gen, out: _Lines, group: ir.Group, scopes: list[_Scope], depth: int) -> None:
    """Lines that compute, in one loop over a list, the ``count``/``any``/``all`` over
    it that the group's conditions test, when there are several; they are then known.

    Only what cannot raise: it is computed before the rules that test it, even those
    a rule before them would have stopped."""
    found: dict[Hashable, ir.Aggregate] = {}
    for rule in group.rules:
        for node in _tested(rule.cond):
            if (
                isinstance(node, ir.Aggregate)
                and node.where is not None
                and node.func in ("count", "any", "all")
                and isinstance(node.items, (ir.Field, ir.GetAttr))
                and _cannot_raise(node)
            ):
                key = gen.hashable_key(node, scopes)
                if key is not None and key not in gen.known[-1]:
                    found.setdefault(key, node)
    lists: dict[Hashable, list[tuple[Hashable, ir.Aggregate]]] = {}
    for key, node in found.items():
        lists.setdefault(gen.key(node.items, scopes), []).append((key, node))
    for aggregates in lists.values():
        if len(aggregates) < 2:
            continue  # one is computed where it is first tested
        items, nullable = gen.expr(aggregates[0][1].items, scopes)
        if nullable:
            continue  # left to the aggregate itself (which gives up)
        locals_ = [gen.tmp("_c") for _ in aggregates]
        for local, (_, node) in zip(locals_, aggregates, strict=True):
            out.add(depth, f"{local} = {'0' if node.func == 'count' else node.func == 'all'}")
        var = gen.tmp("_i")
        out.add(depth, f"for {var} in {items}:")
        with gen.branch(define=False):
            for local, (_, node) in zip(locals_, aggregates, strict=True):
                assert node.where is not None
                test = gen.cond(node.where, [*scopes, _item_scope(node, var)])
                if node.func == "all":
                    out.add(depth + 1, f"if not ({test}):")
                    out.add(depth + 2, f"{local} = False")
                else:
                    out.add(depth + 1, f"if {test}:")
                    out.add(depth + 2, f"{local} += 1" if node.func == "count" else f"{local} = True")
        for local, (key, _) in zip(locals_, aggregates, strict=True):
            gen.known[-1][key] = (local, False, None)


def _steps(
    gen: _Gen, out: _Lines, steps: Sequence[ir.Gate | ir.Group], scopes: list[_Scope], depth: int, record: StructT
) -> None:
    for position, step in enumerate(steps):
        if isinstance(step, ir.Gate):
            out.add(depth, f"if not ({gen.cond(step.cond, scopes)}):")
            out.add(depth + 1, f"_stopped = {gate_index(steps, position)}" if gen.track_gates else "pass")
            out.add(depth, "else:")
            rest = steps[position + 1 :]
            if rest:
                with gen.branch():  # the groups after a gate run only when it passes
                    _steps(gen, out, rest, scopes, depth + 1, record)
            else:
                out.add(depth + 1, "pass")
            return
        _group(gen, out, step, scopes, depth, record)


def gate_index(steps: Sequence[ir.Gate | ir.Group], position: int) -> int:
    """The index of a gate among the gates of its block (what the caller maps back)."""
    return sum(1 for s in steps[:position] if isinstance(s, ir.Gate))


def _score_body(gen: _Gen, score: ir.Score, schema: ir.Schema, scorer: bool) -> _Lines:
    record = _Scope("v", nullable=_struct_nullables(schema.struct))
    scopes = [record]
    gen.track_gates = not scorer
    gen.fuse = True
    body = _Lines()
    if scorer:
        body.add(1, "v = record.values")
    first_let = len(schema.struct.fields)
    for offset, let in enumerate(score.lets):
        var = f"_l{offset}"
        source, nullable = gen.bind(let, scopes, var)
        body.add(1, f"{var} = {source}")
        record.lets[first_let + offset] = var
        record.let_nullable[first_let + offset] = nullable
    body.add(1, f"_points = {gen.const(ZERO)}")
    body.add(1, f"_yuan = {gen.const(ZERO)}")
    if not scorer:
        body.add(1, "_stopped = None")
    _steps(gen, body, score.steps, scopes, 1, schema.struct)
    total = score.total
    if total is not None and total.floor is not None:
        body.add(1, f"if _points < {gen.const(total.floor)}:")
        body.add(2, f"_points = {gen.const(total.floor)}")
    if total is not None and total.cap is not None:
        body.add(1, f"if _points > {gen.const(total.cap)}:")
        body.add(2, f"_points = {gen.const(total.cap)}")
    if scorer:
        body.add(1, "return _points, _yuan")
        return body
    body.add(1, "_flagged = ()")
    checks: list[ir.Expr] = [w.cond for w in score.warns] + [r.cond for r in score.reminds]
    for index, condition in enumerate(checks):
        body.add(1, f"if {gen.cond(condition, scopes)}:")
        body.add(2, f"_flagged += ({index},)")
    # Generated last as it runs last (in the return), after what it may reuse.
    targets, _ = gen.expr(score.targets, scopes)
    body.add(1, f"return _points, _yuan, _stopped, {targets}, _flagged")
    return body


def generate_score(score: ir.Score, schema: ir.Schema, ruleset: str, *, ctx: Any = None) -> FastFn | None:
    """The fast function of one score block, or ``None`` if it uses a construct the
    generator leaves to the closures.

    Without ``ctx``: ``(values, ctx) -> (points, yuan, stopped, targets, flagged)`` for
    the evaluator — ``stopped`` is the index of the gate that stopped the record among
    ``score.gates``, ``flagged`` the indexes of the warnings, then reminders, whose
    condition holds (the caller formats their messages).  With ``ctx`` (the evaluation
    date and period, fixed): ``(record) -> (points, yuan)``, for :meth:`Ruleset.scorer`.
    """
    name = f"_score_{next(_counter)}"
    scorer = ctx is not None
    try:
        # A first pass learns which repeated expressions are reused where computed; the
        # second computes only those into locals.
        first = _Gen()
        first.share_all = True
        _score_body(first, score, schema, scorer)
        gen = _Gen()
        gen.shared = frozenset(first.reused)
        body = _score_body(gen, score, schema, scorer)
    except Unsupported:
        return None
    # Constants and the fixed context are default arguments: locals are the fastest names.
    defaults = [f"_k{i}=_k{i}" for i in range(len(gen.consts))]
    head = ["record", "ctx=_ctx"] if scorer else ["v", "ctx"]
    source = f"def {name}({', '.join(head + defaults)}):\n" + "\n".join(body.lines) + "\n"
    namespace: dict[str, Any] = {f"_k{i}": value for i, value in enumerate(gen.consts)}
    namespace["_ctx"] = ctx
    fn: FastFn = define(name, source, namespace, f"<govinfo-rules {ruleset}: score {schema.name} {name}>")
    return fn


def generate_condition(cond: ir.Expr, item: Any, ruleset: str) -> Callable[[tuple[Any, ...], Any], bool] | None:
    """``(values, ctx) -> bool``: whether ``cond``, read on one scope of type ``item``
    (a struct), certainly holds — a running tally's condition in the cohort stage
    (:mod:`.cohort`); ``None`` for a construct left to the closures."""
    gen = _Gen()
    scopes = [_Scope("v", nullable=_struct_nullables(item))]
    name = f"_cond_{next(_counter)}"
    try:
        test = gen.cond(cond, scopes)
    except Unsupported:
        return None
    defaults = [f"_k{i}=_k{i}" for i in range(len(gen.consts))]
    source = f"def {name}({', '.join(['v', 'ctx', *defaults])}):\n    return {test}\n"
    namespace: dict[str, Any] = {f"_k{i}": value for i, value in enumerate(gen.consts)}
    fn: Callable[[tuple[Any, ...], Any], bool] = define(
        name, source, namespace, f"<govinfo-rules {ruleset}: tally {name}>"
    )
    return fn


def generate_matcher(group: ir.Group, schema: ir.Schema, ruleset: str, line: Callable[..., Any]) -> Any:
    """The traced path's matcher of one group, or ``None`` for a construct left to the
    closures: ``(env) -> [line(rule, group, points, yuan, item), ...]``, every rule
    that matched in item order then rule order, unscaled — what
    ``_CompiledGroup._matched`` of :mod:`.compile` returns, which it replaces.  Picking
    the highest, scaling and bounds stay with the caller, shared with the closures."""
    gen = _Gen()
    # Lets follow the fields in the record's values here: unknown unless proved otherwise.
    scopes = [_Scope("v", nullable=_struct_nullables(schema.struct))]
    name = f"_match_{next(_counter)}"
    body = _Lines()
    body.add(1, "v = env[0]")
    body.add(1, "ctx = env[1]")
    body.add(1, "_out = []")
    make, owner = gen.const(line), gen.const(group)
    depth, item = 1, "None"
    try:
        if group.over is not None:
            items, nullable = gen.expr(group.over, scopes)
            item_type = _item_type(group.over.type)
            if nullable or not isinstance(item_type, StructT):
                raise Unsupported("over a list that may be missing, or of plain values")
            body.add(1, f"for _ix, _it in enumerate({items}):")
            scopes = [*scopes, _Scope("_it", nullable=_struct_nullables(item_type))]
            depth, item = 2, "_ix"
        for rule in group.rules:
            body.add(depth, f"if {gen.cond(rule.cond, scopes)}:")
            points, yuan = gen.amount(rule.points, scopes), gen.amount(rule.yuan, scopes)
            body.add(depth + 1, f"_out.append({make}({gen.const(rule)}, {owner}, {points}, {yuan}, {item}))")
        body.add(1, "return _out")
    except Unsupported:
        return None
    defaults = [f"_k{i}=_k{i}" for i in range(len(gen.consts))]
    source = f"def {name}({', '.join(['env', *defaults])}):\n" + "\n".join(body.lines) + "\n"
    namespace: dict[str, Any] = {f"_k{i}": value for i, value in enumerate(gen.consts)}
    return define(name, source, namespace, f"<govinfo-rules {ruleset}: rules of {schema.name} {name}>")


def define(name: str, source: str, namespace: dict[str, Any], filename: str) -> Any:
    """The function ``name`` that generated ``source`` defines, with its constants in
    ``namespace``; the source is registered with linecache under ``filename`` (so
    tracebacks show it) and kept on the function as ``__govinfo_source__``."""
    code = _compile_source(source, filename)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    _run_definition(code, namespace)
    fn = namespace[name]
    fn.__govinfo_source__ = source
    return fn


def _compile_source(source: str, filename: str) -> Any:
    # The source is built from generated names and operators only (see the module
    # docstring); tests/test_safety.py checks that no ruleset text reaches it.
    return compile(source, filename, "exec")


def _run_definition(code: Any, namespace: dict[str, Any]) -> None:
    exec(code, namespace)  # noqa: S102  (generated source only; see the module docstring)
