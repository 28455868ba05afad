"""AST to typed IR (stage 3): resolve names, check types and enum values.

Entry point: :func:`check_ruleset`.  Every problem found is collected and raised at
once as a :class:`RulesetError`.  Also rejects what is cheap to see as wrong: a rule
whose condition contradicts itself (``kind == 快报 and kind == 专报``), duplicate names.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from . import ir
from . import nodes as n
from .bounds import group_range, total_range
from .errors import Diagnostic, RulesetError
from .inputs import csv_cell_column
from .limits import MAX_FACTORS, MAX_RECORD_FIELDS, MAX_VALUE_DEPTH, date_problem, number_problem
from .source import SourceText, Span
from .types import (
    BOOL,
    DATE,
    DECIMAL,
    ID_LABEL,
    INTEGER,
    NAME,
    NULL,
    SCALARS,
    TEXT,
    TYPE_LABEL,
    EnumT,
    FieldSpec,
    ListT,
    Scalar,
    StructT,
    Type,
    is_name_like,
    is_numeric,
    name_key,
    normalize_text,
)

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_COMBINES = ("sum", "highest")
_TIES = ("split",)
_BOOL_WORDS = {"true": True, "false": False, "是": True, "否": False, "1": True, "0": False}


def suggest(word: str, candidates: Sequence[str]) -> str | None:
    """The closest candidate to ``word``, for "did you mean" hints."""
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.0)
    return found[0] if found else None


def _header_column(spec: FieldSpec, header: Sequence[str]) -> int | None:
    """The column of a data table's field: its name or its label, as headers compare."""
    keys = {name_key(spec.name), *([name_key(spec.label)] if spec.label is not None else [])}
    return next((i for i, cell in enumerate(header) if cell in keys), None)


def _did_you_mean(word: str, candidates: Sequence[str]) -> str:
    best = suggest(word, candidates) if candidates else None
    return f"; did you mean '{best}'?" if best else ""


PERIOD_T = StructT(
    "period",
    (
        FieldSpec("start", DATE, 0),
        FieldSpec("end", DATE, 1),
        FieldSpec("months", INTEGER, 2),
        FieldSpec("months_begun", INTEGER, 3),
    ),
)
# Facts of the evaluation, readable where records are scored (not in `require`).
CONTEXT_NAMES = {"as_of": ir.Context(0, "as_of", DATE), "period": ir.Context(1, "period", PERIOD_T)}


class _Scope:
    """A chain of struct scopes (innermost first) for name lookup."""

    def __init__(self, structs: tuple[StructT, ...], context: bool = True) -> None:
        self.structs = structs
        self.context = context

    def push(self, struct: StructT) -> _Scope:
        return _Scope((struct, *self.structs), self.context)

    def lookup(self, name: str) -> ir.Field | None:
        for depth, struct in enumerate(self.structs):
            spec = struct.field(name)
            if spec is not None:
                return ir.Field(depth, spec.index, name, spec.type, *_bounds(spec))
        return None

    def names(self) -> list[str]:
        names = [f.name for s in self.structs for f in s.fields]
        return names + list(CONTEXT_NAMES) if self.context else names


class _Checker:
    def __init__(self, ruleset: n.Ruleset, overrides: Mapping[str, Any], base_dir: Path | None) -> None:
        self.ruleset = ruleset
        self.base_dir = base_dir
        self.overrides = dict(overrides)
        self.table_decls: dict[str, n.InlineTable | n.CsvTable] = {}
        self.tables: dict[tuple[str, int], ir.Table] = {}
        self.csv_tables: dict[str, tuple[ir.Table, StructT, FieldSpec]] = {}
        self.used: set[str] = set()  # parameters and tables that some expression reads
        self.errors: list[Diagnostic] = []
        self.enums: dict[str, EnumT] = {}
        self.structs: dict[str, StructT] = {}
        self.params: dict[str, ir.Param] = {}
        self.struct_requires: dict[str, tuple[n.Require, ...]] = {}
        # Depth and size of each struct's values (by id), for the limits on records.
        self.depths: dict[int, int] = {}
        self.sizes: dict[int, int] = {}
        self.too_deep = self.too_large = False

    def error(self, message: str, span: Span | None) -> None:
        self.errors.append(Diagnostic(message, span))

    # --- vocabulary -------------------------------------------------------------

    def make_enum(self, name: str, values: Sequence[n.EnumValue], span: Span | None, *, inline: bool = False) -> EnumT:
        lookup: dict[str, str] = {}
        labels: list[str] = []
        for value in values:
            label = normalize_text(value.label)
            labels.append(label)
            for spelling in (value.label, *value.aliases):
                key = normalize_text(spelling)
                if key in lookup:
                    self.error(f"'{spelling}' is listed twice in enum {name}", value.span)
                lookup[key] = label
        if not labels:
            self.error(f"enum {name} has no values", span)
        return EnumT(name, tuple(labels), tuple(lookup.items()), inline=inline)

    def resolve_type(self, expr: n.TypeExpr, owner: str) -> Type:
        if isinstance(expr, n.ListType):
            return ListT(self.resolve_type(expr.item, owner))
        if isinstance(expr, n.EnumType):
            return self.make_enum(owner, expr.values, expr.span, inline=True)
        if expr.name in SCALARS:
            return SCALARS[expr.name]
        if expr.name in self.enums:
            return self.enums[expr.name]
        if expr.name in self.structs:
            return self.structs[expr.name]
        known = [*SCALARS, *self.enums, *self.structs]
        self.error(f"unknown type '{expr.name}'{_did_you_mean(expr.name, known)}", expr.span)
        return TEXT

    def make_struct(
        self,
        name: str,
        fields: Sequence[n.Field],
        implicit: Sequence[FieldSpec],
        columns: Sequence[tuple[str, str]] = (),
    ) -> StructT:
        """The struct of ``fields`` after the ``implicit`` ones (a record's ``id``);
        ``columns`` are further columns a ledger row may have, each with its label (a
        record's ``type``): no field's label may take their headers."""
        specs: list[FieldSpec] = list(implicit)
        seen = {f.name for f in implicit}
        self.check_labels(name, fields, implicit, columns)
        for field in fields:
            if field.name in seen:
                self.error(f"field '{field.name}' is declared twice in {name}", field.span)
                continue
            seen.add(field.name)
            ftype = self.resolve_type(field.type, field.name)
            if (field.minimum is not None or field.maximum is not None) and not (
                is_numeric(ftype) or isinstance(ftype, ListT)
            ):
                self.error(f"min/max apply to numbers and lists, not to {ftype}", field.span)
            default = None
            if field.default is not None:
                default = self.literal_value(field.default, ftype)
            specs.append(
                FieldSpec(
                    field.name,
                    ftype,
                    len(specs),
                    field.optional or field.default is not None,
                    field.minimum,
                    field.maximum,
                    default,
                    field.span,
                    field.label.value if field.label is not None else None,
                )
            )
        struct = StructT(name, tuple(specs))
        self.measure(struct)
        return struct

    def check_labels(
        self,
        name: str,
        fields: Sequence[n.Field],
        implicit: Sequence[FieldSpec],
        columns: Sequence[tuple[str, str]],
    ) -> None:
        """A label names one field: it is neither another field's name nor another
        field's label (compared as headers are: NFKC, all white space removed)."""
        builtins = {column for column, _ in columns} | {spec.name for spec in implicit}
        names: dict[str, str] = {}
        for column, header in columns:
            names[name_key(column)] = names[name_key(header)] = column
        for spec in implicit:
            names[name_key(spec.name)] = spec.name
            if spec.label is not None:
                names.setdefault(name_key(spec.label), spec.name)
        for field in fields:
            names.setdefault(name_key(field.name), field.name)
        taken: dict[str, str] = {}  # label key -> the field it labels
        for field in fields:
            label = field.label
            if label is None:
                continue
            key = name_key(label.value)
            if not key:
                self.error(f"the label of field '{field.name}' is empty", label.span)
                continue
            other = names.get(key, field.name)
            if other != field.name:
                what = f"the name of field '{other}'"
                if other in builtins:
                    what = f"a header of the '{other}' column that every record has"
                self.error(
                    f"label '{label.value}' of field '{field.name}' in {name} is {what}: "
                    "a column header must name one field",
                    label.span,
                )
            elif taken.get(key, field.name) != field.name:
                self.error(
                    f"label '{label.value}' of field '{field.name}' in {name} is already the label of field "
                    f"'{taken[key]}'",
                    label.span,
                )
            taken.setdefault(key, field.name)

    def check_record_labels(self, decls: Sequence[n.RecordDecl]) -> None:
        """One ledger sheet holds every record type, under one header row: a header
        that names a field of one record type names no other field in another."""
        owner: dict[str, tuple[str, str]] = {}  # header key -> (field, record type)
        for decl in decls:
            for field in decl.fields:
                owner.setdefault(name_key(field.name), (field.name, decl.name))
        for decl in decls:
            own = {name_key(f.name) for f in decl.fields}
            for field in decl.fields:
                if field.label is None or not name_key(field.label.value):
                    continue
                key = name_key(field.label.value)
                if key in own and key != name_key(field.name):
                    continue  # another field's name in the same record type: check_labels said so
                other, record = owner.setdefault(key, (field.name, decl.name))
                if other != field.name and record != decl.name:
                    self.error(
                        f"label '{field.label.value}' of field '{field.name}' in {decl.name} also names field "
                        f"'{other}' of {record}: one ledger sheet holds every record type, so a column header "
                        "must name one field",
                        field.label.span,
                    )

    def measure(self, struct: StructT) -> None:
        """Note how deep and how large a struct's values are; report the first struct
        past a limit (a struct that uses it is past it too, and says nothing new)."""
        deepest = max(struct.fields, key=lambda f: self.type_depth(f.type), default=None)
        depth = 1 + (self.type_depth(deepest.type) if deepest is not None else 0)
        size = sum(1 + self.type_size(f.type) for f in struct.fields)
        self.depths[id(struct)], self.sizes[id(struct)] = depth, size
        span = deepest.span if deepest is not None else None
        if depth > MAX_VALUE_DEPTH and not self.too_deep:
            self.too_deep = True
            self.error(
                f"'{struct.name}' nests lists and structs {depth} levels deep, over the limit of "
                f"{MAX_VALUE_DEPTH}: flatten its values into fewer levels",
                span,
            )
        if size > MAX_RECORD_FIELDS and not self.too_large:
            self.too_large = True
            self.error(
                f"'{struct.name}' has {size:,} fields counting those of its structs (each time one is used), "
                f"over the limit of {MAX_RECORD_FIELDS:,}: split it into several record types",
                struct.fields[-1].span if struct.fields else None,
            )

    def type_depth(self, ftype: Type) -> int:
        if isinstance(ftype, ListT):
            return 1 + self.type_depth(ftype.item)
        if isinstance(ftype, StructT):
            return self.depths.get(id(ftype), 1)
        return 0

    def type_size(self, ftype: Type) -> int:
        if isinstance(ftype, ListT):
            return self.type_size(ftype.item)
        if isinstance(ftype, StructT):
            return self.sizes.get(id(ftype), len(ftype.fields))
        return 0

    def literal_value(self, lit: n.Number | n.String | n.Boolean, target: Type) -> Any:
        if isinstance(lit, n.Number):
            if target == INTEGER and lit.is_integer:
                return int(lit.value)
            if target == DECIMAL:
                return lit.value
        elif isinstance(lit, n.Boolean):
            if target == BOOL:
                return lit.value
        elif isinstance(lit, n.String):
            if is_name_like(target):
                return normalize_text(lit.value)
            if isinstance(target, EnumT):
                value = target.canonical(lit.value)
                if value is not None:
                    return value
                self.error(self.enum_message(lit.value, target), lit.span)
                return target.values[0]
            if target == DATE:
                try:
                    day = dt.date.fromisoformat(lit.value)
                except ValueError:
                    pass
                else:
                    problem = date_problem(day)
                    if problem is None:
                        return day
                    self.error(f"date {problem}", lit.span)
                    return None
        self.error(f"this value does not fit type {target}", lit.span)
        return None

    # --- declarations -----------------------------------------------------------

    def run(self) -> ir.Program:
        rs = self.ruleset
        self.errors.extend(factor_problems(rs))
        for decl in rs.enums:
            if decl.name in self.enums or decl.name in SCALARS:
                self.error(f"type '{decl.name}' is declared twice", decl.span)
            self.enums[decl.name] = self.make_enum(decl.name, decl.values, decl.span)
        for struct_decl in rs.structs:
            if struct_decl.name in self.structs or struct_decl.name in self.enums:
                self.error(f"type '{struct_decl.name}' is declared twice", struct_decl.span)
            self.structs[struct_decl.name] = self.make_struct(struct_decl.name, struct_decl.fields, ())
            self.struct_requires[struct_decl.name] = struct_decl.requires

        params = self.check_params()
        for table in rs.tables:
            if table.name in self.table_decls:
                self.error(f"table '{table.name}' is declared twice", table.span)
            self.table_decls[table.name] = table
            if isinstance(table, n.CsvTable):
                self.load_csv_table(table)
        schemas = tuple(self.check_record(r) for r in rs.records)
        self.check_record_labels(rs.records)
        by_name = {s.name: s for s in schemas}
        if len(by_name) != len(schemas):
            seen: set[str] = set()
            for record in rs.records:
                if record.name in seen:
                    self.error(f"record type '{record.name}' is declared twice", record.span)
                seen.add(record.name)
        if not schemas:
            self.error("the ruleset declares no record type", rs.span)
        scores = tuple(self.check_score(s, by_name) for s in rs.scores)
        scored: set[str] = set()
        for score in rs.scores:
            if score.record in scored:
                self.error(f"record type '{score.record}' has two score blocks; merge them into one", score.span)
            scored.add(score.record)
        score_targets = {s.record: s for s in rs.scores}
        per_unit = self.check_per_unit(rs.per_unit, schemas) if rs.per_unit is not None else None
        awards = tuple(self.check_award(a, by_name, score_targets, schemas) for a in rs.awards)
        tiers = self.check_tiers(rs, by_name) if rs.tiers is not None or rs.rankings else None
        units_from = None
        if rs.units_from is not None:
            found = self.csv_tables.get(rs.units_from.ident)
            if found is None:
                self.error(f"'units from {rs.units_from.ident}': no CSV table of that name", rs.units_from.span)
            else:
                units_from = found[0]
        for name in self.overrides:
            if name not in self.params:
                self.error(
                    f"override of unknown parameter '{name}'{_did_you_mean(name, list(self.params))}",
                    rs.span,
                )
        if self.errors:
            raise RulesetError(self.errors)
        return ir.Program(
            rs.name,
            rs.title,
            rs.version,
            rs.source,
            params,
            schemas,
            scores,
            awards,
            tuple(t for t, _, _ in self.csv_tables.values()),
            per_unit,
            units_from,
            rs.period_default,
            tuple(self.table_decls),
            tiers,
            frozenset(self.used | ({rs.units_from.ident} if rs.units_from else set())),
        )

    def check_tiers(self, rs: n.Ruleset, schemas: Mapping[str, ir.Schema]) -> ir.Tiers | None:
        """Ranking groups and the forced distribution of tiers within each."""
        decl = rs.tiers
        if decl is None:
            self.error("'ranking' groups need a 'tiers' declaration to rank into", rs.rankings[0].span)
            return None
        rankings: list[tuple[str, tuple[str, ...]]] = []
        placed: set[str] = set()
        for ranking in rs.rankings:
            for name in ranking.types:
                if name not in schemas:
                    self.error(f"unknown record type '{name}'{_did_you_mean(name, list(schemas))}", ranking.span)
                elif name in placed:
                    self.error(f"record type '{name}' is in two ranking groups", ranking.span)
                placed.add(name)
            rankings.append((ranking.label, ranking.types))
        if not rankings:  # one group of every record type
            rankings.append(("all", tuple(schemas)))
        rest = [label for label, percent in decl.tiers if percent is None]
        if len(rest) != 1:
            self.error("exactly one tier takes the rest (a tier written without a percentage)", decl.span)
        total = sum((p for _, p in decl.tiers if p is not None), Decimal(0))
        if total > 100:
            self.error(f"the tiers' percentages add up to {total}%, more than 100%", decl.span)
        if decl.ties != "better":
            self.error(f"unknown tie policy '{decl.ties}'; expected: ties better", decl.span)
        exempt: dict[str, ir.Expr] = {}
        if decl.exempt is not None:
            for name in sorted(placed & set(schemas)):
                exempt[name] = self.bool_expr(decl.exempt, _Scope((schemas[name].struct,), context=False))
        return ir.Tiers(decl.tiers, tuple(rankings), decl.exempt_label, exempt, decl.clause, decl.notes)

    def check_params(self) -> tuple[ir.Param, ...]:
        out = []
        for param in self.ruleset.params:
            ptype = self.resolve_type(param.type, param.name)
            if param.name in self.params:
                self.error(f"parameter '{param.name}' is declared twice", param.span)
            value = self.literal_value(param.default, ptype)
            if param.name in self.overrides:
                value = self.override_value(param.name, self.overrides[param.name], ptype, param.span)
            checked = ir.Param(param.name, ptype, value, param.clause, param.notes)
            self.params[param.name] = checked
            out.append(checked)
        return tuple(out)

    def override_value(self, name: str, raw: Any, ptype: Type, span: Span | None) -> Any:
        problem = None
        try:
            if is_numeric(ptype) and isinstance(raw, str | int | Decimal) and not isinstance(raw, bool):
                value = Decimal(raw.strip() if isinstance(raw, str) else raw)
                problem = number_problem(value)
                if problem is None and ptype == DECIMAL:
                    return value
                if problem is None and value == value.to_integral_value():
                    return int(value)
            elif ptype == BOOL and isinstance(raw, bool):
                return raw
            elif ptype == BOOL and isinstance(raw, str) and raw.strip().lower() in _BOOL_WORDS:
                return _BOOL_WORDS[raw.strip().lower()]
            elif is_name_like(ptype) and isinstance(raw, str):
                return normalize_text(raw)
            elif isinstance(ptype, EnumT) and isinstance(raw, str) and ptype.canonical(raw):
                return ptype.canonical(raw)
            elif ptype == DATE and isinstance(raw, str | dt.date):
                day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(raw)
                problem = date_problem(day)
                if problem is None:
                    return day
        except (InvalidOperation, ValueError):
            pass
        if problem is not None:
            self.error(f"override of parameter '{name}': {problem}", span)
        else:
            self.error(f"override of parameter '{name}': {_shown(raw)} is not a valid {ptype}", span)
        return None

    def check_record(self, decl: n.RecordDecl) -> ir.Schema:
        implicit = (FieldSpec("id", TEXT, 0, span=decl.span, label=ID_LABEL),)
        struct = self.make_struct(decl.name, decl.fields, implicit, (("type", TYPE_LABEL),))
        self.structs.setdefault(decl.name, struct)
        scope = _Scope((struct,), context=False)
        dated = period_by = None
        if decl.dated is not None:
            dated = self.expr(decl.dated, scope)
            if dated.type not in (DATE, INTEGER, NULL):
                self.error(f"a record is dated by a date (or a year as integer), not {dated.type}", decl.dated.span)
        if decl.period_by is not None:
            period_by = self.expr(decl.period_by, scope)
            if period_by.type not in (DATE, NULL):
                self.error(f"'period by' needs a date, not {period_by.type}", decl.period_by.span)
        requires = self.check_requires(decl.requires, struct)
        nested = []
        for sname, sreqs in self.struct_requires.items():
            if sreqs and self._uses_struct(struct, self.structs[sname]):
                nested.append((self.structs[sname], self.check_requires(sreqs, self.structs[sname])))
        return ir.Schema(decl.name, struct, dated, period_by, requires, tuple(nested))

    def _uses_struct(self, struct: StructT, target: StructT) -> bool:
        def walk(t: Type) -> bool:
            if t is target:
                return True
            if isinstance(t, ListT):
                return walk(t.item)
            if isinstance(t, StructT):
                return any(walk(f.type) for f in t.fields)
            return False

        return any(walk(f.type) for f in struct.fields)

    def check_requires(self, requires: Sequence[n.Require], struct: StructT) -> tuple[ir.Require, ...]:
        out = []
        scope = _Scope((struct,), context=False)
        for req in requires:
            cond = self.bool_expr(req.cond, scope)
            if struct.field(req.at[0]) is None:
                self.error(f"'require ... at {'.'.join(req.at)}': no such field in {struct.name}", req.span)
            out.append(ir.Require(cond, req.at, self.message_pieces(req.message, scope, req.span)))
        return tuple(out)

    def check_monotone(self, decl: n.Monotone, struct: StructT) -> ir.Monotone:
        spec = struct.field(decl.field)
        if spec is None:
            names = [f.name for f in struct.fields]
            self.error(
                f"'monotone {decl.field}': {struct.name} has no field '{decl.field}'{_did_you_mean(decl.field, names)}",
                decl.span,
            )
            return ir.Monotone(decl.field, NULL, decl.increasing, decl.clause, decl.notes, decl.span)
        if not (isinstance(spec.type, ListT) or is_numeric(spec.type) or spec.type == BOOL):
            self.error(
                f"'monotone {decl.field}' needs a list, a number or a bool; {decl.field} is {spec.type}", decl.span
            )
        return ir.Monotone(decl.field, spec.type, decl.increasing, decl.clause, decl.notes, decl.span)

    def check_score(self, decl: n.Score, schemas: Mapping[str, ir.Schema]) -> ir.Score:
        schema = schemas.get(decl.record)
        if schema is None:
            self.error(
                f"score for unknown record type '{decl.record}'{_did_you_mean(decl.record, list(schemas))}",
                decl.span,
            )
            schema = next(iter(schemas.values()), None)
            if schema is None:
                return ir.Score(decl.record, ir.Const("", NAME), (), (), (), ())
        struct, lets = self.check_lets(decl.lets, schema.struct, ())
        scope = _Scope((struct,))
        targets = self.path_expr(decl.to, scope, decl.span)
        if not (is_name_like(targets.type) or (isinstance(targets.type, ListT) and is_name_like(targets.type.item))):
            self.error(f"'score ... to' must name a unit field (name or list of name), not {targets.type}", decl.span)
        steps: list[ir.Gate | ir.Group] = []
        seen_groups: set[str] = set()
        for step in decl.steps:
            if isinstance(step, n.Gate):
                cond = self.bool_expr(step.cond, scope)
                steps.append(ir.Gate(cond, _source_text(step.cond.span), step.clause, step.notes))
                continue
            if step.name in seen_groups:
                self.error(f"group '{step.name}' is declared twice", step.span)
            seen_groups.add(step.name)
            steps.append(self.check_group(step, scope))
        warns = tuple(self.check_warn(w, scope) for w in decl.warns)
        reminds = tuple(self.check_remind(r, scope) for r in decl.reminds)
        total = None
        if decl.total is not None:
            limits = decl.total.limits
            if limits.start is not None:
                self.error("'total' takes floor, cap and max, not start", decl.total.span)
            total = ir.Total(limits.floor, limits.cap, limits.maximum, decl.total.clause, decl.total.notes)
        let_names = tuple(f.name for f in struct.fields[len(schema.struct.fields) :])
        monotone = tuple(self.check_monotone(m, schema.struct) for m in decl.monotone)
        score = ir.Score(decl.record, targets, lets, tuple(steps), warns, reminds, total, let_names, monotone)
        if total is not None and total.maximum is not None:
            self.prove_maximum(f"the total of {decl.record}", total_range(score)[1], total.maximum, decl.total.span)  # type: ignore[union-attr]
        return score

    def check_lets(
        self, lets: Sequence[n.Let], base: StructT, outer: tuple[StructT, ...]
    ) -> tuple[StructT, tuple[ir.Expr, ...]]:
        """Extend a scope struct with computed fields, each seeing the ones before it."""
        struct = base
        checked: list[ir.Expr] = []
        for let in lets:
            if struct.field(let.name) is not None:
                self.error(f"'{let.name}' is already a field or a let here", let.span)
                continue
            value = self.expr(let.expr, _Scope((struct, *outer)))
            checked.append(value)
            spec = FieldSpec(let.name, value.type, len(struct.fields), span=let.span)
            struct = StructT(base.name, (*struct.fields, spec))
        return struct, tuple(checked)

    def check_remind(self, remind: n.Remind, scope: _Scope) -> ir.Remind:
        cond = self.bool_expr(remind.cond, scope)
        due = shortfall = None
        if remind.due is not None:
            due = self.expr(remind.due, scope)
            if due.type not in (DATE, NULL):
                self.error(f"'due' needs a date, not {due.type}", remind.due.span)
        if remind.shortfall is not None:
            shortfall = self.expr(remind.shortfall, scope)
            if not is_numeric(shortfall.type) and shortfall.type != NULL:
                self.error(f"'shortfall' needs a number, not {shortfall.type}", remind.shortfall.span)
        pieces = self.message_pieces(remind.message, scope, remind.span)
        return ir.Remind(cond, pieces, due, shortfall, remind.clause, remind.notes)

    def entrant_scope(self, schemas: Sequence[ir.Schema], records: ir.Schema | None) -> ir.Entrant:
        """The scope of a unit or an award entrant: its name, totals and record lists."""
        fields = [FieldSpec("unit", NAME, 0), FieldSpec("points", DECIMAL, 1), FieldSpec("yuan", DECIMAL, 2)]
        listed = [records] if records is not None else []
        listed += list(schemas)
        names = []
        for i, schema in enumerate(listed):
            base = schema.struct
            extra = (
                FieldSpec("scored", BOOL, len(base.fields)),
                FieldSpec("points", DECIMAL, len(base.fields) + 1),
                FieldSpec("yuan", DECIMAL, len(base.fields) + 2),
            )
            item = StructT(base.name, (*base.fields, *extra))
            name = "records" if i == 0 and records is not None else schema.name
            if any(f.name == name for f in fields):
                continue
            fields.append(FieldSpec(name, ListT(item), len(fields)))
            names.append(schema.name)
        return ir.Entrant(StructT("entrant", tuple(fields)), tuple(names))

    def check_per_unit(self, decl: n.PerUnit, schemas: Sequence[ir.Schema]) -> ir.PerUnit:
        single = schemas[0] if len(schemas) == 1 else None
        entrant = self.entrant_scope(schemas, single)
        struct, lets = self.check_lets(decl.lets, entrant.struct, ())
        scope = _Scope((struct,))
        rules = []
        for rule in decl.rules:
            rules.append(self.check_rule(rule, "unit", scope))
        warns = tuple(self.check_warn(w, scope) for w in decl.warns)
        reminds = tuple(self.check_remind(r, scope) for r in decl.reminds)
        shows = []
        for shown in decl.shows:
            spec = struct.field(shown.ident)
            if spec is None:
                names = [f.name for f in struct.fields]
                self.error(f"'show {shown.ident}': no such let or field{_did_you_mean(shown.ident, names)}", shown.span)
                continue
            shows.append((shown.ident, spec.index))
        return ir.PerUnit(ir.Entrant(struct, entrant.types), lets, tuple(rules), warns, reminds, tuple(shows))

    def check_group(self, group: n.Group, scope: _Scope) -> ir.Group:
        if group.combine not in _COMBINES:
            self.error(
                f"unknown combination '{group.combine}'; a group combines by " + " or ".join(_COMBINES),
                group.span,
            )
        over = None
        rule_scope = scope
        if group.over is not None:
            over = self.path_expr(group.over, scope, group.span)
            if isinstance(over.type, ListT) and isinstance(over.type.item, StructT):
                rule_scope = scope.push(over.type.item)
            else:
                self.error(f"'over' needs a list of structs, not {over.type}", group.span)
        rules = []
        labels: set[str] = set()
        for rule in group.rules:
            if rule.label in labels:
                self.error(f"rule '{rule.label}' is declared twice in group {group.name}", rule.span)
            labels.add(rule.label)
            rules.append(self.check_rule(rule, group.name, rule_scope))
        scale = None
        if group.scale is not None:
            scale = self.expr(group.scale, scope)
            if not is_numeric(scale.type):
                self.error(f"'scale' needs a number, not {scale.type}", group.scale.span)
        limits = group.limits
        checked = ir.Group(
            group.name,
            group.combine,
            over,
            scale,
            limits.start,
            limits.floor,
            limits.cap,
            limits.maximum,
            tuple(rules),
            group.clause,
            group.notes,
        )
        if limits.floor is not None and limits.cap is not None and limits.floor > limits.cap:
            self.error(f"group {group.name}: floor {limits.floor} is above cap {limits.cap}", group.span)
        if limits.maximum is not None:
            self.prove_maximum(f"group {group.name}", group_range(checked)[1], limits.maximum, group.span)
        return checked

    def prove_maximum(self, what: str, upper: Decimal | None, maximum: Decimal, span: Span | None) -> None:
        """Reject a declared full-marks figure that some record could exceed."""
        if upper is None:
            self.error(
                f"{what} declares max {maximum}, but nothing bounds what it can pay: "
                "give the fields it reads a max, or a cap",
                span,
            )
        elif upper > maximum:
            self.error(f"{what} declares max {maximum}, but a record can get {upper}", span)

    def check_rule(self, rule: n.Rule, group: str, scope: _Scope) -> ir.Rule:
        cond = self.bool_expr(rule.cond, scope)
        self.check_contradiction(rule.cond, rule.span)
        points: ir.Expr = ir.Const(Decimal(0), DECIMAL)
        yuan: ir.Expr = ir.Const(Decimal(0), DECIMAL)
        seen: set[str] = set()
        for amount in rule.amounts:
            if amount.kind in seen:
                self.error(f"a rule gives {amount.kind} once", amount.span)
            seen.add(amount.kind)
            reported = len(self.errors)
            value = self.expr(amount.value, scope)
            # An amount whose expression was already found wrong has no type worth naming.
            if not is_numeric(value.type) and len(self.errors) == reported:
                self.error(f"an amount must be a number, not {value.type}", amount.span)
            if amount.kind == "points":
                points = value
            else:
                yuan = value
        return ir.Rule(f"{group}.{rule.label}", rule.label, cond, points, yuan, rule.clause, rule.notes, rule.span)

    def check_warn(self, warn: n.Warn, scope: _Scope) -> ir.Warn:
        cond = self.bool_expr(warn.cond, scope)
        return ir.Warn(cond, self.message_pieces(warn.message, scope, warn.span), warn.clause, warn.notes)

    def message_pieces(self, message: str, scope: _Scope, span: Span | None) -> tuple[str | ir.Expr, ...]:
        """Literal text and ``{path}`` placeholders, checked in ``scope``."""
        pieces: list[str | ir.Expr] = []
        pos = 0
        for match in _PLACEHOLDER.finditer(message):
            pieces.append(message[pos : match.start()])
            path = tuple(part.strip() for part in match.group(1).split("."))
            if not all(path):
                self.error(f"empty placeholder '{{{match.group(1)}}}' in the message", span)
            else:
                pieces.append(self.path_expr(path, scope, span))
            pos = match.end()
        pieces.append(message[pos:])
        return tuple(p for p in pieces if p != "")

    def check_award(
        self,
        decl: n.Award,
        schemas: Mapping[str, ir.Schema],
        scores: Mapping[str, n.Score],
        all_schemas: Sequence[ir.Schema],
    ) -> ir.Award:
        if decl.of_type is not None:
            schema = schemas.get(decl.of_type)
            if schema is None:
                self.error(
                    f"unknown record type '{decl.of_type}'{_did_you_mean(decl.of_type, list(schemas))}", decl.span
                )
        elif len(schemas) == 1:
            schema = next(iter(schemas.values()))
        else:
            schema = None
            self.error("this ruleset has several record types: say which with 'rank PATH of TYPE'", decl.span)
        if decl.ties not in _TIES:
            self.error(f"unknown tie policy '{decl.ties}'; expected " + " or ".join(_TIES), decl.span)
        if not decl.prizes:
            self.error("an award needs at least one prize", decl.span)
        if schema is None:
            empty = self.entrant_scope((), None)
            return ir.Award(
                decl.label, "", ir.Const("", NAME), False, empty, ir.Const(0, INTEGER), None, (), "split", None, ()
            )
        record_scope = _Scope((schema.struct,))
        entrants = self.path_expr(decl.rank, record_scope, decl.span)
        if not (is_name_like(entrants.type) or (isinstance(entrants.type, ListT) and is_name_like(entrants.type.item))):
            self.error(f"'rank' must name a name field (or a list of names), not {entrants.type}", decl.span)
        score = scores.get(schema.name)
        are_targets = score is not None and score.to == decl.rank
        entrant = self.entrant_scope(all_schemas, schema)
        scope = _Scope((entrant.struct,))
        measure = self.expr(decl.measure, scope)
        if not is_numeric(measure.type):
            self.error(f"an award ranks by a number, not {measure.type}", decl.span)
        among = self.bool_expr(decl.among, scope) if decl.among is not None else None
        return ir.Award(
            decl.label,
            schema.name,
            entrants,
            are_targets,
            entrant,
            measure,
            among,
            decl.prizes,
            decl.ties,
            decl.clause,
            decl.notes,
        )

    # --- expressions -------------------------------------------------------------

    def path_expr(self, path: Sequence[str], scope: _Scope, span: Span | None) -> ir.Expr:
        return self.expr(_path_node(path, span), scope)

    def bool_expr(self, expr: n.Expr, scope: _Scope) -> ir.Expr:
        checked = self.expr(expr, scope)
        if checked.type not in (BOOL, NULL):
            self.error(f"a condition must be true or false, not {checked.type}", expr.span)
        return checked

    def enum_message(self, word: str, enum: EnumT) -> str:
        allowed = ", ".join(enum.values)
        return f"'{word}' is not a value of {enum.name} (allowed: {allowed}){_did_you_mean(word, enum.values)}"

    def enum_literal(self, expr: n.Expr, enum: EnumT) -> ir.Expr | None:
        """Read a bare name or a string as a value of ``enum``, if it is meant as one."""
        if isinstance(expr, n.String):
            value = enum.canonical(expr.value)
            if value is None:
                self.error(self.enum_message(expr.value, enum), expr.span)
                return ir.Const(enum.values[0], enum)
            return ir.Const(value, enum)
        if isinstance(expr, n.Name):
            value = enum.canonical(expr.ident)
            if value is not None:
                return ir.Const(value, enum)
        return None

    def _is_literal(self, expr: n.Expr, scope: _Scope) -> bool:
        """A string, or a bare name that is no field or parameter: a value such as 快报."""
        if isinstance(expr, n.String):
            return True
        return isinstance(expr, n.Name) and scope.lookup(expr.ident) is None and expr.ident not in self.params

    def operand(self, expr: n.Expr, other: ir.Expr, scope: _Scope) -> ir.Expr:
        """Check ``expr`` where ``other`` is the other side: enum labels resolve against it."""
        if (
            isinstance(other.type, EnumT)
            and isinstance(expr, n.String | n.Name)
            and (isinstance(expr, n.String) or (scope.lookup(expr.ident) is None and expr.ident not in self.params))
        ):
            literal = self.enum_literal(expr, other.type)
            if literal is not None:
                return literal
            if isinstance(expr, n.Name):
                self.error(self.enum_message(expr.ident, other.type), expr.span)
                return ir.Const(other.type.values[0], other.type)
        return self.expr(expr, scope)

    def expr(self, expr: n.Expr, scope: _Scope) -> ir.Expr:
        if isinstance(expr, n.Number):
            if expr.is_integer:
                return ir.Const(int(expr.value), INTEGER)
            return ir.Const(expr.value, DECIMAL)
        if isinstance(expr, n.String):
            return ir.Const(normalize_text(expr.value), TEXT)
        if isinstance(expr, n.Boolean):
            return ir.Const(expr.value, BOOL)
        if isinstance(expr, n.Null):
            return ir.Const(None, NULL)
        if isinstance(expr, n.Name):
            found = scope.lookup(expr.ident)
            if found is not None:
                return found
            if expr.ident in self.params:
                self.used.add(expr.ident)
                param = self.params[expr.ident]
                return ir.Const(param.value, param.type)
            if scope.context and expr.ident in CONTEXT_NAMES:
                return CONTEXT_NAMES[expr.ident]
            self.error(
                f"unknown name '{expr.ident}'{_did_you_mean(expr.ident, [*scope.names(), *self.params])}",
                expr.span,
            )
            return ir.Const(None, NULL)
        if isinstance(expr, n.Attr):
            obj = self.expr(expr.obj, scope)
            if not isinstance(obj.type, StructT):
                self.error(f"'.{expr.name}' needs a struct, not {obj.type}", expr.span)
                return ir.Const(None, NULL)
            spec = obj.type.field(expr.name)
            if spec is None:
                names = [f.name for f in obj.type.fields]
                self.error(f"{obj.type.name} has no field '{expr.name}'{_did_you_mean(expr.name, names)}", expr.span)
                return ir.Const(None, NULL)
            return ir.GetAttr(obj, spec.index, expr.name, spec.type, *_bounds(spec))
        if isinstance(expr, n.Days):
            inner = self.expr(expr.expr, scope)
            if inner.type != INTEGER:
                self.error(f"'days' counts whole days: needs an integer, not {inner.type}", expr.span)
            return inner
        if isinstance(expr, n.Neg):
            inner = self.expr(expr.expr, scope)
            if not is_numeric(inner.type):
                self.error(f"'-' needs a number, not {inner.type}", expr.span)
                return ir.Const(None, NULL)
            if isinstance(inner, ir.Const) and inner.value is not None:
                return ir.Const(-inner.value, inner.type)
            return ir.Neg(inner, inner.type)
        if isinstance(expr, n.Not):
            inner = self.bool_expr(expr.expr, scope)
            return ir.Not(inner, BOOL)
        if isinstance(expr, n.And | n.Or):
            op = "and" if isinstance(expr, n.And) else "or"
            return ir.Logic(op, self.bool_expr(expr.left, scope), self.bool_expr(expr.right, scope), BOOL)
        if isinstance(expr, n.BinOp):
            return self.arith(expr, scope)
        if isinstance(expr, n.Compare):
            return self.compare(expr, scope)
        if isinstance(expr, n.In):
            subject = self.expr(expr.expr, scope)
            values = []
            for option in expr.options:
                checked = self.operand(option, subject, scope)
                if not isinstance(checked, ir.Const):
                    self.error("the values after 'in' must be constants", option.span)
                    continue
                if not _comparable(subject.type, checked.type):
                    self.error(f"cannot compare {subject.type} with {checked.type}", option.span)
                values.append(checked.value)
            return ir.InSet(subject, tuple(values), expr.negated, BOOL)
        if isinstance(expr, n.IsNull):
            return ir.IsNull(self.expr(expr.expr, scope), expr.negated, BOOL)
        if isinstance(expr, n.Call):
            return self.call(expr, scope)
        if isinstance(expr, n.If):
            cond = self.bool_expr(expr.cond, scope)
            then = self.expr(expr.then, scope)
            otherwise = self.expr(expr.otherwise, scope)
            result = _unify(then.type, otherwise.type)
            if result is None:
                self.error(f"the two branches differ: {then.type} and {otherwise.type}", expr.span)
                result = then.type
            return ir.If(cond, then, otherwise, result)
        if isinstance(expr, n.Index):
            key = self.expr(expr.key, scope)
            table = self.table_for(expr.table, key.type, expr.span)
            if table is None:
                return ir.Const(None, NULL)
            return ir.Lookup(table[0], key, table[1])
        if isinstance(expr, n.InTable) and expr.table not in self.table_decls and scope.lookup(expr.table):
            subject = self.expr(expr.expr, scope)
            items = self.expr(n.Name(expr.table, span=expr.span), scope)
            if not isinstance(items.type, ListT) or not _comparable(subject.type, items.type.item):
                self.error(f"'in {expr.table}' needs a list of {subject.type}, not {items.type}", expr.span)
            return ir.Member(subject, items, expr.negated, BOOL)
        if isinstance(expr, n.InTable):
            subject = self.expr(expr.expr, scope)
            table = self.table_for(expr.table, subject.type, expr.span)
            if table is None:
                return ir.Const(None, NULL)
            return ir.InTable(subject, table[0], expr.negated, BOOL)
        raise AssertionError(f"unhandled node {expr!r}")  # pragma: no cover

    def arith(self, expr: n.BinOp, scope: _Scope) -> ir.Expr:
        left = self.expr(expr.left, scope)
        right = self.expr(expr.right, scope)
        lt, rt = left.type, right.type
        result: Type
        if is_numeric(lt) and is_numeric(rt):
            result = INTEGER if lt == rt == INTEGER and expr.op != "/" else DECIMAL
        elif lt == DATE and rt == DATE and expr.op == "-":
            result = INTEGER
        elif lt == DATE and rt == INTEGER and expr.op in "+-":
            result = DATE
        elif NULL in (lt, rt):
            result = NULL
        else:
            self.error(f"cannot apply '{expr.op}' to {lt} and {rt}", expr.span)
            return ir.Const(None, NULL)
        if isinstance(left, ir.Const) and isinstance(right, ir.Const) and result != DATE:
            folded = _fold(expr.op, left.value, right.value)
            if folded is not None:
                return ir.Const(folded, result)
        return ir.Arith(expr.op, left, right, result)

    def compare(self, expr: n.Compare, scope: _Scope) -> ir.Expr:
        if isinstance(expr.left, n.Null) or isinstance(expr.right, n.Null):
            self.error("compare with null using 'is null' or 'is not null'", expr.span)
            return ir.Const(None, NULL)
        if self._is_literal(expr.left, scope) and not self._is_literal(expr.right, scope):
            right = self.expr(expr.right, scope)
            left = self.operand(expr.left, right, scope)
        else:
            before = len(self.errors)
            left = self.expr(expr.left, scope)
            if len(self.errors) > before and isinstance(expr.right, n.Name) and scope.lookup(expr.right.ident) is None:
                return ir.Const(None, NULL)  # the left side is already reported; the right is likely its value
            right = self.operand(expr.right, left, scope)
        if NULL in (left.type, right.type):
            pass  # an unknown side has been reported already, or is the literal null
        elif not _comparable(left.type, right.type):
            self.error(f"cannot compare {left.type} with {right.type}", expr.span)
        elif expr.op not in ("==", "!=") and not (
            (is_numeric(left.type) and is_numeric(right.type)) or left.type == right.type == DATE
        ):
            self.error(f"'{expr.op}' orders numbers and dates, not {left.type}", expr.span)
        by_name = NAME in (left.type, right.type)
        return ir.Cmp(expr.op, left, right, BOOL, by_name)

    def call(self, expr: n.Call, scope: _Scope) -> ir.Expr:
        func = expr.func
        if func == "sum" and expr.where is not None:
            self.error("sum(LIST) adds a list of numbers and takes no 'where'", expr.span)
            return ir.Const(None, NULL)
        if func == "sum" and len(expr.args) == 1:
            items = self.expr(expr.args[0], scope)
            if not (isinstance(items.type, ListT) and is_numeric(items.type.item)):
                self.error(f"sum() adds a list of numbers, not {items.type}", expr.span)
                return ir.Const(None, NULL)
            return ir.Aggregate("sum", items, None, items.type.item)
        if func in ("count", "any", "all"):
            if len(expr.args) != 1:
                self.error(f"{func}(LIST) or {func}(LIST where CONDITION) takes one list", expr.span)
                return ir.Const(None, NULL)
            items = self.expr(expr.args[0], scope)
            if not isinstance(items.type, ListT):
                self.error(f"{func}() needs a list, not {items.type}", expr.args[0].span)
                return ir.Const(None, NULL)
            where = None
            wrap = False
            if expr.where is not None:
                item_type = items.type.item
                if not isinstance(item_type, StructT):
                    # a list of plain values: each one is `it`
                    item_type = StructT("item", (FieldSpec("it", item_type, 0),))
                    wrap = True
                where = self.bool_expr(expr.where, scope.push(item_type))
            elif func != "count":
                self.error(f"{func}() needs a condition: {func}(LIST where CONDITION)", expr.span)
            return ir.Aggregate(func, items, where, INTEGER if func == "count" else BOOL, wrap)
        if func in ("min", "max"):
            args = tuple(self.expr(a, scope) for a in expr.args)
            if len(args) < 2 or not all(is_numeric(a.type) for a in args):
                self.error(f"{func}() takes two or more numbers", expr.span)
                return ir.Const(None, NULL)
            result = INTEGER if all(a.type == INTEGER for a in args) else DECIMAL
            return ir.Extreme(func, args, result)
        known = ["count", "any", "all", "sum", "min", "max"]
        self.error(f"unknown function '{func}'{_did_you_mean(func, known)}", expr.span)
        return ir.Const(None, NULL)

    # --- tables ----------------------------------------------------------------------

    def table_for(self, name: str, key_type: Type, span: Span | None) -> tuple[ir.Table, Type] | None:
        """The table ``name`` read with keys of ``key_type``, and the type of what it gives."""
        self.used.add(name)
        decl = self.table_decls.get(name)
        if decl is None:
            self.error(f"unknown table '{name}'{_did_you_mean(name, list(self.table_decls))}", span)
            return None
        if isinstance(decl, n.CsvTable):
            loaded = self.csv_tables.get(name)
            if loaded is None:
                return None
            table, row, key = loaded
            if not (key_type == NULL or _comparable(key_type, key.type)):
                self.error(f"table '{name}' is keyed by {key.type}, not {key_type}", span)
            return table, row
        value_type = self._inline_value_type(decl)
        cached = self.tables.get((name, id(key_type)))
        if cached is not None:
            return cached, value_type
        numeric_keys = [e for e in decl.entries if isinstance(e.key, Decimal)]
        label_keys = [e for e in decl.entries if isinstance(e.key, str)]
        if key_type != NULL and ((is_numeric(key_type) and label_keys) or (not is_numeric(key_type) and numeric_keys)):
            self.error(
                f"table '{name}' has {'labels' if label_keys else 'numbers'} as keys; "
                f"it cannot be read with a {key_type}",
                span,
            )
            return None
        if key_type != NULL and not (isinstance(key_type, EnumT) or is_numeric(key_type) or is_name_like(key_type)):
            self.error(f"table '{name}' cannot be read with a {key_type}", span)
            return None
        rows: dict[Any, Any] = {}
        default = None
        for entry in decl.entries:
            value = self.literal_value(entry.value, value_type)
            if entry.key is None:
                default = value
                continue
            row_key: Any = entry.key
            if isinstance(key_type, EnumT):
                row_key = key_type.canonical(str(entry.key))
                if row_key is None:
                    self.error(self.enum_message(str(entry.key), key_type), entry.span)
                    continue
            elif is_name_like(key_type):
                row_key = name_key(str(entry.key)) if key_type == NAME else normalize_text(str(entry.key))
            if row_key in rows:
                self.error(f"key '{entry.key}' is listed twice in table {name}", entry.span)
            rows[row_key] = value
        table = ir.Table(name, rows, default, key_type == NAME, {})
        self.tables[(name, id(key_type))] = table
        return table, value_type

    def _inline_value_type(self, decl: n.InlineTable) -> Type:
        values = [e.value for e in decl.entries]
        if all(isinstance(v, n.Number) for v in values):
            return INTEGER if all(v.is_integer for v in values if isinstance(v, n.Number)) else DECIMAL
        if all(isinstance(v, n.String) for v in values):
            return TEXT
        if all(isinstance(v, n.Boolean) for v in values):
            return BOOL
        self.error(f"the values of table '{decl.name}' must all be numbers, all text, or all true/false", decl.span)
        return TEXT

    def load_csv_table(self, decl: n.CsvTable) -> None:
        """Read a CSV data table beside the ruleset, typing every cell."""
        struct = self.make_struct(decl.name, decl.fields, ())
        key = struct.field(decl.key)
        if key is None:
            self.error(f"table '{decl.name}': key '{decl.key}' is not one of its fields", decl.span)
            return
        path = (self.base_dir or Path.cwd()) / decl.path
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, ValueError) as err:  # not UTF-8, or a NUL in the file name
            reason = getattr(err, "strerror", None) or str(err)
            self.error(f"table '{decl.name}': cannot read {decl.path}: {reason}", decl.span)
            return
        source = SourceText(decl.path, text)
        read, failure = _csv_rows(text)
        if failure is not None:
            line = min(failure[0], text.count("\n") + 1)
            self.error(
                f"table '{decl.name}': {decl.path} is not valid CSV: {failure[1]}", Span(source, line, 1, line, 2)
            )
            return
        header = [name_key(h) for h in read[0][1]] if read else []
        columns = {f.name: _header_column(f, header) for f in struct.fields}
        missing = [name for name, column in columns.items() if column is None]
        if missing:
            self.error(f"{decl.path}: the header lacks column(s) {', '.join(missing)} of table {decl.name}", decl.span)
            return
        rows: dict[Any, Any] = {}
        shown: dict[Any, str] = {}
        for line, cells in read[1:]:
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            values = []
            for spec in struct.fields:
                column = columns[spec.name]
                assert column is not None
                cell = cells[column] if column < len(cells) else ""
                col = csv_cell_column(source.line(line), column)
                where = Span(source, line, col, line, col + max(len(cell), 1))
                if not cell.strip() and spec.optional:
                    values.append(spec.default)
                    continue
                value = _csv_cell(cell, spec.type)
                problem = _value_problem(value)
                if problem is not None:
                    self.error(f"table {decl.name}: {spec.name}: {problem}", where)
                    value = None
                elif value is None:
                    self.error(f"table {decl.name}: {spec.name}: '{cell}' is not a valid {spec.type}", where)
                elif spec.minimum is not None and value < spec.minimum:
                    self.error(f"table {decl.name}: {spec.name}: {value} is below the minimum {spec.minimum}", where)
                elif spec.maximum is not None and value > spec.maximum:
                    self.error(f"table {decl.name}: {spec.name}: {value} is above the maximum {spec.maximum}", where)
                values.append(value)
            row_key = values[key.index]
            if row_key is None:
                continue
            lookup_key = name_key(row_key) if key.type == NAME else row_key
            if lookup_key in rows:
                self.error(
                    f"table {decl.name}: '{row_key}' is listed twice; keep one row", Span(source, line, 1, line, 2)
                )
                continue
            rows[lookup_key] = tuple(values)
            shown[lookup_key] = str(row_key)
        self.csv_tables[decl.name] = (ir.Table(decl.name, rows, None, key.type == NAME, shown), struct, key)

    # --- cheap contradiction check -------------------------------------------------

    def check_contradiction(self, cond: n.Expr, span: Span | None) -> None:
        """``a == X and a == Y`` with X != Y can never hold: the rule can never fire."""
        fixed: dict[str, str] = {}
        for part in _conjuncts(cond):
            if isinstance(part, n.Compare) and part.op == "==":
                key, value = _name_and_literal(part)
                if key is None or value is None:
                    continue
                if key in fixed and fixed[key] != value:
                    self.error(
                        f"this rule can never fire: its condition asks {key} to be both '{fixed[key]}' and '{value}'",
                        span,
                    )
                    return
                fixed[key] = value


# --- the limit on products ----------------------------------------------------------


def factor_problems(ruleset: n.Ruleset) -> list[Diagnostic]:
    """Computations that multiply or divide more than MAX_FACTORS values together,
    following each block's `let`s: one diagnostic per expression, at its first
    operation past the limit."""
    found: list[Diagnostic] = []
    _factor_walk(ruleset, {}, found)
    return found


def _factor_walk(node: Any, lets: dict[str, int], found: list[Diagnostic]) -> None:
    if isinstance(node, n.Score | n.PerUnit):
        lets = dict(lets)
        for let in node.lets:  # each let sees the ones before it, as in `check_lets`
            lets[let.name] = _expression_factors(let.expr, lets, found)
    if isinstance(node, tuple):
        for item in node:
            _factor_walk(item, lets, found)
    elif isinstance(node, n.Let):
        return  # measured with its block above
    elif isinstance(node, n.Expr):
        _expression_factors(node, lets, found)
    elif type(node).__module__ == n.__name__:  # an AST node: its parts, not its span's text
        for field in attrs.fields(type(node)):
            if field.name != "span":
                _factor_walk(getattr(node, field.name), lets, found)


def _expression_factors(expr: n.Expr, lets: dict[str, int], found: list[Diagnostic]) -> int:
    past: list[Diagnostic] = []
    factors = _factors(expr, lets, past)
    found.extend(past[:1])
    return factors


def _factors(expr: n.Expr, lets: dict[str, int], past: list[Diagnostic]) -> int:
    """How many values ``expr`` multiplies together; a number or a name is one."""
    if isinstance(expr, n.BinOp):
        left, right = _factors(expr.left, lets, past), _factors(expr.right, lets, past)
        factors = left + right if expr.op in "*/" else max(left, right)
        if factors > MAX_FACTORS and not past:
            message = (
                f"this computation multiplies {factors} values together (following lets), over the limit of "
                f"{MAX_FACTORS}: no policy needs that many, check the formula"
            )
            past.append(Diagnostic(message, expr.span))
        return factors
    if isinstance(expr, n.Name):
        return lets.get(expr.ident, 1)
    if isinstance(expr, n.Neg | n.Days):
        return _factors(expr.expr, lets, past)
    if isinstance(expr, n.If):
        _factors(expr.cond, lets, past)
        return max(_factors(expr.then, lets, past), _factors(expr.otherwise, lets, past))
    if isinstance(expr, n.Call):
        args = [_factors(arg, lets, past) for arg in expr.args]
        if expr.where is not None:
            _factors(expr.where, lets, past)
        return max(args, default=1) if expr.func in ("min", "max") else 1
    # Anything else is one value (a constant, a field, a table cell) or a truth value,
    # whose operands are measured all the same.
    for field in attrs.fields(type(expr)):
        value = getattr(expr, field.name) if field.name != "span" else None
        for part in value if isinstance(value, tuple) else (value,):
            if isinstance(part, n.Expr):
                _factors(part, lets, past)
    return 1


def _conjuncts(expr: n.Expr) -> list[n.Expr]:
    if isinstance(expr, n.And):
        return [*_conjuncts(expr.left), *_conjuncts(expr.right)]
    return [expr]


def _name_and_literal(cmp: n.Compare) -> tuple[str | None, str | None]:
    def lit(e: n.Expr) -> str | None:
        if isinstance(e, n.String):
            return normalize_text(e.value)
        if isinstance(e, n.Number):
            return str(e.value)
        if isinstance(e, n.Name):
            return e.ident
        return None

    if isinstance(cmp.left, n.Name):
        return cmp.left.ident, lit(cmp.right)
    return None, None


def _bounds(spec: FieldSpec) -> tuple[Decimal | None, Decimal | None]:
    """A numeric field's declared range (a bool counts 0 or 1 nowhere: not numeric)."""
    if not is_numeric(spec.type):
        return None, None
    return spec.minimum, spec.maximum


def _unify(a: Type, b: Type) -> Type | None:
    if a == b:
        return a
    if NULL in (a, b):
        return b if a == NULL else a
    if is_numeric(a) and is_numeric(b):
        return DECIMAL
    if is_name_like(a) and is_name_like(b):
        return TEXT
    return None


def _csv_cell(cell: str, ftype: Type) -> Any:
    """A typed table cell, or None when it does not fit."""
    text = normalize_text(cell)
    try:
        if ftype in (TEXT, NAME):
            return text or None
        if ftype == INTEGER:
            return int(text)
        if ftype == DECIMAL:
            value = Decimal(text)
            return value if value.is_finite() else None
        if ftype == BOOL:
            return _BOOL_WORDS.get(text.lower())
        if ftype == DATE:
            return dt.date.fromisoformat(text)
        if isinstance(ftype, EnumT):
            return ftype.canonical(text)
    except (ValueError, InvalidOperation):
        return None
    return None


def _csv_rows(text: str) -> tuple[list[tuple[int, list[str]]], tuple[int, str] | None]:
    """The rows of a CSV text, each with the line it ends on, and where and why reading
    stopped if it is not valid CSV (a NUL character, an unclosed quote)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as err:
        return rows, (max(reader.line_num, 1), str(err))
    return rows, None


def _value_problem(value: Any) -> str | None:
    """Why a typed table cell is beyond the limits of numbers and dates, if it is."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return number_problem(value)
    if isinstance(value, dt.date):
        return date_problem(value)
    return None


def _shown(raw: Any) -> str:
    """An override's value for a message, shortened: it may be anything a caller passed."""
    text = repr(raw) if not isinstance(raw, int) or raw.bit_length() < 1000 else "a very large integer"
    return text if len(text) <= 40 else text[:37] + "..."


def _comparable(a: Type, b: Type) -> bool:
    if NULL in (a, b):
        return True
    if is_numeric(a) and is_numeric(b):
        return True
    if is_name_like(a) and is_name_like(b):
        return True
    if isinstance(a, EnumT) or isinstance(b, EnumT):
        return a == b
    return a == b and isinstance(a, Scalar)


def _fold(op: str, left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        return None  # division by zero is left to run time, which reports it
    return Decimal(left) / Decimal(right)


def _path_node(path: Sequence[str], span: Span | None) -> n.Expr:
    expr: n.Expr = n.Name(path[0], span=span)
    for part in path[1:]:
        expr = n.Attr(expr, part, span=span)
    return expr


def _source_text(span: Span | None) -> str:
    """The exact text a span covers, on one line."""
    if span is None:
        return ""
    if span.end_line == span.line:
        return span.source.line(span.line)[span.column - 1 : span.end_column - 1].strip()
    parts = [span.source.line(span.line)[span.column - 1 :]]
    parts += [span.source.line(n) for n in range(span.line + 1, span.end_line)]
    parts.append(span.source.line(span.end_line)[: span.end_column - 1])
    return " ".join(p.strip() for p in parts)


def check_ruleset(
    ruleset: n.Ruleset, overrides: Mapping[str, Any] | None = None, base_dir: Path | None = None
) -> ir.Program:
    """Resolve and type-check a ruleset; raise :class:`RulesetError` with every problem.

    ``base_dir`` is where data tables named by the ruleset are read from."""
    return _Checker(ruleset, overrides or {}, base_dir).run()
