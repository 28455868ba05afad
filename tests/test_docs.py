"""Every example of the documentation runs, and shows what it really prints.

* every ```gvr block compiles (or, when it starts with ``# ✗``, is rejected);
* every page generated from a template (docs/_source/*.md.in) is what a fresh rendering
  of the template gives: each command shown as ``$ govinfo-rules ...`` (or ``$ cat``,
  ``$ python ...``) is run again in a scratch copy of the files it uses and its output
  compared, and the CLI reference is compared with the real argument parser;
* no page shows a command whose output is not generated that way, except the few
  listed in EXEMPT with the reason;
* every ```python block runs, and prints the ```text block that follows it;
* every command in a ```sh block succeeds (and prints what its ``# prints:`` comment
  says), or is listed in EXEMPT;
* every ```toml test file runs and passes, and every ```json ledger line is a valid
  record of its page's ruleset.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from govinfo_rules import GovinfoRulesError, compile_ruleset, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
# A fenced block, also one indented in a list item (its lines carry the indentation).
FENCE = re.compile(r"^([ \t]*)```([^\n`]*)\n(.*?)^\1```[ \t]*$", flags=re.S | re.M)
GVR = re.compile(r"```gvr( dir=\S+)?\n(.*?)```", flags=re.S)
# A snippet that reads a file (a CSV table) shows that file earlier on the page as
# "$ cat NAME" in a text block; the test writes it beside the snippet.
SHOWN_FILE = re.compile(r"```text\n\$ cat (\S+)\n(.*?)```", flags=re.S)
COMMAND_FENCES = {"", "text", "console", "sh", "shell", "bash"}

# Pages written by a generator of their own, which checks them against a fresh run.
OWN_GENERATOR = {
    "errors.md": "docs/_source/errors.py --check, run by tests/test_error_catalogue.py",
}

# Commands the docs show but no test runs, and why.  Keyed by page ("*": any page); each
# entry is a regular expression matched at the start of the command (without "$ ").
INSTALLS = "installs packages: what CI's .ci/run does from a fresh clone on every submission"
EXEMPT: dict[str, dict[str, str]] = {
    "*": {r"pip install": INSTALLS},
    "performance.md": {
        r"python benchmarks/run\.py": "the benchmark takes minutes and its figures are timings of one machine "
        "(the page says which); benchmarks are not run by the test suite",
    },
    "limits.md": {
        r"(GOVINFO_FUZZ=long )?python -m pytest tests/test_fuzz_": "these are the suite's own fuzz tests, "
        "which every run of the suite runs (the long profile is a manual session)",
    },
    "getting-started.md": {
        r"python3 -m venv \.venv": "creates a virtual environment and installs the package: what CI's "
        "`.ci/run` does on every submission; the scoring command it ends with is run on the page itself",
    },
    "highlighting.md": {
        r"python -m govinfo_rules\.lexer > grammars/": "rewrites a committed file; tests/test_textmate.py checks "
        "that the committed grammar is what this command writes",
    },
}


def _docrun() -> ModuleType:
    path = DOCS / "_source" / "docrun.py"
    spec = importlib.util.spec_from_file_location("docrun", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["docrun"] = module
    spec.loader.exec_module(module)
    return module


docrun = _docrun()


def _line(text: str, offset: int) -> int:
    return text[:offset].count("\n") + 1


def _blocks(path: Path) -> Iterator[tuple[str, str, int, int]]:
    """(info, body, start offset, end offset) of every fenced block of a page."""
    text = path.read_text(encoding="utf-8")
    for match in FENCE.finditer(text):
        yield match.group(2).strip(), textwrap.dedent(match.group(3)), match.start(), match.end()


def _exempt(page: str, command: str) -> bool:
    patterns = {**EXEMPT["*"], **EXEMPT.get(page, {})}
    return any(re.match(pattern, command) for pattern in patterns)


# --- the policy language -----------------------------------------------------------------


def _files_before(text: str, end: int) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in SHOWN_FILE.finditer(text[:end])}


SNIPPETS = [
    pytest.param(
        match.group(2),
        _files_before(text, match.start()) if match.group(1) else {},
        id=f"{path.name}:{_line(text, match.start())}",
    )
    for path in PAGES
    for text in [path.read_text(encoding="utf-8")]
    for match in GVR.finditer(text)
]


def test_the_language_reference_has_examples() -> None:
    assert len(SNIPPETS) >= 15


@pytest.mark.parametrize(("source", "files"), SNIPPETS)
def test_snippet(source: str, files: dict[str, str], tmp_path: Path) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    if source.startswith("# ✗"):  # an example of a mistake: it must be rejected
        with pytest.raises(GovinfoRulesError):
            compile_ruleset(source, filename=str(tmp_path / "snippet.gvr"))
    else:
        compile_ruleset(source, filename=str(tmp_path / "snippet.gvr"))


# --- pages rendered from templates -------------------------------------------------------

TEMPLATES = docrun.templates()


@pytest.mark.parametrize("page", sorted(TEMPLATES))
def test_the_page_is_its_template_run_again(page: str) -> None:
    fresh = docrun.render_page(page)
    committed = (DOCS / page).read_text(encoding="utf-8")
    if fresh != committed:
        diff = "".join(
            difflib.unified_diff(committed.splitlines(True), fresh.splitlines(True), f"docs/{page}", "fresh")
        )
        pytest.fail(f"docs/{page} differs from its template run again (bash docs/_source/regenerate.sh):\n{diff}")


def test_a_fresh_rendering_runs_the_commands(tmp_path: Path) -> None:
    """The rendering really runs each command: a changed file changes the page."""
    with docrun.workspace() as space:
        (space.source / "cli" / "ledger.json").write_text("[]\n", encoding="utf-8")
        page = docrun.render("@@RUN /tmp/doc/cli :: cat ledger.json@@\n@@RUN /tmp/doc :: false ;rc@@", space)
    assert page == "$ cat ledger.json\n[]\n$ false\n$ echo $?\n1"


def test_a_forked_command_prints_as_a_process_does() -> None:
    """A forked command prints what the same command prints in bash, interleaving included."""
    commands = [
        "govinfo-rules check wenzhou --set 报送时限天数=ten",
        "govinfo-rules score wenzhou ../doc/cli/bad.jsonl --as-of 2024-12-31 --skip-invalid",
        "govinfo-rules score wenzhou rulesets/examples/wenzhou-2024.jsonl --format json | wc -l",
        "govinfo-rules score wanren rulesets/examples/wanren-2024.jsonl --period 2024-Q1",
    ]
    with docrun.workspace() as space:
        for command in commands:
            assert docrun.CLI.fullmatch(command), command  # forked, not run by bash
            alone = subprocess.run(
                ["bash", "-c", command],
                cwd=space.repo,
                env=docrun._environment(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                check=False,
            )
            assert docrun.run(command, str(space.repo)) == (alone.stdout.decode("utf-8"), alone.returncode)


def test_the_cli_reference_lists_every_option_of_the_parser() -> None:
    import argparse

    from govinfo_rules.cli import _parser

    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    reference = page[page.index("## Every command and option") :]
    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert commands.choices
    for name, sub in commands.choices.items():
        assert f"### `govinfo-rules {name}`" in reference
        section = reference.split(f"### `govinfo-rules {name}`")[1].split("### `")[0]
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}" in section, (name, option)


# --- no unverified command ---------------------------------------------------------------


def _shown_commands(body: str) -> list[str]:
    return [line[2:] for line in body.splitlines() if line.startswith("$ ")]


def test_every_shown_command_comes_from_a_run() -> None:
    """A ``$ command`` on a page is written by the renderer, never by hand."""
    unverified = []
    for path in PAGES:
        if path.name in OWN_GENERATOR:
            continue
        template = TEMPLATES.get(path.name)
        source = template if template is not None else path
        for info, body, start, _ in _blocks(source):
            if info not in COMMAND_FENCES:
                continue
            for command in _shown_commands(body):
                if not _exempt(path.name, command):
                    where = f"{source.relative_to(ROOT)}:{_line(source.read_text(encoding='utf-8'), start)}"
                    unverified.append(f"{where}: $ {command}")
    assert not unverified, "commands shown without a @@RUN marker:\n" + "\n".join(unverified)


SH_COMMANDS = [
    pytest.param(path.name, " ".join(command.split()), id=f"{path.name}:{_line(path.read_text('utf-8'), start)}")
    for path in PAGES
    if path.name not in OWN_GENERATOR
    for info, body, start, _ in _blocks(path)
    if info in ("sh", "shell", "bash")
    for command in re.sub(r"\\\n", " ", body).splitlines()
    if command.strip() and not command.startswith("#")
]


@pytest.mark.parametrize(("page", "command"), SH_COMMANDS)
def test_a_command_to_type_runs(page: str, command: str) -> None:
    """A command of a ```sh block succeeds (in a scratch view of the repository), and
    prints what its ``# prints: ...`` comment says, when it has one."""
    command, _, comment = command.partition(" #")
    command = command.strip()
    if _exempt(page, command):
        return
    with docrun.workspace() as space:
        output, code = docrun.run(command, str(space.repo))
    assert code == 0, output
    promised = re.match(r"\s*prints: (.*)", comment)
    if promised:
        assert output.strip() == promised.group(1).strip()


def test_getting_started_shows_the_two_commands_of_the_readme() -> None:
    """The install commands are exempt from running: they must at least be the README's."""
    readme = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
    page = [body for info, body, _, _ in _blocks(DOCS / "getting-started.md") if info == "sh"]
    assert readme[:2] == page[:2] == page[2:4]  # the Chinese section, then the English one
    assert "govinfo-rules score wenzhou" in readme[0] and "pytest" in readme[1]
    # ... and the scoring command the first one ends with is run on the page itself.
    shown = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    assert "$ " + readme[0].strip().split(" && .venv/bin/")[-1] + "\n" in shown


# --- Python, TOML and JSON examples ------------------------------------------------------

PYTHON = [
    pytest.param(path, body, end, id=f"{path.name}:{_line(path.read_text('utf-8'), start)}")
    for path in PAGES
    if path.name not in OWN_GENERATOR
    for info, body, start, end in _blocks(path)
    if info == "python"
]


def _shown_output(text: str, end: int) -> str | None:
    """The ```text block right after a python block (at most one lead-in line between)."""
    match = re.compile(r"\n*(?:[^\n`]*:\n+)?```text\n(.*?)^```", flags=re.S | re.M).match(text, end)
    return match.group(1) if match else None


def test_the_pages_have_python_examples() -> None:
    assert len(PYTHON) >= 3


@pytest.mark.parametrize(("path", "body", "end"), PYTHON)
def test_a_python_example_runs_and_prints_what_the_page_shows(path: Path, body: str, end: int) -> None:
    text = path.read_text(encoding="utf-8")
    with docrun.workspace() as space:
        script = space.root / "example.py"
        script.write_text(body, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script)], cwd=space.repo, capture_output=True, text=True, check=False
        )
    assert done.returncode == 0, done.stderr
    shown = _shown_output(text, end)
    if shown is not None:
        assert done.stdout == shown
    else:
        assert done.stdout == "", "a python example that prints must show its output in a ```text block"


TOML_CASES = [
    pytest.param(path, body, id=f"{path.name}:{_line(path.read_text('utf-8'), start)}")
    for path in PAGES
    for info, body, start, _ in _blocks(path)
    if info == "toml" and "[[case]]" in body
]


@pytest.mark.parametrize(("path", "body"), TOML_CASES)
def test_a_ruleset_test_file_passes(path: Path, body: str, tmp_path: Path) -> None:
    from govinfo_rules.cases import read_case_file, run_files

    name = re.search(r'^ruleset = "([^"]+)"', body, flags=re.M)
    assert name is not None
    # The ruleset beside the test file: a bundled one, or one of the docs' example files.
    (ruleset,) = [
        p for p in [ROOT / "rulesets" / name.group(1), *DOCS.glob(f"_source/*/{name.group(1)}")] if p.exists()
    ]
    shutil.copy(ruleset, tmp_path / name.group(1))
    case_file = tmp_path / "example.test.toml"
    case_file.write_text(body, encoding="utf-8")
    results = run_files([read_case_file(case_file)])
    assert results, "no case ran"
    assert [r.differences for r in results if not r.passed] == []


# The ruleset whose ledger a page's ```json lines are; on other pages a ```json block
# is a file of some other tool (an editor's settings), which must be valid JSON.
JSON_RULESET = {"wenzhou.md": "wenzhou", "cli.md": "wenzhou"}
JSON_BLOCKS = [
    pytest.param(path.name, body, id=f"{path.name}:{_line(path.read_text('utf-8'), start)}")
    for path in PAGES
    for info, body, start, _ in _blocks(path)
    if info == "json"
]


@pytest.mark.parametrize(("page", "body"), JSON_BLOCKS)
def test_a_json_example_is_valid(page: str, body: str) -> None:
    if page not in JSON_RULESET:
        json.loads(body)
        return
    records = [json.loads(line) for line in body.splitlines() if line.strip()]
    ruleset = load_ruleset(JSON_RULESET[page])
    assert len(ruleset.validate(records)) == len(records)
