"""A report as SARIF 2.1.0, the format GitHub code scanning and other CI systems display.

One run of the tool ``clearleaf``: a rule for each diagnostic code reported,
described from the checks' registry (:data:`clearleaf.a11y.CHECKS`), and a
result for each diagnostic with its level, message and place (the source's
path relative to the working folder, the line and column when known).
Columns count Unicode code points, as the pipeline's source map does. Made
from the report's plain data (:func:`clearleaf.report.to_dict`), so that the
merged report of a catalogue's shards is written the same way.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from clearleaf.a11y import CHECKS

#: The schema of the OASIS standard, errata 01 (OASIS SARIF 2.1.0).
SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

#: What a code of no check is about, by the family before its dot; these
#: codes are raised while a source is read, rendered or written.
FAMILIES = {
    "a11y": "An accessibility check of the source.",
    "asset": "The images a source names exist, are local and can be embedded.",
    "config": "The project's clearleaf.toml follows its schema.",
    "limit": "The source stays within the pipeline's documented limits.",
    "meta": "The front matter follows the schema: required keys, types, dates.",
    "output": "The outputs can be written to the output folder.",
    "pandoc": "Pandoc reads the source without failing.",
    "pdf": "The printed editions can be laid out as the source asks.",
    "project": "The project is set up as the command asks.",
    "readability": "The text is easy to read.",
    "render": "Every edition of the source is rendered.",
    "report": "The reports given can be merged.",
    "source": "The source is Markdown that every edition can publish.",
    "usage": "The command line names sources and folders that can be used.",
}


def render(data: Mapping[str, Any]) -> bytes:
    """The SARIF log of the report ``data``, as UTF-8 JSON."""
    diagnostics = [d for document in data["documents"] for d in document["diagnostics"]]
    codes = sorted({str(d["code"]) for d in diagnostics})
    index = {code: number for number, code in enumerate(codes)}
    exit_code = int(data["summary"]["exit_code"])
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "clearleaf",
                        "version": str(data["version"]),
                        "rules": [rule(code) for code in codes],
                    }
                },
                # Exit code 1 is findings, which is what a run is for; 2 and 3
                # mean a source or a tool stopped it.
                "invocations": [{"executionSuccessful": exit_code <= 1, "exitCode": exit_code}],
                "columnKind": "unicodeCodePoints",
                "results": [result(d, index[str(d["code"])]) for d in diagnostics],
                "properties": {"command": data["command"], "strict": bool(data["strict"])},
            }
        ],
    }
    return (json.dumps(log, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def rule(code: str) -> dict[str, Any]:
    """The reporting descriptor of diagnostic ``code``: its description, from its check if
    it has one, else from its family; its default level when a check says it."""
    check = CHECKS.get(code)
    text = check.description if check else FAMILIES.get(code.partition(".")[0], code)
    descriptor: dict[str, Any] = {
        "id": code,
        # GitHub code scanning shows all three, and asks for each.
        "shortDescription": {"text": text},
        "fullDescription": {"text": text},
        "help": {"text": text},
    }
    if check is not None:
        descriptor["defaultConfiguration"] = {"level": check.severity.value}
    if code.startswith("a11y."):
        descriptor["properties"] = {"tags": ["accessibility"]}
    return descriptor


def result(diagnostic: Mapping[str, Any], rule_index: int) -> dict[str, Any]:
    """The SARIF result of one diagnostic of the report (``Diagnostic.as_dict``)."""
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri(str(diagnostic["path"]))}}
    line, column = int(diagnostic["line"]), int(diagnostic["column"])
    if line:
        physical["region"] = {"startLine": line, **({"startColumn": column} if column else {})}
    return {
        "ruleId": diagnostic["code"],
        "ruleIndex": rule_index,
        "level": diagnostic["severity"],
        "message": {"text": diagnostic["message"]},
        "locations": [{"physicalLocation": physical}],
    }


def uri(path: str) -> str:
    """A report's path (relative to the working folder when below it) as a URI reference."""
    posix = PurePosixPath(path)
    if posix.is_absolute():  # a source outside the working folder
        return posix.as_uri()
    return urllib.parse.quote(str(posix))
