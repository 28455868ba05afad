"""Benchmark of govinfo-rules against hand-written Python: throughput, compile time, end to end.

Usage::

    python benchmarks/run.py [--records N] [--lines M] [--repeats K] [--budget S] [--quick] [--json FILE]
    python benchmarks/run.py --profile [--records N]

One run prints four tables (docs/performance.md explains them and the targets):

1. For each bundled ruleset, N generated valid records (deterministic, ``--seed``), the
   throughput of a hand-written per-record function (``baselines.py``, checked first to
   give exactly the engine's numbers on every record) and of the engine's paths, each
   with its time as a multiple of the hand-written function's, measured in the same run:
   ``Ruleset.scorer`` per validated record, ``evaluate_validated`` without and with the
   trace, ``validate`` alone, and ``validate`` + ``evaluate_validated`` from raw dicts.
   Each figure is the best of up to K runs (fewer once S seconds are spent, more for a
   figure of milliseconds; see :func:`best_of`) timed with ``time.perf_counter`` and the
   garbage collector disabled (it is collected before each run).
2. Compile time of each bundled ruleset in a fresh interpreter: the import, the first
   ``load_ruleset`` (cold) and a second one in the same process; and how many Lark
   parsers one process builds while loading every ruleset twice.
3. End to end: ``govinfo-rules score wenzhou FILE --as-of 2024-12-31 --format json -o OUT``
   on an M-line JSON Lines file, against a loop that only ``json.loads`` each line, both
   as subprocesses, with wall time and peak resident memory (``ru_maxrss`` of that child);
   and a loop that keeps every parsed line, for the memory that holding them costs.
4. Each of the issue's targets beside the measured figure (printed, never asserted).

``--profile`` instead runs cProfile over ``evaluate_validated`` on N wenzhou records and
prints the functions that take the most time.  Only the standard library and
govinfo_rules are used.  This is a script, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import functools
import gc
import itertools
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import baselines  # beside this file: the script's directory is first on sys.path

import govinfo_rules
from govinfo_rules import Record, Ruleset, load_ruleset
from govinfo_rules.resources import bundled_rulesets

SEED = 20241231
D = Decimal

# --- deterministic, realistic records -----------------------------------------------------------

WENZHOU_UNITS = (
    "医务科",
    "护理部",
    "党政综合办",
    "门诊部",
    "治未病中心",
    "药剂科",
    "科教科",
    "质控科",
    "医保办",
    "信息中心",
    "急诊科",
    "针灸推拿科",
    "骨伤科",
    "宣传统战科",
    "纪检监察室",
    "后勤保障部",
    "财务科",
    "人事科",
    "心血管内科",
    "肿瘤科",
)
# Departments do not submit equally: the office and the medical affairs desk write most.
WENZHOU_UNIT_WEIGHTS = (14, 10, 16, 8, 6, 4, 5, 4, 4, 3, 4, 3, 3, 6, 2, 2, 2, 2, 1, 1)
_AUTHOR_NAMES = (
    "余晓东 叶思远 吴丽娜 周婷婷 徐露 戴琳 施宇航 朱永康 杨帆 林晓燕 池海燕 潘伟 王志强 章立新 胡佳怡 "
    "蔡明慧 谢雨欣 郑建华 金晨曦 陈静 黄海波 李文博 张晓燕 王丽君 陈建国 刘思琪 赵一鸣 孙悦 钱卫东 "
    "徐佳丽 朱晓峰 郭婉婷 何志明 高雅 林海 罗晓红 梁斌 宋佳 唐敏 韩雪"
)
WENZHOU_AUTHORS = tuple(_AUTHOR_NAMES.split())
WENZHOU_KINDS = ("快报", "动态汇报(成效类)", "动态汇报(问题类)", "专报", "参阅/调研稿", "快报(成效类)", "调研稿")
WENZHOU_KIND_WEIGHTS = (40, 24, 10, 14, 8, 2, 2)  # the last two: aliases the ruleset accepts
WENZHOU_CHARS = {"快报": (300, 60), "动态汇报": (600, 120), "长稿": (2500, 450)}
WENZHOU_LEVELS = ("市卫健委", "市委市政府", "省委省政府")
WENZHOU_TITLES = (
    "温州市中医院冬令膏方节开幕 个性化膏方调理迎来高峰",
    "温州市中医院与10家社区卫生服务中心组建紧密型医联体 优质中医资源加速下沉",
    "温州市中医院召开2024年度党建暨党风廉政建设工作会议",
    "温州市中医院推出“互联网+中医护理”上门服务 居家老人足不出户享护理",
    "温州市中医院推出助老陪诊服务 老年患者就医更便利",
    "温州市中医院智慧中药房投入使用 中药代煎“送药到家”",
    "温州市中医院推进日间手术扩面提质 平均住院日缩短1.2天",
    "春节期间酒精中毒急诊就诊量明显增加需引起关注",
    "温州市中医院“一站式”门诊服务中心启用 11项业务一窗通办",
    "温州市中医院中医护理门诊开诊一年服务患者超1.5万人次",
    "温州市中医院落实中医优势病种按病组付费改革 患者次均费用下降8.3%",
    "关于我院中医药人才队伍建设的调研报告",
)

GANZHOU_OUTSIDE = ("赣州市卫生健康委员会", "南康区卫生健康委员会")  # not in 附件3: a warning each
GANZHOU_LEVELS = ("市局", "市级", "省局", "省级", "国家级")
GANZHOU_TITLES = (
    "市医保局召开2020年上半年工作总结暨下半年工作部署会",
    "我市城乡居民门诊特殊慢性病待遇认定实现“就近办”",
    "我市推进集采药品货款医保基金直接结算",
    "医保局深入乡镇督导医保扶贫政策落实",
    "市医保中心开展定点零售药店“进销存”专项稽核",
    "我市聘请医保基金社会监督员 织密基金监管网",
)

WANREN_HOSPITALS = (
    "温医大附属一院",
    "温医大附属二院",
    "温州市人民医院",
    "温州市中医院",
    "温州市中西结合医院",
    "温州市第七人民医院",
    "温州市急救中心",
)
WANREN_DEPARTMENTS = ("内科系统", "外科系统", "妇科", "骨科", "五官科", "急诊科", "药剂科", "检验科", "影像科")
WANREN_OFFICES = ("办公室", "组织人事处", "规划发展与信息化处", "财务审计处", "法规处", "医政医管处", "药政处")
WANREN_PUBLIC = ("疾病预防控制中心", "卫生监督所", "中心血站", "健康妇幼指导中心", "老年活动中心")
SATISFACTION = ("满意", "一般满意", "不满意")
SATISFACTION_WEIGHTS = (70, 25, 5)
ROLES = ("班子成员", "科室负责人", "一般人员")
ROLE_WEIGHTS = (10, 30, 60)


@functools.cache
def _cumulative(weights: tuple[int, ...]) -> list[int]:
    return list(itertools.accumulate(weights))


def _pick(rng: random.Random, values: Sequence[Any], weights: tuple[int, ...]) -> Any:
    return rng.choices(values, cum_weights=_cumulative(weights))[0]


def _day(rng: random.Random, year: int, last: dt.date | None = None) -> dt.date:
    first = dt.date(year, 1, 1).toordinal()
    end = (last or dt.date(year, 12, 31)).toordinal()
    return dt.date.fromordinal(rng.randint(first, end))


def wenzhou_records(n: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """Articles of 2024: ~90% qualified, 0–3 adoptions (mostly none, mostly 市卫健委)."""
    rng = random.Random(seed)
    for i in range(n):
        kind = _pick(rng, WENZHOU_KINDS, WENZHOU_KIND_WEIGHTS)
        submitted = _day(rng, 2024)
        adoptions = []
        for _ in range(_pick(rng, (0, 1, 2, 3), (60, 28, 9, 3))):
            level = _pick(rng, WENZHOU_LEVELS, (65, 27, 8))
            action = "批示" if level != "市卫健委" and rng.random() < 0.25 else "采用"
            adoptions.append({"level": level, "action": action})
        record: dict[str, Any] = {
            "id": f"WZ-{i + 1:07d}",
            "unit": _pick(rng, WENZHOU_UNITS, WENZHOU_UNIT_WEIGHTS),
            "authors": rng.sample(WENZHOU_AUTHORS, _pick(rng, (1, 2, 3), (75, 20, 5))),
            "submitted_on": submitted.isoformat(),
            "kind": kind,
            "qualified": rng.random() < 0.9,
            "adoptions": adoptions,
        }
        if rng.random() < 0.9:
            mean, spread = WENZHOU_CHARS["快报" if "快报" in kind else "动态汇报" if "动态" in kind else "长稿"]
            chars = rng.gauss(mean, spread) * (0.3 if rng.random() < 0.03 else 1)  # a few far off the guidance
            record["chars"] = max(int(chars), 0)
        if rng.random() < 0.9:
            late = rng.random() < 0.08
            record["event_on"] = (
                submitted - dt.timedelta(days=rng.randint(11, 30) if late else rng.randint(0, 10))
            ).isoformat()
        record["title"] = rng.choice(WENZHOU_TITLES)
        yield record


def _ganzhou_units() -> tuple[str, ...]:
    path = bundled_rulesets()["ganzhou"].parent / "ganzhou-tasks.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(row["unit"] for row in csv.DictReader(handle))


def ganzhou_records(n: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """A 2020 ledger: ~90% submissions (some 约稿, some composite, a few adoptions),
    ~9% obligations (reported on time, late or not at all), ~1% penalties."""
    rng = random.Random(seed)
    units = _ganzhou_units()
    weights = tuple(3 if u in units[:10] else 2 if "医疗保障局" in u else 1 for u in units)

    def unit() -> str:
        return rng.choice(GANZHOU_OUTSIDE) if rng.random() < 0.01 else _pick(rng, units, weights)

    for i in range(n):
        record_id = f"GZ-{i + 1:07d}"
        kind_of_record = rng.random()
        if kind_of_record < 0.90:
            submitted = _day(rng, 2020)
            credited = [unit()] if rng.random() < 0.85 else rng.sample(units, rng.randint(2, 3))
            record: dict[str, Any] = {
                "type": "submission",
                "id": record_id,
                "submitted_on": submitted.isoformat(),
                "units": credited,
                "kind": "约稿" if rng.random() < 0.12 else "常规",
            }
            if record["kind"] == "约稿":
                offset = -rng.randint(1, 5) if rng.random() < 0.15 else rng.randint(0, 10)
                record["due_on"] = (submitted + dt.timedelta(days=offset)).isoformat()
            record["accepted"] = rng.random() < 0.94
            record["revisions"] = _pick(rng, (0, 1, 2), (75, 20, 5))
            if len(credited) > 1:
                record["composite"] = "综" if rng.random() < 0.7 else "单"
            adoptions = []
            for _ in range(_pick(rng, (0, 1, 2, 3), (70, 20, 8, 2))):
                level = _pick(rng, GANZHOU_LEVELS, (55, 25, 10, 8, 2))
                action = "批示" if level in ("市级", "省级", "国家级") and rng.random() < 0.2 else "采用"
                adoptions.append({"level": level, "action": action})
            record["adoptions"] = adoptions
            record["title"] = rng.choice(GANZHOU_TITLES)
            yield record
        elif kind_of_record < 0.99:
            kind = _pick(rng, ("重要会议", "重大部署", "约稿"), (45, 35, 20))
            occurred = _day(rng, 2020, dt.date(2020, 12, 10))  # every deadline falls in 2020
            deadline = occurred + dt.timedelta(days=baselines.GANZHOU_DEADLINE_DAYS[kind])
            chance = rng.random()
            if chance < 0.6:
                reported: str | None = (
                    occurred + dt.timedelta(days=rng.randint(0, (deadline - occurred).days))
                ).isoformat()
            elif chance < 0.85:
                reported = (deadline + dt.timedelta(days=rng.randint(1, 15))).isoformat()
            else:
                reported = None
            yield {
                "type": "obligation",
                "id": record_id,
                "unit": unit(),
                "kind": kind,
                "occurred_on": occurred.isoformat(),
                "reported_on": reported,
            }
        else:
            yield {
                "type": "penalty",
                "id": record_id,
                "unit": unit(),
                "kind": "重大失误",
                "on": _day(rng, 2020).isoformat(),
            }


def _steps(low: str, high: str, step: str) -> tuple[Decimal, ...]:
    values, value = [], D(low)
    while value <= D(high):
        values.append(value)
        value += D(step)
    return tuple(values)


QUALITY_RANGES = {
    "优": _steps("0.8", "1", "0.05"),
    "良": _steps("0.5", "0.75", "0.05"),
    "一般": _steps("0.25", "0.45", "0.05"),
}
DEDUCTIONS = tuple(D(x) for x in ("0.1", "0.2", "0.25", "0.3", "0.5"))
SURPLUS = tuple(D(x) for x in ("0.1", "0.2", "0.3", "0.5"))


def _cases(rng: random.Random) -> list[dict[str, Any]]:
    return [
        {"role": _pick(rng, ROLES, ROLE_WEIGHTS), "self_found": rng.random() < 0.3}
        for _ in range(_pick(rng, (0, 1, 2), (85, 12, 3)))
    ]


def wanren_records(n: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """One record per unit for 2024 in the three categories (~80% 医疗卫生类); decimals
    are ``Decimal`` as ``json.loads(..., parse_float=Decimal)`` gives them."""
    rng = random.Random(seed)
    for i in range(n):
        category = _pick(rng, ("医疗卫生类", "公共卫生单位", "机关处室"), (80, 8, 12))
        if category == "医疗卫生类":
            unit = f"{rng.choice(WANREN_HOSPITALS)}{rng.choice(WANREN_DEPARTMENTS)}{i + 1:06d}"
        elif category == "公共卫生单位":
            unit = f"温州市{rng.choice(WANREN_PUBLIC)}{i + 1:06d}"
        else:
            unit = f"{rng.choice(WANREN_OFFICES)}{i + 1:06d}"
        record: dict[str, Any] = {"type": category, "id": f"WR-{i + 1:07d}", "unit": unit, "year": 2024}
        chance = rng.random()
        if chance < 0.05:
            record["satisfied_years"] = [2022, 2023]  # 免评
        elif chance < 0.2:
            record["satisfied_years"] = [2023]
        opportunity = _pick(rng, SATISFACTION, SATISFACTION_WEIGHTS)
        if category == "医疗卫生类":
            hospital = _pick(rng, ("综合性医院", "专科性医院", "其他"), (50, 30, 20))
            required = baselines.WANREN_REQUIRED[hospital]
            rectified = max(required + _pick(rng, (-2, -1, 0, 1, 2), (3, 7, 75, 10, 5)), 0)
            grade = _pick(rng, ("优", "良", "一般"), (60, 30, 10))
            record.update(
                mobilized=rng.random() < 0.95,
                published_info=rng.randint(0, 8),
                service_data_done=rng.random() < 0.95,
                followup_done=rng.random() < 0.92,
                opportunity_list=opportunity,
                hospital_type=hospital,
                problems_rectified=rectified,
                quality_deductions=[rng.choice(DEDUCTIONS) for _ in range(_pick(rng, (0, 1, 2), (60, 30, 10)))],
                work_quality={"grade": grade, "score": rng.choice(QUALITY_RANGES[grade])},
                four_winds_cases=_pick(rng, (0, 1, 2), (90, 8, 2)),
                complaint_mishandled=rng.random() < 0.05,
                discipline=_cases(rng),
            )
            if rectified > required and rng.random() < 0.5:
                record["surplus_bonus"] = rng.choice(SURPLUS)
        elif category == "公共卫生单位":
            record.update(
                mobilized=rng.random() < 0.95,
                internal_review=rng.random() < 0.9,
                service_data_done=rng.random() < 0.95,
                followup_done=rng.random() < 0.92,
                opportunity_list=opportunity,
                performance_rank=rng.randint(1, 8),
                team_scores={
                    "party": rng.choice(_steps("0.3", "0.5", "0.05")),
                    "problem_list": rng.choice(_steps("0.1", "0.25", "0.05")),
                    "campaign": rng.choice(_steps("0.1", "0.25", "0.05")),
                },
                four_winds_cases=_pick(rng, (0, 1, 2), (90, 8, 2)),
                complaint_mishandled=rng.random() < 0.05,
                discipline=_cases(rng),
            )
        else:
            record.update(
                appraisal_faults=_pick(rng, (0, 1, 2), (85, 12, 3)),
                prohibition_breaches=_pick(rng, (0, 1), (95, 5)),
                absences=_pick(rng, (0, 1, 2, 3), (80, 12, 6, 2)),
                other_deductions=[rng.choice(DEDUCTIONS[:2])] if rng.random() < 0.07 else [],
                performance_rank=rng.randint(1, 20),
                conduct_breaches=_pick(rng, (0, 1), (92, 8)),
                verified_complaints=_pick(rng, (0, 1), (92, 8)),
                disciplined=rng.random() < 0.03,
                opportunity_list=opportunity,
            )
        yield record


@dataclass(frozen=True)
class Bench:
    """One bundled ruleset as benchmarked: its records, evaluation date and baseline."""

    name: str
    generate: Callable[[int, int], Iterable[dict[str, Any]]]
    as_of: dt.date
    period: str | None
    baseline: Callable[[dt.date], Callable[[dict[str, Any]], baselines.Score]]


BENCHES = (
    Bench("wenzhou", wenzhou_records, dt.date(2024, 12, 31), None, lambda as_of: baselines.wenzhou),
    Bench("ganzhou", ganzhou_records, dt.date(2020, 12, 31), "2020", baselines.ganzhou),
    Bench("wanren", wanren_records, dt.date(2024, 12, 31), "2024", lambda as_of: baselines.wanren),
)

# --- timing -------------------------------------------------------------------------------------


def best_of(run: Callable[[], object], repeats: int, budget: float) -> tuple[float, int]:
    """The shortest timing of ``run()`` and how many were taken.

    Up to ``repeats`` runs, but no more once ``budget`` seconds have been spent (at least
    two unless ``repeats`` is one); a short measurement goes on, up to ``5 * repeats``
    runs, until a second has been spent, so that a figure of a few milliseconds — the
    baseline's — is not one unlucky run.  The garbage collector is off while timing,
    with a full collection before each run."""
    times: list[float] = []
    enabled = gc.isenabled()

    def more() -> bool:
        spent, done = sum(times), len(times)
        if done < min(repeats, 2):
            return True
        if done < repeats and spent < budget:
            return True
        return done < 5 * repeats and spent < 1.0

    try:
        while more():
            gc.collect()
            gc.disable()
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
            gc.enable()
    finally:
        if enabled:
            gc.enable()
        else:
            gc.disable()
    return min(times), len(times)


class Mismatch(Exception):
    """The hand-written baseline and the engine disagree: the comparison would be worthless."""


def _scorer_of(
    ruleset: Ruleset, types: Iterable[str], as_of: dt.date, period: str | None, *, trace: bool = False
) -> Callable[[Record], Any]:
    make = ruleset.tracer if trace else ruleset.scorer
    scorers: dict[str, Callable[[Record], Any]] = {t: make(t, as_of=as_of, period=period) for t in sorted(set(types))}
    if len(scorers) == 1:
        return next(iter(scorers.values()))

    def score(record: Record) -> Any:
        return scorers[record.type](record)

    return score


def verify(bench: Bench, ruleset: Ruleset, dicts: list[dict[str, Any]], typed: list[Record]) -> tuple[int, int]:
    """Check the baseline against ``Ruleset.scorer`` on every record and against the
    report's credits; raise :class:`Mismatch` at the first difference.  Returns the
    number of credits compared through the report and of distinct (points, yuan) seen."""
    hand = bench.baseline(bench.as_of)
    engine = _scorer_of(ruleset, (r.type for r in typed), bench.as_of, bench.period)
    tracer = _scorer_of(ruleset, (r.type for r in typed), bench.as_of, bench.period, trace=True)
    if len(dicts) != len(typed):
        raise Mismatch(f"{bench.name}: {len(dicts)} records generated, {len(typed)} validated")
    expected: dict[str, baselines.Score] = {}
    for raw, record in zip(dicts, typed, strict=True):
        if record.id != raw["id"]:
            raise Mismatch(f"{bench.name}: record order changed: {raw['id']} validated as {record.id}")
        mine, theirs = hand(raw), engine(record)
        if mine != theirs:
            raise Mismatch(f"{bench.name}: record {record.id}: hand-written {mine} != Ruleset.scorer {theirs}\n{raw}")
        outcome = tracer(record)
        if (outcome.points, outcome.yuan) != mine:
            raise Mismatch(f"{bench.name}: record {record.id}: hand-written {mine} != Ruleset.tracer {outcome}")
        expected[record.id] = mine
    report = ruleset.evaluate_validated(typed, as_of=bench.as_of, period=bench.period, trace=False)
    compared = 0
    for result in report.records:
        if not result.counted:
            continue
        for credit in result.credits:
            if (credit.points, credit.yuan) != expected[result.id]:
                raise Mismatch(
                    f"{bench.name}: record {result.id}: hand-written {expected[result.id]} != report credit {credit}"
                )
            compared += 1
    return compared, len(set(expected.values()))


@dataclass
class Row:
    ruleset: str
    what: str
    records: int
    seconds: float
    repeats: int
    ratio: float | None = None

    @property
    def per_second(self) -> float:
        return self.records / self.seconds if self.seconds else float("inf")


def throughput(
    bench: Bench, n: int, seed: int, repeats: int, budget: float, log: Callable[[str], None]
) -> tuple[list[Row], int]:
    ruleset = load_ruleset(bench.name)
    dicts = list(bench.generate(n, seed))
    typed = ruleset.validate(dicts)
    compared, distinct = verify(bench, ruleset, dicts, typed)
    log(
        f"  {bench.name}: {n} records; hand-written = Ruleset.scorer on every one ({distinct} distinct scores), "
        f"= the report's {compared} credits"
    )
    hand = bench.baseline(bench.as_of)
    engine = _scorer_of(ruleset, (r.type for r in typed), bench.as_of, bench.period)
    tracer = _scorer_of(ruleset, (r.type for r in typed), bench.as_of, bench.period, trace=True)
    as_of, period = bench.as_of, bench.period

    def run_hand() -> None:
        for raw in dicts:
            hand(raw)

    def run_scorer() -> None:
        for record in typed:
            engine(record)

    def run_tracer() -> None:
        for record in typed:
            tracer(record)

    def run_validate_score() -> None:
        for record in ruleset.validate(dicts):
            engine(record)

    def run_evaluate(trace: bool) -> Callable[[], object]:
        return lambda: ruleset.evaluate_validated(typed, as_of=as_of, period=period, trace=trace)

    def run_validate() -> None:
        ruleset.validate(dicts)

    def run_from_raw() -> None:
        ruleset.evaluate_validated(ruleset.validate(dicts), as_of=as_of, period=period, trace=False)

    cases: list[tuple[str, Callable[[], object]]] = [
        ("hand-written function (baseline)", run_hand),
        ("Ruleset.scorer per validated record", run_scorer),
        ("validate + Ruleset.scorer per record", run_validate_score),
        ("Ruleset.tracer per validated record", run_tracer),
        ("evaluate_validated, trace=False", run_evaluate(False)),
        ("evaluate_validated, trace=True", run_evaluate(True)),
        ("validate (raw dicts -> records)", run_validate),
        ("validate + evaluate_validated(trace=False)", run_from_raw),
    ]
    rows = []
    for what, run in cases:
        seconds, taken = best_of(run, repeats, budget)
        rows.append(Row(bench.name, what, n, seconds, taken))
        log(f"    {what}: {seconds:.3f} s (best of {taken})")
    for row in rows:
        row.ratio = row.seconds / rows[0].seconds
    return rows, compared


# --- compile time -------------------------------------------------------------------------------

_COMPILE_PROBE = """
import json, sys, time
t0 = time.perf_counter()
import govinfo_rules
t1 = time.perf_counter()
govinfo_rules.load_ruleset(sys.argv[1])
t2 = time.perf_counter()
govinfo_rules.load_ruleset(sys.argv[1])
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "second": t3 - t2}))
"""

# Counts the Lark parsers built (and how long each took) while every bundled ruleset is
# loaded twice in one process: built from the grammar (``Lark.__init__``) or restored
# from the committed tables (``Lark._load_from_dict``, see parser_tables.py).
_PARSER_PROBE = """
import functools, json, time
import lark
built = []
original = lark.Lark.__init__
@functools.wraps(original)
def counting(self, *args, **kwargs):
    start = time.perf_counter()
    original(self, *args, **kwargs)
    built.append(time.perf_counter() - start)
lark.Lark.__init__ = counting
restored = []
original_load = lark.Lark._load_from_dict.__func__
def counting_load(cls, *args, **kwargs):
    start = time.perf_counter()
    made = original_load(cls, *args, **kwargs)
    restored.append(time.perf_counter() - start)
    return made
lark.Lark._load_from_dict = classmethod(counting_load)
import govinfo_rules
from govinfo_rules import parse
from govinfo_rules.resources import bundled_rulesets
names = sorted(bundled_rulesets())
for name in names * 2:
    govinfo_rules.load_ruleset(name)
cached = [n for n, v in vars(parse).items() if callable(getattr(v, "cache_info", None))]
info = {n: getattr(parse, n).cache_info()._asdict() for n in cached}
print(json.dumps({"loads": len(names) * 2, "built": len(built), "seconds": built,
                  "restored": len(restored), "restore_seconds": restored, "cached": info}))
"""


def _python(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, cwd=tempfile.gettempdir()
    )
    if done.returncode != 0:
        raise RuntimeError(f"probe failed ({done.returncode}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def compile_times(names: Sequence[str], repeats: int) -> dict[str, Any]:
    """Per ruleset: import, cold first load and second load, each the median (and min)
    of ``repeats`` fresh interpreters; and the parser probe."""
    out: dict[str, Any] = {"rulesets": {}, "repeats": repeats}
    for name in names:
        runs = [_python(_COMPILE_PROBE, name) for _ in range(repeats)]
        out["rulesets"][name] = {
            key: {"median": statistics.median(r[key] for r in runs), "min": min(r[key] for r in runs)}
            for key in ("import", "first", "second")
        }
    out["parser"] = _python(_PARSER_PROBE)
    return out


# --- end to end ---------------------------------------------------------------------------------

_JSON_LOOP = """
import json, sys
with open(sys.argv[1], encoding="utf-8") as handle:
    for line in handle:
        json.loads(line)
"""
_JSON_KEEP = """
import json, sys
with open(sys.argv[1], encoding="utf-8") as handle:
    records = [json.loads(line) for line in handle]
print(len(records))
"""


@dataclass
class Run:
    what: str
    seconds: float
    peak_mib: float | None
    returncode: int
    detail: dict[str, Any] = field(default_factory=dict)


# A small interpreter runs each measured command, so that the command's peak resident
# memory (``RUSAGE_CHILDREN`` of that interpreter: its only child) is not mixed up with
# the memory of this process, which a forked child shares until it execs.
_MEASURE = """
import json, subprocess, sys, time
try:
    import resource
except ImportError:
    resource = None
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if resource else None
print(json.dumps({"seconds": seconds, "maxrss": peak, "returncode": done.returncode}))
"""


def measure(what: str, command: Sequence[str], workdir: Path) -> Run:
    """Wall time and peak resident memory of one command, run as a subprocess."""
    errors = workdir / "stderr.txt"
    with errors.open("wb") as err:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, *command], stdout=subprocess.PIPE, stderr=err, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"{what}: the measuring interpreter failed:\n{errors.read_text(errors='replace')[-2000:]}")
    found = json.loads(done.stdout)
    if found["returncode"] != 0:
        raise RuntimeError(f"{what} exited with {found['returncode']}:\n{errors.read_text(errors='replace')[-2000:]}")
    peak = found["maxrss"]
    if peak is not None:
        peak /= 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return Run(what, found["seconds"], peak, 0)


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("govinfo-rules")
    found = str(script) if script.exists() else shutil.which("govinfo-rules")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from govinfo_rules.cli import main; sys.exit(main())"]


def end_to_end(lines: int, seed: int, workdir: Path, log: Callable[[str], None]) -> dict[str, Any]:
    ledger = workdir / "wenzhou.jsonl"
    output = workdir / "report.json"
    start = time.perf_counter()
    with ledger.open("w", encoding="utf-8") as handle:
        for record in wenzhou_records(lines, seed):
            handle.write(json.dumps(record, ensure_ascii=False))
            handle.write("\n")
    log(f"  wrote {lines} lines ({ledger.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - start:.1f} s")
    command = [*_cli(), "score", "wenzhou", str(ledger), "--as-of", "2024-12-31", "--format", "json", "-o", str(output)]
    runs = [
        measure("json.loads each line (discarded)", [sys.executable, "-c", _JSON_LOOP, str(ledger)], workdir),
        measure("json.loads, records kept in a list", [sys.executable, "-c", _JSON_KEEP, str(ledger)], workdir),
        measure("govinfo-rules score --format json -o OUT", command, workdir),
    ]
    for run in runs:
        log(f"    {run.what}: {run.seconds:.1f} s, peak {run.peak_mib or 0:.0f} MiB")
    return {
        "lines": lines,
        "input_mib": ledger.stat().st_size / 2**20,
        "output_mib": output.stat().st_size / 2**20,
        "command": " ".join(["govinfo-rules", *command[len(_cli()) :]]).replace(str(workdir), "$TMP"),
        "runs": [vars(r) for r in runs],
        "ratio": runs[2].seconds / runs[0].seconds,
    }


# --- machine, printing, main --------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or None
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": usable,
        "cpu": model,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "govinfo_rules": govinfo_rules.__version__,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_before": _load(),
    }


def _load() -> tuple[float, float, float] | None:
    """The 1, 5 and 15 minute load averages: other work on the machine skews timings."""
    return os.getloadavg() if hasattr(os, "getloadavg") else None


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def print_report(results: dict[str, Any]) -> None:
    m = results["machine"]
    print(f"\ngovinfo-rules {m['govinfo_rules']} — Python {m['python']} — {m['cpu']} × {m['nproc']} — {m['date']}")
    if m.get("load_before") is not None:
        print(f"load average before: {', '.join(f'{x:.2f}' for x in m['load_before'])}", end="")
        after = m.get("load_after")
        print(f"; after: {', '.join(f'{x:.2f}' for x in after)}" if after else "")
    rows = results["throughput"]
    if rows:
        n = rows[0]["records"]
        print(
            f"\n1. Throughput on {n:,} generated valid records per ruleset "
            f"(best of up to {results['repeats']} runs, gc off while timing)\n"
        )
        print(f"{'ruleset':<9} {'measurement':<44} {'records/s':>12} {'time (s)':>9} {'runs':>4} {'× hand':>8}")
        print("-" * 91)
        last = None
        for row in rows:
            if last is not None and row["ruleset"] != last:
                print()
            last = row["ruleset"]
            rate = row["records"] / row["seconds"]
            print(
                f"{row['ruleset']:<9} {row['what']:<44} {_rate(rate):>12} {row['seconds']:>9.3f} "
                f"{row['repeats']:>4} {row['ratio']:>7.2f}×"
            )
    compiled = results.get("compile")
    if compiled:
        print(f"\n2. Compile time in a fresh interpreter (median of {compiled['repeats']}; min in brackets)\n")
        print(f"{'ruleset':<9} {'import govinfo_rules':>20} {'first load (cold)':>20} {'second load':>20}")
        print("-" * 72)
        for name, t in compiled["rulesets"].items():
            cells = [
                f"{t[k]['median'] * 1000:.0f} ms ({t[k]['min'] * 1000:.0f})" for k in ("import", "first", "second")
            ]
            print(f"{name:<9} {cells[0]:>20} {cells[1]:>20} {cells[2]:>20}")
        parser = compiled["parser"]
        builds = ", ".join(f"{s * 1000:.0f} ms" for s in parser["seconds"]) or "none"
        restores = ", ".join(f"{s * 1000:.0f} ms" for s in parser.get("restore_seconds", ())) or "none"
        cache = "; ".join(f"parse.{k}: {v}" for k, v in parser["cached"].items()) or "no functools cache in parse"
        print(
            f"\nLark parsers made while loading {parser['loads']} rulesets in one process: "
            f"{parser['built']} built from the grammar ({builds}), "
            f"{parser.get('restored', 0)} restored from the committed tables ({restores})"
        )
        print(f"cache: {cache}")
    e2e = results.get("end_to_end")
    if e2e:
        print(
            f"\n3. End to end on {e2e['lines']:,} wenzhou lines "
            f"({e2e['input_mib']:.0f} MiB in, {e2e['output_mib']:.0f} MiB of JSON out)\n"
        )
        print(f"{'command':<44} {'time (s)':>9} {'peak RSS':>10} {'× json.loads':>13}")
        print("-" * 79)
        base = e2e["runs"][0]["seconds"]
        for run in e2e["runs"]:
            peak = f"{run['peak_mib']:.0f} MiB" if run["peak_mib"] is not None else "n/a"
            print(f"{run['what']:<44} {run['seconds']:>9.2f} {peak:>10} {run['seconds'] / base:>12.2f}×")
        print(f"\n  {e2e['command']}")
    print_targets(results)


# The targets: (label, measurement, bound) with the bound a multiple of the
# hand-written function's time.
# Per-record targets against the per-record rows; the whole evaluation (units, ranks,
# awards, the report) under the same bounds, for reference.
TARGETS = (
    ("per record, no trace, validated records ≤ 1.5×", "Ruleset.scorer per validated record", 1.5),
    ("per record, including validation from raw dicts ≤ 4×", "validate + Ruleset.scorer per record", 4.0),
    ("per record, with trace ≤ 5×", "Ruleset.tracer per validated record", 5.0),
    ("whole evaluation, no trace (≤ 1.5×, for reference)", "evaluate_validated, trace=False", 1.5),
    ("whole evaluation from raw dicts (≤ 4×, for reference)", "validate + evaluate_validated(trace=False)", 4.0),
    ("whole evaluation with trace (≤ 5×, for reference)", "evaluate_validated, trace=True", 5.0),
)


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def print_targets(results: dict[str, Any]) -> None:
    """Each target beside the measured figure; printed, never asserted."""
    print("\n4. Against the issue's targets\n")
    rows = results["throughput"]
    names = list(dict.fromkeys(r["ruleset"] for r in rows))
    if rows:
        print(f"{'target (× the hand-written function)':<56}" + "".join(f"{n:>14}" for n in names))
        print("-" * (56 + 14 * len(names)))
        for label, what, bound in TARGETS:
            cells = []
            for name in names:
                found = [r for r in rows if r["ruleset"] == name and r["what"] == what]
                ratio = found[0]["ratio"] if found else None
                cells.append("n/a" if ratio is None else f"{ratio:.2f}× {'ok' if ratio <= bound else 'NO'}")
            print(f"{label:<56}" + "".join(f"{c:>14}" for c in cells))
    e2e = results.get("end_to_end")
    if e2e:
        ratio, peak = e2e["ratio"], e2e["runs"][2]["peak_mib"]
        print(f"\nend to end ≤ 2× json.loads: {ratio:.2f}× — {_verdict(ratio <= 2)}")
        if peak is not None:
            megabytes = peak * 1.048576  # MiB -> MB
            if e2e["lines"] == 1_000_000:
                verdict = _verdict(megabytes < 200)
            else:  # memory grows with the input: a smaller file says nothing about the target
                verdict = f"not comparable: measured on {e2e['lines']:,} lines, the target is for 1M"
            print(f"peak memory < 200 MB for 1M records: {megabytes:.0f} MB — {verdict}")
    compiled = results.get("compile")
    if compiled:
        worst = max(t["first"]["median"] for t in compiled["rulesets"].values())
        print(f"compile of a bundled ruleset cold < 100 ms: slowest {worst * 1000:.0f} ms — {_verdict(worst < 0.1)}")
        made = compiled["parser"]["built"] + compiled["parser"].get("restored", 0)
        loads = compiled["parser"]["loads"]
        print(f"parser made once per process: {made} made for {loads} loads — {_verdict(made == 1)}")


def profile(n: int, seed: int, top: int) -> None:
    """cProfile of the whole evaluation of ``n`` wenzhou records, without and with the
    trace, with the garbage collector on as in the command line."""
    ruleset = load_ruleset("wenzhou")
    typed = ruleset.validate(list(wenzhou_records(n, seed)))
    for trace in (False, True):
        profiler = cProfile.Profile()
        profiler.enable()
        ruleset.evaluate_validated(typed, as_of=dt.date(2024, 12, 31), trace=trace)
        profiler.disable()
        print(f"\n=== cProfile: evaluate_validated(trace={trace}) over {n:,} wenzhou records (gc on) ===")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.strip_dirs().sort_stats("tottime").print_stats(top)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=None, help="records per ruleset (default 100000)")
    parser.add_argument("--lines", type=int, default=None, help="JSON Lines for the end-to-end run (default 1000000)")
    parser.add_argument("--repeats", type=int, default=None, help="most timings per measurement (default 5)")
    parser.add_argument(
        "--budget", type=float, default=10.0, help="stop repeating a measurement after this many seconds (default 10)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 10k records, 50k lines, 3 repeats")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", metavar="FILE", help="also write the measurements as JSON")
    parser.add_argument("--skip", action="append", default=[], choices=["throughput", "compile", "end-to-end"])
    parser.add_argument("--profile", action="store_true", help="only profile evaluate_validated on wenzhou")
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    args = parser.parse_args(argv)
    records = args.records or (10_000 if args.quick else 100_000)
    lines = args.lines or (50_000 if args.quick else 1_000_000)
    repeats = args.repeats or (3 if args.quick else 5)
    if args.profile:
        profile(records, args.seed, args.top)
        return 0

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    results: dict[str, Any] = {
        "machine": machine(),
        "records": records,
        "lines": lines,
        "repeats": repeats,
        "budget": args.budget,
        "seed": args.seed,
        "throughput": [],
    }
    started = time.perf_counter()
    if "throughput" not in args.skip:
        log("throughput")
        for bench in BENCHES:
            rows, compared = throughput(bench, records, args.seed, repeats, args.budget, log)
            results["throughput"].extend(vars(r) for r in rows)
            results.setdefault("verified_credits", {})[bench.name] = compared
    if "compile" not in args.skip:
        log("compile time")
        results["compile"] = compile_times([b.name for b in BENCHES], 3 if args.quick else 5)
    if "end-to-end" not in args.skip:
        log("end to end")
        with tempfile.TemporaryDirectory(prefix="govinfo-bench-") as tmp:
            results["end_to_end"] = end_to_end(lines, args.seed, Path(tmp), log)
    results["seconds"] = time.perf_counter() - started
    results["machine"]["load_after"] = _load()
    print_report(results)
    print(f"\n(benchmark took {results['seconds']:.0f} s)")
    if args.json:
        Path(args.json).write_text(
            json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
