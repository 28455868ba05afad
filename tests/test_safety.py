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


# The one place that turns text into code: codegen.py compiles the source it generates
# from the IR (generated names only; tests/test_codegen.py proves no ruleset text gets in).
ALLOWED = {("codegen.py", "_compile_source", "compile"), ("codegen.py", "_run_definition", "exec")}


class _Calls(ast.NodeVisitor):
    """Forbidden calls, each with the function it is written in."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.owner = ["<module>"]
        self.found: list[tuple[str, str, str, int]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.owner.append(node.name)
        self.generic_visit(node)
        self.owner.pop()

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN:
            self.found.append((self.filename, self.owner[-1], node.func.id, node.lineno))
        self.generic_visit(node)


def test_the_package_never_calls_eval_exec_or_float() -> None:
    calls = []
    for path in sorted(SRC.rglob("*.py")):
        visitor = _Calls(path.name)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        calls += [
            f"{f}:{line} {name}( in {owner}"
            for f, owner, name, line in visitor.found
            if (f, owner, name) not in ALLOWED
        ]
    assert calls == []


def test_the_allowed_calls_are_still_the_only_ones() -> None:
    # If codegen.py stops needing them, the allowance goes too.
    visitor = _Calls("codegen.py")
    visitor.visit(ast.parse((SRC / "codegen.py").read_text(encoding="utf-8")))
    assert {(f, owner, name) for f, owner, name, _ in visitor.found} == ALLOWED


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
