"""Fuzzing the record pipeline: every record is scored, or listed as invalid; none is lost.

Ledgers mix valid records (:func:`govinfo_rules.testing.ledgers`), records with one
targeted defect (:func:`govinfo_rules.testing.invalid_records`) and garbage: lines
that are not JSON, JSON that is not a record, CSV rows of any cells, Python values of
any type.  Whatever the input, reading and validating raise nothing but a
:class:`GovinfoRulesError`; every invalid record is listed (by id, or by line where it
has none), no valid one is, and every line of a ledger is accounted for — a record,
a problem, or blank.  The streamed path of ``govinfo-rules score`` finds the same
problems as the whole-file path.

The number of examples follows the Hypothesis profile (tests/conftest.py); see
docs/limits.md for the long fuzzing session.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fuzzing import examples
from govinfo_rules import RecordError, Ruleset, load_ruleset
from govinfo_rules.cli import main
from govinfo_rules.errors import RecordProblem
from govinfo_rules.inputs import header_names, loads
from govinfo_rules.testing import invalid_records, ledgers
from govinfo_rules.types import name_key

RULESETS = {name: load_ruleset(name) for name in ("wenzhou", "ganzhou", "wanren")}
NAMES = st.sampled_from(sorted(RULESETS))


@contextlib.contextmanager
def ledger_file(suffix: str, data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"ledger{suffix}"
        path.write_bytes(data)
        yield path


# --- valid and precisely invalid records ----------------------------------------------------


@st.composite
def mixed_ledgers(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]], dict[str, str]]:
    """A ruleset's name, a ledger of valid records with invalid ones among them, and
    the field each invalid record (by id) gets wrong."""
    name = draw(NAMES)
    ruleset = RULESETS[name]
    ledger = draw(ledgers(ruleset, max_size=4))
    bad = draw(st.lists(invalid_records(ruleset), min_size=1, max_size=3))
    wrong: dict[str, str] = {}
    for i, (record, field) in enumerate(bad, 1):
        record_id = f"BAD-{i}"
        wrong[record_id] = field
        ledger.insert(draw(st.integers(0, len(ledger))), {**record, "id": record_id})
    return name, ledger, wrong


def _named_field(problem: RecordProblem) -> str:
    return re.split(r"[.\[]", problem.field)[0]


@examples(0.8)
@given(mixed_ledgers())
def test_every_invalid_record_is_listed_with_its_field(case: tuple[str, list[dict[str, Any]], dict[str, str]]) -> None:
    name, ledger, wrong = case
    err = validation_error(RULESETS[name], ledger)
    assert err is not None, "invalid records were accepted"
    assert set(err.record_ids) == set(wrong)
    for record_id, field in wrong.items():
        assert field in {_named_field(p) for p in err.problems if p.record_id == record_id}
    positions = {r["id"]: i for i, r in enumerate(ledger, 1)}
    assert all(p.line == positions[p.record_id] for p in err.problems if p.record_id is not None)


def validation_error(ruleset: Ruleset, records: list[Any]) -> RecordError | None:
    try:
        ruleset.validate(records)
    except RecordError as err:
        return err
    return None


def _csv_text(records: list[dict[str, Any]]) -> tuple[str, list[int]]:
    """A ledger as a spreadsheet saves it (one column per field, lists as JSON text),
    and the line each record starts on."""
    header = list(dict.fromkeys(key for record in records for key in record))
    return _csv_rows([header, *([_cell(record.get(key)) for key in header] for record in records)])


_LINE_BREAK = re.compile("\r\n|\r|\n")


def _csv_rows(rows: list[list[str]]) -> tuple[str, list[int]]:
    """CSV text of a header and rows, and the line each row after the header starts on."""
    out = io.StringIO()
    writer = csv.writer(out)
    starts = []
    for row in rows:
        # Lines as a CSV reader and an editor count them: a lone "\r" in a cell ends one too.
        starts.append(len(_LINE_BREAK.findall(out.getvalue())) + 1)
        writer.writerow(row)
    return out.getvalue(), starts[1:]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


@examples(0.6)
@given(mixed_ledgers(), st.sampled_from(["jsonl", "json", "csv"]))
def test_ledger_files_list_every_invalid_record_and_lose_none(
    case: tuple[str, list[dict[str, Any]], dict[str, str]], fmt: str
) -> None:
    name, ledger, wrong = case
    if fmt == "jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ledger)
        starts = list(range(1, len(ledger) + 1))
    elif fmt == "json":
        text = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in ledger) + "\n]\n"
        starts = list(range(2, len(ledger) + 2))
    else:
        text, starts = _csv_text(ledger)
    with ledger_file(f".{fmt}", text.encode("utf-8")) as path:
        validated = RULESETS[name].read(path)
    accepted = {r.id for r in validated.records}
    rejected = {p.record_id for p in validated.problems}
    assert accepted | rejected == {r["id"] for r in ledger}
    assert not accepted & rejected
    line_of = {r["id"]: line for r, line in zip(ledger, starts, strict=True)}
    assert all(p.line == line_of[p.record_id] for p in validated.problems)
    if fmt != "csv":  # in CSV a list where text belongs is its JSON text: no longer a defect
        assert rejected == set(wrong)
    else:
        assert rejected <= set(wrong)


# --- garbage ---------------------------------------------------------------------------------


def _field_names() -> list[str]:
    names = {"id", "type", "kind"}
    for ruleset in RULESETS.values():
        for schema in ruleset.program.schemas:
            names |= {f.name for f in schema.struct.fields}
    return sorted(names)


_FIELD_NAMES = _field_names()


_TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_characters="\n"),
        st.sampled_from('{}[]":,0123456789eE.-+ \\\r\x00\x0c\x1c\x85\u2028\u2029\ufeff\u202e（）１'),
    ),
    max_size=40,
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.sampled_from(["0.5", "1e999999999", "-0", "1E-7", "123456789012345678901234567890", "NaN"]).map(Decimal),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["快报", "专报", "采用", "批示", "市卫健委", "医务科", "2024-02-30", "是", "true", " 1 "]),
    _TEXT,
)


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_FIELD_NAMES), inner, max_size=6)


_JSONISH = st.recursive(_SCALARS, _containers, max_leaves=12)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# One line of a JSON Lines file: a record, a record with garbage in its fields, or garbage.
_LINES = st.one_of(
    st.dictionaries(st.sampled_from(_FIELD_NAMES), _JSONISH, max_size=10).map(_dumps),
    _JSONISH.map(_dumps),
    _TEXT,
    st.sampled_from(
        [
            "",
            "   ",
            '{"id": "1", "title": "\\ud800"}',  # a lone surrogate escape
            '{"id": "2", "n": 1e999999999}',
            '{"id": 12345678901234567890123}',
            '{"id": "3", "chars": NaN}',
            "[" * 5000 + "]" * 5000,  # deeper than Python reads
            '{"id": "4"',
            '{"id": "5", "id": "6"}',
            "\ufeff{}",
        ]
    ),
)


def _accounted(text: str, problems: tuple[RecordProblem, ...], lines: set[int]) -> None:
    """Every non-blank line of a JSON Lines text is a record or has a problem, not both."""
    wanted = {i for i, line in enumerate(text.split("\n"), 1) if line.strip()}
    flagged = {p.line for p in problems}
    assert flagged | lines == wanted
    assert not flagged & lines
    assert all(problem.field and problem.message for problem in problems)


@examples(2.0)
@given(NAMES, st.lists(_LINES, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_json_lines_garbage_is_accounted_for_line_by_line(name: str, lines: list[str], ending: str, bom: bool) -> None:
    text = ("\ufeff" if bom else "") + ending.join(lines)
    with ledger_file(".jsonl", text.encode("utf-8")) as path:
        validated = RULESETS[name].read(path)
    _accounted(text.removeprefix("\ufeff"), validated.problems, {r.line for r in validated.records})


@examples(0.4)
@given(NAMES, st.lists(_LINES, max_size=6))
def test_the_streamed_score_finds_what_the_whole_file_read_finds(name: str, lines: list[str]) -> None:
    text = "\n".join(lines)
    with ledger_file(".jsonl", text.encode("utf-8")) as path:
        validated = RULESETS[name].read(path)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["score", name, str(path), "--as-of", "2024-12-31", "--format", "json"])
        located = re.compile(rf"^{re.escape(str(path))}:(\d+):(\d+): error: ", re.M)
        flagged = {int(m.group(1)) for m in located.finditer(err.getvalue())}
    assert flagged == {p.line for p in validated.problems}
    assert code == (1 if validated.problems else 0), err.getvalue()
    if code == 0:
        assert json.loads(out.getvalue())["ruleset"]["name"] == name


@examples(2.0)
@given(NAMES, st.one_of(_TEXT.map(lambda t: "[" + t), _JSONISH.map(_dumps), st.lists(_JSONISH, max_size=5)))
def test_json_garbage_is_accounted_for_element_by_element(name: str, content: str | list[Any]) -> None:
    # A list is written one element a line, so that each element has its own line.
    text = content if isinstance(content, str) else "[\n" + ",\n".join(map(_dumps, content)) + "\n]"
    with ledger_file(".json", text.encode("utf-8")) as path:
        validated = RULESETS[name].read(path)
    if isinstance(content, str):
        assert all(1 <= p.line <= text.count("\n") + 1 for p in validated.problems)
        if not _is_json(text):
            assert [p.field for p in validated.problems] in (["(line)"], ["(file)"])
        return
    flagged = {p.line for p in validated.problems}
    accepted = {r.line for r in validated.records}
    assert flagged | accepted == set(range(2, len(content) + 2))
    assert not flagged & accepted


def _is_json(text: str) -> bool:
    try:
        loads(text)
    except ValueError:
        return False
    return True


_CELLS = st.one_of(_SCALARS.map(_cell), st.sampled_from(['"', '""', "a,b", "x\ny", "[1, 2]", '{"level": 1}', "\x00"]))


@examples(2.0)
@given(NAMES, st.lists(st.lists(_CELLS, max_size=12), max_size=6), st.lists(st.sampled_from(_FIELD_NAMES), max_size=12))
def test_csv_garbage_rows_are_each_a_record_or_a_problem(name: str, rows: list[list[str]], header: list[str]) -> None:
    text, starts = _csv_rows([header or ["id"], *rows])
    with ledger_file(".csv", text.encode("utf-8")) as path:
        validated = RULESETS[name].read(path)
    headers = header_names(RULESETS[name].program)
    known = [headers[name_key(cell)] for cell in header if name_key(cell) in headers]  # the field(s) each names
    if len(set(known)) < len(known):
        # Two columns naming one field: the header is wrong, and no row is read.
        assert {(p.line, p.field) for p in validated.problems} == {(1, "(header)")}
        assert not validated.records
        return
    flagged = {p.line for p in validated.problems}
    accepted = {r.line for r in validated.records}
    wanted = {line for line, row in zip(starts, rows, strict=True) if any(cell.strip() for cell in row)}
    assert flagged | accepted == wanted
    assert not flagged & accepted


_VALUES = st.one_of(
    _JSONISH,
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("sNaN"), Decimal("Infinity"), Decimal("-0E-1000000"), 10**5000, b"bytes", (1, 2)]),
    st.dates(),
)


@examples(2.0)
@given(
    NAMES,
    st.lists(
        st.dictionaries(st.sampled_from(_FIELD_NAMES) | st.integers(0, 3).map(str) | st.integers(), _VALUES, max_size=8)
        | _VALUES,
        max_size=5,
    ),
)
def test_python_values_validate_or_raise_a_record_error(name: str, records: list[Any]) -> None:
    ruleset: Ruleset = RULESETS[name]
    err = validation_error(ruleset, records)
    if err is not None:
        assert {p.line for p in err.problems} <= set(range(1, len(records) + 1))
        assert err.render()
        return
    ruleset.evaluate(records, as_of="2024-12-31")


# --- regressions: crashes found by fuzzing and review, each with its smallest input --------------


def test_a_field_name_that_is_not_text_is_a_record_error() -> None:
    # Found by test_python_values: the "did you mean" hint compared an int with text.
    err = validation_error(RULESETS["wenzhou"], [{0: 0.0}])
    assert err is not None
    assert "a field name must be text, not 0" in [p.message for p in err.problems]


def test_line_separators_inside_a_json_string_do_not_split_the_record() -> None:
    # A title pasted from a web page may hold U+2028, NEL or a form feed: JSON allows
    # them raw in a string, and str.splitlines() cut the record in two there.
    record = {"id": "W-1", "unit": "医务科", "authors": ["王强"], "submitted_on": "2024-05-10", "kind": "快报"}
    record |= {"qualified": True, "adoptions": [], "title": "甲\u2028乙\x85丙\x0c丁"}
    text = json.dumps(record, ensure_ascii=False) + "\n" + '{"id": "W-2"}\n'
    with ledger_file(".jsonl", text.encode("utf-8")) as path:
        validated = RULESETS["wenzhou"].read(path)
    assert [r.id for r in validated.records] == ["W-1"]
    assert {p.line for p in validated.problems} == {2}


def test_a_large_json_array_is_read_in_one_pass() -> None:
    # Each record's position was found by scanning the file from its start again: a
    # JSON array of 20,000 records took minutes.  Now it is one pass (a few seconds at most).
    record = {"id": "", "unit": "医务科", "authors": ["王强"], "submitted_on": "2024-05-10", "kind": "快报"}
    record |= {"qualified": True, "adoptions": []}
    text = "[" + ",\n".join(json.dumps({**record, "id": f"W-{i}"}, ensure_ascii=False) for i in range(20_000)) + "]"
    with ledger_file(".json", text.encode("utf-8")) as path:
        started = time.perf_counter()
        validated = RULESETS["wenzhou"].read(path)
        elapsed = time.perf_counter() - started
    assert len(validated.records) == 20_000
    assert validated.records[-1].line == 20_000
    assert elapsed < 20


_OPTION = st.one_of(
    _TEXT.filter(lambda t: not t.startswith("-")),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2024", "2024-Q3", "2024-q5", "2024-13", "0000", "9999-Q4", "2024-02-30", "１９９９"]),
)
_SETTING = st.one_of(
    st.builds("{}={}".format, st.sampled_from(["报送时限天数", "修改次数上限", "市级批示加分", "x"]), _OPTION), _OPTION
)


def _option_pair(option: str) -> st.SearchStrategy[list[str]]:
    return (_SETTING if option == "--set" else _OPTION).map(lambda value: [option, value])


@examples(0.6)
@given(NAMES, st.lists(st.sampled_from(["--as-of", "--period", "--set"]).flatmap(_option_pair), max_size=3))
def test_score_options_are_used_or_refused_in_words(name: str, options: list[list[str]]) -> None:
    record = json.dumps({"id": "R-1"})
    with ledger_file(".jsonl", record.encode("utf-8")) as path:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["score", name, str(path), *(part for pair in options for part in pair)])
            except SystemExit as stop:  # argparse itself: an option without its value
                code = stop.code if isinstance(stop.code, int) else 2
    assert code in (1, 2), err.getvalue()  # the one record lacks every field: never 0
    assert err.getvalue().count("\n") >= 1
    assert "Traceback" not in err.getvalue()


def test_a_superscript_digit_as_period_is_a_usage_error() -> None:
    # Found by test_score_options (a crash of the new range check): '¹' is a digit to
    # str.isdigit() but not to int().
    with ledger_file(".jsonl", b'{"id": "R-1"}\n') as path:
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["score", "wenzhou", str(path), "--period", "¹"])
    assert code == 2
    assert err.getvalue().endswith(
        "govinfo-rules: error: invalid period '¹': expected a year (2024), a quarter (2024-Q3) or a month (2024-03)\n"
    )
