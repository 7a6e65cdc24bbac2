"""Catalogues: recursive discovery, shards, the up-to-date check, parallel builds.

Watching for changes is tested in test_watch.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, SCREEN_EDITIONS
from helpers import write_source

from clearleaf import document as document_module
from clearleaf import incremental, outputs, pandoc
from clearleaf.build import build
from clearleaf.cli import cli
from clearleaf.context import STYLES_DIR, Context
from clearleaf.document import Document
from clearleaf.errors import PipelineError
from clearleaf.outputs import remove_stale_temporaries
from clearleaf.plan import Job, plan, resolve_formats, shard


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    root = tmp_path / "source"
    write_source(root, "alpha", "Some text.", title="Alpha Leaflet")
    write_source(root / "wales", "beta", "Some text.", title="Beta Leaflet")
    write_source(
        root / "wales" / "north", "gamma", "![A stripe](stripes.png)", title="Gamma Leaflet"
    )
    shutil.copy(FIXTURES / "stripes.png", root / "wales" / "north" / "stripes.png")
    (root / ".drafts").mkdir()
    write_source(root / ".drafts", "hidden", "Some text.", title="Hidden Draft")
    return root


def context() -> Context:
    return Context(source_date_epoch=None)


def mtimes(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file() and ".clearleaf" not in p.parts
    }


# -- discovery and shards -------------------------------------------------------


def test_plan_finds_sources_recursively_and_keeps_folders(catalogue: Path) -> None:
    jobs = plan([], catalogue)
    assert [(j.source.name, str(j.folder)) for j in jobs] == [
        ("alpha.md", "."),
        ("beta.md", "wales"),
        ("gamma.md", "wales/north"),
    ]


def test_outputs_keep_the_folder_structure(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    report = build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    assert not report.failed
    assert (out / "wales" / "north" / "gamma.html").is_file()
    assert (out / "alpha.epub").is_file()


def test_a_file_inside_the_source_folder_keeps_its_place(catalogue: Path) -> None:
    (job,) = plan([catalogue / "wales" / "beta.md"], catalogue)
    assert job.folder == Path("wales")


def test_two_sources_writing_the_same_file_is_an_error(tmp_path: Path) -> None:
    one = write_source(tmp_path / "a", "same", "Some text.", title="One")
    two = write_source(tmp_path / "b", "same", "Some text.", title="Two")
    with pytest.raises(PipelineError) as info:
        plan([one, two], tmp_path / "source")
    assert info.value.diagnostic.code == "usage.duplicate-output"
    assert "rename one of them" in info.value.diagnostic.message


def test_shards_partition_the_catalogue_deterministically() -> None:
    jobs = [Job(Path(f"source/{name}.md")) for name in "qwertyuiopasdfghjklz"]
    slices = [shard(jobs, k, 3) for k in (1, 2, 3)]
    assert sorted(j.source for s in slices for j in s) == sorted(j.source for j in jobs)
    assert [len(s) for s in slices] == [7, 7, 6]
    assert shard(list(reversed(jobs)), 2, 3) == slices[1]  # the order given does not matter


def test_shard_option_builds_one_slice(
    catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(catalogue.parent)
    runner = CliRunner()
    result = runner.invoke(cli, ["build", "-f", "txt", "-j", "1", "--shard", "2/3", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").rglob("*.txt")) == ["beta.txt"]
    bad = runner.invoke(cli, ["build", "--shard", "4/3"])
    assert bad.exit_code == 2 and "K must be between 1 and N" in bad.output


# -- the up-to-date check -------------------------------------------------------


def test_nothing_changed_renders_nothing(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    before = mtimes(out)
    again = build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    assert again.outputs == []
    assert len(again.skipped) == 3
    assert mtimes(out) == before


def test_only_what_changed_is_rebuilt(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    beta = catalogue / "wales" / "beta.md"
    beta.write_text(beta.read_text(encoding="utf-8") + "\nMore text.\n", encoding="utf-8")
    again = build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    assert {o.source for o in again.outputs} == {beta}
    assert len(again.skipped) == 2


def test_a_changed_image_rebuilds_its_document(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    image = catalogue / "wales" / "north" / "stripes.png"
    image.write_bytes(image.read_bytes() + b"\0")
    again = build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    assert {o.source.name for o in again.outputs} == {"gamma.md"}


def test_a_changed_style_rebuilds_everything(catalogue: Path, tmp_path: Path) -> None:
    styles = tmp_path / "styles"
    shutil.copytree(STYLES_DIR, styles)
    out = tmp_path / "build"
    build(plan([], catalogue), SCREEN_EDITIONS, out, Context(styles=styles, source_date_epoch=None))
    with (styles / "screen.css").open("a", encoding="utf-8") as css:
        css.write("\n/* changed */\n")
    again = build(
        plan([], catalogue), SCREEN_EDITIONS, out, Context(styles=styles, source_date_epoch=None)
    )
    assert len({o.source for o in again.outputs}) == 3


def test_every_runtime_requirement_is_a_tool_whose_version_counts() -> None:
    """Upgrading any package the pipeline runs on rebuilds: each is in the fingerprint."""
    with (ROOT / "pyproject.toml").open("rb") as stream:
        declared = tomllib.load(stream)["project"]["dependencies"]
    names: set[str] = set()
    for requirement in declared:
        name = re.match(r"[A-Za-z0-9._-]+", requirement)
        assert name is not None, requirement
        names.add(name[0])
    assert names == set(incremental.tools())
    # The test tools are not among them: a new pytest rebuilds nothing.
    assert "pytest" not in incremental.tools()


def test_a_new_tool_version_rebuilds(
    catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "build"
    build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    real = metadata.version

    def upgraded(name: str) -> str:
        return "99.0" if name == "nh3" else real(name)

    monkeypatch.setattr(metadata, "version", upgraded)
    again = build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    assert len({o.source for o in again.outputs}) == 3


def test_a_new_pandoc_rebuilds_and_the_manifest_names_it(
    catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pandoc is a binary, not a Python distribution: its own version counts."""
    out = tmp_path / "build"
    build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    recorded = json.loads((out / incremental.MANIFEST).read_text(encoding="utf-8"))
    assert recorded["tools"]["pandoc"] == pandoc.version()
    assert re.fullmatch(r"\d+(\.\d+)+", pandoc.version())
    monkeypatch.setattr(pandoc, "version", lambda: "99.0")
    again = build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    assert len({o.source for o in again.outputs}) == 3


def test_options_and_deleted_outputs_rebuild(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    (out / "alpha.html").unlink()
    again = build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    assert {o.source.name for o in again.outputs} == {"alpha.md"}
    epoch = build(
        plan([], catalogue), SCREEN_EDITIONS, out, Context(source_date_epoch=1_700_000_000)
    )
    assert len({o.source for o in epoch.outputs}) == 3
    forced = build(
        plan([], catalogue),
        SCREEN_EDITIONS,
        out,
        Context(source_date_epoch=1_700_000_000),
        force=True,
    )
    assert len({o.source for o in forced.outputs}) == 3


def test_manifest_records_dependencies(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    manifest = json.loads((out / ".clearleaf" / "manifest.json").read_text(encoding="utf-8"))
    gamma = next(v for k, v in manifest["sources"].items() if k.endswith("gamma.md"))
    assert any(path.endswith("stripes.png") for path in gamma["dependencies"])


# -- parallel and reproducible --------------------------------------------------


def test_parallel_build_is_byte_identical_and_ordered(catalogue: Path, tmp_path: Path) -> None:
    formats = resolve_formats([])
    one = build(plan([], catalogue), formats, tmp_path / "one", context(), jobs=1)
    two = build(plan([], catalogue), formats, tmp_path / "two", context(), jobs=2)
    assert [(o.source, o.format) for o in one.outputs] == [
        (o.source, o.format) for o in two.outputs
    ]
    for output in one.outputs:
        twin = tmp_path / "two" / output.path.relative_to(tmp_path / "one")
        assert twin.read_bytes() == output.path.read_bytes(), output.path.name


# -- atomic writes ----------------------------------------------------------------


def test_stale_temporary_files_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "build"
    (out / "sub").mkdir(parents=True)
    stale = out / "sub" / ".clearleaf-tmp-leaflet.pdf.x1y2z3w4"
    stale.write_bytes(b"half a PDF")
    keep = out / "sub" / "leaflet.pdf"
    keep.write_bytes(b"%PDF")
    remove_stale_temporaries(out)
    assert not stale.exists() and keep.exists()


# -- merged reports -------------------------------------------------------------


def test_merge_reports(catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(catalogue.parent)
    runner = CliRunner()
    for k in (1, 2):
        result = runner.invoke(
            cli,
            [
                "build",
                "-f",
                "txt",
                "-j",
                "1",
                "--shard",
                f"{k}/2",
                "-o",
                "out",
                "--report",
                f"report-{k}.json",
            ],
        )
        assert result.exit_code == 0, result.output
    merged = runner.invoke(
        cli, ["merge-reports", "report-1.json", "report-2.json", "-o", "all.json"]
    )
    assert merged.exit_code == 0, merged.output
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert data["summary"]["documents"] == 3
    assert [Path(d["source"]).name for d in data["documents"]] == [
        "alpha.md",
        "beta.md",
        "gamma.md",
    ]


def test_quiet_build_prints_one_summary_line(
    catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(catalogue.parent)
    result = CliRunner().invoke(cli, ["build", "-q", "-f", "txt", "-j", "1", "-o", "out"])
    assert result.exit_code == 0
    assert result.output.strip() == "built 3 of 3 document(s), 3 file(s)"


# -- the calendar -------------------------------------------------------------------


def test_a_review_date_passing_makes_a_source_out_of_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its checks run again and say so; afterwards it is up to date again."""
    import datetime as dt

    from clearleaf.a11y import CHECKS, quality

    assert quality.REVIEW_DUE in CHECKS
    # Its front matter says next_review: 2030-01-15.
    source = write_source(tmp_path / "source", "alpha", "Some text.", title="Alpha Leaflet")
    out = tmp_path / "build"

    def build_on(day: dt.date) -> tuple[list[Path], list[str]]:
        monkeypatch.setattr(quality, "today", lambda: day)
        report = build([source], SCREEN_EDITIONS, out, context())
        return report.skipped, [d.code for d in report.diagnostics]

    assert build_on(dt.date(2029, 1, 1)) == ([], [])
    assert build_on(dt.date(2029, 6, 1)) == ([source], [])
    assert build_on(dt.date(2030, 2, 1)) == ([], [quality.REVIEW_DUE])
    assert build_on(dt.date(2030, 3, 1)) == ([source], [quality.REVIEW_DUE])


# -- a damaged manifest ----------------------------------------------------------


def _damage(out: Path, change: object) -> None:
    """Rewrite the manifest in ``out``: ``change`` is new text, or a function of its data."""
    path = out / incremental.MANIFEST
    if isinstance(change, str):
        path.write_text(change, encoding="utf-8")
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data), encoding="utf-8")


def _first_entry(data: dict[str, object]) -> dict[str, object]:
    sources = data["sources"]
    assert isinstance(sources, dict)
    entry: dict[str, object] = sources[sorted(sources)[0]]
    return entry


@pytest.mark.parametrize(
    "change",
    [
        "not JSON {",
        "[1, 2, 3]",
        "[" * 100_000 + "]" * 100_000,  # deeper than Python's parser goes
        '{"sources": [1, 2]}',
        '{"sources": {"x.md": {"environment": 1}}}',
        lambda data: _first_entry(data).update(dependencies=["a", "b"]),
        lambda data: _first_entry(data).update(diagnostics=[{"code": 3}]),
        lambda data: _first_entry(data).update(next_review="soon"),
        lambda data: _first_entry(data).update(catalogue={"title": 3}),
        lambda data: data.update(catalogue=["index.html"]),
    ],
    ids=[
        "not-json",
        "a-list",
        "nested-deep",
        "sources-a-list",
        "wrong-type",
        "dependencies-a-list",
        "bad-diagnostic",
        "bad-date",
        "bad-listing",
        "catalogue-a-list",
    ],
)
def test_a_damaged_manifest_is_discarded_with_a_warning(
    catalogue: Path, tmp_path: Path, change: object
) -> None:
    out = tmp_path / "build"
    build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    _damage(out, change)
    again = build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    assert len({o.source for o in again.outputs}) == 3  # everything rebuilt
    warnings = [d for d in again.diagnostics if d.code == "build.manifest-damaged"]
    assert len(warnings) == 1 and "everything is built again" in warnings[0].message
    # ... and the record is whole again: the next build is a no-op, without a warning.
    third = build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    assert third.outputs == [] and not third.diagnostics


def test_a_manifest_that_is_a_pipe_is_never_opened(catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    (out / incremental.MANIFEST).unlink()
    os.mkfifo(out / incremental.MANIFEST)
    again = build(plan([], catalogue), SCREEN_EDITIONS, out, context())  # no hang
    assert [d.code for d in again.diagnostics] == ["build.manifest-damaged"]


def test_a_manifest_never_leads_a_read_outside_the_project(catalogue: Path, tmp_path: Path) -> None:
    """A dependency the manifest names outside the source's folder, project and the package
    is not read (its digest could not be right anyway): the source is rebuilt."""
    out = tmp_path / "build"
    build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("private", encoding="utf-8")
    pipe = catalogue / "pipe"
    os.mkfifo(pipe)

    def point(data: dict[str, object]) -> None:
        sources = data["sources"]
        assert isinstance(sources, dict)
        for name, entry in sources.items():
            extra = secret if name.endswith("alpha.md") else pipe
            entry["dependencies"][str(extra)] = outputs.file_hash(secret)

    _damage(out, point)
    again = build(plan([], catalogue), SCREEN_EDITIONS, out, context())  # the pipe: no hang
    assert len({o.source for o in again.outputs}) == 3
    assert not again.diagnostics


def test_a_source_saved_during_its_build_is_built_again(
    catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record keeps the digest of the bytes the build read, not of the file after it:
    a save that lands while the build runs leaves the source out of date."""
    out = tmp_path / "build"
    alpha = catalogue / "alpha.md"
    read = document_module.load

    def load_then_save(source: Path, html: bool = False) -> Document:
        document = read(source, html=html)
        if source == alpha:  # the editor saves while the editions are being made
            alpha.write_text(alpha.read_text(encoding="utf-8") + "\nSaved later.\n", "utf-8")
        return document

    monkeypatch.setattr(document_module, "load", load_then_save)
    build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    monkeypatch.setattr(document_module, "load", read)
    again = build(plan([], catalogue), SCREEN_EDITIONS, out, context())
    assert {o.source for o in again.outputs} == {alpha}
    assert "Saved later." in (out / "alpha.txt").read_text(encoding="utf-8")
