"""The checked, typed intermediate form that evaluators run.

:mod:`.check` lowers the AST into these nodes: names resolved to scope slots and field
indexes, enum literals to their canonical labels, parameters folded to constants.
Both evaluators (:mod:`.compile` and :mod:`.interpret`) read only this form.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from .source import Span
from .types import StructT, Type

# --- expressions -----------------------------------------------------------------
# A scope is one struct value (a tuple); the environment is the tuple of scopes,
# innermost first.  ``Field(depth, index)`` reads ``env[depth][index]``.


@attrs.frozen
class Const:
    value: Any
    type: Type


@attrs.frozen
class Field:
    depth: int
    index: int
    name: str
    type: Type


@attrs.frozen
class GetAttr:
    obj: Expr
    index: int
    name: str
    type: Type


@attrs.frozen
class Neg:
    expr: Expr
    type: Type


@attrs.frozen
class Not:
    expr: Expr
    type: Type


@attrs.frozen
class Arith:
    op: str  # + - * / ; date - date gives days, date + integer gives a date
    left: Expr
    right: Expr
    type: Type


@attrs.frozen
class Cmp:
    op: str
    left: Expr
    right: Expr
    type: Type
    by_name: bool = False  # compare name keys, ignoring spaces and NFKC form


@attrs.frozen
class InSet:
    expr: Expr
    values: tuple[Any, ...]
    negated: bool
    type: Type


@attrs.frozen
class IsNull:
    expr: Expr
    negated: bool
    type: Type


@attrs.frozen
class Logic:
    op: str  # "and" | "or", Kleene three-valued: None is unknown
    left: Expr
    right: Expr
    type: Type


@attrs.frozen
class Aggregate:
    """``count(xs)``, ``count(xs where c)``, ``any(xs where c)``, ``all(...)``."""

    func: str
    items: Expr
    where: Expr | None  # evaluated with the item pushed as the innermost scope
    type: Type


@attrs.frozen
class Extreme:
    func: str  # "min" | "max"
    args: tuple[Expr, ...]
    type: Type


Expr = Const | Field | GetAttr | Neg | Not | Arith | Cmp | InSet | IsNull | Logic | Aggregate | Extreme


# --- program ------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Require:
    cond: Expr
    at: tuple[str, ...]
    message: str


@attrs.frozen(eq=False)
class Schema:
    """A record type: its struct, the field that dates it, and its cross-field checks."""

    name: str
    struct: StructT
    dated: int | None
    requires: tuple[Require, ...]
    struct_requires: tuple[tuple[StructT, tuple[Require, ...]], ...]


@attrs.frozen(eq=False)
class Rule:
    name: str  # "group.label", the name shown in traces
    label: str
    cond: Expr
    points: Expr
    yuan: Expr
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None


@attrs.frozen(eq=False)
class Group:
    name: str
    combine: str  # "sum" | "highest"
    over: Expr | None  # a list whose items are pushed as the innermost scope
    rules: tuple[Rule, ...]
    clause: str | None
    notes: tuple[str, ...]


@attrs.frozen(eq=False)
class Gate:
    cond: Expr
    text: str
    clause: str | None
    notes: tuple[str, ...]


@attrs.frozen(eq=False)
class Warn:
    cond: Expr
    pieces: tuple[str | Expr, ...]  # literal text and placeholders, in order
    clause: str | None
    notes: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class Score:
    record: str
    targets: Expr  # a name, or a list of names
    gates: tuple[Gate, ...]
    groups: tuple[Group, ...]
    warns: tuple[Warn, ...]


@attrs.frozen(eq=False)
class Award:
    label: str
    record: str
    entrants: Expr  # evaluated on each record: a name or a list of names
    entrants_are_targets: bool  # entrants are what the record credits: points are theirs
    measure: Expr  # in the entrant scope: (records, points)
    among: Expr | None
    prizes: tuple[Decimal, ...]
    ties: str
    clause: str | None
    notes: tuple[str, ...]


@attrs.frozen(eq=False)
class Param:
    name: str
    type: Type
    value: Any
    clause: str | None
    notes: tuple[str, ...]


@attrs.frozen(eq=False)
class Program:
    name: str
    title: str | None
    version: str | None
    source: str | None
    params: tuple[Param, ...]
    schemas: tuple[Schema, ...]
    scores: tuple[Score, ...]
    awards: tuple[Award, ...]
