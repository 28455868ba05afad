"""The limits on what govinfo-rules reads, each with the reason for its value.

Every input is bounded so that a mistaken or hostile file gets a clear error (where
it is read or checked) rather than a traceback, a hang or an inexact figure.  The
values are far above what a real notice or ledger needs; docs/limits.md lists each
with its message.  The functions here word the record-level problems, so that a
ledger, a CSV table and a parameter override are told the same thing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

# --- rulesets ------------------------------------------------------------------------

# The bundled rulesets are 6-14 KB; a whole province's scheme would be a few hundred
# KB.  Compiling costs about half a millisecond a rule, so this also bounds the time a
# ruleset can take to load.
MAX_RULESET_BYTES: Final = 1_048_576

# Expressions nested inside one another (operators, calls, `if`, `not`, `list of`).
# Every stage walks expressions recursively, a few Python frames a level, and the
# generated code nests about two brackets a level where Python's parser allows 200:
# 64 keeps all of it far from Python's recursion limit, and is ten times the deepest
# expression of the bundled rulesets.  A deeper one is clearer split with `let`.
MAX_NESTING: Final = 64

# `rule`, `let`, `gate`, `warn`, `remind` and `require` items together.  The bundled
# rulesets have at most 43; 2,000 compile in about a second.
MAX_RULES: Final = 2_000

# Lists and structs inside one another in a record's values (a record, its list of
# adoptions, each adoption's struct is 3).  Validation descends as deep as the schema.
MAX_VALUE_DEPTH: Final = 16

# Fields of one record type, each field of a struct counted every time the struct is
# used (a struct of 10 fields in two places counts 20).  The generated validator reads
# them all in one function; the bundled record types have at most 21.
MAX_RECORD_FIELDS: Final = 1_000

# Values multiplied or divided together in one computation, following `let`s: `a * b`
# is 2, `let c = a * b` then `c * c` is 4.  With every number below 10^15 this keeps
# every product far below the decimal exponent limit (no overflow is possible) and
# every integer product small; the bundled rulesets multiply at most 3.
MAX_FACTORS: Final = 32

# --- records and numbers ------------------------------------------------------------

# One record: a JSON line, an element of a JSON array, a CSV row.  The example ledgers'
# records are under 2 KB; a megabyte leaves room for pasted text while bounding what
# one bad line costs (the streaming reader never holds more than this of a line).
MAX_RECORD_BYTES: Final = 1_048_576

# Items of one list in a record (authors, units, adoptions).  Each rule over a list
# walks it once per record.
MAX_LIST_ITEMS: Final = 10_000

# Digits before the decimal point (below 10^15: a trillion 元 has 13) and after it
# (fen have 2, rates a few more; trailing zeros do not count).  So a number has at
# most 21 significant digits, and sums of millions of them stay exact in the default
# decimal context's 28.
MAX_INTEGER_DIGITS: Final = 15
MAX_FRACTION_DIGITS: Final = 6
NUMBER_BOUND: Final = Decimal(10) ** MAX_INTEGER_DIGITS
INTEGER_BOUND: Final = 10**MAX_INTEGER_DIGITS

# Dates of records, tables, parameters, --as-of and --period: the notices are from
# this century, and records from the founding of the institutions they rate onwards;
# far-future dates are typing mistakes (20240 for 2024).
FIRST_DATE: Final = dt.date(1900, 1, 1)
LAST_DATE: Final = dt.date(2199, 12, 31)


def number_problem(value: Decimal | int) -> str | None:
    """Why a number is outside the limits, or ``None`` when it is within them."""
    if isinstance(value, int):
        if -INTEGER_BOUND < value < INTEGER_BOUND:
            return None
        return f"{_integer_text(value)} is too large: {_TOO_LARGE}"
    if not value.is_finite():
        return f"{value} is not a number"
    if value.is_zero():
        return None
    if not -NUMBER_BOUND < value < NUMBER_BOUND:
        return f"{_decimal_text(value)} is too large: {_TOO_LARGE}"
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if exponent + trailing < -MAX_FRACTION_DIGITS:
        return (
            f"{_decimal_text(value)} has {-(exponent + trailing)} decimal places: "
            f"the limit is {MAX_FRACTION_DIGITS}; round the value"
        )
    return None


def date_problem(day: dt.date) -> str | None:
    """Why a date is outside the limits, or ``None``."""
    if FIRST_DATE <= day <= LAST_DATE:
        return None
    return f"{day.isoformat()} is out of range: dates run from {FIRST_DATE} to {LAST_DATE}"


def list_problem(length: int) -> str | None:
    if length <= MAX_LIST_ITEMS:
        return None
    return f"a list of {length:,} items: the limit is {MAX_LIST_ITEMS:,}; split the record"


_TOO_LARGE = f"a number has at most {MAX_INTEGER_DIGITS} digits before the decimal point"


def _decimal_text(value: Decimal) -> str:
    # As written in a ledger (0.0000001, not 1E-7), unless that takes thousands of digits.
    return _brief(format(value, "f") if abs(value.adjusted()) < 40 else str(value))


def _integer_text(value: int) -> str:
    # str() refuses integers of more than 4,300 digits (a guard of Python's own).
    if value.bit_length() < 1000:
        return _brief(str(value))
    return f"a number of about {int(value.bit_length() * 0.30103)} digits"


def _brief(text: str) -> str:
    """A long number shortened for a message: its first digits and how many there are."""
    return text if len(text) <= 24 else f"{text[:12]}… ({len(text)} characters)"
