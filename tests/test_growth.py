"""How the work grows with the document: ratios measured side by side in one run.

No absolute time is asserted (speed is measured by ``bench/``): a real
document and the same document four times over are checked in turn, and the
second may take at most :data:`LIMIT` times the first. Work that grows with
the size gives about 4; work that grows with its square, about 16.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from conftest import ROOT

from clearleaf import build, readability
from clearleaf.document import load

#: The most a fourfold document may cost, against the one: linear with room for noise.
LIMIT = 6.0
REAL = ROOT / "tests" / "real" / "healthcare-gov-preventive-care-benefits.md"
T = TypeVar("T")


def repeated(folder: Path, times: int) -> Path:
    """The real document with its body written ``times`` times over."""
    front, body = REAL.read_text(encoding="utf-8").split("\n---\n", 1)
    path = folder / f"times-{times}.md"
    path.write_text(front + "\n---\n" + body * times, encoding="utf-8")
    return path


def growth(work: Callable[[T], object], small: T, large: T) -> float:
    """How many times longer ``work`` takes on ``large`` than on ``small``: the best of
    three runs of each, alternated, so that the machine's load falls on both alike."""
    best = [float("inf"), float("inf")]
    for _ in range(3):
        for index, given in enumerate((small, large)):
            started = time.perf_counter()
            work(given)
            best[index] = min(best[index], time.perf_counter() - started)
    return best[1] / best[0]


def test_check_grows_with_the_document_not_its_square(tmp_path: Path) -> None:
    one, four = repeated(tmp_path, 1), repeated(tmp_path, 4)
    assert growth(lambda path: build.check([path]), one, four) <= LIMIT


def test_locating_sentences_grows_with_the_document_not_its_square(tmp_path: Path) -> None:
    one, four = load(repeated(tmp_path, 1)), load(repeated(tmp_path, 4))
    assert growth(readability.sentences_of, one, four) <= LIMIT


def test_the_ratio_catches_work_that_grows_with_the_square() -> None:
    """The measure is not blind: reading the text again for each sentence (as locating
    sentences once did, for those it could not find) grows past the limit."""

    def rescan(words: list[str]) -> int:
        return sum(1 for start in range(len(words)) for word in words[start:] if word == "x")

    words = ["the", "x", "of", "a", "leaflet"]
    assert growth(rescan, words * 100, words * 400) > LIMIT
