"""Each limit of govinfo_rules.limits: accepted at the limit, refused just past it, in words.

The main messages are pinned word for word (docs/limits.md quotes them); the others
are checked for the limit they name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import io
import json
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from govinfo_rules import (
    Ruleset,
    RulesetError,
    UsageError,
    compile_ruleset,
    load_ruleset,
)
from govinfo_rules.cli import main
from govinfo_rules.compile import EvaluationError
from govinfo_rules.fmt import format_ruleset
from govinfo_rules.inputs import Input, RawRecord
from govinfo_rules.limits import (
    MAX_FACTORS,
    MAX_LIST_ITEMS,
    MAX_NESTING,
    MAX_RECORD_BYTES,
    MAX_RECORD_FIELDS,
    MAX_RULES,
    MAX_RULESET_BYTES,
    MAX_VALUE_DEPTH,
)
from govinfo_rules.periods import Period, parse_date
from govinfo_rules.validate import Validator

HEAD = """ruleset limits
record r dated on { unit: name  n: integer optional  d: decimal optional  ok: bool optional  on: date
  xs: list of integer  title: text optional }
"""


def scored(cond: str = "true", amount: str = "1", let: str = "1") -> str:
    return (
        f"{HEAD}score r to unit {{\n  let v = {let}\n  group g sum {{\n    rule a: {cond} => ({amount}) pts\n  }}\n}}\n"
    )


def ruleset_error(text: str, base_dir: Path | None = None) -> RulesetError:
    with pytest.raises(RulesetError) as err:
        compile_ruleset(text, filename="limits.gvr", base_dir=base_dir)
    return err.value


def only_message(err: RulesetError) -> str:
    assert len(err.diagnostics) == 1, err.render()
    return err.diagnostics[0].message


RECORD = {"id": "R-1", "unit": "办公室", "n": 2, "d": "1.5", "ok": True, "on": "2024-05-10", "xs": [1, 2]}


def problems(ruleset: Ruleset, **fields: Any) -> list[str]:
    """The messages for one record (empty when it is valid): the generated validator
    and the careful one must agree."""
    record = {**RECORD, **fields}
    found = []
    for validator in (ruleset._validator, Validator(ruleset.program, fast=False)):
        result = validator.validate([RawRecord(record, 1, Input("<test>", "", ()), False)])
        found.append([p.message for p in result.problems])
        assert len(result.records) == (0 if result.problems else 1)
    assert found[0] == found[1]
    return found[0]


PLAIN = scored("ok and n > 0", "n")


@pytest.fixture(scope="module")
def plain() -> Ruleset:
    return compile_ruleset(PLAIN)


@pytest.fixture(scope="module")
def plain_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "plain.gvr"
    path.write_text(PLAIN, encoding="utf-8")
    return path


def score_cli(ruleset: Path, path: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["score", str(ruleset), str(path), "--as-of", "2024-12-31"])
    return code, err.getvalue()


# --- ruleset size ---------------------------------------------------------------------------


def _padded(size: int) -> str:
    """A valid ruleset of exactly ``size`` UTF-8 bytes, padded with a comment of CJK text."""
    text = scored() + "# "
    missing = size - len(text.encode("utf-8")) - 1  # the final newline
    return text + "中" * (missing // 3) + "x" * (missing % 3) + "\n"


def test_a_ruleset_of_the_size_limit_compiles() -> None:
    text = _padded(MAX_RULESET_BYTES)
    assert len(text.encode("utf-8")) == MAX_RULESET_BYTES
    assert compile_ruleset(text).name == "limits"


def test_a_ruleset_one_byte_over_the_size_limit_is_refused() -> None:
    text = _padded(MAX_RULESET_BYTES + 1)
    err = ruleset_error(text)
    assert only_message(err) == (
        "the ruleset is 1,048,577 bytes, over the limit of 1,048,576 (1 MiB); "
        'keep large tables in a CSV file beside it (table NAME from "file.csv")'
    )
    span = err.diagnostics[0].span
    assert span is not None
    assert span.line == text.count("\n")  # the comment line, where the limit falls


# --- nesting ------------------------------------------------------------------------------------


# Expressions ``depth`` levels deep, one of each kind that nests: a name or a number is
# one level, each operator, call, `if` or `not` around it one more.
def nested(kind: str, depth: int) -> str:
    inner = depth - 1
    if kind == "not":
        return scored(cond="not " * inner + "ok")
    if kind == "or":
        return scored(cond=" or ".join(["ok"] * depth))
    if kind == "arithmetic":  # the comparison is a level too
        return scored(cond="n" + " + n" * (depth - 2) + " > 0")
    if kind == "calls":
        return scored(cond="max(" * (depth - 2) + "n" + ", 1)" * (depth - 2) + " > 0")
    if kind == "if":
        return scored(amount="if ok then " * inner + "1" + " else 2" * inner)
    if kind == "brackets":
        return scored(amount="(n + " * inner + "1" + ")" * inner)
    assert kind == "let"
    return scored(let="-" * inner + "n", cond="v < 0")


KINDS = ["not", "or", "arithmetic", "calls", "if", "brackets", "let"]
AT_LIMIT = {kind: nested(kind, MAX_NESTING) for kind in KINDS}


@pytest.mark.parametrize("kind", sorted(AT_LIMIT))
def test_an_expression_nested_to_the_limit_runs_on_every_path(kind: str) -> None:
    ruleset = compile_ruleset(AT_LIMIT[kind])
    record = {**RECORD, "ok": kind != "not"}  # 63 nots of true: false; of false: true
    traced = ruleset.evaluate([record], as_of="2024-12-31")
    fast = ruleset.evaluate([record], as_of="2024-12-31", trace=False)
    assert traced.record("R-1").points == fast.record("R-1").points
    typed = ruleset.validate([record])
    assert ruleset.scorer("r", as_of="2024-12-31")(typed[0])[0] == fast.record("R-1").points
    assert compile_ruleset(format_ruleset(AT_LIMIT[kind])).ast == ruleset.ast


def test_the_nesting_limit_leaves_room_below_pythons_recursion_limit() -> None:
    # At the limit every stage needs well under half of Python's default 1,000 frames,
    # so a host that calls in from deep in its own stack is safe too.
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 450)
    try:
        for text in AT_LIMIT.values():
            ruleset = compile_ruleset(text)
            ruleset.evaluate([RECORD], as_of="2024-12-31")
            ruleset.evaluate([RECORD], as_of="2024-12-31", trace=False)
            format_ruleset(text)
    finally:
        sys.setrecursionlimit(old)


NESTED_MESSAGE = "nested more than 64 levels deep (the limit): give an inner part of the expression a name with `let`"


@pytest.mark.parametrize("kind", sorted(AT_LIMIT))
def test_one_level_deeper_is_refused(kind: str) -> None:
    assert only_message(ruleset_error(nested(kind, MAX_NESTING + 1))) == NESTED_MESSAGE


@pytest.mark.parametrize(
    "cond",
    [
        "not " * 10_000 + "ok",
        " or ".join(["ok"] * 10_000),
        "n" + " * n" * 10_000 + " > 0",
        "(n + " * 10_000 + "n" + ")" * 10_000 + " > 0",
        "-" * 10_000 + "n > 0",
        "max(" * 10_000 + "n" + ", 1)" * 10_000 + " > 0",
        "(if ok then " * 10_000 + "ok" + " else ok)" * 10_000,
    ],
    ids=["not", "or", "times", "brackets", "minus", "calls", "if"],
)
def test_ten_thousand_levels_are_a_ruleset_error_not_a_recursion_error(cond: str) -> None:
    err = ruleset_error(scored(cond=cond))
    assert only_message(err) == NESTED_MESSAGE
    span = err.diagnostics[0].span
    assert span is not None
    assert span.line == 7  # the rule's line


def test_brackets_alone_do_not_nest() -> None:
    ruleset = compile_ruleset(scored(cond="(" * 10_000 + "ok" + ")" * 10_000))
    assert ruleset.evaluate([RECORD], as_of="2024-12-31").record("R-1").points == 1


def test_list_types_nest_too() -> None:
    text = HEAD.replace("xs: list of integer", "xs: " + "list of " * (MAX_NESTING + 1) + "integer")
    assert only_message(ruleset_error(text)) == NESTED_MESSAGE


# --- rules ----------------------------------------------------------------------------------------


def _rules(count: int) -> str:
    rules = "".join(f"    rule r{i}: n == {i} => +1 pts\n" for i in range(count - 1))  # and the let
    return f"{HEAD}score r to unit {{\n  let v = 1\n  group g sum {{\n{rules}  }}\n}}\n"


def test_the_rule_limit_compiles() -> None:
    ruleset = compile_ruleset(_rules(MAX_RULES))
    assert ruleset.summary().startswith(f"limits: ok — 1 record type(s), {MAX_RULES - 1} rule(s)")


def test_one_rule_past_the_limit_is_refused() -> None:
    err = ruleset_error(_rules(MAX_RULES + 1))
    assert only_message(err) == (
        "more than 2,000 rules (rule, let, gate, warn, remind and require together, the limit): split the ruleset"
    )
    span = err.diagnostics[0].span
    assert span is not None
    assert span.line == 6 + MAX_RULES  # after the header, `score`, `let` and `group`: the 2,001st item


# --- record types ---------------------------------------------------------------------------------


def _chain(depth: int) -> str:
    """Structs inside one another: a record `r` whose values are ``depth`` levels deep."""
    structs = "struct s1 { v: integer }\n"
    structs += "".join(f"struct s{i} {{ inner: s{i - 1} }}\n" for i in range(2, depth))
    return f"ruleset deep\n{structs}record r {{ unit: name  inner: s{depth - 1} }}\n"


def test_values_nested_to_the_limit_validate() -> None:
    ruleset = compile_ruleset(_chain(MAX_VALUE_DEPTH))
    value: Any = {"v": 7}
    for _ in range(MAX_VALUE_DEPTH - 2):
        value = {"inner": value}
    (record,) = ruleset.validate([{"id": "1", "unit": "u", "inner": value}])
    assert str(record.values).count("7") == 1


def test_values_one_level_deeper_are_refused() -> None:
    err = ruleset_error(_chain(MAX_VALUE_DEPTH + 1))
    assert only_message(err) == (
        "'r' nests lists and structs 17 levels deep, over the limit of 16: flatten its values into fewer levels"
    )


def test_a_struct_chain_of_thousands_is_refused_at_its_first_level_past_the_limit() -> None:
    err = ruleset_error(_chain(5_000))
    assert [d.message.split(":")[0] for d in err.diagnostics] == [
        "'s17' nests lists and structs 17 levels deep, over the limit of 16",  # and its 1,001st field:
        "'s1001' has 1,001 fields counting those of its structs (each time one is used), over the limit of 1,000",
    ]


def _wide(fields: int) -> str:
    # Ten structs of ten fields, used as many times as it takes; the id is a field too.
    struct = "struct ten { " + " ".join(f"f{i}: integer optional" for i in range(9)) + " }\n"
    uses, rest = divmod(fields - 1, 10)
    columns = (
        " ".join(f"t{i}: ten optional" for i in range(uses))
        + " "
        + " ".join(f"x{i}: integer optional" for i in range(rest))
    )
    return f"ruleset wide\n{struct}record r {{ {columns} }}\n"


def test_a_record_type_of_the_field_limit_compiles() -> None:
    ruleset = compile_ruleset(_wide(MAX_RECORD_FIELDS))
    assert ruleset.validate([{"id": "1", "t0": {"f0": 1}}])[0].values[1][0] == 1


def test_a_record_type_one_field_over_the_limit_is_refused() -> None:
    assert only_message(ruleset_error(_wide(MAX_RECORD_FIELDS + 1))) == (
        "'r' has 1,001 fields counting those of its structs (each time one is used), "
        "over the limit of 1,000: split it into several record types"
    )


def test_structs_used_many_times_over_cannot_blow_up() -> None:
    # Each struct holds ten of the one before: 10^12 fields if expanded.
    structs = "struct s0 { v: integer }\n" + "".join(
        f"struct s{i} {{ " + " ".join(f"a{j}: s{i - 1}" for j in range(10)) + " }\n" for i in range(1, 13)
    )
    err = ruleset_error(f"ruleset wide\n{structs}record r {{ x: s12 }}\n")
    assert "over the limit of 1,000" in only_message(err)


# --- products ---------------------------------------------------------------------------------------


def test_a_product_of_the_factor_limit_compiles() -> None:
    ruleset = compile_ruleset(scored(let="n * n * n * n", amount="v * v * v * v * v * v * v * v"))
    assert MAX_FACTORS == 32
    assert ruleset.evaluate([RECORD], as_of="2024-12-31").record("R-1").points == 2**32


def test_one_factor_more_is_refused() -> None:
    err = ruleset_error(scored(let="n * n * n * n", amount="v * v * v * v * v * v * v * v * n"))
    assert only_message(err) == (
        "this computation multiplies 33 values together (following lets), over the limit of 32: "
        "no policy needs that many, check the formula"
    )


def test_products_through_chains_of_lets_are_counted() -> None:
    lets = "".join(f"  let l{i} = l{i - 1} * l{i - 1}\n" for i in range(1, 7)).replace("l0", "n")
    text = f"{HEAD}score r to unit {{\n{lets}  group g sum {{\n    rule a: l6 > 0 => +1 pts\n  }}\n}}\n"
    err = ruleset_error(text)
    assert "multiplies 64 values" in only_message(err)
    span = err.diagnostics[0].span
    assert span is not None
    assert span.line == 10  # let l6


# --- numbers, in rulesets and in records ----------------------------------------------------------------


@pytest.mark.parametrize("number", ["999999999999999", "999999999999999.999999", "0.000001", "0.1000000000"])
def test_numbers_at_the_limits_are_accepted(number: str, plain: Ruleset) -> None:
    compile_ruleset(scored(amount=number))
    assert problems(plain, d=number) == []
    assert problems(plain, d=Decimal(number)) == []
    assert problems(plain, d="-" + number) == []


def test_integers_at_the_limit_are_accepted(plain: Ruleset) -> None:
    assert problems(plain, n=10**15 - 1) == []
    assert problems(plain, n=-(10**15) + 1) == []


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1000000000000000", "1000000000000000 is too large: a number has at most 15 digits before the decimal point"),
        ("0.0000001", "0.0000001 has 7 decimal places: the limit is 6; round the value"),
    ],
)
def test_numbers_past_the_limits_are_refused(number: str, message: str, plain: Ruleset) -> None:
    assert only_message(ruleset_error(scored(amount=number))) == f"number {message}"
    assert problems(plain, d=number) == [message]
    assert problems(plain, d=Decimal(number)) == [message]


def test_integers_past_the_limit_are_refused(plain: Ruleset) -> None:
    message = "1000000000000000 is too large: a number has at most 15 digits before the decimal point"
    assert problems(plain, n=10**15) == [message]
    assert problems(plain, n=-(10**15)) == ["-" + message]


@pytest.mark.parametrize("number", ["1e999999999", "-1E+999999999", "9" * 4000])
def test_huge_json_numbers_are_refused_at_once(number: str, plain: Ruleset) -> None:
    # 1E+999999999 as an integer would take minutes to build; it is never built.
    record = json.dumps({**RECORD, "n": "N", "d": "D"}).replace('"N"', number).replace('"D"', number)
    with ledger(".jsonl", record) as path:
        validated = plain.read(path)
    assert [p.field for p in validated.problems] == ["n", "d"]
    assert all("is too large" in p.message for p in validated.problems)


def test_a_number_too_long_for_python_is_named_without_printing_it(plain: Ruleset) -> None:
    assert problems(plain, n=10**5000) == [
        "100000000000… (5001 characters) is too large: a number has at most 15 digits before the decimal point"
    ]
    assert problems(plain, title=10**5000) == ["expected text, got a number of thousands of digits"]


def test_numbers_of_tables_and_parameters_are_limited(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("unit,quota,since\n办公室,1000000000000000,2024-01-01\n医务科,5,1899-12-31\n")
    text = (
        "ruleset t\nparam p: decimal = 1\n"
        'table 任务 from "t.csv" key unit { unit: name  quota: integer  since: date }\n'
        "record r { unit: name }\n"
    )
    err = ruleset_error(text, base_dir=tmp_path)
    assert [d.message for d in err.diagnostics] == [
        "table 任务: quota: 1000000000000000 is too large: a number has at most 15 digits before the decimal point",
        "table 任务: since: 1899-12-31 is out of range: dates run from 1900-01-01 to 2199-12-31",
    ]
    (tmp_path / "t.csv").write_text("unit,quota,since\n办公室,5,2024-01-01\n")
    with pytest.raises(RulesetError) as override:
        compile_ruleset(text, overrides={"p": "1e999999999"}, base_dir=tmp_path)
    assert [d.message for d in override.value.diagnostics] == [
        "override of parameter 'p': 1E+999999999 is too large: a number has at most 15 digits before the decimal point"
    ]


# --- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
def test_dates_at_the_limits_are_accepted(day: str, plain: Ruleset) -> None:
    assert problems(plain, on=day) == []
    assert parse_date(day) == dt.date.fromisoformat(day)
    compile_ruleset(f'ruleset d\nparam since: date = "{day}"\nrecord r {{ unit: name }}\n')


@pytest.mark.parametrize("day", ["1899-12-31", "2200-01-01", "0001-01-01", "9999-12-31"])
def test_dates_past_the_limits_are_refused(day: str, plain: Ruleset) -> None:
    message = f"{day} is out of range: dates run from 1900-01-01 to 2199-12-31"
    assert problems(plain, on=day) == [f"date {message}"]
    with pytest.raises(UsageError, match=f"^date {message}$"):
        parse_date(day)
    err = ruleset_error(f'ruleset d\nparam since: date = "{day}"\nrecord r {{ unit: name }}\n')
    assert only_message(err) == f"date {message}"


@pytest.mark.parametrize(("period", "ok"), [("1900", True), ("2199-Q4", True), ("1899-12", False), ("0000", False)])
def test_periods_follow_the_date_limits(period: str, ok: bool) -> None:
    if ok:
        assert Period.parse(period).label == period
        return
    with pytest.raises(UsageError, match="out of range: periods run from 1900 to 2199"):
        Period.parse(period)


def test_days_past_the_calendar_are_an_evaluation_error_with_the_record() -> None:
    ruleset = compile_ruleset(scored(cond="on + n days > as_of"))
    record = {**RECORD, "n": 10**15 - 1}
    for trace in (True, False):
        with pytest.raises(
            EvaluationError,
            match=r"^<records>:1:1: error: record R-1: 2024-05-10 \+ 999999999999999 days is outside the calendar$",
        ):
            ruleset.evaluate([record], as_of="2024-12-31", trace=trace)
    with pytest.raises(EvaluationError, match="is outside the calendar"):
        ruleset.scorer("r", as_of="2024-12-31")(ruleset.validate([record])[0])


# --- records: size and lists -------------------------------------------------------------------------


@contextlib.contextmanager
def ledger(suffix: str, text: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"ledger{suffix}"
        path.write_bytes(text.encode("utf-8"))
        yield path


def _record_of(size: int) -> str:
    """A JSON record of exactly ``size`` UTF-8 bytes, its title padded with CJK text."""
    text = json.dumps({**RECORD, "title": ""}, ensure_ascii=False)
    missing = size - len(text.encode("utf-8"))
    return text.replace('"title": ""', '"title": "' + "中" * (missing // 3) + "x" * (missing % 3) + '"')


SIZE_MESSAGE = "a record of 1,048,577 bytes, over the limit of 1,048,576 (1 MiB): keep long texts out of the ledger"


def _lines_around(line: str, ending: str) -> tuple[str, int]:
    """A JSON Lines text with ``line`` and a valid record R-2, and the line ``line`` is
    on: first with ``ending`` after it, or last, at the end of the file, with none."""
    other = json.dumps({**RECORD, "id": "R-2"})
    return (line + ending + other + "\n", 1) if ending else (other + "\n" + line, 2)


@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
def test_a_json_line_of_the_size_limit_is_read_and_streamed(ending: str, plain: Ruleset, plain_file: Path) -> None:
    text, _ = _lines_around(_record_of(MAX_RECORD_BYTES), ending)
    with ledger(".jsonl", text) as path:
        assert sorted(r.id for r in plain.read(path).records) == ["R-1", "R-2"]
        assert score_cli(plain_file, path) == (0, "")


@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
def test_a_json_line_one_byte_over_is_refused_and_the_next_still_read(
    ending: str, plain: Ruleset, plain_file: Path
) -> None:
    text, line = _lines_around(_record_of(MAX_RECORD_BYTES + 1), ending)
    with ledger(".jsonl", text) as path:
        validated = plain.read(path)
        assert [(p.line, p.field, p.message) for p in validated.problems] == [(line, "(line)", SIZE_MESSAGE)]
        assert [r.id for r in validated.records] == ["R-2"]
        code, err = score_cli(plain_file, path)
    assert code == 1
    assert err.startswith(f"{path}:{line}:1: error: record ?: (line): {SIZE_MESSAGE}\n")


def test_a_json_array_element_over_the_size_limit_is_refused(plain: Ruleset) -> None:
    fits, over = _record_of(MAX_RECORD_BYTES), _record_of(MAX_RECORD_BYTES + 1)
    with ledger(".json", f"[\n{fits},\n{over}\n]") as path:
        validated = plain.read(path)
    assert [(p.line, p.field, p.message) for p in validated.problems] == [(3, "(record)", SIZE_MESSAGE)]
    assert len(validated.records) == 1


def _csv_row(size: int) -> str:
    """A CSV row of exactly ``size`` bytes, in cells under the csv module's own limit per cell."""
    row = "R-1,u,2024-05-10"
    while len(row) < size:
        row += "," + "x" * min(100_000, size - len(row) - 1)
    return row


@pytest.mark.parametrize(("size", "ok"), [(MAX_RECORD_BYTES, True), (MAX_RECORD_BYTES + 1, False)])
def test_a_csv_row_at_and_over_the_size_limit(size: int, ok: bool, plain: Ruleset) -> None:
    row = _csv_row(size)
    assert len(row) == size
    header = "id,unit,on," + ",".join(f"c{i}" for i in range(row.count(",") - 2))
    with ledger(".csv", f"{header}\n{row}\n") as path:
        validated = plain.read(path)
    assert [(p.line, p.message) for p in validated.problems] == ([] if ok else [(2, SIZE_MESSAGE)])
    assert len(validated.records) == (1 if ok else 0)


def test_a_csv_cell_over_the_csv_modules_limit_is_named(plain: Ruleset) -> None:
    with ledger(".csv", "id,unit,on,title\nR-1,u,2024-05-10," + "x" * 200_000 + "\n") as path:
        validated = plain.read(path)
    assert [p.message for p in validated.problems] == [
        "not valid CSV: a cell of more than 131,072 characters, the limit of a CSV cell"
    ]


def test_a_list_of_the_limit_is_accepted_and_one_more_item_refused(plain: Ruleset) -> None:
    assert problems(plain, xs=list(range(MAX_LIST_ITEMS))) == []
    assert problems(plain, xs=list(range(MAX_LIST_ITEMS + 1))) == [
        "a list of 10,001 items: the limit is 10,000; split the record"
    ]


# --- JSON that Python cannot hold --------------------------------------------------------------------


def test_json_nested_deeper_than_python_reads_is_a_problem_of_its_line(plain: Ruleset, plain_file: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with ledger(".jsonl", deep + "\n" + json.dumps(RECORD)) as path:
        validated = plain.read(path)
        code, err = score_cli(plain_file, path)
    assert [(p.line, p.message) for p in validated.problems] == [
        (1, "not valid JSON: values nested too deeply (lists or objects inside one another)")
    ]
    assert [r.id for r in validated.records] == ["R-1"]
    assert code == 1
    assert "nested too deeply" in err


def test_a_lone_surrogate_escape_is_refused_before_it_reaches_any_output(plain: Ruleset) -> None:
    line = json.dumps({**RECORD, "title": "x"}).replace('"x"', '"\\ud800"')
    with ledger(".jsonl", line + "\n" + json.dumps({**RECORD, "id": "R-2", "title": "\\ud83d\\ude00"})) as path:
        validated = plain.read(path)
    assert [p.message for p in validated.problems] == [
        "not valid JSON: a \\u escape of half a surrogate pair, which is not a character"
    ]
    assert [r.id for r in validated.records] == ["R-2"]  # a pair of escapes is one character


def test_a_surrogate_escape_in_a_ruleset_string_is_refused() -> None:
    err = ruleset_error(scored().replace("rule a:", 'rule "\\ud800":'))
    assert only_message(err) == "'\\ud800' is half of a surrogate pair; write the character itself"


def test_the_bundled_rulesets_are_far_within_every_limit() -> None:
    for name in ("wenzhou", "ganzhou", "wanren"):
        ruleset = load_ruleset(name)
        assert len(ruleset.source.text.encode("utf-8")) < MAX_RULESET_BYTES // 50


BOUNDED = """ruleset bounded
record r { unit: name  low: decimal min 0  both: decimal min -1 max 1  count: integer min 0
  items: list of decimal  years: list of integer }
"""
_FIT = {"unit": "u", "low": 0, "both": 0, "count": 0, "items": [], "years": []}


@pytest.mark.parametrize("field", ["low", "both", "count", "items", "years"])
@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (Decimal("0.000001"), True),
        (Decimal("0.5000000"), True),
        (Decimal("0.0000001"), False),
        (Decimal("999999999999999"), True),
        (Decimal("1E+15"), False),
        (Decimal("-1E+15"), False),
        (10**15 - 1, True),
        (10**15, False),
        (Decimal("NaN"), False),
        (Decimal("sNaN"), False),
    ],
)
def test_declared_bounds_and_limits_give_one_answer_on_both_paths(field: str, value: Any, ok: bool) -> None:
    # The generated validator leaves out a test of the limits that declared bounds make
    # needless; it must still accept and refuse exactly what the careful path does.
    ruleset = compile_ruleset(BOUNDED)
    record = {**_FIT, "id": "R-1", field: [value] if field in ("items", "years") else value}
    fast = ruleset._validator.validate([RawRecord(record, 1, Input("<test>", "", ()), False)])
    careful = Validator(ruleset.program, fast=False).validate([RawRecord(record, 1, Input("<test>", "", ()), False)])
    assert [p.message for p in fast.problems] == [p.message for p in careful.problems]
    assert [r.values for r in fast.records] == [r.values for r in careful.records]
    finite = not isinstance(value, Decimal) or value.is_finite()
    within_field = (
        finite
        and {
            "low": value >= 0,
            "both": -1 <= value <= 1,
            "count": value >= 0 and value == int(value),
            "items": True,
            "years": value == int(value),
        }[field]
    )
    assert bool(fast.records) == (ok and within_field)
