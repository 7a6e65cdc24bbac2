"""The e-book: OCF, package metadata (EPUB Accessibility 1.1), nav, XHTML, reproducibility."""

from __future__ import annotations

import io
import os
import posixpath
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import FORMAT_NAMES, ROOT, Built, build_all
from helpers import replace_once, text_content, xpath_elements, xpath_strings
from lxml import etree

from clearleaf import build as builder
from clearleaf import plan
from clearleaf.context import Context

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MODIFIED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
A11Y_PROPERTIES = (
    "schema:accessMode",
    "schema:accessibilityFeature",
    "schema:accessibilityHazard",
    "schema:accessibilitySummary",
)


@dataclass
class Book:
    """An EPUB opened for checking: its ZIP entries and the parsed package document."""

    data: bytes
    infos: list[zipfile.ZipInfo]
    files: dict[str, bytes]
    opf_path: str
    opf: etree._Element

    def manifest(self) -> dict[str, tuple[str, str]]:
        """Manifest items as ZIP path -> (media type, properties)."""
        base = posixpath.dirname(self.opf_path)
        items: dict[str, tuple[str, str]] = {}
        for item in self.opf.iterfind("opf:manifest/opf:item", NS):
            href = item.get("href")
            assert href is not None, "a manifest item has no href"
            items[posixpath.normpath(posixpath.join(base, unquote(href)))] = (
                item.get("media-type", ""),
                item.get("properties", ""),
            )
        return items

    def metas(self, prop: str) -> list[str]:
        """The text of every <meta property=prop>."""
        return [
            m.text or ""
            for m in self.opf.iterfind(f"opf:metadata/opf:meta[@property='{prop}']", NS)
        ]


def open_book(data: bytes) -> Book:
    """Read ``data`` as an EPUB; fails if the container cannot be found."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        files = {info.filename: archive.read(info) for info in infos}
    container = etree.fromstring(files["META-INF/container.xml"])
    rootfile = container.find("c:rootfiles/c:rootfile", NS)
    assert rootfile is not None, "META-INF/container.xml names no package document"
    opf_path = rootfile.get("full-path")
    assert opf_path is not None, "the container's rootfile has no full-path"
    return Book(data, infos, files, opf_path, etree.fromstring(files[opf_path]))


def check_ocf(book: Book, lang: str) -> list[str]:
    first = book.infos[0]
    problems = [] if first.filename == "mimetype" else [f"ocf: first entry is {first.filename!r}"]
    if first.compress_type != zipfile.ZIP_STORED:
        problems.append("ocf: mimetype is compressed")
    # OCF 3.3, 4.3: the bytes at offset 30 spell the name, then the type (no extra field).
    if book.data[30:38] != b"mimetype" or book.data[38:58] != b"application/epub+zip":
        problems.append("ocf: the file does not start with the mimetype entry and its content")
    if book.files.get("mimetype") != b"application/epub+zip":
        problems.append(f"ocf: mimetype content is {book.files.get('mimetype')!r}")
    return problems


def check_package_metadata(book: Book, lang: str) -> list[str]:
    problems = []
    metadata = book.opf.find("opf:metadata", NS)
    assert metadata is not None, "the package document has no <metadata>"
    titles = [t.text for t in metadata.iterfind("dc:title", NS) if (t.text or "").strip()]
    if not titles:
        problems.append("metadata: no dc:title")
    unique = book.opf.get("unique-identifier")
    identifiers = [i for i in metadata.iterfind("dc:identifier", NS) if i.get("id") == unique]
    if len(identifiers) != 1 or not (identifiers[0].text or "").strip():
        problems.append(f"metadata: no dc:identifier with id {unique!r} (the unique-identifier)")
    languages = [language.text for language in metadata.iterfind("dc:language", NS)]
    if languages != [lang]:
        problems.append(f"metadata: dc:language is {languages}, expected [{lang!r}]")
    modified = book.metas("dcterms:modified")
    if len(modified) != 1 or not MODIFIED.match(modified[0]):
        problems.append(
            f"metadata: dcterms:modified is {modified}, expected one CCYY-MM-DDThh:mm:ssZ"
        )
    problems += [
        f"metadata: no {prop}"
        for prop in A11Y_PROPERTIES
        if not any(value.strip() for value in book.metas(prop))
    ]
    problems += [
        f"metadata: empty <{etree.QName(e).localname}>"
        for e in metadata
        if isinstance(e.tag, str) and not (e.text or "").strip() and e.get("content") is None
    ]
    return problems


def nav_path(book: Book) -> str | None:
    """The ZIP path of the nav document."""
    return next(
        (path for path, (_type, props) in book.manifest().items() if "nav" in props.split()), None
    )


def check_nav(book: Book, lang: str) -> list[str]:
    path = nav_path(book)
    if path is None:
        return ["nav: no manifest item with properties='nav'"]
    root = etree.fromstring(book.files[path])
    kinds = [nav.get(f"{{{NS['epub']}}}type") for nav in root.iter(f"{{{NS['x']}}}nav")]
    problems = (
        [] if kinds.count("toc") == 1 else [f"nav: {kinds.count('toc')} toc navs, expected 1"]
    )
    return problems + ([] if "landmarks" in kinds else ["nav: no landmarks nav"])


def xhtml_paths(book: Book) -> list[str]:
    """Every XHTML content document in the manifest."""
    return [
        path for path, (kind, _props) in book.manifest().items() if kind == "application/xhtml+xml"
    ]


def parsed_xhtml(book: Book) -> dict[str, etree._Element]:
    """The XHTML documents that exist and are well formed (check_xhtml reports the others)."""
    documents = {}
    for path in xhtml_paths(book):
        try:
            documents[path] = etree.fromstring(book.files[path])
        except (etree.XMLSyntaxError, KeyError):
            continue
    return documents


def check_xhtml(book: Book, lang: str) -> list[str]:
    problems = []
    for path in xhtml_paths(book):
        try:
            root = etree.fromstring(book.files[path])
        except (etree.XMLSyntaxError, KeyError) as error:
            problems.append(f"xhtml: {path} is not well-formed XML ({error})")
            continue
        if root.get("lang") != lang or root.get(XML_LANG) != lang:
            problems.append(
                f"xhtml: {path} root has lang={root.get('lang')!r} xml:lang={root.get(XML_LANG)!r}"
            )
    return problems


def check_fonts(book: Book, lang: str) -> list[str]:
    manifest = book.manifest()
    fonts = [name for name in book.files if name.lower().endswith(".ttf")]
    problems = [] if fonts else ["fonts: no font in the book"]
    return problems + [
        f"fonts: {name} is listed as {manifest.get(name, ('missing',))[0]!r}, not font/ttf"
        for name in fonts
        if manifest.get(name, ("",))[0] != "font/ttf"
    ]


def check_manifest(book: Book, lang: str) -> list[str]:
    manifest = book.manifest()
    problems = [
        f"manifest: {path} is listed but not in the ZIP"
        for path in manifest
        if path not in book.files
    ]
    exempt = {"mimetype", book.opf_path}
    problems += [
        f"manifest: {name} is in the ZIP but not listed"
        for name in book.files
        if name not in manifest and name not in exempt and not name.startswith("META-INF/")
    ]
    for path, root in parsed_xhtml(book).items():
        for ref in xpath_strings(root, "//@src | //x:link/@href", NS):
            parts = urlsplit(ref)
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(path), unquote(parts.path))
            )
            if not parts.scheme and target not in manifest:
                problems.append(f"manifest: {path} uses {ref!r}, which is not in the manifest")
    return problems


def check_links(book: Book, lang: str) -> list[str]:
    """Every fragment link in every XHTML document resolves to an id in its target."""
    problems = []
    documents = parsed_xhtml(book)
    ids = {path: set(xpath_strings(root, "//@id")) for path, root in documents.items()}
    for path, root in documents.items():
        for href in xpath_strings(root, "//x:a/@href", NS):
            parts = urlsplit(href)
            if parts.scheme:
                continue
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
                if parts.path
                else path
            )
            if target not in ids:
                problems.append(f"links: {path} links to {href!r}, not a content document")
            elif parts.fragment and parts.fragment not in ids[target]:
                problems.append(f"links: {path} links to {href!r}, which has no such id")
    return problems


CHECKS: dict[str, Callable[[Book, str], list[str]]] = {
    "ocf": check_ocf,
    "metadata": check_package_metadata,
    "nav": check_nav,
    "xhtml": check_xhtml,
    "fonts": check_fonts,
    "manifest": check_manifest,
    "links": check_links,
}


def epub_problems(data: bytes, lang: str, only: str | None = None) -> list[str]:
    """Every problem the checks find in an EPUB (or those of one named check)."""
    book = open_book(data)
    checks = [CHECKS[only]] if only else list(CHECKS.values())
    return [problem for check in checks for problem in check(book, lang)]


@pytest.mark.parametrize("name", list(CHECKS))
def test_epub_structure(built: Built, name: str) -> None:
    assert epub_problems(built.read("epub"), built.meta.lang, only=name) == []


def test_metadata_values(built: Built) -> None:
    book = open_book(built.read("epub"))
    metadata = book.opf.find("opf:metadata", NS)
    assert metadata is not None
    assert metadata.findtext("dc:title", namespaces=NS) == built.meta.title
    assert book.metas("dcterms:modified") == [f"{built.meta.published.isoformat()}T00:00:00Z"]
    assert book.metas("schema:accessibilityHazard") == ["none"]
    assert "textual" in book.metas("schema:accessMode")
    features = set(book.metas("schema:accessibilityFeature"))
    assert {"structuralNavigation", "tableOfContents"} <= features
    # Only a book with images and alt text for each of them may claim alternativeText.
    assert ("alternativeText" in features) == ("![" in built.markdown)


def test_nav_lists_the_sections(built: Built) -> None:
    book = open_book(built.read("epub"))
    nav = etree.fromstring(book.files[nav_path(book) or ""])
    toc = xpath_strings(nav, "//x:nav[@epub:type='toc']//x:a/text()", NS)
    assert toc[0] == built.meta.title
    content = etree.fromstring(book.files["EPUB/content.xhtml"])
    for heading in xpath_elements(content, "//x:main//x:h2", NS):
        assert text_content(heading).strip() in toc


def test_content_keeps_language_change(constructs: Built) -> None:
    content = etree.fromstring(open_book(constructs.read("epub")).files["EPUB/content.xhtml"])
    spans = xpath_elements(content, "//x:span[@lang='fr']", NS)
    assert [span.text for span in spans] == ["Bonjour"]


# -- the checks reject broken copies ---------------------------------------------------------


def rewrite(
    data: bytes, changes: dict[str, bytes | None], mimetype_first: bool = True, stored: bool = True
) -> bytes:
    """A copy of an EPUB with entries replaced (or dropped, for None) and packaging options."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        originals = [(info.filename, source.read(info)) for info in source.infolist()]
    entries = [(name, changes.get(name, content)) for name, content in originals]
    if not mimetype_first:
        entries = entries[1:] + entries[:1]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in entries:
            if content is not None:
                method = (
                    zipfile.ZIP_STORED if name == "mimetype" and stored else zipfile.ZIP_DEFLATED
                )
                target.writestr(name, content, compress_type=method)
    return out.getvalue()


def edit(name: str, old: str, new: str) -> Callable[[bytes], bytes]:
    """A breaker that replaces ``old`` by ``new`` in one entry."""

    def breaker(data: bytes) -> bytes:
        text = open_book(data).files[name].decode("utf-8")
        return rewrite(data, {name: replace_once(text, old, new).encode("utf-8")})

    return breaker


OPF = "EPUB/content.opf"
MODIFIED_META = '<meta property="dcterms:modified">'
BREAKAGES: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("ocf:", lambda d: rewrite(d, {}, mimetype_first=False)),
    ("ocf:", lambda d: rewrite(d, {}, stored=False)),
    ("ocf:", lambda d: rewrite(d, {"mimetype": b"application/zip"})),
    ("metadata:", edit(OPF, "<dc:title>What Does Heroin Do To The Brain<", "<dc:title> <")),
    ("metadata:", edit(OPF, 'unique-identifier="id"', 'unique-identifier="book-id"')),
    ("metadata:", edit(OPF, "<dc:language>en-GB", "<dc:language>en-US")),
    (
        "metadata:",
        edit(OPF, MODIFIED_META, MODIFIED_META + "2020-01-01T00:00:00Z</meta>" + MODIFIED_META),
    ),
    ("metadata:", edit(OPF, "T00:00:00Z</meta>", "</meta>")),
    ("metadata:", edit(OPF, 'property="schema:accessibilityHazard"', 'property="schema:hazard"')),
    ("metadata:", edit(OPF, 'property="schema:accessibilitySummary"', 'property="schema:summary"')),
    ("nav:", edit("EPUB/nav.xhtml", 'epub:type="landmarks"', 'epub:type="page-list"')),
    ("nav:", edit("EPUB/nav.xhtml", 'epub:type="landmarks"', 'epub:type="toc"')),
    ("xhtml:", edit("EPUB/content.xhtml", "</main>", "<br></main>")),
    ("xhtml:", edit("EPUB/content.xhtml", 'xml:lang="en-GB"', "")),
    ("fonts:", edit(OPF, 'media-type="font/ttf"', 'media-type="application/octet-stream"')),
    ("manifest:", lambda d: rewrite(d, {"EPUB/style/book.css": None})),
    ("manifest:", edit(OPF, '<item href="style/book.css" id="style" media-type="text/css"/>', "")),
    (
        "links:",
        edit("EPUB/nav.xhtml", 'href="content.xhtml#conclusion"', 'href="content.xhtml#the-end"'),
    ),
    ("links:", edit("EPUB/content.xhtml", "</main>", '<a href="missing.xhtml">x</a></main>')),
]


@pytest.mark.parametrize(
    ("expected", "breaker"),
    BREAKAGES,
    ids=[f"{e.rstrip(':')}-{i}" for i, (e, _) in enumerate(BREAKAGES)],
)
def test_epub_problems_rejects_broken_copy(
    leaflet: Built, expected: str, breaker: Callable[[bytes], bytes]
) -> None:
    problems = epub_problems(breaker(leaflet.read("epub")), leaflet.meta.lang)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_manifest_check_rejects_unpackaged_image(constructs: Built) -> None:
    broken = rewrite(constructs.read("epub"), {"EPUB/images/image-1.png": None})
    assert "manifest: EPUB/images/image-1.png is listed but not in the ZIP" in epub_problems(
        broken, "en-GB", only="manifest"
    )


# -- reproducibility ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rebuild(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Built], Path]:
    """A second build of a document into another folder, made once per module."""
    folders: dict[str, Path] = {}

    def get(built: Built) -> Path:
        if built.name not in folders:
            folders[built.name] = build_all(
                built.source,
                tmp_path_factory.mktemp(f"again-{built.name}"),
                Context(source_date_epoch=None),
            )
        return folders[built.name]

    return get


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_two_builds_are_identical(built: Built, rebuild: Callable[[Built], Path], fmt: str) -> None:
    again = rebuild(built) / built.path(fmt).name
    assert again != built.path(fmt)
    assert again.read_bytes() == built.read(fmt)


def test_build_in_another_process_is_identical(constructs: Built, tmp_path: Path) -> None:
    """Another interpreter with another hash seed writes the same bytes (no set-order leaks)."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | {
        "PYTHONHASHSEED": "12345"
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "clearleaf",
            "build",
            str(constructs.source),
            "--out",
            str(tmp_path),
            "-q",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    for fmt in FORMAT_NAMES:
        assert (tmp_path / constructs.path(fmt).name).read_bytes() == constructs.read(fmt), fmt


def test_source_date_epoch_sets_modified(
    leaflet: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    report = builder.build([leaflet.source], plan.resolve_formats(["epub"]), tmp_path)
    assert not report.failed
    book = open_book((tmp_path / leaflet.path("epub").name).read_bytes())
    assert book.metas("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert {info.date_time for info in book.infos} == {(2023, 11, 14, 22, 13, 20)}
    assert epub_problems(book.data, leaflet.meta.lang) == []
