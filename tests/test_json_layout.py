"""The layout of `score --format json`: indented, one line per record's result, per
warning and per rejected record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govinfo_rules import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
LEDGERS = {
    "wenzhou": ("wenzhou-2024.jsonl", "2024-12-31", None),
    "ganzhou": ("ganzhou-2020-Q3.jsonl", "2020-09-30", "2020-Q3"),
    "wanren": ("wanren-2024.jsonl", "2024-12-31", "2024"),
}


@pytest.mark.parametrize("name", sorted(LEDGERS))
def test_each_record_is_one_line_and_the_text_is_the_report(name: str) -> None:
    ledger, as_of, period = LEDGERS[name]
    ruleset = load_ruleset(name)
    report = ruleset.evaluate(ruleset.read(ROOT / "rulesets" / "examples" / ledger).records, as_of=as_of, period=period)
    text = report.to_json_text()
    assert json.loads(text) == report.to_json()
    lines = text.splitlines()
    start = lines.index('  "records": [')
    record_lines = lines[start + 1 : start + 1 + len(report.records)]
    assert len(report.records) > 0
    for result, line in zip(report.records, record_lines, strict=True):
        assert line.startswith("    {") and line.rstrip(",").endswith("}")
        assert json.loads(line.strip().rstrip(","))["id"] == result.id
    assert lines[start + 1 + len(report.records)] == "  ],"
    assert text.endswith("}\n")


def test_no_records_is_an_empty_list_on_the_key_line() -> None:
    ruleset = load_ruleset("wenzhou")
    text = ruleset.evaluate([], as_of="2024-12-31").to_json_text()
    assert '\n  "records": [],\n' in text
    assert json.loads(text)["records"] == []


def test_a_unit_named_like_the_records_key_does_not_move_the_records() -> None:
    ruleset = load_ruleset("wenzhou")
    name = '\n  "records": [],\n'
    record = {
        "id": "W-1",
        "unit": name,
        "authors": ["a"],
        "submitted_on": "2024-01-05",
        "kind": "快报",
        "qualified": True,
        "adoptions": [],
    }
    report = ruleset.evaluate([record], as_of="2024-12-31")
    assert json.loads(report.to_json_text()) == report.to_json()


def test_warnings_and_rejected_are_one_line_each() -> None:
    ledger, as_of, period = LEDGERS["wenzhou"]
    ruleset = load_ruleset("wenzhou")
    report = ruleset.evaluate(ruleset.read(ROOT / "rulesets" / "examples" / ledger).records, as_of=as_of, period=period)
    assert report.warnings
    lines = report.to_json_text().splitlines()
    start = lines.index('  "warnings": [')
    shown = [json.loads(line.strip().rstrip(",")) for line in lines[start + 1 : start + 1 + len(report.warnings)]]
    assert shown == report.to_json()["warnings"]
    assert lines[start + 1 + len(report.warnings)] == "  ],"
    assert '  "rejected": []' in lines  # the last key
