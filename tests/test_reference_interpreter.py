"""Two evaluators, one answer: the reference interpreter against the fast ones.

``govinfo_rules.interpret`` walks the IR node by node; ``compile`` runs it with a trace
(generated matchers for the groups, the generated function for gates and messages), as
closures alone, or through its fast path (without a trace); ``Ruleset.scorer`` is what
host systems call.  On every record of the bundled example ledgers and test-case files, on
records generated from each bundled ruleset's schema, and on records of FEATURES (a
ruleset that uses every IR expression), all of them must give the same points and yuan,
the closures also the same gate, trace lines, credited units, warnings and reminders —
or all must raise EvaluationError.  Then the interpreter alone, on small rulesets whose
figures docs/language.md gives, and the three cases where the closures once disagreed
with the language reference (names in a list, a missing list, an inexact quotient in
a bounded group).
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govinfo_rules import Period, Record, Ruleset, compile_ruleset, ir, load_ruleset
from govinfo_rules.cases import Case, read_case_file
from govinfo_rules.compile import CompiledScore, EvaluationError
from govinfo_rules.evaluate import period_values
from govinfo_rules.inputs import Input, RawRecord
from govinfo_rules.interpret import evaluate_expr, interpret_score
from govinfo_rules.testing import records
from govinfo_rules.types import BOOL, DATE, DECIMAL, INTEGER

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rulesets" / "examples"
BUNDLED = ("wenzhou", "ganzhou", "wanren")
LEDGERS = {"wenzhou": "wenzhou-2024.jsonl", "ganzhou": "ganzhou-2020-Q3.jsonl", "wanren": "wanren-2024.jsonl"}

# Every IR expression at least once, in conditions, amounts, lets, scales, gates,
# warnings and reminders: dates ± days, date − date, `/` (by 0 when `nums` is empty:
# it raises; the other divisors give exact quotients, see test_an_inexact_quotient),
# inline tables keyed by label and by number, a CSV table keyed by name (a parameter
# spelled with a space), `in` a list of names and of decimals, `it`, an optional
# struct, a negative `scale` in a `highest` group, groups on both sides of two gates,
# start/floor/cap and a total.  Units are those of ganzhou-tasks.csv (units from).
FEATURES_GVR = """
ruleset features "every IR expression, for the differential tests"

param 上限: integer = 3
param 牵头: name = "上犹县 医疗保障局"
param 截止: date = "2024-06-30"

table 任务 from "ganzhou-tasks.csv" key unit {
  unit: name
  category: text
  annual: integer
  monthly: integer
}
units from 任务

table 级别分 { 市: 1, 省: 2.5, else: 0.5 }
table 序分 { 1: 0, 2: 0.5, 3: 1 }
table 除数 { 0: 0, 1: 0.5, 2: 4, 3: 8 }

struct hit {
  level: enum(市, 省, 国)
  weight: decimal optional min 0 max 2
  tags: list of integer max 2
}

struct box { xs: list of integer max 3 }

record r dated day {
  unit: name
  units: list of name max 3
  title: text optional
  day: date
  due: date optional
  kind: enum(甲, 乙, 丙)
  n: integer optional min 0 max 5
  d: decimal min -2 max 3
  ok: bool optional
  hits: list of hit max 3
  nums: list of decimal max 3
  best: box optional
}

score r to units {
  let late = day - due
  let 期限 = if due is null then day + 上限 days else due - 1 days
  let 半 = ok is not null and ok
  let 比 = if n >= 0 and kind == 丙 then n / 除数[count(nums)] else -d
  let 行 = 任务[unit]

  group 先扣 sum floor -3 {
    rule 迟: late > 上限 => (-late / 10) pts
    rule 未知: not (ok or n > 2) => -1 pts, ¥(-5)
  }

  gate kind != 乙 or ok

  group 基础 sum start 2 floor 0 cap 4 {
    rule 牵头: unit == 牵头 and unit in (牵头, "办公室") => +1 pts
    rule 牵头任务: 任务[牵头] is not null => ¥(任务[牵头].annual)
    rule 名单: unit in units and unit not in ("外单位") => +0.5 pts
    rule 任务内: unit in 任务 and 行.monthly * period.months_begun >= count(units) => (行.monthly) pts
    rule 表外: unit not in 任务 => -1 pts
    rule 题: title == unit or title is null => ¥(10 * max(n, 1))
    rule 期: 期限 <= 截止 and as_of >= day => (min(d, 1.5)) pts
    rule 比: 比 > 0 => (比) pts
  }

  group 加分 highest over hits scale (if 半 then -1 else 0.5) {
    rule 级: level in (市, 省) => (级别分[level]) pts, ¥100
    rule 重: weight is not null and weight >= 1 => (weight * 2) pts, ¥(count(tags) * 50)
    rule 平: any(tags where it > 3) => +1 pts, ¥100
    rule 同: all(tags where it <= 3) and level == 国 => +1 pts, ¥100
  }

  gate count(nums where it > 0) <= 上限

  group 数 sum {
    rule 和: sum(nums) > 1 => (sum(nums) - 1) pts
    rule 有: n in nums => +2 pts
    rule 盒: best is not null and count(best.xs) > 1 and 序分[count(best.xs)] is not null => (序分[count(best.xs)]) pts
    rule 负: d < 0 => (-(d * d)) pts, ¥(-d)
    rule 轻: all(hits where weight < 1) => +0.25 pts
    rule 重: count(hits where weight >= 1.5) > 0 or any(hits where not (weight < 1.5)) => +0.5 pts
  }

  total floor -2 cap 6

  warn late > 0 "{late} day(s) late, due {due}"
  warn 行 is null "{unit} is not in the table"
  remind due is not null and as_of <= due "due {due}" due 期限 shortfall n
}
"""

RULESETS: dict[str, Ruleset] = {name: load_ruleset(name) for name in BUNDLED}
RULESETS["features"] = compile_ruleset(FEATURES_GVR, filename="features.gvr", base_dir=ROOT / "rulesets")

# The (as_of, period) pairs that matter: the evaluation the example ledger is made
# for, a day inside the period (months_begun, deadlines not yet reached), and, for
# ganzhou, a whole year; None is every record (ganzhou: the year of as_of).
CONTEXTS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "wenzhou": (("2024-12-31", None), ("2024-06-15", "2024-Q2")),
    "ganzhou": (("2020-09-30", "2020-Q3"), ("2020-08-10", "2020-Q3"), ("2020-12-31", None)),
    "wanren": (("2024-12-31", None), ("2025-03-31", "2024")),
    "features": (("2024-06-15", "2024-Q2"), ("2024-12-31", None)),
}

RAISED = "EvaluationError"


# --- the evaluators, each seen as plain data ------------------------------------------


def context(ruleset: Ruleset, as_of: str, period: str | None) -> tuple[Period | None, tuple[Any, ...]]:
    """The period and ``ctx`` as Ruleset.evaluate builds them."""
    day = dt.date.fromisoformat(as_of)
    chosen = Period.parse(period) if period else None
    if chosen is None and ruleset.program.period_default == "year":
        chosen = Period.year_of(day)
    return chosen, (day, period_values(chosen, day))


def interpreted(score: ir.Score, record: Record, ctx: Any) -> Any:
    try:
        out = interpret_score(score, record.values, ctx)
    except EvaluationError:
        return RAISED
    return (out.points, out.yuan, out.stopped_by, out.lines, out.targets, out.warnings, out.reminders)


def by_closures(compiled: CompiledScore, record: Record, ctx: Any, run: Callable[[Record], Any] | None = None) -> Any:
    try:
        out = compiled.run(record.values, ctx, trace=True) if run is None else run(record)
    except EvaluationError:
        return RAISED
    assert out.lines is not None
    stopped = None if out.stopped_by is None else [g is out.stopped_by for g in compiled.score.gates].index(True)
    lines = tuple((line.rule.name, line.points, line.yuan, line.item) for line in out.lines)
    warnings = tuple(text for _, text in out.warnings)
    reminders = tuple((r.text, r.due, r.shortfall) for r in out.reminders)
    return (out.points, out.yuan, stopped, lines, out.targets, warnings, reminders)


PURE: dict[int, CompiledScore] = {}


def by_closures_alone(compiled: CompiledScore, record: Record, ctx: Any) -> Any:
    """The traced path with neither the generated function nor the generated matchers."""
    key = id(compiled.score)
    if key not in PURE:
        PURE[key] = CompiledScore(compiled.score)
    return by_closures(PURE[key], record, ctx)


def by_fast_path(compiled: CompiledScore, record: Record, ctx: Any) -> Any:
    """``run`` without a trace: everything but the lines."""
    try:
        out = compiled.run(record.values, ctx, trace=False)
    except EvaluationError:
        return RAISED
    stopped = None if out.stopped_by is None else [g is out.stopped_by for g in compiled.score.gates].index(True)
    warnings = tuple(text for _, text in out.warnings)
    reminders = tuple((r.text, r.due, r.shortfall) for r in out.reminders)
    return (out.points, out.yuan, stopped, out.targets, warnings, reminders)


SCORERS: dict[tuple[Ruleset, str, str, Period | None], Callable[[Record], Any]] = {}


def by_scorer(ruleset: Ruleset, record: Record, as_of: str, period: Period | None) -> Any:
    key = (ruleset, record.type, as_of, period)
    if key not in SCORERS:  # made once: a host system keeps its scorer
        SCORERS[key] = ruleset.scorer(record.type, as_of=as_of, period=period)
    try:
        return SCORERS[key](record)
    except EvaluationError:
        return RAISED


TRACERS: dict[tuple[Ruleset, str, str, Period | None], Callable[[Record], Any]] = {}


def by_tracer(ruleset: Ruleset, record: Record, as_of: str, period: Period | None) -> Any:
    """``Ruleset.tracer``: the traced path as the public API gives it."""
    key = (ruleset, record.type, as_of, period)
    if key not in TRACERS:
        TRACERS[key] = ruleset.tracer(record.type, as_of=as_of, period=period)
    return by_closures(ruleset._compiled.scores[record.type], record, None, TRACERS[key])


def disagreements(ruleset: Ruleset, typed: Iterable[Record], as_of: str, period: str | None) -> list[str]:
    """Every difference between the interpreter and the fast evaluators, as text."""
    chosen, ctx = context(ruleset, as_of, period)
    found = []
    for record in typed:
        compiled = ruleset._compiled.scores.get(record.type)
        if compiled is None:
            continue
        expected = interpreted(compiled.score, record, ctx)
        without_lines = expected if expected == RAISED else expected[:3] + expected[4:]
        totals = expected if expected == RAISED else expected[:2]
        where = f"{ruleset.name} {record.id} as of {as_of}, period {period}"
        for what, got, wanted in (
            ("traced path", by_closures(compiled, record, ctx), expected),
            ("closures alone", by_closures_alone(compiled, record, ctx), expected),
            ("fast path", by_fast_path(compiled, record, ctx), without_lines),
            ("scorer", by_scorer(ruleset, record, as_of, chosen), totals),
            ("tracer", by_tracer(ruleset, record, as_of, chosen), expected),
        ):
            if got != wanted:
                found.append(f"{where}: {what}\n  gives       {got}\n  interpreter {wanted}")
    return found


def check(ruleset: Ruleset, typed: list[Record], as_of: str, period: str | None) -> None:
    found = disagreements(ruleset, typed, as_of, period)
    assert not found, f"{len(found)} disagreement(s), the first:\n" + "\n".join(found[:3])


# --- bundled ledgers and test cases -----------------------------------------------------


@pytest.mark.parametrize(("name", "as_of", "period"), [(n, *c) for n in BUNDLED for c in CONTEXTS[n]])
def test_example_ledgers_agree(name: str, as_of: str, period: str | None) -> None:
    ruleset = RULESETS[name]
    validated = ruleset.read(EXAMPLES / LEDGERS[name])
    assert len(validated.records) > 50
    check(ruleset, list(validated.records), as_of, period)


def case_records(ruleset: Ruleset, case: Case) -> list[Record]:
    """A case's valid records (the cases that expect record errors keep the others)."""
    if case.input is not None:
        return list(ruleset.read(case.input).records)
    source = Input(case.span.filename, "", ())
    raws = [RawRecord(r, i, source, False) for i, r in enumerate(case.records or (), 1)]
    return list(ruleset.validate_raw(raws).records)


@pytest.mark.parametrize("name", BUNDLED)
def test_test_case_files_agree(name: str) -> None:
    cases = read_case_file(ROOT / "rulesets" / f"{name}.test.toml").cases
    loaded: dict[tuple[tuple[str, Any], ...], Ruleset] = {(): RULESETS[name]}
    total = 0
    for case in cases:
        if case.overrides not in loaded:
            loaded[case.overrides] = load_ruleset(name, overrides=dict(case.overrides))
        ruleset = loaded[case.overrides]
        typed = case_records(ruleset, case)
        total += len(typed)
        own = (case.as_of or CONTEXTS[name][0][0], case.period)
        for as_of, period in (own, *CONTEXTS[name]):
            check(ruleset, typed, as_of, period)
    assert len(cases) >= 10
    assert total > 20


# --- generated records ----------------------------------------------------------------------

GENERATED = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("name", [*BUNDLED, "features"])
@GENERATED
@given(data=st.data())
def test_generated_records_agree(name: str, data: st.DataObject) -> None:
    ruleset = RULESETS[name]
    raw = data.draw(records(ruleset), label="record")
    unit = raw.get("unit")
    if isinstance(unit, str) and len(unit) > 2 and data.draw(st.booleans(), label="spaced"):
        raw["unit"] = f"{unit[:2]} {unit[2:]}"  # as a wrapped table cell: the same name
    as_of, period = data.draw(st.sampled_from(CONTEXTS[name]), label="as_of, period")
    check(ruleset, ruleset.validate([raw]), as_of, period)


def expression_kinds(program: ir.Program) -> set[type]:
    """The IR node classes met in the program's score blocks."""
    seen: set[type] = set()
    stack: list[Any] = list(program.scores)
    while stack:
        node = stack.pop()
        if isinstance(node, tuple | list):
            stack.extend(node)
        elif attrs.has(type(node)) and type(node).__module__ == ir.__name__:
            seen.add(type(node))
            stack.extend(getattr(node, f.name) for f in attrs.fields(type(node)))
    return seen


def test_the_rulesets_under_test_use_every_expression() -> None:
    met = set().union(*(expression_kinds(r.program) for r in RULESETS.values()))
    assert set(typing.get_args(ir.Expr)) <= met


def test_a_zero_divisor_raises_in_every_evaluator() -> None:
    ruleset = RULESETS["features"]
    typed = ruleset.validate(
        [{"id": "Z-1", "unit": "上犹县人民医院", "day": "2024-05-01", "kind": "丙", "n": 2, "d": "1"}]
    )
    _, ctx = context(ruleset, "2024-06-15", "2024-Q2")
    assert interpreted(ruleset.program.scores[0], typed[0], ctx) == RAISED
    check(ruleset, typed, "2024-06-15", "2024-Q2")


# --- the interpreter alone ----------------------------------------------------------------


def score_one(source: str, record: dict[str, Any], as_of: str = "2024-12-31", period: str | None = None) -> Any:
    ruleset = compile_ruleset(source)
    typed = ruleset.validate([record])[0]
    _, ctx = context(ruleset, as_of, period)
    score = next(s for s in ruleset.program.scores if s.record == typed.type)
    return interpret_score(score, typed.values, ctx)


UNKNOWN_LOGIC = [
    # (left, right, and, or): Kleene's tables, None unknown
    (True, True, True, True),
    (True, False, False, True),
    (True, None, None, True),
    (False, True, False, True),
    (False, False, False, False),
    (False, None, False, None),
    (None, True, None, True),
    (None, False, False, None),
    (None, None, None, None),
]


@pytest.mark.parametrize(("left", "right", "conj", "disj"), UNKNOWN_LOGIC)
def test_and_or_are_kleene(left: bool | None, right: bool | None, conj: bool | None, disj: bool | None) -> None:
    a, b = ir.Const(left, BOOL), ir.Const(right, BOOL)
    assert evaluate_expr(ir.Logic("and", a, b, BOOL), ((),)) is conj
    assert evaluate_expr(ir.Logic("or", a, b, BOOL), ((),)) is disj
    assert evaluate_expr(ir.Not(a, BOOL), ((),)) is (None if left is None else not left)


def test_a_decided_left_side_skips_the_right() -> None:
    one, zero = ir.Const(1, INTEGER), ir.Const(0, INTEGER)
    raises = ir.Cmp(">", ir.Arith("/", one, zero, DECIMAL), zero, BOOL)
    with pytest.raises(EvaluationError, match="division by zero"):
        evaluate_expr(raises, ((),))
    assert evaluate_expr(ir.Logic("and", ir.Const(False, BOOL), raises, BOOL), ((),)) is False
    assert evaluate_expr(ir.Logic("or", ir.Const(True, BOOL), raises, BOOL), ((),)) is True
    assert evaluate_expr(ir.If(ir.Const(None, BOOL), raises, ir.Const(True, BOOL), BOOL), ((),)) is True


TV = """
ruleset tv
record r {
  unit: name
  chars: integer optional
}
score r to unit {
  group g sum {
    rule 长: chars > 450 => +1 pts
    rule 不长: not (chars > 450) => +10 pts
    rule 不长或未知: chars is null or chars <= 450 => +100 pts
  }
}
"""


def test_an_unknown_optional_value_makes_both_a_condition_and_its_negation_fail() -> None:
    # docs/language.md, three-valued logic: 医务科 110, 护理部 100
    known = score_one(TV, {"id": "R-1", "unit": "医务科", "chars": 300})
    unknown = score_one(TV, {"id": "R-2", "unit": "护理部"})
    assert (known.points, [line[0] for line in known.lines]) == (110, ["g.不长", "g.不长或未知"])
    assert (unknown.points, [line[0] for line in unknown.lines]) == (100, ["g.不长或未知"])


HIGHEST = """
ruleset highest
struct hit { level: enum(甲, 乙) }
record r {
  unit: name
  hits: list of hit
}
score r to unit {
  group g highest over hits {
    rule 先: true => +2 pts, ¥10
    rule 后: level == 甲 => +2 pts, ¥10
    rule 多: level == 乙 => +2 pts, ¥20
  }
}
"""


def test_highest_keeps_the_largest_and_the_first_of_a_tie() -> None:
    tie = score_one(HIGHEST, {"id": "R-1", "unit": "u", "hits": [{"level": "甲"}, {"level": "甲"}]})
    assert tie.lines == (("g.先", 2, 10, 0),)  # first item, first rule
    more_yuan = score_one(HIGHEST, {"id": "R-2", "unit": "u", "hits": [{"level": "甲"}, {"level": "乙"}]})
    assert more_yuan.lines == (("g.多", 2, 20, 1),)  # points equal: yuan decide
    assert score_one(HIGHEST, {"id": "R-3", "unit": "u"}).lines == ()


BUDGETS = """
ruleset budgets
table 机会清单分 { 满意: 2, 一般满意: 1.6, 不满意: 0 }
record unit_year {
  unit: name
  mobilized: bool
  opportunity_list: enum(满意, 一般满意, 不满意)
  quality: decimal min 0 max 1
  four_winds_cases: integer min 0
  complaint_mishandled: bool
  bonus: decimal min 0 default 0
}
score unit_year to unit {
  group 评议工作 sum max 2.5 {
    rule 动员部署: mobilized => +0.5 pts
    rule 机会清单: true => (机会清单分[opportunity_list]) pts
  }
  group 工作质量 sum max 1 {
    rule 评定: true => (quality) pts
  }
  group 日常监督 sum start 2 floor 0 max 2 {
    rule 四风问题: four_winds_cases > 0 => (-0.5 * four_winds_cases) pts
    rule 投诉处理不力: complaint_mishandled => -1 pts
  }
  group 加分 sum cap 0.2 {
    rule 酌情加分: bonus > 0 => (bonus) pts
  }
  total floor 0 cap 5.5 max 5.5
}
"""


def test_budget_floor_cap_and_total_lines_match_the_language_reference() -> None:
    # docs/language.md, "Budgets and bounds": the traces of B-1 and B-2, as printed there.
    b1 = score_one(
        BUDGETS,
        {
            "id": "B-1",
            "unit": "急诊科",
            "mobilized": True,
            "opportunity_list": "一般满意",
            "quality": "0.8",
            "four_winds_cases": 5,
            "complaint_mishandled": True,
        },
    )
    b2 = score_one(
        BUDGETS,
        {
            "id": "B-2",
            "unit": "药剂科",
            "mobilized": True,
            "opportunity_list": "满意",
            "quality": "0.9",
            "four_winds_cases": 0,
            "complaint_mishandled": False,
            "bonus": "0.3",
        },
    )
    trace = [
        "评议工作.动员部署 0.5",
        "评议工作.机会清单 1.6",
        "工作质量.评定 0.8",
        "日常监督.满分 2",
        "日常监督.四风问题 -2.5",
        "日常监督.投诉处理不力 -1",
        "日常监督.扣完为止 1.5",
    ]
    assert [f"{name} {points}" for name, points, _, _ in b1.lines] == trace
    assert b1.points == Decimal("2.9")
    trace = [
        "评议工作.动员部署 0.5",
        "评议工作.机会清单 2",
        "工作质量.评定 0.9",
        "日常监督.满分 2",
        "加分.酌情加分 0.3",
        "加分.封顶 -0.1",
        "total.限定 -0.1",
    ]
    assert [f"{name} {points}" for name, points, _, _ in b2.lines] == trace
    assert b2.points == Decimal("5.5")


GATES = """
ruleset gate_order
record submission dated submitted_on {
  unit: name
  submitted_on: date
  kind: enum(常规, 约稿)
  due_on: date optional
  accepted: bool
  revisions: integer min 0
}
score submission to unit {
  group 约稿迟报 sum {
    rule 未及时报送约稿: kind == 约稿 and submitted_on > due_on => -10 pts
  }
  gate accepted
  group 报送 sum {
    rule 常规报送: kind == 常规 => +1 pts
    rule 约稿报送: kind == 约稿 and submitted_on <= due_on => +10 pts
  }
  gate revisions <= 1
  group 加分 sum {
    rule 一次通过: revisions == 0 => +1 pts
  }
}
"""


@pytest.mark.parametrize(
    ("accepted", "revisions", "stopped_by", "paid"),
    [
        (False, 0, 0, ["约稿迟报.未及时报送约稿"]),  # docs/language.md, gates: L-1 loses 10, accepted or not
        (True, 2, 1, ["约稿迟报.未及时报送约稿"]),  # 约稿报送 does not hold: it was late
        (True, 0, None, ["约稿迟报.未及时报送约稿", "加分.一次通过"]),
    ],
)
def test_a_gate_stops_only_the_groups_after_it(
    accepted: bool, revisions: int, stopped_by: int | None, paid: list[str]
) -> None:
    record = {
        "id": "L-1",
        "unit": "宁都县医疗保障局",
        "submitted_on": "2020-09-09",
        "kind": "约稿",
        "due_on": "2020-09-04",
        "accepted": accepted,
        "revisions": revisions,
    }
    out = score_one(GATES, record, as_of="2020-09-30")
    assert out.stopped_by == stopped_by
    assert [line[0] for line in out.lines] == paid
    assert out.points == sum((line[1] for line in out.lines), Decimal(0))


def test_dates_and_days() -> None:
    march, february = ir.Const(dt.date(2024, 3, 1), DATE), ir.Const(dt.date(2024, 2, 1), DATE)
    assert evaluate_expr(ir.Arith("-", march, february, INTEGER), ((),)) == 29  # 2024 is a leap year
    assert evaluate_expr(ir.Arith("+", march, ir.Const(30, INTEGER), DATE), ((),)) == dt.date(2024, 3, 31)
    assert evaluate_expr(ir.Arith("-", march, ir.Const(1, INTEGER), DATE), ((),)) == dt.date(2024, 2, 29)
    unknown = ir.Const(None, DATE)
    assert evaluate_expr(ir.Arith("-", march, unknown, INTEGER), ((),)) is None


# --- where compile.py and the language reference part ---------------------------------

MEMBER = """
ruleset member
struct box { xs: list of integer }
record r {
  unit: name
  title: text
  names: list of name
  best: box optional
}
score r to unit {
  group g sum {
    rule 在: title in names => +1 pts
    rule 盒: count(best.xs) > 0 => +10 pts
  }
}
"""


MEMBER_RECORD = {"id": "M-1", "unit": "u", "title": "陈 静", "names": ["陈静"]}


def test_text_in_a_list_of_names_compares_names_and_a_missing_list_is_unknown() -> None:
    # docs/language.md: "For a `list of name`, `in L` compares names as `==` does";
    # an optional value that is missing is unknown, "and so is anything computed from it".
    assert score_one(MEMBER, {**MEMBER_RECORD, "best": {"xs": [1]}}).points == 11
    assert score_one(MEMBER, MEMBER_RECORD).points == 1


def test_compiled_text_in_a_list_of_names() -> None:
    ruleset = compile_ruleset(MEMBER)
    check(ruleset, ruleset.validate([{**MEMBER_RECORD, "best": {"xs": [1]}}]), "2024-12-31", None)


def test_compiled_count_of_a_missing_list() -> None:
    ruleset = compile_ruleset(MEMBER)
    check(ruleset, ruleset.validate([MEMBER_RECORD]), "2024-12-31", None)


THIRDS = """
ruleset thirds
record r {
  unit: name
  n: integer min 1 max 9
}
score r to unit {
  group 扣 sum { rule a: true => -3 pts }
  group 比 sum start 7 cap 1 { rule b: true => (10 / n) pts }
}
"""


def test_an_inexact_quotient_inside_a_bound_group() -> None:
    # 10 / 3 has 28 digits; 7 + 10/3 needs 29 and is rounded, so "the line that brings
    # the total back" (cap 1) is off by 3e-27 from what the group keeps.  The group
    # pays its kept total, 1, and the record -3 + 1 = -2 (docs/language.md, budgets).
    out = score_one(THIRDS, {"id": "T-1", "unit": "u", "n": 3})
    assert out.points == -2


def test_compiled_inexact_quotient_inside_a_bound_group() -> None:
    ruleset = compile_ruleset(THIRDS)
    check(ruleset, ruleset.validate([{"id": "T-1", "unit": "u", "n": 3}]), "2024-12-31", None)
