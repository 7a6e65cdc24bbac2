"""Readability of a document's prose: SMOG, Flesch-Kincaid, Flesch reading ease, hardest sentences.

Health information should be readable at the reading age its readers have:
the Patient Information Forum asks for about 11, the front matter's
``reading_age_target``. This module measures the body and points an editor at
the sentences to simplify; it never rewrites the text. It works offline and
needs no dictionary download (unlike ``textstat``, see ``STANDARDS.md``).

**Text measured.** The prose of the body, read from the pandoc AST:
paragraphs, list items, block quotes, call-outs, definitions, footnotes, and
table cells written as sentences (ending in ``.``, ``!`` or ``?``). Left out:
headings, definition terms, captions and table cells that are labels or
figures (like headings, they are not sentences, and their fragments would make
the text look easier than it is), code, images and their alt text, the front
matter, HTML comments, and passages marked as another language
(``[Bore da]{lang=cy}``), which the English formulas cannot judge.

**Sentences.** Each paragraph, list item or cell ends a sentence, so a bullet
without a full stop is one sentence. Inside one, a sentence ends at ``.``,
``!``, ``?`` or ``…`` (after any closing quote or bracket) followed by a
space and a word that does not start in lower case, except after titles and
``e.g.``-like abbreviations (``Dr.``, ``e.g.``, ``i.e.``, ``approx.``), after
``No.``, ``p.``, ``tel.`` and the like before a number, and after an initial:
a single capital letter that follows a capitalised word or comes before
another initial (``Dr J. Smith``, ``by J. K. Smith``; but ``hepatitis C. It``
ends one). Pandoc's own non-breaking space after an abbreviation it knows
never ends a sentence. Decimals (``2.5``) and addresses (``nhs.uk``) contain
no space and never end one. Colons and semicolons do not end a sentence, as
the formulas' authors counted them.

**Words.** A word is a run of letters and digits, with inner hyphens,
apostrophes or full stops (``blood-brain``, ``heroin's``, ``e.g.``, ``2.5``)
keeping it one word. Its syllables are the sum of its hyphenated parts'. A
number (``24``, ``2.5``, ``1,000``) counts as one word of one syllable: the
spoken form would need a number reader for little gain. An abbreviation in
capitals of two or three letters, or with no vowel (``GP``, ``HIV``, ``NHS``),
is read letter by letter: one syllable a letter, three for ``W``.

**Syllables.** A rule-based counter for English (:func:`syllables`): vowel
groups, less silent ``e`` (``make``, ``makes``, ``hoped``, ``statement``; kept
in ``table``, ``centre``, ``changes``, ``wanted``), plus vowel pairs said as
two (``media``, ``radio``, ``usual``, ``diet``, ``going``), prefixes
(``reinforce``, ``coordinate``), compounds (``sometimes``, ``pipeline``) and a
short list of exceptions (``heroin``, ``recipe``, ``people``). It was written
against the CMU Pronouncing Dictionary (the reference for syllable counts in
readability research) and then scored on text not used to write it, counting
a word right when it matches any of the dictionary's pronunciations: 98.2% of
the 4,268 distinct dictionary words of the docstrings of Python's standard
library (99.4% of their running words), and 99.5% of those of the GPL-2,
LGPL-2.1, Artistic and BSD licences (99.9% of running words). What SMOG needs,
whether a word has three or more syllables, is right for 99.6% and 99.9% of
running words. Over all 117,493 lower-case entries of the dictionary, most of
them names and rare words, it is right for 93.9%. For comparison, pyphen's
hyphenation dictionaries (which WeasyPrint already brings) score 85.6% and
87.9% of distinct words, as hyphenation avoids breaks near a word's ends, so
they are not used. Every word of the canonical leaflet found in the dictionary
is counted as it gives. Known counts are tested in
``tests/test_readability.py``.

**Formulas** (grades are US school grades; reading age = grade + 5):

- SMOG grade (McLaughlin 1969, the usual measure for UK health leaflets) =
  1.0430 x sqrt(polysyllables x 30 / sentences) + 3.1291, where polysyllables
  are words of three or more syllables;
- Flesch-Kincaid grade (Kincaid et al. 1975) =
  0.39 x words / sentences + 11.8 x syllables / words - 15.59;
- Flesch reading ease (Flesch 1948) =
  206.835 - 1.015 x words / sentences - 84.6 x syllables / words
  (0 to 100; higher is easier, 60 and above is plain English).

The reading age judged against the target is the SMOG one, rounded to whole
years. The formulas are unstable below about 30 sentences, which the report
says. They are calibrated for English: for a document whose ``lang`` is
another language nothing is computed.

**Hardest sentences.** Each sentence scores its words plus two for each word
of three or more syllables, so a long word weighs three short ones: SMOG rests
on long words alone, Flesch-Kincaid on length and syllables, and both are
eased by splitting a sentence and by a shorter word. The ten highest, ties in
source order, are listed with the line where each starts in the source, found
by searching for its first words with any Markdown markup, link address or
line break between them.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from clearleaf import ast
from clearleaf.ast import stringify, walk
from clearleaf.document import Document
from clearleaf.sourcemap import source_of

Node = dict[str, Any]

#: Below this many sentences the formulas are unstable (McLaughlin sampled 30).
STABLE_SENTENCES = 30
#: How many of the hardest sentences the report lists.
HARDEST = 10
#: A word of this many syllables or more is "long" (a SMOG polysyllable).
LONG_WORD = 3
#: The score of a sentence: its words plus this much per long word.
LONG_WORD_WEIGHT = 2
#: Sentences are shown cut to about this many characters.
DISPLAY_WIDTH = 100

# -- words and syllables -------------------------------------------------------

# Letters and digits, joined by inner hyphens, apostrophes and full stops.
# Pandoc curls apostrophes and quotes (its "smart" extension): both forms are met.
_APOSTROPHES = "'\u2019"
_CLOSERS = "\"'\u201d\u2019)\\]"
_OPENERS = "([{\"'\u201c\u2018"
_WORD = re.compile(rf"[^\W_]+(?:[-.{_APOSTROPHES}][^\W_]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

# Words the rules below get wrong, with their syllables (their plurals follow).
_EXCEPTIONS = {
    "acne": 2,
    "apostrophe": 4,
    "business": 2,
    "catastrophe": 4,
    "diabetes": 4,
    "diastole": 4,
    "element": 3,
    "epitome": 4,
    "every": 2,
    "friend": 1,
    "hereditary": 5,
    "heroin": 3,
    "heroine": 3,
    "hyperbole": 4,
    "maybe": 2,
    "naive": 2,
    "people": 2,
    "poem": 2,
    "poet": 2,
    "psyche": 2,
    "recipe": 3,
    "simile": 3,
    "syncope": 3,
    "systole": 3,
    "whatsoever": 4,
    "wherever": 3,
    "whoever": 3,
}

# First halves of compounds whose final e is silent inside the word:
# "sometimes", "clearleaf", "lifetime", "therefore".
_COMPOUND_HEADS = (
    "any", "base", "care", "case", "code", "every", "face", "fire", "guide", "here", "home",
    "hope", "house", "life", "like", "more", "name", "pipe", "safe", "side", "some", "there",
    "time", "trade", "type", "use", "where", "whole", "wide",
)  # fmt: skip
# Of those, the ones that also join a word starting with a vowel: "someone",
# "whereas", "moreover"; for the others that would misread "homeopathy".
_VOWEL_COMPOUND_HEADS = frozenset({"any", "every", "here", "more", "some", "there", "where"})

# Corrections to the count of vowel groups, each with an example it fixes.
_ADJUSTMENTS = tuple(
    (re.compile(pattern), delta)
    for pattern, delta in (
        # radio, violence, various; not nation, region, anxious, fashion,
        # million, opinion, behaviour, senior
        (r"(?<![cgstx])(?<!sh)io(?!(?<=[ln]io)ns?$)(?!(?<=[vn]io)u?r)", 1),
        (r"(?<![cgst])ia", 1),  # media, trivial; not social, asia
        (r"iu", 1),  # medium
        (r"eo(?!(?<=geo)us)", 1),  # video, theory; not gorgeous
        (r"(?<![gq])ua(?![ds])", 1),  # usual, actual; not language, persuade
        (r"uo(?!u)", 1),  # fluoride
        (r"uou", 1),  # continuous
        (r"(?<![gq])ue(?=[nl])", 1),  # fluent, influence, cruel
        (r"ie(?=rs?$|st$|t)", 1),  # easier, earliest, diet, anxiety
        (r"(?<![ct])ien|^scien", 1),  # client, experience, science; not patient
        (r"[aeiouy]ing", 1),  # going, being, trying
        (r"[aeiouy](?:s|th)ms?$", 1),  # autism, spasm, rhythm
        (r"[ct]iat", 1),  # associate, initiate
        (r"creat(?!ure)", 1),  # create, creative
        # reinforce, react, reassure, reality, reopen, reuse
        (
            r"^re(?=in[cfstv]|a(?:ct|dj|dd|dm|ff|li|pp|rr|ss)|e[nvxs]|it|o(?:pen|rd|rg)|u(?:ni|se))",
            1,
        ),
        (r"^co(?=o(?:rd|per|ccur)|incid|exist|erc|alit)", 1),  # coordinate, coexist
        (r"^pre(?=am|ex|emp|occ|op)", 1),  # preamble, preexisting
        (r"(?<![aeiou])ire(?:[sd]|ly)?$", 1),  # desire, fire, tired
        (r"[aeiouy][^aeiouy]+o?eas?$", 1),  # area, idea, diarrhoea; not sea
        (r"uit[yi]", 1),  # continuity, intuitive
        (r"(?<!r)gue[sd]?$", -1),  # catalogue, tongue; not argue
        (r"ically$", -1),  # basically ("-ic-lee")
    )
)

# A silent e before a suffix: "statement", "lovely", "careful", "hopeless".
_SUFFIX_E = re.compile(
    r"(?<=[aeiouy])([^aeiouy]{1,2})e(?:ly|li(?:ness|er|est)|ments?|ful(?:ly|ness)?"
    r"|less(?:ly|ness)?|ness(?:es)?)$"
)


@functools.lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """The syllables of one English word, by rule (see the module docstring for its accuracy)."""
    if _NUMBER.fullmatch(word):
        return 1
    total = 0
    for part in re.split(r"[-.]", word):
        letters = "".join(char for char in part if char.isalpha())
        if not letters:
            total += 1 if part else 0
        elif letters.isupper() and (len(letters) <= 3 or not re.search("[AEIOU]", letters)):
            total += sum(3 if letter == "W" else 1 for letter in letters)
        else:
            total += _word_syllables(part)
    return max(1, total)


def _word_syllables(word: str) -> int:
    """The syllables of a word without hyphens: apostrophes first, then the letters."""
    text = unicodedata.normalize("NFKD", word.lower().replace("\u2019", "'"))
    extra = 0
    if "'" in text:
        # "isn't" and "didn't" gain a syllable, "can't" and "don't" do not;
        # "'s", "'re", "'ll", "'ve", "'d" and "'m" add none.
        base, _, tail = text.partition("'")
        if tail == "t" and base.endswith("n"):
            base = base[:-1]
            extra = 1 if re.search("[^aeiouy]$", base) else 0
        text = base
    letters = re.sub("[^a-z]", "", text)
    return max(1, _letter_syllables(letters) + extra) if letters else 1


def _letter_syllables(word: str) -> int:
    """The syllables of a lower-case word of the letters a to z."""
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    if word.endswith("s") and word[:-1] in _EXCEPTIONS:
        return _EXCEPTIONS[word[:-1]]
    for head in _COMPOUND_HEADS:
        rest = word[len(head) :]
        if (
            word.startswith(head)
            and len(rest) >= 2
            and re.search("[aeiouy]", rest)
            and (rest[0] not in "aeiou" or head in _VOWEL_COMPOUND_HEADS)
        ):
            return _letter_syllables(head) + _letter_syllables(rest)
    # "qu" is one consonant sound; so is a "y" that starts a word or stands
    # between vowels ("yes", "royal", "player").
    word = word.replace("qu", "qw")
    word = re.sub(r"^y|(?<=[aeiou])y(?=[aeiou])", "j", word)
    count = len(re.findall("[aeiouy]+", word))
    final = re.search(r"[^aeiouy](e)([sd]?)$", word)
    if final and count > 1:
        stem, suffix = word[: final.start(1)], final[2]
        syllabic = (
            re.search(r"[^aeiouyl]l$", stem)  # table, tables, handled
            or re.search(r"[bcdgptv]r$", stem)  # centre, litres
            or (suffix == "s" and re.search(r"(?:[sxzcg]|[cs]h)$", stem))  # boxes, changes
            or (suffix == "d" and re.search("[td]$", stem))  # wanted, needed
        )
        if not syllabic:
            count -= 1
    inner = _SUFFIX_E.search(word)
    if inner and not re.fullmatch("[^aeiouy][lr]", inner[1]):  # not "settlement"
        count -= 1
    for pattern, delta in _ADJUSTMENTS:
        count += delta * len(pattern.findall(word))
    return count


def words(text: str) -> list[str]:
    """The words of ``text``, in order."""
    return _WORD.findall(text)


# -- sentences -----------------------------------------------------------------

# A full stop, question or exclamation mark or ellipsis, with any closing
# quotes or brackets, before a space or the end.
_TERMINATOR = re.compile(rf"[.!?\u2026]+[{_CLOSERS}]*(?=\s|$)")
_INITIAL = re.compile(r"[A-Z]\.\s")
# Never the end of a sentence: titles before a name, and abbreviations that
# introduce what follows.
_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "mx", "prof", "st", "sr", "jr", "rev", "capt", "sgt", "mt",
     "e.g", "i.e", "eg", "ie", "cf", "vs", "viz", "approx", "ca", "resp"}
)  # fmt: skip
# Not the end of a sentence before a number: "No. 5", "p. 12", "tel. 0300 ...".
_NUMBER_ABBREVIATIONS = frozenset(
    {"no", "nos", "p", "pp", "tel", "ext", "fig", "figs", "vol", "ch", "sec", "ref"}
)


def split_sentences(text: str) -> list[str]:
    """The sentences of one paragraph, list item or cell of plain text."""
    sentences: list[str] = []
    start = 0
    for match in _TERMINATOR.finditer(text):
        piece = text[start : match.end()].strip()
        if _ends_sentence(text, match) and words(piece):
            sentences.append(piece)
            start = match.end()
    rest = text[start:].strip()
    if words(rest):
        sentences.append(rest)
    return sentences


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    """Whether the terminator ``match`` in ``text`` ends a sentence."""
    after = text[match.end() :]
    if after.startswith("\u00a0"):
        return False  # pandoc joins an abbreviation it knows to the next word
    following = after.lstrip()
    if not following:
        return True
    if following[0].islower():
        return False  # "approx. three", "etc. and so on", "... and then"
    if not match[0].startswith("."):
        return True
    before = _token_before(text, match.start())
    token = before[0].lstrip(_OPENERS) if before else ""
    if token.lower() in _ABBREVIATIONS:
        return False
    if token.lower() in _NUMBER_ABBREVIATIONS and following[0].isdigit():
        return False
    if len(token) == 1 and token.isupper():
        # An initial follows a capitalised word or another initial, starts the
        # text, or comes before another initial: "Dr J. Smith", "by J. K. Smith".
        previous = _token_before(text, before[1] if before else 0)
        initial = previous is None or previous[0][:1].isupper()
        return not (initial or _INITIAL.match(following))
    return True


def _token_before(text: str, end: int) -> tuple[str, int] | None:
    """The last run of non-space characters in ``text[:end]``, with its offset, if any."""
    # Not a search for r"\S+\s*$": that tries every offset from the start of
    # the passage, for every full stop in it.
    head = text[:end].rstrip()
    if not head:
        return None
    token = head.rsplit(None, 1)[-1]
    return token, len(head) - len(token)


# -- the prose of the body -------------------------------------------------------


def _is_english(lang: str) -> bool:
    """Whether the BCP 47 tag ``lang`` is English (primary subtag ``en``)."""
    return lang.split("-")[0].lower() == "en"


def _foreign(node: Node) -> bool:
    """Whether a Span or Div is marked as a language other than English."""
    attributes = dict(ast.attr(node).attributes)
    return "lang" in attributes and not _is_english(attributes["lang"])


def _readable(value: Any, notes: list[list[Node]]) -> Any:
    """A copy of inlines ``value`` without images and foreign passages; notes go to ``notes``."""
    if isinstance(value, list):
        kept = []
        for item in value:
            kind = item.get("t") if isinstance(item, dict) else None
            if kind == "Note":
                notes.append(ast.blocks(item))
            elif not (kind == "Image" or (kind == "Span" and _foreign(item))):
                kept.append(_readable(item, notes))
        return kept
    if isinstance(value, dict):
        return {key: _readable(item, notes) for key, item in value.items()}
    return value


#: The elements :func:`_readable` may leave out or set aside; it changes nothing else.
_NOT_READ = ("Note", "Image", "Span")


def _inline_text(inlines: list[Node], notes: list[list[Node]]) -> str:
    """The words a reader reads in ``inlines``, spaces collapsed."""
    # Most passages have none of those: read their text as it is, rather than
    # copy every passage of a long document first.
    if any(node["t"] in _NOT_READ for node in walk(inlines)):
        inlines = _readable(inlines, notes)
    return " ".join(stringify(inlines).split())


def _passages(blocks: Iterable[Node], notes: list[list[Node]]) -> Iterator[str]:
    """The text of each paragraph, list item, definition or prose cell in ``blocks``."""
    for block in blocks:
        kind = block.get("t")
        if kind in ("Para", "Plain"):
            yield _inline_text(ast.inlines(block), notes)
        elif kind == "LineBlock":
            for line in ast.lines(block):
                yield _inline_text(line, notes)
        elif kind == "BlockQuote" or (kind == "Div" and not _foreign(block)):
            yield from _passages(ast.blocks(block), notes)
        elif kind in ("BulletList", "OrderedList"):
            for item in ast.items(block):
                yield from _passages(item, notes)
        elif kind == "DefinitionList":
            for entry in ast.definition_items(block):
                for definition in entry.definitions:
                    yield from _passages(definition, notes)
        elif kind == "Table":
            yield from _table_passages(block, notes)
        # Headers, code, raw blocks, rules and figures (images and their
        # captions) are not prose.


def _table_passages(table: Node, notes: list[list[Node]]) -> Iterator[str]:
    """The cells of a table's body and foot that are written as sentences."""
    # A body's intermediate head rows are headers too.
    rows = [row for body in ast.bodies(table) for row in body.rows] + list(ast.foot_rows(table))
    for row in rows:
        for cell in ast.cells(row):
            for text in _passages(ast.cell_blocks(cell), notes):
                if re.search(rf"[.!?\u2026][{_CLOSERS}]*$", text):
                    yield text


def prose(blocks: list[Node]) -> list[str]:
    """The passages of prose of a document body, footnotes last (they are at its end)."""
    notes: list[list[Node]] = []
    found = [text for text in _passages(blocks, notes) if text]
    index = 0
    while index < len(notes):  # a footnote's own notes are appended as they are met
        found.extend(text for text in _passages(notes[index], notes) if text)
        index += 1
    return found


# -- measuring -------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """One sentence of the prose, with its counts and where it starts in the source."""

    text: str
    words: int
    syllables: int
    #: Words of three or more syllables.
    polysyllables: int
    #: Where the sentence starts in the source file (front matter included):
    #: an offset into ``Document.text``, and the 1-based line and column.
    offset: int
    line: int
    column: int

    @property
    def score(self) -> int:
        """How hard the sentence is: its words plus two for each long word."""
        return self.words + LONG_WORD_WEIGHT * self.polysyllables


#: The name the issue gives the sentences of :attr:`Readability.hardest`.
HardSentence = Sentence


@dataclass(frozen=True)
class Readability:
    """The readability figures of a document's prose."""

    words: int
    sentences: int
    syllables: int
    polysyllables: int
    smog_grade: float
    flesch_kincaid_grade: float
    flesch_reading_ease: float
    #: The hardest sentences, hardest first.
    hardest: list[HardSentence] = field(default_factory=list)

    @property
    def reading_age(self) -> int:
        """The SMOG reading age in whole years: the grade plus 5, rounded half up."""
        return _round(self.smog_grade + 5)

    @property
    def flesch_kincaid_reading_age(self) -> int:
        """The Flesch-Kincaid reading age in whole years."""
        return _round(self.flesch_kincaid_grade + 5)

    @property
    def stable(self) -> bool:
        """Whether there are enough sentences for the formulas to be stable."""
        return self.sentences >= STABLE_SENTENCES

    def above(self, target: int) -> bool:
        """Whether the reading age is above ``target``."""
        return self.reading_age > target


def _round(value: float) -> int:
    """``value`` rounded half up (Python's round() rounds 12.5 to 12, to the even number)."""
    return math.floor(value + 0.5)


def smog_grade(polysyllables: int, sentences: int) -> float:
    """The SMOG grade (McLaughlin 1969)."""
    return 1.0430 * math.sqrt(polysyllables * 30 / sentences) + 3.1291


def flesch_kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    """The Flesch-Kincaid grade level (Kincaid et al. 1975)."""
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def flesch_reading_ease(words: int, sentences: int, syllables: int) -> float:
    """The Flesch reading ease (Flesch 1948): 0 to 100, higher is easier."""
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)


def sentences_of(document: Document) -> list[Sentence]:
    """Every sentence of the document's prose, with its counts and source position."""
    source = source_of(document.text)
    tokens = _SourceWords(source.masked)
    found: list[Sentence] = []
    position, after = source.body_start, -1
    for passage in prose(document.blocks):
        for text in split_sentences(passage):
            sentence_words = words(text)
            counts = [syllables(word) for word in sentence_words]
            offset = tokens.locate(sentence_words, after)
            # Not found (a word split by markup, "**un**likely"): the previous
            # sentence's place is the nearest there is.
            if offset is not None:
                position = after = offset
            line, column = source.position(position)
            long_words = sum(count >= LONG_WORD for count in counts)
            found.append(
                Sentence(text, len(counts), sum(counts), long_words, position, line, column)
            )
    return found


# What stands between the words of a sentence in the source but is not part of
# its text: a link's address or reference, an image, a footnote mark, an
# attribute block, an HTML tag (not an autolink, whose address is its text),
# an entity. Markup characters (``**``, ``[``) and line breaks are not words.
_NOT_TEXT = re.compile(
    r"!\[[^\]\n]*\]\([^)\n]*\)|\]\([^)\n]*\)|\]\[[^\]\n]*\]|\[\^[^\]\n]+\]|\{[^}\n]*\}"
    r"|</?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])[^>\n]*>|&#?\w+;"
)


class _SourceWords:
    """The words of a masked source with their offsets, to find sentences in."""

    def __init__(self, masked: str) -> None:
        text = _NOT_TEXT.sub(lambda match: " " * len(match[0]), masked)
        # _plain() on the whole text: both apostrophes join a word, so its words
        # and their offsets are the same.
        found = [(match[0], match.start()) for match in _WORD.finditer(_plain(text))]
        self.words = [word for word, _offset in found]
        self.offsets = [offset for _word, offset in found]
        # Where each run of 5, 3 and 1 words begins, in order: a sentence is
        # found by a lookup, not by reading the text again (which, a sentence
        # at a time, took time growing with the square of the document).
        self.runs: dict[int, dict[tuple[str, ...], list[int]]] = {}
        for size in (5, 3, 1):
            starts: dict[tuple[str, ...], list[int]] = {}
            for index in range(len(self.words) - size + 1):
                starts.setdefault(tuple(self.words[index : index + size]), []).append(index)
            self.runs[size] = starts

    def locate(self, sentence_words: list[str], after: int) -> int | None:
        """The offset of the sentence starting with ``sentence_words``, if found.

        Sentences are searched for in document order, each after the offset
        where the last one started (``after``), so that repeated words find the
        right place, then from the top: its first five words in a row, or
        failing that three, or one (a word of the first few may be split by
        markup).
        """
        start = bisect.bisect_right(self.offsets, after)
        for count in (5, 3, 1):
            wanted = [_plain(word) for word in sentence_words[:count]]
            if not wanted or (len(wanted) < count and count != 1):
                continue
            for first in (start, 0):
                index = self._find(wanted, first)
                if index is not None:
                    return self.offsets[index]
        return None

    def _find(self, wanted: list[str], first: int) -> int | None:
        """The index of the first run of words equal to ``wanted`` at or after ``first``."""
        starts = self.runs[len(wanted)].get(tuple(wanted), [])
        found = bisect.bisect_left(starts, first)
        return starts[found] if found < len(starts) else None


def _plain(word: str) -> str:
    """``word`` with straight apostrophes, as pandoc's curly ones may be straight in the source."""
    return word.replace("\u2019", "'")


def measure(document: Document) -> Readability | None:
    """The readability of ``document``; None when its language is not English or it has no prose.

    Measured once per document, however many ask (the check, the verdict).
    """
    if "readability" not in document.memo:
        document.memo["readability"] = _measure(document)
    found: Readability | None = document.memo["readability"]
    return found


def _measure(document: Document) -> Readability | None:
    if not _is_english(document.meta.lang):
        return None
    sentences = sentences_of(document)
    total_words = sum(sentence.words for sentence in sentences)
    if not total_words:
        return None
    total_syllables = sum(sentence.syllables for sentence in sentences)
    long_words = sum(sentence.polysyllables for sentence in sentences)
    count = len(sentences)
    return Readability(
        words=total_words,
        sentences=count,
        syllables=total_syllables,
        polysyllables=long_words,
        smog_grade=smog_grade(long_words, count),
        flesch_kincaid_grade=flesch_kincaid_grade(total_words, count, total_syllables),
        flesch_reading_ease=flesch_reading_ease(total_words, count, total_syllables),
        # sorted() is stable: equal scores stay in source order.
        hardest=sorted(sentences, key=lambda sentence: -sentence.score)[:HARDEST],
    )


# -- reporting -------------------------------------------------------------------


def _shorten(text: str, width: int = DISPLAY_WIDTH) -> str:
    """``text`` cut at a word to at most ``width`` characters, marked with `` ...``."""
    if len(text) <= width:
        return text
    return text[: width - 4].rsplit(" ", 1)[0].rstrip(",;:") + " ..."


def report_lines(readability: Readability, target: int) -> list[str]:
    """The report on ``readability`` against the reading age ``target``, for the ``check`` command.

    Lines are indented relative to each other (the hardest sentences by two),
    not to the caller's heading.
    """
    verdict = "above" if readability.above(target) else "met"
    if not readability.stable:
        verdict = "not compared: too few sentences"
    lines = [
        f"words {readability.words}, sentences {readability.sentences}, "
        f"long words ({LONG_WORD}+ syllables) {readability.polysyllables}",
        f"SMOG grade {readability.smog_grade:.1f}, reading age {readability.reading_age} "
        f"(target {target}: {verdict})",
        f"Flesch-Kincaid grade {readability.flesch_kincaid_grade:.1f} "
        f"(reading age {readability.flesch_kincaid_reading_age}), "
        f"Flesch reading ease {readability.flesch_reading_ease:.1f}",
    ]
    if not readability.stable:
        lines.append(
            f"note: only {readability.sentences} sentence(s); these formulas need "
            f"{STABLE_SENTENCES} or more to be stable, so take the figures as a rough guide; "
            "the target is not checked"
        )
    if readability.hardest:
        lines.append(
            f"hardest sentences (score: words, plus {LONG_WORD_WEIGHT} for each long word):"
        )
        lines.extend(
            f"  line {sentence.line}: {sentence.words} words, {sentence.polysyllables} long: "
            f'"{_shorten(sentence.text)}"'
            for sentence in readability.hardest
        )
    return lines


def report(readability: Readability | None, lang: str, target: int) -> list[str]:
    """The readability report on a document in ``lang``, or why there is none."""
    if not _is_english(lang):
        return [f"readability formulas are calibrated for English; not computed for {lang}"]
    if readability is None:
        return ["no prose to measure"]
    return report_lines(readability, target)
