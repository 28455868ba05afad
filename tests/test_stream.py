"""`score` on JSON Lines streams: the same text as scoring the whole file at once."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

import pytest

from govinfo_rules import RecordError, load_ruleset
from govinfo_rules import stream as stream_module
from govinfo_rules.cli import main
from govinfo_rules.periods import Period, parse_date
from govinfo_rules.render import render_csv_units, render_table
from govinfo_rules.stream import score_stream

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {
    "wenzhou": ("wenzhou-2024.jsonl", "2024-12-31", None),
    "ganzhou": ("ganzhou-2020-Q3.jsonl", "2020-09-30", "2020-Q3"),
    "wanren": ("wanren-2024.jsonl", "2024-12-31", "2024"),
}


def _streamed(name: str, path: Path, as_of: str, period: str | None, fmt: str, skip: bool = False) -> str:
    out = io.StringIO()

    def write(emit: Any) -> None:
        emit(out)

    score_stream(
        load_ruleset(name),
        path,
        as_of=parse_date(as_of),
        period=Period.parse(period) if period else None,
        fmt=fmt,
        skip_invalid=skip,
        write=write,
    )
    return out.getvalue()


def _whole(name: str, path: Path, as_of: str, period: str | None, fmt: str) -> str:
    ruleset = load_ruleset(name)
    validated = ruleset.read(path)
    report = ruleset.evaluate_validated(
        validated.records, as_of=as_of, period=period, warnings=validated.warnings, trace=fmt == "json"
    )
    if fmt == "json":
        return report.to_json_text()
    return render_csv_units(report) if fmt == "csv" else render_table(report)


@pytest.mark.parametrize("fmt", ["json", "table", "csv"])
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_streaming_gives_the_same_text_as_the_whole_file(
    name: str, fmt: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ledger, as_of, period = EXAMPLES[name]
    source = ROOT / "rulesets" / "examples" / ledger
    # Shuffled, so that the merge of sorted runs has work to do; small runs, so there are many.
    lines = source.read_text(encoding="utf-8").splitlines()
    random.Random(7).shuffle(lines)
    path = tmp_path / ledger
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(stream_module, "BUFFER", 7)
    assert _streamed(name, path, as_of, period, fmt) == _whole(name, path, as_of, period, fmt)


def test_an_empty_ledger_streams_to_an_empty_report(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n", encoding="utf-8")
    text = _streamed("wenzhou", path, "2024-12-31", None, "json")
    assert json.loads(text)["records"] == []
    assert text == _whole("wenzhou", path, "2024-12-31", None, "json")


def _bad_ledger(tmp_path: Path) -> Path:
    good = {
        "id": "W-1",
        "unit": "医务科",
        "authors": ["陈静"],
        "submitted_on": "2024-03-01",
        "kind": "快报",
        "qualified": True,
    }
    lines = [
        json.dumps(good, ensure_ascii=False),
        '{"id": "W-2", "unit": "医务科", "authors": ["陈静"], "submitted_on": "2024-03-01", "kind": "专刊", "qualified": true}',
        "{not json",
        json.dumps(good, ensure_ascii=False),  # a duplicate id
        json.dumps({**good, "id": "W-5", "qualified": "yes"}, ensure_ascii=False),
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_invalid_record_is_reported_as_the_whole_file_reports_it(tmp_path: Path) -> None:
    path = _bad_ledger(tmp_path)
    with pytest.raises(RecordError) as streamed:
        _streamed("wenzhou", path, "2024-12-31", None, "json")
    whole = load_ruleset("wenzhou").read(path).problems
    assert streamed.value.render() == RecordError(whole).render()
    assert [p.line for p in streamed.value.problems] == [2, 3, 4, 5]


def test_skip_invalid_scores_the_rest_and_lists_the_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bad_ledger(tmp_path)
    out = tmp_path / "out.json"
    code = main(
        ["score", "wenzhou", str(path), "--as-of", "2024-12-31", "--format", "json", "--skip-invalid", "-o", str(out)]
    )
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in data["records"]] == ["W-1"]
    assert [(r["record"], r["line"]) for r in data["rejected"]] == [("W-2", 2), (None, 3), ("W-1", 4), ("W-5", 5)]
    assert capsys.readouterr().err == "govinfo-rules: 5 record(s) read: 1 scored, 4 rejected (see 'rejected')\n"


def test_a_line_that_is_not_utf8_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"id": "W-1"}\n{"id": "\xe9"}\n')
    assert main(["score", "wenzhou", str(path), "--as-of", "2024-12-31"]) == 1
    assert f"{path}:2:1: error: not UTF-8 text (byte 22); save the file as UTF-8" in capsys.readouterr().err


def test_nothing_is_written_when_records_are_invalid(tmp_path: Path) -> None:
    path = _bad_ledger(tmp_path)
    out = tmp_path / "out.json"
    out.write_text("previous", encoding="utf-8")
    assert main(["score", "wenzhou", str(path), "--as-of", "2024-12-31", "--format", "json", "-o", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.json")] == []


def test_the_cli_streams_jsonl_to_the_same_bytes_as_a_json_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = ROOT / "rulesets" / "examples" / "wenzhou-2024.jsonl"
    array = tmp_path / "ledger.json"
    array.write_text("[" + ",\n".join(source.read_text(encoding="utf-8").splitlines()) + "]\n", encoding="utf-8")
    assert main(["score", "wenzhou", str(source), "--as-of", "2024-12-31", "--format", "json"]) == 0
    streamed = capsys.readouterr().out
    assert main(["score", "wenzhou", str(array), "--as-of", "2024-12-31", "--format", "json"]) == 0
    whole = capsys.readouterr().out
    assert streamed == whole


def test_fingerprints_remember_every_id_across_growth() -> None:
    marks = stream_module._Fingerprints()
    ids = [f"W-{i}" for i in range(200_000)]
    assert not any(marks.add(i) for i in ids)  # grows from 65,536 slots several times
    assert marks.size >= 2 * len(ids)
    assert all(marks.add(i) for i in ids[::997])
    assert not marks.add("W-200000")


def test_a_fingerprint_collision_scores_again_keeping_every_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every id after the first "collides": the stream must find out that none is really
    # repeated and score again exactly, giving what scoring the whole file gives.
    ledger, as_of, period = EXAMPLES["wenzhou"]
    path = ROOT / "rulesets" / "examples" / ledger
    calls = {"n": 0}

    def always_seen(self: Any, text: str) -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    monkeypatch.setattr(stream_module._Fingerprints, "add", always_seen)
    assert _streamed("wenzhou", path, as_of, period, "json") == _whole("wenzhou", path, as_of, period, "json")


def test_a_repeated_id_names_its_first_line_after_a_collision_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _bad_ledger(tmp_path)
    monkeypatch.setattr(stream_module._Fingerprints, "add", lambda self, text: True)
    with pytest.raises(RecordError) as streamed:
        _streamed("wenzhou", path, "2024-12-31", None, "json")
    whole = load_ruleset("wenzhou").read(path).problems
    assert streamed.value.render() == RecordError(whole).render()
