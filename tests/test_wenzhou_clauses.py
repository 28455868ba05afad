"""One test per clause of the `wenzhou` contract (spec/rulesets.md, section `wenzhou`).

Source document: 温州市中医院《党政信息报送工作管理办法》 (seeds/000_1e8f511bc7c01f5f.txt),
clauses 二 (编写要求, 形式类别) and 三 (奖励办法).  Every expected number below is a literal
derived by hand in a comment from the clause it tests; the engine is never used to
compute an expectation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from govinfo_rules import RecordError, load_ruleset

RS = load_ruleset("wenzhou")

D = Decimal


# ---------------------------------------------------------------------------
# helpers


def rec(
    rid: str,
    *,
    unit: str = "医务科",
    authors: tuple[str, ...] | list[str] = ("王强",),
    kind: str = "快报",
    qualified: bool = True,
    adoptions: tuple[tuple[str, str], ...] | list[tuple[str, str]] = (),
    submitted_on: str = "2024-05-10",
    **extra: Any,
) -> dict[str, Any]:
    """A 温州 record as in the contract's JSON Lines."""
    out: dict[str, Any] = {
        "id": rid,
        "unit": unit,
        "authors": list(authors),
        "submitted_on": submitted_on,
        "kind": kind,
        "qualified": qualified,
        "adoptions": [{"level": level, "action": action} for level, action in adoptions],
    }
    out.update(extra)
    return out


def run(*records: dict[str, Any], as_of: str = "2024-12-31", period: str | None = "2024", rs: Any = RS) -> Any:
    return rs.evaluate(list(records), as_of=as_of, period=period)


def warnings_of(report: Any, rid: str) -> list[Any]:
    return [w for w in report.warnings if w.record == rid]


def award_rows(report: Any, award: str) -> list[tuple[int, str, Decimal]]:
    rows = [(a.rank, a.winner, a.yuan) for a in report.awards if a.award == award]
    return sorted(rows, key=lambda r: (r[0], r[1]))


def tie_warnings(report: Any, award: str, clause: str) -> list[Any]:
    return [w for w in report.warnings if w.record is None and (w.source == clause or award in w.message)]


def bonus_lines(result: Any) -> list[Any]:
    return [t for t in result.trace if t.rule.startswith("附加奖励.")]


PERSONAL = "个人激励奖"
ORG = "组织管理奖"


# ---------------------------------------------------------------------------
# 三(一) 基础奖励: base points by kind, ¥0


@pytest.mark.parametrize(
    ("kind", "points", "rule", "clause"),
    [
        # 三(一)1 快报（成效类）：每篇加0.5分
        ("快报", "0.5", "基础奖励.快报", "三(一)1"),
        # alias of the document's own label 快报（成效类） -> 快报, 0.5
        ("快报(成效类)", "0.5", "基础奖励.快报", "三(一)1"),
        # full-width brackets equal half-width after NFKC -> 快报, 0.5
        ("快报（成效类）", "0.5", "基础奖励.快报", "三(一)1"),
        # 三(一)2 动态汇报（成效类）：每篇加1分
        ("动态汇报(成效类)", "1", "基础奖励.动态汇报成效类", "三(一)2"),
        # full-width brackets, NFKC -> 动态汇报(成效类), 1
        ("动态汇报（成效类）", "1", "基础奖励.动态汇报成效类", "三(一)2"),
        # 三(一)3 动态汇报（问题类）：每篇加1分
        ("动态汇报(问题类)", "1", "基础奖励.动态汇报问题类", "三(一)3"),
        ("动态汇报（问题类）", "1", "基础奖励.动态汇报问题类", "三(一)3"),
        # 三(一)4 专报：每篇加3分
        ("专报", "3", "基础奖励.专报", "三(一)4"),
        # trimming: surrounding spaces are ignored -> 专报, 3
        ("  专报 ", "3", "基础奖励.专报", "三(一)4"),
        # 三(一)5 参阅/调研稿：每篇加3分
        ("参阅/调研稿", "3", "基础奖励.参阅调研稿", "三(一)5"),
        # aliases 参阅稿 and 调研稿 -> 参阅/调研稿, 3
        ("参阅稿", "3", "基础奖励.参阅调研稿", "三(一)5"),
        ("调研稿", "3", "基础奖励.参阅调研稿", "三(一)5"),
    ],
)
def test_base_points_by_kind(kind: str, points: str, rule: str, clause: str) -> None:
    # 三(一): a qualified article without adoptions earns only its base points and no money
    # (基础奖励 pays points to the 科室, the money is in 三(二) only): ¥0.
    report = run(rec("W-1", kind=kind))
    result = report.record("W-1")
    assert result.points == D(points)
    assert result.yuan == D(0)
    assert [(t.rule, t.points, t.yuan, t.source) for t in result.trace] == [(rule, D(points), D(0), clause)]
    assert result.credits[0].unit == "医务科"
    assert report.unit("医务科").points == D(points)


def test_unknown_kind_is_a_record_error_naming_the_closest_value() -> None:
    # Common conventions: an unknown value is a record error that names the record, the
    # field, the allowed values and the closest one ('专报x' is closest to 专报).
    with pytest.raises(RecordError) as info:
        run(rec("W-1", kind="专报x"))
    (problem,) = info.value.problems
    assert problem.record_id == "W-1"
    assert problem.field == "kind"
    for allowed in ("快报", "动态汇报(成效类)", "动态汇报(问题类)", "专报", "参阅/调研稿"):
        assert allowed in problem.message
    assert "'专报'" in problem.message or "专报?" in problem.message


# ---------------------------------------------------------------------------
# 三(二) 附加奖励: one adoption


@pytest.mark.parametrize(
    ("level", "action", "points", "yuan", "rule", "clause"),
    [
        # 专报 3 + 三(二)1 市卫健委采用 1 = 4; ¥100
        ("市卫健委", "采用", "4", "100", "附加奖励.市卫健委采用", "三(二)1"),
        # 专报 3 + 三(二)2 市委市政府采用 3 = 6; ¥300
        ("市委市政府", "采用", "6", "300", "附加奖励.市委市政府采用", "三(二)2"),
        # 专报 3 + 三(二)3 市委市政府批示 5 = 8; ¥600
        ("市委市政府", "批示", "8", "600", "附加奖励.市委市政府批示", "三(二)3"),
        # 专报 3 + 三(二)4 省委省政府采用 5 = 8; ¥600
        ("省委省政府", "采用", "8", "600", "附加奖励.省委省政府采用", "三(二)4"),
        # 专报 3 + 三(二)5 省委省政府批示 10 = 13; ¥800
        ("省委省政府", "批示", "13", "800", "附加奖励.省委省政府批示", "三(二)5"),
    ],
)
def test_adoption_bonus(level: str, action: str, points: str, yuan: str, rule: str, clause: str) -> None:
    report = run(rec("W-1", kind="专报", adoptions=[(level, action)]))
    result = report.record("W-1")
    assert result.points == D(points)
    assert result.yuan == D(yuan)
    (line,) = bonus_lines(result)
    assert (line.rule, line.source) == (rule, clause)
    assert line.points == D(points) - D(3)
    assert line.yuan == D(yuan)
    # the unit gets the record's points and money (Common conventions: unit yuan = sum of records' yuan)
    assert (report.unit("医务科").points, report.unit("医务科").yuan) == (D(points), D(yuan))


def test_bonus_on_a_kuaibao() -> None:
    # 快报 0.5 (三(一)1) + 市委市政府采用 3 (三(二)2) = 3.5; ¥300
    result = run(rec("W-1", kind="快报", adoptions=[("市委市政府", "采用")])).record("W-1")
    assert (result.points, result.yuan) == (D("3.5"), D(300))


# ---------------------------------------------------------------------------
# 三(二)5 同一稿件被多级采用、批示的，取最高级别


@pytest.mark.parametrize(
    ("adoptions", "points", "yuan"),
    [
        # 专报 3 + max(市卫健委采用 1, 市委市政府采用 3, 市委市政府批示 5) = 3 + 5 = 8; ¥600
        # (cumulative would be 12 / ¥1000)
        ([("市卫健委", "采用"), ("市委市政府", "采用"), ("市委市政府", "批示")], "8", "600"),
        # same adoptions, highest listed first: order is irrelevant -> 8; ¥600
        ([("市委市政府", "批示"), ("市委市政府", "采用"), ("市卫健委", "采用")], "8", "600"),
        # highest in the middle -> 8; ¥600
        ([("市卫健委", "采用"), ("市委市政府", "批示"), ("市委市政府", "采用")], "8", "600"),
        # all five: max is 省委省政府批示 10 -> 3 + 10 = 13; ¥800 (cumulative: 27 / ¥2400)
        (
            [
                ("市卫健委", "采用"),
                ("市委市政府", "采用"),
                ("市委市政府", "批示"),
                ("省委省政府", "采用"),
                ("省委省政府", "批示"),
            ],
            "13",
            "800",
        ),
        # 市卫健委采用 1 and 省委省政府采用 5 -> 3 + 5 = 8; ¥600
        ([("省委省政府", "采用"), ("市卫健委", "采用")], "8", "600"),
    ],
)
def test_only_the_highest_adoption_counts(adoptions: list[tuple[str, str]], points: str, yuan: str) -> None:
    result = run(rec("W-1", kind="专报", adoptions=adoptions)).record("W-1")
    assert (result.points, result.yuan) == (D(points), D(yuan))
    # exactly one bonus is paid; the others are recorded as not applied
    assert len(bonus_lines(result)) == 1
    assert len(result.dropped) == len(adoptions) - 1


def test_equal_value_adoptions_pay_once() -> None:
    # 三(二)3 市委市政府批示 +5/¥600 and 三(二)4 省委省政府采用 +5/¥600 are equal; the highest
    # is paid once: 动态汇报(成效类) 1 + 5 = 6; ¥600 (not 11 / ¥1200)
    result = run(
        rec("W-1", kind="动态汇报(成效类)", adoptions=[("市委市政府", "批示"), ("省委省政府", "采用")])
    ).record("W-1")
    assert (result.points, result.yuan) == (D(6), D(600))
    (line,) = bonus_lines(result)
    assert (line.points, line.yuan) == (D(5), D(600))


def test_same_adoption_twice_pays_once() -> None:
    # 动态汇报(问题类) 1 + 三(二)1 市卫健委采用 1 once = 2; ¥100 (not 3 / ¥200)
    result = run(rec("W-1", kind="动态汇报(问题类)", adoptions=[("市卫健委", "采用"), ("市卫健委", "采用")])).record(
        "W-1"
    )
    assert (result.points, result.yuan) == (D(2), D(100))
    # 参阅/调研稿 3 + 三(二)2 市委市政府采用 3 once = 6; ¥300 (not 9 / ¥600)
    result = run(rec("W-2", kind="参阅/调研稿", adoptions=[("市委市政府", "采用"), ("市委市政府", "采用")])).record(
        "W-2"
    )
    assert (result.points, result.yuan) == (D(6), D(300))


# ---------------------------------------------------------------------------
# 三(一) 稿件若合格即对科室进行赋分: not qualified


def test_not_qualified_without_adoptions_scores_nothing_silently() -> None:
    # 三(一): only a qualified (合格) article is scored: 专报 unqualified -> 0 points, ¥0;
    # no adoptions, so no warning.
    report = run(rec("W-1", kind="专报", qualified=False))
    result = report.record("W-1")
    assert (result.points, result.yuan) == (D(0), D(0))
    assert result.stopped_by is not None
    assert warnings_of(report, "W-1") == []
    # the unit has a record in the period, so it is listed, with 0 points and ¥0
    assert (report.unit("医务科").points, report.unit("医务科").yuan) == (D(0), D(0))


def test_not_qualified_with_adoptions_scores_nothing_and_warns() -> None:
    # 三(一) gate: unqualified -> 0 points and ¥0 even with 三(二)5 省委省政府批示 (+10, ¥800)
    # and 三(二)2 市委市政府采用; the contract asks for a warning in that case.
    report = run(
        rec("W-1", kind="参阅/调研稿", qualified=False, adoptions=[("省委省政府", "批示"), ("市委市政府", "采用")])
    )
    result = report.record("W-1")
    assert (result.points, result.yuan) == (D(0), D(0))
    assert bonus_lines(result) == []
    assert len(warnings_of(report, "W-1")) == 1
    assert (report.unit("医务科").points, report.unit("医务科").yuan) == (D(0), D(0))


# ---------------------------------------------------------------------------
# 三(二)1: 市卫健委 has only 采用


def test_city_health_commission_pishi_is_a_record_error() -> None:
    # 三(二)1 names only 被市卫健委党政信息采用; the contract: `市卫健委` has only `采用`, so
    # {"level": 市卫健委, "action": 批示} is invalid input -> RecordError, no partial score.
    bad = rec("W-2", kind="专报", adoptions=[("市委市政府", "采用"), ("市卫健委", "批示")])
    with pytest.raises(RecordError) as info:
        run(rec("W-1", kind="专报"), bad)
    problems = info.value.problems
    assert [p.record_id for p in problems] == ["W-2"]
    # the field path names the offending adoption (index 1, counting from 0)
    assert problems[0].field.startswith("adoptions[1]")


def test_every_invalid_record_is_reported() -> None:
    # Common conventions: the run reports every invalid record, not only the first.
    # W-1: 市卫健委 批示 (三(二)1); W-3: unknown kind; W-2 is valid.
    with pytest.raises(RecordError) as info:
        run(
            rec("W-1", adoptions=[("市卫健委", "批示")]),
            rec("W-2"),
            rec("W-3", kind="简报"),
        )
    assert set(info.value.record_ids) == {"W-1", "W-3"}


# ---------------------------------------------------------------------------
# 二(二) length guidance: warnings beyond half of the guidance


@pytest.mark.parametrize(
    ("kind", "chars", "warned"),
    [
        # 二(二)1 快报 300字左右: low end 300 * 50% = 150, high end 300 * 150% = 450
        ("快报", 150, False),
        ("快报", 149, True),
        ("快报", 450, False),
        ("快报", 451, True),
        ("快报", 300, False),
        # 二(二)2 动态汇报（成效类） 600字左右: 600 * 50% = 300, 600 * 150% = 900
        ("动态汇报(成效类)", 300, False),
        ("动态汇报(成效类)", 299, True),
        ("动态汇报(成效类)", 900, False),
        ("动态汇报(成效类)", 901, True),
        # 二(二)3 动态汇报（问题类） 600字左右: same 300–900
        ("动态汇报(问题类)", 300, False),
        ("动态汇报(问题类)", 299, True),
        ("动态汇报(问题类)", 900, False),
        ("动态汇报(问题类)", 901, True),
        # 二(二)4 专报 2000-3000字: 2000 * 50% = 1000, 3000 * 150% = 4500
        ("专报", 1000, False),
        ("专报", 999, True),
        ("专报", 4500, False),
        ("专报", 4501, True),
        ("专报", 2500, False),
        # 二(二)5 参阅/调研稿 2000-3000字: same 1000–4500
        ("参阅/调研稿", 1000, False),
        ("参阅/调研稿", 999, True),
        ("参阅/调研稿", 4500, False),
        ("参阅/调研稿", 4501, True),
        # an alias gets the guidance of its kind: 调研稿 -> 参阅/调研稿, 999 < 1000
        ("调研稿", 999, True),
    ],
)
def test_length_guidance_warning(kind: str, chars: int, warned: bool) -> None:
    report = run(rec("W-1", kind=kind, chars=chars))
    found = warnings_of(report, "W-1")
    assert len(found) == (1 if warned else 0)
    if warned:
        assert found[0].source is not None
        assert found[0].source.startswith("二(二)")


@pytest.mark.parametrize("kind", ["快报", "动态汇报(成效类)", "动态汇报(问题类)", "专报", "参阅/调研稿"])
def test_no_length_warning_without_chars(kind: str) -> None:
    # `chars` is optional: absent (or null) -> nothing to compare with 二(二) -> no warning
    report = run(rec("W-1", kind=kind), rec("W-2", kind=kind, chars=None))
    assert warnings_of(report, "W-1") == []
    assert warnings_of(report, "W-2") == []


# ---------------------------------------------------------------------------
# 二(一)2 事件发生10天内进行报送


@pytest.mark.parametrize(
    ("event_on", "submitted_on", "warned"),
    [
        # 2024-05-01 -> 2024-05-11 is exactly 10 days: within 10天内 -> no warning
        ("2024-05-01", "2024-05-11", False),
        # 2024-05-01 -> 2024-05-12 is 11 days: more than 10 -> warning
        ("2024-05-01", "2024-05-12", True),
        # same day: 0 days -> no warning
        ("2024-05-10", "2024-05-10", False),
        # across a month end: 2024-04-25 -> 2024-05-06 is 5 + 6 = 11 days -> warning
        ("2024-04-25", "2024-05-06", True),
        # across the leap day: 2024-02-20 -> 2024-03-01 is 9 + 1 = 10 days -> no warning
        ("2024-02-20", "2024-03-01", False),
    ],
)
def test_lateness_warning(event_on: str, submitted_on: str, warned: bool) -> None:
    report = run(rec("W-1", submitted_on=submitted_on, event_on=event_on))
    found = warnings_of(report, "W-1")
    assert len(found) == (1 if warned else 0)
    if warned:
        assert found[0].source == "二(一)2"


def test_no_lateness_warning_without_event_on() -> None:
    # `event_on` is optional: absent or null -> the 10-day rule of 二(一)2 cannot apply -> no warning
    report = run(rec("W-1", submitted_on="2024-12-30"), rec("W-2", submitted_on="2024-12-30", event_on=None))
    assert warnings_of(report, "W-1") == []
    assert warnings_of(report, "W-2") == []


def test_lateness_parameter_override() -> None:
    # 报送时限天数 overridden from 10 to 7: 2024-05-01 -> 2024-05-09 is 8 days > 7 -> warning;
    # 2024-05-01 -> 2024-05-08 is 7 days -> no warning
    rs7 = load_ruleset("wenzhou", overrides={"报送时限天数": 7})
    report = run(
        rec("W-1", submitted_on="2024-05-09", event_on="2024-05-01"),
        rec("W-2", submitted_on="2024-05-08", event_on="2024-05-01"),
        rs=rs7,
    )
    assert len(warnings_of(report, "W-1")) == 1
    assert warnings_of(report, "W-2") == []
    # the default ruleset is not affected: 8 days <= 10 -> no warning
    report = run(rec("W-1", submitted_on="2024-05-09", event_on="2024-05-01"))
    assert warnings_of(report, "W-1") == []


def test_warnings_never_change_a_score() -> None:
    # 专报 3 + 三(二)4 省委省政府采用 5 = 8; ¥600, whether or not it is too short (chars 10 < 1000,
    # 二(二)4) and late (2024-01-01 -> 2024-05-10 = 130 days > 10, 二(一)2).
    # 快报 0.5, with chars 5000 > 450 (二(二)1): still 0.5, ¥0.
    plain = [
        rec("W-1", kind="专报", adoptions=[("省委省政府", "采用")]),
        rec("W-2", kind="快报", authors=["李娜"]),
    ]
    noisy = [
        rec("W-1", kind="专报", adoptions=[("省委省政府", "采用")], chars=10, event_on="2024-01-01"),
        rec("W-2", kind="快报", authors=["李娜"], chars=5000),
    ]
    quiet, loud = run(*plain), run(*noisy)
    assert (loud.record("W-1").points, loud.record("W-1").yuan) == (D(8), D(600))
    assert (loud.record("W-2").points, loud.record("W-2").yuan) == (D("0.5"), D(0))
    assert len(warnings_of(loud, "W-1")) == 2
    assert len(warnings_of(loud, "W-2")) == 1
    assert warnings_of(quiet, "W-1") == warnings_of(quiet, "W-2") == []
    a, b = quiet.to_json(), loud.to_json()
    for key in ("records", "units", "awards"):
        assert a[key] == b[key]


# ---------------------------------------------------------------------------
# 三(三)1 个人激励奖


def test_personal_award_by_count_of_qualified_submissions() -> None:
    # 三(三)1 选取投稿最多的前三名 (contract: counted over qualified submissions):
    # 王强: W-1, W-2, W-3 = 3; 李娜: W-4, W-5 = 2; 张伟: W-6 = 1
    # -> 王强 1st ¥1500, 李娜 2nd ¥1000, 张伟 3rd ¥500
    report = run(
        rec("W-1", authors=["王强"]),
        rec("W-2", authors=["王强"]),
        rec("W-3", authors=["王强"]),
        rec("W-4", authors=["李娜"]),
        rec("W-5", authors=["李娜"]),
        rec("W-6", authors=["张伟"]),
    )
    assert award_rows(report, PERSONAL) == [(1, "王强", D(1500)), (2, "李娜", D(1000)), (3, "张伟", D(500))]
    assert tie_warnings(report, PERSONAL, "三(三)1") == []


def test_personal_award_co_authors_count_once_each() -> None:
    # a co-authored article counts once for each author:
    # 王强: W-1 (with 李娜), W-2 (with 李娜), W-3 = 3; 李娜: W-1, W-2 = 2; 张伟: W-4 = 1
    # -> 王强 ¥1500, 李娜 ¥1000, 张伟 ¥500
    report = run(
        rec("W-1", authors=["王强", "李娜"]),
        rec("W-2", authors=["李娜", "王强"]),
        rec("W-3", authors=["王强"]),
        rec("W-4", authors=["张伟"]),
    )
    assert award_rows(report, PERSONAL) == [(1, "王强", D(1500)), (2, "李娜", D(1000)), (3, "张伟", D(500))]


def test_personal_award_author_listed_twice_counts_once() -> None:
    # W-1 lists 张伟 twice: one article -> counts 1 for 张伟, not 2.
    # 王强: W-2, W-3 = 2; 张伟: W-1 = 1; 李娜: W-4 = 1.
    # -> 王强 1st ¥1500; 张伟 and 李娜 tie at 1 for 2nd: (1000 + 500) / 2 = ¥750 each.
    # (If 张伟 counted twice he would tie 王强 for first instead.)
    report = run(
        rec("W-1", authors=["张伟", "张伟"]),
        rec("W-2", authors=["王强"]),
        rec("W-3", authors=["王强"]),
        rec("W-4", authors=["李娜"]),
    )
    assert award_rows(report, PERSONAL) == [(1, "王强", D(1500)), (2, "张伟", D(750)), (2, "李娜", D(750))]


def test_personal_award_unqualified_submissions_do_not_count() -> None:
    # 张伟 has 4 articles but only W-1 is qualified -> 1; 王强: W-5, W-6 = 2; 李娜: W-7 = 1 ...
    # 刘洋 has only unqualified articles -> not an entrant at all.
    # Counts: 王强 2, 张伟 1, 李娜 1 -> 王强 ¥1500; 张伟 and 李娜 tie for 2nd: (1000 + 500) / 2 = ¥750 each.
    report = run(
        rec("W-1", authors=["张伟"]),
        rec("W-2", authors=["张伟"], qualified=False),
        rec("W-3", authors=["张伟"], qualified=False),
        rec("W-4", authors=["张伟"], qualified=False),
        rec("W-5", authors=["王强"]),
        rec("W-6", authors=["王强"]),
        rec("W-7", authors=["李娜"]),
        rec("W-8", authors=["刘洋"], qualified=False),
        rec("W-9", authors=["刘洋"], qualified=False),
        rec("W-10", authors=["刘洋"], qualified=False),
    )
    assert award_rows(report, PERSONAL) == [(1, "王强", D(1500)), (2, "张伟", D(750)), (2, "李娜", D(750))]
    assert all(a.winner != "刘洋" for a in report.awards)


def test_personal_award_fewer_entrants_than_prizes() -> None:
    # Only two authors have qualified submissions: 王强 2, 李娜 1 -> 1st ¥1500, 2nd ¥1000;
    # the 3rd prize (¥500) is not given (张伟 has only an unqualified article).
    report = run(
        rec("W-1", authors=["王强"]),
        rec("W-2", authors=["王强"]),
        rec("W-3", authors=["李娜"]),
        rec("W-4", authors=["张伟"], qualified=False),
    )
    assert award_rows(report, PERSONAL) == [(1, "王强", D(1500)), (2, "李娜", D(1000))]


def test_personal_award_single_entrant() -> None:
    # one entrant: 王强 1 -> 1st ¥1500 only; 2nd and 3rd prizes are not given
    report = run(rec("W-1", authors=["王强"]))
    assert award_rows(report, PERSONAL) == [(1, "王强", D(1500))]


def test_no_awards_without_qualified_submissions() -> None:
    # no qualified article: no 个人激励奖 entrant and no 组织管理奖 entrant
    # (the only adoption is on an unqualified article)
    report = run(rec("W-1", qualified=False, adoptions=[("市卫健委", "采用")]))
    assert report.awards == ()


# ---------------------------------------------------------------------------
# 三(三)2 组织管理奖


def test_org_award_only_units_with_a_qualified_adopted_record() -> None:
    # 三(三)2 在被市卫健委及以上级别采录、批示的稿件作者所在科室范围内 (contract: units with at least one
    # qualified record that has an adoption):
    # 医务科: 4 专报 = 4 * 3 = 12 points, no adoption -> not eligible
    # 护理部: 专报 3 (no adoption) + unqualified 专报 with 省委省政府批示 (0) = 3 -> not eligible
    # 科教科: 快报 0.5 + 市卫健委采用 1 = 1.5; ¥100 -> eligible, the only entrant -> ¥3000;
    # 2nd (¥2000) and 3rd (¥1000) not given.
    report = run(
        rec("W-1", unit="医务科", kind="专报"),
        rec("W-2", unit="医务科", kind="专报"),
        rec("W-3", unit="医务科", kind="专报"),
        rec("W-4", unit="医务科", kind="专报"),
        rec("W-5", unit="护理部", kind="专报"),
        rec("W-6", unit="护理部", kind="专报", qualified=False, adoptions=[("省委省政府", "批示")]),
        rec("W-7", unit="科教科", kind="快报", adoptions=[("市卫健委", "采用")]),
    )
    assert award_rows(report, ORG) == [(1, "科教科", D(3000))]
    assert report.unit("医务科").points == D(12)
    assert report.unit("护理部").points == D(3)
    assert report.unit("科教科").points == D("1.5")


def test_org_award_ranked_by_unit_points() -> None:
    # Ranked by the unit's points (all its records, adopted or not):
    # 医务科: 专报 3 + 市卫健委采用 1 = 4, plus 专报 3 = 7
    # 护理部: 专报 3 + 省委省政府批示 10 = 13
    # 门诊部: 动态汇报(问题类) 1 + 市卫健委采用 1 = 2
    # 科教科: 快报 0.5 + 市卫健委采用 1 = 1.5
    # 药剂科: 参阅/调研稿 3 * 2 = 6, no adoption -> not eligible
    # -> 护理部 ¥3000, 医务科 ¥2000, 门诊部 ¥1000; 科教科 4th nothing.
    report = run(
        rec("W-1", unit="医务科", kind="专报", adoptions=[("市卫健委", "采用")]),
        rec("W-2", unit="医务科", kind="专报"),
        rec("W-3", unit="护理部", kind="专报", adoptions=[("省委省政府", "批示")]),
        rec("W-4", unit="门诊部", kind="动态汇报(问题类)", adoptions=[("市卫健委", "采用")]),
        rec("W-5", unit="科教科", kind="快报", adoptions=[("市卫健委", "采用")]),
        rec("W-6", unit="药剂科", kind="参阅/调研稿"),
        rec("W-7", unit="药剂科", kind="参阅/调研稿"),
    )
    assert award_rows(report, ORG) == [(1, "护理部", D(3000)), (2, "医务科", D(2000)), (3, "门诊部", D(1000))]
    assert tie_warnings(report, ORG, "三(三)2") == []


def test_org_award_money_is_not_in_unit_yuan() -> None:
    # Common conventions: a unit's yuan is the sum of its records' yuan; award money appears only
    # in `awards`.  护理部: 专报 3 + 省委省政府批示 10 = 13; ¥800 (not ¥800 + ¥3000).
    report = run(rec("W-1", unit="护理部", kind="专报", adoptions=[("省委省政府", "批示")]))
    assert (report.unit("护理部").points, report.unit("护理部").yuan) == (D(13), D(800))
    assert award_rows(report, ORG) == [(1, "护理部", D(3000))]
    # 个人激励奖 goes to the author, also only in awards: 王强 1 -> ¥1500
    assert award_rows(report, PERSONAL) == [(1, "王强", D(1500))]


# ---------------------------------------------------------------------------
# Ties (contract): share the prizes of the places occupied, rounded down to the fen


def _personal(counts: dict[str, int]) -> Any:
    """Qualified 快报 per author: author -> number of articles."""
    records = []
    n = 0
    for author, count in counts.items():
        for _ in range(count):
            n += 1
            records.append(rec(f"W-{n}", authors=[author]))
    return run(*records)


def test_tie_two_for_first_personal() -> None:
    # 王强 3, 李娜 3 tie for 1st: they occupy places 1–2 -> (1500 + 1000) / 2 = ¥1250 each;
    # 张伟 2 is next, at rank 3 (competition ranking) with ¥500; 刘洋 1 (4th) nothing.
    # Total 1250 + 1250 + 500 = 3000 <= pool 3000.
    report = _personal({"王强": 3, "李娜": 3, "张伟": 2, "刘洋": 1})
    assert award_rows(report, PERSONAL) == [(1, "李娜", D(1250)), (1, "王强", D(1250)), (3, "张伟", D(500))]
    ties = tie_warnings(report, PERSONAL, "三(三)1")
    assert len(ties) == 1
    assert "王强" in ties[0].message
    assert "李娜" in ties[0].message


def test_tie_three_for_first_personal() -> None:
    # 王强, 李娜, 张伟 2 each tie for 1st: places 1–3 -> (1500 + 1000 + 500) / 3 = ¥1000 each;
    # 刘洋 1 is 4th -> nothing.
    report = _personal({"王强": 2, "李娜": 2, "张伟": 2, "刘洋": 1})
    assert award_rows(report, PERSONAL) == [(1, "张伟", D(1000)), (1, "李娜", D(1000)), (1, "王强", D(1000))]
    assert len(tie_warnings(report, PERSONAL, "三(三)1")) == 1


def test_tie_two_for_second_personal() -> None:
    # 王强 3 1st ¥1500; 李娜 2 and 张伟 2 tie for 2nd: places 2–3 -> (1000 + 500) / 2 = ¥750 each;
    # 刘洋 1 is rank 4 -> nothing.
    report = _personal({"王强": 3, "李娜": 2, "张伟": 2, "刘洋": 1})
    assert award_rows(report, PERSONAL) == [(1, "王强", D(1500)), (2, "张伟", D(750)), (2, "李娜", D(750))]
    assert len(tie_warnings(report, PERSONAL, "三(三)1")) == 1


def test_tie_three_for_second_personal() -> None:
    # 王强 3 1st ¥1500; 李娜, 张伟, 刘洋 2 each tie for 2nd: places 2–3 (only two prizes left)
    # -> (1000 + 500) / 3 = ¥500 each.  Total 1500 + 3 * 500 = 3000.
    report = _personal({"王强": 3, "李娜": 2, "张伟": 2, "刘洋": 2})
    assert award_rows(report, PERSONAL) == [
        (1, "王强", D(1500)),
        (2, "刘洋", D(500)),
        (2, "张伟", D(500)),
        (2, "李娜", D(500)),
    ]
    assert len(tie_warnings(report, PERSONAL, "三(三)1")) == 1


def test_tie_two_for_third_personal() -> None:
    # 王强 3 ¥1500, 李娜 2 ¥1000; 张伟 1 and 刘洋 1 tie for 3rd: place 3 -> 500 / 2 = ¥250 each.
    report = _personal({"王强": 3, "李娜": 2, "张伟": 1, "刘洋": 1})
    assert award_rows(report, PERSONAL) == [
        (1, "王强", D(1500)),
        (2, "李娜", D(1000)),
        (3, "刘洋", D(250)),
        (3, "张伟", D(250)),
    ]
    assert len(tie_warnings(report, PERSONAL, "三(三)1")) == 1


def test_tie_three_for_third_rounds_down_to_the_fen() -> None:
    # 王强 3 ¥1500, 李娜 2 ¥1000; 张伟, 刘洋, 陈静 1 each tie for 3rd: 500 / 3 = 166.666...
    # rounded DOWN to the fen -> ¥166.66 each (total 1500 + 1000 + 499.98 = 2999.98 <= 3000;
    # rounding half-up to 166.67 would pay 3000.01).
    report = _personal({"王强": 3, "李娜": 2, "张伟": 1, "刘洋": 1, "陈静": 1})
    assert award_rows(report, PERSONAL) == [
        (1, "王强", D(1500)),
        (2, "李娜", D(1000)),
        (3, "刘洋", D("166.66")),
        (3, "张伟", D("166.66")),
        (3, "陈静", D("166.66")),
    ]
    assert len(tie_warnings(report, PERSONAL, "三(三)1")) == 1


def test_tie_seven_for_first_rounds_down_to_the_fen() -> None:
    # seven authors with 1 each tie for 1st: places 1–3 (all three prizes)
    # -> (1500 + 1000 + 500) / 7 = 428.571428... -> ¥428.57 each (7 * 428.57 = 2999.99 <= 3000).
    names = ["王强", "李娜", "张伟", "刘洋", "陈静", "吴芳", "林晓"]
    report = _personal(dict.fromkeys(names, 1))
    rows = award_rows(report, PERSONAL)
    assert sorted(w for _, w, _ in rows) == sorted(names)
    assert {(rank, yuan) for rank, _, yuan in rows} == {(1, D("428.57"))}
    assert len(tie_warnings(report, PERSONAL, "三(三)1")) == 1


def test_two_separate_ties_give_two_warnings() -> None:
    # 王强 3, 李娜 3 tie for 1st -> (1500 + 1000) / 2 = ¥1250 each;
    # 张伟 1, 刘洋 1 tie for 3rd -> 500 / 2 = ¥250 each.  Two money-sharing ties -> two warnings.
    report = _personal({"王强": 3, "李娜": 3, "张伟": 1, "刘洋": 1})
    assert award_rows(report, PERSONAL) == [
        (1, "李娜", D(1250)),
        (1, "王强", D(1250)),
        (3, "刘洋", D(250)),
        (3, "张伟", D(250)),
    ]
    ties = tie_warnings(report, PERSONAL, "三(三)1")
    assert len(ties) == 2
    text = " ".join(w.message for w in ties)
    for name in ("王强", "李娜", "张伟", "刘洋"):
        assert name in text


def _org_unit(n: int, unit: str, kind: str, adoption: tuple[str, str]) -> dict[str, Any]:
    return rec(f"W-{n}", unit=unit, kind=kind, adoptions=[adoption])


def test_tie_two_for_first_org() -> None:
    # 医务科 and 护理部: 专报 3 + 市卫健委采用 1 = 4 each, tie for 1st: places 1–2
    # -> (3000 + 2000) / 2 = ¥2500 each; 门诊部 快报 0.5 + 1 = 1.5 is rank 3 -> ¥1000.
    report = run(
        _org_unit(1, "医务科", "专报", ("市卫健委", "采用")),
        _org_unit(2, "护理部", "专报", ("市卫健委", "采用")),
        _org_unit(3, "门诊部", "快报", ("市卫健委", "采用")),
    )
    assert award_rows(report, ORG) == [(1, "医务科", D(2500)), (1, "护理部", D(2500)), (3, "门诊部", D(1000))]
    assert len(tie_warnings(report, ORG, "三(三)2")) == 1


def test_tie_three_for_second_org() -> None:
    # 医务科: 专报 3 + 省委省政府批示 10 = 13 -> 1st ¥3000.
    # 护理部, 门诊部, 科教科: 专报 3 + 市卫健委采用 1 = 4 each, tie for 2nd: places 2–3
    # -> (2000 + 1000) / 3 = ¥1000 each.
    report = run(
        _org_unit(1, "医务科", "专报", ("省委省政府", "批示")),
        _org_unit(2, "护理部", "专报", ("市卫健委", "采用")),
        _org_unit(3, "门诊部", "专报", ("市卫健委", "采用")),
        _org_unit(4, "科教科", "专报", ("市卫健委", "采用")),
    )
    assert award_rows(report, ORG) == [
        (1, "医务科", D(3000)),
        (2, "护理部", D(1000)),
        (2, "科教科", D(1000)),
        (2, "门诊部", D(1000)),
    ]
    assert len(tie_warnings(report, ORG, "三(三)2")) == 1


def test_tie_three_for_third_org_rounds_down_to_the_fen() -> None:
    # 医务科: 专报 3 + 省委省政府批示 10 = 13 -> ¥3000; 护理部: 专报 3 + 市委市政府采用 3 = 6 -> ¥2000;
    # 门诊部, 科教科, 药剂科: 快报 0.5 + 市卫健委采用 1 = 1.5 each, tie for 3rd
    # -> 1000 / 3 = 333.333... rounded down -> ¥333.33 each (total 5999.99 <= 6000).
    report = run(
        _org_unit(1, "医务科", "专报", ("省委省政府", "批示")),
        _org_unit(2, "护理部", "专报", ("市委市政府", "采用")),
        _org_unit(3, "门诊部", "快报", ("市卫健委", "采用")),
        _org_unit(4, "科教科", "快报", ("市卫健委", "采用")),
        _org_unit(5, "药剂科", "快报", ("市卫健委", "采用")),
    )
    assert award_rows(report, ORG) == [
        (1, "医务科", D(3000)),
        (2, "护理部", D(2000)),
        (3, "科教科", D("333.33")),
        (3, "药剂科", D("333.33")),
        (3, "门诊部", D("333.33")),
    ]
    assert len(tie_warnings(report, ORG, "三(三)2")) == 1


# ---------------------------------------------------------------------------
# --period and --as-of (Common conventions)


def test_records_outside_the_period_are_ignored_silently() -> None:
    # period 2024: W-2 (2023-12-31) and W-3 (2025-01-02, also after as_of 2024-12-31) are outside
    # -> ignored silently: not listed, no warning, no credit, no award.
    # 医务科: W-1 专报 3 + 市卫健委采用 1 = 4; ¥100.  护理部 has only W-2 -> not listed.
    report = run(
        rec("W-1", kind="专报", adoptions=[("市卫健委", "采用")]),
        rec("W-2", unit="护理部", authors=["李娜"], kind="专报", submitted_on="2023-12-31"),
        rec("W-3", authors=["张伟"], kind="专报", submitted_on="2025-01-02"),
    )
    assert [r.id for r in report.records] == ["W-1"]
    assert [w for w in report.warnings if w.record in ("W-2", "W-3")] == []
    assert [(u.unit, u.points, u.yuan) for u in report.units] == [("医务科", D(4), D(100))]
    assert award_rows(report, PERSONAL) == [(1, "王强", D(1500))]
    assert award_rows(report, ORG) == [(1, "医务科", D(3000))]
    assert report.period == "2024"


@pytest.mark.parametrize(
    ("period", "ids", "points"),
    [
        # 2024-Q2 = April–June: W-2 (04-01) and W-3 (06-30) -> 0.5 + 0.5 = 1
        ("2024-Q2", ["W-2", "W-3"], "1"),
        # 2024-03: W-1 (03-31) only -> 0.5
        ("2024-03", ["W-1"], "0.5"),
        # no period: all four -> 4 * 0.5 = 2
        (None, ["W-1", "W-2", "W-3", "W-4"], "2"),
    ],
)
def test_period_quarter_and_month(period: str | None, ids: list[str], points: str) -> None:
    report = run(
        rec("W-1", submitted_on="2024-03-31"),
        rec("W-2", submitted_on="2024-04-01"),
        rec("W-3", submitted_on="2024-06-30"),
        rec("W-4", submitted_on="2024-07-01"),
        period=period,
    )
    assert [r.id for r in report.records] == ids
    assert report.unit("医务科").points == D(points)
    assert report.period == period


def test_record_after_as_of_counts_for_nothing() -> None:
    # as_of 2024-06-30, period 2024: W-2 (2024-07-01) is after as_of -> counts for nothing:
    # no credit, no unit listing (护理部 has no other record), no award entry, a warning,
    # counted False.  W-1: 快报 0.5, 王强 the only entrant -> ¥1500; 医务科 the only unit.
    report = run(
        rec("W-1", submitted_on="2024-06-30"),
        rec(
            "W-2",
            unit="护理部",
            authors=["李娜"],
            kind="专报",
            adoptions=[("省委省政府", "批示")],
            submitted_on="2024-07-01",
        ),
        as_of="2024-06-30",
    )
    late = report.record("W-2")
    assert late.counted is False
    assert late.credits == ()
    assert (late.points, late.yuan) == (D(0), D(0))
    assert len(warnings_of(report, "W-2")) == 1
    assert [u.unit for u in report.units] == ["医务科"]
    assert all(a.winner not in ("李娜", "护理部") for a in report.awards)
    assert award_rows(report, PERSONAL) == [(1, "王强", D(1500))]
    assert award_rows(report, ORG) == []
    assert report.record("W-1").counted is True


def test_record_after_as_of_does_not_add_to_its_unit() -> None:
    # 医务科: W-1 专报 3 counted; W-2 专报 3 + 省委省政府批示 10 dated after as_of -> nothing.
    # Unit points 3, ¥0; not eligible for 组织管理奖 (its only adopted record does not count).
    report = run(
        rec("W-1", kind="专报", submitted_on="2024-03-01"),
        rec("W-2", kind="专报", adoptions=[("省委省政府", "批示")], submitted_on="2024-09-01"),
        as_of="2024-06-30",
    )
    assert (report.unit("医务科").points, report.unit("医务科").yuan) == (D(3), D(0))
    assert award_rows(report, ORG) == []
    assert report.to_json()["records"][1]["counted"] is False


# ---------------------------------------------------------------------------
# units


def test_unit_totals_are_the_sum_of_their_records() -> None:
    # 医务科: W-1 专报 3 + 市卫健委采用 1 = 4, ¥100; W-2 快报 0.5; W-3 参阅稿 3 + 省委省政府批示 10 = 13, ¥800;
    # W-4 unqualified 0 -> 4 + 0.5 + 13 + 0 = 17.5; ¥900.
    # 护理部: W-5 动态汇报(成效类) 1 + 市委市政府批示 5 = 6; ¥600.
    report = run(
        rec("W-1", kind="专报", adoptions=[("市卫健委", "采用")]),
        rec("W-2", kind="快报"),
        rec("W-3", kind="参阅稿", adoptions=[("省委省政府", "批示")]),
        rec("W-4", kind="专报", qualified=False),
        rec("W-5", unit="护理部", kind="动态汇报(成效类)", adoptions=[("市委市政府", "批示")]),
    )
    yiwu = report.unit("医务科")
    assert (yiwu.points, yiwu.yuan, yiwu.records) == (D("17.5"), D(900), 4)
    huli = report.unit("护理部")
    assert (huli.points, huli.yuan, huli.records) == (D(6), D(600), 1)
    units = report.to_json()["units"]
    assert [(u["unit"], u["rank"], u["points"], u["yuan"]) for u in units] == [
        ("医务科", 1, "17.5", "900"),
        ("护理部", 2, "6", "600"),
    ]


def test_units_competition_ranking() -> None:
    # 护理部: 专报 3 + 省委省政府批示 10 = 13 -> rank 1
    # 医务科 and 门诊部: 专报 3 + 市卫健委采用 1 = 4 each -> rank 2, 2
    # 科教科: 动态汇报(问题类) 1 -> rank 4 (competition ranking 1, 2, 2, 4)
    report = run(
        rec("W-1", unit="医务科", kind="专报", adoptions=[("市卫健委", "采用")]),
        rec("W-2", unit="护理部", kind="专报", adoptions=[("省委省政府", "批示")]),
        rec("W-3", unit="门诊部", kind="专报", adoptions=[("市卫健委", "采用")]),
        rec("W-4", unit="科教科", kind="动态汇报(问题类)"),
    )
    got = [(u.rank, u.unit, u.points) for u in report.units]
    assert got[0] == (1, "护理部", D(13))
    assert sorted(got[1:3]) == [(2, "医务科", D(4)), (2, "门诊部", D(4))]
    assert got[3] == (4, "科教科", D(1))


def test_unit_names_compared_after_nfkc_without_spaces() -> None:
    # "医务科", "医 务 科" and "医务　科" (ideographic space, NFKC -> space) are one unit, listed under
    # the first spelling met ("医务科"): 专报 3 + 快报 0.5 + 动态汇报(成效类) 1 + 市卫健委采用 1 = 5.5; ¥100.
    report = run(
        rec("W-1", unit="医务科", kind="专报"),
        rec("W-2", unit="医 务 科", kind="快报"),
        rec("W-3", unit="医务\u3000科", kind="动态汇报(成效类)", adoptions=[("市卫健委", "采用")]),
    )
    assert [(u.unit, u.points, u.yuan, u.records) for u in report.units] == [("医务科", D("5.5"), D(100), 3)]
    assert report.unit("医 务 科").unit == "医务科"
    # 组织管理奖 sees one unit too: 医务科 with 5.5 -> ¥3000
    assert award_rows(report, ORG) == [(1, "医务科", D(3000))]


def test_unit_listed_under_the_first_spelling_met() -> None:
    # first spelling is "护 理 部": 快报 0.5 + 快报 0.5 = 1, listed as "护 理 部"
    report = run(rec("W-1", unit="护 理 部"), rec("W-2", unit="护理部"))
    assert [(u.unit, u.points) for u in report.units] == [("护 理 部", D(1))]


# ---------------------------------------------------------------------------
# JSON shape


def test_json_numbers_are_decimal_strings() -> None:
    # 快报 0.5 + 市委市政府批示 5 = 5.5; ¥600 -> "5.5", "600"; 王强 alone -> "1500"; 医务科 alone -> "3000"
    data = run(rec("W-1", adoptions=[("市委市政府", "批示")])).to_json()
    assert data["ruleset"]["name"] == "wenzhou"
    assert data["as_of"] == "2024-12-31"
    assert data["period"] == "2024"
    assert data["records"][0]["credits"] == [{"unit": "医务科", "points": "5.5", "yuan": "600"}]
    assert data["units"][0] == {"unit": "医务科", "rank": 1, "points": "5.5", "yuan": "600", "tier": None}
    paid = {(a["award"], a["winner"], a["yuan"]) for a in data["awards"]}
    assert paid == {(PERSONAL, "王强", "1500"), (ORG, "医务科", "3000")}
    assert data["rejected"] == []


# ---------------------------------------------------------------------------
# worked examples (spec/examples/wenzhou_*), records inlined


def test_example_03_highest_adoption_only() -> None:
    # why.md (三(二)5, only the highest adoption counts):
    # W-1 专报 3 + max(1, 3, 5) = 省委省政府采用 5 -> 8, ¥600 (cumulative would be 12 / ¥1000)
    # W-2 动态汇报(成效类) 1 + 5 (市委市政府批示 and 省委省政府采用 both +5/¥600) -> 6, ¥600
    # W-3 参阅/调研稿 3 + 省委省政府批示 10 -> 13, ¥800
    # W-4 动态汇报(问题类) 1 + 市卫健委采用 1 once -> 2, ¥100
    records = [
        rec(
            "W-1",
            unit="科教科",
            authors=["吴芳"],
            kind="专报",
            adoptions=[("市卫健委", "采用"), ("市委市政府", "采用"), ("省委省政府", "采用")],
        ),
        rec(
            "W-2",
            unit="护理部",
            authors=["林晓"],
            kind="动态汇报(成效类)",
            adoptions=[("市委市政府", "批示"), ("省委省政府", "采用")],
        ),
        rec(
            "W-3",
            unit="医务科",
            authors=["陈静"],
            kind="参阅/调研稿",
            adoptions=[("市委市政府", "批示"), ("市卫健委", "采用"), ("省委省政府", "批示")],
        ),
        rec(
            "W-4",
            unit="门诊部",
            authors=["周敏"],
            kind="动态汇报(问题类)",
            adoptions=[("市卫健委", "采用"), ("市卫健委", "采用")],
        ),
    ]
    data = run(*records).to_json()
    assert data["period"] == "2024"
    got = {r["id"]: {(c["points"], c["yuan"]) for c in r["credits"]} for r in data["records"]}
    assert got == {
        "W-1": {("8", "600")},
        "W-2": {("6", "600")},
        "W-3": {("13", "800")},
        "W-4": {("2", "100")},
    }
    units = {u["unit"]: (u["points"], u["yuan"]) for u in data["units"]}
    assert units == {
        "科教科": ("8", "600"),
        "护理部": ("6", "600"),
        "医务科": ("13", "800"),
        "门诊部": ("2", "100"),
    }


def test_example_06_award_tie_first() -> None:
    # why.md: counts (三(三)1): 王强 W-1, W-2, W-3 = 3; 李娜 W-1, W-2, W-4 = 3; 张伟 2; 刘洋 1.
    # Tied for first they share places 1+2: (1500 + 1000) / 2 = ¥1250 each; the next one is third
    # with ¥500; 刘洋 (4th) gets nothing; the tie is reported in warnings (>= 1).
    # 医务科: 7 qualified 快报 * 0.5 = 3.5; ¥0.
    authors = [["王强", "李娜"], ["王强", "李娜"], ["王强"], ["李娜"], ["张伟"], ["张伟"], ["刘洋"]]
    records = [rec(f"W-{i}", authors=a) for i, a in enumerate(authors, 1)]
    report = run(*records)
    data = report.to_json()
    assert data["period"] == "2024"
    assert {u["unit"]: (u["points"], u["yuan"]) for u in data["units"]} == {"医务科": ("3.5", "0")}
    personal = [(a["rank"], a["winner"], a["yuan"]) for a in data["awards"] if a["award"] == PERSONAL]
    assert sorted(personal) == sorted([(1, "王强", "1250"), (1, "李娜", "1250"), (3, "张伟", "500")])
    # no adoption anywhere -> no unit is eligible for 组织管理奖 (三(三)2)
    assert [a for a in data["awards"] if a["award"] != PERSONAL] == []
    assert len(data["warnings"]) >= 1
    assert len(tie_warnings(report, PERSONAL, "三(三)1")) >= 1
