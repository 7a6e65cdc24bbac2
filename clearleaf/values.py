"""Values a source writes that the editions' formats constrain: language tags,
text directions and machine-readable dates.

Each check answers with why a value cannot be published and what to write
instead, or ``None`` when it can; the callers turn that into a located error
(``meta.bad-language`` in the front matter, ``source.invalid-lang``,
``source.invalid-dir`` and ``source.invalid-datetime`` in the body), so that a
value no reader's software would understand never reaches a page.

- A language tag must be a well-formed BCP 47 tag (:data:`BCP47`) whose every
  subtag is in the IANA Language Subtag Registry, and not one the registry
  deprecates (``iw``, ``en-GB-oed``): the Nu Html Checker refuses or warns
  about those, and a screen reader picks its voice by the tag. The registry
  comes with the ``language-tags`` package.
- A direction is ``ltr``, ``rtl`` or ``auto``.
- A ``<time datetime>`` is a date, month, year, week, yearless date, time,
  date and time (with or without a zone) or duration, written as both HTML
  and EPUB 3 (whose schema is stricter: capital ``T``, ``W`` and ``P``) accept.
- The date the editions' files carry (``published``, or ``SOURCE_DATE_EPOCH``
  when it is set) is one a ZIP file can hold (:data:`ZIP_DATES`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import unicodedata
from typing import Any

# BCP 47 well-formedness (RFC 5646 section 2.1), simplified to the shapes a
# publisher writes: language, optional script, region and variants.
BCP47 = re.compile(
    r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8}|-[0-9][A-Za-z0-9]{3})*$"
)

#: The first and last days a ZIP entry can be dated: its MS-DOS date counts the
#: years from 1980 in seven bits (PKWARE's APPNOTE, 4.4.6). The e-book and the
#: Word document are ZIP files, their entries dated by ``published`` or
#: ``SOURCE_DATE_EPOCH`` (see :class:`clearleaf.context.Context`).
ZIP_DATES = (dt.date(1980, 1, 1), dt.date(2107, 12, 31))

#: The values of ``dir``.
DIRECTIONS = frozenset({"ltr", "rtl", "auto"})

_LANGUAGE_EXAMPLE = "write one such as en-GB, cy or ar"


def language_problem(tag: str) -> str | None:
    """Why ``tag`` is not a language tag the editions can carry, or None if it is."""
    return _language_problem(tag)


@functools.lru_cache(maxsize=256)
def _language_problem(tag: str) -> str | None:
    from language_tags import tags  # the registry: loaded only when a tag is checked

    checked = tags.tag(tag)
    if checked.deprecated:  # a whole tag the registry replaced: en-GB-oed, zh-cmn
        preferred = checked.preferred
        fix = f"write {preferred.format}" if preferred else _LANGUAGE_EXAMPLE
        return f"{_q(tag)} is an outdated language tag; {fix}"
    if not BCP47.match(tag):
        return f"{_q(tag)} is not a language tag; {_named(tag) or _LANGUAGE_EXAMPLE}"
    subtags: list[Any] = checked.subtags
    for subtag in subtags:
        if subtag.deprecated:
            preferred = subtag.preferred
            if len(subtags) == 1:
                fix = f"write {preferred.format}" if preferred else _LANGUAGE_EXAMPLE
                return f"{_q(tag)} is an outdated language tag; {fix}"
            fix = f"write {preferred.format} for it" if preferred else "leave it out"
            return f"{_q(subtag.format)} in {_q(tag)} is an outdated subtag; {fix}"
    for error in checked.errors:
        if error.code == checked.ERR_SUPPRESS_SCRIPT:
            script = "-" + str(error.subtag).lower()
            shorter = "".join(part for part in re.split(r"(?=-)", tag) if part.lower() != script)
            return f"{_q(tag)} names the script its language is always written in; write {shorter}"
    if not checked.valid:
        return f"{_q(tag)} is not a registered language tag; {_named(tag) or _LANGUAGE_EXAMPLE}"
    language = checked.language.format if checked.language else ""
    for subtag in subtags:
        prefixes = [prefix.lower() for prefix in subtag.data["record"].get("Prefix", [])]
        if (
            subtag.type == "variant"
            and prefixes
            and not any(tag == prefix or tag.startswith(prefix + "-") for prefix in prefixes)
        ):
            return (
                f"{_q(subtag.format)} in {_q(tag)} is a variant of {' or '.join(prefixes)}, not of "
                f"{language}; leave it out"
            )
    return None


def _named(name: str) -> str | None:
    """The fix when ``name`` is a language's English name ("Welsh": "write cy"), else None."""
    from language_tags import tags

    wanted = name.strip().lower()
    if len(wanted) > 60 or not wanted.replace(" ", "").isalpha():
        return None
    for subtag in tags.search(wanted):
        if subtag.type == "language" and wanted in (d.lower() for d in subtag.description):
            return f"for {subtag.description[0]} write {subtag.format}"
    return None


def direction_problem(value: str) -> str | None:
    """Why ``value`` is not a text direction, or None if it is."""
    if value.lower() in DIRECTIONS:
        return None
    return f"{_q(value)} is not a text direction; write rtl, ltr or auto"


_YEAR = r"(?P<year>[0-9]{4,})"
_DATE = _YEAR + r"-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_TIME = r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:\.[0-9]{1,3})?)?"
_ZONE = r"(?:Z|[+-](?P<zone_hour>[0-9]{2}):?(?P<zone_minute>[0-9]{2}))"
_SECONDS = r"[0-9]+(?:\.[0-9]{1,3})?S"
# The shapes HTML's and EPUB 3's schemas both accept (EPUBCheck's regular
# expressions, which HTML's microsyntaxes include), then range-checked.
_DATETIMES = [
    re.compile(pattern)
    for pattern in (
        r"(?P<year>[0-9]{4})",
        _YEAR + r"-(?P<month>[0-9]{2})",
        _DATE,
        r"(?:--)?(?P<month>[0-9]{2})-(?P<day>[0-9]{2})",
        _YEAR + r"-W(?P<week>[0-9]{2})",
        _TIME,
        _DATE + r"[T ]" + _TIME + _ZONE + "?",
        # Durations: ISO 8601 (P3D, PT1H30M) or HTML's own (1h 30m 5s).
        r"P[0-9]+D|P(?:[0-9]+D)?T(?:[0-9]+H(?:[0-9]+M)?(?:" + _SECONDS + r")?"
        r"|(?:[0-9]+H)?[0-9]+M(?:" + _SECONDS + r")?|(?:[0-9]+H)?(?:[0-9]+M)?" + _SECONDS + ")",
        r"(?: *(?:[0-9]+ *[WDHM]|[0-9]+(?:\.[0-9]{1,3})? *S) *)+",
    )
]

_DATETIME_EXAMPLE = "write one such as 2026-03-14, 2026-03, 14:30, 2026-03-14T14:30Z or PT1H30M"


def datetime_problem(value: str) -> str | None:
    """Why ``value`` is not a ``<time datetime>`` value, or None if it is."""
    for pattern in _DATETIMES:
        match = pattern.fullmatch(value)
        if match:
            wrong = _out_of_range(match.groupdict())
            if wrong:
                return f"{_q(value)} has no such {wrong}; {_DATETIME_EXAMPLE}"
            return None
    return f"{_q(value)} is not a date, time or duration; {_DATETIME_EXAMPLE}"


def file_date_problem(day: dt.date) -> str | None:
    """Why ``day`` cannot date the editions' files, or None if it can."""
    first, last = ZIP_DATES
    if day > last:
        return (
            f"the e-book and Word formats cannot date a file after {last}: write a date before "
            f"{last.year + 1}"
        )
    if day < first:
        return (
            f"the e-book and Word formats cannot date a file before {first}: write a date from "
            f"{first.year} on"
        )
    return None


def _out_of_range(parts: dict[str, str | None]) -> str | None:
    """The part of a matched date or time that is out of range (``"day"``), or None."""
    number = {key: int(value) for key, value in parts.items() if value is not None}
    year = number.get("year", 2000)  # a yearless date may be 29 February
    if "year" in number and year == 0:
        return "year"
    if "month" in number and not 1 <= number["month"] <= 12:
        return "month"
    if "day" in number and not 1 <= number["day"] <= calendar.monthrange(year, number["month"])[1]:
        return "day"
    if "week" in number:
        # ISO 8601: a year has 53 weeks when it starts on a Thursday, or is a
        # leap year starting on a Wednesday.
        first = calendar.weekday(year, 1, 1)
        weeks = 53 if first == 3 or (first == 2 and calendar.isleap(year)) else 52
        if not 1 <= number["week"] <= weeks:
            return "week"
    limits = {"hour": 23, "minute": 59, "second": 59, "zone_hour": 23, "zone_minute": 59}
    for key, limit in limits.items():
        if number.get(key, 0) > limit:
            return key.replace("zone_", "time-zone ")
    return None


# Characters that join the one before them without a canonical combining
# class (Unicode's NFC_Quick_Check=Maybe: Bengali AA, Hangul vowel and final
# jamo...), as (first, last) code points; with every character of a nonzero
# combining class, they are what Charmod Norm calls composing characters.
_JOINING = (
    (0x09BE, 0x09BE),
    (0x09D7, 0x09D7),
    (0x0B3E, 0x0B3E),
    (0x0B56, 0x0B57),
    (0x0BBE, 0x0BBE),
    (0x0BD7, 0x0BD7),
    (0x0CC2, 0x0CC2),
    (0x0CD5, 0x0CD6),
    (0x0D3E, 0x0D3E),
    (0x0D57, 0x0D57),
    (0x0DCF, 0x0DCF),
    (0x0DDF, 0x0DDF),
    (0x0FB5, 0x0FB5),
    (0x0FB7, 0x0FB7),
    (0x102E, 0x102E),
    (0x1161, 0x1175),
    (0x11A8, 0x11C2),
    (0x1B35, 0x1B35),
    (0x11127, 0x11127),
    (0x1133E, 0x1133E),
    (0x11357, 0x11357),
    (0x114B0, 0x114B0),
    (0x114BA, 0x114BA),
    (0x114BD, 0x114BD),
    (0x115AF, 0x115AF),
    (0x11930, 0x11930),
)


def starts_with_composing(text: str) -> bool:
    """Whether ``text`` starts with a character that joins the one before it (a combining
    accent, a vowel sign): at the start of a run of text it has none to join."""
    if not text:
        return False
    code = ord(text[0])
    return unicodedata.combining(text[0]) != 0 or any(
        first <= code <= last for first, last in _JOINING
    )


def _q(value: str, size: int = 40) -> str:
    """``value`` quoted for a message, shortened when long."""
    return repr(value if len(value) <= size else value[: size - 1] + "\u2026")
