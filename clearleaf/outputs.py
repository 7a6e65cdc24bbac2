"""Writing outputs so that a reader, or the next build, never sees half a file.

Each file is written to a temporary file beside it and renamed over the old
one (:func:`write_atomic`); a build writes only once every document has
rendered, with Ctrl-C and ``kill`` held back meanwhile (:func:`signals_deferred`),
and removes what a killed build left behind (:func:`remove_stale_temporaries`).

One build (or ``clearleaf clean``) at a time writes into an output folder
(:func:`held`): a second build into it waits for the first, so that neither
removes the other's temporary files nor interleaves its outputs. A folder
that cannot be written (read-only, full, not a folder at all) is a clear
error naming it. So is a file the command line names (``--report``), checked
before the work whose result it is (:func:`probe`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from clearleaf.errors import Diagnostic, Location, PipelineError, Severity, display_path

#: How the temporary files start: hidden, and recognisably the pipeline's. The
#: writing process's id follows, so that a file is removed only once its
#: writer is gone.
TEMPORARY_PREFIX = ".clearleaf-tmp-"
#: A temporary file as :func:`write_atomic` names it: the prefix, the writer's
#: process id (absent in the first releases' names), the target's name and
#: mkstemp's eight random characters.
_TEMPORARY = re.compile(re.escape(TEMPORARY_PREFIX) + r"(?:(\d+)-)?.+\.[a-z0-9_]{8}\Z", re.DOTALL)

#: Why a file cannot be written, and what to do, by ``errno``.
_REASONS = {
    errno.ENOSPC: ("the disk is full", "free some space"),
    errno.EDQUOT: ("the disk quota is used up", "free some space"),
    errno.EFBIG: ("the file is larger than this system allows", "choose another --out folder"),
    errno.EROFS: ("the folder is on a read-only file system", "choose another --out folder"),
    errno.EACCES: ("there is no permission to write there", "choose another --out folder"),
    errno.EPERM: ("there is no permission to write there", "choose another --out folder"),
}


def output_error(path: Path, error: OSError) -> PipelineError:
    """The error for an output (or the output folder) at ``path`` that cannot be written."""
    reason, advice = _REASONS.get(
        error.errno or 0, (error.strerror or str(error), "choose another --out folder")
    )
    full = error.errno in (errno.ENOSPC, errno.EDQUOT)
    folder = path if path.is_dir() else path.parent
    return PipelineError(
        Diagnostic(
            Location(path),
            Severity.ERROR,
            "output.disk-full" if full else "output.unwritable",
            f"cannot write in {display_path(folder)}: {reason}; {advice} and build again "
            "(nothing was left half written)",
        ),
        category="usage",
    )


def file_error(path: Path, option: str, error: OSError) -> PipelineError:
    """The usage error for a file the command line names with ``option`` (``--report``) that
    cannot be written at ``path``: it names the option, the file and why."""
    known = _REASONS.get(error.errno or 0)
    reason = known[0] if known else error.strerror or str(error)
    # mkdir says "File exists" or "Not a directory" when a file stands where a
    # folder must be: name that file instead.
    for folder in path.parents:
        if folder.is_symlink() and not folder.exists():
            reason = (
                f"{display_path(folder)} is a symbolic link to {os.readlink(folder)}, "
                "which does not exist"
            )
            break
        if folder.exists():
            if not folder.is_dir():
                reason = f"{display_path(folder)} is a file, not a folder"
            break
    full = error.errno in (errno.ENOSPC, errno.EDQUOT)
    return PipelineError(
        Diagnostic(
            Location(Path(option)),
            Severity.ERROR,
            "usage.unwritable",
            f"cannot write {display_path(path)}: {reason}; "
            + (
                "free some space, or choose a folder on another disk"
                if full
                else "choose a folder you can write"
            ),
        ),
        category="usage",
    )


def probe(target: Path, option: str) -> None:
    """Make sure that a file can be written at ``target``, which the command line names with
    ``option``, before the work whose result it is: raise :func:`file_error` if not.

    A file is written in its folder, or in the nearest one that exists (where
    the missing ones will be made), and removed at once: nothing is left, not
    even a folder, should the command stop before it writes ``target``.
    """
    folder = target.parent
    while not (folder.exists() or folder.is_symlink()) and folder != folder.parent:
        folder = folder.parent
    try:
        _probe(folder)  # a file or a dangling link in the way fails here too
    except OSError as error:
        raise file_error(target, option, error) from None


def _probe(folder: Path) -> None:
    """Write a file in ``folder`` and remove it; raise the OSError that says why it cannot be."""
    handle, probe_file = tempfile.mkstemp(
        prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-probe.", dir=folder
    )
    os.close(handle)
    os.unlink(probe_file)


def file_hash(path: Path) -> str:
    """The SHA-256 (hex) of a regular file's bytes, or "" when it is none or cannot be read
    (a pipe or a device named in a damaged manifest is never opened: it could block)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return ""
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def write_atomic(target: Path, data: bytes, option: str | None = None) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the whole new one.

    Raises :func:`output_error` when it cannot be written, or :func:`file_error`
    for a file the command line names with ``option`` (``--report``).
    """
    put(stage(target, data, option), target, option)


def _error(target: Path, error: OSError, option: str | None) -> PipelineError:
    return output_error(target, error) if option is None else file_error(target, option, error)


def stage(target: Path, data: bytes, option: str | None = None) -> Path:
    """Write ``data`` to a temporary file beside ``target`` and return it, for :func:`put`.

    A build stages each document's files as soon as they are rendered, so
    that it holds no document's bytes while it renders the next, and puts them
    in place once every document has rendered. A staged file a killed build
    leaves behind is removed by the next (:func:`remove_stale_temporaries`).
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-{target.name}.", dir=target.parent
        )
    except OSError as error:
        raise _error(target, error, option) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _error(target, error, option) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def put(temporary: Path, target: Path, option: str | None = None) -> None:
    """Put a staged file in place of ``target`` (one rename: the old file or the new one)."""
    try:
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise _error(target, error, option) from None


def remove_stale_temporaries(out_dir: Path) -> list[Path]:
    """Delete the temporary files of writers that are gone (a killed build's; they were
    never complete outputs), and return them. A live process's are left to it, and a
    file that only looks like one (another name after the prefix, a folder, a link) is
    not touched."""
    removed = []
    if out_dir.is_dir():
        for stale in out_dir.rglob(f"{TEMPORARY_PREFIX}*"):
            # Only a file named exactly as the writer names its own, whose writer is
            # gone: a user's file that merely starts with the prefix is theirs.
            made = _TEMPORARY.match(stale.name)
            if (
                made
                and not stale.is_symlink()
                and stale.is_file()
                and (made[1] is None or not _alive(int(made[1])))
            ):
                stale.unlink(missing_ok=True)
                removed.append(stale)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with id ``pid`` exists (a zombie, already dead, does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return True


@contextlib.contextmanager
def held(out_dir: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold the output folder ``out_dir`` for one build, creating it if need be.

    If another build holds it, ``waiting()`` is called and this one waits for
    it to finish. The hold is a lock on the folder itself (``flock``), which
    the system releases when its holder ends, however it ends; nothing is
    written to hold it. A folder removed while this one waited (``clearleaf
    clean`` removes an output folder it empties) is made again and held anew.
    """
    told = False
    while True:
        _prepare(out_dir)
        folder = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            try:
                fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not told:
                    waiting()
                    told = True
                fcntl.flock(folder, fcntl.LOCK_EX)
            if _same_folder(folder, out_dir):
                yield
                return
        finally:
            os.close(folder)


def _same_folder(descriptor: int, path: Path) -> bool:
    """Whether the folder open as ``descriptor`` is still the one at ``path``."""
    try:
        now = os.stat(path)
    except OSError:
        return False
    held_folder = os.fstat(descriptor)
    return (now.st_dev, now.st_ino) == (held_folder.st_dev, held_folder.st_ino)


def _prepare(out_dir: Path) -> None:
    """Make sure ``out_dir`` is a folder this process can write in, or say why it is not."""
    if out_dir.is_symlink() and not out_dir.exists():
        raise _folder_error(
            out_dir,
            f"is a symbolic link to {os.readlink(out_dir)}, which does not exist; create that "
            "folder, or choose another with --out",
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise _folder_error(out_dir, "is a file, not a folder; choose another with --out")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # Written before anything is rendered, so that an unwritable folder
        # costs no rendering; removed at once.
        _probe(out_dir)
    except OSError as error:
        raise output_error(out_dir, error) from None


def _folder_error(out_dir: Path, what: str) -> PipelineError:
    return PipelineError(
        Diagnostic(
            Location(out_dir),
            Severity.ERROR,
            "usage.output-folder",
            f"the output folder {display_path(out_dir)} {what}",
        ),
        category="usage",
    )


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
