"""The error catalogue (docs/errors.md) is complete and shows real output.

(a) Every example of the catalogue, run now, prints exactly what the page shows, and
    every message pattern an entry lists is found in its example's output.
(b) Every message-producing call site of ``src/govinfo_rules/`` is matched by the real
    output of some example: found with ``ast`` (string and f-string arguments of
    ``Diagnostic(...)``, ``error(...)``, ``bad(...)``, ``problem(...)``,
    ``RecordProblem(...)``, ``Finding(...)``, ``Warning(...)``, exception constructors,
    ``sys.stderr.write(...)``, the message lists of test-case results, and the strings
    returned by the message helpers), each turned into a regular expression whose
    placeholders match any text.  A call site no user can reach is in ``UNREACHABLE``
    with its reason; a call site whose output is no diagnostic is in ``NOT_DIAGNOSTICS``.

A new diagnostic fails (b) until it has an entry in docs/_source/errors.toml and the
page is regenerated (``python docs/_source/errors.py``).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "govinfo_rules"
GENERATOR = ROOT / "docs" / "_source" / "errors.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("errors_catalogue_generator", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


gen = _generator()
CATALOGUE = gen.load()
ENTRIES = {entry.id: entry for entry in CATALOGUE.entries}


# --- call sites -----------------------------------------------------------------------

# Calls whose string arguments are messages a user sees.
_HELPERS = frozenset(
    {"Diagnostic", "RecordProblem", "Finding", "Warning", "CaseResult", "error", "bad", "problem", "unknown"}
)
# Lists of messages: `out.append(...)` in the comparison of a test case, the notes of
# awards and tiers, the warnings of validation, the problems of a header row or a sheet row.
_MESSAGE_LISTS = frozenset({"out", "notes", "warnings", "differences", "problems", "bad"})
# Functions whose returned strings are messages or parts of messages.
_RETURNING = re.compile(r"(^_?message$|_message$|_problem$|_reason$|did_you_mean$)")
# Variables that hold a message before it is raised or reported.
_MESSAGE_NAMES = frozenset({"message", "differences"})


@dataclass(frozen=True)
class Site:
    """One message template of the source: where it is and the text it prints."""

    file: str
    function: str
    line: int
    template: str  # the literal text, `{}` for each value filled in
    pattern: str  # a regular expression for the printed message
    whole: bool  # a whole message (anchored to the line's end), or a part of one

    @property
    def key(self) -> str:
        return f"{self.file}:{self.function}: {self.template}"

    def found_in(self, text: str) -> bool:
        if self.whole:
            return re.search(rf"(?m)(?:^[ \t]*|(?<=: )){self.pattern}$", text) is not None
        return re.search(rf"(?m){self.pattern}", text) is not None


def _is_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    return False


def _templates(node: ast.expr) -> list[list[str | None]]:
    """The texts an expression can give: literal pieces, ``None`` for a value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [[node.value]]
    if isinstance(node, ast.JoinedStr):
        pieces: list[str | None] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                pieces.append(str(value.value))
            else:
                pieces.append(None)
        return [pieces]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        unknown: list[list[str | None]] = [[None]]
        lefts = _templates(node.left) if _is_text(node.left) else unknown
        rights = _templates(node.right) if _is_text(node.right) else unknown
        return [left + right for left in lefts for right in rights]
    if isinstance(node, ast.IfExp):
        return [
            *(_templates(node.body) if _is_text(node.body) else []),
            *(_templates(node.orelse) if _is_text(node.orelse) else []),
        ]
    return []


def _message_arguments(node: ast.Call) -> list[ast.expr]:
    """The arguments of a call that are messages, if the call reports one."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    receiver = func.value if isinstance(func, ast.Attribute) else None
    receiver_name = (
        receiver.attr if isinstance(receiver, ast.Attribute) else receiver.id if isinstance(receiver, ast.Name) else ""
    )
    reports = (
        name in _HELPERS
        or name.endswith(("Error", "Exception"))  # an exception's constructor
        or (name in ("append", "insert", "extend") and receiver_name in _MESSAGE_LISTS)
        or (name == "write" and receiver_name == "stderr")
    )
    args = list(node.args) if reports else []
    out: list[ast.expr] = []
    for arg in args:
        if isinstance(arg, ast.Tuple | ast.List):
            out.extend(e for e in arg.elts if not isinstance(e, ast.Starred))
        else:
            out.append(arg)
    return [a for a in out if _is_text(a)]


class _Finder(ast.NodeVisitor):
    def __init__(self, file: str) -> None:
        self.file = file
        self.function = "<module>"
        self.sites: list[Site] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    def visit_Call(self, node: ast.Call) -> None:
        for arg in _message_arguments(node):
            self.add(arg, whole=True)
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        value = node.value
        if value is not None and _RETURNING.search(self.function) and _is_text(value):
            self.add(value, whole=False)
        # The (value, problem) convention: `return None, "why the value is missing"`.
        if isinstance(value, ast.Tuple) and len(value.elts) == 2 and _is_text(value.elts[1]):
            first = value.elts[0]
            if isinstance(first, ast.Constant) and first.value is None:
                self.add(value.elts[1], whole=True)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        names = {t.id for t in node.targets if isinstance(t, ast.Name)}
        if names & _MESSAGE_NAMES:
            value = node.value.elt if isinstance(node.value, ast.ListComp) else node.value
            if _is_text(value):
                self.add(value, whole=False)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name) and node.target.id in _MESSAGE_NAMES and _is_text(node.value):
            self.add(node.value, whole=False)
        self.generic_visit(node)

    def add(self, node: ast.expr, *, whole: bool) -> None:
        for pieces in _templates(node):
            literal = "".join(p for p in pieces if p is not None)
            # An identifier such as "(line)" or "unused-parameter" is a field or a code,
            # and text that is only punctuation around values is a frame, not a message.
            if None not in pieces and " " not in literal.strip():
                continue
            if sum(ch.isalpha() for ch in literal) < 3:
                continue
            template = "".join("{}" if p is None else p for p in pieces)
            pattern = "".join("(.*?)" if p is None else re.escape(p) for p in pieces)
            site = Site(self.file, self.function, node.lineno, template.rstrip("\n"), pattern.rstrip("\\\n"), whole)
            self.sites.append(site)


def call_sites() -> list[Site]:
    """Every message template of the package, in file and line order."""
    sites: list[Site] = []
    for path in sorted(SRC.glob("*.py")):
        finder = _Finder(path.name)
        finder.visit(ast.parse(path.read_text(encoding="utf-8")))
        sites.extend(sorted(finder.sites, key=lambda s: s.line))
    return sites


# Call sites that no user can reach: (file, function, start of the template) -> why.
UNREACHABLE: dict[tuple[str, str, str], str] = {
    ("accounting.py", "check", "internal error: …"): "an internal consistency check; it fails only on a bug",
    ("evaluate.py", "finish", "internal error: …"): "an internal consistency check; it fails only on a bug",
    ("build.py", "expr", "unhandled expression node…"): "an assertion over the grammar's node kinds",
    ("check.py", "expr", "unhandled node…"): "an assertion over the AST's node kinds",
    ("compile.py", "compile_expr", "unhandled IR node…"): "an assertion over the IR's node kinds",
    ("interpret.py", "evaluate_expr", "unhandled IR node…"): "an assertion over the IR's node kinds",
    ("validate.py", "struct", "unknown field '{}' ignored"): (
        "without a suggestion only when a struct has no field at all; every record has its id"
    ),
    ("xlsx.py", "_choose", "{}:1:1: error: the workbook has no worksheet"): (
        "openpyxl opens no workbook without a worksheet: one of chart sheets only fails earlier, as damaged"
    ),
    ("inputs.py", "read_records", "{}: an Excel workbook is not text; read it with read_ledger"): (
        "a guard of an internal function: the commands and the API read workbooks with read_ledger"
    ),
    ("inputs.py", "name_columns", "header '{}' names {} fields…"): (
        "only for a ruleset that fails check: a label naming a field of another record type is a ruleset error"
    ),
    ("fmt.py", "_expr", "unhandled expression…"): "an assertion over the AST's node kinds",
    ("stream.py", "score_stream", "the exact pass raises no collision"): "an assertion: ids are compared exactly",
    ("check.py", "make_enum", "enum {} has no values"): "the grammar requires at least one value in an enum",
    ("check.py", "check_award", "an award needs at least one prize"): "the grammar requires at least one prize",
    ("parse.py", "_message", "syntax error"): "Lark raises only the three kinds of error handled above it",
    ("parser_tables.py", "", ""): "the maintainers' tool packing the parser tables (python -m ...parser_tables)",
}

# Call sites whose output is information, not a diagnostic: (file, function, start) -> what.
NOT_DIAGNOSTICS: dict[tuple[str, str, str], str] = {
    ("cli.py", "_fmt", "would reformat…"): "`fmt --check` lists the files it would change",
    ("cli.py", "_fmt", "reformatted…"): "`fmt` lists the files it changed",
    ("cli.py", "_fmt", "{}, {} could not be formatted"): "`fmt`'s summary line (each failure is reported above it)",
    ("cli.py", "_account", "govinfo-rules: rejected: …"): "`score --skip-invalid --format csv` lists what it left out",
    ("cli.py", "_template", "wrote {}…"): "`template` says which file it wrote",
    ("explain.py", "", ""): "`explain` shows how a record was scored: its lines are the explanation, not diagnostics",
    ("html_report.py", "", ""): "the HTML report's markup",
    ("whatif.py", "render_text", ""): "`diff`'s report of what changed",
}


def _listed(site: Site, table: dict[tuple[str, str, str], str]) -> bool:
    """Whether a table names the call site: by file, function ("" for any) and template,
    exactly or, for a template ending in "…", by its beginning ("" for any)."""
    return any(
        site.file == file
        and (not function or site.function == function)
        and (site.template == start or not start or (start.endswith("…") and site.template.startswith(start[:-1])))
        for file, function, start in table
    )


SITES = call_sites()


# --- the examples ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    """Every example's real output, run once for all the tests of this module."""
    return {entry.id: gen.run(entry) for entry in CATALOGUE.entries}


@pytest.fixture(scope="module")
def page() -> str:
    path: Path = gen.PAGE
    return path.read_text(encoding="utf-8")


def test_the_catalogue_covers_every_stage() -> None:
    stages = {entry.stage for entry in CATALOGUE.entries}
    assert stages == {stage.key for stage in CATALOGUE.stages}


def test_the_page_is_generated_from_the_examples_as_they_run_now(outputs: dict[str, str], page: str) -> None:
    assert page == gen.render_page(CATALOGUE, outputs), "docs/errors.md is stale: run python docs/_source/errors.py"


@pytest.mark.parametrize("ident", list(ENTRIES))
def test_each_example_prints_what_the_page_shows(ident: str, outputs: dict[str, str], page: str) -> None:
    assert gen.render_entry(ENTRIES[ident], outputs[ident]) in page


@pytest.mark.parametrize("ident", list(ENTRIES))
def test_each_message_pattern_is_in_its_examples_output(ident: str, outputs: dict[str, str]) -> None:
    entry = ENTRIES[ident]
    for message in entry.messages:
        parts = re.split(r"<[^<>]*>", message)
        pattern = "(.*?)".join(re.escape(part) for part in parts)
        assert re.search(rf"(?m){pattern}$", outputs[ident]), f"{ident}: {message!r} is not in\n{outputs[ident]}"


@pytest.mark.parametrize("ident", list(ENTRIES))
def test_each_example_reports_something(ident: str, outputs: dict[str, str]) -> None:
    """An example that prints a diagnostic: an error exits non-zero; a warning says so."""
    output = outputs[ident]
    if ENTRIES[ident].python:
        assert output.strip()
    elif ident.startswith("E-"):
        assert not output.endswith("$ echo $?\n0"), output
    else:
        assert "warning" in output.lower() or re.search(r"(?m)^\S+:\d+:\d+: [a-z-]+: ", output), output


def test_the_ruleset_examples_that_fail_are_marked_for_the_snippet_checkers(page: str) -> None:
    # tests/test_docs.py compiles every ```gvr block: a rejected one must say so.
    for block in re.findall(r"```gvr\n(.*?)```", page, flags=re.S):
        rejected = gen._rejected_alone(block.removeprefix(gen.REJECTED_MARK + "\n"))
        assert block.startswith(gen.REJECTED_MARK) == rejected, block


# --- completeness ---------------------------------------------------------------------


def test_the_scanner_finds_the_known_kinds_of_call_site() -> None:
    """The scanner sees each way the package words a message (a guard for the test itself)."""
    templates = {(s.file, s.template) for s in SITES}
    assert ("check.py", "unknown name '{}'{}") in templates  # self.error(...)
    assert ("validate.py", "expected text, got {}") in templates  # check.bad(...)
    assert ("parse.py", 'unterminated string: a string must end with " on the same line') in templates  # return
    assert ("limits.py", "{} is not a number") in templates  # a *_problem helper
    assert ("cases.py", "{}: expected {}, got {}") in templates  # out.append(...)
    assert ("periods.py", "invalid date '{}': expected YYYY-MM-DD") in templates  # raise UsageError(...)
    assert len(SITES) > 150


def _reported(site: Site) -> bool:
    return not _listed(site, UNREACHABLE) and not _listed(site, NOT_DIAGNOSTICS)


@pytest.mark.parametrize("site", [s for s in SITES if _reported(s)], ids=lambda s: f"{s.file}:{s.line}")
def test_every_diagnostic_has_a_catalogue_entry(site: Site, outputs: dict[str, str]) -> None:
    everything = "\n".join(outputs.values())
    assert site.found_in(everything), (
        f"{site.file}:{site.line} ({site.function}) prints {site.template!r}, which no example of "
        "docs/_source/errors.toml prints: add an entry (see 'How to add an entry' in docs/errors.md), "
        "or list the call site in UNREACHABLE with the reason no user can reach it"
    )


def _listed_sites(table: dict[tuple[str, str, str], str]) -> Iterator[tuple[tuple[str, str, str], list[Site]]]:
    for key in table:
        yield key, [s for s in SITES if _listed(s, {key: ""})]


def test_every_allow_list_entry_names_a_real_call_site() -> None:
    stale = [key for key, found in _listed_sites({**UNREACHABLE, **NOT_DIAGNOSTICS}) if not found]
    assert stale == [], "remove these entries: no call site matches them any more"


def test_no_example_prints_a_call_site_listed_as_unreachable(outputs: dict[str, str]) -> None:
    # An allow-listed message that an example prints is reachable after all.
    everything = "\n".join(outputs.values())
    printed = [s.key for s in SITES if _listed(s, UNREACHABLE) and s.found_in(everything)]
    assert printed == []
