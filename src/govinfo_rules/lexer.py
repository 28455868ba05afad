"""Syntax highlighting for the policy language: a Pygments lexer and a TextMate grammar.

In: the text of a ruleset (``.gvr``).  Out: tokens for Pygments (:class:`GovinfoLexer`,
found by Pygments and MkDocs through the ``pygments.lexers`` entry point as ``gvr``,
``govinfo`` or ``govinfo-rules``), or the TextMate grammar that editors read
(:func:`textmate_grammar`, committed as ``grammars/govinfo.tmLanguage.json``).

Both come from one table of rules, :data:`RULES`, so that the docs and the editors
colour a ruleset the same way.  ``grammars/govinfo.lark`` is the authority on what is a
keyword; the tests derive its keywords from it and check that every one is highlighted
as such.  Because the parser's lexer is contextual, a keyword may also be a field's
name (``unit``, ``score``, ``rank``); a highlighter sees no parse, so it tells the two
apart by what follows the word:

* a few keywords that are common field names are keywords only in the phrase that makes
  them one (``per unit``, ``units from``, ``score NAME to``, ``version "..."``, ...);
* any other keyword followed by ``:``, ``.``, ``[``, ``=`` or a comparison is a name,
  and so is one standing where a name must (``shortfall shortfall``, ``show a, total``);
* the name after ``rule``, ``group``, ``award`` and ``ranking`` is the label that
  traces show, and the text after ``§`` is the clause a rule cites: the audit trail.

Every rule reads within one line, as TextMate grammars do.  This module imports
Pygments, which is an optional dependency (the ``docs`` and ``test`` extras): only
Pygments, the tests and the grammar generator import it.  After changing the rules::

    python -m govinfo_rules.lexer > grammars/govinfo.tmLanguage.json
"""

from __future__ import annotations

import json
import sys
from typing import Any, ClassVar, Final

from pygments.lexer import RegexLexer, bygroups, default
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Whitespace

# --- the vocabulary -------------------------------------------------------------------

NAME: Final = r"(?!\d)\w+"  # the grammar's NAME: letters (CJK included), digits, _
QUOTED: Final = r'"(?:[^"\\\n]|\\.)*"'  # the grammar's STRING, for a quoted label

# Keywords of grammars/govinfo.lark by the token they get.  Words that are keywords only
# in a phrase (PHRASE_ONLY) are listed with their category too.
DECLARATION_WORDS: Final = (
    "award",
    "enum",
    "param",
    "per",
    "period",
    "ranking",
    "record",
    "ruleset",
    "score",
    "source",
    "struct",
    "table",
    "tiers",
    "unit",
    "units",
    "version",
)
KEYWORD_WORDS: Final = (
    "aka",
    "among",
    "at",
    "by",
    "cap",
    "dated",
    "decreasing",
    "default",
    "due",
    "else",
    "exempt",
    "floor",
    "from",
    "gate",
    "group",
    "if",
    "increasing",
    "key",
    "label",
    "let",
    "list",
    "max",
    "min",
    "monotone",
    "note",
    "of",
    "optional",
    "over",
    "prizes",
    "rank",
    "remind",
    "require",
    "rule",
    "scale",
    "show",
    "shortfall",
    "start",
    "then",
    "ties",
    "to",
    "total",
    "warn",
    "when",
    "where",
)
OPERATOR_WORDS: Final = ("and", "in", "is", "not", "or")
CONSTANT_WORDS: Final = ("false", "null", "true")
UNIT_WORDS: Final = ("days", "pts")  # the units of an amount or a duration, like ¥ and %
# Keywords that are also common field names: a keyword only in their phrase.
PHRASE_ONLY: Final = ("key", "label", "per", "period", "score", "source", "unit", "units", "version")

# Names (NAME tokens to the grammar) with a fixed meaning in the place they stand.
BUILTIN_TYPES: Final = ("bool", "date", "decimal", "integer", "name", "text")
BUILTIN_FUNCTIONS: Final = ("all", "any", "count", "max", "min", "sum")
BUILTIN_NAMES: Final = ("as_of", "it", "period", "points", "records", "scored", "yuan")
COMBINERS: Final = ("highest", "sum")  # group NAME sum|highest
TIE_POLICIES: Final = ("better", "split")  # ties split, ties better
PERIOD_DEFAULTS: Final = ("year",)  # period default year

# A keyword word right after one of these keywords, or after punctuation or an operator
# that a value follows, is a name (`shortfall shortfall`: the second is a let; `show
# task, done, shortfall`).
TAKES_A_NAME: Final = (
    "among",
    "at",
    "by",
    "dated",
    "due",
    "else",
    "gate",
    "monotone",
    "of",
    "over",
    "rank",
    "remind",
    "require",
    "scale",
    "shortfall",
    "show",
    "then",
    "to",
    "warn",
    "when",
    "where",
)
# The keyword words that may begin an expression or a type, and so stay keywords there.
STARTS_AN_EXPRESSION: Final = ("enum", "false", "if", "list", "not", "null", "true")


def all_keywords() -> frozenset[str]:
    """Every word the lexer highlights as a keyword somewhere."""
    return frozenset((*DECLARATION_WORDS, *KEYWORD_WORDS, *OPERATOR_WORDS, *CONSTANT_WORDS, *UNIT_WORDS))


def _words(words: tuple[str, ...] | frozenset[str]) -> str:
    # Longest first, so that no word is cut short by a prefix of it; \b ends the word.
    return "(?:" + "|".join(sorted(words, key=lambda w: (-len(w), w))) + r")\b"


def _generic(words: tuple[str, ...]) -> str:
    return _words(tuple(w for w in words if w not in PHRASE_ONLY))


_GAP: Final = r"[ \t]+"  # between the words of a phrase: on one line
_SPACE: Final = r"[ \t]*"
# What follows a keyword that is used as a name: a type, a field, an index, a value.
_AS_NAME: Final = rf"(?!{_SPACE}(?:[:.\[<>=]|!=))"
_TYPES: Final = _words(BUILTIN_TYPES)
_NOT_A_TYPE: Final = r"(?!(?:true|false|null|list|enum)\b)"
# A keyword word standing where a name must; not a table key (`else:`) nor a call (`max(`).
_NAME_HERE: Final = (
    _words(all_keywords() - {*STARTS_AN_EXPRESSION, *PHRASE_ONLY, *OPERATOR_WORDS}) + rf"(?!{_SPACE}[:(])"
)

# --- the rules --------------------------------------------------------------------------
#
# Each rule is (regex, token, state pushed or None); when the regex has groups, the token
# is a list of one token per group.  At each position Pygments takes the first rule that
# matches there, TextMate the rule whose match starts first and then the first in order:
# the same choice, since some rule matches at every position that is not white space
# (the last one takes any character).

Rule = tuple[str, Any, str | None]

RULES: Final[list[Rule]] = [
    (r"#[^\n]*", Comment.Single, None),
    # The grammar's CLAUSE: the citation every rule carries, the audit trail.
    (r"§[ \t]*[^\s,{}]+", Name.Label, None),
    (r'(note)([ \t]*)(")', [Keyword, Whitespace, String.Doc], "note"),
    (r'"\d{4}-\d{2}-\d{2}"', String.Date, None),
    (r'(")', [String.Double], "string"),
    # What a declaration names.
    (
        rf"(rule)({_GAP})({NAME}|{QUOTED})({_SPACE})(:)",
        [Keyword, Whitespace, Name.Function, Whitespace, Punctuation],
        None,
    ),
    (
        rf"(group)({_GAP})({NAME})(?:({_GAP})({_words(COMBINERS)})|({_GAP})({NAME}))?",
        [Keyword, Whitespace, Name.Function, Whitespace, Keyword.Pseudo, Whitespace, Name],
        None,
    ),
    (rf"(award|ranking)({_GAP})({NAME}|{QUOTED})", [Keyword.Declaration, Whitespace, Name.Function], None),
    (rf"(ruleset)({_GAP})({NAME})", [Keyword.Declaration, Whitespace, Name.Namespace], None),
    (rf"(record|struct|enum)({_GAP})({NAME})", [Keyword.Declaration, Whitespace, Name.Class], None),
    (rf"(param|table)({_GAP})({NAME})", [Keyword.Declaration, Whitespace, Name.Constant], None),
    (rf"(let)({_GAP})({NAME})", [Keyword, Whitespace, Name.Variable], None),
    # Keywords that are common field names, in the phrase that makes them keywords.
    (
        rf"(score)({_GAP})({NAME})({_GAP})(to)\b",
        [Keyword.Declaration, Whitespace, Name.Class, Whitespace, Keyword],
        None,
    ),
    (rf"(per)({_GAP})(unit)\b", [Keyword.Declaration, Whitespace, Keyword.Declaration], None),
    (rf"(units)({_GAP})(from)\b", [Keyword.Declaration, Whitespace, Keyword], None),
    (
        rf"(period)({_GAP})(default)(?:({_GAP})({_words(PERIOD_DEFAULTS)})|({_GAP})({NAME}))?",
        [Keyword.Declaration, Whitespace, Keyword, Whitespace, Keyword.Pseudo, Whitespace, Name],
        None,
    ),
    (rf"(period)({_GAP})(by)\b", [Keyword, Whitespace, Keyword], None),
    (rf'(?:version|source)(?={_SPACE}")', Keyword.Declaration, None),
    (rf'label(?={_SPACE}")', Keyword, None),
    (rf"key(?={_GAP}{NAME}{_SPACE}(?:\{{|$))", Keyword, None),
    (rf"(ties)({_GAP})(?:({_words(TIE_POLICIES)})|({NAME}))", [Keyword, Whitespace, Keyword.Pseudo, Name], None),
    (rf"({_words(TAKES_A_NAME)})({_GAP})({_NAME_HERE})", [Keyword, Whitespace, Name], None),
    (rf"({_words(('and', 'in', 'not', 'or'))})({_GAP})({_NAME_HERE})", [Operator.Word, Whitespace, Name], None),
    (rf"([,(\[|])({_SPACE})({_NAME_HERE})", [Punctuation, Whitespace, Name], None),
    (rf"(=>|==|!=|<=|>=|[<>=+\-*/])({_SPACE})({_NAME_HERE})", [Operator, Whitespace, Name], None),
    # NAME ":" is a field, a parameter or a table key; `else:` is the table's other keys.
    (rf"else(?={_SPACE}:)", Keyword, None),
    (rf"{NAME}(?={_SPACE}:)", Name.Attribute, None),
    # After ":" or "list of" comes a type.
    (rf"(:)({_SPACE})({_TYPES})", [Punctuation, Whitespace, Keyword.Type], None),
    (rf"(:)({_SPACE}){_NOT_A_TYPE}({NAME})", [Punctuation, Whitespace, Name.Class], None),
    (rf"(list)({_GAP})(of)({_GAP})({_TYPES})", [Keyword, Whitespace, Keyword, Whitespace, Keyword.Type], None),
    (
        rf"(list)({_GAP})(of)({_GAP}){_NOT_A_TYPE}({NAME})",
        [Keyword, Whitespace, Keyword, Whitespace, Name.Class],
        None,
    ),
    # A field of a struct, a table's row or `period`.
    (rf"(\.)({_SPACE})({NAME})", [Punctuation, Whitespace, Name.Attribute], None),
    (rf"{_words(BUILTIN_FUNCTIONS)}(?={_SPACE}\()", Name.Builtin, None),
    (_words(BUILTIN_NAMES), Name.Builtin.Pseudo, None),
    (_generic(DECLARATION_WORDS) + _AS_NAME, Keyword.Declaration, None),
    (_generic(KEYWORD_WORDS) + _AS_NAME, Keyword, None),
    (_words(OPERATOR_WORDS) + _AS_NAME, Operator.Word, None),
    (_words(CONSTANT_WORDS), Keyword.Constant, None),
    (_words(UNIT_WORDS), Keyword.Pseudo, None),
    (r"\d+\.\d+", Number.Float, None),
    (r"\d+", Number.Integer, None),
    (r"[¥￥%]", Keyword.Pseudo, None),
    (r"=>|==|!=|<=|>=|[<>=+\-*/]", Operator, None),
    (r"[{}()\[\],:.|]", Punctuation, None),
    (NAME, Name, None),
    # A character the language does not have (`;`, a full-width bracket outside a string).
    (r"\S", Error, None),
]

# Inside a string: escapes (\" \\ \n \t \uXXXX) and {NAME} placeholders of messages.
STRING_RULES: Final[list[tuple[str, Any]]] = [
    (r"\\u[0-9a-fA-F]{4}|\\[^\n]", String.Escape),
    (r"\{[\w.]+\}", String.Interpol),
]
STRING_STATES: Final = {"string": String.Double, "note": String.Doc}


def _string_state(token: Any) -> list[Any]:
    return [
        ('"', token, "#pop"),
        *STRING_RULES,
        (r'[^"\\\n{]+', token),
        (r"\{", token),
        default("#pop"),  # a string ends with its line, closed or not
    ]


def _pygments_rule(rule: Rule) -> tuple[Any, ...]:
    regex, token, state = rule
    action = bygroups(*token) if isinstance(token, list) else token
    return (regex, action) if state is None else (regex, action, state)


class GovinfoLexer(RegexLexer):  # type: ignore[misc]  # Pygments has no type hints
    """Pygments lexer for govinfo-rules policy files (``.gvr``)."""

    name: ClassVar[str] = "govinfo-rules"
    aliases: ClassVar[list[str]] = ["govinfo", "gvr", "govinfo-rules"]
    filenames: ClassVar[list[str]] = ["*.gvr"]
    mimetypes: ClassVar[list[str]] = ["text/x-govinfo-rules"]

    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [(r"\s+", Whitespace), *(_pygments_rule(rule) for rule in RULES)],
        **{state: _string_state(token) for state, token in STRING_STATES.items()},
    }


# --- the TextMate grammar ----------------------------------------------------------------

SCOPE_NAME: Final = "source.govinfo"

# The TextMate scope of each token: standard names, so that every theme colours them.
SCOPES: Final[dict[Any, str]] = {
    Comment.Single: "comment.line.number-sign.govinfo",
    Name.Label: "entity.other.attribute-name.clause.govinfo",
    String.Double: "string.quoted.double.govinfo",
    String.Doc: "string.quoted.double.note.govinfo",
    String.Date: "string.quoted.double.date.govinfo",
    String.Escape: "constant.character.escape.govinfo",
    String.Interpol: "constant.other.placeholder.govinfo",
    Keyword.Declaration: "storage.type.declaration.govinfo",
    Keyword: "keyword.control.govinfo",
    Operator.Word: "keyword.operator.word.govinfo",
    Keyword.Constant: "constant.language.govinfo",
    Keyword.Pseudo: "keyword.other.unit.govinfo",
    Keyword.Type: "support.type.builtin.govinfo",
    Name.Function: "entity.name.function.govinfo",
    Name.Namespace: "entity.name.namespace.govinfo",
    Name.Class: "entity.name.type.govinfo",
    Name.Constant: "variable.other.constant.govinfo",
    Name.Variable: "entity.name.variable.govinfo",
    Name.Attribute: "variable.other.property.govinfo",
    Name.Builtin: "support.function.builtin.govinfo",
    Name.Builtin.Pseudo: "variable.language.govinfo",
    Name: "variable.other.govinfo",
    Number.Integer: "constant.numeric.integer.govinfo",
    Number.Float: "constant.numeric.decimal.govinfo",
    Operator: "keyword.operator.govinfo",
    Punctuation: "punctuation.separator.govinfo",
    Error: "invalid.illegal.govinfo",
}


def _captures(tokens: list[Any]) -> dict[str, dict[str, str]]:
    return {str(i): {"name": SCOPES[t]} for i, t in enumerate(tokens, start=1) if t is not Whitespace}


def _textmate_rule(rule: Rule) -> dict[str, Any]:
    regex, token, state = rule
    tokens = token if isinstance(token, list) else None
    if state is not None:
        assert tokens is not None
        inside = SCOPES[STRING_STATES[state]]
        return {
            "begin": regex,
            "beginCaptures": _captures(tokens),
            "end": '(")|$',
            "endCaptures": {"1": {"name": inside}},
            "contentName": inside,
            "patterns": [{"include": "#string-content"}],
        }
    if tokens is not None:
        return {"match": regex, "captures": _captures(tokens)}
    return {"match": regex, "name": SCOPES[token]}


def textmate_grammar() -> dict[str, Any]:
    """The TextMate grammar (VS Code, Sublime Text, ...) made from the lexer's rules."""
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "comment": "Generated from src/govinfo_rules/lexer.py (python -m govinfo_rules.lexer); do not edit.",
        "name": "govinfo-rules",
        "scopeName": SCOPE_NAME,
        "fileTypes": ["gvr"],
        "patterns": [_textmate_rule(rule) for rule in RULES],
        "repository": {
            "string-content": {
                "patterns": [{"match": regex, "name": SCOPES[token]} for regex, token in STRING_RULES],
            },
        },
    }


def render_textmate_grammar() -> str:
    """The text of ``grammars/govinfo.tmLanguage.json``."""
    return json.dumps(textmate_grammar(), ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    """Print the TextMate grammar: ``python -m govinfo_rules.lexer > grammars/govinfo.tmLanguage.json``."""
    sys.stdout.write(render_textmate_grammar())


if __name__ == "__main__":
    main()
