"""The Pygments lexer of the policy language (``govinfo_rules.lexer``).

What a keyword is comes from the grammar, ``grammars/govinfo.lark``: its word literals
are the keywords, and every place a literal stands in a rule of the grammar is a
context in which the lexer must highlight it as one.  The lexer is also checked
against the parser itself: on the bundled rulesets and on every ```gvr snippet of the
docs, each token the parser reads (keyword, name, string, number, clause, comment) gets
a token of the matching kind, with the same boundaries.  Whatever the text, the lexer
finishes and gives back exactly the text it was given.

The helpers here (keywords and contexts from the grammar, the corpus, the parser's
tokens) are shared with ``tests/test_textmate.py``.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lark
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.lexer import Token
from pygments.lexers import find_lexer_class_for_filename, get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, Punctuation, String

from govinfo_rules import lexer as lexer_module
from govinfo_rules.lexer import GovinfoLexer
from govinfo_rules.resources import grammar_path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FENCE = re.compile(r"```gvr( dir=\S+)?\n(.*?)```", flags=re.S)  # as tests/test_docs.py reads them

# --- the grammar: keywords and the contexts they stand in ---------------------------------

# Stand-ins for the grammar's other terminals and for any nonterminal (an expression,
# a path, a type, a label): enough for a keyword to stand where the grammar puts it.
_STAND_IN = {"NAME": "x", "STRING": '"s"', "NUMBER": "1", "CLAUSE": "§ 1", "YUAN": "¥", "COMP": "=="}
_STAND_IN |= {"SIGN": "+", "ADD_OP": "+", "MUL_OP": "*"}


@functools.cache
def grammar_parser() -> lark.Lark:
    """The grammar as the parser reads it, keeping every token (keywords included) and
    handing the comments, which the grammar ignores, to :data:`_COMMENTS`."""
    return lark.Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        keep_all_tokens=True,
        propagate_positions=True,
        maybe_placeholders=False,
        lexer_callbacks={"COMMENT": lambda token: _COMMENTS.append(token)},
    )


_COMMENTS: list[Token] = []


def _literals() -> dict[str, str]:
    return {t.name: t.pattern.value for t in grammar_parser().terminals if t.pattern.type == "str"}


def grammar_keywords() -> frozenset[str]:
    """Every word literal of the grammar: its keywords."""
    return frozenset(value for value in _literals().values() if re.fullmatch(r"\w+", value))


def keyword_contexts() -> list[tuple[str, list[tuple[int, str]]]]:
    """One text per rule of the grammar that holds a keyword, e.g. ``score x to x { x }``
    for ``score_decl``, with the offset of each keyword in it."""
    literals = _literals()
    keywords = grammar_keywords()
    contexts: dict[str, list[tuple[int, str]]] = {}
    for rule in grammar_parser().rules:
        text, offsets = "", []
        for symbol in rule.expansion:
            word = literals.get(symbol.name) if symbol.is_term else None
            if word in keywords:
                offsets.append((len(text), word))
            part = word if word is not None else _STAND_IN.get(symbol.name, "x")
            text += part + " "
        if offsets:
            contexts[text] = offsets
    return sorted(contexts.items())


# --- the corpus: the bundled rulesets and the docs' snippets ------------------------------


def corpus() -> list[tuple[str, str]]:
    """(name, text) of every bundled ruleset and every ```gvr snippet of docs/*.md."""
    texts = [(f"rulesets/{p.name}", p.read_text(encoding="utf-8")) for p in sorted((ROOT / "rulesets").glob("*.gvr"))]
    for path in sorted(DOCS.glob("*.md")):
        page = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(page):
            texts.append((f"docs/{path.name}:{page[: match.start()].count(chr(10)) + 1}", match.group(2)))
    return texts


CORPUS = corpus()
BUNDLED = [(name, text) for name, text in CORPUS if name.startswith("rulesets/")]


def parser_tokens(text: str) -> tuple[lark.Tree, list[Token]] | None:
    """The parse tree and every token the parser read, comments included; None when
    the text does not parse (a snippet that shows a syntax error)."""
    _COMMENTS.clear()
    try:
        tree = grammar_parser().parse(text)
    except lark.exceptions.LarkError:
        return None
    tokens = list(tree.scan_values(lambda v: isinstance(v, Token)))
    return tree, sorted([*tokens, *_COMMENTS], key=lambda t: t.start_pos)


def lex(text: str) -> list[tuple[int, Any, str]]:
    return list(GovinfoLexer().get_tokens_unprocessed(text))


def token_at(tokens: list[tuple[int, Any, str]], offset: int) -> tuple[int, Any, str]:
    return next(t for t in tokens if t[0] <= offset < t[0] + len(t[2]))


# --- registration ---------------------------------------------------------------------------


@pytest.mark.parametrize("alias", ["gvr", "govinfo", "govinfo-rules", "GVR"])
def test_pygments_finds_the_lexer_by_name(alias: str) -> None:
    assert isinstance(get_lexer_by_name(alias), GovinfoLexer)


def test_pygments_finds_the_lexer_by_file_name() -> None:
    assert find_lexer_class_for_filename("rulesets/wenzhou.gvr") is GovinfoLexer
    assert isinstance(get_lexer_for_filename("x.gvr"), GovinfoLexer)


def test_the_docs_markdown_highlights_gvr_fences() -> None:
    # MkDocs highlights fences with pymdownx.highlight, which asks Pygments for the name.
    import markdown

    html = markdown.markdown(
        '```gvr\nrule 快报: kind == 快报 => +0.5 pts  § 三(一)1\n  note "快报"\n```',
        extensions=["pymdownx.highlight", "pymdownx.superfences"],
    )
    assert '<span class="k">rule</span>' in html
    assert '<span class="nf">快报</span>' in html
    assert '<span class="nl">§ 三(一)1</span>' in html
    assert '<span class="sd">"快报"</span>' in html


# --- keywords: the grammar's, in the grammar's places ----------------------------------------


def test_the_lexer_knows_exactly_the_grammars_keywords() -> None:
    known = lexer_module.all_keywords()
    assert sorted(grammar_keywords() - known) == [], "keywords of the grammar the lexer does not know"
    assert sorted(known - grammar_keywords()) == [], "words the lexer calls keywords that the grammar has not"


def test_every_keyword_has_a_context_in_the_grammar() -> None:
    words = {word for _, offsets in keyword_contexts() for _, word in offsets}
    assert words == grammar_keywords()


@pytest.mark.parametrize(("text", "offsets"), keyword_contexts(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_keyword_is_highlighted_where_the_grammar_puts_it(text: str, offsets: list[tuple[int, str]]) -> None:
    tokens = lex(text)
    for offset, word in offsets:
        start, token, value = token_at(tokens, offset)
        assert (start, value) == (offset, word), f"{word!r} is not one token in {text!r}"
        assert token in Keyword or token is Operator.Word, f"{word!r} is {token} in {text!r}"


@pytest.mark.parametrize(
    ("marked", "token"),
    [
        ("⟨unit⟩: name", Name.Attribute),  # a field called like a keyword
        ("⟨score⟩: decimal min 0 max 1", Name.Attribute),
        ("require score >= 质量下限[grade] at ⟨score⟩", Name),
        ("require ⟨score⟩ >= 质量下限[grade] at score", Name),
        ("⟨score⟩ 医疗卫生类 to unit {", Keyword.Declaration),
        ("rank ⟨unit⟩ by points", Name),
        ("rank unit by ⟨points⟩", Name.Builtin.Pseudo),
        ("x == period.⟨start⟩", Name.Attribute),
        ("x == ⟨period⟩.start", Name.Builtin.Pseudo),
        ("⟨period⟩ default year", Keyword.Declaration),
        ("let ⟨total⟩ = count(records)", Name.Variable),
        ("⟨total⟩ > 3", Name),
        ("group 基础奖励 ⟨max⟩ {", Name),  # an unknown combination: a name, as the parser reads it
        ("tiers 优秀 20%, 良好 ties ⟨share⟩", Name),
        ("period default ⟨month⟩", Name),
        ("unit: name⟨;⟩", Error),
        ("kind: enum(快报, 动态汇报⟨（⟩成效类）)", Error),
        ("shortfall ⟨shortfall⟩  § 四", Name),  # a let called like the keyword before it
        ("⟨shortfall⟩ shortfall  § 四", Keyword),
        ('require x at ⟨rank⟩ "message"', Name),
        ("show task, done, ⟨shortfall⟩", Name),
        ("count(⟨total⟩) > 0 and ⟨total⟩ < 3", Name),
        ("x == ⟨rank⟩", Name),
        ("if x then ⟨total⟩ else 0", Name),
        ("{ a: 1, ⟨else⟩: 2 }", Keyword),
        ("dated on, ⟨period⟩ by on", Keyword),
        ("x is ⟨not⟩ null", Operator.Word),
        ("discipline: list of ⟨enum⟩(班子成员, 科室负责人)", Keyword.Declaration),
        ("⟨total⟩ floor 0 cap 5.5 max 5.5", Keyword),
        ("⟨max⟩(chars, 300)", Name.Builtin),
        ("(-0.5 * ⟨max⟩(a - b, 0))", Name.Builtin),
        ("(-⟨max⟩(sum(x), 0))", Name.Builtin),
        ("weight: decimal default 1 ⟨max⟩ 3", Keyword),
        ("kind: ⟨稿件类别⟩", Name.Class),
        ("adoptions: list of ⟨adoption⟩", Name.Class),
        ("authors: list of ⟨name⟩ min 1", Keyword.Type),
        ('param 截止日: ⟨date⟩ = "2024-12-31"', Keyword.Type),
        ('param 截止日: date = ⟨"2024-12-31"⟩', String.Date),
        ("param ⟨截止日⟩: date", Name.Constant),
        ("record ⟨submission⟩ dated submitted_on {", Name.Class),
        ("group 附加奖励 ⟨highest⟩ over adoptions {", Keyword.Pseudo),
        ("group ⟨附加奖励⟩ highest over adoptions {", Name.Function),
        ("award ⟨组织管理奖⟩ rank unit by points", Name.Function),
        ('rule ⟨"参阅/调研稿"⟩: kind == "参阅/调研稿" => +3 pts', Name.Function),
        ("per ⟨unit⟩ {", Keyword.Declaration),
        ("table 报送期限 { 重要会议: 5, ⟨else⟩: 10 }", Keyword),
        ("table 报送期限 { ⟨重要会议⟩: 5, else: 10 }", Name.Attribute),
        ('table 任务 from "tasks.csv" ⟨key⟩ unit {', Keyword),
        ("⟨key⟩ == 1", Name),
        ('unit: name ⟨label⟩ "报送科室"', Keyword),
        ("tiers 优秀 20⟨%⟩, 良好, 一般 20%", Keyword.Pseudo),
        ("ties ⟨better⟩", Keyword.Pseudo),
        ("prizes ⟨¥⟩1500, ¥1000", Keyword.Pseudo),
        ("+10⟨pts⟩", Keyword.Pseudo),
        ("x + 5 ⟨days⟩ => +1 pts", Keyword.Pseudo),
        ("kind ⟨not⟩ in (专报)", Operator.Word),
        ("x is not ⟨null⟩", Keyword.Constant),
        ("⟨§ 三(二)5⟩", Name.Label),
        ('"submitted ⟨{submitted_on}⟩"', String.Interpol),
        ('"⟨\\u4e2d⟩"', String.Escape),
    ],
)
def test_a_word_gets_the_token_its_place_gives_it(marked: str, token: Any) -> None:
    offset, end = marked.index("⟨"), marked.index("⟩") - 1
    text = marked.replace("⟨", "").replace("⟩", "")
    assert token_at(lex(text), offset) == (offset, token, text[offset:end])


# --- the lexer agrees with the parser on every real ruleset -----------------------------------

_NAME_KEYWORDS = {
    Keyword.Type: set(lexer_module.BUILTIN_TYPES),
    Keyword.Pseudo: {*lexer_module.COMBINERS, *lexer_module.TIE_POLICIES, *lexer_module.PERIOD_DEFAULTS},
}


def _kind_of(token: Token) -> Callable[[list[Any], str], bool]:
    """What tokens of the lexer may cover a token of the parser."""
    literal = _literals().get(token.type)
    if literal is not None and literal in grammar_keywords():
        return lambda types, _: len(types) == 1 and (types[0] in Keyword or types[0] is Operator.Word)
    if literal is not None:  # punctuation and operators: { } ( ) : , . | = => % ...
        return lambda types, _: len(types) == 1 and types[0] in (Punctuation, Operator, Keyword.Pseudo)
    simple = {"NUMBER": Number, "CLAUSE": Name.Label, "COMMENT": Comment.Single, "YUAN": Keyword.Pseudo}
    simple |= {"SIGN": Operator, "ADD_OP": Operator, "MUL_OP": Operator, "COMP": Operator}
    if token.type in simple:
        parent = simple[token.type]
        return lambda types, _: len(types) == 1 and types[0] in parent
    if token.type == "STRING":  # a string, or a quoted label that a rule or an award names
        return lambda types, _: all(t in String for t in types) or types == [Name.Function]
    assert token.type == "NAME", token.type
    return lambda types, value: len(types) == 1 and (types[0] in Name or value in _NAME_KEYWORDS.get(types[0], set()))


def _covering(tokens: list[tuple[int, Any, str]], start: int, end: int) -> list[Any]:
    """The types of the lexer's tokens over [start, end): they must begin at start and end at end."""
    inside = [(s, t, v) for s, t, v in tokens if s < end and s + len(v) > start]
    assert inside[0][0] == start and inside[-1][0] + len(inside[-1][2]) == end, (start, end, inside)
    return [t for _, t, _ in inside]


def _subtrees(tree: lark.Tree, name: str) -> Iterator[lark.Tree]:
    return tree.find_pred(lambda t: t.data == name)


def _first_token(tree: lark.Tree) -> Token:
    return next(iter(tree.scan_values(lambda v: isinstance(v, Token))))


PARSED = [(name, text) for name, text in CORPUS if parser_tokens(text) is not None]


def test_every_correct_snippet_parses() -> None:
    rejected = [name for name, text in CORPUS if parser_tokens(text) is None and not text.startswith("# ✗")]
    assert rejected == []
    assert {"rulesets/wenzhou.gvr", "rulesets/ganzhou.gvr", "rulesets/wanren.gvr"} <= {name for name, _ in PARSED}


@pytest.mark.parametrize(("name", "text"), PARSED, ids=[name for name, _ in PARSED])
def test_the_lexer_agrees_with_the_parser(name: str, text: str) -> None:
    parsed = parser_tokens(text)
    assert parsed is not None
    tree, parser_toks = parsed
    tokens = lex(text)
    for token in parser_toks:
        types = _covering(tokens, token.start_pos, token.end_pos)
        assert _kind_of(token)(types, str(token)), f"{name}:{token.line}:{token.column}: {token!r} lexed as {types}"

    def lexed(token: Token) -> list[Any]:
        return _covering(tokens, token.start_pos, token.end_pos)

    # The places the brief names: rule labels, field names, types, notes, citations.
    for rule in _subtrees(tree, "rule"):
        label = rule.children[1]
        assert lexed(label if isinstance(label, Token) else _first_token(label)) == [Name.Function]
    for field in _subtrees(tree, "field"):
        assert lexed(field.children[0]) == [Name.Attribute]
    for ref in _subtrees(tree, "type_ref"):
        word = ref.children[0]
        expected = Keyword.Type if str(word) in lexer_module.BUILTIN_TYPES else Name.Class
        assert lexed(word) == [expected], f"{name}:{word.line}: type {word}"
    for note in _subtrees(tree, "note"):
        assert set(lexed(note.children[1])) == {String.Doc} | ({String.Escape} if "\\" in note.children[1] else set())
    for clause in _subtrees(tree, "clause"):
        assert lexed(clause.children[0]) == [Name.Label]
    for call in _subtrees(tree, "call"):
        function = call.children[0]
        assert lexed(function) == [Name.Builtin if function in lexer_module.BUILTIN_FUNCTIONS else Name]
    for attr in _subtrees(tree, "attr"):
        assert lexed(attr.children[-1]) == [Name.Attribute]


# --- whatever the text: no Error on real rulesets, the text back, and no hang ------------------


# What the language is written with, outside strings and comments.
ALPHABET = re.compile(r'[\w\s"{}()\[\],:.|=<>!+\-*/%#§¥￥\\]')


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=[name for name, _ in CORPUS])
def test_real_rulesets_lex_without_errors_and_rejoin(name: str, text: str) -> None:
    tokens = lex(text)
    errors = [(s, v) for s, t, v in tokens if t in Error]
    if parser_tokens(text) is not None:
        assert errors == []
    else:  # a snippet showing a syntax error: only a character the language does not have is one
        assert text.startswith("# ✗")
        assert [(s, v) for s, v in errors if ALPHABET.match(v)] == []
    assert "".join(v for _, _, v in tokens) == text
    # Through Pygments' front door too, with its trimming of blank lines turned off.
    assert "".join(v for _, v in GovinfoLexer(stripnl=False, ensurenl=False).get_tokens(text)) == text


def test_the_corpus_holds_the_bundled_rulesets_and_the_docs() -> None:
    names = [name for name, _ in CORPUS]
    assert {"rulesets/wenzhou.gvr", "rulesets/ganzhou.gvr", "rulesets/wanren.gvr"} <= set(names)
    assert sum(name.startswith("docs/") for name in names) >= 15


def test_a_string_ends_with_its_line() -> None:
    text = 'warn x "unterminated {chars} \\"\nrule a: x => +1 pts'
    tokens = lex(text)
    assert "".join(v for _, _, v in tokens) == text
    assert token_at(tokens, text.index("{chars}"))[1] is String.Interpol
    assert token_at(tokens, text.index('\\"'))[1] is String.Escape
    assert token_at(tokens, text.index("rule"))[1] is Keyword  # the next line is code again


HOSTILE = st.lists(
    st.one_of(
        st.sampled_from(list('"\\{}()[]:.,|=<>!+-*/%#§¥￥ \t\n\r\u00a0')),
        st.sampled_from(["\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\ufeff", "\x00"]),  # bidi, zero width
        st.sampled_from(sorted(lexer_module.all_keywords())),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
        st.characters(codec="utf-8"),
    ),
    max_size=300,
).map("".join)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HOSTILE)
def test_any_text_lexes_and_rejoins(text: str) -> None:
    started = time.perf_counter()
    assert "".join(v for _, _, v in lex(text)) == text
    assert time.perf_counter() - started < 2


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_damaged_ruleset_lexes_and_rejoins(data: st.DataObject) -> None:
    _, text = data.draw(st.sampled_from(BUNDLED))
    cut = data.draw(st.integers(0, len(text)))
    insert = data.draw(HOSTILE)
    damaged = text[:cut] + insert + text[cut + data.draw(st.integers(0, 40)) :]
    assert "".join(v for _, _, v in lex(damaged)) == damaged


# Long lines of one piece over and over, lexed character by character or in tokens as
# long as the line: each takes a fraction of a second, where a rule that backtracked
# catastrophically would not finish.
@pytest.mark.parametrize(
    "piece",
    [
        "x",
        "x:",
        "\\",
        'rule "',
        "rule ",
        "score a ",
        "a: ",
        "§",
        "1",
        "1.",
        " ",
        "key ",
        "\u202e",
        "（",
        '"{',
        "( not ",
    ],
    ids=repr,
)
def test_long_hostile_lines_lex_quickly(piece: str) -> None:
    text = piece * (20_000 // len(piece))
    started = time.perf_counter()
    assert "".join(v for _, _, v in lex(text)) == text
    assert time.perf_counter() - started < 5


# --- the commands docs/highlighting.md gives ------------------------------------------------

HIGHLIGHTING_PAGE = DOCS / "highlighting.md"


def page_commands(prefix: str) -> list[str]:
    """The commands of the ```sh blocks of docs/highlighting.md that start with ``prefix``."""
    page = HIGHLIGHTING_PAGE.read_text(encoding="utf-8")
    lines = [line for body in re.findall(r"^```sh\n(.*?)^```", page, flags=re.S | re.M) for line in body.splitlines()]
    commands = [re.sub(r"\s+#.*$", "", line) for line in lines if line.strip()]
    known = ("pip install govinfo-rules pygments", "pygmentize ", "python -m govinfo_rules.lexer ")
    assert [c for c in commands if not c.startswith(known)] == [], "a command no test runs"
    return [c for c in commands if c.startswith(prefix)]


def run_in(directory: Path, command: str) -> str:
    """Run ``command`` with bash in ``directory``, with this Python's scripts first on PATH."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    done = subprocess.run(["bash", "-c", command], cwd=directory, env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("command", sorted(set(page_commands("pygmentize "))))
def test_the_pygmentize_commands_of_the_docs_run(command: str, tmp_path: Path) -> None:
    (tmp_path / "rulesets").symlink_to(ROOT / "rulesets")
    output = run_in(tmp_path, command)
    source = (ROOT / re.findall(r"\S+\.gvr", command)[-1]).read_text(encoding="utf-8")
    if " -N " in command:  # the name of the lexer the file name selects
        assert output == "govinfo\n"
    elif " -o " in command:  # a whole HTML page, highlighted
        html = (tmp_path / command.split(" -o ")[1].split()[0]).read_text(encoding="utf-8")
        assert '<span class="kd">ruleset</span>' in html and '<span class="nl">§ 三(一)1</span>' in html
    else:  # colours for the terminal: the text itself once the escapes are taken out
        assert "\x1b[" in output
        assert re.sub(r"\x1b\[[0-9;]*m", "", output) == source
