"""`govinfo-rules lint`: static findings that are not errors but deserve a look.

Entry point: :func:`lint`.  Findings, each with a location: a rule without a clause
citation, a parameter or table nothing reads, a `highest` group whose rules are not
declared in order of their amounts, a rule in a `highest` group shadowed by an earlier
rule with the same condition and at least its amount (it can never pay), and a rule
whose condition is the constant false.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from . import ir
from . import nodes as n
from .bounds import expr_range
from .source import Span


@attrs.frozen
class Finding:
    code: str
    message: str
    span: Span | None = attrs.field(eq=False)

    def render(self) -> str:
        where = str(self.span) if self.span is not None else "<ruleset>"
        return f"{where}: {self.code}: {self.message}"

    def to_json(self) -> dict[str, object]:
        span = self.span
        return {
            "code": self.code,
            "message": self.message,
            "file": span.filename if span else None,
            "line": span.line if span else None,
            "column": span.column if span else None,
        }


def _amount(rule: ir.Rule) -> tuple[Decimal | None, Decimal | None]:
    return expr_range(rule.points)[1], expr_range(rule.yuan)[1]


def lint(ast: n.Ruleset, program: ir.Program) -> list[Finding]:
    """Every finding, in the order of the ruleset's text."""
    findings: list[Finding] = []
    for param in ast.params:
        if param.name not in program.used:
            findings.append(Finding("unused-parameter", f"parameter '{param.name}' is never read", param.span))
    for table in ast.tables:
        if table.name not in program.used:
            findings.append(Finding("unused-table", f"table '{table.name}' is never read", table.span))
    spans = {
        (score.record, group.name, rule.label): rule.span
        for score in ast.scores
        for group in score.steps
        if isinstance(group, n.Group)
        for rule in group.rules
    }
    for score in program.scores:
        for group in score.groups:
            for rule in group.rules:
                span = spans.get((score.record, group.name, rule.label))
                if rule.clause is None:
                    findings.append(Finding("missing-citation", f"rule {rule.name} cites no clause (§ …)", span))
                if isinstance(rule.cond, ir.Const) and rule.cond.value is not True:
                    findings.append(Finding("never-fires", f"rule {rule.name}: its condition is never true", span))
            if group.combine != "highest":
                continue
            amounts = [_amount(rule) for rule in group.rules]
            known = [a for a in amounts if None not in a]
            if len(known) == len(amounts) and known not in (sorted(known), sorted(known, reverse=True)):
                first = spans.get((score.record, group.name, group.rules[0].label)) if group.rules else None
                findings.append(
                    Finding(
                        "highest-order",
                        f"highest group {group.name}: its rules are not in order of their amounts "
                        f"({', '.join(str(a[0]) for a in known)}); order them as the notice's levels",
                        first,
                    )
                )
            for i, rule in enumerate(group.rules):
                for earlier in group.rules[:i]:
                    mine, theirs = _amount(rule), _amount(earlier)
                    if None in mine or None in theirs:
                        continue
                    if earlier.cond == rule.cond and theirs >= mine:
                        findings.append(
                            Finding(
                                "shadowed",
                                f"rule {rule.name} has the same condition as {earlier.label} and pays no more: "
                                "in a highest group it can never pay",
                                spans.get((score.record, group.name, rule.label)),
                            )
                        )
                        break
    return findings
