"""Property tests for the `wanren` ruleset (spec/rulesets.md, section `wanren`).

The strategies build valid records of the three categories of 附件2 (医疗卫生类, 公共卫生单位,
机关处室): every decimal within its contract range (quality deductions in (0, 0.5], each
grade's work-quality range, team scores), a surplus bonus only when more problems were
rectified than 附件3 注1 requires, and `satisfied_years` drawn from 2021–2023 so that some
units are exempt (五2).  Besides fully random records, "mild" records (full marks but for a
few 四风 cases or absences) make ties, including ties across tier boundaries, frequent.
Decimals are given as strings or as ``Decimal`` (a JSON number is read as one), never floats.
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govinfo_rules import load_ruleset

RS = load_ruleset("wanren")
AS_OF = "2024-12-31"
PERIOD = "2024"
YEAR = 2024

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TIER_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

D = Decimal
ZERO = D(0)

MED = "医疗卫生类"
PUB = "公共卫生单位"
OFF = "机关处室"
GROUP_OF = {MED: "医疗卫生类", PUB: "机关中层类", OFF: "机关中层类"}  # 四(一), 四(二)
GROUP_ORDER = ["医疗卫生类", "机关中层类"]
TIER_ORDER = ["优秀", "良好", "一般"]

# 附件3 注1: problems each kind of unit rectifies
REQUIRED = {"综合性医院": 5, "专科性医院": 3, "其他": 2}
# 附件2 一 机会清单 (2分) and 附件2 二/三 (0.5分)
OPPORTUNITY_10 = {"满意": D(2), "一般满意": D("1.6"), "不满意": ZERO}
OPPORTUNITY_5 = {"满意": D("0.5"), "一般满意": D("0.4"), "不满意": ZERO}
# 附件2 一 优得0.8-1分，良得0.5-0.75分，一般得0.25-0.45分 (in hundredths)
GRADE_RANGE = {"优": (80, 100), "良": (50, 75), "一般": (25, 45)}
# 党政纪处分 per case: 附件2 一 (2, 1, 0.5) and 附件2 二 (0.5, 0.25, 0.15)
DISCIPLINE_10 = {"班子成员": D(2), "科室负责人": D(1), "一般人员": D("0.5")}
DISCIPLINE_5 = {"班子成员": D("0.5"), "科室负责人": D("0.25"), "一般人员": D("0.15")}
# 附件2 二 工作绩效评价排序: 前两位 0, 第3位 0.2, 第4位 0.3, 第5位 0.4, 第6位 (and below) 0.5
PUB_RANK_DEDUCTION = {1: ZERO, 2: ZERO, 3: D("0.2"), 4: D("0.3"), 5: D("0.4")}

# Items and their declared full marks (the category's score is at most their sum)
ITEMS = {
    MED: {
        "评议工作及机会清单": D(5),
        "问题清单_整改数量": D(1),
        "问题清单_整改质量": D(1),
        "问题清单_工作质量排序": D(1),
        "行风作风日常监督": D(2),
    },
    PUB: {
        "评议工作组织落实": D(2),
        "工作绩效评价排序": D("1.25"),
        "队伍及作风建设": D(1),
        "行风作风日常监督": D("0.75"),
    },
    OFF: {"日常整风肃纪": D(1), "工作绩效评价排序": D("2.5"), "作风效能日常监督": D(1), "机会清单落实": D("0.5")},
}
FULL_MARKS = {MED: D(10), PUB: D(5), OFF: D(5)}

HOSPITALS = [
    "温医大附属一院",
    "温医大附属二院",
    "温州市中心医院",
    "温州市人民医院",
    "温州市中医院",
    "温州市中西结合医院",
]
DEPARTMENTS = ["内科系统", "外科系统", "妇科", "骨科", "五官科", "急诊科", "药剂科", "检验科", "影像科"]
MED_POOL = [h + d for d in DEPARTMENTS for h in HOSPITALS]
MID_POOL = [
    "温州市疾病预防控制中心",
    "温州市卫生监督所",
    "温州市中心血站",
    "温州市健康妇幼指导中心",
    "温州市老年活动中心",
    "委办公室",
    "人事处",
    "财务处",
    "医政医管处",
    "基层卫生健康处",
    "疾病预防控制处",
    "妇幼健康处",
    "科技教育处",
    "规划发展与信息化处",
    "老龄健康处",
    "中医药管理处",
    "法规与综合监督处",
    "宣传处",
]


# ---------------------------------------------------------------------------
# strategies


def decimals(low: int, high: int) -> st.SearchStrategy[Any]:
    """A decimal in [low/100, high/100], as a string or as a Decimal."""
    return st.tuples(st.integers(low, high), st.booleans()).map(lambda t: str(D(t[0]) / 100) if t[1] else D(t[0]) / 100)


satisfied_st = st.lists(st.sampled_from([2021, 2022, 2023]), unique=True, max_size=3)
opportunity_st = st.sampled_from(sorted(OPPORTUNITY_10))
cases_st = st.lists(
    st.builds(
        lambda role, found: {"role": role, "self_found": found}, st.sampled_from(sorted(DISCIPLINE_10)), st.booleans()
    ),
    max_size=7,
)


@st.composite
def common(draw: st.DrawFn, category: str) -> dict[str, Any]:
    body: dict[str, Any] = {"type": category, "year": YEAR}
    if draw(st.booleans()):
        body["satisfied_years"] = draw(satisfied_st)
    return body


@st.composite
def med_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """附件2 一, with the ranges of the contract."""
    hospital_type = draw(st.sampled_from(sorted(REQUIRED)))
    rectified = draw(st.integers(0, 8))
    grade = draw(st.sampled_from(sorted(GRADE_RANGE)))
    body = draw(common(MED))
    body.update(
        {
            "mobilized": draw(st.booleans()),
            "published_info": draw(st.integers(0, 4)),
            "service_data_done": draw(st.booleans()),
            "followup_done": draw(st.booleans()),
            "opportunity_list": draw(opportunity_st),
            "hospital_type": hospital_type,
            "problems_rectified": rectified,
            "quality_deductions": draw(st.lists(decimals(1, 50), max_size=4)),
            "work_quality": {"grade": grade, "score": draw(decimals(*GRADE_RANGE[grade]))},
            "four_winds_cases": draw(st.integers(0, 6)),
            "complaint_mishandled": draw(st.booleans()),
            "discipline": draw(cases_st),
        }
    )
    if rectified > REQUIRED[hospital_type] and draw(st.booleans()):
        body["surplus_bonus"] = draw(decimals(0, 150))
    return body


@st.composite
def pub_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """附件2 二."""
    body = draw(common(PUB))
    body.update(
        {
            "mobilized": draw(st.booleans()),
            "internal_review": draw(st.booleans()),
            "service_data_done": draw(st.booleans()),
            "followup_done": draw(st.booleans()),
            "opportunity_list": draw(opportunity_st),
            "performance_rank": draw(st.integers(1, 9)),
            "team_scores": {
                "party": draw(decimals(0, 50)),
                "problem_list": draw(decimals(0, 25)),
                "campaign": draw(decimals(0, 25)),
            },
            "four_winds_cases": draw(st.integers(0, 4)),
            "complaint_mishandled": draw(st.booleans()),
            "discipline": draw(cases_st),
        }
    )
    return body


@st.composite
def off_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """附件2 三."""
    body = draw(common(OFF))
    body.update(
        {
            "appraisal_faults": draw(st.integers(0, 5)),
            "prohibition_breaches": draw(st.integers(0, 5)),
            "absences": draw(st.integers(0, 10)),
            "other_deductions": draw(st.lists(decimals(0, 50), max_size=3)),
            "performance_rank": draw(st.integers(1, 20)),
            "conduct_breaches": draw(st.integers(0, 5)),
            "verified_complaints": draw(st.integers(0, 5)),
            "disciplined": draw(st.booleans()),
            "opportunity_list": draw(opportunity_st),
        }
    )
    return body


@st.composite
def mild_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """Full marks but for 0–2 四风 cases (医疗卫生类, 公共卫生单位) or absences (机关处室): many ties."""
    category = draw(st.sampled_from([MED, PUB, OFF]))
    body = draw(common(category))
    small = draw(st.integers(0, 2))
    if category == MED:
        body.update(
            {
                "mobilized": True,
                "published_info": 1,
                "service_data_done": True,
                "followup_done": True,
                "opportunity_list": "满意",
                "hospital_type": "综合性医院",
                "problems_rectified": 5,
                "quality_deductions": [],
                "work_quality": {"grade": "优", "score": "1"},
                "four_winds_cases": small,
                "complaint_mishandled": False,
                "discipline": [],
            }
        )
    elif category == PUB:
        body.update(
            {
                "mobilized": True,
                "internal_review": True,
                "service_data_done": True,
                "followup_done": True,
                "opportunity_list": "满意",
                "performance_rank": 1,
                "team_scores": {"party": "0.5", "problem_list": "0.25", "campaign": "0.25"},
                "four_winds_cases": small,
                "complaint_mishandled": False,
                "discipline": [],
            }
        )
    else:
        body.update(
            {
                "appraisal_faults": 0,
                "prohibition_breaches": 0,
                "absences": small * 5,
                "other_deductions": [],
                "performance_rank": 1,
                "conduct_breaches": 0,
                "verified_complaints": 0,
                "disciplined": False,
                "opportunity_list": "满意",
            }
        )
    return body


# mild records weigh double, so that ties across tier boundaries are common
any_body = st.one_of(med_bodies(), pub_bodies(), off_bodies(), mild_bodies(), mild_bodies())


@st.composite
def record_lists(draw: st.DrawFn, min_size: int = 1, max_size: int = 12) -> list[dict[str, Any]]:
    """One record per unit: ids R-1, R-2, ... and distinct unit names."""
    bodies = draw(st.lists(any_body, min_size=min_size, max_size=max_size))
    records = []
    for i, body in enumerate(bodies):
        pool = MED_POOL if body["type"] == MED else MID_POOL
        records.append({"id": f"R-{i + 1}", "unit": pool[i % len(pool)] + ("" if i < len(pool) else f"{i}"), **body})
    return records


def run(records: list[dict[str, Any]]) -> Any:
    return RS.evaluate(copy.deepcopy(records), as_of=AS_OF, period=PERIOD)


# ---------------------------------------------------------------------------
# an independent oracle of 附件2, written from the contract


def _cases(record: dict[str, Any], table: dict[str, Decimal]) -> Decimal:
    return sum((table[c["role"]] for c in record["discipline"] if not c["self_found"]), ZERO)


def _clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return min(max(value, low), high)


def expected_items(record: dict[str, Any]) -> dict[str, Decimal]:
    category = record["type"]
    if category == MED:
        missing = max(REQUIRED[record["hospital_type"]] - record["problems_rectified"], 0)
        return {
            "评议工作及机会清单": (D("0.5") if record["mobilized"] else ZERO)
            + (D("0.5") if record["published_info"] >= 1 else ZERO)
            + (D(1) if record["service_data_done"] else ZERO)
            + (D(1) if record["followup_done"] else ZERO)
            + OPPORTUNITY_10[record["opportunity_list"]],
            "问题清单_整改数量": max(D(1) - D("0.5") * missing, ZERO),
            "问题清单_超额加分": D(str(record.get("surplus_bonus", 0))),
            "问题清单_整改质量": max(D(1) - sum((D(str(x)) for x in record["quality_deductions"]), ZERO), ZERO),
            "问题清单_工作质量排序": D(str(record["work_quality"]["score"])),
            "行风作风日常监督": max(
                D(2) - D("0.5") * record["four_winds_cases"] - (D(1) if record["complaint_mishandled"] else ZERO),
                ZERO,
            ),
            "党风廉政建设": -min(_cases(record, DISCIPLINE_10), D(10)),
        }
    if category == PUB:
        team = record["team_scores"]
        return {
            "评议工作组织落实": (D("0.25") if record["mobilized"] else ZERO)
            + (D("0.25") if record["internal_review"] else ZERO)
            + (D("0.5") if record["service_data_done"] else ZERO)
            + (D("0.5") if record["followup_done"] else ZERO)
            + OPPORTUNITY_5[record["opportunity_list"]],
            "工作绩效评价排序": D("1.25") - PUB_RANK_DEDUCTION.get(record["performance_rank"], D("0.5")),
            "队伍及作风建设": sum((D(str(team[k])) for k in ("party", "problem_list", "campaign")), ZERO),
            "行风作风日常监督": max(
                D("0.75")
                - D("0.25") * record["four_winds_cases"]
                - (D("0.25") if record["complaint_mishandled"] else ZERO)
                - _cases(record, DISCIPLINE_5),
                ZERO,
            ),
        }
    return {
        "日常整风肃纪": max(
            D(1)
            - D("0.25") * record["appraisal_faults"]
            - D("0.15") * record["prohibition_breaches"]
            - D("0.05") * record["absences"]
            - sum((D(str(x)) for x in record["other_deductions"]), ZERO),
            ZERO,
        ),
        "工作绩效评价排序": max(D("2.5") - D("0.25") * max(record["performance_rank"] - 5, 0), ZERO),
        "作风效能日常监督": max(
            D(1)
            - D("0.25") * record["conduct_breaches"]
            - D("0.25") * record["verified_complaints"]
            - (D(1) if record["disciplined"] else ZERO),
            ZERO,
        ),
        "机会清单落实": OPPORTUNITY_5[record["opportunity_list"]],
    }


def expected_points(record: dict[str, Any]) -> Decimal:
    # the total is kept within [0, full marks] as the last step
    return _clamp(sum(expected_items(record).values(), ZERO), ZERO, FULL_MARKS[record["type"]])


def item(result: Any, group: str) -> Decimal:
    return sum((t.points for t in result.trace if t.rule.startswith(group + ".")), ZERO)


def is_exempt(record: dict[str, Any]) -> bool:
    # 五2: named 满意 in both of the two years before `year`
    years = set(record.get("satisfied_years", []))
    return {record["year"] - 1, record["year"] - 2} <= years


def top_places(n: int) -> int:
    # 四(一)2 + contract: 优秀 and 一般 each take round_half_up(0.2·n) places
    return int((D("0.2") * n).quantize(D(1), rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------------------
# scores


@PROPERTY_SETTINGS
@given(records=record_lists())
def test_scores_and_items_within_their_full_marks(records: list[dict[str, Any]]) -> None:
    report = run(records)
    for record in records:
        result = report.record(record["id"])
        category = record["type"]
        assert ZERO <= result.points <= FULL_MARKS[category]
        for group, full in ITEMS[category].items():
            assert ZERO <= item(result, group) <= full, (record["id"], group)
        if category == MED:
            # 党风廉政 deducts only, at most 10 in all; the surplus bonus is never negative
            assert D(-10) <= item(result, "党风廉政建设") <= ZERO
            assert item(result, "问题清单_超额加分") >= ZERO
        # the trace accounts for every point
        assert sum((t.points for t in result.trace), ZERO) == result.points
        assert report.unit(record["unit"]).points == result.points


@PROPERTY_SETTINGS
@given(records=record_lists())
def test_scores_match_the_items_of_annex_2(records: list[dict[str, Any]]) -> None:
    report = run(records)
    for record in records:
        result = report.record(record["id"])
        for group, value in expected_items(record).items():
            assert item(result, group) == value, (record["id"], group)
        assert result.points == expected_points(record), record["id"]


def _worsen(record: dict[str, Any], how: str, amount: int) -> dict[str, Any] | None:
    """One more violation of 附件2 for the record's category; None if it does not apply."""
    worse = copy.deepcopy(record)
    category = record["type"]
    if how == "four_winds" and category in (MED, PUB):
        worse["four_winds_cases"] += amount
    elif how == "discipline" and category in (MED, PUB):
        roles = sorted(DISCIPLINE_10)
        worse["discipline"].append({"role": roles[amount % len(roles)], "self_found": False})
    elif how == "complaint" and category in (MED, PUB):
        worse["complaint_mishandled"] = True
    elif how == "rank" and category in (PUB, OFF):
        worse["performance_rank"] += amount
    elif how == "quality" and category == MED:
        worse["quality_deductions"].append(str(D(amount) / 10))  # 0.1–0.5
    elif how == "appraisal" and category == OFF:
        worse["appraisal_faults"] += amount
    elif how == "conduct" and category == OFF:
        worse["conduct_breaches"] += amount
        worse["disciplined"] = True if amount > 3 else worse["disciplined"]
    else:
        return None
    return worse


WORSENINGS = {
    MED: ["four_winds", "discipline", "complaint", "quality"],
    PUB: ["four_winds", "discipline", "complaint", "rank"],
    OFF: ["rank", "appraisal", "conduct"],
}


@PROPERTY_SETTINGS
@given(records=record_lists(), data=st.data(), amount=st.integers(1, 5))
def test_more_violations_never_raise_a_score(records: list[dict[str, Any]], data: st.DataObject, amount: int) -> None:
    index = data.draw(st.integers(0, len(records) - 1))
    how = data.draw(st.sampled_from(WORSENINGS[records[index]["type"]]))
    worse = _worsen(records[index], how, amount)
    assert worse is not None
    more = [*records[:index], worse, *records[index + 1 :]]
    rid, unit = records[index]["id"], records[index]["unit"]
    before, after = run(records), run(more)
    assert after.record(rid).points <= before.record(rid).points
    old, new = before.unit(unit), after.unit(unit)
    assert new.points <= old.points
    # the others are unchanged, so the unit's rank and tier cannot improve either
    if old.tier == "免评":
        assert (new.tier, new.rank) == ("免评", None)
    else:
        assert new.rank >= old.rank
        assert TIER_ORDER.index(new.tier) >= TIER_ORDER.index(old.tier)


# ---------------------------------------------------------------------------
# tiers


@TIER_SETTINGS
@given(records=record_lists(max_size=14))
def test_tiers_follow_ranks_within_groups(records: list[dict[str, Any]]) -> None:
    report = run(records)
    by_unit = {r["unit"]: r for r in records}
    any_boundary_tie = False
    for group in GROUP_ORDER:
        rows = [u for u in report.units if u.group == group]
        assert {u.unit for u in rows} == {r["unit"] for r in records if GROUP_OF[r["type"]] == group}
        exempt = [u for u in rows if is_exempt(by_unit[u.unit])]
        ranked = [u for u in rows if not is_exempt(by_unit[u.unit])]
        for u in exempt:
            assert (u.tier, u.rank) == ("免评", None)
            assert u.points == expected_points(by_unit[u.unit])
        # exempt units are listed last in their group; the others by rank
        assert rows == ranked + exempt
        assert [u.rank for u in ranked] == sorted(u.rank for u in ranked)
        n = len(ranked)
        k = top_places(n)
        points = sorted((u.points for u in ranked), reverse=True)
        for u in ranked:
            # competition rank within the group
            rank = 1 + sum(1 for p in points if p > u.points)
            assert u.rank == rank
            # ties get the better tier: a tied block takes the tier of its best place
            tier = "优秀" if rank <= k else "良好" if rank <= n - k else "一般"
            assert u.tier == tier, (group, u.unit, u.points, points)
        # every tied group shares one tier, and tiers are monotone in points
        for a in ranked:
            for b in ranked:
                if a.points == b.points:
                    assert a.tier == b.tier
                elif a.points > b.points:
                    assert TIER_ORDER.index(a.tier) <= TIER_ORDER.index(b.tier)
        # no tie across a boundary: the counts are exactly the rounding rule's
        tie_top = 0 < k < n and points[k - 1] == points[k]
        tie_bottom = 0 < k < n and points[n - k - 1] == points[n - k]
        any_boundary_tie = any_boundary_tie or tie_top or tie_bottom
        tiers = [u.tier for u in ranked]
        if not tie_top and not tie_bottom:
            assert (tiers.count("优秀"), tiers.count("良好"), tiers.count("一般")) == (k, n - 2 * k, k)
        else:
            assert tiers.count("优秀") >= k
            assert tiers.count("一般") <= k
    # groups in order: 医疗卫生类 first
    order = [GROUP_ORDER.index(u.group) for u in report.units]
    assert order == sorted(order)
    # a tie across a boundary is warned (a warning of no record); otherwise nothing is
    assert bool([w for w in report.warnings if w.record is None]) == any_boundary_tie


# ---------------------------------------------------------------------------
# output


@PROPERTY_SETTINGS
@given(records=record_lists(max_size=10), data=st.data())
def test_result_does_not_depend_on_record_order(records: list[dict[str, Any]], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(records))
    assert run(shuffled).to_json() == run(records).to_json()


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
            number = D(value)
        except InvalidOperation as err:  # pragma: no cover - the assertion message is the point
            raise AssertionError(f"{key} = {value!r} is not a decimal") from err
        assert number.is_finite()
        assert "e" not in value.lower()
        assert value != "-0"


@PROPERTY_SETTINGS
@given(records=record_lists())
def test_json_has_only_exact_decimal_strings(records: list[dict[str, Any]]) -> None:
    report = run(records)
    data = report.to_json()
    _walk(data)
    assert data["period"] == PERIOD
    for unit in data["units"]:
        assert unit["group"] in GROUP_ORDER
        assert unit["rank"] is None or isinstance(unit["rank"], int)
        assert unit["tier"] in ("优秀", "良好", "一般", "免评")
    for record in report.records:
        assert isinstance(record.points, Decimal)
        for line in record.trace:
            assert isinstance(line.points, Decimal)
    for unit in report.units:
        assert isinstance(unit.points, Decimal)
    # the JSON figures are the model's, exactly
    json_points = {u["unit"]: D(u["points"]) for u in data["units"]}
    assert json_points == {u.unit: u.points for u in report.units}
