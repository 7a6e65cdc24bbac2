"""Speech: text made speakable, and a voice that speaks it.

The voice is espeak-ng (Debian ``espeak-ng``), run as a program, one
utterance at a time: it is fast, offline, deterministic (the same text gives
the same samples) and has voices for about a hundred languages. It is a
synthetic voice, clear rather than natural; :data:`VOICES` is where another
engine would be registered.

Before any text is spoken, :func:`speakable` rewrites what a synthesiser
says wrongly: a telephone number is read digit by digit in its groups
("0300 123 6600" is "oh three oh oh, one two three, six six oh oh", never
"three hundred"), 111 and 999 as digits, units of doses in full, web
addresses without their scheme, and the abbreviations of a lexicon the
project may extend (``[speech.lexicon]`` in ``clearleaf.toml``).
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
import wave
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from clearleaf.errors import usage_error

#: What to install when the voice is missing.
INSTALL = "install espeak-ng (Debian and Ubuntu: sudo apt-get install espeak-ng)"

#: The sample rate of every utterance (espeak-ng's), in samples a second.
RATE = 22050

#: Words a synthesiser reads wrongly, and how to say them (English). A
#: project adds its own in ``[speech.lexicon]``.
LEXICON: Mapping[str, str] = {
    "A&E": "A and E",
    "GP": "G P",
    "GPs": "G Ps",
    "NHS": "N H S",
    "e.g.": "for example",
    "i.e.": "that is",
    "etc.": "et cetera",
}

#: Units written after a number, said in full.
_UNITS = {
    "mg": "milligrams",
    "mcg": "micrograms",
    "µg": "micrograms",
    "g": "grams",
    "kg": "kilograms",
    "ml": "millilitres",
    "mL": "millilitres",
    "l": "litres",
    "L": "litres",
    "mmol": "millimoles",
    "mmHg": "millimetres of mercury",
    "cm": "centimetres",
    "mm": "millimetres",
}
_DIGITS = ("oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

#: A telephone number: ten or more digits in groups (0300 123 6600, +44 20 7946 0958,
#: (01632) 960 001), or an emergency number alone (111, 999, 112).
_PHONE = re.compile(
    r"(?<![\w.])(?:\+\d{1,3}[ -]?)?\(?0?\d{2,5}\)?(?:[ -]?\d{2,4}){2,4}(?![\w.]*\d)"
    r"|(?<![\w.])(?:111|999|112)(?!\w)(?!\.\d)"
)
_ADDRESS = re.compile(
    r"(?<![@\w.-])(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/(?:[^\s)]*[^\s).,;:!?'\"])?)?(?![\w@-])",
    re.I,
)
_DOSE = re.compile(
    r"(?<=\d) ?(" + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)) + r")\b"
)


def speakable(text: str, lexicon: Mapping[str, str] | None = None, lang: str = "en") -> str:
    """``text`` as it is to be spoken (see the module's description). Only English text
    is rewritten but for telephone numbers; other languages' voices read their own."""
    text = _PHONE.sub(_phone, text)
    if not lang.lower().startswith("en"):
        return text
    text = _DOSE.sub(lambda match: " " + _UNITS[match[1]], text)
    text = _ADDRESS.sub(_address, text)
    for written, said in {**LEXICON, **(lexicon or {})}.items():
        text = re.sub(rf"(?<![\w&]){re.escape(written)}(?![\w&])", said, text)
    return text


def _phone(match: re.Match[str]) -> str:
    digits = sum(char.isdigit() for char in match[0])
    if digits < 10 and match[0] not in ("111", "999", "112"):
        return match[0]
    groups = re.findall(r"\+?\d+", match[0])
    spoken = [
        ("plus " if group.startswith("+") else "")
        + " ".join(_DIGITS[int(d)] for d in group.lstrip("+"))
        for group in groups
    ]
    return ", ".join(spoken)


def _address(match: re.Match[str]) -> str:
    address = match[0]
    if "." not in address or re.fullmatch(r"[\d.]+", address) or "@" in address:
        return address
    if not (
        address.lower().startswith(("http", "www."))
        or "/" in address
        or re.search(r"\.(?:uk|com|org|net|gov|nhs|wales|scot|info|io)\b", address, re.I)
    ):
        return address  # a word with a full stop inside it ("e.g.", "3.5"), not an address
    address = re.sub(r"^https?://", "", address, flags=re.I).rstrip("/")
    return address.replace("/", " slash ").replace(".", " dot ")


class Unavailable(RuntimeError):
    """The voice is not installed."""


@dataclass(frozen=True)
class Voice:
    """A speech engine: the program, and how it is asked for a language.

    ``arguments`` follow the program, ``{voice}`` standing for the voice; the
    text goes in on standard input and a WAV file (16-bit, mono, at
    :data:`RATE`) comes out on standard output. An engine other than espeak-ng
    (``custom``) is a project's ``[speech] command``: it is given the
    document's language tag as its voice, and says which voices it has by
    speaking them.
    """

    name: str
    program: str
    arguments: tuple[str, ...] = ("-v", "{voice}", "--stdout", "-b", "1", "--stdin")
    custom: bool = False

    def available(self) -> str | None:
        """``None`` when the engine can be run, else what to install."""
        if shutil.which(self.program) is None:
            if self.custom:
                return f"the speech command '{self.program}' ([speech] command) is not installed"
            return f"the audio editions need {self.name}, which is not installed: {INSTALL}"
        return None

    def version(self) -> str:
        """The engine's version ("eSpeak NG text-to-speech: 1.51 ..."), or "missing"."""
        if self.custom:
            return " ".join((self.program, *self.arguments))
        return _version(self.program) if self.available() is None else "missing"

    def languages(self) -> frozenset[str]:
        """The language tags the engine has a voice for."""
        return _espeak_languages(self.program)

    def voice_for(self, lang: str) -> str | None:
        """The engine's voice for the language tagged ``lang``: the tag itself, a
        regional voice of its language, or the language; None if it has none."""
        if self.custom:
            return lang
        known = self.languages()
        tag = lang.lower()
        if tag in known:
            return tag
        primary = tag.split("-")[0]
        if primary == "en":
            return "en-gb"
        if primary in known:
            return primary
        # A language espeak-ng has only regional voices for: its own country's
        # (fr-fr), else the first.
        regional = sorted(voice for voice in known if voice.startswith(f"{primary}-"))
        own = f"{primary}-{primary}"
        return own if own in regional else (regional[0] if regional else None)

    def speak(self, text: str, voice: str) -> bytes:
        """``text`` spoken by ``voice``: 16-bit mono samples at :data:`RATE`, little-endian."""
        # The text goes in on standard input: never read as an option ("-f ..."),
        # and as long as it is.
        result = subprocess.run(
            [self.program, *(argument.replace("{voice}", voice) for argument in self.arguments)],
            input=text.encode("utf-8"),
            capture_output=True,
            check=True,
        )
        with wave.open(io.BytesIO(result.stdout)) as audio:
            shape = (audio.getframerate(), audio.getsampwidth(), audio.getnchannels())
            if shape != (RATE, 2, 1):
                raise usage_error(
                    Path(self.program),
                    "audio.engine-format",
                    f"the speech engine wrote audio at {shape[0]} Hz, "
                    f"{8 * shape[1]}-bit, {shape[2]} channel(s); the audio editions take "
                    f"{RATE} Hz, 16-bit, mono: ask the engine for that ([speech] command)",
                )
            # espeak-ng writes to a pipe before it knows the length: the header's
            # frame count is a placeholder, the data runs to the end.
            return bytes(audio.readframes(2**31))

    def phonemes(self, text: str, voice: str) -> str:
        """The phonemes the engine says for ``text`` (its ``-x`` mnemonics)."""
        return subprocess.run(
            [self.program, "-v", voice, "-q", "-x", "-b", "1", "--stdin"],
            input=text,
            capture_output=True,
            check=True,
            text=True,
        ).stdout


@functools.cache
def _version(program: str) -> str:
    result = subprocess.run(
        [program, "--version"], capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL
    )
    return result.stdout.split("  Data at:")[0].strip()


@functools.cache
def _espeak_languages(program: str) -> frozenset[str]:
    listing = subprocess.run(
        [program, "--voices"], capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL
    ).stdout
    return frozenset(line.split()[1].lower() for line in listing.splitlines()[1:] if line.split())


#: The engines there are, by name; the default is the first.
VOICES: dict[str, Voice] = {"espeak-ng": Voice("espeak-ng", "espeak-ng")}
DEFAULT = VOICES["espeak-ng"]


def engine(name: str, command: tuple[str, ...] = ()) -> Voice:
    """The engine ``name`` of :data:`VOICES`, or the project's ``command`` when it names it."""
    if name == COMMAND and command:
        return Voice(COMMAND, command[0], tuple(command[1:]), custom=True)
    return VOICES[name]


#: The name of the engine a project gives as a command of its own.
COMMAND = "command"


def available() -> str | None:
    """``None`` when the default voice can speak, else what to install."""
    return DEFAULT.available()
