"""Shared fixtures: paths of the repository's data, and the golden-file switch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rulesets" / "examples"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/*/expected after a reviewed change of wording",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


# Hypothesis profiles.  "fast", the default, is what every run of the suite (and CI)
# uses: tests that set no max_examples draw 100 examples each, and the fuzz tests
# (tests/test_fuzz_*.py) a multiple of that, about half a minute together.  "long" is a
# local fuzzing session, GOVINFO_FUZZ=long or --hypothesis-profile=long (docs/limits.md
# has the command and its last figures): a hundred times the examples, and no time
# limit per example.
settings.register_profile("fast", print_blob=True)
settings.register_profile(
    "long", max_examples=10_000, deadline=None, print_blob=True, suppress_health_check=list(HealthCheck)
)
settings.load_profile("long" if os.environ.get("GOVINFO_FUZZ") == "long" else "fast")
