"""Hand-written per-record scoring of the three bundled rulesets: the benchmark's baseline.

Each function is the plain Python a programmer would write for one ruleset without the
engine: it reads the raw record dict (as ``json.loads(line, parse_float=Decimal)`` gives
it, with the canonical spellings), looks amounts up in dicts of ``Decimal`` constants
built once, and returns the record's ``(points, yuan)`` as the ruleset's score block
computes them, before units are credited.  There is no validation, no trace, no
warnings, no units, ranks or awards: that is what makes it a lower bound, and
``benchmarks/run.py`` checks that every function gives exactly the engine's numbers on
every generated record before it times anything.

Dates are ISO ``YYYY-MM-DD`` strings in the raw records; where only their order matters
they are compared as strings (which is exact for valid ISO dates), and parsed only where
the rules do arithmetic on them (an obligation's deadline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

Score = tuple[Decimal, Decimal]
Raw = Mapping[str, Any]

ZERO = Decimal(0)
HALF = Decimal("0.5")

# --- wenzhou: 温州市中医院《党政信息报送工作管理办法》三 -------------------------------------

# 三(一): base points by kind (the ruleset's aliases included).
WENZHOU_BASE = {
    "快报": Decimal("0.5"),
    "快报(成效类)": Decimal("0.5"),
    "动态汇报(成效类)": Decimal(1),
    "动态汇报(问题类)": Decimal(1),
    "专报": Decimal(3),
    "参阅/调研稿": Decimal(3),
    "参阅稿": Decimal(3),
    "调研稿": Decimal(3),
}
# 三(二): (points, yuan) of each adoption; only the highest one is paid.
WENZHOU_BONUS = {
    ("市卫健委", "采用"): (Decimal(1), Decimal(100)),
    ("市委市政府", "采用"): (Decimal(3), Decimal(300)),
    ("市委市政府", "批示"): (Decimal(5), Decimal(600)),
    ("省委省政府", "采用"): (Decimal(5), Decimal(600)),
    ("省委省政府", "批示"): (Decimal(10), Decimal(800)),
}


def wenzhou(record: Raw) -> Score:
    """One article: nothing unless qualified; base by kind plus the single highest bonus."""
    if not record["qualified"]:
        return ZERO, ZERO
    points = WENZHOU_BASE[record["kind"]]
    adoptions = record.get("adoptions")
    if not adoptions:
        return points, ZERO
    bonus_points, bonus_yuan = max(WENZHOU_BONUS[a["level"], a["action"]] for a in adoptions)
    return points + bonus_points, bonus_yuan


# --- ganzhou: 赣州市医疗保障局 赣市医保字〔2020〕33号 四, 附件2 ------------------------------

# 四(二)1: every adoption counts, cumulatively (市级批示 20: the body text governs).
GANZHOU_ADOPTION = {
    ("市局", "采用"): Decimal(10),
    ("市级", "采用"): Decimal(20),
    ("市级", "批示"): Decimal(20),
    ("省局", "采用"): Decimal(50),
    ("省级", "采用"): Decimal(100),
    ("省级", "批示"): Decimal(50),
    ("国家级", "采用"): Decimal(200),
    ("国家级", "批示"): Decimal(100),
}
GANZHOU_DEADLINE_DAYS = {"重要会议": 5, "重大部署": 20, "约稿": 0}
GANZHOU_MISSED = {"重要会议": Decimal(-50), "重大部署": Decimal(-50), "约稿": Decimal(-10)}
GANZHOU_LATE = Decimal(-10)
GANZHOU_ROUTINE = Decimal(1)
GANZHOU_SOLICITED_ADOPTED = Decimal(10)
GANZHOU_PENALTY = Decimal(-100)
GANZHOU_MAX_REVISIONS = 1


def ganzhou_submission(record: Raw) -> Score:
    """One article: late 约稿 −10 whatever the review says; then only if accepted after at
    most one revision: the base points and the cumulative adoption bonus, halved for 综."""
    points = ZERO
    solicited = record["kind"] == "约稿"
    late = solicited and record["submitted_on"] > record["due_on"]
    if late:
        points += GANZHOU_LATE
    if not record["accepted"] or record["revisions"] > GANZHOU_MAX_REVISIONS:
        return points, ZERO
    adoptions = record.get("adoptions") or ()
    halved = record.get("composite") == "综"
    if not solicited:
        points += GANZHOU_ROUTINE
    elif not late:
        points += GANZHOU_SOLICITED_ADOPTED if adoptions and not halved else GANZHOU_ROUTINE
    if adoptions:
        bonus = sum(GANZHOU_ADOPTION[a["level"], a["action"]] for a in adoptions)
        points += bonus * HALF if halved else bonus
    return points, ZERO


def ganzhou_obligation(record: Raw, as_of: dt.date) -> Score:
    """Missed when reported after the deadline, or not reported (by ``as_of``) and overdue."""
    kind = record["kind"]
    deadline = dt.date.fromisoformat(record["occurred_on"]) + dt.timedelta(days=GANZHOU_DEADLINE_DAYS[kind])
    reported_on = record.get("reported_on")
    reported = dt.date.fromisoformat(reported_on) if reported_on is not None else None
    if reported is not None and reported > as_of:
        reported = None  # reported after the as-of date: not yet reported
    missed = reported > deadline if reported is not None else as_of > deadline
    return (GANZHOU_MISSED[kind] if missed else ZERO), ZERO


def ganzhou_penalty(record: Raw) -> Score:
    return GANZHOU_PENALTY, ZERO


def ganzhou(as_of: dt.date) -> Callable[[Raw], Score]:
    """The 赣州 per-record score of any record type, for one as-of date."""

    def score(record: Raw) -> Score:
        kind = record["type"]
        if kind == "submission":
            return ganzhou_submission(record)
        if kind == "obligation":
            return ganzhou_obligation(record, as_of)
        return ganzhou_penalty(record)

    return score


# --- wanren: 2024年度温州市卫生健康系统"万人双评议"实施细则 附件2 ------------------------------

WANREN_REQUIRED = {"综合性医院": 5, "专科性医院": 3, "其他": 2}  # 附件3 注1
WANREN_LIST_10 = {"满意": Decimal(2), "一般满意": Decimal("1.6"), "不满意": ZERO}
WANREN_LIST_5 = {"满意": Decimal("0.5"), "一般满意": Decimal("0.4"), "不满意": ZERO}
WANREN_DISCIPLINE_10 = {"班子成员": Decimal(2), "科室负责人": Decimal(1), "一般人员": Decimal("0.5")}
WANREN_DISCIPLINE_5 = {"班子成员": Decimal("0.5"), "科室负责人": Decimal("0.25"), "一般人员": Decimal("0.15")}
WANREN_RANK_5 = {1: ZERO, 2: ZERO, 3: Decimal("0.2"), 4: Decimal("0.3"), 5: Decimal("0.4")}
WANREN_RANK_5_ELSE = Decimal("0.5")

D0_05 = Decimal("0.05")
D0_15 = Decimal("0.15")
D0_25 = Decimal("0.25")
D0_5 = Decimal("0.5")
D0_75 = Decimal("0.75")
D1 = Decimal(1)
D1_25 = Decimal("1.25")
D2 = Decimal(2)
D2_5 = Decimal("2.5")
D5 = Decimal(5)
D10 = Decimal(10)


def _within(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return low if value < low else high if value > high else value


def wanren_medical(record: Raw) -> Score:
    """附件2 一 医疗卫生类, at most 10."""
    points = WANREN_LIST_10[record["opportunity_list"]]
    if record["mobilized"]:
        points += D0_5
    if record["published_info"] >= 1:
        points += D0_5
    if record["service_data_done"]:
        points += D1
    if record["followup_done"]:
        points += D1
    missing = WANREN_REQUIRED[record["hospital_type"]] - record["problems_rectified"]
    points += max(D1 - D0_5 * missing, ZERO) if missing > 0 else D1
    points += record.get("surplus_bonus") or ZERO
    deductions = record.get("quality_deductions")
    points += max(D1 - sum(deductions), ZERO) if deductions else D1
    points += record["work_quality"]["score"]
    conduct = D2 - D0_5 * record["four_winds_cases"]
    if record["complaint_mishandled"]:
        conduct -= D1
    points += max(conduct, ZERO)
    cases = record.get("discipline")
    if cases:
        points -= min(sum(WANREN_DISCIPLINE_10[c["role"]] for c in cases if not c["self_found"]), D10)
    return _within(points, ZERO, D10), ZERO


def wanren_public_health(record: Raw) -> Score:
    """附件2 二 委属公共卫生健康单位, at most 5."""
    points = WANREN_LIST_5[record["opportunity_list"]]
    if record["mobilized"]:
        points += D0_25
    if record["internal_review"]:
        points += D0_25
    if record["service_data_done"]:
        points += D0_5
    if record["followup_done"]:
        points += D0_5
    points += D1_25 - WANREN_RANK_5.get(record["performance_rank"], WANREN_RANK_5_ELSE)
    team = record["team_scores"]
    points += team["party"] + team["problem_list"] + team["campaign"]
    conduct = D0_75 - D0_25 * record["four_winds_cases"]
    if record["complaint_mishandled"]:
        conduct -= D0_25
    for case in record.get("discipline") or ():
        if not case["self_found"]:
            conduct -= WANREN_DISCIPLINE_5[case["role"]]
    points += max(conduct, ZERO)
    return _within(points, ZERO, D5), ZERO


def wanren_office(record: Raw) -> Score:
    """附件2 三 委机关中层处室, at most 5."""
    routine = (
        D1
        - D0_25 * record["appraisal_faults"]
        - D0_15 * record["prohibition_breaches"]
        - D0_05 * record["absences"]
        - sum(record.get("other_deductions") or (), ZERO)
    )
    points = max(routine, ZERO)
    points += max(D2_5 - D0_25 * max(record["performance_rank"] - 5, 0), ZERO)
    conduct = D1 - D0_25 * record["conduct_breaches"] - D0_25 * record["verified_complaints"]
    if record["disciplined"]:
        conduct -= D1
    points += max(conduct, ZERO)
    points += WANREN_LIST_5[record["opportunity_list"]]
    return _within(points, ZERO, D5), ZERO


WANREN = {"医疗卫生类": wanren_medical, "公共卫生单位": wanren_public_health, "机关处室": wanren_office}


def wanren(record: Raw) -> Score:
    """The 万人双评议 score of a record of any of the three categories."""
    return WANREN[record["type"]](record)
