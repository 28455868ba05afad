"""The TextMate grammar for editors, ``grammars/govinfo.tmLanguage.json``.

The grammar is generated from the Pygments lexer's rules (``python -m
govinfo_rules.lexer``); these tests check the committed file is that output, that it is
a grammar an editor can load (standard scope names, regexes in the subset that
Oniguruma — the engine of VS Code, Sublime Text and TextMate — and Python's ``re`` read
alike), and that it colours a ruleset as the docs do.  For the last, a small TextMate
tokenizer below applies the grammar the way editors do — line by line, the leftmost
match of the current rule list winning, ``begin``/``end`` rules spanning lines — to the
grammar's keyword contexts, the bundled rulesets and the docs' snippets, and compares
its scopes with the lexer's tokens and with the parser's.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pygments.token import Whitespace

from govinfo_rules.lexer import SCOPE_NAME, SCOPES, render_textmate_grammar
from test_lexer import (
    BUNDLED,
    CORPUS,
    HOSTILE,
    grammar_keywords,
    keyword_contexts,
    lex,
    page_commands,
    parser_tokens,
    run_in,
)

ROOT = Path(__file__).resolve().parent.parent
GRAMMAR_FILE = ROOT / "grammars" / "govinfo.tmLanguage.json"

# Constructs Oniguruma reads and Python's re does not, or reads differently.
ONIGURUMA_ONLY = {
    r"\h": "hex digit",
    r"\H": "non-hex digit",
    r"\G": "search start anchor",
    r"\A": "string start (lines are matched one at a time)",
    r"\z": "string end",
    r"\Z": "string end",
    r"\K": "keep",
    r"\R": "line break",
    r"\X": "grapheme cluster",
    r"\p{": "Unicode property",
    r"\x{": "code point",
    "(?<": "named group (or a lookbehind, whose width rules differ)",
    "(?>": "atomic group",
    "(?~": "absent operator",
    "++": "possessive quantifier",
    "*+": "possessive quantifier",
    "?+": "possessive quantifier",
    "(?i": "inline option",
    "(?m": "inline option (Oniguruma's m is Python's s)",
    "(?x": "inline option",
}
# The root names of the TextMate scope conventions, which themes colour.
STANDARD_ROOTS = {"comment", "constant", "entity", "invalid", "keyword", "markup", "meta", "storage", "string"}
STANDARD_ROOTS |= {"support", "variable", "punctuation"}


@functools.cache
def grammar() -> dict[str, Any]:
    return json.loads(GRAMMAR_FILE.read_text(encoding="utf-8"))


def _rules(node: Any) -> list[dict[str, Any]]:
    """Every rule of the grammar, nested ones included."""
    found = []
    for rule in node.get("patterns", []):
        found.append(rule)
        found.extend(_rules(rule))
    for entry in node.get("repository", {}).values():
        found.extend(_rules(entry))
    return found


def _regexes() -> list[str]:
    return [rule[key] for rule in _rules(grammar()) for key in ("match", "begin", "end") if key in rule]


def _scope_names(node: Any) -> list[str]:
    if isinstance(node, dict):
        names = [v for k, v in node.items() if k in ("name", "contentName") and isinstance(v, str)]
        return names + [n for k, v in node.items() if k not in ("name", "contentName") for n in _scope_names(v)]
    if isinstance(node, list):
        return [n for v in node for n in _scope_names(v)]
    return []


# --- a TextMate tokenizer -------------------------------------------------------------------


class Frame:
    """A rule list in force: the grammar's top level, or the inside of a begin/end rule."""

    def __init__(
        self,
        patterns: list[dict[str, Any]],
        scopes: tuple[str, ...],
        rule: dict[str, Any] | None = None,
        outer: tuple[str, ...] = (),
    ):
        self.patterns, self.scopes, self.rule, self.outer = patterns, scopes, rule or {}, outer
        self.end = _compiled(rule["end"]) if rule else None  # the rule's end, matched with its name only


def _resolve(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    resolved = []
    for rule in patterns:
        if "include" in rule:
            include = rule["include"]
            assert include.startswith("#"), include
            resolved.extend(_resolve(grammar()["repository"][include[1:]]["patterns"]))
        else:
            resolved.append(rule)
    return resolved


@functools.cache
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def tokenize(text: str) -> list[tuple[str, ...]]:
    """The scopes of every character of ``text``, as an editor gives them."""
    scopes: list[tuple[str, ...]] = []
    stack = [Frame(_resolve(grammar()["patterns"]), (SCOPE_NAME,))]
    for line in text.split("\n"):
        line += "\n"  # editors hand the engine each line with its newline
        marks: list[tuple[str, ...]] = [()] * len(line)
        pos = 0

        def paint(start: int, end: int, names: tuple[str, ...], marks: list[tuple[str, ...]] = marks) -> None:
            for i in range(start, end):
                marks[i] = names

        def capture(match: re.Match[str], spec: dict[str, Any], base: tuple[str, ...]) -> None:
            for group, entry in spec.items():
                if match.group(int(group)) is not None:
                    paint(match.start(int(group)), match.end(int(group)), (*base, entry["name"]))

        for _ in range(10 * len(line) + 10):  # every step consumes a character or pops a frame
            frame = stack[-1]
            best: tuple[int, int, re.Match[str]] | None = None
            if frame.end is not None:
                match = frame.end.search(line, pos)
                if match:
                    best = (match.start(), -1, match)
            for index, rule in enumerate(frame.patterns):
                match = _compiled(rule.get("match") or rule["begin"]).search(line, pos)
                if match and (best is None or match.start() < best[0]):
                    best = (match.start(), index, match)
            if best is None:
                paint(pos, len(line), frame.scopes)
                break
            start, index, match = best
            paint(pos, start, frame.scopes)
            if index == -1:  # the end of a begin/end rule
                paint(start, match.end(), frame.outer)
                capture(match, frame.rule.get("endCaptures", {}), frame.outer)
                stack.pop()
            else:
                rule = frame.patterns[index]
                assert match.end() > start, f"a rule matches the empty string: {rule}"
                outer = (*frame.scopes, rule["name"]) if "name" in rule else frame.scopes
                paint(start, match.end(), outer)
                if "match" in rule:
                    capture(match, rule.get("captures", {}), outer)
                else:
                    capture(match, rule.get("beginCaptures", {}), outer)
                    inner = (*outer, rule["contentName"]) if "contentName" in rule else outer
                    stack.append(Frame(_resolve(rule.get("patterns", [])), inner, rule, outer))
            pos = match.end()
        else:
            pytest.fail(f"the tokenizer does not advance on {line!r}")
        scopes.extend(marks)
    return scopes[: len(text)]


def _expected_scope(token: Any) -> str:
    while token not in SCOPES:
        token = token.parent
    return SCOPES[token]


# --- the file ------------------------------------------------------------------------------


def test_the_file_is_the_generated_grammar() -> None:
    assert GRAMMAR_FILE.read_text(encoding="utf-8") == render_textmate_grammar(), (
        "regenerate: python -m govinfo_rules.lexer > grammars/govinfo.tmLanguage.json"
    )


def test_the_grammar_names_the_language_and_its_files() -> None:
    assert grammar()["scopeName"] == "source.govinfo"
    assert grammar()["fileTypes"] == ["gvr"]
    assert grammar()["name"] == "govinfo-rules"


def test_scope_names_follow_the_textmate_conventions() -> None:
    names = _scope_names(grammar()["patterns"]) + _scope_names(grammar()["repository"])
    assert names
    for name in names:
        parts = name.split(".")
        assert parts[0] in STANDARD_ROOTS and parts[-1] == "govinfo" and len(parts) >= 3, name
    wanted = {"keyword.control", "storage.type", "string.quoted.double", "comment.line.number-sign"}
    wanted |= {"constant.numeric", "entity.name.function", "entity.other.attribute-name", "constant.character.escape"}
    assert {w for w in wanted if any(n.startswith(w + ".") for n in names)} == wanted


@pytest.mark.parametrize("regex", _regexes())
def test_every_regex_is_in_the_common_subset_and_compiles(regex: str) -> None:
    used = {construct: why for construct, why in ONIGURUMA_ONLY.items() if construct in regex}
    if not re.search(r"\(\?<(?![=!])", regex):  # "(?<=" and "(?<!" are lookbehinds, read alike
        used.pop("(?<", None)
    assert used == {}
    re.compile(regex)


# --- what it colours ---------------------------------------------------------------------------


def _keyword_scope(names: tuple[str, ...]) -> bool:
    return any(n.startswith(("keyword.", "storage.type.", "constant.language.")) for n in names)


@pytest.mark.parametrize(("text", "offsets"), keyword_contexts(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_keyword_is_scoped_as_one_where_the_grammar_puts_it(text: str, offsets: list[tuple[int, str]]) -> None:
    scopes = tokenize(text)
    for offset, word in offsets:
        for i in range(offset, offset + len(word)):
            assert _keyword_scope(scopes[i]), f"{word!r} in {text!r}: {scopes[i]}"


def test_the_grammar_and_the_lexer_know_the_same_keywords() -> None:
    # The words each scopes as a keyword in the grammar's own contexts: all of them, for both.
    by_grammar, by_lexer = set(), set()
    for text, offsets in keyword_contexts():
        scopes, tokens = tokenize(text), {start: token for start, token, _ in lex(text)}
        for offset, word in offsets:
            if _keyword_scope(scopes[offset]):
                by_grammar.add(word)
            if str(tokens.get(offset)).startswith(("Token.Keyword", "Token.Operator.Word")):
                by_lexer.add(word)
    assert by_grammar == by_lexer == grammar_keywords()


def _colours_as_the_lexer(name: str, text: str) -> None:
    scopes = tokenize(text)
    for start, token, value in lex(text):
        for i in range(start, start + len(value)):
            if token is Whitespace:
                assert scopes[i] == (SCOPE_NAME,), f"{name}: white space at {i} is {scopes[i]}"
            else:
                expected = _expected_scope(token)
                assert expected in scopes[i], f"{name}: {value!r} ({token}) at {i} is {scopes[i]}, not {expected}"


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=[name for name, _ in CORPUS])
def test_the_grammar_colours_as_the_lexer_does(name: str, text: str) -> None:
    _colours_as_the_lexer(name, text)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_grammar_colours_damaged_text_as_the_lexer_does(data: st.DataObject) -> None:
    _, text = data.draw(st.sampled_from(BUNDLED))
    cut = data.draw(st.integers(0, len(text)))
    damaged = text[:cut] + data.draw(HOSTILE) + text[cut + data.draw(st.integers(0, 40)) :]
    _colours_as_the_lexer("damaged", damaged[max(0, cut - 300) : cut + 300])


@pytest.mark.parametrize(("name", "text"), BUNDLED, ids=[name for name, _ in BUNDLED])
def test_keywords_strings_and_comments_of_the_bundled_rulesets(name: str, text: str) -> None:
    # Against the parser directly: what it reads as a keyword, a string or a comment.
    parsed = parser_tokens(text)
    assert parsed is not None
    scopes = tokenize(text)
    keywords = grammar_keywords()
    counts = {"keyword": 0, "string": 0, "comment": 0}
    for token in parsed[1]:
        here = scopes[token.start_pos : token.end_pos]
        if str(token) in keywords and token.type == str(token).upper():
            assert all(_keyword_scope(s) for s in here), (name, token.line, token)
            counts["keyword"] += 1
        elif token.type == "STRING":
            assert all(any(n.startswith(("string.", "entity.name.function.")) for n in s) for s in here)
            counts["string"] += 1
        elif token.type == "COMMENT":
            assert all("comment.line.number-sign.govinfo" in s for s in here), (name, token.line)
            counts["comment"] += 1
    assert min(counts.values()) > 0, counts


def test_an_unterminated_string_ends_with_its_line() -> None:
    scopes = tokenize('warn x "no end\nrule a: x => +1 pts')
    assert "string.quoted.double.govinfo" in scopes[10]
    assert scopes[15] == (SCOPE_NAME, "keyword.control.govinfo")  # `rule` on the next line


def test_the_docs_table_of_colours_is_the_lexers() -> None:
    # docs/highlighting.md lists each token with its scope: the table must say what SCOPES does.
    page = (ROOT / "docs" / "highlighting.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\|[^\n]*\| `([\w.]+)` \| `([\w.-]+)` \|$", page, flags=re.M))
    assert rows == {
        str(token).removeprefix("Token.").removeprefix("Literal."): scope for token, scope in SCOPES.items()
    }


def test_the_regeneration_command_of_the_docs_gives_the_committed_grammar(tmp_path: Path) -> None:
    (command,) = page_commands("python -m govinfo_rules.lexer ")
    (tmp_path / "grammars").mkdir()
    run_in(tmp_path, command)
    assert (tmp_path / "grammars" / "govinfo.tmLanguage.json").read_bytes() == GRAMMAR_FILE.read_bytes()


def test_the_vs_code_extension_of_the_docs_loads_the_grammar() -> None:
    page = (ROOT / "docs" / "highlighting.md").read_text(encoding="utf-8")
    package, configuration = (json.loads(b) for b in re.findall(r"^```json\n(.*?)^```", page, flags=re.S | re.M))
    (language,) = package["contributes"]["languages"]
    (contributed,) = package["contributes"]["grammars"]
    assert contributed == {
        "language": language["id"],
        "scopeName": grammar()["scopeName"],
        "path": "./syntaxes/" + GRAMMAR_FILE.name,
    }
    assert language["extensions"] == ["." + t for t in grammar()["fileTypes"]]
    assert language["configuration"] == "./language-configuration.json"
    assert {"name", "version", "publisher", "engines"} <= package.keys()
    # The line comment is the grammar's: what the comment rule matches begins with it.
    comment = next(r for r in grammar()["patterns"] if r.get("name", "").startswith("comment."))
    assert re.match(comment["match"], configuration["comments"]["lineComment"] + " x")
    assert {tuple(pair) for pair in configuration["brackets"]} == {("{", "}"), ("(", ")"), ("[", "]")}
