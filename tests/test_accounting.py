"""Nothing lost: with --skip-invalid every record read is scored, not counted, left out
of the period or rejected — counted as records, not problems — in JSON Lines (streamed),
a JSON array and CSV, checked before anything is written and printed on stderr."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from govinfo_rules.accounting import Accounting, AccountingError
from govinfo_rules.cli import main
from govinfo_rules.validate import Validated, Validator

EXAMPLES = Path(__file__).resolve().parent.parent / "rulesets" / "examples"
AS_OF, PERIOD = "2024-09-15", "2024-Q3"
ARGS = ["--as-of", AS_OF, "--period", PERIOD]


def _valid() -> list[dict[str, Any]]:
    lines = (EXAMPLES / "wenzhou-2024.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _bad_records() -> list[dict[str, Any]]:
    """Invalid records that every format can hold; each is one rejected record."""
    return [
        # two problems, on two lines once the array is indented: still one record
        {
            "id": "BAD-1",
            "unit": "医务科",
            "authors": ["王强"],
            "submitted_on": "2024-13-01",
            "kind": "快讯",
            "qualified": True,
        },
        {
            "id": "BAD-2",
            "unit": "医务科",
            "authors": [],
            "submitted_on": "2024-08-01",
            "kind": "快报",
            "qualified": True,
        },
        {
            "id": "WZ-2024-001",
            "unit": "医务科",
            "authors": ["王强"],
            "submitted_on": "2024-08-01",
            "kind": "快报",
            "qualified": True,
        },
        {"unit": "医务科", "authors": ["王强"], "submitted_on": "2024-08-01", "kind": "快报", "qualified": True},
    ]


def _late() -> dict[str, Any]:
    return {
        "id": "LATE-1",
        "unit": "医务科",
        "authors": ["王强"],
        "submitted_on": "2024-09-20",
        "kind": "快报",
        "qualified": True,
    }


def _expected(valid: list[dict[str, Any]], rejected: int, read: int) -> Accounting:
    start, end, as_of = dt.date(2024, 7, 1), dt.date(2024, 9, 30), dt.date.fromisoformat(AS_OF)
    days = [dt.date.fromisoformat(r["submitted_on"]) for r in valid]
    scored = sum(1 for d in days if start <= d <= end and d <= as_of)
    late = sum(1 for d in days if start <= d <= end and d > as_of)
    outside = sum(1 for d in days if not start <= d <= end)
    return Accounting(read, scored, late, outside, rejected, PERIOD)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _check_outputs(capsys: pytest.CaptureFixture[str], path: Path, expected: Accounting) -> None:
    assert expected.scored and expected.late and expected.outside and expected.rejected  # every part is tried
    assert expected.read == expected.scored + expected.late + expected.outside + expected.rejected
    for fmt, where in (("json", "see 'rejected'"), ("table", "see 'Rejected'"), ("csv", "listed above")):
        code, out, err = _run(capsys, "score", "wenzhou", str(path), *ARGS, "--format", fmt, "--skip-invalid")
        assert code == 0, err
        assert err.splitlines()[-1] == expected.line(where)
        if fmt == "json":
            data = json.loads(out)
            counted = [r for r in data["records"] if r.get("counted", True)]
            assert len(counted) == expected.scored
            assert len(data["records"]) - len(counted) == expected.late
            assert len({(r["record"], r["line"]) for r in data["rejected"]}) >= expected.rejected
        elif fmt == "table":
            assert f"{expected.scored} record(s) scored, {expected.rejected} rejected" in out
            assert f"Rejected ({expected.rejected} record(s))" in out
        else:
            # CSV has no room for them: each problem is on stderr, before the account.
            assert all(line.startswith("govinfo-rules: rejected: line ") for line in err.splitlines()[:-1])
            assert len(err.splitlines()) > expected.rejected


def test_the_line_says_what_became_of_every_record() -> None:
    full = Accounting(120, 105, 2, 10, 3, "2024-Q3")
    assert full.check().line() == (
        "govinfo-rules: 120 record(s) read: 105 scored, 2 dated after the as-of date, 10 outside 2024-Q3, "
        "3 rejected (see 'rejected')"
    )
    assert Accounting(5, 5, 0, 0, 0).line() == "govinfo-rules: 5 record(s) read: 5 scored, 0 rejected"
    with pytest.raises(AccountingError, match="internal error: 6 record"):
        Accounting(6, 5, 0, 0, 0).check()


def test_jsonl_with_every_kind_of_bad_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    valid = [*_valid(), _late()]
    lines = [json.dumps(r, ensure_ascii=False) for r in valid]
    bad = [json.dumps(r, ensure_ascii=False) for r in _bad_records()]
    bad += ["{not json", "[1, 2]", '"a string"']
    # Blank and white-space lines are not records.
    text = "\n".join([*lines[:30], "", "   ", *bad, "\t", *lines[30:]]) + "\n\n"
    path = tmp_path / "ledger.jsonl"
    path.write_text(text, encoding="utf-8")
    _check_outputs(capsys, path, _expected(valid, len(bad), len(valid) + len(bad)))


def test_json_array_counts_records_not_problem_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    valid = [*_valid(), _late()]
    items: list[Any] = [*valid[:10], *_bad_records(), [1, 2], None, *valid[10:]]
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    expected = _expected(valid, len(items) - len(valid), len(items))
    _check_outputs(capsys, path, expected)
    # Without --skip-invalid the count of invalid records is the same.
    code, out, err = _run(capsys, "score", "wenzhou", str(path), *ARGS)
    assert (code, out) == (1, "")
    assert err.endswith(f"govinfo-rules: {expected.rejected} invalid record(s); nothing was scored\n")


def test_records_side_by_side_on_one_line_are_told_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps([{"id": "A"}, {"id": "B"}, *_valid()[:3]], ensure_ascii=False), encoding="utf-8")
    code, _, err = _run(capsys, "score", "wenzhou", str(path), "--as-of", AS_OF, "--skip-invalid")
    assert code == 0
    assert err == "govinfo-rules: 5 record(s) read: 3 scored, 2 rejected (see 'Rejected')\n"


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def test_csv_with_bad_rows_and_empty_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    valid = [*_valid(), _late()]
    fields = ["id", "unit", "authors", "submitted_on", "kind", "qualified", "adoptions", "chars", "event_on", "title"]
    path = tmp_path / "ledger.csv"
    bad_rows = [[_cell(r.get(f, "")) for f in fields] for r in _bad_records()]
    bad_rows.append(["BAD-5", "医务科", '["王强"]', "2024-08-01", "快报", "maybe"])  # not a bool
    bad_rows.append(["BAD-6", *["x"] * len(fields)])  # more cells than the header: not even a record's fields
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        for row in [[_cell(r.get(f, "")) for f in fields] for r in valid[:20]]:
            writer.writerow(row)
        writer.writerow([])  # empty rows are not records
        writer.writerow([""] * len(fields))
        writer.writerows(bad_rows)
        for row in [[_cell(r.get(f, "")) for f in fields] for r in valid[20:]]:
            writer.writerow(row)
    _check_outputs(capsys, path, _expected(valid, len(bad_rows), len(valid) + len(bad_rows)))


def test_all_valid_is_quiet_unless_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / "wenzhou-2024.jsonl"
    code, _, err = _run(capsys, "score", "wenzhou", str(path), "--as-of", "2024-12-31")
    assert (code, err) == (0, "")
    code, _, err = _run(capsys, "score", "wenzhou", str(path), "--as-of", "2024-12-31", "--skip-invalid")
    assert (code, err) == (0, "govinfo-rules: 64 record(s) read: 64 scored, 0 rejected\n")


def test_a_json_array_that_does_not_parse_is_not_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # No record in it can be counted: skipping "it" would account for nothing.
    path = tmp_path / "ledger.json"
    path.write_text('[{"id": "W-1"}, {"id": ', encoding="utf-8")
    out = tmp_path / "out.json"
    code, _, err = _run(capsys, "score", "wenzhou", str(path), "--skip-invalid", "-o", str(out))
    assert code == 1
    assert "not valid JSON" in err and "nothing was scored" in err
    assert not out.exists()


def _drop(record_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A validator that loses one record without a word: the bug the accounting is for."""
    validate = Validator.validate

    def losing(self: Validator, raws: Any) -> Validated:
        found = validate(self, raws)
        kept = tuple(r for r in found.records if r.id != record_id)
        return Validated(kept, found.warnings, found.problems)

    monkeypatch.setattr(Validator, "validate", losing)


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_lost_record_is_an_internal_error_and_nothing_is_written(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _valid()[:5]
    path = tmp_path / f"ledger{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    _drop(records[2]["id"], monkeypatch)  # the stream and the whole file both validate through it
    out = tmp_path / "out.json"
    with pytest.raises(AccountingError, match="5 record"):
        main(["score", "wenzhou", str(path), "--as-of", AS_OF, "--format", "json", "-o", str(out)])
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
