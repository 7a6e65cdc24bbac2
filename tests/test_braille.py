"""The braille editions: BRF for embossers and displays, PEF with the same cells.

Judged as a braille reader's software would judge them: the bytes and the
page geometry of the BRF, the PEF's XML, and the print text liblouis' own
``lou_translate`` reads back from the cells (tests/braille_read.py), compared
with what the source says.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from braille_read import (
    BOX,
    GRADE1,
    TURN,
    back_translate,
    number,
    pages,
    plain_text,
    plain_words,
    recovered,
    text_lines,
    transcribed,
    words,
)
from click.testing import CliRunner
from conftest import ROOT, Built, Writer
from lxml import etree

from clearleaf import braille, louis, plan
from clearleaf import build as builder
from clearleaf.cli import cli
from clearleaf.context import Context

PEF = "{http://www.daisy.org/ns/2008/pef}"
DC = "{http://purl.org/dc/elements/1.1/}"
REAL = ROOT / "tests" / "real"
#: The share of the source's words that back-translation must recover.
RECOVERED = 0.98
#: English braille's tables: contracted, and uncontracted (for addresses).
UEB = ("en-ueb-g2.ctb", "en-ueb-g1.ctb")


def test_english_is_unified_english_braille_and_welsh_its_own_code() -> None:
    assert braille.code_for("en-GB") == braille.code_for("en")
    english = braille.code_for("en-GB")
    assert english is not None and english.table == "en-ueb-g2.ctb"
    welsh = braille.code_for("cy")
    assert welsh is not None and welsh.table == "cy-cy-g2.ctb"
    assert braille.code_for("yo") is None


@pytest.mark.parametrize("lang", sorted(braille.CODES))
def test_every_language_code_is_installed_and_writes_six_dot_cells(lang: str) -> None:
    code = braille.CODES[lang]
    for table in {code.table, code.uncontracted}:
        assert louis.check_table(table), table
        cells = louis.translate(table, "2026 07 15")
        assert cells and braille.six_dot(cells), (table, cells)


def test_braille_ascii_is_liblouis_own_mapping() -> None:
    """Every one of the 64 cells, as ``en-us-brf.dis`` writes it."""
    text = "What does heroin do? Call 0300 123 4567, 10 mg [twice] {a day} & 50% <more> _ @ ou"
    ours = braille.to_ascii(louis.translate("en-ueb-g2.ctb", text))
    theirs = subprocess.run(
        ["lou_translate", "--forward", "en-us-brf.dis,en-ueb-g2.ctb"],
        input=text + "\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert ours == theirs.upper()
    every = "".join(chr(0x2800 + bits) for bits in range(64))
    assert braille.from_ascii(braille.to_ascii(every)) == every
    assert sorted(braille.ASCII) == [chr(code) for code in range(0x20, 0x60)]


def check_geometry(data: bytes, cells: int = 40, lines: int = 25) -> list[list[str]]:
    """The rules of a BRF: its bytes, each page's lines and width, the page numbers."""
    assert set(data) <= set(range(0x20, 0x60)) | {0x0D, 0x0A, 0x0C}
    assert b"\n" not in data.replace(b"\r\n", b""), "lines end with CR LF"
    laid = pages(data)
    assert laid
    for page_number, page in enumerate(laid, start=1):
        assert len(page) <= lines, (page_number, len(page))
        assert all(len(line) <= cells for line in page), page_number
        head = page[0]
        assert len(head) == cells and head.strip() == head.split()[-1], head
        assert number(head.strip()) == page_number
        assert all(line == line.rstrip() for line in page)
        assert page[1].strip(), f"page {page_number} opens with a blank line"
    return laid


def test_the_leaflets_braille_keeps_the_geometry_and_byte_rules(leaflet: Built) -> None:
    laid = check_geometry(leaflet.read("brf"))
    assert len(laid) >= 10


def test_the_leaflet_reads_back_as_its_text(leaflet: Built) -> None:
    source = plain_words(leaflet.path("txt"))
    read = words(" ".join(back_translate(text_lines(leaflet.read("brf")), *UEB)))
    assert recovered(source, read) >= RECOVERED


def test_a_wrong_transcription_is_caught_by_the_read_back(leaflet: Built) -> None:
    """The check fails on braille that says something else: every other line missing."""
    source = plain_words(leaflet.path("txt"))
    lines = text_lines(leaflet.read("brf"))
    read = words(" ".join(back_translate(lines[::2], *UEB)))
    assert recovered(source, read) < RECOVERED


def test_the_title_and_organisation_open_the_first_page(leaflet: Built) -> None:
    first = pages(leaflet.read("brf"))[0]
    title, organisation = [line for line in first[1:] if line.strip()][:2]
    back = back_translate([title.strip(), organisation.strip()], "en-ueb-g2.ctb")
    assert words(back[0]) == words(leaflet.meta.title)
    assert words(back[1]) == words(leaflet.meta.organisation)
    # Centred: as many blank cells before as after, give or take one.
    for line in (title, organisation):
        before = len(line) - len(line.lstrip())
        assert abs(before - (40 - len(line))) <= 1


def test_print_page_indicators_stand_where_the_leaflets_pages_turn(leaflet: Built) -> None:
    from test_pagination import agrees, key, pdf_pages

    printed = pdf_pages(leaflet.path("pdf"))
    lines = [line for page in pages(leaflet.read("brf")) for line in page[1:]]
    turns: dict[int, list[str]] = {}
    for index, line in enumerate(lines):
        found = TURN.match(line)
        if found:
            following = [
                text.strip()
                for text in lines[index + 1 : index + 6]
                if text.strip() and not BOX.match(text)
            ]
            back = back_translate(following, *UEB)
            turns[number(found[1])] = [key(word) for word in " ".join(back).split() if key(word)]
    assert sorted(turns) == list(range(2, len(printed) + 1))
    for page_number, page_words in enumerate(printed[1:], start=2):
        assert agrees(page_words, turns[page_number], slack=2), (
            page_number,
            page_words[:4],
            turns[page_number][:6],
        )


def test_the_pef_holds_the_brfs_cells(leaflet: Built) -> None:
    root = etree.fromstring(leaflet.read("pef"))
    assert root.tag == f"{PEF}pef" and root.get("version") == "2008-1"
    meta = root.find(f"{PEF}head/{PEF}meta")
    assert meta is not None
    assert meta.findtext(f"{DC}title") == leaflet.meta.title
    assert meta.findtext(f"{DC}language") == leaflet.meta.lang
    assert (meta.findtext(f"{DC}identifier") or "").startswith("urn:uuid:")
    assert meta.findtext(f"{DC}format") == "application/x-pef+xml"
    (volume,) = root.iter(f"{PEF}volume")
    assert (volume.get("cols"), volume.get("rows")) == ("40", "25")
    rows = [[row.text or "" for row in page.iter(f"{PEF}row")] for page in root.iter(f"{PEF}page")]
    for page in rows:
        assert len(page) <= 25
        for row in page:
            assert len(row) <= 40 and braille.six_dot(row)
    brf = pages(leaflet.read("brf"))
    assert [[braille.to_ascii(row).rstrip() for row in page] for page in rows] == brf
    # And read back, the PEF's Unicode cells say what the BRF's ASCII says.
    pef_text = subprocess.run(
        ["lou_translate", "--backward", "unicode.dis,en-ueb-g2.ctb"],
        input="\n".join(row.strip("\u2800") for page in rows for row in page[1:]) + "\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pef_text = re.sub(r"\\\d+/", "", pef_text)
    brf_text = back_translate([line.strip() for page in brf for line in page[1:]], "en-ueb-g2.ctb")
    assert words(pef_text) == words(" ".join(brf_text))


PEF_SCHEMA = ROOT / "tests" / "schemas" / "pef" / "pef-2008-1.rng"


def pef_problems(data: bytes) -> list[str]:
    """What the PEF 2008-1 RELAX NG schema, and its Schematron's two rules (XPath 2.0,
    which lxml cannot run, so here in Python), find wrong in ``data``."""
    schema = etree.RelaxNG(etree.parse(str(PEF_SCHEMA)))
    root = etree.fromstring(data)
    problems = [] if schema.validate(root) else [str(e) for e in schema.error_log]
    for volume in root.iter(f"{PEF}volume"):
        cols, rows = int(volume.get("cols", "0")), int(volume.get("rows", "0"))
        for page in volume.iter(f"{PEF}page"):
            if len(page.findall(f"{PEF}row")) > rows:
                problems.append("[Rule 1] the rows do not fit the page")
            problems += [
                f"[Rule 2] a row of {len(row.text or '')} cells in {cols} columns"
                for row in page.iter(f"{PEF}row")
                if len(row.text or "") > cols
            ]
    return problems


def test_the_pef_is_valid_pef_2008_1(leaflet: Built) -> None:
    assert pef_problems(leaflet.read("pef")) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<row>\u2800", "<row>ABC"),  # not braille
        ('cols="40"', 'cols="30"'),  # rows longer than the page is wide
        ('rows="25"', 'rows="5"'),  # more rows than the page holds
        ("<dc:format>", "<dc:form>"),  # not PEF's metadata
    ],
)
def test_the_pef_check_fails_on_a_damaged_file(leaflet: Built, old: str, new: str) -> None:
    text = leaflet.read("pef").decode("utf-8")
    assert old in text
    damaged = text.replace(old, new, 1).replace("</dc:format>", "</dc:form>", new == "<dc:form>")
    assert pef_problems(damaged.encode("utf-8")) != []


def test_other_editions_offer_braille(leaflet: Built) -> None:
    text = leaflet.read("txt").decode("utf-8")
    assert "- Braille: what-does-heroin-do-to-the-brain.brf" in text
    assert b"braille" in leaflet.read("html")


# -- a document with contact details, emphasis, code and a Welsh passage -------

CONTACTS = """\
---
title: Looking After Your Feet
lang: en-GB
organisation: Example NHS Foundation Trust
description: Daily checks for people with diabetes.
published: 2026-03-01
next_review: 2027-03-01
contact:
  phone: 0300 123 1110
  email: foot.care@example.nhs.uk
  web: https://www.example.nhs.uk/services/foot-care/
---

## Checking your feet

Check your feet **every day**. If you see a cut, call us on 0300 123 1110 or
email foot.care@example.nhs.uk. Run `check-feet --daily` if you use the app.

In Welsh: [Gwiriwch eich traed bob dydd]{lang=cy}.

1. Wash them in warm water.
2. Dry them well, between the toes too.

The app's two commands:

```
check-feet --daily
check-feet --weekly
```
"""


@pytest.fixture(scope="module")
def contacts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("contacts")
    source = folder / "feet.md"
    source.write_text(CONTACTS, encoding="utf-8")
    report = builder.build(
        [source], plan.resolve_formats(["braille", "pef", "txt"]), folder / "out", Context()
    )
    assert not report.failed, [str(d) for d in report.diagnostics]
    return folder / "out" / "feet.brf", folder / "out" / "feet.txt"


def test_contact_details_back_translate_exactly(contacts: tuple[Path, Path]) -> None:
    brf, _txt = contacts
    lines = text_lines(brf.read_bytes())
    addresses = [line.split(GRADE1, 1)[1] for line in lines if GRADE1 in line]
    read = back_translate(addresses, "en-ueb-g1.ctb")
    assert "foot.care@example.nhs.uk" in read
    assert "https://www.example.nhs.uk/services/foot-care/" in read
    # The phone number is in numbers, the same in every grade.
    whole = " ".join(back_translate(lines, "en-ueb-g2.ctb"))
    assert whole.count("0300 123 1110") >= 2


def test_the_check_of_addresses_fails_on_contracted_ones() -> None:
    """Contracted, as running text is, the web address does not read back as written."""
    cells = braille.to_ascii(
        louis.translate("en-ueb-g2.ctb", "https://www.example.nhs.uk/services/foot-care/")
    )
    assert back_translate([cells], "en-ueb-g2.ctb") != [
        "https://www.example.nhs.uk/services/foot-care/"
    ]


def test_emphasis_code_lists_and_passages_keep_their_braille(contacts: tuple[Path, Path]) -> None:
    brf, _txt = contacts
    data = brf.read_bytes()
    check_geometry(data)
    text = " ".join(text_lines(data))
    # Bold: UEB's bold word indicator (dots 45 2) before "every".
    assert '^1E ^1"D' in text
    # Commands, uncontracted after the grade 1 indicator; each line of code
    # begins where the one before it did.
    assert ";;CHECK-FEET" in text
    lines = [line for page in pages(data) for line in page]
    first = next(i for i, line in enumerate(lines) if line.strip() == ";;;CHECK-FEET --DAILY;'")
    assert lines[first + 1].startswith(
        lines[first][: len(lines[first]) - len(lines[first].lstrip())]
    )
    assert lines[first + 1].strip() == ";;;CHECK-FEET --WEEKLY;'"
    # The list keeps its numbers: #A4 and #B4 open the items.
    assert "#A4 ,WA% !M" in text and "#B4 ,DRY" in text
    # The Welsh passage is in Welsh braille, not English.
    welsh = braille.to_ascii(louis.translate("cy-cy-g2.ctb", "Gwiriwch eich traed bob dydd"))
    english = braille.to_ascii(louis.translate("en-ueb-g2.ctb", "Gwiriwch eich traed bob dydd"))
    assert welsh != english
    assert welsh in text


# -- real documents ------------------------------------------------------------


@pytest.mark.parametrize("name", ["va-depression.md", "healthcare-gov-preventive-care-benefits.md"])
def test_real_documents_read_back_as_their_text(name: str, tmp_path: Path) -> None:
    brf, txt = _build_real(name, tmp_path)
    check_geometry(brf.read_bytes())
    read = words(" ".join(back_translate(text_lines(brf.read_bytes()), *UEB)))
    assert recovered(plain_words(txt), read) >= RECOVERED


def test_a_real_welsh_document_is_in_welsh_braille(tmp_path: Path) -> None:
    """Welsh grade 2, judged word by word against liblouis' own transcription of each word.

    liblouis 3.24 cannot read Welsh grade 2 back reliably: its Welsh tables give one
    cell two meanings (dots 34 is "st" and the word "stori", dots 256 a full stop
    and a lowered 4), so back-translation recovers about four words in five of any
    Welsh text. It is measured too, so that a worse transcription still shows.
    """
    brf, txt = _build_real("statscymru-accessibility-statement-cy.md", tmp_path)
    data = brf.read_bytes()
    check_geometry(data)
    assert transcribed(plain_text(txt, "cy"), data, "cy-cy-g2.ctb") >= 0.97
    english = transcribed(plain_text(txt, "cy"), data, "en-ueb-g2.ctb")
    assert english < 0.9, "the Welsh text is not transcribed as English"
    read = words(" ".join(back_translate(text_lines(data), "cy-cy-g2.ctb", "cy-cy-g1.utb")))
    assert recovered(plain_words(txt, "cy"), read) >= 0.75


def _build_real(name: str, folder: Path) -> tuple[Path, Path]:
    shutil.copy(REAL / name, folder / name)
    report = builder.build(
        [folder / name], plan.resolve_formats(["braille", "txt"]), folder / "out", Context()
    )
    assert not report.failed, [str(d) for d in report.diagnostics]
    stem = Path(name).stem
    return folder / "out" / f"{stem}.brf", folder / "out" / f"{stem}.txt"


# -- settings and mistakes -----------------------------------------------------


def test_the_page_size_is_set_in_the_front_matter(write: Writer, tmp_path: Path) -> None:
    source = write(CONTACTS.replace("---\n\n", "braille_cells: 32\nbraille_lines: 28\n---\n\n", 1))
    result = CliRunner().invoke(
        cli, ["build", str(source), "--format", "braille", "--format", "pef", "--out", "out"]
    )
    assert result.exit_code in (0, 1), result.output
    laid = check_geometry(Path("out/doc.brf").read_bytes(), cells=32, lines=28)
    assert max(len(page) for page in laid) > 25
    root = etree.fromstring(Path("out/doc.pef").read_bytes())
    (volume,) = root.iter(f"{PEF}volume")
    assert (volume.get("cols"), volume.get("rows")) == ("32", "28")


def test_a_page_size_out_of_range_is_refused_with_its_line(write: Writer) -> None:
    source = write(CONTACTS.replace("---\n\n", "braille_cells: 80\n---\n\n", 1))
    result = CliRunner().invoke(cli, ["check", str(source)])
    assert result.exit_code == 2
    assert (
        "doc.md:12:1: error meta.wrong-type: 'braille_cells' must be a whole number from 20 to 50"
        in result.output
    )


def test_a_language_without_a_braille_code_is_an_error_naming_those_with_one(
    write: Writer,
) -> None:
    source = write(CONTACTS.replace("lang: en-GB", "lang: yo"))
    result = CliRunner().invoke(cli, ["build", str(source), "--format", "braille", "--out", "out"])
    assert result.exit_code == 2, result.output
    assert (
        "doc.md:3:1: error braille.no-code: liblouis has no braille code for the language 'yo'"
        in result.output
    )
    assert "cy, da, de" in result.output
    assert not Path("out/doc.brf").exists()


def test_without_liblouis_the_build_says_what_to_install(tmp_path: Path) -> None:
    source = tmp_path / "doc.md"
    source.write_text(CONTACTS, encoding="utf-8")
    env = {"CLEARLEAF_LIBLOUIS": str(tmp_path / "liblouis.so.20"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [
            str(Path(__import__("sys").executable)),
            "-m",
            "clearleaf",
            "build",
            str(source),
            "--format",
            "braille",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert "liblouis" in result.stderr and "apt-get install liblouis-data" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_report_gives_the_braille_page_count(write: Writer) -> None:
    source = write(CONTACTS)
    result = CliRunner().invoke(
        cli,
        ["build", str(source), "--format", "braille", "--out", "out", "--report", "r.json", "-v"],
    )
    assert result.exit_code in (0, 1), result.output
    laid = pages(Path("out/doc.brf").read_bytes())
    assert f"{len(laid)} pages" in result.output
    (document,) = json.loads(Path("r.json").read_text(encoding="utf-8"))["documents"]
    (output,) = document["outputs"]
    assert output["pages"] == len(laid)


def test_the_readme_lists_every_braille_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([a-z]{2,3})` \| [^|]+ \| `([^`]+)` \|$", readme, re.MULTILINE)
    assert listed == [(lang, code.table) for lang, code in sorted(braille.CODES.items())]


def test_the_constructs_braille_matches_its_golden_file(constructs: Built) -> None:
    """The reviewed braille of every construct, one Braille ASCII line a line (form feeds
    as ``~`` lines), to be read in a review. Regenerate with ``UPDATE_GOLDEN=1``."""
    golden = ROOT / "tests" / "golden" / "constructs.brf.txt"
    shown = "\n".join("\n".join([*page, "~"]) for page in pages(constructs.read("brf"))) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(shown, encoding="utf-8")
    assert golden.is_file(), "no golden braille; run with UPDATE_GOLDEN=1 and review it"
    assert shown.splitlines() == golden.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data.replace(b"\r\n", b"\n", 1), id="a bare LF"),
        pytest.param(lambda data: data.replace(b",", b"a", 1), id="a lower-case byte"),
        pytest.param(lambda data: data.replace(b"\r\n", b"X" * 41 + b"\r\n", 2), id="41 cells"),
        pytest.param(lambda data: data.replace(b"\f", b"", 1), id="a page too long"),
        pytest.param(
            lambda data: data.replace(b" #B\r\n", b" #C\r\n", 1), id="a wrong page number"
        ),
        pytest.param(lambda data: data[:-1], id="no form feed at the end"),
    ],
)
def test_the_geometry_check_fails_on_a_damaged_file(leaflet: Built, damage: Any) -> None:
    data = leaflet.read("brf")
    check_geometry(data)
    with pytest.raises(AssertionError):
        check_geometry(damage(data))
