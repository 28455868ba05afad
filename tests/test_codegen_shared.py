"""Expressions a score block repeats are computed once in the generated code (codegen.py),
and the numbers — and whether a record raises — stay those of the closures and the
reference interpreter: a shared value is computed where its first occurrence was, and
read only where that place has certainly run."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govinfo_rules import Record, Ruleset, compile_ruleset
from govinfo_rules.compile import CompiledScore, EvaluationError
from govinfo_rules.evaluate import period_values
from govinfo_rules.interpret import interpret_score
from govinfo_rules.testing import records

AS_OF = "2024-12-31"
RAISED = "EvaluationError"
SHARED = re.compile(r"_c\d+")
LOOP = re.compile(r"^ +for ", re.MULTILINE)  # a for statement, not a comprehension


def scorer_source(text: str, record_type: str = "r") -> str:
    scorer: Any = compile_ruleset(text).scorer(record_type, as_of=AS_OF)
    return str(scorer.__govinfo_source__)


def spelled(points: Decimal, yuan: Decimal) -> tuple[str, str]:
    # As written: 2.0 and 2.00 are equal decimals, but a report prints them differently.
    return str(points), str(yuan)


def outcomes(ruleset: Ruleset, record: Record) -> dict[str, Any]:
    """What each evaluator makes of one record: its totals, or that it raised."""
    day = dt.date.fromisoformat(AS_OF)
    ctx = (day, period_values(None, day))
    compiled = ruleset._compiled.scores[record.type]
    found: dict[str, Any] = {}

    def run(what: str, compute: Any) -> None:
        try:
            found[what] = compute()
        except EvaluationError:
            found[what] = RAISED

    def interpreter() -> Any:
        out = interpret_score(compiled.score, record.values, ctx)
        return (*spelled(out.points, out.yuan), out.warnings)

    def closures() -> Any:
        out = CompiledScore(compiled.score).run(record.values, ctx, trace=True)
        return (*spelled(out.points, out.yuan), tuple(text for _, text in out.warnings))

    def fast() -> Any:
        out = compiled.run(record.values, ctx, trace=False)
        return (*spelled(out.points, out.yuan), tuple(text for _, text in out.warnings))

    run("interpreter", interpreter)
    run("closures", closures)
    run("fast path", fast)
    run("scorer", lambda: spelled(*ruleset.scorer(record.type, as_of=AS_OF)(record)))
    run("tracer", lambda: spelled(*traced(ruleset.tracer(record.type, as_of=AS_OF)(record))))
    return found


def traced(outcome: Any) -> tuple[Decimal, Decimal]:
    # The tracer's totals, and its lines must be the rules that paid them.
    assert outcome.lines is not None
    if outcome.points or outcome.yuan:
        assert outcome.lines, outcome
    return outcome.points, outcome.yuan


def assert_agree(ruleset: Ruleset, record: Record) -> Any:
    found = outcomes(ruleset, record)
    reference = found["interpreter"]
    interpreted = [str(w[1]) if isinstance(w, tuple) else str(w) for w in reference[2]] if reference != RAISED else None
    for what, got in found.items():
        if what == "interpreter":
            continue
        if reference == RAISED:
            assert got == RAISED, (what, record.values, got)
        elif what in ("scorer", "tracer"):
            assert got == reference[:2], (what, record.values, got, reference)
        else:
            assert got[:2] == reference[:2], (what, record.values, got, reference)
            assert list(got[2]) == interpreted, (what, record.values, got, reference)
    return reference


# --- one ruleset where sharing is right in some places and wrong in others ---------------

SHARED_GVR = """
ruleset shared

struct case {
  role: enum(a, b, c)
  self_found: bool
  weight: integer optional min 0 max 3
}

record r {
  unit: name
  n: integer min 0 max 60
  d: integer optional min 0 max 2  # 10 / d is exact: the evaluators round alike
  flag: bool optional
  kind: enum(x, y) optional
  cases: list of case max 4
  nums: list of integer max 3
}

table 分 { x: 1.5, y: 2 }

score r to unit {
  let found = count(cases where self_found)

  group 处分 sum start 5 floor 0 {
    rule a: count(cases where role == a and not self_found) > 0
      => (-2 * count(cases where role == a and not self_found)) pts
    rule b: count(cases where role == b and not self_found) > 0
      => (-1 * count(cases where role == b and not self_found)) pts
    rule c: any(cases where role == c) => +1 pts
    rule all_found: all(cases where self_found) => +0.5 pts
    rule heavy: count(cases where weight > 1) > 1 => (count(cases where weight > 1)) pts
    rule found: count(cases where self_found) > found => +100 pts
  }

  group 除 sum {
    rule 先: flag => (10 / d) pts
    rule 后: kind == x => (10 / d + 1) pts
    rule 右: n > 5 and 10 / d > 2 => +1 pts
    rule 再: kind == y and n > 3 => (10 / d) pts
    rule 守: d != 0 and d is not null => (if 10 / d > 4 then 10 / d else 0) pts
    rule 表: 分[kind] > 1 => (分[kind] * n) pts
  }

  group 项 sum over cases {
    rule 重: weight * 2 > 3 => (weight * 2) pts
    rule 除: role == a and flag => (10 / d) pts
  }

  gate n < 50

  group 后 sum {
    rule 多: count(cases where role == a) > 1 and count(cases where role == b) > 0 => +1 pts
    rule 零: count(nums where it > 1) > 0 => (count(nums where it > 1)) pts
  }

  warn count(cases where role == a) > 1 "{n} many a"
  warn count(nums where it > 1) > 2 "many nums"
}
"""


@pytest.fixture(scope="module")
def shared() -> Ruleset:
    return compile_ruleset(SHARED_GVR)


def test_the_shared_ruleset_is_generated_and_shares(shared: Ruleset) -> None:
    compiled = shared._compiled.scores["r"]
    assert compiled.fast is not None
    source = compiled.fast.__govinfo_source__
    assert SHARED.search(source)
    # The aggregates over `cases` the first group tests run in one loop before it; the
    # other loop is the `over cases` group.
    assert len(LOOP.findall(source)) == 2
    compile(source, "<test>", "exec")


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_every_evaluator_agrees_on_generated_records(shared: Ruleset, data: st.DataObject) -> None:
    raw = data.draw(records(shared), label="record")
    assert_agree(shared, shared.validate([raw])[0])


def _record(**fields: Any) -> dict[str, Any]:
    return {"id": "R-1", "unit": "u", "n": 1, "cases": [], "nums": [], **fields}


@pytest.mark.parametrize(
    ("fields", "raises"),
    [
        # the division behind false conditions only: never computed
        ({"d": 0, "flag": False, "kind": None}, False),
        ({"d": 0}, False),
        # behind `flag` only, behind `kind == x` only (the second place, not reused)
        ({"d": 0, "flag": True}, True),
        ({"d": 0, "kind": "x"}, True),
        # in the right side of `and`: computed only when the left side does not decide
        ({"d": 0, "n": 5}, False),
        ({"d": 0, "n": 6}, True),
        ({"d": 0, "kind": "y", "n": 3}, False),
        ({"d": 0, "kind": "y", "n": 4}, True),
        # in an item's rule, behind `role == a`
        ({"d": 0, "cases": [{"role": "b", "self_found": False}]}, False),
        ({"d": 0, "flag": None, "cases": [{"role": "a", "self_found": False}]}, False),
        ({"d": 2, "flag": True, "kind": "x", "cases": [{"role": "a", "self_found": False}]}, False),
    ],
)
def test_a_repeated_division_by_zero_raises_exactly_when_the_closures_do(
    shared: Ruleset, fields: dict[str, Any], raises: bool
) -> None:
    record = shared.validate([_record(**fields)])[0]
    assert (assert_agree(shared, record) == RAISED) == raises


def test_what_a_gated_group_computes_is_not_reused_after_the_gate(shared: Ruleset) -> None:
    cases = [{"role": "a", "self_found": False}] * 3 + [{"role": "b", "self_found": False}]
    for n in (10, 55):  # the gate passes, stops
        record = shared.validate([_record(n=n, cases=cases, nums=[2, 3, 4])])[0]
        found = assert_agree(shared, record)
        assert found[2] and len(found[2]) == 2


# --- what the generated source looks like ---------------------------------------------------

REPEATED = """
ruleset repeated
struct case { role: enum(a, b)  self_found: bool }
record r { unit: name  cases: list of case }
score r to unit {
  group g sum floor -10 {
    rule a: count(cases where role == a and not self_found) > 0
      => (-2 * count(cases where role == a and not self_found)) pts
  }
}
"""


def test_an_aggregate_repeated_in_a_rule_is_computed_once() -> None:
    source = scorer_source(REPEATED)
    assert source.count("sum(1 for") == 1
    assert len(set(SHARED.findall(source))) == 1
    ruleset = compile_ruleset(REPEATED)
    cases = [{"role": "a", "self_found": False}] * 2 + [{"role": "a", "self_found": True}]
    record = ruleset.validate([{"id": "R-1", "unit": "u", "cases": cases}])[0]
    assert assert_agree(ruleset, record)[:2] == ("-4", "0")


SEVERAL = """
ruleset several
struct case { role: enum(a, b, c)  self_found: bool }
record r { unit: name  cases: list of case }
score r to unit {
  group g sum floor -10 {
    rule a: count(cases where role == a and not self_found) > 0
      => (-2 * count(cases where role == a and not self_found)) pts
    rule b: count(cases where role == b and not self_found) > 0
      => (-1 * count(cases where role == b and not self_found)) pts
    rule c: any(cases where role == c) => +1 pts
    rule d: all(cases where self_found) => +0.5 pts
  }
}
"""


def test_aggregates_over_one_list_in_a_group_share_one_loop() -> None:
    source = scorer_source(SEVERAL)
    assert "sum(1 for" not in source and "any(" not in source and "all(" not in source
    assert len(LOOP.findall(source)) == 1
    ruleset = compile_ruleset(SEVERAL)
    lists: list[list[dict[str, Any]]] = [
        [],
        [{"role": "a", "self_found": False}, {"role": "b", "self_found": False}],
        [{"role": "c", "self_found": True}, {"role": "a", "self_found": True}],
        [{"role": "a", "self_found": False}] * 3 + [{"role": "c", "self_found": False}],
    ]
    totals = []
    for cases in lists:
        record = ruleset.validate([{"id": "R-1", "unit": "u", "cases": cases}])[0]
        totals.append(assert_agree(ruleset, record)[0])
    assert totals == ["0.5", "-3", "1.5", "-5"]


def test_aggregates_whose_condition_may_raise_are_not_computed_ahead() -> None:
    text = """
ruleset risky
record r { unit: name  nums: list of integer  flag: bool }
score r to unit {
  group g sum {
    rule a: flag => +1 pts
    rule b: count(nums where 10 / it > 1) > 0 => +1 pts
    rule c: count(nums where 10 / it > 2) > 0 => +1 pts
  }
}
"""
    assert scorer_source(text).count("sum(1 for") == 2
    ruleset = compile_ruleset(text)
    for nums, raises in (([1, 2], False), ([0], True), ([], False)):
        record = ruleset.validate([{"id": "R-1", "unit": "u", "nums": nums, "flag": True}])[0]
        assert (assert_agree(ruleset, record) == RAISED) == raises


def test_a_division_behind_two_different_conditions_is_not_shared() -> None:
    text = """
ruleset apart
record r { unit: name  d: integer min 0  p: bool  q: bool }
score r to unit {
  group g sum {
    rule p: p => (10 / d) pts
    rule q: q => (10 / d) pts
  }
}
"""
    assert not SHARED.search(scorer_source(text))
    ruleset = compile_ruleset(text)
    for p in (False, True):
        for q in (False, True):
            record = ruleset.validate([{"id": "R-1", "unit": "u", "d": 0, "p": p, "q": q}])[0]
            assert (assert_agree(ruleset, record) == RAISED) == (p or q)


def test_a_division_tested_then_paid_is_shared_and_still_raises() -> None:
    text = """
ruleset tested
record r { unit: name  d: integer min 0 }
score r to unit {
  group g sum {
    rule share: 10 / d > 2 => (10 / d) pts
  }
}
"""
    source = scorer_source(text)
    assert len(set(SHARED.findall(source))) == 1
    ruleset = compile_ruleset(text)
    for d, expected in ((0, RAISED), (2, ("5", "0")), (5, ("0", "0"))):
        record = ruleset.validate([{"id": "R-1", "unit": "u", "d": d}])[0]
        found = assert_agree(ruleset, record)
        assert (found if found == RAISED else found[:2]) == expected
    with pytest.raises(EvaluationError, match="division by zero"):
        ruleset.scorer("r", as_of=AS_OF)(ruleset.validate([{"id": "R-1", "unit": "u", "d": 0}])[0])


def test_equal_constants_spelled_differently_are_not_shared() -> None:
    # 1.0 and 1.00 are equal decimals (and equal IR constants), but d * 1.0 prints 2.0.
    text = """
ruleset spelling
record r { unit: name  d: decimal }
score r to unit {
  group g sum {
    rule a: d * 1.0 > 0 => (d * 1.00) pts
  }
}
"""
    ruleset = compile_ruleset(text)
    record = ruleset.validate([{"id": "R-1", "unit": "u", "d": "2"}])[0]
    assert assert_agree(ruleset, record)[0] == "2.00"
    assert spelled(*ruleset.scorer("r", as_of=AS_OF)(record)) == ("2.00", "0")


def test_a_let_is_read_where_its_expression_repeats() -> None:
    text = """
ruleset lets
struct case { role: enum(a, b) }
record r { unit: name  cases: list of case }
score r to unit {
  let many = count(cases where role == a)
  group g sum {
    rule a: count(cases where role == a) > 1 => (count(cases where role == a)) pts
  }
}
"""
    source = scorer_source(text)
    assert source.count("sum(1 for") == 1
    assert "_l0 = " in source
    ruleset = compile_ruleset(text)
    record = ruleset.validate([{"id": "R-1", "unit": "u", "cases": [{"role": "a"}] * 3}])[0]
    assert assert_agree(ruleset, record)[:2] == ("3", "0")


def test_a_field_of_an_item_is_not_the_record_field_at_the_same_place() -> None:
    # `k` is field 2 of both the record (after its id and unit) and an item: `k * 2` is
    # two expressions.
    text = """
ruleset places
struct item { a: integer  b: integer  k: integer }
record r { unit: name  k: integer  items: list of item }
score r to unit {
  group top sum {
    rule t: k * 2 > 3 => (k * 2) pts
  }
  group per sum over items {
    rule i: k * 2 > 3 => (k * 2) pts
  }
}
"""
    ruleset = compile_ruleset(text)
    items = [{"a": 0, "b": 0, "k": 5}, {"a": 0, "b": 0, "k": 1}]
    record = ruleset.validate([{"id": "R-1", "unit": "u", "k": 1, "items": items}])[0]
    assert assert_agree(ruleset, record)[:2] == ("10", "0")
    record = ruleset.validate([{"id": "R-1", "unit": "u", "k": 2, "items": items[1:]}])[0]
    assert assert_agree(ruleset, record)[:2] == ("4", "0")
