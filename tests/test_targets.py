"""Links as real documents write them: resolved against a base address, or published as text.

Site-relative and relative links, template placeholders and links to places
the document does not have are found with their line (clearleaf.targets) and
never published broken: no edition links outside itself to a file that is not
there, and the e-book references nothing outside its container. Generic link
text is a warning whose suggestion fits the document (clearleaf.a11y.links).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import Writer
from helpers import REQUIRED_FRONT_MATTER, front_matter, pdf_pages_text

from clearleaf import build as builder
from clearleaf import plan
from clearleaf.a11y import run_checks
from clearleaf.ast import walk
from clearleaf.context import Context
from clearleaf.document import load
from clearleaf.errors import Severity
from clearleaf.verdict import judge

BODY = (
    "See [colds](/conditions/cold) and [the next page](getting-diagnosed).\n\n"  # line 10
    "[Find a clinic]({{ findersBaseUrl }}/clinics) near you.\n\n"  # line 12
    "Back to [the top](#every-day) or [nowhere](#no-such-place).\n\n"  # line 14
    "Read [the other leaflet](other-leaflet.md).\n\n"  # line 16
    "## Every Day\n"
)


def targets(path: Path) -> list[str]:
    """Every link address in the loaded document, in order."""
    return [str(node["c"][2][0]) for node in walk(load(path).blocks) if node["t"] == "Link"]


def messages(path: Path) -> list[str]:
    return [
        f"{d.location.line} {d.severity.value} {d.code}"
        for d in load(path).diagnostics
        if d.code.startswith("source.link")
    ]


def test_without_a_base_relative_links_become_text(write: Writer) -> None:
    path = write(REQUIRED_FRONT_MATTER + BODY)
    assert targets(path) == ["#every-day"]
    assert messages(path) == [
        "10 warning source.link-unresolved",
        "10 warning source.link-unresolved",
        "12 warning source.link-unresolved",
        "14 warning source.link-unresolved",
        "16 warning source.link-unresolved",
    ]
    found = {d.message for d in load(path).diagnostics}
    assert any("an address on the website it came from" in m and "link_base" in m for m in found)
    assert any("template's placeholder" in m for m in found)
    assert any("'#no-such-place', which no heading" in m for m in found)
    html = load(path).body_html
    for words in ("colds", "the next page", "Find a clinic", "nowhere", "the other leaflet"):
        assert words in html
    assert len(re.findall(r"<a ", html)) == 1


def test_a_link_base_resolves_them(write: Writer) -> None:
    extra = "link_base: https://www.example.org/health/\n"
    path = write(front_matter(title="Links", extra=extra) + BODY)
    assert targets(path) == [
        "https://www.example.org/conditions/cold",
        "https://www.example.org/health/getting-diagnosed",
        "#every-day",
        "https://www.example.org/health/other-leaflet.html",
    ]
    found = [m.split(" ", 1)[1] for m in messages(path)]
    # A placeholder and a place the document lacks are never resolved.
    assert sorted(found) == sorted(
        ["note source.link-resolved"] * 3 + ["warning source.link-unresolved"] * 2
    )


def test_the_web_versions_address_is_the_base_by_default(write: Writer) -> None:
    extra = "url: https://leaflets.example.org/colds/colds-and-flu.html\n"
    path = write(front_matter(title="Links", extra=extra) + BODY)
    assert targets(path)[:2] == [
        "https://leaflets.example.org/conditions/cold",
        "https://leaflets.example.org/colds/getting-diagnosed",
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("links")
    source = folder / "links.md"
    source.write_text(
        front_matter(title="Links")
        + BODY
        + "\nCall <https://111.nhs.uk> or see [NHS 111](https://111.nhs.uk/help).\n",
        encoding="utf-8",
    )
    out = folder / "out"
    report = builder.build([source], plan.resolve_formats([]), out, Context(source_date_epoch=None))
    assert not report.failed, [str(d) for d in report.diagnostics]
    return out


def test_the_ebook_references_nothing_outside_itself(built: Path) -> None:
    with zipfile.ZipFile(built / "links.epub") as book:
        names = set(book.namelist())
        for name in names:
            if not name.endswith(".xhtml"):
                continue
            folder = name.rpartition("/")[0]
            for href in re.findall(r'href="([^"]*)"', book.read(name).decode("utf-8")):
                if re.match(r"[a-z]+:", href) or href.startswith("#"):
                    continue
                target = f"{folder}/{href.split('#')[0]}".lstrip("/")
                assert target in names, (name, href)


def test_an_autolink_is_printed_once(built: Path) -> None:
    text = " ".join(" ".join(pdf_pages_text(built / "links.pdf")).split())
    assert text.count("https://111.nhs.uk/help") == 1  # the address after the words
    assert "Call https://111.nhs.uk or" in text  # the address that is the link's words
    assert "https://111.nhs.uk (https://111.nhs.uk)" not in text


# -- link text ------------------------------------------------------------------------


def link_findings(write: Writer, body: str, lang: str = "en-GB") -> list[tuple[str, str, str]]:
    document = load(write(front_matter(title="Links", lang=lang) + body))
    return [
        (d.code, d.severity.value, d.message)
        for d in run_checks(document)
        if d.code.startswith("a11y.link")
    ]


def test_generic_link_text_is_a_warning_with_a_fitting_suggestion(write: Writer) -> None:
    found = link_findings(
        write, "For flu, [click here](https://www.nhs.uk/conditions/flu/).\n\n## Every Day\n"
    )
    assert [(code, severity) for code, severity, _ in found] == [("a11y.link-text", "warning")]
    assert "[Flu on nhs.uk](https://www.nhs.uk/conditions/flu/)" in found[0][2]
    assert "opioids" not in found[0][2]


@pytest.mark.parametrize(
    ("body", "suggestion"),
    [
        ("[here](#every-day)\n\n## Every Day\n", "[Every Day](#every-day)"),
        ("[here](mailto:flu@example.org)\n", "[Email flu@example.org](mailto:flu@example.org)"),
        ("[here](tel:111)\n", "[Call 111](tel:111)"),
    ],
)
def test_suggestions_fit_the_link(write: Writer, body: str, suggestion: str) -> None:
    (_, _, message), *_ = link_findings(write, body)
    assert suggestion in message


def test_an_empty_link_is_an_error(write: Writer) -> None:
    found = link_findings(write, "Call [](tel:111) now.\n")
    assert [(code, severity) for code, severity, _ in found] == [("a11y.link-empty", "error")]


def test_generic_words_of_the_documents_language(write: Writer) -> None:
    found = link_findings(write, "Am gyngor, [cliciwch yma](https://example.org/cyngor).\n", "cy")
    assert [(code, severity) for code, severity, _ in found] == [("a11y.link-text", "warning")]
    arabic = link_findings(write, "للمساعدة [اضغط هنا](https://example.org/help).\n", "ar")
    assert [code for code, _, _ in arabic] == ["a11y.link-text"]


def test_a_language_without_a_list_is_checked_in_english_and_says_so(write: Writer) -> None:
    found = link_findings(write, "உதவி [click here](https://example.org/help).\n", "ta")
    assert [(code, severity) for code, severity, _ in found] == [
        ("a11y.link-text", "warning"),
        ("a11y.link-text-language", "note"),
    ]
    assert "English only" in found[1][2]


def test_strict_and_the_conformance_claim_refuse_generic_link_text(write: Writer) -> None:
    extra = "certified_by: Clearleaf Test Trust\n"
    clean = load(
        write(
            front_matter(title="Links", extra=extra)
            + "Read [flu advice](https://example.org/flu).\n"
        )
    )
    assert judge(clean).claimed
    vague = load(
        write(front_matter(title="Links", extra=extra) + "Read [more](https://example.org/flu).\n")
    )
    found = judge(vague)
    assert not found.claimed
    assert found.publishable()
    assert not found.publishable(strict=True)
    assert any(d.severity is Severity.WARNING for d in found.diagnostics)
