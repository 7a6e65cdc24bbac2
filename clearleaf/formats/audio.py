"""Audio: the document read aloud, as an MP3 with a chapter per section.

As UKAAF's minimum standard for audio asks, the recording opens with the
title, who published it and how long it lasts, and it can be navigated: an
ID3 chapter (CHAP, listed in a CTOC) per section, titled as the section. It
ends as the printed back panel does: the contact details, the dates, and
the other formats. The text is the e-book's, sentence by sentence
(:mod:`clearleaf.formats.narration`); the voice is synthetic
(:mod:`clearleaf.speech`).
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_timedelta

from clearleaf import speech
from clearleaf.colophon import Colophon
from clearleaf.formats import Inputs, Rendered, ocf
from clearleaf.formats.epub import CONTENT
from clearleaf.formats.narration import (
    Chapter,
    Narration,
    Sentence,
    mp3,
    narrate,
    sentences,
    unvoiced,
    voice_of,
)


def body(epub: bytes, lang: str) -> list[Sentence]:
    """The sentences of the e-book's text after its title (which the opening says)."""
    files, _stamp = ocf.read(epub)
    _, found = sentences(files[f"EPUB/{CONTENT}"], "s", lang)
    titles = [index for index, item in enumerate(found) if item.id == "title"]
    return found[titles[0] + 1 :] if titles else found


def closing(back: Colophon) -> list[Sentence]:
    """What the back panel says, to be heard: contact details, dates, other formats."""
    words = back.words
    said: list[str] = []
    if back.contacts:
        said.append(str(words("Contact us")))
        said += [f"{contact.label}: {contact.text}." for contact in back.contacts]
    said += [str(text) for text in back.record if text.strip()][:2]
    said.append(str(back.other_formats("audio").statement))
    return [Sentence(None, ((text, words.lang),)) for text in said]


def opening(back: Colophon, title: str, organisation: str, seconds: float) -> Sentence:
    """The first words: the title, who published it, and how long the recording lasts."""
    words = back.words
    minutes = dt.timedelta(minutes=max(1, round(seconds / 60)))
    duration = format_timedelta(minutes, threshold=10, locale=words.locale)
    text = (
        str(words("{title}, from {organisation}.", title=title, organisation=organisation))
        + " "
        + str(words("This recording lasts about {duration}.", duration=duration))
    )
    return Sentence("title", ((text, words.lang),), heading=1)


def render(inputs: Inputs) -> Rendered:
    """Render the document as an MP3."""
    document, back = inputs.document, inputs.colophon
    meta = document.meta
    voice = voice_of(document)
    lexicon = document.settings.lexicon
    text = body(inputs.editions["epub"], meta.lang) + closing(back)
    rest = narrate(text, meta.lang, lexicon, voice)
    # The opening says how long the whole lasts; its own length is in it.
    guess = rest.length / speech.RATE + 6
    opening_items = [opening(back, meta.title, meta.organisation, guess)]
    start = narrate(opening_items, meta.lang, lexicon, voice)
    total = (start.length + rest.length) / speech.RATE
    if round(total / 60) != round(guess / 60):
        opening_items = [opening(back, meta.title, meta.organisation, total)]
        start = narrate(opening_items, meta.lang, lexicon, voice)
    whole = Narration(
        start.samples + rest.samples,
        start.clips + [(i, b + start.length, e + start.length) for i, b, e in rest.clips],
        {**start.unvoiced, **rest.unvoiced},
    )
    chapters = _chapters(whole, [*opening_items, *text], back, meta.title)
    transcript = "\n".join(item.text.strip() for item in [*opening_items, *text])
    data, _length = mp3(
        whole.samples, chapters, meta.title, meta.organisation, meta.lang, transcript
    )
    return Rendered(data, unvoiced(document.path, whole))


def _chapters(whole: Narration, items: list[Sentence], back: Colophon, title: str) -> list[Chapter]:
    """A chapter for the opening and the text before the first section, one a section
    (a level 2 heading), and one for the back panel."""
    chapters: list[Chapter] = []
    closing_start = None
    for item, (_id, begin, end) in zip(items, whole.clips, strict=True):
        if item.id == "title":
            chapters.append(Chapter(title, begin, end))
        elif item.heading == 2:
            chapters.append(Chapter(item.text, begin, end))
        elif item.id is None and closing_start is None:
            closing_start = begin
    if closing_start is not None:
        words = back.words
        title = words("Contact us") if back.contacts else words("Other formats")
        chapters.append(Chapter(str(title), closing_start, whole.length))
    return chapters
