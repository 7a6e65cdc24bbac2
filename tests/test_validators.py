"""Every output of every document, proved accessible by the validators the field trusts.

Each document in source/, the constructs fixture, the small documents in
fixtures/validators/ (one in Welsh, one with a decorative image; any document
added there is picked up) and the corpus of real public documents in real/
(web pages, translated guides, pandoc's test suite and manual) is built once,
in every format, and each
output goes through EPUBCheck, the Nu Html Checker, axe-core in Chromium, Ace
by DAISY, pdfua and the project's own PDF/UA and contrast checks. Tests are
parametrized by document and validator, so a failure names both. Each
validator is also shown failing on a deliberately broken copy of a good
output: a check that cannot fail proves nothing.

A missing validator fails the test with instructions, never skips it.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import contrast
import lxml.html
import pdfua_checks
import pikepdf
import pytest
import readback
import validators
from conftest import ALL_SUFFIXES, CONSTRUCTS_SOURCE, FIXTURES, PRINTED_SUFFIXES, ROOT
from validators import Browser, Findings

from clearleaf.build import build
from clearleaf.context import Context
from clearleaf.document import load
from clearleaf.errors import Diagnostic, Severity
from clearleaf.plan import discover, resolve_formats

# Every test here runs a validator of the field in its own process: `make test`
# runs them, `make test-fast` (the inner loop) leaves them out.
pytestmark = pytest.mark.validators

REAL = Path(__file__).resolve().parent / "real"

#: Every source the project publishes, then the fixtures that exercise the
#: rest: every construct, another language, a decorative image, a conformance
#: claim; then real documents nobody here wrote (tests/real/SOURCES.txt).
DOCUMENTS = [
    *discover([ROOT / "source"], ROOT / "source"),
    *discover([CONSTRUCTS_SOURCE, FIXTURES / "validators"], FIXTURES),
    *discover([REAL], REAL),
]
IDS = [path.stem for path in DOCUMENTS]
WIDTHS = (1280, validators.REFLOW_WIDTH)
SCHEMES: tuple[validators.ColorScheme, ...] = ("light", "dark")


@dataclass
class Outputs:
    """The documents built once for the session, and the Nu checker's batched verdicts."""

    folder: Path
    #: What the build said about each source that wrote nothing.
    failures: dict[Path, list[str]]
    #: What the build said about each source: errors, warnings and notes.
    said: dict[Path, list[Diagnostic]]

    def path(self, source: Path, suffix: str) -> Path:
        """The output of ``source`` with ``suffix``; fails the test if it was not built."""
        target = self.folder / f"{source.stem}{suffix}"
        assert target.is_file(), f"{source.name} did not build: {self.failures.get(source)}"
        return target

    def sources_with(self, suffix: str) -> list[Path]:
        """The sources whose output with ``suffix`` exists."""
        return [
            source for source in DOCUMENTS if (self.folder / f"{source.stem}{suffix}").is_file()
        ]

    # The batch runs on the first test that needs it, inside that test, so that
    # a missing tool fails a test rather than erroring a fixture. One JVM start
    # for every file saves seconds per file.
    @functools.cached_property
    def nu(self) -> dict[Path, Findings]:
        """The Nu checker on every web page and every XHTML document of every EPUB."""
        files = [self.folder / f"{source.stem}.html" for source in self.sources_with(".html")]
        for source in self.sources_with(".epub"):
            folder = self.folder / f"{source.stem}.epub.d"
            files.extend(validators.epub_documents(self.path(source, ".epub"), folder).values())
        return validators.vnu(files)


@pytest.fixture(scope="session")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    """Every document built once, in every format, into one folder."""
    assert len(set(IDS)) == len(IDS), f"two documents share a file name: {IDS}"
    folder = tmp_path_factory.mktemp("validated")
    # An explicit context: the outputs must not depend on the caller's SOURCE_DATE_EPOCH.
    report = build(
        DOCUMENTS,
        resolve_formats([]),
        folder,
        Context(source_date_epoch=None),
        jobs=os.cpu_count() or 1,
    )
    said = {
        source: [d for d in report.diagnostics if d.location.path == source] for source in DOCUMENTS
    }
    failures = {source: [str(d) for d in said[source]] for source in report.failed}
    return Outputs(folder, failures, said)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session, started by the first test that uses it."""
    shared = Browser()
    yield shared
    shared.close()


def _assert_clean(findings: Findings, what: str) -> None:
    """Fail on any problem; show the notes either way (``pytest -rP`` prints them on a pass)."""
    if findings.notes:
        print(findings.explain(what))
    assert not findings.problems, findings.explain(what)


# -- real documents --------------------------------------------------------------

REAL_DOCUMENTS = discover([REAL], REAL)


def test_the_real_documents_are_there() -> None:
    """The corpus the issue asks for: web pages, right-to-left and Indic scripts, a manual."""
    names = {path.stem for path in REAL_DOCUMENTS}
    assert len(names) >= 10
    assert {"nextstrain-sitrep-2020-05-15-ar", "nextstrain-sitrep-2020-05-15-hi"} <= names
    assert {"pandoc-testsuite", "pandoc-manual"} <= names
    listed = (REAL / "SOURCES.txt").read_text(encoding="utf-8")
    assert all(f"`{path.name}`" in listed for path in REAL_DOCUMENTS), "origin and licence"


@pytest.mark.parametrize("source", REAL_DOCUMENTS, ids=[path.stem for path in REAL_DOCUMENTS])
def test_real_document_builds_every_edition_without_error(outputs: Outputs, source: Path) -> None:
    """A real document, with only the required front matter added, builds with no error."""
    errors = [str(d) for d in outputs.said[source] if d.severity is Severity.ERROR]
    assert errors == []
    assert source not in outputs.failures
    for suffix in ALL_SUFFIXES:
        outputs.path(source, suffix)


@pytest.mark.parametrize("source", REAL_DOCUMENTS, ids=[path.stem for path in REAL_DOCUMENTS])
def test_real_document_in_braille_keeps_the_page_and_reads_back(
    outputs: Outputs, source: Path
) -> None:
    """Every page of every real document's braille keeps the BRF's geometry and bytes; an
    English one (whose characters UEB all has) reads back through liblouis at 98% or more.
    Other codes: liblouis' back-translation is not reliable enough to judge them by
    (README, "Braille"); tests/test_braille.py judges Welsh word by word."""
    from braille_read import back_translate, plain_words, recovered, text_lines, words
    from test_braille import check_geometry

    from clearleaf import braille

    data = outputs.path(source, ".brf").read_bytes()
    check_geometry(data)
    code = braille.code_for(load(source).meta.lang)
    assert code is not None
    undefined = [d for d in outputs.said[source] if d.code == "braille.undefined"]
    if code.table == "en-ueb-g2.ctb" and not undefined:
        read = words(" ".join(back_translate(text_lines(data), code.table, code.uncontracted)))
        assert recovered(plain_words(outputs.path(source, ".txt")), read) >= 0.98


@pytest.mark.parametrize("source", REAL_DOCUMENTS, ids=[path.stem for path in REAL_DOCUMENTS])
def test_real_document_is_heard_whole(outputs: Outputs, source: Path) -> None:
    """Every real document's audio opens with its title and has its chapters, and its
    read-aloud e-book's overlays cover its text and its MP3 with no gap."""
    import zipfile

    from mutagen.id3 import ID3
    from test_audio import overlay_problems

    meta = load(source).meta
    tags = ID3(outputs.path(source, ".mp3"))
    transcript = str(tags.getall("USLT")[0])
    assert transcript.startswith(meta.title)
    assert tags.getall("CTOC") and tags.getall("CHAP")
    with zipfile.ZipFile(outputs.path(source, "-read-aloud.epub")) as book:
        files = {name: book.read(name) for name in book.namelist()}
    assert overlay_problems(files) == []


@pytest.mark.parametrize("source", REAL_DOCUMENTS, ids=[path.stem for path in REAL_DOCUMENTS])
def test_real_document_reads_back_whole(outputs: Outputs, source: Path) -> None:
    """Every word, list number and piece of code of a real document is in each of its
    editions, and no printed glyph lies outside the page's text area (tests/readback.py)."""
    editions = {suffix: outputs.path(source, suffix) for suffix in ALL_SUFFIXES}
    found = readback.all_problems(load(source), editions)
    assert not found, "\n  ".join(found)


# -- contrast ------------------------------------------------------------------


def test_contrast_of_every_colour_scheme() -> None:
    """Text 4.5:1 and non-text 3:1 against every background, in every scheme the styles define."""
    schemes = contrast.schemes(contrast.read_styles())
    names = [scheme.name for scheme in schemes]
    assert any("prefers-color-scheme: dark" in name for name in names), names
    found = contrast.problems()
    assert not found, "\n".join(found)


# -- PDF -----------------------------------------------------------------------
#
# Every printed edition must pass the PDF/UA checks (issue: print editions).


@pytest.mark.parametrize("edition", PRINTED_SUFFIXES)
@pytest.mark.parametrize("source", DOCUMENTS, ids=IDS)
def test_pdfua(outputs: Outputs, source: Path, edition: str) -> None:
    """The PyPI pdfua checker finds no error or warning."""
    path = outputs.path(source, edition)
    _assert_clean(validators.pdfua(path), f"pdfua on {path.name}")


@pytest.mark.parametrize("edition", PRINTED_SUFFIXES)
@pytest.mark.parametrize("source", DOCUMENTS, ids=IDS)
def test_pdf_matterhorn_checks(outputs: Outputs, source: Path, edition: str) -> None:
    """The project's own PDF/UA-1 checks find nothing."""
    path = outputs.path(source, edition)
    found = pdfua_checks.problems(path)
    assert not found, f"{path.name}:\n  " + "\n  ".join(found)


# The booklet is left out on purpose: its sheets print pages out of order so
# that they read in order once folded; its structure tree keeps the logical
# order, which test_pdf_matterhorn_checks checks.
@pytest.mark.parametrize("edition", [".pdf", "-large-print.pdf", "-print.pdf"])
@pytest.mark.parametrize("source", DOCUMENTS, ids=IDS)
def test_pdf_reading_order(outputs: Outputs, source: Path, edition: str) -> None:
    """The PDF's text has the web page's headings and paragraph openings, in the same order."""
    html = outputs.path(source, ".html")
    assert pdfua_checks.html_sequence(html), "the web page has no headings or paragraphs"
    path = outputs.path(source, edition)
    found = pdfua_checks.reading_order(path, html)
    assert not found, f"{path.name}:\n  " + "\n  ".join(found)


# -- web page: axe-core, reflow and text spacing in Chromium ---------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS, ids=[f"{width}px" for width in WIDTHS])
@pytest.mark.parametrize("source", DOCUMENTS, ids=IDS)
def test_axe(
    outputs: Outputs, browser: Browser, source: Path, width: int, scheme: validators.ColorScheme
) -> None:
    """axe-core finds no violation; at 320 px nothing scrolls sideways (SC 1.4.10)."""
    url = outputs.path(source, ".html").as_uri()
    findings = browser.axe(url, width, scheme)
    _assert_clean(findings, f"axe-core on {source.stem}.html at {width} px, {scheme}")


@pytest.mark.parametrize("source", DOCUMENTS, ids=IDS)
def test_text_spacing(outputs: Outputs, browser: Browser, source: Path) -> None:
    """With the SC 1.4.12 spacing overrides at 320 px, nothing scrolls sideways or is clipped."""
    findings = browser.text_spacing(outputs.path(source, ".html").as_uri())
    _assert_clean(findings, f"text spacing on {source.stem}.html")


# -- Nu Html Checker -----------------------------------------------------------


@pytest.mark.parametrize("source", DOCUMENTS, ids=IDS)
def test_nu_checker_web_page(outputs: Outputs, source: Path) -> None:
    """The web page has no Nu Html Checker error or warning."""
    page = outputs.path(source, ".html")
    _assert_clean(outputs.nu[page], f"Nu Html Checker on {page.name}")


@pytest.mark.parametrize("source", DOCUMENTS, ids=IDS)
def test_nu_checker_epub_documents(outputs: Outputs, source: Path) -> None:
    """Every XHTML document inside the EPUB has no Nu Html Checker error or warning."""
    outputs.path(source, ".epub")
    folder = outputs.folder / f"{source.stem}.epub.d"
    documents = {path: findings for path, findings in outputs.nu.items() if folder in path.parents}
    assert len(documents) >= 2, f"expected a nav and a content document, got {list(documents)}"
    problems = Findings()
    for path, findings in documents.items():
        problems.problems += findings.problems
        problems.notes += findings.notes
        assert path.suffix == ".xhtml", path  # the Nu checker parses .xhtml as XML
    _assert_clean(problems, f"Nu Html Checker on the XHTML of {source.stem}.epub")


# -- EPUB: EPUBCheck and Ace ---------------------------------------------------


@pytest.mark.parametrize("source", DOCUMENTS, ids=IDS)
def test_epubcheck(outputs: Outputs, source: Path) -> None:
    """EPUBCheck reports no fatal error, error or warning."""
    epub = outputs.path(source, ".epub")
    _assert_clean(validators.epubcheck(epub), f"EPUBCheck on {epub.name}")


@pytest.mark.parametrize("source", DOCUMENTS, ids=IDS)
def test_ace(outputs: Outputs, source: Path) -> None:
    """Ace by DAISY reports no violation."""
    epub = outputs.path(source, ".epub")
    _assert_clean(validators.ace(epub), f"Ace by DAISY on {epub.name}")


# -- each validator shown failing ------------------------------------------------
#
# The broken copies start from the constructs fixture, which has an image, a
# table, links and every heading level the leaflet uses.


def _break_text(path: Path, target: Path, pattern: str, replacement: str) -> Path:
    """A copy of ``path`` at ``target`` with the first match of ``pattern`` replaced."""
    text = path.read_text(encoding="utf-8")
    broken, count = re.subn(pattern, replacement, text, count=1, flags=re.DOTALL)
    assert count == 1, f"cannot break the copy: {pattern!r} not in {path.name}"
    target.write_text(broken, encoding="utf-8")
    return target


def _break_epub(path: Path, target: Path, member: str, *edits: tuple[bytes, bytes]) -> Path:
    """A copy of the EPUB ``path`` whose ``member`` has each (pattern, replacement) applied."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        names = source.namelist()
        assert member in names, f"{member} not in {path.name}: {names}"
        for name in names:
            data = source.read(name)
            for pattern, replacement in edits if name == member else ():
                data, count = re.subn(pattern, replacement, data, flags=re.DOTALL)
                assert count, f"cannot break the copy: {pattern!r} not in {member}"
            # OCF: mimetype first and stored; the rest deflated.
            stored = name == "mimetype"
            copy.writestr(name, data, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return target


def _rule_ids(findings: Findings) -> str:
    return "\n".join(findings.problems)


@pytest.mark.parametrize(
    ("rule", "pattern", "replacement"),
    [
        ("image-alt", r' alt="[^"]+"', ""),
        ("html-has-lang", r'<html lang="[^"]+"', "<html"),
        # After the contents' "Go to printed page" (h3), an h5 skips a level.
        ("heading-order", r"<h2( id=\"lists\")>(.*?)</h2>", r"<h5\1>\2</h5>"),
    ],
)
def test_axe_fails_on_broken_page(
    outputs: Outputs,
    browser: Browser,
    tmp_path: Path,
    rule: str,
    pattern: str,
    replacement: str,
) -> None:
    """axe-core names the rule a broken copy of a good page breaks."""
    broken = _break_text(
        outputs.path(CONSTRUCTS_SOURCE, ".html"), tmp_path / "broken.html", pattern, replacement
    )
    findings = browser.axe(broken.as_uri(), 1280, "light")
    assert any(problem.startswith(f"{rule} ") for problem in findings.problems), _rule_ids(findings)


def test_reflow_fails_on_wide_content(outputs: Outputs, browser: Browser, tmp_path: Path) -> None:
    """At 320 px, a page with a fixed 600 px wide block is reported as scrolling sideways."""
    broken = _break_text(
        outputs.path(CONSTRUCTS_SOURCE, ".html"),
        tmp_path / "wide.html",
        r"<main([^>]*)>",
        r'<main\1><div style="width: 600px">A fixed-width block.</div>',
    )
    findings = browser.axe(broken.as_uri(), validators.REFLOW_WIDTH, "light")
    assert any(problem.startswith("reflow:") for problem in findings.problems), _rule_ids(findings)


def test_text_spacing_fails_on_clipped_text(
    outputs: Outputs, browser: Browser, tmp_path: Path
) -> None:
    """A box of fixed height that hides its overflow clips text once spacing grows."""
    broken = _break_text(
        outputs.path(CONSTRUCTS_SOURCE, ".html"),
        tmp_path / "clipped.html",
        r"<main([^>]*)>",
        r'<main\1><div style="height: 1.6em; overflow: hidden">Call the help line at any time '
        r"of the day or night; someone is always there to listen.</div>",
    )
    findings = browser.text_spacing(broken.as_uri())
    assert any("text clipped" in problem for problem in findings.problems), _rule_ids(findings)


#: HTML lets an img without alt stand in a figure with a caption, so the broken
#: copies for the Nu checker lose the caption as well as the alt text.
_NO_ALT = ((r' alt="[^"]+"', ""), (r"<figcaption.*?</figcaption>", ""))


def test_nu_checker_fails_on_missing_alt(outputs: Outputs, tmp_path: Path) -> None:
    """The Nu checker reports an img without alt, in a web page and in EPUB XHTML."""
    page = outputs.path(CONSTRUCTS_SOURCE, ".html")
    for number, (pattern, replacement) in enumerate(_NO_ALT):
        page = _break_text(page, tmp_path / f"no-alt-{number}.html", pattern, replacement)
    epub = _break_epub(
        outputs.path(CONSTRUCTS_SOURCE, ".epub"),
        tmp_path / "no-alt.epub",
        "EPUB/content.xhtml",
        *((pattern.encode(), replacement.encode()) for pattern, replacement in _NO_ALT),
    )
    documents = validators.epub_documents(epub, tmp_path / "no-alt.epub.d")
    found = validators.vnu([page, *documents.values()])
    for path in (page, documents["EPUB/content.xhtml"]):
        assert any("must have an “alt” attribute" in problem for problem in found[path].problems), (
            _rule_ids(found[path])
        )
    # The nav document keeps its epub:type attributes in the EPUB and loses them
    # only in the copy: it must be clean, or the stripping hid nothing.
    assert not found[documents["EPUB/nav.xhtml"]].problems


def test_epubcheck_fails_without_dc_language(outputs: Outputs, tmp_path: Path) -> None:
    """EPUBCheck reports a package document without dc:language as an error."""
    broken = _break_epub(
        outputs.path(CONSTRUCTS_SOURCE, ".epub"),
        tmp_path / "no-language.epub",
        "EPUB/content.opf",
        (rb"<dc:language>[^<]*</dc:language>", b""),
    )
    findings = validators.epubcheck(broken)
    assert any(
        problem.startswith("ERROR") and "dc:language" in problem for problem in findings.problems
    ), _rule_ids(findings)


def test_epubcheck_in_one_process_judges_each_file_apart(outputs: Outputs, tmp_path: Path) -> None:
    """The batched EPUBCheck (one Java process) gives each file its own verdict: a navPoint id
    that is not an XML ID, as a heading id with a colon would make, fails only its e-book."""
    good = outputs.path(CONSTRUCTS_SOURCE, ".epub")
    broken = _break_epub(
        good,
        tmp_path / "colon-id.epub",
        "EPUB/toc.ncx",
        (rb'navPoint id="[^"]*"', b'navPoint id="sec:one"'),
    )
    found = validators.epubcheck_many([good, broken, good])
    assert not found[good].problems, found[good].explain("EPUBCheck")
    assert any(
        "RSC-005" in problem and "XML name without colons" in problem
        for problem in found[broken].problems
    ), _rule_ids(found[broken])


def test_ace_fails_without_xhtml_lang(outputs: Outputs, tmp_path: Path) -> None:
    """Ace reports a content document whose root has neither lang nor xml:lang."""
    broken = _break_epub(
        outputs.path(CONSTRUCTS_SOURCE, ".epub"),
        tmp_path / "no-lang.epub",
        "EPUB/content.xhtml",
        (rb' (?:xml:)?lang="[^"]*"(?=[^<]*>\s*<head)', b""),
    )
    findings = validators.ace(broken, tmp_path / "ace")
    assert any("html-has-lang" in problem for problem in findings.problems), _rule_ids(findings)


def _without_lang(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.Lang


def _without_display_doc_title(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.ViewerPreferences.DisplayDocTitle


def _not_marked(pdf: pikepdf.Pdf) -> None:
    pdf.Root.MarkInfo.Marked = False


def _without_pdfua_part(pdf: pikepdf.Pdf) -> None:
    stream = pdf.Root.Metadata
    stream.write(stream.read_bytes().replace(b'pdfuaid:part="1"', b""))


def _struct_elements(pdf: pikepdf.Pdf, kind: str) -> list[pikepdf.Dictionary]:
    found = []
    pending = [pdf.Root.StructTreeRoot]
    while pending:
        node = pending.pop(0)
        kids = node.get("/K")
        for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                if str(kid.S) == kind:
                    found.append(kid)
                pending.append(kid)
    assert found, f"no {kind} structure element to break"
    return found


def _figure_without_alt(pdf: pikepdf.Pdf) -> None:
    del _struct_elements(pdf, "/Figure")[0].Alt


def _heading_skipped(pdf: pikepdf.Pdf) -> None:
    _struct_elements(pdf, "/H2")[0].S = pikepdf.Name.H4


def _lbody_renamed(pdf: pikepdf.Pdf) -> None:
    _struct_elements(pdf, "/LBody")[0].S = pikepdf.Name.Div


def _td_renamed(pdf: pikepdf.Pdf) -> None:
    _struct_elements(pdf, "/TD")[0].S = pikepdf.Name.P


def _links(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    return [a for page in pdf.pages for a in page.obj.get("/Annots", []) if a.Subtype == "/Link"]


def _link_without_contents(pdf: pikepdf.Pdf) -> None:
    del _links(pdf)[0].Contents


def _link_untagged(pdf: pikepdf.Pdf) -> None:
    del _links(pdf)[0].StructParent


def _page_without_tabs(pdf: pikepdf.Pdf) -> None:
    del next(page for page in pdf.pages if "/Annots" in page.obj).obj.Tabs


def _fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    return list(pdf.pages[0].Resources.Font.values())


def _font_not_embedded(pdf: pikepdf.Pdf) -> None:
    descriptor = _fonts(pdf)[0].DescendantFonts[0].FontDescriptor
    for key in pdfua_checks.FONT_FILES:
        if key in descriptor:
            del descriptor[key]


def _font_without_to_unicode(pdf: pikepdf.Pdf) -> None:
    del _fonts(pdf)[0].ToUnicode


def _text_untagged(pdf: pikepdf.Pdf) -> None:
    # Drop every tagged marked-content sequence (BDC with /MCID) on page 1, keep the rest.
    page = pdf.pages[0]
    kept: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    dropped: list[bool] = []
    for instruction in pikepdf.parse_content_stream(page):
        operands, operator = instruction.operands, str(instruction.operator)
        if operator in ("BDC", "BMC"):
            tagged = len(operands) > 1 and "/MCID" in operands[1]
            dropped.append(tagged)
            if tagged:
                continue
        elif operator == "EMC" and dropped and dropped.pop():
            continue
        kept.append(instruction)
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))


PDF_BREAKAGES: dict[str, tuple[Callable[[pikepdf.Pdf], None], str]] = {
    "lang": (_without_lang, "/Lang"),
    "display-doc-title": (_without_display_doc_title, "DisplayDocTitle"),
    "marked": (_not_marked, "/Marked"),
    "pdfuaid": (_without_pdfua_part, "pdfuaid:part"),
    "figure-alt": (_figure_without_alt, "has no /Alt"),
    "heading-skip": (_heading_skipped, "heading levels must not skip"),
    "list-item": (_lbody_renamed, "structure: LI"),
    "table-row": (_td_renamed, "structure: TR"),
    "link-contents": (_link_without_contents, "/Contents"),
    "link-tagged": (_link_untagged, "not in the structure tree"),
    "tabs": (_page_without_tabs, "/Tabs"),
    "font-embedded": (_font_not_embedded, "not embedded"),
    "to-unicode": (_font_without_to_unicode, "/ToUnicode"),
    "untagged-text": (_text_untagged, "text-showing operator(s)"),
}


@pytest.mark.parametrize("breakage", list(PDF_BREAKAGES))
def test_pdf_checks_fail_on_broken_pdf(outputs: Outputs, tmp_path: Path, breakage: str) -> None:
    """Each of the project's PDF checks reports a copy of a good PDF with its property broken."""
    good = outputs.path(CONSTRUCTS_SOURCE, ".pdf")
    change, expected = PDF_BREAKAGES[breakage]
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(good) as pdf:
        change(pdf)
        pdf.save(broken)
    # Only what the breakage adds counts: the good PDF may have problems of its own.
    new = sorted(set(pdfua_checks.problems(broken)) - set(pdfua_checks.problems(good)))
    assert any(expected in problem for problem in new), new


def test_pdfua_fails_without_lang(outputs: Outputs, tmp_path: Path) -> None:
    """pdfua reports a PDF whose catalog has no /Lang (rule UA-06-001)."""
    broken = tmp_path / "no-lang.pdf"
    with pikepdf.open(outputs.path(CONSTRUCTS_SOURCE, ".pdf")) as pdf:
        _without_lang(pdf)
        pdf.save(broken)
    findings = validators.pdfua(broken)
    assert any(problem.startswith("UA-06-001") for problem in findings.problems), _rule_ids(
        findings
    )


def _weasyprint_pdf(markup: str, target: Path) -> Path:
    """A PDF/UA-1 file made by WeasyPrint (the pipeline's renderer) from hand-written HTML."""
    import weasyprint

    weasyprint.HTML(string=markup).write_pdf(target, pdf_variant="pdf/ua-1")
    return target


def test_pdf_checks_fail_on_skipped_heading_level(tmp_path: Path) -> None:
    """An h1 followed by an h3, as WeasyPrint tags it, is reported as a skipped level."""
    pdf = _weasyprint_pdf(
        '<html lang="en"><head><title>Skipped</title></head><body>'
        "<h1>Title</h1><h3>Too deep</h3><p>Text.</p></body></html>",
        tmp_path / "skipped.pdf",
    )
    found = pdfua_checks.problems(pdf)
    assert any("H3" in problem and "follows H1" in problem for problem in found), found


def test_pdf_checks_fail_on_page_numbers_tagged_as_content(tmp_path: Path) -> None:
    """Page numbers WeasyPrint tags as content, not as artifacts, are reported.

    WeasyPrint 70 tags the text of page-margin boxes as content; if a later
    release marks it as an artifact, this fixture stops failing and needs another
    way to produce the defect.
    """
    pdf = _weasyprint_pdf(
        '<html lang="en"><head><title>Footer</title><style>'
        '@page { size: A6; @bottom-center { content: "Page " counter(page) } }'
        "p { break-after: page }</style></head><body><h1>Title</h1>"
        "<p>One.</p><p>Two.</p><p>Three.</p></body></html>",
        tmp_path / "footer.pdf",
    )
    found = pdfua_checks.page_furniture(pdf)
    assert any("'Page #'" in problem for problem in found), found


def test_reading_order_fails_when_the_structure_is_out_of_order(
    outputs: Outputs, tmp_path: Path
) -> None:
    """A PDF whose structure tree reads its sections last first fails the check."""
    broken = tmp_path / "reordered.pdf"
    with pikepdf.open(outputs.path(CONSTRUCTS_SOURCE, ".pdf")) as pdf:
        top = pdf.Root.StructTreeRoot.K
        document = top if isinstance(top, pikepdf.Dictionary) else top[0]
        part = next(kid for kid in document.K if kid.get("/S") == pikepdf.Name.Part)
        part.K = pikepdf.Array(list(reversed(list(part.K))))
        pdf.save(broken)
    found = pdfua_checks.reading_order(broken, outputs.path(CONSTRUCTS_SOURCE, ".html"))
    assert any("out of order" in problem for problem in found), found


def test_reading_order_fails_when_order_differs(outputs: Outputs, tmp_path: Path) -> None:
    """A web page whose last section comes first does not match the PDF's reading order."""
    html = outputs.path(CONSTRUCTS_SOURCE, ".html")
    tree = lxml.html.parse(str(html))
    main = tree.find(".//main")
    assert main is not None
    last = main.findall("h2")[-1]
    main.insert(0, last)
    moved = tmp_path / "moved.html"
    tree.write(str(moved), method="html", encoding="utf-8")
    found = pdfua_checks.reading_order(outputs.path(CONSTRUCTS_SOURCE, ".pdf"), moved)
    heading = " ".join(last.text_content().split())
    assert any("out of order" in problem and heading in problem for problem in found), found


@pytest.mark.parametrize(
    ("sheet", "pattern", "replacement", "expected"),
    [
        ("base.css", r"--muted: #[0-9a-f]+", "--muted: #8a8a8a", "light: --muted"),
        ("base.css", r"--focus: #[0-9a-f]+", "--focus: #d9d9d9", "light: --focus"),
        ("screen.css", r"--link: #[0-9a-f]+", "--link: #404060", "dark) in screen.css: --link"),
        ("leaflet.css", r"color: #1a1a1a", "color: #aaaaaa", "leaflet.css"),
        ("base.css", r"--rule: ", "--shade: #777777;\n  --rule: ", "--shade is not classified"),
    ],
    ids=["text", "non-text", "dark-scheme", "leaflet-literal", "unclassified"],
)
def test_contrast_fails_on_low_contrast(
    sheet: str, pattern: str, replacement: str, expected: str
) -> None:
    """The contrast check names the colour a modified stylesheet makes too faint."""
    styles = contrast.read_styles()
    if sheet == "screen.css":
        # The dark scheme's --link, not the light one: it is the one inside @media.
        dark = styles[sheet].index("prefers-color-scheme: dark")
        head, tail = styles[sheet][:dark], styles[sheet][dark:]
        styles[sheet] = head + re.sub(pattern, replacement, tail, count=1)
    else:
        styles[sheet], count = re.subn(pattern, replacement, styles[sheet], count=1)
        assert count == 1, f"cannot break {sheet}: {pattern!r} not found"
    found = contrast.problems(styles)
    assert any(expected in problem for problem in found), found


def test_missing_validators_fail_with_install_instructions(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A validator that is not installed fails the test and says how to install it."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "chromium"))
    monkeypatch.setattr(validators, "NODE_MODULES", tmp_path / "node_modules")
    for call, hint in (
        (validators.java, "default-jre-headless"),
        (validators.node, "nodejs"),
        (validators.pdftotext, "poppler-utils"),
        (validators.chromium, "apt-get install chromium"),
        (lambda: validators.vnu([tmp_path / "page.html"]), "npm ci"),
        (lambda: validators.ace(tmp_path / "book.epub"), "npm ci"),
        (lambda: Browser().axe("about:blank", 320, "light"), "apt-get install chromium"),
    ):
        with pytest.raises(validators.ToolMissing, match=re.escape(hint)):
            call()
    assert issubclass(validators.ToolMissing, AssertionError)  # a failure, not an error or skip


def test_chromium_wrapper_is_committed_executable() -> None:
    """Ace launches Chromium through the wrapper, which must be an executable file."""
    assert validators.CHROMIUM_WRAPPER.is_file()
    assert shutil.which(str(validators.CHROMIUM_WRAPPER)), "tests/tools/chromium-headless: chmod +x"
