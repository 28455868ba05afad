"""The contract's worked examples, run through the CLI as an outside caller would.

Each folder of tests/contract/ is a copy of one case from the contract's examples
(``input.jsonl``, ``args``, ``expected.json`` with the facts the output must show and
``why.md`` with the hand derivation).  Cases are added here as their ruleset ships.
"""

from __future__ import annotations

import json
import shlex
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from govinfo_rules.cli import main

CONTRACT = Path(__file__).parent / "contract"
CASES = sorted(p.name for p in CONTRACT.iterdir() if (p / "expected.json").is_file())
TOP_KEYS = {"ruleset", "as_of", "period", "records", "units", "awards", "warnings", "rejected"}


def _run(case: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any] | None]:
    ruleset = case.name.split("_", 1)[0]
    args = shlex.split((case / "args").read_text(encoding="utf-8"))
    code = main(["score", ruleset, str(case / "input.jsonl"), *args, "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


def _same_number(actual: str, expected: str) -> bool:
    return Decimal(actual) == Decimal(expected)


def _dig(obj: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        obj = obj[part]
    return obj


@pytest.mark.parametrize("name", CASES)
def test_contract_example(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    case = CONTRACT / name
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    code, output = _run(case, capsys)
    assert code == expected["exit"]
    if code != 0:
        return
    assert output is not None
    assert output.keys() >= TOP_KEYS
    units = {u["unit"]: u for u in output["units"]}
    for unit, facts in expected.get("units", {}).items():
        assert unit in units, f"unit {unit} missing"
        for key, value in facts.items():
            if key in ("points", "yuan"):
                assert _same_number(units[unit][key], value), (unit, key, units[unit][key], value)
            else:
                assert units[unit][key] == value, (unit, key)
    records = {r["id"]: r for r in output["records"]}
    for record_id, facts in expected.get("records", {}).items():
        record = records[record_id]
        if "credits" in facts:
            credits = {c["unit"]: c for c in record["credits"]}
            for unit, sub in facts["credits"].items():
                for key, value in sub.items():
                    assert _same_number(credits[unit][key], value), (record_id, unit, key)
        for key in ("points", "yuan"):
            if key in facts:
                total = sum((Decimal(c[key]) for c in record["credits"]), Decimal(0))
                assert total == Decimal(facts[key]), (record_id, key, total)
    if "awards" in expected:

        def norm(rows: list[dict[str, Any]]) -> list[tuple[str, int, str, Decimal]]:
            return sorted((a["award"], a["rank"], a["winner"], Decimal(a["yuan"])) for a in rows)

        assert norm(output["awards"]) == norm(expected["awards"])
    if expected.get("units_ranking") or expected.get("output_keys"):
        points = [Decimal(u["points"]) for u in output["units"]]
        assert points == sorted(points, reverse=True)
        ranks = [u["rank"] for u in output["units"]]
        assert ranks == [1 + next(i for i, p in enumerate(points) if p == q) for q in points]
    for unit in expected.get("reminders_units", []):
        assert unit in {r["unit"] for r in output["reminders"]}, unit
    for wanted in expected.get("reminders_match", []):
        assert any(all(r.get(k) == v for k, v in wanted.items()) for r in output["reminders"]), wanted
    for dotted, value in expected.get("header", {}).items():
        assert _dig(output, dotted) == value
    assert len(output["warnings"]) >= expected.get("warnings_min", 0)


def test_contract_cases_are_present() -> None:
    assert {
        "wenzhou_03-highest-adoption-only",
        "wenzhou_06-award-tie-first",
        "ganzhou_05-composite-halving",
        "ganzhou_12-obligations",
        "wanren_01-medical-sections",
        "wanren_08-tiers-n10",
    } <= set(CASES)
