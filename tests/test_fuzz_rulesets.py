"""Fuzzing the ruleset pipeline: whatever the text, a ruleset or a located error.

Texts come from the grammar (``hypothesis.extra.lark.from_lark``), from the bundled
rulesets with tokens deleted, duplicated, swapped or replaced, from random Unicode
(CJK, full-width forms, control characters, bidi marks) and from random bytes.  For
every one, :func:`compile_ruleset`, :func:`load_ruleset` and ``govinfo-rules check``
either succeed or raise a :class:`GovinfoRulesError` whose every diagnostic points
inside the text it names: no traceback, no other exception, no hang.

The number of examples follows the Hypothesis profile (tests/conftest.py): the fast
default in every run of the suite, ``GOVINFO_FUZZ=long`` for a fuzzing session (the
command and its last figures are in docs/limits.md).
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from fuzzing import examples
from govinfo_rules import Ruleset, RulesetError, RulesetSyntaxError, compile_ruleset, load_ruleset
from govinfo_rules.cli import main
from govinfo_rules.compile import EvaluationError
from govinfo_rules.errors import Diagnostic
from govinfo_rules.limits import LAST_DATE
from govinfo_rules.parse import _parser

ROOT = Path(__file__).resolve().parent.parent
RULESETS = ROOT / "rulesets"
BUNDLED = {path.stem: path.read_text(encoding="utf-8") for path in sorted(RULESETS.glob("*.gvr"))}
NAME = "fuzz.gvr"


# --- what a clean failure is ----------------------------------------------------------


def assert_located(diagnostic: Diagnostic) -> None:
    """A diagnostic points at a line of the text it names, and at a column of that line
    (or just past its end); lines are counted as the parser counts them, by '\\n'."""
    span = diagnostic.span
    assert span is not None, f"no location: {diagnostic.message}"
    lines = span.source.text.split("\n")
    assert 1 <= span.line <= len(lines), (span.line, len(lines), diagnostic.message)
    assert 1 <= span.column <= len(lines[span.line - 1]) + 1, (span.column, lines[span.line - 1], diagnostic.message)
    assert (span.end_line, span.end_column) >= (span.line, span.column)
    rendered = diagnostic.render()
    assert rendered.startswith(f"{span.source.name}:{span.line}:{span.column}: error: ")


def compiles_or_fails_cleanly(text: str, base_dir: Path | None = None) -> bool:
    """Compile ``text``; whether it compiled.  Any failure but a located ruleset error fails the test."""
    result = compile_or_error(text, base_dir)
    event(f"outcome: {type(result).__name__}")  # how deep the draws get, in the statistics
    if isinstance(result, Ruleset):
        # A ruleset that compiles scores an empty ledger and describes itself.
        assert result.evaluate([], as_of="2024-12-31").records == ()
        assert result.summary().startswith(result.name)
        if text.startswith(_FRAME):
            scores_or_says_why(result)
        return True
    assert result.diagnostics
    for diagnostic in result.diagnostics:
        assert_located(diagnostic)
        if diagnostic.span is not None and diagnostic.span.source.name == NAME:
            assert diagnostic.span.source.text == text
    return False


def compile_or_error(text: str, base_dir: Path | None = None) -> Ruleset | RulesetSyntaxError | RulesetError:
    try:
        return compile_ruleset(text, filename=NAME, base_dir=base_dir)
    except (RulesetSyntaxError, RulesetError) as err:
        return err


# Records of the frame below at the edges of the limits: the largest numbers, the
# finest fractions, the first and last dates.
EDGES = [
    {"n": 10**15 - 1, "d": "999999999999999.999999", "on": "2199-12-31", "ok": True, "xs": ["甲", "乙"]},
    {"n": -(10**15) + 1, "d": "-0.000001", "on": "1900-01-01", "ok": False, "xs": []},
    {"d": "0", "on": "2024-02-29", "ok": True, "xs": ["甲"], "note": "{n}"},
]


def scores_or_says_why(ruleset: Ruleset) -> None:
    """Score the edge records on every path: a figure, or an EvaluationError naming the record."""
    if [s.name for s in ruleset.program.schemas] != ["a"] or not ruleset.program.scores:
        return  # another record type was generated too: these records would need a type
    records = [{"id": f"E-{i}", "unit": "单位", "kind": "甲", **edge} for i, edge in enumerate(EDGES, 1)]
    typed = ruleset.validate(records)
    scorer = ruleset.scorer("a", as_of=LAST_DATE)
    for record in typed:
        for trace in (True, False):
            failure = evaluation_error(
                functools.partial(ruleset.evaluate_validated, [record], as_of=LAST_DATE, trace=trace)
            )
            if failure is not None:
                event("outcome: EvaluationError")
                assert f"record {record.id}: " in failure.message
        evaluation_error(functools.partial(scorer, record))


def evaluation_error(run: Callable[[], object]) -> EvaluationError | None:
    try:
        run()
    except EvaluationError as err:
        return err
    return None


# --- texts from the grammar --------------------------------------------------------------

_P = _parser()


def _spaced(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    # from_lark joins terminals as they come: spaces keep `ruleset` and a name apart.
    return strategy.map(lambda text: f" {text} ")


# Terminals drawn from values that stress the later stages: Unicode digits that \d
# accepts, long and exact numbers, names that are Python, strings with escapes.
_EXPLICIT = {t.name: st.just(f" {t.pattern.value} ") for t in _P.terminals if t.pattern.type == "str"}
_EXPLICIT.update(
    NAME=_spaced(
        st.sampled_from(
            [
                *("n", "d", "on", "ok", "kind", "xs", "unit", "note", "p", "v", "甲", "乙", "as_of", "period"),
                *("a", "x_1", "rank", "__import__", "_", "ａ", "count", "sum", "max"),
            ]
        )
    ),
    NUMBER=_spaced(
        st.sampled_from(
            [
                *("0", "1", "2", "10", "0.5", "007", "12.250", "999999999999999", "1000000000000000"),
                *("0.000001", "0.0000001", "１２", "٣", "123456789012345678901234567890", "9" * 400),
            ]
        )
    ),
    STRING=_spaced(
        st.lists(
            st.sampled_from(
                ["a", "中", " ", '\\"', "\\\\", "\\n", "\\u4e2d", "\\x", "{a}", "{", "2024-01-01", "\u202e"]
            ),
            max_size=4,
        ).map(lambda parts: '"' + "".join(parts) + '"')
    ),
    CLAUSE=_spaced(st.sampled_from(["§ 三(一)1", "§附件2", '§ a"b'])),
    YUAN=_spaced(st.sampled_from(["¥", "￥"])),
    SIGN=_spaced(st.sampled_from(["+", "-"])),
    ADD_OP=_spaced(st.sampled_from(["+", "-"])),
    MUL_OP=_spaced(st.sampled_from(["*", "/"])),
    COMP=_spaced(st.sampled_from(["==", "!=", "<", "<=", ">", ">="])),
    WS=st.sampled_from([" ", "\n", "\r\n", "\t"]),
    COMMENT=st.integers(0, 99).map(lambda i: f" # c{i}\n"),
)


def _from(start: str) -> st.SearchStrategy[str]:
    terminals, rules, ignore = _P.grammar.compile([start], ())
    names = {t.name for t in terminals} | set(ignore)
    for rule in rules:
        names |= {symbol.name for symbol in rule.expansion if symbol.is_term}
    return from_lark(_P, start=start, explicit={k: v for k, v in _EXPLICIT.items() if k in names})


# A ruleset that declares a record and scores it, so that generated expressions reach
# the checker and the compiler, and a few declarations of every other kind.
_FRAME = (
    "ruleset fuzz\n"
    "param p: integer = 3\n"
    "enum 级别 { 甲, 乙 }\n"
    "record a dated on { unit: name  n: integer optional  d: decimal  on: date  ok: bool  kind: 级别\n"
    "  xs: list of name  note: text optional }\n"
)
_DECLS = ["param_decl", "enum_decl", "struct_decl", "record_decl", "score_decl", "award_decl", "table_decl"]
_DECLS += ["per_unit_decl", "ranking_decl", "tiers_decl", "units_decl", "period_decl"]
_EXPR = _from("expr")
_SCORED = st.builds(
    lambda cond, amount, let: (
        f"{_FRAME}score a to unit {{\n  let v = {let}\n  group g sum {{\n    rule r: {cond} => ({amount}) pts\n  }}\n}}\n"
    ),
    _EXPR,
    _EXPR,
    _EXPR,
)


# Well-typed expressions over the frame's fields, so that most draws compile and are
# scored: integers, decimals, truth values and dates, nested at random.
def _binary(operators: str) -> Callable[[st.SearchStrategy[str]], st.SearchStrategy[str]]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds("({} {} {})".format, inner, st.sampled_from(list(operators)), inner),
            st.builds("-{}".format, inner),
            st.builds("{}({}, {})".format, st.sampled_from(["max", "min"]), inner, inner),
            st.builds("(if {} then {} else {})".format, _TRUTH_LEAVES, inner, inner),
        )

    return extend


_TRUTH_LEAVES = st.sampled_from(["ok", "true", "false", "kind == 甲", "n is null", "count(xs) > 0", "on <= as_of"])
_INTEGERS = st.recursive(
    st.sampled_from(["n", "p", "0", "1", "7", "count(xs)", "999999999999999", "(on - as_of)", "period.months"]),
    _binary("+-*"),
    max_leaves=12,
)
_NUMBERS = st.recursive(
    st.sampled_from(["d", "0.5", "0.000001", "999999999999999.999999"]) | _INTEGERS, _binary("+-*/"), max_leaves=12
)
_DATES = st.one_of(st.just("on"), st.just("as_of"), st.builds("(on + {} days)".format, _INTEGERS))
_TRUTHS = st.recursive(
    _TRUTH_LEAVES
    | st.builds("{} {} {}".format, _NUMBERS, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), _NUMBERS)
    | st.builds("{} < {}".format, _DATES, _DATES),
    lambda inner: (
        st.builds("({} and {})".format, inner, inner)
        | st.builds("({} or {})".format, inner, inner)
        | st.builds("not {}".format, inner)
    ),
    max_leaves=8,
)
_TYPED = st.builds(
    lambda let, cond, amount, day, warn: (
        f"{_FRAME}score a to unit {{\n  let v = {let}\n  let w = {day}\n"
        f"  group g sum {{\n    rule r: {cond} => ({amount}) pts\n    rule s: w > as_of => +v pts, ¥(v)\n  }}\n"
        f'  warn {warn} "{{v}} {{w}} {{n}}"\n}}\n'
    ),
    _NUMBERS,
    _TRUTHS,
    _NUMBERS | st.just("v"),
    _DATES,
    _TRUTHS,
)

GENERATED = st.one_of(
    _TYPED,
    _SCORED,
    st.builds(lambda decls: _FRAME + "\n".join(decls), st.lists(st.one_of([_from(d) for d in _DECLS]), max_size=5)),
    _from("start"),
)


@examples(1.2)
@given(GENERATED)
def test_generated_rulesets_compile_or_fail_with_a_location(text: str) -> None:
    compiles_or_fails_cleanly(text)


# --- the bundled rulesets, mutated ---------------------------------------------------------

# A token: a string, a clause citation, a word, one other character; the spaces between kept.
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|§[^\s,{}]*|\w+|\s+|.')
_ODD = [
    "\u202e",
    "\u200b",
    "\ufeff",
    "\x00",
    "\x0c",
    "\u2028",
    "（",
    "）",
    "＝",
    "１",
    "｛",
    '"',
    "\\",
    "¥",
    "§",
    "\ud800",
]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    """A bundled ruleset with one to four tokens deleted, duplicated, swapped or replaced."""
    name = draw(st.sampled_from(sorted(BUNDLED)))
    tokens = _TOKEN.findall(BUNDLED[name])
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(tokens) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "replace", "insert"]))
        if action == "delete":
            del tokens[i]
        elif action == "duplicate":
            tokens.insert(i, tokens[i])
        elif action == "swap" and i + 1 < len(tokens):
            tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
        elif action == "replace":
            tokens[i] = draw(st.sampled_from(tokens))
        else:
            tokens.insert(i, draw(st.sampled_from(_ODD)))
    return name, "".join(tokens)


@examples(0.6)
@given(mutated())
def test_mutated_bundled_rulesets_compile_or_fail_with_a_location(case: tuple[str, str]) -> None:
    _, text = case
    compiles_or_fails_cleanly(text, base_dir=RULESETS)  # ganzhou reads its CSV table from there


# --- random Unicode and random bytes ---------------------------------------------------------

_UNICODE = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from("温州市卫健委党政信息报送采用批示考核"),  # CJK
    st.sampled_from("ＡＢｚ０９（）｛｝＝＞＜，：．－＋＃＂"),  # full-width forms
    st.characters(min_codepoint=0, max_codepoint=0x1F),  # control characters
    st.sampled_from("\x7f\x85\xa0\u2028\u2029\u3000"),  # other line and space characters
    st.sampled_from("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff"),  # bidi
    st.sampled_from(["ruleset", "record", "score", "group", "rule", "{", "}", ":", "=>", "pts", '"', "\n", " "]),
)
RANDOM_TEXT = st.lists(_UNICODE, max_size=60).map("".join)


@examples(2.0)
@given(RANDOM_TEXT)
def test_random_unicode_fails_with_a_location(text: str) -> None:
    compiles_or_fails_cleanly(text)


@examples(2.0)
@given(st.sampled_from(sorted(BUNDLED)), st.lists(st.tuples(st.integers(0, 10**6), _UNICODE), min_size=1, max_size=4))
def test_random_unicode_inside_a_bundled_ruleset_fails_with_a_location(
    name: str, inserts: list[tuple[int, str]]
) -> None:
    text = BUNDLED[name]
    for at, piece in inserts:
        at %= len(text)
        text = text[:at] + piece + text[at:]
    compiles_or_fails_cleanly(text, base_dir=RULESETS)


@examples(2.0)
@given(st.binary(max_size=200) | st.sampled_from(sorted(BUNDLED)).flatmap(lambda n: _flipped(BUNDLED[n])))
def test_random_bytes_in_a_ruleset_file_fail_with_a_location(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / NAME
        path.write_bytes(data)
        loaded = load_or_error(path)
    event(f"outcome: {type(loaded).__name__}")
    if not isinstance(loaded, Ruleset):
        assert loaded.diagnostics
        for diagnostic in loaded.diagnostics:
            assert_located(diagnostic)


def load_or_error(path: Path) -> Ruleset | RulesetSyntaxError | RulesetError:
    try:
        return load_ruleset(path)
    except (RulesetSyntaxError, RulesetError) as err:
        return err


def _flipped(text: str) -> st.SearchStrategy[bytes]:
    """The file's bytes with one to three bytes replaced: mostly not UTF-8 any more."""
    data = text.encode("utf-8")

    def flip(changes: list[tuple[int, int]]) -> bytes:
        out = bytearray(data)
        for at, value in changes:
            out[at % len(out)] = value
        return bytes(out)

    return st.lists(st.tuples(st.integers(0, len(data)), st.integers(0, 255)), min_size=1, max_size=3).map(flip)


# --- the command line ------------------------------------------------------------------------

_CHECK_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): error: ")


@examples(0.4)
@given(st.one_of(RANDOM_TEXT, mutated().map(lambda case: case[1]), GENERATED))
def test_check_exits_1_with_file_line_column_and_a_caret(text: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / NAME
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", str(path)])
    if code == 0:
        assert err.getvalue() == ""
        assert ": ok — " in out.getvalue()
        return
    assert code == 1, err.getvalue()
    first = err.getvalue().splitlines()[0]
    found = _CHECK_LINE.match(first)
    assert found is not None, first
    assert "Traceback" not in err.getvalue()


# --- regressions: crashes found by fuzzing and review, each with its smallest input --------------


def test_minus_before_a_string_is_a_type_error_not_a_crash() -> None:
    # Found by test_generated_rulesets: the checker folded -"" and raised TypeError.
    result = compile_or_error(f'{_FRAME}score a to unit {{\n  let v = -""\n}}\n')
    assert isinstance(result, RulesetError)
    assert [d.message for d in result.diagnostics] == ["'-' needs a number, not text"]


def test_a_form_feed_does_not_shift_the_quoted_line() -> None:
    # A form feed is white space to the parser, but str.splitlines() broke the line at
    # it, so the excerpt under the location showed the line after the right one.
    result = compile_or_error("ruleset a\n\x0crecord r { unit: nam }\n")
    assert isinstance(result, RulesetError)
    assert result.render().split("\n")[1] == "    \x0crecord r { unit: nam }"


def test_an_unreadable_csv_table_is_a_ruleset_error(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("unit,quota\n办公室,1\n" + "x" * 200_000 + ",2\n", encoding="utf-8")
    text = 'ruleset a\ntable t from "t.csv" key unit { unit: name  quota: integer }\nrecord r { unit: name }\n'
    result = compile_or_error(text, base_dir=tmp_path)
    assert isinstance(result, RulesetError)
    (diagnostic,) = result.diagnostics
    assert diagnostic.message == "table 't': t.csv is not valid CSV: field larger than field limit (131072)"
    assert_located(diagnostic)


def test_a_nul_in_a_table_file_name_is_a_ruleset_error() -> None:
    # Found by test_random_unicode_inside_a_bundled_ruleset: opening the path raised
    # ValueError ("embedded null byte").
    text = 'ruleset a\ntable t from "t\x00.csv" key unit { unit: name }\nrecord r { unit: name }\n'
    result = compile_or_error(text)
    assert isinstance(result, RulesetError)
    assert [d.message for d in result.diagnostics] == ["table 't': cannot read t\x00.csv: embedded null byte"]
