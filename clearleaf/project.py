"""Making a project (``clearleaf init``) and a new source in it (``clearleaf new``).

A project is a folder of its own, outside clearleaf: a ``clearleaf.toml`` with
what its documents share, ``source/`` with one example leaflet that builds
without a warning, even under ``--strict``, and a ``.gitignore`` for the
outputs. The templates are in ``clearleaf/templates/``.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from clearleaf import config
from clearleaf.errors import input_error, usage_error
from clearleaf.outputs import write_atomic

#: How long after publication a new document is due for review. The Patient
#: Information Forum asks for a review at least every three years; two leaves
#: time to do it.
REVIEW_YEARS = 2

#: The example a new project starts with.
EXAMPLE = "washing-your-hands.md"


def _template(name: str) -> string.Template:
    text = (importlib.resources.files("clearleaf") / "templates" / name).read_text(encoding="utf-8")
    return string.Template(text)


def _quoted(text: str) -> str:
    """``text`` as a double-quoted string that both TOML and YAML read back as it is."""
    return json.dumps(text, ensure_ascii=False)


def _inside_quotes(text: str) -> str:
    return _quoted(text)[1:-1]


def review_date(published: dt.date) -> dt.date:
    """The review date :data:`REVIEW_YEARS` after ``published`` (28 February for 29 February)."""
    try:
        return published.replace(year=published.year + REVIEW_YEARS)
    except ValueError:
        return published.replace(year=published.year + REVIEW_YEARS, day=28)


@dataclass(frozen=True)
class Made:
    """What a command made: the files, in the order written."""

    files: tuple[Path, ...]


def init(
    folder: Path,
    today: dt.date,
    organisation: str = "Example Health Service",
    lang: str = "en-GB",
    phone: str = "0300 123 4567",
    email: str = "help@example.org",
) -> Made:
    """Make a project in ``folder`` (created if need be); refuse one that is a project already."""
    existing = folder / config.FILE_NAME
    if existing.exists():
        raise input_error(
            existing,
            "project.exists",
            f"{folder} is a clearleaf project already; run 'clearleaf new \"Title\"' there to add "
            "a document",
        )
    source = folder / "source"
    example = source / EXAMPLE
    if example.exists():
        raise input_error(example, "project.exists", "this file exists; init leaves it as it is")
    fields = {
        "organisation": _inside_quotes(organisation),
        "lang": _inside_quotes(lang),
        "phone": _inside_quotes(phone),
        "email": _inside_quotes(email),
        "year": str(today.year),
    }
    settings = _template("clearleaf.toml").substitute(fields)
    leaflet = _template("example.md").substitute(
        published=today.isoformat(), next_review=review_date(today).isoformat(), phone=phone
    )
    written = []
    for path, text in (
        (folder / config.FILE_NAME, settings),
        (example, leaflet),
        (folder / ".gitignore", _template("gitignore").template),
    ):
        if path.name == ".gitignore" and path.exists():
            continue  # the folder's own, kept
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return Made(tuple(written))


def slug(title: str) -> str:
    """A file name for a document titled ``title``: lower case words joined by hyphens.

    Letters of any script are kept ("golchi-dwylo", "غسل-اليدين"); accents are
    kept too, as readers type them.
    """
    words = re.findall(r"\w+", unicodedata.normalize("NFC", title).casefold())
    return "-".join(words)[:80].strip("-") or "document"


def new(title: str, folder: Path, today: dt.date, name: str | None = None) -> Made:
    """Add a source titled ``title`` to the project of ``folder``, from its template."""
    if not title.strip():
        raise usage_error(
            folder,
            "project.no-title",
            'the title is empty; write it in quotes: clearleaf new "Title"',
        )
    project = config.for_folder(folder)
    if project.path is None:
        raise usage_error(
            folder,
            "project.none",
            f"this folder is not in a clearleaf project (no {config.FILE_NAME} here or above); "
            "make one with 'clearleaf init'",
        )
    stem = slug(name or title)
    target = project.source_folder / f"{stem}.md"
    if target.exists():
        raise input_error(
            target,
            "project.exists",
            "a source of this name exists; choose another title, or a name with --name",
        )
    text = _template("new.md").substitute(
        title=_quoted(" ".join(title.split())),
        published=today.isoformat(),
        next_review=review_date(today).isoformat(),
    )
    write_atomic(target, text.encode("utf-8"))
    return Made((target,))
