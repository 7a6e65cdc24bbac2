"""Golden outputs: the reviewed web page, and the bytes of every edition of the fixtures.

A change that should not change what an edition holds (a refactoring, a
faster path) must leave every byte as it was; ``golden/editions.sha256`` holds
the SHA-256 of every edition of the canonical leaflet and the constructs
fixture, and ``golden/constructs.html`` the whole web page, to be read in a
review. After a deliberate change to an edition, regenerate both with
``UPDATE_GOLDEN=1 make test-fast`` and review the diff.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from conftest import Built, build_all

from clearleaf.context import Context
from clearleaf.editions import EDITIONS

GOLDEN = Path(__file__).resolve().parent / "golden"
HASHES = GOLDEN / "editions.sha256"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _hashes(documents: list[Built]) -> list[str]:
    lines = []
    for built in documents:
        for fmt in EDITIONS.values():
            path = built.folder / (built.source.stem + fmt.suffix)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.name}")
    return lines


def test_every_edition_is_byte_for_byte_the_golden_one(leaflet: Built, constructs: Built) -> None:
    actual = _hashes([leaflet, constructs])
    if UPDATE:
        HASHES.write_text("\n".join(actual) + "\n", encoding="utf-8")
    assert HASHES.is_file(), "no golden hashes; run with UPDATE_GOLDEN=1 and review the outputs"
    expected = HASHES.read_text(encoding="utf-8").splitlines()
    changed = [line.split()[1] for line in actual if line not in expected]
    assert changed == [], f"these editions changed: {changed}"


@pytest.mark.parametrize("name", ["constructs"])
def test_web_page_matches_its_golden_file(request: pytest.FixtureRequest, name: str) -> None:
    built: Built = request.getfixturevalue(name)
    golden = GOLDEN / f"{built.source.stem}.html"
    actual = built.read("html")
    if UPDATE:
        golden.write_bytes(actual)
    assert golden.is_file(), f"no golden file {golden.name}; run with UPDATE_GOLDEN=1 and review it"
    assert actual.decode("utf-8").splitlines() == golden.read_text(encoding="utf-8").splitlines()


def test_no_edition_depends_on_where_the_source_is(constructs: Built, tmp_path: Path) -> None:
    """A checkout in another folder (CI's, a colleague's) gives the same bytes.

    The PDFs once named their images by a hash of the image's absolute address.
    """
    elsewhere = tmp_path / "another" / "checkout"
    elsewhere.mkdir(parents=True)
    for path in constructs.source.parent.iterdir():
        if path.is_file():
            shutil.copy2(path, elsewhere / path.name)
    out = build_all(
        elsewhere / constructs.source.name, tmp_path / "out", Context(source_date_epoch=None)
    )
    moved = Built(
        name="moved", source=elsewhere / constructs.source.name, folder=out, meta=constructs.meta
    )
    assert _hashes([moved]) == _hashes([constructs])
