"""The source accessibility checks (clearleaf.a11y) and the ``check`` command.

Each check is shown failing on ``fixtures/checks/<code>-fail.md`` at the
lines and columns written out below, and quiet on ``<code>-pass.md``. The
fixtures go through the real loader and the real pandoc.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CONSTRUCTS_SOURCE, LEAFLET_SOURCE, ROOT
from helpers import CATALOGUE_FILES, front_matter

from clearleaf.a11y import CHECKS as ALL_CHECKS
from clearleaf.a11y import run_checks
from clearleaf.a11y.source import walk
from clearleaf.cli import cli
from clearleaf.document import load
from clearleaf.errors import Diagnostic, Severity

CHECK_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"

#: The accessibility checks of the source (test_quality.py has the meta.* ones).
CHECKS = {code: check for code, check in ALL_CHECKS.items() if code.startswith("a11y.")}

#: Where each failing fixture must be reported: (line, column), in source order.
EXPECTED: dict[str, list[tuple[int, int]]] = {
    "a11y.img-alt": [(17, 1), (19, 29)],
    "a11y.heading-order": [(17, 1), (25, 1), (32, 1)],
    "a11y.literal-heading": [(16, 1), (21, 1)],
    "a11y.heading-in-list": [(18, 3), (20, 4)],
    "a11y.empty-heading": [(17, 1), (21, 1)],
    "a11y.link-text": [(15, 12), (17, 33), (19, 19)],
    "a11y.link-empty": [(15, 16), (17, 28)],
    "a11y.link-text-language": [(15, 10)],
    "a11y.link-bare-url": [(15, 7), (17, 9), (19, 9), (23, 11)],
    "a11y.table-header": [(17, 1), (26, 1), (33, 1)],
    "a11y.all-caps": [(17, 1), (19, 1), (21, 27)],
    "a11y.italic-emphasis": [(17, 9), (19, 9), (21, 14)],
}

#: What each passing fixture must contain, so that a pass is not a pass by absence.
PASS_CONTAINS: dict[str, tuple[str, int]] = {
    "a11y.img-alt": ("Image", 3),
    "a11y.heading-order": ("Header", 5),
    "a11y.literal-heading": ("Header", 2),
    "a11y.heading-in-list": ("Header", 1),
    "a11y.empty-heading": ("Header", 2),
    "a11y.link-text": ("Link", 4),
    "a11y.link-empty": ("Link", 2),
    "a11y.link-text-language": ("Link", 1),
    "a11y.link-bare-url": ("Link", 2),
    "a11y.table-header": ("Table", 3),
    "a11y.all-caps": ("Header", 2),
    "a11y.italic-emphasis": ("Strong", 1),
}

# The brief's pattern, with digits allowed in the code: 'a11y.link-text'.
DIAGNOSTIC_LINE = re.compile(r"^[^:]+:\d+:\d+: (error|warning|note) a11y\.[a-z0-9-]+: .+$")

FRONT_MATTER = front_matter()

ERROR_SOURCE = FRONT_MATTER + "For advice [](https://example.org).\n"
WARNING_SOURCE = FRONT_MATTER + "This is *very* important.\n"
CLEAN_SOURCE = FRONT_MATTER + "Read the [advice on opioids](https://example.org).\n"


def fixture(code: str, outcome: str) -> Path:
    """The fixture for ``code``: ``outcome`` is ``fail`` or ``pass``."""
    return CHECK_FIXTURES / f"{code}-{outcome}.md"


def diagnose(path: Path) -> list[Diagnostic]:
    """Every diagnostic of loading and checking ``path``."""
    document = load(path)
    return [*document.diagnostics, *run_checks(document)]


def write_file(folder: Path, name: str, text: str) -> Path:
    """Write a source into ``folder`` and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the registry -------------------------------------------------------------


def test_every_check_has_expectations_and_fixtures() -> None:
    assert set(CHECKS) == set(EXPECTED) == set(PASS_CONTAINS)
    for code in CHECKS:
        assert fixture(code, "fail").is_file(), code
        assert fixture(code, "pass").is_file(), code


@pytest.mark.parametrize("code", list(CHECKS))
def test_check_is_documented(code: str) -> None:
    check = CHECKS[code]
    assert check.code == code
    assert re.fullmatch(r"a11y\.[a-z]+(-[a-z0-9]+)*", code)
    assert check.severity in (Severity.ERROR, Severity.WARNING, Severity.NOTE)
    assert check.description and "\n" not in check.description
    assert check.rule.__doc__, f"{code}: the rule needs a docstring"


# -- each check on its fixtures -----------------------------------------------


#: What a failing fixture also gets, by the nature of what it breaks: a language
#: with no list of generic link words has no catalogue of the page's own words.
ALSO = {"a11y.link-text-language": "i18n.no-catalogue"}


@pytest.mark.parametrize("code", list(CHECKS))
def test_failing_fixture(code: str) -> None:
    path = fixture(code, "fail")
    found = [d for d in diagnose(path) if d.code != ALSO.get(code)]
    # Only this check fires: the fixture breaks one rule and nothing else.
    assert {d.code for d in found} == {code}, [str(d) for d in found]
    assert [(d.location.line, d.location.column) for d in found] == EXPECTED[code]
    for diagnostic in found:
        assert diagnostic.severity is CHECKS[code].severity
        assert diagnostic.location.path == path
        assert DIAGNOSTIC_LINE.match(str(diagnostic)), str(diagnostic)


@pytest.mark.parametrize("code", list(CHECKS))
def test_passing_fixture(code: str) -> None:
    path = fixture(code, "pass")
    document = load(path)
    kind, count = PASS_CONTAINS[code]
    assert sum(node["t"] == kind for node in walk(document.blocks)) == count
    assert [str(d) for d in diagnose(path)] == []


#: What the source holds at each expected position: the start of the construct.
CONSTRUCT_START: dict[str, str] = {
    "a11y.img-alt": r"!\[\]\(",
    "a11y.heading-order": r"#{3,6} \w",
    "a11y.literal-heading": r"#{2,3} \w",
    "a11y.heading-in-list": r"#{1,2} \w",
    "a11y.empty-heading": r"##(?: \.\.\.)?$",
    "a11y.link-text": r"\[",
    "a11y.link-empty": r"\[",
    "a11y.link-text-language": r"\[",
    "a11y.link-bare-url": r"<https://|\[(?:https://|www\.)",
    "a11y.table-header": r"\||-{3}|\+-",
    "a11y.all-caps": r"(?:## )?[A-Z]{2,} [A-Z]{2,}",
    "a11y.italic-emphasis": r"[*_]\w",
}


@pytest.mark.parametrize("code", list(CHECKS))
def test_location_points_at_the_construct(code: str) -> None:
    """The line and column point at the construct itself, not merely somewhere near it."""
    lines = fixture(code, "fail").read_text(encoding="utf-8").split("\n")
    for line, column in EXPECTED[code]:
        rest = "\n".join(lines[line - 1 :])[column - 1 :]
        assert re.match(CONSTRUCT_START[code], rest, re.MULTILINE), (code, line, column, rest[:30])


def test_results_are_sorted_and_repeatable() -> None:
    document = load(fixture("a11y.link-text", "fail"))
    first = run_checks(document)
    assert first == run_checks(document)
    positions = [(d.location.line, d.location.column) for d in first]
    assert positions == sorted(positions)


def test_messages_say_how_to_fix() -> None:
    found = diagnose(fixture("a11y.img-alt", "fail"))
    assert "stripes.png" in found[0].message
    assert "{.decorative}" in found[0].message
    heading = diagnose(fixture("a11y.heading-order", "fail"))[0]
    assert "'##'" in heading.message


# -- behaviour beyond the fixtures ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[Click here!](https://example.org)", ["a11y.link-text"]),
        ("[  THIS PAGE ](https://example.org)", ["a11y.link-text"]),
        ("[more →](https://example.org)", ["a11y.link-text"]),
        ("[example.org](https://example.org/)", ["a11y.link-bare-url"]),
        ("[Heroin and the brain](https://example.org)", []),
        ("[Here is our clinic's map](https://example.org)", []),
        ("<help@example.org>", []),
    ],
)
def test_link_text_variants(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = write_file(tmp_path, "links.md", FRONT_MATTER + text + "\n")
    assert [d.code for d in diagnose(path)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DO NOT TAKE A DOUBLE DOSE.", 1),  # single capitals do not break a run
        ("CALL 999 NOW PLEASE.", 0),  # three words, the number does not count
        ("CALL 999 NOW PLEASE HURRY.", 1),
        ("The NHS GP BSL team.", 0),  # acronyms, fewer than four in a row
        ("The NHS GP BSL RNIB team.", 1),
        ("Use `SELECT NAME FROM PATIENTS` here.", 0),  # code is not prose
    ],
)
def test_capitals_runs(tmp_path: Path, text: str, expected: int) -> None:
    path = write_file(tmp_path, "caps.md", FRONT_MATTER + text + "\n")
    found = [d for d in diagnose(path) if d.code == "a11y.all-caps"]
    assert len(found) == expected, [str(d) for d in found]


def test_headings_in_code_and_comments_do_not_shift_locations(tmp_path: Path) -> None:
    body = (
        "<!--\n## not a heading\n-->\n\n"
        "```\n## not a heading either\n```\n\n"
        "## A Section\n\n#### Skipped\n"
    )
    path = write_file(tmp_path, "masked.md", FRONT_MATTER + body)
    found = diagnose(path)
    assert [(d.code, d.location.line, d.location.column) for d in found] == [
        ("a11y.heading-order", 25, 1)
    ]


def test_same_image_twice_gets_two_lines(tmp_path: Path) -> None:
    (tmp_path / "stripes.png").write_bytes((CHECK_FIXTURES / "stripes.png").read_bytes())
    body = "![Stripes](stripes.png)\n\nText ![](stripes.png).\n\nMore ![](stripes.png).\n"
    path = write_file(tmp_path, "twice.md", FRONT_MATTER + body)
    found = diagnose(path)
    assert [(d.code, d.location.line, d.location.column) for d in found] == [
        ("a11y.img-alt", 17, 6),
        ("a11y.img-alt", 19, 6),
    ]


def test_nested_and_reference_constructs_are_located(tmp_path: Path) -> None:
    (tmp_path / "stripes.png").write_bytes((CHECK_FIXTURES / "stripes.png").read_bytes())
    body = (
        "A reference image: ![][pic].\n\n"  # line 15
        "[pic]: stripes.png\n\n"
        "- An item\n\n"
        "    #### Pandoc reads this indented line as text\n\n"  # not a heading
        "> ## A Quoted Section\n\n"  # line 23
        "## Later\n\n"
        "#### A Real Skip\n"  # line 27
    )
    path = write_file(tmp_path, "nested.md", FRONT_MATTER + body)
    found = diagnose(path)
    assert [(d.code, d.location.line, d.location.column) for d in found] == [
        ("a11y.img-alt", 15, 20),
        ("a11y.heading-order", 27, 1),
    ]


def test_decorative_image_has_empty_alt_in_html() -> None:
    """Pandoc writes no alt attribute for an empty alt; the fragment repair adds alt=""."""
    html = load(fixture("a11y.img-alt", "pass")).body_html
    images = re.findall(r"<img\b[^>]*>", html)
    assert len(images) == 3
    decorative = [tag for tag in images if 'class="decorative"' in tag]
    assert len(decorative) == 1
    assert re.search(r'\salt=""', decorative[0])
    assert all(re.search(r"\salt=", tag) for tag in images)


# -- the real documents -------------------------------------------------------


def test_leaflet_passes_every_check() -> None:
    found = [str(d) for d in diagnose(LEAFLET_SOURCE) if d.code.startswith("a11y.")]
    assert found == []


def test_constructs_fixture_passes_every_check() -> None:
    assert [str(d) for d in diagnose(CONSTRUCTS_SOURCE)] == []


def test_readme_table_lists_every_check() -> None:
    """The README's table was written from the registry; it must not drift from it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| `((?:a11y|meta|readability|pdf|i18n)\.[a-z0-9-]+)` \| (error|warning|note) \|",
        readme,
        re.M,
    )
    assert rows == [(code, check.severity.value) for code, check in ALL_CHECKS.items()]


# -- the command line ---------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    """A runner that keeps standard error apart from standard output."""
    return CliRunner()


def test_check_clean_source(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["check", str(write_file(tmp_path, "clean.md", CLEAN_SOURCE))])
    assert result.exit_code == 0, result.output
    assert "checked 1 of 1 document(s): no problems found\n" in result.stdout
    assert result.stderr == ""


def test_check_default_is_the_source_folder(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    documents = len(list((ROOT / "source").glob("*.md")))
    assert f"checked {documents} of {documents} document(s)" in result.stdout


@pytest.mark.parametrize("code", list(CHECKS))
def test_check_reports_findings(runner: CliRunner, code: str) -> None:
    result = runner.invoke(cli, ["check", "--quiet", str(fixture(code, "fail"))])
    severity = CHECKS[code].severity
    assert result.exit_code == (1 if severity is Severity.ERROR else 0), result.output
    *findings, summary = result.stdout.splitlines()
    also = [line for line in findings if f" {ALSO.get(code)}: " in line]
    findings = [line for line in findings if line not in also]
    assert len(findings) == len(EXPECTED[code])
    for line in findings:
        assert DIAGNOSTIC_LINE.match(line), line
        assert f" {code}: " in line
    count = len(EXPECTED[code])
    expected = {
        Severity.ERROR: f": {count} error(s), 0 warning(s)",
        Severity.WARNING: f": 0 error(s), {count} warning(s)",
        Severity.NOTE: ": no problems found",
    }[severity]
    if also:  # warnings of their own, counted beside this check's findings
        expected = f": 0 error(s), {len(also)} warning(s)"
    assert summary == f"checked 1 of 1 document(s){expected}"
    assert result.stderr == ""


def test_check_strict_fails_on_warnings(runner: CliRunner) -> None:
    path = str(fixture("a11y.italic-emphasis", "fail"))
    assert runner.invoke(cli, ["check", path]).exit_code == 0
    result = runner.invoke(cli, ["check", "--strict", path])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1].endswith("(--strict: warnings fail)")


def test_check_strict_passes_a_clean_source(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", "--strict", str(fixture("a11y.img-alt", "pass"))])
    assert result.exit_code == 0, result.output


def test_check_missing_language_is_an_input_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_file(tmp_path, "nolang.md", CLEAN_SOURCE.replace("lang: en-GB\n", ""))
    result = runner.invoke(cli, ["check", "nolang.md"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(r"nolang\.md:\d+:\d+: error meta\.missing-key: .*'lang'.*", lines[0])
    assert result.stdout == "checked 0 of 1 document(s); could not read: nolang.md\n"


def test_check_input_error_wins_over_findings(runner: CliRunner, tmp_path: Path) -> None:
    broken = write_file(tmp_path, "broken.md", "no front matter\n")
    result = runner.invoke(cli, ["check", str(broken), str(fixture("a11y.img-alt", "fail"))])
    assert result.exit_code == 2
    assert "source.no-front-matter" in result.stderr
    assert "a11y.img-alt" in result.stdout


def test_check_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["check", str(tmp_path / "nowhere.md")])
    assert result.exit_code == 2
    assert "usage.no-such-source" in result.stderr


def test_checks_lists_the_registry(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["checks"])
    assert result.exit_code == 0
    rows = [line.split(maxsplit=2) for line in result.stdout.splitlines()]
    assert [(code, severity) for code, severity, _ in rows] == [
        (code, check.severity.value) for code, check in ALL_CHECKS.items()
    ]
    assert [description for *_, description in rows] == [
        check.description for check in ALL_CHECKS.values()
    ]


# -- build runs the checks first ----------------------------------------------


def test_build_writes_nothing_for_a_source_with_an_error(runner: CliRunner, tmp_path: Path) -> None:
    source = write_file(tmp_path, "leaflet.md", ERROR_SOURCE)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(source), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert not out.exists() or list(out.iterdir()) == []
    assert "error a11y.link-empty" in result.stderr
    assert "built 0 of 1 document(s), 0 file(s); failed:" in result.stderr


def test_build_still_builds_the_other_documents(runner: CliRunner, tmp_path: Path) -> None:
    bad = write_file(tmp_path, "bad.md", ERROR_SOURCE)
    good = write_file(tmp_path, "good.md", CLEAN_SOURCE)
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["build", str(bad), str(good), "--format", "txt", "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        ["good.txt", *CATALOGUE_FILES]
    )


def test_build_prints_warnings_but_builds(runner: CliRunner, tmp_path: Path) -> None:
    source = write_file(tmp_path, "leaflet.md", WARNING_SOURCE)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(source), "--format", "txt", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        ["leaflet.txt", *CATALOGUE_FILES]
    )
    warnings = [line for line in result.stderr.splitlines() if DIAGNOSTIC_LINE.match(line)]
    assert len(warnings) == 1
    assert "warning a11y.italic-emphasis" in warnings[0]


def test_build_strict_refuses_a_source_with_a_warning(runner: CliRunner, tmp_path: Path) -> None:
    source = write_file(tmp_path, "leaflet.md", WARNING_SOURCE)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", "--strict", str(source), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert not out.exists() or list(out.iterdir()) == []
    assert "warning a11y.italic-emphasis" in result.stderr


def test_build_input_error_is_exit_2_even_with_findings(runner: CliRunner, tmp_path: Path) -> None:
    bad = write_file(tmp_path, "bad.md", ERROR_SOURCE)
    broken = write_file(tmp_path, "broken.md", CLEAN_SOURCE.replace("lang: en-GB\n", ""))
    result = runner.invoke(cli, ["build", str(bad), str(broken), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    codes = Counter(re.findall(r"(?:error|warning) ([a-z0-9]+\.[a-z-]+):", result.stderr))
    assert codes == Counter({"a11y.link-empty": 1, "meta.missing-key": 1})
