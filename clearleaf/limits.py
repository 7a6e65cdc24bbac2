"""The limits that keep a pathological source from hanging a build, each with its error.

Every limit is a named constant here, documented in the README ("Hostile input
and limits"); each error says the limit and what to do. They are far above
anything a leaflet or booklet needs: the longest real documents (a 10,000-row
table, a 60-section booklet) build well inside them.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from clearleaf.ast import stringify
from clearleaf.errors import PipelineError, input_error
from clearleaf.sourcemap import Source

#: The largest source file, in bytes (1 MiB: about 170,000 words, or 600 A5
#: pages). Pandoc and WeasyPrint slow down more than linearly with length,
#: so a bigger file is split into several documents instead.
MAX_SOURCE_BYTES = 1024 * 1024

#: The longest line of a source, in characters. A paragraph is one line in an
#: editor that wraps softly, and 10,000 characters is about 1,600 words: more
#: is a pasted blob, not prose, and makes line breaking in the PDF crawl.
MAX_LINE_CHARS = 10_000

#: How deeply lists, quotes, call-outs, tables, notes and formatting may nest
#: inside each other. A leaflet rarely goes past 5 (a list in a list in a
#: call-out, with a bold link); beyond this the text is unreadable in print,
#: and the pipeline's tree walks would exhaust Python's recursion limit.
MAX_NESTING = 20

#: The most characters the front matter may hold once its YAML aliases
#: (``*name``) are expanded, and the most list entries. A full front matter
#: (a long description, twenty sources, keywords, contacts) is a few
#: kilobytes; aliases could otherwise turn a few kilobytes of source into a
#: web page of hundreds of megabytes, the size limit above checked too early
#: to see it.
MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_FRONT_MATTER_ITEMS = 1_000

#: How deeply arrays and objects may nest in a report ``merge-reports`` reads.
#: One that clearleaf writes is 6 levels deep at most (a hard sentence of a
#: document's readability); far deeper would exhaust Python's recursion limit
#: when the merged report is written.
MAX_REPORT_NESTING = 16

#: The longest source name (without ".md"), in bytes: the editions' names add
#: up to 16 ("-read-aloud.epub") to the 255 bytes a file system holds, and a
#: file being written has a temporary name of 32 more.
MAX_SOURCE_NAME_BYTES = 255 - 16 - 32

#: The largest image, in bytes. Every image is embedded in the web page, the
#: e-book and each PDF; a print-quality photograph is well below this.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
#: Pixels in one raster image: a small file can decode to gigabytes (a
#: "decompression bomb"); 60 million is a 10,000 by 6,000 photograph.
MAX_IMAGE_PIXELS = 60_000_000
#: The pictures one web page embeds, counting each time one is shown: the page
#: stands alone, so a picture shown twice is in it twice.
MAX_PAGE_IMAGE_BYTES = 100 * 1024 * 1024

#: Seconds pandoc may take for one run (reading a source, or writing its HTML).
#: Some inputs make pandoc's Markdown parser run away: 14 nested brackets
#: ``[[[...x...]]]`` take minutes. A 1 MiB source is read in about 2 seconds.
PANDOC_SECONDS = 60.0

#: Megabytes of memory pandoc may use (its ``+RTS -M`` heap limit, which the
#: pandoc manual recommends for untrusted input).
PANDOC_MEMORY_MB = 1024

#: Seconds WeasyPrint may take to lay out and write one PDF edition. A
#: 10,000-row table (about 300 A5 pages) takes under 3 minutes; a
#: pathological page runs until this stops it.
PDF_SECONDS = 600.0


def size_error(path: Path, size: int) -> PipelineError:
    """The error for a source larger than :data:`MAX_SOURCE_BYTES`."""
    return input_error(
        path,
        "limit.file-size",
        f"the file is {_megabytes(size)}, more than the {_megabytes(MAX_SOURCE_BYTES)} a source "
        "may be; split it into several documents",
    )


def check_lines(text: str, path: Path) -> None:
    """Refuse a line longer than :data:`MAX_LINE_CHARS`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise input_error(
                path,
                "limit.line-length",
                f"this line is {len(line):,} characters long, more than the "
                f"{MAX_LINE_CHARS:,} a line may have; break it into paragraphs "
                "(a blank line between them)",
                number,
            )


def check_nesting(tree: dict[str, Any], path: Path, source: Source) -> None:
    """Refuse an AST whose elements nest deeper than :data:`MAX_NESTING`.

    Iterative, so that it is safe on any depth the JSON parser accepted.
    """
    stack: list[tuple[Any, int]] = [(tree.get("blocks", []), 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, list):
            stack.extend((item, depth) for item in value)
        elif isinstance(value, dict):
            element = "t" in value and value["t"] not in ("Str", "Space", "SoftBreak")
            if element:
                depth += 1
                if depth > MAX_NESTING:
                    raise nesting_error(path, _line_of_text(value, source))
            stack.append((value.get("c"), depth))


def front_matter_error(
    path: Path, key: str, where: tuple[int, int], why: Literal["aliases", "endless", "long"]
) -> PipelineError:
    """The error for front matter too large, at the key where it passes the limit.

    ``why``: YAML aliases (``*name``) repeat a value, a value contains itself
    through one, or the values are simply long.
    """
    limit = (
        f"{MAX_FRONT_MATTER_CHARS:,} characters and {MAX_FRONT_MATTER_ITEMS:,} list entries in all"
    )
    message = {
        "endless": "contains itself through a YAML alias (*name), so it never ends; write the "
        "value out once instead",
        "aliases": "makes the front matter larger than it may be once its YAML aliases (*name) "
        f"are expanded ({limit}); write the value out once instead of repeating an alias",
        "long": f"makes the front matter larger than it may be ({limit}); move long text into "
        "the body",
    }[why]
    return input_error(path, "limit.front-matter-size", f"'{key}' {message}", *where)


def nesting_error(path: Path, line: int = 0) -> PipelineError:
    """The error for a source nested deeper than :data:`MAX_NESTING`."""
    return input_error(
        path,
        "limit.nesting",
        f"lists, quotes, call-outs or formatting are nested more than {MAX_NESTING} deep "
        "here; flatten the structure (no reader can follow it either)",
        line,
    )


def _line_of_text(node: Any, source: Source) -> int:
    """The line of the first words inside ``node`` that appear only once in the body, or 0."""
    words: list[str] = []
    stack = [node]
    while stack and len(words) < 20:
        value = stack.pop()
        if isinstance(value, dict):
            if value.get("t") == "Str":
                words.append(stringify(value))
            else:
                stack.append(value.get("c"))
        elif isinstance(value, list):
            stack.extend(reversed(value))
    # The first two words together, then each word alone.
    text, start = source.text, source.front_matter_end
    for needle in [" ".join(words[:2]), *words]:
        index = text.find(needle, start) if needle else -1
        if index >= 0 and text.find(needle, index + 1) < 0:
            return source.position(index)[0]
    return 0


class _Expired(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` swallows it."""


@contextlib.contextmanager
def deadline(seconds: float, error: PipelineError) -> Iterator[None]:
    """Stop the enclosed work with ``error`` once ``seconds`` have passed.

    A wall-clock alarm (``SIGALRM``), so it works only in a main thread on a
    POSIX system (the CLI and each worker process of ``--jobs``); elsewhere the
    work runs without a limit. The alarm repeats every second after it first
    fires, in case a library catches the first one.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        raise error from None
    finally:
        signal.signal(signal.SIGALRM, previous)


def time_error(path: Path, code: str, what: str, seconds: float, constant: str) -> PipelineError:
    """The error for work that ran past its time limit."""
    return input_error(
        path,
        code,
        f"{what} took longer than {seconds:g} seconds and was stopped ({constant}); "
        "something in the document makes it run away: split the document, or simplify "
        "deeply nested or very long passages",
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
