"""The policy language itself, on small rulesets written for each construct."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from govinfo_rules import RecordError, RulesetError, RulesetSyntaxError, compile_ruleset
from govinfo_rules.build import build_ruleset
from govinfo_rules.nodes import Gate, Rule
from govinfo_rules.parse import parse_tree
from govinfo_rules.source import SourceText

SCHEMA = """
ruleset demo "示例"
version "0.1"
param bonus: decimal = 1.5
enum 类别 { 快报 aka "快报(成效类)", "参阅/调研稿" aka 参阅稿 | 调研稿 }
struct hit {
  level: enum(市, 省)
  weight: integer default 1
}
record item dated day {
  unit: name
  day: date
  kind: 类别
  ok: bool
  hits: list of hit
  size: integer optional
  since: date optional
}
"""


def ruleset(body: str, **overrides: object) -> object:
    return compile_ruleset(SCHEMA + body, filename="demo.gvr", overrides=overrides or None)


def record(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {"id": "R-1", "unit": "办公室", "day": "2024-03-01", "kind": "快报", "ok": True}
    base.update(fields)
    return base


def points(rs: object, *records: dict[str, object]) -> list[Decimal]:
    report = rs.evaluate(list(records), as_of="2024-12-31")  # type: ignore[attr-defined]
    return [r.points for r in report.records]


def test_sum_group_adds_every_matching_rule() -> None:
    rs = ruleset("score item to unit { group g sum { rule a: ok => +1 pts  rule b: kind == 快报 => +0.5 pts } }")
    assert points(rs, record()) == [Decimal("1.5")]


def test_highest_group_pays_only_the_largest_first_wins_ties() -> None:
    rs = ruleset(
        "score item to unit { group g highest over hits {"
        " rule 市: level == 市 => +3 pts, ¥300  rule 省: level == 省 => +5 pts, ¥600 } }"
    )
    report = rs.evaluate([record(hits=[{"level": "市"}, {"level": "省"}, {"level": "市"}])], as_of="2024-12-31")
    result = report.record("R-1")
    assert (result.points, result.yuan) == (Decimal(5), Decimal(600))
    assert [t.rule for t in result.trace] == ["g.省"]
    assert [(d.rule, d.item, d.beaten_by) for d in result.dropped] == [("g.市", 0, "g.省"), ("g.市", 2, "g.省")]


def test_gate_stops_every_group_but_not_warnings() -> None:
    rs = ruleset('score item to unit { gate ok § 一  group g sum { rule a: true => +1 pts } warn not ok "不合格" }')
    report = rs.evaluate([record(ok=False)], as_of="2024-12-31")
    assert report.record("R-1").points == 0
    assert report.record("R-1").stopped_by == "ok"
    assert [w.message for w in report.warnings] == ["不合格"]


def test_enum_aliases_full_width_and_quoted_labels() -> None:
    rs = ruleset('score item to unit { group g sum { rule a: kind == "参阅/调研稿" => +3 pts } }')
    assert points(
        rs, record(kind="参阅稿"), record(id="R-2", kind="调研稿"), record(id="R-3", kind="快报（成效类）")
    ) == [
        Decimal(3),
        Decimal(3),
        Decimal(0),
    ]


def test_parameters_fold_and_can_be_overridden() -> None:
    body = "score item to unit { group g sum { rule a: ok => (bonus * 2) pts } }"
    assert points(ruleset(body), record()) == [Decimal(3)]
    assert points(ruleset(body, bonus="0.25"), record()) == [Decimal("0.5")]
    with pytest.raises(RulesetError, match="override of parameter 'bonus': 'x' is not a valid decimal"):
        ruleset(body, bonus="x")


def test_three_valued_logic_with_missing_optional_values() -> None:
    # size is absent: `size < 10` is unknown, `not (size < 10)` is still unknown, neither fires.
    rs = ruleset(
        "score item to unit { group g sum {"
        " rule small: size < 10 => +1 pts  rule notsmall: not (size < 10) => +2 pts"
        " rule known: size is null or size > 100 => +4 pts  rule anded: size > 1 and false => +8 pts } }"
    )
    assert points(rs, record()) == [Decimal(4)]
    assert points(rs, record(size=5)) == [Decimal(1)]


def test_date_arithmetic_counts_days() -> None:
    rs = ruleset(
        "score item to unit { group g sum { rule late: day - since > 10 days => +1 pts  rule due: since + 3 days == day => +2 pts } }"
    )
    # 2024 is a leap year: 02-20 → 03-01 is 10 days (not more than 10), 02-19 → 03-01 is 11.
    assert points(rs, record(since="2024-02-20")) == [Decimal(0)]
    assert points(rs, record(since="2024-02-19")) == [Decimal(1)]
    assert points(rs, record(since="2024-02-27")) == [Decimal(2)]


def test_functions_count_any_all_min_max() -> None:
    rs = ruleset(
        "score item to unit { group g sum {"
        " rule n: count(hits where level == 省) >= 2 => +1 pts"
        " rule a: any(hits where weight > 1) => +2 pts"
        " rule b: all(hits where level == 市) => +4 pts"
        " rule m: ok => (max(count(hits), 1) + min(1, 2)) pts } }"
    )
    hits = [{"level": "省"}, {"level": "省", "weight": 3}]
    assert points(rs, record(hits=hits)) == [Decimal(1 + 2 + 3)]
    assert points(rs, record(hits=[{"level": "市"}])) == [Decimal(4 + 2)]


def test_names_compare_without_spaces_and_credit_one_unit() -> None:
    rs = ruleset('score item to unit { group g sum { rule a: unit == "赣南医学院第一附属医院" => +1 pts } }')
    report = rs.evaluate(
        [record(unit="赣南医学院 第一附属医院"), record(id="R-2", unit="赣南医学院第一附属医院")], as_of="2024-12-31"
    )
    assert [(u.unit, u.points, u.records) for u in report.units] == [("赣南医学院 第一附属医院", Decimal(2), 2)]


def test_require_reports_the_named_field() -> None:
    rs = compile_ruleset(
        'ruleset d\nrecord r { unit: name  a: integer  b: integer  require a <= b at b "b must not be below a" }',
        filename="d.gvr",
    )
    with pytest.raises(RecordError) as err:
        rs.evaluate([{"id": "1", "unit": "x", "a": 3, "b": 2}], as_of="2024-01-01")
    assert [(p.record_id, p.field, p.message) for p in err.value.problems] == [("1", "b", "b must not be below a")]


def test_several_record_types_need_a_type_field() -> None:
    rs = compile_ruleset("ruleset d\nrecord a { unit: name }\nrecord b { unit: name }", filename="d.gvr")
    with pytest.raises(RecordError) as err:
        rs.evaluate([{"id": "1", "unit": "x"}, {"id": "2", "unit": "x", "type": "bb"}], as_of="2024-01-01")
    assert [p.message for p in err.value.problems] == [
        "missing required field: one of a, b",
        "unknown record type 'bb'; allowed: a, b; did you mean 'b'?",
    ]


def test_period_and_as_of() -> None:
    rs = ruleset("score item to unit { group g sum { rule a: ok => +1 pts } }")
    records = [record(day="2023-12-31"), record(id="R-2", day="2024-01-01"), record(id="R-3", day="2024-02-01")]
    report = rs.evaluate(records, as_of=dt.date(2024, 1, 15), period="2024-Q1")
    assert [r.id for r in report.records] == ["R-2", "R-3"]
    assert report.record("R-3").counted is False
    assert [u.points for u in report.units] == [Decimal(1)]


def test_ast_nodes_are_frozen_and_spans_do_not_affect_equality() -> None:
    one = SourceText("a.gvr", SCHEMA + "score item to unit { group g sum { rule a: ok => +1 pts § 一 } }")
    two = SourceText("b.gvr", "\n\n" + SCHEMA + "score item to unit {\n group g sum {\n rule a: ok => +1 pts § 一 } }")
    first, second = build_ruleset(parse_tree(one), one), build_ruleset(parse_tree(two), two)
    assert first == second
    group = first.scores[0].steps[0]
    assert not isinstance(group, Gate)
    rule = group.rules[0]
    assert isinstance(rule, Rule)
    assert rule.span is not None and rule.span.filename == "a.gvr"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rule.label = "b"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "score item to unit { group g sum { rule a: ok => +1 pts  rule a: ok => +1 pts } }",
            "rule 'a' is declared twice",
        ),
        ("score item to unit { group g sum { rule a: hits => +1 pts } }", "a condition must be true or false"),
        ("score item to unit { group g sum { rule a: unit > 1 => +1 pts } }", "cannot compare name with integer"),
        ("score item to unit { group g sum { rule a: size == null => +1 pts } }", "compare with null using 'is null'"),
        ("score item to kind { }", "'score ... to' must name a unit field"),
        ("score item to unit { group g highest over unit { } }", "'over' needs a list of structs"),
        ("score nothing to unit { }", "score for unknown record type 'nothing'"),
        ("award x rank unit by count(hits) prizes ¥1 ties split", "count() needs a list, not"),
        ("award x rank unit by points prizes ¥1 ties share", "unknown tie policy 'share'"),
        ("score item to unit { group g sum { rule a: frob(ok) => +1 pts } }", "unknown function 'frob'"),
        ("score item to unit { group g sum { rule a: ok => +1 pts, +2 pts } }", "a rule gives points once"),
    ],
)
def test_checker_rejects(body: str, message: str) -> None:
    with pytest.raises(RulesetError) as err:
        ruleset(body)
    assert message in str(err.value)
    assert str(err.value).startswith("demo.gvr:")


def test_checker_reports_every_error_at_once() -> None:
    with pytest.raises(RulesetError) as err:
        ruleset("score item to unit { group g sum { rule a: okk => +1 pts  rule b: kind == 快讯 => +1 pts } }")
    assert len(err.value.diagnostics) == 2


def test_a_wrong_amount_is_reported_once() -> None:
    # The unknown name is the error; "an amount must be a number, not null" would only
    # echo it.  An amount of the wrong type, with nothing else wrong, is still reported.
    with pytest.raises(RulesetError) as err:
        ruleset("score item to unit { group g sum { rule a: ok => +nope pts } }")
    assert len(err.value.diagnostics) == 1
    assert err.value.diagnostics[0].message.startswith("unknown name 'nope'")
    with pytest.raises(RulesetError) as err:
        ruleset("score item to unit { group g sum { rule a: ok => +kind pts } }")
    assert len(err.value.diagnostics) == 1
    assert err.value.diagnostics[0].message.startswith("an amount must be a number, not ")


def test_syntax_error_is_typed_with_location() -> None:
    with pytest.raises(RulesetSyntaxError) as err:
        compile_ruleset("ruleset d\nrecord r { unit: name\n", filename="d.gvr")
    (diagnostic,) = err.value.diagnostics
    assert diagnostic.span is not None
    assert (diagnostic.span.filename, diagnostic.span.line) == ("d.gvr", 2)


def test_string_escapes() -> None:
    rs = ruleset('score item to unit { warn ok "tab\\there \\"quoted\\" \\u4e2d" }')
    report = rs.evaluate([record()], as_of="2024-12-31")
    assert report.warnings[0].message == 'tab\there "quoted" 中'
    with pytest.raises(RulesetError, match="unknown escape"):
        ruleset('score item to unit { warn ok "bad \\q" }')


def test_a_required_minimum_applies_to_an_omitted_list() -> None:
    rs = compile_ruleset("ruleset d\nrecord r { unit: name  authors: list of name min 1 }", filename="d.gvr")
    with pytest.raises(RecordError) as err:
        rs.evaluate([{"id": "1", "unit": "x"}], as_of="2024-01-01")
    assert [(p.field, p.message) for p in err.value.problems] == [("authors", "needs at least 1 item(s), got 0")]


def test_bool_parameter_overridden_from_text() -> None:
    rs = compile_ruleset(
        "ruleset d\nparam strict: bool = false\nrecord r { unit: name }\n"
        "score r to unit { group g sum { rule a: strict => +1 pts } }",
        filename="d.gvr",
        overrides={"strict": "是"},
    )
    assert rs.evaluate([{"id": "1", "unit": "x"}], as_of="2024-01-01").record("1").points == Decimal(1)


def test_enum_value_may_stand_on_either_side() -> None:
    rs = ruleset(
        'score item to unit { group g sum { rule a: 快报 == kind => +1 pts  rule b: "快报" == kind => +2 pts } }'
    )
    assert points(rs, record()) == [Decimal(3)]


def test_two_score_blocks_for_one_type_are_rejected() -> None:
    with pytest.raises(RulesetError, match="record type 'item' has two score blocks"):
        ruleset("score item to unit { } score item to unit { }")


def test_chained_comparison_has_its_own_message() -> None:
    with pytest.raises(RulesetSyntaxError, match="comparisons do not chain"):
        ruleset("score item to unit { group g sum { rule a: 1 < size < 3 => +1 pts } }")


def test_records_dated_by_year_select_by_a_year_period() -> None:
    from govinfo_rules import UsageError

    rs = compile_ruleset(
        "ruleset d\nrecord r dated year { unit: name  year: integer }\n"
        "score r to unit { group g sum { rule a: true => +1 pts } }",
        filename="d.gvr",
    )
    records = [{"id": "1", "unit": "x", "year": 2023}, {"id": "2", "unit": "x", "year": 2024}]
    # as_of does not apply to a year: both count without a period, one with --period 2024.
    assert [r.id for r in rs.evaluate(records, as_of="2020-01-01").records if r.counted] == ["1", "2"]
    assert [r.id for r in rs.evaluate(records, as_of="2020-01-01", period="2024").records] == ["2"]
    with pytest.raises(UsageError, match="carry only a year"):
        rs.evaluate(records, period="2024-Q1")


def test_warning_notes_reach_the_report() -> None:
    rs = ruleset('score item to unit { warn ok "checked" § 一 note "why this warns" }')
    (warning,) = rs.evaluate([record()], as_of="2024-12-31").warnings
    assert (warning.message, warning.source, warning.notes) == ("checked", "一", ("why this warns",))


def test_a_binary_float_is_refused_with_advice() -> None:
    rs = compile_ruleset("ruleset d\nrecord r { unit: name  amount: decimal }", filename="d.gvr")
    with pytest.raises(RecordError) as err:
        rs.evaluate([{"id": "1", "unit": "x", "amount": 0.1}], as_of="2024-01-01")
    assert (
        err.value.problems[0].message == "got the binary float 0.1: pass exact decimals, as Decimal('0.1') or a string"
    )
    assert rs.evaluate([{"id": "1", "unit": "x", "amount": Decimal("0.1")}], as_of="2024-01-01").records
