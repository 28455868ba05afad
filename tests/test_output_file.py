"""``-o FILE`` writes atomically: a temporary file beside the target, renamed into place
once whole; a failure leaves the previous file as it was and no temporary file."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import pytest

from govinfo_rules import cli
from govinfo_rules import stream as stream_module
from govinfo_rules.cli import main
from govinfo_rules.report import Report

EXAMPLES = Path(__file__).resolve().parent.parent / "rulesets" / "examples"
LEDGER = EXAMPLES / "wenzhou-2024.jsonl"
SCORE = ["score", "wenzhou", "--as-of", "2024-12-31"]


class Boom(Exception):
    pass


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_a_failure_while_writing_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous", encoding="utf-8")

    def emit(out: IO[str]) -> None:
        out.write("half of a ")
        out.flush()
        # Midway: the target still holds the previous text, whole.
        assert target.read_text(encoding="utf-8") == "previous"
        raise Boom

    with pytest.raises(Boom):
        cli._emit_to(emit, str(target))
    assert target.read_text(encoding="utf-8") == "previous"
    assert _names(tmp_path) == ["report.json"]


def test_a_new_file_does_not_exist_until_it_is_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    seen = []

    def emit(out: IO[str]) -> None:
        for part in ("one ", "two ", "three"):
            out.write(part)
            out.flush()
            seen.append(target.exists())

    cli._emit_to(emit, str(target))
    assert seen == [False, False, False]
    assert target.read_text(encoding="utf-8") == "one two three"
    assert _names(tmp_path) == ["report.json"]


def test_a_stream_that_fails_midway_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # JSON Lines are written as they are merged: make the writer fail after a few lines.
    target = tmp_path / "report.json"
    target.write_text("previous", encoding="utf-8")
    write_json = stream_module.write_json

    def failing(report: Report, records: Iterable[str], out: IO[str]) -> None:
        def some() -> Iterator[str]:
            for count, line in enumerate(records):
                if count == 3:
                    raise Boom
                yield line

        write_json(report, some(), out)

    monkeypatch.setattr(stream_module, "write_json", failing)
    with pytest.raises(Boom):
        main([*SCORE[:2], str(LEDGER), *SCORE[2:], "--format", "json", "-o", str(target)])
    assert target.read_text(encoding="utf-8") == "previous"
    assert _names(tmp_path) == ["report.json"]


def test_a_write_error_is_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous", encoding="utf-8")

    def disk_full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.os, "replace", disk_full)
    code = main([*SCORE[:2], str(LEDGER), *SCORE[2:], "--format", "csv", "-o", str(target)])
    assert code == 1
    assert capsys.readouterr().err == f"{target}: error: cannot write: No space left on device\n"
    assert target.read_text(encoding="utf-8") == "previous"
    assert _names(tmp_path) == ["report.json"]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_missing_directory_is_an_error_before_the_ledger_is_read(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / f"ledger{suffix}"
    lines = LEDGER.read_text(encoding="utf-8").splitlines()
    ledger.write_text(lines[0] if suffix == ".jsonl" else f"[{lines[0]}]", encoding="utf-8")

    def too_late(*args: object, **kwargs: object) -> None:
        raise AssertionError("the ledger was read before the output was checked")

    monkeypatch.setattr(stream_module, "score_stream", too_late)
    monkeypatch.setattr(cli, "_read_counted", too_late)
    target = tmp_path / "no-such-dir" / "report.json"
    code = main([*SCORE[:2], str(ledger), *SCORE[2:], "-o", str(target)])
    assert code == 1
    assert capsys.readouterr().err == f"{target}: error: cannot write: no such directory '{target.parent}'\n"
    assert _names(tmp_path) == [ledger.name]


def test_a_directory_as_the_output_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*SCORE[:2], str(LEDGER), *SCORE[2:], "-o", str(tmp_path)])
    assert code == 1
    assert capsys.readouterr().err == f"{tmp_path}: error: cannot write: it is a directory\n"
    assert _names(tmp_path) == []


def test_output_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for fmt in ("json", "table"):
        assert main([*SCORE[:2], str(LEDGER), *SCORE[2:], "--format", fmt, "-o", "report.out"]) == 0
    assert capsys.readouterr() == ("", "")
    assert _names(tmp_path) == ["report.out"]
    assert (tmp_path / "report.out").read_text(encoding="utf-8").startswith("温州市中医院")


def test_diff_output_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "nope" / "diff.txt"
    code = main(["diff", "wenzhou", "wenzhou", str(LEDGER), "--as-of", "2024-12-31", "-o", str(target)])
    assert code == 1
    assert "cannot write: no such directory" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_file_gets_an_ordinary_mode_or_keeps_its_own(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        cli._write("{}", str(fresh))
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not the temporary file's 0600
        kept = tmp_path / "kept.json"
        kept.write_text("old", encoding="utf-8")
        kept.chmod(0o640)
        cli._write("{}", str(kept))
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
        assert json.loads(kept.read_text(encoding="utf-8")) == {}
    finally:
        os.umask(umask)
