"""Write docs/errors.md, the error catalogue, from docs/_source/errors.toml.

Every entry of the catalogue holds a minimal example (files and a command, or a Python
snippet); this script runs each one through the real code and writes the real output
into the page, so that the page cannot drift from the messages:

    python docs/_source/errors.py            # (re)write docs/errors.md
    python docs/_source/errors.py --check    # exit 1 if docs/errors.md is stale

``tests/test_error_catalogue.py`` imports this module to run every example and to
check that every message the library can print has an entry.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
import tempfile
import tomllib
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "errors.toml"
PAGE = HERE.parent / "errors.md"

# Fixed terminal width for argparse's usage lines, so the output is the same anywhere.
_COLUMNS = "100"
# The first line of a ruleset example that the checker rejects: tests/test_docs.py and
# docs/_source/check_snippets.py expect such a ```gvr block to fail `check`.
REJECTED_MARK = "# ✗ 错误示例 (rejected)"
_ID = re.compile(r"[EW]-[a-z]+(-[a-z0-9]+)+")
_FILE_NAME = re.compile(r"[\w.-]+")


@dataclass(frozen=True)
class Stage:
    key: str
    title_zh: str
    title_en: str
    intro_zh: str
    intro_en: str
    files: tuple[tuple[str, str], ...] = ()  # shown once, written for every example of the stage


@dataclass(frozen=True)
class Entry:
    """One catalogue entry: a diagnostic (or a family of one cause), and its example."""

    id: str
    stage: str
    title_zh: str
    title_en: str
    messages: tuple[str, ...]
    cause_zh: str
    fix_zh: str
    cause_en: str
    fix_en: str
    files: tuple[tuple[str, str], ...] = ()
    setup: str = ""  # Python run first in the example's folder (makes files too large to show)
    command: str = ""  # arguments of `govinfo-rules`
    python: str = ""  # or a Python snippet, run in a fresh interpreter
    note_zh: str = ""
    note_en: str = ""
    shared: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # the stage's files

    @property
    def anchor(self) -> str:
        return self.id


@dataclass(frozen=True)
class Catalogue:
    intro: str
    stages: tuple[Stage, ...]
    entries: tuple[Entry, ...]


def load(path: Path = DATA) -> Catalogue:
    """Read the catalogue's data file; a malformed entry is an error naming it."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    stages = tuple(Stage(**{**s, "files": tuple(s.get("files", {}).items())}) for s in data["stage"])
    by_key = {s.key: s for s in stages}
    keys = set(by_key)
    entries: list[Entry] = []
    seen: set[str] = set()
    for raw in data["entry"]:
        raw = dict(raw)
        ident = raw.get("id", "?")
        if not _ID.fullmatch(ident) or ident in seen:
            raise ValueError(f"{path.name}: entry id {ident!r} is malformed or used twice")
        if raw.get("stage") not in keys:
            raise ValueError(f"{path.name}: entry {ident}: unknown stage {raw.get('stage')!r}")
        if bool(raw.get("command")) == bool(raw.get("python")):
            raise ValueError(f"{path.name}: entry {ident}: give either command or python")
        files = tuple((name, text) for name, text in raw.pop("files", {}).items())
        for name, _ in files:
            if not _FILE_NAME.fullmatch(name):
                raise ValueError(f"{path.name}: entry {ident}: bad file name {name!r}")
        raw["messages"] = tuple(raw["messages"])
        seen.add(ident)
        entries.append(Entry(files=files, shared=by_key[raw["stage"]].files, **raw))
    return Catalogue(data["intro"], stages, tuple(entries))


# --- running the examples -------------------------------------------------------------


@contextlib.contextmanager
def _folder(entry: Entry) -> Iterator[Path]:
    """A fresh folder holding the entry's files, as the current directory."""
    before = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="govinfo-errors-") as name:
        folder = Path(name)
        own = _shown_files(entry)
        names = {file_name for file_name, _ in own}
        for file_name, text in [*_marked(f for f in entry.shared if f[0] not in names), *own]:
            (folder / file_name).write_text(text, encoding="utf-8")
        os.chdir(folder)
        try:
            yield folder
        finally:
            os.chdir(before)


def _shown_files(entry: Entry) -> list[tuple[str, str]]:
    """The entry's own files as the page shows them."""
    return _marked(entry.files)


def _marked(files: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Files as the page shows them: a ruleset the checker rejects starts with the mark."""
    out = []
    for name, text in files:
        if name.endswith(".gvr") and _rejected_alone(text):
            text = f"{REJECTED_MARK}\n{text}"
        out.append((name, text))
    return out


def _rejected_alone(text: str) -> bool:
    """Whether the checker rejects this ruleset text on its own, with no file beside it
    (as the documentation tests compile a ```gvr block)."""
    from govinfo_rules import GovinfoRulesError, compile_ruleset

    with tempfile.TemporaryDirectory(prefix="govinfo-errors-") as name:
        try:
            compile_ruleset(text, filename=str(Path(name) / "snippet.gvr"))
        except GovinfoRulesError:
            return True
    return False


def run(entry: Entry) -> str:
    """The example's real output: the command line, what it printed, its exit status."""
    with _folder(entry):
        if entry.setup:
            exec(compile(entry.setup, f"<{entry.id} setup>", "exec"), {"__name__": "__example__"})  # noqa: S102
        if entry.python:
            return _run_python(entry.python)
        return _run_command(entry.command)


def _run_command(command: str) -> str:
    from govinfo_rules.cli import main

    # Standard output and error as one UTF-8 text stream over bytes, as a terminal
    # shows them (with a `.buffer`, which binary output such as xlsx needs).
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="\n", write_through=True)
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = _COLUMNS
    try:
        # Python warnings are shown as a terminal would show them, whether or not a test
        # runner (which collects warnings itself) is running this.
        with (
            contextlib.redirect_stdout(stream),
            contextlib.redirect_stderr(stream),
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("always")
            try:
                status = main(shlex.split(command))
            except SystemExit as done:  # argparse's own usage errors
                status = done.code if isinstance(done.code, int) else 1
            for warning in caught:
                stream.write(f"{warning.category.__name__}: {warning.message}\n")
    finally:
        stream.flush()
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved
    text = raw.getvalue().decode("utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    return f"$ govinfo-rules {command}\n{text}$ echo $?\n{status}"


def _run_python(code: str) -> str:
    env = dict(os.environ, COLUMNS=_COLUMNS, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    done = subprocess.run(  # noqa: S603 - the interpreter running this script, on our own snippet
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the Python example failed:\n{done.stdout}{done.stderr}")
    return (done.stdout + done.stderr).rstrip("\n")


# --- the page -------------------------------------------------------------------------


def _code(text: str) -> str:
    """Inline code that may itself hold backticks."""
    if "`" in text:
        return f"`` {text} ``"
    return f"`{text}`"


def render_entry(entry: Entry, output: str) -> str:
    """One entry's section of the page."""
    lines = [f"### {entry.id} {entry.title_zh} · {entry.title_en} {{#{entry.anchor}}}", ""]
    label = "消息 / Message" if len(entry.messages) == 1 else "消息 / Messages"
    lines.append(f"**{label}:**")
    lines.append("")
    lines.extend(f"- {_code(m)}" for m in entry.messages)
    lines += [
        "",
        f"**原因：** {entry.cause_zh.strip()}",
        "",
        f"**修改方法：** {entry.fix_zh.strip()}",
        "",
        f"*Cause:* {entry.cause_en.strip()}",
        "",
        f"*Fix:* {entry.fix_en.strip()}",
    ]
    if entry.note_zh or entry.note_en:
        lines.append("")
        lines.append(f"> {entry.note_zh.strip()}  \n> {entry.note_en.strip()}".rstrip())
    lines += ["", "示例 / Example:", ""]
    if entry.setup:
        lines += ["```python", entry.setup.strip("\n"), "```", ""]
    lines += _file_blocks(_shown_files(entry))
    if entry.python:
        lines += ["```python", entry.python.strip("\n"), "```", "", "```text", output, "```"]
    else:
        lines += ["```text", output, "```"]
    return "\n".join(lines) + "\n"


def _file_blocks(files: Iterable[tuple[str, str]]) -> list[str]:
    """A ruleset as a ```gvr block under its name; any other file as `$ cat NAME`."""
    lines: list[str] = []
    for name, text in files:
        body = text.rstrip("\n")
        if name.endswith(".gvr"):
            lines += [f"`{name}`:", "", "```gvr", body, "```", ""]
        else:
            lines += ["```text", f"$ cat {name}", body, "```", ""]
    return lines


def render_page(catalogue: Catalogue, outputs: dict[str, str]) -> str:
    """The whole page: the introduction, an index by stage, then every entry."""
    parts = [catalogue.intro.strip("\n"), "", "## 索引 · Index {#index}", ""]
    for stage in catalogue.stages:
        entries = [e for e in catalogue.entries if e.stage == stage.key]
        parts.append(f"**[{stage.title_zh} · {stage.title_en}](#{stage.key})**")
        parts.append("")
        parts.extend(f"- [{e.id}](#{e.anchor}) {e.title_zh} · {e.title_en}" for e in entries)
        parts.append("")
    for stage in catalogue.stages:
        parts += [f"## {stage.title_zh} · {stage.title_en} {{#{stage.key}}}", ""]
        parts += [stage.intro_zh.strip(), "", stage.intro_en.strip(), ""]
        if stage.files:
            names = "、".join(f"`{name}`" for name, _ in stage.files)
            parts += [f"本节的示例共用下面的文件（{names}）· The examples of this section share these files:", ""]
            parts += _file_blocks(_marked(stage.files))
        for entry in catalogue.entries:
            if entry.stage == stage.key:
                parts.append(render_entry(entry, outputs[entry.id]))
    return "\n".join(parts).rstrip("\n") + "\n"


def generate(catalogue: Catalogue | None = None) -> str:
    """The page as the code prints its messages today."""
    catalogue = catalogue or load()
    outputs = {entry.id: run(entry) for entry in catalogue.entries}
    return render_page(catalogue, outputs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if docs/errors.md is stale")
    args = parser.parse_args(argv)
    page = generate()
    if args.check:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != page:
            import difflib

            diff = difflib.unified_diff(
                current.splitlines(keepends=True), page.splitlines(keepends=True), str(PAGE), "generated"
            )
            sys.stdout.writelines(list(diff)[:200])
            print(f"{PAGE} is stale: run python docs/_source/errors.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(page, encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
