"""Reports for CI: SARIF for code scanning and JUnit XML for test reports, validated
against the schemas their consumers publish (``tests/schemas/``), and
``merge-reports`` refusing a set of shards' reports that is not whole."""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, ROOT
from helpers import write_source
from lxml import etree

from clearleaf.a11y import CHECKS
from clearleaf.cli import REPORT_FORMATS, cli
from clearleaf.report import FORMATS

SCHEMAS = ROOT / "tests" / "schemas"


def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def junit_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project: a good source, one that fails its checks (an image without alt text),
    one that cannot be read (a misspelt front-matter key), and one in a folder whose
    name needs escaping in a URI."""
    folder = tmp_path_factory.mktemp("formats")
    source = folder / "source"
    write_source(source, "good", "Some text.", title="Good Leaflet")
    write_source(source, "bad", "![](stripes.png)\n\nMore text.", title="Bad Leaflet")
    shutil.copy(FIXTURES / "stripes.png", source / "stripes.png")
    write_source(source / "two words", "caps", "THIS IS ALL IN CAPITALS NOW.", title="Caps")
    (source / "broken.md").write_text(
        "---\ntitle: Broken\nnext_reveiw: 2027-01-01\n---\n\nText.\n", encoding="utf-8"
    )
    return folder


def invoke(folder: Path, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> Result:
    monkeypatch.chdir(folder)
    return CliRunner().invoke(cli, list(arguments))


@pytest.fixture(scope="module")
def reports(catalogue: Path) -> dict[str, Path]:
    """One build of the catalogue writing every kind of report, and a check under --strict."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(catalogue)
        runner = CliRunner()
        result = runner.invoke(
            cli,
            [
                "build",
                "-f",
                "txt",
                "-j",
                "1",
                "--report",
                "build.json",
                "--report",
                "build.sarif",
                "--report",
                "build.xml",
            ],
        )
        assert result.exit_code == 2, result.output  # broken.md cannot be read
        # --report-format says the format of every --report, whatever its name.
        named = runner.invoke(
            cli,
            ["build", "-f", "txt", "-j", "1", "--report", "junit.txt", "--report-format", "junit"],
        )
        assert named.exit_code == 2, named.output
        strict = runner.invoke(cli, ["check", "--strict", "-q", "--report", "strict.xml"])
        assert strict.exit_code == 2, strict.output
    names = ("build.json", "build.sarif", "build.xml", "junit.txt", "strict.xml")
    return {name: catalogue / name for name in names}


# -- SARIF ----------------------------------------------------------------------------------


def sarif(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def json_diagnostics(reports: dict[str, Path]) -> list[dict[str, Any]]:
    """Every diagnostic of the build's JSON report, in its order."""
    return [d for doc in sarif(reports["build.json"])["documents"] for d in doc["diagnostics"]]


def test_sarif_is_valid_against_the_official_schema(reports: dict[str, Path]) -> None:
    log = sarif(reports["build.sarif"])
    errors = [error.message for error in sarif_validator().iter_errors(log)]
    assert errors == []
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1


def test_the_schema_catches_a_broken_log(reports: dict[str, Path]) -> None:
    """The schema is strict enough to matter: a level SARIF does not know is refused."""
    log = sarif(reports["build.sarif"])
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not sarif_validator().is_valid(log)


def test_sarif_rules_and_results_match_the_json_report(
    reports: dict[str, Path], catalogue: Path
) -> None:
    (run,) = sarif(reports["build.sarif"])["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "clearleaf" and driver["version"]
    diagnostics = json_diagnostics(reports)
    codes = sorted({d["code"] for d in diagnostics})
    assert [rule["id"] for rule in driver["rules"]] == codes
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert rules["a11y.img-alt"]["shortDescription"]["text"] == CHECKS["a11y.img-alt"].description
    assert rules["a11y.img-alt"]["defaultConfiguration"]["level"] == "error"
    assert rules["meta.unknown-key"]["fullDescription"]["text"].startswith("The front matter")
    assert run["invocations"] == [{"executionSuccessful": False, "exitCode": 2}]
    assert len(run["results"]) == len(diagnostics)
    for result, diagnostic in zip(run["results"], diagnostics, strict=True):
        assert result["ruleId"] == diagnostic["code"]
        assert driver["rules"][result["ruleIndex"]]["id"] == diagnostic["code"]
        assert result["level"] == diagnostic["severity"]
        assert result["message"]["text"] == diagnostic["message"]
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        # Relative to the working folder, and resolving to the source.
        assert not uri.startswith(("/", "file:"))
        assert (catalogue / urllib.parse.unquote(uri)).is_file()
        region = location["physicalLocation"].get("region", {})
        assert region.get("startLine", 0) == diagnostic["line"]
        assert region.get("startColumn", 0) == diagnostic["column"]
    img = next(r for r in run["results"] if r["ruleId"] == "a11y.img-alt")
    assert img["locations"][0]["physicalLocation"]["region"] == {"startLine": 15, "startColumn": 1}
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert "source/two%20words/caps.md" in uris
    assert {r["level"] for r in run["results"]} >= {"error", "warning"}


# -- JUnit XML ----------------------------------------------------------------------------------


def test_junit_is_valid_against_jenkinss_schema(reports: dict[str, Path]) -> None:
    schema = junit_schema()
    for name in ("build.xml", "junit.txt", "strict.xml"):
        document = etree.parse(str(reports[name]))
        assert schema.validate(document), (name, schema.error_log)
    broken = etree.parse(str(reports["build.xml"]))
    suite = broken.find("testsuite")
    assert suite is not None
    del suite.attrib["tests"]
    assert not schema.validate(broken)


def test_junit_has_a_testcase_per_document_and_a_failure_per_error(
    reports: dict[str, Path],
) -> None:
    root = etree.parse(str(reports["build.xml"])).getroot()
    assert root.tag == "testsuites"
    (suite,) = root
    assert suite.get("name") == "clearleaf build"
    cases = {case.get("classname", ""): case for case in suite.iter("testcase")}
    assert sorted(cases) == [
        "source/bad.md",
        "source/broken.md",
        "source/good.md",
        "source/two words/caps.md",
    ]
    assert suite.get("tests") == "4"
    assert all(case.get("name") == "build" for case in cases.values())
    assert [f.get("type") for f in cases["source/bad.md"].iter("failure")] == ["a11y.img-alt"]
    (failure,) = cases["source/bad.md"].iter("failure")
    (bad,) = [d for d in json_diagnostics(reports) if d["code"] == "a11y.img-alt"]
    assert failure.get("message") == bad["message"]
    assert failure.text == f"source/bad.md:15:1: error a11y.img-alt: {bad['message']}"
    assert "meta.unknown-key" in [f.get("type") for f in cases["source/broken.md"].iter("failure")]
    # Warnings fail nothing without --strict: they are printed with the document.
    assert list(cases["source/two words/caps.md"].iter("failure")) == []
    out = cases["source/two words/caps.md"].find("system-out")
    assert out is not None and "warning a11y.all-caps" in (out.text or "")
    assert list(cases["source/good.md"]) == []
    failures = sum(1 for _ in suite.iter("failure"))
    assert suite.get("failures") == str(failures) and suite.get("errors") == "0"
    named = etree.parse(str(reports["junit.txt"])).getroot()
    assert named.tag == "testsuites"
    assert [case.get("classname") for case in named.iter("testcase")] == [
        case.get("classname") for case in suite.iter("testcase")
    ]


def test_junit_under_strict_fails_warnings_too(reports: dict[str, Path]) -> None:
    root = etree.parse(str(reports["strict.xml"])).getroot()
    (suite,) = root
    assert suite.get("name") == "clearleaf check"
    case = next(
        c for c in suite.iter("testcase") if c.get("classname") == "source/two words/caps.md"
    )
    assert [f.get("type") for f in case.iter("failure")] == ["a11y.all-caps"]


# -- the JSON report records its command and shard ------------------------------------------------


def test_the_command_line_offers_every_report_format() -> None:
    assert tuple(FORMATS) == REPORT_FORMATS


def test_the_json_report_records_command_and_shard(
    catalogue: Path, monkeypatch: pytest.MonkeyPatch, reports: dict[str, Path]
) -> None:
    assert sarif(reports["build.json"])["shard"] is None
    result = invoke(
        catalogue, monkeypatch, "build", "-f", "txt", "-j", "1", "--shard", "2/3",
        "--report", "shard.json",
    )  # fmt: skip
    assert result.exit_code == 2, result.output  # the second shard is broken.md
    data = json.loads((catalogue / "shard.json").read_text(encoding="utf-8"))
    assert (data["command"], data["shard"]) == ("build", {"index": 2, "count": 3})


# -- merge-reports checks the set -------------------------------------------------------------


@pytest.fixture(scope="module")
def shards(catalogue: Path) -> Path:
    """The reports of the three shards of a build, and of a check."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(catalogue)
        runner = CliRunner()
        for k in (1, 2, 3):
            runner.invoke(
                cli,
                ["build", "-f", "txt", "-j", "1", "--shard", f"{k}/3", "--report", f"s{k}.json"],
            )
        runner.invoke(cli, ["check", "-q", "--report", "check.json"])
    return catalogue


def merged(folder: Path, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> Result:
    (folder / "all.json").unlink(missing_ok=True)
    return invoke(folder, monkeypatch, "merge-reports", *arguments, "-o", "all.json")


def test_a_whole_set_of_shards_merges(shards: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = merged(shards, monkeypatch, "s3.json", "s1.json", "s2.json")
    assert result.exit_code == 2, result.output  # the worst shard's: broken.md
    data = json.loads((shards / "all.json").read_text(encoding="utf-8"))
    assert data["summary"]["documents"] == 4 and data["shard"] is None


def test_a_missing_shard_fails_the_merge(shards: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = merged(shards, monkeypatch, "s1.json", "s3.json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "s1.json: error report.shards: shard 2/3 is missing from the reports given (a CI job "
        "that failed before writing its report?); merge the reports of all 3 shards"
    ]
    assert not (shards / "all.json").exists()


def test_a_shard_given_twice_fails_the_merge(shards: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(shards / "s2.json", shards / "s2-again.json")
    result = merged(shards, monkeypatch, "s1.json", "s2.json", "s2-again.json", "s3.json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "s2-again.json: error report.shards: shard 2/3 is given twice, also by s2.json; "
        "give each shard's report once"
    ]


def test_a_check_report_with_build_reports_fails_the_merge(
    shards: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = merged(shards, monkeypatch, "s1.json", "s2.json", "s3.json", "check.json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "check.json: error report.command: it is the report of 'check', but s1.json is of "
        "'build'; merge the reports of one command"
    ]


def test_shards_of_different_splits_fail_the_merge(
    shards: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = merged(shards, monkeypatch, "s1.json", "s2.json", "s3.json", "build.json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "build.json: error report.shards: it is shard 1/1, of a catalogue split in 1, but "
        "s1.json is of one split in 3; merge the shards of one build"
    ]


def test_a_corrupt_report_is_named(shards: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (shards / "s2.json").read_text(encoding="utf-8")
    (shards / "cut.json").write_text(text[: len(text) // 2], encoding="utf-8")
    (shards / "other.json").write_text('{"tool": "eslint"}\n', encoding="utf-8")
    result = merged(shards, monkeypatch, "s1.json", "cut.json", "s3.json")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("cut.json:")
    assert ": error report.corrupt: it is not valid JSON (" in line
    assert "Traceback" not in result.output
    other = merged(shards, monkeypatch, "other.json")
    assert other.stderr.splitlines() == [
        "other.json: error report.corrupt: it is not a clearleaf JSON report: 'tool' is "
        "'eslint', where a report has 'clearleaf'; give the files that 'clearleaf build "
        "--report FILE.json' (or 'check') wrote"
    ]
    sarif_given = merged(shards, monkeypatch, "build.sarif")
    assert "build.sarif: error report.corrupt:" in sarif_given.stderr
    assert not (shards / "all.json").exists()


def test_merged_shards_write_sarif_and_junit(shards: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shards)
    runner = CliRunner()
    for name in ("all.sarif", "all.xml"):
        result = runner.invoke(cli, ["merge-reports", "s1.json", "s2.json", "s3.json", "-o", name])
        assert result.exit_code == 2, result.output
    assert sarif_validator().is_valid(sarif(shards / "all.sarif"))
    assert junit_schema().validate(etree.parse(str(shards / "all.xml")))
    classes = [
        case.get("classname") for case in etree.parse(str(shards / "all.xml")).iter("testcase")
    ]
    assert len(classes) == 4


# -- merge-reports refuses what is not a report ------------------------------------------------


def report_with(shards: Path, change: Any) -> bytes:
    """The report of shard 1/3 with ``change`` made to its data, as JSON."""
    data = json.loads((shards / "s1.json").read_text(encoding="utf-8"))
    data["documents"][0]["diagnostics"] = [
        {
            "path": "x.md",
            "line": 1,
            "column": 2,
            "severity": "warning",
            "code": "a.b",
            "message": "m",
        }
    ]
    change(data)
    # JSON has no Infinity, but a number too large for a float is read as one.
    return json.dumps(data).replace("Infinity", "1e400").encode("utf-8")


def deeply(levels: int) -> object:
    nested: object = 0
    for _ in range(levels):
        nested = [nested]
    return nested


def summary(key: str, value: object) -> Any:
    return lambda data: data["summary"].__setitem__(key, value)


#: Files that are not reports, and what the one line each gets must say. Values are the
#: bytes of the file, or a change to a real shard's report; None makes a folder.
NOT_REPORTS: dict[str, tuple[Any, str]] = {
    "empty.json": (b"", "it is empty (a CI job that stopped while writing it?)"),
    "latin1.json": ('{"tool": "cl\xe9arleaf"}'.encode("latin-1"), "it is not UTF-8 text"),
    "junit.json": (b'<?xml version="1.0"?>\n<testsuites/>\n', "it is XML (a JUnit report?)"),
    "array.json": (b"[]", "it holds an array, not an object"),
    "deep.json": (b"[" * 100_000, "it nests arrays or objects deeper than"),
    "long-number.json": (b'{"schema": ' + b"9" * 5000 + b"}", "a number of 5000 digits"),
    "nan.json": (b'{"tool": "clearleaf", "summary": {"errors": NaN}}', "it holds NaN"),
    "sarif.json": (b'{"$schema": "x", "version": "2.1.0", "runs": []}', "it is a SARIF log"),
    "eslint.json": (b'{"tool": "eslint"}', "'tool' is 'eslint', where a report has 'clearleaf'"),
    "exit-256.json": (
        summary("exit_code", 256),
        "'summary.exit_code' is 256, where a report has 0, 1, 2 or 3",
    ),
    "exit-minus.json": (summary("exit_code", -1), "'summary.exit_code' is -1"),
    "exit-text.json": (summary("exit_code", "2"), "'summary.exit_code' is '2'"),
    "exit-true.json": (summary("exit_code", True), "'summary.exit_code' is true"),
    "exit-none.json": (
        lambda data: data["summary"].pop("exit_code"),
        "'summary' has no 'exit_code'",
    ),
    "errors-text.json": (
        summary("errors", "x"),
        "'summary.errors' is 'x', where a report has a whole number",
    ),
    "errors-huge.json": (
        summary("errors", 1e400),
        "'summary.errors' is a number too large to hold",
    ),
    "no-version.json": (lambda data: data.pop("version"), "it has no 'version'"),
    "newer.json": (
        lambda data: data.__setitem__("schema", 2),
        "it was written by a newer clearleaf (report schema 2)",
    ),
    "removed.json": (
        lambda data: data.__setitem__("removed", 5),
        "'removed' is 5, where a report has an array",
    ),
    "documents.json": (
        lambda data: data.__setitem__("documents", {}),
        "'documents' is an object, where a report has an array",
    ),
    "line.json": (
        lambda data: data["documents"][0]["diagnostics"][0].__setitem__("line", "x"),
        "'documents[0].diagnostics[0].line' is 'x', where a report has a whole number",
    ),
    "severity.json": (
        lambda data: data["documents"][0]["diagnostics"][0].__setitem__("severity", "fatal"),
        "'documents[0].diagnostics[0].severity' is 'fatal', where a report has 'error', "
        "'warning' or 'note'",
    ),
    "seconds.json": (
        lambda data: data["documents"][0].__setitem__("seconds", {"read": "soon"}),
        "'documents[0].seconds.read' is 'soon', where a report has a number",
    ),
    "deep-inside.json": (
        lambda data: data["documents"][0].__setitem__("readability", {"x": deeply(50)}),
        "it nests arrays or objects deeper than",
    ),
    "surrogate.json": (
        lambda data: data["documents"][0].__setitem__("source", "\ud800.md"),
        "it holds a lone surrogate ('\\ud800')",
    ),
    "shard.json": (
        lambda data: data.__setitem__("shard", {"index": 4, "count": 3}),
        "'shard' is 4/3, where a report has K/N, K from 1 to N",
    ),
    "a-folder": (None, "it is a folder, not a report"),
}


def write_not_reports(shards: Path, names: list[str]) -> None:
    for name in names:
        content = NOT_REPORTS[name][0]
        if content is None:
            (shards / name).mkdir(exist_ok=True)
        else:
            data = content if isinstance(content, bytes) else report_with(shards, content)
            (shards / name).write_bytes(data)


@pytest.mark.parametrize("name", list(NOT_REPORTS))
def test_what_is_not_a_report_is_refused_in_one_line(
    shards: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    write_not_reports(shards, [name])
    result = merged(shards, monkeypatch, name)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert re.match(rf"{re.escape(name)}(:\d+:\d+)?: error report\.corrupt: ", line), line
    assert NOT_REPORTS[name][1] in line
    assert isinstance(result.exception, SystemExit), result.exception
    assert not (shards / "all.json").exists()


def test_every_report_that_is_not_one_is_named_in_one_run(
    shards: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = list(NOT_REPORTS)
    write_not_reports(shards, names)
    for output in ("all.json", "all.sarif", "all.xml"):
        (shards / output).write_text("the last merge\n", encoding="utf-8")
        monkeypatch.chdir(shards)
        result = CliRunner().invoke(
            cli, ["merge-reports", "s1.json", *names, "s2.json", "s3.json", "-o", output]
        )
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        assert [line.split(":", 1)[0] for line in lines] == names
        assert all(": error report.corrupt: " in line for line in lines)
        assert isinstance(result.exception, SystemExit), result.exception
        # The last merge is left as it was.
        assert (shards / output).read_text(encoding="utf-8") == "the last merge\n"


def test_the_merge_exits_with_the_worst_exit_code_recorded(
    shards: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for recorded in ((0, 3, 1), (1, 0, 1), (0, 0, 0)):
        names = []
        for k, code in enumerate(recorded, start=1):
            data = json.loads((shards / f"s{k}.json").read_text(encoding="utf-8"))
            data["summary"]["exit_code"] = code
            (shards / f"recorded-{k}.json").write_text(json.dumps(data), encoding="utf-8")
            names.append(f"recorded-{k}.json")
        result = merged(shards, monkeypatch, *names)
        assert result.exit_code == max(recorded), result.output
        assert json.loads((shards / "all.json").read_bytes())["summary"]["exit_code"] == max(
            recorded
        )


def test_many_missing_shards_are_counted_not_listed(
    shards: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads((shards / "s1.json").read_text(encoding="utf-8"))
    data["shard"] = {"index": 1, "count": 1000}
    (shards / "of-1000.json").write_text(json.dumps(data), encoding="utf-8")
    result = merged(shards, monkeypatch, "of-1000.json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "of-1000.json: error report.shards: shards 2/1000, 3/1000, 4/1000, 5/1000, 6/1000 and "
        "994 more are missing from the reports given (a CI job that failed before writing its "
        "report?); merge the reports of all 1000 shards"
    ]


def test_a_merged_report_that_cannot_be_written_is_named(
    shards: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (shards / "some-file.txt").write_text("not a folder\n", encoding="utf-8")
    monkeypatch.chdir(shards)
    result = CliRunner().invoke(
        cli, ["merge-reports", "s1.json", "s2.json", "s3.json", "-o", "some-file.txt/all.json"]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "--output: error usage.unwritable: cannot write some-file.txt/all.json: some-file.txt "
        "is a file, not a folder; choose a folder you can write"
    ]
