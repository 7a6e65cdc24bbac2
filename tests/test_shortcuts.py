"""The build's shortcuts for speed change nothing but the time it takes.

Early HTML, speculative page layout, pool sizing, garbage-collector tuning and
the memoised page references each have a test that they give what the plain
path gives (the PDFs' bytes are compared in test_weasyprint_ffi.py and by the
reproducibility tests).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydyf
import pytest
from helpers import CATALOGUE_FILES, write_source

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
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == sorted(
        ["good.pdf", "good.txt", *CATALOGUE_FILES]
    )
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


# -- sharing a task with a forked copy once the leaflet is laid out ----------------

SEVEN = ["pdf", "html", "large-print", "print", "booklet", "epub", "txt"]


def test_the_copy_takes_the_heavy_editions_made_from_the_pages() -> None:
    assert scheduler._branch_share(["pdf", "html", "epub", "txt"]) == ["html", "epub"]
    assert scheduler._branch_share(SEVEN) == ["html", "large-print"]
    # What needs the leaflet's bytes (the print-shop file, the booklet) stays here.
    assert scheduler._branch_share(["pdf", "print", "booklet"]) == []
    assert scheduler._branch_share(["pdf"]) == []


def _task(source: Path, spare: int) -> list[scheduler.Made]:
    from clearleaf import colophon, verdict

    loaded = document_module.load(source)
    context = Context(source_date_epoch=None)
    back = colophon.of(loaded, verdict.judge(loaded).claimed, context.messages)
    return scheduler.render_task(loaded, context, back, SEVEN, frozenset(SEVEN), spare)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The copies render_task forks (recorded in this process)."""
    started: list[int] = []
    fork = workers.Branch.fork

    def recording(cls: type[workers.Branch]) -> workers.Branch | None:
        branch = fork()
        if branch is not None:
            started.append(branch.pid)
        return branch

    monkeypatch.setattr(workers.Branch, "fork", classmethod(recording))
    return started


def test_sharing_with_a_copy_gives_the_same_bytes(tmp_path: Path, forks: list[int]) -> None:
    source = write_source(tmp_path, "shared", BODY * 3)
    plain = _task(source, spare=0)
    assert forks == []
    shared = _task(source, spare=1)
    assert len(forks) == 1
    assert [made.name for made in shared] == SEVEN
    assert [made.data for made in shared] == [made.data for made in plain]
    assert [made.diagnostics for made in shared] == [made.diagnostics for made in plain]


def _before_rendering(
    monkeypatch: pytest.MonkeyPatch, name: str, action: Callable[[Any], None]
) -> None:
    """Run ``action(inputs)`` before edition ``name`` renders (in the copy, if it is the copy's)."""
    from clearleaf import formats

    real = formats.render

    def render(edition: Any, inputs: Any) -> Any:
        if edition.name == name:
            action(inputs)
        return real(edition, inputs)

    monkeypatch.setattr(formats, "render", render)


def test_an_error_in_the_copys_share_is_the_tasks_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    from clearleaf.errors import PipelineError, input_error

    def overflow(inputs: Any) -> None:
        raise input_error(inputs.document.path, "pdf.overflow", "too wide", 3, 1)

    _before_rendering(monkeypatch, "large-print", overflow)  # the copy's
    with pytest.raises(PipelineError) as raised:
        _task(write_source(tmp_path, "failing", BODY), spare=1)
    assert raised.value.diagnostic.code == "pdf.overflow"
    assert len(forks) == 1


def test_a_copy_that_dies_fails_the_task_as_a_killed_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    import os
    import signal

    _before_rendering(monkeypatch, "html", lambda _: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(workers.WorkerKilled) as raised:
        _task(write_source(tmp_path, "killed", BODY), spare=1)
    assert raised.value.signal_name == "SIGKILL"
    assert len(forks) == 1


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


# -- a catalogue in bounded memory ----------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_catalogue_holds_a_few_documents_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """Finished documents' files wait on disk, not in memory: a catalogue of any size
    holds only the documents read ahead for the workers (2 x jobs + 2)."""
    from clearleaf import build as build_module
    from clearleaf.document import Document

    sources = [write_source(tmp_path / "source", f"doc-{n:02d}", BODY) for n in range(14)]
    alive: list[int] = []
    real = build_module._finish

    def counting(*args: Any) -> Any:
        gc.collect()
        alive.append(sum(isinstance(thing, Document) for thing in gc.get_objects()))
        return real(*args)

    monkeypatch.setattr(build_module, "_finish", counting)
    report = build(
        sources,
        resolve_formats(["html", "txt"]),
        tmp_path / "out",
        Context(source_date_epoch=None),
        jobs=jobs,
    )
    assert not report.failed and len(report.outputs) == 2 * len(sources)
    assert len(alive) == len(sources)
    assert max(alive) <= 2 * jobs + 3, alive
    # Nothing is put in place before every document has rendered.
    assert not list((tmp_path / "out").rglob(".clearleaf-tmp-*"))


def test_workers_are_renewed_after_a_number_of_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's memory grows a little with each document: fresh ones take over."""
    import os

    monkeypatch.setattr(workers, "RENEW_AFTER", 2)
    pool = workers.Pool(1, None)
    try:
        tasks = [pool.submit(os.getpid) for _ in range(5)]
        pids = [task.result() for task in tasks]
    finally:
        pool.shutdown(interrupted=False)
    assert pids[0] == pids[1] and pids[2] == pids[3]
    assert len(set(pids)) == 3 and os.getpid() not in pids
