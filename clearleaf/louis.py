"""liblouis, the braille translator, through its C interface.

liblouis is installed from the operating system (Debian: ``liblouis-data``,
which brings ``liblouis20``); PyPI has no usable wheel of it, and its own
Python binding (Debian's ``python3-louis``) is installed for the system's
Python only, not for a virtual environment. This module loads the shared
library with :mod:`ctypes` instead, so that clearleaf works in any Python
of the machine, and says which package to install when it is missing.

Only what the braille editions use: translation to Unicode braille
(``unicode.dis`` first in every table list, so that each cell is one
character U+2800-U+28FF), back-translation, and checking that a table
compiles. liblouis keeps its compiled tables in memory and is not
thread-safe; a lock serialises the calls.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import enum
import functools
import os
import threading

#: Where the library and its tables come from, for the message when they are missing.
INSTALL = "install liblouis (Debian and Ubuntu: sudo apt-get install liblouis-data liblouis-bin)"

#: Every table list begins with this display table: cells come out as Unicode braille.
UNICODE = "unicode.dis"

_LOG_OFF = 60000
_lock = threading.Lock()


class Typeform(enum.IntFlag):
    """How a passage is set, for liblouis' emphasis indicators (``formtype`` in C)."""

    PLAIN = 0
    ITALIC = 1
    UNDERLINE = 2
    BOLD = 4


class Unavailable(RuntimeError):
    """liblouis or its tables are not installed."""


@functools.cache
def _library() -> ctypes.CDLL:
    # CLEARLEAF_LIBLOUIS names the library where the system does not find it
    # (a build of liblouis in /opt, Homebrew's on macOS). Otherwise the
    # library's own name first: ctypes.util.find_library runs a program
    # (ldconfig), which a build does not do unless it must.
    given = os.environ.get("CLEARLEAF_LIBLOUIS")
    candidates = [given] if given else ["liblouis.so.20", None]
    library = None
    for name in candidates:
        name = name or ctypes.util.find_library("louis")
        if name is None:
            continue
        try:
            library = ctypes.CDLL(name)
            break
        except OSError:
            continue
    if library is None:
        raise Unavailable(f"the braille editions need liblouis, which is not installed: {INSTALL}")
    library.lou_version.restype = ctypes.c_char_p
    library.lou_charSize.restype = ctypes.c_int
    library.lou_checkTable.restype = ctypes.c_void_p
    library.lou_checkTable.argtypes = (ctypes.c_char_p,)
    library.lou_setLogLevel.restype = None
    library.lou_setLogLevel.argtypes = (ctypes.c_int,)
    # A table that does not compile is reported by what this module returns,
    # not by liblouis writing to the terminal.
    library.lou_setLogLevel(_LOG_OFF)
    return library


def available() -> str | None:
    """``None`` when liblouis and its English table can be used, else what to install."""
    try:
        if check_table("en-ueb-g2.ctb"):
            return None
    except Unavailable as exc:
        return str(exc)
    return f"liblouis is installed but its tables are not: {INSTALL}"


def version() -> str:
    """liblouis' version ("3.24.0")."""
    return bytes(_library().lou_version()).decode()


def installed_version() -> str:
    """liblouis' version, or "missing"."""
    try:
        return version()
    except Unavailable:
        return "missing"


@functools.cache
def check_table(table: str) -> bool:
    """Whether the table list ``table`` (after :data:`UNICODE`) is installed and compiles."""
    with _lock:
        return bool(_library().lou_checkTable(f"{UNICODE},{table}".encode()))


def _width() -> int:
    return int(_library().lou_charSize())


def _encode(text: str) -> tuple[ctypes.Array[ctypes.c_char], int]:
    encoding = "utf-32-le" if _width() == 4 else "utf-16-le"
    data = text.encode(encoding, "surrogatepass")
    return ctypes.create_string_buffer(data, len(data) + _width()), len(data) // _width()


def _decode(buffer: ctypes.Array[ctypes.c_char], length: int) -> str:
    encoding = "utf-32-le" if _width() == 4 else "utf-16-le"
    return buffer.raw[: length * _width()].decode(encoding, "surrogatepass")


#: liblouis' ``noUndefined`` mode: a character the table has no sign for is left out.
_NO_UNDEFINED = 128


def translate(
    table: str, text: str, typeforms: list[int] | None = None, *, strict: bool = False
) -> str:
    """``text`` in braille, by the table list ``table``: one Unicode braille character a
    cell (U+2800 for a blank cell). ``typeforms`` holds one :class:`Typeform` a character.

    With ``strict``, a character the table has no sign for is left out;
    otherwise liblouis spells it as a backslash, ``x`` and its code point.
    """
    return _convert("lou_translateString", table, text, typeforms, _NO_UNDEFINED if strict else 0)


def back_translate(table: str, cells: str) -> str:
    """The print ``cells`` (Unicode braille) stand for, by the table list ``table``."""
    return _convert("lou_backTranslateString", table, cells, None, 0)


def _convert(function: str, table: str, text: str, typeforms: list[int] | None, mode: int) -> str:
    """``text`` through liblouis' ``function`` (which both directions share the form of)."""
    if not text:
        return ""
    inbuf, inlen = _encode(text)
    capacity = inlen * 8 + 64
    outbuf = ctypes.create_string_buffer(capacity * _width())
    in_length = ctypes.c_int(inlen)
    out_length = ctypes.c_int(capacity)
    forms = None if typeforms is None else (ctypes.c_ushort * capacity)(*typeforms[:capacity])
    with _lock:
        done = getattr(_library(), function)(
            f"{UNICODE},{table}".encode(),
            inbuf,
            ctypes.byref(in_length),
            outbuf,
            ctypes.byref(out_length),
            forms,
            None,
            mode,
        )
    if not done:
        raise RuntimeError(f"liblouis could not convert with {table} ({function})")
    if in_length.value < inlen:
        raise RuntimeError(f"liblouis converted {in_length.value} of {inlen} characters")
    return _decode(outbuf, out_length.value)


@functools.cache
def sign(table: str, char: str) -> str:
    """The cells the table list ``table`` writes for ``char`` alone; empty if it has no sign."""
    return translate(table, char, strict=True)


def defines(table: str, char: str) -> bool:
    """Whether the table list ``table`` has a sign for ``char``."""
    return bool(sign(table, char))
