"""The up-to-date check: an output is rebuilt only when something it depends on changed.

What an output depends on: its source, the images the source names (found
when the source was last built, and recorded), the styles and templates, the
pipeline's own code and version, the pinned tools, and the build options.
The first five are fingerprinted by content, never by time, so a fresh
checkout or a copied folder is still up to date. The record lives in
``<out>/.clearleaf/manifest.json``; it names every output of every source,
relative to the output folder, so that the editions of a source that is gone
can be removed and ``clearleaf clean`` removes exactly what was written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from clearleaf import __version__, config, louis, pandoc, speech
from clearleaf.a11y.quality import REVIEW_DUE
from clearleaf.context import Context
from clearleaf.errors import Diagnostic, Location, Severity, resolved_path
from clearleaf.outputs import file_hash, write_atomic

#: The folder below the output folder that holds the pipeline's own records.
RECORDS = Path(".clearleaf")
MANIFEST = RECORDS / "manifest.json"
#: The manifest's layout: 2 records outputs relative to the output folder (1
#: recorded them as the build named them, relative to its working folder).
FORMAT = 2
_PACKAGE = Path(__file__).resolve().parent
#: The installed distribution, whose requirements are the tools its outputs depend on.
DISTRIBUTION = "clearleaf"
# A requirement's name: what comes before any version, extra or marker.
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def tools() -> list[str]:
    """The third-party releases whose version the outputs depend on: every runtime
    requirement of the installed distribution (extras, such as the test tools, aside).

    Read from the distribution's own metadata, so that a requirement added to
    ``pyproject.toml`` is fingerprinted without anyone remembering to list it;
    from ``pyproject.toml`` itself when the package runs from a checkout that
    was never installed.
    """
    try:
        requirements = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        with (_PACKAGE.parent / "pyproject.toml").open("rb") as stream:
            requirements = tomllib.load(stream)["project"]["dependencies"]
    found: set[str] = set()
    for requirement in requirements:
        _name, _, marker = requirement.partition(";")
        match = _NAME.match(requirement)
        if match and "extra" not in marker:
            found.add(match[1])
    return sorted(found)


def _tree_hash(roots: Iterable[Path], digest: Any) -> None:
    for root in roots:
        for path in sorted(
            p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())


def versions() -> dict[str, str]:
    """The version of every tool the outputs depend on, pandoc's binary included."""
    found = {}
    for tool in tools():
        try:
            found[tool] = metadata.version(tool)
        except metadata.PackageNotFoundError:
            found[tool] = "missing"
    found["pandoc"] = pandoc.version()
    # The system's tools of the braille and audio editions: a new release
    # transcribes or speaks differently.
    found["liblouis"] = louis.installed_version()
    found["espeak-ng"] = speech.DEFAULT.version()
    return found


def environment(context: Context, strict: bool) -> str:
    """The fingerprint of everything every output shares: code, styles, tools, options."""
    digest = hashlib.sha256()
    digest.update(
        f"clearleaf {__version__} strict={strict} epoch={context.source_date_epoch}".encode()
    )
    digest.update(json.dumps(versions(), sort_keys=True).encode())
    _tree_hash([_PACKAGE, context.styles], digest)
    return digest.hexdigest()


@dataclass
class Entry:
    """What one source was last built from, and what its build said."""

    environment: str
    formats: list[str]
    dependencies: dict[str, str]
    outputs: dict[str, str]
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    #: The source's ``next_review`` (ISO date): the one thing its checks say
    #: that changes with the calendar rather than with its files.
    next_review: str = ""
    #: What the catalogue lists of the source (:func:`clearleaf.catalogue.describe`),
    #: its ``editions`` keyed like :attr:`outputs`.
    catalogue: dict[str, Any] = field(default_factory=dict)

    def review_newly_due(self, today: dt.date) -> bool:
        """Whether the review date has passed since this build, which did not say so."""
        return (
            bool(self.next_review)
            and dt.date.fromisoformat(self.next_review) < today
            and not any(d["code"] == REVIEW_DUE for d in self.diagnostics)
        )


def key(source: Path) -> str:
    """How the manifest names ``source``: relative to the working folder when below it."""
    resolved = resolved_path(source)
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _inside(name: str) -> bool:
    """Whether the output the manifest calls ``name`` lies inside the output folder."""
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name not in ("", ".")


#: The largest manifest read: a real one holds a few kilobytes per source.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def _entry(value: Any) -> Entry:
    """The entry a manifest holds in ``value``, checked field by field (ValueError if not)."""
    if not isinstance(value, dict):
        raise ValueError("an entry is not an object")
    try:
        entry = Entry(**value)
    except TypeError as error:
        raise ValueError(f"an entry has other fields ({error})") from None
    text_maps = (entry.dependencies, entry.outputs)
    if not (
        isinstance(entry.environment, str)
        and isinstance(entry.formats, list)
        and all(isinstance(name, str) for name in entry.formats)
        and all(
            isinstance(mapping, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items())
            for mapping in text_maps
        )
        and isinstance(entry.next_review, str)
        and (entry.catalogue == {} or _is_listing(entry.catalogue))
        and isinstance(entry.diagnostics, list)
        and all(_is_diagnostic(d) for d in entry.diagnostics)
    ):
        raise ValueError("an entry has a field of the wrong type")
    if entry.next_review:
        dt.date.fromisoformat(entry.next_review)
    entry.outputs = {name: digest for name, digest in entry.outputs.items() if _inside(name)}
    return entry


_TEXTS = ("title", "lang", "organisation", "description", "identifier", "modified")
_OPTIONAL_TEXTS = ("subtitle", "version", "rights", "url")
_DATES = ("published", "next_review")


def _is_listing(value: dict[str, Any]) -> bool:
    """Whether ``value`` is what :func:`clearleaf.catalogue.describe` records of a source."""

    def texts(item: Any) -> bool:
        return isinstance(item, list) and all(isinstance(x, str) for x in item)

    def date(item: Any) -> bool:
        try:
            dt.date.fromisoformat(item)
        except (TypeError, ValueError):
            return False
        return True

    def edition(item: Any) -> bool:
        return (
            isinstance(item, dict)
            and isinstance(item.get("edition"), str)
            and type(item.get("size")) is int
            and isinstance(item.get("duration", 0.0), (int, float))
        )

    accessibility, editions, contact = (
        value.get("accessibility"),
        value.get("editions"),
        value.get("contact"),
    )
    return (
        all(isinstance(value.get(k), str) for k in _TEXTS)
        and all(value.get(k) is None or isinstance(value.get(k), str) for k in _OPTIONAL_TEXTS)
        and all(date(value.get(k)) for k in _DATES)
        and (value.get("reviewed") is None or date(value.get("reviewed")))
        and texts(value.get("authors"))
        and texts(value.get("keywords"))
        and (value.get("reading_age") is None or type(value.get("reading_age")) is int)
        and isinstance(value.get("draft"), bool)
        and (contact is None or (isinstance(contact, dict) and texts(list(contact.values()))))
        and isinstance(accessibility, dict)
        and all(
            item is None
            or isinstance(item, str)
            or texts(item)
            or (isinstance(item, dict) and texts(list(item.values())))  # certification
            for item in accessibility.values()
        )
        and isinstance(editions, dict)
        and all(isinstance(k, str) and _inside(k) and edition(v) for k, v in editions.items())
    )


def _is_diagnostic(value: Any) -> bool:
    """Whether ``value`` is a diagnostic as :meth:`Diagnostic.as_dict` writes it."""
    return (
        isinstance(value, dict)
        and all(isinstance(value.get(k), str) for k in ("path", "code", "message"))
        and all(type(value.get(k)) is int for k in ("line", "column"))
        and value.get("severity") in {severity.value for severity in Severity}
    )


def _catalogue_record(value: Any) -> dict[str, str]:
    """The catalogue's files a manifest records, only those inside the output folder."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError("'catalogue' is not an object of file names and digests")
    return {str(name): digest for name, digest in value.items() if _inside(str(name))}


class Manifest:
    """The record of the last successful build of each source in an output folder."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST
        self.changed = False
        self.entries: dict[str, Entry] = {}
        #: The catalogue's own files (index page, feed) -> SHA-256, relative to the
        #: output folder: written by the pipeline, so that ``clean`` removes them.
        self.catalogue: dict[str, str] = {}
        #: Why the record found was discarded (everything is then rebuilt), if it was.
        self.damaged: str | None = None
        try:
            status = self.path.stat()
        except OSError:
            return  # no record yet: everything is out of date
        try:
            if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_MANIFEST_BYTES:
                raise ValueError("not a file of a manifest's kind and size")
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
            self.catalogue = _catalogue_record(raw.get("catalogue", {}))
            sources = raw.get("sources", {})
            if not isinstance(sources, dict):
                raise ValueError("'sources' is not an object")
            for name, value in sources.items():
                entry = _entry(value)
                if raw.get("format") != FORMAT:
                    entry.outputs = self._migrated(entry.outputs)
                self.entries[key(Path(name))] = entry
        except (OSError, ValueError, TypeError, RecursionError, MemoryError) as error:
            # Damaged: trusted no further, and everything is rebuilt.
            self.entries, self.catalogue = {}, {}
            self.damaged = str(error) or type(error).__name__

    def _migrated(self, outputs: Mapping[str, str]) -> dict[str, str]:
        """Outputs as the first layout named them (relative to the working folder, which a
        build almost always runs in), relative to the output folder; others are forgotten."""
        found = {}
        for name, digest in outputs.items():
            name_key = self._output_key(Path(name))
            if name_key is not None:
                found[name_key] = digest
        return found

    def _output_key(self, output: Path) -> str | None:
        """How the manifest names ``output``: relative to the output folder, or None outside it."""
        try:
            # The usual case, compared without touching the disk: out_dir/folder/name.
            relative = output.relative_to(self.out_dir)
        except ValueError:
            try:
                relative = output.resolve().relative_to(self.out_dir.resolve())
            except ValueError:
                return None
        return relative.as_posix() if _inside(relative.as_posix()) else None

    def current(
        self,
        source: Path,
        targets: Mapping[str, Path],
        env: str,
        today: dt.date | None = None,
    ) -> Entry | None:
        """The entry for ``source`` if its outputs ``targets`` (by format) are up to date.

        Each target must be the file recorded, there and unchanged: an output
        deleted or edited by hand, or recorded elsewhere (the source's place
        below the output folder changed), is rebuilt. A source whose review
        date has passed since its last build (``today``, by default the date
        now) is out of date too, so that its checks run again and say so
        (under ``--strict``, fail it).
        """
        entry = self.entries.get(key(source))
        if entry is None or entry.environment != env or not set(targets) <= set(entry.formats):
            return None
        if entry.review_newly_due(today or dt.date.today()):
            return None
        # Read only what a build of the source reads: its folder, its project, the
        # package (a damaged manifest could name any file).
        project = config.find(source.parent)
        roots = [resolved_path(source.parent), _PACKAGE]
        if project is not None:
            roots.append(resolved_path(project.parent))
        for dependency, digest in entry.dependencies.items():
            path = resolved_path(Path(dependency))
            if not any(path.is_relative_to(root) for root in roots) or file_hash(path) != digest:
                return None
        for target in targets.values():
            name = self._output_key(target)
            if name is None or name not in entry.outputs or not os.path.exists(target):
                return None
            if file_hash(target) != entry.outputs[name]:
                return None
        return entry

    def record(
        self,
        source: Path,
        formats: list[str],
        env: str,
        dependencies: Mapping[Path, str],
        outputs: dict[Path, str],
        diagnostics: list[Diagnostic],
        next_review: dt.date | None = None,
        catalogue: Mapping[str, Any] | None = None,
    ) -> None:
        """Remember a successful build of ``source``: ``dependencies`` maps each file it
        was made from to the SHA-256 of the bytes read (not of the file now: one saved
        again during the build is then out of date), ``outputs`` each file written
        to the SHA-256 of its bytes (hex); ``catalogue``, what the catalogue lists of it,
        with ``editions`` keyed by the files written (as ``outputs``)."""
        self.changed = True
        previous = self.entries.get(key(source))
        kept = previous.formats if previous and previous.environment == env else []
        # Outputs of other formats stay recorded whatever the environment: they
        # are still files this source wrote, for a later removal to find.
        kept_outputs = previous.outputs if previous else {}
        written = {}
        for path, digest in outputs.items():
            name = self._output_key(path)
            if name is not None:
                written[name] = digest
        listed: dict[str, Any] = {}
        if catalogue is not None:
            # The editions of other formats it still has, as their build listed them.
            kept_editions = previous.catalogue.get("editions", {}) if previous else {}
            editions = {
                name: about
                for name, about in {**kept_editions, **catalogue.get("editions", {})}.items()
                if name in kept_outputs or name in written
            }
            listed = {**catalogue, "editions": dict(sorted(editions.items()))}
        self.entries[key(source)] = Entry(
            environment=env,
            formats=sorted(set(kept) | set(formats)),
            dependencies={str(path): digest for path, digest in dependencies.items()},
            outputs={**kept_outputs, **written},
            diagnostics=[d.as_dict() for d in diagnostics],
            next_review=next_review.isoformat() if next_review else "",
            catalogue=listed,
        )

    def outputs(self, name: str) -> list[Path]:
        """The files recorded as written for the source the manifest calls ``name``.

        Only files inside the output folder: a manifest edited by hand never
        leads a removal outside it.
        """
        entry = self.entries.get(name)
        if entry is None:
            return []
        return [self.out_dir / output for output in entry.outputs if _inside(output)]

    def recorded(self) -> set[Path]:
        """Every file recorded as written, for any source, and the catalogue's."""
        return {output for name in self.entries for output in self.outputs(name)} | {
            self.out_dir / name for name in self.catalogue
        }

    def listed(self, name: str, digest: str | None) -> None:
        """Record the catalogue's file ``name`` (relative to the output folder) as written
        with the SHA-256 ``digest``, or, with None, as removed."""
        if self.catalogue.get(name) == digest:
            return
        self.changed = True
        if digest is None:
            self.catalogue.pop(name, None)
        else:
            self.catalogue[name] = digest

    def forget(self, name: str, output: Path | None = None) -> None:
        """Forget the source the manifest calls ``name``, or only its file ``output``."""
        entry = self.entries.get(name)
        if entry is None:
            return
        self.changed = True
        if output is None:
            del self.entries[name]
            return
        output_key = self._output_key(output)
        entry.outputs.pop(output_key or "", None)
        entry.catalogue.get("editions", {}).pop(output_key or "", None)

    def save(self) -> None:
        """Write the manifest atomically, if a build recorded anything new."""
        if not self.changed:
            return
        data = {
            "format": FORMAT,
            "catalogue": dict(sorted(self.catalogue.items())),
            "sources": {name: vars(entry) for name, entry in sorted(self.entries.items())},
            # For people reading it: what the fingerprint of each entry covers.
            "tools": versions(),
        }
        write_atomic(self.path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())


def diagnostics(entry: Entry) -> list[Diagnostic]:
    """The diagnostics recorded with ``entry``, to repeat them for an unchanged source."""
    return [
        Diagnostic(
            Location(Path(d["path"]), d["line"], d["column"]),
            Severity(d["severity"]),
            d["code"],
            d["message"],
        )
        for d in entry.diagnostics
    ]
