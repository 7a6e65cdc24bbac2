"""Links: the text of a link says where it goes (WCAG 2.2 SC 2.4.4 Link Purpose).

Screen-reader users often list a page's links out of context, where "click
here" means nothing and a web address is spelt out character by character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from pipeline.a11y.source import Finding, Node, Source, elements
from pipeline.ast import stringify
from pipeline.document import Document

#: Link texts that say nothing about where the link goes (compared case-insensitively,
#: without surrounding punctuation).
VAGUE = frozenset(
    {
        "click",
        "click here",
        "click this link",
        "continue",
        "continue reading",
        "details",
        "find out more",
        "go",
        "go here",
        "here",
        "info",
        "learn more",
        "link",
        "more",
        "more details",
        "more info",
        "more information",
        "page",
        "press here",
        "read more",
        "read this",
        "see here",
        "see more",
        "tap here",
        "this",
        "this link",
        "this page",
        "this site",
        "this website",
        "url",
        "visit",
        "website",
    }
)

_WEB_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)\S+$", re.IGNORECASE)


def normalise(text: str) -> str:
    """Link text as compared with :data:`VAGUE`: lower case, single spaces, no edge punctuation."""
    words = " ".join(text.split()).casefold()
    start, end = 0, len(words)
    while start < end and _is_filler(words[start]):
        start += 1
    while end > start and _is_filler(words[end - 1]):
        end -= 1
    return words[start:end]


def _is_filler(char: str) -> bool:
    """Punctuation, symbols (arrows, '»') and spaces around a link's words."""
    return char.isspace() or unicodedata.category(char)[0] in "PS"


def _bare(address: str) -> str:
    """An address without the parts a reader does not write: scheme, 'www.', final '/'."""
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", address.strip().casefold())
    return text.removeprefix("www.").rstrip("/")


def located_links(document: Document, source: Source) -> list[tuple[Node, str, int]]:
    """Every link with its text and its offset in the source."""
    found = elements(document.blocks, "Link")
    offsets = source.locate_targets((False, str(node["c"][2][0])) for node in found)
    return [
        (node, stringify(node["c"][1]), offset) for node, offset in zip(found, offsets, strict=True)
    ]


def link_text(document: Document, source: Source) -> Iterator[Finding]:
    """Links whose text is empty or vague ("click here", "read more")."""
    for node, text, offset in located_links(document, source):
        url = str(node["c"][2][0])
        words = normalise(text)
        if not words:
            yield Finding(
                offset,
                f"link to '{url}' has no text; write where it goes between the brackets, "
                f"as in [NHS advice on opioids]({url})",
            )
        elif words in VAGUE:
            yield Finding(
                offset,
                f"link text '{text.strip()}' does not say where the link goes; use words that "
                f"make sense on their own, as in [NHS advice on opioids]({url})",
            )


def link_bare_url(document: Document, source: Source) -> Iterator[Finding]:
    """Links whose only text is a web address (email addresses are fine: readers need them)."""
    for node, text, offset in located_links(document, source):
        url = str(node["c"][2][0])
        words = text.strip()
        if url.startswith(("mailto:", "tel:")) or not words:
            continue
        if _WEB_ADDRESS.match(words) or _bare(words) == _bare(url):
            # The printed editions add the address after the text, so words
            # lose nothing on paper; a bare address would be printed twice.
            yield Finding(
                offset,
                f"link text is the bare address '{words}', which a screen reader spells out; "
                f"write what is there instead, as in [NHS 111 online]({url}) "
                "(printed editions still show the address)",
            )
