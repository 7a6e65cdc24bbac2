"""The command line; the only module that knows Click.

It turns options into a build or a check, prints diagnostics and maps the
report to an exit code (:mod:`clearleaf.report`): 0 success, 1 findings
(errors, or warnings under ``--strict``), 2 usage or input error, 3 a tool
failed (pandoc, say) or an internal error, 130 interrupted.

``build`` prints diagnostics on standard error and what it wrote on standard
output. ``check`` prints its findings and summary on standard output (they
are its result, for piping into an editor or CI) and only the errors that
stopped it reading a source on standard error.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from clearleaf import __version__
from clearleaf.editions import EDITIONS
from clearleaf.errors import Diagnostic, PipelineError, Severity, display_path

if TYPE_CHECKING:
    from clearleaf.report import Report

# The codes of clearleaf.report, here too so that ``--help`` need not import it.
EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

_STRICT_HELP = "Treat warnings as errors: a document with any warning fails"


# Options that build and watch share, declared once.
_FORMAT_OPTION = click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(EDITIONS)),
    help="Build only this format; repeat for several. Default: all.",
)
_OUT_OPTION = click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Folder for the outputs.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="clearleaf")
def cli() -> None:
    """Build accessible PDF, EPUB, HTML and plain-text editions of documents
    written in Markdown with YAML front matter.
    """


@cli.command(short_help="Check, then build documents in every format.")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@_FORMAT_OPTION
@_OUT_OPTION
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and a summary line.")
@click.option("-v", "--verbose", is_flag=True, help="Print every file written and its time.")
@click.option("--strict", is_flag=True, help=_STRICT_HELP + " and none of it is written.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="all cores",
    help="Worker processes for rendering.",
)
@click.option("--force", is_flag=True, help="Rebuild even what is up to date.")
@click.option(
    "--shard",
    metavar="K/N",
    callback=lambda _ctx, _param, value: _parse_shard(value),
    help="Build only the K-th of N equal slices of the sources (for CI job matrices).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write a JSON report (outputs, diagnostics, readability, timings).",
)
@click.option(
    "--traceback", "show_traceback", is_flag=True, help="Show tracebacks (for bug reports)."
)
def build(
    sources: tuple[Path, ...],
    formats: tuple[str, ...],
    out: Path,
    quiet: bool,
    verbose: bool,
    strict: bool,
    jobs: int,
    force: bool,
    shard: tuple[int, int] | None,
    report_path: Path | None,
    show_traceback: bool,
) -> None:
    """Check, then build SOURCES (Markdown files or folders, searched recursively;
    default: source/) into --out, keeping their folders.

    Only what changed since the last build is rebuilt. A document with a check
    error (or, with --strict, a warning) is not built.
    """
    from clearleaf import build as builder
    from clearleaf import plan

    paths: list[Path] = []
    live = _Progress(enabled=not quiet and sys.stderr.isatty() and not os.environ.get("CI"))

    def run() -> Report:
        jobs_planned = plan.plan(sources, Path("source"))
        if shard is not None:
            jobs_planned = plan.shard(jobs_planned, *shard)
        paths.extend(job.source for job in jobs_planned)
        live.total = len(paths) * len(plan.resolve_formats(formats))
        return builder.build(
            jobs_planned,
            plan.resolve_formats(formats),
            out,
            strict=strict,
            jobs=jobs,
            force=force,
            progress=live,
        )

    report = _run(
        run,
        show_traceback,
        "interrupted; no output was changed, or all were written whole",
    )
    live.clear()
    for diagnostic in report.diagnostics:
        click.echo(_shown(report, diagnostic), err=True)
    if verbose:
        for output in report.outputs:
            click.echo(
                f"wrote {display_path(output.path)} ({output.size:,} bytes, {output.seconds:.2f} s)"
            )
    summary = _build_summary(report, paths)
    click.echo(summary, err=bool(report.failed))
    _write_report(report_path, report, "build", paths, strict)
    sys.exit(report.exit_code(strict))


def _build_summary(report: Report, paths: list[Path]) -> str:
    """One line: how many documents were built, were up to date, or failed."""
    built = len({output.source for output in report.outputs})
    summary = f"built {built} of {len(paths)} document(s), {len(report.outputs)} file(s)"
    if report.skipped:
        summary += f"; {len(report.skipped)} up to date"
    if report.failed:
        summary += f"; failed: {', '.join(display_path(p) for p in report.failed)}"
    return summary


def _parse_shard(value: str | None) -> tuple[int, int] | None:
    """``K/N`` as (K, N), checked."""
    if value is None:
        return None
    try:
        index, count = (int(part) for part in value.split("/"))
    except ValueError:
        raise click.BadParameter("write it as K/N, e.g. 2/4") from None
    if not 1 <= index <= count:
        raise click.BadParameter(f"K must be between 1 and N, not {index}/{count}")
    return index, count


class _Progress:
    """A live line on a terminal: documents and formats done, of the total, and the current one."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.total = 0
        self.done = 0
        self.shown = False

    def __call__(self, event: str, source: Path, name: str) -> None:
        if event == "wait":
            self.clear()
            click.echo(
                f"waiting for another build writing into {display_path(source)} to finish",
                err=True,
            )
            return
        if event in ("done", "skip"):
            self.done += 1 if event == "done" else 0
        if not self.enabled:
            return
        current = f"{display_path(source)} {name}".strip()
        click.echo(f"\r\033[K[{self.done}/{self.total}] {current}", nl=False, err=True)
        self.shown = True

    def clear(self) -> None:
        """Remove the live line before the final messages."""
        if self.shown:
            click.echo("\r\033[K", nl=False, err=True)


@cli.command(short_help="Check sources for accessibility problems; write nothing.")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help=_STRICT_HELP + ".")
@click.option(
    "-q", "--quiet", is_flag=True, help="Print only findings and the summary line, no readability."
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write a JSON report (diagnostics, readability, timings).",
)
@click.option(
    "--traceback", "show_traceback", is_flag=True, help="Show tracebacks (for bug reports)."
)
def check(
    sources: tuple[Path, ...],
    strict: bool,
    quiet: bool,
    report_path: Path | None,
    show_traceback: bool,
) -> None:
    """Check SOURCES (Markdown files or folders; default: source/) for accessibility.

    Writes nothing. Findings go to standard output, one a line
    (path:line:column: severity code: message), each document's followed by
    its readability report (unless --quiet), then a summary line; a source
    that cannot be read is reported on standard error. `clearleaf checks`
    lists the checks.
    """
    from clearleaf import build as builder
    from clearleaf import plan
    from clearleaf.readability import report as readability_report

    paths: list[Path] = []

    def run() -> Report:
        paths.extend(plan.discover(sources, Path("source")))
        return builder.check(paths, strict=strict)

    report = _run(run, show_traceback, "interrupted; nothing was written")
    shown: set[Diagnostic] = set()
    for path in paths:
        mine = [d for d in report.diagnostics if d.location.path == path]
        shown.update(mine)
        _echo_diagnostics(report, mine)
        reading = report.readings.get(path)
        if reading is not None and not quiet:
            click.echo(f"{display_path(path)}: readability")
            for line in readability_report(reading.figures, reading.lang, reading.target):
                click.echo(f"  {line}")
    _echo_diagnostics(report, [d for d in report.diagnostics if d not in shown])
    click.echo(_check_summary(report, len(paths), strict))
    _write_report(report_path, report, "check", paths, strict)
    sys.exit(report.exit_code(strict))


def _echo_diagnostics(report: Report, diagnostics: list[Diagnostic]) -> None:
    """Print ``diagnostics``: findings on standard output, input errors on standard error."""
    for diagnostic in diagnostics:
        click.echo(_shown(report, diagnostic), err=report.stopped(diagnostic))


def _shown(report: Report, diagnostic: Diagnostic) -> str:
    """``diagnostic`` as printed; a tool's failure says it is one (it is not the source's fault)."""
    if diagnostic in report.tool_errors:
        return (
            f"{diagnostic} [tool error: a tool the pipeline runs failed, not the source; "
            "run again, and report it if it persists]"
        )
    return str(diagnostic)


def _write_report(
    path: Path | None, report: Report, command: str, sources: list[Path], strict: bool
) -> None:
    """Write the JSON report when asked for, atomically, whatever the outcome."""
    if path is None:
        return
    from clearleaf import report as report_module
    from clearleaf.outputs import write_atomic

    write_atomic(path, report_module.to_json(report, command, sources, strict))


def _check_summary(report: Report, documents: int, strict: bool) -> str:
    """One line: how many documents were checked and what was found."""
    findings = report.findings
    errors = sum(d.severity is Severity.ERROR for d in findings)
    warnings = sum(d.severity is Severity.WARNING for d in findings)
    checked = documents - len(report.invalid)
    summary = f"checked {checked} of {documents} document(s)"
    if errors or warnings:
        summary += f": {errors} error(s), {warnings} warning(s)"
        if strict and warnings:
            summary += " (--strict: warnings fail)"
    elif checked:
        summary += ": no problems found"
    if report.invalid:
        summary += f"; could not read: {', '.join(display_path(p) for p in report.invalid)}"
    return summary


def _run(action: Callable[[], Report], show_traceback: bool, interrupted: str) -> Report:
    """Run ``action``, turning a usage error, an interrupt or a bug into its exit code."""
    try:
        return action()
    except PipelineError as error:
        for diagnostic in error.diagnostics:
            click.echo(str(diagnostic), err=True)
        sys.exit(EXIT_INTERNAL if error.category == "tool" else EXIT_INPUT)
    except KeyboardInterrupt:
        click.echo(interrupted, err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # a bug: say so, briefly, unless asked for the details
        _internal_error(error, show_traceback)


def _internal_error(error: Exception, show_traceback: bool) -> NoReturn:
    """Report a bug: one line, or the traceback when asked; exit with code 3."""
    if show_traceback:
        traceback.print_exc()
    else:
        click.echo(
            f"internal error: {type(error).__name__}: {error} "
            "(run again with --traceback and report it)",
            err=True,
        )
    sys.exit(EXIT_INTERNAL)


@cli.command(short_help="Rebuild whenever a source, image or style changes.")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@_OUT_OPTION
@_FORMAT_OPTION
@click.option(
    "--interval", type=float, default=0.5, show_default=True, help="Seconds between looks."
)
@click.option("--rounds", type=int, default=None, hidden=True)
def watch(
    sources: tuple[Path, ...],
    out: Path,
    formats: tuple[str, ...],
    interval: float,
    rounds: int | None,
) -> None:
    """Build SOURCES (default: source/), then rebuild what each saved change affects.

    Stop with Ctrl-C.
    """
    from clearleaf import build as builder
    from clearleaf import plan
    from clearleaf import watch as watcher

    roots = list(sources) or [Path("source")]

    def rebuild() -> None:
        try:
            planned = plan.plan(sources, Path("source"))
            report = builder.build(
                planned, plan.resolve_formats(formats), out, progress=_Progress(enabled=False)
            )
        except PipelineError as error:
            for diagnostic in error.diagnostics:
                click.echo(str(diagnostic), err=True)
            return
        for diagnostic in report.diagnostics:
            click.echo(_shown(report, diagnostic), err=True)
        click.echo(_build_summary(report, [job.source for job in planned]))

    try:
        watcher.watch(roots, rebuild, interval, rounds)
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)
        sys.exit(EXIT_INTERRUPTED)


@cli.command("merge-reports")
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Where to write the merged report.",
)
def merge_reports(reports: tuple[Path, ...], output: Path) -> None:
    """Merge the JSON reports of the shards of a build (--shard K/N) into one.

    Exits with the worst exit code the shards had, so that a CI job can fail on it.
    """
    import json

    from clearleaf import report as report_module
    from clearleaf.outputs import write_atomic

    try:
        loaded = [json.loads(path.read_text(encoding="utf-8")) for path in reports]
        merged = report_module.merge(loaded)
    except (OSError, ValueError, KeyError, TypeError) as error:
        click.echo(f"cannot merge the reports: {error}", err=True)
        sys.exit(EXIT_INPUT)
    text = json.dumps(merged, indent=2, ensure_ascii=False) + "\n"
    write_atomic(output, text.encode("utf-8"))
    summary = merged["summary"]
    click.echo(
        f"merged {len(reports)} report(s): {summary['documents']} document(s), "
        f"{summary['failed']} failed, exit code {summary['exit_code']}"
    )
    sys.exit(int(summary["exit_code"]))


@cli.command("formats")
def list_formats() -> None:
    """List the output formats."""
    for edition in EDITIONS.values():
        click.echo(f"{edition.name:<12} {edition.suffix:<17} {edition.description}")


@cli.command("checks", short_help="List the accessibility checks.")
def list_checks() -> None:
    """List the accessibility checks: code, severity and what each asks of a source."""
    from clearleaf.a11y import CHECKS

    for item in CHECKS.values():
        click.echo(f"{item.code:<24} {item.severity.value:<8} {item.description}")


def main() -> NoReturn:
    """Run the command line, then end the process at once.

    Every output and the manifest are written and closed by then, so the
    interpreter's own teardown (freeing every object, joining idle threads)
    would only add a tenth of a second to each run; the process exits with
    the command's status as soon as its messages are flushed.
    """
    try:
        cli(prog_name="clearleaf")
        code = 0
    except SystemExit as done:
        code = _status(done.code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a closed pipe (``| head``): nobody reads
            stream.flush()
    os._exit(code)


def _status(code: object) -> int:
    """The exit status ``sys.exit(code)`` would give."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1
