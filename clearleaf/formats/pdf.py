"""The printed leaflet: A5, tagged PDF/UA-1, RNIB Clear Print, rendered by WeasyPrint.

WeasyPrint reads only what :class:`_Fetcher` allows: files in the document's
folder and in ``styles/``, and the project's fonts. Anything else (another
folder, the network) is refused and stops the build, so a source can never
make the PDF carry a file it should not. Each edition has
:data:`clearleaf.limits.PDF_SECONDS` to render, so that a pathological page
stops with an error instead of hanging CI.
"""

from __future__ import annotations

import base64
import logging
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.css.counters import CounterStyle
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from clearleaf import assets, fonts, limits, page
from clearleaf.document import Document
from clearleaf.errors import Diagnostic, input_error, warning
from clearleaf.formats import Inputs, Rendered, pagination, pdftags, tables
from clearleaf.formats.pagination import WORDS, Pagination

#: WeasyPrint's PDF/UA-1 variant: tags, /Lang, XMP with pdfuaid:part 1, DisplayDocTitle.
VARIANT = "pdf/ua-1"


#: Where WeasyPrint sees the document's folder and the styles. The addresses
#: do not depend on where the files are, because WeasyPrint names an image in
#: the PDF by a hash of its address: a checkout elsewhere gives the same bytes.
DOCUMENT_URL = "file:///clearleaf/document/"
STYLES_URL = "file:///clearleaf/styles/"


_DATA_URL = re.compile(r"^data:(?P<type>[a-z]+/[a-z0-9.+-]+);base64,(?P<data>[A-Za-z0-9+/=]+)$")


class _Fetcher(URLFetcher):  # type: ignore[misc]
    """Serve local files below the allowed folders; refuse everything else.

    ``roots`` maps each address prefix (:data:`DOCUMENT_URL`, :data:`STYLES_URL`)
    to the folder it stands for.
    """

    def __init__(self, roots: dict[str, Path], styles: Path) -> None:
        super().__init__()
        self.roots = {urlsplit(url).path: root.resolve() for url, root in roots.items()}
        self.font_root = (styles / "fonts").resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        inline = _DATA_URL.match(url)
        if inline is not None:
            # The page's own inline images (the project's logo): read nothing.
            return URLFetcherResponse(
                "data:", base64.b64decode(inline["data"]), {"Content-Type": inline["type"]}
            )
        path = self._path(url)
        if path is not None and path.parent == self.font_root:
            font = fonts.font_file(path.name)
            if font is not None:
                return self._file(url, font)
        # resolve() has followed any symbolic link, so a link inside the folder
        # to a file outside it is outside too. Only regular files: never a
        # device or a pipe, which could block the build.
        if (
            path is not None
            and any(path.is_relative_to(root) for root in self.roots.values())
            and path.is_file()
        ):
            return self._file(url, path)
        self.refused.append(_shown(url))
        raise ValueError(f"refused to fetch {url}: outside the document's folder")

    def _path(self, url: str) -> Path | None:
        """The file ``url`` stands for, if it is below one of the roots' addresses."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc:
            return None
        address = unquote(parts.path)
        for prefix, root in self.roots.items():
            if address.startswith(prefix):
                return (root / address.removeprefix(prefix)).resolve()
        return None

    @staticmethod
    def _file(url: str, path: Path) -> URLFetcherResponse:
        content_type = assets.media_type(path)
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _shown(url: str) -> str:
    """A refused address as the source wrote it: relative to the document's folder."""
    path = unquote(urlsplit(url).path)
    virtual = urlsplit(DOCUMENT_URL).path
    if url.startswith("file:///clearleaf/"):
        return posixpath.relpath(path, virtual)
    return url


class _Collect(logging.Handler):
    """WeasyPrint's log records while one edition renders, to turn into diagnostics."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass(frozen=True)
class PrintEdition:
    """A printed edition that WeasyPrint lays out: its stylesheets (after base.css)."""

    name: str
    stylesheets: tuple[str, ...]
    #: Whether a table too wide for the page may first be set smaller (the
    #: stylesheets' ``table-smaller``), before it is laid out as records.
    smaller_tables: bool = False
    #: Whether its running footer says in which page of the printed leaflet each
    #: of its own pages begins (large print, which has pages of its own).
    leaflet_pages: bool = False

    @property
    def title(self) -> str:
        """What messages call it: "leaflet", "large-print"."""
        return "leaflet" if self.name == "pdf" else self.name


#: The standard leaflet: A5, RNIB Clear Print.
LEAFLET = PrintEdition("pdf", ("leaflet.css",))


_OL_START = re.compile(r'<ol(?=[^>]*\sstart="(-?\d+)")')


def _numbered(markup: str) -> str:
    """``markup`` with each list's start number as CSS, which WeasyPrint reads.

    Browsers number ``<ol start="3">`` from 3 themselves; WeasyPrint only with
    its presentational hints, whose rules would then outrank every rule of the
    pipeline's stylesheet (they are the author's, the stylesheet the user's).
    """
    return _OL_START.sub(
        lambda match: (
            f'<ol style="counter-reset: list-item {int(match[1])}; counter-increment: list-item -1"'
        ),
        markup,
    )


def _overflow(document: Document, edition: PrintEdition, found: list[str]) -> Exception:
    """The error for text laid out beyond the page's text area, at the first one's line."""
    text = found[0]
    line, column = document.source.locate_text(text[:40])
    return input_error(
        document.path,
        "pdf.overflow",
        f"in the {edition.title} PDF, '{text[:40]}' runs beyond the edge of the page's text area "
        f"({len(found)} piece(s) of text in all), so readers would lose it; break the long "
        "word or line it is in, or make the table it is in narrower",
        line,
        column,
    )


def render(inputs: Inputs) -> Rendered:
    """Render the document as an A5 PDF/UA-1 leaflet."""
    return render_edition(inputs, LEAFLET)


def render_edition(inputs: Inputs, edition: PrintEdition) -> Rendered:
    """Render the document as the printed ``edition``, with what WeasyPrint found on the way."""
    document, context = inputs.document, inputs.context
    fetcher = _Fetcher({DOCUMENT_URL: document.folder, STYLES_URL: context.styles}, context.styles)
    # The project's branding follows base.css: the edition's own rules (the
    # print shop's CMYK colours) come after it.
    css = "\n".join(
        [
            context.style("base.css") + document.settings.branding.css,
            *(context.style(name) for name in edition.stylesheets),
        ]
    )
    # The running footer's words ("Page 1 of 2") in the page's language.
    leaflet_pages = edition.leaflet_pages and inputs.pagination is not None
    css = page.stylesheet(css, inputs.colophon.words, leaflet_pages)
    markup = _numbered(page.render(document, context, inputs.colophon, "", edition.name, "paper"))
    if leaflet_pages:
        assert inputs.pagination is not None
        # Where each leaflet page begins, for the footer (string-set, in large-print.css).
        (markup,), _, _ = pagination.mark_markup(
            [markup],
            inputs.pagination,
            lambda n: f'<span class="leaflet-page" data-page="{n}"></span>',
            at_blocks=True,
        )
    # WeasyPrint reads every font a stylesheet declares before laying out a
    # page; only those the page's characters need (its text and the
    # stylesheets' generated content) are declared.
    css = fonts.select(css, markup + css)
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    expired = limits.time_error(
        document.path,
        "limit.pdf-time",
        f"rendering the {edition.title} PDF",
        limits.PDF_SECONDS,
        "limits.PDF_SECONDS",
    )
    try:
        with (
            limits.deadline(limits.PDF_SECONDS, expired),
            pdftags.accessible_tags(),
            fonts.dated(context.build_time(document.meta.published)),
            fonts.machine_fonts_hidden(context.styles),
        ):
            # @font-face, @counter-style and @color-profile rules in a user
            # stylesheet need their registries shared between the stylesheet
            # and the rendering, or they are silently ignored.
            font_config = FontConfiguration()
            counter_style = CounterStyle()
            color_profiles: dict[str, Any] = {}
            stylesheet = weasyprint.CSS(
                string=css,
                base_url=STYLES_URL,
                url_fetcher=fetcher,
                font_config=font_config,
                counter_style=counter_style,
                color_profiles=color_profiles,
            )
            options = {"pdf_variant": VARIANT}

            def layout(markup: str) -> Any:
                return weasyprint.HTML(
                    string=markup,
                    base_url=DOCUMENT_URL,
                    url_fetcher=fetcher,
                ).render(
                    stylesheets=[stylesheet],
                    font_config=font_config,
                    counter_style=counter_style,
                    color_profiles=color_profiles,
                    **options,
                )

            laid_out = tables.fit(markup, layout, smaller=edition.smaller_tables)
            overflow = tables.outside(laid_out)
            if overflow:
                raise _overflow(document, edition, overflow)
            pages = pagination_of(laid_out)
            if inputs.paginated is not None:
                inputs.paginated(pages)
            pdf: bytes = laid_out.write_pdf(**options)
    finally:
        logger.removeHandler(collect)
    if fetcher.refused:
        raise input_error(
            document.path,
            "pdf.resource-refused",
            f"'{fetcher.refused[0]}' is outside the document's folder; "
            "keep images next to the source file",
        )
    found = list(_diagnostics(document, edition, collect.records))
    rights = document.meta.rights
    data = pdftags.repair(pdf, {"dc:rights": rights} if rights else None)
    return Rendered(data, tuple(found), pages)


def pagination_of(laid_out: Any) -> Pagination:
    """Where each page of a laid-out WeasyPrint document begins: its first words, from
    the main flow (the running footer and list markers aside)."""
    starts = []
    for page_ in laid_out.pages:
        words: list[str] = []
        joined = False
        for box in tables.walk(page_._page_box):
            # Generated text (a list's bullet or number, ::before) is not the document's.
            if isinstance(box, boxes.TextBox) and "::" not in (box.element_tag or ""):
                line = box.text.split()
                if words and line and words[-1].endswith(("-", "\u2010")) and joined:
                    # A word hyphenated at the end of the line before: one word.
                    words[-1] += line.pop(0)
                words.extend(line)
                joined = bool(line) and line[-1].endswith(("-", "\u2010"))
                if len(words) > WORDS:
                    break
        starts.append(tuple(words[:WORDS]))
    return Pagination(tuple(starts))


def _diagnostics(
    document: Document, edition: PrintEdition, records: list[logging.LogRecord]
) -> Iterator[Diagnostic]:
    """What WeasyPrint logged while laying out ``edition``, as the build's diagnostics.

    An unreadable image or other resource stops the edition (WeasyPrint logs
    them as errors); anything else it warned of is a ``pdf.warning``.
    """
    unprinted: dict[str, None] = {}
    for record in records:
        if str(record.msg).startswith('Image "%s" has no required alt'):
            # Decorative images have alt=""; a missing alt is a11y.img-alt's to report.
            continue
        if str(record.msg).startswith(".notdef glyph rendered") and record.args:
            # An empty box on paper, logged once per glyph drawn: collected once a character.
            unprinted.setdefault(str(record.args[0]))  # type: ignore[index]
            continue
        message = record.getMessage().splitlines()[0]
        if record.levelno >= logging.ERROR:
            raise input_error(document.path, "pdf.resource", message)
        yield warning(
            document.path, "pdf.warning", f"in the {edition.title} PDF, WeasyPrint: {message}"
        )
    for char in unprinted:
        # The check pdf.missing-glyph has reported, with its line, each character
        # of the source that no font of the project has; this is what it could
        # not foresee: a character the pipeline added, or one a font lists but
        # the layout still could not draw.
        line, column = document.source.locate_text(char)
        if not line or fonts.printable(char):
            yield warning(
                document.path,
                "pdf.missing-glyph",
                f'"{char}" (U+{ord(char):04X}) was printed as an empty box in the '
                f"{edition.title} PDF; write it in words or leave it out",
                line,
                column,
            )
