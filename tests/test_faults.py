"""Faults from outside the source: other builds, killed processes, other tools, odd folders.

Each test makes its fault happen at a known point (a build paused by a mark
file, a worker that kills itself, a file system the test mounts) instead of
after a guessed delay, so that it fails the same way every time the guarantee
is broken.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LEAFLET_SOURCE, ROOT, Writer
from helpers import CATALOGUE_FILES, front_matter

from clearleaf import incremental, pandoc
from clearleaf.cli import cli
from clearleaf.outputs import TEMPORARY_PREFIX, remove_stale_temporaries

UNUSUAL = Path(__file__).resolve().parent / "unusual"

# Runs the CLI with faults put into the plain-text renderer (and, to pause
# a build inside its writing, into the making of temporary files). Each
# render leaves the mark "<stem>-pid-<pid>", so that a test knows which
# processes rendered.
#   slow:        "slow" sleeps (a build to interrupt); others leave "<stem>-rendered"
#   kill-worker: "doomed" is killed every time, "flaky" only the first time,
#                each once both have started
#   hold-write:  the build stops after making big.txt's temporary file, until
#                the mark "release" appears
#   none:        no fault
FAULTY_BUILD = """
import os, signal, sys, time
from pathlib import Path
marks, mode = Path(sys.argv[1]), sys.argv[2]

def wait(name):
    deadline = time.monotonic() + 60
    while not (marks / name).exists() and time.monotonic() < deadline:
        time.sleep(0.02)

import clearleaf.formats.txt as txt
original = txt.render
def render(inputs):
    stem = inputs.document.stem
    (marks / f"{stem}-pid-{os.getpid()}").touch()
    if mode == "slow" and stem == "slow":
        time.sleep(120)
    if mode == "kill-worker" and stem in ("doomed", "flaky"):
        # Both in the pool at once, so that the pool's death is both of theirs.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
            list(marks.glob("doomed-pid-*")) and list(marks.glob("flaky-pid-*"))
        ):
            time.sleep(0.02)
        if stem == "doomed" or not (marks / "flaky-killed").exists():
            (marks / f"{stem}-killed").touch()
            os.kill(os.getpid(), signal.SIGKILL)
    result = original(inputs)
    (marks / f"{stem}-rendered").touch()
    return result
txt.render = render

if mode == "hold-write":
    import tempfile
    make = tempfile.mkstemp
    def mkstemp(*args, **kwargs):
        made = make(*args, **kwargs)
        if "-big.txt." in made[1]:
            (marks / "holding").touch()
            wait("release")
        return made
    tempfile.mkstemp = mkstemp

from clearleaf.cli import main
sys.argv = ["clearleaf", *sys.argv[3:]]
main()
"""


def start(marks: Path, mode: str, *arguments: str | Path, log: Path) -> subprocess.Popen[bytes]:
    """Start ``clearleaf <arguments>`` with the faults of ``mode``, printing into ``log``."""
    marks.mkdir(exist_ok=True)
    with log.open("wb") as stream:
        return subprocess.Popen(
            [sys.executable, "-c", FAULTY_BUILD, str(marks), mode, *map(str, arguments)],
            cwd=ROOT,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def finish(process: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> str:
    """Wait for ``process``; what it printed, then ``exit <code>``."""
    try:
        process.wait(timeout=timeout)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return log.read_text(encoding="utf-8", errors="replace") + f"\nexit {process.returncode}"


def eventually(condition: object, what: str, timeout: float = 60) -> None:
    """Wait until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


def running(pid: int) -> bool:
    """Whether process ``pid`` is running (a zombie has ended: only its exit status is left)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def descendants(pid: int) -> set[int]:
    """Every running process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text(errors="replace").rpartition(")")[2].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found and running(child):
                found.add(child)
                todo.append(child)
    return found


def sources(folder: Path, *stems: str) -> list[Path]:
    """Small valid sources named ``stems`` in ``folder``."""
    paths = []
    for stem in stems:
        path = folder / f"{stem}.md"
        shutil.copy(UNUSUAL / "crlf.md", path)
        paths.append(path)
    return paths


def temporaries(folder: Path) -> list[Path]:
    return list(folder.rglob(f"{TEMPORARY_PREFIX}*"))


# -- two builds into one folder --------------------------------------------------


def test_a_second_build_into_a_folder_waits_for_the_first(tmp_path: Path) -> None:
    big, small = sources(tmp_path, "big", "small")
    out, marks = tmp_path / "out", tmp_path / "marks"
    first = start(marks, "hold-write", "build", "-f", "txt", "--out", out, big, log=tmp_path / "1")
    try:
        eventually((marks / "holding").exists, "the first build writing")
        (held,) = temporaries(out)  # the first build's, half written
        second = start(marks, "none", "build", "-f", "txt", "--out", out, small, log=tmp_path / "2")
        eventually(lambda: "waiting for another build" in (tmp_path / "2").read_text(), "waiting")
        time.sleep(0.5)  # time enough to remove the first build's file, were it removed
        assert held.exists()
        assert second.poll() is None
        (marks / "release").touch()
        assert finish(first, tmp_path / "1").endswith("exit 0")
        said = finish(second, tmp_path / "2")
    finally:
        (marks / "release").touch()
    assert said.endswith("exit 0"), said
    assert "waiting for another build writing into" in said
    assert sorted(p.name for p in out.glob("*.txt")) == ["big.txt", "small.txt"]
    assert temporaries(out) == []


def test_only_a_gone_writers_temporary_files_are_removed(tmp_path: Path) -> None:
    ended = subprocess.Popen(["true"])
    ended.wait()
    zombie = subprocess.Popen(["true"])  # ended, never waited for
    eventually(lambda: not running(zombie.pid), "the zombie")
    live = tmp_path / f"{TEMPORARY_PREFIX}{os.getpid()}-a.txt.x1abcdef"
    dead = tmp_path / f"{TEMPORARY_PREFIX}{ended.pid}-a.txt.x2abcdef"
    undead = tmp_path / f"{TEMPORARY_PREFIX}{zombie.pid}-a.txt.x3abcdef"
    old = tmp_path / "sub" / f"{TEMPORARY_PREFIX}a.txt.x4abcdef"  # a first release's
    old.parent.mkdir()
    # A user's files that only start like one: never the pipeline's to remove.
    users = [
        tmp_path / f"{TEMPORARY_PREFIX}notes.txt",
        tmp_path / f"{TEMPORARY_PREFIX}{ended.pid}-draft.md",
        tmp_path / f"{TEMPORARY_PREFIX}{ended.pid}-a.txt.ABCDEFGH",
    ]
    for path in (live, dead, undead, old, *users):
        path.write_bytes(b"half")
    folder = tmp_path / f"{TEMPORARY_PREFIX}{ended.pid}-a.txt.folder00"
    folder.mkdir()
    link = tmp_path / f"{TEMPORARY_PREFIX}{ended.pid}-b.txt.link0000"
    link.symlink_to(tmp_path / "sub")
    remove_stale_temporaries(tmp_path)
    zombie.wait()
    assert [live.exists(), dead.exists(), undead.exists(), old.exists()] == [
        True,
        False,
        False,
        False,
    ]
    assert all(path.exists() for path in (*users, folder, link))


# -- killed processes --------------------------------------------------------------


def rendering_build(tmp_path: Path) -> tuple[subprocess.Popen[bytes], set[int], Path]:
    """A build with two workers, one laying out a document, one done with its own.

    Returns the build's process, its workers, and where it prints.
    """
    marks = tmp_path / "marks"
    docs = sources(tmp_path, "fast", "slow")
    process = start(
        marks,
        "slow",
        "build",
        "-f",
        "txt",
        "--jobs",
        "2",
        "--out",
        tmp_path / "out",
        *docs,
        log=tmp_path / "log",
    )
    eventually(
        lambda: (marks / "fast-rendered").exists() and list(marks.glob("slow-pid-*")),
        "one document rendered and the other rendering",
    )
    time.sleep(0.2)  # the idle worker back to waiting for work
    workers = descendants(process.pid)
    (slow,) = marks.glob("slow-pid-*")
    assert len(workers) >= 2 and int(slow.name.rpartition("-")[2]) in workers
    return process, workers, tmp_path / "log"


def test_no_worker_outlives_a_build_killed_with_sigkill(tmp_path: Path) -> None:
    process, workers, _ = rendering_build(tmp_path)
    try:
        process.kill()  # the main process only, as CI's timeout and the OOM killer do
        process.wait()
        eventually(lambda: not any(running(pid) for pid in workers), "the workers ending", 5)
    finally:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert not (tmp_path / "out" / "fast.txt").exists()


@pytest.mark.parametrize("round_", range(3))
def test_ctrl_c_ends_every_process_and_prints_no_traceback(tmp_path: Path, round_: int) -> None:
    process, workers, log = rendering_build(tmp_path)
    time.sleep(0.2 * round_)  # another moment of the render each round
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
    said = finish(process, log)
    assert said.endswith("exit 130"), said
    assert "Traceback" not in said and "KeyboardInterrupt" not in said
    eventually(lambda: not any(running(pid) for pid in workers), "the workers ending", 5)


def test_a_killed_worker_is_retried_and_then_reported(tmp_path: Path) -> None:
    """The OOM killer takes a worker: its document is tried again alone, then reported."""
    marks, out = tmp_path / "marks", tmp_path / "out"
    docs = sources(tmp_path, "doomed", "fine", "flaky")
    process = start(
        marks,
        "kill-worker",
        "build",
        "-f",
        "txt",
        "--jobs",
        "2",
        "--out",
        out,
        *docs,
        log=tmp_path / "log",
    )
    said = finish(process, tmp_path / "log")
    assert said.endswith("exit 3"), said
    assert "Traceback" not in said and "internal error" not in said
    assert (marks / "flaky-killed").exists() and (marks / "doomed-killed").exists()
    assert sorted(p.name for p in out.glob("*.txt")) == ["fine.txt", "flaky.txt"]
    (reported,) = [line for line in said.splitlines() if "render.killed" in line]
    assert reported.startswith(f"{docs[0]}:")
    assert "SIGKILL" in reported and "txt" in reported and "memory" in reported


# -- the pinned pandoc ---------------------------------------------------------------


def test_a_pandoc_first_on_path_is_never_run(tmp_path: Path) -> None:
    bin_folder, ran = tmp_path / "bin", tmp_path / "the-other-pandoc-ran"
    bin_folder.mkdir()
    impostor = bin_folder / "pandoc"
    impostor.write_text(f"#!/bin/sh\ntouch {ran}\necho 'pandoc 1.0'\nexit 1\n")
    impostor.chmod(0o755)
    (doc,) = sources(tmp_path, "doc")
    out = tmp_path / "out"
    env = {**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "clearleaf",
            "build",
            "-f",
            "html",
            "-f",
            "txt",
            "--out",
            str(out),
            str(doc),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert shutil.which("pandoc", path=env["PATH"]) == str(impostor)
    assert not ran.exists()
    manifest = json.loads((out / incremental.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tools"]["pandoc"] == pandoc.version() != "1.0"


# -- front matter amplified by aliases -------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_text", "says"),
    [
        (
            "keywords:\n  - &long " + "word " * 1800 + "\n" + "  - *long\n" * 10_000,
            "once its YAML aliases (*name) are expanded",
        ),
        ("keywords: &a [x, *a]\n", "contains itself"),
        ("keywords:\n" + "  - word\n" * 1500, "move long text into the body"),
    ],
    ids=["alias-bomb", "self-reference", "many-entries"],
)
def test_front_matter_too_large_once_expanded_is_refused_with_its_line(
    write: Writer, yaml_text: str, says: str
) -> None:
    source = front_matter("Bomb", extra=yaml_text) + "Text.\n"
    line = source.splitlines().index(yaml_text.splitlines()[0]) + 1
    result = CliRunner().invoke(cli, ["check", str(write(source))])
    assert result.exit_code == 2
    assert f"doc.md:{line}:1: error limit.front-matter-size:" in result.output, result.output
    assert says in result.output
    assert "Traceback" not in result.output


# -- odd output folders ----------------------------------------------------------------


def build_into(out: Path, *sources: Path, formats: tuple[str, ...] = ("txt",)) -> tuple[int, str]:
    """``build`` in this process; its exit code and what it printed."""
    options = [option for name in formats for option in ("-f", name)]
    result = CliRunner().invoke(
        cli, ["build", "--jobs", "1", *options, "--out", str(out), *map(str, sources)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_a_dangling_link_as_the_output_folder_is_a_usage_error(tmp_path: Path) -> None:
    (doc,) = sources(tmp_path, "doc")
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "nowhere")
    code, said = build_into(link, doc)
    assert code == 2
    assert f"{link}: error usage.output-folder: the output folder {link} is a symbolic link" in said
    assert "does not exist" in said and "internal error" not in said
    assert not (tmp_path / "nowhere").exists()


def test_a_file_as_the_output_folder_is_a_usage_error(tmp_path: Path) -> None:
    (doc,) = sources(tmp_path, "doc")
    (tmp_path / "out").write_text("not a folder")
    code, said = build_into(tmp_path / "out", doc)
    assert code == 2
    assert "out' is a file" in said and "Traceback" not in said


@contextlib.contextmanager
def mounted(folder: Path, options: str) -> Iterator[Path]:
    """A small file system of its own at ``folder`` (tmpfs, with mount ``options``)."""
    folder.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"this machine does not let the tests mount a file system: {made.stderr!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_output_folder_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    (doc,) = sources(tmp_path, "doc")
    with mounted(tmp_path / "out", "size=1m,ro") as out:
        code, said = build_into(out, doc)
        assert list(out.iterdir()) == []
    assert code == 2
    assert f"error output.unwritable: cannot write in {out}: the folder is on a read-only" in said
    assert "Traceback" not in said


def test_a_full_disk_is_named_leaves_nothing_half_written_and_is_repaired(
    tmp_path: Path,
) -> None:
    editions = ("html", "epub", "txt")  # the web page would fit; the e-book does not
    expected = tmp_path / "expected"
    assert build_into(expected, LEAFLET_SOURCE, formats=editions)[0] == 0
    good = {p.name: p.read_bytes() for p in expected.glob("*.*") if p.is_file()}
    assert len(good) == 3 + len(CATALOGUE_FILES)
    with mounted(tmp_path / "out", "size=200k") as out:
        code, said = build_into(out, LEAFLET_SOURCE, formats=editions)
        assert code == 2, said
        assert f"error output.disk-full: cannot write in {out}: the disk is full" in said
        assert "Traceback" not in said
        left = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        assert not [name for name in left if name.startswith(TEMPORARY_PREFIX)]
        # Files are put in place only once all are staged: the folder is as it was (empty).
        assert not [name for name in left if name in good]
        manifest = out / incremental.MANIFEST
        if manifest.exists():
            json.loads(manifest.read_text(encoding="utf-8"))
        subprocess.run(["mount", "-o", "remount,size=20m", str(out)], check=True)
        code, said = build_into(out, LEAFLET_SOURCE, formats=editions)
        assert code == 0, said
        assert {p.name: p.read_bytes() for p in out.glob("*.*") if p.is_file()} == good
        json.loads(manifest.read_text(encoding="utf-8"))
