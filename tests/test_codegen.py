"""The generated fast path (codegen.py): same numbers as the traced closures, and no
ruleset text ever reaches the generated source."""

from __future__ import annotations

import io
import keyword
import re
import tokenize
import traceback
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from govinfo_rules import compile_ruleset, ir, load_ruleset
from govinfo_rules.compile import EvaluationError
from govinfo_rules.report import Report
from govinfo_rules.testing import ledgers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {
    "wenzhou": ("wenzhou-2024.jsonl", "2024-12-31", None),
    "ganzhou": ("ganzhou-2020-Q3.jsonl", "2020-09-30", "2020-Q3"),
    "wanren": ("wanren-2024.jsonl", "2024-12-31", "2024"),
}


def _without_traces(report: Report) -> dict[str, Any]:
    data = report.to_json()
    for record in data["records"]:
        record.pop("trace", None)
        record.pop("dropped", None)
        record.pop("not_applied", None)
    return data


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_score_block_of_the_bundled_rulesets_is_generated(name: str) -> None:
    ruleset = load_ruleset(name)
    assert all(score.fast is not None for score in ruleset._compiled.scores.values())


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_group_of_the_bundled_rulesets_has_a_generated_matcher(name: str) -> None:
    ruleset = load_ruleset(name)
    for score in ruleset._compiled.scores.values():
        assert all(run.matcher is None for step, run in score.steps if isinstance(step, ir.Group))  # not yet
        score.prepare_trace()
    groups = [
        run for score in ruleset._compiled.scores.values() for step, run in score.steps if isinstance(step, ir.Group)
    ]
    assert groups and all(run.matcher is not None for run in groups)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_fast_path_gives_the_traced_numbers_on_the_example_ledger(name: str) -> None:
    ruleset = load_ruleset(name)
    ledger, as_of, period = EXAMPLES[name]
    records = ruleset.read(ROOT / "rulesets" / "examples" / ledger).records
    fast = ruleset.evaluate_validated(records, as_of=as_of, period=period, trace=False)
    traced = ruleset.evaluate_validated(records, as_of=as_of, period=period, trace=True)
    assert _without_traces(fast) == _without_traces(traced)
    scorers = {t: ruleset.scorer(t, as_of=as_of, period=period) for t in ruleset._compiled.scores}
    results = {r.id: r for r in traced.records}
    for record in records:
        result = results.get(record.id)
        if result is not None and result.credits:
            points, yuan = scorers[record.type](record)
            assert (points, yuan) == (result.credits[0].points, result.credits[0].yuan), record.id


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_fast_path_gives_the_traced_numbers_on_generated_ledgers(name: str) -> None:
    ruleset = load_ruleset(name)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(ledgers(ruleset, min_size=1, max_size=6))
    def check(ledger: list[dict[str, Any]]) -> None:
        records = ruleset.validate(ledger)
        for as_of, period in (("2024-12-31", None), ("2024-06-15", "2024-Q2")):
            if name == "wanren" and period is not None:
                period = "2024"
            fast = ruleset.evaluate_validated(records, as_of=as_of, period=period, trace=False)
            traced = ruleset.evaluate_validated(records, as_of=as_of, period=period, trace=True)
            assert _without_traces(fast) == _without_traces(traced)

    check()


THREE_VALUED = """
ruleset tv
record r {
  unit: name
  n: integer optional
  d: decimal optional
  flag: bool optional
  kind: enum(a, b) optional
}
score r to unit {
  group g sum {
    rule unknown_and_false: n > 3 and flag => +1 pts  § 1
    rule unknown_or_true: n > 3 or flag => +2 pts  § 2
    rule not_unknown: not (kind == a) => +4 pts  § 3
    rule missing_is_null: d is null => +8 pts  § 4
    rule division: n is not null and n > 0 and 10 / n > 2 => +16 pts  § 5
    rule amount_from_missing: true => (d) pts  § 6
  }
}
"""


@pytest.mark.parametrize(
    ("record", "points"),
    [
        # nothing known: only `d is null` (8)
        ({}, "8"),
        # n > 3: `or` holds (2), `and` with unknown flag is unknown, not(kind == a) unknown; d null (8)
        ({"n": 5}, "10"),
        # n = 1: `or` holds through flag (2); d null (8); 10 / 1 > 2 (16)
        ({"n": 1, "flag": True}, "26"),
        # `and` false; `or` true (2); kind b: not(kind == a) holds (4); 10 / 5 = 2 is not > 2; d = 0.5
        ({"n": 5, "flag": False, "kind": "b", "d": "0.5"}, "6.5"),
        # n unknown: `or` holds through flag (2); kind a: not(...) false; d null (8)
        ({"kind": "a", "flag": True}, "10"),
    ],
)
def test_three_valued_logic_is_the_same_on_both_paths(record: dict[str, Any], points: str) -> None:
    ruleset = compile_ruleset(THREE_VALUED)
    full = {"id": "R-1", "unit": "医务科", **record}
    fast = ruleset.evaluate([full], as_of="2024-12-31", trace=False).record("R-1").points
    traced = ruleset.evaluate([full], as_of="2024-12-31", trace=True).record("R-1").points
    assert str(fast) == str(traced) == points


def test_a_division_by_zero_raises_on_both_paths() -> None:
    ruleset = compile_ruleset(
        "ruleset z\nrecord r { unit: name  n: integer min 0 }\n"
        "score r to unit { group g sum { rule share: true => (10 / n) pts  § 1 } }"
    )
    for trace in (True, False):
        with pytest.raises(EvaluationError, match="division by zero"):
            ruleset.evaluate([{"id": "R-1", "unit": "x", "n": 0}], as_of="2024-12-31", trace=trace)


# --- no injection --------------------------------------------------------------------

HOSTILE = [
    "__import__('os').system('x')",
    'a"b',
    "c'd",
    "e\\nf",
    "\u202egnp",
    "}); exec('1')",
    "g\nh",
]

# What may appear in generated source: our own names, keywords and a few builtins.
GENERATED_NAME = re.compile(
    r"^(v|ctx|record|_ctx|_k\d+|_l\d+|_i\d+|_t\d+|_c\d+|_gp\d+|_gy\d+|_bp\d+|_b\d+|_f\d+|_points|_yuan"
    r"|_stopped|_flagged|_score_\d+|env|_out|_ix|_it|_match_\d+)$"
)
BUILTINS = {"len", "sum", "any", "all", "max", "min", "values", "enumerate", "append"}


def _hostile_ruleset() -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    labels = ", ".join(quoted(h) for h in HOSTILE)
    rules = "\n".join(
        f"    rule {quoted('r' + h)}: kind == {quoted(h)} and note == {quoted(h)} => +1 pts  § 1" for h in HOSTILE
    )
    return (
        "ruleset hostile\n"
        f"record r {{ unit: name  kind: enum({labels})  note: text optional }}\n"
        "score r to unit {\n"
        "  group g sum {\n" + rules + "\n  }\n"
        f"  warn note == {quoted(HOSTILE[0])} {quoted('{note}')}\n"
        "}\n"
    )


def test_no_ruleset_text_reaches_the_generated_source() -> None:
    ruleset = compile_ruleset(_hostile_ruleset())
    fast = ruleset._compiled.scores["r"].fast
    assert fast is not None
    ruleset._compiled.scores["r"].prepare_trace()
    matchers = [run.matcher for step, run in ruleset._compiled.scores["r"].steps if isinstance(step, ir.Group)]
    assert matchers and all(m is not None for m in matchers)
    sources = [fast.__govinfo_source__, ruleset.scorer("r", as_of="2024-12-31").__govinfo_source__]
    sources += [m.__govinfo_source__ for m in matchers]
    for source in sources:
        for hostile in HOSTILE:
            assert hostile not in source
            assert hostile.replace("\n", "\\n") not in source
        names = {
            tok.string
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string)
        }
        assert {n for n in names if not GENERATED_NAME.match(n) and n not in BUILTINS} == set()
        strings = [
            t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.STRING
        ]
        assert strings == []
    # The hostile values are data: they still score.
    for hostile in HOSTILE:
        report = ruleset.evaluate(
            [{"id": "R-1", "unit": "x", "kind": hostile, "note": hostile}], as_of="2024-12-31", trace=False
        )
        assert report.record("R-1").points == 1


def test_a_traceback_points_at_the_generated_line() -> None:
    ruleset = compile_ruleset(
        "ruleset z\nrecord r { unit: name  n: integer min 0 }\n"
        "score r to unit { group g sum { rule share: true => (10 / n) pts  § 1 } }"
    )
    scorer = ruleset.scorer("r", as_of="2024-12-31")
    record = ruleset.validate([{"id": "R-1", "unit": "x", "n": 0}])[0]
    with pytest.raises(EvaluationError) as caught:
        scorer(record)
    frames = traceback.extract_tb(caught.value.__traceback__)
    generated = [f for f in frames if f.filename.startswith("<govinfo-rules z: score r ")]
    assert generated and generated[0].line  # linecache knows the generated source
