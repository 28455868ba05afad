"""One test per clause of the `ganzhou` contract (spec/rulesets.md, section `ganzhou`).

Source document: 赣州市医疗保障局《关于加强宣传和政务信息工作的通知》(赣市医保字〔2020〕33号)
(seeds/001_587dbe5b45ce927c.txt): 四 考核奖惩, 附件2 (评分表) and 附件3 (任务表).  Every
expected number below is a literal derived by hand in a comment from the clause it
tests; the engine is never used to compute an expectation.

Reminder of the figures (四(一), 四(二), contract):
  常规 +1; 约稿 on time +10 (adopted, not 综) else +1; 约稿 late −10, no base;
  adoptions (cumulative): 市局采用 10, 市级采用 20, 市级批示 20, 省局采用 50, 省级采用 100,
  省级批示 50, 国家级采用 200, 国家级批示 100; 综 halves the adoption bonus, never the base;
  超额 +5 per scoring submission beyond the period's task; obligations 重要会议 (+5 days) −50,
  重大部署 (+20 days) −50, 约稿 (its date) −10; 重大失误 −100.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from govinfo_rules import RecordError, load_ruleset

RS = load_ruleset("ganzhou")

D = Decimal

# 附件3 as the contract names its units: 10 rows of 附件3-1, 20 county-level bureaus, and
# the 32 distinct 两定 institutions of 附件3-2 (33 rows, 安远县人民医院 twice) -> 62 units.
OFFICE_UNITS = {
    # 附件3-1, 市医疗保障局机关
    "办公室": (36, 3),
    "待遇保障科": (36, 3),
    "医药价格和招标采购科": (36, 3),
    "基金监管科": (36, 3),
    "机关党委": (24, 2),
    # 附件3-1, 市医疗保障基金管理中心
    "信息网络安全组": (24, 2),
    "统计分析组": (24, 2),
    "两定管理稽核组": (24, 2),
    "基金财务结算组": (24, 2),
    "窗口服务组": (24, 2),
}
COUNTY_DIVISIONS = [
    "章贡区",
    "南康区",
    "赣县区",
    "信丰县",
    "大余县",
    "上犹县",
    "崇义县",
    "安远县",
    "龙南市",
    "定南县",
    "全南县",
    "宁都县",
    "于都县",
    "兴国县",
    "会昌县",
    "寻乌县",
    "石城县",
    "瑞金市",
]
COUNTY_UNITS = [f"{d}医疗保障局" for d in COUNTY_DIVISIONS] + [
    "赣州经开区医疗保险事业管理局",
    "赣州蓉江新区人力资源和社会保障局",
]
DINGDIAN_UNITS = [
    # 附件3-2, left column
    "赣州市人民医院",
    "赣南医学院第一附属医院",
    "赣州市市立医院",
    "赣州市中医院",
    "赣州市妇幼保健院",
    "赣州市肿瘤医院",
    "赣州市第五人民医院",
    "赣州市第三人民医院",
    "龙南县人民医院",
    "赣县区人民医院",
    "安远县人民医院",
    "上犹县人民医院",
    "石城县人民医院",
    "黄庆仁栈华氏大药房有限公司",
    "洪兴大药房连锁有限公司",
    "昌盛大药房连锁有限公司",
    "大参林连锁药店有限公司",
    # 附件3-2, right column (安远县人民医院 again: kept once)
    "瑞金市人民医院",
    "南康区第一人民医院",
    "全南县人民医院",
    "崇义县人民医院",
    "于都县人民医院",
    "兴国县人民医院",
    "大余县人民医院",
    "定南县人民医院",
    "寻乌县人民医院",
    "宁都县人民医院",
    "会昌县人民医院",
    "汇仁堂药品连锁有限公司",
    "康佰家大药房有限公司",
    "太极大药房连锁有限公司",
    "友邦大药房零售连锁有限公司",
]
TABLE: dict[str, tuple[int, int]] = {
    **OFFICE_UNITS,
    **dict.fromkeys(COUNTY_UNITS, (60, 5)),
    **dict.fromkeys(DINGDIAN_UNITS, (12, 1)),
}

OUTSIDE = "赣州市第九人民医院"  # not a row of 附件3


# ---------------------------------------------------------------------------
# helpers


def sub(
    rid: str,
    *,
    units: tuple[str, ...] | list[str] = ("办公室",),
    kind: str = "常规",
    submitted_on: str = "2024-05-10",
    accepted: bool = True,
    revisions: int = 0,
    adoptions: tuple[tuple[str, str], ...] | list[tuple[str, str]] = (),
    **extra: Any,
) -> dict[str, Any]:
    """A 赣州 submission as in the contract's JSON Lines."""
    out: dict[str, Any] = {
        "type": "submission",
        "id": rid,
        "submitted_on": submitted_on,
        "units": list(units),
        "kind": kind,
        "accepted": accepted,
        "revisions": revisions,
        "adoptions": [{"level": level, "action": action} for level, action in adoptions],
    }
    out.update(extra)
    return out


def obl(
    rid: str, *, unit: str = "办公室", kind: str = "重要会议", occurred_on: str, reported_on: str | None = None
) -> dict[str, Any]:
    return {
        "type": "obligation",
        "id": rid,
        "unit": unit,
        "kind": kind,
        "occurred_on": occurred_on,
        "reported_on": reported_on,
    }


def pen(rid: str, *, unit: str = "办公室", on: str = "2024-05-10", kind: str = "重大失误") -> dict[str, Any]:
    return {"type": "penalty", "id": rid, "unit": unit, "kind": kind, "on": on}


def run(*records: dict[str, Any], as_of: str = "2024-12-31", period: str | None = "2024") -> Any:
    return RS.evaluate(list(records), as_of=as_of, period=period)


def col(unit: Any, name: str) -> Any:
    return dict(unit.columns)[name]


def credits_of(result: Any) -> dict[str, Decimal]:
    return {c.unit: c.points for c in result.credits}


def bonus_lines(result: Any) -> list[Any]:
    return [t for t in result.trace if t.rule.startswith("采用加分.")]


def quota_reminders(report: Any, unit: str) -> list[Any]:
    return [m for m in report.reminders if m.unit == unit and m.due_on is None]


def due_reminders(report: Any) -> list[tuple[str, str, str | None]]:
    return sorted((m.unit, m.due_on.isoformat(), m.record) for m in report.reminders if m.due_on is not None)


def over_task(unit: Any) -> list[Any]:
    return [t for t in unit.adjustments if t.rule.endswith("超额报送")]


def no_quota_warnings(report: Any, unit: str) -> list[Any]:
    return [w for w in report.warnings if w.record is None and w.unit == unit]


# ---------------------------------------------------------------------------
# 四(一)1 常规报送每次得1分


def test_routine_scores_one() -> None:
    # 四(一)1 常规报送每次得1分 -> +1, ¥0 (赣州 pays no money)
    report = run(sub("G-1"))
    result = report.record("G-1")
    assert result.points == D(1)
    assert result.yuan == D(0)
    assert [(t.rule, t.unit, t.points, t.source) for t in result.trace] == [
        ("报送.常规报送", "办公室", D(1), "四(一)1")
    ]
    assert result.stopped_by is None
    assert report.unit("办公室").points == D(1)


# ---------------------------------------------------------------------------
# 四(一)2 约稿 on time


@pytest.mark.parametrize("composite", [None, "单", "absent"])
def test_solicited_on_time_and_adopted_scores_ten_plus_bonus(composite: str | None) -> None:
    # 四(一)2 按时按要求报送及被单条采用的，计10分: due 05-20, submitted 05-10, adopted once
    # (市局采用 +10, 四(二)1), not 综 -> 10 + 10 = 20.  单, null and absent all mean "not 综".
    extra = {} if composite == "absent" else {"composite": composite}
    result = run(sub("G-1", kind="约稿", due_on="2024-05-20", adoptions=[("市局", "采用")], **extra)).record("G-1")
    assert result.points == D(20)
    base = [t for t in result.trace if t.rule.startswith("报送.")]
    assert [(t.rule, t.points, t.source) for t in base] == [("报送.约稿按时被采用", D(10), "四(一)2")]


def test_solicited_on_time_ten_records_the_difference_with_annex_2() -> None:
    # contract: 附件2 gives 10 for any on-time 约稿; the body text governs and the difference is
    # recorded as a note beside the rule.
    result = run(sub("G-1", kind="约稿", due_on="2024-05-20", adoptions=[("市局", "采用")])).record("G-1")
    (line,) = [t for t in result.trace if t.rule == "报送.约稿按时被采用"]
    assert any("附件2" in note for note in line.notes)


def test_solicited_on_time_without_adoption_scores_one() -> None:
    # 四(一)2 asks for 按时 AND 被单条采用 for the 10; on time without any adoption -> the routine 1
    # (contract: "else +1"), not 附件2's 10.
    result = run(sub("G-1", kind="约稿", due_on="2024-05-20")).record("G-1")
    assert result.points == D(1)
    assert [(t.rule, t.points) for t in result.trace] == [("报送.约稿按时报送", D(1))]


def test_solicited_on_time_composite_adopted_scores_one_plus_half_bonus() -> None:
    # 综 is not 被单条采用 -> base 1 (not 10); 市级采用 20 halved by 综 (四(二)1 对半加分) -> 10.
    # Two credited units, each 1 + 10 = 11.
    result = run(
        sub(
            "G-1",
            units=["办公室", "基金监管科"],
            kind="约稿",
            due_on="2024-05-20",
            composite="综",
            adoptions=[("市级", "采用")],
        )
    ).record("G-1")
    assert credits_of(result) == {"办公室": D(11), "基金监管科": D(11)}


@pytest.mark.parametrize(
    ("adoptions", "points"),
    [
        # submitted_on == due_on (05-10) is "on or before due_on": on time.
        # no adoption -> 1
        ((), "1"),
        # 省局采用 (+50) -> 10 + 50 = 60
        ((("省局", "采用"),), "60"),
    ],
)
def test_solicited_submitted_on_the_due_date_is_on_time(adoptions: tuple[tuple[str, str], ...], points: str) -> None:
    result = run(sub("G-1", kind="约稿", submitted_on="2024-05-10", due_on="2024-05-10", adoptions=adoptions)).record(
        "G-1"
    )
    assert result.points == D(points)
    assert all(t.points > 0 for t in result.trace)  # no lateness penalty


# ---------------------------------------------------------------------------
# 四(二)2 未及时报送约稿信息的，扣10分


def test_late_solicited_without_adoption_is_minus_ten() -> None:
    # due 05-09, submitted 05-10: one day late -> −10 and no base points -> −10.
    result = run(sub("G-1", kind="约稿", due_on="2024-05-09")).record("G-1")
    assert result.points == D(-10)
    assert [(t.rule, t.points, t.source) for t in result.trace] == [("约稿迟报.未及时报送约稿", D(-10), "四(二)2")]


def test_late_solicited_still_earns_its_adoption_bonus() -> None:
    # late −10, no base; 省局采用 +50 and 市级批示 +20 still earned -> −10 + 50 + 20 = 60.
    result = run(sub("G-1", kind="约稿", due_on="2024-05-01", adoptions=[("省局", "采用"), ("市级", "批示")])).record(
        "G-1"
    )
    assert result.points == D(60)
    assert not [t for t in result.trace if t.rule.startswith("报送.")]


def test_late_solicited_composite_halves_only_the_bonus() -> None:
    # late −10 (not an adoption bonus, never halved) + 省局采用 50 / 2 (综) = −10 + 25 = 15 per unit.
    result = run(
        sub(
            "G-1",
            units=["办公室", "待遇保障科"],
            kind="约稿",
            due_on="2024-05-01",
            composite="综",
            adoptions=[("省局", "采用")],
        )
    ).record("G-1")
    assert credits_of(result) == {"办公室": D(15), "待遇保障科": D(15)}


def test_late_solicited_counts_toward_the_quota() -> None:
    # Contract: a late 约稿 that passes the review counts toward the quota.
    # 办公室, period 2024-05 (task 3 × 1 = 3): two 常规 + one late 约稿 -> done 3, shortfall 0.
    # Points: 1 + 1 − 10 = −8; no over-task bonus (3 is not beyond 3).
    report = run(
        sub("G-1", submitted_on="2024-05-02"),
        sub("G-2", submitted_on="2024-05-03"),
        sub("G-3", kind="约稿", submitted_on="2024-05-10", due_on="2024-05-05"),
        as_of="2024-05-31",
        period="2024-05",
    )
    office = report.unit("办公室")
    assert (col(office, "task"), col(office, "done"), col(office, "shortfall")) == (3, 3, 0)
    assert office.points == D(-8)
    assert quota_reminders(report, "办公室") == []


@pytest.mark.parametrize(
    ("accepted", "revisions"),
    [
        # not accepted
        (False, 0),
        # accepted only after 2 returns (> 1)
        (True, 2),
    ],
)
def test_late_solicited_penalty_applies_even_when_it_fails_the_review(accepted: bool, revisions: int) -> None:
    # 未及时报送约稿信息的，扣10分 applies whatever the review's outcome: −10; the adoption
    # (市级采用 20) is behind the gate -> nothing; it does not count toward the quota.
    report = run(
        sub(
            "G-1",
            kind="约稿",
            due_on="2024-05-01",
            accepted=accepted,
            revisions=revisions,
            adoptions=[("市级", "采用")],
        )
    )
    result = report.record("G-1")
    assert result.points == D(-10)
    assert result.stopped_by is not None
    assert bonus_lines(result) == []
    assert col(report.unit("办公室"), "done") == 0


# ---------------------------------------------------------------------------
# 四(二)2 审核: 符合要求的自动得分; 退回修改, 二次修改达到要求的照常得分, 还不能达到要求的不得分


@pytest.mark.parametrize(
    ("accepted", "revisions", "points", "done"),
    [
        # accepted first time: 常规 1 + 市局采用 10 = 11, counts
        (True, 0, "11", 1),
        # returned once, accepted the second time (二次修改达到要求的照常得分) -> 11, counts
        (True, 1, "11", 1),
        # returned twice (还不能达到要求的不得分) -> 0, does not count
        (True, 2, "0", 0),
        (True, 5, "0", 0),
        # never accepted -> 0, does not count
        (False, 0, "0", 0),
        (False, 1, "0", 0),
    ],
)
def test_review_gate(accepted: bool, revisions: int, points: str, done: int) -> None:
    report = run(sub("G-1", accepted=accepted, revisions=revisions, adoptions=[("市局", "采用")]))
    result = report.record("G-1")
    assert result.points == D(points)
    assert col(report.unit("办公室"), "done") == done
    if done:
        assert result.stopped_by is None
    else:
        assert result.stopped_by is not None
        assert result.trace == ()
        # the unit still has a record in the period: listed (it is a table unit anyway) with 0
        assert report.unit("办公室").points == D(0)


def test_failed_solicited_on_time_scores_nothing() -> None:
    # on-time 约稿 (no lateness penalty) that fails the review: 0, not 10 or 1.
    result = run(sub("G-1", kind="约稿", due_on="2024-05-20", accepted=False, adoptions=[("国家级", "采用")])).record(
        "G-1"
    )
    assert result.points == D(0)


# ---------------------------------------------------------------------------
# 四(二)1 贡献加分: one adoption each


@pytest.mark.parametrize(
    ("level", "action", "bonus"),
    [
        # 市局采用的（如市局网站、微信公众号等），一篇次加10分
        ("市局", "采用", "10"),
        # 市委政府政务系统或市级媒体采用的，一篇次加20分
        ("市级", "采用", "20"),
        # 获市领导批示的再加20分 (body text; 附件2 says 10, the body text governs)
        ("市级", "批示", "20"),
        # 被省局刊物或网站采用的，一篇次加50分
        ("省局", "采用", "50"),
        # 被省委省政府政务系统或省级媒体采用的，一篇次加100分
        ("省级", "采用", "100"),
        # 获省级领导批示的再加50分
        ("省级", "批示", "50"),
        # 被省政府办公厅采用上报国务院办公厅的，一篇次加200分
        ("国家级", "采用", "200"),
        # 获国务院领导批示再加100分
        ("国家级", "批示", "100"),
    ],
)
def test_adoption_bonus(level: str, action: str, bonus: str) -> None:
    # 常规 1 + the bonus
    report = run(sub("G-1", adoptions=[(level, action)]))
    result = report.record("G-1")
    assert result.points == D(1) + D(bonus)
    (line,) = bonus_lines(result)
    assert (line.rule, line.points, line.source) == (f"采用加分.{level}{action}", D(bonus), "四(二)1")
    assert report.unit("办公室").points == D(1) + D(bonus)


def test_city_pishi_is_twenty_and_notes_annex_2() -> None:
    # 获市领导批示的再加20分 vs 附件2 市级 领导批示 10: the body text governs -> 20, and the
    # difference is recorded as a note.  常规 1 + 20 = 21 (not 11).
    result = run(sub("G-1", adoptions=[("市级", "批示")])).record("G-1")
    assert result.points == D(21)
    (line,) = bonus_lines(result)
    assert any("附件2" in note for note in line.notes)


@pytest.mark.parametrize(
    ("adoptions", "points"),
    [
        # 同一条信息，被国家、省、市级多次采用的累加计分:
        # 市级采用 20 + 省局采用 50 + 国家级采用 200 -> 1 + 270 = 271
        ((("市级", "采用"), ("省局", "采用"), ("国家级", "采用")), "271"),
        # 市级采用 20 + 市级批示 20 -> 1 + 40 = 41
        ((("市级", "采用"), ("市级", "批示")), "41"),
        # the same adoption twice counts twice: 市局采用 10 + 10 -> 1 + 20 = 21
        ((("市局", "采用"), ("市局", "采用")), "21"),
        # all eight: 10 + 20 + 20 + 50 + 100 + 50 + 200 + 100 = 550 -> 551
        (
            (
                ("市局", "采用"),
                ("市级", "采用"),
                ("市级", "批示"),
                ("省局", "采用"),
                ("省级", "采用"),
                ("省级", "批示"),
                ("国家级", "采用"),
                ("国家级", "批示"),
            ),
            "551",
        ),
    ],
)
def test_adoptions_are_cumulative(adoptions: tuple[tuple[str, str], ...], points: str) -> None:
    result = run(sub("G-1", adoptions=adoptions)).record("G-1")
    assert result.points == D(points)
    assert len(bonus_lines(result)) == len(adoptions)


def test_solicited_on_time_with_cumulative_adoptions() -> None:
    # on time and adopted (not 综): 10 + 省级采用 100 + 省级批示 50 = 160
    result = run(sub("G-1", kind="约稿", due_on="2024-06-01", adoptions=[("省级", "采用"), ("省级", "批示")])).record(
        "G-1"
    )
    assert result.points == D(160)


# ---------------------------------------------------------------------------
# 四(二)1 多个单位综合在一起的稿件: 单 按最高加分, 综 对半加分


@pytest.mark.parametrize(
    ("composite", "each"),
    [
        # 综: 1 + (省级采用 100 + 国家级批示 100) / 2 = 1 + 100 = 101 per unit
        ("综", "101"),
        # 单: whole bonus 1 + 200 = 201 per unit
        ("单", "201"),
        # null: whole, 201
        (None, "201"),
    ],
)
def test_composite_mark_halves_the_bonus_per_unit(composite: str | None, each: str) -> None:
    result = run(
        sub(
            "G-1",
            units=["办公室", "机关党委"],
            composite=composite,
            adoptions=[("省级", "采用"), ("国家级", "批示")],
        )
    ).record("G-1")
    assert credits_of(result) == {"办公室": D(each), "机关党委": D(each)}


def test_composite_without_mark_gets_the_whole_bonus() -> None:
    # composite absent: 1 + 市局采用 10 = 11 per unit
    result = run(sub("G-1", units=["办公室", "机关党委"], adoptions=[("市局", "采用")])).record("G-1")
    assert credits_of(result) == {"办公室": D(11), "机关党委": D(11)}


def test_composite_halving_factor_is_shown_in_the_trace() -> None:
    # 综: each bonus line pays half (市局采用 10 -> 5, 省级批示 50 -> 25) with factor 0.5.
    result = run(sub("G-1", composite="综", adoptions=[("市局", "采用"), ("省级", "批示")])).record("G-1")
    lines = sorted((t.rule, t.points, t.factor) for t in bonus_lines(result))
    assert lines == [("采用加分.市局采用", D(5), D("0.5")), ("采用加分.省级批示", D(25), D("0.5"))]
    # 1 + 5 + 25 = 31
    assert result.points == D(31)


@pytest.mark.parametrize(
    ("kind", "due_on", "base"),
    [
        # 常规 综 without adoption: base 1 (never 0.5)
        ("常规", None, "1"),
        # on-time 约稿 综 without adoption: 1 (never 0.5)
        ("约稿", "2024-05-20", "1"),
    ],
)
def test_base_points_are_never_halved(kind: str, due_on: str | None, base: str) -> None:
    extra = {"due_on": due_on} if due_on else {}
    result = run(sub("G-1", units=["办公室", "机关党委"], kind=kind, composite="综", **extra)).record("G-1")
    assert credits_of(result) == {"办公室": D(base), "机关党委": D(base)}


def test_composite_credits_every_unit() -> None:
    # 由市局办公室综合上报的约稿信息，被采用的，涉及约稿的各单位分别得分、加分: each of the three
    # units gets the whole score: 约稿 on time, adopted, 单 -> 10 + 市级采用 20 = 30 each.
    report = run(
        sub(
            "G-1",
            units=["办公室", "章贡区医疗保障局", "赣州市人民医院"],
            kind="约稿",
            due_on="2024-05-20",
            composite="单",
            adoptions=[("市级", "采用")],
        )
    )
    result = report.record("G-1")
    assert [c.unit for c in result.credits] == ["办公室", "章贡区医疗保障局", "赣州市人民医院"]
    assert credits_of(result) == {"办公室": D(30), "章贡区医疗保障局": D(30), "赣州市人民医院": D(30)}
    # the record's points are the sum over its credits: 3 × 30 = 90
    assert result.points == D(90)
    for unit in ("办公室", "章贡区医疗保障局", "赣州市人民医院"):
        assert report.unit(unit).points == D(30)
        # and the article counts toward each unit's quota
        assert col(report.unit(unit), "done") == 1


# ---------------------------------------------------------------------------
# worked examples (spec/examples/ganzhou_*), records inlined


def test_example_05_composite_halving() -> None:
    # why.md: G-1 综: 1 + (20+50)/2 = 36 each; G-2 单: 1 + 10 = 11 each; G-3 no mark: 1 + 20 = 21 each;
    # G-4 综: 1 + 20/2 = 11 each.  人民医院 36+11 = 47; 中医院 36+21+11 = 68; 妇幼 11+21 = 32;
    # 第三人民医院 11.
    records = [
        sub(
            "G-1",
            units=["赣州市人民医院", "赣州市中医院"],
            adoptions=[("市级", "采用"), ("省局", "采用")],
            composite="综",
        ),
        sub("G-2", units=["赣州市人民医院", "赣州市妇幼保健院"], adoptions=[("市局", "采用")], composite="单"),
        sub("G-3", units=["赣州市中医院", "赣州市妇幼保健院"], adoptions=[("市级", "批示")]),
        sub("G-4", units=["赣州市中医院", "赣州市第三人民医院"], adoptions=[("市级", "批示")], composite="综"),
    ]
    data = run(*records, as_of="2024-12-31", period="2024").to_json()
    assert data["period"] == "2024"
    got = {r["id"]: {c["unit"]: c["points"] for c in r["credits"]} for r in data["records"]}
    assert got == {
        "G-1": {"赣州市人民医院": "36", "赣州市中医院": "36"},
        "G-2": {"赣州市人民医院": "11", "赣州市妇幼保健院": "11"},
        "G-3": {"赣州市中医院": "21", "赣州市妇幼保健院": "21"},
        "G-4": {"赣州市中医院": "11", "赣州市第三人民医院": "11"},
    }
    units = {u["unit"]: u["points"] for u in data["units"]}
    assert units["赣州市人民医院"] == "47"
    assert units["赣州市中医院"] == "68"
    assert units["赣州市妇幼保健院"] == "32"
    assert units["赣州市第三人民医院"] == "11"


def test_example_12_obligations() -> None:
    # why.md (as_of 2024-06-30): O-1 reported on 03-06 = deadline: 0; O-2 03-07 late: −50;
    # O-3 04-21 = deadline: 0; O-4 04-22: −50; O-5 约稿 due 05-10 unreported: −10;
    # O-6 due 05-06 unreported: −50 -> 人民医院 −160.  O-7 due 07-10, O-8 due 06-30, O-9 due 06-30:
    # not passed on as_of -> 0, listed in reminders with due_on -> 中医院 0.
    # O-10 due 06-29 < as_of: −50; O-11 约稿 reported a day late: −10; O-12 on the day: 0 -> 妇幼 −60.
    records = [
        obl("O-1", unit="赣州市人民医院", kind="重要会议", occurred_on="2024-03-01", reported_on="2024-03-06"),
        obl("O-2", unit="赣州市人民医院", kind="重要会议", occurred_on="2024-03-01", reported_on="2024-03-07"),
        obl("O-3", unit="赣州市人民医院", kind="重大部署", occurred_on="2024-04-01", reported_on="2024-04-21"),
        obl("O-4", unit="赣州市人民医院", kind="重大部署", occurred_on="2024-04-01", reported_on="2024-04-22"),
        obl("O-5", unit="赣州市人民医院", kind="约稿", occurred_on="2024-05-10"),
        obl("O-6", unit="赣州市人民医院", kind="重要会议", occurred_on="2024-05-01"),
        obl("O-7", unit="赣州市中医院", kind="重大部署", occurred_on="2024-06-20"),
        obl("O-8", unit="赣州市中医院", kind="约稿", occurred_on="2024-06-30"),
        obl("O-9", unit="赣州市中医院", kind="重要会议", occurred_on="2024-06-25"),
        obl("O-10", unit="赣州市妇幼保健院", kind="重大部署", occurred_on="2024-06-09"),
        obl("O-11", unit="赣州市妇幼保健院", kind="约稿", occurred_on="2024-04-10", reported_on="2024-04-11"),
        obl("O-12", unit="赣州市妇幼保健院", kind="约稿", occurred_on="2024-04-20", reported_on="2024-04-20"),
    ]
    report = run(*records, as_of="2024-06-30", period="2024")
    expected = {
        "O-1": "0",
        "O-2": "-50",
        "O-3": "0",
        "O-4": "-50",
        "O-5": "-10",
        "O-6": "-50",
        "O-7": "0",
        "O-8": "0",
        "O-9": "0",
        "O-10": "-50",
        "O-11": "-10",
        "O-12": "0",
    }
    assert {rid: report.record(rid).points for rid in expected} == {rid: D(p) for rid, p in expected.items()}
    assert report.unit("赣州市人民医院").points == D(-160)
    assert report.unit("赣州市中医院").points == D(0)
    assert report.unit("赣州市妇幼保健院").points == D(-60)
    assert due_reminders(report) == [
        ("赣州市中医院", "2024-06-30", "O-8"),
        ("赣州市中医院", "2024-06-30", "O-9"),
        ("赣州市中医院", "2024-07-10", "O-7"),
    ]
    data = report.to_json()
    assert (data["ruleset"]["name"], data["as_of"], data["period"]) == ("ganzhou", "2024-06-30", "2024")
    # units_ranking: sorted by points, competition ranks (人民医院 −160 is last of the 62 units)
    points = [D(u["points"]) for u in data["units"]]
    assert points == sorted(points, reverse=True)
    assert data["units"][-1]["unit"] == "赣州市人民医院"
    assert data["units"][-1]["rank"] == 62
    assert data["units"][-2]["unit"] == "赣州市妇幼保健院"
    assert data["units"][-2]["rank"] == 61


# ---------------------------------------------------------------------------
# 附件3 quota: the task of the period


@pytest.mark.parametrize(
    ("unit", "period", "as_of", "task"),
    [
        # a year: the annual task (= 12 × monthly)
        ("办公室", "2024", "2024-12-31", 36),
        ("机关党委", "2024", "2024-12-31", 24),
        ("章贡区医疗保障局", "2024", "2024-12-31", 60),
        ("赣州市人民医院", "2024", "2024-12-31", 12),
        # a quarter: 3 × monthly
        ("办公室", "2024-Q2", "2024-06-30", 9),
        ("窗口服务组", "2024-Q2", "2024-06-30", 6),
        ("瑞金市医疗保障局", "2024-Q3", "2024-09-30", 15),
        ("赣州市中医院", "2024-Q4", "2024-12-31", 3),
        # a month: monthly
        ("办公室", "2024-03", "2024-03-31", 3),
        ("统计分析组", "2024-03", "2024-03-31", 2),
        ("赣州经开区医疗保险事业管理局", "2024-02", "2024-02-29", 5),
        ("友邦大药房零售连锁有限公司", "2024-11", "2024-11-30", 1),
    ],
)
def test_task_of_the_period(unit: str, period: str, as_of: str, task: int) -> None:
    report = run(as_of=as_of, period=period)
    assert col(report.unit(unit), "task") == task


def test_every_table_unit_is_listed_without_records() -> None:
    # Common conventions: for ganzhou `units` also lists every unit of the 附件3 table:
    # 10 + 20 + 32 = 62 units, each with 0 points, no record, done 0, task = annual.
    report = run()
    assert len(report.units) == 62
    assert {u.unit for u in report.units} == set(TABLE)
    for unit in report.units:
        annual, _monthly = TABLE[unit.unit]
        assert (unit.points, unit.records, unit.rank) == (D(0), 0, 1)
        assert (col(unit, "task"), col(unit, "done")) == (annual, 0)
    # the duplicate row 安远县人民医院 of 附件3-2 is one unit
    assert [u.unit for u in report.units].count("安远县人民医院") == 1
    assert report.warnings == ()


def test_county_bureau_over_task_in_a_month() -> None:
    # 章贡区医疗保障局 60/5, period 2024-03: task 5; 6 scoring submissions -> 1 beyond -> +5 (超额报送).
    # Points 6 × 1 + 5 = 11.
    records = [sub(f"G-{i}", units=["章贡区医疗保障局"], submitted_on=f"2024-03-{i + 1:02d}") for i in range(6)]
    report = run(*records, as_of="2024-03-31", period="2024-03")
    unit = report.unit("章贡区医疗保障局")
    assert (col(unit, "task"), col(unit, "done"), col(unit, "shortfall")) == (5, 6, 0)
    (line,) = over_task(unit)
    assert (line.points, line.source) == (D(5), "四(二)1")
    assert unit.points == D(11)
    assert quota_reminders(report, "章贡区医疗保障局") == []


def test_hospital_over_task_in_a_year() -> None:
    # 赣州市人民医院 12/1, period 2024: task 12; 14 scoring submissions -> 2 beyond -> 2 × 5 = +10.
    # Points 14 + 10 = 24.
    records = [sub(f"G-{i}", units=["赣州市人民医院"], submitted_on=f"2024-{(i % 12) + 1:02d}-15") for i in range(14)]
    report = run(*records)
    unit = report.unit("赣州市人民医院")
    assert (col(unit, "task"), col(unit, "done")) == (12, 14)
    assert [t.points for t in over_task(unit)] == [D(10)]
    assert unit.points == D(24)


def test_no_over_task_bonus_at_exactly_the_task() -> None:
    # 5 scoring submissions for a 60/5 bureau in a month: not beyond the task -> no +5; points 5.
    records = [sub(f"G-{i}", units=["南康区医疗保障局"], submitted_on="2024-03-10") for i in range(5)]
    report = run(*records, as_of="2024-03-31", period="2024-03")
    unit = report.unit("南康区医疗保障局")
    assert over_task(unit) == []
    assert unit.points == D(5)


def test_only_scoring_submissions_count_toward_the_task() -> None:
    # 赣州市中医院 12/1, period 2024-07: task 1.  Scoring: G-1, G-2 (revisions 1) -> done 2 -> +5.
    # Not counted: G-3 (revisions 2), G-4 (not accepted).  Obligations and penalties do not count.
    # Points: 1 + 1 + 0 + 0 + 5 = 7.
    report = run(
        sub("G-1", units=["赣州市中医院"], submitted_on="2024-07-01"),
        sub("G-2", units=["赣州市中医院"], submitted_on="2024-07-02", revisions=1),
        sub("G-3", units=["赣州市中医院"], submitted_on="2024-07-03", revisions=2),
        sub("G-4", units=["赣州市中医院"], submitted_on="2024-07-04", accepted=False),
        obl("O-1", unit="赣州市中医院", occurred_on="2024-07-01", reported_on="2024-07-02"),
        as_of="2024-07-31",
        period="2024-07",
    )
    unit = report.unit("赣州市中医院")
    assert col(unit, "done") == 2
    assert [t.points for t in over_task(unit)] == [D(5)]
    assert unit.points == D(7)


# ---------------------------------------------------------------------------
# 半月一提醒: pro-rata reminders


def test_pro_rata_reminder_in_the_middle_of_a_quarter() -> None:
    # period 2024-Q2, as_of 2024-05-15: the months begun on or before as_of are April and May -> 2.
    # 办公室 3/month -> pro-rata task 6; 4 scoring submissions -> shortfall 6 − 4 = 2.
    # 机关党委 2/month -> 4; none -> shortfall 4.  The period's task stays 9 (3 × 3).
    records = [sub(f"G-{i}", submitted_on=f"2024-0{4 + i % 2}-0{i + 1}") for i in range(4)]
    report = run(*records, as_of="2024-05-15", period="2024-Q2")
    office = report.unit("办公室")
    assert (col(office, "task"), col(office, "done"), col(office, "shortfall")) == (9, 4, 2)
    (reminder,) = quota_reminders(report, "办公室")
    assert reminder.shortfall == 2
    (reminder,) = quota_reminders(report, "机关党委")
    assert reminder.shortfall == 4
    data = report.to_json()
    rows = [r for r in data["reminders"] if r["unit"] == "办公室"]
    assert rows[0]["shortfall"] == "2"
    assert "due_on" not in rows[0]


def test_pro_rata_counts_a_month_begun_on_the_as_of_date() -> None:
    # period 2024-Q2, as_of 2024-05-01: May began on as_of -> 2 months begun.
    # 章贡区医疗保障局 5/month -> 10; 3 scoring submissions in April -> shortfall 7.
    records = [sub(f"G-{i}", units=["章贡区医疗保障局"], submitted_on="2024-04-10") for i in range(3)]
    report = run(*records, as_of="2024-05-01", period="2024-Q2")
    (reminder,) = quota_reminders(report, "章贡区医疗保障局")
    assert reminder.shortfall == 7
    assert col(report.unit("章贡区医疗保障局"), "shortfall") == 7


def test_pro_rata_in_the_middle_of_a_year() -> None:
    # period 2024, as_of 2024-06-30: 6 months begun.  赣州市人民医院 1/month -> 6; 2 scoring -> shortfall 4.
    report = run(
        sub("G-1", units=["赣州市人民医院"], submitted_on="2024-02-01"),
        sub("G-2", units=["赣州市人民医院"], submitted_on="2024-06-30"),
        as_of="2024-06-30",
    )
    (reminder,) = quota_reminders(report, "赣州市人民医院")
    assert reminder.shortfall == 4


def test_no_reminder_when_on_track() -> None:
    # period 2024-Q2, as_of 2024-05-15: 办公室 pro-rata 3 × 2 = 6; 6 scoring -> on track, no reminder
    # (shortfall 0).  机关党委 2 × 2 = 4; 5 scoring (ahead) -> no reminder.
    records = [sub(f"G-{i}", submitted_on="2024-04-20") for i in range(6)]
    records += [sub(f"H-{i}", units=["机关党委"], submitted_on="2024-05-02") for i in range(5)]
    report = run(*records, as_of="2024-05-15", period="2024-Q2")
    assert quota_reminders(report, "办公室") == []
    assert quota_reminders(report, "机关党委") == []
    assert col(report.unit("办公室"), "shortfall") == 0
    # the other 60 table units have no submission: all reminded
    assert len({m.unit for m in report.reminders if m.due_on is None}) == 60


def test_failed_submissions_do_not_satisfy_the_pro_rata_task() -> None:
    # period 2024-03, as_of 2024-03-20: 1 month begun; 机关党委 2/month -> 2.  One scoring and one
    # returned twice (revisions 2) -> done 1 -> shortfall 1.
    report = run(
        sub("G-1", units=["机关党委"], submitted_on="2024-03-02"),
        sub("G-2", units=["机关党委"], submitted_on="2024-03-03", revisions=2),
        as_of="2024-03-20",
        period="2024-03",
    )
    (reminder,) = quota_reminders(report, "机关党委")
    assert reminder.shortfall == 1


# ---------------------------------------------------------------------------
# unit names: NFKC, without white space; units outside the table


def test_unit_spelled_with_a_space_is_the_table_unit() -> None:
    # "赣南医学院 第一附属医院" (the wrapped cell of 附件3-2) = the table's 赣南医学院第一附属医院:
    # listed once, under the table's name, task 12, no "no quota" warning.  Two 常规 -> 2 points.
    report = run(
        sub("G-1", units=["赣南医学院 第一附属医院"]),
        sub("G-2", units=["赣南医学院\u3000第一附属医院"]),
    )
    assert len(report.units) == 62
    unit = report.unit("赣南医学院 第一附属医院")
    assert unit.unit == "赣南医学院第一附属医院"
    assert (unit.points, unit.records, col(unit, "task"), col(unit, "done")) == (D(2), 2, 12, 2)
    assert report.warnings == ()


def test_unit_outside_the_table() -> None:
    # A unit outside 附件3: scores as usual (3 × 常规 1 + 市局采用 10 − 重大失误 100 = −87), no over-task bonus
    # (3 scoring in a month would be beyond any monthly task), no quota reminder, exactly one warning
    # for the unit; listed under the first spelling met.
    report = run(
        sub("G-1", units=[OUTSIDE], submitted_on="2024-03-01", adoptions=[("市局", "采用")]),
        sub("G-2", units=["赣州市第九 人民医院"], submitted_on="2024-03-02"),
        sub("G-3", units=[OUTSIDE], submitted_on="2024-03-03"),
        pen("P-1", unit=OUTSIDE, on="2024-03-04"),
        as_of="2024-03-15",
        period="2024-03",
    )
    unit = report.unit(OUTSIDE)
    assert unit.unit == OUTSIDE
    assert unit.points == D(-87)
    assert unit.records == 4
    assert over_task(unit) == []
    assert [m for m in report.reminders if m.unit == OUTSIDE] == []
    warnings = no_quota_warnings(report, OUTSIDE)
    assert len(warnings) == 1
    assert len(report.units) == 63


def test_unit_outside_the_table_with_only_an_obligation_is_warned_once() -> None:
    # A record of any type: an obligation of an outside unit reported late (重要会议 03-01, due 03-06,
    # reported 03-08) -> −50, listed, one warning.
    report = run(obl("O-1", unit=OUTSIDE, occurred_on="2024-03-01", reported_on="2024-03-08"))
    assert report.unit(OUTSIDE).points == D(-50)
    assert len(no_quota_warnings(report, OUTSIDE)) == 1


# ---------------------------------------------------------------------------
# 四(二)2 obligations: 重要会议 5 days, 重大部署 20 days, 约稿 its date

OBLIGATIONS = [
    # (kind, occurred_on, deadline, day after the deadline, penalty)
    # 中央和全省重要会议召开后5天内要报送…未及时报送的扣50分: 03-01 + 5 = 03-06
    ("重要会议", "2024-03-01", "2024-03-06", "2024-03-07", "-50"),
    # 重大工作部署和政策出台后20天内要报送…未及时报送的扣50分: 04-01 + 20 = 04-21
    ("重大部署", "2024-04-01", "2024-04-21", "2024-04-22", "-50"),
    # 未及时报送约稿信息的，扣10分: due on its own date 05-10
    ("约稿", "2024-05-10", "2024-05-10", "2024-05-11", "-10"),
    # across a month end: 重大部署 2024-02-15 + 20 = 03-06 (2024 is a leap year: 14 days of Feb + 6)
    ("重大部署", "2024-02-15", "2024-03-06", "2024-03-07", "-50"),
]


@pytest.mark.parametrize(("kind", "occurred", "deadline", "late", "penalty"), OBLIGATIONS)
def test_obligation_reported_on_the_deadline_is_on_time(
    kind: str, occurred: str, deadline: str, late: str, penalty: str
) -> None:
    report = run(obl("O-1", kind=kind, occurred_on=occurred, reported_on=deadline))
    assert report.record("O-1").points == D(0)
    assert due_reminders(report) == []


@pytest.mark.parametrize(("kind", "occurred", "deadline", "late", "penalty"), OBLIGATIONS)
def test_obligation_reported_one_day_late_is_penalised(
    kind: str, occurred: str, deadline: str, late: str, penalty: str
) -> None:
    report = run(obl("O-1", kind=kind, occurred_on=occurred, reported_on=late))
    result = report.record("O-1")
    assert result.points == D(penalty)
    assert [t.source for t in result.trace] == ["四(二)2"]
    assert report.unit("办公室").points == D(penalty)


@pytest.mark.parametrize(("kind", "occurred", "deadline", "late", "penalty"), OBLIGATIONS)
def test_obligation_unreported_past_the_deadline_is_penalised(
    kind: str, occurred: str, deadline: str, late: str, penalty: str
) -> None:
    # not reported, as_of = the day after the deadline -> missed
    report = run(obl("O-1", kind=kind, occurred_on=occurred), as_of=late)
    assert report.record("O-1").points == D(penalty)
    assert due_reminders(report) == []
    # reported_on explicitly null, as_of 2024-12-31 -> missed as well
    report = run(obl("O-1", kind=kind, occurred_on=occurred, reported_on=None))
    assert report.record("O-1").points == D(penalty)
    # reported_on omitted -> the same
    record = obl("O-1", kind=kind, occurred_on=occurred)
    del record["reported_on"]
    assert run(record).record("O-1").points == D(penalty)


@pytest.mark.parametrize(("kind", "occurred", "deadline", "late", "penalty"), OBLIGATIONS)
def test_obligation_not_yet_due_is_a_reminder(kind: str, occurred: str, deadline: str, late: str, penalty: str) -> None:
    # as_of = the deadline itself: not passed -> no penalty, listed in reminders with due_on = deadline
    report = run(obl("O-1", kind=kind, occurred_on=occurred), as_of=deadline)
    assert report.record("O-1").points == D(0)
    assert due_reminders(report) == [("办公室", deadline, "O-1")]
    rows = [r for r in report.to_json()["reminders"] if r.get("due_on")]
    assert [(r["unit"], r["due_on"]) for r in rows] == [("办公室", deadline)]


def test_obligation_not_yet_due_in_the_middle_of_its_window() -> None:
    # 重大部署 04-01, due 04-21; as_of 04-10, not reported -> 0 and a reminder due 2024-04-21.
    report = run(obl("O-1", kind="重大部署", occurred_on="2024-04-01"), as_of="2024-04-10")
    assert report.record("O-1").points == D(0)
    assert due_reminders(report) == [("办公室", "2024-04-21", "O-1")]


def test_obligation_reported_on_time_before_the_deadline_gives_no_reminder() -> None:
    # 重大部署 04-01, due 04-21; reported 04-05, as_of 04-10 -> already reported on time: nothing.
    report = run(obl("O-1", kind="重大部署", occurred_on="2024-04-01", reported_on="2024-04-05"), as_of="2024-04-10")
    assert report.record("O-1").points == D(0)
    assert due_reminders(report) == []


@pytest.mark.parametrize(
    "reported_on",
    [
        # reported_on after as_of (04-10) counts as not yet reported; the deadline (04-21) is not
        # passed on as_of -> no penalty (even though 04-25 will be late), a reminder due 04-21.
        "2024-04-15",
        "2024-04-25",
    ],
)
def test_reported_on_after_as_of_counts_as_not_reported_before_the_deadline(reported_on: str) -> None:
    report = run(obl("O-1", kind="重大部署", occurred_on="2024-04-01", reported_on=reported_on), as_of="2024-04-10")
    assert report.record("O-1").points == D(0)
    assert due_reminders(report) == [("办公室", "2024-04-21", "O-1")]


def test_reported_on_after_as_of_counts_as_not_reported_after_the_deadline() -> None:
    # 重要会议 03-01, due 03-06; as_of 03-10.  O-1 reported 03-05 (on or before as_of, on time) -> 0.
    # O-2 reported 03-12, after as_of -> counts as not reported; the deadline has passed -> −50.
    report = run(
        obl("O-1", occurred_on="2024-03-01", reported_on="2024-03-05"),
        obl("O-2", occurred_on="2024-03-01", reported_on="2024-03-12"),
        as_of="2024-03-10",
    )
    assert report.record("O-1").points == D(0)
    assert report.record("O-2").points == D(-50)


def test_obligation_belongs_to_the_period_of_its_deadline() -> None:
    # 重大部署 occurred 2024-03-30 -> due 03-30 + 20 = 04-19, in 2024-Q2 (not Q1).  Unreported, as_of
    # 2024-12-31 -> −50 in Q2; ignored silently in Q1 (no record, no warning, 办公室 0).
    q2 = run(obl("O-1", kind="重大部署", occurred_on="2024-03-30"), period="2024-Q2")
    assert q2.record("O-1").points == D(-50)
    assert q2.unit("办公室").points == D(-50)
    q1 = run(obl("O-1", kind="重大部署", occurred_on="2024-03-30"), period="2024-Q1")
    assert [r.id for r in q1.records] == []
    assert q1.unit("办公室").points == D(0)
    assert q1.warnings == ()
    # by month: 2024-04 holds it, 2024-03 does not
    assert run(obl("O-1", kind="重大部署", occurred_on="2024-03-30"), period="2024-04").record("O-1").points == D(-50)
    assert [r.id for r in run(obl("O-1", kind="重大部署", occurred_on="2024-03-30"), period="2024-03").records] == []


def test_meeting_at_year_end_belongs_to_the_next_year() -> None:
    # 重要会议 2024-12-28 -> due 2025-01-02: outside period 2024 -> ignored silently.
    report = run(obl("O-1", occurred_on="2024-12-28"), as_of="2025-01-10", period="2024")
    assert [r.id for r in report.records] == []
    assert report.warnings == ()


def test_obligation_occurring_after_as_of_counts_for_nothing() -> None:
    # as_of 2024-06-30; 重要会议 occurred 2024-07-05 (due 07-10, inside period 2024) is dated after
    # as_of -> counts for nothing: no score, no reminder, not listed (an outside unit, so not in the
    # table either), a warning; counted False.
    report = run(
        obl("O-1", unit=OUTSIDE, occurred_on="2024-07-05"),
        obl("O-2", unit="办公室", kind="重大部署", occurred_on="2024-07-01"),
        as_of="2024-06-30",
    )
    for rid in ("O-1", "O-2"):
        result = report.record(rid)
        assert result.counted is False
        assert result.credits == ()
        assert len([w for w in report.warnings if w.record == rid]) == 1
    assert due_reminders(report) == []
    assert OUTSIDE not in {u.unit for u in report.units}
    assert no_quota_warnings(report, OUTSIDE) == []
    assert report.unit("办公室").points == D(0)
    assert report.to_json()["records"][0]["counted"] is False


# ---------------------------------------------------------------------------
# 四(二)2 若出现重大失误的直接扣100分


def test_major_error_is_minus_one_hundred() -> None:
    report = run(pen("P-1", unit="基金监管科"))
    result = report.record("P-1")
    assert result.points == D(-100)
    assert [(t.rule, t.points, t.source) for t in result.trace] == [("重大失误.重大失误", D(-100), "四(二)2")]
    assert report.unit("基金监管科").points == D(-100)


def test_unit_total_over_all_three_types() -> None:
    # 办公室: 常规 1 + 约稿 on time adopted 10 + 省级采用 100 + 重要会议 missed −50 + 重大失误 −100
    # = 1 + 110 − 50 − 100 = −39.
    report = run(
        sub("G-1"),
        sub("G-2", kind="约稿", due_on="2024-06-01", adoptions=[("省级", "采用")]),
        obl("O-1", occurred_on="2024-03-01"),
        pen("P-1"),
    )
    office = report.unit("办公室")
    assert office.points == D(-39)
    assert office.records == 4


# ---------------------------------------------------------------------------
# ranking


def test_units_competition_ranking() -> None:
    # 办公室: 常规 1 + 市局采用 10 = 11; 待遇保障科: 11 -> rank 1, 1
    # 基金监管科: 常规 1 -> rank 3
    # the other 58 table units: 0 -> rank 4
    # 机关党委: 重大失误 −100 -> rank 62 (last)
    report = run(
        sub("G-1", adoptions=[("市局", "采用")]),
        sub("G-2", units=["待遇保障科"], adoptions=[("市局", "采用")]),
        sub("G-3", units=["基金监管科"]),
        pen("P-1", unit="机关党委"),
    )
    got = [(u.rank, u.unit, u.points) for u in report.units]
    assert sorted(got[:2]) == [(1, "办公室", D(11)), (1, "待遇保障科", D(11))]
    assert got[2] == (3, "基金监管科", D(1))
    assert {(rank, points) for rank, _, points in got[3:-1]} == {(4, D(0))}
    assert len(got[3:-1]) == 58
    assert got[-1] == (62, "机关党委", D(-100))
    data = report.to_json()
    assert [u["rank"] for u in data["units"][:3]] == [1, 1, 3]
    # JSON: numbers as decimal strings; 基金监管科 36/3, period 2024 -> task 36; as_of 12-31 -> 12
    # months begun -> pro-rata 36, done 1 -> shortfall 35.
    assert data["units"][2] == {
        "unit": "基金监管科",
        "rank": 3,
        "points": "1",
        "yuan": "0",
        "tier": None,
        "task": "36",
        "done": "1",
        "shortfall": "35",
    }


# ---------------------------------------------------------------------------
# --period and --as-of


def test_default_period_is_the_year_of_as_of() -> None:
    # period None -> the calendar year of as_of (2024): G-2 (2023-12-31) is ignored silently;
    # the task is the annual task (办公室 36).
    report = run(sub("G-1", submitted_on="2024-01-01"), sub("G-2", submitted_on="2023-12-31"), period=None)
    assert report.period == "2024"
    assert report.to_json()["period"] == "2024"
    assert [r.id for r in report.records] == ["G-1"]
    assert col(report.unit("办公室"), "task") == 36
    assert report.unit("办公室").points == D(1)
    assert report.warnings == ()
    # as_of in 2023 -> period 2023: only G-2
    report = run(
        sub("G-1", submitted_on="2024-01-01"), sub("G-2", submitted_on="2023-12-31"), as_of="2023-12-31", period=None
    )
    assert report.period == "2023"
    assert [r.id for r in report.records] == ["G-2"]


@pytest.mark.parametrize(
    ("period", "ids", "points"),
    [
        # 2024-Q2 = April–June: G-2 (04-01) and G-3 (06-30) -> 1 + 1 = 2
        ("2024-Q2", ["G-2", "G-3"], "2"),
        # 2024-03: G-1 (03-31) only -> 1
        ("2024-03", ["G-1"], "1"),
        # 2024-07: G-4 (07-01) and G-5 (late 约稿 submitted 07-02, due 06-28: dated by submitted_on) -> 1 − 10 = −9
        ("2024-07", ["G-4", "G-5"], "-9"),
        # 2024: all five -> 1 + 1 + 1 + 1 − 10 = −6; G-6 (2023-12-31) ignored
        ("2024", ["G-1", "G-2", "G-3", "G-4", "G-5"], "-6"),
    ],
)
def test_period_filters_by_submitted_on(period: str, ids: list[str], points: str) -> None:
    report = run(
        sub("G-1", submitted_on="2024-03-31"),
        sub("G-2", submitted_on="2024-04-01"),
        sub("G-3", submitted_on="2024-06-30"),
        sub("G-4", submitted_on="2024-07-01"),
        sub("G-5", kind="约稿", submitted_on="2024-07-02", due_on="2024-06-28"),
        sub("G-6", submitted_on="2023-12-31"),
        period=period,
    )
    assert [r.id for r in report.records] == ids
    assert report.unit("办公室").points == D(points)
    assert report.period == period
    assert report.warnings == ()


def test_submission_after_as_of_counts_for_nothing() -> None:
    # as_of 2024-06-30: G-2 (07-01) counts for nothing (no credit, not toward the quota), a warning.
    # 办公室: G-1 1 point, done 1.
    report = run(sub("G-1", submitted_on="2024-06-30"), sub("G-2", submitted_on="2024-07-01"), as_of="2024-06-30")
    late = report.record("G-2")
    assert late.counted is False
    assert late.credits == ()
    assert len([w for w in report.warnings if w.record == "G-2"]) == 1
    office = report.unit("办公室")
    assert (office.points, col(office, "done")) == (D(1), 1)


# ---------------------------------------------------------------------------
# record errors


def test_solicited_without_due_on_is_a_record_error() -> None:
    # contract: due_on is required when kind is 约稿.
    with pytest.raises(RecordError) as info:
        run(sub("G-1"), sub("G-2", kind="约稿"))
    (problem,) = info.value.problems
    assert (problem.record_id, problem.field) == ("G-2", "due_on")


def test_solicited_with_null_due_on_is_a_record_error() -> None:
    with pytest.raises(RecordError) as info:
        run(sub("G-1", kind="约稿", due_on=None))
    assert info.value.record_ids == ("G-1",)


@pytest.mark.parametrize("level", ["市局", "省局"])
def test_pishi_at_a_bureau_is_a_record_error(level: str) -> None:
    # contract: 批示 exists only for 市级, 省级, 国家级 (附件2 has no 领导批示 column for 市局 or 省局).
    # The field path names the offending adoption (index 1, counting from 0).
    with pytest.raises(RecordError) as info:
        run(sub("G-1", adoptions=[("市级", "采用"), (level, "批示")]))
    (problem,) = info.value.problems
    assert problem.record_id == "G-1"
    assert problem.field.startswith("adoptions[1]")


def test_unknown_kind_is_a_record_error_naming_the_closest_value() -> None:
    # Common conventions: an unknown value names the record, the field, the allowed values and the
    # closest one ('常规稿' is closest to 常规).
    with pytest.raises(RecordError) as info:
        run(sub("G-1", kind="常规稿"))
    (problem,) = info.value.problems
    assert (problem.record_id, problem.field) == ("G-1", "kind")
    assert "常规" in problem.message and "约稿" in problem.message
    assert "'常规'" in problem.message


def test_every_invalid_record_is_reported() -> None:
    # G-1: 约稿 without due_on; G-3: 批示 at 省局; O-1: unknown obligation kind; G-2 valid.
    with pytest.raises(RecordError) as info:
        run(
            sub("G-1", kind="约稿"),
            sub("G-2"),
            sub("G-3", adoptions=[("省局", "批示")]),
            obl("O-1", kind="会议", occurred_on="2024-03-01"),
        )
    assert set(info.value.record_ids) == {"G-1", "G-3", "O-1"}


def test_composite_mark_must_be_dan_or_zong() -> None:
    with pytest.raises(RecordError) as info:
        run(sub("G-1", units=["办公室", "机关党委"], composite="合"))
    (problem,) = info.value.problems
    assert problem.field == "composite"


def test_enumerations_match_after_nfkc_and_trimming() -> None:
    # " 常规 " trimmed -> 常规 1; adoption level " 市局 " -> 市局采用 10 -> 11.
    result = run(sub("G-1", kind=" 常规 ", adoptions=[(" 市局 ", "采用")])).record("G-1")
    assert result.points == D(11)
