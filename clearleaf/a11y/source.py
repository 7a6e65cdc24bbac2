"""What the checks share: the source map, and one walk of each document's AST.

Positions come from :mod:`clearleaf.sourcemap` (one :class:`Source` per
file); :func:`elements` lets every check ask for the elements it needs
without walking the whole AST again (:func:`one_walk`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from clearleaf.ast import Elements, Node, walk
from clearleaf.sourcemap import Finding, Source, source_of

__all__ = ["Finding", "Node", "Source", "elements", "one_walk", "source_of", "walk"]


def elements(blocks: list[Node], *kinds: str) -> list[Node]:
    """The elements of the types ``kinds`` inside ``blocks`` (nested ones included), in order.

    Within :func:`one_walk`, every check asking about the same blocks shares
    a single walk of them.
    """
    shared = _WALKS.get()
    if shared is None:
        return [node for node in walk(blocks) if node["t"] in kinds]
    found = shared.get(id(blocks))
    if found is None:
        found = shared[id(blocks)] = (blocks, Elements(blocks))
    return found[1].of_type(*kinds)


# The walks of the blocks being checked, by id(). The blocks are kept with
# their walk, so that no other object can take their id meanwhile.
_WALKS: contextvars.ContextVar[dict[int, tuple[list[Node], Elements]] | None] = (
    contextvars.ContextVar("_WALKS", default=None)
)


@contextlib.contextmanager
def one_walk() -> Iterator[None]:
    """Let the checks run inside share their walks of each document's AST.

    Each check asks for the elements it needs (headings, links, tables ...):
    alone, each walks the whole AST. The AST does not change while the checks
    run, so inside this block the first walk of it serves them all.
    """
    token = _WALKS.set({})
    try:
        yield
    finally:
        _WALKS.reset(token)
