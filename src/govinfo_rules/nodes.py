"""The ruleset AST: frozen, slotted attrs classes, each with a span excluded from equality.

Built from the parse tree by :mod:`govinfo_rules.build`; nothing downstream ever sees
the parse tree.  Names are still unresolved here (see :mod:`govinfo_rules.check`).
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from .source import Span


def _span() -> Span | None:
    return attrs.field(default=None, eq=False, repr=False, kw_only=True)  # type: ignore[no-any-return]


# --- expressions ---------------------------------------------------------------


@attrs.frozen
class Number:
    value: Decimal
    is_integer: bool
    span: Span | None = _span()


@attrs.frozen
class String:
    value: str
    span: Span | None = _span()


@attrs.frozen
class Boolean:
    value: bool
    span: Span | None = _span()


@attrs.frozen
class Null:
    span: Span | None = _span()


@attrs.frozen
class Name:
    ident: str
    span: Span | None = _span()


@attrs.frozen
class Attr:
    obj: Expr
    name: str
    span: Span | None = _span()


@attrs.frozen
class Days:
    """``N days``: a count of days, readable sugar over an integer."""

    expr: Expr
    span: Span | None = _span()


@attrs.frozen
class Neg:
    expr: Expr
    span: Span | None = _span()


@attrs.frozen
class BinOp:
    op: str
    left: Expr
    right: Expr
    span: Span | None = _span()


@attrs.frozen
class Compare:
    op: str
    left: Expr
    right: Expr
    span: Span | None = _span()


@attrs.frozen
class In:
    expr: Expr
    options: tuple[Expr, ...]
    negated: bool
    span: Span | None = _span()


@attrs.frozen
class IsNull:
    expr: Expr
    negated: bool
    span: Span | None = _span()


@attrs.frozen
class Not:
    expr: Expr
    span: Span | None = _span()


@attrs.frozen
class And:
    left: Expr
    right: Expr
    span: Span | None = _span()


@attrs.frozen
class Or:
    left: Expr
    right: Expr
    span: Span | None = _span()


@attrs.frozen
class If:
    cond: Expr
    then: Expr
    otherwise: Expr
    span: Span | None = _span()


@attrs.frozen
class Index:
    """``table[key]``: a row (CSV table) or a value (inline table), or null."""

    table: str
    key: Expr
    span: Span | None = _span()


@attrs.frozen
class InTable:
    expr: Expr
    table: str
    negated: bool
    span: Span | None = _span()


@attrs.frozen
class Call:
    func: str
    args: tuple[Expr, ...]
    where: Expr | None
    span: Span | None = _span()


Expr = (
    Number
    | String
    | Boolean
    | Null
    | Name
    | Attr
    | Days
    | Neg
    | BinOp
    | Compare
    | In
    | IsNull
    | Not
    | And
    | Or
    | If
    | Index
    | InTable
    | Call
)


# --- types and schemas ---------------------------------------------------------


@attrs.frozen
class EnumValue:
    label: str
    aliases: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class TypeRef:
    name: str
    span: Span | None = _span()


@attrs.frozen
class ListType:
    item: TypeExpr
    span: Span | None = _span()


@attrs.frozen
class EnumType:
    values: tuple[EnumValue, ...]
    span: Span | None = _span()


TypeExpr = TypeRef | ListType | EnumType


@attrs.frozen
class Field:
    name: str
    type: TypeExpr
    optional: bool
    minimum: Decimal | None
    maximum: Decimal | None
    default: Number | String | Boolean | None
    label: String | None = None  # the column header a ledger may use instead of the name
    span: Span | None = _span()


@attrs.frozen
class Require:
    cond: Expr
    at: tuple[str, ...]
    message: str
    span: Span | None = _span()


@attrs.frozen
class EnumDecl:
    name: str
    values: tuple[EnumValue, ...]
    span: Span | None = _span()


@attrs.frozen
class StructDecl:
    name: str
    fields: tuple[Field, ...]
    requires: tuple[Require, ...]
    span: Span | None = _span()


@attrs.frozen
class RecordDecl:
    name: str
    dated: Expr | None
    period_by: Expr | None
    fields: tuple[Field, ...]
    requires: tuple[Require, ...]
    span: Span | None = _span()


# --- scoring -----------------------------------------------------------------


@attrs.frozen
class Param:
    name: str
    type: TypeExpr
    default: Number | String | Boolean
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Amount:
    """``+0.5 pts`` or ``¥100``: the value is an expression, usually a number."""

    kind: str  # "points" | "yuan"
    value: Expr
    span: Span | None = _span()


@attrs.frozen
class Rule:
    label: str
    cond: Expr
    amounts: tuple[Amount, ...]
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Group:
    name: str
    combine: str
    over: tuple[str, ...] | None
    scale: Expr | None
    limits: Limits
    rules: tuple[Rule, ...]
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Gate:
    cond: Expr
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Warn:
    cond: Expr
    message: str
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Limits:
    """A budget and bounds: start from `start`, keep within [floor, cap]; `max` is the
    declared full marks that the checker proves no record can exceed."""

    start: Decimal | None = None
    floor: Decimal | None = None
    cap: Decimal | None = None
    maximum: Decimal | None = None


@attrs.frozen
class Total:
    limits: Limits
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Ranking:
    label: str
    types: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Tiers:
    tiers: tuple[tuple[str, Decimal | None], ...]  # label and percent; None takes the rest
    exempt_label: str | None
    exempt: Expr | None
    ties: str
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Let:
    name: str
    expr: Expr
    span: Span | None = _span()


@attrs.frozen
class Remind:
    cond: Expr
    message: str
    due: Expr | None
    shortfall: Expr | None
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Monotone:
    """``monotone adoptions``: a property the ruleset declares and `audit` checks."""

    field: str
    increasing: bool
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Score:
    """A record type's scoring: lets, then gates and groups in order (a gate stops the
    groups after it), warnings and reminders."""

    record: str
    to: tuple[str, ...]
    lets: tuple[Let, ...]
    steps: tuple[Gate | Group, ...]
    warns: tuple[Warn, ...]
    reminds: tuple[Remind, ...]
    total: Total | None = None
    monotone: tuple[Monotone, ...] = ()
    span: Span | None = _span()


@attrs.frozen
class PerUnit:
    """Rules over each unit's records in the period: quotas, over-task bonuses."""

    lets: tuple[Let, ...]
    rules: tuple[Rule, ...]
    warns: tuple[Warn, ...]
    reminds: tuple[Remind, ...]
    shows: tuple[Name, ...]
    span: Span | None = _span()


@attrs.frozen
class TableEntry:
    key: str | Decimal | None  # a label, a number, or None for `else`
    value: Number | String | Boolean
    span: Span | None = _span()


@attrs.frozen
class InlineTable:
    name: str
    entries: tuple[TableEntry, ...]
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class CsvTable:
    name: str
    path: str
    key: str
    fields: tuple[Field, ...]
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Award:
    label: str
    rank: tuple[str, ...]
    of_type: str | None
    measure: Expr
    among: Expr | None
    prizes: tuple[Decimal, ...]
    ties: str
    clause: str | None
    notes: tuple[str, ...]
    span: Span | None = _span()


@attrs.frozen
class Ruleset:
    name: str
    title: str | None
    version: str | None
    source: str | None
    params: tuple[Param, ...]
    enums: tuple[EnumDecl, ...]
    structs: tuple[StructDecl, ...]
    records: tuple[RecordDecl, ...]
    scores: tuple[Score, ...]
    awards: tuple[Award, ...]
    tables: tuple[InlineTable | CsvTable, ...] = ()
    per_unit: PerUnit | None = None
    units_from: Name | None = None
    period_default: str | None = None
    rankings: tuple[Ranking, ...] = ()
    tiers: Tiers | None = None
    span: Span | None = _span()
