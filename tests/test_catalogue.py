"""A catalogue the team can trust: one output location per source, the editions of a
deleted or renamed source removed by the next build of the catalogue, and
``clearleaf clean``."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, SCREEN_EDITIONS
from helpers import CATALOGUE_FILES, write_source

from clearleaf import incremental, outputs
from clearleaf import watch as watcher
from clearleaf.build import build
from clearleaf.cli import _echo_rebuild, cli
from clearleaf.context import Context
from clearleaf.plan import Job, plan, resolve_formats, scope, source_root
from clearleaf.report import GONE, MOVED

TXT = resolve_formats(["txt"])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder, the working folder: ``source/`` with a document at the top, one in
    ``clinic/`` and one in ``wales/north/``."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "source"
    write_source(root, "alpha", "Some text.", title="Alpha Leaflet")
    write_source(root / "clinic", "leaflet", "Some text.", title="Clinic Leaflet")
    write_source(root / "wales" / "north", "gamma", "Some text.", title="Gamma Leaflet")
    return tmp_path


def built(*arguments: str) -> Result:
    """``clearleaf build -f txt -j 1 ARGUMENTS``, which must succeed."""
    result = CliRunner().invoke(cli, ["build", "-f", "txt", "-j", "1", *arguments])
    assert result.exit_code == 0, result.output
    return result


def files(folder: Path) -> list[str]:
    """The editions below ``folder`` (not the pipeline's records, nor the catalogue's index
    and feed), relative, sorted."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file()
        and incremental.RECORDS.name not in path.parts
        and path.relative_to(folder).as_posix() not in CATALOGUE_FILES
    )


def manifest_sources(out: Path) -> list[str]:
    data = json.loads((out / incremental.MANIFEST).read_text(encoding="utf-8"))
    return sorted(data["sources"])


# -- one output location per source ---------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [[], ["source"], ["source/clinic"], ["source/clinic/leaflet.md"], ["./source/clinic/"]],
)
def test_a_source_has_one_output_location_whatever_path_is_given(
    project: Path, given: list[str]
) -> None:
    built(*given, "-o", "out")
    assert "clinic/leaflet.txt" in files(project / "out")
    assert "leaflet.txt" not in files(project / "out")


def test_the_source_root_is_found_by_walking_up_from_a_source(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from inside the catalogue, the configured ``source`` folder is not below the
    working folder: the ``source/`` above the file is the root all the same."""
    monkeypatch.chdir(project / "source" / "clinic")
    built("leaflet.md", "-o", str(project / "out"))
    assert files(project / "out") == ["clinic/leaflet.txt"]
    clinic = project / "source" / "clinic" / "leaflet.md"
    assert source_root(clinic, Path("source")) == (project / "source").resolve()
    elsewhere = write_source(project / "drafts", "loose", "Some text.")
    assert source_root(elsewhere, project / "source") is None


def test_an_output_recorded_elsewhere_is_built_where_it_now_goes(project: Path) -> None:
    """A source whose place below the output folder changed is not "up to date" because
    its old files exist: it is written where it goes now, and the old files are removed."""
    source = Path("source/clinic/leaflet.md")
    out = project / "out"
    build([Job(source, Path())], TXT, out, Context(source_date_epoch=None))
    assert files(out) == ["leaflet.txt"]
    again = build(plan([source], Path("source")), TXT, out, Context(source_date_epoch=None))
    assert again.skipped == []
    assert [output.path for output in again.outputs] == [out / "clinic" / "leaflet.txt"]
    assert files(out) == ["clinic/leaflet.txt"]
    (removed,) = again.removed
    assert (removed.path, removed.reason) == (out / "leaflet.txt", MOVED)
    assert str(removed) == (
        "removed out/leaflet.txt: source/clinic/leaflet.md now writes its editions in out/clinic"
    )


def test_a_manifest_of_the_first_layout_is_read_and_its_strays_removed(project: Path) -> None:
    """Manifests written before outputs were recorded relative to the output folder name
    them as the build did; what the old ``build source/clinic`` left at the top goes."""
    out = project / "build"
    out.mkdir()
    (out / "leaflet.txt").write_text("an old edition\n", encoding="utf-8")
    (out / incremental.RECORDS).mkdir()
    old = {
        "sources": {
            "source/clinic/leaflet.md": {
                "environment": "old",
                "formats": ["txt"],
                "dependencies": {},
                "outputs": {"build/leaflet.txt": "0" * 64},
            }
        }
    }
    (out / incremental.MANIFEST).write_text(json.dumps(old), encoding="utf-8")
    result = built()
    assert "removed build/leaflet.txt: source/clinic/leaflet.md now writes its editions in " in (
        result.stdout
    )
    assert files(out) == ["alpha.txt", "clinic/leaflet.txt", "wales/north/gamma.txt"]
    recorded = json.loads((out / incremental.MANIFEST).read_text(encoding="utf-8"))
    assert recorded["format"] == incremental.FORMAT
    assert recorded["sources"]["source/clinic/leaflet.md"]["outputs"] == {
        "clinic/leaflet.txt": outputs.file_hash(out / "clinic" / "leaflet.txt")
    }


# -- editions of sources that are gone ------------------------------------------------------


def test_a_build_of_the_catalogue_removes_the_editions_of_a_deleted_source(
    project: Path,
) -> None:
    built()
    out = project / "build"
    (out / "notes.txt").write_text("my own notes\n", encoding="utf-8")
    (project / "source" / "wales" / "north" / "gamma.md").unlink()
    result = built()
    assert (
        "removed build/wales/north/gamma.txt: its source source/wales/north/gamma.md is gone"
        in (result.stdout.splitlines())
    )
    assert "removed 1 file(s)" in result.stdout
    # The folders its editions alone lived in go with them; a file of the user's stays.
    assert files(out) == ["alpha.txt", "clinic/leaflet.txt", "notes.txt"]
    assert not (out / "wales").exists()
    assert manifest_sources(out) == ["source/alpha.md", "source/clinic/leaflet.md"]
    assert "removed" not in built().stdout  # said once


def test_a_renamed_source_leaves_only_its_new_editions(project: Path) -> None:
    built("-f", "html")
    (project / "source" / "alpha.md").rename(project / "source" / "first.md")
    result = built("-f", "html", "-v")
    assert result.stdout.splitlines()[:2] == [
        "removed build/alpha.html: its source source/alpha.md is gone",
        "removed build/alpha.txt: its source source/alpha.md is gone",
    ]
    assert files(project / "build") == [
        "clinic/leaflet.html",
        "clinic/leaflet.txt",
        "first.html",
        "first.txt",
        "wales/north/gamma.html",
        "wales/north/gamma.txt",
    ]


def test_building_the_source_folder_by_name_is_a_build_of_the_catalogue(project: Path) -> None:
    built()
    (project / "source" / "alpha.md").unlink()
    built("source")
    assert "alpha.txt" not in files(project / "build")


def test_a_build_of_one_file_never_removes_another_documents_editions(project: Path) -> None:
    built()
    (project / "source" / "alpha.md").unlink()
    result = built("source/clinic/leaflet.md")
    assert "removed" not in result.stdout
    assert "alpha.txt" in files(project / "build")
    built()
    assert "alpha.txt" not in files(project / "build")


def test_a_build_of_a_folder_removes_only_what_was_below_it(project: Path) -> None:
    built()
    (project / "source" / "alpha.md").unlink()
    (project / "source" / "wales" / "north" / "gamma.md").unlink()
    result = built("source/wales")
    assert result.stdout.startswith(
        "removed build/wales/north/gamma.txt: its source source/wales/north/gamma.md is gone\n"
    )
    assert files(project / "build") == ["alpha.txt", "clinic/leaflet.txt"]


def test_a_file_the_manifest_did_not_record_is_never_removed(project: Path) -> None:
    """A user's file where a gone source's edition would be stays: the build did not write it."""
    out = project / "build"
    out.mkdir()
    (out / "old.txt").write_text("not written by clearleaf\n", encoding="utf-8")
    old = write_source(project / "source", "old", "Some text.", title="Old Leaflet")
    # Built into another folder: this output folder's manifest never records it.
    build(plan([old], Path("source")), TXT, project / "elsewhere", Context(source_date_epoch=None))
    old.unlink()
    built()
    assert (out / "old.txt").read_text(encoding="utf-8") == "not written by clearleaf\n"


def test_the_build_report_lists_what_was_removed(project: Path) -> None:
    built()
    (project / "source" / "alpha.md").unlink()
    built("--report", "report.json")
    data = json.loads((project / "report.json").read_text(encoding="utf-8"))
    assert data["removed"] == [
        {"path": "build/alpha.txt", "reason": GONE, "source": "source/alpha.md"}
    ]


def test_the_scope_of_a_build() -> None:
    root = Path("source")
    assert scope([], root).everything and scope([root], root).everything
    assert not scope([ROOT / "README.md"], root).holds(ROOT / "README.md")
    tests = scope([ROOT / "tests"], root)
    assert tests.holds(ROOT / "tests" / "gone.md") and not tests.holds(ROOT / "source" / "a.md")


# -- clearleaf clean ---------------------------------------------------------------------


def cleaned(*arguments: str) -> Result:
    result = CliRunner().invoke(cli, ["clean", *arguments])
    assert result.exit_code == 0, result.output
    return result


def test_clean_removes_what_clearleaf_wrote_and_nothing_else(project: Path) -> None:
    built("-f", "html")
    out = project / "build"
    (out / "notes.txt").write_text("my own notes\n", encoding="utf-8")
    (out / "mine").mkdir()  # an empty folder of the user's
    (out / "clinic" / "photo.png").write_bytes(b"my own picture")
    stale = out / "wales" / f"{outputs.TEMPORARY_PREFIX}999999999-gamma.txt.x1y2z3w4"
    stale.write_bytes(b"half an edition a killed build left")
    result = cleaned("-v")
    assert "removed build/wales/north/gamma.html" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == (
        "cleaned build: removed 8 file(s) clearleaf wrote; 2 file(s) of your own are left"
    )
    assert files(out) == ["clinic/photo.png", "notes.txt"]
    assert not (out / incremental.RECORDS).exists()
    assert not (out / "wales").exists() and (out / "mine").is_dir()
    assert cleaned().stdout == "nothing to clean in build\n"


def test_clean_removes_an_output_folder_it_empties_and_a_build_starts_again(
    project: Path,
) -> None:
    built("-o", "dist")
    assert cleaned("--out", "dist", "-q").stdout == ""
    assert not (project / "dist").exists()
    result = built("-o", "dist")
    assert "built 3 of 3 document(s)" in result.stdout


def test_clean_waits_for_a_build_writing_into_the_folder(project: Path) -> None:
    """It holds the output folder as a build does: while another holds it, it waits."""
    built()
    out = project / "build"
    log = project / "clean.log"
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "NO_COLOR")}
    env["PYTHONPATH"] = str(ROOT)  # the package these tests are of
    folder = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(folder, fcntl.LOCK_EX)  # as a running build holds it
    try:
        with log.open("w", encoding="utf-8") as stream:
            process = subprocess.Popen(
                [sys.executable, "-m", "clearleaf", "clean"],
                cwd=project,
                env=env,
                stdout=stream,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while "waiting" not in log.read_text(encoding="utf-8") and process.poll() is None:
            assert time.monotonic() < deadline, "clean neither waited nor ended"
            time.sleep(0.05)
        assert process.poll() is None, log.read_text(encoding="utf-8")
        assert (out / "alpha.txt").is_file()
    finally:
        os.close(folder)  # the build ends
    assert process.wait(timeout=60) == 0
    assert log.read_text(encoding="utf-8").splitlines() == [
        "waiting for another build writing into build to finish",
        "cleaned build: removed 5 file(s) clearleaf wrote",
    ]
    assert not out.exists()


def test_clean_of_a_folder_that_does_not_exist(project: Path) -> None:
    assert cleaned("--out", "nowhere").stdout == "nothing to clean in nowhere\n"
    assert not (project / "nowhere").exists()


def test_clean_never_follows_the_manifest_out_of_the_folder(project: Path) -> None:
    """A manifest edited to name a file outside the output folder removes nothing there."""
    outside = project / "precious.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    built()
    path = project / "build" / incremental.MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sources"]["source/alpha.md"]["outputs"]["../precious.txt"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    cleaned()
    assert outside.read_text(encoding="utf-8") == "keep me\n"


def test_screen_editions_of_a_catalogue_are_removed_with_their_source(project: Path) -> None:
    """Every edition a source had is removed, not only those of the formats built now."""
    out = project / "build"
    build(plan([], Path("source")), SCREEN_EDITIONS, out, Context(source_date_epoch=None))
    (project / "source" / "alpha.md").unlink()
    report = build(
        plan([], Path("source")),
        TXT,
        out,
        Context(source_date_epoch=None),
        scope=scope([], Path("source")),
    )
    assert sorted(item.path.name for item in report.removed) == [
        "alpha.epub",
        "alpha.html",
        "alpha.txt",
    ]


def test_watch_removes_the_editions_of_a_source_deleted_while_it_runs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = watcher.Session([], TXT, Path("build"))
    session.build()
    (project / "source" / "alpha.md").unlink()
    rebuild = session.build([Path("source/alpha.md")])
    assert [str(item) for item in rebuild.report.removed] == [
        "removed build/alpha.txt: its source source/alpha.md is gone"
    ]
    assert files(project / "build") == ["clinic/leaflet.txt", "wales/north/gamma.txt"]
    _echo_rebuild(rebuild)
    assert (
        "  removed build/alpha.txt: its source source/alpha.md is gone\n" in capsys.readouterr().out
    )
