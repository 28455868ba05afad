"""How a value is written for people: in warning messages and in ``explain``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .decimals import format_decimal


def format_value(value: Any, *, missing: str = "(none)") -> str:
    """``2024-05-28``, ``0.5`` (no trailing zeros), ``true``, lists as ``a, b``."""
    if value is None:
        return missing
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(format_value(v, missing=missing) for v in value)
    return str(value)
