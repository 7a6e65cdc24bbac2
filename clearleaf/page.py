"""The HTML page every visual format starts from (the web page, and the PDF's input).

The page's shape lives in ``styles/page.html``; this module only fills it in,
escaping every value that comes from the source's metadata. Its own words
("Contents", "Contact us") are the back matter's (:attr:`Colophon.words`), in
the document's language; where no catalogue has that language they are
English, marked so, and the editor's text among them is marked as the
document's (WCAG 2.2 SC 3.1.2, language of parts).
"""

from __future__ import annotations

import base64
import dataclasses
import html
import string
from collections.abc import Mapping, Sequence
from typing import Literal

import segno

from clearleaf import __version__, assets, ast, fragment, i18n
from clearleaf.colophon import Colophon, Contact
from clearleaf.context import Context
from clearleaf.document import Document
from clearleaf.i18n import Phrase, Words

#: Where a page is read: on the web (its links are live and the other
#: editions are a click away), in an e-book, or on paper (its back panel
#: carries a QR code to the web version).
Medium = Literal["web", "e-book", "paper"]

#: Languages written right to left (CLDR's character order): Arabic, Hebrew
#: (and its old code iw), Persian, Urdu, Yiddish (and ji), Pashto, Sindhi,
#: Uyghur, Dhivehi, Central Kurdish, Kashmiri, Syriac, Aramaic, N'Ko,
#: Mazanderani, Southern Kurdish, Northern Luri and Balochi.
RTL_LANGUAGES = frozenset(
    {
        "ar", "he", "iw", "fa", "ur", "yi", "ji", "ps", "sd", "ug",
        "dv", "ckb", "ks", "syr", "arc", "nqo", "mzn", "sdh", "lrc", "bal",
    }
)  # fmt: skip
#: Scripts written right to left (ISO 15924), for tags that name one: ``pa-Arab``.
RTL_SCRIPTS = frozenset(
    {"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr", "yezi"}
)


def direction(lang: str) -> str:
    """The base direction of text in ``lang`` (a BCP 47 tag): ``"rtl"`` or ``"ltr"``.

    A script subtag decides (``pa-Arab`` is right to left, ``ku-Latn`` left to
    right); otherwise the language does (``ar-EG`` is right to left).
    """
    subtags = lang.lower().split("-")
    script = next((tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()), None)
    if script is not None:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


def toc(
    headings: list[ast.Heading], max_level: int = 3, marked: Mapping[str, str] | None = None
) -> str:
    """A nested ordered list linking to the document's sections.

    ``marked``: attributes for the link to a heading, by its identifier (the
    language of the notes section's heading, when the page's words are English).
    """
    marked = marked or {}
    items = [h for h in headings if h.level <= max_level and h.identifier]
    if not items:
        return ""
    base = min(h.level for h in items)
    out: list[str] = []
    depth = 0
    for heading in items:
        level = heading.level - base + 1
        if level > depth:
            # Open one list per level; a skipped level nests an item holding only a list.
            while depth < level:
                out.append("<ol><li>")
                depth += 1
        else:
            while depth > level:
                out.append("</li></ol>")
                depth -= 1
            out.append("</li><li>")
        attributes = marked.get(heading.identifier, "")
        out.append(
            f'<a href="#{html.escape(heading.identifier)}"{attributes}>'
            f"{html.escape(heading.text)}</a>"
        )
    out.extend(["</li></ol>"] * depth)
    return "".join(out)


def _link(address: str, text: str | None = None, attributes: str = "") -> str:
    return f'<a href="{html.escape(address)}"{attributes}>{html.escape(text or address)}</a>'


def _address_dir(back: Colophon) -> str:
    """The attributes of an address (a phone number, a web address, a file name) in the
    back matter: left to right among right-to-left words, so that the groups of a phone
    number and the slash that ends a folder's address stay in their places (UAX #9)."""
    return ' dir="ltr"' if direction(back.words.lang) == "rtl" else ""


def phrase_html(phrase: Phrase, mark: str = "") -> str:
    """``phrase`` as HTML, the editor's parts in a ``<span>`` with the attributes ``mark``
    (the document's language inside words marked English; none needed otherwise)."""
    if not mark:
        return html.escape(phrase)
    return "".join(
        f"<span{mark}>{html.escape(text)}</span>" if own else html.escape(text)
        for text, own in phrase.parts
    )


def contact_items(contacts: Sequence[Contact], words: Words) -> str:
    """``contacts`` as list items, "Phone: <link>", labelled in ``words``' language."""
    # The numbers and addresses are no language's words: they need no marking.
    ltr = ' dir="ltr"' if direction(words.lang) == "rtl" else ""
    return "".join(
        f"<li>{html.escape(contact.label)}: {_link(contact.address, contact.text, ltr)}</li>"
        for contact in contacts
    )


def contact_panel(back: Colophon) -> str:
    """The contact details, as a section of the back panel (empty when there are none)."""
    if not back.contacts:
        return ""
    items = contact_items(back.contacts, back.words)
    return (
        '<section class="contact" aria-labelledby="contact-heading">\n'
        f'<h2 id="contact-heading">{html.escape(back.words("Contact us"))}</h2>\n'
        f"<ul>{items}</ul>\n</section>"
    )


def formats_panel(back: Colophon, current: str, medium: Medium) -> str:
    """The "other formats" statement with each edition's file name (a link on the web)."""
    words = back.words
    ltr = _address_dir(back)
    others = back.other_formats(current)
    items = []
    for label, name, _address in others.editions:
        if medium == "web":
            where = _link(name, attributes=ltr)
        else:
            where = f'<span class="file"{ltr}>{html.escape(name)}</span>'
        items.append(f"<li>{html.escape(i18n.capital(label))}: {where}</li>")
    where = ""
    if others.url and others.folder and medium != "web":
        online = words.markup(
            "Read this online at {url}; download the other formats from {folder}",
            url=_link(others.url, attributes=ltr),
            folder=_link(others.folder, attributes=ltr),
        )
        where = f"<p>{online}</p>\n"
    return (
        '<section class="formats" aria-labelledby="formats-heading">\n'
        f'<h2 id="formats-heading">{html.escape(words("Other formats"))}</h2>\n'
        f"<p>{html.escape(others.statement)}</p>\n"
        f"<ul>{''.join(items)}</ul>\n{where}</section>"
    )


def sources_panel(back: Colophon, mark: str = "") -> str:
    """The evidence the text relies on (empty when the front matter lists none).

    ``mark``: the attributes of the document's language, for sources listed
    under an English heading.
    """
    if not back.sources:
        return ""
    # The item stays in the list's direction (its number where the list puts
    # them); only its words are the document's.
    items = "".join(f"<li>{phrase_html(i18n.own(source), mark)}</li>" for source in back.sources)
    return (
        '<section class="sources" aria-labelledby="sources-heading">\n'
        f'<h2 id="sources-heading">{html.escape(back.words("Sources"))}</h2>\n'
        f"<ol>{items}</ol>\n</section>"
    )


def qr_panel(back: Colophon, medium: Medium) -> str:
    """On paper, a QR code to the web version (vector, with alt text).

    The address itself is written out in :func:`formats_panel`.
    """
    url = back.url
    if medium != "paper" or not url:
        return ""
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=1,
        border=0,
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
        title=back.words("QR code linking to the web version: {url}", url=url),
    )
    svg = svg.replace("<svg ", '<svg role="img" ', 1)
    caption = html.escape(back.words("Scan to read this online"))
    return f'<figure class="qr">{svg}\n<figcaption>{caption}</figcaption></figure>'


def record_panel(back: Colophon, mark: str = "") -> str:
    """Who published the document, when it was and will be reviewed, and how to comment.

    ``mark``: the attributes of the document's language, for the editor's
    words inside English sentences.
    """
    paragraphs = "\n".join(f"<p>{phrase_html(line, mark)}</p>" for line in back.record)
    return f'<div class="record">\n{paragraphs}\n</div>'


def microdata(document: Document) -> str:
    """The document as a schema.org MedicalWebPage, for search engines (no script needed)."""
    meta = document.meta

    def prop(name: str, value: str) -> str:
        return f'<meta itemprop="{name}" content="{html.escape(value)}">'

    def thing(name: str, kind: str, value: str) -> str:
        return (
            f'<div itemprop="{name}" itemscope itemtype="https://schema.org/{kind}" hidden>'
            f"{prop('name', value)}</div>"
        )

    items = [
        prop("name", meta.title),
        prop("description", meta.description),
        prop("inLanguage", meta.lang),
        prop("datePublished", meta.published.isoformat()),
        thing("publisher", "Organization", meta.organisation),
    ]
    if meta.reviewed:
        items.append(prop("lastReviewed", meta.reviewed.isoformat()))
    if meta.keywords:
        items.append(prop("keywords", ", ".join(meta.keywords)))
    if meta.version:
        items.append(prop("version", meta.version))
    if meta.rights:
        items.append(prop("copyrightNotice", meta.rights))
    if meta.url:
        items.append(f'<link itemprop="url" href="{html.escape(meta.url)}">')
    items.extend(thing("author", "Person", author) for author in meta.authors)
    return "\n".join(items)


def document_language(lang: str, words: Words) -> str:
    """``lang`` and ``dir`` attributes for the document's text inside the page's own words.

    Empty when those words are in the document's language (a catalogue has
    it, or it is English), so that its text needs no marking there.
    """
    if words.native:
        return ""
    marked = f' lang="{html.escape(lang)}"'
    return marked + (' dir="rtl"' if direction(lang) == "rtl" else "")


def words_language(lang: str, words: Words) -> str:
    """The attributes that mark the page's own words as English where they stand in for
    the document's language, which has no catalogue (WCAG 3.1.2).

    In a right-to-left document they are also set left to right; empty when
    the words are in the document's language.
    """
    if words.native:
        return ""
    return f' lang="{words.lang}"' + (' dir="ltr"' if direction(lang) == "rtl" else "")


def headings(document: Document, words: Words) -> list[ast.Heading]:
    """The headings for tables of contents: the document's, the notes section's in ``words``."""
    return [
        dataclasses.replace(heading, text=words("Notes"))
        if (heading.identifier, heading.text) == (fragment.NOTES_ID, fragment.NOTES_TITLE)
        else heading
        for heading in document.headings
    ]


def body(document: Document, words: Words, mark: str = "") -> str:
    """The body's HTML, with the notes section's heading in ``words`` (marked with ``mark``)."""
    english = f'<h2 id="{fragment.NOTES_ID}">{fragment.NOTES_TITLE}</h2>'
    markup = document.body_html
    at = markup.rfind(english)
    if at < 0:
        return markup
    heading = f'<h2 id="{fragment.NOTES_ID}"{mark}>{html.escape(words("Notes"))}</h2>'
    return markup[:at] + heading + markup[at + len(english) :]


#: Where the printed editions' stylesheets put the running footer's words.
PAGE_OF_PAGES = "$page_of_pages"


def stylesheet(css: str, words: Words, leaflet_pages: bool = False) -> str:
    """``css`` with its running footer ("Page 1 of 2") in ``words``; with
    ``leaflet_pages``, also the leaflet's page each page begins in ("Page 3 of 9
    (leaflet page 2)"), which the page's markers set (``string-set``).

    CSS generates those words itself (``counter(page)``), so they are
    written into the stylesheet rather than the page.
    """
    if leaflet_pages:
        footer = i18n.css_string(
            words.text("Page {page} of {pages} (leaflet page {leaflet})"),
            {
                "page": "counter(page)",
                "pages": "counter(pages)",
                "leaflet": "string(leaflet, start)",
            },
        )
    else:
        footer = i18n.css_string(
            words.text("Page {page} of {pages}"),
            {"page": "counter(page)", "pages": "counter(pages)"},
        )
    return css.replace(PAGE_OF_PAGES, footer)


def logo(document: Document) -> str:
    """The project's logo (``clearleaf.toml``, ``[branding]``) as an image inside the page,
    with its text alternative; empty without one."""
    branding = document.settings.branding
    if branding.logo is None:
        return ""
    data = base64.b64encode(branding.logo.read_bytes()).decode("ascii")
    kind = assets.media_type(branding.logo)
    alt = html.escape(branding.logo_alt)
    return f'<img class="logo" src="data:{kind};base64,{data}" alt="{alt}">'


def fields(document: Document, back: Colophon, current: str, medium: Medium) -> dict[str, str]:
    """The template fields for ``document`` rendered as edition ``current``, HTML-escaped.

    ``back`` is the document's back matter (:mod:`clearleaf.colophon`).
    """
    meta = document.meta
    words = back.words
    subtitle = f'<p class="subtitle">{html.escape(meta.subtitle)}</p>' if meta.subtitle else ""
    # The page's own words are the document's language's, or English marked as such.
    ui_lang = words_language(meta.lang, words)
    # The document's words inside those English parts (its title in "About this e-book").
    doc_lang = document_language(meta.lang, words)
    about = words.markup(
        "{title}, {organisation}.",
        title=f"<b{doc_lang}>{html.escape(meta.title)}</b>",
        organisation=phrase_html(i18n.own(meta.organisation), doc_lang),
    )
    return {
        "lang": html.escape(meta.lang),
        # The page's base direction; left to right is the default, so only
        # right-to-left is written (HTML, section 3.2.6.4, the dir attribute).
        "dir": ' dir="rtl"' if direction(meta.lang) == "rtl" else "",
        "title": html.escape(meta.title),
        "subtitle": subtitle,
        "description": html.escape(meta.description),
        "organisation": html.escape(meta.organisation),
        "logo": logo(document),
        "published": meta.published.isoformat(),
        "published_text": words.date(meta.published),
        "next_review": meta.next_review.isoformat(),
        "next_review_text": words.date(meta.next_review),
        "generator": f"clearleaf {__version__}",
        "toc": toc(headings(document, words), marked={fragment.NOTES_ID: ui_lang}),
        "ui_lang": ui_lang,
        "doc_lang": doc_lang,
        "skip": html.escape(words("Skip to main content")),
        "contents": html.escape(words("Contents")),
        "about_title": html.escape(words("About this e-book")),
        "about": about,
        "body": body(document, words, ui_lang),
        "contact": contact_panel(back),
        "formats": formats_panel(back, current, medium),
        "sources": sources_panel(back, doc_lang),
        "qr": qr_panel(back, medium),
        "record": record_panel(back, doc_lang),
        "microdata": microdata(document),
        "author": html.escape(", ".join(meta.authors) or meta.organisation),
        "keywords": html.escape(", ".join(meta.keywords)),
    }


def render(
    document: Document, context: Context, back: Colophon, css: str, current: str, medium: Medium
) -> str:
    """The whole page for edition ``current``, read in ``medium``, with ``css`` as its style."""
    template = string.Template(context.style("page.html"))
    modified = context.build_time(document.meta.published).strftime("%Y-%m-%dT%H:%M:%SZ")
    fill = fields(document, back, current, medium)
    return template.substitute(fill, css=css, modified=modified)
