"""The machine-readable report (``--report``) of ``build`` and ``check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LEAFLET_SOURCE

from clearleaf.cli import cli

BAD = """\
---
title: Broken
lang: en-GB
organisation: Test
description: A source with a misspelt key.
published: 2026-01-01
next_reveiw: 2027-01-01
---

Text.
"""


@pytest.fixture(scope="module")
def build_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("report")
    bad = folder / "bad.md"
    bad.write_text(BAD, encoding="utf-8")
    report = folder / "out" / "report.json"
    result = CliRunner().invoke(
        cli,
        [
            "build",
            str(LEAFLET_SOURCE),
            str(bad),
            "-f",
            "txt",
            "-f",
            "html",
            "--out",
            str(folder / "out"),
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 2, result.output
    data: dict[str, object] = json.loads(report.read_text(encoding="utf-8"))
    return data


def test_summary_and_exit_code(build_report: dict[str, object]) -> None:
    summary = build_report["summary"]
    assert isinstance(summary, dict)
    assert summary["documents"] == 2
    assert summary["failed"] == 1
    assert summary["exit_code"] == 2
    assert summary["outputs"] == 2
    assert build_report["command"] == "build" and build_report["schema"] == 1


def test_documents_in_order_with_outputs_diagnostics_readability_timings(
    build_report: dict[str, object],
) -> None:
    documents = build_report["documents"]
    assert isinstance(documents, list)
    leaflet_entry, bad_entry = documents
    assert leaflet_entry["status"] == "built"
    assert [o["format"] for o in leaflet_entry["outputs"]] == ["html", "txt"]
    assert all(o["bytes"] > 0 and o["seconds"] >= 0 for o in leaflet_entry["outputs"])
    codes = [d["code"] for d in leaflet_entry["diagnostics"]]
    assert "readability.reading-age" in codes and "meta.missing-sources" in codes
    figures = leaflet_entry["readability"]
    assert figures["reading_age"] > 11 and figures["above_target"] is True
    assert figures["sentences"] >= 30 and len(figures["hardest"]) == 10
    assert {"read", "check", "write"} <= set(leaflet_entry["seconds"])
    assert bad_entry["status"] == "invalid"
    assert bad_entry["outputs"] == [] and bad_entry["readability"] is None
    (diagnostic,) = bad_entry["diagnostics"]
    assert diagnostic["code"] == "meta.unknown-key" and diagnostic["line"] == 7


def test_check_writes_a_report_too(tmp_path: Path) -> None:
    report = tmp_path / "check.json"
    result = CliRunner().invoke(
        cli, ["check", "--quiet", str(LEAFLET_SOURCE), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["command"] == "check"
    assert data["documents"][0]["status"] == "checked"
    assert data["summary"]["warnings"] >= 4


def test_strict_report_exit_code(tmp_path: Path) -> None:
    report = tmp_path / "strict.json"
    result = CliRunner().invoke(
        cli, ["check", "--strict", str(LEAFLET_SOURCE), "--report", str(report)]
    )
    assert result.exit_code == 1
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["exit_code"] == 1


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_report_that_cannot_be_written_stops_the_command_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("some-file.txt").write_text("not a folder\n", encoding="utf-8")
    arguments = ["-f", "txt", "--out", "out"] if command == "build" else []
    result = CliRunner().invoke(
        cli,
        [
            command,
            str(LEAFLET_SOURCE),
            *arguments,
            "--report",
            "fine/report.json",
            "--report",
            "some-file.txt/report.json",
            "--report",
            "some-file.txt/deeper/report.sarif",
        ],
    )
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.splitlines() == [
        "--report: error usage.unwritable: cannot write some-file.txt/report.json: "
        "some-file.txt is a file, not a folder; choose a folder you can write",
        "--report: error usage.unwritable: cannot write some-file.txt/deeper/report.sarif: "
        "some-file.txt is a file, not a folder; choose a folder you can write",
    ]
    assert result.stdout == ""
    # Refused before any work: nothing built, no report written, no folder made for one.
    assert not Path("out").exists()
    assert sorted(path.name for path in Path().iterdir()) == ["some-file.txt"]


def test_a_reports_folder_is_made(tmp_path: Path) -> None:
    report = tmp_path / "new" / "folder" / "check.json"
    result = CliRunner().invoke(cli, ["check", "-q", str(LEAFLET_SOURCE), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert json.loads(report.read_text(encoding="utf-8"))["command"] == "check"
