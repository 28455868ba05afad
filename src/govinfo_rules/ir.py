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
    lo: Decimal | None = None  # declared bounds (min/max), used to prove full marks
    hi: Decimal | None = None


@attrs.frozen
class GetAttr:
    obj: Expr
    index: int
    name: str
    type: Type
    lo: Decimal | None = None
    hi: Decimal | None = None


@attrs.frozen
class Member:
    """``x in LIST``: membership in a list value."""

    expr: Expr
    items: Expr
    negated: bool
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
class Context:
    """``as_of`` (index 0) or ``period`` (index 1): facts of the evaluation itself."""

    index: int
    name: str
    type: Type


@attrs.frozen
class If:
    cond: Expr
    then: Expr
    otherwise: Expr
    type: Type


@attrs.frozen(eq=False)
class Table:
    """A checked table: keys (canonical labels, numbers or name keys) to values or rows."""

    name: str
    rows: dict[Any, Any]  # key -> value (inline) or row tuple (CSV)
    default: Any  # the `else` value, or None
    by_name: bool  # keys are names: look up by name identity
    shown: dict[Any, str]  # key -> the key as written (names keep their spelling)


@attrs.frozen
class Lookup:
    table: Table
    key: Expr
    type: Type


@attrs.frozen
class InTable:
    expr: Expr
    table: Table
    negated: bool
    type: Type


@attrs.frozen
class Aggregate:
    """``count(xs)``, ``count(xs where c)``, ``any(xs where c)``, ``all(...)``."""

    func: str  # count, any, all, sum
    items: Expr
    where: Expr | None  # evaluated with the item pushed as the innermost scope
    type: Type
    wrap: bool = False  # the items are plain values: the scope is (item,), read as `it`


@attrs.frozen
class Extreme:
    func: str  # "min" | "max"
    args: tuple[Expr, ...]
    type: Type


@attrs.frozen
class Tallied:
    """A running aggregate of the cohort stage (:mod:`.cohort`): its value is read from
    the context, ``ctx[2][slot]``.  Made from an aggregate when a ledger is evaluated,
    never by the checker."""

    slot: int
    type: Type


Expr = (
    Const
    | Field
    | GetAttr
    | Neg
    | Not
    | Arith
    | Cmp
    | InSet
    | IsNull
    | Logic
    | Context
    | Member
    | If
    | Lookup
    | InTable
    | Aggregate
    | Extreme
)


# --- program ------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Require:
    cond: Expr
    at: tuple[str, ...]
    pieces: tuple[str | Expr, ...]  # the message, with {placeholders}


@attrs.frozen(eq=False)
class Schema:
    """A record type: its struct, the field that dates it, and its cross-field checks."""

    name: str
    struct: StructT
    dated: Expr | None  # the record's date (as-of check; and the period unless period_by)
    period_by: Expr | None  # the date that decides the period, if not `dated`
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
    scale: Expr | None  # a factor applied to every line of the group
    start: Decimal | None  # the budget the group starts from
    floor: Decimal | None  # the total is kept within [floor, cap]
    cap: Decimal | None
    maximum: Decimal | None  # declared full marks, proved by the checker
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
class Remind:
    cond: Expr
    pieces: tuple[str | Expr, ...]
    due: Expr | None
    shortfall: Expr | None
    clause: str | None
    notes: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class Total:
    """The record's total kept within [floor, cap] as the last step."""

    floor: Decimal | None
    cap: Decimal | None
    maximum: Decimal | None
    clause: str | None
    notes: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class Tiers:
    """Forced distribution within ranking groups (20% / 60% / 20%)."""

    tiers: tuple[tuple[str, Decimal | None], ...]
    rankings: tuple[tuple[str, tuple[str, ...]], ...]  # group label, record types
    exempt_label: str | None
    exempt: dict[str, Expr]  # record type -> condition on its record
    clause: str | None
    notes: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class Monotone:
    """A declared monotonicity of a record type's points in one of its fields."""

    field: str
    type: Type
    increasing: bool
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None


@attrs.frozen(eq=False)
class Score:
    """Runs on the record scope extended with its lets (values + let values)."""

    record: str
    targets: Expr  # a name, or a list of names
    lets: tuple[Expr, ...]
    steps: tuple[Gate | Group, ...]  # a gate stops the groups after it
    warns: tuple[Warn, ...]
    reminds: tuple[Remind, ...]
    total: Total | None = None
    let_names: tuple[str, ...] = ()
    monotone: tuple[Monotone, ...] = ()

    @property
    def gates(self) -> tuple[Gate, ...]:
        return tuple(s for s in self.steps if isinstance(s, Gate))

    @property
    def groups(self) -> tuple[Group, ...]:
        return tuple(s for s in self.steps if isinstance(s, Group))


@attrs.frozen(eq=False)
class Entrant:
    """The scope of a unit (``per unit``) or an award entrant.

    Values: (name, points, yuan, records, one list per record type..., lets...);
    each listed record is its values plus (scored, points, yuan)."""

    struct: StructT
    types: tuple[str, ...]  # record types, in the order of their lists


@attrs.frozen(eq=False)
class PerUnit:
    scope: Entrant
    lets: tuple[Expr, ...]
    rules: tuple[Rule, ...]
    warns: tuple[Warn, ...]
    reminds: tuple[Remind, ...]
    shows: tuple[tuple[str, int], ...]  # column name, index in the extended scope


@attrs.frozen(eq=False)
class Award:
    label: str
    record: str
    entrants: Expr  # evaluated on each record: a name or a list of names
    entrants_are_targets: bool  # entrants are what the record credits: points are theirs
    scope: Entrant
    measure: Expr  # in the entrant scope
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
    tables: tuple[Table, ...] = ()
    per_unit: PerUnit | None = None
    units_from: Table | None = None
    period_default: str | None = None
    table_names: tuple[str, ...] = ()  # every table declared, inline or CSV
    tiers: Tiers | None = None
    used: frozenset[str] = frozenset()  # parameters and tables some expression reads
