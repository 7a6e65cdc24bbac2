"""What every edition says about the document: contacts, other formats, sources, record.

The words live here once; :mod:`pipeline.page` marks them up for the web page,
the PDF and the e-book, and the plain-text format writes them out as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urljoin

from pipeline import conformance
from pipeline.document import Document
from pipeline.formats import alternatives

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


def spoken_list(items: list[str]) -> str:
    """Items joined as a reader says them: "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Contact:
    """One way to reach the organisation: its label, what to show, and the link."""

    label: str
    text: str
    address: str


def contacts(document: Document) -> list[Contact]:
    """The front matter's contact details, phone first."""
    contact = document.meta.contact
    if contact is None:
        return []
    found = []
    if contact.phone:
        number = "".join(ch for ch in contact.phone if ch.isdigit() or ch == "+")
        found.append(Contact("Phone", contact.phone, f"tel:{number}"))
    if contact.email:
        found.append(Contact("Email", contact.email, f"mailto:{contact.email}"))
    if contact.web:
        found.append(Contact("Web", contact.web, contact.web))
    return found


@dataclass(frozen=True)
class OtherFormats:
    """The "also available as" statement of one edition."""

    statement: str
    #: (label, file name, address) of every other reader edition; the address
    #: is the file name when the front matter gives no web address.
    editions: list[tuple[str, str, str]]
    #: Where to find them, when the front matter gives the web version's address.
    folder: str | None
    url: str | None


def other_formats(document: Document, current: str) -> OtherFormats:
    """The other reader editions of ``document``, seen from edition ``current``."""
    editions = alternatives(document, current)
    statement = (
        "This information is also available as "
        f"{spoken_list([label for label, _name in editions])}."
    )
    url = document.meta.url
    # The editions are published side by side with the web version.
    folder = urljoin(url, ".") if url else None
    found = []
    for label, name in editions:
        address = name
        if url and folder:
            address = url if name.endswith(".html") else folder + name
        found.append((label, name, address))
    return OtherFormats(statement, found, folder, url)


def record(document: Document) -> list[str]:
    """Who published the document, its review dates, version, feedback, rights, accessibility."""
    meta = document.meta
    lines = [f"Published by {meta.organisation} on {long_date(meta.published)}."]
    if meta.reviewed:
        lines.append(f"Last reviewed on {long_date(meta.reviewed)}.")
    lines.append(f"Next review due by {long_date(meta.next_review)}.")
    about = []
    if meta.version:
        about.append(f"Version {meta.version}.")
    if meta.authors:
        about.append(f"Written by {spoken_list(list(meta.authors))}.")
    if about:
        lines.append(" ".join(about))
    if meta.feedback:
        lines.append(f"Your feedback: {meta.feedback}")
    if meta.rights:
        lines.append(meta.rights)
    lines.append(f"Accessibility: {conformance.statement(document)}")
    return lines
