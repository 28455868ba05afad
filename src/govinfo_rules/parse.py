"""Text to parse tree (stage 1): the Lark parser, made once a process, and syntax errors.

Entry point: :func:`parse_tree`.  The tree is only handed to :mod:`.build`; syntax
errors become :class:`RulesetSyntaxError` with a hand-written message for the common
mistakes and the expected tokens in words otherwise.  The parser comes from the LALR
tables committed beside the grammar (:mod:`.parser_tables`) when they match it.

A text over the size limit, or a tree nested too deeply or holding too many rules
(:mod:`.limits`), is a :class:`RulesetError` here, before any stage walks the tree
recursively.
"""

from __future__ import annotations

import functools

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import Diagnostic, RulesetError, RulesetSyntaxError
from .limits import MAX_NESTING, MAX_RULES, MAX_RULESET_BYTES
from .resources import grammar_path
from .source import SourceText, Span

# What to call each terminal in a message; keywords are shown as themselves.
_TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a "string"',
    "CLAUSE": "a clause citation such as § 三(一)1",
    "YUAN": "¥",
    "SIGN": "+ or -",
    "COMP": "a comparison (==, !=, <, <=, >, >=)",
    "ADD_OP": "+ or -",
    "MUL_OP": "* or /",
    "$END": "the end of the file",
}


@functools.cache
def _grammar() -> str:
    return grammar_path().read_text(encoding="utf-8")


@functools.cache
def _parser() -> lark.Lark:
    """The parser built from the grammar text: slow, but it keeps ``.grammar``, which
    tools that generate text from the grammar need (hypothesis's ``from_lark``)."""
    from .parser_tables import build_parser

    return build_parser(_grammar())


@functools.cache
def _table_parser() -> lark.Lark:
    # Restoring the committed tables skips Lark's LALR analysis, most of a cold load;
    # tables made for another grammar or Lark are declined and the grammar is built.
    # Imported here, not with the package, so that `python -m govinfo_rules.parser_tables`
    # runs the module once rather than over an already imported copy.
    from .parser_tables import load_parser

    return load_parser(_grammar()) or _parser()


def _describe(name: str) -> str:
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name]
    try:
        pattern = _table_parser().get_terminal(name).pattern
    except KeyError:
        return name
    return f"'{pattern.value}'" if pattern.type == "str" else name


def _expected(names: set[str]) -> str:
    words = sorted({_describe(n) for n in names if not n.startswith("__")})
    if len(words) > 8:
        words = [*words[:8], "..."]
    return ", ".join(words)


def _message(err: UnexpectedInput, source: SourceText) -> str:
    if isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream or 0
        char = source.text[pos] if pos < len(source.text) else ""
        if char == '"':
            return 'unterminated string: a string must end with " on the same line'
        if char in "（）":
            return f"full-width '{char}' in a name: quote values with brackets, e.g. \"动态汇报(成效类)\""
        return f"unexpected character '{char}'"
    if isinstance(err, UnexpectedEOF):
        return f"unexpected end of file; expected {_expected(set(err.expected))}"
    if not isinstance(err, UnexpectedToken):
        return "syntax error"
    token = err.token
    expected = set(err.expected)
    shown = "end of file" if token.type == "$END" else f"'{token.value}'"
    if token.type == "$END" and "RBRACE" in expected:
        return "unexpected end of file: a '}' is missing (a block opened with '{' is not closed)"
    if "PTS" in expected and token.type != "PTS":
        return f"unexpected {shown}: a points amount needs the unit 'pts', e.g. +3 pts"
    if expected == {"EQUAL"}:  # only after `let NAME`: the '=' that gives the value is missing
        return f"unexpected {shown}: '=' is missing, as in let NAME = EXPRESSION"
    if "__ANON_0" in expected and token.value == "=":
        return f"unexpected {shown}: use '==' to compare"
    if token.type == "COMP" and "COMP" not in expected:
        return f"unexpected '{token.value}': comparisons do not chain; write a < b and b < c"
    if token.value == "=" and "COMP" in expected:
        return "unexpected '=': use '==' to compare"
    if any(_describe(n) == "'=>'" for n in expected) and token.type != "$END":
        return f"unexpected {shown}: a rule is `rule NAME: CONDITION => AMOUNTS`, '=>' is missing"
    return f"unexpected {shown}; expected {_expected(expected)}"


def parse_tree(source: SourceText) -> lark.Tree[lark.Token]:
    """Parse a ruleset text; raise :class:`RulesetSyntaxError` at the first mistake, and
    :class:`RulesetError` for a text or a tree beyond the limits."""
    _check_size(source)
    try:
        tree = _table_parser().parse(source.text)
    except UnexpectedInput as err:
        raise _syntax_error(err, source) from None
    _check_shape(tree, source)
    return tree


def _syntax_error(err: UnexpectedInput, source: SourceText) -> RulesetSyntaxError:
    line, column = err.line, err.column
    if line is None or line < 1:  # end of input: point just past the last character
        line, column = source.position(len(source.text.rstrip()))
        column += 1
    length = 1
    if isinstance(err, UnexpectedToken) and err.token.type != "$END":
        length = max(len(str(err.token.value)), 1)
    span = Span(source, line, column, line, column + length)
    return RulesetSyntaxError([Diagnostic(_message(err, source), span)])


# --- limits ---------------------------------------------------------------------------

# The nodes that nest: every expression node of the grammar, and `list of` types.
_NESTING = frozenset(
    {
        *("if_expr", "or_op", "and_op", "not_op", "compare", "in_op", "not_in_op", "in_table", "not_in_table"),
        *("is_null", "is_not_null", "binop", "neg", "attr", "days", "index", "call"),
        *("number", "string", "name", "true", "false", "null", "list_type"),
    }
)
_RULES = frozenset({"rule", "let", "gate", "warn", "remind", "require"})


def _check_size(source: SourceText) -> None:
    text = source.text
    if len(text) <= MAX_RULESET_BYTES // 4:  # four UTF-8 bytes a character at most
        return
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= MAX_RULESET_BYTES:
        return
    line, column = source.position(len(data[:MAX_RULESET_BYTES].decode("utf-8", "ignore")))
    message = (
        f"the ruleset is {len(data):,} bytes, over the limit of {MAX_RULESET_BYTES:,} (1 MiB); "
        'keep large tables in a CSV file beside it (table NAME from "file.csv")'
    )
    raise RulesetError([Diagnostic(message, Span(source, line, column, line, column + 1))])


def _check_shape(tree: lark.Tree[lark.Token], source: SourceText) -> None:
    """Nesting depth and number of rules, in one walk without recursion (in text order,
    so that the error points at the first item past a limit)."""
    rules = 0
    stack: list[tuple[lark.Tree[lark.Token], int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if node.data in _NESTING:
            depth += 1
            if depth > MAX_NESTING:
                message = (
                    f"nested more than {MAX_NESTING} levels deep (the limit): "
                    "give an inner part of the expression a name with `let`"
                )
                raise RulesetError([Diagnostic(message, _node_span(node, source))])
        elif node.data in _RULES:
            rules += 1
            if rules > MAX_RULES:
                message = (
                    f"more than {MAX_RULES:,} rules (rule, let, gate, warn, remind and require together, "
                    "the limit): split the ruleset"
                )
                raise RulesetError([Diagnostic(message, _node_span(node, source))])
        stack.extend((child, depth) for child in reversed(node.children) if isinstance(child, lark.Tree))


def _node_span(node: lark.Tree[lark.Token], source: SourceText) -> Span:
    meta = node.meta
    if getattr(meta, "empty", True):
        return Span(source, 1, 1, 1, 2)
    return Span(source, meta.line, meta.column, meta.end_line, meta.end_column)
