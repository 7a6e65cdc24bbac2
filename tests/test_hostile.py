"""Bad and hostile sources: one clear line each, nothing read or fetched, nothing half-written.

The corpus is ``tests/bad/``: each file with the exit code and the one line
it must get, in ``tests/bad/EXPECTED.tsv``: an error, and then nothing of it
is written, or a warning that something was removed, and then what is
published holds none of it. The huge inputs (a line of a
million characters, 5 MB, lists 100 deep) are written here at test time to
keep the repository small. Reads and connections are watched with an audit
hook (PEP 578) and a listening socket, so "nothing read, nothing fetched" is
observed, not assumed.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import mimetypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import ALL_SUFFIXES, FIXTURES, ROOT
from helpers import CATALOGUE_FILES, REQUIRED_FRONT_MATTER, front_matter

from clearleaf import fonts, limits, pandoc
from clearleaf.cli import cli
from clearleaf.document import load
from clearleaf.editions import EDITIONS
from clearleaf.errors import PipelineError

BAD = Path(__file__).resolve().parent / "bad"
UNUSUAL = Path(__file__).resolve().parent / "unusual"
EXPECTED = BAD / "EXPECTED.tsv"


def expectations() -> list[tuple[str, int, str]]:
    """(file, exit code, error line) for every source in the corpus."""
    rows = []
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, code, message = line.split("\t")
            rows.append((name, int(code), message))
    return rows


def error_lines(result: Result) -> list[str]:
    """The error diagnostics a run printed, wherever it printed them."""
    return [line for line in result.output.splitlines() if " error " in line]


def warning_lines(result: Result) -> list[str]:
    """The warnings a run printed, wherever it printed them."""
    return [line for line in result.output.splitlines() if " warning " in line]


#: What a hostile source tried to publish; none of it may reach an edition.
PAYLOADS = (
    "alert(",
    "document.cookie",
    "onclick",
    "onmouseover",
    "javascript:",
    "data:text/html",
    "display:none",
    "position:fixed",
    "<iframe",
    "<object",
    "movie.swf",
    "etc/passwd",
    "evil.css",
    "\\input",
)


def published_text(out: Path) -> str:
    """Everything written below ``out``, as text (the e-books' documents unpacked)."""
    import zipfile

    parts: list[str] = []
    for path in written(out):
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                parts.extend(book.read(name).decode("utf-8", "replace") for name in book.namelist())
        elif path.suffix in (".html", ".txt"):
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def written(out: Path) -> list[Path]:
    """The editions in ``out`` (the up-to-date record in ``.clearleaf/`` and the catalogue's
    index and feed aside)."""
    if not out.exists():
        return []
    return [
        p
        for p in out.rglob("*")
        if p.is_file() and ".clearleaf" not in p.parts and p.name not in CATALOGUE_FILES
    ]


# -- the corpus -----------------------------------------------------------------


def test_every_bad_source_has_an_expected_message() -> None:
    assert sorted(p.name for p in BAD.glob("*.md")) == sorted(n for n, _, _ in expectations())


@pytest.mark.parametrize(
    ("name", "code", "message"), expectations(), ids=[row[0] for row in expectations()]
)
def test_bad_source_gets_one_clear_line(
    name: str, code: int, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BAD)
    out = tmp_path / "out"
    removed = " warning " in message
    build = ["build", "--jobs", "1", "--out", str(out), "--format", "html", "--format", "epub"]
    for command in ([*build, "--format", "txt"], ["check", "--quiet"]):
        result = CliRunner().invoke(cli, [*command, name])
        assert result.exit_code == code, result.output
        if removed:
            assert error_lines(result) == []
            assert message in warning_lines(result)
        else:
            assert error_lines(result) == [message]
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    if not removed:
        assert written(out) == []
        return
    # What was removed is gone from every edition; the rest of the text is there.
    assert len(written(out)) == 3
    text = published_text(out)
    assert "Check your" in text
    found = [payload for payload in PAYLOADS if payload.lower() in text.lower()]
    assert found == []


def test_bad_sources_in_one_real_process(tmp_path: Path) -> None:
    """Each bad source fails with its line and no traceback; a good one beside them builds."""
    out = tmp_path / "out"
    good = tmp_path / "good.md"
    shutil.copy(UNUSUAL / "crlf.md", good)
    rows = expectations()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "clearleaf",
            "build",
            "--quiet",
            "--format",
            "txt",
            "--jobs",
            "2",
            "--out",
            str(out),
            *(name for name, _, _ in rows),
            str(good),
        ],
        cwd=BAD,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if " error " in line]
    assert sorted(errors) == sorted(message for _, _, message in rows if " error " in message)
    warnings = set(result.stderr.splitlines())
    assert all(message in warnings for _, _, message in rows if " warning " in message)
    built = sorted(name for name, _, message in rows if " warning " in message)
    assert sorted(p.name for p in written(out)) == sorted(
        ["good.txt", *(Path(name).with_suffix(".txt").name for name in built)]
    )
    summary = result.stderr.strip().splitlines()[-1]
    assert f"built {len(built) + 1} of {len(rows) + 1} document(s)" in summary
    failed = [name for name, _, message in rows if " error " in message]
    assert all(name in summary for name in failed), summary


# -- generated at test time: huge and pathological sources --------------------


def run_build(source: Path, out: Path, *options: str) -> Result:
    """``build --jobs 1`` of one source, in this process."""
    return CliRunner().invoke(
        cli, ["build", "--jobs", "1", "--format", "txt", *options, "--out", str(out), str(source)]
    )


@pytest.fixture
def doc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where a generated source goes: ``doc.md`` in the working folder."""
    monkeypatch.chdir(tmp_path)
    return Path("doc.md")


def test_a_pipe_named_like_a_source_is_not_read(doc: Path, tmp_path: Path) -> None:
    os.mkfifo(doc)  # reading it would block the build for ever
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert error_lines(result) == [
        "doc.md: error source.unreadable: this is not a file; give a Markdown file"
    ]


def test_line_of_a_million_characters(doc: Path, tmp_path: Path) -> None:
    doc.write_text(REQUIRED_FRONT_MATTER + "word " * 200_000 + "\n", encoding="utf-8")
    result = run_build(doc, tmp_path / "out")
    assert result.exit_code == 2
    assert error_lines(result) == [
        "doc.md:10: error limit.line-length: this line is 1,000,000 characters long, more than "
        "the 10,000 a line may have; break it into paragraphs (a blank line between them)"
    ]


def test_five_megabyte_document(doc: Path, tmp_path: Path) -> None:
    paragraph = "Check your feet every day and tell your nurse about any change. " * 10
    text = REQUIRED_FRONT_MATTER + (paragraph + "\n\n") * 9000
    doc.write_text(text[: 5 * 1024 * 1024], encoding="utf-8")
    result = run_build(doc, tmp_path / "out")
    assert result.exit_code == 2
    assert error_lines(result) == [
        "doc.md: error limit.file-size: the file is 5.0 MB, more than the 1.0 MB a source may "
        "be; split it into several documents"
    ]


def test_lists_nested_100_deep(doc: Path, tmp_path: Path) -> None:
    doc.write_text(
        REQUIRED_FRONT_MATTER + "".join("  " * i + f"- level {i}\n" for i in range(100)),
        encoding="utf-8",
    )
    result = run_build(doc, tmp_path / "out")
    assert result.exit_code == 2
    # The first list too deep is the 21st: "level 20", on line 10 + 20.
    assert error_lines(result) == [
        f"doc.md:30: error limit.nesting: lists, quotes, call-outs or formatting are nested "
        f"more than {limits.MAX_NESTING} deep here; flatten the structure (no reader can "
        "follow it either)"
    ]


def test_quotes_nested_deeper_than_python_parses(doc: Path, tmp_path: Path) -> None:
    doc.write_text(REQUIRED_FRONT_MATTER + ">" * 1500 + " deep\n", encoding="utf-8")
    result = run_build(doc, tmp_path / "out")
    assert result.exit_code == 2
    assert [line.split(": ")[1] for line in error_lines(result)] == ["error limit.nesting"]


def test_runaway_pandoc_stops_at_its_time_limit(
    doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pandoc 3.9's Markdown reader takes minutes over 14 nested brackets.
    monkeypatch.setattr(limits, "PANDOC_SECONDS", 1.0)
    doc.write_text(
        REQUIRED_FRONT_MATTER + "Check [[[[[[[[[[[[[[x]]]]]]]]]]]]]] daily.\n", encoding="utf-8"
    )
    started = time.monotonic()
    result = run_build(doc, tmp_path / "out")
    assert time.monotonic() - started < 20
    assert result.exit_code == 2
    assert error_lines(result) == [
        "doc.md: error limit.pandoc-time: pandoc took longer than 1 seconds and was stopped "
        "(limits.PANDOC_SECONDS); something in the document makes it run away: split the "
        "document, or simplify deeply nested or very long passages"
    ]


def test_runaway_pdf_stops_at_its_time_limit(
    doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "PDF_SECONDS", 0.05)
    shutil.copy(UNUSUAL / "crlf.md", doc)
    result = run_build(doc, tmp_path / "out", "--format", "pdf")
    assert result.exit_code == 2
    assert [line.split(": ", 2)[1] for line in error_lines(result)] == ["error limit.pdf-time"]
    assert "rendering the leaflet PDF took longer than 0.05 seconds" in result.output
    assert written(tmp_path / "out") == []


def test_deadline_lets_quick_work_finish_and_restores_the_alarm() -> None:
    previous = signal.getsignal(signal.SIGALRM)
    error = limits.time_error(Path("x.md"), "limit.test", "work", 5, "limits.TEST")
    with limits.deadline(5, error):
        pass
    assert signal.getsignal(signal.SIGALRM) is previous
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_deadline_stops_work_that_swallows_exceptions() -> None:
    error = limits.time_error(Path("x.md"), "limit.test", "work", 0.05, "limits.TEST")
    with pytest.raises(PipelineError) as caught, limits.deadline(0.05, error):
        for _ in range(100):
            try:
                time.sleep(0.5)
            except Exception:  # a library that catches too much
                continue
    assert caught.value is error


# -- two sources, one output --------------------------------------------------


def test_two_sources_that_would_write_the_same_file(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        shutil.copy(UNUSUAL / "crlf.md", tmp_path / folder / "leaflet.md")
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--out",
            str(tmp_path / "out"),
            str(tmp_path / "one" / "leaflet.md"),
            str(tmp_path / "two" / "leaflet.md"),
        ],
    )
    assert result.exit_code == 2
    assert len(error_lines(result)) == 1
    assert "error usage.duplicate-output: " in result.output
    assert written(tmp_path / "out") == []


def test_an_edition_name_that_another_source_takes(tmp_path: Path) -> None:
    # leaflet.md's large print and leaflet-large-print.md's PDF are both
    # leaflet-large-print.pdf.
    for name in ("leaflet.md", "leaflet-large-print.md"):
        shutil.copy(UNUSUAL / "crlf.md", tmp_path / name)
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--format",
            "pdf",
            "--format",
            "large-print",
            "--out",
            str(tmp_path / "out"),
            str(tmp_path / "leaflet.md"),
            str(tmp_path / "leaflet-large-print.md"),
        ],
    )
    assert result.exit_code == 2
    assert "usage.duplicate-output" in result.output


# -- nothing read, nothing fetched ---------------------------------------------


class Recorder:
    """Records file opens, connections and subprocesses while :attr:`active`."""

    EVENTS = frozenset(
        {"open", "os.mkdir", "socket.connect", "socket.getaddrinfo", "socket.sendto"}
        | {"subprocess.Popen"}
    )
    #: os.open flags that create or write a file rather than read one.
    WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT

    def __init__(self) -> None:
        self.active = False
        self.events: list[tuple[str, tuple[Any, ...]]] = []

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if self.active and event in self.EVENTS:
            self.events.append((event, args))

    @contextlib.contextmanager
    def recording(self) -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
        """Record everything in the ``with`` block."""
        # Finalise what earlier work left for the garbage collector first (a
        # temporary folder of WeasyPrint's being removed is no read by this work).
        gc.collect()
        self.events = []
        self.active = True
        try:
            yield self.events
        finally:
            self.active = False

    def opened(self) -> list[Path]:
        """Every file opened by name, resolved."""
        return [
            Path(os.fsdecode(args[0])).resolve()
            for event, args in self.events
            if event == "open" and isinstance(args[0], (str, bytes, os.PathLike))
        ]

    def created(self) -> list[Path]:
        """Every file or folder the recorded work created or opened for writing."""
        found = []
        for event, args in self.events:
            if not isinstance(args[0], (str, bytes, os.PathLike)):
                continue
            mode, flags = (args[1], args[2]) if event == "open" else ("w", 0)
            if (isinstance(mode, str) and set(mode) & set("wxa+")) or (flags or 0) & self.WRITING:
                found.append(Path(os.fsdecode(args[0])).resolve())
        return found

    def read_outside(self, roots: list[Path]) -> list[Path]:
        """Files read that are neither below ``roots`` nor made by the recorded work itself.

        (WeasyPrint hands the fonts to fontconfig through files it writes in a
        temporary folder, for instance.)
        """
        made = self.created()
        return [
            path
            for path in self.opened()
            if not any(path.is_relative_to(root) for root in [*roots, *made])
        ]

    def network(self) -> list[tuple[str, tuple[Any, ...]]]:
        """Every connection or name lookup attempted."""
        return [(e, a) for e, a in self.events if e.startswith("socket.")]

    def commands(self) -> list[list[str]]:
        """The command line of every subprocess started."""
        return [
            [os.fsdecode(part) for part in args[1]]
            for event, args in self.events
            if event == "subprocess.Popen"
        ]


# Audit hooks cannot be removed (PEP 578): one for the session, idle unless recording.
RECORDER = Recorder()
sys.addaudithook(RECORDER)


@pytest.fixture
def listener() -> Iterator[tuple[int, list[Any]]]:
    """A TCP port on this machine that records every connection made to it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    accepted: list[Any] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, address = server.accept()
            except OSError:
                continue
            accepted.append(address)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join()
        server.close()


def allowed_to_read(docs: Path, out: Path) -> list[Path]:
    """The folders a build may read from: the documents', styles/, its own code and Python's.

    And the package's metadata (an editable install keeps it in the project):
    its requirements are the tools whose versions the up-to-date check compares.
    """
    return [
        p.resolve()
        for p in (
            docs,
            out,
            ROOT / "clearleaf" / "styles",
            ROOT / "clearleaf",
            ROOT / "clearleaf.egg-info",
            fonts.FONT_DIR,
            Path(sys.prefix),
            Path(sys.base_prefix),
            Path(sys.exec_prefix),
        )
    ]


def hostile_folder(tmp_path: Path, port: int) -> tuple[Path, list[Path]]:
    """The corpus and sources aimed at a secret next to their folder and at ``port``."""
    docs = tmp_path / "docs"
    shutil.copytree(BAD, docs)
    shutil.copy(FIXTURES / "stripes.png", tmp_path / "secret.png")
    (tmp_path / "secret.css").write_text("body { color: red }\n", encoding="utf-8")
    (docs / "innocent.png").symlink_to(tmp_path / "secret.png")
    server = f"http://127.0.0.1:{port}"
    hostile = {
        "secret-image.md": "![The secret](../secret.png)",
        "secret-symlink.md": "![An innocent picture](innocent.png)",
        "secret-stylesheet.md": '<link rel="stylesheet" href="../secret.css">',
        "server-image.md": f"![A pixel]({server}/pixel.png)",
        "server-raw-image.md": f'<img src="{server}/pixel.png" alt="">',
        "server-stylesheet.md": f"<style>@import url({server}/style.css);</style>",
        "server-frame.md": f'<iframe src="{server}/"></iframe>',
        "server-css-attribute.md": f'[text]{{style="background: url({server}/x.png)"}}',
    }
    for name, body in hostile.items():
        (docs / name).write_text(REQUIRED_FRONT_MATTER + body + "\n", encoding="utf-8")
    # A source that builds, in every format, with a link to the server: links
    # are for readers to follow, never fetched by the build.
    (docs / "server-link.md").write_text(
        REQUIRED_FRONT_MATTER + f"Read [our clinic's opening times]({server}/times).\n",
        encoding="utf-8",
    )
    return docs, sorted(docs.glob("*.md"))


def test_recorder_sees_reads_and_connections(listener: tuple[int, list[Any]]) -> None:
    """The watch below can fail: a read and a connection are both seen."""
    port, accepted = listener
    with RECORDER.recording():
        (FIXTURES / "stripes.png").read_bytes()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
    assert (FIXTURES / "stripes.png").resolve() in RECORDER.opened()
    assert [e for e, _ in RECORDER.network()].count("socket.connect") == 1
    deadline = time.monotonic() + 5
    while not accepted and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(accepted) == 1


def warm_up() -> None:
    """Do now what a process does once, whatever its input: the watch is on what a build does.

    Loading WeasyPrint's libraries probes the system (ldconfig, temporary
    files); pypandoc looks for pandoc by running every candidate's ``--version``.
    """
    for fmt in EDITIONS.values():
        importlib.import_module(fmt.module)
    pandoc.command("markdown", "json")


def test_hostile_sources_read_and_fetch_nothing(
    tmp_path: Path, listener: tuple[int, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, accepted = listener
    warm_up()
    docs, sources = hostile_folder(tmp_path, port)
    out = tmp_path / "out"
    monkeypatch.chdir(docs)
    with RECORDER.recording():
        result = CliRunner().invoke(
            cli, ["build", "--jobs", "1", "--out", str(out), *(p.name for p in sources)]
        )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    # A source with an error writes nothing. The others build: the one with
    # the link, and those whose stylesheets, frames and styles were removed.
    built = [
        "server-link",
        "secret-stylesheet",
        "server-stylesheet",
        "server-frame",
        "server-css-attribute",
        *(Path(name).stem for name, _, message in expectations() if " warning " in message),
    ]
    assert len(error_lines(result)) == len(sources) - len(built)
    assert sorted(p.name for p in written(out)) == sorted(
        f"{stem}{suffix}" for stem in built for suffix in ALL_SUFFIXES
    )
    secrets = {(tmp_path / "secret.png").resolve(), (tmp_path / "secret.css").resolve()}
    opened = RECORDER.opened()
    assert not secrets & set(opened)
    assert Path("/etc/passwd") not in opened
    roots = allowed_to_read(docs, out)
    # The standard library's mimetypes (used by ebooklib) reads the system's table.
    system = {Path(name).resolve() for name in mimetypes.knownfiles}
    outside = [p for p in RECORDER.read_outside(roots) if p not in system]
    assert outside == [], [str(p) for p in outside]
    assert RECORDER.network() == []
    assert accepted == []
    commands = RECORDER.commands()
    assert commands, "pandoc ran"
    # The voice of the audio editions is given its text on its standard input: it opens
    # no file, and is asked nothing else than its voices and its version.
    speaking = [c for c in commands if Path(c[0]).name == "espeak-ng"]
    asks = (["--voices"], ["--version"])
    assert all((c[1:2] == ["-v"] and "--stdin" in c) or c[1:] in asks for c in speaking), speaking
    others = [c for c in commands if c not in speaking]
    assert all(
        c[0] == pandoc.command("a", "b")[0] and ("--sandbox" in c or c[1:] == ["--version"])
        for c in others
    ), others


def test_pdf_fetches_nothing_the_checks_would_have_refused(
    tmp_path: Path, listener: tuple[int, list[Any]]
) -> None:
    """Defence in depth: markup that got past the checks still reads and fetches nothing."""
    port, accepted = listener
    warm_up()
    docs, _ = hostile_folder(tmp_path, port)
    document = load(docs / "server-link.md")
    document.__dict__["body_html"] = (
        "<p>Text.</p>"
        '<img src="../secret.png" alt="a"><img src="innocent.png" alt="b">'
        f'<img src="http://127.0.0.1:{port}/p.png" alt="c"><img src="file:///etc/passwd" alt="d">'
        f'<link rel="stylesheet" href="../secret.css">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">'
    )
    from clearleaf.scheduler import render_one

    with RECORDER.recording(), pytest.raises(PipelineError) as caught:
        render_one(document, "pdf")
    assert caught.value.diagnostic.code == "pdf.resource-refused"
    secrets = {(tmp_path / "secret.png").resolve(), (tmp_path / "secret.css").resolve()}
    assert not secrets & set(RECORDER.opened())
    assert Path("/etc/passwd") not in RECORDER.opened()
    assert RECORDER.network() == []
    assert accepted == []


def test_pandoc_always_runs_sandboxed_with_limits() -> None:
    command = pandoc.command("markdown", "json")
    assert "--sandbox" in command
    assert command[1:4] == ["+RTS", f"-M{limits.PANDOC_MEMORY_MB}m", "-RTS"]


# -- interrupted and crashed builds -------------------------------------------

# Runs the CLI with the plain-text format paused (or crashing) on b-slow.md,
# and a mark in MARKS as each document starts and finishes rendering, so that
# the test interrupts at a known point rather than after a guessed delay.
PAUSED_BUILD = """
import sys, time
from pathlib import Path
import clearleaf.formats.txt as txt
marks, mode = Path(sys.argv[1]), sys.argv[2]
original = txt.render
def render(inputs):
    stem = inputs.document.stem
    (marks / f"{stem}-started").touch()
    if stem == "b-slow":
        if mode == "crash":
            raise RuntimeError("a bug in a format")
        time.sleep(120)
    result = original(inputs)
    (marks / f"{stem}-rendered").touch()
    return result
txt.render = render
from clearleaf.cli import main
sys.argv = ["clearleaf", *sys.argv[3:]]
main()
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too) and its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def wait_for(*paths: Path, timeout: float = 60) -> None:
    """Wait until every one of ``paths`` exists."""
    deadline = time.monotonic() + timeout
    while not all(p.exists() for p in paths):
        assert time.monotonic() < deadline, f"never appeared: {paths}"
        time.sleep(0.02)


def interrupted_build(tmp_path: Path, how: str, jobs: int) -> tuple[dict[str, bytes], Path, str]:
    """Build two documents into a folder of earlier outputs, stopped ``how``.

    Returns the folder as it was before, the folder, and what the build printed.
    """
    for name in ("a-fast.md", "b-slow.md"):
        shutil.copy(UNUSUAL / "crlf.md", tmp_path / name)
    out = tmp_path / "out"
    out.mkdir()
    for name in ("a-fast.txt", "b-slow.txt", "other.pdf"):
        (out / name).write_bytes(b"the previous good output\n")
    before = snapshot(out)
    marks = tmp_path / "marks"
    marks.mkdir()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PAUSED_BUILD,
            str(marks),
            how,
            "build",
            "--format",
            "txt",
            "--jobs",
            str(jobs),
            "--out",
            str(out),
            str(tmp_path / "a-fast.md"),
            str(tmp_path / "b-slow.md"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        if how != "crash":
            wait_for(marks / "a-fast-rendered", marks / "b-slow-started")
            time.sleep(0.5)  # time enough to write a-fast's outputs, were they written early
            if how == "SIGINT":
                os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
            else:
                process.send_signal(getattr(signal, how))  # `kill` reaches one process
        output, _ = process.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return before, out, output.decode("utf-8", errors="replace") + f"\nexit {process.returncode}"


@pytest.mark.parametrize(
    ("how", "code"), [("SIGINT", 130), ("SIGTERM", -15), ("SIGKILL", -9), ("crash", 3)]
)
def test_interrupted_build_leaves_the_output_folder_as_it_was(
    tmp_path: Path, how: str, code: int
) -> None:
    before, out, output = interrupted_build(tmp_path, how, jobs=1)
    assert output.endswith(f"exit {code}"), output
    assert "Traceback" not in output
    assert snapshot(out) == before


def test_interrupted_parallel_build_leaves_the_output_folder_as_it_was(tmp_path: Path) -> None:
    before, out, output = interrupted_build(tmp_path, "SIGINT", jobs=2)
    assert output.endswith("exit 130"), output
    assert snapshot(out) == before


def test_a_killed_builds_temporary_files_are_removed_by_the_next(tmp_path: Path) -> None:
    from clearleaf.outputs import TEMPORARY_PREFIX

    out = tmp_path / "out"
    out.mkdir()
    stale = out / f"{TEMPORARY_PREFIX}crlf.txt.k1ll3d00"
    stale.write_bytes(b"half an output")
    source = tmp_path / "crlf.md"
    shutil.copy(UNUSUAL / "crlf.md", source)
    assert run_build(source, out).exit_code == 0
    assert not stale.exists()
    assert [p.name for p in written(out)] == ["crlf.txt"]


def test_sources_that_cannot_be_built_fail_alone(tmp_path: Path) -> None:
    """A name too long for its editions, a loop of links and a link to a file outside the
    folder are each one usage error for that source; the catalogue goes on."""
    folder = tmp_path / "source"
    folder.mkdir()
    text = front_matter() + "Text.\n"
    (folder / "fine.md").write_text(text, encoding="utf-8")
    (folder / ("a" * 240 + ".md")).write_text(text, encoding="utf-8")
    (tmp_path / "elsewhere.md").write_text(text, encoding="utf-8")
    (folder / "elsewhere.md").symlink_to(tmp_path / "elsewhere.md")
    (folder / "loop-a.md").symlink_to(folder / "loop-b.md")
    (folder / "loop-b.md").symlink_to(folder / "loop-a.md")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", "--jobs", "1", "-f", "txt", "--out", str(out), str(folder)]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    errors = sorted(line.split(": error ")[1].split(":")[0] for line in error_lines(result))
    assert errors == [
        "source.name-too-long",
        "source.outside-folder",
        "source.unreadable",
        "source.unreadable",
    ], result.output
    link = f"{folder / 'elsewhere.md'}: error source.outside-folder: this is a link to "
    assert link + str((tmp_path / "elsewhere.md").resolve()) in result.output
    assert "shorten it to 207 bytes or fewer" in result.output
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".txt") == ["fine.txt"]
