"""The editions a document is published in: their names, files, and what each is made from.

Pure data, low in the package, so that what an edition says about the others
(the "other formats" statement of :mod:`clearleaf.colophon`) is imported
downward, and the build plans its work from what each edition declares. Each
edition's renderer is a module of :mod:`clearleaf.formats`; adding an edition
is one line here and that module (CONTRIBUTING.md).
"""

from __future__ import annotations

from dataclasses import dataclass

#: What an edition may be made from, besides other editions: the body's HTML
#: (one pandoc run, shared by the editions that need it) and pandoc's AST.
BODY = "body"
AST = "ast"


@dataclass(frozen=True)
class Edition:
    """One edition: its name, file suffix, what it is for and what it is made from.

    ``label`` is what readers call the edition ("large print"). An edition
    that is another file of a reader edition (``same_as``: the print-shop file
    and the booklet print the leaflet) is listed in the catalogue's index and
    feed but not offered in the "other formats" statement.
    """

    name: str
    suffix: str
    description: str
    #: The module of :mod:`clearleaf.formats` whose ``render`` makes it.
    module: str
    label: str | None = None
    #: The reader edition this one is a production file of (the print-shop
    #: PDF and the booklet print the leaflet), for the "other formats" statement.
    same_as: str | None = None
    #: Laid out in pages by WeasyPrint: slow to start and CPU-bound, so a build
    #: gives this work to its worker processes first.
    paged: bool = False
    #: What it is made from: :data:`BODY`, :data:`AST`, or other editions by
    #: name, which the build renders first and hands it.
    made_from: tuple[str, ...] = (BODY,)
    #: Whether, of the editions it is made from, it needs only where the
    #: leaflet's pages begin (:mod:`clearleaf.formats.pagination`), not their
    #: bytes: it may then render as soon as the leaflet is laid out, while the
    #: leaflet's PDF is still being written (:mod:`clearleaf.scheduler`).
    pages_only: bool = False
    #: A module of clearleaf with ``available() -> str | None``: the tool this
    #: edition needs that is installed apart from Python's packages, and what to
    #: install when it is missing (:func:`clearleaf.plan.resolve_formats`).
    needs: str | None = None
    #: Its media type (RFC 6838), for the catalogue's feed and index.
    media_type: str = "application/octet-stream"
    #: A short name of its file format, shown beside its link ("PDF").
    file_format: str = ""

    @property
    def requires(self) -> tuple[str, ...]:
        """The other editions this one is made from."""
        return tuple(name for name in self.made_from if name not in (BODY, AST))

    def output_name(self, stem: str) -> str:
        """The file name of this edition of the document named ``stem``."""
        return stem + self.suffix


EDITIONS: dict[str, Edition] = {
    edition.name: edition
    for edition in (
        Edition(
            "html",
            ".html",
            "Accessible web page (WCAG 2.2 AA), one self-contained file",
            "clearleaf.formats.html",
            "web page",
            media_type="text/html",
            file_format="HTML",
            # The printed leaflet's pages are marked in it (clearleaf/formats/pagination.py).
            made_from=(BODY, "pdf"),
            pages_only=True,
        ),
        Edition(
            "pdf",
            ".pdf",
            "A5 leaflet, tagged PDF/UA-1, RNIB Clear Print",
            "clearleaf.formats.pdf",
            "printed leaflet",
            media_type="application/pdf",
            file_format="PDF",
            paged=True,
        ),
        Edition(
            "large-print",
            "-large-print.pdf",
            "A4 large print, 18 pt body text, tagged PDF/UA-1",
            "clearleaf.formats.large_print",
            "large print",
            media_type="application/pdf",
            file_format="PDF",
            paged=True,
            # Its footer names the leaflet's page each of its pages begins in.
            made_from=(BODY, "pdf"),
            pages_only=True,
        ),
        Edition(
            "print",
            "-print.pdf",
            "A5 for the print shop: PDF/X-4, 3 mm bleed, crop marks, tagged",
            "clearleaf.formats.print_shop",
            "print-shop PDF",
            media_type="application/pdf",
            file_format="PDF",
            same_as="pdf",
            paged=True,
            # The leaflet's own pages, with bleed and marks: laid out once.
            made_from=("pdf",),
        ),
        Edition(
            "booklet",
            "-booklet.pdf",
            "A5 pages two-up on A4, saddle-stitch order, for office printers",
            "clearleaf.formats.booklet",
            "printable booklet",
            media_type="application/pdf",
            file_format="PDF",
            same_as="pdf",
            paged=True,
            made_from=("pdf",),
        ),
        Edition(
            "epub",
            ".epub",
            "EPUB 3 e-book with EPUB Accessibility 1.1 metadata",
            "clearleaf.formats.epub",
            "e-book",
            media_type="application/epub+zip",
            file_format="EPUB",
            made_from=(BODY, "pdf"),
            pages_only=True,
        ),
        Edition(
            "txt",
            ".txt",
            "Plain text, UTF-8, 72 columns",
            "clearleaf.formats.txt",
            "plain text",
            media_type="text/plain; charset=utf-8",
            file_format="TXT",
            made_from=(AST, "pdf"),
            pages_only=True,
        ),
        Edition(
            "docx",
            ".docx",
            "Word document: Clear Print styles, headings, text alternatives, the language set",
            "clearleaf.formats.docx",
            "Word document",
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            file_format="DOCX",
            made_from=(AST,),
        ),
        Edition(
            "braille",
            ".brf",
            "Braille (BRF): Unified English Braille grade 2, 40 cells by 25 lines, for "
            "embossers and braille displays",
            "clearleaf.formats.brf",
            "braille",
            media_type="application/x-brf",
            file_format="BRF",
            # Print page indicators where the printed leaflet's pages turn.
            made_from=(AST, "pdf"),
            pages_only=True,
            needs="clearleaf.louis",
        ),
        Edition(
            "pef",
            ".pef",
            "Braille as PEF 2008-1, the Portable Embosser Format: the BRF's cells with "
            "their page size and metadata",
            "clearleaf.formats.pef",
            "braille for embossers",
            media_type="application/x-pef+xml",
            file_format="PEF",
            same_as="braille",
            made_from=("braille",),
            needs="clearleaf.louis",
        ),
        Edition(
            "audio",
            ".mp3",
            "Audio read by a synthetic voice (espeak-ng), MP3 with a chapter per section",
            "clearleaf.formats.audio",
            "audio",
            media_type="audio/mpeg",
            file_format="MP3",
            # Read from the e-book's text, sentence by sentence.
            made_from=("epub",),
            needs="clearleaf.speech",
        ),
        Edition(
            "read-aloud",
            "-read-aloud.epub",
            "The e-book read aloud: EPUB 3 media overlays, each sentence highlighted as it is read",
            "clearleaf.formats.readaloud",
            "read-aloud e-book",
            media_type="application/epub+zip",
            file_format="EPUB",
            same_as="epub",
            made_from=("epub",),
            needs="clearleaf.speech",
        ),
    )
}


def readers_editions() -> list[Edition]:
    """The editions offered to readers (none is another file of one), in registry order."""
    return [edition for edition in EDITIONS.values() if edition.label and not edition.same_as]


def alternatives(stem: str, current: str) -> list[tuple[str, str]]:
    """The reader editions other than ``current``: (label, file name) pairs."""
    current = EDITIONS[current].same_as or current
    return [
        (str(edition.label), edition.output_name(stem))
        for edition in readers_editions()
        if edition.name != current
    ]
