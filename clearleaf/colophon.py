"""The back matter every edition carries: contacts, other formats, sources and the record.

It is worked out once per document (:func:`of`), as a model the editions
render like any other content: :mod:`clearleaf.page` marks it up for the web
page, the PDFs and the e-book, the plain-text format writes it out as it is,
and an edition added later gets it for free.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urljoin

from clearleaf import conformance, editions
from clearleaf.document import Document

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


@dataclass(frozen=True)
class Colophon:
    """The back matter of one document, the same in every edition."""

    contacts: tuple[Contact, ...]
    #: Every reader edition: (edition name, label, file name, address).
    editions: tuple[tuple[str, str, str, str], ...]
    #: The web version's address, and the folder the editions are published in.
    url: str | None
    folder: str | None
    sources: tuple[str, ...]
    #: Who published the document and when, its review dates, version,
    #: feedback, rights and accessibility statement, a sentence each.
    record: tuple[str, ...]
    #: Whether the document claims WCAG 2.2 Level AA conformance, and the
    #: statement of its accessibility that every edition carries.
    claimed: bool
    statement: str

    def other_formats(self, current: str) -> OtherFormats:
        """The other reader editions, seen from edition ``current``."""
        current = editions.EDITIONS[current].same_as or current
        others = [
            (label, name, address)
            for edition, label, name, address in self.editions
            if edition != current
        ]
        statement = (
            "This information is also available as "
            f"{spoken_list([label for label, _name, _address in others])}."
        )
        return OtherFormats(statement, others, self.folder, self.url)


def of(document: Document, claimed: bool) -> Colophon:
    """The colophon of ``document``; ``claimed``: the verdict on its conformance claim."""
    meta = document.meta
    url = meta.url
    # The editions are published side by side with the web version.
    folder = urljoin(url, ".") if url else None
    found = []
    for edition in editions.readers_editions():
        name = edition.output_name(document.stem)
        address = name
        if url and folder:
            address = url if name.endswith(".html") else folder + name
        found.append((edition.name, str(edition.label), name, address))
    statement = conformance.statement(meta, claimed)
    return Colophon(
        contacts=tuple(contacts(document)),
        editions=tuple(found),
        url=url,
        folder=folder,
        sources=meta.sources,
        record=tuple(_record(document, statement)),
        claimed=claimed,
        statement=statement,
    )


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


def _record(document: Document, statement: str) -> list[str]:
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
    lines.append(f"Accessibility: {statement}")
    return lines
