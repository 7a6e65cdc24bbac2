"""The command line; the only module that knows Click.

It turns options into a build or a check, prints diagnostics and maps the
report to an exit code (:mod:`clearleaf.report`): 0 success, 1 findings
(errors, or warnings under ``--strict``), 2 usage or input error, 3 a tool
failed (pandoc, say) or an internal error, 130 interrupted.

``build`` prints diagnostics on standard error and what it wrote on standard
output. ``check`` prints its findings and summary on standard output (they
are its result, for piping into an editor or CI) and only the errors that
stopped it reading a source on standard error.

Every command that prints takes ``-q`` (problems and a summary only) and
``-v`` (more detail). Errors and warnings are coloured on a terminal, never
in a pipe or a file; ``--no-color`` or the ``NO_COLOR`` environment variable
(https://no-color.org) turns colour off, ``FORCE_COLOR`` on.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from clearleaf import __version__, config
from clearleaf.editions import EDITIONS
from clearleaf.errors import Diagnostic, PipelineError, Severity, display_path

if TYPE_CHECKING:
    from clearleaf.report import Report
    from clearleaf.watch import Rebuild

# The codes of clearleaf.report, here too so that ``--help`` need not import it.
EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

_STRICT_HELP = "Treat warnings as errors: a document with any warning fails"
#: The formats of a report (clearleaf.report.FORMATS), here too for the same reason.
REPORT_FORMATS = ("json", "sarif", "junit")


_F = TypeVar("_F", bound=Callable[..., object])


def _formats(
    ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """The formats named, each ``-f`` a name or a comma list; a name that is none is an error
    that suggests the nearest one."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    for name in names:
        if name not in EDITIONS:
            close = difflib.get_close_matches(name, list(EDITIONS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise click.UsageError(
                f"'{name}' is not a format{hint} (formats: {', '.join(EDITIONS)})", ctx
            )
    return tuple(dict.fromkeys(names))


def _colour(ctx: click.Context, _param: click.Parameter, no_color: bool) -> None:
    """Decide whether messages are coloured: never with ``--no-color`` or ``NO_COLOR`` (any
    value but empty, https://no-color.org), always with ``FORCE_COLOR``, else only where
    the stream is a terminal (Click's own test, for each of standard output and error)."""
    if no_color or os.environ.get("NO_COLOR"):
        ctx.color = False
    elif ctx.color is None and os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        ctx.color = True


def _level(quiet: bool, verbose: bool) -> int:
    """-1 for ``--quiet``, 1 for ``--verbose``, 0 for neither; both is a usage error."""
    if quiet and verbose:
        raise click.UsageError("give -q/--quiet or -v/--verbose, not both")
    return int(verbose) - int(quiet)


# Options that several commands share, declared once.
_FORMAT_OPTION = click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    metavar="FORMAT[,FORMAT...]",
    callback=_formats,
    help=f"Build only these formats ({', '.join(EDITIONS)}): a comma list, or repeat "
    "the option. Default: all.",
)
_NO_COLOR_OPTION = click.option(
    "--no-color",
    is_flag=True,
    expose_value=False,
    callback=_colour,
    help="No colour in messages, even on a terminal (as NO_COLOR=1 does).",
)
_TRACEBACK_OPTION = click.option(
    "--traceback", "show_traceback", is_flag=True, help="Show tracebacks (for bug reports)."
)
_OUT_OPTION = click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Folder for the outputs.",
)


def _verbosity(quiet: str, verbose: str) -> Callable[[_F], _F]:
    """``-q``/``--quiet`` and ``-v``/``--verbose``, saying what each does for the command,
    and ``--no-color``; the command passes its two flags to :func:`_level`."""

    def decorate(command: _F) -> _F:
        options = (
            click.option("-q", "--quiet", is_flag=True, help=quiet),
            click.option("-v", "--verbose", is_flag=True, help=verbose),
            _NO_COLOR_OPTION,
        )
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _report_options(what: str) -> Callable[[_F], _F]:
    """``--report`` (repeatable) and ``--report-format``, for a report that holds ``what``."""

    def decorate(command: _F) -> _F:
        command = click.option(
            "--report-format",
            type=click.Choice(REPORT_FORMATS),
            help="The format of every --report, whatever its name says.",
        )(command)
        return click.option(
            "--report",
            "report_paths",
            multiple=True,
            type=click.Path(path_type=Path, dir_okay=False),
            help=f"Also write a report ({what}): JSON, or SARIF for a name ending .sarif "
            "(GitHub code scanning), JUnit XML for .xml (GitLab, Jenkins); repeat for several.",
        )(command)

    return decorate


class _Group(click.Group):
    """The command group: reads the project's ``clearleaf.toml`` before any command.

    Its settings become the commands' defaults (as Black reads its
    configuration into Click's ``default_map``), which options on the
    command line override.
    """

    def invoke(self, ctx: click.Context) -> object:
        project = _project()
        if project.path is not None and not ctx.resilient_parsing:
            out = str(project.root / project.out)
            ctx.default_map = {
                command: {"out": out, **({"formats": project.formats} if project.formats else {})}
                for command in ("build", "watch", "serve", "clean", "index")
            }
        return super().invoke(ctx)


def _project() -> config.Project:
    """The project of the working folder; its mistakes, each on a line, end the command."""
    try:
        return config.for_folder(Path.cwd())
    except PipelineError as error:
        _fail(error)


def _source_folder() -> Path:
    """Where sources are when none are named: the project's ``source`` folder."""
    project = _project()
    return project.source_folder if project.path is not None else Path("source")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="clearleaf")
@_NO_COLOR_OPTION
def cli() -> None:
    """Build accessible PDF, EPUB, HTML and plain-text editions of documents
    written in Markdown with YAML front matter.

    Settings shared by a project's documents live in clearleaf.toml (see
    'clearleaf init').
    """


@cli.command(short_help="Check, then build documents in every format.")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@_FORMAT_OPTION
@_OUT_OPTION
@_verbosity(
    quiet="Print only problems and a summary line.",
    verbose="Also print every file written and its time.",
)
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
@_report_options("outputs, diagnostics, readability, timings")
@_TRACEBACK_OPTION
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
    report_paths: tuple[Path, ...],
    report_format: str | None,
    show_traceback: bool,
) -> None:
    """Check, then build SOURCES (Markdown files or folders, searched recursively;
    default: source/) into --out, each in its place below the source folder.

    Only what changed since the last build is rebuilt. A document with a check
    error (or, with --strict, a warning) is not built. A build of the whole
    catalogue (no SOURCES, or the source folder) removes from --out the
    editions of sources that are gone, saying so; it never removes a file it
    did not write.
    """
    from clearleaf import build as builder
    from clearleaf import plan
    from clearleaf.catalogue import Site

    verbosity = _level(quiet, verbose)
    paths: list[Path] = []
    live = _Progress(enabled=verbosity >= 0 and sys.stderr.isatty() and not os.environ.get("CI"))

    def run() -> Report:
        root = _source_folder()
        jobs_planned = plan.plan(sources, root)
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
            scope=plan.scope(sources, root),
            site=Site.of(_project()),
            shard=shard,
        )

    _probe_reports(report_paths)
    report = _run(
        run,
        show_traceback,
        "interrupted; no output was changed, or all were written whole",
    )
    live.clear()
    for diagnostic in report.diagnostics:
        click.echo(_shown(report, diagnostic), err=True)
    if verbosity >= 0:
        for removed in report.removed:
            click.echo(str(removed))
    if verbosity > 0:
        for output in report.outputs:
            click.echo(
                f"wrote {display_path(output.path)} ({output.size:,} bytes, "
                + (f"{output.pages} pages, " if output.pages is not None else "")
                + f"{output.seconds:.2f} s)"
            )
    summary = _build_summary(report, paths)
    click.echo(summary, err=bool(report.failed))
    written = _write_reports(report_paths, report_format, report, "build", paths, strict, shard)
    sys.exit(_exit_code(report, strict, written))


def _build_summary(report: Report, paths: list[Path]) -> str:
    """One line: how many documents were built, were up to date, or failed."""
    built = len({output.source for output in report.outputs})
    summary = f"built {built} of {len(paths)} document(s), {len(report.outputs)} file(s)"
    if report.skipped:
        summary += f"; {len(report.skipped)} up to date"
    if report.removed:
        summary += f"; removed {len(report.removed)} file(s) of sources that are gone or moved"
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
        # The line is only drawn on a terminal; its erase sequence is no colour,
        # so NO_COLOR leaves it in (color=True stops Click stripping it).
        click.echo(f"\r\033[K[{self.done}/{self.total}] {current}", nl=False, err=True, color=True)
        self.shown = True

    def clear(self) -> None:
        """Remove the live line before the final messages."""
        if self.shown:
            click.echo("\r\033[K", nl=False, err=True, color=True)


@cli.command(short_help="Check sources for accessibility problems; write nothing.")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help=_STRICT_HELP + ".")
@_verbosity(
    quiet="Print only findings and the summary line, no readability.",
    verbose="Also print the time each document took to read and check.",
)
@_report_options("diagnostics, readability, timings")
@_TRACEBACK_OPTION
def check(
    sources: tuple[Path, ...],
    strict: bool,
    quiet: bool,
    verbose: bool,
    report_paths: tuple[Path, ...],
    report_format: str | None,
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
        paths.extend(plan.discover(sources, _source_folder()))
        return builder.check(paths, strict=strict)

    verbosity = _level(quiet, verbose)
    _probe_reports(report_paths)
    report = _run(run, show_traceback, "interrupted; nothing was written")
    shown: set[Diagnostic] = set()
    for path in paths:
        mine = [d for d in report.diagnostics if d.location.path == path]
        shown.update(mine)
        _echo_diagnostics(report, mine)
        reading = report.readings.get(path)
        if reading is not None and verbosity >= 0:
            click.echo(f"{display_path(path)}: readability")
            for line in readability_report(reading.figures, reading.lang, reading.target):
                click.echo(f"  {line}")
        if verbosity > 0:
            stages = report.timings.get(path, {})
            took = ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in stages.items())
            click.echo(f"{display_path(path)}: {took or 'not read'}")
    _echo_diagnostics(report, [d for d in report.diagnostics if d not in shown])
    click.echo(_check_summary(report, len(paths), strict))
    written = _write_reports(report_paths, report_format, report, "check", paths, strict)
    sys.exit(_exit_code(report, strict, written))


def _echo_diagnostics(report: Report, diagnostics: list[Diagnostic]) -> None:
    """Print ``diagnostics``: findings on standard output, input errors on standard error."""
    for diagnostic in diagnostics:
        click.echo(_shown(report, diagnostic), err=report.stopped(diagnostic))


def _shown(report: Report, diagnostic: Diagnostic) -> str:
    """``diagnostic`` as printed; a tool's failure says it is one (it is not the source's fault)."""
    if diagnostic in report.tool_errors:
        return (
            f"{_styled(diagnostic)} [tool error: a tool the pipeline runs failed, not the "
            "source; run again, and report it if it persists]"
        )
    return _styled(diagnostic)


#: The colour of each severity's word and code on a terminal.
_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def _styled(diagnostic: Diagnostic) -> str:
    """``diagnostic`` with its severity and code coloured; Click removes the colour where
    the stream is no terminal, or colour is turned off."""
    text = str(diagnostic)
    head = f"{diagnostic.severity.value} {diagnostic.code}"
    styled = click.style(head, fg=_COLOURS[diagnostic.severity], bold=True)
    return text.replace(f": {head}: ", f": {styled}: ", 1)


def _probe_reports(paths: tuple[Path, ...]) -> None:
    """End the command, before any work, if a ``--report`` cannot be written: each such
    report named on a line, exit code 2. A build that could not say how it went is no use
    to the CI job that asked for the report."""
    from clearleaf.outputs import probe

    problems: list[Diagnostic] = []
    for path in paths:
        try:
            probe(path, "--report")
        except PipelineError as error:
            problems.extend(error.diagnostics)
    if problems:
        _fail(PipelineError(problems[0], category="usage", more=tuple(problems[1:])))


def _write_reports(
    paths: tuple[Path, ...],
    chosen: str | None,
    report: Report,
    command: str,
    sources: list[Path],
    strict: bool,
    shard: tuple[int, int] | None = None,
) -> bool:
    """Write each report asked for, in the format its name (or ``chosen``) says, atomically,
    whatever the outcome; say why of each that cannot be written (a disk that filled up
    since :func:`_probe_reports`), and return whether all were written."""
    if not paths:
        return True
    from clearleaf import report as report_module
    from clearleaf.outputs import write_atomic

    data = report_module.to_dict(report, command, sources, strict, shard)
    written = True
    for path in paths:
        try:
            write_atomic(
                path,
                report_module.serialise(data, report_module.format_of(path, chosen)),
                "--report",
            )
        except PipelineError as error:
            for diagnostic in error.diagnostics:
                click.echo(_styled(diagnostic), err=True)
            written = False
    return written


def _exit_code(report: Report, strict: bool, reports_written: bool) -> int:
    """The report's exit code, but at least 2 (an input error) when a ``--report`` asked for
    could not be written: the CI job reading it must not pass."""
    code = report.exit_code(strict)
    return code if reports_written else max(code, EXIT_INPUT)


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
        _fail(error)
    except KeyboardInterrupt:
        click.echo(interrupted, err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # a bug: say so, briefly, unless asked for the details
        _internal_error(error, show_traceback)


def _fail(error: PipelineError) -> NoReturn:
    """End the command on ``error``: each of its messages on a line, exit code 2 (3 for a
    tool that failed)."""
    for diagnostic in error.diagnostics:
        click.echo(_styled(diagnostic), err=True)
    sys.exit(EXIT_INTERNAL if error.category == "tool" else EXIT_INPUT)


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
    "--interval",
    type=click.FloatRange(min=0),
    default=0.2,
    show_default=True,
    help="Seconds a burst of saves must settle for before a rebuild.",
)
@_verbosity(
    quiet="Print only the findings of each rebuild, no line for it.",
    verbose="Also print every file each rebuild wrote.",
)
def watch(
    sources: tuple[Path, ...],
    out: Path,
    formats: tuple[str, ...],
    interval: float,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build SOURCES (default: source/), then rebuild what each saved change affects.

    Each rebuild prints one timestamped line (what changed, what was rebuilt)
    and the findings of the documents it rebuilt. Stop with Ctrl-C.
    """
    from clearleaf import plan
    from clearleaf import watch as watcher

    session = watcher.Session(
        sources, plan.resolve_formats(formats), out, _source_folder(), _Progress(enabled=False)
    )
    echo = functools.partial(_echo_rebuild, verbosity=_level(quiet, verbose))
    try:
        watcher.watch(session, echo, settle=interval)
    except PipelineError as error:
        _fail(error)
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)
        sys.exit(EXIT_INTERRUPTED)


@cli.command(short_help="Preview documents in a browser, rebuilt on every save.")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@_OUT_OPTION
@_FORMAT_OPTION
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to serve on; 0 takes any free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to serve on; the default lets in this computer only.",
)
@click.option("--no-open", is_flag=True, help="Do not open the preview in a web browser.")
def serve(
    sources: tuple[Path, ...],
    out: Path,
    formats: tuple[str, ...],
    port: int,
    host: str,
    no_open: bool,
) -> None:
    """Build SOURCES (default: source/), serve a live preview of --out, and rebuild
    what each saved change affects.

    The preview shows each document's web page and, beside it, the leaflet's
    pages; an open preview reloads itself after each rebuild. The web page
    and the leaflet are always built, whatever --format says. Stop with Ctrl-C.
    """
    from clearleaf import plan
    from clearleaf import serve as server
    from clearleaf import watch as watcher

    wanted = [*formats, "html", "pdf"] if formats else []
    session = watcher.Session(
        sources, plan.resolve_formats(wanted), out, _source_folder(), _Progress(enabled=False)
    )

    def ready(url: str) -> None:
        click.echo(f"serving a preview of {display_path(out)} at {url} (Ctrl-C stops)")
        if server.exposed(host):
            click.echo(
                f"warning: on {host}, other computers can read the outputs too; "
                "--host 127.0.0.1 keeps them to this one",
                err=True,
            )

    try:
        server.serve(session, host, port, _echo_rebuild, ready, open_browser=not no_open)
    except PipelineError as error:
        _fail(error)
    except KeyboardInterrupt:
        click.echo("stopped serving", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _echo_rebuild(rebuild: Rebuild, verbosity: int = 0) -> None:
    """A rebuild's timestamped line and the editions it removed (unless ``verbosity`` is
    quiet), the files it wrote (if verbose), then the findings of the documents it rebuilt."""
    if verbosity >= 0:
        click.echo(rebuild.line())
        for removed in rebuild.report.removed:
            click.echo(f"  {removed}")
    if verbosity > 0:
        for output in rebuild.report.outputs:
            click.echo(f"  wrote {display_path(output.path)}")
    for diagnostic in rebuild.findings:
        click.echo(_shown(rebuild.report, diagnostic), err=True)


@cli.command("merge-reports", short_help="Merge the JSON reports of a build's shards.")
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Where to write the merged report: JSON, or SARIF for a name ending .sarif, "
    "JUnit XML for .xml.",
)
@click.option(
    "--report-format",
    type=click.Choice(REPORT_FORMATS),
    help="The format of --output, whatever its name says.",
)
@_verbosity(
    quiet="Print only problems.",
    verbose="Also print a line for each report merged.",
)
def merge_reports(
    reports: tuple[Path, ...],
    output: Path,
    report_format: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Merge the JSON reports of the shards of a build (--shard K/N) into one.

    The reports must be the whole set: one command, and every shard from 1 to
    N exactly once; otherwise each problem is named and nothing is written
    (exit code 2), so that a CI runner that died before writing its report
    fails the pipeline. So is every file that is not a report as --report
    writes it (cut short, edited, another tool's), each on its line. Exits
    with the worst exit code the shards recorded (3, then 2, then 1), so that
    a CI job can fail on it.
    """
    from clearleaf import report as report_module
    from clearleaf.outputs import write_atomic

    verbosity = _level(quiet, verbose)

    def merge() -> dict[str, object]:
        loaded = report_module.read_all(reports)
        if verbosity > 0:
            for path, data in loaded:
                index, count = report_module.shard_of(data)
                click.echo(
                    f"{display_path(path)}: {data['command']} shard {index}/{count}, "
                    f"{len(data['documents'])} document(s), exit code "
                    f"{data['summary']['exit_code']}"
                )
        merged = report_module.merge(loaded)
        write_atomic(
            output,
            report_module.serialise(merged, report_module.format_of(output, report_format)),
            "--output",
        )
        return merged

    merged = _run_action(merge)
    summary = merged["summary"]
    assert isinstance(summary, dict)
    if verbosity >= 0:
        click.echo(
            f"merged {len(reports)} report(s): {summary['documents']} document(s), "
            f"{summary['failed']} failed, exit code {summary['exit_code']}"
        )
    sys.exit(int(summary["exit_code"]))


@cli.command("index", short_help="Write the catalogue of an output folder the shards built.")
@_OUT_OPTION
@_verbosity(quiet="Print only problems.", verbose="Also print the files written.")
def index_command(out: Path, quiet: bool, verbose: bool) -> None:
    """Write the catalogue of --out: its index page (index.html) and OPDS feed
    (opds.json), listing every document it holds.

    A build writes them itself; a build of one shard (--shard K/N) writes only
    its part (.clearleaf/catalogue-K-of-N.json). Copy every shard's output
    folder into one, then run this: it joins the parts into one index and one
    feed, the same as a build of the whole catalogue would write. The parts
    must be the whole set, and every file they list must be there; otherwise
    each problem is named and nothing is written (exit code 2).
    """
    from clearleaf import build as builder
    from clearleaf.catalogue import FEED, INDEX, Site

    verbosity = _level(quiet, verbose)
    count, report = _run_action(lambda: builder.index(out, Site.of(_project())))
    for diagnostic in report.diagnostics:
        click.echo(_shown(report, diagnostic), err=True)
    if verbosity >= 0:
        click.echo(
            f"listed {count} document(s) in {display_path(out / INDEX)} and "
            f"{display_path(out / FEED)}"
        )
    sys.exit(report.exit_code(False))


@cli.command(short_help="Remove everything clearleaf wrote into the output folder.")
@_OUT_OPTION
@_verbosity(quiet="Print only problems.", verbose="Also print every file removed.")
def clean(out: Path, quiet: bool, verbose: bool) -> None:
    """Remove everything clearleaf wrote into --out: the outputs its manifest records,
    its own records (.clearleaf/) and what killed builds left, then the folders
    that leaves empty. Nothing else is touched: a file of your own in --out
    stays. Waits for a build writing into --out to finish first.
    """
    from clearleaf import build as builder

    verbosity = _level(quiet, verbose)
    report = _run_action(lambda: builder.clean(out, progress=_Progress(enabled=False)))
    if verbosity > 0:
        for removed in report.removed:
            click.echo(str(removed))
    if verbosity < 0:
        return
    if not report.removed:
        click.echo(f"nothing to clean in {display_path(out)}")
        return
    files = sum(not item.path.name.startswith(".") for item in report.removed)
    left = sum(1 for path in out.rglob("*") if path.is_file()) if out.is_dir() else 0
    summary = f"cleaned {display_path(out)}: removed {files} file(s) clearleaf wrote"
    if left:
        summary += f"; {left} file(s) of your own are left"
    click.echo(summary)


@cli.command(short_help="Make a project: clearleaf.toml, source/ and an example leaflet.")
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--organisation", default="Example Health Service", show_default=True)
@click.option("--lang", default="en-GB", show_default=True, help="The documents' language.")
@click.option("--phone", default="0300 123 4567", show_default=True, help="Readers' phone line.")
@click.option("--email", default="help@example.org", show_default=True, help="Readers' email.")
def init(folder: Path | None, organisation: str, lang: str, phone: str, email: str) -> None:
    """Make a clearleaf project in FOLDER (default: here): a clearleaf.toml with
    what every document shares, source/ with an example leaflet that builds
    without a warning, and a .gitignore for build/.
    """
    import datetime as dt

    from clearleaf import project

    target = folder or Path()
    made = _run_action(
        lambda: project.init(target, dt.date.today(), organisation, lang, phone, email)
    )
    for path in made.files:
        click.echo(f"wrote {display_path(path)}")
    click.echo(
        "next: edit clearleaf.toml, then run 'clearleaf build'"
        + (f" in {display_path(target)}" if folder else "")
    )


@cli.command(short_help="Add a document to the project, from its template.")
@click.argument("title")
@click.option("--name", help="The file name (without .md); default: made from the title.")
def new(title: str, name: str | None) -> None:
    """Add a source titled TITLE to the project's source folder, with today's
    date as its publication date and its review due in two years.
    """
    import datetime as dt

    from clearleaf import project

    made = _run_action(lambda: project.new(title, Path.cwd(), dt.date.today(), name))
    for path in made.files:
        click.echo(f"wrote {display_path(path)}")


_T = TypeVar("_T")


def _run_action(action: Callable[[], _T]) -> _T:
    """Run a command's ``action``; a user's mistake ends it with its messages and exit code 2."""
    try:
        return action()
    except PipelineError as error:
        _fail(error)


@cli.command("formats")
@_verbosity(quiet="Print only the names.", verbose="Also print what each is made from.")
def list_formats(quiet: bool, verbose: bool) -> None:
    """List the output formats."""
    verbosity = _level(quiet, verbose)
    for edition in EDITIONS.values():
        if verbosity < 0:
            click.echo(edition.name)
            continue
        line = f"{edition.name:<12} {edition.suffix:<17} {edition.description}"
        if verbosity > 0:
            line += f" (made from: {', '.join(edition.made_from)})"
        click.echo(line)


@cli.command("checks", short_help="List the accessibility checks.")
@_verbosity(
    quiet="Print only the codes.",
    verbose="Also list the families of the other codes messages carry.",
)
def list_checks(quiet: bool, verbose: bool) -> None:
    """List the accessibility checks: code, severity and what each asks of a source."""
    from clearleaf.a11y import CHECKS

    verbosity = _level(quiet, verbose)
    for item in CHECKS.values():
        if verbosity < 0:
            click.echo(item.code)
        else:
            click.echo(f"{item.code:<24} {item.severity.value:<8} {item.description}")
    if verbosity > 0:
        from clearleaf.sarif import FAMILIES

        click.echo("\nother codes, by family:")
        for family, description in FAMILIES.items():
            click.echo(f"{family + '.*':<24} {description}")


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
