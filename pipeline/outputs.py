"""Writing outputs so that a reader, or the next build, never sees half a file.

Each file is written to a temporary file beside it and renamed over the old
one (:func:`write_atomic`); a build writes only once every document has
rendered, with Ctrl-C and ``kill`` held back meanwhile (:func:`signals_deferred`),
and removes what a killed build left behind (:func:`remove_stale_temporaries`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

#: How the temporary files start: hidden, and recognisably the pipeline's.
TEMPORARY_PREFIX = ".clearleaf-tmp-"


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the whole new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f"{TEMPORARY_PREFIX}{target.name}.", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(out_dir: Path) -> None:
    """Delete temporary files a killed build left behind (they were never complete outputs)."""
    if out_dir.is_dir():
        for stale in out_dir.rglob(f"{TEMPORARY_PREFIX}*"):
            stale.unlink(missing_ok=True)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold back Ctrl-C and ``kill`` (SIGINT, SIGTERM) until the block is done, then deliver them.

    Writing the outputs takes milliseconds; cut short, it would leave some
    documents new and some old. Only the main thread can set handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    deferred = (signal.SIGINT, signal.SIGTERM)
    previous = {
        number: signal.signal(number, lambda n, _f: received.append(n)) for number in deferred
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for held in dict.fromkeys(received):
            signal.raise_signal(held)
