"""Strict structural checks of the web page and the e-book's XHTML, independent of the pipeline.

lxml.html repairs whatever it is given, so it cannot tell a broken page from a
good one; these checks walk the markup as written.
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

from lxml import etree

#: HTML elements that have no end tag.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track"}
    | {"wbr"}
)
#: Elements and attributes no output may contain (the pipeline publishes no scripts).
ACTIVE_TAGS = frozenset({"script", "iframe", "object", "embed", "frame", "applet", "base"})
_SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster"})


class _Walker(HTMLParser):
    """Records every problem of a page's markup: unbalanced tags, repeated ids, active content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, int]] = []
        self.ids: set[str] = set()
        self.problems: list[str] = []

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in ACTIVE_TAGS:
            self.problems.append(f"line {line}: <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"line {line}: event handler {name} on <{tag}>")
            # Images are inlined as data: URLs by design; only they may be.
            inlined = tag == "img" and name == "src" and (value or "").startswith("data:image/")
            if name in _URL_ATTRIBUTES and value and _SCRIPT_URL.match(value) and not inlined:
                self.problems.append(f"line {line}: {name}={value[:40]!r} on <{tag}>")
            if name == "id":
                if value in self.ids:
                    self.problems.append(f"line {line}: id {value!r} repeated")
                self.ids.add(value or "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            opened = self.stack[-1] if self.stack else ("nothing", 0)
            self.problems.append(
                f"line {self.getpos()[0]}: </{tag}> closes <{opened[0]}> of line {opened[1]}"
            )
            return
        self.stack.pop()


def html_problems(data: bytes) -> list[str]:
    """Every structural problem of an HTML page (empty when it is well formed and inert)."""
    walker = _Walker()
    walker.feed(data.decode("utf-8"))
    walker.close()
    walker.problems += [f"<{tag}> of line {line} never closed" for tag, line in walker.stack]
    return walker.problems


def xhtml_problems(epub: bytes) -> list[str]:
    """Every problem of an EPUB's XHTML documents: not well-formed XML, or active content."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        for name in archive.namelist():
            if not name.endswith(".xhtml"):
                continue
            data = archive.read(name)
            try:
                etree.parse(io.BytesIO(data), etree.XMLParser(resolve_entities=False))
            except etree.XMLSyntaxError as error:
                problems.append(f"{name}: not well formed: {error}")
                continue
            problems += [f"{name}: {problem}" for problem in html_problems(_without_prolog(data))]
    return problems


def _without_prolog(data: bytes) -> bytes:
    """XHTML without its XML declaration, which HTMLParser would take for a tag."""
    return re.sub(rb"^<\?xml[^>]*\?>", b"", data)
