"""The audio edition and the read-aloud e-book, judged as a listener's software would.

No speech is recognised here: what can be measured is. The MP3's length, bit
rate and chapters are read back with mutagen, its transcript (ID3 USLT) says
what it opens with, the media overlays' clips are added up and compared with
the MP3's length, and what espeak-ng would say for a telephone number is read
from its phonemes.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LEAFLET_SOURCE, ROOT, Writer
from lxml import etree
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from clearleaf import build as builder
from clearleaf import plan, speech
from clearleaf.cli import cli
from clearleaf.context import Context

SMIL = "{http://www.w3.org/ns/SMIL}"
OPF = "{http://www.idpf.org/2007/opf}"
XHTML = "{http://www.w3.org/1999/xhtml}"
#: How closely the overlays' durations must agree with the clips and the MP3 (EPUB: 50 ms).
SLACK = 0.05
PHONE = re.compile(r"(?<!\d)0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}(?!\d)|(?<!\d)(?:111|999)(?!\d)")


@pytest.fixture(scope="module")
def leaflet_audio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The leaflet's audio and read-aloud e-book, built once."""
    folder = tmp_path_factory.mktemp("audio")
    report = builder.build(
        [LEAFLET_SOURCE],
        plan.resolve_formats(["audio", "read-aloud", "epub"]),
        folder,
        Context(source_date_epoch=None),
    )
    assert not report.failed, [str(d) for d in report.diagnostics]
    return folder


def mp3_of(folder: Path, stem: str = "what-does-heroin-do-to-the-brain") -> Path:
    return folder / f"{stem}.mp3"


# -- speech that says what is written ---------------------------------------------


@pytest.mark.parametrize(
    "number", ["0300 123 6600", "0800 123 4567", "020 7946 0958", "01632 960001", "111", "999"]
)
def test_a_telephone_number_is_read_digit_by_digit(number: str) -> None:
    said = speech.speakable(f"Call us on {number} today.")
    phonemes = speech.DEFAULT.phonemes(said, "en-gb")
    assert "h'VndrI" not in phonemes and "T'aUz" not in phonemes, (said, phonemes)


def test_the_phoneme_check_fails_on_a_number_read_as_an_amount() -> None:
    """Unchanged, espeak-ng says "one hundred and twenty-three, six thousand six hundred"."""
    phonemes = speech.DEFAULT.phonemes("Call us on 0300 123 6600 today.", "en-gb")
    assert "h'VndrI" in phonemes and "T'aUz" in phonemes


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Take 10 mg twice a day.", "Take 10 milligrams twice a day."),
        ("Give 5ml.", "Give 5 millilitres."),
        ("See your GP or go to A&E.", "See your G P or go to A and E."),
        ("Visit https://www.nhs.uk/conditions/.", "Visit www dot nhs dot uk slash conditions."),
        ("Ring 0300 123 6600.", "Ring oh three oh oh, one two three, six six oh oh."),
        ("Ring 999.", "Ring nine nine nine."),
        ("It is 3.5 cm.", "It is 3.5 centimetres."),
        ("Email help@example.org.", "Email help@example.org."),
    ],
)
def test_what_a_voice_reads_wrongly_is_rewritten(written: str, said: str) -> None:
    assert speech.speakable(written) == said


def test_a_projects_lexicon_is_used(write: Writer) -> None:
    assert speech.speakable("COPD is a lung disease.", {"COPD": "C O P D"}) == (
        "C O P D is a lung disease."
    )
    Path("clearleaf.toml").write_text('[speech.lexicon]\nCOPD = "C O P D"\n', encoding="utf-8")
    from clearleaf import config

    assert config.for_folder(Path(".")).settings(Path("doc.md")).lexicon == {"COPD": "C O P D"}
    Path("clearleaf.toml").write_text("[speech.lexicon]\nCOPD = 3\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(write("---\n---\n"))])
    assert "clearleaf.toml:1:1: error config.wrong-type: [speech.lexicon] must be a table" in (
        result.output
    )


def test_every_telephone_number_of_the_leaflets_text_is_read_as_digits() -> None:
    text = (ROOT / "tests" / "real" / "va-depression.md").read_text(encoding="utf-8")
    numbers = [*PHONE.findall(text), "0300 123 6600"]
    assert numbers
    for number in numbers:
        phonemes = speech.DEFAULT.phonemes(speech.speakable(number), "en-gb")
        assert "h'VndrI" not in phonemes and "T'aUz" not in phonemes, number


# -- the MP3 ----------------------------------------------------------------------


def test_the_mp3_is_mono_speech_with_its_tags(leaflet_audio: Path) -> None:
    audio = MP3(mp3_of(leaflet_audio))
    assert audio.info is not None
    assert audio.info.channels == 1 and 48_000 <= audio.info.bitrate <= 64_000
    tags = ID3(mp3_of(leaflet_audio))
    assert str(tags["TIT2"]) == "What Does Heroin Do To The Brain"
    assert str(tags["TPE1"]) == "Anormed UK"
    assert str(tags["TLAN"]) == "en-GB"


def test_the_opening_says_the_title_the_publisher_and_how_long_it_lasts(
    leaflet_audio: Path,
) -> None:
    audio = MP3(mp3_of(leaflet_audio))
    assert audio.info is not None
    minutes = round(audio.info.length / 60)
    transcript = str(ID3(mp3_of(leaflet_audio)).getall("USLT")[0])
    first = transcript.splitlines()[0]
    assert first == (
        "What Does Heroin Do To The Brain, from Anormed UK. "
        f"This recording lasts about {minutes} minutes."
    )
    # It ends as the back panel does: the other formats.
    assert transcript.splitlines()[-1].startswith("This information is also available as")
    assert "e-book" in transcript.splitlines()[-1]


def test_the_chapters_are_the_sections_in_order(leaflet_audio: Path) -> None:
    tags = ID3(mp3_of(leaflet_audio))
    audio = MP3(mp3_of(leaflet_audio))
    assert audio.info is not None
    (toc,) = tags.getall("CTOC")
    chapters = [tags[f"CHAP:{element}"] for element in toc.child_element_ids]
    titles = [str(chapter.sub_frames["TIT2"]) for chapter in chapters]
    source = LEAFLET_SOURCE.read_text(encoding="utf-8")
    sections = [heading.strip() for heading in re.findall(r"^## (.+)$", source, re.MULTILINE)]
    assert titles[0] == "What Does Heroin Do To The Brain"
    assert titles[1 : 1 + len(sections)] == sections
    assert titles[-1] == "Other formats"
    assert chapters[0].start_time == 0
    for before, after in itertools.pairwise(chapters):
        assert before.end_time == after.start_time > before.start_time
    assert abs(chapters[-1].end_time / 1000 - audio.info.length) < SLACK


# -- the read-aloud e-book --------------------------------------------------------


def overlays(epub: Path) -> tuple[dict[str, bytes], etree._Element]:
    with zipfile.ZipFile(epub) as book:
        files = {name: book.read(name) for name in book.namelist()}
    return files, etree.fromstring(files["EPUB/content.opf"])


def seconds_of(value: str) -> float:
    hours, minutes, rest = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def overlay_problems(files: dict[str, bytes]) -> list[str]:
    """What is wrong with the read-aloud e-book's overlays: a sentence or heading without
    its one par, a gap or an overlap between clips, a duration that is not its clips' sum
    or the MP3's length, or the accessibility metadata of synchronised audio missing."""
    problems: list[str] = []
    package = etree.fromstring(files["EPUB/content.opf"])
    info = MP3(io.BytesIO(files["EPUB/audio/narration.mp3"])).info
    assert info is not None
    metas = {
        (meta.get("property"), meta.get("refines")): (meta.text or "")
        for meta in package.iter(f"{OPF}meta")
    }
    if abs(seconds_of(metas[("media:duration", None)]) - info.length) >= SLACK:
        problems.append("the package's duration is not the MP3's length")
    clips_end = 0.0
    total = 0.0
    for item in package.iter(f"{OPF}item"):
        overlay = item.get("media-overlay")
        if overlay is None:
            continue
        href = str(item.get("href"))
        smil = etree.fromstring(files[f"EPUB/{href.replace('.xhtml', '.smil')}"])
        xhtml = etree.fromstring(files[f"EPUB/{href}"])
        pars = list(smil.iter(f"{SMIL}par"))
        targets = [
            str(text.get("src")).split("#")[1]
            for par in pars
            if (text := par.find(f"{SMIL}text")) is not None
        ]
        if len(targets) != len(set(targets)):
            problems.append(f"{href}: a sentence is in two pars")
        spans = {
            str(element.get("id"))
            for element in xhtml.iter(f"{XHTML}span")
            if re.fullmatch(r"[sb]-\d+", str(element.get("id")))
        }
        headings = {
            str(h.get("id"))
            for level in range(1, 7)
            for h in xhtml.iter(f"{XHTML}h{level}")
            if "".join(h.itertext()).strip()
        }
        problems += [f"{href}: {i} has no par" for i in sorted((spans | headings) - set(targets))]
        duration = 0.0
        for par in pars:
            clip = par.find(f"{SMIL}audio")
            assert clip is not None
            begin = seconds_of(str(clip.get("clipBegin")))
            end = seconds_of(str(clip.get("clipEnd")))
            if abs(begin - clips_end) >= 0.002 or end <= begin:
                problems.append(f"{href}: clip {clip.get('clipBegin')} is not where the last ended")
            duration += end - begin
            clips_end = end
        if abs(seconds_of(metas[("media:duration", f"#{overlay}")]) - duration) >= SLACK:
            problems.append(f"{href}: media:duration is not the sum of its clips")
        total += duration
    if abs(total - info.length) >= SLACK or abs(clips_end - info.length) >= SLACK:
        problems.append("the clips do not cover the MP3")
    properties = [(meta.get("property"), meta.text) for meta in package.iter(f"{OPF}meta")]
    for wanted in (
        ("schema:accessMode", "auditory"),
        ("schema:accessModeSufficient", "auditory"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "synchronizedAudioText"),
    ):
        if wanted not in properties:
            problems.append(f"no {wanted}")
    return problems


def test_every_sentence_has_exactly_one_par_and_the_clips_add_up(leaflet_audio: Path) -> None:
    files, _package = overlays(leaflet_audio / "what-does-heroin-do-to-the-brain-read-aloud.epub")
    assert overlay_problems(files) == []


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("EPUB/content.smil", 'clipBegin="0:00:0', 'clipBegin="0:00:1'),
        ("EPUB/content.smil", '<text src="content.xhtml#s-2"/>', '<text src="content.xhtml#s-1"/>'),
        ("EPUB/content.opf", "synchronizedAudioText", "tableOfContents"),
    ],
)
def test_the_overlay_check_fails_on_a_damaged_book(
    leaflet_audio: Path, name: str, old: str, new: str
) -> None:
    files, _package = overlays(leaflet_audio / "what-does-heroin-do-to-the-brain-read-aloud.epub")
    text = files[name].decode("utf-8")
    assert old in text
    files[name] = text.replace(old, new, 1).encode("utf-8")
    assert overlay_problems(files) != []


@pytest.mark.validators
def test_the_read_aloud_e_book_passes_epubcheck_and_ace(leaflet_audio: Path) -> None:
    from validators import ace, epubcheck

    book = leaflet_audio / "what-does-heroin-do-to-the-brain-read-aloud.epub"
    assert epubcheck(book).problems == []
    assert ace(book).problems == []


def test_the_audio_is_reproducible(leaflet_audio: Path, tmp_path: Path) -> None:
    report = builder.build(
        [LEAFLET_SOURCE],
        plan.resolve_formats(["audio", "read-aloud"]),
        tmp_path,
        Context(source_date_epoch=None),
    )
    assert not report.failed
    for name in (
        "what-does-heroin-do-to-the-brain.mp3",
        "what-does-heroin-do-to-the-brain-read-aloud.epub",
    ):
        assert (tmp_path / name).read_bytes() == (leaflet_audio / name).read_bytes(), name


# -- another real document, and mistakes -------------------------------------------


def test_a_real_documents_audio_has_its_sections(tmp_path: Path) -> None:
    name = "va-depression.md"
    shutil.copy(ROOT / "tests" / "real" / name, tmp_path / name)
    report = builder.build(
        [tmp_path / name], plan.resolve_formats(["audio"]), tmp_path / "out", Context()
    )
    assert not report.failed, [str(d) for d in report.diagnostics]
    tags = ID3(tmp_path / "out" / "va-depression.mp3")
    (toc,) = tags.getall("CTOC")
    titles = [str(tags[f"CHAP:{e}"].sub_frames["TIT2"]) for e in toc.child_element_ids]
    assert titles[0] == "Depression Treatment for Veterans"
    assert "What services does VA provide for depression?" in titles
    transcript = str(tags.getall("USLT")[0])
    assert "1-800-273-8255" in transcript  # the words as written; said digit by digit


def test_a_passage_in_a_language_without_a_voice_is_a_warning(write: Writer) -> None:
    source = write(
        "---\ntitle: Feet\nlang: en-GB\norganisation: Trust\ndescription: Feet.\n"
        "published: 2026-01-01\nnext_review: 2027-01-01\n---\n\n"
        "Hello. [E kaaro]{lang=yo} means good morning.\n"
    )
    result = CliRunner().invoke(cli, ["build", str(source), "--format", "audio", "--out", "out"])
    assert "warning audio.no-voice: espeak-ng has no voice for yo" in result.output
    assert Path("out/doc.mp3").is_file()


def test_without_espeak_ng_the_build_says_what_to_install(tmp_path: Path) -> None:
    source = tmp_path / "doc.md"
    source.write_text(LEAFLET_SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "clearleaf",
            "build",
            str(source),
            "--format",
            "audio",
            "--out",
            "out",
        ],
        capture_output=True,
        text=True,
        env={"PATH": str(empty), "HOME": str(tmp_path)},
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert "apt-get install espeak-ng" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_engine_is_chosen_in_the_project_and_checked(write: Writer) -> None:
    from clearleaf import config

    Path("clearleaf.toml").write_text('[speech]\nengine = "espeak-ng"\n', encoding="utf-8")
    assert config.for_folder(Path(".")).settings(Path("doc.md")).engine == "espeak-ng"
    Path("clearleaf.toml").write_text('[speech]\nengine = "say"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(write("---\n---\n"))])
    assert (
        "clearleaf.toml:2:1: error config.bad-value: [speech] engine 'say' is not one "
        "clearleaf has; valid: espeak-ng"
    ) in result.output


def test_the_e_book_itself_reads_aloud_when_the_project_asks(write: Writer) -> None:
    Path("clearleaf.toml").write_text("[speech]\nread_aloud_epub = true\n", encoding="utf-8")
    source = write(
        "---\ntitle: Feet\nlang: en-GB\norganisation: Trust\ndescription: Check them.\n"
        "published: 2026-01-01\nnext_review: 2027-01-01\n---\n\n"
        "## Every day\n\nLook at your feet. Call 0300 123 6600 if they hurt.\n"
    )
    result = CliRunner().invoke(cli, ["build", str(source), "--format", "epub", "--out", "out"])
    assert result.exit_code in (0, 1), result.output
    with zipfile.ZipFile("out/doc.epub") as book:
        files = {name: book.read(name) for name in book.namelist()}
    assert "EPUB/content.smil" in files
    assert overlay_problems(files) == []


def test_another_engine_is_a_command_in_the_project(write: Writer) -> None:
    """Any program that reads the text and writes the WAV: here espeak-ng itself, given as a
    command, speaks as the default engine does."""
    source = write(
        "---\ntitle: Feet\nlang: en-GB\norganisation: Trust\ndescription: Check them.\n"
        "published: 2026-01-01\nnext_review: 2027-01-01\n---\n\nLook at your feet.\n"
    )
    CliRunner().invoke(cli, ["build", str(source), "--format", "audio", "--out", "default"])
    Path("clearleaf.toml").write_text(
        '[speech]\nengine = "command"\n'
        'command = ["espeak-ng", "-v", "{voice}", "--stdout", "-b", "1", "--stdin"]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["build", str(source), "--format", "audio", "--out", "own"])
    assert result.exit_code in (0, 1), result.output
    assert Path("own/doc.mp3").read_bytes() == Path("default/doc.mp3").read_bytes()


def test_a_command_that_writes_other_audio_is_refused(write: Writer) -> None:
    source = write(
        "---\ntitle: Feet\nlang: en-GB\norganisation: Trust\ndescription: Check them.\n"
        "published: 2026-01-01\nnext_review: 2027-01-01\n---\n\nLook at your feet.\n"
    )
    writer = (
        "import sys, wave; sys.stdin.read(); w = wave.open(sys.stdout.buffer, 'wb'); "
        "w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000); "
        "w.writeframes(bytes(1600)); w.close()"
    )
    Path("clearleaf.toml").write_text(
        f'[speech]\nengine = "command"\ncommand = ["{sys.executable}", "-c", "{writer}"]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["build", str(source), "--format", "audio", "--out", "out"])
    assert result.exit_code == 2, result.output
    assert "error audio.engine-format: the speech engine wrote audio at 8000 Hz" in result.output
    assert not Path("out/doc.mp3").exists()
    Path("clearleaf.toml").write_text('[speech]\nengine = "command"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(source)])
    assert 'error config.missing-key: [speech] engine = "command" needs the command' in (
        result.output
    )
