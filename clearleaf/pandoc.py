"""The one module that talks to pandoc (pypandoc finds the binary; we run it).

Pandoc parses each source exactly once into its JSON AST (:func:`parse`); the
formats render from that AST. Pandoc always runs with ``--sandbox``, so a
source can never make it read or fetch another file, under a time limit
(:data:`clearleaf.limits.PANDOC_SECONDS`) and a heap limit
(:data:`clearleaf.limits.PANDOC_MEMORY_MB`), as the pandoc manual advises for
untrusted input: some Markdown makes its parser run away. pypandoc has no
timeout, hence the subprocess here. Pandoc's own warnings are captured and
returned, never lost in a logger nobody reads.
"""

from __future__ import annotations

import concurrent.futures
import functools
import importlib.util
import json
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from clearleaf import limits
from clearleaf.errors import Diagnostic, Location, PipelineError, Severity, input_error

#: The pandoc release that pypandoc-binary==1.17 ships; the golden outputs
#: and the AST handling below are checked against it.
PANDOC_VERSION = "3.9"

# Pandoc's Markdown minus TeX: raw LaTeX and $math$ mean nothing in a leaflet
# and would be silently dropped from every output but one. HTML <div> and
# <span> stay raw HTML, as every other tag does, so that clearleaf.rawhtml can
# tell a web page's wrappers from the fenced divs and spans an editor writes.
READER = "markdown-raw_tex-tex_math_dollars-tex_math_single_backslash-native_divs-native_spans"

#: Options on every run: the sandbox (no file or network access beyond
#: standard input), and no line wrapping, so that the HTML is stable and diffable.
COMMON_ARGS = ("--sandbox", "--wrap=none")

# "[WARNING] message", possibly followed by indented continuation lines.
_LOG_LINE = re.compile(r"^\[(?P<level>[A-Z]+)\] (?P<message>.*)$")
_HEAP_EXHAUSTED = "Heap exhausted"
# Where pandoc says a warning is; the body keeps the source's line numbers.
_POSITION = re.compile(r" at line (?P<line>\d+) column (?P<column>\d+)")


@functools.cache
def executable() -> str:
    """The pandoc binary that pypandoc-binary ships, the release the outputs are pinned to.

    Found beside pypandoc without importing or running it: pypandoc would
    pick the newest pandoc on the machine (another release would change the
    outputs), run it to ask its version and log a traceback if that fails,
    and it loads the standard library's whole HTTP stack, which a worker
    that only lays out pages never uses.
    """
    spec = importlib.util.find_spec("pypandoc")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "files" / "pandoc"
        if bundled.is_file():
            return str(bundled)
    raise _tool_error(
        Path("pandoc"),
        "the pandoc that pypandoc-binary ships is missing; reinstall the project's "
        "dependencies (make distclean all)",
    )


@functools.cache
def version() -> str:
    """The version the pandoc binary reports ("3.9"), for the up-to-date check."""
    first = _ask("--version").decode("utf-8", errors="replace").partition("\n")[0]
    return first.removeprefix("pandoc").strip() or "unknown"


def _ask(*options: str, check: bool = False) -> bytes:
    """What pandoc writes when run with ``options`` alone (no document); with ``check``, a
    failure is an error too."""
    try:
        result = subprocess.run(
            [executable(), *options],
            capture_output=True,
            timeout=limits.PANDOC_SECONDS,
            check=check,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise _tool_error(Path("pandoc"), f"pandoc could not be run: {exc}") from exc
    return result.stdout


def command(source_format: str, target_format: str) -> list[str]:
    """The pandoc command line reading ``source_format`` and writing ``target_format``."""
    return [
        executable(),
        # The runtime's heap limit; it must come first, outside pandoc's own options.
        "+RTS",
        f"-M{limits.PANDOC_MEMORY_MB}m",
        "-RTS",
        f"--from={source_format}",
        f"--to={target_format}",
        *COMMON_ARGS,
    ]


def _run(source: str, to: str, fmt: str, path: Path) -> tuple[str, list[Diagnostic]]:
    output, found = _execute(source, to, fmt, path)
    return output.decode("utf-8", errors="replace"), found


def _execute(
    source: str, to: str, fmt: str, path: Path, options: Sequence[str] = ()
) -> tuple[bytes, list[Diagnostic]]:
    try:
        result = subprocess.run(
            [*command(fmt, to), *options],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=limits.PANDOC_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has killed pandoc by now.
        raise limits.time_error(
            path,
            "limit.pandoc-time",
            "pandoc",
            limits.PANDOC_SECONDS,
            "limits.PANDOC_SECONDS",
        ) from None
    except OSError as exc:
        raise _tool_error(path, f"pandoc could not be run: {exc}") from exc
    errors = result.stderr.decode("utf-8", errors="replace")
    if result.returncode != 0:
        if _HEAP_EXHAUSTED in errors:
            raise input_error(
                path,
                "limit.pandoc-memory",
                f"pandoc needed more than {limits.PANDOC_MEMORY_MB} MB of memory to read the "
                "text and was stopped (limits.PANDOC_MEMORY_MB); split the document, or "
                "simplify deeply nested passages",
            )
        first = errors.strip().splitlines()[0] if errors.strip() else f"exit {result.returncode}"
        raise _tool_error(path, f"pandoc failed: {first}")
    return result.stdout, [_warning(path, message) for message in _warnings(errors)]


def _warning(path: Path, message: str) -> Diagnostic:
    """A pandoc warning as a diagnostic, at the line and column pandoc names."""
    position = _POSITION.search(message)
    location = Location(path)
    if position:
        location = Location(path, int(position["line"]), int(position["column"]))
        message = message[: position.start()] + message[position.end() :]
    return Diagnostic(location, Severity.WARNING, "pandoc.warning", message)


def _warnings(stderr: str) -> list[str]:
    """Pandoc's warnings (and errors) from its standard error, one message each."""
    messages: list[tuple[str, list[str]]] = []
    for line in stderr.splitlines():
        match = _LOG_LINE.match(line)
        if match:
            messages.append((match["level"], [match["message"]]))
        elif messages and line.strip():
            messages[-1][1].append(line.strip())
        elif line.strip():
            messages.append(("WARNING", [line.strip()]))
    return [
        " ".join(parts).strip()
        for level, parts in messages
        if level in ("WARNING", "ERROR") and " ".join(parts).strip()
    ]


def _tool_error(path: Path, message: str) -> PipelineError:
    return PipelineError(
        Diagnostic(Location(path), Severity.ERROR, "pandoc.failed", message), category="tool"
    )


def parse(markdown: str, path: Path) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Parse Markdown into pandoc's JSON AST."""
    output, diagnostics = parse_json(markdown, path)
    return decode(output, path), diagnostics


def parse_json(markdown: str, path: Path) -> tuple[str, list[Diagnostic]]:
    """Parse Markdown into pandoc's JSON AST, as the JSON text pandoc writes."""
    return _run(markdown, "json", READER, path)


def decode(output: str, path: Path) -> dict[str, Any]:
    """The AST in pandoc's JSON text."""
    try:
        ast: dict[str, Any] = json.loads(output)
    except RecursionError:
        # Deeper than Python's own parser goes: far beyond limits.MAX_NESTING.
        raise limits.nesting_error(path) from None
    return ast


class EarlyHTML:
    """The body's HTML, rendered straight from the Markdown while it is being parsed.

    Pandoc writes the same HTML from the Markdown as from the AST it parses
    it into, so when loading leaves that AST as pandoc gave it (no comment
    stripped, nothing sanitised away), this is the body's HTML without a
    second pandoc run after the parse: on a long document a few tenths of a
    second that a build would otherwise wait for before laying out pages.
    Pandoc runs in the background (a separate process, in parallel).
    """

    def __init__(self, markdown: str, path: Path) -> None:
        self.path = path
        self._future = _background().submit(_run, markdown, "html5", READER, path)

    def result(self, ast: dict[str, Any], parsed: str) -> str | None:
        """The HTML if ``ast`` is still the one in ``parsed`` (pandoc's JSON), else ``None``."""
        try:
            output, _ = self._future.result()
        except PipelineError:
            return None  # the AST's own run will say what is wrong
        return output if ast == decode(parsed, self.path) else None

    def cancel(self) -> None:
        """Not needed after all: stop waiting for it."""
        self._future.cancel()


@functools.cache
def _background() -> concurrent.futures.ThreadPoolExecutor:
    # A thread waits for each pandoc process; the processes do the work.
    return concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="pandoc")


def to_html(ast: dict[str, Any], path: Path) -> str:
    """Render an AST (a document body) as an HTML5 fragment."""
    output, _ = _run(json.dumps(ast), "html5", "json", path)
    return output


def to_binary(
    ast: dict[str, Any], to: str, options: Sequence[str], path: Path
) -> tuple[bytes, list[Diagnostic]]:
    """Render a whole document's AST in a binary format (``docx``) with pandoc's ``options``
    (files they name are the only ones pandoc reads, sandboxed)."""
    return _execute(json.dumps(ast), to, "json", path, [*options, "--output=-"])


def default_reference_docx() -> bytes:
    """The reference document pandoc's DOCX writer styles its output with by default."""
    return _ask("--print-default-data-file", "reference.docx", check=True)


def from_html(html: str, path: Path) -> list[dict[str, Any]]:
    """The blocks pandoc's HTML reader makes of an HTML fragment."""
    output, _ = _run(html, "json", "html", path)
    blocks: list[dict[str, Any]] = decode(output, path)["blocks"]
    return blocks
