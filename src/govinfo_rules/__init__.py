"""govinfo-rules: executable, auditable scoring rules for government information work.

Typical use::

    from govinfo_rules import load_ruleset

    ruleset = load_ruleset("wenzhou")
    report = ruleset.evaluate(records, as_of="2024-12-31", period="2024")
    report.units[0].points          # Decimal('23.5')
    report.to_json()                # the contract's JSON shape
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (
    GovinfoRulesError as GovinfoRulesError,
)
from .errors import (
    InputError as InputError,
)
from .errors import (
    RecordError as RecordError,
)
from .errors import (
    RecordProblem as RecordProblem,
)
from .errors import (
    RulesetError as RulesetError,
)
from .errors import (
    RulesetSyntaxError as RulesetSyntaxError,
)
from .errors import (
    UsageError as UsageError,
)
from .periods import Period as Period
from .report import Report as Report
from .ruleset import Ruleset as Ruleset
from .ruleset import compile_ruleset as compile_ruleset
from .ruleset import load_ruleset as load_ruleset
from .validate import Record as Record

__all__ = [
    "GovinfoRulesError",
    "InputError",
    "Period",
    "Record",
    "RecordError",
    "RecordProblem",
    "Report",
    "Ruleset",
    "RulesetError",
    "RulesetSyntaxError",
    "UsageError",
    "__version__",
    "compile_ruleset",
    "load_ruleset",
]
