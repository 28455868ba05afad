"""MkDocs hooks: the pages link the repository's files as GitHub shows them; the site serves them.

The pages in ``docs/`` are plain Markdown that reads well on GitHub, where a link such
as ``[rulesets/wenzhou.gvr](../rulesets/wenzhou.gvr)`` opens the file beside the docs.
MkDocs only knows the files under ``docs/``, so such a link would be broken on the
site (and fail ``mkdocs build --strict``). These hooks keep the Markdown as it is and:

* publish ``SECURITY.md`` and ``CHANGELOG.md`` (top level) as the pages ``security.md``
  and ``changelog.md``;
* publish every other repository file that a page links (a ruleset, a test, the
  grammar) as a page under ``repository/`` showing the file's text, highlighted;
* rewrite each page's links that leave ``docs/`` to those pages.

A link to a repository file that does not exist is left alone, so that the build's
link validation reports it.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

REPO = Path(__file__).resolve().parent.parent.parent
# Top-level Markdown files published as pages of their own: repository path -> page.
TOP_PAGES = {"SECURITY.md": "security.md", "CHANGELOG.md": "changelog.md"}
SHOWN = "repository"
# An inline Markdown link or image target: ](target) or ](target "title").
LINK = re.compile(r"(\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
FENCE_LANGUAGE = {".gvr": "gvr", ".toml": "toml", ".py": "python", ".json": "json", ".md": "markdown"}


def _origin(src_uri: str) -> str:
    """Where a page's Markdown lives in the repository (its links are relative to that)."""
    for top, page in TOP_PAGES.items():
        if src_uri == page:
            return top
    if src_uri.startswith(SHOWN + "/"):
        return src_uri[len(SHOWN) + 1 : -len(".md")]
    return "docs/" + src_uri


def _in_repository(origin: str, target: str) -> str | None:
    """The repository path a relative link leads to, or None for an external or in-page link."""
    if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(origin), target.partition("#")[0]))
    return None if path.startswith("../") else path


def _site_page(path: str) -> str | None:
    """The page of the site that shows a repository path, or None when docs/ has it."""
    if path.startswith("docs/"):
        return None
    if path in TOP_PAGES:
        return TOP_PAGES[path]
    return f"{SHOWN}/{path}.md"


def _linked(text: str, origin: str) -> set[str]:
    found = set()
    for match in LINK.finditer(text):
        path = _in_repository(origin, match.group(2))
        if path is not None and _site_page(path) is not None and (REPO / path).is_file():
            found.add(path)
    return found


def _file_page(path: str) -> str:
    text = (REPO / path).read_text(encoding="utf-8")
    language = FENCE_LANGUAGE.get(Path(path).suffix, "text")
    fence = "````" if "```" in text else "```"
    return (
        f"# `{path}`\n\n"
        f"The file `{path}` of the repository, as the pages link it.\n\n"
        f"{fence}{language}\n{text.rstrip()}\n{fence}\n"
    )


def on_files(files: Files, config: Any) -> Files:
    """Add the top-level pages, then a page for every repository file a page links."""
    for top, page in TOP_PAGES.items():
        files.append(File.generated(config, page, content=(REPO / top).read_text(encoding="utf-8")))
    wanted: set[str] = set()
    for file in list(files):
        if file.src_uri.endswith(".md") and file.is_documentation_page():
            wanted |= _linked(file.content_string, _origin(file.src_uri))
    for path in sorted(wanted - set(TOP_PAGES)):
        files.append(File.generated(config, f"{SHOWN}/{path}.md", content=_file_page(path)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Point the links that leave docs/ at the pages that show those files."""
    src_uri = page.file.src_uri
    origin = _origin(src_uri)

    def rewrite(match: re.Match[str]) -> str:
        target = match.group(2)
        path = _in_repository(origin, target)
        if path is None:
            return match.group(0)
        page_path = _site_page(path)
        if page_path is None:  # a page of docs/: relative to this page's place on the site
            page_path = path[len("docs/") :]
        elif files.get_file_from_path(page_path) is None:
            return match.group(0)  # not a file of the repository: left for the link check
        anchor = target.partition("#")[2]
        new = posixpath.relpath(page_path, posixpath.dirname(src_uri) or ".")
        return match.group(1) + new + (f"#{anchor}" if anchor else "") + match.group(3)

    return LINK.sub(rewrite, markdown)
