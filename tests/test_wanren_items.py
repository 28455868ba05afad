"""One test per item of the `wanren` contract (spec/rulesets.md, section `wanren`).

Source document: 2024年度温州市卫生健康系统"万人双评议"活动实施细则
(seeds/003_a5fc8d0796dac041.txt): 附件2 一 (医疗卫生类, at most 10), 附件2 二 (委属公共卫生健康
单位, at most 5), 附件2 三 (委机关中层处室, at most 5), 附件3 注1 (how many problems each
kind of hospital rectifies), 四(一)2 / 四(二) (20% 优秀, 60% 良好, 20% 一般) and 五2 (免予参评).
Every expected number below is a literal derived by hand in a comment from the clause it
tests; the engine is never used to compute an expectation.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from govinfo_rules import RecordError, UsageError, load_ruleset

RS = load_ruleset("wanren")

D = Decimal

MED = "医疗卫生类"
PUB = "公共卫生单位"
OFF = "机关处室"
MID = "机关中层类"  # the ranking group of 公共卫生单位 and 机关处室 (四(二))

# 附件1: units of the 医疗卫生类 (温医大附属二院 has these nine, plus a few of other hospitals)
MED_UNITS = [
    "温医大附属二院内科系统",
    "温医大附属二院外科系统",
    "温医大附属二院妇科",
    "温医大附属二院骨科",
    "温医大附属二院五官科",
    "温医大附属二院急诊科",
    "温医大附属二院药剂科",
    "温医大附属二院检验科",
    "温医大附属二院影像科",
    "温州市中医院骨科",
    "温州市人民医院产科",
    "温州市急救中心松台急救站",
]
# 三(二): the 公共卫生健康单位 of the 机关中层类, and a few 委机关中层处室
PUB_UNITS = [
    "温州市疾病预防控制中心",
    "温州市卫生监督所",
    "温州市中心血站",
    "温州市健康妇幼指导中心",
    "温州市老年活动中心",
]
OFF_UNITS = [
    "委办公室",
    "人事处",
    "财务处",
    "医政医管处",
    "基层卫生健康处",
    "疾病预防控制处",
    "妇幼健康处",
    "科技教育处",
]


# ---------------------------------------------------------------------------
# helpers


def med(rid: str = "M-1", *, unit: str = "温州市中医院骨科", **extra: Any) -> dict[str, Any]:
    """A 医疗卫生类 record with full marks: 5 + 3 + 2 = 10 (附件2 一)."""
    out: dict[str, Any] = {
        "type": MED,
        "id": rid,
        "unit": unit,
        "year": 2024,
        "mobilized": True,
        "published_info": 2,
        "service_data_done": True,
        "followup_done": True,
        "opportunity_list": "满意",
        "hospital_type": "综合性医院",
        "problems_rectified": 5,
        "quality_deductions": [],
        "work_quality": {"grade": "优", "score": "1"},
        "four_winds_cases": 0,
        "complaint_mishandled": False,
        "discipline": [],
    }
    out.update(extra)
    return out


def pub(rid: str = "P-1", *, unit: str = "温州市疾病预防控制中心", **extra: Any) -> dict[str, Any]:
    """A 公共卫生单位 record with full marks: 2 + 1.25 + 1 + 0.75 = 5 (附件2 二)."""
    out: dict[str, Any] = {
        "type": PUB,
        "id": rid,
        "unit": unit,
        "year": 2024,
        "mobilized": True,
        "internal_review": True,
        "service_data_done": True,
        "followup_done": True,
        "opportunity_list": "满意",
        "performance_rank": 1,
        "team_scores": {"party": "0.5", "problem_list": "0.25", "campaign": "0.25"},
        "four_winds_cases": 0,
        "complaint_mishandled": False,
        "discipline": [],
    }
    out.update(extra)
    return out


def off(rid: str = "O-1", *, unit: str = "医政医管处", **extra: Any) -> dict[str, Any]:
    """A 机关处室 record with full marks: 1 + 2.5 + 1 + 0.5 = 5 (附件2 三)."""
    out: dict[str, Any] = {
        "type": OFF,
        "id": rid,
        "unit": unit,
        "year": 2024,
        "appraisal_faults": 0,
        "prohibition_breaches": 0,
        "absences": 0,
        "other_deductions": [],
        "performance_rank": 1,
        "conduct_breaches": 0,
        "verified_complaints": 0,
        "disciplined": False,
        "opportunity_list": "满意",
    }
    out.update(extra)
    return out


def case(role: str, self_found: bool = False) -> dict[str, Any]:
    """One 党政纪处分 case."""
    return {"role": role, "self_found": self_found}


def run(*records: dict[str, Any], period: str | None = "2024") -> Any:
    return RS.evaluate(list(records), as_of="2024-12-31", period=period)


def score(record: dict[str, Any]) -> Any:
    return run(record).record(record["id"])


def item(result: Any, group: str) -> Decimal:
    """An item's score: its budget (`GROUP.满分`), its rules and its clamp (`GROUP.扣完为止`)."""
    return sum((t.points for t in result.trace if t.rule.startswith(group + ".")), D(0))


def rules(result: Any, group: str) -> list[str]:
    return [t.rule for t in result.trace if t.rule.startswith(group + ".")]


def problems(*records: dict[str, Any]) -> list[Any]:
    with pytest.raises(RecordError) as info:
        run(*records)
    return list(info.value.problems)


def tier_warnings(report: Any) -> list[Any]:
    return [w for w in report.warnings if w.record is None]


def unit_rows(report: Any, group: str | None = None) -> list[Any]:
    return [u for u in report.units if group is None or u.group == group]


def tiers(report: Any, group: str) -> dict[str, str]:
    return {u.unit: u.tier for u in unit_rows(report, group)}


def tier_counts(report: Any, group: str) -> tuple[int, int, int]:
    found = [u.tier for u in unit_rows(report, group)]
    return found.count("优秀"), found.count("良好"), found.count("一般")


def lose_half_points(rid: str, unit: str, k: int, **extra: Any) -> dict[str, Any]:
    """A 医疗卫生类 record scoring 10 − 0.5·k: k 一般人员 cases, −0.5 each (附件2 一 党风廉政, k ≤ 20)."""
    return med(rid, unit=unit, discipline=[case("一般人员")] * k, **extra)


def off_minus(rid: str, unit: str, k: int, **extra: Any) -> dict[str, Any]:
    """A 机关处室 record scoring 5 − 0.05·k: k absences, −0.05 each (附件2 三 日常整风肃纪, k ≤ 20)."""
    return off(rid, unit=unit, absences=k, **extra)


def pub_minus(rid: str, unit: str, hundredths: int, **extra: Any) -> dict[str, Any]:
    """A 公共卫生单位 record scoring 5 − 0.01·hundredths, taken from team_scores (at most 1)."""
    party = max(50 - hundredths, 0)
    problem_list = max(25 - max(hundredths - 50, 0), 0)
    campaign = 25 - max(hundredths - 75, 0)
    scores = {
        "party": str(D(party) / 100),
        "problem_list": str(D(problem_list) / 100),
        "campaign": str(D(campaign) / 100),
    }
    return pub(rid, unit=unit, team_scores=scores, **extra)


# ===========================================================================
# 附件2 一 医疗卫生类 (at most 10)
# ---------------------------------------------------------------------------
# 评议工作及市卫生健康发展机会清单落实情况 (5分)

# A record without any of the five parts: mobilized no, no published article, no data, no
# follow-up, 机会清单 不满意 -> 评议工作 0; the other items are full: 1 + 1 + 1 + 2 = 5.
NOTHING_DONE = {
    "mobilized": False,
    "published_info": 0,
    "service_data_done": False,
    "followup_done": False,
    "opportunity_list": "不满意",
}


@pytest.mark.parametrize(
    ("change", "part"),
    [
        # nothing done: 0
        ({}, "0"),
        # 认真落实动员部署工作(0.5分)
        ({"mobilized": True}, "0.5"),
        # 投稿刊登1篇以上工作信息(0.5分): 1 article -> 0.5
        ({"published_info": 1}, "0.5"),
        # 3 articles: still 0.5 (one article or more, not per article)
        ({"published_info": 3}, "0.5"),
        # 完成日常服务数据的输录报送工作(1分)
        ({"service_data_done": True}, "1"),
        # 做好群众不满意意见的回访工作，并落实整改工作(1分)
        ({"followup_done": True}, "1"),
        # 机会清单落实情况(2分): 满意得2分
        ({"opportunity_list": "满意"}, "2"),
        # 一般满意得1.6分
        ({"opportunity_list": "一般满意"}, "1.6"),
        # every part: 0.5 + 0.5 + 1 + 1 + 2 = 5
        (
            {
                "mobilized": True,
                "published_info": 1,
                "service_data_done": True,
                "followup_done": True,
                "opportunity_list": "满意",
            },
            "5",
        ),
        # 0.5 + 0 + 1 + 0 + 1.6 = 3.1
        ({"mobilized": True, "service_data_done": True, "opportunity_list": "一般满意"}, "3.1"),
    ],
)
def test_medical_review_work_parts(change: dict[str, Any], part: str) -> None:
    result = score(med("M-1", **{**NOTHING_DONE, **change}))
    assert item(result, "评议工作及机会清单") == D(part)
    # the other items are full: 问题清单 1 + 1 + 1 = 3, 行风 2 -> record = part + 5
    assert result.points == D(part) + D(5)


def test_medical_review_work_sources() -> None:
    # every line of the medical score cites 附件2一
    result = score(med("M-1"))
    assert result.points == D(10)
    assert {t.source for t in result.trace} == {"附件2一"}
    assert sum((t.points for t in result.trace), D(0)) == D(10)


# ---------------------------------------------------------------------------
# 问题清单 1: 整改问题数量(1分)少于规定数1个的扣0.5分，扣完为止 (附件3 注1: 5 · 3 · 2)


@pytest.mark.parametrize(
    ("hospital_type", "rectified", "expected"),
    [
        # 综合性医院整改至少5个问题: 5 of 5 -> 1
        ("综合性医院", 5, "1"),
        # 6 of 5: no shortfall -> 1 (a bonus only when the assessor enters one)
        ("综合性医院", 6, "1"),
        # 4 of 5: 1 missing -> 1 − 0.5 = 0.5
        ("综合性医院", 4, "0.5"),
        # 3 of 5: 2 missing -> 1 − 1 = 0
        ("综合性医院", 3, "0"),
        # 1 of 5: 4 missing -> 1 − 2 -> 0 (扣完为止)
        ("综合性医院", 1, "0"),
        # 0 of 5: 5 missing -> 1 − 2.5 -> 0
        ("综合性医院", 0, "0"),
        # 专科性医院整改至少3个问题: 3 of 3 -> 1
        ("专科性医院", 3, "1"),
        # 2 of 3 -> 1 − 0.5 = 0.5
        ("专科性医院", 2, "0.5"),
        # 1 of 3 -> 1 − 1 = 0
        ("专科性医院", 1, "0"),
        # 0 of 3 -> 1 − 1.5 -> 0
        ("专科性医院", 0, "0"),
        # 其他卫生健康单位整改至少2个问题: 2 of 2 -> 1
        ("其他", 2, "1"),
        # 1 of 2 -> 0.5
        ("其他", 1, "0.5"),
        # 0 of 2 -> 1 − 1 = 0
        ("其他", 0, "0"),
        # 5 rectified by an 其他 unit: at least 2 -> 1
        ("其他", 5, "1"),
    ],
)
def test_rectified_problems_by_hospital_type(hospital_type: str, rectified: int, expected: str) -> None:
    result = score(med("M-1", hospital_type=hospital_type, problems_rectified=rectified))
    assert item(result, "问题清单_整改数量") == D(expected)
    # everything else is full: 10 − (1 − expected)
    assert result.points == D(9) + D(expected)


def test_rectified_problems_floor_is_traced() -> None:
    # 综合性医院 0 of 5: 满分 1, 少整改 −0.5 × 5 = −2.5, 扣完为止 +1.5 -> 0
    result = score(med("M-1", problems_rectified=0))
    assert rules(result, "问题清单_整改数量") == [
        "问题清单_整改数量.满分",
        "问题清单_整改数量.少整改",
        "问题清单_整改数量.扣完为止",
    ]
    lines = {t.rule: t.points for t in result.trace}
    assert lines["问题清单_整改数量.少整改"] == D("-2.5")
    assert lines["问题清单_整改数量.扣完为止"] == D("1.5")


@pytest.mark.parametrize(
    ("hospital_type", "rectified", "bonus", "points"),
    [
        # 综合性医院 6 of 5, 超额的则酌情加分 0.3: items 10 + 0.3 = 10.3 -> kept at 10 (total ≤ 10)
        ("综合性医院", 6, "0.3", "10"),
        # 专科性医院 4 of 3, bonus 0.5, with 四风 2 cases (−1): 10 + 0.5 − 1 = 9.5
        ("专科性医院", 4, "0.5", "9.5"),
        # 其他 3 of 2, bonus 0.25, 机会清单 一般满意 (1.6 instead of 2: −0.4): 10 + 0.25 − 0.4 = 9.85
        ("其他", 3, "0.25", "9.85"),
        # an explicit bonus of 0 is allowed whatever the count: 综合性医院 5 of 5 -> 10
        ("综合性医院", 5, "0", "10"),
    ],
)
def test_surplus_bonus_is_added_on_top(hospital_type: str, rectified: int, bonus: str, points: str) -> None:
    extra: dict[str, Any] = {}
    if hospital_type == "专科性医院":
        extra["four_winds_cases"] = 2
    if hospital_type == "其他":
        extra["opportunity_list"] = "一般满意"
    result = score(med("M-1", hospital_type=hospital_type, problems_rectified=rectified, surplus_bonus=bonus, **extra))
    # the quantity item itself stays within its 1 point; the bonus is a separate line on top
    assert item(result, "问题清单_整改数量") == D(1)
    assert item(result, "问题清单_超额加分") == D(bonus)
    assert result.points == D(points)


@pytest.mark.parametrize(
    ("hospital_type", "rectified"),
    [
        # 超额的则酌情加分: a bonus needs more than required.  综合性医院 5 of 5: not more
        ("综合性医院", 5),
        # 综合性医院 4 of 5: fewer
        ("综合性医院", 4),
        # 专科性医院 3 of 3: not more
        ("专科性医院", 3),
        # 其他 2 of 2: not more
        ("其他", 2),
        # 其他 0 of 2
        ("其他", 0),
    ],
)
def test_surplus_bonus_without_surplus_is_a_record_error(hospital_type: str, rectified: int) -> None:
    (problem,) = problems(med("M-1", hospital_type=hospital_type, problems_rectified=rectified, surplus_bonus="0.2"))
    assert problem.record_id == "M-1"
    assert problem.field == "surplus_bonus"


def test_negative_surplus_bonus_is_a_record_error() -> None:
    # surplus_bonus is a decimal ≥ 0
    (problem,) = problems(med("M-1", problems_rectified=6, surplus_bonus="-0.1"))
    assert problem.field == "surplus_bonus"


# ---------------------------------------------------------------------------
# 问题清单 2: 问题整改质量(1分): 每个问题最多扣0.5分，1分扣完为止


@pytest.mark.parametrize(
    ("deductions", "expected"),
    [
        # none: 1
        ([], "1"),
        # one of 0.5 (the most for one problem): 1 − 0.5 = 0.5
        (["0.5"], "0.5"),
        # 0.2 + 0.3 = 0.5 -> 0.5
        (["0.2", "0.3"], "0.5"),
        # 0.1 -> 0.9
        (["0.1"], "0.9"),
        # 0.5 + 0.5 = 1 -> 0
        (["0.5", "0.5"], "0"),
        # 0.5 + 0.5 + 0.3 = 1.3 -> 1 − 1.3 -> 0 (扣完为止)
        (["0.5", "0.5", "0.3"], "0"),
        # a JSON number is accepted like a string: 0.25 -> 0.75
        ([D("0.25")], "0.75"),
    ],
)
def test_rectification_quality(deductions: list[Any], expected: str) -> None:
    result = score(med("M-1", quality_deductions=deductions))
    assert item(result, "问题清单_整改质量") == D(expected)
    assert result.points == D(9) + D(expected)


@pytest.mark.parametrize(
    "deductions",
    [
        # each deduction is within (0, 0.5]: 0 is not a deduction
        ["0"],
        # 0.6 is more than 最多扣分不超0.5分
        ["0.6"],
        # the second one is bad
        ["0.5", "0.6"],
        # negative
        ["-0.1"],
    ],
)
def test_quality_deduction_out_of_range_is_a_record_error(deductions: list[str]) -> None:
    (problem,) = problems(med("M-1", quality_deductions=deductions))
    assert problem.record_id == "M-1"
    assert problem.field.startswith("quality_deductions")


# ---------------------------------------------------------------------------
# 问题清单 3: 工作质量排序(1分): 优得0.8-1分，良得0.5-0.75分，一般得0.25-0.45分


@pytest.mark.parametrize(
    ("grade", "value"),
    [
        ("优", "0.8"),  # 优 low end
        ("优", "1"),  # 优 high end
        ("优", "0.9"),
        ("良", "0.5"),  # 良 low end
        ("良", "0.75"),  # 良 high end
        ("良", "0.6"),
        ("一般", "0.25"),  # 一般 low end
        ("一般", "0.45"),  # 一般 high end
        ("一般", "0.3"),
    ],
)
def test_work_quality_within_its_grade(grade: str, value: str) -> None:
    # the assessor's score is the item's score
    result = score(med("M-1", work_quality={"grade": grade, "score": value}))
    assert item(result, "问题清单_工作质量排序") == D(value)
    # 10 − (1 − value)
    assert result.points == D(9) + D(value)


@pytest.mark.parametrize(
    ("grade", "value", "bound"),
    [
        # just below 优's 0.8
        ("优", "0.79", "0.8"),
        # just above 优's 1
        ("优", "1.01", "1"),
        # just below 良's 0.5
        ("良", "0.49", "0.5"),
        # just above 良's 0.75
        ("良", "0.76", "0.75"),
        # just below 一般's 0.25
        ("一般", "0.24", "0.25"),
        # just above 一般's 0.45
        ("一般", "0.46", "0.45"),
        # a 良 score given to an 优 grade
        ("优", "0.75", "0.8"),
    ],
)
def test_work_quality_outside_its_grade_is_a_record_error(grade: str, value: str, bound: str) -> None:
    (problem,) = problems(med("M-1", work_quality={"grade": grade, "score": value}))
    assert problem.record_id == "M-1"
    assert problem.field.startswith("work_quality")
    # the message names the end of the range that was passed
    assert re.search(rf"(?<![\d.]){re.escape(bound)}(?![\d.])", problem.message), problem.message


@pytest.mark.parametrize(
    ("grade", "value", "low", "high"),
    [
        ("优", "0.79", "0.8", "1"),
        ("良", "0.49", "0.5", "0.75"),
        ("良", "0.76", "0.5", "0.75"),
        ("一般", "0.24", "0.25", "0.45"),
        ("一般", "0.46", "0.25", "0.45"),
    ],
)
def test_work_quality_error_names_the_grade_range(grade: str, value: str, low: str, high: str) -> None:
    # a score inside [0, 1] but outside its grade: the message names the grade's whole range
    (problem,) = problems(med("M-1", work_quality={"grade": grade, "score": value}))
    assert grade in problem.message
    for bound in (low, high):
        assert re.search(rf"(?<![\d.]){re.escape(bound)}(?![\d.])", problem.message), problem.message


def test_unknown_work_quality_grade_is_a_record_error() -> None:
    # 优·良·一般 only; 优秀 is the tier, not a grade (closest: 优)
    (problem,) = problems(med("M-1", work_quality={"grade": "优秀", "score": "0.9"}))
    assert problem.field == "work_quality.grade"
    assert "优" in problem.message


# ---------------------------------------------------------------------------
# 行风作风日常监督情况 (2分): 四风 每例扣0.5分; 投诉处理不力 扣1分; 扣完为止


@pytest.mark.parametrize(
    ("four_winds", "complaint", "expected"),
    [
        (0, False, "2"),
        # 2 − 0.5 = 1.5
        (1, False, "1.5"),
        # 2 − 1 = 1
        (2, False, "1"),
        # 2 − 2 = 0
        (4, False, "0"),
        # 2 − 2.5 -> 0 (扣完为止)
        (5, False, "0"),
        # 2 − 1 = 1
        (0, True, "1"),
        # 2 − 0.5 − 1 = 0.5
        (1, True, "0.5"),
        # 2 − 1 − 1 = 0
        (2, True, "0"),
        # 2 − 1.5 − 1 = −0.5 -> 0
        (3, True, "0"),
    ],
)
def test_medical_conduct_supervision(four_winds: int, complaint: bool, expected: str) -> None:
    result = score(med("M-1", four_winds_cases=four_winds, complaint_mishandled=complaint))
    assert item(result, "行风作风日常监督") == D(expected)
    # other items full: 8 + expected
    assert result.points == D(8) + D(expected)


def test_medical_conduct_supervision_rules_and_floor() -> None:
    # 5 四风 and a complaint: 满分 2, 四风问题 −2.5, 投诉处理不力 −1, 扣完为止 +1.5 -> 0
    result = score(med("M-1", four_winds_cases=5, complaint_mishandled=True))
    lines = {t.rule: t.points for t in result.trace if t.rule.startswith("行风作风日常监督.")}
    assert lines == {
        "行风作风日常监督.满分": D(2),
        "行风作风日常监督.四风问题": D("-2.5"),
        "行风作风日常监督.投诉处理不力": D(-1),
        "行风作风日常监督.扣完为止": D("1.5"),
    }


# ---------------------------------------------------------------------------
# 党风廉政建设情况 (实行扣分制): 班子成员 2, 科室负责人 1, 一般人员 0.5 每例; 10分扣完为止;
# 本单位主动发现并查处的不扣分


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        ([], "0"),
        # 领导班子成员 每例扣2分
        ([case("班子成员")], "-2"),
        # 科室负责人 每例扣1分
        ([case("科室负责人")], "-1"),
        # 一般工作人员 每例扣0.5分
        ([case("一般人员")], "-0.5"),
        # found and handled by the unit itself: 不扣分
        ([case("班子成员", True)], "0"),
        ([case("科室负责人", True), case("一般人员", True)], "0"),
        # −2 − 1 − 0.5 − 0.5 = −4; the self-found 班子成员 case deducts nothing
        ([case("班子成员"), case("科室负责人"), case("一般人员"), case("一般人员"), case("班子成员", True)], "-4"),
        # 5 班子成员: −10 exactly
        ([case("班子成员")] * 5, "-10"),
        # 6 班子成员: −12 -> at most 10 in all: −10
        ([case("班子成员")] * 6, "-10"),
        # 21 一般人员: −10.5 -> −10
        ([case("一般人员")] * 21, "-10"),
    ],
)
def test_party_discipline_cases(cases: list[dict[str, Any]], expected: str) -> None:
    result = score(med("M-1", discipline=cases))
    assert item(result, "党风廉政建设") == D(expected)
    # the other items make 10: 10 + expected, never below 0
    assert result.points == max(D(10) + D(expected), D(0))


def test_party_discipline_is_capped_at_ten_not_twelve() -> None:
    # 6 班子成员 cases: −12, 10分扣完为止 -> −10.  To see the cap in the total, the unit also
    # has a surplus bonus of 2 (综合性医院 7 of 5): items 10 + 2 = 12; 12 − 10 = 2 (not 12 − 12 = 0).
    result = score(med("M-1", problems_rectified=7, surplus_bonus="2", discipline=[case("班子成员")] * 6))
    lines = {t.rule: t.points for t in result.trace if t.rule.startswith("党风廉政建设.")}
    assert lines["党风廉政建设.班子成员处分"] == D(-12)
    assert lines["党风廉政建设.扣完为止"] == D(2)
    assert item(result, "党风廉政建设") == D(-10)
    assert result.points == D(2)


# ---------------------------------------------------------------------------
# 合计: the total is kept within [0, 10] as the last step


def test_medical_total_surplus_cannot_pass_ten() -> None:
    # items 5 + 1 + 0.5 (bonus, 综合性医院 6 of 5) + 1 + 1 + 2 = 10.5, one 一般人员 case −0.5:
    # 10.5 − 0.5 = 10 (contract example)
    result = score(med("M-1", problems_rectified=6, surplus_bonus="0.5", discipline=[case("一般人员")]))
    assert result.points == D(10)
    # items 10.5 without any case: kept at 10 by the last step
    result = score(med("M-2", problems_rectified=6, surplus_bonus="0.5"))
    assert result.points == D(10)
    lines = {t.rule: t.points for t in result.trace}
    assert lines["total.限定"] == D("-0.5")


def test_medical_total_never_below_zero() -> None:
    # everything bad: 评议工作 0; 0 of 5 rectified -> 0; quality 0.5 + 0.5 -> 0; 一般 0.25 (the
    # lowest score an assessor can give); 行风 2 − 4.5 − 1 -> 0; 党风廉政 6 班子成员 -> −10:
    # 0 + 0 + 0 + 0.25 + 0 − 10 = −9.75 -> 0
    record = med(
        "M-1",
        **NOTHING_DONE,
        problems_rectified=0,
        quality_deductions=["0.5", "0.5"],
        work_quality={"grade": "一般", "score": "0.25"},
        four_winds_cases=9,
        complaint_mishandled=True,
        discipline=[case("班子成员")] * 6,
    )
    result = score(record)
    assert result.points == D(0)
    lines = {t.rule: t.points for t in result.trace}
    assert lines["total.限定"] == D("9.75")


def test_medical_full_marks() -> None:
    # 5 + 3 + 2 = 10, with no clamp line
    result = score(med("M-1"))
    assert result.points == D(10)
    assert not any(t.rule.startswith("total.") for t in result.trace)


# ===========================================================================
# 附件2 二 委属公共卫生健康单位 (at most 5)
# ---------------------------------------------------------------------------
# 评议工作组织落实情况 (2分)

PUB_NOTHING = {
    "mobilized": False,
    "internal_review": False,
    "service_data_done": False,
    "followup_done": False,
    "opportunity_list": "不满意",
}


@pytest.mark.parametrize(
    ("change", "part"),
    [
        ({}, "0"),
        # 认真开展动员部署工作 (0.25分)
        ({"mobilized": True}, "0.25"),
        # 开展单位内部评议活动 (0.25分)
        ({"internal_review": True}, "0.25"),
        # 完成日常服务数据的输录报送工作 (0.5分)
        ({"service_data_done": True}, "0.5"),
        # 做好群众不满意意见的回访工作 (0.5分)
        ({"followup_done": True}, "0.5"),
        # 机会清单 满意得0.5分
        ({"opportunity_list": "满意"}, "0.5"),
        # 一般满意得0.4分
        ({"opportunity_list": "一般满意"}, "0.4"),
        # all: 0.25 + 0.25 + 0.5 + 0.5 + 0.5 = 2
        (
            {
                "mobilized": True,
                "internal_review": True,
                "service_data_done": True,
                "followup_done": True,
                "opportunity_list": "满意",
            },
            "2",
        ),
        # 0.25 + 0.5 + 0.4 = 1.15
        ({"internal_review": True, "followup_done": True, "opportunity_list": "一般满意"}, "1.15"),
    ],
)
def test_public_health_review_work(change: dict[str, Any], part: str) -> None:
    result = score(pub("P-1", **{**PUB_NOTHING, **change}))
    assert item(result, "评议工作组织落实") == D(part)
    # the other items are full: 1.25 + 1 + 0.75 = 3
    assert result.points == D(3) + D(part)
    assert {t.source for t in result.trace} == {"附件2二"}


# ---------------------------------------------------------------------------
# 工作绩效评价排序情况 (1.25分): 前两位不扣分，第3位扣0.2，第4位扣0.3，第5位扣0.4，第6位扣0.5


@pytest.mark.parametrize(
    ("rank", "expected"),
    [
        (1, "1.25"),  # 前两位不扣分
        (2, "1.25"),
        (3, "1.05"),  # 1.25 − 0.2
        (4, "0.95"),  # 1.25 − 0.3
        (5, "0.85"),  # 1.25 − 0.4
        (6, "0.75"),  # 1.25 − 0.5
        (7, "0.75"),  # 6th and below: 0.5 (contract)
        (30, "0.75"),
    ],
)
def test_public_health_performance_rank(rank: int, expected: str) -> None:
    result = score(pub("P-1", performance_rank=rank))
    assert item(result, "工作绩效评价排序") == D(expected)
    # 2 + expected + 1 + 0.75
    assert result.points == D("3.75") + D(expected)


def test_public_health_rank_zero_is_a_record_error() -> None:
    # performance_rank is an integer ≥ 1
    (problem,) = problems(pub("P-1", performance_rank=0))
    assert problem.field == "performance_rank"


# ---------------------------------------------------------------------------
# 队伍及作风建设落实情况 (1): 党建 0.5, 问题清单 0.25, 专项行动 0.25


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"party": "0.5", "problem_list": "0.25", "campaign": "0.25"}, "1"),
        # 0.3 + 0.1 + 0.2 = 0.6
        ({"party": "0.3", "problem_list": "0.1", "campaign": "0.2"}, "0.6"),
        ({"party": "0", "problem_list": "0", "campaign": "0"}, "0"),
        # 0.45 + 0.25 + 0 = 0.7
        ({"party": "0.45", "problem_list": "0.25", "campaign": "0"}, "0.7"),
    ],
)
def test_public_health_team_scores(scores: dict[str, str], expected: str) -> None:
    result = score(pub("P-1", team_scores=scores))
    assert item(result, "队伍及作风建设") == D(expected)
    # 2 + 1.25 + expected + 0.75
    assert result.points == D(4) + D(expected)


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        # party 0–0.5
        ({"party": "0.51", "problem_list": "0", "campaign": "0"}, "team_scores.party"),
        # problem_list 0–0.25
        ({"party": "0", "problem_list": "0.26", "campaign": "0"}, "team_scores.problem_list"),
        # campaign 0–0.25
        ({"party": "0", "problem_list": "0", "campaign": "0.3"}, "team_scores.campaign"),
        # below 0
        ({"party": "-0.1", "problem_list": "0", "campaign": "0"}, "team_scores.party"),
    ],
)
def test_public_health_team_score_out_of_range(scores: dict[str, str], field: str) -> None:
    (problem,) = problems(pub("P-1", team_scores=scores))
    assert problem.record_id == "P-1"
    assert problem.field == field


# ---------------------------------------------------------------------------
# 行风作风日常监督情况 (0.75分): 四风 0.25 每例; 投诉 0.25; 处分 0.5 · 0.25 · 0.15; 扣完为止


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, "0.75"),
        # 0.75 − 0.25
        ({"four_winds_cases": 1}, "0.5"),
        # 0.75 − 0.5
        ({"four_winds_cases": 2}, "0.25"),
        # 0.75 − 0.75 = 0
        ({"four_winds_cases": 3}, "0"),
        # 0.75 − 1 -> 0 (扣完为止)
        ({"four_winds_cases": 4}, "0"),
        # 0.75 − 0.25
        ({"complaint_mishandled": True}, "0.5"),
        # 班子成员 0.75 − 0.5
        ({"discipline": [case("班子成员")]}, "0.25"),
        # 科室负责人 0.75 − 0.25
        ({"discipline": [case("科室负责人")]}, "0.5"),
        # 一般人员 0.75 − 0.15
        ({"discipline": [case("一般人员")]}, "0.6"),
        # self-found: 不扣分
        ({"discipline": [case("班子成员", True), case("一般人员", True)]}, "0.75"),
        # 0.75 − 0.15 − 0.15 − 0.25 = 0.2
        ({"discipline": [case("一般人员"), case("一般人员"), case("科室负责人")]}, "0.2"),
        # 0.75 − 0.25 − 0.25 − 0.15 = 0.1
        ({"four_winds_cases": 1, "complaint_mishandled": True, "discipline": [case("一般人员")]}, "0.1"),
        # 0.75 − 0.25 − 0.5 − 0.15 = −0.15 -> 0
        ({"complaint_mishandled": True, "discipline": [case("班子成员"), case("一般人员")]}, "0"),
    ],
)
def test_public_health_conduct_supervision(change: dict[str, Any], expected: str) -> None:
    result = score(pub("P-1", **change))
    assert item(result, "行风作风日常监督") == D(expected)
    # 2 + 1.25 + 1 + expected
    assert result.points == D("4.25") + D(expected)


def test_public_health_total() -> None:
    # full marks: 2 + 1.25 + 1 + 0.75 = 5
    assert score(pub("P-1")).points == D(5)
    # everything bad: 0 + (1.25 − 0.5) + 0 + 0 = 0.75
    worst = pub(
        "P-2",
        **PUB_NOTHING,
        performance_rank=9,
        team_scores={"party": "0", "problem_list": "0", "campaign": "0"},
        four_winds_cases=5,
        complaint_mishandled=True,
        discipline=[case("班子成员")] * 3,
    )
    assert score(worst).points == D("0.75")


# ===========================================================================
# 附件2 三 委机关中层处室 (at most 5)
# ---------------------------------------------------------------------------
# 日常整风肃纪检查情况 (1分): 考核被扣分 0.25; 四条禁令 0.15; 无故不在岗 0.05; 其它; 扣完为止


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, "1"),
        # 1 − 0.25
        ({"appraisal_faults": 1}, "0.75"),
        # 1 − 0.15
        ({"prohibition_breaches": 1}, "0.85"),
        # 1 − 0.05
        ({"absences": 1}, "0.95"),
        # 1 − 0.05 × 3 = 0.85
        ({"absences": 3}, "0.85"),
        # 其它应扣分事项: 1 − 0.3 − 0.2 = 0.5
        ({"other_deductions": ["0.3", "0.2"]}, "0.5"),
        # 1 − 0.25 − 0.15 − 0.1 − 0.1 = 0.4
        ({"appraisal_faults": 1, "prohibition_breaches": 1, "absences": 2, "other_deductions": ["0.1"]}, "0.4"),
        # 1 − 4 × 0.25 = 0
        ({"appraisal_faults": 4}, "0"),
        # 1 − 0.75 − 0.3 = −0.05 -> 0 (扣完为止)
        ({"appraisal_faults": 3, "prohibition_breaches": 2}, "0"),
        # 1 − 1.5 -> 0
        ({"other_deductions": ["1.5"]}, "0"),
    ],
)
def test_office_daily_discipline(change: dict[str, Any], expected: str) -> None:
    result = score(off("O-1", **change))
    assert item(result, "日常整风肃纪") == D(expected)
    # expected + 2.5 + 1 + 0.5
    assert result.points == D(4) + D(expected)
    assert {t.source for t in result.trace} == {"附件2三"}


# ---------------------------------------------------------------------------
# 工作绩效评价排序情况 (2.5分): 前5位不扣分，第6位扣0.25分，随后每后移一位加扣0.25分


@pytest.mark.parametrize(
    ("rank", "expected"),
    [
        (1, "2.5"),
        (5, "2.5"),  # 前5位不扣分
        (6, "2.25"),  # 2.5 − 0.25 × 1
        (7, "2"),  # 2.5 − 0.25 × 2
        (10, "1.25"),  # 2.5 − 0.25 × 5
        (14, "0.25"),  # 2.5 − 0.25 × 9
        (15, "0"),  # 2.5 − 0.25 × 10 = 0
        (16, "0"),  # 2.5 − 2.75 -> 0 (扣完为止)
        (20, "0"),  # 2.5 − 3.75 -> 0
    ],
)
def test_office_performance_rank(rank: int, expected: str) -> None:
    result = score(off("O-1", performance_rank=rank))
    assert item(result, "工作绩效评价排序") == D(expected)
    # 1 + expected + 1 + 0.5
    assert result.points == D("2.5") + D(expected)


# ---------------------------------------------------------------------------
# 作风效能日常监督评议情况 (1分): 每例 0.25; 投诉查实 0.25; 党政纪处分 1; 扣完为止


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, "1"),
        ({"conduct_breaches": 1}, "0.75"),  # 1 − 0.25
        ({"verified_complaints": 2}, "0.5"),  # 1 − 0.5
        ({"conduct_breaches": 1, "verified_complaints": 1}, "0.5"),  # 1 − 0.25 − 0.25
        ({"disciplined": True}, "0"),  # 1 − 1
        ({"disciplined": True, "conduct_breaches": 1}, "0"),  # 1 − 1.25 -> 0
        ({"conduct_breaches": 5}, "0"),  # 1 − 1.25 -> 0
        ({"conduct_breaches": 1, "verified_complaints": 1, "disciplined": True}, "0"),  # 1 − 0.25 − 0.25 − 1 -> 0
    ],
)
def test_office_conduct_supervision(change: dict[str, Any], expected: str) -> None:
    result = score(off("O-1", **change))
    assert item(result, "作风效能日常监督") == D(expected)
    # 1 + 2.5 + expected + 0.5
    assert result.points == D(4) + D(expected)


# ---------------------------------------------------------------------------
# 市卫生健康发展机会清单落实情况 (0.5分): 满意 0.5, 一般满意 0.4, 不满意 0


@pytest.mark.parametrize(("value", "expected"), [("满意", "0.5"), ("一般满意", "0.4"), ("不满意", "0")])
def test_office_opportunity_list(value: str, expected: str) -> None:
    result = score(off("O-1", opportunity_list=value))
    assert item(result, "机会清单落实") == D(expected)
    # 1 + 2.5 + 1 + expected
    assert result.points == D("4.5") + D(expected)


def test_office_total() -> None:
    # full marks: 1 + 2.5 + 1 + 0.5 = 5
    assert score(off("O-1")).points == D(5)
    # everything bad: 0 + 0 + 0 + 0 = 0
    worst = off(
        "O-2",
        appraisal_faults=5,
        performance_rank=20,
        disciplined=True,
        opportunity_list="不满意",
    )
    assert score(worst).points == D(0)


def test_unknown_opportunity_value_is_a_record_error() -> None:
    # 满意 · 一般满意 · 不满意 only; 基本满意 is none of them
    (problem,) = problems(off("O-1", opportunity_list="基本满意"))
    assert problem.field == "opportunity_list"
    for allowed in ("满意", "一般满意", "不满意"):
        assert allowed in problem.message


def test_every_invalid_record_is_reported() -> None:
    # Common conventions: all invalid records, not only the first; O-2 is valid.
    with pytest.raises(RecordError) as info:
        run(
            med("M-1", work_quality={"grade": "良", "score": "0.8"}),
            off("O-2"),
            pub("P-3", unit="温州市中心血站", team_scores={"party": "0.6", "problem_list": "0", "campaign": "0"}),
        )
    assert set(info.value.record_ids) == {"M-1", "P-3"}


# ===========================================================================
# Tiers: 四(一)2, 四(二) 20% 优秀, 60% 良好, 20% 一般, by rank within a group


@pytest.mark.parametrize(
    ("n", "counts"),
    [
        # round_half_up(0.2 × 5 = 1.0) = 1 优秀, 1 一般, 5 − 2 = 3 良好
        (5, (1, 3, 1)),
        # round_half_up(0.2 × 7 = 1.4) = 1, 1; 7 − 2 = 5
        (7, (1, 5, 1)),
        # round_half_up(0.2 × 8 = 1.6) = 2, 2; 8 − 4 = 4
        (8, (2, 4, 2)),
        # round_half_up(0.2 × 10 = 2.0) = 2, 2; 10 − 4 = 6
        (10, (2, 6, 2)),
        # round_half_up(0.2 × 12 = 2.4) = 2, 2; 12 − 4 = 8
        (12, (2, 8, 2)),
        # round_half_up(0.2 × 3 = 0.6) = 1, 1; 3 − 2 = 1
        (3, (1, 1, 1)),
        # round_half_up(0.2 × 2 = 0.4) = 0, 0: both 良好
        (2, (0, 2, 0)),
    ],
)
def test_tier_counts_medical(n: int, counts: tuple[int, int, int]) -> None:
    # distinct points 10, 9.5, 9, ...: unit i (from 0) has 10 − 0.5·i
    records = [lose_half_points(f"M-{i}", MED_UNITS[i], i) for i in range(n)]
    report = run(*records)
    assert tier_counts(report, MED) == counts
    best, _, worst = counts
    expected = ["优秀"] * best + ["良好"] * (n - best - worst) + ["一般"] * worst
    assert [report.unit(MED_UNITS[i]).tier for i in range(n)] == expected
    assert [report.unit(MED_UNITS[i]).rank for i in range(n)] == list(range(1, n + 1))
    assert tier_warnings(report) == []


@pytest.mark.parametrize(
    ("n", "counts"),
    [
        (5, (1, 3, 1)),  # 0.2 × 5 = 1.0 -> 1
        (7, (1, 5, 1)),  # 0.2 × 7 = 1.4 -> 1
        (10, (2, 6, 2)),  # 0.2 × 10 = 2 -> 2
        (12, (2, 8, 2)),  # 0.2 × 12 = 2.4 -> 2
    ],
)
def test_tier_counts_middle_offices(n: int, counts: tuple[int, int, int]) -> None:
    # 公共卫生单位 and 机关处室 are ranked together (机关中层类).  Unit i scores 5 − 0.05·i:
    # even i a 公共卫生单位 losing 0.05·i of its team scores, odd i a 机关处室 with i absences.
    records = []
    names = []
    for i in range(n):
        if i % 2 == 0:
            name = PUB_UNITS[i // 2] if i // 2 < len(PUB_UNITS) else f"温州市公共卫生单位{i}"
            records.append(pub_minus(f"P-{i}", name, 5 * i))
        else:
            name = OFF_UNITS[i // 2]
            records.append(off_minus(f"O-{i}", name, i))
        names.append(name)
    report = run(*records)
    assert tier_counts(report, MID) == counts
    best, _, worst = counts
    expected = ["优秀"] * best + ["良好"] * (n - best - worst) + ["一般"] * worst
    assert [report.unit(name).tier for name in names] == expected
    assert [report.unit(name).points for name in names] == [D(5) - D("0.05") * i for i in range(n)]
    assert {u.group for u in report.units} == {MID}


def test_tie_across_the_excellent_boundary() -> None:
    # n = 10: 优秀 takes round_half_up(2) = 2 places.  Points 10, 9.5, 9.5, 9, ..., 6: places 2
    # and 3 tie at 9.5 across the 优秀/良好 boundary -> both 优秀 (3 in all), a warning;
    # 一般 the last 2 (6.5, 6); 良好 the other 5.
    ks = [0, 1, 1, 2, 3, 4, 5, 6, 7, 8]
    report = run(*[lose_half_points(f"M-{i}", MED_UNITS[i], k) for i, k in enumerate(ks)])
    assert [report.unit(MED_UNITS[i]).tier for i in range(10)] == ["优秀"] * 3 + ["良好"] * 5 + ["一般"] * 2
    assert [report.unit(MED_UNITS[i]).rank for i in range(10)] == [1, 2, 2, 4, 5, 6, 7, 8, 9, 10]
    (warning,) = tier_warnings(report)
    assert MED_UNITS[1] in warning.message and MED_UNITS[2] in warning.message


def test_tie_across_the_general_boundary() -> None:
    # n = 10: 一般 takes 2 places (9th, 10th).  Points ..., 6.5 (8th), 6.5 (9th), 6: places 8 and 9
    # tie across the 良好/一般 boundary -> both 良好 (the better tier), a warning; only 6 is 一般.
    ks = [0, 1, 2, 3, 4, 5, 6, 7, 7, 8]
    report = run(*[lose_half_points(f"M-{i}", MED_UNITS[i], k) for i, k in enumerate(ks)])
    assert [report.unit(MED_UNITS[i]).tier for i in range(10)] == ["优秀"] * 2 + ["良好"] * 7 + ["一般"]
    assert tier_counts(report, MED) == (2, 7, 1)
    (warning,) = tier_warnings(report)
    assert MED_UNITS[7] in warning.message and MED_UNITS[8] in warning.message


def test_tie_inside_a_tier_is_not_warned() -> None:
    # n = 10, places 4 and 5 tie (8.5) inside 良好: counts stay 2 / 6 / 2 and nothing is warned
    ks = [0, 1, 2, 3, 3, 5, 6, 7, 8, 9]
    report = run(*[lose_half_points(f"M-{i}", MED_UNITS[i], k) for i, k in enumerate(ks)])
    assert tier_counts(report, MED) == (2, 6, 2)
    assert [report.unit(MED_UNITS[i]).rank for i in range(10)] == [1, 2, 3, 4, 4, 6, 7, 8, 9, 10]
    assert tier_warnings(report) == []


def test_all_tied_get_the_best_tier() -> None:
    # n = 5 all at 10: the tie spans both boundaries -> all 优秀, all rank 1, warned
    report = run(*[med(f"M-{i}", unit=MED_UNITS[i]) for i in range(5)])
    assert tier_counts(report, MED) == (5, 0, 0)
    assert {u.rank for u in report.units} == {1}
    assert tier_warnings(report)


def test_tie_at_the_bottom_of_five() -> None:
    # n = 5: 1 优秀 (10); points 9.5 × 4 tie across the 良好/一般 boundary -> all 良好, warned
    ks = [0, 1, 1, 1, 1]
    report = run(*[lose_half_points(f"M-{i}", MED_UNITS[i], k) for i, k in enumerate(ks)])
    assert tier_counts(report, MED) == (1, 4, 0)
    assert tier_warnings(report)


def test_tie_across_categories_in_the_middle_group() -> None:
    # 机关中层类, n = 5: a 公共卫生单位 at 5 and a 机关处室 at 5 tie for the single 优秀 place ->
    # both 优秀, warned; 一般 is 5 − 0.05 × 3 = 4.85.
    report = run(
        pub("P-1", unit=PUB_UNITS[0]),
        off("O-1", unit=OFF_UNITS[0]),
        off_minus("O-2", OFF_UNITS[1], 1),
        off_minus("O-3", OFF_UNITS[2], 2),
        off_minus("O-4", OFF_UNITS[3], 3),
    )
    assert tiers(report, MID) == {
        PUB_UNITS[0]: "优秀",
        OFF_UNITS[0]: "优秀",
        OFF_UNITS[1]: "良好",
        OFF_UNITS[2]: "良好",
        OFF_UNITS[3]: "一般",
    }
    (warning,) = tier_warnings(report)
    assert PUB_UNITS[0] in warning.message and OFF_UNITS[0] in warning.message


# ---------------------------------------------------------------------------
# 五2: 2022、2023年连续两年获评满意处室(站所)的，本年度免予参评


@pytest.mark.parametrize(
    ("year", "satisfied", "exempt"),
    [
        # both 2022 and 2023 for 2024 -> exempt
        (2024, [2022, 2023], True),
        (2024, [2023, 2022], True),
        (2024, [2021, 2022, 2023], True),
        # only one of the two years -> not exempt
        (2024, [2023], False),
        (2024, [2022], False),
        (2024, [2021, 2023], False),
        (2024, [2024, 2023], False),
        (2024, [], False),
        # read for any year: 2025 needs 2023 and 2024
        (2025, [2023, 2024], True),
        (2025, [2022, 2023], False),
    ],
)
def test_exemption_needs_both_previous_years(year: int, satisfied: list[int], exempt: bool) -> None:
    # two units, so a ranked unit is 良好 (n = 2: round_half_up(0.4) = 0 优秀 and 0 一般)
    report = run(
        off("O-1", unit=OFF_UNITS[0], year=year, satisfied_years=satisfied),
        off_minus("O-2", OFF_UNITS[1], 1, year=year),
        period=None,
    )
    unit = report.unit(OFF_UNITS[0])
    # its points are still computed: full marks 5
    assert unit.points == D(5)
    if exempt:
        assert (unit.tier, unit.rank) == ("免评", None)
        # the other unit is alone: n = 1, round_half_up(0.2) = 0 -> 良好, rank 1
        assert (report.unit(OFF_UNITS[1]).tier, report.unit(OFF_UNITS[1]).rank) == ("良好", 1)
    else:
        assert (unit.tier, unit.rank) == ("良好", 1)
        assert report.unit(OFF_UNITS[1]).rank == 2


def test_exempt_units_are_not_counted_and_listed_last() -> None:
    # 8 医疗卫生类 units, 3 of them exempt (M-0 10, M-3 8.5 and M-7 6.5).  The other 5 are
    # ranked: n = 5 -> round_half_up(1.0) = 1 优秀 (9.5), 1 一般 (7), 3 良好; counted with the
    # exempt ones, n = 8 would give round_half_up(1.6) = 2 and 2.
    exempt = [2022, 2023]
    records = [
        lose_half_points(f"M-{i}", MED_UNITS[i], i, **({"satisfied_years": exempt} if i in (0, 3, 7) else {}))
        for i in range(8)
    ]
    report = run(*records)
    rows = [(u.unit, u.rank, u.tier, u.points) for u in unit_rows(report, MED)]
    assert rows[:5] == [
        (MED_UNITS[1], 1, "优秀", D("9.5")),
        (MED_UNITS[2], 2, "良好", D(9)),
        (MED_UNITS[4], 3, "良好", D(8)),
        (MED_UNITS[5], 4, "良好", D("7.5")),
        (MED_UNITS[6], 5, "一般", D(7)),
    ]
    # 免评 last, with their points still computed and no rank
    assert sorted(rows[5:], key=lambda row: row[0]) == sorted(
        [
            (MED_UNITS[0], None, "免评", D(10)),
            (MED_UNITS[3], None, "免评", D("8.5")),
            (MED_UNITS[7], None, "免评", D("6.5")),
        ],
        key=lambda row: row[0],
    )
    # the exempt unit at 10 takes no 优秀 place and no tie warning is raised
    assert tier_warnings(report) == []


def test_exempt_unit_is_last_in_its_own_group() -> None:
    # an exempt 医疗卫生类 unit comes after the ranked 医疗卫生类 units but before the
    # 机关中层类 group; an exempt 机关中层类 unit is last of all.
    report = run(
        off("O-1", unit=OFF_UNITS[0], satisfied_years=[2022, 2023]),
        off_minus("O-2", OFF_UNITS[1], 2),
        pub("P-1", unit=PUB_UNITS[0]),
        med("M-1", unit=MED_UNITS[0], satisfied_years=[2022, 2023]),
        lose_half_points("M-2", MED_UNITS[1], 3),
    )
    assert [(u.unit, u.group, u.rank, u.tier) for u in report.units] == [
        (MED_UNITS[1], MED, 1, "良好"),
        (MED_UNITS[0], MED, None, "免评"),
        (PUB_UNITS[0], MID, 1, "良好"),
        (OFF_UNITS[1], MID, 2, "良好"),
        (OFF_UNITS[0], MID, None, "免评"),
    ]


# ---------------------------------------------------------------------------
# 四(一)/四(二): the two ranking groups, order of `units`, competition ranks


def test_two_ranking_groups_and_their_order() -> None:
    # input lists the 机关中层类 first; output: 医疗卫生类 first, then 机关中层类, each by rank.
    # 医疗卫生类: 10, 9.5, 9.5, 8.5 -> ranks 1, 2, 2, 4.  机关中层类 (公共卫生单位 and 机关处室
    # together): 机关处室 5, 公共卫生单位 4.75 (四风 1: 0.75 − 0.25), 机关处室 4.9 (2 absences)
    # -> 5 (1), 4.9 (2), 4.75 (3).  Ranks restart at 1 in each group.
    report = run(
        pub("P-1", unit=PUB_UNITS[0], four_winds_cases=1),
        off("O-1", unit=OFF_UNITS[0]),
        off_minus("O-2", OFF_UNITS[1], 2),
        lose_half_points("M-1", MED_UNITS[0], 3),
        lose_half_points("M-2", MED_UNITS[1], 1),
        med("M-3", unit=MED_UNITS[2]),
        lose_half_points("M-4", MED_UNITS[3], 1),
    )
    rows = [(u.group, u.rank, u.points) for u in report.units]
    assert rows == [
        (MED, 1, D(10)),
        (MED, 2, D("9.5")),
        (MED, 2, D("9.5")),
        (MED, 4, D("8.5")),
        (MID, 1, D(5)),
        (MID, 2, D("4.9")),
        (MID, 3, D("4.75")),
    ]
    assert report.unit(MED_UNITS[2]).rank == 1
    assert report.unit(MED_UNITS[0]).rank == 4
    assert [report.unit(n).rank for n in (OFF_UNITS[0], OFF_UNITS[1], PUB_UNITS[0])] == [1, 2, 3]
    # n = 4 in 医疗卫生类: round_half_up(0.8) = 1 优秀, 1 一般; n = 3: 1 and 1
    assert tiers(report, MED) == {
        MED_UNITS[2]: "优秀",
        MED_UNITS[1]: "良好",
        MED_UNITS[3]: "良好",
        MED_UNITS[0]: "一般",
    }
    assert tiers(report, MID) == {OFF_UNITS[0]: "优秀", OFF_UNITS[1]: "良好", PUB_UNITS[0]: "一般"}
    # `group` is in each unit of the JSON output
    data = report.to_json()
    assert [u["group"] for u in data["units"]] == [MED] * 4 + [MID] * 3
    assert [u["tier"] for u in data["units"]][0] == "优秀"


def test_groups_are_ranked_separately() -> None:
    # a 医疗卫生类 unit at 10 and a 机关处室 at 5: each is alone in its group -> rank 1, 良好
    # (n = 1: round_half_up(0.2) = 0); 10 does not push the 机关处室 down.
    report = run(off("O-1", unit=OFF_UNITS[0]), med("M-1", unit=MED_UNITS[0]))
    assert [(u.unit, u.group, u.rank, u.tier) for u in report.units] == [
        (MED_UNITS[0], MED, 1, "良好"),
        (OFF_UNITS[0], MID, 1, "良好"),
    ]


# ---------------------------------------------------------------------------
# --period: a year selects records by `year`; a quarter or a month is wrong usage


def test_period_year_selects_by_year() -> None:
    records = [
        med("M-1", unit=MED_UNITS[0], year=2024),
        lose_half_points("M-2", MED_UNITS[1], 1, year=2023),
        off("O-1", unit=OFF_UNITS[0], year=2023),
    ]
    report = run(*records, period="2024")
    assert report.period == "2024"
    assert [u.unit for u in report.units] == [MED_UNITS[0]]
    report = run(*records, period="2023")
    assert report.period == "2023"
    assert [u.unit for u in report.units] == [MED_UNITS[1], OFF_UNITS[0]]
    # no period: every record; period null in the JSON
    report = run(*records, period=None)
    assert report.period is None
    assert report.to_json()["period"] is None
    assert len(report.units) == 3


@pytest.mark.parametrize("period", ["2024-Q3", "2024-Q1", "2024-03", "2024-12"])
def test_period_quarter_or_month_is_wrong_usage(period: str) -> None:
    with pytest.raises(UsageError):
        run(med("M-1"), period=period)


# ===========================================================================
# The contract's worked examples, inline


def test_example_wanren_01_medical_sections() -> None:
    # why.md: R-1 all items: 0.5 + 0.5 + 1 + 1 + 2 = 5; qty 5/5 -> 1, quality 1, 优 1 -> 3; 行风 2 -> 10.
    # 评议 0 (不满意 0); 专科性 needs 3, 1 done -> 1 − 2 × 0.5 = 0; quality 1 − 1.3 -> 0;
    # 一般 0.25; 四风 5 and complaint -> 2 − 2.5 − 1 -> 0 -> 0.25.
    # 0.5 + 0.5 + 1 + 0 + 1.6 = 3.6; 其他 needs 2, 1 done -> 0.5; 1 − 0.2 = 0.8; 良 0.6 -> 1.9;
    # 2 − 0.5 = 1.5 -> 7.  n = 3: round_half_up(0.6) = 1 优秀, 1 一般.
    records = [
        med("R-1", unit="温州市中医院骨科"),
        med(
            "R-2",
            unit="温医大附属眼视光医院白内障临床中心",
            mobilized=False,
            published_info=0,
            service_data_done=False,
            followup_done=False,
            opportunity_list="不满意",
            hospital_type="专科性医院",
            problems_rectified=1,
            quality_deductions=[D("0.5"), D("0.5"), D("0.3")],
            work_quality={"grade": "一般", "score": D("0.25")},
            four_winds_cases=5,
            complaint_mishandled=True,
        ),
        med(
            "R-3",
            unit="温州市急救中心中心急救站",
            published_info=1,
            followup_done=False,
            opportunity_list="一般满意",
            hospital_type="其他",
            problems_rectified=1,
            quality_deductions=[D("0.2")],
            work_quality={"grade": "良", "score": D("0.6")},
            four_winds_cases=1,
        ),
    ]
    report = run(*records, period=None)
    assert report.period is None
    assert [(u.unit, u.points, u.tier, u.rank) for u in report.units] == [
        ("温州市中医院骨科", D(10), "优秀", 1),
        ("温州市急救中心中心急救站", D(7), "良好", 2),
        ("温医大附属眼视光医院白内障临床中心", D("0.25"), "一般", 3),
    ]
    r2 = report.record("R-2")
    assert [item(r2, g) for g in ("评议工作及机会清单", "问题清单_整改数量", "问题清单_整改质量")] == [D(0)] * 3
    assert item(r2, "行风作风日常监督") == D(0)
    r3 = report.record("R-3")
    assert item(r3, "评议工作及机会清单") == D("3.6")
    assert item(r3, "问题清单_整改数量") + item(r3, "问题清单_整改质量") + item(r3, "问题清单_工作质量排序") == D("1.9")
    assert item(r3, "行风作风日常监督") == D("1.5")
    data = report.to_json()
    assert data.keys() >= {"ruleset", "as_of", "period", "records", "units", "awards", "warnings", "rejected"}
    assert [u["points"] for u in data["units"]] == ["10", "7", "0.25"]


def test_example_wanren_08_tiers_n10() -> None:
    # why.md: each unit loses 0.5 per 四风 case (d ≤ 4) or per 一般人员 case (d ≥ 5): 10, 9.5, ..., 5.5.
    # n = 10: round_half_up(0.2 × 10) = 2 优秀 (10, 9.5), 2 一般 (6, 5.5), 6 良好.
    names = [
        "温医大附属二院内科系统",
        "温医大附属二院外科系统",
        "温医大附属二院妇科",
        "温医大附属二院骨科",
        "温医大附属二院五官科",
        "温医大附属二院急诊科",
        "温医大附属二院药剂科",
        "温医大附属二院检验科",
        "温医大附属二院影像科",
        "温州市第七人民医院药剂科",
    ]
    records = []
    for d, name in enumerate(names):
        if d <= 4:
            records.append(med(f"R-{d + 1}", unit=name, four_winds_cases=d))
        else:
            records.append(med(f"R-{d + 1}", unit=name, discipline=[case("一般人员")] * d))
    report = run(*records, period=None)
    expected = [
        ("温医大附属二院内科系统", "10", "优秀"),
        ("温医大附属二院外科系统", "9.5", "优秀"),
        ("温医大附属二院妇科", "9", "良好"),
        ("温医大附属二院骨科", "8.5", "良好"),
        ("温医大附属二院五官科", "8", "良好"),
        ("温医大附属二院急诊科", "7.5", "良好"),
        ("温医大附属二院药剂科", "7", "良好"),
        ("温医大附属二院检验科", "6.5", "良好"),
        ("温医大附属二院影像科", "6", "一般"),
        ("温州市第七人民医院药剂科", "5.5", "一般"),
    ]
    assert [(u.unit, u.points, u.tier) for u in report.units] == [(n, D(p), t) for n, p, t in expected]
    assert [u.rank for u in report.units] == list(range(1, 11))
    assert tier_warnings(report) == []
    assert [(u["unit"], u["points"], u["tier"], u["group"]) for u in report.to_json()["units"]] == [
        (n, p, t, MED) for n, p, t in expected
    ]
