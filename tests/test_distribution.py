"""The catalogue: an index page and an OPDS 2.0 feed listing every edition of every document.

A small project (English, Welsh and Arabic documents in two folders, and a
draft) is built once in every format through the command line; the feed is
validated against the OPDS 2.0 JSON Schemas (``tests/schemas/opds``, offline),
each publication's accessibility metadata is compared with its e-book's
package, every edition file is found linked from both the index and the feed,
and a build in two shards joined by ``clearleaf index`` gives the same bytes as
one build.
"""

from __future__ import annotations

import collections
import copy
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
import referencing
import validators
from click.testing import CliRunner, Result
from helpers import front_matter, xpath_elements, xpath_strings
from lxml import etree
from lxml import html as lxml_html
from validators import Browser, Findings

from clearleaf import catalogue, incremental
from clearleaf.cli import cli
from clearleaf.editions import EDITIONS

SCHEMAS = Path(__file__).parent / "schemas" / "opds"
FEED_SCHEMA = "https://drafts.opds.io/schema/feed.schema.json"
#: The Readium accessibility model's URI for each conformance claim an e-book's package
#: makes in words (readium/webpub-manifest, contexts/default/README.md, "Conformance").
READIUM_CONFORMANCE = {
    "EPUB Accessibility 1.1 - WCAG 2.2 Level AA": "https://www.w3.org/TR/epub-a11y-11#wcag-2.2-aa",
}
CONFIG = """\
[catalogue]
title = "Clearleaf Test Trust leaflets"
description = "Patient information from the Clearleaf Test Trust, in every format."

[defaults]
contact = { phone = "0300 123 4567", email = "formats@example.org" }
"""
#: Enough sentences for a stable reading age (30 or more).
PROSE = " ".join(f"Check your feet every day, and look for cut number {n}." for n in range(32))
SOURCES = {
    "feet.md": front_matter(
        "Looking After Your Feet",
        extra="certified_by: Clearleaf Test Trust\nkeywords:\n  - feet\n  - diabetes\n",
    )
    + f"## Every day\n\n{PROSE}\n\n1. Wash.\n2. Dry.\n",
    "wales/traed.md": front_matter("Gofalu am eich traed", lang="cy", description="Gwiriadau.")
    + "## Bob dydd\n\nEdrychwch ar eich traed bob dydd.\n",
    "wales/feet.md": front_matter("Feet in Wales")
    + "## Every day\n\nLook at your feet every day.\n",
    "ar/qadam.md": front_matter("العناية بالقدمين", lang="ar", description="فحوصات يومية.")
    + "## كل يوم\n\nافحص قدميك كل يوم.\n",  # noqa: RUF001
    "drafts/next.md": front_matter("Next Year's Leaflet", extra="draft: true\n")
    + "## Soon\n\nNot published yet.\n",
}
DRAFT = "drafts/next"


def _project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "clearleaf.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in SOURCES.items():
        path = root / "source" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _run(root: Path, *arguments: str, code: int = 0) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = CliRunner().invoke(cli, list(arguments))
    assert result.exit_code == code, result.output
    return result


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project, built once in every format into ``build/``."""
    root = _project(tmp_path_factory.mktemp("catalogue"))
    _run(root, "build", "--quiet")
    return root


def feed_of(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / catalogue.FEED).read_text(encoding="utf-8"))
    return data


def index_of(out: Path) -> Any:
    return lxml_html.fromstring((out / catalogue.INDEX).read_bytes())


# -- the feed against the OPDS 2.0 schema ----------------------------------------------------


def _registry() -> referencing.Registry[Any]:
    resources = []
    for path in sorted(SCHEMAS.rglob("*.schema.json")):
        text = path.read_text(encoding="utf-8")
        # ECMAScript's named groups, as Python's re writes them.
        schema = json.loads(text.replace("(?<", "(?P<"))
        resources.append((schema["$id"], referencing.Resource.from_contents(schema)))
    return referencing.Registry().with_resources(resources)


def schema_errors(feed: dict[str, Any]) -> list[str]:
    """What the OPDS 2.0 feed schema finds wrong with ``feed``."""
    registry = _registry()
    schema = registry.contents(FEED_SCHEMA)
    validator = jsonschema.Draft7Validator(schema, registry=registry)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(feed)
    ]


def test_the_feed_validates_against_the_opds_schema(project: Path) -> None:
    feed = feed_of(project / "build")
    assert schema_errors(feed) == []
    assert feed["metadata"]["title"] == "Clearleaf Test Trust leaflets"
    assert {"rel": "self", "href": "opds.json", "type": "application/opds+json"} in feed["links"]


@pytest.mark.parametrize(
    "breakage",
    ["no acquisition link", "a language that is no tag", "no title", "no self link"],
)
def test_the_schema_check_fails_on_a_broken_feed(project: Path, breakage: str) -> None:
    feed = copy.deepcopy(feed_of(project / "build"))
    publication = feed["publications"][0]
    if breakage == "no acquisition link":
        for link in publication["links"]:
            link["rel"] = "alternate"
    elif breakage == "a language that is no tag":
        publication["metadata"]["language"] = "=or"
    elif breakage == "no title":
        del feed["metadata"]["title"]
    else:
        feed["links"] = [link for link in feed["links"] if link["rel"] != "self"]
    assert schema_errors(feed) != []


# -- the accessibility metadata is the e-book's ----------------------------------------------


def opf_accessibility(epub: Path) -> dict[str, Any]:
    """The accessibility metadata of an e-book's package, in the Readium model."""
    with zipfile.ZipFile(epub) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        (rootfile,) = xpath_strings(
            container,
            "//c:rootfile/@full-path",
            {"c": "urn:oasis:names:tc:opendocument:xmlns:container"},
        )
        package = etree.fromstring(archive.read(rootfile))
    values: dict[str, list[str]] = collections.defaultdict(list)
    for meta in xpath_elements(
        package, "//opf:metadata/opf:meta[@property]", {"opf": "http://www.idpf.org/2007/opf"}
    ):
        values[str(meta.get("property"))].append(str(meta.text))
    found: dict[str, Any] = {}
    if values["dcterms:conformsTo"]:
        found["conformsTo"] = [READIUM_CONFORMANCE[v] for v in values["dcterms:conformsTo"]]
        if values["a11y:certifiedBy"]:
            found["certification"] = {"certifiedBy": values["a11y:certifiedBy"][0]}
    found["accessMode"] = values["schema:accessMode"]
    found["accessModeSufficient"] = [
        v.split(",") if "," in v else v for v in values["schema:accessModeSufficient"]
    ]
    found["feature"] = values["schema:accessibilityFeature"]
    found["hazard"] = values["schema:accessibilityHazard"]
    (found["summary"],) = values["schema:accessibilitySummary"]
    return found


def accessibility_mismatches(out: Path, feed: dict[str, Any]) -> list[str]:
    """Publications whose accessibility metadata is not what their e-book's package says."""
    found = []
    for publication in feed["publications"]:
        (epub,) = [
            link["href"]
            for link in publication["links"]
            if link["href"].endswith(".epub") and not link["href"].endswith("-read-aloud.epub")
        ]
        expected = opf_accessibility(out / unquote(epub))
        if publication["metadata"]["accessibility"] != expected:
            found.append(f"{epub}: {publication['metadata']['accessibility']} != {expected}")
    return found


def test_each_publications_accessibility_is_its_epubs(project: Path) -> None:
    out = project / "build"
    feed = feed_of(out)
    assert accessibility_mismatches(out, feed) == []
    claims = [p["metadata"]["accessibility"].get("conformsTo") for p in feed["publications"]]
    # The certified document claims WCAG 2.2 AA; the others make no claim.
    assert claims.count(["https://www.w3.org/TR/epub-a11y-11#wcag-2.2-aa"]) == 1, claims


def test_the_cross_check_fails_when_the_feed_says_otherwise(project: Path) -> None:
    out = project / "build"
    feed = copy.deepcopy(feed_of(out))
    feed["publications"][0]["metadata"]["accessibility"]["feature"].append("braille")
    assert accessibility_mismatches(out, feed) != []


# -- every edition linked, every link resolving ----------------------------------------------


def edition_files(out: Path) -> set[str]:
    """Every edition on disk, relative to ``out``: the pipeline's records, the catalogue's
    own files and the draft's editions aside."""
    return {
        path.relative_to(out).as_posix()
        for path in out.rglob("*")
        if path.is_file()
        and incremental.RECORDS.name not in path.parts
        and path.name not in (catalogue.INDEX, catalogue.FEED)
        and not path.relative_to(out).as_posix().startswith(DRAFT)
    }


def feed_links(feed: dict[str, Any]) -> list[str]:
    return [unquote(link["href"]) for p in feed["publications"] for link in p["links"]]


def index_links(index: Any) -> list[str]:
    return [unquote(href) for href in index.xpath("//ul[@class='editions']//a/@href")]


def unresolved(out: Path, links: list[str]) -> list[str]:
    return [link for link in links if not (out / link).is_file()]


def test_every_edition_is_linked_from_the_index_and_the_feed(project: Path) -> None:
    out = project / "build"
    on_disk = edition_files(out)
    assert len(on_disk) == 4 * len(EDITIONS), sorted(on_disk)  # four documents, every edition
    for links in (feed_links(feed_of(out)), index_links(index_of(out))):
        assert sorted(links) == sorted(on_disk)
        assert unresolved(out, links) == []
    # The title of each entry links its web page, which is there too.
    titles = index_of(out).xpath("//article//h2/a/@href | //article//h3/a/@href")
    titles += index_of(out).xpath("//article//h4/a/@href")
    assert len(titles) == 4 and unresolved(out, [unquote(t) for t in titles]) == []


def test_the_link_check_fails_on_a_file_that_is_gone(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    shutil.copytree(project / "build", out)
    (out / "wales" / "traed.pdf").unlink()
    assert unresolved(out, feed_links(feed_of(out))) == ["wales/traed.pdf"]
    assert sorted(index_links(index_of(out))) != sorted(edition_files(out))


def test_each_link_says_its_media_type(project: Path) -> None:
    types = {
        Path(link["href"]).name.removeprefix("feet"): link["type"]
        for publication in feed_of(project / "build")["publications"]
        for link in publication["links"]
        if Path(link["href"]).name.startswith("feet")
    }
    assert types == {
        ".html": "text/html",
        ".pdf": "application/pdf",
        "-large-print.pdf": "application/pdf",
        "-print.pdf": "application/pdf",
        "-booklet.pdf": "application/pdf",
        ".epub": "application/epub+zip",
        ".txt": "text/plain; charset=utf-8",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".brf": "application/x-brf",
        ".pef": "application/x-pef+xml",
        ".mp3": "audio/mpeg",
        "-read-aloud.epub": "application/epub+zip",
    }


def test_a_draft_is_built_but_listed_in_neither(project: Path) -> None:
    out = project / "build"
    assert (out / f"{DRAFT}.html").is_file()
    assert not [link for link in feed_links(feed_of(out)) if link.startswith(DRAFT)]
    assert not [link for link in index_links(index_of(out)) if link.startswith(DRAFT)]
    assert "Next Year" not in (out / catalogue.INDEX).read_text(encoding="utf-8")


# -- what the index says ---------------------------------------------------------------------


def test_the_index_says_what_a_reader_needs(project: Path) -> None:
    out = project / "build"
    index = index_of(out)
    text = " ".join(index.text_content().split())
    feet = next(
        a for a in index.xpath("//article") if "Looking After Your Feet" in a.text_content()
    )
    entry = " ".join(feet.text_content().split())
    assert "What the leaflet covers." in entry  # the description
    assert "Published by Clearleaf Test Trust on 15 January 2026." in entry
    assert "Next review due by 15 January 2030." in entry
    assert "Language: English (United Kingdom)." in entry
    assert re.search(r"Reading age: \d+", entry), entry
    assert "Accessibility: This publication has a table of contents" in entry
    assert re.search(r"audio \(MP3, \d+ kB, \d+ mins? and \d+ secs?\)", entry), entry
    assert re.search(r"printed leaflet \(PDF, \d+ kB\)", entry), entry
    # How to ask for another format: the project's contact details.
    assert "To ask for a document in another format or language, contact us." in text
    assert "Phone: 0300 123 4567" in text and "Email: formats@example.org" in text
    # Each document's own words in its language, the page's around them.
    arabic = index.xpath("//article[@lang='ar']")
    assert arabic and arabic[0].get("dir") == "rtl"
    assert index.xpath("//article[@lang='ar']//ul[@class='editions']/@lang") == ["en"]
    # The folders of source/ (the top first), and, since there are several, the
    # languages in each.
    assert index.xpath("//main//h2/text()") == ["English", "ar", "wales"]
    assert [
        " ".join(h.text_content().split()) for h in index.xpath("//section[h2='wales']/h3")
    ] == [
        "English",
        "Welsh (Cymraeg)",
    ]
    assert index.xpath("//link[@rel='alternate']/@type") == ["application/opds+json"]
    assert not index.xpath("//script")


def test_the_feed_describes_each_publication(project: Path) -> None:
    feed = feed_of(project / "build")
    by_title = {p["metadata"]["title"]: p for p in feed["publications"]}
    assert sorted(by_title) == [
        "Feet in Wales",
        "Gofalu am eich traed",
        "Looking After Your Feet",
        "العناية بالقدمين",
    ]
    feet = by_title["Looking After Your Feet"]["metadata"]
    assert feet["publisher"] == "Clearleaf Test Trust"
    assert feet["language"] == "en-GB"
    assert feet["subject"] == ["feet", "diabetes"]
    assert feet["published"] == "2026-01-15"
    assert feet["identifier"].startswith("urn:uuid:")
    assert by_title["العناية بالقدمين"]["metadata"]["readingProgression"] == "rtl"
    audio = [
        link
        for link in by_title["Looking After Your Feet"]["links"]
        if link["type"] == "audio/mpeg"
    ]
    assert audio and audio[0]["duration"] > 1 and audio[0]["size"] > 0
    # The feed's date is the sources', never the clock's.
    assert feed["metadata"]["modified"] == max(
        p["metadata"]["modified"] for p in feed["publications"]
    )


# -- incremental, reproducible, shards -------------------------------------------------------


def _catalogue_bytes(out: Path) -> tuple[bytes, bytes]:
    return (out / catalogue.INDEX).read_bytes(), (out / catalogue.FEED).read_bytes()


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Path]:
    """The project, for builds of the text and e-book editions only (they are quick)."""
    yield _project(tmp_path / "small")


def test_a_build_with_nothing_changed_leaves_them_alone(small: Path) -> None:
    _run(small, "build", "-q", "-f", "txt,epub")
    out = small / "build"
    before = {name: (out / name).stat() for name in (catalogue.INDEX, catalogue.FEED)}
    _run(small, "build", "-q", "-f", "txt,epub")
    for name, stat in before.items():
        now = (out / name).stat()
        assert (now.st_ino, now.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns), name
    # An index edited by hand is written again, as an edition would be.
    (out / catalogue.INDEX).write_text("edited", encoding="utf-8")
    _run(small, "build", "-q", "-f", "txt,epub")
    assert (out / catalogue.INDEX).read_bytes() != b"edited"
    assert (out / catalogue.FEED).stat().st_mtime_ns == before[catalogue.FEED].st_mtime_ns
    # A document changed: the index says so.
    source = small / "source" / "wales" / "feet.md"
    source.write_text(source.read_text().replace("Feet in Wales", "Feet in Cymru"))
    _run(small, "build", "-q", "-f", "txt,epub")
    assert "Feet in Cymru" in (out / catalogue.INDEX).read_text(encoding="utf-8")
    assert "Feet in Wales" not in (out / catalogue.FEED).read_text(encoding="utf-8")


def test_two_builds_give_the_same_bytes(small: Path, tmp_path: Path) -> None:
    _run(small, "build", "-q", "-f", "txt,epub", "--out", str(tmp_path / "one"))
    _run(small, "build", "-q", "-f", "txt,epub", "--out", str(tmp_path / "two"), "-j", "1")
    assert _catalogue_bytes(tmp_path / "one") == _catalogue_bytes(tmp_path / "two")


def test_shards_joined_give_what_one_build_gives(small: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    _run(small, "build", "-q", "-f", "txt,epub", "--out", str(whole))
    joined = tmp_path / "joined"
    for shard in ("1/2", "2/2"):
        folder = tmp_path / f"shard-{shard[0]}"
        _run(small, "build", "-q", "-f", "txt,epub", "--shard", shard, "--out", str(folder))
        # A shard writes its part, not a catalogue of its half.
        assert not (folder / catalogue.INDEX).exists()
        assert (folder / incremental.RECORDS / catalogue.part_name(int(shard[0]), 2)).is_file()
        shutil.copytree(folder, joined, dirs_exist_ok=True)
    result = _run(small, "index", "--out", str(joined))
    assert "listed 4 document(s)" in result.output
    assert _catalogue_bytes(joined) == _catalogue_bytes(whole)


def test_joining_an_incomplete_set_is_refused(small: Path, tmp_path: Path) -> None:
    folder = tmp_path / "shard-1"
    _run(small, "build", "-q", "-f", "txt", "--shard", "1/2", "--out", str(folder))
    result = _run(small, "index", "--out", str(folder), code=2)
    assert "error catalogue.shards: shard 2/2 is missing" in result.output
    assert not (folder / catalogue.INDEX).exists()
    # A file a part lists that is not there is named.
    (folder / incremental.RECORDS / catalogue.part_name(1, 2)).rename(
        folder / incremental.RECORDS / catalogue.part_name(1, 1)
    )
    listed = json.loads((folder / incremental.RECORDS / catalogue.part_name(1, 1)).read_text())
    listed["shard"] = [1, 1]
    (folder / incremental.RECORDS / catalogue.part_name(1, 1)).write_text(json.dumps(listed))
    first = next(iter(next(iter(listed["documents"].values()))["editions"]))
    (folder / first).unlink()
    result = _run(small, "index", "--out", str(folder), code=2)
    assert f"{first}: error catalogue.missing-file" in result.output
    assert "Traceback" not in result.output


def test_links_are_absolute_under_the_projects_address(small: Path) -> None:
    config = small / "clearleaf.toml"
    config.write_text('[project]\nurl_base = "https://leaflets.example.org/"\n\n' + CONFIG)
    _run(small, "build", "-q", "-f", "txt")
    feed = feed_of(small / "build")
    hrefs = [link["href"] for link in feed["links"]] + [
        link["href"] for p in feed["publications"] for link in p["links"]
    ]
    assert all(href.startswith("https://leaflets.example.org/") for href in hrefs), hrefs
    assert schema_errors(feed) == []


def test_a_source_called_index_keeps_its_web_page(small: Path) -> None:
    (small / "source" / "index.md").write_text(
        front_matter("Home") + "## Welcome\n\nOur leaflets.\n", encoding="utf-8"
    )
    result = _run(small, "build", "-f", "html,txt", "source/index.md")
    assert "build/index.html: warning catalogue.taken: the catalogue's index.html is not " in (
        result.output
    )
    assert "Our leaflets." in (small / "build" / catalogue.INDEX).read_text(encoding="utf-8")
    assert feed_of(small / "build")["metadata"]["numberOfItems"] == 1


def test_clean_removes_them_and_a_users_index_is_left_alone(small: Path) -> None:
    out = small / "build"
    _run(small, "build", "-q", "-f", "txt")
    _run(small, "clean")
    assert not out.exists()
    out.mkdir()
    (out / catalogue.INDEX).write_text("my own page")
    result = _run(small, "build", "-f", "txt", code=0)
    assert "warning catalogue.taken" in result.output
    assert (out / catalogue.INDEX).read_text() == "my own page"
    assert (out / catalogue.FEED).is_file()
    _run(small, "clean")
    assert (out / catalogue.INDEX).read_text() == "my own page"


# -- the index page meets the bar of every web page ------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    found = Browser()
    yield found
    found.close()


@pytest.mark.validators
def test_the_index_passes_the_nu_html_checker(project: Path) -> None:
    page = project / "build" / catalogue.INDEX
    findings = validators.vnu([page])[page]
    assert not findings.problems, findings.explain("Nu Html Checker on index.html")


@pytest.mark.validators
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, validators.REFLOW_WIDTH])
def test_the_index_passes_axe(
    project: Path, browser: Browser, width: int, scheme: validators.ColorScheme
) -> None:
    url = (project / "build" / catalogue.INDEX).as_uri()
    findings: Findings = browser.axe(url, width, scheme)
    assert not findings.problems, findings.explain(f"axe-core on index.html at {width} px")
