"""WeasyPrint loaded with precompiled C declarations: same PDFs, and a fallback when stale."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import LEAFLET_SOURCE, ROOT

from clearleaf.formats import _weasyprint_cdef, weasyprint_ffi


def _shipped_ffi() -> Path:
    package = importlib.util.find_spec("weasyprint")
    assert package is not None and package.submodule_search_locations
    return Path(package.submodule_search_locations[0]) / "text" / "ffi.py"


def _run(code: str, inline: bool = False) -> str:
    env = dict(os.environ)
    env.pop(weasyprint_ffi.SWITCH, None)
    if inline:
        env[weasyprint_ffi.SWITCH] = "inline"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_table_matches_the_installed_weasyprint() -> None:
    """Fails after a WeasyPrint upgrade until ``make weasyprint-ffi`` is run."""
    match = weasyprint_ffi.declarations(_shipped_ffi().read_text(encoding="utf-8"))
    assert match is not None, "WeasyPrint no longer declares its C functions in one ffi.cdef()"
    assert weasyprint_ffi.digest(match[1]) == _weasyprint_cdef.DIGEST, (
        "clearleaf/formats/_weasyprint_cdef.py is stale: run `make weasyprint-ffi`"
    )


def _fake_package(folder: Path, source: str) -> list[str]:
    text = folder / "text"
    text.mkdir(parents=True)
    (text / "ffi.py").write_text(source, encoding="utf-8")
    return [str(text)]


def test_the_finder_uses_the_table_for_the_declarations_it_was_made_from(tmp_path: Path) -> None:
    source = _shipped_ffi().read_text(encoding="utf-8")
    spec = weasyprint_ffi._Finder().find_spec(
        weasyprint_ffi.TARGET, _fake_package(tmp_path, source)
    )
    assert spec is not None and isinstance(spec.loader, weasyprint_ffi._Loader)
    patched = spec.loader.source
    assert "ffi.cdef(" not in patched
    assert f"from {weasyprint_ffi.TABLE} import ffi" in patched
    # Same line count, so tracebacks point at WeasyPrint's real lines.
    assert patched.count("\n") == source.count("\n")


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.replace("hb_face_destroy (hb_face_t *face);", "hb_face_destroy (void);", 1),
        lambda s: s.replace("ffi.cdef('''", "ffi.cdef(r'''", 1),
    ],
    ids=["other-declarations", "other-layout"],
)
def test_other_declarations_load_weasyprint_as_it_ships(
    tmp_path: Path, change: Callable[[str], str]
) -> None:
    source = _shipped_ffi().read_text(encoding="utf-8")
    changed = change(source)
    assert changed != source
    found = weasyprint_ffi._Finder().find_spec(
        weasyprint_ffi.TARGET, _fake_package(tmp_path, changed)
    )
    assert found is None


def test_other_modules_are_left_alone() -> None:
    assert weasyprint_ffi._Finder().find_spec("weasyprint.text.fonts", None) is None


ACTIVE = (
    "import clearleaf.formats.pdf\n"
    "from clearleaf.formats import weasyprint_ffi\n"
    "print(weasyprint_ffi.active())"
)


def test_the_pdf_format_loads_the_table_unless_switched_off() -> None:
    assert _run(ACTIVE) == "True"
    assert _run(ACTIVE, inline=True) == "False"


RENDER = f"""
import sys
from pathlib import Path
from clearleaf.document import load
from clearleaf.scheduler import render_one
sys.stdout.write(render_one(load(Path({str(LEAFLET_SOURCE)!r})), "pdf").data.hex())
"""


def test_the_pdf_is_byte_identical_either_way() -> None:
    fast, shipped = _run(RENDER), _run(RENDER, inline=True)
    assert bytes.fromhex(fast).startswith(b"%PDF-")
    assert fast == shipped
