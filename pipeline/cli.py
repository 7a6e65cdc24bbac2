"""The command line; the only module that knows Click.

It turns options into a build, prints diagnostics and maps the report to an
exit code: 0 success, 1 findings, 2 usage or input error, 130 interrupted.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

import click

from pipeline import __version__
from pipeline.errors import PipelineError, display_path
from pipeline.formats import FORMATS

EXIT_INPUT = 2
EXIT_INTERRUPTED = 130


class _EchoHandler(logging.Handler):
    """Show the pipeline's warnings on standard error, one line each."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


def _setup_logging() -> None:
    logger = logging.getLogger("pipeline")
    if not any(isinstance(handler, _EchoHandler) for handler in logger.handlers):
        logger.addHandler(_EchoHandler(logging.WARNING))
    logger.setLevel(logging.WARNING)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="clearleaf")
def cli() -> None:
    """Build accessible PDF, EPUB, HTML and plain-text editions of documents
    written in Markdown with YAML front matter.
    """
    _setup_logging()


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(FORMATS)),
    help="Build only this format; repeat for several. Default: all.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Folder for the outputs.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and a summary line.")
@click.option(
    "--traceback", "show_traceback", is_flag=True, help="Show tracebacks (for bug reports)."
)
def build(
    sources: tuple[Path, ...],
    formats: tuple[str, ...],
    out: Path,
    quiet: bool,
    show_traceback: bool,
) -> None:
    """Build SOURCES (Markdown files or folders; default: source/) into --out."""
    from pipeline import build as builder

    try:
        paths = builder.discover(sources, Path("source"))
        report = builder.build(paths, builder.resolve_formats(formats), out)
    except PipelineError as error:
        click.echo(str(error.diagnostic), err=True)
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        click.echo(
            "interrupted; outputs already written are complete, nothing else changed", err=True
        )
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # a bug: say so, briefly, unless asked for the details
        if show_traceback:
            traceback.print_exc()
        else:
            click.echo(
                f"internal error: {type(error).__name__}: {error} "
                "(run again with --traceback and report it)",
                err=True,
            )
        sys.exit(3)
    for diagnostic in report.diagnostics:
        click.echo(str(diagnostic), err=True)
    if not quiet:
        for output in report.outputs:
            click.echo(f"wrote {display_path(output.path)} ({output.size:,} bytes)")
    documents = len(paths) - len(report.failed)
    summary = f"built {documents} of {len(paths)} document(s), {len(report.outputs)} file(s)"
    if report.failed:
        summary += f"; failed: {', '.join(display_path(p) for p in report.failed)}"
    click.echo(summary, err=bool(report.failed))
    sys.exit(report.exit_code())


@cli.command("formats")
def list_formats() -> None:
    """List the output formats."""
    for fmt in FORMATS.values():
        click.echo(f"{fmt.name:<5} {fmt.suffix:<6} {fmt.description}")


def main() -> None:
    """Run the command line."""
    cli(prog_name="python -m pipeline")
