"""Rebuild what a saved change affects, for an editor working on a leaflet.

Polling, not file-system events: it needs no extra dependency, works the same
on every platform and in containers, and a leaflet's folder is small. Each
round compares the modification times and sizes of the sources, the files
beside them and the styles; on a change it runs an ordinary build, whose
up-to-date check renders only what the change affects.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from clearleaf.context import STYLES_DIR

Snapshot = dict[Path, tuple[int, int]]


def snapshot(paths: Sequence[Path], styles: Path = STYLES_DIR) -> Snapshot:
    """The modification time and size of every file a build of ``paths`` may read."""
    found: Snapshot = {}
    for root in [*paths, styles]:
        folder = root.parent if root.is_file() else root  # a source's images sit beside it
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            try:
                stat = path.stat()
            except OSError:
                continue  # deleted between listing and looking: the next round sees it
            if path.is_file():
                found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def watch(
    paths: Sequence[Path],
    rebuild: Callable[[], object],
    interval: float = 0.5,
    rounds: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Build once, then again after every change; return how many builds ran.

    ``rounds`` bounds the number of polls (for tests); by default it runs
    until interrupted.
    """
    builds = 1
    rebuild()
    seen = snapshot(paths)
    polled = 0
    while rounds is None or polled < rounds:
        sleep(interval)
        polled += 1
        now = snapshot(paths)
        if now != seen:
            seen = now
            rebuild()
            builds += 1
    return builds
