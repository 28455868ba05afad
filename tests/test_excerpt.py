"""The quoted line under an error: whole when short, a window around the column when
long, the caret always under the offending text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govinfo_rules.cli import main
from govinfo_rules.source import EXCERPT_WIDTH, caret_excerpt, display_width


def _under(excerpt: str) -> str:
    """The text the caret line points at."""
    quoted, carets = (line.removeprefix("    ") for line in excerpt.split("\n"))
    start = len(carets) - len(carets.lstrip(" "))
    width, out = 0, []
    for ch in quoted:
        if start <= width < start + carets.count("^"):
            out.append(ch)
        width += display_width(ch)
    return "".join(out)


def test_a_short_line_is_quoted_whole() -> None:
    assert caret_excerpt("kind == 快讯", 9, 2) == "    kind == 快讯\n            ^^^^"


@given(
    st.text(st.sampled_from('ab 报送,"{}'), min_size=0, max_size=400),
    st.sampled_from(["快讯", "bad", "x"]),
    st.text(st.sampled_from('cd 科室,"{}'), min_size=0, max_size=400),
)
def test_the_caret_is_under_the_offending_text(before: str, token: str, after: str) -> None:
    line = before + token + after
    excerpt = caret_excerpt(line, len(before) + 1, len(token))
    assert _under(excerpt) == token
    quoted = excerpt.split("\n")[0].removeprefix("    ")
    if display_width(line) <= EXCERPT_WIDTH:
        assert quoted == line
    else:  # a window: bounded, marked where cut, and a piece of the line
        assert display_width(quoted) <= 2 * (2 * 120 + len(token)) + 2
        assert quoted.strip("…") in line
        assert quoted.startswith("…") == (len(before) > 120)


def test_a_huge_record_does_not_flood_the_error_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = {
        "id": "W-1",
        "unit": "医务科",
        "authors": [f"作者{i}" for i in range(20_000)],
        "submitted_on": "2024-05-10",
        "kind": "快讯",
        "qualified": True,
    }
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["score", "wenzhou", str(ledger), "--as-of", "2024-12-31"]) == 1
    err = capsys.readouterr().err
    assert "record W-1: kind: unknown value '快讯'" in err
    assert max(len(line) for line in err.splitlines()) < 400
    lines = err.splitlines()
    at = next(i for i, line in enumerate(lines) if "kind: unknown value" in line)
    # A record problem points at the value's first character, here inside the window.
    quoted, carets = lines[at + 1].removeprefix("    "), lines[at + 2].removeprefix("    ")
    assert carets.strip() == "^"
    assert display_width(quoted[: quoted.index('"快讯"')]) == len(carets) - 1
