"""The HTML page every visual format starts from (the web page, and the PDF's input).

The page's shape lives in ``styles/page.html``; this module only fills it in,
escaping every value that comes from the source's metadata.
"""

from __future__ import annotations

import datetime as dt
import html
import string

from pipeline import __version__, ast, conformance
from pipeline.context import Context
from pipeline.document import Document

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(date: dt.date) -> str:
    """A date as a reader writes it in British English: 24 November 2026."""
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


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


def fields(document: Document) -> dict[str, str]:
    """The template fields for ``document``, HTML-escaped."""
    meta = document.meta
    subtitle = f'<p class="subtitle">{html.escape(meta.subtitle)}</p>' if meta.subtitle else ""
    return {
        "lang": html.escape(meta.lang),
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
        "accessibility": html.escape(conformance.statement(document)),
        # The template's own words are English (WCAG 3.1.2, language of parts).
        "ui_lang": "" if meta.lang.lower().split("-")[0] == "en" else ' lang="en"',
        "body": document.body_html,
    }


def render(document: Document, context: Context, css: str) -> str:
    """The whole page, with ``css`` in its ``<style>`` element."""
    template = string.Template(context.style("page.html"))
    return template.substitute(fields(document), css=css)
