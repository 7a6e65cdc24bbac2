"""Watching: file events gathered a burst at a time, and what each rebuild says."""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import FIXTURES
from helpers import front_matter, write_source

from clearleaf import document as document_module
from clearleaf import watch as watcher
from clearleaf.document import Document
from clearleaf.errors import PipelineError
from clearleaf.plan import resolve_formats
from clearleaf.watch import Changes, Rebuild, Session

STAMP = r"\d\d:\d\d:\d\d"
SECONDS = r"\d+\.\d s"
#: A change is seen within this many seconds, or the test fails.
PATIENCE = 20.0


def without_sources(folder: Path, name: str, body: str = "Some text.") -> Path:
    """A source that builds with one warning (``meta.missing-sources``), on its line 1."""
    folder.mkdir(parents=True, exist_ok=True)
    text = front_matter(name.title()).replace("sources:\n  - An example source.\n", "")
    path = folder / f"{name}.md"
    path.write_text(text + body + "\n", encoding="utf-8")
    return path


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


# -- file events ----------------------------------------------------------------


def test_a_burst_of_saves_is_one_change(tmp_path: Path) -> None:
    """An editor's save is several events: they make one rebuild, not one each."""
    source = tmp_path / "source"
    source.mkdir()
    target = source / "leaflet.md"
    target.write_text("first", encoding="utf-8")

    def saves() -> None:
        for number in range(5):
            target.write_text(f"save {number}", encoding="utf-8")
            time.sleep(0.05)

    with Changes([source], settle=0.4) as changes:
        # Saved while the watch is already waiting: it must wait for the burst to end.
        saving = threading.Thread(target=saves)
        saving.start()
        try:
            assert changes.wait(timeout=PATIENCE) == [target.resolve()]
            assert changes.wait(timeout=1) == []
        finally:
            saving.join()


def test_a_save_by_renaming_a_temporary_file_counts(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    target = source / "leaflet.md"
    target.write_text("first", encoding="utf-8")
    with Changes([source], settle=0.1) as changes:
        temporary = source / ".leaflet.md.tmp"
        temporary.write_text("second", encoding="utf-8")
        temporary.replace(target)
        assert changes.wait(timeout=PATIENCE) == [target.resolve()]


def test_the_projects_settings_are_watched_and_nothing_else_beside_them(tmp_path: Path) -> None:
    """clearleaf.toml sits above source/, beside .venv/ and the rest: only it counts there."""
    source = tmp_path / "source"
    source.mkdir()
    settings = tmp_path / "clearleaf.toml"
    settings.write_text("[defaults]\n", encoding="utf-8")
    with Changes([source], settle=0.1, files=[settings]) as changes:
        (tmp_path / "notes.txt").write_text("not an input", encoding="utf-8")
        (tmp_path / "venv").mkdir()
        (tmp_path / "venv" / "x.py").write_text("not an input", encoding="utf-8")
        assert changes.wait(timeout=1.5) == []
        settings.write_text('[defaults]\norganisation = "Renamed"\n', encoding="utf-8")
        assert changes.wait(timeout=PATIENCE) == [settings.resolve()]


def test_reads_outputs_and_editors_files_are_no_change(tmp_path: Path) -> None:
    """A build reads every source and writes the output folder: neither may start a rebuild."""
    source = tmp_path / "source"
    out = source / "build"
    out.mkdir(parents=True)
    target = source / "leaflet.md"
    target.write_text("text", encoding="utf-8")
    (source / ".git").mkdir()
    with Changes([source], ignore=[out], settle=0.1) as changes:
        target.read_text(encoding="utf-8")
        (out / "leaflet.html").write_text("<p>built</p>", encoding="utf-8")
        for name in (".leaflet.md.swp", "leaflet.md~", "#leaflet.md#", "4913", ".git/index"):
            (source / name).write_text("editor's", encoding="utf-8")
        assert changes.wait(timeout=1.5) == []
        # And the same watch does see a change that matters.
        shutil.copy(FIXTURES / "stripes.png", source / "map.png")
        assert changes.wait(timeout=PATIENCE) == [(source / "map.png").resolve()]


def test_a_folder_that_cannot_be_watched_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PipelineError) as raised, Changes([tmp_path / "gone"]):
        pass
    assert raised.value.category == "usage"
    assert [str(d) for d in raised.value.diagnostics] == [
        f"{tmp_path / 'gone'}: error usage.cannot-watch: cannot watch it: No such file or "
        "directory; give an existing folder of sources"
    ]


def test_ignored_names_an_editors_files_only() -> None:
    root = Path("/project/source")
    assert not watcher.ignored(root / "wales" / "leaflet.md", root)
    assert not watcher.ignored(root / "map.png", root)
    assert watcher.ignored(root / ".drafts" / "leaflet.md", root)
    assert watcher.ignored(root / "leaflet.md~", root)


# -- what a rebuild says --------------------------------------------------------


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two sources in source/, each with one warning; the working folder is their project's."""
    monkeypatch.chdir(tmp_path)
    return without_sources(Path("source"), "alpha"), without_sources(Path("source"), "beta")


def session() -> Session:
    return Session([], resolve_formats(["txt"]), Path("build"))


def test_a_rebuild_repeats_only_the_saved_documents_findings(two: tuple[Path, Path]) -> None:
    alpha, beta = two
    watching = session()
    first = watching.build()
    assert re.fullmatch(
        rf"{STAMP} built 2 of 2 document\(s\), 2 file\(s\) in {SECONDS}", first.line()
    )
    assert [(d.location.path, d.code) for d in first.findings] == [
        (alpha, "meta.missing-sources"),
        (beta, "meta.missing-sources"),
    ]
    append(alpha, "Saved.")
    again = watching.build([alpha.resolve()])
    assert re.fullmatch(rf"{STAMP} source/alpha.md changed: rebuilt txt in {SECONDS}", again.line())
    assert [(d.location.path, d.code) for d in again.findings] == [(alpha, "meta.missing-sources")]
    # The build itself still knows the other's, repeated from its last build.
    assert any(d.location.path == beta for d in again.report.diagnostics)


def test_an_image_names_the_documents_it_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = write_source(Path("source"), "alpha", "![Stripes](stripes.png)")
    shutil.copy(FIXTURES / "stripes.png", source.parent / "stripes.png")
    write_source(Path("source"), "beta", "Some text.")
    watching = session()
    watching.build()
    image = source.parent / "stripes.png"
    image.write_bytes((FIXTURES / "stripes.png").read_bytes() + b"\0")
    line = watching.build([image.resolve()]).line()
    assert re.fullmatch(
        rf"{STAMP} source/stripes.png changed: rebuilt source/alpha.md \(txt\) in {SECONDS}", line
    )


def test_a_failing_document_keeps_its_outputs_and_is_said_once(two: tuple[Path, Path]) -> None:
    alpha, beta = two
    watching = session()
    watching.build()
    built = Path("build/beta.txt").read_bytes()
    append(beta, "![](missing.png)")
    failed = watching.build([beta.resolve()])
    assert re.fullmatch(
        rf"{STAMP} source/beta.md changed: not built \(2 error\(s\)\), "
        rf"its last good outputs are kept \({SECONDS}\)",
        failed.line(),
    )
    assert {d.code for d in failed.findings} >= {"asset.missing", "a11y.img-alt"}
    assert Path("build/beta.txt").read_bytes() == built
    # Another save: the failing document is rebuilt again, but its findings,
    # unchanged, are not repeated.
    append(alpha, "Saved.")
    other = watching.build([alpha.resolve()])
    assert re.fullmatch(
        rf"{STAMP} source/alpha.md changed: rebuilt txt in {SECONDS}; "
        "source/beta.md still not built, its last good outputs are kept",
        other.line(),
    )
    assert {d.location.path for d in other.findings} == {alpha}


def test_a_save_that_changes_nothing_says_so(two: tuple[Path, Path]) -> None:
    alpha, _ = two
    watching = session()
    watching.build()
    alpha.write_text(alpha.read_text(encoding="utf-8"), encoding="utf-8")
    same = watching.build([alpha.resolve()])
    assert re.fullmatch(
        rf"{STAMP} source/alpha.md changed: nothing to rebuild, all up to date", same.line()
    )
    assert same.findings == []


def test_sources_that_cannot_be_planned_are_said_and_watching_goes_on(
    two: tuple[Path, Path],
) -> None:
    alpha, _ = two
    watching = session()
    watching.build()
    # A second source writing one of alpha's outputs (its large print's PDF).
    twin = without_sources(Path("source"), "alpha-large-print")
    broken = watching.build([twin.resolve()])
    assert broken.error is not None
    assert "nothing built" in broken.line()
    assert [d.code for d in broken.findings] == ["usage.duplicate-output"]
    twin.unlink()
    append(alpha, "Saved.")
    assert "rebuilt txt" in watching.build([alpha.resolve()]).line()


# -- the loop -------------------------------------------------------------------


def test_watch_rebuilds_after_a_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    source = write_source(Path("source"), "alpha", "Some text.")
    builds: list[Rebuild] = []

    def rebuilt(rebuild: Rebuild) -> None:
        builds.append(rebuild)
        if len(builds) == 1:
            append(source, "Saved.")  # watched from before the first build: not missed

    counted: list[int] = []
    loop = threading.Thread(
        target=lambda: counted.append(watcher.watch(session(), rebuilt, 0.1, rounds=1)),
        daemon=True,
    )
    loop.start()
    loop.join(timeout=60)
    assert not loop.is_alive(), "the save was never seen"
    assert counted == [2]
    assert builds[1].changed == (source.resolve(),)
    assert builds[1].rebuilt == {source: ["txt"]}
    assert "Saved." in Path("build/alpha.txt").read_text(encoding="utf-8")


def test_a_save_during_a_build_is_built_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editor saves while the first build is making the editions: the next build (the
    save's) makes them again, since the record keeps the digest of what was read."""
    monkeypatch.chdir(tmp_path)
    source = write_source(Path("source"), "alpha", "Some text.")
    read = document_module.load
    saved: list[Path] = []

    def load_then_save(path: Path, html: bool = False) -> Document:
        document = read(path, html=html)
        if not saved:
            saved.append(path)
            append(source, "Saved during the build.")
        return document

    monkeypatch.setattr(document_module, "load", load_then_save)
    builds: list[Rebuild] = []
    counted: list[int] = []
    loop = threading.Thread(
        target=lambda: counted.append(watcher.watch(session(), builds.append, 0.1, rounds=1)),
        daemon=True,
    )
    loop.start()
    loop.join(timeout=60)
    assert not loop.is_alive(), "the save was never seen"
    assert counted == [2]
    assert builds[1].rebuilt == {source: ["txt"]}
    assert "Saved during the build." in Path("build/alpha.txt").read_text(encoding="utf-8")
