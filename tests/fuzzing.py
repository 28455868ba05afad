"""What the fuzz tests (tests/test_fuzz_*.py) share: their number of examples."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def examples(share: float) -> settings:
    """``share`` times the profile's examples: 100 in the fast profile, the default, and
    10,000 in the long one (tests/conftest.py)."""
    count = max(int(settings.default.max_examples * share), 10)
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
