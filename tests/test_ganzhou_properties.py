"""Property tests for the `ganzhou` ruleset (spec/rulesets.md, section `ganzhou`).

The strategies build valid 赣州 ledgers: submissions, obligations and penalties dated in
2024, for a few units of the 附件3 table (one of them also spelled with a space, as a
wrapped table cell would be) and one unit outside it.  Submissions draw every field the
contract allows: both kinds (a 约稿 with a due date before or after its submission),
accepted or not, 0–3 revisions, the 单/综 mark present, null or absent, and 0–3 valid
adoptions (never 批示 at 市局 or 省局).  The oracles below are written from the contract,
not from the engine.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govinfo_rules import load_ruleset

RS = load_ruleset("ganzhou")

PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

YEAR_START = dt.date(2024, 1, 1)
YEAR_END = dt.date(2024, 12, 31)

# 附件3 monthly tasks (附件3-1: 办公室 3, 机关党委 2; county-level bureaus 5; 附件3-2 hospitals 1).
TABLE_MONTHLY = {"办公室": 3, "机关党委": 2, "章贡区医疗保障局": 5, "赣州市人民医院": 1}
OUTSIDE = "赣州市第九人民医院"  # not in 附件3: no quota
# spellings met in ledgers; "赣州市 人民医院" is the table's 赣州市人民医院 (names compared without spaces)
SPELLINGS = [*TABLE_MONTHLY, "赣州市 人民医院", OUTSIDE]

# 四(二)1: the eight valid adoptions (批示 only at 市级, 省级, 国家级)
ADOPTIONS = [
    ("市局", "采用"),
    ("市级", "采用"),
    ("市级", "批示"),
    ("省局", "采用"),
    ("省级", "采用"),
    ("省级", "批示"),
    ("国家级", "采用"),
    ("国家级", "批示"),
]

# 四(二)1 超额报送: +5 per scoring submission beyond the task
OVER_TASK = Decimal(5)

PERIODS = ["2024", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2024-01", "2024-05", "2024-08", "2024-12"]


def key(name: str) -> str:
    """Unit names compare without white space (NFKC is a no-op on these spellings)."""
    return "".join(name.split())


def period_bounds(period: str) -> tuple[dt.date, dt.date, int]:
    """First day, last day and number of months of a period of 2024."""
    if period == "2024":
        return YEAR_START, YEAR_END, 12
    if "-Q" in period:
        q = int(period[-1])
        first = dt.date(2024, 3 * q - 2, 1)
        last_month = 3 * q
        months = 3
    else:
        first = dt.date(2024, int(period[5:]), 1)
        last_month = first.month
        months = 1
    if last_month == 12:
        last = YEAR_END
    else:
        last = dt.date(2024, last_month + 1, 1) - dt.timedelta(days=1)
    return first, last, months


adoption_st = st.sampled_from(ADOPTIONS).map(lambda la: {"level": la[0], "action": la[1]})


@st.composite
def submissions(draw: st.DrawFn) -> dict[str, Any]:
    submitted = draw(st.dates(YEAR_START, YEAR_END))
    units = draw(st.lists(st.sampled_from(SPELLINGS), min_size=1, max_size=3, unique_by=key))
    body: dict[str, Any] = {
        "type": "submission",
        "submitted_on": submitted.isoformat(),
        "units": units,
        "kind": draw(st.sampled_from(["常规", "约稿"])),
        "accepted": draw(st.booleans()),
        "revisions": draw(st.integers(0, 3)),
        "adoptions": draw(st.lists(adoption_st, max_size=3)),
    }
    if body["kind"] == "约稿":
        offset = draw(st.integers(-10, 10))
        due = min(max(submitted + dt.timedelta(days=offset), YEAR_START), YEAR_END)
        body["due_on"] = due.isoformat()
    mark = draw(st.sampled_from(["单", "综", None, "absent"]))
    if mark != "absent":
        body["composite"] = mark
    return body


@st.composite
def obligations(draw: st.DrawFn) -> dict[str, Any]:
    occurred = draw(st.dates(YEAR_START, YEAR_END))
    body: dict[str, Any] = {
        "type": "obligation",
        "unit": draw(st.sampled_from(SPELLINGS)),
        "kind": draw(st.sampled_from(["重要会议", "重大部署", "约稿"])),
        "occurred_on": occurred.isoformat(),
    }
    reported = draw(st.one_of(st.none(), st.integers(0, 30), st.just("absent")))
    if reported is None:
        body["reported_on"] = None
    elif reported != "absent":
        body["reported_on"] = min(occurred + dt.timedelta(days=reported), YEAR_END).isoformat()
    return body


@st.composite
def penalties(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "type": "penalty",
        "unit": draw(st.sampled_from(SPELLINGS)),
        "kind": "重大失误",
        "on": draw(st.dates(YEAR_START, YEAR_END)).isoformat(),
    }


record_body = st.one_of(submissions(), submissions(), submissions(), obligations(), penalties())


@st.composite
def ledgers(draw: st.DrawFn, min_size: int = 1, max_size: int = 14) -> list[dict[str, Any]]:
    bodies = draw(st.lists(record_body, min_size=min_size, max_size=max_size))
    prefix = {"submission": "G", "obligation": "O", "penalty": "P"}
    return [{"id": f"{prefix[b['type']]}-{i}", **b} for i, b in enumerate(bodies, 1)]


@st.composite
def ledgers_with_a_submission(draw: st.DrawFn) -> list[dict[str, Any]]:
    records = draw(ledgers())
    extra = draw(submissions())
    records.append({"id": f"G-{len(records) + 1}", **extra})
    return records


@st.composite
def busy_ledgers(draw: st.DrawFn) -> tuple[list[dict[str, Any]], tuple[dt.date, str]]:
    """A ledger with a burst of submissions of one unit in one month, evaluated over that month,
    its quarter or the year, on a date from that month on: over-task bonuses and on-track
    units happen, not only shortfalls."""
    records = draw(ledgers(max_size=8))
    month = draw(st.integers(1, 12))
    unit = draw(st.sampled_from(SPELLINGS))
    first = dt.date(2024, month, 1)
    last = YEAR_END if month == 12 else dt.date(2024, month + 1, 1) - dt.timedelta(days=1)
    for _ in range(draw(st.integers(1, 9))):
        body = draw(submissions())
        body["submitted_on"] = draw(st.dates(first, last)).isoformat()
        body["units"] = [unit, *(u for u in body["units"] if key(u) != key(unit))][: draw(st.integers(1, 2))]
        if "due_on" in body:
            body["due_on"] = draw(st.dates(first, last)).isoformat()
        body["accepted"] = draw(st.sampled_from([True, True, True, False]))
        records.append({"id": f"G-{len(records) + 1}", **body})
    period = draw(st.sampled_from([f"2024-{month:02d}", f"2024-Q{(month - 1) // 3 + 1}", "2024"]))
    as_of = draw(st.dates(first, YEAR_END))
    return records, (as_of, period)


evaluation = st.tuples(st.dates(YEAR_START, YEAR_END), st.sampled_from(PERIODS))
# a plain ledger with any evaluation date and period, or a busy one
any_ledger = st.one_of(st.tuples(ledgers(), evaluation), busy_ledgers())


def run(records: list[dict[str, Any]], as_of: dt.date | str = "2024-12-31", period: str = "2024") -> Any:
    as_of_text = as_of if isinstance(as_of, str) else as_of.isoformat()
    return RS.evaluate(copy.deepcopy(records), as_of=as_of_text, period=period)


def unit_points(report: Any) -> dict[str, Decimal]:
    return {key(u.unit): u.points for u in report.units}


def over_task_points(unit: Any) -> Decimal:
    return sum((t.points for t in unit.adjustments if t.rule.endswith("超额报送")), Decimal(0))


DEADLINE_DAYS = {"重要会议": 5, "重大部署": 20, "约稿": 0}  # 四(二)2


def dated_on(record: dict[str, Any]) -> dt.date:
    """The date compared with as_of."""
    field = {"submission": "submitted_on", "obligation": "occurred_on", "penalty": "on"}[record["type"]]
    return dt.date.fromisoformat(record[field])


def in_period(record: dict[str, Any], period: str) -> bool:
    """An obligation belongs to the period containing its deadline; the others by their date."""
    first, last, _ = period_bounds(period)
    day = dated_on(record)
    if record["type"] == "obligation":
        day += dt.timedelta(days=DEADLINE_DAYS[record["kind"]])
    return first <= day <= last


def units_of(record: dict[str, Any]) -> list[str]:
    return record["units"] if record["type"] == "submission" else [record["unit"]]


def scoring_count(records: list[dict[str, Any]], unit: str, as_of: dt.date, period: str) -> int:
    """Contract: submissions of the unit dated in the period (and not after as_of) that are
    accepted with at most one return for revision (四(二)2); a composite counts for each unit."""
    return sum(
        1
        for r in records
        if r["type"] == "submission"
        and in_period(r, period)
        and dated_on(r) <= as_of
        and r["accepted"]
        and r["revisions"] <= 1
        and key(unit) in {key(u) for u in r["units"]}
    )


# ---------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(ledger=any_ledger)
def test_unit_points_are_its_credits_plus_adjustments(ledger: tuple[list[dict[str, Any]], tuple[dt.date, str]]) -> None:
    records, (as_of, period) = ledger
    report = run(records, as_of, period)
    for unit in report.units:
        k = key(unit.unit)
        credits = [c.points for r in report.records for c in r.credits if key(c.unit) == k]
        adjustments = sum((t.points for t in unit.adjustments), Decimal(0))
        assert unit.points == sum(credits, Decimal(0)) + adjustments
        trace = [t.points for r in report.records for t in (r.trace or ()) if key(t.unit) == k]
        assert unit.points == sum(trace, Decimal(0)) + adjustments
        assert unit.yuan == Decimal(0)
    # each record's points are the sum of its credits, and of its trace lines
    for result in report.records:
        assert result.points == sum((t.points for t in result.trace or ()), Decimal(0))


@PROPERTY_SETTINGS
@given(records=ledgers(), when=evaluation)
def test_period_and_as_of_select_the_records(records: list[dict[str, Any]], when: tuple[dt.date, str]) -> None:
    # Contract: only records dated in the period are evaluated (a submission by submitted_on, a
    # penalty by on, an obligation by its deadline); one dated after as_of (an obligation: its
    # occurred_on) counts for nothing, with a warning.
    as_of, period = when
    report = run(records, as_of, period)
    expected = {r["id"]: dated_on(r) <= as_of for r in records if in_period(r, period)}
    assert {r.id: r.counted for r in report.records} == expected
    for result in report.records:
        if not result.counted:
            assert result.credits == ()
            assert any(w.record == result.id for w in report.warnings)


@PROPERTY_SETTINGS
@given(records=ledgers(), when=evaluation)
def test_units_listed_are_the_table_and_units_with_counted_records(
    records: list[dict[str, Any]], when: tuple[dt.date, str]
) -> None:
    # Contract: every 附件3 unit is listed; an outside unit only with a counted record in the period,
    # and then with exactly one "no quota" warning.
    as_of, period = when
    report = run(records, as_of, period)
    listed = {key(u.unit) for u in report.units}
    assert {key(u) for u in TABLE_MONTHLY} <= listed
    outside_active = any(
        in_period(r, period) and dated_on(r) <= as_of and key(OUTSIDE) in {key(u) for u in units_of(r)} for r in records
    )
    assert (key(OUTSIDE) in listed) == outside_active
    assert len(report.units) == 62 + (1 if outside_active else 0)
    warned = [w for w in report.warnings if w.record is None and w.unit is not None and key(w.unit) == key(OUTSIDE)]
    assert len(warned) == (1 if outside_active else 0)
    # table units never get a "no quota" warning
    assert [w for w in report.warnings if w.record is None and w.unit is not None and key(w.unit) != key(OUTSIDE)] == []


@PROPERTY_SETTINGS
@given(records=ledgers_with_a_submission(), data=st.data())
def test_zong_never_gives_more_than_dan(records: list[dict[str, Any]], data: st.DataObject) -> None:
    # 四(二)1: 综 halves the adoption bonus (and an on-time 约稿 marked 综 is not 被单条采用: 1, not 10);
    # base points and the quota count are the same.  So flipping 单 -> 综 never raises any unit.
    subs = [i for i, r in enumerate(records) if r["type"] == "submission"]
    index = data.draw(st.sampled_from(subs))
    dan, zong = copy.deepcopy(records), copy.deepcopy(records)
    dan[index]["composite"] = "单"
    zong[index]["composite"] = "综"
    a, b = run(dan), run(zong)
    rid = records[index]["id"]
    dan_credits = {key(c.unit): c.points for c in a.record(rid).credits}
    zong_credits = {key(c.unit): c.points for c in b.record(rid).credits}
    assert dan_credits.keys() == zong_credits.keys()
    for unit, points in zong_credits.items():
        assert points <= dan_credits[unit]
    before, after = unit_points(a), unit_points(b)
    assert before.keys() == after.keys()
    for unit, points in after.items():
        assert points <= before[unit]


@PROPERTY_SETTINGS
@given(records=ledgers_with_a_submission(), data=st.data())
def test_adding_an_adoption_never_lowers_any_unit(records: list[dict[str, Any]], data: st.DataObject) -> None:
    # 四(二)1 同一条信息…多次采用的累加计分: every bonus is positive, and an adoption can turn an on-time
    # 约稿 from 1 into 10, never the reverse.
    subs = [i for i, r in enumerate(records) if r["type"] == "submission"]
    index = data.draw(st.sampled_from(subs))
    extra = data.draw(adoption_st)
    more = copy.deepcopy(records)
    more[index]["adoptions"].append(extra)
    before, after = unit_points(run(records)), unit_points(run(more))
    assert before.keys() == after.keys()
    for unit, points in before.items():
        assert after[unit] >= points


@PROPERTY_SETTINGS
@given(ledger=any_ledger, data=st.data())
def test_result_does_not_depend_on_record_order(
    ledger: tuple[list[dict[str, Any]], tuple[dt.date, str]], data: st.DataObject
) -> None:
    records, (as_of, period) = ledger
    shuffled = data.draw(st.permutations(records))
    assert run(shuffled, as_of, period).to_json() == run(records, as_of, period).to_json()


NUMBER_KEYS = {"points", "yuan", "task", "done", "shortfall", "factor"}
INT_KEYS = {"rank", "line"}  # counts and positions, JSON integers in the contract


def _walk(value: Any, name: str | None = None) -> None:
    assert not isinstance(value, float), f"float at {name!r}: {value!r}"
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            _walk(v, name)
    elif isinstance(value, int) and not isinstance(value, bool):
        assert name in INT_KEYS, f"bare number at {name!r}: {value!r}"
    elif name in NUMBER_KEYS and value is not None:
        assert isinstance(value, str), f"{name} is {type(value).__name__}, not a string"
        try:
            number = Decimal(value)
        except InvalidOperation as err:  # pragma: no cover - the assertion message is the point
            raise AssertionError(f"{name} = {value!r} is not a decimal") from err
        assert number.is_finite()
        assert "e" not in value.lower()


@PROPERTY_SETTINGS
@given(ledger=any_ledger)
def test_json_numbers_are_exact_decimal_strings(ledger: tuple[list[dict[str, Any]], tuple[dt.date, str]]) -> None:
    records, (as_of, period) = ledger
    report = run(records, as_of, period)
    data = report.to_json()
    _walk(data)
    for unit in data["units"]:
        # table units carry their task, done and shortfall as decimal strings
        if key(unit["unit"]) in {key(u) for u in TABLE_MONTHLY}:
            for name in ("task", "done", "shortfall"):
                assert isinstance(unit[name], str)
    for result in report.records:
        assert isinstance(result.points, Decimal)
        for credit in result.credits:
            assert isinstance(credit.points, Decimal)
            assert isinstance(credit.yuan, Decimal)
    for unit in report.units:
        assert isinstance(unit.points, Decimal)


@PROPERTY_SETTINGS
@given(ledger=busy_ledgers())
def test_done_counts_accepted_submissions_with_at_most_one_revision(
    ledger: tuple[list[dict[str, Any]], tuple[dt.date, str]],
) -> None:
    records, (as_of, period) = ledger
    report = run(records, as_of, period)
    for name in [*TABLE_MONTHLY, OUTSIDE]:
        expected = scoring_count(records, name, as_of, period)
        try:
            unit = report.unit(name)
        except KeyError:
            assert name == OUTSIDE
            continue
        assert dict(unit.columns)["done"] == expected


@PROPERTY_SETTINGS
@given(ledger=busy_ledgers())
def test_over_task_bonus(ledger: tuple[list[dict[str, Any]], tuple[dt.date, str]]) -> None:
    # 四(二)1 报送信息数量超过任务数的，每超过1篇次加5分; task = monthly × months of the period
    # (附件3); none for a unit outside the table.
    records, (as_of, period) = ledger
    _first, _last, months = period_bounds(period)
    report = run(records, as_of, period)
    for name, monthly in TABLE_MONTHLY.items():
        unit = report.unit(name)
        task = monthly * months
        done = scoring_count(records, name, as_of, period)
        assert dict(unit.columns)["task"] == task
        assert over_task_points(unit) == OVER_TASK * max(0, done - task)
    try:
        outside = report.unit(OUTSIDE)
    except KeyError:
        return
    assert over_task_points(outside) == Decimal(0)
    assert [m for m in report.reminders if key(m.unit) == key(OUTSIDE) and m.due_on is None] == []


@PROPERTY_SETTINGS
@given(ledger=busy_ledgers())
def test_quota_reminders_are_pro_rata(ledger: tuple[list[dict[str, Any]], tuple[dt.date, str]]) -> None:
    # 半月一提醒 (contract): pro-rata task = monthly × months of the period begun on or before as_of;
    # a table unit below it is reminded with shortfall = pro-rata − done; otherwise it is not.
    records, (as_of, period) = ledger
    first, _last, months = period_bounds(period)
    begun = sum(1 for m in range(months) if dt.date(2024, first.month + m, 1) <= as_of)
    report = run(records, as_of, period)
    for name, monthly in TABLE_MONTHLY.items():
        due_now = monthly * begun
        done = scoring_count(records, name, as_of, period)
        reminders = [m for m in report.reminders if key(m.unit) == key(name) and m.due_on is None]
        if done < due_now:
            assert [m.shortfall for m in reminders] == [due_now - done]
        else:
            assert reminders == []
