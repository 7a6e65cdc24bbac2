"""A report as JUnit XML, the test report GitLab, Jenkins and most CI systems display.

One ``<testsuite>`` for the command (``clearleaf build`` or ``clearleaf
check``), one ``<testcase>`` for each document (its ``classname`` is the
source's path), a ``<failure>`` for each error (and, under ``--strict``, each
warning) with the diagnostic's message, an ``<error>`` when a tool failed on
the document rather than the document itself, and the rest of what was found
in ``<system-out>``. The layout follows the schema Jenkins validates JUnit
reports with (its xUnit plugin's ``junit-10.xsd``). Made from the report's
plain data (:func:`clearleaf.report.to_dict`), as the SARIF log is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

#: Characters XML 1.0 cannot carry (controls other than tab and line ends,
#: lone surrogates, U+FFFE and U+FFFF): a message quoting one from a source
#: shows it as U+FFFD instead of making the file unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(data: Mapping[str, Any]) -> bytes:
    """The JUnit XML of the report ``data``, UTF-8 with an XML declaration."""
    command = str(data["command"])
    strict = bool(data["strict"])
    suite = ET.Element("testsuite", name=f"clearleaf {command}")
    failures = errors = 0
    total = 0.0
    for document in data["documents"]:
        case, failed, erred, seconds = _testcase(document, command, strict)
        suite.append(case)
        failures += failed
        errors += erred
        total += seconds
    suite.set("tests", str(len(data["documents"])))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    suite.set("time", _seconds(total))
    suites = ET.Element(
        "testsuites",
        name="clearleaf",
        tests=suite.get("tests", "0"),
        failures=str(failures),
        errors=str(errors),
        time=_seconds(total),
    )
    suites.append(suite)
    ET.indent(suites)
    written: bytes = ET.tostring(suites, encoding="utf-8", xml_declaration=True)
    return written + b"\n"


def _testcase(
    document: Mapping[str, Any], command: str, strict: bool
) -> tuple[ET.Element, int, int, float]:
    """A document's ``<testcase>``, with its count of failures and errors and its seconds."""
    seconds = sum(float(value) for value in document.get("seconds", {}).values())
    case = ET.Element(
        "testcase", name=command, classname=_text(document["source"]), time=_seconds(seconds)
    )
    failed = erred = 0
    others: list[str] = []
    # A tool that fails stops a document only once its checks have passed, so
    # its errors are the tool's, not the source's.
    tool_failed = document.get("status") == "tool-failed"
    for diagnostic in document["diagnostics"]:
        line = _line(diagnostic)
        severity = diagnostic["severity"]
        if severity == "error" or (strict and severity == "warning"):
            kind = "error" if tool_failed and severity == "error" else "failure"
            item = ET.SubElement(
                case, kind, type=_text(diagnostic["code"]), message=_text(diagnostic["message"])
            )
            item.text = _text(line)
            erred += kind == "error"
            failed += kind == "failure"
        else:
            others.append(line)
    if others:
        ET.SubElement(case, "system-out").text = _text("\n".join(others))
    return case, failed, erred, seconds


def _line(diagnostic: Mapping[str, Any]) -> str:
    """A diagnostic as the console prints it: ``path:line:col: severity code: message``."""
    where = str(diagnostic["path"])
    if diagnostic["line"]:
        where += f":{diagnostic['line']}"
        if diagnostic["column"]:
            where += f":{diagnostic['column']}"
    return f"{where}: {diagnostic['severity']} {diagnostic['code']}: {diagnostic['message']}"


def _seconds(value: float) -> str:
    """Seconds as Surefire writes them (and Jenkins's schema asks): three decimals at most."""
    return f"{value:.3f}"


def _text(value: object) -> str:
    return _NOT_XML.sub("\ufffd", str(value))
