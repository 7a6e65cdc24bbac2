"""A project of its own: clearleaf.toml's defaults, folders, checks and branding; init and new."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import front_matter

from clearleaf import config, project
from clearleaf.cli import cli
from clearleaf.document import load
from clearleaf.verdict import judge

TODAY = dt.date(2026, 11, 24)

SHARED = """\
[project]
url_base = "https://leaflets.example.org"

[defaults]
organisation = "Example Health Board"
feedback = "Email help@example.org to tell us what you think."
rights = "© 2026 Example Health Board"

[defaults.contact]
phone = "0300 123 4567"

[checks]
"a11y.italic-emphasis" = "error"
"meta.missing-sources" = "ignore"

[folders."north"]
organisation = "North Clinic"

[folders."north".checks]
"a11y.italic-emphasis" = "ignore"

[folders."north/children"]
feedback = "Ask a nurse for a feedback card."
"""

BARE = """\
---
title: A Leaflet
lang: en-GB
description: What the leaflet covers.
published: 2026-01-15
next_review: 2030-01-15
---

Some *italic* words.
"""


@pytest.fixture
def here(tmp_path: Path) -> Iterator[Path]:
    """A project folder as the working folder."""
    previous = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(previous)


def make(root: Path, settings: str, sources: dict[str, str]) -> None:
    (root / "clearleaf.toml").write_text(settings, encoding="utf-8")
    if settings is SHARED:  # its folders must exist
        (root / "source" / "north" / "children").mkdir(parents=True)
    for name, text in sources.items():
        path = root / "source" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def invoke(*arguments: str) -> Result:
    result = CliRunner().invoke(cli, list(arguments))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


# -- defaults, folders, the web address --------------------------------------------


def test_defaults_fill_what_a_source_leaves_out_and_the_source_wins(here: Path) -> None:
    own = front_matter("Own").replace("Clearleaf Test Trust", "Its Own Trust")
    make(here, SHARED, {"bare.md": BARE, "own.md": own + "Text.\n"})
    bare = load(here / "source" / "bare.md")
    assert bare.meta.organisation == "Example Health Board"
    assert bare.meta.rights == "© 2026 Example Health Board"
    assert bare.meta.contact is not None and bare.meta.contact.phone == "0300 123 4567"
    assert bare.meta.url == "https://leaflets.example.org/bare.html"
    mine = load(here / "source" / "own.md")
    assert mine.meta.organisation == "Its Own Trust"
    assert mine.meta.feedback == "Email help@example.org."


def test_the_deepest_folder_wins(here: Path) -> None:
    make(here, SHARED, {"north/a.md": BARE, "north/children/b.md": BARE, "south/c.md": BARE})
    a, b, c = (
        load(here / "source" / name) for name in ("north/a.md", "north/children/b.md", "south/c.md")
    )
    assert (a.meta.organisation, b.meta.organisation, c.meta.organisation) == (
        "North Clinic",
        "North Clinic",
        "Example Health Board",
    )
    assert b.meta.feedback == "Ask a nurse for a feedback card."
    assert a.meta.feedback == "Email help@example.org to tell us what you think."
    assert b.meta.url == "https://leaflets.example.org/north/children/b.html"


def test_a_check_takes_the_severity_the_project_gives_it(here: Path) -> None:
    make(here, SHARED, {"a.md": BARE, "north/b.md": BARE})
    found = {d.code: d.severity.value for d in judge(load(here / "source" / "a.md")).diagnostics}
    assert found["a11y.italic-emphasis"] == "error"
    assert "meta.missing-sources" not in found
    north = {d.code for d in judge(load(here / "source" / "north" / "b.md")).diagnostics}
    assert "a11y.italic-emphasis" not in north
    # Ignoring a check does not make its failures conform.
    certified = BARE.replace("---\n\n", "certified_by: Example Health Board\n---\n\n")
    (here / "source" / "north" / "c.md").write_text(certified, encoding="utf-8")
    assert not judge(load(here / "source" / "north" / "c.md")).claimed


def test_a_changed_clearleaf_toml_rebuilds(here: Path) -> None:
    make(here, SHARED, {"a.md": BARE.replace("*italic*", "plain")})
    assert invoke("build", "-f", "txt", "--jobs", "1").exit_code == 0
    again = invoke("build", "-f", "txt", "--jobs", "1")
    assert "up to date" in again.output
    settings = here / "clearleaf.toml"
    settings.write_text(SHARED.replace("Example Health Board", "Renamed Board"), encoding="utf-8")
    assert invoke("build", "-f", "txt", "--jobs", "1").exit_code == 0
    assert "Renamed Board" in (here / "build" / "a.txt").read_text(encoding="utf-8")


# -- the command line's defaults ---------------------------------------------------


def test_the_project_sets_the_commands_defaults_and_options_override_them(here: Path) -> None:
    make(
        here,
        '[project]\nsource = "docs"\nout = "public"\nformats = ["txt"]\n\n[defaults]\n'
        'organisation = "Example Health Board"\n',
        {},
    )
    (here / "docs" / "sub").mkdir(parents=True)
    (here / "docs" / "sub" / "a.md").write_text(BARE, encoding="utf-8")
    os.chdir(here / "docs" / "sub")  # anywhere in the project
    assert invoke("build", "--jobs", "1").exit_code == 0
    assert sorted(p.name for p in (here / "public" / "sub").iterdir()) == ["a.txt"]
    assert invoke("build", "--jobs", "1", "-f", "html", "--out", str(here / "other")).exit_code == 0
    assert sorted(p.name for p in (here / "other" / "sub").iterdir()) == ["a.html"]


# -- mistakes in clearleaf.toml ------------------------------------------------------


def test_every_mistake_in_clearleaf_toml_is_named_with_its_line(here: Path) -> None:
    make(
        here,
        "[project]\n"
        "formts = ['html']\n"  # 2
        "formats = ['htm']\n"  # 3
        "[defaults]\n"
        "organisaton = 'x'\n"  # 5
        "lang = '=or'\n"  # 6
        "[checks]\n"
        "'a11y.img-alt' = 'off'\n"  # 8
        "'a11y.imgalt' = 'error'\n"  # 9
        "[branding]\n"
        "link = '#ffff00'\n"  # 11
        "logo = 'logo.png'\n"  # 12
        "[folder]\n",  # 13
        {"a.md": BARE},
    )
    result = invoke("build")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("clearleaf.toml")]
    expected = [
        ("2:1", "config.unknown-key", "did you mean 'formats'?"),
        ("3:1", "config.unknown-format", "'htm' is not a format; did you mean 'html'?"),
        ("5:1", "config.unknown-key", "did you mean 'organisation'?"),
        ("6:1", "meta.bad-language", "'=or'"),
        ("8:1", "config.wrong-type", '"error", "warning" or "ignore"'),
        ("9:1", "config.unknown-check", "did you mean 'a11y.img-alt'?"),
        (
            "11:1",
            "config.contrast",
            "links in a call-out: #ffff00 on #fff7cc has a contrast of 1.01",
        ),
        (
            "11:1",
            "config.contrast",
            "links on the page: #ffff00 on #ffffff has a contrast of 1.07:1",
        ),
        ("12:1", "config.logo-alt", "needs 'logo_alt'"),
        ("12:1", "config.missing-file", "the logo 'logo.png' does not exist"),
        ("13:1", "config.unknown-key", "unknown table [folder]; did you mean 'folders'?"),
    ]
    for (place, code, says), line in zip(expected, sorted(lines, key=_order), strict=True):
        assert line.startswith(f"clearleaf.toml:{place}: error {code}:"), line
        assert says in line, line
    assert not (here / "build").exists()


def _order(line: str) -> tuple[int, str]:
    return int(line.split(":")[1]), line


def test_toml_that_cannot_be_read_is_named_with_its_place(here: Path) -> None:
    make(here, '[project]\nout = "build\n', {"a.md": BARE})
    result = invoke("check")
    assert result.exit_code == 2
    assert result.output.startswith("clearleaf.toml:2:")
    assert "config.syntax" in result.output and "not valid TOML" in result.output


def test_branding_colours_with_contrast_are_accepted(here: Path) -> None:
    (here / "logo.png").write_bytes(
        (Path(__file__).parent / "fixtures" / "stripes.png").read_bytes()
    )
    make(
        here,
        "[branding]\nlogo = 'logo.png'\nlogo_alt = 'Example Health Board'\nlink = '#005EB8'\n"
        "callout_background = '#e8f1f8'\n",
        {},
    )
    loaded = config.for_folder(here)
    assert loaded.branding.colours == {"--link": "#005eb8", "--callout-background": "#e8f1f8"}
    assert loaded.branding.logo == (here / "logo.png").resolve()
    assert config.contrast("#000000", "#ffffff") == pytest.approx(21.0)


# -- init and new ----------------------------------------------------------------------


def test_init_makes_a_project_whose_example_has_no_warning(here: Path) -> None:
    result = invoke("init", "leaflets", "--organisation", 'St "Mary\'s" Clinic')
    assert result.exit_code == 0, result.output
    root = here / "leaflets"
    assert (root / ".gitignore").read_text(encoding="utf-8") == "build/\n"
    assert config.for_folder(root).defaults["organisation"] == 'St "Mary\'s" Clinic'
    os.chdir(root)
    checked = invoke("check", "--strict", "--quiet")
    assert checked.exit_code == 0, checked.output
    assert "no problems found" in checked.output
    again = invoke("init")
    assert again.exit_code == 2
    assert "is a clearleaf project already" in again.output


def test_new_adds_a_dated_source_from_the_template(here: Path) -> None:
    project.init(here, TODAY)
    made = project.new("Golchi Dwylo: Canllaw", here / "source", TODAY)
    (path,) = made.files
    assert path == here / "source" / "golchi-dwylo-canllaw.md"
    meta = load(path).meta
    assert meta.title == "Golchi Dwylo: Canllaw"
    assert (meta.published, meta.next_review) == (TODAY, dt.date(2028, 11, 24))
    assert meta.organisation == "Example Health Service"
    assert project.review_date(dt.date(2028, 2, 29)) == dt.date(2030, 2, 28)
    result = invoke("new", "Golchi Dwylo: Canllaw")
    assert result.exit_code == 2 and "a source of this name exists" in result.output


def test_new_outside_a_project_says_how_to_make_one(here: Path) -> None:
    result = invoke("new", "A Leaflet")
    assert result.exit_code == 2
    assert "not in a clearleaf project" in result.output and "clearleaf init" in result.output


def test_the_init_template_names_every_key_it_sets_in_the_schema() -> None:
    loaded = config.load_text(
        project._template("clearleaf.toml").substitute(
            organisation="O",
            lang="en-GB",
            phone="0300 123 4567",
            email="a@example.org",
            year="2026",
        )
    )
    assert json.dumps(sorted(loaded.defaults)) == json.dumps(
        ["contact", "feedback", "lang", "organisation", "rights"]
    )


def test_the_projects_wording_of_a_message_is_used_and_checked(here: Path) -> None:
    welsh = BARE.replace("lang: en-GB", "lang: cy").replace("Some *italic* words.", "Geiriau.")
    make(
        here,
        '[defaults]\norganisation = "Bwrdd Iechyd"\n\n[messages.cy]\n"Contents" = "Tabl cynnwys"\n',
        {"a.md": welsh},
    )
    assert invoke("build", "-f", "html", "--jobs", "1").exit_code == 0
    page = (here / "build" / "a.html").read_text(encoding="utf-8")
    assert ">Tabl cynnwys</h2>" in page
    (here / "clearleaf.toml").write_text(
        "[messages.cy]\n"
        '"Contents" = "Tabl cynnwys"\n'
        '"Contnets" = "x"\n'  # 3
        '"Page {page} of {pages}" = "Tudalen {page}"\n',  # 4
        encoding="utf-8",
    )
    result = invoke("check")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if "config.bad-message" in line]
    assert (
        lines[0].startswith("clearleaf.toml:3:1:") and "not one of clearleaf's messages" in lines[0]
    )
    assert lines[1].startswith("clearleaf.toml:4:1:") and "{page}, {pages}" in lines[1]
