"""The readability report (clearleaf.readability) and its check, ``readability.reading-age``.

Syllable counts are checked against the CMU Pronouncing Dictionary, the
formulas against figures worked out by hand, sentence splitting on the cases
that trip splitters up, and the leaflet, which reads far above its target, for
its figures and the lines of its hardest sentences.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LEAFLET_SOURCE
from helpers import front_matter

from clearleaf import readability
from clearleaf.a11y import CHECKS, run_checks
from clearleaf.cli import cli
from clearleaf.document import Document, load
from clearleaf.errors import Severity

CODE = "readability.reading-age"

# Two sentences worked out by hand: 11 words, 17 syllables, 3 of them long.
#   The(1) cat(1) sat(1) on(1) the(1) mat(1)                  6 words,  6 syllables
#   Heroin(3) is(1) a(1) dangerous(3) opioid(3)                 5 words, 11 syllables, 3 long
HAND_COUNTED = "The cat sat on the mat.\n\nHeroin is a dangerous opioid.\n"

# Hard prose, 8 long words in 2 sentences: SMOG grade 1.0430 * sqrt(8 * 30 / 2) + 3.1291
# = 14.6, reading age 20.
HARD = (
    "Opioid medication frequently causes considerable drowsiness. Prolonged "
    "administration necessitates careful observation.\n"
)
#: Thirty sentences or more: enough for the formulas, so the target is checked.
HARD_LONG = HARD * 16

# Syllables of words, from the CMU Pronouncing Dictionary (any of its
# pronunciations), the British spellings as their American ones, and the
# words it lacks (opioid, naloxone, neurotransmitter) as a dictionary divides them.
KNOWN = {
    "the": 1,
    "a": 1,
    "table": 2,
    "little": 2,
    "handled": 2,
    "called": 1,
    "make": 1,
    "makes": 1,
    "hoped": 1,
    "wanted": 2,
    "changes": 2,
    "boxes": 2,
    "centre": 2,
    "whole": 1,
    "statement": 2,
    "completely": 3,
    "careful": 2,
    "sometimes": 2,
    "therefore": 2,
    "moreover": 3,
    "clearleaf": 2,
    "people": 2,
    "heroin": 3,
    "recipe": 3,
    "area": 3,
    "idea": 3,
    "create": 2,
    "creative": 3,
    "being": 2,
    "going": 2,
    "quiet": 2,
    "anxiety": 4,
    "society": 4,
    "science": 2,
    "patient": 2,
    "experience": 4,
    "nation": 2,
    "region": 2,
    "million": 2,
    "behaviour": 3,
    "usual": 3,
    "language": 2,
    "radio": 3,
    "various": 3,
    "media": 3,
    "social": 2,
    "associated": 5,
    "pronunciation": 5,
    "mechanism": 4,
    "rhythm": 2,
    "reinforce": 3,
    "reality": 4,
    "coordinate": 4,
    "catalogue": 3,
    "basically": 3,
    "continuous": 4,
    "influence": 3,
    "royal": 2,
    "beyond": 2,
    "euphoria": 4,
    "dopamine": 3,
    "serotonin": 4,
    "methadone": 3,
    "buprenorphine": 4,
    "significant": 4,
    "individuals": 5,
    "diarrhoea": 4,
    "paediatric": 4,
    "oedema": 3,
    "opioid": 3,
    "naloxone": 3,
    "neurotransmitter": 5,
    # Not single dictionary words: the module's own rules for these.
    "heroin\u2019s": 3,
    "isn't": 2,
    "don't": 1,
    "short-term": 2,
    "blood-brain": 2,
    "decision-making": 5,
    "24": 1,
    "2.5": 1,
    "NHS": 3,
    "GP": 2,
    "HIV": 3,
    "COVID-19": 3,
}


def write_body(tmp_path: Path, body: str, *, lang: str = "en-GB", extra: str = "") -> Path:
    """A source with a complete front matter (no meta.* warnings) and ``body``."""
    path = tmp_path / "leaflet.md"
    path.write_text(front_matter(lang=lang, extra=extra) + body, encoding="utf-8")
    return path


def measured(document: Document) -> readability.Readability:
    """The figures of a document that has English prose."""
    result = readability.measure(document)
    assert result is not None
    return result


@pytest.fixture(scope="module")
def leaflet_document() -> Document:
    """The canonical leaflet, loaded once."""
    return load(LEAFLET_SOURCE)


def words_of(text: str) -> list[str]:
    """Words as a reader sees them, for matching report text to source lines."""
    return re.findall(r"[A-Za-z0-9\u2019'-]+", text.replace("\u2019", "'"))


# -- syllables and words ---------------------------------------------------------


@pytest.mark.parametrize(("word", "expected"), KNOWN.items())
def test_syllables_of_known_words(word: str, expected: int) -> None:
    assert readability.syllables(word) == expected


def test_words_keep_hyphens_apostrophes_and_decimals() -> None:
    text = "The blood-brain barrier isn\u2019t 2.5 mm thick, e.g. in adults."
    assert readability.words(text) == [
        "The", "blood-brain", "barrier", "isn\u2019t", "2.5", "mm", "thick", "e.g", "in", "adults",
    ]  # fmt: skip


# -- formulas --------------------------------------------------------------------


def test_formulas_on_a_hand_counted_text(tmp_path: Path) -> None:
    result = measured(load(write_body(tmp_path, HAND_COUNTED)))
    assert (result.words, result.sentences, result.syllables, result.polysyllables) == (
        11,
        2,
        17,
        3,
    )
    # SMOG: 1.0430 * sqrt(3 * 30 / 2) + 3.1291 = 1.0430 * 6.7082 + 3.1291
    assert result.smog_grade == pytest.approx(10.1258, abs=1e-4)
    # Flesch-Kincaid: 0.39 * 5.5 + 11.8 * 17 / 11 - 15.59 = 2.145 + 18.2364 - 15.59
    assert result.flesch_kincaid_grade == pytest.approx(4.7914, abs=1e-4)
    # Flesch reading ease: 206.835 - 1.015 * 5.5 - 84.6 * 17 / 11 = 206.835 - 5.5825 - 130.7455
    assert result.flesch_reading_ease == pytest.approx(70.5070, abs=1e-4)
    assert result.reading_age == 15  # 10.1 + 5, rounded
    assert result.flesch_kincaid_reading_age == 10  # 4.8 + 5, rounded


def test_reading_age_rounds_half_up() -> None:
    assert readability.Readability(1, 1, 1, 0, 6.5, 0.0, 100.0).reading_age == 12
    # round(12.5) is 12 (to the even number); a reading age of 12.5 is 13.
    assert readability.Readability(1, 1, 1, 0, 7.5, 0.0, 100.0).reading_age == 13


# -- sentences -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Take it with food. Then rest.", ["Take it with food.", "Then rest."]),
        ("Ask your GP, e.g. Dr. Patel, first. Then wait.", 2),
        ("Take 2.5 mg twice a day. Do not drive.", 2),
        ("The leaflet by J. K. Smith explains it. Read it.", 2),
        ("Tell your nurse if you have hepatitis C. It can be treated.", 2),
        ("Bring your cards, forms, etc. The nurse will check them.", 2),
        ("Is it safe? Yes! Ask us.", ["Is it safe?", "Yes!", "Ask us."]),
        ("She said \u201cstop now.\u201d Then she left.", 2),
        ("Call approx. three times, i.e. every day.", 1),
        ("Wait\u2026 then try again.", 1),
        ("See No. 5 and p. 12 for more.", 1),
        ("A list item without a full stop", 1),
        ("Pain relief: ibuprofen; paracetamol.", 1),
        ("", 0),
    ],
)
def test_split_sentences(text: str, expected: int | list[str]) -> None:
    found = readability.split_sentences(text)
    if isinstance(expected, list):
        assert found == expected
    else:
        assert len(found) == expected, found


def test_pandoc_abbreviations_and_list_items_without_full_stops(tmp_path: Path) -> None:
    body = (
        "Ask Dr. Patel about it, e.g. at your next visit.\n\n"
        "Things to bring:\n\n"
        "- your medicines\n"
        "- a list of questions\n"
        "- someone to help you\n"
    )
    result = measured(load(write_body(tmp_path, body)))
    # One sentence, the lead-in, and each of the three items.
    assert result.sentences == 5


def test_what_is_measured(tmp_path: Path) -> None:
    body = """\
<!-- Editorial note: nothing in here is measured at all. -->

## A heading that is not prose

A paragraph.[^1] It has an image ![Alt text never read](stripes.png) inside.

> A quotation.

::: callout
A call-out.
:::

Term not measured
:   A definition.

```
code is never measured.
```

| Label | Prose |
|---|---|
| Dose | Take it with water. |

Say [Bore da]{lang=cy} to greet.

[^1]: A footnote.
"""
    (tmp_path / "stripes.png").write_bytes(
        (Path(__file__).parent / "fixtures" / "stripes.png").read_bytes()
    )
    document = load(write_body(tmp_path, body))
    assert readability.prose(document.blocks) == [
        "A paragraph. It has an image inside.",
        "A quotation.",
        "A call-out.",
        "A definition.",
        "Take it with water.",
        "Say to greet.",
        "A footnote.",
    ]


# -- source lines ----------------------------------------------------------------


def test_sentences_are_found_on_their_lines(tmp_path: Path) -> None:
    body = (
        "First we **strongly** advise rest. Call\n"  # body line 1
        "[NHS 111](https://111.nhs.uk) if you feel worse.\n"
        "\n"
        "- **Fever:** take paracetamol.\n"  # body line 4
        "\n"
        "First we **strongly** advise rest.\n"  # body line 6: the same sentence again
        "\n"
        "A note follows.[^n]\n"  # body line 8
        "\n"
        "[^n]: Notes are at the end.\n"  # body line 10
    )
    document = load(write_body(tmp_path, body))
    top = document.text.split("\n").index("First we **strongly** advise rest. Call")
    found = [(s.text, s.line - top, s.column) for s in readability.sentences_of(document)]
    assert found == [
        ("First we strongly advise rest.", 1, 1),
        ("Call NHS 111 if you feel worse.", 1, 36),
        ("Fever: take paracetamol.", 4, 5),
        ("First we strongly advise rest.", 6, 1),
        ("A note follows.", 8, 1),
        ("Notes are at the end.", 10, 7),
    ]


# -- the leaflet -----------------------------------------------------------------


def test_leaflet_reads_above_its_target(leaflet_document: Document) -> None:
    result = measured(leaflet_document)
    assert leaflet_document.meta.reading_age_target == 11
    assert result.above(11)
    assert result.reading_age > 11
    assert result.flesch_kincaid_reading_age > 11
    assert result.stable
    assert result.sentences >= readability.STABLE_SENTENCES
    assert result.flesch_reading_ease < 60  # harder than plain English


def test_leaflet_hardest_sentences_point_at_their_lines(leaflet_document: Document) -> None:
    result = measured(leaflet_document)
    assert len(result.hardest) == readability.HARDEST
    scores = [sentence.score for sentence in result.hardest]
    assert scores == sorted(scores, reverse=True)
    everything = readability.sentences_of(leaflet_document)
    assert min(scores) >= max(s.score for s in everything if s not in result.hardest)
    lines = leaflet_document.text.split("\n")
    for sentence in result.hardest:
        line = lines[sentence.line - 1]
        first = words_of(sentence.text)[:4]
        assert " ".join(first) in " ".join(words_of(line)), (sentence.line, sentence.text)
        assert line[sentence.column - 1 :].startswith(first[0])
        assert sentence.score == sentence.words + 2 * sentence.polysyllables


def test_leaflet_gets_the_warning_at_its_hardest_sentence(leaflet_document: Document) -> None:
    found = [d for d in run_checks(leaflet_document) if d.code == CODE]
    assert len(found) == 1
    hardest = measured(leaflet_document).hardest[0]
    assert (found[0].location.line, found[0].location.column) == (hardest.line, hardest.column)
    assert found[0].severity is Severity.WARNING
    assert re.fullmatch(
        r"reading age \d+ \(SMOG grade \d+\.\d\) is above the target of 11; simplify .*",
        found[0].message,
    )


# -- short, foreign and simple documents ----------------------------------------


def _report(document: Document) -> list[str]:
    """The readability report ``check`` prints for ``document``."""
    meta = document.meta
    return readability.report(readability.measure(document), meta.lang, meta.reading_age_target)


def test_short_text_is_noted_as_unstable(tmp_path: Path) -> None:
    document = load(write_body(tmp_path, HAND_COUNTED))
    lines = _report(document)
    assert any(line.startswith("note: only 2 sentence(s);") for line in lines)
    # Too few sentences for a stable figure: reported, not checked against the target.
    assert [d for d in run_checks(document) if d.code == CODE] == []
    assert "not compared: too few sentences" in "\n".join(lines)
    assert "note:" not in "\n".join(_report(load(LEAFLET_SOURCE)))


def test_not_english_is_not_measured(tmp_path: Path) -> None:
    document = load(write_body(tmp_path, "Mae hwn yn destun Cymraeg hir iawn.\n", lang="cy"))
    assert readability.measure(document) is None
    assert _report(document) == [
        "readability formulas are calibrated for English; not computed for cy"
    ]
    assert not [d for d in run_checks(document) if d.code == CODE]


def test_simple_text_passes(tmp_path: Path) -> None:
    body = "Take one pill a day. Drink lots of water. Rest when you can.\n"
    document = load(write_body(tmp_path, body))
    assert measured(document).reading_age <= 11
    assert not [d for d in run_checks(document) if d.code == CODE]
    assert "(target 11: not compared: too few sentences)" in "\n".join(_report(document))
    many = load(write_body(tmp_path, body * 11))
    assert "(target 11: met)" in "\n".join(_report(many))


def test_no_prose(tmp_path: Path) -> None:
    document = load(write_body(tmp_path, "## Only a heading\n"))
    assert readability.measure(document) is None
    assert _report(document) == ["no prose to measure"]


def test_target_comes_from_the_front_matter(tmp_path: Path) -> None:
    default = load(write_body(tmp_path, HARD_LONG))
    assert [d.code for d in run_checks(default)] == [CODE]
    relaxed = load(write_body(tmp_path, HARD_LONG, extra="reading_age_target: 25\n"))
    assert relaxed.meta.reading_age_target == 25
    assert measured(relaxed).reading_age <= 25
    assert run_checks(relaxed) == []


def test_registered_as_a_warning() -> None:
    assert CHECKS[CODE].severity is Severity.WARNING


def test_needs_no_network(monkeypatch: pytest.MonkeyPatch, leaflet_document: Document) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("readability tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert readability.measure(leaflet_document) is not None


# -- the command line ------------------------------------------------------------


def test_check_prints_the_report_after_the_findings() -> None:
    result = CliRunner().invoke(cli, ["check", str(LEAFLET_SOURCE)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.endswith(": readability"))
    assert any(f" warning {CODE}: reading age " in line for line in lines[:heading])
    block = lines[heading + 1 : -1]
    assert re.fullmatch(r"  words \d+, sentences \d+, long words \(3\+ syllables\) \d+", block[0])
    assert re.fullmatch(r"  SMOG grade \d+\.\d, reading age \d+ \(target 11: above\)", block[1])
    assert block[2].startswith("  Flesch-Kincaid grade ")
    assert block[3].startswith("  hardest sentences")
    hardest = block[4:]
    assert len(hardest) == readability.HARDEST
    for line in hardest:
        assert re.fullmatch(r'    line \d+: \d+ words, \d+ long: ".+"', line), line
        assert len(line) < 140
    assert lines[-1].startswith("checked 1 of 1 document(s)")


def test_check_quiet_leaves_the_report_out() -> None:
    result = CliRunner().invoke(cli, ["check", "--quiet", str(LEAFLET_SOURCE)])
    assert "readability" not in result.stdout.replace(CODE, "")
    assert f" {CODE}: " in result.stdout


def test_check_strict_fails_on_the_reading_age(tmp_path: Path) -> None:
    path = str(write_body(tmp_path, HARD_LONG))
    runner = CliRunner()
    assert runner.invoke(cli, ["check", path]).exit_code == 0
    result = runner.invoke(cli, ["check", "--strict", path])
    assert result.exit_code == 1
    findings = [line for line in result.stdout.splitlines() if ": warning " in line]
    assert len(findings) == 1
    assert f" warning {CODE}: " in findings[0]
    # The leaflet too, whatever else it is warned about.
    leaflet_check = runner.invoke(cli, ["check", "--strict", str(LEAFLET_SOURCE)])
    assert leaflet_check.exit_code == 1
    assert f" warning {CODE}: " in leaflet_check.stdout


def test_check_reports_a_document_that_is_not_english(tmp_path: Path) -> None:
    path = write_body(tmp_path, "Mae hwn yn destun Cymraeg.\n", lang="cy")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "  readability formulas are calibrated for English; not computed for cy\n" in (
        result.stdout
    )
