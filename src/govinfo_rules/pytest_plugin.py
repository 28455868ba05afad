"""A pytest plugin (entry point ``pytest11``): ruleset test files are pytest tests.

Every ``*.test.toml`` file that pytest meets becomes a collector and each of its cases
an item, so that ``pytest`` runs the same cases as ``govinfo-rules test`` and reports a
failing case with its differences (``units.医务科.points: expected 13, got 11``) rather
than a traceback.  A test file that is not valid is a collection error with its
``file:line:col``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SUFFIX = ".test.toml"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(SUFFIX):
        return RulesetCaseFile.from_parent(parent, path=file_path)
    return None


class CaseFailed(Exception):
    """A case whose figures differ from the expected ones."""

    def __init__(self, differences: tuple[str, ...]) -> None:
        super().__init__("\n".join(differences))
        self.differences = differences


class RulesetCaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        # Imported here: loading the plugin must not cost every pytest run the grammar.
        from .cases import RulesetCache, read_case_file
        from .errors import CaseFileError

        try:
            case_file = read_case_file(self.path)
        except CaseFileError as err:
            raise self.CollectError(err.render()) from None
        rulesets = RulesetCache()
        for case in case_file.cases:
            yield RulesetCase.from_parent(self, name=case.name, case=case, rulesets=rulesets)


class RulesetCase(pytest.Item):
    def __init__(self, *, case: Any, rulesets: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.rulesets = rulesets

    def runtest(self) -> None:
        from .cases import run_case

        result = run_case(self.case, self.rulesets)
        if not result.passed:
            raise CaseFailed(result.differences)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            return f"case '{self.case.name}' ({self.case.span}):\n" + "\n".join(
                f"    {line}" for line in str(excinfo.value).splitlines()
            )
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.span.line - 1, f"case: {self.case.name}"
