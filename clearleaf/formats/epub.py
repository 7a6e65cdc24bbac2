"""The e-book: EPUB 3.3 with EPUB Accessibility 1.1 discovery metadata, built with ebooklib.

Reproducible by construction (see ``../shared/STANDARDS.md``, "Known traps"):
the identifier is derived from the organisation and the file name, the
modification date comes from ``SOURCE_DATE_EPOCH`` or the publication date,
and the ZIP is re-packed with fixed entry times, ``mimetype`` first and stored.
"""

from __future__ import annotations

import html
import io
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from ebooklib import epub
from lxml import etree
from lxml import html as lxml_html

from clearleaf import assets, ast, conformance, fonts, fragment, i18n, page
from clearleaf.document import Document
from clearleaf.editions import EDITIONS
from clearleaf.formats import Inputs, Rendered, cover, ocf, overlays, pagination
from clearleaf.i18n import Words

CONTENT = "content.xhtml"
ABOUT = "about.xhtml"
STYLESHEET = "style/book.css"
#: The cover image's name in the book; a document's own image of that name
#: would be another file, so the cover's gets a number then.
COVER_IMAGE = "cover/cover.png"
COVER_PAGE = "cover.xhtml"
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"


class _Xhtml(epub.EpubHtml):  # type: ignore[misc]
    """A content document whose XHTML we write ourselves (ebooklib's own rewrite drops errors)."""

    def __init__(self, xhtml: bytes, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.xhtml = xhtml

    def get_content(self, default: Any = None) -> bytes:
        return self.xhtml


# A link to send a text message: its number stays, as words.
_SMS_LINK = re.compile(r'<a\b[^>]*\bhref="sms:[^"]*"[^>]*>(.*?)</a>', re.DOTALL)


def _without_text_message_links(markup: str) -> str:
    """``markup`` with ``sms:`` links as their words.

    EPUB 3.3 reading systems know no ``sms:`` scheme (EPUBCheck HTM-025: it is
    not among the URI schemes it accepts) and an e-reader sends no texts; the
    number is still there to read.
    """
    return _SMS_LINK.sub(r"\1", markup)


def to_xhtml(markup: str, lang: str) -> bytes:
    """Turn an HTML5 page into well-formed, UTF-8 XHTML with ``lang`` and ``xml:lang``."""
    tree = lxml_html.document_fromstring(markup)
    for meta in tree.iter("meta"):
        parent = meta.getparent()
        if meta.get("charset") and parent is not None:  # XHTML: the XML declaration says it
            parent.remove(meta)
    tree.set("lang", lang)
    text = etree.tostring(tree, encoding="unicode", method="xml")
    # lxml cannot give an element a default namespace after parsing; the
    # parse below proves the result well formed.
    text = text.replace("<html ", f'<html xmlns="{XHTML}" xml:lang="{lang}" ', 1)
    root = etree.fromstring(text.encode("utf-8"))
    body: bytes = etree.tostring(root, encoding="utf-8", method="xml")
    return b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + body + b"\n"


def _toc(headings: list[ast.Heading]) -> list[Any]:
    """ebooklib's nested TOC (sections and links) for headings of levels 2 and 3."""
    entries: list[Any] = []
    for number, heading in enumerate(headings, 1):
        if not heading.identifier or heading.level > 3:
            continue
        # The NCX's navPoint ids are XML IDs, which a heading's HTML id ("sec:one",
        # "1st") need not be: they are numbered instead (the links keep the id).
        link = epub.Link(f"{CONTENT}#{heading.identifier}", heading.text, f"nav-{number}")
        if heading.level == 3 and entries:
            parent = entries[-1]
            if isinstance(parent, epub.Link):
                parent = entries[-1] = (epub.Section(parent.title, parent.href), [])
            parent[1].append(link)
        else:
            entries.append(link)
    return entries


def features(document: Document, paginated: bool = False) -> list[str]:
    """The ``schema:accessibilityFeature`` values the publication can honestly claim;
    ``paginated``: it carries the printed leaflet's page breaks and page list."""
    claimed = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if paginated:
        claimed += ["pageBreakMarkers", "pageNavigation"]
    alts = ast.image_alts(document.blocks, informative_only=True)
    # EPUB Accessibility 1.1: alternativeText only when every informative image has alt text.
    if alts and all(alt.strip() for alt in alts):
        claimed.append("alternativeText")
    return claimed


def summary(document: Document, words: Words | None = None) -> str:
    """The accessibility summary: the front matter's, or what the publication offers,
    in ``words`` (default: the document's language's)."""
    if document.meta.accessibility_summary:
        return document.meta.accessibility_summary
    words = words or i18n.words(document.meta.lang)
    sentences = [
        words(
            "This publication has a table of contents, headings for every section and a logical "
            "reading order. Its text can be resized and restyled."
        )
    ]
    if "alternativeText" in features(document):
        sentences.append(words("Every image has a text alternative."))
    sentences.append(words("It contains nothing that flashes, moves or makes sound."))
    return " ".join(sentences)


@dataclass(frozen=True)
class Discovery:
    """The e-book's accessibility metadata (EPUB Accessibility 1.1, section 2), which
    catalogues repeat (:mod:`clearleaf.catalogue`)."""

    features: tuple[str, ...]
    summary: str
    #: The conformance claim (``dcterms:conformsTo``) and who certifies it, when earned.
    conforms_to: str | None = None
    certified_by: str | None = None
    access_modes: tuple[str, ...] = ("textual",)
    #: Each entry one set of modes that is enough on its own, comma-separated.
    sufficient: tuple[str, ...] = ("textual",)
    hazards: tuple[str, ...] = ("none",)


def discovery(document: Document, claimed: bool, paginated: bool, words: Words) -> Discovery:
    """What the e-book of ``document`` says of its accessibility; ``claimed``: the verdict on
    its conformance claim, ``paginated``: it carries the printed leaflet's pages."""
    return Discovery(
        features=tuple(features(document, paginated)),
        summary=summary(document, words),
        conforms_to=conformance.CLAIM if claimed else None,
        certified_by=document.meta.certified_by if claimed else None,
    )


def render(inputs: Inputs) -> Rendered:
    """Render the document as an EPUB 3 file."""
    document, context, back = inputs.document, inputs.context, inputs.colophon
    meta = document.meta
    words = back.words
    book = epub.EpubBook()
    book.set_identifier(document.identifier)
    book.set_title(meta.title)
    book.set_language(meta.lang)
    rtl = page.direction(meta.lang) == "rtl"
    if rtl:
        # The spine's page-progression-direction (EPUB 3.3, 5.7.1): pages turn
        # right to left. Written by ebooklib, with dir="rtl" on the package
        # (the base direction of the metadata) since "package_direction" is set.
        book.set_direction("rtl")
    book.add_metadata("DC", "publisher", meta.organisation)
    for creator in meta.authors or (meta.organisation,):
        book.add_metadata("DC", "creator", creator)
    book.add_metadata("DC", "date", meta.published.isoformat())
    book.add_metadata("DC", "description", meta.description)
    for keyword in meta.keywords:
        book.add_metadata("DC", "subject", keyword)
    if meta.rights:
        book.add_metadata("DC", "rights", meta.rights)
    if meta.url:
        book.add_metadata("DC", "source", meta.url)
    if inputs.pagination is not None:
        # The printed leaflet is the source of the page breaks (EPUB Accessibility
        # 1.1, 2.4.3; EPUB 3.3, "source-of"). a11y:pageBreakSource would say it
        # more directly, but EPUBCheck 5.3 refuses it.
        leaflet = EDITIONS["pdf"].output_name(document.stem)
        book.add_metadata(
            "DC", "source", urljoin(meta.url, leaflet) if meta.url else leaflet, {"id": "pages"}
        )
        book.add_metadata(
            None, "meta", "pagination", {"refines": "#pages", "property": "source-of"}
        )
    # EPUB Accessibility 1.1, section 2 (discovery metadata).
    found = discovery(document, back.claimed, inputs.pagination is not None, words)
    for prop, values in (
        ("schema:accessMode", found.access_modes),
        ("schema:accessModeSufficient", found.sufficient),
        ("schema:accessibilityFeature", found.features),
        ("schema:accessibilityHazard", found.hazards),
        ("schema:accessibilitySummary", (found.summary,)),
    ):
        for value in values:
            book.add_metadata("OPF", prop, value, {"property": prop})
    if found.conforms_to is not None:
        # EPUB Accessibility 1.1, 2.1 and 2.2: the claim, refined by who certifies it.
        claim = {"property": "dcterms:conformsTo", "id": "claim"}
        book.add_metadata("OPF", "conformsTo", found.conforms_to, claim)
        book.add_metadata(
            "OPF",
            "certifiedBy",
            found.certified_by,
            {"property": "a11y:certifiedBy", "refines": "#claim"},
        )

    # Only the fallback fonts the text uses, cut down to its characters
    # (clearleaf/fonts.py): the document's, and those of the pipeline's words.
    text = document.text + document.body_html + words.characters
    branding = document.settings.branding
    css_text = fonts.select(
        context.style("base.css") + branding.css + "\n" + context.style("epub.css"), text
    )
    stylesheet = epub.EpubItem(
        uid="style", file_name=STYLESHEET, media_type="text/css", content=css_text.encode()
    )
    book.add_item(stylesheet)
    for number, name in enumerate(fonts.referenced(css_text), start=1):
        book.add_item(
            epub.EpubItem(
                uid=f"font-{number}",
                file_name=f"style/fonts/{name}",
                media_type="font/ttf",
                content=fonts.font_data(name, text),
            )
        )

    # Each image once, under a name of the e-book's own: a source's file name may
    # hold what a package path cannot (a space, a quote, "#"), and the
    # content's reference is its one spelling (clearleaf.assets.canonical).
    stored: dict[str, str] = {}
    for number, (src, path) in enumerate(document.images.items(), start=1):
        kind = assets.media_type(path)
        stored[src] = f"images/image-{number}{assets.IMAGE_TYPES[kind]}"
        book.add_item(
            epub.EpubItem(
                uid=f"image-{number}",
                file_name=stored[src],
                media_type=kind,
                content=path.read_bytes(),
            )
        )

    fill = page.fields(document, back, "epub", "e-book")
    template = string.Template(context.style("epub-content.xhtml"))
    markup = _without_text_message_links(template.substitute(fill))
    markup = assets.point_images(markup, stored)
    about_template = string.Template(context.style("epub-about.xhtml"))
    about_markup = about_template.substitute(fill)
    page_list: list[tuple[str, int]] = []
    missing: list[int] = []
    if inputs.pagination is not None:
        (markup, about_markup), placed, missing = pagination.mark_markup(
            [markup, about_markup], inputs.pagination, _page_break
        )
        page_list = [((CONTENT, ABOUT)[document_index], n) for document_index, n in placed]
    content = _Xhtml(
        _with_page_breaks(to_xhtml(markup, meta.lang)),
        uid="content",
        file_name=CONTENT,
        title=meta.title,
        lang=meta.lang,
    )
    book.add_item(content)
    # The cover reading systems and catalogues show (properties="cover-image"),
    # and a page that shows it with its text alternative.
    cover_image = COVER_IMAGE  # the source's images are all in images/
    cover_item = epub.EpubCover(uid="cover-image", file_name=cover_image)
    cover_item.media_type = "image/png"
    cover_item.content = cover.png(document, branding, context.style("base.css"))
    book.add_item(cover_item)
    cover_page = _Xhtml(
        to_xhtml(
            string.Template(context.style("epub-cover.xhtml")).substitute(
                lang=html.escape(meta.lang),
                dir=fill["dir"],
                title=fill["title"],
                image=cover_image,
                alt=html.escape(cover.alternative(document)),
            ),
            meta.lang,
        ),
        uid="cover",
        file_name=COVER_PAGE,
        title=meta.title,
        lang=meta.lang,
    )
    book.add_item(cover_page)
    about_title = words("About this e-book")
    about = _Xhtml(
        _with_page_breaks(to_xhtml(about_markup, meta.lang)),
        uid="about",
        file_name=ABOUT,
        title=about_title,
        lang=meta.lang,
    )
    book.add_item(about)

    contents = words("Contents")
    nav = epub.EpubNav(title=contents)
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    book.toc = [
        epub.Link(f"{CONTENT}#title", meta.title, "title"),
        *_toc(page.headings(document, words)),
        epub.Link(ABOUT, about_title, "about"),
    ]
    book.guide = [
        {"type": "toc", "href": "nav.xhtml", "title": contents},
        {"type": "text", "href": CONTENT, "title": meta.title},
        {"type": "backmatter", "href": ABOUT, "title": about_title},
    ]
    book.spine = [cover_page, nav, content, about]

    raw = io.BytesIO()
    epub.write_epub(
        raw,
        book,
        {
            "mtime": context.build_time(meta.published),
            "epub2_guide": False,
            "epub3_pages": False,
            "landmark_title": words("Landmarks"),
            "raise_exceptions": True,
            "package_direction": rtl,
        },
    )
    when = context.build_time(meta.published).timetuple()[:6]
    data = _repack(raw.getvalue(), when, meta.lang, words, page_list)
    notes = pagination.unplaced(document, "e-book", missing)
    if document.settings.read_aloud_epub:
        # The project asks for the e-book itself to read aloud ([speech]).
        return overlays.add(data, document, words, (CONTENT, ABOUT, STYLESHEET), notes)
    return Rendered(data, notes)


#: Marks a page break until the XHTML is made (the HTML parser it goes through
#: knows no namespaces); then it is ``epub:type``.
_PAGE_BREAK = "data-clearleaf-epub-type"


def _page_break(number: int) -> str:
    """The empty element that marks where printed page ``number`` begins (EPUB 3.3
    Structural Semantics; DPUB-ARIA ``doc-pagebreak``, its name the page's number)."""
    return (
        f'<span {_PAGE_BREAK}="pagebreak" role="doc-pagebreak" id="page-{number}" '
        f'aria-label="{number}"></span>'
    )


def _with_page_breaks(xhtml: bytes) -> bytes:
    """``xhtml`` with its page breaks' ``epub:type`` and the namespace it needs."""
    if _PAGE_BREAK.encode() not in xhtml:
        return xhtml
    xhtml = xhtml.replace(_PAGE_BREAK.encode(), b"epub:type")
    return xhtml.replace(
        f'<html xmlns="{XHTML}"'.encode(), f'<html xmlns="{XHTML}" xmlns:epub="{OPS}"'.encode(), 1
    )


def _package_lang(opf: bytes, lang: str) -> bytes:
    """The package document with ``xml:lang`` on its root, which ebooklib leaves out."""
    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _nav_headings(
    data: bytes, lang: str, words: Words, page_list: Sequence[tuple[str, int]] = ()
) -> bytes:
    """The nav document with an h1 for the table of contents and the landmarks hidden.

    ebooklib titles both navs with h2, leaving the document without a level-1
    heading; the landmarks are for reading systems, not for reading. The page
    gets the book's direction. Where the pipeline's words stand in English
    for a language without a catalogue, they are marked so (WCAG 3.1.2): the
    title, the headings, and the links to the notes and the back matter.
    """
    root = etree.fromstring(data)
    rtl = page.direction(lang) == "rtl"
    if rtl:
        root.set("dir", "rtl")

    def english(element: Any) -> None:
        if not words.native:
            element.set("lang", words.lang)
            element.set("{http://www.w3.org/XML/1998/namespace}lang", words.lang)
            if rtl:
                element.set("dir", "ltr")

    for title in root.iter(f"{{{XHTML}}}title"):
        english(title)
    ours = (ABOUT, f"{CONTENT}#{fragment.NOTES_ID}", "nav.xhtml")
    for link in root.iter(f"{{{XHTML}}}a"):
        if link.get("href") in ours:
            english(link)
    for nav in root.iter(f"{{{XHTML}}}nav"):
        kind = nav.get("{http://www.idpf.org/2007/ops}type")
        for heading in nav.iterchildren(f"{{{XHTML}}}h2"):
            english(heading)
            if kind == "toc":
                heading.tag = f"{{{XHTML}}}h1"
        if kind == "landmarks":
            nav.set("hidden", "hidden")
    body = root.find(f"{{{XHTML}}}body")
    if page_list and body is not None:
        body.append(_page_list_nav(page_list, words, english))
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")


def _page_list_nav(
    page_list: Sequence[tuple[str, int]], words: Words, english: Callable[[Any], None]
) -> Any:
    """The ``page-list`` nav: a link to each printed page's break, in order (EPUB 3.3, 7.4.3)."""
    nav = etree.Element(f"{{{XHTML}}}nav", {f"{{{OPS}}}type": "page-list", "hidden": "hidden"})
    heading = etree.SubElement(nav, f"{{{XHTML}}}h2")
    heading.text = str(words("Go to printed page"))
    english(heading)
    listing = etree.SubElement(nav, f"{{{XHTML}}}ol")
    for href, number in page_list:
        item = etree.SubElement(listing, f"{{{XHTML}}}li")
        link = etree.SubElement(item, f"{{{XHTML}}}a", {"href": f"{href}#page-{number}"})
        link.text = str(number)
    return nav


def _repack(
    data: bytes,
    when: tuple[int, ...],
    lang: str,
    words: Words,
    page_list: Sequence[tuple[str, int]] = (),
) -> bytes:
    """The same EPUB with fixed entry times and ``mimetype`` first, uncompressed (OCF 3.3, 4.3).

    The package and nav documents get their repairs here (see the functions above).
    """
    files, _stamp = ocf.read(data)
    for name, content in files.items():
        if name.endswith(".opf"):
            files[name] = _package_lang(content, lang)
        elif name.endswith("/nav.xhtml"):
            files[name] = _nav_headings(content, lang, words, page_list)
    return ocf.write(files, when)
