"""Text for the benchmark's generated documents, taken from the user's leaflet.

The generators (:mod:`make_catalogue`, :mod:`make_long`) recombine the
leaflet's own paragraphs, list items and headings, so that the generated
documents read like real patient information (same sentence lengths, same
vocabulary, same share of bold list labels) and pass the pipeline's checks
without a warning.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

#: The user's leaflet, the benchmark's scenario (a) and the text of the others.
LEAFLET = Path(__file__).resolve().parent.parent / "source" / "what-does-heroin-do-to-the-brain.md"

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class Corpus:
    """The reusable pieces of a source's body."""

    #: Plain paragraphs, one string each (no line breaks).
    paragraphs: tuple[str, ...]
    #: List items without their ``- `` marker, most of them ``**Label:** text``.
    items: tuple[str, ...]
    #: Section headings (``##``) without the hashes.
    headings: tuple[str, ...]


def body_of(text: str) -> str:
    """The body of a source: everything after its YAML front matter."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        for number, line in enumerate(lines[1:], start=1):
            if line.strip() in ("---", "..."):
                return "\n".join(lines[number + 1 :])
    return text


def load(path: Path = LEAFLET) -> Corpus:
    """Split the body of ``path`` into paragraphs, list items and headings.

    Editor's notes (HTML comments) are dropped, and so is everything from the
    first fenced div on: the leaflet's call-out is unfinished text.
    """
    body = _COMMENT.sub("", body_of(path.read_text(encoding="utf-8")))
    body = body.split("\n:::", 1)[0]
    paragraphs: list[str] = []
    items: list[str] = []
    headings: list[str] = []
    for block in re.split(r"\n\s*\n", body):
        block = " ".join(line.strip() for line in block.strip().splitlines())
        if not block:
            continue
        if block.startswith("#"):
            headings.append(block.lstrip("#").strip())
        elif block.startswith("- "):
            items.append(block[2:].strip())
        else:
            paragraphs.append(block)
    if not paragraphs or not items or not headings:
        raise SystemExit(f"{path}: expected paragraphs, list items and headings to reuse")
    return Corpus(tuple(paragraphs), tuple(items), tuple(headings))


def png(width: int, height: int, seed: int) -> bytes:
    """A small RGB PNG, written with zlib and struct: a bar chart in a few colours.

    ``seed`` varies the bars, so that each figure of a document is its own file.
    """
    palette = [(0x1D, 0x4E, 0x89), (0x2E, 0x7D, 0x32), (0xB2, 0x3A, 0x48), (0x6A, 0x1B, 0x9A)]
    bars = 8
    bar_width = width // bars
    heights = [height * (20 + (seed * 37 + index * 53) % 75) // 100 for index in range(bars)]
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type 0 (None) for every scanline
        for x in range(width):
            bar = min(x // bar_width, bars - 1)
            inside = x % bar_width < bar_width - 4 and height - y <= heights[bar]
            row += bytes(palette[(bar + seed) % len(palette)] if inside else (0xFA, 0xFA, 0xF7))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def front_matter(
    title: str,
    description: str,
    slug: str,
    keywords: list[str],
    subtitle: str | None = None,
) -> str:
    """Complete, valid front matter: contact, feedback and sources, so no check warns.

    The reading-age target is the schema's maximum (25): the text is the
    leaflet's, whose reading age (23) is above the default target of 11, and
    the benchmark measures builds, not prose.
    """
    lines = [
        "---",
        f"title: {title}",
        *([f"subtitle: {subtitle}"] if subtitle else []),
        "lang: en-GB",
        "organisation: Example NHS Foundation Trust",
        "authors:",
        "  - Substance misuse service",
        "description: >-",
        f"  {description}",
        "published: 2026-05-01",
        "reviewed: 2026-05-01",
        "next_review: 2030-05-01",
        'version: "1.0"',
        "contact:",
        "  phone: 0300 123 4567",
        "  email: support@example.org",
        f"  web: https://example.org/{slug}",
        "feedback: Email support@example.org to tell us what you think of this document.",
        f"url: https://leaflets.example.org/{slug}.html",
        "sources:",
        '  - "NICE. Drug misuse prevention: targeted interventions (NG64), 2017."',
        '  - "Department of Health. Drug misuse and dependence: UK guidelines, 2017."',
        "keywords:",
        *[f"  - {keyword}" for keyword in keywords],
        "rights: © 2026 Example NHS Foundation Trust",
        "reading_age_target: 25",
        "---",
        "",
    ]
    return "\n".join(lines)
