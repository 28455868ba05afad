"""The progress line of a long `score` (progress.py): shown on a terminal past 50,000
records, never for short inputs or pipes, and erased before the output."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from govinfo_rules import load_ruleset
from govinfo_rules.periods import parse_date
from govinfo_rules.progress import Progress
from govinfo_rules.stream import score_stream


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_shown_before_the_threshold() -> None:
    out = Terminal()
    progress = Progress(out, None, after=50_000, every=10_000)
    for n in range(1, 50_000):
        progress.update(n, "x" * 99)
    progress.done()
    assert out.getvalue() == ""


def test_past_the_threshold_a_line_is_redrawn_then_erased() -> None:
    out = Terminal()
    ticks = iter(range(1000))
    # 100 bytes a line, 10,000,000 bytes: about 100,000 lines; the clock reads 0 at the
    # start, then one second more at each line drawn
    progress = Progress(out, 10_000_000, after=50_000, every=10_000, clock=lambda: float(next(ticks)))
    for n in range(1, 70_001):
        progress.update(n, "x" * 99)
    shown = out.getvalue()
    assert shown == (
        "\rgovinfo-rules: 50,000 records read (50,000/s), about 50%"
        "\rgovinfo-rules: 60,000 records read (30,000/s), about 60%"
        "\rgovinfo-rules: 70,000 records read (23,333/s), about 70%"
    )
    progress.done()
    width = len("govinfo-rules: 70,000 records read (23,333/s), about 70%")
    assert out.getvalue().endswith("\r" + " " * width + "\r")


def test_only_a_terminal_gets_a_progress_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    assert Progress.for_terminal(io.StringIO(), path) is None
    made = Progress.for_terminal(Terminal(), path)
    assert made is not None and made.total_bytes == 3  # "{}" and a newline


def test_streaming_score_reports_progress_and_erases_it(tmp_path: Path) -> None:
    rows = [
        {
            "id": f"W-{i}",
            "unit": "医务科",
            "authors": ["陈静"],
            "submitted_on": "2024-03-01",
            "kind": "快报",
            "qualified": True,
        }
        for i in range(1, 41)
    ]
    path = tmp_path / "ledger.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    screen = Terminal()
    out = io.StringIO()

    def write(emit: Any) -> None:
        emit(out)

    progress = Progress(screen, path.stat().st_size, after=20, every=10)
    score_stream(
        load_ruleset("wenzhou"),
        path,
        as_of=parse_date("2024-12-31"),
        period=None,
        fmt="table",
        skip_invalid=False,
        write=write,
        progress=progress,
    )
    drawn = screen.getvalue()
    assert "govinfo-rules: 20 records read" in drawn and "govinfo-rules: 40 records read" in drawn
    assert drawn.endswith(" \r") and progress.shown == 0
    assert "govinfo-rules:" not in out.getvalue()  # the report itself carries no progress


@pytest.mark.parametrize("records", [0, 9])
def test_done_without_a_line_writes_nothing(records: int) -> None:
    out = Terminal()
    progress = Progress(out, None, after=0, every=10)
    for n in range(1, records + 1):
        progress.update(n)
    progress.done()
    assert out.getvalue() == ""


def test_the_score_command_draws_on_a_terminal_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from govinfo_rules import cli, progress

    made: list[Progress] = []
    original = Progress.for_terminal.__func__  # type: ignore[attr-defined]

    def small(cls: type[Progress], out: Any, path: Any) -> Progress | None:
        found = original(cls, out, path)
        if found is not None:  # the same line, drawn from the 5th record on
            found.after, found.every = 5, 5
            made.append(found)
        return found

    monkeypatch.setattr(progress.Progress, "for_terminal", classmethod(small))
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    ledger = Path(__file__).resolve().parent.parent / "rulesets" / "examples" / "wenzhou-2024.jsonl"
    assert cli.main(["score", "wenzhou", str(ledger), "--as-of", "2024-12-31"]) == 0
    assert made and "records read" in screen.getvalue() and made[0].shown == 0
    assert "records read" not in capsys.readouterr().out
