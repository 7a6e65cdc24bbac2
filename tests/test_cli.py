"""The command line through Click's CliRunner: help, version, formats, builds and input errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CONSTRUCTS_SOURCE
from helpers import CATALOGUE_FILES

from clearleaf import __version__
from clearleaf.cli import cli
from clearleaf.errors import display_path

BAD_SOURCE = """\
---
title: A Leaflet
lang: en-GB
organisation: Anormed UK
description: What the leaflet covers.
published: 2026-01-15
next_reveiw: 2027-01-15
---

Text.
"""


@pytest.fixture
def runner() -> CliRunner:
    """A runner that keeps standard error apart from standard output."""
    return CliRunner()


def test_help_lists_commands(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    commands = re.findall(r"^\s{2}(\w+)\s", result.output.split("Commands:", 1)[1], re.MULTILINE)
    assert {"build", "formats"} <= set(commands)


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
    assert re.fullmatch(r"\S+, version \d+\.\d+\.\d+\n", result.output)


def test_formats_lists_every_format(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["formats"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == [
        "html",
        "pdf",
        "large-print",
        "print",
        "booklet",
        "epub",
        "txt",
        "docx",
        "braille",
        "pef",
        "audio",
        "read-aloud",
    ]


def test_build_one_format(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["build", str(CONSTRUCTS_SOURCE), "--format", "txt", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        ["constructs.txt", *CATALOGUE_FILES]
    )
    assert "built 1 of 1 document(s), 1 file(s)" in result.stdout


def test_unknown_key_fails_cleanly(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    Path("bad.md").write_text(BAD_SOURCE, encoding="utf-8")
    result = runner.invoke(cli, ["build", "bad.md", "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    diagnostics = [line for line in result.stderr.splitlines() if "error meta." in line]
    assert diagnostics == [
        "bad.md:7:1: error meta.unknown-key: "
        "unknown front-matter key 'next_reveiw'; did you mean 'next_review'?"
    ]
    assert not out.exists() or list(out.iterdir()) == [], "a failed build must write nothing"


def test_failed_build_leaves_existing_outputs_and_no_temp_files(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "bad.txt").write_text("the previous edition\n", encoding="utf-8")
    source = tmp_path / "bad.md"
    source.write_text(BAD_SOURCE, encoding="utf-8")
    result = runner.invoke(cli, ["build", str(source), "--out", str(out)])
    assert result.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["bad.txt"]
    assert (out / "bad.txt").read_text(encoding="utf-8") == "the previous edition\n"


def test_a_failing_tool_exits_3_and_says_it_is_a_tool(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pandoc itself failing (here its runtime refuses an option in the environment) is
    not the source's fault: exit 3, not the 2 of a mistake in the source."""
    monkeypatch.setenv("GHCRTS", "-Zbogus")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(CONSTRUCTS_SOURCE), "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.stderr.splitlines() if "pandoc.failed" in line]
    assert line.startswith(f"{display_path(CONSTRUCTS_SOURCE)}: error pandoc.failed: pandoc failed")
    assert "[tool error:" in line
    assert not out.exists() or [p for p in out.rglob("*") if p.is_file()] == []
    checked = runner.invoke(cli, ["check", str(CONSTRUCTS_SOURCE)])
    assert checked.exit_code == 3
    assert "[tool error:" in checked.stderr


def test_nonexistent_source(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(tmp_path / "nowhere.md"), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "error usage.no-such-source" in result.stderr
    assert not out.exists()


def test_unknown_format_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["build", str(CONSTRUCTS_SOURCE), "--format", "odt", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []
