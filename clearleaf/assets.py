"""The files a source refers to (images), resolved safely inside the document's folder.

Every format gets the same answer from here, checked once when the source is
loaded: an image that is missing, remote or outside the folder is an error
with the line it is on, never a broken picture in one edition only.

Each image is also opened and identified by its content (:func:`inspect`):
one that cannot be decoded (empty, truncated, corrupt), whose content is
another format than its name says, or an SVG that could act (a script, an
event handler, a foreign object, an animation, a reference to another file
or address) is refused at its line, since the web page and the e-book would
carry it as it is.
"""

from __future__ import annotations

import io
import posixpath
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from lxml import etree

from clearleaf import ast, limits
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


def one_each(
    blocks: list[Any],
    found: dict[str, Path],
    path: Path,
    positions: dict[str, tuple[int, int]],
) -> tuple[dict[str, Path], list[PipelineError]]:
    """The images of ``blocks`` by their :func:`canonical` reference, each image once.

    Rewrites every image's address in ``blocks`` to that spelling (the editions
    then embed each file once), and refuses, at the most repeated image's first
    line, a document whose web page would embed more than
    :data:`~clearleaf.limits.MAX_PAGE_IMAGE_BYTES` of pictures.
    """
    images: dict[str, Path] = {}
    shown: dict[str, int] = {}
    first: dict[str, str] = {}
    for node in ast.walk(blocks, citations=False):
        if node["t"] != "Image":
            continue
        src = ast.target(node).url
        if src not in found:
            continue
        spelt = canonical(src)
        if spelt != src:
            ast.set_url(node, spelt)
        images.setdefault(spelt, found[src])
        shown[spelt] = shown.get(spelt, 0) + 1
        first.setdefault(spelt, src)
    sizes = {src: images[src].stat().st_size for src in images}
    total = sum(sizes[src] * count for src, count in shown.items())
    if total <= limits.MAX_PAGE_IMAGE_BYTES:
        return images, []
    most = max(shown, key=lambda src: (sizes[src] * shown[src], src))
    size = sizes[most]
    return images, [
        input_error(
            path,
            "limit.page-images",
            f"the web page would embed {total // (1024 * 1024)} MB of pictures, more than "
            f"{limits.MAX_PAGE_IMAGE_BYTES // (1024 * 1024)} MB (it stands alone, so a picture "
            f"shown twice is in it twice): '{first[most]}' ({size // 1024} kB) is shown "
            f"{shown[most]} times; show it fewer times, or save it smaller",
            *positions.get(first[most], (0, 0)),
        )
    ]


def point_images(markup: str, targets: Mapping[str, str]) -> str:
    """``markup`` (pandoc's HTML) with each image's address ``src`` replaced by
    ``targets[src]``: an image's address is its :func:`canonical` spelling, which
    HTML writes without an escape."""
    for src, target in targets.items():
        markup = markup.replace(f'src="{src}"', f'src="{target}"')
    return markup


def canonical(src: str) -> str:
    """The one spelling of a local image reference: its path from the document's folder,
    percent-encoded, without ``./``, a query (``?v=2``) or a fragment.

    ``x.png``, ``./x.png``, ``x.png?v=2`` and ``sub/../x.png`` are one image, shown
    and embedded as one; a name with a space, a quote, ``<`` or ``#`` is written so
    that every edition finds the file (and pandoc and the page's HTML need no escape).
    """
    return quote(posixpath.normpath(unquote(urlsplit(src).path)))


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
    problem = inspect(target)
    if problem:
        code, why = problem
        raise input_error(path, code, f"image '{src}' {why}", *where)
    return target


#: The first bytes of each raster format, by media type.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)

_FORMAT_NAMES = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/svg+xml": "SVG",
    "image/webp": "WebP",
}


def identify(data: bytes) -> str | None:
    """The media type of an image from its content, or None if it is none of
    :data:`IMAGE_TYPES`."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data.lower():
        return "image/svg+xml"
    return None


def inspect(path: Path) -> tuple[str, str] | None:
    """Why the image file ``path`` cannot be published, as (code, reason), or None."""
    data = path.read_bytes()
    named = media_type(path)
    kind = identify(data)
    if not data:
        return "asset.broken", "is an empty file; save the picture again"
    if kind is None:
        return (
            "asset.broken",
            f"is not a {_FORMAT_NAMES[named]} picture, or any other image (its content is "
            "damaged or of another kind); save the picture again as PNG, JPEG, GIF, SVG or WebP",
        )
    if kind != named:
        return (
            "asset.mislabelled",
            f"holds a {_FORMAT_NAMES[kind]} picture, not {_FORMAT_NAMES[named]} as its name "
            f"says; rename it to end in {IMAGE_TYPES[kind]}",
        )
    if kind == "image/svg+xml":
        return _svg_problem(data)
    return _raster_problem(data)


def _raster_problem(data: bytes) -> tuple[str, str] | None:
    """Whether the raster image ``data`` decodes whole (a truncated file does not)."""
    from PIL import Image, ImageFile  # WeasyPrint's own image library

    # WeasyPrint tells Pillow to draw truncated images as far as they go, for
    # the whole process; here a truncated image must fail to load.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > limits.MAX_IMAGE_PIXELS:
                    return (
                        "limit.image-size",
                        f"is {image.width} by {image.height} pixels, more than "
                        f"{limits.MAX_IMAGE_PIXELS // 1_000_000} million; save it smaller",
                    )
                image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning):
        return "asset.broken", "cannot be decoded: it is damaged or cut short; save it again"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return None


_SVG = "http://www.w3.org/2000/svg"
#: What a reference inside an SVG may point at: itself, or a raster picture it carries.
_INSIDE = ("#", "data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
_XLINK = "http://www.w3.org/1999/xlink"
#: SVG elements that run, move or show another document.
_ACTIVE_SVG = {
    "script": "a script",
    "foreignObject": "a foreign object (HTML inside the picture)",
    "animate": "an animation",
    "animateMotion": "an animation",
    "animateTransform": "an animation",
    "set": "an animation",
    "iframe": "a frame",
    "handler": "a script",
    "listener": "a script",
}


def _svg_problem(data: bytes) -> tuple[str, str] | None:
    """Why the SVG ``data`` cannot be published as it is, or None."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        return "asset.broken", f"is not well-formed SVG ({error}); save the picture again"
    if root.tag != f"{{{_SVG}}}svg":
        return "asset.broken", "is XML but not an SVG picture; save the picture again as SVG"
    found: list[str] = []
    if root.getroottree().docinfo.internalDTD is not None:
        found.append("a DOCTYPE with its own declarations")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        namespace = etree.QName(element).namespace
        if namespace not in (_SVG, None):
            found.append(f"an element <{name}> from outside SVG")
        elif name in _ACTIVE_SVG:
            found.append(f"{_ACTIVE_SVG[name]} (<{name}>)")
        for key, raw in element.attrib.items():
            value = raw.decode() if isinstance(raw, bytes) else str(raw)
            attribute = etree.QName(key).localname.lower()
            if attribute.startswith("on"):
                found.append(f"an event handler ({attribute})")
            elif attribute == "href" and not value.strip().startswith(_INSIDE):
                found.append(f"a reference to another file or address ({value.strip()[:60]})")
            elif "url(" in value.replace(" ", "").lower() and not _local_urls(value):
                found.append("a reference to another file or address in a style")
        if (
            name == "style"
            and element.text
            and ("@import" in element.text or not _local_urls(element.text))
        ):
            found.append("a style sheet that loads another file or address")
    if not found:
        return None
    listed = ", ".join(dict.fromkeys(found))
    return (
        "asset.svg-active",
        f"contains {listed}, which no edition may carry (the pipeline publishes no scripts and "
        "nothing that moves, and reads no other file); export the picture again as plain SVG, "
        "or delete those parts",
    )


def _local_urls(css: str) -> bool:
    """Whether every ``url(...)`` in ``css`` points inside the picture (``#id``) or is data."""
    for match in re.finditer(r"url\(\s*['\"]?([^'\")]*)", css, re.IGNORECASE):
        if not match[1].strip().startswith(_INSIDE):
            return False
    return True


def media_type(path: Path) -> str:
    """The media type of a file, from its name."""
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
