"""The files a source refers to (images), resolved safely inside the document's folder.

Every format gets the same answer from here, checked once when the source is
loaded: an image that is missing, remote or outside the folder is an error
with the line it is on, never a broken picture in one edition only.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from clearleaf import limits
from clearleaf.errors import PipelineError, input_error
from clearleaf.sourcemap import Source

#: Image types every reading system and browser shows (EPUB 3.3 core media types).
IMAGE_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/svg+xml": ".svg",
    "image/webp": ".webp",
}


#: Media types by file suffix, for everything a format embeds: images, styles,
#: fonts. A table of our own rather than :mod:`mimetypes`, whose answers come
#: from the machine's ``/etc/mime.types`` and so differ between machines.
MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".icc": "application/vnd.iccprofile",
}


def resolve_all(
    sources: list[str],
    folder: Path,
    path: Path,
    source: Source,
    positions: dict[str, tuple[int, int]] | None = None,
) -> tuple[dict[str, Path], list[PipelineError]]:
    """Each usable image reference with its file, and an error for each that is not.

    ``positions`` gives where each reference is in the source; otherwise its
    first mention in the text is.
    """
    found: dict[str, Path] = {}
    errors: list[PipelineError] = []
    for src in dict.fromkeys(sources):
        where = (positions or {}).get(src) or source.locate_text(src)
        try:
            found[src] = _resolve(src, folder, path, where)
        except PipelineError as error:
            errors.append(error)
    return found, errors


def _resolve(src: str, folder: Path, path: Path, where: tuple[int, int]) -> Path:
    """The file the image reference ``src`` names, checked."""
    root = folder.resolve()
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith("/"):
        raise input_error(
            path,
            "asset.not-local",
            f"image '{src}' must be a file next to the source, not an address or "
            "absolute path; copy it into the document's folder",
            *where,
        )
    target = (root / unquote(parts.path)).resolve()
    if not target.is_relative_to(root):
        raise input_error(
            path,
            "asset.outside-folder",
            f"image '{src}' is outside the document's folder; copy it next to the source",
            *where,
        )
    if not target.is_file():
        raise input_error(
            path,
            "asset.missing",
            f"image '{src}' does not exist; check the file name",
            *where,
        )
    if target.stat().st_size > limits.MAX_IMAGE_BYTES:
        raise input_error(
            path,
            "limit.image-size",
            f"image '{src}' is larger than {limits.MAX_IMAGE_BYTES // (1024 * 1024)} MB; "
            "save it smaller (every edition embeds it)",
            *where,
        )
    if media_type(target) not in IMAGE_TYPES:
        raise input_error(
            path,
            "asset.image-type",
            f"image '{src}' is not PNG, JPEG, GIF, SVG or WebP; convert it to one of them",
            *where,
        )
    return target


def media_type(path: Path) -> str:
    """The media type of a file, from its name."""
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
