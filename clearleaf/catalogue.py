"""The catalogue of an output folder: an index page and an OPDS 2.0 feed of its documents.

A build leaves a folder of files; the catalogue is how readers, a clinic's
website or a library's reading app find them. ``index.html`` lists every
document with its title, organisation, description, language, review dates,
reading age and accessibility summary, and links every edition it has with the
format, size and (audio) length; it ends with how to ask for another format.
``opds.json`` says the same to reading systems (OPDS 2.0, with the Readium
accessibility model that Thorium and library systems filter by): one
publication a document, its e-book's accessibility metadata exactly as the
e-book's package says it (:func:`clearleaf.formats.epub.discovery`), and an
open-access acquisition link for every edition with its media type.

What a document contributes is worked out when it is built
(:func:`describe`) and kept in the output folder's manifest, so that an
up-to-date document is listed without being read again, and both files are
made from those records alone: the same records give the same bytes, in any
order they were built in. A build rewrites a file only when its bytes change.
A shard of a build (``--shard K/N``) writes its records as a part
(``.clearleaf/catalogue-K-of-N.json``) instead; :func:`join` makes the index
and the feed of the whole set once every shard's output folder is copied
into one. Documents marked ``draft`` are built but listed in neither.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from babel import Locale, UnknownLocaleError
from babel.units import format_unit
from mutagen.mp3 import MP3

from clearleaf import __version__, colophon, conformance, fonts, i18n, metadata, page
from clearleaf.colophon import Colophon
from clearleaf.config import Project
from clearleaf.context import Context
from clearleaf.document import Document
from clearleaf.editions import EDITIONS
from clearleaf.errors import (
    Diagnostic,
    Location,
    PipelineError,
    Severity,
    combined,
    input_error,
)
from clearleaf.formats import epub
from clearleaf.i18n import Words
from clearleaf.incremental import RECORDS, Manifest
from clearleaf.outputs import file_hash, write_atomic

#: The index page and the feed, at the top of the output folder.
INDEX = "index.html"
FEED = "opds.json"
#: The feed's media type (OPDS 2.0, section 1.2).
FEED_TYPE = "application/opds+json"
#: The relation of a link to an edition anyone may download (OPDS 2.0, 5.2).
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
#: The URI the Readium accessibility model gives each conformance claim the
#: e-book's package makes in words (``dcterms:conformsTo``).
CONFORMANCE = {conformance.CLAIM: "https://www.w3.org/TR/epub-a11y-11#wcag-2.2-aa"}
#: The layout of the parts shards write.
FORMAT = 1
_PART = re.compile(r"^catalogue-(\d+)-of-(\d+)\.json$")


@dataclass(frozen=True)
class Site:
    """What the project says of its catalogue as a whole (``clearleaf.toml``)."""

    title: str | None = None
    description: str | None = None
    #: The index page's language; the documents keep their own.
    lang: str = "en"
    #: How readers ask for another format: the project's contact details.
    contact: metadata.Contact | None = None
    #: Where the output folder is published: the feed's links are then absolute.
    url_base: str | None = None
    messages: Mapping[str, Mapping[str, str]] | None = None
    #: The project's colours and logo, as the web pages have them.
    branding_css: str = ""

    @classmethod
    def of(cls, project: Project) -> Site:
        """The catalogue settings of ``project``: its ``[catalogue]``, ``[defaults]`` and
        ``url_base``."""
        defaults = project.defaults
        contact = defaults.get("contact")
        return cls(
            title=project.catalogue.get("title"),
            description=project.catalogue.get("description"),
            lang=project.catalogue.get("lang") or str(defaults.get("lang") or "en"),
            contact=metadata.Contact(**contact) if isinstance(contact, Mapping) else None,
            url_base=project.url_base,
            messages=project.messages,
            branding_css=project.branding.css,
        )


# -- what a document contributes -------------------------------------------------------------


def describe(
    document: Document,
    back: Colophon,
    context: Context,
    files: Mapping[str, tuple[str, bytes]],
    reading_age: int | None = None,
) -> dict[str, Any]:
    """What the catalogue lists of ``document``: ``files`` maps the path of each edition
    written (relative to the output folder, with ``/``) to the edition's name and bytes.

    ``back`` is the back matter the editions printed (its claim and words), so
    that the accessibility metadata is the e-book's own.
    """
    meta = document.meta
    paginated = any(EDITIONS[name].pages_only for name, _data in files.values())
    found = epub.discovery(document, back.claimed, paginated, back.words)
    contact = meta.contact
    return {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "lang": meta.lang,
        "organisation": meta.organisation,
        "authors": list(meta.authors),
        "description": meta.description,
        "published": meta.published.isoformat(),
        "reviewed": meta.reviewed.isoformat() if meta.reviewed else None,
        "next_review": meta.next_review.isoformat(),
        # The e-book's dcterms:modified: the sources' date, never the clock.
        "modified": context.build_time(meta.published).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "version": meta.version,
        "keywords": list(meta.keywords),
        "rights": meta.rights,
        "url": meta.url,
        "contact": {k: v for k, v in vars(contact).items() if v} if contact else None,
        "identifier": document.identifier,
        "reading_age": reading_age,
        "draft": meta.draft,
        "accessibility": accessibility(found),
        "editions": {
            path: _edition_facts(name, data) for path, (name, data) in sorted(files.items())
        },
    }


def _edition_facts(name: str, data: bytes) -> dict[str, Any]:
    facts: dict[str, Any] = {"edition": name, "size": len(data)}
    if EDITIONS[name].media_type.startswith("audio/"):
        audio = MP3(io.BytesIO(data))  # type: ignore[no-untyped-call]
        facts["duration"] = round(float(getattr(audio.info, "length", 0.0)), 3)
    return facts


#: The keys of the accessibility object, in the order the feed writes them.
_ACCESSIBILITY = (
    "conformsTo",
    "certification",
    "accessMode",
    "accessModeSufficient",
    "feature",
    "hazard",
    "summary",
)


def accessibility(found: epub.Discovery) -> dict[str, Any]:
    """The e-book's accessibility metadata in the Readium model OPDS uses
    (``accessibility`` of the Readium Web Publication Manifest's metadata)."""
    described: dict[str, Any] = {}
    if found.conforms_to is not None:
        described["conformsTo"] = [CONFORMANCE[found.conforms_to]]
        if found.certified_by:
            described["certification"] = {"certifiedBy": found.certified_by}
    described["accessMode"] = list(found.access_modes)
    described["accessModeSufficient"] = [
        modes.split(",") if "," in modes else modes for modes in found.sufficient
    ]
    described["feature"] = list(found.features)
    described["hazard"] = list(found.hazards)
    described["summary"] = found.summary
    return described


# -- the listed documents --------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """One document of the catalogue: where its editions are, and its record."""

    #: Its place below the output folder, without a suffix: ``wales/leaflet``.
    place: str
    record: Mapping[str, Any]

    @property
    def folder(self) -> str:
        return str(PurePosixPath(self.place).parent).removeprefix(".")

    @property
    def editions(self) -> list[tuple[str, Mapping[str, Any]]]:
        """(path, facts) of each edition file, in the registry's order."""
        order = list(EDITIONS)
        found = self.record.get("editions", {})
        return sorted(found.items(), key=lambda item: (order.index(item[1]["edition"]), item[0]))


def _place(editions: Mapping[str, Any]) -> str:
    """Where a document's editions are, from the file of one of them."""
    path, facts = next(iter(sorted(editions.items())))
    suffix = EDITIONS[facts["edition"]].suffix
    return path.removesuffix(suffix)


def listed(manifest: Manifest, sources: Iterable[str] | None = None) -> list[Listed]:
    """The documents of the manifest (only ``sources``, by the manifest's names, if given)
    that the catalogue lists: built, with editions, and not drafts; by place."""
    wanted = None if sources is None else set(sources)
    found = []
    for name, entry in manifest.entries.items():
        record = entry.catalogue
        if (wanted is not None and name not in wanted) or not record.get("editions"):
            continue
        if record.get("draft"):
            continue
        found.append(Listed(_place(record["editions"]), record))
    return sorted(found, key=lambda item: _sort_key(item.place))


def _sort_key(place: str) -> tuple[tuple[str, ...], str]:
    path = PurePosixPath(place)
    return (path.parent.parts, path.name)


# -- the feed --------------------------------------------------------------------------------


def _relative(path: str) -> str:
    """A relative link to the file ``path`` of the output folder."""
    return quote(path, safe="/")


def _href(path: str, site: Site) -> str:
    """A link to the file ``path`` of the output folder: relative, or from the base URL."""
    return (site.url_base or "") + _relative(path)


def feed(documents: Sequence[Listed], site: Site, words: Words) -> bytes:
    """The OPDS 2.0 feed of ``documents``, as UTF-8 JSON."""
    modified = max((str(d.record["modified"]) for d in documents), default=None)
    about: dict[str, Any] = {"title": _title(site, words)}
    if site.description:
        about["description"] = site.description
    if modified:
        about["modified"] = modified
    about["numberOfItems"] = len(documents)
    data = {
        "metadata": about,
        "links": [
            {"rel": "self", "href": _href(FEED, site), "type": FEED_TYPE},
            {"rel": "alternate", "href": _href(INDEX, site), "type": "text/html"},
        ],
        "publications": [_publication(document, site, words) for document in documents],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _publication(document: Listed, site: Site, words: Words) -> dict[str, Any]:
    record = document.record
    about: dict[str, Any] = {
        "identifier": record["identifier"],
        "title": record["title"],
    }
    if record.get("subtitle"):
        about["subtitle"] = record["subtitle"]
    about["language"] = record["lang"]
    if record.get("authors"):
        about["author"] = record["authors"]
    about["publisher"] = record["organisation"]
    about["modified"] = record["modified"]
    about["published"] = record["published"]
    about["description"] = record["description"]
    if record.get("keywords"):
        about["subject"] = record["keywords"]
    if page.direction(record["lang"]) == "rtl":
        about["readingProgression"] = "rtl"
    # In the Readium model's order, however the record was stored.
    found = record["accessibility"]
    about["accessibility"] = {key: found[key] for key in _ACCESSIBILITY if key in found}
    links = []
    for path, facts in document.editions:
        edition = EDITIONS[facts["edition"]]
        link: dict[str, Any] = {
            "rel": OPEN_ACCESS,
            "href": _href(path, site),
            "type": edition.media_type,
            "title": _capitalised(words(str(edition.label))),
            "size": facts["size"],
        }
        if "duration" in facts:
            link["duration"] = facts["duration"]
        links.append(link)
    return {"metadata": about, "links": links}


def _capitalised(label: str) -> str:
    """A label as a title on its own: "Web page"."""
    return label[:1].upper() + label[1:]


def _title(site: Site, words: Words) -> str:
    return site.title or words("Publications")


# -- the index page --------------------------------------------------------------------------


def index(documents: Sequence[Listed], site: Site, words: Words, context: Context) -> bytes:
    """The index page of ``documents``: one self-contained HTML file, no script."""
    title = _title(site, words)
    folders: dict[str, list[Listed]] = {}
    for document in documents:
        folders.setdefault(document.folder, []).append(document)
    languages = {_primary(d.record["lang"]) for d in documents}
    grouped = len(languages) > 1
    sections = []
    for folder, members in folders.items():
        level = 2
        parts = []
        if folder:
            parts.append(f'<h2 id="{_id("folder", folder)}">{html.escape(folder)}</h2>')
            level = 3
        if grouped:
            by_language: dict[str, list[Listed]] = {}
            for document in members:
                by_language.setdefault(_primary(document.record["lang"]), []).append(document)
            for language in sorted(by_language, key=lambda tag: _language_name(tag, words)):
                parts.append(_language_heading(language, level, folder, words))
                parts += [_entry(d, level + 1, site, words) for d in by_language[language]]
        else:
            parts += [_entry(d, level, site, words) for d in members]
        if folder:
            labelled = f'<section class="folder" aria-labelledby="{_id("folder", folder)}">'
            sections.append(labelled + "\n" + "\n".join(parts) + "\n</section>")
        else:
            sections.append("\n".join(parts))
    body = "\n".join(sections)
    text = title + (site.description or "") + body + words.characters
    css = fonts.inline(
        context.style("base.css")
        + site.branding_css
        + "\n"
        + context.style("screen.css")
        + "\n"
        + context.style("catalogue.css"),
        text,
    )
    fill = {
        "lang": html.escape(words.lang),
        "dir": _direction(words.lang),
        "title": html.escape(title),
        "description": html.escape(site.description or title),
        "key_message": (
            f'<p class="key-message">{html.escape(site.description)}</p>'
            if site.description
            else ""
        ),
        "feed": html.escape(_href(FEED, site)),
        "generator": html.escape(f"clearleaf {__version__}"),
        "css": css,
        "skip": html.escape(words("Skip to main content")),
        "body": body,
        "other_formats": _other_formats(documents, site, words),
    }
    markup = string.Template(context.style("catalogue.html")).substitute(fill)
    return markup.encode("utf-8")


def _direction(lang: str, otherwise: str = "") -> str:
    """The ``dir`` attribute of text in ``lang``: right to left, or ``otherwise``."""
    return ' dir="rtl"' if page.direction(lang) == "rtl" else otherwise


def _primary(lang: str) -> str:
    return lang.split("-")[0].lower()


def _id(kind: str, name: str) -> str:
    """An HTML id for a heading, from any text: letters, digits and hyphens."""
    return kind + "-" + "-".join(re.findall(r"[A-Za-z0-9]+", name)).lower()


def _locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None


def _language_name(tag: str, words: Words) -> str:
    """The language ``tag``'s name in the page's language ("Welsh"), or the tag."""
    locale = _locale(tag)
    name = locale.get_display_name(words.locale) if locale is not None else None
    return name or tag


def _language_heading(tag: str, level: int, folder: str, words: Words) -> str:
    """A language's heading: its name in the page's language, then in its own."""
    name = html.escape(_language_name(tag, words))
    locale = _locale(tag)
    own = locale.get_display_name(locale) if locale is not None else None
    if own and _primary(words.lang) != tag and own != _language_name(tag, words):
        direction = _direction(tag)
        name += f' (<span lang="{html.escape(tag)}"{direction}>{html.escape(own)}</span>)'
    return f'<h{level} id="{_id("lang", folder + "-" + tag)}">{name}</h{level}>'


def _entry(document: Listed, level: int, site: Site, words: Words) -> str:
    """One document: its heading, description, editions, dates and accessibility."""
    record = document.record
    lang = str(record["lang"])
    heading_id = _id("doc", document.place)
    # The document's own words are in its language; the page's around them.
    own = f' lang="{html.escape(lang)}"' + _direction(lang)
    pages = f' lang="{html.escape(words.lang)}"' + _direction(words.lang, ' dir="ltr"')
    web = next((path for path, facts in document.editions if facts["edition"] == "html"), None)
    title = html.escape(str(record["title"]))
    if web is not None:
        title = f'<a href="{html.escape(_relative(web))}">{title}</a>'
    parts = [f'<h{level} id="{heading_id}"{own}>{title}</h{level}>']
    if record.get("subtitle"):
        parts.append(f'<p class="subtitle"{own}>{html.escape(str(record["subtitle"]))}</p>')
    parts.append(f'<p class="description"{own}>{html.escape(str(record["description"]))}</p>')
    items = []
    for path, facts in document.editions:
        edition = EDITIONS[facts["edition"]]
        details = [edition.file_format, _size(int(facts["size"]), words)]
        if "duration" in facts:
            details.append(_duration(float(facts["duration"]), words))
        label = html.escape(words(str(edition.label)))
        href = html.escape(_relative(path))
        items.append(
            f'<li><a href="{href}" type="{html.escape(edition.media_type)}">{label}</a> '
            f"({html.escape(', '.join(details))})</li>"
        )
    parts.append(f'<ul class="editions"{pages}>' + "".join(items) + "</ul>")
    mark = own if not words.lang.startswith(_primary(lang)) else ""
    facts_lines = [
        words("Language: {language}", language=_language_name(lang, words) + "."),
        words(
            "Published by {organisation} on {date}.",
            organisation=i18n.own(str(record["organisation"])),
            date=words.date(_date(record["published"])),
        ),
    ]
    if record.get("reviewed"):
        facts_lines.append(
            words("Last reviewed on {date}.", date=words.date(_date(record["reviewed"])))
        )
    facts_lines.append(
        words("Next review due by {date}.", date=words.date(_date(record["next_review"])))
    )
    if record.get("reading_age") is not None:
        facts_lines.append(words("Reading age: {age}", age=str(record["reading_age"])))
    parts.append(
        f'<p class="record"{pages}>'
        + " ".join(page.phrase_html(line, mark) for line in facts_lines)
        + "</p>"
    )
    summary = str(record["accessibility"]["summary"])
    statement = words("Accessibility: {statement}", statement=i18n.own(summary))
    parts.append(f'<p class="accessibility"{pages}>{page.phrase_html(statement, own)}</p>')
    return (
        f'<article class="publication"{own} aria-labelledby="{heading_id}">\n'
        + "\n".join(parts)
        + "\n</article>"
    )


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value))


def _size(size: int, words: Words) -> str:
    """A file's size as the page's locale writes it: "45 kB", "1.2 MB"."""
    if size >= 1_000_000:
        amount, unit = round(size / 1_000_000, 1), "digital-megabyte"
    else:
        amount, unit = max(1, round(size / 1000)), "digital-kilobyte"
    return str(format_unit(amount, unit, "short", locale=words.locale))


def _duration(seconds: float, words: Words) -> str:
    """A recording's length as the page's locale writes it: "4 min, 12 sec"."""
    minutes, rest = divmod(round(seconds), 60)
    parts = []
    if minutes:
        parts.append(format_unit(minutes, "duration-minute", "short", locale=words.locale))
    if rest or not minutes:
        parts.append(format_unit(rest, "duration-second", "short", locale=words.locale))
    return words.join(parts)


def _other_formats(documents: Sequence[Listed], site: Site, words: Words) -> str:
    """How to ask for another format: the project's contact details, or those every
    document shares; nothing without either."""
    contact = site.contact
    if contact is None:
        shared = {json.dumps(d.record.get("contact"), sort_keys=True) for d in documents}
        if len(shared) == 1:
            only = documents[0].record.get("contact") if documents else None
            contact = metadata.Contact(**only) if only else None
    if contact is None:
        return ""
    ask = html.escape(words("To ask for a document in another format or language, contact us."))
    items = page.contact_items(colophon.contact_list(contact, words), words)
    return (
        '<footer class="colophon">\n<section aria-labelledby="formats-heading">\n'
        f'<h2 id="formats-heading">{html.escape(words("Other formats"))}</h2>\n'
        f"<p>{ask}</p>\n<ul>{items}</ul>\n</section>\n</footer>"
    )


# -- writing ---------------------------------------------------------------------------------


def words_for(site: Site) -> Words:
    """The index page's and feed's own words."""
    return i18n.words(site.lang, site.messages)


def made(documents: Sequence[Listed], site: Site, context: Context) -> dict[str, bytes]:
    """The index page and the feed of ``documents``, by file name."""
    words = words_for(site)
    return {INDEX: index(documents, site, words, context), FEED: feed(documents, site, words)}


def update(
    out_dir: Path,
    manifest: Manifest,
    documents: Sequence[Listed],
    site: Site,
    context: Context,
    force: bool = False,
) -> list[Diagnostic]:
    """Write the index page and the feed of ``documents`` into ``out_dir`` where their bytes
    changed, recording them in ``manifest``; with no document, remove those it wrote.
    When the manifest records no change and the files are as it records them, there
    is nothing to do (a build with nothing changed), unless ``force``.

    A file there that the pipeline did not write (a source's own web page called
    ``index.html``, a file of the user's) is left alone, with a warning.
    """
    found: list[Diagnostic] = []
    if not force and not manifest.changed and _intact(out_dir, manifest, bool(documents)):
        return found  # nothing listed changed, and the files are as written
    files = made(documents, site, context) if documents else {}
    for name in (INDEX, FEED):
        target = out_dir / name
        data = files.get(name)
        ours = name in manifest.catalogue
        if data is None:
            if ours:
                target.unlink(missing_ok=True)
                manifest.listed(name, None)
            continue
        taken = _taken(target, manifest) if not ours else None
        if taken is not None:
            found.append(
                Diagnostic(
                    Location(target),
                    Severity.WARNING,
                    "catalogue.taken",
                    f"the catalogue's {name} is not written: {taken}; move that file, or rename "
                    "the source that writes it",
                )
            )
            continue
        digest = hashlib.sha256(data).hexdigest()
        try:
            current = target.read_bytes() if target.is_file() else None
        except OSError:
            current = None
        if current != data:
            write_atomic(target, data)
        manifest.listed(name, digest)
    return found


def _intact(out_dir: Path, manifest: Manifest, listing: bool) -> bool:
    """Whether the catalogue's files are the ones last written (none, when nothing is
    ``listing``), unchanged."""
    if not listing:
        return not manifest.catalogue
    return set(manifest.catalogue) == {INDEX, FEED} and all(
        file_hash(out_dir / name) == digest for name, digest in manifest.catalogue.items()
    )


def _taken(target: Path, manifest: Manifest) -> str | None:
    """Why ``target`` is not the catalogue's to write, or None if it is."""
    for source in manifest.entries:
        if target in manifest.outputs(source):
            return f"{source} writes a file of that name"
    if manifest.damaged is not None and _looks_written(target):
        return None  # the record of having written it was lost with the manifest
    if target.exists() or target.is_symlink():
        return "a file clearleaf did not write is there"
    return None


def _looks_written(target: Path) -> bool:
    """Whether ``target`` is a catalogue file as clearleaf writes it: the index page with
    its generator mark, the feed linking itself and the index page."""
    try:
        if target.is_symlink() or not target.is_file() or target.stat().st_size > 64 << 20:
            return False
        data = target.read_bytes()
    except OSError:
        return False
    if target.suffix == ".html":
        return b'<meta name="generator" content="clearleaf ' in data[:4096]
    try:
        links = json.loads(data).get("links", [])
        return {"rel": "self", "href": target.name, "type": FEED_TYPE} in links
    except (ValueError, AttributeError, RecursionError):
        return False


# -- shards ----------------------------------------------------------------------------------


def part_name(index_: int, count: int) -> str:
    """The file a shard's part of the catalogue is kept in, below the records folder."""
    return f"catalogue-{index_}-of-{count}.json"


def write_part(out_dir: Path, documents: Sequence[Listed], shard: tuple[int, int]) -> None:
    """Keep shard ``shard``'s part of the catalogue; parts of another split are stale."""
    records = out_dir / RECORDS
    for stale in sorted(records.glob("catalogue-*-of-*.json")) if records.is_dir() else []:
        match = _PART.match(stale.name)
        if match and int(match[2]) != shard[1]:
            stale.unlink(missing_ok=True)
    data = {
        "format": FORMAT,
        "shard": list(shard),
        "documents": {document.place: document.record for document in documents},
    }
    write_atomic(
        records / part_name(*shard),
        (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode(),
    )


def remove_parts(out_dir: Path) -> None:
    """Remove the shards' parts: a build of the whole set lists its documents itself."""
    records = out_dir / RECORDS
    if records.is_dir():
        for part in records.glob("catalogue-*-of-*.json"):
            if _PART.match(part.name):
                part.unlink(missing_ok=True)


def join(out_dir: Path, manifest: Manifest) -> list[Listed]:
    """The documents of the shards' parts in ``out_dir`` (every shard's output folder copied
    into it), or of its ``manifest`` when it holds no part; every mistake in one error.
    Parts list no draft (:func:`write_part`)."""
    records = out_dir / RECORDS
    parts = sorted(records.glob("catalogue-*-of-*.json")) if records.is_dir() else []
    parts = [part for part in parts if _PART.match(part.name)]
    if not parts:
        return listed(manifest)
    errors: list[PipelineError] = []
    seen: dict[int, Path] = {}
    counts: set[int] = set()
    documents: dict[str, Listed] = {}
    for part in parts:
        try:
            data = json.loads(part.read_text(encoding="utf-8"))
            index_, count = (int(n) for n in data["shard"])
            found = dict(data["documents"])
            if data.get("format") != FORMAT:
                raise ValueError("format")
        except (OSError, ValueError, KeyError, TypeError):
            errors.append(
                input_error(
                    part,
                    "catalogue.corrupt",
                    "this part of the catalogue cannot be read; build its shard again",
                )
            )
            continue
        counts.add(count)
        if index_ in seen:
            errors.append(
                input_error(part, "catalogue.shards", f"shard {index_}/{count} is there twice")
            )
        seen[index_] = part
        for place, record in sorted(found.items()):
            if place in documents:
                errors.append(
                    input_error(
                        part,
                        "catalogue.shards",
                        f"'{place}' is in two shards; build the shards of one split",
                    )
                )
            documents[place] = Listed(place, record)
    if len(counts) > 1:
        errors.append(
            input_error(
                out_dir / RECORDS,
                "catalogue.shards",
                "the parts come from different splits ("
                + ", ".join(f"of {n}" for n in sorted(counts))
                + "); keep the shards of one build",
            )
        )
    elif counts:
        (count,) = counts
        for missing in sorted(set(range(1, count + 1)) - set(seen)):
            errors.append(
                input_error(
                    out_dir / RECORDS,
                    "catalogue.shards",
                    f"shard {missing}/{count} is missing; copy every shard's output folder "
                    f"into {out_dir} before joining",
                )
            )
    for document in documents.values():
        for path, _facts in document.editions:
            if not (out_dir / path).is_file():
                errors.append(
                    input_error(
                        out_dir / path,
                        "catalogue.missing-file",
                        f"{document.place} lists this file, which is not in {out_dir}; copy "
                        "every shard's output folder into it before joining",
                    )
                )
    if errors:
        raise combined(errors)
    return sorted(documents.values(), key=lambda item: _sort_key(item.place))
