"""Links: the text of a link says where it goes (WCAG 2.2 SC 2.4.4 Link Purpose).

Screen-reader users often list a page's links out of context, where "click
here" means nothing and a web address is spelt out character by character.
SC 2.4.4 (Level AA) accepts a purpose given by the sentence around a link,
so generic link text is a warning (``--strict`` and the conformance claim
still refuse it); a link with no text at all is an error.

Generic words are known for English and for the languages in
:data:`GENERIC`; in a document in another language only English ones are
found, and a note says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from clearleaf import ast
from clearleaf.a11y.source import Finding, Node, Source, elements
from clearleaf.ast import stringify, walk
from clearleaf.document import Document

#: Link texts that say nothing about where the link goes, by language (primary
#: subtag), compared case-insensitively without surrounding punctuation.
GENERIC: dict[str, frozenset[str]] = {
    "en": frozenset(
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
    ),
    "cy": frozenset(
        {
            "yma",
            "cliciwch yma",
            "cliciwch",
            "pwyswch yma",
            "darllen mwy",
            "darllenwch fwy",
            "mwy",
            "rhagor",
            "mwy o wybodaeth",
            "rhagor o wybodaeth",
            "y dudalen hon",
            "y ddolen hon",
            "dolen",
            "gwefan",
            "y wefan hon",
        }
    ),
    "ar": frozenset(
        {
            "هنا",
            "اضغط هنا",
            "انقر هنا",
            "اضغط",
            "انقر",
            "اقرأ المزيد",
            "المزيد",
            "للمزيد",
            "رابط",
            "الرابط",
            "هذا الرابط",
            "هذه الصفحة",
        }
    ),
    "ur": frozenset(
        {"یہاں", "یہاں کلک کریں", "کلک کریں", "مزید", "مزید پڑھیں", "لنک", "یہ لنک", "یہ صفحہ"}
    ),
    "fa": frozenset(
        {
            "اینجا",
            "اینجا کلیک کنید",
            "کلیک کنید",
            "بیشتر",
            "بیشتر بخوانید",
            "ادامه مطلب",
            "لینک",
            "این لینک",
        }
    ),
    "pl": frozenset(
        {
            "tutaj",
            "tu",
            "kliknij",
            "kliknij tutaj",
            "kliknij tu",
            "więcej",
            "czytaj więcej",
            "dowiedz się więcej",
            "link",
            "ten link",
            "strona",
            "ta strona",
        }
    ),
    "bn": frozenset(
        {
            "এখানে",
            "এখানে ক্লিক করুন",
            "ক্লিক করুন",
            "আরও",
            "আরও পড়ুন",
            "আরও জানুন",
            "লিংক",
            "এই লিংক",
            "এই পাতা",
        }
    ),
    "pa": frozenset({"ਇੱਥੇ", "ਇੱਥੇ ਕਲਿੱਕ ਕਰੋ", "ਕਲਿੱਕ ਕਰੋ", "ਹੋਰ", "ਹੋਰ ਪੜ੍ਹੋ", "ਲਿੰਕ", "ਇਹ ਲਿੰਕ"}),
    "hi": frozenset(
        {
            "यहाँ",
            "यहां",
            "यहाँ क्लिक करें",
            "यहां क्लिक करें",
            "क्लिक करें",
            "और पढ़ें",
            "अधिक जानकारी",
            "लिंक",
            "यह लिंक",
            "यह पेज",
        }
    ),
    "mr": frozenset(
        {"येथे", "इथे", "येथे क्लिक करा", "इथे क्लिक करा", "क्लिक करा", "अधिक", "अधिक वाचा", "लिंक", "ही लिंक"}
    ),
    "fr": frozenset(
        {
            "ici",
            "cliquez ici",
            "cliquer ici",
            "en savoir plus",
            "lire la suite",
            "plus",
            "lien",
            "ce lien",
            "cette page",
        }
    ),
    "es": frozenset(
        {
            "aquí",
            "haga clic aquí",
            "haz clic aquí",
            "clic aquí",
            "leer más",
            "más",
            "más información",
            "enlace",
            "este enlace",
            "esta página",
        }
    ),
    "de": frozenset(
        {
            "hier",
            "hier klicken",
            "klicken sie hier",
            "mehr",
            "weiterlesen",
            "mehr erfahren",
            "mehr lesen",
            "link",
            "dieser link",
            "diese seite",
        }
    ),
    "pt": frozenset(
        {
            "aqui",
            "clique aqui",
            "leia mais",
            "saiba mais",
            "mais",
            "link",
            "este link",
            "esta página",
        }
    ),
    "it": frozenset(
        {"qui", "clicca qui", "leggi di più", "scopri di più", "altro", "link", "questo link"}
    ),
    "ro": frozenset(
        {"aici", "click aici", "apăsați aici", "citește mai mult", "mai mult", "link", "acest link"}
    ),
    # Turkish writes the dotless i (U+0131) of these words.
    "tr": frozenset(
        {
            "burada",
            "buraya tıklayın",  # noqa: RUF001
            "tıklayın",  # noqa: RUF001
            "devamını oku",  # noqa: RUF001
            "daha fazla",
            "bağlantı",  # noqa: RUF001
            "bu bağlantı",  # noqa: RUF001
        }
    ),
}

#: English generic words, which editors write whatever the document's language.
VAGUE = GENERIC["en"]


def language_of(document: Document) -> str:
    """The primary language subtag of the document, lower case: ``cy`` for ``cy-GB``."""
    return document.meta.lang.split("-")[0].lower()


def generic_words(document: Document) -> frozenset[str]:
    """The generic link texts of the document's language, and of English."""
    return VAGUE | GENERIC.get(language_of(document), frozenset())


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
    offsets = source.locate_targets((False, ast.target(node).url) for node in found)
    return [
        (node, stringify(ast.inlines(node)), offset)
        for node, offset in zip(found, offsets, strict=True)
    ]


def link_text(document: Document, source: Source) -> Iterator[Finding]:
    """Links whose text is generic ("click here", "read more")."""
    generic = generic_words(document)
    for node, text, offset in located_links(document, source):
        url = ast.target(node).url
        words = normalise(text)
        if words and words in generic:
            yield Finding(
                offset,
                f"link text '{text.strip()}' does not say where the link goes, unless the "
                "sentence around it does; use words that make sense on their own, such as "
                f"{example(document, url)}",
            )


def link_empty(document: Document, source: Source) -> Iterator[Finding]:
    """Links with no text: a screen reader announces nothing, or the address."""
    for node, text, offset in located_links(document, source):
        url = ast.target(node).url
        if not normalise(text):
            yield Finding(
                offset,
                f"link to '{url}' has no text; write where it goes between the brackets, "
                f"such as {example(document, url)}",
            )


def link_language(document: Document, source: Source) -> Iterator[Finding]:
    """A note that generic link text was looked for in English only."""
    language = language_of(document)
    if language in GENERIC or document.meta.provisional:
        return
    links = located_links(document, source)
    if links:
        yield Finding(
            links[0][2],
            f"link text was checked for generic words ('click here', 'read more') in "
            f"English only: the pipeline has no list for '{document.meta.lang}' "
            f"(it has {', '.join(sorted(GENERIC))})",
        )


def example(document: Document, url: str) -> str:
    """A link with text that fits ``url`` and the document, for a suggested fix."""
    return f"[{_describe(document, url)}]({url})"


def _describe(document: Document, url: str) -> str:
    """Words for where ``url`` goes, from the address itself or the heading it names."""
    if url.startswith("#"):
        for node in walk(document.blocks, citations=False):
            if node["t"] == "Header" and ast.attr(node).identifier == url[1:]:
                return stringify(ast.inlines(node)).strip() or "the section's name"
        return "the section's name"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "mailto":
        return f"Email {unquote(parts.path)}"
    if scheme in ("tel", "sms"):
        verb = "Call" if scheme == "tel" else "Text"
        return f"{verb} {unquote(parts.path)}"
    host = parts.netloc.lower().removeprefix("www.")
    segments = [segment for segment in unquote(parts.path).split("/") if segment]
    if segments:
        last = re.sub(r"\.[a-z0-9]{2,5}$", "", segments[-1], flags=re.I)
        words = " ".join(re.split(r"[-_+]+", last)).strip()
        if words and not words.isdigit():
            words = words[0].upper() + words[1:]
            return f"{words} on {host}" if host else words
    return f"the {host} website" if host else "what the page is about"


def link_bare_url(document: Document, source: Source) -> Iterator[Finding]:
    """Links whose only text is a web address (email addresses are fine: readers need them)."""
    for node, text, offset in located_links(document, source):
        url = ast.target(node).url
        words = text.strip()
        if url.startswith(("mailto:", "tel:")) or not words:
            continue
        if _WEB_ADDRESS.match(words) or _bare(words) == _bare(url):
            # The printed editions add the address after the text, so words
            # lose nothing on paper; a bare address would be printed twice.
            yield Finding(
                offset,
                f"link text is the bare address '{words}', which a screen reader spells out; "
                f"write what is there instead, such as {example(document, url)} "
                "(printed editions still show the address)",
            )
