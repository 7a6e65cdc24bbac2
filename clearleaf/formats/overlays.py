"""Media overlays: an e-book made to read aloud, its text highlighted as it is read.

Used by the read-aloud e-book (:mod:`clearleaf.formats.readaloud`), and by
the e-book itself when a project asks for it (``[speech] read_aloud_epub``).
Made from the e-book's bytes: every heading and sentence of its text and of
its back matter gets an id (:func:`clearleaf.formats.narration.sentences`)
and exactly one ``<par>`` in a SMIL media overlay, pointing to its clip in
one MP3 of the whole (EPUB 3.3 Media Overlays). The clips follow each other
with no gap: each runs to where the next begins, the first from the start
of the file and the last to its end, so that each overlay's
``media:duration`` is the sum of its clips and the package's is the MP3's
length. The package says so to reading systems and catalogues: access modes
auditory and textual, each sufficient, and ``synchronizedAudioText``.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from lxml import etree

from clearleaf.document import Document
from clearleaf.errors import Diagnostic
from clearleaf.formats import Rendered, ocf
from clearleaf.formats.narration import (
    Chapter,
    Sentence,
    mp3,
    narrate,
    seconds,
    sentences,
    unvoiced,
    voice_of,
)
from clearleaf.i18n import Words

OPF = "http://www.idpf.org/2007/opf"
AUDIO = "audio/narration.mp3"
#: The class reading systems give the sentence being read (EPUB 3.3, media:active-class).
ACTIVE = "-epub-media-overlay-active"
_HIGHLIGHT = f"""
/* The sentence being read aloud (media overlays). */
.{ACTIVE} {{
  background-color: #fff0a8;
  color: #1a1a1a;
  outline: 2px solid #6b5400;
}}
"""


def clock(value: float) -> str:
    """``value`` seconds as a SMIL clock value, to the millisecond: 0:01:02.345."""
    millis = round(value * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def add(
    source: bytes,
    document: Document,
    words: Words,
    names: tuple[str, str, str],
    diagnostics: tuple[Diagnostic, ...] = (),
) -> Rendered:
    """The EPUB ``source`` with media overlays and its narration. ``names`` are its text's
    and its back matter's documents and its stylesheet, in the EPUB folder."""
    content_name, about_name, stylesheet = names
    meta = document.meta
    voice = voice_of(document)
    files, stamp = ocf.read(source)
    parts: list[tuple[str, bytes, list[Sentence]]] = []
    for name, prefix in ((content_name, "s"), (about_name, "b")):
        xhtml, found = sentences(files[f"EPUB/{name}"], prefix, meta.lang)
        files[f"EPUB/{name}"] = xhtml
        parts.append((name, xhtml, found))
    everything = [item for _name, _xhtml, found in parts for item in found]
    narration = narrate(everything, meta.lang, document.settings.lexicon, voice)
    chapters = [
        Chapter(item.text, begin, end)
        for item, (_id, begin, end) in zip(everything, narration.clips, strict=True)
        if item.heading and item.heading <= 2
    ]
    if chapters:
        chapters[0] = Chapter(chapters[0].title, 0, chapters[0].end)
    audio, length = mp3(
        narration.samples,
        chapters or [Chapter(meta.title, 0, narration.length)],
        meta.title,
        meta.organisation,
        meta.lang,
    )
    # Clip boundaries: where each sentence is heard; the first from 0, the last to the end.
    bounds = [0.0] + [seconds(begin) for _id, begin, _end in narration.clips[1:]] + [length]
    overlays: list[tuple[str, str, float]] = []
    index = 0
    for name, _xhtml, found in parts:
        if not found:
            continue
        smil_name = name.replace(".xhtml", ".smil")
        pars = []
        first = bounds[index]
        for item in found:
            pars.append(
                f'    <par id="par-{item.id}">\n'
                f'      <text src="{name}#{item.id}"/>\n'
                f'      <audio src="{AUDIO}" clipBegin="{clock(bounds[index])}" '
                f'clipEnd="{clock(bounds[index + 1])}"/>\n'
                "    </par>"
            )
            index += 1
        smil = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" '
            'version="3.0">\n'
            "  <body>\n"
            f'  <seq id="seq-{smil_name.split(".")[0]}" epub:textref={quoteattr(name)}>\n'
            + "\n".join(pars)
            + "\n  </seq>\n  </body>\n</smil>\n"
        )
        files[f"EPUB/{smil_name}"] = smil.encode("utf-8")
        overlays.append((name, smil_name, bounds[index] - first))
    files["EPUB/content.opf"] = _package(
        files["EPUB/content.opf"], overlays, length, words, voice.name
    )
    files[f"EPUB/{AUDIO}"] = audio
    files[f"EPUB/{stylesheet}"] = files[f"EPUB/{stylesheet}"] + _HIGHLIGHT.encode("utf-8")
    return Rendered(
        ocf.write(files, stamp, stored=(".mp3",)),
        (*diagnostics, *unvoiced(document.path, narration)),
    )


def _package(
    opf: bytes,
    overlays: Sequence[tuple[str, str, float]],
    length: float,
    words: Words,
    narrator: str,
) -> bytes:
    """The package document with the overlays, the audio and what they make the book."""
    root = etree.fromstring(opf)
    ns = {"opf": OPF}
    metadata = root.find("opf:metadata", ns)
    manifest = root.find("opf:manifest", ns)
    assert metadata is not None and manifest is not None
    items = {item.get("href"): item for item in manifest.iter(f"{{{OPF}}}item")}

    def meta(prop: str, value: str, refines: str | None = None) -> None:
        element = etree.SubElement(metadata, f"{{{OPF}}}meta", {"property": prop})
        if refines:
            element.set("refines", refines)
        element.text = value

    for element in list(metadata):
        prop = element.get("property")
        if prop in ("schema:accessModeSufficient",):
            metadata.remove(element)
        if prop == "schema:accessibilitySummary":
            said = words(
                "A synthetic voice reads the text aloud, each sentence highlighted as it is read."
            )
            element.text = f"{(element.text or '').rstrip()} {said}"
    meta("schema:accessMode", "auditory")
    meta("schema:accessModeSufficient", "textual")
    meta("schema:accessModeSufficient", "auditory")
    meta("schema:accessibilityFeature", "synchronizedAudioText")
    for name, smil_name, duration in overlays:
        overlay_id = f"{name.split('.')[0]}-overlay"
        items[name].set("media-overlay", overlay_id)
        etree.SubElement(
            manifest,
            f"{{{OPF}}}item",
            {"href": smil_name, "id": overlay_id, "media-type": "application/smil+xml"},
        )
        meta("media:duration", clock(duration), f"#{overlay_id}")
    meta("media:duration", clock(length))
    meta("media:active-class", ACTIVE)
    meta("media:narrator", narrator)
    etree.SubElement(
        manifest, f"{{{OPF}}}item", {"href": AUDIO, "id": "narration", "media-type": "audio/mpeg"}
    )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
