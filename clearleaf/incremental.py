"""The up-to-date check: an output is rebuilt only when something it depends on changed.

What an output depends on: its source, the images the source names (found
when the source was last built, and recorded), the styles and templates, the
pipeline's own code and version, the pinned tools, and the build options.
The first five are fingerprinted by content, never by time, so a fresh
checkout or a copied folder is still up to date. The record lives in
``<out>/.clearleaf/manifest.json``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from clearleaf import __version__, pandoc
from clearleaf.a11y.quality import REVIEW_DUE
from clearleaf.context import Context
from clearleaf.errors import Diagnostic, Location, Severity
from clearleaf.outputs import write_atomic

MANIFEST = Path(".clearleaf") / "manifest.json"
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


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes, or "" when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


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

    def review_newly_due(self, today: dt.date) -> bool:
        """Whether the review date has passed since this build, which did not say so."""
        return (
            bool(self.next_review)
            and dt.date.fromisoformat(self.next_review) < today
            and not any(d["code"] == REVIEW_DUE for d in self.diagnostics)
        )


class Manifest:
    """The record of the last successful build of each source in an output folder."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST
        self.changed = False
        self.entries: dict[str, Entry] = {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries = {key: Entry(**value) for key, value in raw.get("sources", {}).items()}
        except (OSError, ValueError, TypeError):
            self.entries = {}  # no record, or an unreadable one: everything is out of date

    def current(
        self, source: Path, formats: list[str], env: str, today: dt.date | None = None
    ) -> Entry | None:
        """The entry for ``source`` if its outputs in ``formats`` are up to date, else None.

        A source whose review date has passed since its last build (``today``,
        by default the date now) is out of date too, so that its checks run
        again and say so (under ``--strict``, fail it).
        """
        entry = self.entries.get(str(source))
        if entry is None or entry.environment != env or not set(formats) <= set(entry.formats):
            return None
        if entry.review_newly_due(today or dt.date.today()):
            return None
        for dependency, digest in entry.dependencies.items():
            if file_hash(Path(dependency)) != digest:
                return None
        for output, digest in entry.outputs.items():
            # An output edited or deleted by hand is rebuilt.
            if not os.path.exists(output) or file_hash(Path(output)) != digest:
                return None
        return entry

    def record(
        self,
        source: Path,
        formats: list[str],
        env: str,
        dependencies: Iterable[Path],
        outputs: dict[Path, bytes],
        diagnostics: list[Diagnostic],
        next_review: dt.date | None = None,
    ) -> None:
        """Remember a successful build of ``source``."""
        self.changed = True
        previous = self.entries.get(str(source))
        kept = previous.formats if previous and previous.environment == env else []
        kept_outputs = previous.outputs if previous and previous.environment == env else {}
        self.entries[str(source)] = Entry(
            environment=env,
            formats=sorted(set(kept) | set(formats)),
            dependencies={str(path): file_hash(path) for path in dependencies},
            outputs={
                **kept_outputs,
                **{str(p): hashlib.sha256(d).hexdigest() for p, d in outputs.items()},
            },
            diagnostics=[d.as_dict() for d in diagnostics],
            next_review=next_review.isoformat() if next_review else "",
        )

    def save(self) -> None:
        """Write the manifest atomically, if a build recorded anything new."""
        if not self.changed:
            return
        data = {
            "sources": {key: vars(entry) for key, entry in sorted(self.entries.items())},
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
