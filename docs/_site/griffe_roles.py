"""A griffe extension: the docstrings' Sphinx roles become links of the API page.

The package's docstrings are prose written for ``help()`` and Sphinx: they name other
objects as :class:`Report`, :meth:`evaluate` or :class:`~govinfo_rules.compile.Outcome`.
Rendered as Markdown those roles would show as literal ``:class:`` text. This extension
(configured in ``mkdocs.yml``, so no source file changes) rewrites each role, once the
whole package is loaded, into an optional cross-reference: a link when the object is
documented on the site, plain code otherwise — never a broken link.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|meth|func|attr|exc|mod|data|obj):`(~?)([\w.]+)(?:\(\))?`")


def _lookup(root: griffe.Module, path: str) -> griffe.Object | griffe.Alias | None:
    """The object at ``path`` (dotted, from the package's top), or None."""
    name = root.name
    if path == name:
        return root
    if not path.startswith(name + "."):
        return None
    try:
        found: griffe.Object | griffe.Alias = root[path[len(name) + 1 :]]
    except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    return found


def _resolve(root: griffe.Module, scope: griffe.Object, target: str) -> str | None:
    """The dotted path a role's target names, seen from the object whose docstring holds it."""
    if "." in target and target.split(".")[0] == root.name:
        return target if _lookup(root, target) is not None else None
    places: list[griffe.Object] = []
    here: Any = scope
    while here is not None:
        places.append(here)
        here = here.parent
    for place in places:
        candidate = f"{place.path}.{target}"
        if _lookup(root, candidate) is not None:
            return candidate
    candidate = f"{root.name}.{target}"
    return candidate if _lookup(root, candidate) is not None else None


def _rewrite(root: griffe.Module, obj: griffe.Object, text: str) -> str:
    def link(match: re.Match[str]) -> str:
        short, target = match.group(1), match.group(2)
        shown = target.rsplit(".", 1)[-1] if short else target
        path = _resolve(root, obj, target)
        if path is None:
            return f"`{shown}`"
        return f'<autoref identifier="{path}" optional><code>{shown}</code></autoref>'

    return ROLE.sub(link, text)


def _walk(obj: griffe.Object) -> Any:
    yield obj
    for member in obj.members.values():
        if isinstance(member, griffe.Object):  # aliases are documented where they are defined
            yield from _walk(member)


class SphinxRolesToLinks(griffe.Extension):
    """Rewrite ``:role:`target``` in every docstring of a loaded package."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        for obj in _walk(pkg):
            if obj.docstring is not None:
                obj.docstring.value = _rewrite(pkg, obj, obj.docstring.value)
