"""The front-matter schema: every key a source may set, its type and its meaning.

The schema is data (:data:`FIELDS`), so that validation, error messages and the
README's table come from one place. Unknown keys are errors: a misspelt
``next_reveiw`` must never silently drop a review date from a health leaflet.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from clearleaf import values
from clearleaf.errors import Location, PipelineError, combined, input_error

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Field:
    """One front-matter key."""

    name: str
    kind: str  # a key of _CONVERTERS: text, date, language, url, contact, list, age, count, flag
    required: bool
    doc: str


FIELDS: tuple[Field, ...] = (
    Field("title", "text", True, "The document title: the h1, the PDF and EPUB title."),
    Field("subtitle", "text", False, "A line shown under the title."),
    Field("lang", "language", True, "Language of the text as a BCP 47 tag, e.g. en-GB."),
    Field("organisation", "text", True, "Who publishes the document; shown on every page."),
    Field("authors", "list", False, "Who wrote the document, one name a line."),
    Field(
        "description",
        "text",
        True,
        "One or two sentences saying what the document covers; the front panel's key message.",
    ),
    Field("published", "date", True, "Date of publication, YYYY-MM-DD."),
    Field("reviewed", "date", False, "Date of the last review of the content, YYYY-MM-DD."),
    Field("next_review", "date", True, "Date by which the content is reviewed, YYYY-MM-DD."),
    Field("version", "text", False, "The edition of the document, e.g. 2.1."),
    Field(
        "contact",
        "contact",
        False,
        "How readers get help: a mapping with any of phone, email and web.",
    ),
    Field("feedback", "text", False, "How readers comment on the document."),
    Field(
        "url", "url", False, "The address of the web version (https://...); printed as a QR code."
    ),
    Field(
        "link_base",
        "url",
        False,
        "The address relative links in the text resolve against, e.g. https://www.example.org/ "
        "for links written /conditions/cold; default: the url.",
    ),
    Field("sources", "list", False, "The evidence the text relies on, one entry each."),
    Field("keywords", "list", False, "Subjects, for catalogues and search engines."),
    Field("rights", "text", False, "Copyright and licence, e.g. (c) 2026 Anormed UK."),
    Field(
        "accessibility_summary",
        "text",
        False,
        "A sentence on the document's accessibility, for e-book catalogues; a default is written.",
    ),
    Field(
        "certified_by",
        "text",
        False,
        "The organisation that checked the document's accessibility and stands behind the "
        "claim that it meets WCAG 2.2 Level AA.",
    ),
    Field(
        "reading_age_target",
        "age",
        False,
        "The reading age the text should not exceed; default 11 (Patient Information Forum).",
    ),
    Field(
        "braille_cells",
        "count",
        False,
        "Cells a line of the braille edition holds, 20 to 50; default 40 (UKAAF).",
    ),
    Field(
        "braille_lines",
        "count",
        False,
        "Lines a page of the braille edition holds, 10 to 40; default 25 (UKAAF).",
    ),
    Field(
        "draft",
        "flag",
        False,
        "true for a document not yet published: it is built, but the catalogue's index page "
        "and feed leave it out; default false.",
    ),
)

_BY_NAME = {field.name: field for field in FIELDS}
#: Every front-matter key, in the schema's order.
FIELD_NAMES = tuple(_BY_NAME)


@dataclass(frozen=True)
class Contact:
    """How readers reach the organisation; at least one of the three is set."""

    phone: str | None = None
    email: str | None = None
    web: str | None = None


@dataclass(frozen=True)
class Metadata:
    """Validated front matter of one document."""

    title: str
    lang: str
    organisation: str
    description: str
    published: dt.date
    next_review: dt.date
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    reviewed: dt.date | None = None
    version: str | None = None
    contact: Contact | None = None
    feedback: str | None = None
    url: str | None = None
    link_base: str | None = None
    sources: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    rights: str | None = None
    accessibility_summary: str | None = None
    certified_by: str | None = None
    reading_age_target: int = 11
    braille_cells: int = 40
    braille_lines: int = 25
    draft: bool = False
    #: Stands in for front matter with mistakes, so that the body can still be
    #: checked in the same run: a required value that is missing or wrong is
    #: empty here (see :func:`validate_all`). Never published.
    provisional: bool = False


#: What a provisional :class:`Metadata` has for each required key that is missing or wrong.
_PLACEHOLDERS: dict[str, Any] = {
    "title": "",
    "lang": "und",
    "organisation": "",
    "description": "",
    "published": dt.date.min,
    "next_review": dt.date.max,
}


def validate(raw: Any, path: Path, key_lines: Mapping[str, int], first_line: int) -> Metadata:
    """Check the parsed front matter against :data:`FIELDS` and build :class:`Metadata`.

    ``key_lines`` gives the source line of each key, ``first_line`` the line of
    the opening ``---``, so that every error points at the right line. Raises
    one error reporting every mistake found.
    """
    meta, errors = validate_all(raw, path, key_lines, first_line)
    if errors:
        raise combined(errors)
    return meta


def validate_all(
    raw: Any, path: Path, key_lines: Mapping[str, int], first_line: int
) -> tuple[Metadata, list[PipelineError]]:
    """The metadata, and every mistake in the front matter that can be found together.

    With mistakes, the metadata is *provisional*: what could be read, with
    placeholders for the rest, so that the body's checks can still run.
    """
    errors: list[PipelineError] = []
    if not isinstance(raw, dict):
        errors.append(
            input_error(
                path,
                "meta.not-mapping",
                "the front matter must be a list of 'key: value' lines",
                first_line,
            )
        )
        raw = {}
    #: Keys an unknown key looks like: its own error already names them.
    suggested: set[str] = set()
    for key in raw:
        if key not in _BY_NAME:
            close = difflib.get_close_matches(str(key), _BY_NAME, n=1)
            suggested.update(close)
            hint = f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(_BY_NAME)
            errors.append(
                input_error(
                    path,
                    "meta.unknown-key",
                    f"unknown front-matter key '{key}'; {hint}",
                    key_lines.get(str(key), first_line),
                )
            )
    values: dict[str, Any] = {}
    for field in FIELDS:
        line = key_lines.get(field.name, first_line)
        value = raw.get(field.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if field.required and field.name not in suggested:
                errors.append(
                    input_error(
                        path,
                        "meta.missing-key",
                        f"the front matter needs '{field.name}': {field.doc}",
                        first_line,
                    )
                )
            continue
        try:
            values[field.name] = _CONVERTERS[field.kind](field, value, path, line)
        except PipelineError as error:
            errors.append(error)
    if errors:
        placeholders = {key: value for key, value in _PLACEHOLDERS.items() if key not in values}
        meta = Metadata(**values, **placeholders, provisional=True)
        return meta, [at_key(error) for error in errors]
    meta = Metadata(**values)
    if meta.next_review <= meta.published:
        errors.append(
            input_error(
                path,
                "meta.review-before-publication",
                f"next_review ({meta.next_review}) must come after published ({meta.published})",
                key_lines.get("next_review", first_line),
            )
        )
    if meta.reviewed is not None and not meta.published <= meta.reviewed < meta.next_review:
        errors.append(
            input_error(
                path,
                "meta.reviewed-out-of-order",
                f"reviewed ({meta.reviewed}) must be on or after published ({meta.published}) "
                f"and before next_review ({meta.next_review})",
                key_lines.get("reviewed", first_line),
            )
        )
    if errors:
        meta = Metadata(**{**values, "provisional": True})
    return meta, [at_key(error) for error in errors]


def at_key(error: PipelineError) -> PipelineError:
    """``error`` pointing at the first column of its line: where a top-level key starts."""
    location = error.diagnostic.location
    if location.line and not location.column:
        moved = Location(location.path, location.line, 1)
        return PipelineError(replace(error.diagnostic, location=moved), error.category)
    return error


def _text(field: Field, value: Any, path: Path, line: int) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise input_error(
            path, "meta.wrong-type", f"'{field.name}' must be text; {field.doc}", line
        )
    text = " ".join(str(value).split())
    if values.starts_with_composing(text):
        raise input_error(
            path,
            "meta.stray-mark",
            f"'{field.name}' starts with U+{ord(text[0]):04X}, a mark that joins the character "
            "before it, and there is none: delete it, or move it next to its letter",
            line,
        )
    return text


#: The date keys that date the editions' files (see :func:`clearleaf.values.file_date_problem`).
_FILE_DATES = frozenset({"published"})


def _date(field: Field, value: Any, path: Path, line: int) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            text = str(value).strip()
            if not _ISO_DATE.match(text):
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise input_error(
                path,
                "meta.bad-date",
                f"'{field.name}' must be a real date written YYYY-MM-DD, not '{value}'",
                line,
            ) from None
    problem = values.file_date_problem(day) if field.name in _FILE_DATES else None
    if problem:
        raise input_error(
            path, "meta.bad-date", f"'{field.name}' is {day.isoformat()}; {problem}", line
        )
    return day


def _language(field: Field, value: Any, path: Path, line: int) -> str:
    text = str(value).strip()
    problem = values.language_problem(text)
    if problem:
        raise input_error(path, "meta.bad-language", f"'{field.name}': {problem}", line)
    return text


_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}[0-9]$")


def _url(field: Field, value: Any, path: Path, line: int) -> str:
    text = _text(field, value, path, line)
    if not _URL.match(text):
        raise input_error(
            path,
            "meta.bad-url",
            f"'{field.name}' must be a web address starting https:// or http://, not '{text}'",
            line,
        )
    return text


def _contact(field: Field, value: Any, path: Path, line: int) -> Contact:
    if not isinstance(value, dict) or not value:
        raise input_error(
            path,
            "meta.wrong-type",
            f"'{field.name}' must list phone:, email: and/or web: on indented lines below it",
            line,
        )
    unknown = sorted(str(key) for key in value if key not in ("phone", "email", "web"))
    if unknown:
        raise input_error(
            path,
            "meta.unknown-key",
            f"unknown key '{unknown[0]}' under '{field.name}'; use phone, email or web",
            line,
        )
    checks = {
        "phone": (_PHONE, "a phone number such as 0300 123 4567"),
        "email": (_EMAIL, "an email address such as help@example.org"),
        "web": (_URL, "a web address starting https://"),
    }
    found: dict[str, str] = {}
    for key, (pattern, example) in checks.items():
        if value.get(key) is None:
            continue
        text = " ".join(str(value[key]).split())
        if not pattern.match(text):
            raise input_error(
                path,
                "meta.bad-contact",
                f"'{field.name}.{key}' must be {example}, not '{text}'",
                line,
            )
        found[key] = text
    return Contact(**found)


def _list(field: Field, value: Any, path: Path, line: int) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    texts = tuple(_text(field, item, path, line) for item in items if item is not None)
    if not texts or not all(texts):
        raise input_error(
            path, "meta.wrong-type", f"'{field.name}' must be a list of '- text' lines", line
        )
    return texts


def _age(field: Field, value: Any, path: Path, line: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 5 <= value <= 25:
        raise input_error(
            path,
            "meta.wrong-type",
            f"'{field.name}' must be a reading age in years between 5 and 25, not '{value}'",
            line,
        )
    return value


#: The smallest and largest value of each key whose kind is "count".
_COUNTS = {"braille_cells": (20, 50), "braille_lines": (10, 40)}


def _count(field: Field, value: Any, path: Path, line: int) -> int:
    low, high = _COUNTS[field.name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise input_error(
            path,
            "meta.wrong-type",
            f"'{field.name}' must be a whole number from {low} to {high}, not '{value}'",
            line,
        )
    return value


def _flag(field: Field, value: Any, path: Path, line: int) -> bool:
    if not isinstance(value, bool):
        raise input_error(
            path,
            "meta.wrong-type",
            f"'{field.name}' must be true or false, not '{value}'",
            line,
        )
    return value


def convert(name: str, value: Any, path: Path, line: int) -> Any:
    """``value`` of the front-matter key ``name`` as the schema reads it, or its error.

    For values that come from elsewhere than a source's front matter (the
    project's configuration), checked by the same rules.
    """
    field = _BY_NAME[name]
    return _CONVERTERS[field.kind](field, value, path, line)


_CONVERTERS: dict[str, Callable[[Field, Any, Path, int], Any]] = {
    "text": _text,
    "date": _date,
    "language": _language,
    "url": _url,
    "contact": _contact,
    "list": _list,
    "age": _age,
    "count": _count,
    "flag": _flag,
}
