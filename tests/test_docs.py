"""The documentation's policy-language examples compile (or fail, where they say so)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govinfo_rules import GovinfoRulesError, compile_ruleset

DOCS = Path(__file__).resolve().parent.parent / "docs"
SNIPPETS = [
    pytest.param(
        match.group(1), id=f"{path.name}:{path.read_text(encoding='utf-8')[: match.start()].count(chr(10)) + 1}"
    )
    for path in sorted(DOCS.glob("*.md"))
    for match in re.finditer(r"```gvr\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)
]


def test_the_language_reference_has_examples() -> None:
    assert len(SNIPPETS) >= 15


@pytest.mark.parametrize("source", SNIPPETS)
def test_snippet(source: str) -> None:
    if source.startswith("# ✗"):  # an example of a mistake: it must be rejected
        with pytest.raises(GovinfoRulesError):
            compile_ruleset(source, filename="snippet.gvr")
    else:
        compile_ruleset(source, filename="snippet.gvr")
