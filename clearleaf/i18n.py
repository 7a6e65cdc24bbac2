"""The pipeline's own words in the document's language: message catalogues, dates and lists.

Everything an edition says that its source does not ("Contents", "Page 1 of
2", "Published by ... on ...", the accessibility statement) is a message of a
gettext catalogue shipped in the package, ``locales/<language>.po``, read at
run time with Babel; dates and lists are written the way the locale writes
them (CLDR, through Babel). The English catalogue holds the source strings:
its msgids are what every other catalogue translates, placeholders
(``{date}``) included.

A document whose language has no catalogue gets the English words, which the
editions mark as English (WCAG 2.2 SC 3.1.2, language of parts); the check
``i18n.no-catalogue`` says so. A project may reword any message, per
language, in ``clearleaf.toml`` (``[messages.cy]``): the overrides given to
:func:`words`.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import importlib.resources
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.pofile import read_po

#: The catalogues, one ``<language>.po`` a language (a primary subtag).
LOCALES_DIR = Path(str(importlib.resources.files("clearleaf") / "locales"))
#: The language of the source strings, whose catalogue every other one translates.
SOURCE_LANGUAGE = "en"
#: Where the messages are listed, for messages to name.
_SOURCE_CATALOGUE = "clearleaf/locales/en.po"
#: The check that reports a language without a catalogue.
NO_CATALOGUE = "i18n.no-catalogue"
#: How English is written where a tag names no region: the project's
#: readers are in the UK (NHS Accessible Information Standard).
_ENGLISH_LOCALE = "en_GB"

#: A project's rewording of messages: language (a BCP 47 tag) -> msgid -> text.
Overrides = Mapping[str, Mapping[str, str]]


class Phrase(str):
    """Text the pipeline wrote, with the parts the editor wrote told apart.

    An organisation's name or the feedback sentence inside "Published by ..."
    keeps the document's language when the pipeline's words around it are
    English (a language without a catalogue), so an edition that marks
    languages marks those parts (:attr:`parts`). It is the ``str`` of the
    whole text, so the plain-text edition writes it as it is.
    """

    #: (text, whether the editor wrote it), in order; neighbours of one kind merged.
    parts: tuple[tuple[str, bool], ...]

    def __new__(cls, parts: Iterable[tuple[str, bool]]) -> Phrase:
        """The phrase made of ``parts``: (text, written by the editor)."""
        merged: list[tuple[str, bool]] = []
        for text, own in parts:
            if not text:
                continue
            if merged and merged[-1][1] == own:
                merged[-1] = (merged[-1][0] + text, own)
            else:
                merged.append((text, own))
        phrase = super().__new__(cls, "".join(text for text, _own in merged))
        phrase.parts = tuple(merged)
        return phrase

    def __reduce__(self) -> tuple[Any, ...]:
        # Handed to worker processes inside the back matter, parts and all.
        return (Phrase, (self.parts,))


def own(text: str) -> Phrase:
    """``text`` as the editor wrote it (a name, a sentence of the front matter)."""
    return Phrase([(text, True)])


def _pieces(template: str) -> Iterable[tuple[str, str | None]]:
    """The literal text and the placeholder names of ``template``, in order."""
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        yield literal, name


def placeholders(template: str) -> list[str]:
    """The names of the placeholders of ``template`` (``{date}``), sorted."""
    return sorted(name for _literal, name in _pieces(template) if name is not None)


@dataclass(frozen=True)
class Words:
    """The pipeline's words for one document: its messages, dates and lists, and their language."""

    #: The BCP 47 tag the words are in: the document's when a catalogue (or the
    #: project) has its language, otherwise "en".
    lang: str
    #: Babel's name of the locale that writes the dates and lists ("cy", "en_GB").
    locale: str
    #: msgid -> the text to write.
    messages: Mapping[str, str]
    #: Whether the words are in the document's language; if not, they are
    #: English standing in for it, marked as English by the editions.
    native: bool

    def __call__(self, msgid: str, **fields: str) -> Phrase:
        """The message ``msgid`` with its placeholders filled in.

        A field that is a :class:`Phrase` keeps its parts: the editor's text
        inside it stays marked as the editor's.
        """
        parts: list[tuple[str, bool]] = []
        for literal, name in _pieces(self.text(msgid)):
            parts.append((literal, False))
            if name is not None:
                value = fields[name]
                parts.extend(value.parts if isinstance(value, Phrase) else [(value, False)])
        return Phrase(parts)

    def text(self, msgid: str) -> str:
        """The text of message ``msgid``, placeholders unfilled."""
        try:
            return self.messages[msgid]
        except KeyError:
            raise KeyError(f"no message {msgid!r} in {_SOURCE_CATALOGUE}") from None

    def markup(self, msgid: str, **fields: str) -> str:
        """The message ``msgid`` as HTML: its own text escaped, ``fields`` (HTML) as they are."""
        out = []
        for literal, name in _pieces(self.text(msgid)):
            out.append(html.escape(literal))
            if name is not None:
                out.append(fields[name])
        return "".join(out)

    def date(self, date: dt.date) -> str:
        """``date`` as the locale writes it in full: "24 November 2026", "24 Tachwedd 2026"."""
        return format_date(date, format="long", locale=self.locale)

    def join(self, items: Sequence[str], nouns: bool = False) -> Phrase:
        """``items`` joined as the locale says a list: "a, b and c", "a, b i c".

        An item that is a :class:`Phrase` keeps its parts (a name the editor
        wrote); the words that join them are the pipeline's. ``nouns``: the
        items are common nouns (the editions' names), not names of people,
        so that Welsh may mutate the last one after "a" ("and").
        """
        phrases = [item if isinstance(item, Phrase) else Phrase([(item, False)]) for item in items]
        if Locale.parse(self.locale).language == "cy":
            return _welsh_list(phrases, nouns)
        # CLDR's patterns only put text around the items: join stand-ins for
        # them, then put each item, parts and all, in its place.
        marks = [f"\ue000{number}\ue001" for number in range(len(phrases))]
        parts: list[tuple[str, bool]] = []
        for piece in _MARK.split(format_list(marks, locale=self.locale)):
            mark = _MARK.fullmatch(piece)
            parts.extend(phrases[int(piece[1:-1])].parts if mark else [(piece, False)])
        return Phrase(parts)

    @property
    def characters(self) -> str:
        """Every character the words may write, for choosing the fonts of a page.

        None for English, whose letters the typeface has: an English page
        keeps the fonts it had.
        """
        if Locale.parse(self.locale).language == SOURCE_LANGUAGE:
            return ""
        months = [self.date(dt.date(2000, month, 1)) for month in range(1, 13)]
        return "".join(sorted(set("".join([*self.messages.values(), *months]))))


def capital(text: str) -> str:
    """``text`` with its first letter a capital, the rest as it is ("E-book", "Tudalen we")."""
    return text[:1].upper() + text[1:]


# -- Welsh ---------------------------------------------------------------------

_WELSH_VOWELS = frozenset("aeiouwyâêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ")
#: A stand-in for the item of a list (characters of Unicode's private use area).
_MARK = re.compile("(\ue000[0-9]+\ue001)")
#: The aspirate mutation "a" ("and") causes: c, p, t become ch, ph, th.
_ASPIRATE = {"c": "ch", "p": "ph", "t": "th"}


def _welsh_list(items: list[Phrase], nouns: bool) -> Phrase:
    """A Welsh list: "a" before a consonant, "ac" before a vowel.

    CLDR writes the choice as "a(c)", which no Welsh reader writes. After "a"
    a common noun takes the aspirate mutation ("e-lyfr a thestun plaen");
    names of people are written as they are.
    """
    if len(items) < 2:
        return Phrase(part for item in items for part in item.parts)
    *first, last = items
    parts: list[tuple[str, bool]] = []
    for number, item in enumerate(first):
        parts.extend([(", ", False)] if number else [])
        parts.extend(item.parts)
    if last[:1].lower() in _WELSH_VOWELS:
        return Phrase([*parts, (" ac ", False), *last.parts])
    initial = last[:1]
    if nouns and initial.lower() in _ASPIRATE and last[1:2].lower() != "h":
        mutated = _ASPIRATE[initial.lower()]
        last = Phrase(
            [((mutated.capitalize() if initial.isupper() else mutated) + last[1:], False)]
        )
    return Phrase([*parts, (" a ", False), *last.parts])


# -- catalogues -------------------------------------------------------------------


def catalogue_path(language: str) -> Path:
    """The file of the catalogue of ``language`` (a primary subtag)."""
    return LOCALES_DIR / f"{language}.po"


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages with a catalogue (primary subtags), sorted."""
    return tuple(sorted(path.stem for path in LOCALES_DIR.glob("*.po")))


@functools.cache
def catalogue(language: str) -> Mapping[str, str]:
    """The messages of the catalogue of ``language``: msgid -> text.

    An untranslated message (an empty msgstr) is left out; in the English
    catalogue every message is its own msgid.
    """
    with catalogue_path(language).open("rb") as stream:
        read = read_po(stream, locale=language)
    found: dict[str, str] = {}
    for message in read:
        if not message.id or not isinstance(message.id, str):
            continue
        text = message.string if isinstance(message.string, str) else ""
        if language == SOURCE_LANGUAGE:
            found[message.id] = text or message.id
        elif text:
            found[message.id] = text
    return found


def source_messages() -> Mapping[str, str]:
    """The English catalogue: every msgid the pipeline writes, as itself."""
    return catalogue(SOURCE_LANGUAGE)


def _subtags(tag: str) -> list[str]:
    return [part for part in tag.replace("_", "-").split("-") if part]


def _script(subtags: list[str]) -> str | None:
    """The script a tag is written in: its script subtag, or the likeliest (CLDR)."""
    explicit = next((tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()), None)
    if explicit is not None:
        return explicit.title()
    likely: Mapping[str, str] = get_global("likely_subtags")
    language = subtags[0].lower()
    region = next((tag.upper() for tag in subtags[1:] if len(tag) in (2, 3)), None)
    for key in ([f"{language}_{region}"] if region else []) + [language]:
        value = likely.get(key)
        if value:
            return next((part for part in value.split("_")[1:] if len(part) == 4), None)
    return None


def catalogue_language(tag: str) -> str | None:
    """The catalogue that has the words of ``tag``, by its language, if there is one.

    ``cy-GB`` has Welsh's, ``pa-IN`` Punjabi's; a tag in another script
    than its catalogue's (``pa-Arab``, ``pa-PK``: Shahmukhi, not Gurmukhi) has none.
    """
    subtags = _subtags(tag)
    if not subtags or subtags[0].lower() not in languages():
        return None
    language = subtags[0].lower()
    if _script(subtags) != _script([language]):
        return None
    return language


def _locale(tag: str) -> str:
    """Babel's locale for ``tag``: the most specific one it knows, British for bare English."""
    subtags = _subtags(tag)
    if not subtags or (len(subtags) == 1 and subtags[0].lower() == SOURCE_LANGUAGE):
        return _ENGLISH_LOCALE
    shaped = [subtags[0].lower()] + [
        part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part
        for part in subtags[1:]
    ]
    for length in range(len(shaped), 0, -1):
        try:
            return str(Locale.parse("_".join(shaped[:length])))
        except (UnknownLocaleError, ValueError):
            continue
    return _ENGLISH_LOCALE


def _applies(key: str, tag: str) -> bool:
    """Whether the overrides of ``key`` (``cy``, ``en-US``) apply to a document in ``tag``."""
    wanted = [part.lower() for part in _subtags(key)]
    have = [part.lower() for part in _subtags(tag)]
    return bool(wanted) and have[: len(wanted)] == wanted


def _overrides_for(tag: str, overrides: Overrides | None) -> dict[str, str]:
    """The valid overrides that apply to ``tag``, the more specific key winning."""
    found: dict[str, str] = {}
    keys = [key for key in (overrides or {}) if _applies(key, tag)]
    for key in sorted(keys, key=lambda key: len(_subtags(key))):
        for msgid, text in (overrides or {})[key].items():
            if problem(msgid, text) is None:
                found[msgid] = text
    return found


def problem(msgid: str, text: str) -> str | None:
    """What is wrong with ``text`` as a project's wording of message ``msgid``, if anything.

    For the configuration to report at the line of ``clearleaf.toml``; an
    override with a problem is not used.
    """
    known = source_messages()
    if msgid not in known:
        return f"{msgid!r} is not one of clearleaf's messages (they are in {_SOURCE_CATALOGUE})"
    try:
        names = placeholders(text)
    except ValueError as error:
        return (
            f"the wording of {msgid!r} has a stray brace ({error}); write a brace as {{{{ or }}}}"
        )
    wanted = placeholders(msgid)
    if names != wanted:
        shown = ", ".join(f"{{{name}}}" for name in wanted) or "no placeholder"
        return f"the wording of {msgid!r} must have {shown}, as the message has"
    return None


def catalogued(tag: str, overrides: Overrides | None = None) -> bool:
    """Whether the pipeline's words can be written in ``tag``: a catalogue has its
    language, or the project words every message for it."""
    if catalogue_language(tag) is not None:
        return True
    return set(_overrides_for(tag, overrides)) >= set(source_messages())


def words(tag: str, overrides: Overrides | None = None) -> Words:
    """The pipeline's words for a document in ``tag`` (BCP 47), with the project's ``overrides``.

    ``overrides`` maps a language (``cy``, ``en-US``) to msgid -> wording: a
    key applies to every tag it is a prefix of (``cy`` to ``cy-GB``), the
    longest key last. Without a catalogue for its language, a document gets
    English words (and the English overrides), unless the project words
    every message for its language.
    """
    language = catalogue_language(tag)
    if language is not None:
        messages = {
            **source_messages(),
            **catalogue(language),
            **_overrides_for(tag, overrides),
        }
        return Words(tag, _locale(tag), messages, native=True)
    if catalogued(tag, overrides):
        messages = {**source_messages(), **_overrides_for(tag, overrides)}
        return Words(tag, _locale(tag), messages, native=True)
    messages = {**source_messages(), **_overrides_for(SOURCE_LANGUAGE, overrides)}
    return Words(SOURCE_LANGUAGE, _ENGLISH_LOCALE, messages, native=False)


def css_string(template: str, counters: Mapping[str, str]) -> str:
    """A CSS ``content`` value for ``template``: its text quoted, each placeholder the
    CSS value ``counters`` gives it.

    ``Page {page} of {pages}`` with ``{"page": "counter(page)", "pages":
    "counter(pages)"}`` is ``"Page " counter(page) " of " counter(pages)``.
    """
    out = []
    for literal, name in _pieces(template):
        if literal:
            quoted = literal.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
            out.append(f'"{quoted}"')
        if name is not None:
            out.append(counters[name])
    return " ".join(out)
