"""Narration: the e-book's text in sentences, spoken, and encoded as MP3 with chapters.

Shared by the audio edition (:mod:`clearleaf.formats.audio`) and the
read-aloud e-book (:mod:`clearleaf.formats.readaloud`). Both are made from
the e-book's XHTML, so that what is heard is the text the e-book shows:
:func:`sentences` wraps each sentence of a text block in a ``<span>`` with
an id (a heading is one unit, under its own id) and returns them in reading
order with their language; :func:`narrate` speaks them one after another
(:mod:`clearleaf.speech`), each passage in another language with that
language's voice; :func:`mp3` encodes the samples and writes the title,
publisher, language and an ID3 chapter (CHAP, listed in a CTOC) per
section.

A sentence ends at ``.``, ``!`` or ``?`` followed by a space and a capital
letter, a digit or an opening quotation mark. A sentence that ends inside
emphasis or a link is read with the next one, as one unit.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from clearleaf import speech
from clearleaf.document import Document
from clearleaf.errors import Diagnostic, usage_error, warning

XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPS_TYPE = "{http://www.idpf.org/2007/ops}type"

#: Elements whose inline content is read, a sentence at a time.
_TEXT = {"p", "li", "dt", "dd", "th", "td", "figcaption", "caption", "pre", "address"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
#: Elements that hold blocks: a text element's content stops at the first.
_BLOCKS = _TEXT | _HEADINGS | {
    "div", "section", "header", "footer", "main", "aside", "nav", "ul", "ol", "dl",
    "table", "thead", "tbody", "tfoot", "tr", "figure", "blockquote", "article", "hr",
}  # fmt: skip
_END = re.compile(
    r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f])"
)

#: Silence after a sentence, and after a heading or a block, in samples.
_PAUSE = speech.RATE * 3 // 10
_BLOCK_PAUSE = speech.RATE * 6 // 10
#: LAME's encoder delay and the decoder's (576 + 529 samples): where the first
#: sample of the text is heard in the MP3.
DELAY = 1105
#: Mono, 48 kbit/s: speech, small enough to send and to put in an e-book.
BITRATE = 48


@dataclass(frozen=True)
class Sentence:
    """A unit to read: its id in the XHTML (None for words only the audio has), its text
    in parts by language, and whether it is a heading (a chapter may begin there)."""

    id: str | None
    parts: tuple[tuple[str, str], ...]
    heading: int = 0

    @property
    def text(self) -> str:
        return "".join(text for text, _lang in self.parts)


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.split("}")[-1] if isinstance(tag, str) else ""


def _lang(element: etree._Element | None, default: str) -> str:
    while element is not None:
        found = element.get(XML_LANG) or element.get("lang")
        if found:
            return found
        element = element.getparent()
    return default


def _parts(nodes: Sequence[etree._Element | str], lang: str) -> list[tuple[str, str]]:
    """The text of ``nodes`` (elements and strings), in parts by language; an image's
    text alternative is read where the image is."""
    parts: list[tuple[str, str]] = []

    def add(text: str | None, language: str) -> None:
        if not text:
            return
        if parts and parts[-1][1] == language:
            parts[-1] = (parts[-1][0] + text, language)
        else:
            parts.append((text, language))

    def visit(element: etree._Element, language: str) -> None:
        name = _local(element)
        if not name:
            add(element.tail, language)
            return
        own = element.get(XML_LANG) or element.get("lang") or language
        if name == "img" and element.get("alt"):
            add(f" {element.get('alt')} ", own)
        if element.get("aria-hidden") != "true" and element.get(OPS_TYPE) != "pagebreak":
            add(element.text, own)
            for child in element:
                visit(child, own)
        add(element.tail, language)

    for node in nodes:
        if isinstance(node, str):
            add(node, lang)
        else:
            tail = node.tail
            node.tail = None
            visit(node, lang)
            node.tail = tail
    return parts


def sentences(xhtml: bytes, prefix: str, lang: str) -> tuple[bytes, list[Sentence]]:
    """``xhtml`` with each sentence of its text in a ``<span id="{prefix}-N">``, and the
    sentences in reading order."""
    root = etree.fromstring(xhtml)
    body = root.find(f"{{{XHTML}}}body")
    assert body is not None
    taken = {str(element.get("id")) for element in root.iter() if element.get("id")}
    found: list[Sentence] = []
    counter = iter(range(1, 1_000_000))

    def new_id() -> str:
        while True:
            candidate = f"{prefix}-{next(counter)}"
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    for element in list(body.iter()):
        name = _local(element)
        if name in _HEADINGS:
            parts = _parts(
                [*([element.text] if element.text else []), *element], _lang(element, lang)
            )
            if _words(parts):
                if not element.get("id"):
                    element.set("id", new_id())
                found.append(Sentence(element.get("id"), tuple(parts), int(name[1])))
        elif name in _TEXT:
            # From the last run back, so that wrapping one leaves the others' places.
            runs = [_wrap(element, run, lang, new_id) for run in reversed(list(_runs(element)))]
            found.extend(item for run in reversed(runs) for item in run)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8"), found


def _words(parts: Sequence[tuple[str, str]]) -> bool:
    return any(re.search(r"\w", text) for text, _lang in parts)


def _runs(element: etree._Element) -> Iterator[tuple[int, int]]:
    """The runs of inline content of ``element``: (first child, end child) index pairs,
    the text before the first child (or after a block child) included."""
    children = list(element)
    start = 0
    for index, child in enumerate(children):
        if _local(child) in _BLOCKS:
            yield start, index
            start = index + 1
    yield start, len(children)


def _wrap(
    element: etree._Element, run: tuple[int, int], lang: str, new_id: Callable[[], str]
) -> list[Sentence]:
    """Wrap the sentences of one run of ``element`` in spans; the sentences."""
    children = list(element)
    first, end = run
    before = children[first - 1] if first > 0 else None
    lead = (before.tail if before is not None else element.text) or ""
    inline = children[first:end]
    language = _lang(element, lang)
    # Pieces: strings (split at sentence ends) and inline elements, kept whole.
    units: list[list[etree._Element | str]] = [[]]
    for piece in [lead, *[node for child in inline for node in (child, child.tail or "")]]:
        if isinstance(piece, str):
            for number, text in enumerate(_split(piece)):
                if number:
                    units.append([])
                if text:
                    units[-1].append(text)
        else:
            units[-1].append(piece)
    if not any(_words(_parts(unit, language)) for unit in units):
        return []
    # Units without words (a lone bullet, a closing bracket) join the one before.
    merged: list[list[etree._Element | str]] = []
    for unit in units:
        if (merged and not _words(_parts(unit, language))) or (
            merged and not _words(_parts(merged[-1], language))
        ):
            merged[-1].extend(unit)
        else:
            merged.append(list(unit))
    # Take the run out of the element and put the spans in its place.
    for child in inline:
        child.tail = None
        element.remove(child)
    if before is not None:
        before.tail = None
    else:
        element.text = None
    spans = []
    found = []
    for unit in merged:
        text_lead = ""
        while unit and isinstance(unit[0], str) and not unit[0].strip():
            text_lead += str(unit.pop(0))
        span = etree.Element(f"{{{XHTML}}}span", {"id": new_id()})
        last: etree._Element | None = None
        for node in unit:
            if isinstance(node, str):
                if last is None:
                    span.text = (span.text or "") + node
                else:
                    last.tail = (last.tail or "") + node
            else:
                span.append(node)
                last = node
        trailing = ""
        holder_text = last.tail if last is not None else span.text
        if holder_text and holder_text != holder_text.rstrip():
            trailing = holder_text[len(holder_text.rstrip()) :]
            if last is not None:
                last.tail = holder_text.rstrip()
            else:
                span.text = holder_text.rstrip()
        spans.append((text_lead, span, trailing))
        content: list[etree._Element | str] = [*([span.text] if span.text else []), *span]
        found.append(Sentence(span.get("id"), tuple(_parts(content, language))))
    position = first
    previous_tail = ""
    for index, (text_lead, span, trailing) in enumerate(spans):
        gap = previous_tail + text_lead
        if index == 0:
            if before is not None:
                before.tail = gap or None
            else:
                element.text = gap or None
        else:
            spans[index - 1][1].tail = gap or None
        element.insert(position, span)
        position += 1
        previous_tail = trailing
    if spans:
        spans[-1][1].tail = previous_tail or None
    return found


def _split(text: str) -> list[str]:
    """``text`` cut after each sentence end (the space stays with the sentence before)."""
    pieces = []
    position = 0
    for match in _END.finditer(text):
        pieces.append(text[position : match.end()])
        position = match.end()
    pieces.append(text[position:])
    return pieces


# -- speaking -----------------------------------------------------------------


def voice_of(document: Document) -> speech.Voice:
    """The speech engine the document's project chose, or the error saying what to install."""
    settings = document.settings
    voice = speech.engine(settings.engine, settings.command)
    problem = voice.available()
    if problem is not None:
        raise usage_error(document.path, "audio.no-voice-engine", problem)
    return voice


@dataclass
class Narration:
    """The samples of a reading, where each sentence's clip begins and ends (in samples,
    from the first), and what the voice could not do."""

    samples: bytearray = field(default_factory=bytearray)
    clips: list[tuple[str | None, int, int]] = field(default_factory=list)
    #: Languages the voice has no voice for: their passages are read in the document's.
    unvoiced: dict[str, None] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return len(self.samples) // 2


def narrate(
    items: Sequence[Sentence],
    lang: str,
    lexicon: Mapping[str, str] | None = None,
    voice: speech.Voice = speech.DEFAULT,
) -> Narration:
    """Speak ``items`` one after another; each clip runs to where the next begins.

    The utterances are spoken side by side, one voice process a core (each is
    a program run), and put together in order: the same samples as one at a time.
    """
    out = Narration()
    default = voice.voice_for(lang) or "en-gb"
    plan: list[list[tuple[str, str]]] = []
    for item in items:
        said_parts = []
        for text, language in item.parts:
            said = " ".join(speech.speakable(text, lexicon, language).split())
            if not re.search(r"\w", said):
                continue
            chosen = voice.voice_for(language)
            if chosen is None:
                out.unvoiced[language] = None
                chosen = default
            said_parts.append((said, chosen))
        plan.append(said_parts)
    wanted = list(dict.fromkeys(part for parts in plan for part in parts))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        spoken = dict(zip(wanted, pool.map(lambda part: voice.speak(*part), wanted), strict=True))
    for item, said_parts in zip(items, plan, strict=True):
        start = out.length
        for part in said_parts:
            out.samples += spoken[part]
        out.samples += bytes(2 * (_BLOCK_PAUSE if item.heading else _PAUSE))
        out.clips.append((item.id, start, out.length))
    return out


def unvoiced(path: Path, narration: Narration) -> tuple[Diagnostic, ...]:
    """The warning for passages in languages the voice does not speak."""
    if not narration.unvoiced:
        return ()
    langs = ", ".join(sorted(narration.unvoiced))
    return (
        warning(
            path,
            "audio.no-voice",
            f"espeak-ng has no voice for {langs}: the passages marked in it are read by the "
            "document's voice; the audio says them as the document's language would",
        ),
    )


# -- MP3 ----------------------------------------------------------------------


@dataclass(frozen=True)
class Chapter:
    """A chapter of the MP3: its title and its first and last sample."""

    title: str
    start: int
    end: int


def seconds(samples: int) -> float:
    """Where sample ``samples`` of the text is heard in the MP3, in seconds."""
    return (samples + DELAY) / speech.RATE


def mp3(
    samples: bytes | bytearray,
    chapters: Sequence[Chapter],
    title: str,
    artist: str,
    lang: str,
    transcript: str = "",
) -> tuple[bytes, float]:
    """``samples`` as an MP3 (mono, :data:`BITRATE` kbit/s) with its ID3 tags and
    chapters, and its length in seconds as a player reads it. ``transcript``, the
    words it says, is kept in it too (ID3 USLT), for players that show it."""
    import lameenc
    from mutagen.id3 import CHAP, CTOC, ID3, TIT2, TLAN, TPE1, USLT, CTOCFlags
    from mutagen.mp3 import MP3

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE)
    encoder.set_in_sample_rate(speech.RATE)
    encoder.set_channels(1)
    encoder.set_quality(2)
    data = bytes(encoder.encode(bytes(samples)) + encoder.flush())
    info = MP3(io.BytesIO(data)).info
    assert info is not None
    length = float(info.length)
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TPE1(encoding=3, text=artist))
    tags.add(TLAN(encoding=3, text=lang))
    if transcript:
        tags.add(USLT(encoding=3, lang="und", desc="transcript", text=transcript))
    ids = [f"chp{number}" for number in range(1, len(chapters) + 1)]
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text=title)],
        )
    )
    for number, (chapter, element_id) in enumerate(zip(chapters, ids, strict=True)):
        begin = 0 if number == 0 else round(seconds(chapter.start) * 1000)
        end = (
            round(length * 1000)
            if number == len(chapters) - 1
            else round(seconds(chapters[number + 1].start) * 1000)
        )
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=begin,
                end_time=end,
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
    out = io.BytesIO(data)
    tags.save(out, v2_version=4, padding=lambda info: 0)
    return out.getvalue(), length
