"""The one module that talks to pandoc (through pypandoc).

Pandoc parses each source exactly once into its JSON AST (:func:`parse`); the
formats render from that AST. Pandoc always runs with ``--sandbox``, so a
source can never make it read or fetch another file. Pandoc's own warnings are
captured and returned, never lost in a logger nobody reads.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pypandoc

from pipeline.errors import Diagnostic, Location, PipelineError, Severity

#: The pandoc release that pypandoc-binary==1.17 ships; the golden outputs
#: and the AST handling below are checked against it.
PANDOC_VERSION = "3.9"

# Pandoc's Markdown minus TeX: raw LaTeX and $math$ mean nothing in a leaflet
# and would be silently dropped from every output but one.
READER = "markdown-raw_tex-tex_math_dollars-tex_math_single_backslash"

# No line wrapping, so that the HTML is stable and diffable.
_COMMON_ARGS = ["--sandbox", "--wrap=none"]


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.messages.append(record.getMessage())


def _run(source: str, to: str, fmt: str, path: Path) -> tuple[str, list[Diagnostic]]:
    logger = logging.getLogger("pypandoc")
    capture = _Capture()
    logger.addHandler(capture)
    propagate, logger.propagate = logger.propagate, False
    try:
        output = pypandoc.convert_text(
            source, to, format=fmt, extra_args=_COMMON_ARGS, verify_format=False
        )
    except (RuntimeError, OSError) as exc:
        raise PipelineError(
            Diagnostic(Location(path), Severity.ERROR, "pandoc.failed", f"pandoc failed: {exc}"),
            category="tool",
        ) from exc
    finally:
        logger.removeHandler(capture)
        logger.propagate = propagate
    diagnostics = [
        Diagnostic(Location(path), Severity.WARNING, "pandoc.warning", message.strip())
        for message in capture.messages
        if message.strip()
    ]
    return str(output), diagnostics


def parse(markdown: str, path: Path) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Parse Markdown into pandoc's JSON AST."""
    output, diagnostics = _run(markdown, "json", READER, path)
    ast: dict[str, Any] = json.loads(output)
    return ast, diagnostics


def to_html(ast: dict[str, Any], path: Path) -> str:
    """Render an AST (a document body) as an HTML5 fragment."""
    output, _ = _run(json.dumps(ast), "html5", "json", path)
    return output


def version() -> str:
    """The version of the pandoc binary in use."""
    return ".".join(str(part) for part in pypandoc.get_pandoc_version().split("."))
