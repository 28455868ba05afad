"""The strategies of govinfo_rules.testing give valid records, and precisely invalid ones."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govinfo_rules import RecordError, load_ruleset
from govinfo_rules.testing import invalid_records, ledgers, records

RULESETS = {name: load_ruleset(name) for name in ("wenzhou", "ganzhou", "wanren")}
FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow]
)


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_generated_records_validate_and_score(name: str) -> None:
    ruleset = RULESETS[name]

    @FAST
    @given(records(ruleset))
    def check(record: dict[str, Any]) -> None:
        typed = ruleset.validate([record])
        report = ruleset.evaluate(typed, as_of="2024-12-31")
        assert [r.id for r in report.records] == [record["id"]] or not report.records

    check()


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_ledgers_have_unique_ids(name: str) -> None:
    ruleset = RULESETS[name]

    @FAST
    @given(ledgers(ruleset, min_size=1, max_size=6))
    def check(ledger: list[dict[str, Any]]) -> None:
        assert len({r["id"] for r in ledger}) == len(ledger)
        ruleset.evaluate(ledger, as_of="2024-12-31")

    check()


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_invalid_records_are_rejected_naming_the_field(name: str) -> None:
    ruleset = RULESETS[name]

    @FAST
    @given(invalid_records(ruleset))
    def check(case: tuple[dict[str, Any], str]) -> None:
        record, field = case
        with pytest.raises(RecordError) as err:
            ruleset.validate([record])
        assert field in {p.field.split("[")[0].split(".")[0] for p in err.value.problems}

    check()


def test_records_of_one_type() -> None:
    ruleset = RULESETS["ganzhou"]

    @FAST
    @given(records(ruleset, "penalty"))
    def check(record: dict[str, Any]) -> None:
        assert record["type"] == "penalty"

    check()
    with pytest.raises(ValueError, match="no record type 'nope' in ruleset ganzhou"):
        records(ruleset, "nope")


@FAST
@given(st.data())
def test_a_wenzhou_record_never_gets_more_than_base_plus_the_largest_bonus(data: st.DataObject) -> None:
    ruleset = RULESETS["wenzhou"]
    record = data.draw(records(ruleset))
    result = ruleset.evaluate([record], as_of="2024-12-31").record(record["id"])
    # 三(一) at most 3 + 三(二)5 at most 10 (only the highest adoption pays).
    assert result.points <= 13
