"""Shared fixtures: the leaflet and the constructs fixture, each built once per session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clearleaf import build as builder
from clearleaf import plan
from clearleaf.a11y import quality
from clearleaf.context import Context
from clearleaf.document import load
from clearleaf.editions import EDITIONS
from clearleaf.metadata import Metadata

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LEAFLET_SOURCE = ROOT / "source" / "what-does-heroin-do-to-the-brain.md"
CONSTRUCTS_SOURCE = FIXTURES / "constructs.md"
#: A document with every piece of back matter: contacts, sources, a web address.
BACK_PANEL_SOURCE = FIXTURES / "validators" / "back-panel.md"
#: The formats whose structure the tests here check; test_editions.py checks the others.
FORMAT_NAMES = ("html", "pdf", "epub", "txt")
#: The screen editions (web page, e-book, plain text): no PDF, so they build in moments.
SCREEN_EDITIONS = plan.resolve_formats(["html", "epub", "txt"])
#: The file-name suffixes of every edition, in registry order.
ALL_SUFFIXES = tuple(edition.suffix for edition in EDITIONS.values())
#: The file-name suffixes of the printed editions (laid out in pages), every one a PDF.
PRINTED_SUFFIXES = tuple(edition.suffix for edition in EDITIONS.values() if edition.paged)

#: The documents every structural test runs on, by fixture name.
DOCUMENT_FIXTURES = ("leaflet", "constructs")


@dataclass(frozen=True)
class Built:
    """One source built in every format into its own folder."""

    name: str
    source: Path
    folder: Path
    meta: Metadata

    def path(self, fmt: str) -> Path:
        """The output file for ``fmt`` (html, pdf, epub or txt)."""
        return self.folder / f"{self.source.stem}.{fmt}"

    def read(self, fmt: str) -> bytes:
        """The bytes of the output for ``fmt``."""
        return self.path(fmt).read_bytes()

    @property
    def markdown(self) -> str:
        """The source text."""
        return self.source.read_text(encoding="utf-8")


Writer = Callable[[str | bytes], Path]


@pytest.fixture
def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Writer:
    """Write a source into a fresh working folder and return its relative path."""
    monkeypatch.chdir(tmp_path)

    def _write(content: str | bytes) -> Path:
        path = Path("doc.md")
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return _write


#: The warnings the canonical leaflet honestly gets: its published text names
#: no sources, contact or feedback route, and reads above the target age.
LEAFLET_WARNINGS = frozenset(
    {
        "meta.missing-contact",
        "meta.missing-feedback",
        "meta.missing-sources",
        "readability.reading-age",
    }
)

#: The date the checks take as today, so that no test depends on the clock.
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True, scope="session")
def fixed_today() -> Iterator[None]:
    """Freeze the review-date check's idea of today for the whole session."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(quality, "today", lambda: TODAY)
        yield


def build_all(source: Path, out: Path, context: Context | None = None) -> Path:
    """Build ``source`` in every format into ``out`` and insist on a clean report."""
    report = builder.build([source], plan.resolve_formats([]), out, context)
    assert not report.failed, [str(d) for d in report.diagnostics]
    allowed = LEAFLET_WARNINGS if source == LEAFLET_SOURCE else frozenset()
    unexpected = [str(d) for d in report.diagnostics if d.code not in allowed]
    assert not unexpected, unexpected
    assert sorted(output.format for output in report.outputs) == sorted(EDITIONS)
    return out


def _built(name: str, source: Path, factory: pytest.TempPathFactory) -> Built:
    # An explicit context: outputs must not depend on the caller's SOURCE_DATE_EPOCH.
    folder = build_all(source, factory.mktemp(name), Context(source_date_epoch=None))
    return Built(name=name, source=source, folder=folder, meta=load(source).meta)


@pytest.fixture(scope="session")
def leaflet(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The canonical leaflet, built once."""
    return _built("leaflet", LEAFLET_SOURCE, tmp_path_factory)


@pytest.fixture(scope="session")
def constructs(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The fixture using every supported construct, built once."""
    return _built("constructs", CONSTRUCTS_SOURCE, tmp_path_factory)


@pytest.fixture(params=DOCUMENT_FIXTURES)
def built(request: pytest.FixtureRequest) -> Built:
    """Each document in turn."""
    result: Built = request.getfixturevalue(request.param)
    return result
