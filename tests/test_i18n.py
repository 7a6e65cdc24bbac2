"""The pipeline's own words in the document's language (clearleaf/i18n.py).

A Welsh and an Arabic leaflet (``fixtures/validators/i18n-*.md``, which the
validators' tests also build) are built in every edition, and each edition is
read back as a reader gets it: none of the English words of the catalogue is
left, dates are the locale's, nothing of the page is marked English, and the
editor's sentences are in the document's language. A French document, which
has no catalogue, gets the English words marked as English and a warning.
Every catalogue is checked against the English one, and that check is shown
failing on a broken catalogue.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import pickle
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from babel.messages.pofile import read_po
from braille_read import back_translate, text_lines
from conftest import FIXTURES
from fontTools.ttLib import TTFont
from helpers import front_matter, pdf_pages_text, xpath_elements, xpath_strings
from lxml import etree

from clearleaf import braille, colophon, i18n, page
from clearleaf import build as builder
from clearleaf.a11y import CHECKS, run_checks
from clearleaf.context import Context
from clearleaf.document import load
from clearleaf.editions import EDITIONS, readers_editions
from clearleaf.errors import Severity
from clearleaf.plan import resolve_formats

WELSH = FIXTURES / "validators" / "i18n-cy.md"
ARABIC = FIXTURES / "validators" / "i18n-ar.md"
SOURCES = {"cy": WELSH, "ar": ARABIC}
#: The languages the issue asks a catalogue for.
REQUIRED = {"en", "cy", "ar", "ur", "pl", "bn", "pa"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Built:
    """One source built in every edition."""

    source: Path
    folder: Path
    lang: str

    def path(self, suffix: str) -> Path:
        """The edition with ``suffix`` (".html", "-large-print.pdf" ...)."""
        return self.folder / f"{self.source.stem}{suffix}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """The Welsh and the Arabic leaflet, each in every edition, without a finding."""
    folder = tmp_path_factory.mktemp("i18n")
    report = builder.build(
        list(SOURCES.values()), resolve_formats([]), folder, Context(source_date_epoch=None)
    )
    assert not report.failed, [str(d) for d in report.diagnostics]
    assert [str(d) for d in report.diagnostics] == []
    return {lang: Built(source, folder, lang) for lang, source in SOURCES.items()}


# -- reading an edition as a reader gets it -------------------------------------------

_ADDRESSES = re.compile(
    r"https?://\S+|\S+@\S+|[\w.-]+\.(?:html|pdf|epub|txt|xhtml|css|png)\b", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]+")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
#: Unicode's bidirectional controls, which pdftotext puts around runs.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _markup_text(data: bytes) -> str:
    """The text of an HTML or XHTML document, with what assistive technology reads of
    its attributes (alt text, labels, titles); styles left out."""
    tree = lxml.html.fromstring(data)
    for style in xpath_elements(tree, "//*[local-name()='style']"):
        parent = style.getparent()
        if parent is not None:
            parent.remove(style)
    said = tree.xpath("//@alt | //@aria-label | //@title")
    assert isinstance(said, list)
    # Each element's text apart, as a reader hears them: "file.pdf" "E-lyfr", not "file.pdfE-lyfr".
    return " ".join([*(str(text) for text in tree.itertext()), *(str(value) for value in said)])


def _epub_texts(path: Path) -> dict[str, str]:
    """The text of every document of an e-book: content, back matter, navigation, NCX,
    and the package's metadata (its accessibility summary among it)."""
    found = {}
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            data = book.read(name)
            if name.endswith(".xhtml"):
                found[name] = _markup_text(data)
            elif name.endswith((".ncx", ".opf")):
                root = etree.fromstring(data)
                found[name] = " ".join(
                    text
                    for element in root.iter()
                    # The conformance claim is the exact string EPUB Accessibility 1.1
                    # defines ("EPUB Accessibility 1.1 - WCAG 2.2 Level AA"): no words.
                    if isinstance(element.tag, str)
                    and element.get("property") != "dcterms:conformsTo"
                    for text in [element.text or ""]
                    # Values of the accessibility vocabulary ("tableOfContents") are not words.
                    if not re.fullmatch(r"[a-z]+[A-Z]\w*|[a-z]+", text.strip())
                )
    return found


def _pdf_text(path: Path) -> str:
    """The printed text, and the text alternatives and bookmarks a screen reader reads."""
    texts = pdf_pages_text(path)
    with pikepdf.open(path) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        stack = [root] if root is not None else []
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                for key in ("/Alt", "/ActualText", "/E"):
                    if key in node:
                        texts.append(str(node[key]))
                kids = node.get("/K")
                if kids is not None:
                    stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        with pdf.open_outline() as outline:
            items = list(outline.root)
            while items:
                item = items.pop()
                texts.append(item.title)
                items.extend(item.children)
    return "\n".join(texts)


def edition_texts(result: Built) -> Iterator[tuple[str, str]]:
    """(what, text) for every edition of ``result`` (each document of the e-book apart)."""
    for edition in EDITIONS.values():
        path = result.path(edition.suffix)
        if edition.suffix.endswith(".epub"):
            yield from ((f"{path.name}!{name}", text) for name, text in _epub_texts(path).items())
        elif edition.suffix.endswith(".pdf"):
            yield path.name, _pdf_text(path)
        elif edition.suffix == ".html":
            yield path.name, _markup_text(path.read_bytes())
        elif edition.suffix == ".brf":
            # Braille is read as its reader reads it: back in print.
            code = braille.code_for(result.lang)
            assert code is not None
            lines = text_lines(path.read_bytes())
            yield path.name, "\n".join(back_translate(lines, code.table, code.uncontracted))
        elif edition.suffix == ".docx":
            yield path.name, _docx_text(path)
        elif edition.suffix == ".pef":
            continue  # the BRF's cells, read above
        elif edition.suffix == ".mp3":
            # Sound is read through its transcript: the words it says.
            from mutagen.id3 import ID3

            yield path.name, str(ID3(path).getall("USLT")[0])
        else:
            yield path.name, path.read_text(encoding="utf-8")


#: WordprocessingML's namespace, for the Word edition's text.
WORD = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def _docx_text(path: Path) -> str:
    """The Word edition's text, a paragraph a line."""
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    paragraphs = xpath_elements(body, "//w:p", WORD)
    return "\n".join("".join(xpath_strings(p, ".//w:t/text()", WORD)) for p in paragraphs)


def english_page_words(lang: str) -> set[str]:
    """The words of the English catalogue longer than three letters ("Contents", "Page"),
    but for acronyms (WCAG) and words the language's own catalogue uses too (Welsh
    "print", as in "print bras")."""
    theirs = {
        word.lower()
        for text in i18n.catalogue(lang).values()
        for word in _WORD.findall(_PLACEHOLDER.sub(" ", text))
    }
    found = set()
    for msgid in i18n.source_messages():
        for word in _WORD.findall(_PLACEHOLDER.sub(" ", msgid)):
            if len(word) > 3 and not word.isupper() and word.lower() not in theirs:
                found.add(word.lower())
    return found


def test_the_english_page_words_are_the_ones_a_reader_would_see() -> None:
    """The list the tests below look for is the catalogue's, not a guess."""
    words = english_page_words("cy")
    assert {"contents", "contact", "formats", "published", "review", "page", "sources"} <= words
    assert "wcag" not in words and "print" not in words
    assert "print" in english_page_words("ar")


@pytest.mark.parametrize("lang", list(SOURCES))
def test_no_english_page_word_in_any_edition(built: dict[str, Built], lang: str) -> None:
    """Done when: "the Welsh and Arabic editions contain none of the English page words"."""
    english = english_page_words(lang)
    found = {}
    for what, text in edition_texts(built[lang]):
        words = {word.lower() for word in _WORD.findall(_ADDRESSES.sub(" ", text))}
        if words & english:
            found[what] = sorted(words & english)
    assert found == {}


def test_the_words_are_looked_for_where_they_are(tmp_path: Path) -> None:
    """The reading above finds English words in every kind of edition: an English build
    has them in each."""
    source = tmp_path / "en.md"
    source.write_text(front_matter() + "Some words.[^1]\n\n[^1]: A note.\n", encoding="utf-8")
    report = builder.build([source], resolve_formats([]), tmp_path / "out", Context())
    assert not report.failed
    english = english_page_words("cy")
    for what, text in edition_texts(Built(source, tmp_path / "out", "en")):
        words = {word.lower() for word in _WORD.findall(_ADDRESSES.sub(" ", text))}
        if what.endswith(("content.opf", "toc.ncx", "content.xhtml")):
            continue  # the document's own words (and "Notes" in the NCX: checked below)
        assert words & english, what


@pytest.mark.parametrize(
    ("lang", "dates"),
    [
        ("cy", ["1 Mawrth 2026", "1 Medi 2026", "1 Mawrth 2027"]),
        ("ar", ["1 مارس 2026", "1 سبتمبر 2026", "1 مارس 2027"]),
    ],
)
def test_dates_are_written_as_the_locale_writes_them(
    built: dict[str, Built], lang: str, dates: list[str]
) -> None:
    texts = dict(edition_texts(built[lang]))
    for name in (f"i18n-{lang}.txt", f"i18n-{lang}.html"):
        flat = " ".join(texts[name].split())
        assert all(date in flat for date in dates), (name, dates)
    about = " ".join(texts[f"i18n-{lang}.epub!EPUB/about.xhtml"].split())
    assert all(date in about for date in dates)


@pytest.mark.parametrize(
    ("lang", "footer"),
    [("cy", r"Tudalen (\d+) o (\d+)"), ("ar", r"صفحة\s*(\d+)\s*من\s*(\d+)")],
)
def test_printed_pages_are_numbered_in_the_documents_language(
    built: dict[str, Built], lang: str, footer: str
) -> None:
    for suffix in (".pdf", "-large-print.pdf", "-print.pdf"):
        pages = pdf_pages_text(built[lang].path(suffix))
        for number, text in enumerate(pages, start=1):
            # Large print adds the leaflet's page in brackets, which a right-to-left
            # line reads back around the numbers.
            flat = " ".join(
                _BIDI_CONTROLS.sub(" ", text).replace("(", " ").replace(")", " ").split()
            )
            numbers = re.findall(footer, flat)
            assert (str(number), str(len(pages))) in numbers, (suffix, number, flat[-80:])


def _markup_documents(result: Built) -> dict[str, etree._Element]:
    """The web page and every XHTML document of the e-book, parsed."""
    found = {"html": lxml.html.fromstring(result.path(".html").read_bytes())}
    with zipfile.ZipFile(result.path(".epub")) as book:
        for name in book.namelist():
            if name.endswith(".xhtml"):
                found[name] = etree.fromstring(book.read(name))
    return found


@pytest.mark.parametrize("lang", list(SOURCES))
def test_nothing_is_marked_english(built: dict[str, Built], lang: str) -> None:
    """The page's own words are the document's language: no element says otherwise
    (the fixtures have no English passage of their own)."""
    for what, tree in _markup_documents(built[lang]).items():
        marked = [
            (element.tag, element.get("lang") or element.get(XML_LANG))
            for element in tree.iter()
            if isinstance(element.tag, str)
            and (element.get("lang") or element.get(XML_LANG) or lang) != lang
        ]
        assert marked == [], what


def _language_of(element: etree._Element) -> str | None:
    """The language an element is in: its own ``lang``, or its nearest ancestor's."""
    node: etree._Element | None = element
    while node is not None:
        value = node.get("lang") or node.get(XML_LANG)
        if value:
            return value
        node = node.getparent()
    return None


def _holding(tree: etree._Element, words: str) -> etree._Element:
    """The innermost element whose own text has ``words``."""
    found = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str) and words in (element.text or "")
    ]
    assert found, f"{words!r} not found"
    return found[-1]


@pytest.mark.parametrize("lang", list(SOURCES))
def test_the_editors_words_are_in_the_documents_language(
    built: dict[str, Built], lang: str
) -> None:
    meta = load(SOURCES[lang]).meta
    assert meta.feedback and meta.rights
    documents = _markup_documents(built[lang])
    for what in ("html", "EPUB/about.xhtml"):
        for words in (meta.feedback, meta.rights, meta.sources[0]):
            assert _language_of(_holding(documents[what], words)) == lang, (what, words)


def test_the_words_follow_the_language_by_its_subtags() -> None:
    assert i18n.words("cy-GB").text("Contents") == "Cynnwys"
    assert i18n.words("pa-Guru-IN").text("Contents") == "ਵਿਸ਼ਾ-ਸੂਚੀ"
    assert i18n.words("ar-EG").text("Contents") == "المحتويات"
    # Punjabi in the Arabic script (Shahmukhi) is not the Gurmukhi catalogue's.
    for tag in ("pa-Arab", "pa-PK", "fr", "fr-CA"):
        words = i18n.words(tag)
        assert (words.lang, words.native, words.text("Contents")) == ("en", False, "Contents")
    native = i18n.words("en-US")
    assert (native.lang, native.native, native.date(dt.date(2026, 11, 24))) == (
        "en-US",
        True,
        "November 24, 2026",
    )
    assert i18n.words("en").date(dt.date(2026, 11, 24)) == "24 November 2026"


def test_welsh_lists_say_a_or_ac_and_mutate_nouns_after_a() -> None:
    welsh = i18n.words("cy")
    labels = [welsh.text(label) for label in ("web page", "e-book", "plain text")]
    assert welsh.join(labels, nouns=True) == "tudalen we, e-lyfr a thestun plaen"
    assert welsh.join(labels[:2], nouns=True) == "tudalen we ac e-lyfr"
    # Names are written as they are.
    assert welsh.join(["Catrin Puw", "Tomos Owen"]) == "Catrin Puw a Tomos Owen"
    assert welsh.join(["Tomos Owen", "Alun Puw"]) == "Tomos Owen ac Alun Puw"


def test_a_phrase_keeps_the_editors_parts_apart_and_crosses_processes() -> None:
    words = i18n.words("ur")
    joined = words.join([i18n.own("سارہ"), i18n.own("علی")])
    phrase = words("Written by {authors}.", authors=joined)
    assert [text for text, own in phrase.parts if own] == ["سارہ", "علی"]
    document = load(WELSH)
    back = pickle.loads(pickle.dumps(colophon.of(document, claimed=True)))
    assert back.record[0].parts == (
        ("Cyhoeddwr: ", False),
        ("Bwrdd Iechyd Prawf Clearleaf", True),
        (". Dyddiad cyhoeddi: 1 Mawrth 2026.", False),
    )


# -- a language without a catalogue ----------------------------------------------------

FRENCH = """\
---
title: Boire Assez d'Eau
lang: {lang}
organisation: Fondation Test Clearleaf
description: {description}
published: 2026-03-01
next_review: 2030-03-01
contact:
  email: aide@example.org
feedback: {feedback}
sources:
  - "{source}"
---

{body}
"""


def _fallback(tmp_path: Path, lang: str) -> tuple[Path, str]:
    """A source in ``lang`` (French, or Persian, right to left), and its feedback sentence."""
    if lang == "fa":
        feedback = "نظر خود را به ما بگویید."
        fields = {
            "description": "چرا بدن شما به آب نیاز دارد.",
            "source": "راهنمای نمونه درباره آب، ۲۰۲۵.",
            "body": "بدن شما برای کار کردن به آب نیاز دارد.",
        }
    else:
        feedback = "Dites-nous ce que vous pensez de ce dépliant."
        fields = {
            "description": "Pourquoi votre corps a besoin d'eau.",
            "source": "Guide d'exemple sur l'eau, 2025.",
            "body": "Votre corps a besoin d'eau pour bien fonctionner.",
        }
    source = tmp_path / f"{lang}.md"
    text = FRENCH.format(lang=lang, feedback=feedback, **fields)
    source.write_text(text, encoding="utf-8")
    return source, feedback


@pytest.mark.parametrize(("lang", "direction"), [("fr", None), ("fa", "rtl")])
def test_a_language_without_a_catalogue_gets_english_marked_english(
    tmp_path: Path, lang: str, direction: str | None
) -> None:
    source, feedback = _fallback(tmp_path, lang)
    out = tmp_path / "out"
    report = builder.build([source], resolve_formats(["html", "epub", "txt"]), out, Context())
    assert not report.failed
    found = [d for d in report.diagnostics if d.code == i18n.NO_CATALOGUE]
    assert [(d.location.line, d.location.column, d.severity) for d in found] == [
        (3, 1, Severity.WARNING)
    ]
    assert f"'{lang}'" in found[0].message and f"[messages.{lang}]" in found[0].message
    tree = lxml.html.fromstring((out / f"{lang}.html").read_bytes())
    for path in ("//a[@class='skip-link']", "//h2[@id='toc-heading']", "//footer"):
        (element,) = xpath_elements(tree, path)
        assert element.get("lang") == "en", path
        assert element.get("dir") == ("ltr" if direction else None), path
    # The editor's words among them are the document's (WCAG 3.1.2).
    held = _holding(tree, feedback)
    assert (_language_of(held), held.get("dir")) == (lang, direction)
    assert _language_of(_holding(tree, "Fondation Test Clearleaf")) == lang
    with zipfile.ZipFile(out / f"{lang}.epub") as book:
        about = etree.fromstring(book.read("EPUB/about.xhtml"))
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    assert _language_of(_holding(about, "About this e-book")) == "en"
    assert _language_of(_holding(about, feedback)) == lang
    assert _language_of(_holding(about, "Fondation Test Clearleaf")) == lang
    assert _language_of(_holding(nav, "Contents")) == "en"
    assert "Contact us" in (out / f"{lang}.txt").read_text(encoding="utf-8")


def test_the_check_says_which_languages_have_a_catalogue(tmp_path: Path) -> None:
    """At the front matter's ``lang`` line (the third of :func:`front_matter`'s)."""
    check = CHECKS[i18n.NO_CATALOGUE]
    assert check.severity is Severity.WARNING
    for lang, expected in (("cy-GB", []), ("pa-IN", []), ("ar-EG", []), ("pa-Arab", [3])):
        source = tmp_path / f"{lang}.md"
        source.write_text(front_matter(lang=lang), encoding="utf-8")
        found = [d for d in run_checks(load(source)) if d.code == i18n.NO_CATALOGUE]
        assert [d.location.line for d in found] == expected, lang
        for diagnostic in found:
            assert str(diagnostic).startswith(f"{source}:3:1: warning i18n.no-catalogue: ")
            assert f"'{lang}'" in diagnostic.message


def test_a_project_that_words_every_message_has_a_catalogue(tmp_path: Path) -> None:
    """``[messages.fr]`` in ``clearleaf.toml`` with every message: no warning; with
    some of them: the warning, since the words stay English."""
    source = tmp_path / "fr.md"
    source.write_text(front_matter(lang="fr"), encoding="utf-8")

    def warned(messages: dict[str, str]) -> bool:
        # A JSON string is a TOML basic string.
        lines = "".join(
            f"{json.dumps(key)} = {json.dumps(text)}\n" for key, text in messages.items()
        )
        (tmp_path / "clearleaf.toml").write_text(f"[messages.fr]\n{lines}", encoding="utf-8")
        return any(d.code == i18n.NO_CATALOGUE for d in run_checks(load(source)))

    assert warned({"Contents": "Sommaire"})
    assert not warned({msgid: f"fr {msgid}" for msgid in i18n.source_messages()})


# -- the project's own wording ----------------------------------------------------------


def test_the_project_rewords_a_message(tmp_path: Path) -> None:
    messages = {
        "cy": {"Contact us": "Cysylltwch â ni", "Page {page} of {pages}": "T. {page}/{pages}"}
    }
    out = tmp_path / "out"
    report = builder.build(
        [WELSH], resolve_formats(["html", "txt"]), out, Context(messages=messages)
    )
    assert not report.failed
    tree = lxml.html.fromstring((out / "i18n-cy.html").read_bytes())
    (heading,) = xpath_elements(tree, "//h2[@id='contact-heading']")
    assert heading.text == "Cysylltwch â ni"
    assert "Cysylltwch â ni\n---" in (out / "i18n-cy.txt").read_text(encoding="utf-8")
    words = i18n.words("cy-GB", messages)
    css = page.stylesheet("a { content: $page_of_pages; }", words)
    assert css == 'a { content: "T. " counter(page) "/" counter(pages); }'


def test_overrides_apply_by_language_and_need_their_placeholders() -> None:
    assert i18n.words("en-US", {"en": {"Contents": "On this page"}}).text("Contents") == (
        "On this page"
    )
    both = {"en": {"Contents": "A"}, "en-US": {"Contents": "B"}}
    assert i18n.words("en-US", both).text("Contents") == "B"
    assert i18n.words("en-GB", both).text("Contents") == "A"
    # English stands in for French: the project's English wording is used.
    assert i18n.words("fr", {"en": {"Contents": "On this page"}}).text("Contents") == (
        "On this page"
    )
    # A few French words would mix languages without marking: they wait for all of them.
    partial = {"fr": {"Contents": "Sommaire"}}
    assert (i18n.words("fr", partial).native, i18n.catalogued("fr", partial)) == (False, False)
    whole = {"fr": {msgid: f"fr {msgid}" for msgid in i18n.source_messages()}}
    french = i18n.words("fr-FR", whole)
    assert (french.native, french.lang, french.text("Contents")) == (True, "fr-FR", "fr Contents")
    assert french.date(dt.date(2026, 11, 24)) == "24 novembre 2026"
    # A wording that drops a placeholder would lose the date: it is not used, and said why.
    broken = {"cy": {"Last reviewed on {date}.": "Adolygwyd."}}
    assert i18n.words("cy", broken).text("Last reviewed on {date}.") == (
        "Adolygwyd ddiwethaf ar {date}."
    )
    assert "{date}" in (i18n.problem("Last reviewed on {date}.", "Adolygwyd.") or "")
    assert "not one of clearleaf's messages" in (i18n.problem("Contnets", "Cynnwys") or "")
    assert i18n.problem("Contents", "Cynnwys") is None


def test_the_running_footer_of_english_is_what_it_was() -> None:
    """English output keeps its bytes (tests/test_golden.py); here the stylesheet's value."""
    css = page.stylesheet(Context().style("leaflet.css"), i18n.words("en-GB"))
    assert "$page_of_pages" not in css
    assert css.count('content: "Page " counter(page) " of " counter(pages);') == 2


@pytest.mark.parametrize("lang", sorted(REQUIRED))
def test_every_language_fills_the_running_footer(lang: str) -> None:
    css = page.stylesheet(Context().style("leaflet.css"), i18n.words(lang))
    assert "$page_of_pages" not in css
    assert css.count("counter(page)") == 2 and css.count("counter(pages)") == 2


# -- the catalogues ---------------------------------------------------------------------


def catalogue_problems(path: Path, english: dict[str, str]) -> list[str]:
    """What is wrong with the catalogue at ``path`` against the English msgids."""
    with path.open("rb") as stream:
        read = read_po(stream)
    found = {
        str(message.id): str(message.string or "")
        for message in read
        if message.id and isinstance(message.id, str)
    }
    problems = [f"{msgid!r}: not translated" for msgid in english if not found.get(msgid)]
    problems += [f"{msgid!r}: no such message" for msgid in found if msgid not in english]
    for msgid, text in found.items():
        if msgid in english and text:
            try:
                names = i18n.placeholders(text)
            except ValueError as error:
                problems.append(f"{msgid!r}: {error}")
                continue
            if names != i18n.placeholders(msgid):
                problems.append(f"{msgid!r}: placeholders {names}")
    language = str(read.locale) if read.locale else None
    if language != path.stem:
        problems.append(f"its Language header says {language}, its name {path.stem}")
    return problems


def test_the_catalogues_the_issue_asks_for_are_there() -> None:
    assert set(i18n.languages()) >= REQUIRED


@pytest.mark.parametrize("lang", sorted(set(i18n.languages()) - {"en"}))
def test_every_catalogue_has_every_message_with_its_placeholders(lang: str) -> None:
    english = dict(i18n.source_messages())
    assert catalogue_problems(i18n.catalogue_path(lang), english) == []


def test_a_catalogue_with_a_missing_or_broken_message_fails(tmp_path: Path) -> None:
    english = dict(i18n.source_messages())
    text = i18n.catalogue_path("cy").read_text(encoding="utf-8")
    missing = text.replace('msgstr "Cynnwys"', 'msgstr ""')
    dropped = text.replace("Adolygwyd ddiwethaf ar {date}.", "Adolygwyd ddiwethaf.")
    for broken, expected in (
        (missing, "'Contents': not translated"),
        (dropped, "'Last reviewed on {date}.': placeholders []"),
    ):
        path = tmp_path / "cy.po"
        path.write_text(broken, encoding="utf-8")
        assert catalogue_problems(path, english) == [expected]


def test_every_edition_name_and_message_of_the_code_is_in_the_catalogue() -> None:
    english = i18n.source_messages()
    assert all(str(edition.label) in english for edition in readers_editions())
    used: set[str] = set()
    package = Path(i18n.__file__).parent
    call = re.compile(r"""\bwords(?:\.text|\.markup)?\(\s*((?:"[^"]*"\s*)+)""")
    for module in package.rglob("*.py"):
        for match in call.finditer(module.read_text(encoding="utf-8")):
            used.add("".join(re.findall(r'"([^"]*)"', match[1])))
    assert used, "no call found: the pattern above no longer matches the code"
    assert sorted(used - set(english)) == []
    # Every message is used somewhere (the edition names through the registry).
    labels = {str(edition.label) for edition in EDITIONS.values() if edition.label}
    assert sorted(set(english) - used - labels) == []


# -- fonts for the page's own words -----------------------------------------------------


def test_the_screen_editions_carry_the_glyphs_of_the_page_words(built: dict[str, Built]) -> None:
    """ "Ynglŷn" (about this e-book) has ŷ, which the typeface lacks and the Welsh text
    does not use: the screen editions' fallback font must have it all the same."""
    assert "ŷ" not in load(WELSH).text and "ŷ" in i18n.words("cy").text("About this e-book")
    markup = built["cy"].path(".html").read_text(encoding="utf-8")
    inline = re.findall(r'url\("data:font/ttf;base64,([A-Za-z0-9+/=]+)"\)', markup)
    carried = [TTFont(io.BytesIO(base64.b64decode(data))) for data in inline]
    with zipfile.ZipFile(built["cy"].path(".epub")) as book:
        carried += [
            TTFont(io.BytesIO(book.read(name))) for name in book.namelist() if name.endswith(".ttf")
        ]
    for where, there in (("html", carried[: len(inline)]), ("epub", carried[len(inline) :])):
        assert any(0x0177 in font.getBestCmap() for font in there), where
