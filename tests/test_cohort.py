"""The cohort stage's memory (cohort.py): running tallies give what kept records give.

`per unit` rules, awards and tier exemptions read a unit's records only through
aggregates in every bundled ruleset, so an evaluation keeps running counts per unit and
entrant instead of the records; these tests hold that to the plain way (every record
kept) on the example ledgers and on generated ledgers, and show the fallback for a
ruleset whose cohort reads its records otherwise."""

from __future__ import annotations

import datetime as dt
import io
import tokenize
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from govinfo_rules import Period, compile_ruleset, load_ruleset
from govinfo_rules.cohort import KeptRecords, RunningTallies
from govinfo_rules.evaluate import CompiledProgram, Evaluation, evaluate
from govinfo_rules.testing import ledgers

ROOT = Path(__file__).resolve().parent.parent
LEDGERS = {
    "wenzhou": ("wenzhou-2024.jsonl", "2024-12-31", None),
    "ganzhou": ("ganzhou-2020-Q3.jsonl", "2020-09-30", "2020-Q3"),
    "wanren": ("wanren-2024.jsonl", "2024-12-31", "2024"),
}


def both_ways(ruleset: Any, records: list[Any], as_of: str, period: str | None) -> tuple[str, str]:
    day = dt.date.fromisoformat(as_of)
    chosen = Period.parse(period) if period else None
    if chosen is None and ruleset.program.period_default == "year":
        chosen = Period.year_of(day)
    kept = CompiledProgram(ruleset.program, running=False)
    assert kept.cohort.unit_tallies is None
    running = evaluate(ruleset._compiled, records, as_of=day, period=chosen)
    plain = evaluate(kept, records, as_of=day, period=chosen)
    return running.to_json_text(), plain.to_json_text()


@pytest.mark.parametrize("name", sorted(LEDGERS))
def test_the_bundled_rulesets_keep_running_tallies_not_records(name: str) -> None:
    ruleset = load_ruleset(name)
    assert ruleset._compiled.cohort.unit_tallies is not None
    evaluation = Evaluation(ruleset._compiled, as_of=dt.date(2024, 12, 31), period=None)
    assert isinstance(evaluation.cohort, RunningTallies)


@pytest.mark.parametrize("name", sorted(LEDGERS))
def test_running_tallies_give_the_kept_records_report_on_the_example_ledger(name: str) -> None:
    ledger, as_of, period = LEDGERS[name]
    ruleset = load_ruleset(name)
    records = list(ruleset.read(ROOT / "rulesets" / "examples" / ledger).records)
    running, plain = both_ways(ruleset, records, as_of, period)
    assert running == plain
    assert '"award"' in running or name != "wenzhou"  # the awards were computed, not skipped


@pytest.mark.parametrize("name", sorted(LEDGERS))
def test_running_tallies_give_the_kept_records_report_on_generated_ledgers(name: str) -> None:
    ruleset = load_ruleset(name)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(ledgers(ruleset, min_size=1, max_size=12))
    def check(ledger: list[dict[str, Any]]) -> None:
        records = ruleset.validate(ledger)
        for as_of, period in (("2024-12-31", None), ("2024-06-15", "2024-Q2")):
            if name == "wanren" and period is not None:
                period = "2024"
            running, plain = both_ways(ruleset, records, as_of, period)
            assert running == plain

    check()


FALLBACK = """
ruleset fallback
record r dated day { unit: name  day: date  n: integer min 0 }
score r to unit { group g sum { rule one: true => +1 pts  § 1 } }
per unit {
  let bar = 2
  let big = count(records where n > bar)
  rule 多: big >= 2 => +10 pts  § 2
  show big
}
"""


def test_a_condition_reading_the_unit_keeps_the_records_and_still_scores() -> None:
    # `bar` is the unit's own value, not the item's: no running count can know it in advance.
    ruleset = compile_ruleset(FALLBACK)
    assert ruleset._compiled.cohort.unit_tallies is None
    evaluation = Evaluation(ruleset._compiled, as_of=dt.date(2024, 12, 31), period=None)
    assert isinstance(evaluation.cohort, KeptRecords)
    rows = [
        {"id": "1", "unit": "甲", "day": "2024-01-01", "n": 3},
        {"id": "2", "unit": "甲", "day": "2024-01-02", "n": 5},
        {"id": "3", "unit": "乙", "day": "2024-01-03", "n": 9},
    ]
    report = ruleset.evaluate(rows, as_of="2024-12-31")
    # 甲: two records with n > 2 -> 1 + 1 + 10; 乙: one -> 1
    assert [(u.unit, u.points) for u in report.units] == [("甲", 12), ("乙", 1)]


RUNNING = """
ruleset running
record r dated day { unit: name  day: date  n: integer min 0  who: list of name }
score r to unit { group g sum { rule one: n > 0 => +1 pts  § 1 } }
per unit {
  let recent = count(records where day >= as_of - 30 days)
  let big = count(records where n > 2 and scored)
  let all_big = all(records where n > 2)
  rule 近期: recent >= 2 => +10 pts  § 2
  show recent, big, all_big
}
award 之星
  rank who by count(records where n > 0)
  among any(records where n > 4)
  prizes ¥100, ¥50
  ties split  § 3
"""


def test_running_counts_read_the_item_and_the_evaluation_date() -> None:
    ruleset = compile_ruleset(RUNNING)
    assert ruleset._compiled.cohort.unit_tallies is not None
    rows = [
        {"id": "1", "unit": "甲", "day": "2024-12-20", "n": 3, "who": ["张", "李"]},
        {"id": "2", "unit": "甲", "day": "2024-12-25", "n": 5, "who": ["张"]},
        {"id": "3", "unit": "甲", "day": "2024-01-03", "n": 0, "who": ["王"]},
        {"id": "4", "unit": "乙", "day": "2024-12-30", "n": 1, "who": ["李"]},
    ]
    report = ruleset.evaluate(rows, as_of="2024-12-31")
    by_unit = {u.unit: u for u in report.units}
    # 甲: records 1 and 2 within 30 days -> 2 + 10 points; 2 records with n > 2; not all.
    assert by_unit["甲"].points == 12
    assert dict(by_unit["甲"].columns) == {"recent": 2, "big": 2, "all_big": False}
    assert dict(by_unit["乙"].columns) == {"recent": 1, "big": 0, "all_big": False}
    # 张 has two records with n > 0 and one with n > 4; 李 has two but none above 4; 王 none.
    assert [(a.winner, a.rank, a.yuan) for a in report.awards] == [("张", 1, 100)]


@pytest.mark.parametrize("name", sorted(LEDGERS))
def test_tally_conditions_are_generated_from_the_ir_alone(name: str) -> None:
    plan = load_ruleset(name)._compiled.cohort
    tallies = [*(plan.unit_tallies or ()), *(t for award in plan.award_tallies for t in award)]
    conditions = [t.where for t in tallies if t.where is not None]
    if name == "wanren":
        assert conditions == []  # its per-unit block counts records without a condition
        return
    assert conditions
    for condition in conditions:
        source = condition.__govinfo_source__  # type: ignore[attr-defined]
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        assert not [t for t in tokens if t.type == tokenize.STRING]
        assert source.isascii()  # the rulesets' names and labels are Chinese: none got in
