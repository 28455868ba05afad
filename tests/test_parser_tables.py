"""The LALR tables committed beside the grammar (grammars/govinfo.tables.json).

They must be exactly what the grammar gives, and the parser restored from them must
parse, and fail, exactly as the parser built from the grammar does.  After editing
grammars/govinfo.lark, regenerate them with ``python -m govinfo_rules.parser_tables``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lark
import pytest
from lark.grammar import Rule
from lark.lexer import TerminalDef

from govinfo_rules import parse, parser_tables
from govinfo_rules.errors import RulesetError, RulesetSyntaxError
from govinfo_rules.parse import parse_tree
from govinfo_rules.parser_tables import REGENERATE, dump_tables, load_parser, read_tables, stale_reason, tables_path
from govinfo_rules.resources import grammar_path
from govinfo_rules.source import SourceText

ROOT = Path(__file__).resolve().parent.parent
GRAMMAR = grammar_path().read_text(encoding="utf-8")
FENCE = re.compile(r"```gvr( dir=\S+)?\n(.*?)```", flags=re.S)  # as tests/test_docs.py finds them
STALE = f"grammars/govinfo.tables.json is stale: run `{REGENERATE}` and commit the file"


def _written_stamp() -> dict[str, Any]:
    tables = read_tables(tables_path())
    assert tables is not None, f"{tables_path()} is missing or garbled: run `{REGENERATE}`"
    stamp: dict[str, Any] = tables["stamp"]
    return stamp


@pytest.fixture
def same_lark() -> None:
    made_with = _written_stamp()["lark"]
    if made_with != lark.__version__:
        pytest.skip(
            f"the tables were made with Lark {made_with} and Lark {lark.__version__} is installed, so "
            f"parse_tree builds the grammar instead (correct, slower); `{REGENERATE}` remakes them for this Lark"
        )


# --- the tables are up to date ---------------------------------------------------------


def test_the_tables_are_made_from_this_grammar() -> None:
    written, wanted = _written_stamp(), parser_tables.stamp(GRAMMAR)
    assert written["grammar_sha256"] == wanted["grammar_sha256"], f"the grammar changed since: {STALE}"
    assert (written["format"], written["options"]) == (wanted["format"], wanted["options"]), STALE


@pytest.mark.usefixtures("same_lark")
def test_the_committed_tables_are_what_the_grammar_gives() -> None:
    reason = stale_reason(GRAMMAR)
    assert reason is None, f"{reason}; {STALE}"
    assert tables_path().read_text(encoding="utf-8") == dump_tables(GRAMMAR), STALE


@pytest.mark.usefixtures("same_lark")
def test_the_tables_decode_to_lark_data_exactly() -> None:
    # Tuples and integer keys survive JSON: the data is what Lark serialized, renumbered.
    data, memo = parse._parser().memo_serialize([TerminalDef, Rule])
    data, memo = parser_tables._canonical(data, memo)
    tables = read_tables(tables_path())
    assert tables is not None
    assert tables["memo"] == memo
    assert tables["data"] == data


@pytest.mark.usefixtures("same_lark")
def test_parse_tree_uses_the_tables() -> None:
    assert parse._table_parser().source_path == "<deserialized>"  # what Lark's loader sets


@pytest.mark.usefixtures("same_lark")
def test_a_process_loading_every_ruleset_twice_builds_no_lark_parser() -> None:
    probe = """
import json, lark
built = []
original = lark.Lark.__init__
def counting(self, *args, **kwargs):
    built.append(1)
    original(self, *args, **kwargs)
lark.Lark.__init__ = counting
import govinfo_rules
from govinfo_rules.resources import bundled_rulesets
for name in sorted(bundled_rulesets()) * 2:
    govinfo_rules.load_ruleset(name)
print(json.dumps(len(built)))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == 0


# --- the regeneration command ------------------------------------------------------------


@pytest.mark.usefixtures("same_lark")
def test_the_check_command_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert parser_tables.main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_the_command_writes_the_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "govinfo.tables.json"
    monkeypatch.setattr(parser_tables, "tables_path", lambda: target)
    assert parser_tables.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().out
    assert parser_tables.main([]) == 0
    assert target.read_text(encoding="utf-8") == dump_tables(GRAMMAR)
    assert parser_tables.main(["--check"]) == 0


def test_the_tables_do_not_depend_on_the_hash_seed() -> None:
    # Lark numbers states in set order; the committed file must not change with it.
    code = "from govinfo_rules.parser_tables import dump_tables; from govinfo_rules.resources import grammar_path;"
    code += "import sys; sys.stdout.write(dump_tables(grammar_path().read_text(encoding='utf-8')))"
    texts = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(texts) == 1


# --- stale tables are declined ------------------------------------------------------------


def test_tables_for_another_grammar_are_not_used() -> None:
    edited = GRAMMAR + "\n// an edit\n"
    assert load_parser(edited) is None
    assert "grammar_sha256" in (stale_reason(edited) or "")


def test_tables_from_another_lark_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lark, "__version__", "0.0.1")
    assert load_parser(GRAMMAR) is None
    assert "lark" in (stale_reason(GRAMMAR) or "")


@pytest.mark.parametrize("content", [None, "", "{", "[1, 2]", '{"stamp": null}'])
def test_missing_or_garbled_tables_are_not_used(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "govinfo.tables.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert load_parser(GRAMMAR, path) is None
    assert stale_reason(GRAMMAR, path) is not None


def test_without_usable_tables_the_grammar_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser_tables, "load_parser", lambda grammar: None)
    assert parse._table_parser.__wrapped__() is parse._parser()


# --- the restored parser parses and fails as the built one does ------------------------------


def _texts() -> Iterator[Any]:
    for path in sorted((ROOT / "rulesets").glob("*.gvr")):
        yield pytest.param(path.read_text(encoding="utf-8"), id=path.name)
    for path in sorted((ROOT / "docs").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            yield pytest.param(match.group(2), id=f"{path.name}:{text[: match.start()].count(chr(10)) + 1}")
    for path in sorted((ROOT / "tests" / "golden").glob("*/*.gvr")):
        yield pytest.param(path.read_text(encoding="utf-8"), id=f"golden/{path.parent.name}/{path.name}")


# Each branch of parse._message, and the lexer's errors.
BROKEN = [
    'ruleset d\nsource "unterminated\n',
    "ruleset d\nenum kind { 动态汇报（成效类） }\n",
    "ruleset d\nrecord r { unit: name\n",
    "ruleset d\nrecord r { unit: name }\nscore r to unit { group g sum { rule a: true => +1 } }",
    "ruleset d\nparam p: integer = 1\nrecord r { unit: name }\nscore r to unit { group g sum { rule a: p = 1 => +1 pts } }",
    "ruleset d\nrecord r { unit: name }\nscore r to unit { group g sum { rule a: 1 < p < 3 => +1 pts } }",
    "ruleset d\nrecord r { unit: name }\nscore r to unit { group g sum { rule a: true +1 pts } }",
    "ruleset d\nrecord r { unit: name @ }\n",
    "ruleset d\nrecord r {",
    "ruleset",
    "",
    "record r { unit: name }",
    "ruleset d\nparam p: integer 1\n",
]


def _mutations() -> Iterator[Any]:
    # Cuts and deletions through the bundled rulesets hit errors all over the grammar.
    for path in sorted((ROOT / "rulesets").glob("*.gvr")):
        text = path.read_text(encoding="utf-8")
        for k in range(1, 25):
            at = len(text) * k // 25
            yield pytest.param(text[:at], id=f"{path.stem}-cut-{at}")
            yield pytest.param(text[:at] + text[at + 1 :], id=f"{path.stem}-del-{at}")
    for i, text in enumerate(BROKEN):
        yield pytest.param(text, id=f"broken-{i}")


def _shape(node: lark.Tree[lark.Token] | lark.Token) -> Any:
    if isinstance(node, lark.Token):
        return (
            node.type,
            node.value,
            node.line,
            node.column,
            node.end_line,
            node.end_column,
            node.start_pos,
            node.end_pos,
        )
    meta = node.meta
    where = (
        None if meta.empty else (meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos)
    )
    return (str(node.data), where, [_shape(child) for child in node.children])


def _outcome(text: str) -> Any:
    try:
        return _shape(parse_tree(SourceText("t.gvr", text)))
    except (RulesetSyntaxError, RulesetError) as err:  # a limit (nesting) is a RulesetError
        return str(err)


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    restored = _outcome(text)
    monkeypatch.setattr(parse, "_table_parser", parse._parser)
    return restored, _outcome(text)


@pytest.mark.parametrize("text", list(_texts()))
def test_the_restored_parser_gives_the_same_trees(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    restored, built = _both(text, monkeypatch)
    assert restored == built


@pytest.mark.parametrize("text", list(_mutations()))
def test_the_restored_parser_gives_the_same_errors(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    restored, built = _both(text, monkeypatch)
    assert restored == built


def test_the_mutations_do_hit_syntax_errors() -> None:
    outcomes = [_outcome(p.values[0]) for p in _mutations()]
    errors = [o for o in outcomes if isinstance(o, str)]
    assert len(errors) > len(outcomes) // 2  # a cut in a comment or a deleted space still parses
    assert len({e.split(": error: ")[-1].split("\n")[0] for e in errors}) >= 30  # every branch of _message and more
