"""Terminal output: colour only on a terminal (``NO_COLOR``, ``--no-color``,
``FORCE_COLOR``), ``-q``/``-v`` on every command that prints, and ``--format``
as a comma list with a suggestion for a misspelt name."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from helpers import CATALOGUE_FILES, write_source

from clearleaf.cli import cli

#: An ANSI escape sequence that sets a colour or a style.
STYLE = re.compile(r"\x1b\[[0-9;]*m")

#: A source with one error (an image without alt text) and nothing else to say.
NO_ALT = "![](stripes.png)"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with ``source/bad.md`` (one error) and ``source/good.md``."""
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "FORCE_COLOR", "CI"):
        monkeypatch.delenv(name, raising=False)
    write_source(tmp_path / "source", "bad", NO_ALT, title="Bad Leaflet")
    (tmp_path / "source" / "stripes.png").write_bytes(
        (ROOT / "tests" / "fixtures" / "stripes.png").read_bytes()
    )
    write_source(tmp_path / "source", "good", "Some text.", title="Good Leaflet")
    return tmp_path


def run_clearleaf(
    arguments: list[str], cwd: Path, terminal: bool, env: dict[str, str] | None = None
) -> str:
    """Run ``python -m clearleaf ARGUMENTS``, its output on a pseudo-terminal or a pipe,
    and return what it printed (both streams)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("NO_COLOR", "FORCE_COLOR", "CI", "TERM")
    }
    environment.update({"PYTHONPATH": str(ROOT), "TERM": "xterm", **(env or {})})
    command = [sys.executable, "-m", "clearleaf", *arguments]
    if not terminal:
        done = subprocess.run(
            command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
        )
        return done.stdout + done.stderr
    main, other = os.openpty()
    process = subprocess.Popen(
        command, cwd=cwd, env=environment, stdin=subprocess.DEVNULL, stdout=other, stderr=other
    )
    os.close(other)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError as error:  # EIO: the other end closed
            if error.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    process.wait(timeout=120)
    return b"".join(chunks).decode("utf-8")


# -- colour -------------------------------------------------------------------------------


def test_errors_are_coloured_on_a_terminal_and_never_in_a_pipe(project: Path) -> None:
    on_terminal = run_clearleaf(["check", "-q", "source/bad.md"], project, terminal=True)
    (line,) = [line for line in on_terminal.splitlines() if "a11y.img-alt" in line]
    assert STYLE.search(line), line
    assert STYLE.sub("", line).startswith("source/bad.md:")
    assert "\x1b[31m" in line  # errors in red
    piped = run_clearleaf(["check", "-q", "source/bad.md"], project, terminal=False)
    assert "error a11y.img-alt" in piped
    assert "\x1b" not in piped


@pytest.mark.parametrize(
    ("arguments", "env"),
    [
        (["check", "-q", "source/bad.md"], {"NO_COLOR": "1"}),
        (["--no-color", "check", "-q", "source/bad.md"], {}),
        (["check", "--no-color", "-q", "source/bad.md"], {}),
    ],
    ids=["NO_COLOR", "--no-color before the command", "--no-color after it"],
)
def test_no_color_turns_colour_off_on_a_terminal(
    project: Path, arguments: list[str], env: dict[str, str]
) -> None:
    output = run_clearleaf(arguments, project, terminal=True, env=env)
    assert "error a11y.img-alt" in output
    assert not STYLE.search(output), output


def test_force_color_colours_a_pipe_and_no_color_wins(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    monkeypatch.setenv("FORCE_COLOR", "1")
    forced = runner.invoke(cli, ["check", "-q", "source/bad.md"])
    assert forced.exit_code == 1
    assert "\x1b[31m\x1b[1merror a11y.img-alt\x1b[0m" in forced.stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in runner.invoke(cli, ["check", "-q", "source/bad.md"]).stdout
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b" not in runner.invoke(cli, ["--no-color", "check", "source/bad.md"]).stdout
    monkeypatch.setenv("FORCE_COLOR", "0")
    assert "\x1b" not in runner.invoke(cli, ["check", "-q", "source/bad.md"]).stdout


def test_warnings_and_notes_have_their_own_colours(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    write_source(project / "source", "caps", "THIS IS ALL IN CAPITALS NOW.", title="Caps")
    result = CliRunner().invoke(cli, ["check", "-q", "source/caps.md"])
    assert "\x1b[33m\x1b[1mwarning a11y.all-caps\x1b[0m" in result.stdout


# -- -q and -v --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["build", "check", "watch", "merge-reports", "clean", "formats", "checks"]
)
def test_every_command_that_prints_takes_quiet_verbose_and_no_color(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    for option in ("-q, --quiet", "-v, --verbose", "--no-color"):
        assert option in result.output, (command, option)


def test_quiet_and_verbose_together_is_a_usage_error(project: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "-q", "-v", "source/good.md"])
    assert result.exit_code == 2
    assert "give -q/--quiet or -v/--verbose, not both" in result.output


def test_check_verbose_prints_each_documents_times(project: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "-v", "source/good.md"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^source/good\.md: read \d+\.\d\d s, check \d+\.\d\d s$", result.stdout, re.M)
    assert "readability" in result.stdout


def test_merge_reports_quiet_and_verbose(project: Path) -> None:
    runner = CliRunner()
    built = runner.invoke(cli, ["build", "-f", "txt", "-j", "1", "--report", "r.json"])
    assert built.exit_code == 1  # bad.md fails its checks
    assert runner.invoke(cli, ["merge-reports", "-q", "r.json", "-o", "all.json"]).output == ""
    verbose = runner.invoke(cli, ["merge-reports", "-v", "r.json", "-o", "all.json"])
    assert verbose.stdout.splitlines() == [
        "r.json: build shard 1/1, 2 document(s), exit code 1",
        "merged 1 report(s): 2 document(s), 1 failed, exit code 1",
    ]
    assert json.loads((project / "all.json").read_text(encoding="utf-8"))["summary"]["failed"] == 1


def test_formats_and_checks_quiet_print_names_only() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["formats", "-q"]).output.split() == [
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
    assert "(made from: pdf)" in runner.invoke(cli, ["formats", "-v"]).output
    codes = runner.invoke(cli, ["checks", "-q"]).output.split()
    assert "a11y.img-alt" in codes and all(" " not in code for code in codes)
    assert "meta.*" in runner.invoke(cli, ["checks", "-v"]).output


# -- --format -----------------------------------------------------------------------------


def test_format_takes_a_comma_list_and_repeats(project: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["build", "-j", "1", "-f", "txt,html", "source/good.md"])
    assert listed.exit_code == 0, listed.output
    assert sorted(p.name for p in (project / "build").iterdir() if p.is_file()) == sorted(
        ["good.html", "good.txt", *CATALOGUE_FILES]
    )
    mixed = runner.invoke(
        cli,
        ["build", "-j", "1", "--format", "txt, epub", "-f", "html", "-o", "two", "source/good.md"],
    )
    assert mixed.exit_code == 0, mixed.output
    assert sorted(p.name for p in (project / "two").iterdir() if p.is_file()) == sorted(
        ["good.epub", "good.html", "good.txt", *CATALOGUE_FILES]
    )


def test_a_misspelt_format_suggests_the_nearest(project: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--format", "htm", "source/good.md"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: 'htm' is not a format; did you mean 'html'? "
        "(formats: html, pdf, large-print, print, booklet, epub, txt, docx, braille, pef, audio, "
        "read-aloud)"
    )
    assert "Traceback" not in result.output
    assert not (project / "build").exists()
    listed = CliRunner().invoke(cli, ["build", "-f", "txt,large-prnt", "source/good.md"])
    assert "'large-prnt' is not a format; did you mean 'large-print'?" in listed.output
    unlike = CliRunner().invoke(cli, ["build", "-f", "odt", "source/good.md"])
    assert unlike.output.splitlines()[-1] == (
        "Error: 'odt' is not a format "
        "(formats: html, pdf, large-print, print, booklet, epub, txt, docx, braille, pef, audio, "
        "read-aloud)"
    )
