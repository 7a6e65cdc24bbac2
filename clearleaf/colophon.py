"""The back matter every edition carries: contacts, other formats, sources and the record.

It is worked out once per document (:func:`of`), as a model the editions
render like any other content: :mod:`clearleaf.page` marks it up for the web
page, the PDFs and the e-book, the plain-text format writes it out as it is,
and an edition added later gets it for free. Its sentences are in the
document's language (:mod:`clearleaf.i18n`), and so are the words the
editions add to it (:attr:`Colophon.words`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from clearleaf import conformance, editions, i18n, metadata
from clearleaf.document import Document
from clearleaf.i18n import Phrase, Words


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
    #: feedback, rights and accessibility statement, a sentence each, with
    #: the editor's words in them told apart.
    record: tuple[Phrase, ...]
    #: Whether the document claims WCAG 2.2 Level AA conformance, and the
    #: statement of its accessibility that every edition carries.
    claimed: bool
    statement: Phrase
    #: The pipeline's words for this document: every edition's headings,
    #: labels and dates come from here.
    words: Words

    def other_formats(self, current: str) -> OtherFormats:
        """The other reader editions, seen from edition ``current``."""
        current = editions.EDITIONS[current].same_as or current
        others = [
            (label, name, address)
            for edition, label, name, address in self.editions
            if edition != current
        ]
        labels = [label for label, _name, _address in others]
        statement = self.words(
            "This information is also available as {editions}.",
            editions=self.words.join(labels, nouns=True),
        )
        return OtherFormats(statement, others, self.folder, self.url)


def of(
    document: Document, claimed: bool, messages: Mapping[str, Mapping[str, str]] | None = None
) -> Colophon:
    """The colophon of ``document``; ``claimed``: the verdict on its conformance claim.

    ``messages``: the project's wording of the pipeline's messages, by
    language (``clearleaf.toml``'s ``[messages.<language>]``).
    """
    meta = document.meta
    words = i18n.words(meta.lang, messages)
    url = meta.url
    # The editions are published side by side with the web version.
    folder = urljoin(url, ".") if url else None
    found = []
    for edition in editions.readers_editions():
        name = edition.output_name(document.stem)
        address = name
        if url and folder:
            address = url if name.endswith(".html") else folder + name
        found.append((edition.name, words(str(edition.label)), name, address))
    statement = conformance.statement(meta, claimed, words)
    return Colophon(
        contacts=tuple(contacts(document, words)),
        editions=tuple(found),
        url=url,
        folder=folder,
        sources=meta.sources,
        record=tuple(_record(document, statement, words)),
        claimed=claimed,
        statement=statement,
        words=words,
    )


def contacts(document: Document, words: Words | None = None) -> list[Contact]:
    """The front matter's contact details, phone first, labelled in ``words``."""
    return contact_list(document.meta.contact, words or i18n.words(document.meta.lang))


def contact_list(contact: metadata.Contact | None, words: Words) -> list[Contact]:
    """``contact``'s phone, email and web address, in that order, labelled in ``words``."""
    if contact is None:
        return []
    found = []
    if contact.phone:
        number = "".join(ch for ch in contact.phone if ch.isdigit() or ch == "+")
        found.append(Contact(words("Phone"), contact.phone, f"tel:{number}"))
    if contact.email:
        found.append(Contact(words("Email"), contact.email, f"mailto:{contact.email}"))
    if contact.web:
        found.append(Contact(words("Web"), contact.web, contact.web))
    return found


def _record(document: Document, statement: Phrase, words: Words) -> list[Phrase]:
    """Who published the document, its review dates, version, feedback, rights, accessibility."""
    meta = document.meta
    lines = [
        words(
            "Published by {organisation} on {date}.",
            organisation=i18n.own(meta.organisation),
            date=words.date(meta.published),
        )
    ]
    if meta.reviewed:
        lines.append(words("Last reviewed on {date}.", date=words.date(meta.reviewed)))
    lines.append(words("Next review due by {date}.", date=words.date(meta.next_review)))
    about = []
    if meta.version:
        about.append(words("Version {version}.", version=meta.version))
    if meta.authors:
        authors = words.join([i18n.own(author) for author in meta.authors])
        about.append(words("Written by {authors}.", authors=authors))
    if about:
        lines.append(i18n.Phrase(part for phrase in _spaced(about) for part in phrase.parts))
    if meta.feedback:
        lines.append(words("Your feedback: {feedback}", feedback=i18n.own(meta.feedback)))
    if meta.rights:
        lines.append(i18n.own(meta.rights))
    lines.append(words("Accessibility: {statement}", statement=statement))
    return lines


def _spaced(phrases: list[Phrase]) -> list[Phrase]:
    """``phrases`` with a space between each two, as sentences of one line."""
    out: list[Phrase] = []
    for phrase in phrases:
        if out:
            out.append(Phrase([(" ", False)]))
        out.append(phrase)
    return out
