"""The build's shortcuts for speed change nothing but the time it takes.

Early HTML, speculative page layout, pool sizing, garbage-collector tuning and
the memoised page references each have a test that they give what the plain
path gives (the PDFs' bytes are compared in test_weasyprint_ffi.py and by the
reproducibility tests).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pydyf
import pytest
from helpers import write_source

from clearleaf import document as document_module
from clearleaf import pandoc, scheduler, workers
from clearleaf.build import build
from clearleaf.context import Context
from clearleaf.formats import pdftags
from clearleaf.plan import resolve_formats

BODY = "## What to do\n\n- Ask your *pharmacist*.\n- Read the [guide](https://example.org).\n"


# -- early HTML -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def early_for_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start the early HTML for short bodies too, as for long ones."""
    monkeypatch.setattr(document_module, "EARLY_HTML_BYTES", 0)


def test_early_html_is_the_html_of_the_ast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_source(tmp_path, "plain", BODY)
    expected = document_module.load(source).body_html

    def no_second_run(*args: Any) -> str:
        raise AssertionError("the early HTML should have been used")

    monkeypatch.setattr(pandoc, "to_html", no_second_run)
    assert document_module.load(source, html=True).body_html == expected


def test_early_html_is_not_used_when_loading_changed_the_ast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A comment for editors: pandoc's HTML from the Markdown would keep it.
    source = write_source(tmp_path, "commented", BODY + "\n<!-- check with the pharmacy team -->\n")
    expected = document_module.load(source).body_html
    assert "check with" not in expected
    calls: list[int] = []
    real = pandoc.to_html

    def counted(*args: Any) -> str:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(pandoc, "to_html", counted)
    assert document_module.load(source, html=True).body_html == expected
    assert calls == [1]


def test_a_document_for_a_worker_leaves_the_early_html_behind(tmp_path: Path) -> None:
    loaded = document_module.load(write_source(tmp_path, "plain", BODY), html=True)
    assert loaded.early_html is not None
    assert loaded.__getstate__()["early_html"] is None


def test_a_short_body_waits_for_the_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_module, "EARLY_HTML_BYTES", 64 * 1024)
    assert document_module.load(write_source(tmp_path, "plain", BODY), html=True).early_html is None
    long = write_source(tmp_path, "long", BODY * 2000)
    assert document_module.load(long, html=True).early_html is not None


# -- speculative layout and the pool ------------------------------------------------


def test_a_document_failing_its_checks_writes_nothing_though_its_pages_were_started(
    tmp_path: Path,
) -> None:
    good = write_source(tmp_path / "source", "good", BODY)
    bad = write_source(tmp_path / "source", "bad", "![](stripes.png)\n", title="A Bad Leaflet")
    (tmp_path / "source" / "stripes.png").write_bytes(
        (Path(__file__).parent / "fixtures" / "stripes.png").read_bytes()
    )
    out = tmp_path / "out"
    report = build(
        [good, bad],
        resolve_formats(["pdf", "txt"]),
        out,
        Context(source_date_epoch=None),
        jobs=2,
        force=True,
    )
    assert report.failed == [bad]
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["good.pdf", "good.txt"]
    assert any(d.code == "a11y.img-alt" for d in report.diagnostics)


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, bool]]:
    """The (workers, whether they load the page renderer) of every pool a build starts."""
    started: list[tuple[int, bool]] = []

    class Recording(workers.Pool):
        def __init__(self, count: int, warm: str | None) -> None:
            started.append((count, warm is not None))
            super().__init__(count, warm)

    monkeypatch.setattr(scheduler, "Pool", Recording)
    return started


def test_one_document_gets_one_worker_for_its_pages(
    tmp_path: Path, pools: list[tuple[int, bool]]
) -> None:
    source = write_source(tmp_path, "one", BODY)
    formats = resolve_formats(["html", "pdf", "txt"])
    build([source], formats, tmp_path / "out", Context(source_date_epoch=None), jobs=4)
    assert pools == [(1, True)]
    # Up to date: no pool at all.
    build([source], formats, tmp_path / "out", Context(source_date_epoch=None), jobs=4)
    assert pools == [(1, True)]


def test_screen_editions_are_made_with_the_leaflets_pages_by_warm_workers(
    tmp_path: Path, pools: list[tuple[int, bool]]
) -> None:
    """The web page and the text mark the printed leaflet's pages: the workers lay it out."""
    sources = [write_source(tmp_path, name, BODY) for name in ("one", "two", "three")]
    build(
        sources,
        resolve_formats(["html", "txt"]),
        tmp_path / "out",
        Context(source_date_epoch=None),
        jobs=2,
    )
    assert pools == [(2, True)]


# -- the garbage collector ----------------------------------------------------------


def test_rendering_restores_the_collector() -> None:
    before = gc.get_threshold()
    with scheduler._few_collections():
        assert gc.get_threshold() != before
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


# -- page references ----------------------------------------------------------------


def test_memoised_page_references_follow_new_pages() -> None:
    pdf = pydyf.PDF()
    plain = pydyf.PDF()
    with pdftags.accessible_tags():
        for number in range(3):
            for document in (pdf, plain):
                page = pydyf.Dictionary({"Type": "/Page"})
                document.add_object(page)
                document.add_page(page)
            assert pdf.page_references == pdftags._PAGE_REFERENCES.fget(plain)
            assert len(pdf.page_references) == number + 1
    assert pydyf.PDF.page_references is pdftags._PAGE_REFERENCES
