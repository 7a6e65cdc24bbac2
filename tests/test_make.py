"""`make all` in a fresh copy of the project builds every format of every source into build/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from helpers import CATALOGUE_FILES

from clearleaf.editions import EDITIONS

FALLBACK = ("clearleaf", "source", "Makefile", "pyproject.toml", "README.md")


def project_files() -> list[Path]:
    """The project's files: what git tracks (plus new, unignored files), else a fixed list."""
    has_commits = (
        subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=ROOT, capture_output=True
        ).returncode
        == 0
    )
    if not has_commits:
        return [ROOT / name for name in FALLBACK if (ROOT / name).exists()]
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return [ROOT / name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def copy_project(target: Path) -> None:
    """Copy the project's files (not build/, .venv/ or caches) into ``target``."""
    for path in project_files():
        destination = target / path.relative_to(ROOT)
        if path.is_dir():
            shutil.copytree(path, destination, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def test_make_all_builds_every_format(tmp_path: Path) -> None:
    assert (ROOT / "Makefile").is_file(), "the project has no Makefile yet"
    copy_project(tmp_path)
    assert not (tmp_path / "build").exists()
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL")}
    # VENV reuses this test's environment; SETUP= (empty) tells the Makefile not to reinstall it.
    result = subprocess.run(
        ["make", "all", f"VENV={sys.prefix}", "SETUP="],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    stems = [source.stem for source in sorted((tmp_path / "source").glob("*.md"))]
    assert stems
    expected = {stem + fmt.suffix for stem in stems for fmt in EDITIONS.values()}
    built = {path.name for path in (tmp_path / "build").iterdir() if path.is_file()}
    assert built == expected | set(CATALOGUE_FILES)
    assert all((tmp_path / "build" / name).stat().st_size > 0 for name in expected)


def test_every_edition_is_a_make_target() -> None:
    """`make html`, `make large-print` ...: the Makefile's targets come from the registry."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL")}
    result = subprocess.run(
        ["make", "-s", "help", "SETUP="], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if "EDITION" in line]
    assert line.split(":", 1)[1].split() == list(EDITIONS)
    dry = subprocess.run(
        ["make", "-n", "large-print", "SETUP="], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "--format large-print" in dry.stdout, dry.stdout + dry.stderr
