"""Every finding of a source in one run: front matter, refused constructs and the checks.

An editor with a source full of mistakes learns of all of them at once, each
on its own ``path:line:column:`` line, rather than one a run; nothing of the
document is written, and no traceback is printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from clearleaf.cli import cli

MANY = """\
---
title: Many Problems
lang: english
organisation: Clearleaf Test Trust
description: A source with a mistake of every kind.
published: 2026-02-30
next_reveiw: 2030-01-15
---

Opening paragraph with <script>alert(1)</script> in it.

## Title {#main}

Say [bore da]{lnag=cy}, then see ![](missing.png).

::: toc
A block that would be hidden in print.
:::

For help [click here](https://example.org/help) or [](https://example.org/empty).

A note.[^1]

[^1]: One.

[^1]: Two.

#### Skipped A Level
"""

#: Every problem of MANY: (line, column, severity, code).
EXPECTED = [
    (3, 1, "error", "meta.bad-language"),
    (6, 1, "error", "meta.bad-date"),
    (7, 1, "error", "meta.unknown-key"),
    (10, 24, "warning", "source.unsafe-html"),
    (12, 12, "error", "source.reserved-id"),
    (14, 15, "error", "source.unknown-attribute"),
    (14, 34, "error", "asset.missing"),
    (14, 34, "error", "a11y.img-alt"),
    (16, 1, "error", "source.reserved-class"),
    (20, 10, "warning", "a11y.link-text"),
    (20, 52, "error", "a11y.link-empty"),
    (26, 1, "error", "source.duplicate-note"),
    (28, 1, "warning", "a11y.heading-order"),
]

LINE = re.compile(r"^many\.md:(\d+):(\d+): (error|warning|note) ([a-z0-9]+\.[a-z-]+): .+$")


@pytest.fixture
def many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = Path("many.md")
    path.write_text(MANY, encoding="utf-8")
    return path


def reported(output: str) -> list[tuple[int, int, str, str]]:
    found = []
    for line in output.splitlines():
        match = LINE.match(line)
        if match:
            found.append((int(match[1]), int(match[2]), match[3], match[4]))
    return sorted(found)


@pytest.mark.parametrize("command", ["check", "build"])
def test_every_problem_in_one_run(many: Path, tmp_path: Path, command: str) -> None:
    out = tmp_path / "out"
    options = ["--out", str(out)] if command == "build" else ["--quiet"]
    result = CliRunner().invoke(cli, [command, *options, str(many)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert reported(result.output) == sorted(EXPECTED), result.output
    # Each problem once, on a line of its own that says how to fix it.
    problems = [line for line in result.output.splitlines() if LINE.match(line)]
    assert len(problems) == len(set(problems)) == len(EXPECTED)
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]


def test_the_messages_name_what_is_in_the_source(many: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--quiet", str(many)])
    text = result.output
    assert "'lang': 'english' is not a language tag; for English write en" in text
    assert "did you mean 'next_review'?" in text
    assert "meta.missing-key" not in text  # the misspelt key says what is missing
    assert "HTML <script> removed" in text
    assert "did you mean 'lang'?" in text
    assert "image 'missing.png' does not exist" in text


def test_a_source_with_one_mistake_gets_one_line(tmp_path: Path) -> None:
    source = (FIXTURES / "checks" / "a11y.img-alt-pass.md").read_text(encoding="utf-8")
    (tmp_path / "stripes.png").write_bytes((FIXTURES / "stripes.png").read_bytes())
    path = tmp_path / "one.md"
    path.write_text(source.replace("published: 2026-01-15", "published: 2026-13-01"), "utf-8")
    result = CliRunner().invoke(cli, ["check", "--quiet", str(path)])
    assert result.exit_code == 2
    assert [line for line in result.output.splitlines() if " error " in line] == [
        f"{path}:6:1: error meta.bad-date: 'published' must be a real date written "
        "YYYY-MM-DD, not '2026-13-01'"
    ]
