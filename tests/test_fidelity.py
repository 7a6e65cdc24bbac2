"""Every edition says exactly what the source says: tables, numbering, code, scripts, symbols.

``fixtures/fidelity.md`` holds what real documents lost in some edition: a
six-column dose table, numbered steps that start at 3 and lists numbered
a., iv., A) and (2), code that a font would join into ligatures, seven
scripts, superscripts, a quotation, a symbol and a footnote. It is built in
every edition and read back as a reader would (tests/readback.py); each
read-back check is also shown failing on a broken output.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
import readback
import weasyprint
from conftest import FIXTURES, PRINTED_SUFFIXES
from helpers import front_matter
from validators import pdftotext

from clearleaf import build as builder
from clearleaf import plan
from clearleaf.context import STYLES_DIR, Context
from clearleaf.document import load
from clearleaf.formats import pdftags, tables
from clearleaf.formats.txt import SUPERSCRIPTS, raised

FIDELITY = FIXTURES / "fidelity.md"
READ_IN_ORDER = [".pdf", "-large-print.pdf", "-print.pdf"]

#: Each passage of fidelity.md in another script, by language.
PASSAGES = {
    "bn": "নিয়মিত আপনার পা পরীক্ষা করুন",
    "hi": "अपने पैरों की रोज़ जाँच करें और डॉक्टर से मिलें",
    "ta": "உங்கள் கால்களை தினமும் பரிசோதிக்கவும்",
    "pa": "ਆਪਣੇ ਪੈਰਾਂ ਦੀ ਰੋਜ਼ਾਨਾ ਜਾਂਚ ਕਰੋ",
    "ar": "افحص قدميك كل يوم في المنزل",
    "ur": "اپنے پیروں کو روزانہ چیک کریں",
    "he": "בדקו את כפות הרגליים שלכם כל יום",
}


def build_into(
    source: Path, out: Path, formats: list[str] | None = None, styles: Path = STYLES_DIR
) -> Path:
    report = builder.build(
        [source],
        plan.resolve_formats(formats or []),
        out,
        Context(styles=styles, source_date_epoch=None),
    )
    assert not report.failed, [str(d) for d in report.diagnostics]
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """fidelity.md in every edition."""
    return build_into(FIDELITY, tmp_path_factory.mktemp("fidelity"))


def output(built: Path, suffix: str) -> Path:
    return built / f"fidelity{suffix}"


def layout_text(path: Path) -> str:
    """pdftotext's text in its layout order (list markers before their items)."""
    return readback.pdf_text(path, raw=False, furniture="Clearleaf Test Trust")


def test_every_edition_reads_back_whole(built: Path) -> None:
    """Every word, list number and piece of code, in every edition, and no glyph off the page."""
    outputs = {
        suffix: output(built, suffix) for suffix in [*PRINTED_SUFFIXES, ".txt", ".html", ".epub"]
    }
    assert readback.all_problems(load(FIDELITY), outputs) == []


# -- 1. tables fit the page ----------------------------------------------------------


@pytest.mark.parametrize("edition", PRINTED_SUFFIXES)
def test_no_glyph_outside_the_text_area(built: Path, edition: str) -> None:
    assert readback.glyphs_outside(output(built, edition), edition) == []


@pytest.mark.parametrize("edition", READ_IN_ORDER)
def test_a_table_too_wide_for_the_page_is_read_as_records(built: Path, edition: str) -> None:
    # Compared without spaces and hyphens: a record's lines wrap where the page
    # ends them, and pdftotext drops a hyphen that ends a line.
    text = "".join(layout_text(output(built, edition)).split()).replace("-", "")
    for record in (
        "Medicine: Paracetamol",
        "Dose for children: 10 mg/kg to 15 mg/kg",
        "Where to get it: https://www.nhs.uk/medicines/paracetamol-for-adults/",
        "Medicine: Methylprednisolonehemisuccinate",
    ):
        assert "".join(record.split()).replace("-", "") in text, record
    with pikepdf.open(output(built, edition)) as pdf:
        kinds = [str(node.get("/S")) for node in _structure(pdf.Root.StructTreeRoot)]
    # The narrow table stays a table, with its header cells.
    assert kinds.count("/Table") == 1 and "/TH" in kinds


def _structure(node: object) -> list[pikepdf.Dictionary]:
    found = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(item)
        elif isinstance(item, pikepdf.Dictionary):
            if "/S" in item:
                found.append(item)
            if "/K" in item:
                stack.append(item.K)
    return found


def _weasyprint(html: str) -> weasyprint.Document:
    return weasyprint.HTML(string=html).render()


OVERFLOWING = (
    "<style>@page { size: A5; margin: 14mm } p { white-space: nowrap }</style>"
    "<p>A line far too long for the page it is printed on, which runs off its edge.</p>"
)


def test_the_layout_check_finds_text_beyond_the_text_area(tmp_path: Path) -> None:
    document = _weasyprint(OVERFLOWING)
    assert tables.outside(document) == [
        "A line far too long for the page it is printed on, which runs off its edge."
    ]
    assert tables.outside(_weasyprint("<p>Short.</p>")) == []
    wide = _weasyprint(
        '<style>@page { size: A5 }</style><table data-print-table="0" style="width: 200%">'
        "<tr><td>a</td></tr></table>"
    )
    assert tables.wide_tables(wide) == {"0"}


def test_the_glyph_check_fails_on_a_page_that_overflows(tmp_path: Path) -> None:
    pdf = tmp_path / "over.pdf"
    pdf.write_bytes(_weasyprint(OVERFLOWING).write_pdf())
    found = readback.glyphs_outside(pdf, ".pdf")
    assert found and "outside the text area" in found[0]


def test_overflow_is_an_error_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a page hold text beyond its text area, the build says where and writes nothing."""
    source = tmp_path / "over.md"
    source.write_text(front_matter() + "Intro.\n\nA paragraph that runs off.\n", encoding="utf-8")
    monkeypatch.setattr(tables, "outside", lambda document: ["A paragraph that runs off."])
    report = builder.build([source], plan.resolve_formats(["pdf"]), tmp_path / "out")
    assert [(d.code, d.location.line) for d in report.input_errors] == [("pdf.overflow", 17)]
    assert "runs beyond the edge of the page's text area" in report.input_errors[0].message
    assert not (tmp_path / "out" / "over.pdf").exists()


def test_large_print_sets_a_wide_table_smaller_before_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The order of the attempts: as it is, at 16 pt (large print), then as records."""
    markups: list[str] = []
    answers = iter([{"0"}, set()])
    monkeypatch.setattr(tables, "wide_tables", lambda document: next(answers))
    tables.fit("<table><tr><td>x</td></tr></table>", markups.append, smaller=True)
    assert 'class="table-smaller"' not in markups[0]
    assert 'class="table-smaller"' in markups[1]
    assert len(markups) == 2 and "table-records" not in markups[1]
    markups.clear()
    answers = iter([{"0"}])
    tables.fit(
        "<table><thead><tr><th>H</th></tr></thead><tr><td>x</td></tr></table>", markups.append
    )
    assert len(markups) == 2 and '<div class="table-records">' in markups[1]
    assert "<strong>H:</strong> x" in markups[1]


# -- 2. numbered lists keep their numbers ------------------------------------------------


NUMBERED = [
    "3. Wash",
    "4. Take",
    "a. With",
    "b. With",
    "iv. Fourth",
    "v. Fifth",
    "A) Upper",
    "B) Another",
    "(2) In",
    "(3) Another",
]


@pytest.mark.parametrize("edition", [*READ_IN_ORDER, ".txt"])
def test_lists_keep_their_numbers(built: Path, edition: str) -> None:
    path = output(built, edition)
    text = layout_text(path) if path.suffix == ".pdf" else path.read_text(encoding="utf-8")
    flat = " ".join(text.split())
    assert [item for item in NUMBERED if item not in flat] == []


@pytest.mark.parametrize("edition", [".html", ".epub"])
def test_screen_editions_number_lists_as_written(built: Path, edition: str) -> None:
    page = readback.screen_markup(output(built, edition))
    for tag in (
        '<ol start="3" type="1">',
        '<ol class="list-lower-alpha" type="a">',
        '<ol class="list-lower-roman" start="4" type="i">',
        '<ol class="list-upper-alpha list-paren" type="A">',
        '<ol class="list-parens" start="2" type="1">',
    ):
        assert tag in page, tag
    css = (STYLES_DIR / "base.css").read_text(encoding="utf-8")
    assert "ol.list-paren.list-upper-alpha { list-style-type: clearleaf-upper-alpha-paren; }" in css


def test_the_marker_check_fails_when_a_list_restarts() -> None:
    items = [("3.", "Wash"), ("4.", "Take")]
    assert readback.missing_markers(items, "1. Wash your hands. 2. Take it.") == [
        "3. Wash",
        "4. Take",
    ]
    assert readback.missing_markers(items, "3. Wash your hands. 4. Take it.") == []


# -- 3. code prints and copies as written ------------------------------------------------


@pytest.mark.parametrize("edition", READ_IN_ORDER)
def test_code_reads_back_as_written(built: Path, edition: str) -> None:
    text = readback.pdf_text(output(built, edition))
    for piece in ("git config --global user.name", "a == b", "a -> b", "a != b", "<!-- x -->"):
        assert piece in " ".join(text.split()), piece
    assert "pandoc --from=markdown --to=html5 ==> out.html" in " ".join(text.split())


def test_with_ligatures_code_would_read_back_otherwise(tmp_path: Path) -> None:
    """The code check fails when the styles let JetBrains Mono join its characters."""
    styles = tmp_path / "styles"
    shutil.copytree(STYLES_DIR, styles)
    base = styles / "base.css"
    css = base.read_text(encoding="utf-8")
    css = css.replace("font-variant-ligatures: none;", "").replace(
        'font-feature-settings: "liga" 0, "clig" 0, "calt" 0;', ""
    )
    base.write_text(css, encoding="utf-8")
    out = build_into(FIDELITY, tmp_path / "out", ["pdf"], styles=styles)
    text = readback.pdf_text(out / "fidelity.pdf")
    assert readback.missing_code(["git config --global user.name", "a == b"], text) != []


# -- 4. every script reads back from every PDF ---------------------------------------------


@pytest.mark.parametrize("edition", PRINTED_SUFFIXES)
@pytest.mark.parametrize("lang", sorted(PASSAGES))
def test_every_word_of_every_script_reads_back(built: Path, lang: str, edition: str) -> None:
    """A word-level round trip: every word (Unicode letters and marks) as written."""
    text = readback.pdf_text(output(built, edition))
    expected = readback.words(PASSAGES[lang])
    assert readback.missing_words(expected, text) == []


def test_without_actual_text_shaped_scripts_read_back_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The round trip fails on a PDF whose runs carry only their glyphs' character maps."""
    monkeypatch.setattr(pdftags, "_marked", pdftags._MARKED_ORIGINAL)
    out = build_into(FIDELITY, tmp_path / "out", ["pdf"])
    text = readback.pdf_text(out / "fidelity.pdf")
    lost = [
        lang
        for lang, passage in PASSAGES.items()
        if readback.missing_words(readback.words(passage), text)
    ]
    assert {"hi", "bn"} <= set(lost), lost


# -- 5. the text edition keeps what the others show -----------------------------------------


def test_the_text_edition_keeps_meaning(built: Path) -> None:
    text = output(built, ".txt").read_text(encoding="utf-8")
    assert "A count of 10⁹/L, water is H₂O, and [crossed out: 400 mg] is no longer" in " ".join(
        text.split()
    )
    assert "> Ask for help early; it is never too late." in text.splitlines()
    assert "    pandoc --from=markdown --to=html5 ==> out.html" in text.splitlines()
    # The key message, as on the leaflet's front panel.
    assert "Doses in a wide table, numbered steps, code, scripts and symbols" in " ".join(
        text.split()
    )


def test_text_raises_what_unicode_can_and_marks_the_rest() -> None:
    assert raised("10", SUPERSCRIPTS, "^") == "¹⁰"
    assert raised("2;", SUPERSCRIPTS, "^") == "^(2;)"


def test_heading_levels_are_told_apart(tmp_path: Path) -> None:
    source = tmp_path / "levels.md"
    body = "".join(f"{'#' * level} Level {level}\n\nText.\n\n" for level in range(2, 7))
    source.write_text(front_matter() + body, encoding="utf-8")
    out = build_into(source, tmp_path / "out", ["txt", "pdf"])
    lines = (out / "levels.txt").read_text(encoding="utf-8").splitlines()
    marks = [lines[lines.index(f"Level {level}") + 1][0] for level in range(2, 7)]
    assert marks == ["-", "~", "^", '"', "'"]
    # -- 6. the PDF outline holds every heading level.
    with pikepdf.open(out / "levels.pdf") as pdf, pdf.open_outline() as outline:
        depth = 0
        item: pikepdf.OutlineItem | None = outline.root[0]
        while item is not None:
            depth += 1
            children = [child for child in item.children if child.title.startswith("Level")]
            item = children[0] if children else None
    assert depth == 6  # the title, then levels 2 to 6


# -- 6. symbols, back-links -------------------------------------------------------------------


def test_a_symbol_a_project_font_prints_is_printed_and_not_reported(built: Path) -> None:
    from clearleaf.a11y import run_checks

    assert [d for d in run_checks(load(FIDELITY)) if d.code == "pdf.missing-glyph"] == []
    text = readback.pdf_text(output(built, ".pdf"))
    assert 'The symbol ∈ means "is a member of"' in " ".join(text.split()).replace(
        "“", '"'
    ).replace("”", '"')
    fonts = subprocess.run(
        ["pdffonts", str(output(built, ".pdf"))], capture_output=True, text=True, check=True
    ).stdout
    assert "JetBrains-Mono" in fonts


def test_footnote_back_links_are_for_screens_only(built: Path) -> None:
    html = output(built, ".html").read_text(encoding="utf-8")
    assert 'class="footnote-back"' in html
    for edition in READ_IN_ORDER:
        assert "↩" not in readback.pdf_text(output(built, edition))


def test_pdftotext_is_there() -> None:
    assert Path(pdftotext()).is_file()
