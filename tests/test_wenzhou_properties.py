"""Property tests for the `wenzhou` ruleset (spec/rulesets.md, section `wenzhou`).

The strategies build valid 温州 records from the contract's enumerations (including the
document's aliases and full-width brackets), dates in 2024, 0–4 adoptions (never the
invalid 市卫健委 批示) and 1–3 authors from a small pool, so that ties in the awards happen.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govinfo_rules import load_ruleset

RS = load_ruleset("wenzhou")
AS_OF = "2024-12-31"
PERIOD = "2024"

PROPERTY_SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# 三(一) base points by kind, written as the contract states them; aliases map to their kind.
BASE = {
    "快报": Decimal("0.5"),  # 三(一)1
    "快报(成效类)": Decimal("0.5"),  # alias -> 快报
    "快报（成效类）": Decimal("0.5"),  # full-width brackets, NFKC
    "动态汇报(成效类)": Decimal(1),  # 三(一)2
    "动态汇报（成效类）": Decimal(1),
    "动态汇报(问题类)": Decimal(1),  # 三(一)3
    "动态汇报（问题类）": Decimal(1),
    "专报": Decimal(3),  # 三(一)4
    "参阅/调研稿": Decimal(3),  # 三(一)5
    "参阅稿": Decimal(3),  # alias -> 参阅/调研稿
    "调研稿": Decimal(3),  # alias -> 参阅/调研稿
}

# 三(二)1–5 adoption bonus: (points, yuan).  市卫健委 has no 批示.
BONUS = {
    ("市卫健委", "采用"): (Decimal(1), Decimal(100)),
    ("市委市政府", "采用"): (Decimal(3), Decimal(300)),
    ("市委市政府", "批示"): (Decimal(5), Decimal(600)),
    ("省委省政府", "采用"): (Decimal(5), Decimal(600)),
    ("省委省政府", "批示"): (Decimal(10), Decimal(800)),
}
MAX_BONUS = (Decimal(10), Decimal(800))  # 三(二)5 省委省政府批示

POOLS = {"个人激励奖": Decimal(3000), "组织管理奖": Decimal(6000)}  # 三(三)1: 1500+1000+500; 三(三)2: 3000+2000+1000

UNITS = ["医务科", "护理部", "科教科", "门诊部", "药剂科"]
AUTHORS = ["王强", "李娜", "张伟", "刘洋", "陈静"]

YEAR_START = dt.date(2024, 1, 1)
YEAR_END = dt.date(2024, 12, 31)


adoptions_st = st.lists(
    st.sampled_from(sorted(BONUS)).map(lambda la: {"level": la[0], "action": la[1]}),
    min_size=0,
    max_size=4,
)


@st.composite
def record_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """Every field of a valid record except `id`."""
    submitted = draw(st.dates(YEAR_START, YEAR_END))
    body: dict[str, Any] = {
        "unit": draw(st.sampled_from(UNITS)),
        "authors": draw(st.lists(st.sampled_from(AUTHORS), min_size=1, max_size=3)),
        "submitted_on": submitted.isoformat(),
        "kind": draw(st.sampled_from(sorted(BASE))),
        "qualified": draw(st.booleans()),
        "adoptions": draw(adoptions_st),
    }
    chars = draw(st.one_of(st.none(), st.integers(0, 6000)))
    if chars is not None or draw(st.booleans()):
        body["chars"] = chars
    if draw(st.booleans()):
        body["event_on"] = draw(st.dates(YEAR_START, submitted)).isoformat()
    return body


@st.composite
def record_lists(draw: st.DrawFn, min_size: int = 1, max_size: int = 12) -> list[dict[str, Any]]:
    bodies = draw(st.lists(record_bodies(), min_size=min_size, max_size=max_size))
    return [{"id": f"W-{i}", **body} for i, body in enumerate(bodies, 1)]


def run(records: list[dict[str, Any]]) -> Any:
    return RS.evaluate(copy.deepcopy(records), as_of=AS_OF, period=PERIOD)


def expected_score(record: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """Independent oracle: 三(一) gate and base, plus only the highest 三(二) bonus."""
    if not record["qualified"]:
        return Decimal(0), Decimal(0)
    bonuses = [BONUS[(a["level"], a["action"])] for a in record["adoptions"]]
    points, yuan = max(bonuses, default=(Decimal(0), Decimal(0)))
    return BASE[record["kind"]] + points, yuan


# ---------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(records=record_lists(), data=st.data())
def test_adding_an_adoption_never_lowers_a_record(records: list[dict[str, Any]], data: st.DataObject) -> None:
    # 三(二)5 takes the highest bonus: one more adoption can only keep or raise it.
    index = data.draw(st.integers(0, len(records) - 1))
    extra = data.draw(st.sampled_from(sorted(BONUS)))
    more = copy.deepcopy(records)
    more[index]["adoptions"].append({"level": extra[0], "action": extra[1]})
    rid = records[index]["id"]
    before = run(records).record(rid)
    after = run(more).record(rid)
    assert after.points >= before.points
    assert after.yuan >= before.yuan


@PROPERTY_SETTINGS
@given(records=record_lists())
def test_record_score_is_bounded(records: list[dict[str, Any]]) -> None:
    # At most base (三(一)) + the largest bonus (三(二)5: +10, ¥800); unqualified -> 0, ¥0.
    report = run(records)
    for record in records:
        result = report.record(record["id"])
        if not record["qualified"]:
            assert (result.points, result.yuan) == (Decimal(0), Decimal(0))
        else:
            assert BASE[record["kind"]] <= result.points <= BASE[record["kind"]] + MAX_BONUS[0]
            assert Decimal(0) <= result.yuan <= MAX_BONUS[1]


@PROPERTY_SETTINGS
@given(records=record_lists())
def test_record_score_matches_the_clauses(records: list[dict[str, Any]]) -> None:
    # base by kind (三(一)) + only the highest adoption bonus (三(二)5), 0 when unqualified.
    report = run(records)
    for record in records:
        result = report.record(record["id"])
        assert (result.points, result.yuan) == expected_score(record)
        assert result.counted is True


@PROPERTY_SETTINGS
@given(records=record_lists())
def test_unit_totals_equal_their_records_and_trace(records: list[dict[str, Any]]) -> None:
    report = run(records)
    by_unit: dict[str, list[Any]] = {}
    for record in records:
        by_unit.setdefault(record["unit"], []).append(report.record(record["id"]))
    # units lists exactly the units with at least one record in the period
    assert sorted(u.unit for u in report.units) == sorted(by_unit)
    for name, results in by_unit.items():
        unit = report.unit(name)
        assert unit.points == sum((r.points for r in results), Decimal(0))
        assert unit.yuan == sum((r.yuan for r in results), Decimal(0))
        assert unit.records == len(results)
        trace = [t for r in results for t in r.trace if t.unit == name]
        assert unit.points == sum((t.points for t in trace), Decimal(0))
        assert unit.yuan == sum((t.yuan for t in trace), Decimal(0))


@PROPERTY_SETTINGS
@given(records=record_lists())
def test_units_sorted_with_competition_ranks(records: list[dict[str, Any]]) -> None:
    units = run(records).units
    points = [u.points for u in units]
    assert points == sorted(points, reverse=True)
    for unit in units:
        assert unit.rank == 1 + sum(1 for p in points if p > unit.points)


@PROPERTY_SETTINGS
@given(records=record_lists(max_size=16))
def test_award_money_never_exceeds_the_pool(records: list[dict[str, Any]]) -> None:
    # Ties may produce more than three winners, but the shares are rounded down to the fen,
    # so the total paid per award never exceeds 1500+1000+500 = 3000 / 3000+2000+1000 = 6000.
    report = run(records)
    for award, pool in POOLS.items():
        rows = [a for a in report.awards if a.award == award]
        paid = sum((a.yuan for a in rows), Decimal(0))
        assert paid <= pool
        for row in rows:
            assert 1 <= row.rank <= 3
            assert row.yuan > 0
            assert row.yuan == row.yuan.quantize(Decimal("0.01"))
        # with at least three entrants the whole pool is paid, up to the fen remainders
        if len({a.winner for a in rows}) >= 3:
            assert pool - paid < Decimal("0.01") * len(rows)
    assert {a.award for a in report.awards} <= set(POOLS)


@PROPERTY_SETTINGS
@given(records=record_lists(max_size=16))
def test_personal_award_follows_qualified_counts(records: list[dict[str, Any]]) -> None:
    # 三(三)1 (contract): count of qualified submissions per author, an author once per record;
    # rank = 1 + authors with a strictly higher count; only ranks 1–3 are paid.
    counts: dict[str, int] = {}
    for record in records:
        if record["qualified"]:
            for author in set(record["authors"]):
                counts[author] = counts.get(author, 0) + 1
    expected = {}
    for author, n in counts.items():
        rank = 1 + sum(1 for m in counts.values() if m > n)
        if rank <= 3:
            expected[author] = rank
    rows = [a for a in run(records).awards if a.award == "个人激励奖"]
    assert {a.winner: a.rank for a in rows} == expected
    assert len(rows) == len(expected)


@PROPERTY_SETTINGS
@given(records=record_lists(max_size=16))
def test_money_sharing_ties_are_warned(records: list[dict[str, Any]]) -> None:
    # Every tie that shares prize money is reported in warnings (record None).
    report = run(records)
    award_warnings = [w for w in report.warnings if w.record is None]
    for award in POOLS:
        rows = [a for a in report.awards if a.award == award]
        ranks = [a.rank for a in rows]
        tied_places = {r for r in ranks if ranks.count(r) > 1}
        mine = [w for w in award_warnings if award in w.message or w.source in ("三(三)1", "三(三)2")]
        if tied_places:
            assert mine


@PROPERTY_SETTINGS
@given(records=record_lists(max_size=10), data=st.data())
def test_result_does_not_depend_on_record_order(records: list[dict[str, Any]], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(records))
    assert run(shuffled).to_json() == run(records).to_json()


@PROPERTY_SETTINGS
@given(records=record_lists())
def test_warnings_never_change_scores(records: list[dict[str, Any]]) -> None:
    # 二(一)2 / 二(二) give warnings only: dropping `chars` and `event_on` changes no number.
    stripped = [{k: v for k, v in r.items() if k not in ("chars", "event_on")} for r in records]
    a, b = run(records).to_json(), run(stripped).to_json()
    for key in ("records", "units", "awards"):
        assert a[key] == b[key]


def _walk(value: Any, key: str | None = None) -> None:
    assert not isinstance(value, float), f"float at {key!r}: {value!r}"
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            _walk(v, key)
    elif key in ("points", "yuan"):
        assert isinstance(value, str), f"{key} is {type(value).__name__}, not a string"
        try:
            number = Decimal(value)
        except InvalidOperation as err:  # pragma: no cover - the assertion message is the point
            raise AssertionError(f"{key} = {value!r} is not a decimal") from err
        assert number.is_finite()
        assert "e" not in value.lower()


@PROPERTY_SETTINGS
@given(records=record_lists())
def test_json_has_only_exact_decimal_strings(records: list[dict[str, Any]]) -> None:
    report = run(records)
    data = report.to_json()
    _walk(data)
    # the Decimal model: every point and yuan is a Decimal
    for record in report.records:
        assert isinstance(record.points, Decimal)
        assert isinstance(record.yuan, Decimal)
        for line in record.trace:
            assert isinstance(line.points, Decimal)
            assert isinstance(line.yuan, Decimal)
    for unit in report.units:
        assert isinstance(unit.points, Decimal)
        assert isinstance(unit.yuan, Decimal)
    for award in report.awards:
        assert isinstance(award.yuan, Decimal)


@PROPERTY_SETTINGS
@given(records=record_lists(), as_of=st.dates(YEAR_START, YEAR_END))
def test_records_after_as_of_count_for_nothing(records: list[dict[str, Any]], as_of: dt.date) -> None:
    # A record dated after as_of: no credit, no unit listing, no award entry, a warning.
    report = RS.evaluate(copy.deepcopy(records), as_of=as_of, period=PERIOD)
    late = {r["id"] for r in records if dt.date.fromisoformat(r["submitted_on"]) > as_of}
    counted_units = {r["unit"] for r in records if r["id"] not in late}
    counted_authors = {a for r in records if r["id"] not in late and r["qualified"] for a in r["authors"]}
    adopted_units = {r["unit"] for r in records if r["id"] not in late and r["qualified"] and r["adoptions"]}
    for rid in late:
        result = report.record(rid)
        assert result.counted is False
        assert result.credits == ()
        assert any(w.record == rid for w in report.warnings)
    assert {u.unit for u in report.units} == counted_units
    for award in report.awards:
        if award.award == "个人激励奖":
            assert award.winner in counted_authors
        else:
            assert award.winner in adopted_units
