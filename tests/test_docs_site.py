"""The documentation site builds with ``mkdocs build --strict`` and holds its key pages.

Strict mode turns every warning into a failure: a broken link or anchor, a page missing
from the navigation, a docstring that griffe cannot read.  The build runs once, in a
subprocess, into a temporary folder.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def _text(page: Path) -> str:
    """The page's words, without tags (for checking what a reader sees)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_the_home_page_and_every_page_of_the_navigation_are_built(site: Path) -> None:
    assert (site / "index.html").is_file()
    nav = re.findall(r"^\s+- [^:]+: ([\w-]+)\.md$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), flags=re.M)
    assert len(nav) >= 20
    missing = [name for name in nav if name != "index" and not (site / name / "index.html").is_file()]
    assert missing == []


def test_the_api_page_documents_the_public_names(site: Path) -> None:
    page = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("load_ruleset", "compile_ruleset", "Ruleset", "Ruleset.evaluate", "Report", "RecordError"):
        assert f'id="govinfo_rules.{name}"' in page, name
    words = _text(site / "api" / "index.html")
    # The docstring of Ruleset.evaluate, rendered: its Sphinx roles became links, not ":class:" text.
    assert "Score records and return the" in words
    assert ":class:" not in words and ":meth:" not in words
    assert re.search(r'<a [^>]*href="#govinfo_rules\.Report"[^>]*><code>Report</code></a>', page)


def test_the_error_catalogue_and_the_chinese_pages_are_built(site: Path) -> None:
    assert "错误目录" in _text(site / "errors" / "index.html")
    assert "编写规则集指南" in _text(site / "guide-zh" / "index.html")
    assert "两条命令" in _text(site / "getting-started" / "index.html")


def test_policy_code_is_highlighted_by_the_lexer(site: Path) -> None:
    page = (site / "guide-zh" / "index.html").read_text(encoding="utf-8")
    # The first ```gvr block of the guide: `ruleset 第一步 "一条条款"`, tokenized by the
    # lexer (keyword, name, string); without it Pygments would leave the text plain.
    assert re.search(r'<span class="k\w*">ruleset</span><span class="w"> </span><span class="n\w*">第一步</span>', page)


def test_links_out_of_docs_lead_to_pages_of_the_site(site: Path) -> None:
    page = (site / "language" / "index.html").read_text(encoding="utf-8")
    assert 'href="../repository/rulesets/wenzhou.gvr/"' in page
    assert "../rulesets/wenzhou.gvr" not in page
    shown = _text(site / "repository" / "rulesets" / "wenzhou.gvr" / "index.html")
    assert (ROOT / "rulesets" / "wenzhou.gvr").read_text(encoding="utf-8").splitlines()[0] in shown
    security = _text(site / "security" / "index.html")
    assert (ROOT / "SECURITY.md").read_text(encoding="utf-8").splitlines()[0].lstrip("# ") in security


def test_no_font_is_fetched_from_the_network(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page
