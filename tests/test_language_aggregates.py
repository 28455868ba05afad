"""Language constructs for ledgers with quotas: tables, lets, periods, per-unit rules."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from govinfo_rules import RulesetError, compile_ruleset

LEDGER = """
ruleset q
period default year
param bonus: integer = 5
table 期限 { 会议: 5, 部署: 20, else: 1 }
table 档 { 1: 0, 2: 0.5, else: 0.75 }
table 任务 from "tasks.csv" key unit { unit: name  monthly: integer }
units from 任务
record item dated day {
  unit: name
  day: date
  kind: enum(会议, 部署, 其他)
  ok: bool
  rank: integer optional
  hits: list of hit
}
struct hit { level: enum(市, 省) }
record due dated day, period by day + 期限[kind] days {
  unit: name
  day: date
  kind: enum(会议, 部署, 其他)
}
"""


def ruleset(tmp_path: Path, body: str) -> object:
    (tmp_path / "tasks.csv").write_text("unit,monthly\n办公室,2\n赣南医学院第一附属医院,1\n", encoding="utf-8")
    return compile_ruleset(LEDGER + body, filename=str(tmp_path / "q.gvr"))


def item(rid: str, day: str = "2024-03-05", unit: str = "办公室", **fields: object) -> dict[str, object]:
    return {"type": "item", "id": rid, "unit": unit, "day": day, "kind": "会议", "ok": True, **fields}


def test_let_if_and_inline_tables(tmp_path: Path) -> None:
    rs = ruleset(
        tmp_path,
        "score item to unit { let late = if kind == 会议 then 期限[kind] else 0"
        "  group g sum { rule a: ok => (late + 档[rank]) pts } }",
    )
    report = rs.evaluate([item("1", rank=2), item("2", rank=9), item("3", kind="其他")], as_of="2024-12-31")  # type: ignore[attr-defined]
    # 会议 → 期限 5, rank 2 → 0.5; rank 9 → else 0.75; 其他 → 0 and rank absent → unknown amount counts 0.
    assert [r.points for r in report.records] == [Decimal("5.5"), Decimal("5.75"), Decimal(0)]


def test_gate_stops_only_the_groups_after_it(tmp_path: Path) -> None:
    rs = ruleset(
        tmp_path,
        "score item to unit { group before sum { rule a: true => -1 pts }  gate ok"
        "  group after sum { rule b: true => +3 pts } }",
    )
    report = rs.evaluate([item("1"), item("2", ok=False)], as_of="2024-12-31")  # type: ignore[attr-defined]
    assert [r.points for r in report.records] == [Decimal(2), Decimal(-1)]
    assert report.record("2").stopped_by == "ok"


def test_group_scale(tmp_path: Path) -> None:
    rs = ruleset(
        tmp_path,
        "score item to unit { group g sum over hits scale (if ok then 1 else 0.5) {"
        " rule 市: level == 市 => +10 pts  rule 省: level == 省 => +50 pts } }",
    )
    hits = [{"level": "市"}, {"level": "省"}]
    report = rs.evaluate([item("1", hits=hits), item("2", ok=False, hits=hits)], as_of="2024-12-31")  # type: ignore[attr-defined]
    assert [r.points for r in report.records] == [Decimal(60), Decimal(30)]
    assert {t.factor for t in report.record("2").trace} == {Decimal("0.5")}


def test_per_unit_quota_columns_and_units_from_table(tmp_path: Path) -> None:
    rs = ruleset(
        tmp_path,
        "score item to unit { gate ok  group g sum { rule a: true => +1 pts } }\n"
        "per unit {\n"
        "  let task = 任务[unit].monthly * period.months\n"
        "  let done = count(item where scored)\n"
        "  let due_now = 任务[unit].monthly * period.months_begun\n"
        "  rule over: done > task => (bonus * (done - task)) pts\n"
        '  remind done < due_now "behind" shortfall due_now - done\n'
        '  warn unit not in 任务 "no quota"\n'
        "  show task, done\n"
        "}",
    )
    records = [item(str(i)) for i in range(4)] + [item("x", ok=False), item("o", unit="外单位")]
    # 2024-03 is one month: 办公室 task 2, done 4 (the failed one does not count) → +5 × 2 = 10.
    report = rs.evaluate(records, as_of="2024-03-31", period="2024-03")  # type: ignore[attr-defined]
    office = report.unit("办公室")
    assert office.points == Decimal(4 + 10)
    assert dict(office.columns) == {"task": 2, "done": 4}
    assert [(t.rule, t.points) for t in office.adjustments] == [("unit.over", Decimal(10))]
    # The table's other unit is listed with nothing and reminded of its 1 due; the outside unit is warned.
    hospital = report.unit("赣南医学院 第一附属医院")
    assert (hospital.unit, hospital.points) == ("赣南医学院第一附属医院", Decimal(0))
    assert [(r.unit, r.shortfall) for r in report.reminders] == [("赣南医学院第一附属医院", 1)]
    assert [(w.unit, w.message) for w in report.warnings] == [("外单位", "no quota")]


def test_months_begun_follows_as_of(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, "per unit { let due_now = 任务[unit].monthly * period.months_begun  show due_now }")
    # Q3 is July–September; the monthly task is 2.
    for as_of, expected in (("2024-06-30", 0), ("2024-07-01", 2), ("2024-08-15", 2 * 2), ("2024-12-31", 2 * 3)):
        report = rs.evaluate([], as_of=as_of, period="2024-Q3")  # type: ignore[attr-defined]
        assert dict(report.unit("办公室").columns)["due_now"] == expected, as_of


def test_default_period_is_the_year_of_as_of(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, "score item to unit { group g sum { rule a: true => +1 pts } }")
    report = rs.evaluate([item("1", day="2023-12-31"), item("2", day="2024-01-02")], as_of="2024-06-30")  # type: ignore[attr-defined]
    assert report.period == "2024"
    assert [r.id for r in report.records] == ["2"]


def test_period_by_another_date(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, "score due to unit { group g sum { rule a: true => -1 pts } }")
    records = [{"type": "due", "id": "d", "unit": "办公室", "day": "2024-03-30", "kind": "部署"}]
    # Due 2024-04-19: it belongs to Q2; its own date decides whether it is in the future.
    assert [r.id for r in rs.evaluate(records, as_of="2024-12-31", period="2024-Q1").records] == []  # type: ignore[attr-defined]
    report = rs.evaluate(records, as_of="2024-04-01", period="2024-Q2")  # type: ignore[attr-defined]
    assert [(r.id, r.counted) for r in report.records] == [("d", True)]


def test_reminders_are_absent_without_remind_and_present_with(tmp_path: Path) -> None:
    plain = ruleset(tmp_path, "score item to unit { group g sum { rule a: true => +1 pts } }")
    assert "reminders" not in plain.evaluate([], as_of="2024-01-01").to_json()  # type: ignore[attr-defined]
    reminding = ruleset(tmp_path, 'score item to unit { remind not ok "check" due day + 3 days }')
    report = reminding.evaluate([item("1", ok=False)], as_of="2024-12-31")  # type: ignore[attr-defined]
    assert report.to_json()["reminders"] == [
        {"unit": "办公室", "reason": "check", "due_on": "2024-03-08", "record": "1", "source": None}
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "score item to unit { group g sum { rule a: 期 [kind] == 1 => +1 pts } }",
            "unknown table '期'; did you mean '期限'?",
        ),
        ("score item to unit { group g sum { rule a: 期限x[kind] == 1 => +1 pts } }", "unknown table '期限x'"),
        (
            "score item to unit { group g sum { rule a: 任务[kind] is null => +1 pts } }",
            "table '任务' is keyed by name",
        ),
        ("score item to unit { group g sum scale unit { rule a: ok => +1 pts } }", "'scale' needs a number"),
        ("score item to unit { let ok = 1 }", "'ok' is already a field or a let here"),
        (
            "score item to unit { group g sum { rule a: (if ok then 1 else day) > 0 => +1 pts } }",
            "the two branches differ",
        ),
        ('score item to unit { remind ok "x" due 3 }', "'due' needs a date"),
        ("per unit { show nothing }", "'show nothing': no such let or field"),
        ("units from 期限", "'units from 期限': no CSV table of that name"),
        ("score item to unit { require_none }", "unexpected"),
    ],
)
def test_checker_rejects(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(Exception) as err:
        ruleset(tmp_path, body)
    assert message in str(err.value)


def test_table_value_types_must_agree(tmp_path: Path) -> None:
    with pytest.raises(RulesetError, match="must all be numbers, all text, or all true/false"):
        ruleset(
            tmp_path,
            'table 混 { 会议: 1, 部署: "x" }  score item to unit { group g sum { rule a: 混[kind] == 1 => +1 pts } }',
        )


def test_a_field_called_note_after_a_bound() -> None:
    rs = compile_ruleset("ruleset d\nrecord r { unit: name  n: integer min 1  note: text optional }", filename="d.gvr")
    assert [f.name for f in rs.program.schemas[0].struct.fields] == ["id", "unit", "n", "note"]


def test_csv_table_fields_take_optional_default_and_bounds(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("unit,monthly,weight\n办公室,,\n科室,0,2\n", encoding="utf-8")
    source = (
        'ruleset d\ntable T from "t.csv" key unit { unit: name  monthly: integer optional  weight: decimal default 1 max 1.5 }\n'
        "record r { unit: name }"
    )
    with pytest.raises(RulesetError) as err:
        compile_ruleset(source, filename=str(tmp_path / "d.gvr"))
    assert [d.message for d in err.value.diagnostics] == ["table T: weight: 2 is above the maximum 1.5"]
    assert (err.value.diagnostics[0].span.line, err.value.diagnostics[0].span.column) == (3, 6)  # type: ignore[union-attr]  # 科室,0,2: the third cell


def test_a_table_read_with_the_wrong_key_kind_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(RulesetError) as err:
        ruleset(tmp_path, "score item to unit { group g sum { rule a: 档[unit] == 1 => +1 pts } }")
    assert [d.message for d in err.value.diagnostics] == [
        "table '档' has numbers as keys; it cannot be read with a name"
    ]


def test_a_record_without_a_date_is_in_no_period() -> None:
    rs = compile_ruleset("ruleset d\nrecord r dated day { unit: name  day: date optional }", filename="d.gvr")
    records = [{"id": "1", "unit": "x"}, {"id": "2", "unit": "x", "day": "2024-02-01"}]
    report = rs.evaluate(records, as_of="2024-12-31", period="2024")
    assert [r.id for r in report.records] == ["2"]
    assert [(w.record, w.message) for w in report.warnings] == [
        ("1", "has no date: it belongs to no period and is left out of 2024")
    ]
    assert [r.id for r in rs.evaluate(records, as_of="2024-12-31").records] == ["1", "2"]


def test_a_unit_award_sees_every_record_type_of_the_unit() -> None:
    rs = compile_ruleset(
        "ruleset d\nrecord a { unit: name }\nrecord b { unit: name }\n"
        "score a to unit { group g sum { rule x: true => +1 pts } }\n"
        "score b to unit { group g sum { rule y: true => -1 pts } }\n"
        "award prize rank unit of a by count(b) prizes ¥100 ties split",
        filename="d.gvr",
    )
    records = [
        {"type": "a", "id": "1", "unit": "x"},
        {"type": "b", "id": "2", "unit": "x"},
        {"type": "a", "id": "3", "unit": "y"},
    ]
    report = rs.evaluate(records, as_of="2024-12-31")
    assert [(a.winner, a.measure) for a in report.awards] == [("x", 1)]


def test_group_bounds_show_as_trace_lines(tmp_path: Path) -> None:
    rs = ruleset(
        tmp_path,
        "score item to unit {"
        " group low sum start 1 floor 0 { rule a: true => -3 pts }"
        " group high sum cap 2 { rule b: true => +5 pts } }",
    )
    result = rs.evaluate([item("1")], as_of="2024-12-31").record("1")  # type: ignore[attr-defined]
    # low: 1 − 3 = −2, kept at the floor 0 (+2); high: 5, kept at the cap 2 (−3): 0 + 2 = 2.
    assert [(t.rule, t.points) for t in result.trace] == [
        ("low.满分", Decimal(1)),
        ("low.a", Decimal(-3)),
        ("low.扣完为止", Decimal(2)),
        ("high.b", Decimal(5)),
        ("high.封顶", Decimal(-3)),
    ]
    assert result.points == Decimal(2)


def test_the_total_bounds_apply_even_when_a_gate_stops(tmp_path: Path) -> None:
    rs = ruleset(
        tmp_path,
        "score item to unit { group before sum { rule a: true => +15 pts }  gate ok"
        "  group after sum { rule b: true => +1 pts }  total floor 0 cap 10 max 10 }",
    )
    assert rs.evaluate([item("1", ok=False)], as_of="2024-12-31").record("1").points == Decimal(10)  # type: ignore[attr-defined]


def test_name_membership_ignores_white_space() -> None:
    rs = compile_ruleset(
        "ruleset d\nrecord r { unit: name  who: name  team: list of name }\n"
        "score r to unit { group g sum { rule a: who in team => +1 pts } }",
        filename="d.gvr",
    )
    report = rs.evaluate([{"id": "1", "unit": "x", "who": "陈 静", "team": ["陈静"]}], as_of="2024-01-01")
    assert report.record("1").points == Decimal(1)


def test_sum_takes_no_where() -> None:
    with pytest.raises(RulesetError, match="sum\\(LIST\\) adds a list of numbers and takes no 'where'"):
        compile_ruleset(
            "ruleset d\nrecord r { unit: name  xs: list of decimal }\n"
            "score r to unit { group g sum { rule a: sum(xs where it > 0) > 1 => +1 pts } }",
            filename="d.gvr",
        )
