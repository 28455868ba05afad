"""Print the command line's reference, as Markdown, from the real argument parser.

docs/cli.md shows this output (``@@OUT ... :: python3 cli_reference.py@@`` in
cli.md.in), so the page lists every command and option the program accepts, with the
program's own help texts, and tests/test_docs.py fails when the page and the parser
disagree::

    python3 docs/_source/cli_reference.py              # every command and option
    python3 docs/_source/cli_reference.py --synopsis   # one usage line per command
"""

from __future__ import annotations

import argparse
import os
import sys

from govinfo_rules.cli import _parser

# The width argparse wraps usage lines to; fixed so the page is the same on any terminal.
WIDTH = 100


def _commands(parser: argparse.ArgumentParser) -> dict[str, tuple[argparse.ArgumentParser, str]]:
    """Each subcommand's parser and its one-line help, in the parser's order."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            return {name: (sub, helps.get(name, "")) for name, sub in action.choices.items()}
    return {}


def _usage(parser: argparse.ArgumentParser) -> str:
    return " ".join(parser.format_usage().split()).removeprefix("usage: ")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _names(action: argparse.Action) -> str:
    metavar = action.metavar
    if metavar is None and action.choices is not None:
        metavar = "{" + ",".join(str(c) for c in action.choices) + "}"
    elif metavar is None:
        metavar = action.dest.upper()
    if not action.option_strings:
        shown = f"{metavar} ..." if action.nargs in ("*", "+") else str(metavar)
        return f"`{shown}`"
    takes_value = action.nargs != 0
    return ", ".join(f"`{o} {metavar}`" if takes_value else f"`{o}`" for o in action.option_strings)


def _notes(action: argparse.Action) -> str:
    notes = []
    if action.required and action.option_strings:
        notes.append("required")
    if action.nargs == "*":
        notes.append("optional, any number")
    elif action.nargs == "+":
        notes.append("one or more")
    if isinstance(action, argparse._AppendAction) and "repeatable" not in (action.help or ""):
        notes.append("repeatable")
    if action.choices is not None:
        notes.append("one of " + ", ".join(f"`{c}`" for c in action.choices))
    default = action.default
    if default not in (None, False, [], argparse.SUPPRESS) and action.option_strings:
        notes.append(f"default `{default}`")
    return "; ".join(notes)


def reference(parser: argparse.ArgumentParser) -> str:
    """Markdown: one section per command, with its usage and a table of its arguments."""
    out = []
    for name, (sub, summary) in _commands(parser).items():
        out.append(f"### `govinfo-rules {name}`\n")
        if summary:
            out.append(summary[:1].upper() + summary[1:] + ".\n")
        out.append(f"```text\n{_usage(sub)}\n```\n")
        out.append("| argument | meaning | notes |\n|---|---|---|")
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            out.append(f"| {_names(action)} | {_cell(action.help or '')} | {_cell(_notes(action))} |")
        out.append("")
    return "\n".join(out).rstrip("\n")


def synopsis(parser: argparse.ArgumentParser) -> str:
    """One usage line per command, then the program's own options."""
    lines = [_usage(sub) for sub, _ in _commands(parser).values()]
    lines.append("govinfo-rules --version")
    lines.append("govinfo-rules COMMAND --help")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    os.environ["COLUMNS"] = str(WIDTH)
    parser = _parser()
    print(synopsis(parser) if argv == ["--synopsis"] else reference(parser))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
