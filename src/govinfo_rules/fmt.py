"""Ruleset text to the same ruleset in its canonical layout (``govinfo-rules fmt``).

Entry point: :func:`format_ruleset`.  In: the text of a ruleset.  Out: the text of the
same ruleset — the same AST — laid out the one way the bundled rulesets are written,
with every comment kept.  The text is parsed and built as everywhere else, so a syntax
error is the usual :class:`RulesetSyntaxError` with ``FILE:LINE:COL`` and a caret.

The layout is printed from the AST (:mod:`.nodes`).  What the AST does not keep is read
back from the text through the nodes' spans and a small scanner that finds the tokens
and the comments (the grammar ignores comments):

* the order of the declarations and items (the AST groups them by kind);
* blank lines between declarations and items, at most one;
* whether an enum or an inline table was written one entry per line;
* where each comment was: a comment on a line of its own goes before the line that
  follows it, a comment after code stays at the end of the line that code is printed on.

Everything else is fixed; ``docs/fmt.md`` lists the rules with examples.
"""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal

import attrs

from . import nodes as n
from .build import build_ruleset
from .parse import parse_tree
from .source import SourceText, Span

WIDTH = 100
"""A rule, a warning, a reminder or a check longer than this is broken before `=>` or its message."""

_STEP = 2  # spaces per block level, and for the continuation lines of an element

Pos = tuple[int, int]  # (line, column), both 1-based, as in spans
_EOF: Pos = (sys.maxsize, 0)

# --- the scanner ------------------------------------------------------------------

# The grammar's terminals, in the order that lexes the same tokens: a `#` inside a
# string or a clause citation (`§ 3#1`) is not a comment.
_TOKEN = re.compile(
    r"""(?P<space>[ \t\f\r\n]+)
      | (?P<comment>\#[^\n]*)
      | (?P<string>"(?:[^"\\\n]|\\.)*")
      | (?P<clause>§[ \t]*[^\s,{}]+)
      | (?P<number>\d+(?:\.\d+)?)
      | (?P<word>(?!\d)\w+)
      | (?P<punct>=>|==|!=|<=|>=|.)""",
    re.VERBOSE,
)


@attrs.frozen
class _Token:
    pos: Pos
    text: str
    kind: str  # string, clause, number, word or punct


@attrs.frozen
class _Comment:
    pos: Pos
    text: str
    alone: bool  # nothing but white space before it on its line


class _Scan:
    """The tokens and comments of a text that parses, with their positions."""

    def __init__(self, text: str) -> None:
        self.tokens: list[_Token] = []
        self.comments: list[_Comment] = []
        line, line_start, last_code_line = 1, 0, 0
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup or "punct"
            value = match.group()
            pos = (line, match.start() - line_start + 1)
            if kind == "space":
                if "\n" in value:
                    line += value.count("\n")
                    line_start = match.start() + value.rfind("\n") + 1
            elif kind == "comment":
                self.comments.append(_Comment(pos, value.rstrip(), last_code_line != line))
            else:
                self.tokens.append(_Token(pos, value, kind))
                last_code_line = line
        self.positions = [t.pos for t in self.tokens]
        self.comment_positions = [c.pos for c in self.comments]
        # Every token and comment, to tell how many lines lie between a thing and what precedes it.
        self.everything = sorted(self.positions + self.comment_positions)
        self.closing: dict[int, int] = {}
        stack: list[int] = []
        for i, token in enumerate(self.tokens):
            if token.text == "{":
                stack.append(i)
            elif token.text == "}" and stack:
                self.closing[stack.pop()] = i

    def index(self, pos: Pos) -> int:
        """The index of the first token at or after ``pos``."""
        return bisect.bisect_left(self.positions, pos)

    def pos(self, index: int, fallback: Pos) -> Pos:
        return self.tokens[index].pos if 0 <= index < len(self.tokens) else fallback

    def find(self, start: Pos, kind: str = "", text: str = "") -> Pos | None:
        """The first token at or after ``start`` of that kind or with that text."""
        for token in self.tokens[self.index(start) :]:
            if (kind and token.kind == kind) or (text and token.text == text):
                return token.pos
        return None

    def has_comment(self, start: Pos, end: Pos) -> bool:
        i = bisect.bisect_left(self.comment_positions, start)
        return i < len(self.comments) and self.comments[i].pos < end

    def line_before(self, pos: Pos) -> int:
        """The line of the last token or comment before ``pos`` (0 at the start)."""
        i = bisect.bisect_left(self.everything, pos)
        return self.everything[i - 1][0] if i > 0 else 0

    def keyword_decls(self) -> dict[str, list[Pos]]:
        """Where `version`, `source`, `period default` and `units from` are declared.

        The AST keeps their values without a span.  At the top level (outside braces)
        these word pairs only ever start those declarations, except the ruleset's own
        name (`ruleset source "..."`) and a CSV table named `units`.
        """
        found: dict[str, list[Pos]] = {"version": [], "source": [], "period": [], "units": []}
        depth = 0
        tokens = [*self.tokens, _Token(_EOF, "", "end")]
        for i, token in enumerate(tokens[:-1]):
            if token.kind == "punct" and token.text in ("{", "}"):
                depth += 1 if token.text == "{" else -1
            if depth or token.kind != "word":
                continue
            after, then = tokens[i + 1], tokens[i + 2] if i + 2 < len(tokens) else tokens[-1]
            if token.text in ("version", "source") and i != 1 and after.kind == "string":
                found[token.text].append(token.pos)
            elif token.text == "period" and after.text == "default":
                found["period"].append(token.pos)
            elif token.text == "units" and after.text == "from" and then.kind != "string":
                found["units"].append(token.pos)
        return found


# --- printed lines ------------------------------------------------------------------


@attrs.frozen
class _Line:
    """One output line and the source position of the first token it prints."""

    indent: int
    text: str
    at: Pos
    kind: str = "start"  # start (of an element), more (continuation or note), close (a `}`)
    opens: bool = False  # ends with `{`: no blank line after it
    top: bool = False  # starts a top-level declaration
    big: bool = False  # a top-level declaration of several lines: a blank line around it


@attrs.frozen
class _Item:
    """A declaration or an item of a block, printed in source order.

    ``emit`` gets the indentation and where the item's text ends (the next item's
    position); an item without ``emit`` was dropped by the AST (a repeated `version`)
    and only marks where the item before it ends.
    """

    at: Pos
    emit: Callable[[int, Pos], list[_Line]] | None
    big: bool = False


# --- words, strings, numbers, expressions -----------------------------------------

_NAME = re.compile(r"(?!\d)\w+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


def quote(value: str) -> str:
    """A string literal for ``value``: the escapes build.unescape reads, \\uXXXX for other control characters."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def label(value: str, reserved: Iterable[str] = ()) -> str:
    """A label bare when it is a name, quoted otherwise (or when it would read as a keyword)."""
    if _NAME.fullmatch(value) and value not in reserved:
        return value
    return quote(value)


def number(value: Decimal) -> str:
    # `f` keeps the digits as written (0.50 stays 0.50) and never uses an exponent.
    return format(value, "f")


# Binding levels, loosest first, as in the grammar: if, or, and, not, comparisons
# (also in, is null), + -, * /, unary -, postfix (. [] days), atoms.
_IF, _OR, _AND, _NOT, _CMP, _ADD, _MUL, _NEG, _POST, _ATOM = range(10)


def expr(node: n.Expr, need: int = _IF) -> str:
    """``node`` as text, in brackets when it binds looser than ``need``."""
    text, level = _expr(node)
    return f"({text})" if level < need else text


def _expr(e: n.Expr) -> tuple[str, int]:
    if isinstance(e, n.Number):
        return number(e.value), _ATOM
    if isinstance(e, n.String):
        return quote(e.value), _ATOM
    if isinstance(e, n.Boolean):
        return ("true" if e.value else "false"), _ATOM
    if isinstance(e, n.Null):
        return "null", _ATOM
    if isinstance(e, n.Name):
        return e.ident, _ATOM
    if isinstance(e, n.Call):
        args = ", ".join(expr(a) for a in e.args)
        where = f"where {expr(e.where)}" if e.where is not None else ""
        return f"{e.func}({args}{' ' if args and where else ''}{where})", _ATOM
    if isinstance(e, n.Attr):
        return f"{expr(e.obj, _POST)}.{e.name}", _POST
    if isinstance(e, n.Index):
        return f"{e.table}[{expr(e.key)}]", _POST
    if isinstance(e, n.Days):
        return f"{expr(e.expr, _POST)} days", _POST
    if isinstance(e, n.Neg):
        # `-(-x)`, not `--x`.
        return f"-{expr(e.expr, _POST if isinstance(e.expr, n.Neg) else _NEG)}", _NEG
    if isinstance(e, n.BinOp):
        level = _ADD if e.op in "+-" else _MUL
        return f"{expr(e.left, level)} {e.op} {expr(e.right, level + 1)}", level
    if isinstance(e, n.Compare):
        return f"{expr(e.left, _ADD)} {e.op} {expr(e.right, _ADD)}", _CMP
    if isinstance(e, n.In):
        options = ", ".join(expr(o) for o in e.options)
        return f"{expr(e.expr, _ADD)} {'not in' if e.negated else 'in'} ({options})", _CMP
    if isinstance(e, n.InTable):
        return f"{expr(e.expr, _ADD)} {'not in' if e.negated else 'in'} {e.table}", _CMP
    if isinstance(e, n.IsNull):
        return f"{expr(e.expr, _ADD)} is {'not null' if e.negated else 'null'}", _CMP
    if isinstance(e, n.Not):
        # `not (a == b)`: the grammar needs no brackets there, a reader does.
        return f"not {expr(e.expr, _NOT if isinstance(e.expr, n.Not) else _ADD)}", _NOT
    if isinstance(e, n.And):
        return f"{expr(e.left, _AND)} and {expr(e.right, _NOT)}", _AND
    if isinstance(e, n.Or):
        # `(a and b) or c`: brackets around `and` inside `or`, for the reader again.
        return f"{expr(e.left, _NOT if isinstance(e.left, n.And) else _OR)} or {expr(e.right, _NOT)}", _OR
    if isinstance(e, n.If):
        # An `else if` chain needs no brackets; an `if` as the condition or the `then` does.
        return f"if {expr(e.cond, _OR)} then {expr(e.then, _OR)} else {expr(e.otherwise)}", _IF
    raise AssertionError(f"unhandled expression {type(e).__name__}")  # pragma: no cover


def amount(a: n.Amount) -> str:
    """``+3 pts``, ``-x pts``, ``(expr) pts``, ``¥100``, ``¥(expr)``: a number or a name
    bare with its sign (points always signed), anything else in brackets."""
    value = a.value
    negative = isinstance(value, n.Neg) and isinstance(value.expr, n.Number | n.Name)
    core = value.expr if negative and isinstance(value, n.Neg) else value
    if isinstance(core, n.Number | n.Name):
        sign = "-" if negative else ("+" if a.kind == "points" else "")
        shown = expr(core)
    else:
        sign, shown = "", f"({expr(value)})"
    return f"{sign}{shown} pts" if a.kind == "points" else f"{sign}¥{shown}"


def literal(value: n.Number | n.String | n.Boolean) -> str:
    if isinstance(value, n.Number):
        return number(value.value)
    if isinstance(value, n.String):
        return quote(value.value)
    return "true" if value.value else "false"


def type_expr(t: n.TypeExpr) -> str:
    if isinstance(t, n.TypeRef):
        return t.name
    if isinstance(t, n.ListType):
        return f"list of {type_expr(t.item)}"
    return f"enum({', '.join(enum_value(v) for v in t.values)})"


def enum_value(v: n.EnumValue) -> str:
    aliases = f" aka {' | '.join(label(a) for a in v.aliases)}" if v.aliases else ""
    return label(v.label) + aliases


def field(f: n.Field, default_first: bool = False) -> str:
    text = f"{f.name}: {type_expr(f.type)}"
    if f.default is not None and default_first:
        text += f" default {literal(f.default)}"
    if f.optional:
        text += " optional"
    if f.minimum is not None:
        text += f" min {number(f.minimum)}"
    if f.maximum is not None:
        text += f" max {number(f.maximum)}"
    if f.default is not None and not default_first:
        text += f" default {literal(f.default)}"
    if f.label is not None:
        text += f" label {quote(f.label.value)}"
    return text


def limits(lim: n.Limits) -> str:
    pairs = (("start", lim.start), ("floor", lim.floor), ("cap", lim.cap), ("max", lim.maximum))
    return "".join(f" {word} {number(value)}" for word, value in pairs if value is not None)


def _cite(clause: str | None, sep: str = "  ") -> str:
    return f"{sep}§ {clause}" if clause is not None else ""


def _start(span: Span | None, fallback: Pos = (0, 0)) -> Pos:
    return (span.line, span.column) if span is not None else fallback


def _stop(span: Span | None, fallback: Pos = (0, 0)) -> Pos:
    return (span.end_line, span.end_column) if span is not None else fallback


# --- the printer --------------------------------------------------------------------


class _Printer:
    """The AST as lines, each tied to where its first token is in the source."""

    def __init__(self, ast: n.Ruleset, scan: _Scan) -> None:
        self.ast = ast
        self.scan = scan

    # --- positions -------------------------------------------------------------------

    def keyword(self, span: Span | None, back: int = 1) -> Pos:
        """The token ``back`` before a span: the keyword of a node whose span is its name."""
        start = _start(span)
        return self.scan.pos(self.scan.index(start) - back, start)

    def lead(self, span: Span | None, fallback: Pos) -> Pos:
        """The keyword before an expression (`due`, `among`), skipping its brackets."""
        if span is None:
            return fallback
        i = self.scan.index(_start(span)) - 1
        while i > 0 and self.scan.tokens[i].text == "(":
            i -= 1
        return self.scan.pos(i, fallback)

    def block(self, at: Pos) -> tuple[Pos, Pos]:
        """The `{` of the block that starts after ``at`` and its `}`."""
        i = self.scan.index(at)
        while i < len(self.scan.tokens) and self.scan.tokens[i].text != "{":
            i += 1
        j = self.scan.closing.get(i, i)
        return self.scan.pos(i, at), self.scan.pos(j, at)

    # --- shared shapes ---------------------------------------------------------------

    def notes(self, notes: tuple[str, ...], indent: int, end: Pos, fallback: Pos) -> list[_Line]:
        # Notes are the last tokens of an element: `note "..."` pairs right before ``end``.
        last = self.scan.index(end) - 1
        lines = []
        for i, note in enumerate(notes):
            j = last - 2 * (len(notes) - i) + 1
            at = self.scan.pos(j, fallback) if j >= 0 and self.scan.tokens[j].text == "note" else fallback
            lines.append(_Line(indent + _STEP, f"note {quote(note)}", at, "more"))
            fallback = at
        return lines

    def items(self, items: list[_Item], indent: int, end: Pos, top: bool = False) -> list[_Line]:
        ordered = sorted(items, key=lambda item: item.at)
        out: list[_Line] = []
        for k, item in enumerate(ordered):
            if item.emit is None:
                continue
            lines = item.emit(indent, ordered[k + 1].at if k + 1 < len(ordered) else end)
            if top and lines:
                big = item.big or any(line.opens for line in lines)
                lines[0] = attrs.evolve(lines[0], top=True, big=big)
            out.extend(lines)
        return out

    def braced(
        self, head: str, at: Pos, indent: int, inner: Callable[[int, Pos], list[_Line]], clause: str | None
    ) -> list[_Line]:
        """``head {`` items ``} § clause``, or ``head {}`` when empty and without comments."""
        open_at, close_at = self.block(at)
        body = inner(indent + _STEP, close_at)
        if not body and not self.scan.has_comment(open_at, close_at):
            return [_Line(indent, f"{head} {{}}{_cite(clause)}", at)]
        return [
            _Line(indent, f"{head} {{", at, opens=True),
            *body,
            _Line(indent, "}" + _cite(clause, " "), close_at, "close"),
        ]

    def listed(
        self, head: str, at: Pos, indent: int, entries: list[tuple[str, Pos]], clause: str | None
    ) -> list[_Line]:
        """An enum's values or an inline table's entries: on one line when the author wrote
        the first one beside the `{`, it fits and holds no comment; else one per line."""
        open_at, close_at = self.block(at)
        one = f"{head} {{ {', '.join(text for text, _ in entries)} }}{_cite(clause)}"
        beside = entries[0][1][0] == open_at[0]
        if beside and self.fits(indent, one) and not self.scan.has_comment(open_at, close_at):
            return [_Line(indent, one, at)]
        return [
            _Line(indent, f"{head} {{", at, opens=True),
            *(_Line(indent + _STEP, text + ",", pos) for text, pos in entries),
            _Line(indent, "}" + _cite(clause, " "), close_at, "close"),
        ]

    @staticmethod
    def fits(indent: int, text: str) -> bool:
        return indent + len(text) <= WIDTH

    # --- the ruleset -----------------------------------------------------------------

    def ruleset(self) -> list[_Line]:
        ast = self.ast
        header = _start(ast.span)
        items: list[_Item] = [_Item(header, self.header)]
        decls = self.scan.keyword_decls()

        def keyword_items(word: str, present: bool, text: Callable[[], str], printed: Pos | None = None) -> None:
            found = decls[word]
            at = printed or (found[-1] if found else header)
            items.extend(_Item(pos, None) for pos in found if pos != at)
            if present:
                items.append(_Item(at, lambda indent, end: [_Line(indent, text(), at)]))

        keyword_items("version", ast.version is not None, lambda: f"version {quote(ast.version or '')}")
        keyword_items("source", ast.source is not None, lambda: f"source {quote(ast.source or '')}")
        keyword_items("period", ast.period_default is not None, lambda: f"period default {ast.period_default}")
        units = ast.units_from
        keyword_items(
            "units",
            units is not None,
            lambda: f"units from {units.ident if units else ''}",
            self.keyword(units.span, 2) if units is not None else None,
        )
        items.extend(_Item(self.keyword(p.span), self.param_item(p)) for p in ast.params)
        items.extend(_Item(self.keyword(e.span), self.enum_item(e)) for e in ast.enums)
        items.extend(_Item(self.keyword(s.span), self.struct_item(s)) for s in ast.structs)
        items.extend(_Item(self.keyword(r.span), self.record_item(r)) for r in ast.records)
        items.extend(_Item(self.keyword(t.span), self.table_item(t)) for t in ast.tables)
        items.extend(_Item(self.keyword(s.span), self.score_item(s)) for s in ast.scores)
        items.extend(_Item(self.keyword(a.span), self.award_item(a), big=True) for a in ast.awards)
        items.extend(_Item(_start(r.span), self.ranking_item(r)) for r in ast.rankings)
        if ast.per_unit is not None:
            items.append(_Item(_start(ast.per_unit.span), self.per_unit_item(ast.per_unit)))
        if ast.tiers is not None:
            items.append(_Item(_start(ast.tiers.span), self.tiers_item(ast.tiers), big=True))
        return self.items(items, 0, _EOF, top=True)

    def header(self, indent: int, end: Pos) -> list[_Line]:
        title = f" {quote(self.ast.title)}" if self.ast.title is not None else ""
        return [_Line(indent, f"ruleset {self.ast.name}{title}", _start(self.ast.span))]

    def param_item(self, p: n.Param) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = self.keyword(p.span)
            text = f"param {p.name}: {type_expr(p.type)} = {literal(p.default)}{_cite(p.clause)}"
            return [_Line(indent, text, at), *self.notes(p.notes, indent, end, at)]

        return emit

    def enum_item(self, e: n.EnumDecl) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = self.keyword(e.span)
            entries = [(enum_value(v), _start(v.span, at)) for v in e.values]
            return self.listed(f"enum {e.name}", at, indent, entries, None)

        return emit

    def fields(self, fields: tuple[n.Field, ...], requires: tuple[n.Require, ...]) -> Callable[[int, Pos], list[_Line]]:
        def inner(indent: int, end: Pos) -> list[_Line]:
            # After `default LITERAL` the grammar reads `note` as the keyword, so a field
            # named note must not follow a default printed last (the source had it earlier).
            # A label printed last stands between them.
            follows_note = [
                i + 1 < len(fields) and fields[i + 1].name == "note" and fields[i].label is None
                for i in range(len(fields))
            ]
            items = [
                _Item(_start(f.span), self.field_item(f, first)) for f, first in zip(fields, follows_note, strict=True)
            ]
            items += [_Item(_start(r.span), self.require_item(r)) for r in requires]
            return self.items(items, indent, end)

        return inner

    def field_item(self, f: n.Field, default_first: bool) -> Callable[[int, Pos], list[_Line]]:
        return lambda indent, end: [_Line(indent, field(f, default_first), _start(f.span))]

    def require_item(self, r: n.Require) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = _start(r.span)
            head = f"require {expr(r.cond)} at {'.'.join(r.at)}"
            message = quote(r.message)
            if self.fits(indent, f"{head} {message}"):
                return [_Line(indent, f"{head} {message}", at)]
            message_at = self.scan.find(_stop(r.cond.span, at), kind="string") or at
            return [_Line(indent, head, at), _Line(indent + _STEP, message, message_at, "more")]

        return emit

    def struct_item(self, s: n.StructDecl) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = self.keyword(s.span)
            return self.braced(f"struct {s.name}", at, indent, self.fields(s.fields, s.requires), None)

        return emit

    def record_item(self, r: n.RecordDecl) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = self.keyword(r.span)
            head = f"record {r.name}"
            if r.dated is not None:
                head += f" dated {expr(r.dated)}"
                if r.period_by is not None:
                    head += f", period by {expr(r.period_by)}"
            return self.braced(head, at, indent, self.fields(r.fields, r.requires), None)

        return emit

    def table_item(self, t: n.InlineTable | n.CsvTable) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = self.keyword(t.span)
            if isinstance(t, n.CsvTable):
                head = f"table {t.name} from {quote(t.path)} key {t.key}"
                lines = self.braced(head, at, indent, self.fields(t.fields, ()), t.clause)
            else:
                entries = [(f"{self.table_key(e.key)}: {literal(e.value)}", _start(e.span, at)) for e in t.entries]
                lines = self.listed(f"table {t.name}", at, indent, entries, t.clause)
            return [*lines, *self.notes(t.notes, indent, end, lines[-1].at)]

        return emit

    @staticmethod
    def table_key(key: str | Decimal | None) -> str:
        if key is None:
            return "else"
        if isinstance(key, Decimal):
            return number(key)
        return label(key, reserved=("else",))

    def ranking_item(self, r: n.Ranking) -> Callable[[int, Pos], list[_Line]]:
        text = f"ranking {label(r.label)} of {', '.join(r.types)}"
        return lambda indent, end: [_Line(indent, text, _start(r.span))]

    def tiers_item(self, t: n.Tiers) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = _start(t.span)
            shown = [label(name) + (f" {number(pct)}%" if pct is not None else "") for name, pct in t.tiers]
            lines = [_Line(indent, f"tiers {', '.join(shown)}", at)]
            if t.exempt is not None and t.exempt_label is not None:
                when = self.lead(t.exempt.span, at)
                exempt_at = self.scan.pos(self.scan.index(when) - 2, when)
                text = f"exempt {label(t.exempt_label)} when {expr(t.exempt)}"
                lines.append(_Line(indent + _STEP, text, exempt_at, "more"))
                ties_at = self.scan.find(_stop(t.exempt.span, at), text="ties") or exempt_at
            else:
                # `tiers` and per tier its label, maybe a number and `%`, with commas between.
                count = sum(3 if pct is not None else 1 for _, pct in t.tiers) + len(t.tiers) - 1
                ties_at = self.scan.pos(self.scan.index(at) + 1 + count, at)
            lines.append(_Line(indent + _STEP, f"ties {t.ties}{_cite(t.clause)}", ties_at, "more"))
            return [*lines, *self.notes(t.notes, indent, _stop(t.span, end), ties_at)]

        return emit

    def award_item(self, a: n.Award) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = self.keyword(a.span)
            rank_at = self.scan.pos(self.scan.index(_start(a.span)) + 1, at)
            of_type = f" of {a.of_type}" if a.of_type is not None else ""
            more = indent + _STEP
            lines = [
                _Line(indent, f"award {label(a.label)}", at),
                _Line(more, f"rank {'.'.join(a.rank)}{of_type} by {expr(a.measure)}", rank_at, "more"),
            ]
            last = a.measure
            if a.among is not None:
                lines.append(_Line(more, f"among {expr(a.among)}", self.lead(a.among.span, rank_at), "more"))
                last = a.among
            prizes_at = self.scan.find(_stop(last.span, rank_at), text="prizes") or lines[-1].at
            prizes = ", ".join(f"¥{number(p)}" for p in a.prizes)
            lines.append(_Line(more, f"prizes {prizes}", prizes_at, "more"))
            # `prizes`, then `¥ N` per prize with commas between, then `ties`.
            ties_at = self.scan.pos(self.scan.index(prizes_at) + 3 * len(a.prizes), prizes_at)
            lines.append(_Line(more, f"ties {a.ties}{_cite(a.clause)}", ties_at, "more"))
            return [*lines, *self.notes(a.notes, indent, end, ties_at)]

        return emit

    # --- scoring ---------------------------------------------------------------------

    def score_item(self, s: n.Score) -> Callable[[int, Pos], list[_Line]]:
        def inner(indent: int, end: Pos) -> list[_Line]:
            items = [_Item(_start(x.span), self.let_item(x)) for x in s.lets]
            for step in s.steps:
                if isinstance(step, n.Gate):
                    items.append(_Item(_start(step.span), self.gate_item(step)))
                else:
                    items.append(_Item(self.keyword(step.span), self.group_item(step)))
            items += [_Item(_start(w.span), self.warn_item(w)) for w in s.warns]
            items += [_Item(_start(r.span), self.remind_item(r)) for r in s.reminds]
            if s.total is not None:
                items.append(_Item(_start(s.total.span), self.total_item(s.total)))
            items += [_Item(self.keyword(m.span), self.monotone_item(m)) for m in s.monotone]
            return self.items(items, indent, end)

        def emit(indent: int, end: Pos) -> list[_Line]:
            at = self.keyword(s.span)
            return self.braced(f"score {s.record} to {'.'.join(s.to)}", at, indent, inner, None)

        return emit

    def let_item(self, x: n.Let) -> Callable[[int, Pos], list[_Line]]:
        return lambda indent, end: [_Line(indent, f"let {x.name} = {expr(x.expr)}", _start(x.span))]

    def gate_item(self, g: n.Gate) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = _start(g.span)
            line = _Line(indent, f"gate {expr(g.cond)}{_cite(g.clause)}", at)
            return [line, *self.notes(g.notes, indent, _stop(g.span, end), at)]

        return emit

    def group_item(self, g: n.Group) -> Callable[[int, Pos], list[_Line]]:
        def inner(indent: int, end: Pos) -> list[_Line]:
            return self.items([_Item(self.keyword(r.span), self.rule_item(r)) for r in g.rules], indent, end)

        def emit(indent: int, end: Pos) -> list[_Line]:
            at = self.keyword(g.span)
            head = f"group {g.name} {g.combine}"
            if g.over is not None:
                head += f" over {'.'.join(g.over)}"
            if g.scale is not None:
                head += f" scale {expr(g.scale, _OR)}"  # `scale (if a then 0.5 else 1)`
            head += limits(g.limits)
            lines = self.braced(head, at, indent, inner, g.clause)
            return [*lines, *self.notes(g.notes, indent, end, lines[-1].at)]

        return emit

    def rule_item(self, r: n.Rule) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = self.keyword(r.span)
            head = f"rule {label(r.label)}: {expr(r.cond)}"
            tail = f"=> {', '.join(amount(a) for a in r.amounts)}{_cite(r.clause)}"
            if self.fits(indent, f"{head} {tail}"):
                lines = [_Line(indent, f"{head} {tail}", at)]
            else:
                arrow = self.scan.find(at, text="=>") or at
                lines = [_Line(indent, head, at), _Line(indent + _STEP, tail, arrow, "more")]
            return [*lines, *self.notes(r.notes, indent, end, lines[-1].at)]

        return emit

    def warn_item(self, w: n.Warn) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = _start(w.span)
            head = f"warn {expr(w.cond)}"
            message = quote(w.message) + _cite(w.clause)
            if self.fits(indent, f"{head} {message}"):
                lines = [_Line(indent, f"{head} {message}", at)]
            else:
                message_at = self.scan.find(_stop(w.cond.span, at), kind="string") or at
                lines = [_Line(indent, head, at), _Line(indent + _STEP, message, message_at, "more")]
            return [*lines, *self.notes(w.notes, indent, _stop(w.span, end), lines[-1].at)]

        return emit

    def remind_item(self, r: n.Remind) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = _start(r.span)
            message_at = self.scan.find(_stop(r.cond.span, at), kind="string") or at
            more: list[tuple[str, Pos]] = []
            if r.due is not None:
                more.append((f"due {expr(r.due)}", self.lead(r.due.span, message_at)))
            if r.shortfall is not None:
                more.append((f"shortfall {expr(r.shortfall)}", self.lead(r.shortfall.span, message_at)))
            head = f"remind {expr(r.cond)}"
            message = quote(r.message)
            if more:
                more[-1] = (more[-1][0] + _cite(r.clause), more[-1][1])
            else:
                message += _cite(r.clause)
            if self.fits(indent, f"{head} {message}"):
                lines = [_Line(indent, f"{head} {message}", at)]
            else:
                lines = [_Line(indent, head, at), _Line(indent + _STEP, message, message_at, "more")]
            lines += [_Line(indent + _STEP, text, pos, "more") for text, pos in more]
            return [*lines, *self.notes(r.notes, indent, _stop(r.span, end), lines[-1].at)]

        return emit

    def total_item(self, t: n.Total) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = _start(t.span)
            line = _Line(indent, f"total{limits(t.limits)}{_cite(t.clause)}", at)
            return [line, *self.notes(t.notes, indent, _stop(t.span, end), at)]

        return emit

    def monotone_item(self, m: n.Monotone) -> Callable[[int, Pos], list[_Line]]:
        def emit(indent: int, end: Pos) -> list[_Line]:
            at = self.keyword(m.span)
            direction = "increasing" if m.increasing else "decreasing"
            line = _Line(indent, f"monotone {m.field} {direction}{_cite(m.clause)}", at)
            return [line, *self.notes(m.notes, indent, end, at)]

        return emit

    # --- per unit --------------------------------------------------------------------

    def per_unit_item(self, p: n.PerUnit) -> Callable[[int, Pos], list[_Line]]:
        def inner(indent: int, end: Pos) -> list[_Line]:
            items = [_Item(_start(x.span), self.let_item(x)) for x in p.lets]
            items += [_Item(self.keyword(r.span), self.rule_item(r)) for r in p.rules]
            items += [_Item(_start(w.span), self.warn_item(w)) for w in p.warns]
            items += [_Item(_start(r.span), self.remind_item(r)) for r in p.reminds]
            # The AST keeps one list of shown names: print one `show` where the first was.
            starts = [
                self.keyword(name.span)
                for name in p.shows
                if self.scan.tokens[self.scan.index(_start(name.span)) - 1].text == "show"
            ]
            if p.shows:
                at = starts[0] if starts else self.keyword(p.shows[0].span)
                text = f"show {', '.join(name.ident for name in p.shows)}"
                items.append(_Item(at, lambda indent, end: [_Line(indent, text, at)]))
                items += [_Item(pos, None) for pos in starts[1:]]
            return self.items(items, indent, end)

        def emit(indent: int, end: Pos) -> list[_Line]:
            return self.braced("per unit", _start(p.span), indent, inner, None)

        return emit


# --- comments and blank lines -------------------------------------------------------


def _place(anchors: list[Pos], comments: list[_Comment]) -> tuple[dict[int, list[_Comment]], dict[int, _Comment]]:
    """Which comments go on lines of their own before line i, which one ends line i.

    The comments between line j and line j + 1 (by source position) that follow code
    stay at the end of line j: the last of them there, any earlier ones on lines of their
    own just before it.  The others go on lines of their own before line j + 1, so the
    comments keep their order.
    """
    gaps: dict[int, list[_Comment]] = {}
    for comment in comments:
        gaps.setdefault(bisect.bisect_left(anchors, comment.pos) - 1, []).append(comment)
    before: dict[int, list[_Comment]] = {}
    trailing: dict[int, _Comment] = {}
    for j, found in sorted(gaps.items()):
        run = 0
        while j >= 0 and run < len(found) and not found[run].alone:
            run += 1
        if run:
            before.setdefault(j, []).extend(found[: run - 1])
            trailing[j] = found[run - 1]
        before.setdefault(j + 1, []).extend(found[run:])
    return before, trailing


def _assemble(printed: list[_Line], scan: _Scan) -> str:
    """The printed lines with the comments put back and the blank lines decided.

    A blank line goes where the source had at least one (before an element or a comment),
    never right after a `{` or before a `}`, and always around a top-level declaration of
    several lines (before the comments that lead it).
    """
    lines: list[_Line] = []
    for line in printed:  # positions must not go backwards for the bisections
        lines.append(attrs.evolve(line, at=lines[-1].at) if lines and line.at < lines[-1].at else line)
    before, trailing = _place([line.at for line in lines], scan.comments)
    out: list[str] = []
    opened = True  # at the start of the file as after a `{`: no blank line

    def put(indent: int, text: str, blank: bool) -> None:
        if blank and not opened:
            out.append("")
        out.append(" " * indent + text)

    def blank_before(pos: Pos) -> bool:
        return pos[0] - scan.line_before(pos) > 1

    big = False
    for i, line in enumerate(lines):
        forced = line.top and i > 0 and (line.big or big)
        for comment in before.get(i, []):
            put(line.indent + (_STEP if line.kind == "close" else 0), comment.text, forced or blank_before(comment.pos))
            forced, opened = False, False
        text = line.text + (f"  {trailing[i].text}" if i in trailing else "")
        blank = line.kind == "start" and (forced or blank_before(line.at))
        put(line.indent, text, blank)
        opened = line.opens
        big = line.big if line.top else big
    for comment in before.get(len(lines), []):  # after the last declaration
        put(0, comment.text, blank_before(comment.pos))
        opened = False
    return "\n".join(out) + "\n"


def format_ruleset(text: str, filename: str = "<ruleset>") -> str:
    """The canonical layout of a ruleset text; raises RulesetSyntaxError or RulesetError as loading does."""
    source = SourceText(filename, text)
    ast = build_ruleset(parse_tree(source), source)
    scan = _Scan(text)
    return _assemble(_Printer(ast, scan).ruleset(), scan)
