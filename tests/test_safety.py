"""Rulesets and records are data: nothing in them is ever run as Python."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

import govinfo_rules
from govinfo_rules import RulesetSyntaxError, compile_ruleset

SRC = Path(govinfo_rules.__file__).resolve().parent
FORBIDDEN = {"eval", "exec", "compile", "__import__", "float"}


def test_the_package_never_calls_eval_exec_or_float() -> None:
    calls = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN:
                calls.append(f"{path.name}:{node.lineno} {node.func.id}(")
    assert calls == []


def test_python_in_a_rule_name_is_a_syntax_error() -> None:
    with pytest.raises(RulesetSyntaxError):
        compile_ruleset(
            "ruleset x\nrecord r { unit: name }\nscore r to unit { group g sum { rule __import__('os').system('x'): true => +1 pts } }"
        )


def test_python_in_strings_stays_text() -> None:
    payload = "__import__('os').system('touch /tmp/pwned')\n\u202e\"'"
    source = (
        "ruleset x\nrecord r { unit: name  note: text optional }\n"
        'score r to unit { group g sum { rule "'
        + payload.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        + '": note == "'
        + payload.replace('"', '\\"').replace("\n", "\\n")
        + '" => +1 pts } }'
    )
    ruleset = compile_ruleset(source)
    report = ruleset.evaluate([{"id": "1", "unit": payload, "note": payload}], as_of="2024-01-01")
    result = report.record("1")
    assert result.points == Decimal(1)
    assert result.trace is not None and result.trace[0].rule == "g." + payload
    assert not Path("/tmp/pwned").exists()
