"""Render docs/*.md from the templates docs/_source/*.md.in, running every command they show.

A template is the page's Markdown with markers that are replaced by real output:

``@@RUN DIR :: COMMAND@@``
    the line ``$ COMMAND`` and what the command printed (standard output and standard
    error, as a pipe receives them).  ``COMMAND ;rc`` also shows ``$ echo $?`` and the
    exit status.
``@@OUT DIR :: COMMAND@@``
    only what the command printed (an error message shown without its command, or
    Markdown that a script writes, such as the CLI option reference).
``@@FILE PATH@@``
    the text of a file (a ruleset shown in a ```gvr block stays the file that runs).

``DIR`` and ``PATH`` are written as the first templates were: ``/tmp/doc/NAME`` is a
folder of docs/_source, ``/work/main`` the repository.  Each page is rendered in a
fresh scratch copy of docs/_source and a scratch view of the repository (its top-level
entries linked, the rulesets and grammars copied), so that a command may write files (``-o scores.txt``) and the next
command of the page may read them, without touching the checkout.

``govinfo-rules ARGS``, optionally followed by ``2>&1`` and ``| TAIL``, runs in a
forked child of this process, which has imported govinfo_rules already: a command costs
its own work, not an interpreter's start and imports.  The child gets fresh standard
streams made as an interpreter makes them under ``PYTHONUNBUFFERED=1`` (which every
other command gets too), so the output is the same whatever the environment says;
``TAIL`` runs in bash as the other end of a real pipe.  Any other command runs in bash.

Usage::

    python docs/_source/docrun.py            # write every page (what regenerate.sh runs)
    python docs/_source/docrun.py --check    # exit 1 when a page differs from a fresh rendering
    python docs/_source/docrun.py cli.md     # only these pages

tests/test_docs.py imports this module and compares every committed page with a fresh
rendering of its template.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import govinfo_rules.cli  # imported once here, so that every forked command starts warm

SOURCE = Path(__file__).resolve().parent
DOCS = SOURCE.parent
REPO = DOCS.parent
# How the templates spell this folder, the repository and the tools' folder: names that
# are replaced, never paths that are used.
SOURCE_SPELLING = "/tmp/doc"  # noqa: S108
REPO_SPELLING = "/work/main"
BIN_SPELLING = "/tmp/dev/bin"  # noqa: S108

MARKER = re.compile(r"@@(RUN|OUT) (.*?) :: (.*?)@@")
FILE_MARKER = re.compile(r"@@FILE (.*?)@@")
# `govinfo-rules ARGS [2>&1] [| TAIL]`, ARGS free of shell syntax: run in a forked child.
CLI = re.compile(r"govinfo-rules((?: +[^|;&<>$`*?(){}\\]+?)*?)( 2>&1)?(?: \| (.+))?")
# Folders of the repository that the view copies rather than links: a command that
# rewrites a ruleset in place (`fmt`) changes the copy, never the checkout.
COPIED = ("rulesets", "grammars")
# Fixed terminal width for argparse's usage lines, so the output is the same anywhere.
COLUMNS = "100"


def templates() -> dict[str, Path]:
    """Every page that has a template: page name (``cli.md``) -> template."""
    return {path.name[: -len(".in")]: path for path in sorted(SOURCE.glob("*.md.in"))}


@dataclass
class Workspace:
    """Scratch places in which one page's commands run."""

    root: Path
    source: Path
    repo: Path

    def place(self, text: str) -> str:
        """A template's folder or path written with the tokens, as a real path."""
        return (
            text.replace(SOURCE_SPELLING, str(self.source))
            .replace(REPO_SPELLING, str(self.repo))
            .replace(BIN_SPELLING, str(Path(sys.executable).parent))
        )


@contextlib.contextmanager
def workspace() -> Iterator[Workspace]:
    root = Path(tempfile.mkdtemp(prefix="govinfo-docs."))
    try:
        source = root / "doc"
        shutil.copytree(SOURCE, source, ignore=shutil.ignore_patterns("__pycache__"))
        repo = root / "repo"
        repo.mkdir()
        for entry in REPO.iterdir():
            if entry.name in COPIED:
                shutil.copytree(entry, repo / entry.name, ignore=shutil.ignore_patterns("__pycache__"))
            elif entry.name != ".git":
                (repo / entry.name).symlink_to(entry)
        yield Workspace(root, source, repo)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _environment() -> dict[str, str]:
    # Unbuffered: standard output and standard error interleave in the order written,
    # whatever the environment of the run (a terminal shows them so); one locale, so that
    # `sort` and friends order Chinese text the same way everywhere.
    env = dict(os.environ, COLUMNS=COLUMNS, PYTHONUNBUFFERED="1", LC_ALL="C.UTF-8")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _child(argv: list[str], cwd: str, out: int, err: int) -> None:
    """In the forked child: become `govinfo-rules ARGV` writing to the descriptors given."""
    code = 1
    try:
        os.chdir(cwd)
        os.dup2(out, 1)
        os.dup2(err, 2)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        env = _environment()
        os.environ.clear()
        os.environ.update(env)
        # The streams an interpreter makes with PYTHONUNBUFFERED=1: every write goes out at
        # once, so the two streams interleave in the order written, as on a terminal.
        sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True
        )
        sys.argv = ["govinfo-rules", *argv]
        if "hypothesis" in sys.modules:  # a test run's hypothesis profile is not the command's
            sys.modules["hypothesis"].settings.load_profile("default")
        try:
            code = govinfo_rules.cli.main(argv) or 0
        except SystemExit as done:  # argparse: --help, --version, wrong usage
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        with contextlib.suppress(BrokenPipeError):
            sys.stdout.flush()
        with contextlib.suppress(BrokenPipeError):
            sys.stderr.flush()
    finally:
        os._exit(code)


def _fork_cli(argv: list[str], cwd: str, merge: bool, tail: str | None) -> tuple[str, int]:
    """Run ``govinfo-rules ARGV [2>&1] [| TAIL]`` with a forked child as govinfo-rules."""
    read_out, write_out = os.pipe()
    if tail is not None:
        read_pipe, write_pipe = os.pipe()
        child_out, child_err = write_pipe, (write_pipe if merge else write_out)
    else:
        child_out = child_err = write_out
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read_out)
        if tail is not None:
            os.close(read_pipe)
        _child(argv, cwd, child_out, child_err)
    after = None
    if tail is not None:
        os.close(write_pipe)
        after = subprocess.Popen(  # noqa: S603 -- the docs' own commands, as a reader types them
            ["bash", "-c", tail],  # noqa: S607
            cwd=cwd,
            env=_environment(),
            stdin=read_pipe,
            stdout=write_out,
            stderr=write_out,
        )
        os.close(read_pipe)
    os.close(write_out)
    with os.fdopen(read_out, "rb") as reader:
        data = reader.read()
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if after is not None:
        code = after.wait()
    return data.decode("utf-8"), code


def run(command: str, cwd: str) -> tuple[str, int]:
    """What ``command`` prints (standard output and error together) and its exit status."""
    match = CLI.fullmatch(command)
    if match:
        return _fork_cli(shlex.split(match.group(1)), cwd, bool(match.group(2)), match.group(3))
    done = subprocess.run(  # noqa: S603 -- the docs' own commands, as a reader types them
        ["bash", "-c", command],  # noqa: S607
        cwd=cwd,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    return done.stdout.decode("utf-8"), done.returncode


class RenderError(Exception):
    """A template that cannot be rendered as it stands."""


def render(template: str, space: Workspace) -> str:
    """The page a template gives: every marker replaced by the real output, in order."""

    def command(match: re.Match[str]) -> str:
        kind, folder, cmd = match.group(1), match.group(2).strip(), match.group(3).strip()
        show_rc = cmd.endswith(" ;rc")
        if show_rc:
            cmd = cmd[: -len(" ;rc")]
        output, code = run(space.place(cmd), space.place(folder))
        for scratch in (str(space.root), str(REPO)):
            if scratch in output:
                raise RenderError(f"the output of {cmd!r} shows a scratch path ({scratch}):\n{output}")
        if kind == "OUT":
            return output.rstrip("\n")
        shown = f"$ {cmd}\n{output}"
        if not shown.endswith("\n"):
            shown += "\n"
        if show_rc:
            shown += f"$ echo $?\n{code}\n"
        return shown.rstrip("\n")

    text = MARKER.sub(command, template)
    text = FILE_MARKER.sub(
        lambda m: Path(space.place(m.group(1).strip())).read_text(encoding="utf-8").rstrip("\n"), text
    )
    if MARKER.search(text) or FILE_MARKER.search(text):
        raise RenderError("a marker was left unreplaced")
    return text


def render_page(name: str) -> str:
    """A fresh rendering of one page from its template."""
    with workspace() as space:
        return render(templates()[name].read_text(encoding="utf-8"), space)


# --- checks of the written pages -------------------------------------------------------


def check_snippets(page: str, text: str) -> list[str]:
    """Every ```gvr block compiles; one whose first line is ``# ✗`` must be rejected."""
    from govinfo_rules import GovinfoRulesError, compile_ruleset

    problems = []
    for match in re.finditer(r"```gvr(?: dir=(\S+))?\n(.*?)```", text, flags=re.S):
        folder, body = match.group(1), match.group(2)
        base = SOURCE / folder if folder else SOURCE
        line = text[: match.start()].count("\n") + 1
        try:
            compile_ruleset(body, filename=str(base / "snippet.gvr"))
            accepted = True
        except GovinfoRulesError:
            accepted = False
        if accepted == body.startswith("# ✗"):
            problems.append(f"{page}:{line}: the gvr block is {'accepted' if accepted else 'rejected'}")
    for info in re.findall(r"```gvr[^\n]+", text):
        if not re.fullmatch(r"```gvr dir=\S+", info):
            problems.append(f"{page}: unknown gvr fence {info!r}")
    return problems


def github_slugs(text: str) -> set[str]:
    """The anchors of a Markdown text: its headings' slugs as GitHub makes them, its HTML
    ids, and the ids given with ``{#id}`` (attr_list, for the site)."""
    out = set(re.findall(r"<[a-z]+ [^>]*?(?:id|name)=\"([^\"]+)\"", text))
    out |= set(re.findall(r"\{:? *#([\w-]+)[^}]*\}", text))
    seen: dict[str, int] = {}
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    for match in re.finditer(r"^#{1,6} (.+)$", text, flags=re.M):
        heading = re.sub(r"\s*\{:? *#[^}]*\}\s*$", "", match.group(1))
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        out.add(slug if count == 0 else f"{slug}-{count}")
    return out


def check_links(pages: dict[str, str]) -> list[str]:
    """Every relative link of the pages leads to a file that exists and, with #anchor, a heading."""
    problems = []
    for name, text in sorted(pages.items()):
        prose = re.sub(r"```.*?```", "", text, flags=re.S)
        for match in re.finditer(r"\]\(([^)\s]+)\)", prose):
            target = match.group(1)
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            path = (DOCS / file).resolve() if file else DOCS / name
            if not path.exists():
                problems.append(f"{name}: missing file {target}")
                continue
            if anchor and path.suffix == ".md":
                body = pages.get(path.name) if path.parent == DOCS else None
                if anchor not in github_slugs(body if body is not None else path.read_text(encoding="utf-8")):
                    problems.append(f"{name}: missing anchor {target}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", help="pages to render (default: every page with a template)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a page is stale")
    args = parser.parse_args(argv)
    names = args.pages or list(templates())
    stale = 0
    problems: list[str] = []
    rendered = {}
    for name in names:
        fresh = render_page(name)
        rendered[name] = fresh
        problems += check_snippets(name, fresh)
        page = DOCS / name
        current = page.read_text(encoding="utf-8") if page.exists() else ""
        if fresh == current:
            continue
        if args.check:
            stale += 1
            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), fresh.splitlines(True), name, name))
        else:
            page.write_text(fresh, encoding="utf-8")
            print(f"wrote docs/{name}")
    every = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")} | rendered
    problems += check_links(every)
    for problem in problems:
        print(problem, file=sys.stderr)
    if stale:
        print(f"{stale} page(s) differ from their templates: bash docs/_source/regenerate.sh", file=sys.stderr)
    return 1 if problems or stale else 0


if __name__ == "__main__":
    sys.exit(main())
