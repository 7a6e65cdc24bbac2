"""Benchmark clearleaf against the equivalent chain of pandoc command lines.

Run on demand, never by the test suite::

    python bench/run.py              # everything, 3 runs each (several minutes)
    python bench/run.py --runs 1 --scenario leaflet

Each scenario builds the same documents in the same four formats (HTML, PDF,
EPUB, plain text) twice: with the project's command line
(``.venv/bin/python -m clearleaf build ...``, started as a process so that its
start-up counts) and with ``bench/chain.sh`` (``pandoc -s`` to HTML, ``pandoc``
to EPUB, ``pandoc -t plain``, ``pandoc --pdf-engine=weasyprint`` to PDF). For
each it measures the wall time (``time.perf_counter``, median of the runs;
every cold run gets a fresh output folder), the CPU time (user + system of the
process tree, from ``os.wait4``) and the peak memory (``ru_maxrss``: the
largest single process of the tree, not the sum of concurrent ones).

The results, the targets of the issue "Fast, incremental, reproducible
builds" (PASS/FAIL) and the machine are printed as a Markdown table and
written to ``bench/RESULTS.md``. A target that fails does not change the exit
status: it is 0 unless a benchmarked command failed (then 1; the table says
which) or the script itself crashed.

Features the project may not have yet (``build --jobs``) are detected from
``python -m clearleaf build --help`` and used only when present.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from make_catalogue import make_catalogue
from make_long import make_long
from make_real_catalogue import make_real_catalogue

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CHAIN = BENCH / "chain.sh"
#: The user's leaflet, relative to the project (and to its snapshot).
LEAFLET = Path("source") / "what-does-heroin-do-to-the-brain.md"
#: What the snapshot of the project tree leaves out: environments, outputs, caches.
IGNORED = (
    ".venv",
    "node_modules",
    "build",
    ".git",
    "*_cache",
    "__pycache__",
    "*.egg-info",
    "bench",
)
RESULTS = BENCH / "RESULTS.md"

#: The formats both sides build (the chain has no large print, print-shop or booklet).
FOUR = ("html", "pdf", "epub", "txt")
#: The project's editions for print and screen (braille and audio aside).
SEVEN = ("html", "pdf", "large-print", "print", "booklet", "epub", "txt")
#: A long real document with code, tables and many headings (tests/real/SOURCES.txt).
REAL_LONG = Path("tests") / "real" / "pandoc-manual.md"
#: How many documents the chain builds at a time in the catalogue scenario;
#: the project gets the same number of workers when it has ``--jobs``.
PARALLEL = 2
CATALOGUE_SIZE = 50
#: The large catalogue, built once, to see that time and memory grow linearly.
LARGE_CATALOGUE_SIZE = 500
MIB = 1024 * 1024


# --------------------------------------------------------------------------
# Measuring one command


@dataclass(frozen=True)
class Run:
    """One finished command: what it cost and how it ended."""

    wall: float  # seconds
    cpu: float  # seconds, user + system of the whole process tree
    max_rss: int  # bytes, the largest single process of the tree
    returncode: int
    stderr: str
    #: The project's own account (``build --report``): seconds per stage, summed
    #: over the documents: read, check, each edition's render, write.
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the command succeeded."""
        return self.returncode == 0


def measure(
    command: Sequence[str | Path],
    *,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
) -> Run:
    """Run ``command`` and measure it: wall clock, CPU and peak memory of its process tree.

    ``os.wait4`` reports the child's own usage plus that of every descendant it
    waited for (pandoc waits for WeasyPrint, ``xargs`` for each chain, a
    process pool for its workers).
    """
    with (
        tempfile.TemporaryFile() as feed,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        if stdin is not None:
            feed.write(stdin)
            feed.seek(0)
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=env,
            stdin=feed if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss=usage.ru_maxrss * 1024,  # Linux reports kilobytes
        returncode=process.returncode,
        stderr=stderr,
    )


def output(command: Sequence[str | Path], cwd: Path = ROOT) -> str:
    """The standard output of a quick command, stripped; ``"?"`` when it fails."""
    try:
        completed = subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "?"
    return completed.stdout.strip() if completed.returncode == 0 else "?"


def stages_of(report: Path) -> dict[str, float]:
    """Seconds per stage from a ``build --report`` JSON file, summed over its documents.

    The stages are those the project times: reading (pandoc's parse), the
    checks, each edition's render (in the process that rendered it) and
    writing the files. In a parallel build they overlap, so they add up to
    more than the wall time; they show where the work is, not the waiting.
    """
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    totals: dict[str, float] = {}
    for document in data.get("documents", []):
        seconds = document.get("seconds", {})
        for stage in ("read", "check"):
            totals[stage] = totals.get(stage, 0.0) + float(seconds.get(stage, 0.0))
        for output in document.get("outputs", []):
            name = output["format"]
            totals[name] = totals.get(name, 0.0) + float(output.get("seconds", 0.0))
        totals["write"] = totals.get("write", 0.0) + float(seconds.get("write", 0.0))
    if "write" in totals:  # last, as it happens
        totals["write"] = totals.pop("write")
    return totals


# --------------------------------------------------------------------------
# Results


@dataclass
class Row:
    """One line of the timing table: a scenario built by one side, several times."""

    scenario: str
    side: str
    runs: list[Run]
    #: The chain's row of the same scenario, for the project/chain ratio.
    baseline: Row | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        """Whether every run succeeded."""
        return all(run.ok for run in self.runs)

    @property
    def wall(self) -> float:
        """The median wall time."""
        return statistics.median(run.wall for run in self.runs)

    @property
    def cpu(self) -> float:
        """The median CPU time."""
        return statistics.median(run.cpu for run in self.runs)

    @property
    def max_rss(self) -> int:
        """The peak memory over all runs."""
        return max(run.max_rss for run in self.runs)

    @property
    def ratio(self) -> float | None:
        """Median wall time over the chain's, when there is a chain to compare with."""
        if self.baseline is None or not self.baseline.runs:
            return None
        return self.wall / self.baseline.wall

    @property
    def stages(self) -> dict[str, float]:
        """The median seconds of each stage the project reported, in its order."""
        names = list(dict.fromkeys(name for run in self.runs for name in run.stages))
        return {
            name: statistics.median(run.stages.get(name, 0.0) for run in self.runs)
            for name in names
        }


@dataclass
class Target:
    """One goal of the issue, and whether the figures meet it."""

    name: str
    goal: str
    measured: str
    passed: bool


@dataclass
class Results:
    """Everything one benchmark run found."""

    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        """Record ``row``, noting any failed run with the end of its error output."""
        self.rows.append(row)
        for run in row.runs:
            if not run.ok:
                tail = " / ".join(run.stderr.strip().splitlines()[-3:]) or "no error output"
                self.failures.append(f"{row.scenario}, {row.side}: exit {run.returncode}: {tail}")
                break
        return row

    def target(self, name: str, goal: str, measured: str, passed: bool) -> None:
        """Record a target's outcome."""
        self.targets.append(Target(name, goal, measured, passed))


# --------------------------------------------------------------------------
# The two sides


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each visible file below ``folder``: (inode, mtime in ns, size).

    An atomic rewrite changes the inode even within the clock's resolution.
    Hidden files (a build's own state, temporary files) are left out.
    """
    found = {}
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            stat = path.stat()
            found[relative.as_posix()] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return found


def rewritten(
    before: dict[str, tuple[int, int, int]], after: dict[str, tuple[int, int, int]]
) -> set[str]:
    """The files written, created or removed between two snapshots."""
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def fingerprint(tree: Path) -> str:
    """A short hash of the code and styles in ``tree``: which version was measured."""
    digest = hashlib.sha256()
    for path in sorted([tree / "pyproject.toml", *(tree / "clearleaf").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(tree).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def pdf_pages(path: Path, python: Path) -> int | None:
    """The number of pages of a PDF (pikepdf from the project's environment)."""
    counted = output(
        [python, "-c", f"import pikepdf; print(len(pikepdf.open({str(path)!r}).pages))"]
    )
    return int(counted) if counted.isdigit() else None


class Bench:
    """The benchmark: both sides' commands, the scratch space and the results."""

    def __init__(self, venv: Path, runs: int, scratch: Path) -> None:
        self.python = venv / "bin" / "python"
        self.runs = runs
        self.scratch = scratch
        self.results = Results()
        #: The 1-minute load average before the benchmark: other work skews the figures.
        self.load_before = os.getloadavg()[0]
        self.pandoc = output(
            [self.python, "-c", "from clearleaf import pandoc; print(pandoc.executable())"]
        )
        if self.pandoc == "?":
            raise SystemExit(f"cannot find the project's pandoc in {venv}; run `make all` first")
        self.chain_env = {
            **os.environ,
            "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "PANDOC": self.pandoc,
        }
        self.venv = venv
        #: A snapshot of the project tree: every build runs this code, even if the
        #: working tree is edited while the benchmark runs.
        self.tree = scratch / "project"
        shutil.copytree(ROOT, self.tree, ignore=shutil.ignore_patterns(*IGNORED), symlinks=True)
        self.fingerprint = fingerprint(self.tree)
        self.leaflet_source = self.tree / LEAFLET
        imported = output(
            [self.python, "-c", "import clearleaf; print(clearleaf.__file__)"], cwd=self.tree
        )
        if not imported.startswith(str(self.tree)):
            self.results.notes.append(
                f"Warning: the project's Python imports `clearleaf` from {imported}, "
                "not from the snapshot."
            )
        help_text = output([self.python, "-m", "clearleaf", "build", "--help"], cwd=self.tree)
        self.options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", help_text))
        self.results.notes.append(
            f"`build` options found in `--help`: {', '.join(sorted(self.options)) or 'none'}. "
            "Single documents are built with the CLI's defaults (its own `--jobs` default, "
            f"if any); the catalogue gets `--jobs {PARALLEL}` when the option exists."
        )

    # -- commands

    def project(
        self, sources: Sequence[Path], out: Path, formats: Sequence[str] = FOUR, jobs: int = 0
    ) -> Run:
        """Build with the project's CLI, in the snapshot; ``jobs`` only if it has ``--jobs``."""
        command: list[str | Path] = [self.python, "-m", "clearleaf", "build", *sources]
        for name in formats:
            command += ["--format", name]
        command += ["--out", out]
        if "--quiet" in self.options:
            command.append("--quiet")
        if jobs and "--jobs" in self.options:
            command += ["--jobs", str(jobs)]
        if "--report" not in self.options:
            return measure(command, cwd=self.tree)
        with tempfile.TemporaryDirectory(dir=self.scratch) as folder:
            report = Path(folder) / "report.json"
            run = measure([*command, "--report", report], cwd=self.tree)
            return dataclasses.replace(run, stages=stages_of(report))

    def real_long(self) -> None:
        """A long real document (pandoc's manual): time against the chain, memory, checks."""
        source = self.tree / REAL_LONG
        rows = self.cold(
            "real long document (pandoc's manual), 4 formats, cold",
            self.both_sides(source),
        )
        project = rows["project"]
        words = len(source.read_text(encoding="utf-8").split())
        self.results.notes.append(
            f"Real long document: `{REAL_LONG.as_posix()}`, {source.stat().st_size:,} bytes, "
            f"{words:,} words (GPL-2.0-or-later, see tests/real/SOURCES.txt)."
        )
        self.ratio_target(
            "real long document, 4 formats, cold",
            project,
            0.8,
            "project <= 0.8 x chain wall time",
        )
        self.results.target(
            "real long document, peak memory",
            "project < 1 GiB (largest process)",
            f"{project.max_rss / MIB:.0f} MiB",
            project.ok and project.max_rss < 1024 * MIB,
        )
        check = project.stages.get("check")
        self.results.target(
            "real long document, `check` stage",
            "< 1 s and < 10% of the build's wall time",
            "not reported" if check is None else f"{check:.2f} s ({check / project.wall:.0%})",
            check is not None and check < 1 and check < 0.1 * project.wall,
        )
        self.warnings_note("real long document", project)

    def real_catalogue(self) -> None:
        """Real public-health pages: 50 against the chain, then 500 for linear growth."""
        folder = self.fresh("real-catalogue")
        real = self.tree / "tests" / "real"
        sources = make_real_catalogue(folder, CATALOGUE_SIZE, real)
        rows = self.catalogue_against_chain("real catalogue", folder, sources)
        large = self.fresh("real-catalogue-large")
        many = make_real_catalogue(large, LARGE_CATALOGUE_SIZE, real)
        _progress(f"real catalogue of {len(many)}: project, once")
        out = self.fresh("out")
        big = self.results.add(
            Row(
                f"real catalogue of {len(many)}, 4 formats, cold",
                "project",
                [self.project([large], out, jobs=PARALLEL)],
            )
        )
        shutil.rmtree(out, ignore_errors=True)
        small = rows["project"]
        per_small, per_big = small.wall / len(sources), big.wall / len(many)
        big.note = f"--jobs {PARALLEL}; {per_big:.3f} s a document (50: {per_small:.3f} s)"
        self.results.target(
            f"real catalogue of {len(many)}: time",
            f"time a document within 10% of the catalogue of {len(sources)}'s",
            f"{per_big / per_small:.2f} x ({per_big:.3f} s vs {per_small:.3f} s)",
            big.ok and per_big <= 1.1 * per_small,
        )
        self.results.target(
            f"real catalogue of {len(many)}: memory",
            f"peak memory within 10% of the catalogue of {len(sources)}'s",
            f"{big.max_rss / MIB:.0f} MiB vs {small.max_rss / MIB:.0f} MiB",
            big.ok and big.max_rss <= 1.1 * small.max_rss,
        )

    def both_sides(self, source: Path) -> dict[str, Callable[[Path], Run]]:
        """The project and the chain, each building ``source`` into a given folder."""
        return {
            "project": lambda out: self.project([source], out),
            "chain": lambda out: self.chain_one(source, out),
        }

    def catalogue_against_chain(
        self, label: str, folder: Path, sources: list[Path]
    ) -> dict[str, Row]:
        """The catalogue ``sources`` (in ``folder``) from cold: the project with
        ``--jobs 2``, the chain 2 documents at a time; the ratio against its target."""
        listing = b"".join(bytes(path) + b"\0" for path in sources)
        xargs: list[str | Path] = ["xargs", "-0", "-n", "1", "-P", str(PARALLEL), "sh", CHAIN]
        scenario = f"{label} of {len(sources)}, 4 formats, cold"
        rows = self.cold(
            scenario,
            {
                "project": lambda out: self.project([folder], out, jobs=PARALLEL),
                "chain": lambda out: measure(
                    xargs, env={**self.chain_env, "OUT": str(out)}, stdin=listing
                ),
            },
        )
        jobs = "--jobs" in self.options
        rows["project"].note = f"--jobs {PARALLEL}" if jobs else "no --jobs option: one process"
        rows["chain"].note = f"xargs -P {PARALLEL}"
        self.ratio_target(
            scenario,
            rows["project"],
            0.35,
            f"project <= 0.35 x chain wall time (chain {PARALLEL} at a time)",
        )
        self.warnings_note(label, rows["project"])
        return rows

    def fresh(self, label: str) -> Path:
        """A new empty folder in the scratch space."""
        return Path(tempfile.mkdtemp(prefix=f"{label}-", dir=self.scratch))

    def cold(
        self,
        scenario: str,
        sides: dict[str, Callable[[Path], Run]],
        inspect: Callable[[str, Path], None] | None = None,
    ) -> dict[str, Row]:
        """Run each side ``self.runs`` times, alternating sides, each into a fresh folder.

        ``inspect(side, folder)`` looks at each side's outputs of the first run.
        """
        runs: dict[str, list[Run]] = {side: [] for side in sides}
        for number in range(1, self.runs + 1):
            for side, build in sides.items():
                _progress(f"{scenario}: {side}, run {number} of {self.runs}")
                out = self.fresh("out")
                runs[side].append(build(out))
                if inspect is not None and number == 1:
                    inspect(side, out)
                shutil.rmtree(out, ignore_errors=True)
        rows = {side: Row(scenario, side, found) for side, found in runs.items()}
        chain = rows.get("chain")
        for side, row in rows.items():
            if side != "chain":
                row.baseline = chain
            self.results.add(row)
        return rows

    def chain_one(self, source: Path, out: Path) -> Run:
        """The chain on one document."""
        return measure(["sh", CHAIN, source, out], env=self.chain_env)

    def warm_up(self) -> None:
        """One untimed build on each side, so that no side pays for a cold disk cache."""
        _progress("warming up (untimed)")
        self.project([self.leaflet_source], self.fresh("warm"))
        self.chain_one(self.leaflet_source, self.fresh("warm"))

    # -- scenarios

    def leaflet(self) -> None:
        """(a) The user's leaflet: four formats against the chain, and all seven editions."""
        rows = self.cold(
            "leaflet, 4 formats, cold",
            self.both_sides(self.leaflet_source),
        )
        full = self.cold(
            "leaflet, 7 editions, cold",
            {"project": lambda out: self.project([self.leaflet_source], out, formats=SEVEN)},
        )["project"]
        full.baseline = rows["chain"]
        full.note = "project's 7 editions vs the chain's 4 formats"
        self.ratio_target(
            "leaflet, 4 formats, cold", rows["project"], 0.6, "project <= 0.6 x chain wall time"
        )
        four = rows["project"]
        seven = full.wall / four.wall
        self.results.target(
            "leaflet, 7 editions against its 4",
            "<= 1.5 x the project's own 4 formats",
            f"{seven:.2f} x ({full.wall:.2f} s vs {four.wall:.2f} s)",
            full.ok and four.ok and seven <= 1.5,
        )
        self.warnings_note("leaflet", rows["project"])

    def long(self) -> None:
        """(c) A long document (about 200 A5 pages): time against the chain, and memory."""
        folder = self.fresh("long")
        source = make_long(folder)
        pages: dict[str, int | None] = {}

        def count_pages(side: str, out: Path) -> None:
            pages[side] = pdf_pages(out / f"{source.stem}.pdf", self.python)

        rows = self.cold(
            "generated long document, 4 formats, cold",
            self.both_sides(source),
            inspect=count_pages,
        )
        words = len(source.read_text(encoding="utf-8").split())
        self.results.notes.append(
            f"Long document: {words:,} words, headings, lists, tables and "
            f"{len(list(folder.glob('*.png')))} PNG figures; the project's A5 PDF has "
            f"{pages.get('project')} pages (the chain's PDF, pandoc's default A4, "
            f"{pages.get('chain')})."
        )
        project = rows["project"]
        project.note = "generated; the targets are on the real long document"
        self.warnings_note("generated long document", project)

    def noop_make(self) -> None:
        """Nothing changed: ``make all`` a second time, in the snapshot of the project tree."""
        make = shutil.which("make")
        if make is None:
            self.results.target("nothing changed, `make all`", "< 0.3 s", "make not found", False)
            return
        tree = self.tree
        command = [make, "all", f"VENV={self.venv}", "SETUP="]
        _progress("nothing changed: make all, first run (populates build/)")
        first = self.results.add(
            Row(
                "`make all`, first run (populates; informative)",
                "project",
                [measure(command, cwd=tree)],
            )
        )
        second: list[Run] = []
        touched: set[str] = set()
        for number in range(1, self.runs + 1):
            _progress(f"nothing changed: make all again, run {number} of {self.runs}")
            before = snapshot(tree / "build")
            second.append(measure(command, cwd=tree))
            touched |= rewritten(before, snapshot(tree / "build"))
        row = self.results.add(Row("nothing changed, `make all` again", "project", second))
        row.note = f"{len(touched)} output(s) rewritten"
        self.results.target(
            "nothing changed, `make all` again",
            "< 0.3 s",
            f"{row.wall:.3f} s, {len(touched)} output(s) rewritten",
            first.ok and row.ok and row.wall < 0.3 and not touched,
        )

    def catalogue(self) -> None:
        """(b) 50 documents from cold, then rebuilding after nothing or one has changed."""
        folder = self.fresh("catalogue")
        sources = make_catalogue(folder, CATALOGUE_SIZE)
        self.catalogue_against_chain("catalogue", folder, sources)
        self.incremental(folder, sources)

    def incremental(self, folder: Path, sources: list[Path]) -> None:
        """Rebuild the catalogue with nothing changed, then with one document changed."""
        out = self.fresh("incremental")
        _progress("catalogue: populating the output folder")

        def build() -> Run:
            return self.project([folder], out, jobs=PARALLEL)

        populate = build()
        if not populate.ok:
            self.results.add(Row("catalogue, populate", "project", [populate]))
            return
        total = len(snapshot(out))

        _progress("catalogue: nothing changed, rebuild")
        before = snapshot(out)
        same = self.results.add(
            Row("catalogue, nothing changed, CLI (informative)", "project", [build()])
        )
        same.note = f"{len(rewritten(before, snapshot(out)))} of {total} outputs rewritten"

        changed = sources[len(sources) // 2]
        own = {name for name in before if Path(name).name.startswith(changed.stem)}
        runs: list[Run] = []
        counts: list[str] = []
        exact = True
        for number in range(1, self.runs + 1):
            _progress(f"catalogue: one document changed, run {number} of {self.runs}")
            before = snapshot(out)
            with changed.open("a", encoding="utf-8") as stream:
                stream.write(f"\nThis paragraph was added to change the document, edit {number}.\n")
            newest = max(path.stat().st_mtime_ns for path in out.rglob("*") if path.is_file())
            if changed.stat().st_mtime_ns <= newest:  # a coarse clock: make the change visible
                os.utime(changed, ns=(newest + 1_000_000, newest + 1_000_000))
            runs.append(build())
            written = rewritten(before, snapshot(out))
            others = written - own
            counts.append(f"{len(written)} ({len(written & own)} its own, {len(others)} others)")
            exact = exact and written == own
        row = self.results.add(Row("catalogue, one of 50 changed", "project", runs))
        row.note = f"outputs rewritten of {total}: " + "; ".join(counts)
        self.results.target(
            "catalogue, one of 50 changed",
            f"only that document's {len(own)} outputs rewritten",
            counts[-1] if counts else "not run",
            row.ok and exact,
        )

    # -- helpers

    def ratio_target(self, name: str, row: Row, limit: float, goal: str) -> None:
        """Record a target on the project/chain wall-time ratio."""
        ratio = row.ratio
        ok = row.ok and row.baseline is not None and row.baseline.ok and ratio is not None
        measured = (
            f"{ratio:.2f} x ({row.wall:.2f} s vs {row.baseline.wall:.2f} s)"
            if ratio is not None and row.baseline is not None
            else "no figure"
        )
        if not ok:
            measured += " (a build failed)"
        self.results.target(name, goal, measured, ok and ratio is not None and ratio <= limit)

    def warnings_note(self, scenario: str, row: Row) -> None:
        """Note how many warnings the project printed in its first run."""
        if row.runs:
            codes = re.findall(r"^\S.*: warning (\S+):", row.runs[0].stderr, flags=re.MULTILINE)
            which = f" ({', '.join(sorted(set(codes)))})" if codes else ""
            self.results.notes.append(f"Project warnings, {scenario}: {len(codes)}{which}.")


# --------------------------------------------------------------------------
# Report


def version(command: Sequence[str | Path], cwd: Path = ROOT) -> str:
    """The first version number a ``--version`` command prints, or ``"?"``."""
    found = re.search(r"\d+(?:\.\d+)+", output(command, cwd))
    return found.group(0) if found else "?"


def machine(bench: Bench) -> list[tuple[str, str]]:
    """What the figures were measured on."""
    model = "?"
    memory = "?"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, flags=re.MULTILINE)
        model = found.group(1).strip() if found else "?"
        meminfo = Path("/proc/meminfo").read_text()
        total = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, flags=re.MULTILINE)
        memory = f"{int(total.group(1)) / 1024 / 1024:.1f} GiB" if total else "?"
    except OSError:
        pass
    python = output([bench.python, "-c", "import platform; print(platform.python_version())"])
    commit = output(["git", "rev-parse", "--short", "HEAD"])
    dirty = output(["git", "status", "--porcelain", "--untracked-files=no"])
    jobs = "--jobs" in bench.options
    return [
        ("nproc", str(len(os.sched_getaffinity(0)))),
        ("CPU", model),
        ("RAM", memory),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python (project)", python),
        ("pandoc", version([bench.pandoc, "--version"])),
        ("WeasyPrint", version([bench.venv / "bin" / "weasyprint", "--version"])),
        ("clearleaf", version([bench.python, "-m", "clearleaf", "--version"], cwd=bench.tree)),
        ("make", version(["make", "--version"])),
        ("commit", f"{commit}{' + uncommitted changes' if dirty not in ('', '?') else ''}"),
        ("code measured", f"snapshot of the tree at the start, sha256 {bench.fingerprint}…"),
        ("`build --jobs`", "yes" if jobs else "no"),
        (
            "load average (1 min), start / end",
            f"{bench.load_before:.2f} / {os.getloadavg()[0]:.2f}",
        ),
        ("runs per timing", str(bench.runs)),
    ]


def markdown(bench: Bench, started: dt.datetime) -> str:
    """The results as Markdown: machine, timings, targets and notes."""
    results = bench.results
    lines = [
        "# Benchmark results",
        "",
        (
            f"Written by `python bench/run.py` on {started:%Y-%m-%d %H:%M %Z}; "
            "rerunning it rewrites this file. See `bench/README.md` for what is measured."
        ),
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in machine(bench)],
        "",
        "## Timings",
        "",
        (
            f"Wall: median of {bench.runs} run(s). CPU: user + system of the process tree, "
            "median. Peak RSS: the largest single process over the runs. Project/chain: "
            "ratio of the median wall times."
        ),
        "",
        (
            "| Scenario | Side | Wall (s) | Runs (s) | CPU (s) | Peak RSS (MiB) "
            "| Project/chain | Notes |"
        ),
        "|---|---|--:|---|--:|--:|--:|---|",
    ]
    for row in results.rows:
        runs = ", ".join(f"{run.wall:.2f}" for run in row.runs)
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        status = "" if row.ok else "**failed** "
        lines.append(
            f"| {row.scenario} | {row.side} | {row.wall:.3f} | {runs} | {row.cpu:.2f} | "
            f"{row.max_rss / MIB:.0f} | {ratio} | {status}{row.note} |"
        )
    staged = [row for row in results.rows if row.side == "project" and row.stages]
    if staged:
        names = list(dict.fromkeys(name for row in staged for name in row.stages))
        lines += [
            "",
            "## Where the time goes",
            "",
            (
                "The project's own timing of each stage (`build --report`), in seconds, "
                "summed over the documents (median of the runs): reading (pandoc's parse), "
                "the checks, each edition's render, writing the files. Renders run in "
                "parallel with each other and with the checks, so a row adds up to more "
                "than its wall time; the largest figure is where to look next."
            ),
            "",
            "| Scenario | Wall (s) | " + " | ".join(names) + " |",
            "|---|--:|" + "--:|" * len(names),
        ]
        for row in staged:
            cells = " | ".join(
                f"{row.stages[name]:.2f}" if name in row.stages else "" for name in names
            )
            lines.append(f"| {row.scenario} | {row.wall:.2f} | {cells} |")
    lines += ["", "## Targets", "", "| Target | Goal | Measured | Result |", "|---|---|---|---|"]
    for target in results.targets:
        verdict = "PASS" if target.passed else "FAIL"
        lines.append(f"| {target.name} | {target.goal} | {target.measured} | {verdict} |")
    if results.notes or results.failures:
        lines += ["", "## Notes", ""]
        lines += [f"- {note}" for note in results.notes]
        lines += [f"- Failed: {failure}" for failure in results.failures]
    return "\n".join(lines) + "\n"


SCENARIOS = ("leaflet", "long", "real-long", "noop", "catalogue", "real-catalogue")
#: The method of :class:`Bench` that runs each scenario.
METHODS = {"noop": "noop_make", "real-long": "real_long", "real-catalogue": "real_catalogue"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table and write ``bench/RESULTS.md``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per timing (3)")
    parser.add_argument(
        "--scenario",
        choices=SCENARIOS,
        action="append",
        help="run only this scenario; repeat for several (default: all)",
    )
    parser.add_argument(
        "--venv",
        type=Path,
        default=Path(os.environ.get("VENV", ROOT / ".venv")),
        help="the project's virtual environment (default: .venv)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="where to write the Markdown (bench/RESULTS.md)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    arguments = parser.parse_args(argv)
    venv = arguments.venv.resolve()
    if not (venv / "bin" / "python").exists():
        parser.error(f"no virtual environment at {venv}; run `make all` first")
    started = dt.datetime.now().astimezone()
    scratch = Path(tempfile.mkdtemp(prefix="clearleaf-bench-"))
    try:
        bench = Bench(venv, max(1, arguments.runs), scratch)
        bench.warm_up()
        for name in arguments.scenario or SCENARIOS:
            getattr(bench, METHODS.get(name, name))()
        text = markdown(bench, started)
    finally:
        if arguments.keep:
            _progress(f"scratch folder kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    arguments.results.write_text(text, encoding="utf-8")
    print(text)
    _progress(f"wrote {arguments.results}")
    return 1 if bench.results.failures else 0


if __name__ == "__main__":
    sys.exit(main())
