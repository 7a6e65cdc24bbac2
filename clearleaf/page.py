"""The HTML page every visual format starts from (the web page, and the PDF's input).

The page's shape lives in ``styles/page.html``; this module only fills it in,
escaping every value that comes from the source's metadata.
"""

from __future__ import annotations

import html
import string
from typing import Literal

import segno

from clearleaf import __version__, ast
from clearleaf.colophon import Colophon, long_date
from clearleaf.context import Context
from clearleaf.document import Document

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


def toc(headings: list[ast.Heading], max_level: int = 3) -> str:
    """A nested ordered list linking to the document's sections."""
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
        out.append(f'<a href="#{html.escape(heading.identifier)}">{html.escape(heading.text)}</a>')
    out.extend(["</li></ol>"] * depth)
    return "".join(out)


def _link(address: str, text: str | None = None) -> str:
    return f'<a href="{html.escape(address)}">{html.escape(text or address)}</a>'


def contact_panel(back: Colophon) -> str:
    """The contact details, as a section of the back panel (empty when there are none)."""
    if not back.contacts:
        return ""
    items = "".join(
        f"<li>{contact.label}: {_link(contact.address, contact.text)}</li>"
        for contact in back.contacts
    )
    return (
        '<section class="contact" aria-labelledby="contact-heading">\n'
        '<h2 id="contact-heading">Contact us</h2>\n'
        f"<ul>{items}</ul>\n</section>"
    )


def formats_panel(back: Colophon, current: str, medium: Medium) -> str:
    """The "other formats" statement with each edition's file name (a link on the web)."""
    others = back.other_formats(current)
    items = []
    for label, name, _address in others.editions:
        where = _link(name) if medium == "web" else f'<span class="file">{html.escape(name)}</span>'
        items.append(f"<li>{html.escape(label.capitalize())}: {where}</li>")
    where = ""
    if others.url and others.folder and medium != "web":
        where = (
            f"<p>Read this online at {_link(others.url)}; "
            f"download the other formats from {_link(others.folder)}</p>\n"
        )
    return (
        '<section class="formats" aria-labelledby="formats-heading">\n'
        '<h2 id="formats-heading">Other formats</h2>\n'
        f"<p>{html.escape(others.statement)}</p>\n"
        f"<ul>{''.join(items)}</ul>\n{where}</section>"
    )


def sources_panel(back: Colophon) -> str:
    """The evidence the text relies on (empty when the front matter lists none)."""
    if not back.sources:
        return ""
    items = "".join(f"<li>{html.escape(source)}</li>" for source in back.sources)
    return (
        '<section class="sources" aria-labelledby="sources-heading">\n'
        f'<h2 id="sources-heading">Sources</h2>\n<ol>{items}</ol>\n</section>'
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
        title=f"QR code linking to the web version: {url}",
    )
    svg = svg.replace("<svg ", '<svg role="img" ', 1)
    return f'<figure class="qr">{svg}\n<figcaption>Scan to read this online</figcaption></figure>'


def record_panel(back: Colophon) -> str:
    """Who published the document, when it was and will be reviewed, and how to comment."""
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in back.record)
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


def _language_of(lang: str) -> str:
    """``lang`` and ``dir`` attributes for the document's text inside the page's English parts.

    Empty for an English document, whose text needs no marking there.
    """
    if english(lang):
        return ""
    marked = f' lang="{html.escape(lang)}"'
    return marked + (' dir="rtl"' if direction(lang) == "rtl" else "")


def english(lang: str) -> bool:
    """Whether ``lang`` (a BCP 47 tag) is English, the language of the page's own words."""
    return lang.lower().split("-")[0] == "en"


def _ui_lang(lang: str) -> str:
    """The attributes that mark the page's own words as English (WCAG 3.1.2).

    In a right-to-left document they are also set left to right.
    """
    if english(lang):
        return ""
    return ' lang="en"' + (' dir="ltr"' if direction(lang) == "rtl" else "")


def fields(document: Document, back: Colophon, current: str, medium: Medium) -> dict[str, str]:
    """The template fields for ``document`` rendered as edition ``current``, HTML-escaped.

    ``back`` is the document's back matter (:mod:`clearleaf.colophon`).
    """
    meta = document.meta
    subtitle = f'<p class="subtitle">{html.escape(meta.subtitle)}</p>' if meta.subtitle else ""
    return {
        "lang": html.escape(meta.lang),
        # The page's base direction; left to right is the default, so only
        # right-to-left is written (HTML, section 3.2.6.4, the dir attribute).
        "dir": ' dir="rtl"' if direction(meta.lang) == "rtl" else "",
        "title": html.escape(meta.title),
        "subtitle": subtitle,
        "description": html.escape(meta.description),
        "organisation": html.escape(meta.organisation),
        "published": meta.published.isoformat(),
        "published_text": long_date(meta.published),
        "next_review": meta.next_review.isoformat(),
        "next_review_text": long_date(meta.next_review),
        "generator": f"clearleaf {__version__}",
        "toc": toc(document.headings),
        # The template's own words are English (WCAG 3.1.2, language of parts).
        "ui_lang": _ui_lang(meta.lang),
        # The document's words inside those English parts (the title in "About this e-book").
        "doc_lang": _language_of(meta.lang),
        "body": document.body_html,
        "contact": contact_panel(back),
        "formats": formats_panel(back, current, medium),
        "sources": sources_panel(back),
        "qr": qr_panel(back, medium),
        "record": record_panel(back),
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
