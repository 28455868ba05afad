"""Evaluation periods: a year ``2024``, a quarter ``2024-Q3`` or a month ``2024-03``."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import attrs

from .errors import UsageError
from .limits import FIRST_DATE, LAST_DATE, date_problem

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@attrs.frozen
class Period:
    """A closed range of days with the label it was written as."""

    label: str
    kind: str  # "year" | "quarter" | "month"
    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def months(self) -> int:
        """How many months the period spans: 12, 3 or 1."""
        return {"year": 12, "quarter": 3, "month": 1}[self.kind]

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2024``, ``2024-Q3`` or ``2024-03``; anything else is a :class:`UsageError`."""
        text = text.strip()
        found = _YEAR.match(text) or _QUARTER.match(text) or _MONTH.match(text)
        if found and not FIRST_DATE.year <= int(found.group(1)) <= LAST_DATE.year:
            raise UsageError(f"period '{text}' is out of range: periods run from {FIRST_DATE.year} to {LAST_DATE.year}")
        if match := _YEAR.match(text):
            year = int(match.group(1))
            return cls(text, "year", dt.date(year, 1, 1), dt.date(year, 12, 31))
        if match := _QUARTER.match(text):
            year, quarter = int(match.group(1)), int(match.group(2))
            first = 3 * (quarter - 1) + 1
            last = first + 2
            return cls(
                f"{year}-Q{quarter}",
                "quarter",
                dt.date(year, first, 1),
                dt.date(year, last, calendar.monthrange(year, last)[1]),
            )
        if (match := _MONTH.match(text)) and 1 <= int(match.group(2)) <= 12:
            year, month = int(match.group(1)), int(match.group(2))
            return cls(
                text, "month", dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
            )
        raise UsageError(f"invalid period '{text}': expected a year (2024), a quarter (2024-Q3) or a month (2024-03)")

    @classmethod
    def year_of(cls, day: dt.date) -> Period:
        """The calendar year of ``day`` as a period."""
        return cls.parse(str(day.year))


def parse_date(text: str) -> dt.date:
    """An ISO date ``YYYY-MM-DD``; anything else is a :class:`UsageError`."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            day = dt.date.fromisoformat(text.strip())
        except ValueError:
            pass
        else:
            problem = date_problem(day)
            if problem is None:
                return day
            raise UsageError(f"date {problem}")
    raise UsageError(f"invalid date '{text}': expected YYYY-MM-DD")
