"""Where each link goes: never to a page or place that is not there.

Pages exported from a website link within the site (``/conditions/cold``,
``getting-diagnosed``), and templates leave placeholders
(``{{ findersBaseUrl }}``). Published as they are, such links are broken in
every edition, and an e-book that names a file outside itself fails
EPUBCheck (RSC-007, RSC-026). So each link that is neither an address with a
scheme (``https:``, ``mailto:``, ``tel:``...) nor a place in the document
(``#section``) is resolved when the front matter gives a base address
(``link_base``, or else ``url``, the web version's own address), and becomes
plain text in every edition otherwise. A link to a place in the document
that no heading or element has becomes plain text too. Each is reported at
its line: ``source.link-unresolved`` (a warning: the reader loses a link) or
``source.link-resolved`` (a note: the address that every edition links to).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from clearleaf import ast
from clearleaf.ast import Node, stringify, walk
from clearleaf.errors import Diagnostic, note, warning
from clearleaf.sourcemap import Source

# A template's placeholder: {{ name }}, {% tag %}, ${name}, <%= name %>.
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|%\}|\$\{|<%")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class Result:
    """What resolving the links did, located."""

    diagnostics: list[Diagnostic] = field(default_factory=list)


def base_address(link_base: str | None, url: str | None) -> str | None:
    """The address relative links resolve against: ``link_base``, else the web version's."""
    return link_base or url or None


def resolve(
    tree: dict[str, Any], path: Path, source: Source, base: str | None
) -> tuple[dict[str, Any], Result]:
    """``tree`` with every link going somewhere real, or made plain text; what was done."""
    result = Result()
    links = [node for node in walk(tree["blocks"], citations=False) if node["t"] == "Link"]
    if not links:
        return tree, result
    identifiers = _identifiers(tree["blocks"])
    offsets = source.locate_targets((False, ast.target(node).url) for node in links)
    plain: set[int] = set()
    for node, offset in zip(links, offsets, strict=True):
        target = ast.target(node).url.strip()
        line, column = source.position(offset)
        text = _short(stringify(ast.inlines(node)))
        written = unquote(target) if _PLACEHOLDER.search(unquote(target)) else target
        outcome = _resolve(target, base, identifiers)
        if outcome is None:
            continue
        kind, value = outcome
        if kind == "resolved":
            ast.set_url(node, value)
            result.diagnostics.append(
                note(
                    path,
                    "source.link-resolved",
                    f"link '{target}' resolved against the base address: every edition links "
                    f"to {value}",
                    line,
                    column,
                )
            )
        else:
            plain.add(id(node))
            result.diagnostics.append(
                warning(
                    path,
                    "source.link-unresolved",
                    f"link '{_short(written)}' ('{text}') {value}; every edition shows its "
                    "text without a link",
                    line,
                    column,
                )
            )
    if plain:
        tree = {**tree, "blocks": _unlink(tree["blocks"], plain)}
    return tree, result


def _resolve(target: str, base: str | None, identifiers: set[str]) -> tuple[str, str] | None:
    """What to do with a link to ``target``: None (fine), or ("resolved" | "plain", detail)."""
    if _PLACEHOLDER.search(unquote(target)):
        return (
            "plain",
            "is a template's placeholder, not an address: write the address itself",
        )
    if not target:
        return ("plain", "has no address: write one between the brackets' parentheses")
    if target.startswith("#"):
        if target[1:] in identifiers:
            return None
        return (
            "plain",
            f"goes to '{target}', which no heading or element of this document has: "
            "check the identifier, or link to a heading's own ('#' and its words, "
            "lower case, joined by hyphens)",
        )
    if _SCHEME.match(target):
        return None  # an address with a scheme: clearleaf.sanitize decides
    if target.startswith("//"):
        return ("resolved", "https:" + target)
    if base:
        return ("resolved", urljoin(base, _as_html(target)))
    if urlsplit(target).path.startswith("/"):
        where = "is an address on the website it came from"
    else:
        where = "is an address relative to a page or file that is not published with the editions"
    return (
        "plain",
        f"{where}: write the full address (https://...), or give the front matter a "
        "'link_base:' (or 'url:') to resolve such links against",
    )


def _as_html(target: str) -> str:
    """A link to another source (``leaflet.md``) as its web page (``leaflet.html``)."""
    parts = urlsplit(target)
    if parts.path.endswith(".md"):
        return target.replace(parts.path, parts.path[:-3] + ".html", 1)
    return target


def _identifiers(blocks: list[Node]) -> set[str]:
    """Every identifier an element of the body has (headings, divs, spans, notes)."""
    found: set[str] = set()
    notes = 0
    for node in walk(blocks, citations=False):
        if ast.has_attr(node):
            found.add(ast.attr(node).identifier)
        elif node["t"] == "Note":
            notes += 1
            found.update((f"fn{notes}", f"fnref{notes}"))
    found.discard("")
    return found


def _unlink(value: Any, plain: set[int]) -> Any:
    """``value`` with the links in ``plain`` replaced by their text (an identifier kept)."""
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            if isinstance(item, dict) and item.get("t") == "Link" and id(item) in plain:
                identifier = ast.attr(item).identifier
                inner = _unlink(ast.inlines(item), plain)
                if identifier:
                    out.append(ast.span(ast.Attr(identifier, [], []), inner))
                else:
                    out.extend(inner)
            else:
                out.append(_unlink(item, plain))
        return out
    if isinstance(value, dict):
        return {key: _unlink(item, plain) for key, item in value.items()}
    return value


def _short(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "\u2026"
