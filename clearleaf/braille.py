"""Braille codes: which liblouis table transcribes which language, and the cells' ASCII.

English is Unified English Braille grade 2 (``en-ueb-g2.ctb``), the code of
the UK since 2016; never ``en-GB-g2.ctb``, the Standard English Braille it
replaced. Every other language has the literary code its braille authority
uses, as liblouis names it; a language missing here has no braille edition
(:func:`code_for` returns ``None`` and the edition says which languages have
one), never an English transcription of words that are not English.

Cells are Unicode braille (U+2800 + the dots' bits) everywhere inside
clearleaf; the Braille ASCII of a BRF file is the North American mapping
(liblouis' ``en-us-brf.dis``), :func:`to_ascii`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A blank cell.
BLANK = "\u2800"

#: Braille ASCII, indexed by the dots' bits (dot 1 = 1, dot 2 = 2, ... dot 6 = 32):
#: the 64 six-dot cells as embossers and braille displays read them from a BRF.
ASCII = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="

_FROM_ASCII = {char: chr(0x2800 + bits) for bits, char in enumerate(ASCII)}


def to_ascii(cells: str) -> str:
    """Six-dot Unicode braille ``cells`` in Braille ASCII (characters 0x20-0x5F)."""
    return "".join(ASCII[ord(cell) - 0x2800] for cell in cells)


def from_ascii(text: str) -> str:
    """Braille ASCII ``text`` as Unicode braille cells (lower-case letters read as capitals)."""
    return "".join(_FROM_ASCII[char] for char in text.upper())


def six_dot(cells: str) -> bool:
    """Whether every one of ``cells`` is a six-dot cell (U+2800-U+283F)."""
    return all(0x2800 <= ord(cell) <= 0x283F for cell in cells)


@dataclass(frozen=True)
class Code:
    """A language's braille code: the tables liblouis transcribes it with."""

    #: What the code is called, for the README and messages.
    name: str
    #: The liblouis table of running text.
    table: str
    #: The table of web and email addresses, codes and commands: uncontracted,
    #: so that they read back letter for letter.
    uncontracted: str
    #: What goes before an uncontracted address in running contracted text
    #: (UEB's grade 1 word indicator, dots 56 56); empty for codes without one.
    grade1: str = ""
    #: What opens and closes an uncontracted passage of several words (UEB's grade 1
    #: passage indicator, dots 56 56 56, and its terminator, dots 56 3).
    grade1_passage: tuple[str, str] = ("", "")


_UEB = Code(
    "Unified English Braille, grade 2",
    "en-ueb-g2.ctb",
    "en-ueb-g1.ctb",
    "\u2830\u2830",
    ("\u2830\u2830\u2830", "\u2830\u2804"),
)


def _code(name: str, table: str, uncontracted: str | None = None) -> Code:
    return Code(name, table, uncontracted or table)


#: Language subtag -> its code. Each table is in liblouis 3.24 (Debian 12's
#: liblouis-data), compiles, and writes six-dot cells (tests/test_braille.py).
CODES: dict[str, Code] = {
    "en": _UEB,
    "cy": _code("Welsh, grade 2", "cy-cy-g2.ctb", "cy-cy-g1.utb"),
    "ga": _code("Irish, grade 2", "ga-g2.ctb", "ga-g1.utb"),
    "ar": _code("Arabic, grade 1", "ar-ar-g1.utb"),
    "ur": _code("Urdu, grade 1", "ur-pk-g1.utb"),
    "fa": _code("Persian, grade 1", "fa-ir-g1.utb"),
    "ckb": _code("Central Kurdish, grade 1", "ckb-g1.ctb"),
    "bn": _code("Bengali (Bharati braille)", "bn.tbl"),
    "pa": _code("Punjabi (Bharati braille)", "pa.tbl"),
    "hi": _code("Hindi (Bharati braille)", "hi-in-g1.utb"),
    "gu": _code("Gujarati (Bharati braille)", "gu-in-g1.utb"),
    "mr": _code("Marathi (Bharati braille)", "mr-in-g1.utb"),
    "ta": _code("Tamil, grade 1", "ta-ta-g1.ctb"),
    "te": _code("Telugu (Bharati braille)", "te-in-g1.utb"),
    "ml": _code("Malayalam (Bharati braille)", "ml-in-g1.utb"),
    "si": _code("Sinhala, grade 1", "si-in-g1.utb"),
    "pl": _code("Polish, grade 1", "Pl-Pl-g1.utb"),
    "de": _code("German, contracted", "de-g2.ctb", "de-g0.utb"),
    "fr": _code("French, uncontracted (intégral)", "fr-bfu-comp6.utb"),
    "es": _code("Spanish, grade 1", "es-g1.ctb"),
    "pt": _code("Portuguese, grade 1", "pt-pt-g1.utb"),
    "it": _code("Italian, six-dot", "it-it-comp6.utb"),
    "nl": _code("Dutch, uncontracted", "nl-NL-g0.utb"),
    "cs": _code("Czech, grade 1", "cs-g1.ctb"),
    "sk": _code("Slovak, grade 1", "sk-g1.ctb"),
    "hu": _code("Hungarian, grade 1", "hu-hu-g1.ctb"),
    "sl": _code("Slovenian, grade 1", "sl-si-g1.utb"),
    "hr": _code("Croatian, grade 1", "hr-g1.ctb"),
    "sr": _code("Serbian, grade 1", "sr-g1.ctb"),
    "bg": _code("Bulgarian", "bg.utb"),
    "ru": _code("Russian, literary", "ru-litbrl.ctb"),
    "uk": _code("Ukrainian", "uk.utb"),
    "be": _code("Belarusian", "bel.utb"),
    "el": _code("Greek", "el.ctb"),
    "tr": _code("Turkish, grade 1", "tr-g1.ctb"),
    "lt": _code("Lithuanian, six-dot", "lt-6dot.utb"),
    "lv": _code("Latvian, grade 1", "Lv-Lv-g1.utb"),
    "da": _code("Danish, grade 1", "da-dk-g16.ctb"),
    "sv": _code("Swedish, grade 1", "sv-g1.ctb"),
    "no": _code("Norwegian, grade 0", "no-no-g0.utb"),
    "nb": _code("Norwegian, grade 0", "no-no-g0.utb"),
    "af": _code("Afrikaans, grade 1", "afr-za-g1.ctb"),
    "sw": _code("Swahili, grade 1", "sw-ke-g1.utb"),
    "zu": _code("Zulu, grade 1", "zu-za-g1.utb"),
    "xh": _code("Xhosa, grade 1", "xh-za-g1.utb"),
    "vi": _code("Vietnamese, grade 1", "vi-vn-g1.ctb"),
    "he": _code("Hebrew", "he-IL.utb"),
    "zh": _code("Chinese (Mandarin, Mainland China)", "zh-chn.ctb"),
    "ko": _code("Korean, grade 1", "ko-g1.ctb"),
}


#: Letters a code has no six-dot sign for (Latin letters in an Urdu or Persian
#: text: "COVID-19") are written in uncontracted English braille, as braille
#: transcribers of those languages write them.
FOREIGN = _UEB.uncontracted


def code_for(lang: str) -> Code | None:
    """The braille code of the language tagged ``lang`` (BCP 47), if liblouis has one."""
    return CODES.get(lang.split("-")[0].lower())


def languages() -> str:
    """The language subtags that have a braille code, for messages: "af, ar, be, ..."."""
    return ", ".join(sorted(CODES))
