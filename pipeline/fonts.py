"""The project's typeface, installed as a Python dependency, never taken from the machine.

Atkinson Hyperlegible (SIL OFL 1.1) was designed by the Braille Institute for
low-vision readers. Stylesheets in ``styles/`` refer to its files as
``fonts/<file>.ttf``; each format resolves that name here.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import fontpkg_atkinson_hyperlegible

FAMILY = "Atkinson Hyperlegible"
FONT_DIR = Path(fontpkg_atkinson_hyperlegible.ROOT) / "files"
LICENSE = Path(fontpkg_atkinson_hyperlegible.ROOT) / "LICENSE"

#: ``url("fonts/NAME.ttf")`` in a stylesheet.
FONT_URL = re.compile(r"""url\(\s*["']?fonts/([A-Za-z0-9._-]+\.ttf)["']?\s*\)""")


def font_file(name: str) -> Path | None:
    """The installed file for ``fonts/<name>``, or ``None`` if the project has no such font."""
    candidate = FONT_DIR / name
    return candidate if candidate.parent == FONT_DIR and candidate.is_file() else None


def referenced(css: str) -> list[str]:
    """The font file names a stylesheet refers to, in order, without repeats."""
    return list(dict.fromkeys(FONT_URL.findall(css)))


def inline(css: str) -> str:
    """Replace each font reference by a ``data:`` URL, for self-contained HTML."""

    def replace(match: re.Match[str]) -> str:
        path = font_file(match[1])
        if path is None:
            raise FileNotFoundError(f"styles refer to fonts/{match[1]}, which is not installed")
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'url("data:font/ttf;base64,{data}")'

    return FONT_URL.sub(replace, css)
