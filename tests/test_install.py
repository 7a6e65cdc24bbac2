"""clearleaf installed as a user installs it: its wheel, in a fresh environment, elsewhere.

The wheel is built from the project's files and installed (not editable) into
a new virtual environment; its dependencies come from this environment's
packages, so that nothing is downloaded but the build backend. Then a project
is made with ``clearleaf init`` in a folder of its own and built, as the
README's quick start says.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import CATALOGUE_FILES
from test_make import copy_project

from clearleaf.editions import EDITIONS

pytestmark = pytest.mark.install


def run(command: list[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in ``cwd``, with none of this environment's Python settings."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL")
    }
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh environment with the project's wheel installed."""
    top = tmp_path_factory.mktemp("install")
    checkout = top / "checkout"
    copy_project(checkout)
    built = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            top / "dist",
            checkout,
        ],
        top,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (top / "dist").glob("clearleaf-*.whl")
    made = run([sys.executable, "-m", "venv", top / "env"], top)
    assert made.returncode == 0, made.stderr
    bin_folder = top / "env" / "bin"
    purelib = run(
        [bin_folder / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        top,
    ).stdout.strip()
    # The dependencies, from this environment: the fresh one gets them without a download.
    (Path(purelib) / "clearleaf-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    done = run([bin_folder / "pip", "install", "--no-deps", "--no-index", "--quiet", wheel], top)
    assert done.returncode == 0, done.stderr
    return bin_folder


def test_the_wheel_carries_the_styles_and_templates(installed: Path) -> None:
    shown = run(
        [
            installed / "python",
            "-c",
            "import clearleaf, clearleaf.context as c; print(clearleaf.__file__); "
            "print(sorted(p.name for p in c.STYLES_DIR.iterdir()))",
        ],
        installed,
    )
    assert shown.returncode == 0, shown.stderr
    where, styles = shown.stdout.splitlines()
    assert where.startswith(str(installed.parent)), "clearleaf was imported from elsewhere"
    for name in ("base.css", "page.html", "fonts.conf", "profiles", "epub.css"):
        assert name in styles


def test_init_then_build_in_a_project_of_its_own(installed: Path, tmp_path: Path) -> None:
    made = run([installed / "clearleaf", "init", "leaflets"], tmp_path)
    assert made.returncode == 0, made.stderr
    project = tmp_path / "leaflets"
    assert sorted(p.name for p in project.iterdir()) == [".gitignore", "clearleaf.toml", "source"]
    built = run([installed / "clearleaf", "build", "--strict"], project)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "warning" not in built.stderr
    names = sorted(p.name for p in (project / "build").iterdir() if p.is_file())
    assert names == sorted(
        [f"washing-your-hands{e.suffix}" for e in EDITIONS.values()] + list(CATALOGUE_FILES)
    )
    added = run([installed / "clearleaf", "new", "Looking After Your Feet"], project / "source")
    assert added.returncode == 0, added.stderr
    assert (project / "source" / "looking-after-your-feet.md").is_file()


def test_the_command_calls_itself_clearleaf(installed: Path) -> None:
    commands: list[list[str | Path]] = [
        [installed / "clearleaf", "--help"],
        [installed / "python", "-m", "clearleaf", "--help"],
    ]
    for command in commands:
        shown = run(command, installed)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.startswith("Usage: clearleaf [OPTIONS] COMMAND")
    completion = run([installed / "clearleaf"], installed, _CLEARLEAF_COMPLETE="bash_source")
    assert completion.returncode == 0, completion.stderr
    assert "complete -o nosort -F _clearleaf_completion clearleaf" in completion.stdout


def test_building_needs_none_of_the_test_tools() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = " ".join(project["dependencies"]).lower()
    for tool in project["optional-dependencies"]["test"]:
        name = tool.split("==")[0].split(">")[0].lower()
        assert name not in runtime, f"{name} is a test tool, not something a build needs"
