"""Parse tree to AST (stage 2).

Entry point: :func:`build_ruleset`.  Every node gets the span of the text it came from.
Only shape is decided here (what is a rule, what is a group); names and types are
resolved by :mod:`.check`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from lark import Token, Tree

from . import nodes as n
from .errors import Diagnostic, RulesetError
from .limits import number_problem
from .source import SourceText, Span

_Node = Tree[Token]


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unescape(body: str) -> str:
    """Decode the escapes of a string literal: \\n \\t \\" \\\\ and \\uXXXX."""
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        code = body[i + 1 : i + 2]
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
            i += 2
        elif code == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
            point = int(body[i + 2 : i + 6], 16)
            if 0xD800 <= point <= 0xDFFF:  # no UTF-8 text can hold one: every output would fail
                raise ValueError(f"'\\u{body[i + 2 : i + 6]}' is half of a surrogate pair; write the character itself")
            out.append(chr(point))
            i += 6
        else:
            raise ValueError(f"unknown escape '\\{code}' in a string; write \\\\ for a backslash")
    return "".join(out)


class _Builder:
    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.errors: list[Diagnostic] = []

    # --- helpers -----------------------------------------------------------------

    def span(self, item: _Node | Token) -> Span | None:
        if isinstance(item, Token):
            if item.line is None or item.column is None:
                return None
            return Span(
                self.source,
                item.line,
                item.column,
                item.end_line or item.line,
                item.end_column or item.column + len(item.value),
            )
        meta = item.meta
        if getattr(meta, "empty", True):
            return None
        return Span(self.source, meta.line, meta.column, meta.end_line, meta.end_column)

    def string(self, token: Token) -> str:
        # The STRING token is a double-quoted literal; only a few escapes are allowed.
        try:
            return unescape(token.value[1:-1])
        except ValueError as err:
            self.errors.append(Diagnostic(str(err), self.span(token)))
            return str(token.value[1:-1])

    @staticmethod
    def trees(node: _Node, data: str) -> Iterator[_Node]:
        return (c for c in node.children if isinstance(c, Tree) and c.data == data)

    def one(self, node: _Node, data: str) -> _Node | None:
        return next(self.trees(node, data), None)

    def clause(self, node: _Node) -> str | None:
        found = self.one(node, "clause")
        if found is None:
            return None
        token = found.children[0]
        assert isinstance(token, Token)
        return str(token.value[1:]).strip()

    def notes(self, node: _Node) -> tuple[str, ...]:
        return tuple(self.string(t.children[0]) for t in self.trees(node, "note"))  # type: ignore[arg-type]

    def label(self, node: _Node | Token) -> str:
        if isinstance(node, Token):
            return str(node.value)
        token = node.children[0]
        assert isinstance(token, Token)
        return self.string(token) if node.data == "label_string" else str(token.value)

    def path(self, node: _Node) -> tuple[str, ...]:
        return tuple(t.value for t in node.children if isinstance(t, Token))

    def number(self, node: _Node) -> Decimal:
        negative = any(isinstance(t, Token) and t.value == "-" for t in node.children)
        value = self.decimal([t for t in node.children if isinstance(t, Token) and t.type == "NUMBER"][0])
        return value.copy_negate() if negative else value

    def decimal(self, token: Token) -> Decimal:
        """A NUMBER token's value; one beyond the limits of a number is an error."""
        value = Decimal(token.value)
        problem = number_problem(value)
        if problem is not None:
            self.errors.append(Diagnostic(f"number {problem}", self.span(token)))
            return Decimal(0)
        return value

    # --- declarations -----------------------------------------------------------

    def ruleset(self, tree: _Node) -> n.Ruleset:
        header = tree.children[0]
        assert isinstance(header, Tree)
        name_token = header.children[0]
        assert isinstance(name_token, Token)
        title = self.string(header.children[1]) if len(header.children) > 1 else None  # type: ignore[arg-type]
        version = source = None
        params: list[n.Param] = []
        enums: list[n.EnumDecl] = []
        structs: list[n.StructDecl] = []
        records: list[n.RecordDecl] = []
        scores: list[n.Score] = []
        awards: list[n.Award] = []
        tables: list[n.InlineTable | n.CsvTable] = []
        per_unit: n.PerUnit | None = None
        rankings: list[n.Ranking] = []
        tiers: n.Tiers | None = None
        units_from: n.Name | None = None
        period_default: str | None = None
        for decl in tree.children[1:]:
            assert isinstance(decl, Tree)
            kind = decl.data
            if kind == "version_decl":
                version = self.string(decl.children[0])  # type: ignore[arg-type]
            elif kind == "source_decl":
                source = self.string(decl.children[0])  # type: ignore[arg-type]
            elif kind == "param_decl":
                params.append(self.param(decl))
            elif kind == "enum_decl":
                enums.append(self.enum_decl(decl))
            elif kind == "struct_decl":
                structs.append(self.struct_decl(decl))
            elif kind == "record_decl":
                records.append(self.record_decl(decl))
            elif kind == "score_decl":
                scores.append(self.score(decl))
            elif kind == "award_decl":
                awards.append(self.award(decl))
            elif kind in ("inline_table", "csv_table"):
                tables.append(self.table(decl))
            elif kind == "units_decl":
                units_from = n.Name(self.token(decl, 0), span=self.span(decl.children[0]))
            elif kind == "period_decl":
                period_default = self.token(decl, 0)
                if period_default != "year":
                    self.errors.append(
                        Diagnostic(
                            f"unknown default period '{period_default}'; expected: period default year", self.span(decl)
                        )
                    )
            elif kind == "ranking_decl":
                types = tuple(str(t.value) for t in decl.children[1:] if isinstance(t, Token))
                rankings.append(n.Ranking(self.label(decl.children[0]), types, span=self.span(decl)))
            elif kind == "tiers_decl":
                if tiers is not None:
                    self.errors.append(Diagnostic("a ruleset has one 'tiers' declaration", self.span(decl)))
                tiers = self.tiers(decl)
            elif kind == "per_unit_decl":
                if per_unit is not None:
                    self.errors.append(Diagnostic("a ruleset has one 'per unit' block", self.span(decl)))
                per_unit = self.per_unit(decl)
        return n.Ruleset(
            name=name_token.value,
            title=title,
            version=version,
            source=source,
            params=tuple(params),
            enums=tuple(enums),
            structs=tuple(structs),
            records=tuple(records),
            scores=tuple(scores),
            awards=tuple(awards),
            tables=tuple(tables),
            per_unit=per_unit,
            units_from=units_from,
            period_default=period_default,
            rankings=tuple(rankings),
            tiers=tiers,
            span=self.span(header),
        )

    def tiers(self, node: _Node) -> n.Tiers:
        tiers = []
        for tier in self.trees(node, "tier"):
            numbers = [t for t in tier.children if isinstance(t, Token) and t.type == "NUMBER"]
            percent = self.decimal(numbers[0]) if numbers else None
            tiers.append((self.label(tier.children[0]), percent))
        exempt = self.one(node, "exempt")
        ties = [t for t in node.children if isinstance(t, Token) and t.type == "NAME"][-1]
        return n.Tiers(
            tiers=tuple(tiers),
            exempt_label=self.label(exempt.children[0]) if exempt is not None else None,
            exempt=self.expr(exempt.children[1]) if exempt is not None else None,
            ties=str(ties.value),
            clause=self.clause(node),
            notes=self.notes(node),
            span=self.span(node),
        )

    def limits(self, node: _Node) -> n.Limits:
        values: dict[str, Decimal] = {}
        for limit in node.children:
            if isinstance(limit, Tree) and limit.data.startswith("limit_"):
                key = limit.data.removeprefix("limit_")
                if key in values:
                    self.errors.append(Diagnostic(f"'{key}' is given twice", self.span(limit)))
                values[key] = self.number(limit.children[0])  # type: ignore[arg-type]
        return n.Limits(values.get("start"), values.get("floor"), values.get("cap"), values.get("max"))

    @staticmethod
    def token(node: _Node, index: int) -> str:
        token = node.children[index]
        assert isinstance(token, Token)
        return str(token.value)

    def table(self, node: _Node) -> n.InlineTable | n.CsvTable:
        name = node.children[0]
        assert isinstance(name, Token)
        if node.data == "csv_table":
            return n.CsvTable(
                name=name.value,
                path=self.string(node.children[1]),  # type: ignore[arg-type]
                key=self.token(node, 2),
                fields=tuple(self.field(f) for f in self.trees(node, "field")),
                clause=self.clause(node),
                notes=self.notes(node),
                span=self.span(name),
            )
        entries_node = self.one(node, "table_entries")
        assert entries_node is not None
        entries = []
        for entry in entries_node.children:
            assert isinstance(entry, Tree)
            key_node, value_node = entry.children
            key: str | Decimal | None
            if isinstance(key_node, Tree) and key_node.data == "else_key":
                key = None
            elif isinstance(key_node, Tree) and key_node.data == "signed_number":
                key = self.number(key_node)
            else:
                key = self.label(key_node)
            entries.append(n.TableEntry(key, self.literal(value_node), span=self.span(entry)))
        return n.InlineTable(name.value, tuple(entries), self.clause(node), self.notes(node), span=self.span(name))

    def let(self, node: _Node) -> n.Let:
        return n.Let(self.token(node, 0), self.expr(node.children[1]), span=self.span(node))

    def remind(self, node: _Node) -> n.Remind:
        due = self.one(node, "remind_due")
        shortfall = self.one(node, "remind_shortfall")
        return n.Remind(
            cond=self.expr(node.children[0]),
            message=self.string(node.children[1]),  # type: ignore[arg-type]
            due=self.expr(due.children[0]) if due is not None else None,
            shortfall=self.expr(shortfall.children[0]) if shortfall is not None else None,
            clause=self.clause(node),
            notes=self.notes(node),
            span=self.span(node),
        )

    def per_unit(self, node: _Node) -> n.PerUnit:
        shows: list[n.Name] = []
        for show in self.trees(node, "show"):
            shows.extend(n.Name(str(t.value), span=self.span(t)) for t in show.children if isinstance(t, Token))
        return n.PerUnit(
            lets=tuple(self.let(x) for x in self.trees(node, "let")),
            rules=tuple(self.rule(x) for x in self.trees(node, "rule")),
            warns=tuple(self.warn(x) for x in self.trees(node, "warn")),
            reminds=tuple(self.remind(x) for x in self.trees(node, "remind")),
            shows=tuple(shows),
            span=self.span(node),
        )

    def literal(self, node: _Node | Token) -> n.Number | n.String | n.Boolean:
        assert isinstance(node, Tree)
        if node.data == "signed_number":
            value = self.number(node)
            digits = [t for t in node.children if isinstance(t, Token) and t.type == "NUMBER"][0]
            return n.Number(value, "." not in digits.value, span=self.span(node))
        if node.data == "string":
            return n.String(self.string(node.children[0]), span=self.span(node))  # type: ignore[arg-type]
        return n.Boolean(node.data == "true", span=self.span(node))

    def param(self, node: _Node) -> n.Param:
        name = node.children[0]
        assert isinstance(name, Token)
        return n.Param(
            name=name.value,
            type=self.type_expr(node.children[1]),
            default=self.literal(node.children[2]),
            clause=self.clause(node),
            notes=self.notes(node),
            span=self.span(name),
        )

    def enum_values(self, node: _Node) -> tuple[n.EnumValue, ...]:
        values = []
        for value in self.trees(node, "enum_value"):
            label = self.label(value.children[0])
            aliases: tuple[str, ...] = ()
            alias_node = self.one(value, "aliases")
            if alias_node is not None:
                aliases = tuple(self.label(a) for a in alias_node.children)
            values.append(n.EnumValue(label, aliases, span=self.span(value)))
        return tuple(values)

    def enum_decl(self, node: _Node) -> n.EnumDecl:
        name = node.children[0]
        assert isinstance(name, Token)
        values = self.enum_values(node.children[1])  # type: ignore[arg-type]
        return n.EnumDecl(name.value, values, span=self.span(name))

    def type_expr(self, node: _Node | Token) -> n.TypeExpr:
        assert isinstance(node, Tree)
        if node.data == "type_ref":
            token = node.children[0]
            assert isinstance(token, Token)
            return n.TypeRef(token.value, span=self.span(token))
        if node.data == "list_type":
            return n.ListType(self.type_expr(node.children[0]), span=self.span(node))
        return n.EnumType(self.enum_values(node.children[0]), span=self.span(node))  # type: ignore[arg-type]

    def field(self, node: _Node) -> n.Field:
        name = node.children[0]
        assert isinstance(name, Token)
        optional = False
        minimum = maximum = None
        default = None
        label: n.String | None = None
        for mod in node.children[2:]:
            assert isinstance(mod, Tree)
            if mod.data == "mod_label":
                token = mod.children[0]
                assert isinstance(token, Token)
                if label is not None:
                    self.errors.append(Diagnostic(f"field '{name.value}' has two labels", self.span(token)))
                label = n.String(self.string(token), span=self.span(token))
            elif mod.data == "mod_optional":
                optional = True
            elif mod.data == "mod_min":
                minimum = self.number(mod.children[0])  # type: ignore[arg-type]
            elif mod.data == "mod_max":
                maximum = self.number(mod.children[0])  # type: ignore[arg-type]
            elif mod.data == "mod_default":
                default = self.literal(mod.children[0])
        return n.Field(
            name=name.value,
            type=self.type_expr(node.children[1]),
            optional=optional,
            minimum=minimum,
            maximum=maximum,
            default=default,
            label=label,
            span=self.span(name),
        )

    def require(self, node: _Node) -> n.Require:
        return n.Require(
            cond=self.expr(node.children[0]),
            at=self.path(node.children[1]),  # type: ignore[arg-type]
            message=self.string(node.children[2]),  # type: ignore[arg-type]
            span=self.span(node),
        )

    def struct_decl(self, node: _Node) -> n.StructDecl:
        name = node.children[0]
        assert isinstance(name, Token)
        return n.StructDecl(
            name.value,
            tuple(self.field(f) for f in self.trees(node, "field")),
            tuple(self.require(r) for r in self.trees(node, "require")),
            span=self.span(name),
        )

    def record_decl(self, node: _Node) -> n.RecordDecl:
        name = node.children[0]
        assert isinstance(name, Token)
        dated = self.one(node, "dated")
        dated_expr = self.expr(dated.children[0]) if dated is not None else None
        period_by = self.expr(dated.children[1]) if dated is not None and len(dated.children) > 1 else None
        return n.RecordDecl(
            name.value,
            dated_expr,
            period_by,
            tuple(self.field(f) for f in self.trees(node, "field")),
            tuple(self.require(r) for r in self.trees(node, "require")),
            span=self.span(name),
        )

    # --- scoring ----------------------------------------------------------------

    def score(self, node: _Node) -> n.Score:
        record = node.children[0]
        assert isinstance(record, Token)
        steps: list[n.Gate | n.Group] = []
        for item in node.children[2:]:
            if isinstance(item, Tree) and item.data == "gate":
                steps.append(
                    n.Gate(self.expr(item.children[0]), self.clause(item), self.notes(item), span=self.span(item))
                )
            elif isinstance(item, Tree) and item.data == "group":
                steps.append(self.group(item))
        return n.Score(
            record=record.value,
            to=self.path(node.children[1]),  # type: ignore[arg-type]
            lets=tuple(self.let(x) for x in self.trees(node, "let")),
            steps=tuple(steps),
            warns=tuple(self.warn(w) for w in self.trees(node, "warn")),
            reminds=tuple(self.remind(r) for r in self.trees(node, "remind")),
            total=self.total(node),
            monotone=tuple(self.monotone(m) for m in self.trees(node, "monotone")),
            span=self.span(record),
        )

    def monotone(self, node: _Node) -> n.Monotone:
        field = node.children[0]
        assert isinstance(field, Token)
        direction = self.one(node, "decreasing")
        return n.Monotone(field.value, direction is None, self.clause(node), self.notes(node), span=self.span(field))

    def total(self, node: _Node) -> n.Total | None:
        totals = list(self.trees(node, "total"))
        if not totals:
            return None
        if len(totals) > 1:
            self.errors.append(Diagnostic("a score block has one 'total'", self.span(totals[1])))
        found = totals[0]
        return n.Total(self.limits(found), self.clause(found), self.notes(found), span=self.span(found))

    def group(self, node: _Node) -> n.Group:
        name, combine = node.children[0], node.children[1]
        assert isinstance(name, Token) and isinstance(combine, Token)
        over = self.one(node, "over")
        scale = self.one(node, "scale")
        return n.Group(
            name=name.value,
            combine=combine.value,
            over=self.path(over.children[0]) if over is not None else None,  # type: ignore[arg-type]
            scale=self.expr(scale.children[0]) if scale is not None else None,
            limits=self.limits(node),
            rules=tuple(self.rule(r) for r in self.trees(node, "rule")),
            clause=self.clause(node),
            notes=self.notes(node),
            span=self.span(name),
        )

    def rule(self, node: _Node) -> n.Rule:
        amounts_node = self.one(node, "amounts")
        assert amounts_node is not None
        amounts = []
        for amount in amounts_node.children:
            assert isinstance(amount, Tree)
            kind = "points" if amount.data == "points_amount" else "yuan"
            negative = any(isinstance(t, Token) and t.type == "SIGN" and t.value == "-" for t in amount.children)
            value_node = [c for c in amount.children if isinstance(c, Tree)][0]
            value = self.expr(value_node)
            if negative:
                value = n.Neg(value, span=self.span(amount))
            amounts.append(n.Amount(kind, value, span=self.span(amount)))
        return n.Rule(
            label=self.label(node.children[0]),
            cond=self.expr(node.children[1]),
            amounts=tuple(amounts),
            clause=self.clause(node),
            notes=self.notes(node),
            span=self.span(node.children[0]),
        )

    def warn(self, node: _Node) -> n.Warn:
        return n.Warn(
            cond=self.expr(node.children[0]),
            message=self.string(node.children[1]),  # type: ignore[arg-type]
            clause=self.clause(node),
            notes=self.notes(node),
            span=self.span(node),
        )

    def award(self, node: _Node) -> n.Award:
        path = self.one(node, "path")
        of_type = self.one(node, "of_type")
        among = self.one(node, "among")
        prizes = self.one(node, "prizes")
        assert path is not None and prizes is not None
        measure = [
            c
            for c in node.children
            if isinstance(c, Tree)
            and c.data not in {"label_name", "label_string", "path", "of_type", "among", "prizes", "clause", "note"}
        ][0]
        ties = [t for t in node.children if isinstance(t, Token)][-1]
        return n.Award(
            label=self.label(node.children[0]),
            rank=self.path(path),
            of_type=of_type.children[0].value if of_type is not None else None,  # type: ignore[union-attr]
            measure=self.expr(measure),
            among=self.expr(among.children[0]) if among is not None else None,
            prizes=tuple(self.decimal(p.children[1]) for p in prizes.children),  # type: ignore[arg-type, union-attr]
            ties=ties.value,
            clause=self.clause(node),
            notes=self.notes(node),
            span=self.span(node.children[0]),
        )

    # --- expressions --------------------------------------------------------------

    def expr(self, node: _Node | Token) -> n.Expr:
        assert isinstance(node, Tree)
        span = self.span(node)
        kind = node.data
        kids: list[Any] = node.children
        if kind == "number":
            return n.Number(self.decimal(kids[0]), "." not in kids[0].value, span=span)
        if kind == "string":
            return n.String(self.string(kids[0]), span=span)
        if kind == "name":
            return n.Name(kids[0].value, span=span)
        if kind in ("true", "false"):
            return n.Boolean(kind == "true", span=span)
        if kind == "null":
            return n.Null(span=span)
        if kind == "attr":
            return n.Attr(self.expr(kids[0]), kids[1].value, span=span)
        if kind == "days":
            return n.Days(self.expr(kids[0]), span=span)
        if kind == "neg":
            return n.Neg(self.expr(kids[0]), span=span)
        if kind == "binop":
            return n.BinOp(kids[1].value, self.expr(kids[0]), self.expr(kids[2]), span=span)
        if kind == "compare":
            return n.Compare(kids[1].value, self.expr(kids[0]), self.expr(kids[2]), span=span)
        if kind in ("in_op", "not_in_op"):
            options = tuple(self.expr(e) for e in kids[1].children)
            return n.In(self.expr(kids[0]), options, kind == "not_in_op", span=span)
        if kind in ("is_null", "is_not_null"):
            return n.IsNull(self.expr(kids[0]), kind == "is_not_null", span=span)
        if kind == "not_op":
            return n.Not(self.expr(kids[0]), span=span)
        if kind == "and_op":
            return n.And(self.expr(kids[0]), self.expr(kids[1]), span=span)
        if kind == "or_op":
            return n.Or(self.expr(kids[0]), self.expr(kids[1]), span=span)
        if kind == "if_expr":
            return n.If(self.expr(kids[0]), self.expr(kids[1]), self.expr(kids[2]), span=span)
        if kind == "index":
            base = self.expr(kids[0])
            if not isinstance(base, n.Name):
                self.errors.append(Diagnostic("only a table can be indexed: write TABLE[key]", span))
                return base
            return n.Index(base.ident, self.expr(kids[1]), span=span)
        if kind in ("in_table", "not_in_table"):
            return n.InTable(self.expr(kids[0]), kids[1].value, kind == "not_in_table", span=span)
        if kind == "call":
            args: tuple[n.Expr, ...] = ()
            where = None
            for child in kids[1:]:
                if child.data == "expr_list":
                    args = tuple(self.expr(e) for e in child.children)
                elif child.data == "where":
                    where = self.expr(child.children[0])
            return n.Call(kids[0].value, args, where, span=span)
        raise AssertionError(f"unhandled expression node {kind}")  # pragma: no cover


def build_ruleset(tree: Tree[Token], source: SourceText) -> n.Ruleset:
    """Turn a parse tree into a :class:`nodes.Ruleset`."""
    builder = _Builder(source)
    ruleset = builder.ruleset(tree)
    if builder.errors:
        raise RulesetError(builder.errors)
    return ruleset
