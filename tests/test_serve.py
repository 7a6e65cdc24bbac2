"""``clearleaf serve``: run for real, as a process on a free port, read over HTTP and in Chromium.

Each test starts the command in a temporary project and waits for what it
prints (the address, a build's timestamped line) rather than for a guessed
delay; the browser tests drive Debian's Chromium through Playwright, as the
validators' do.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf
import pytest
from click.testing import CliRunner
from helpers import CATALOGUE_FILES, write_source
from test_watch import SECONDS, STAMP, append, without_sources
from validators import CHROMIUM_ARGS, Browser, ColorScheme, chromium

from clearleaf.cli import cli

if TYPE_CHECKING:
    from playwright.sync_api import Page

#: Seconds a build, a rebuild or the server may take before a test gives up.
PATIENCE = 90.0

SECRET = "the contents of a file outside the output folder"


@dataclass
class Running:
    """A ``clearleaf`` command running in its own process group, printing into ``log``."""

    process: subprocess.Popen[bytes]
    log: Path

    def said(self) -> str:
        """Everything it printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, pattern: str, after: int = 0) -> re.Match[str]:
        """The first line matching ``pattern`` printed past offset ``after``, once it is."""
        deadline = time.monotonic() + PATIENCE
        while True:
            found = re.compile(pattern, re.MULTILINE).search(self.said(), after)
            if found:
                return found
            assert self.process.poll() is None, f"it ended:\n{self.said()}"
            assert time.monotonic() < deadline, f"never printed {pattern!r}:\n{self.said()}"
            time.sleep(0.05)

    @property
    def url(self) -> str:
        """The preview's address, as ``serve`` printed it."""
        return self.wait_for(r"at (http://127\.0\.0\.1:\d+/) \(Ctrl-C stops\)$")[1]

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rpartition(":")[2])

    def interrupt(self) -> str:
        """Press Ctrl-C (it reaches the whole group, as in a terminal); what it printed, and
        ``exit <code>``."""
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=PATIENCE)
        finally:
            self.kill()
        return self.said() + f"\nexit {self.process.returncode}"

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextlib.contextmanager
def running(project: Path, *arguments: str) -> Iterator[Running]:
    """``clearleaf <arguments>`` running in ``project``, stopped at the end whatever happens."""
    log = project / f"log-{time.monotonic_ns()}"
    with log.open("wb") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "clearleaf", *arguments],
            cwd=project,
            stdin=subprocess.DEVNULL,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    command = Running(process, log)
    try:
        yield command
    finally:
        command.kill()


@contextlib.contextmanager
def serving(project: Path, *arguments: str) -> Iterator[Running]:
    """``clearleaf serve`` on a free port, its first build done."""
    with running(project, "serve", "--port", "0", "--no-open", *arguments) as served:
        served.wait_for(rf"^{STAMP} built ")
        yield served


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with one leaflet, and a secret file beside its output folder."""
    write_source(tmp_path / "source", "leaflet", "First words of the leaflet.\n\n## Checks\n")
    (tmp_path / "secret").write_text(SECRET, encoding="utf-8")
    return tmp_path


def get(url: str) -> tuple[int, bytes, str]:
    """The status, body and type of ``url``, sent exactly as written (no ``..`` resolved)."""
    address = re.fullmatch(r"http://([^/:]+):(\d+)(.*)", url)
    assert address is not None, url
    connection = http.client.HTTPConnection(address[1], int(address[2]), timeout=PATIENCE)
    try:
        connection.request("GET", address[3] or "/")
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Content-Type") or ""
    finally:
        connection.close()


def save(path: Path, old: str, new: str) -> None:
    """Save ``path`` with ``old`` replaced by ``new``, as an editor does."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- over HTTP --------------------------------------------------------------------


def test_the_preview_lists_documents_and_serves_the_leaflets_pages(project: Path) -> None:
    with serving(project, "-f", "txt") as served:
        status, index, kind = get(served.url)
        assert (status, kind) == (200, "text/html; charset=utf-8")
        assert b'<a href="/preview/leaflet">source/leaflet.md</a>' in index
        status, page, _ = get(served.url + "preview/leaflet")
        assert status == 200
        text = page.decode()
        # The web page is shown in a frame, the leaflet's pages beside it, each named.
        frame = re.search(
            r'<iframe src="(/files/leaflet\.html\?v=[0-9a-f]+)" title="([^"]+)"', text
        )
        assert frame is not None and frame[2] == "Web page of source/leaflet.md"
        status, web, kind = get(served.url.rstrip("/") + frame[1])
        assert status == 200 and kind.startswith("text/html") and b"First words" in web
        with pikepdf.open(project / "build" / "leaflet.pdf") as pdf:
            count = len(pdf.pages)
        images = re.findall(
            r'<img src="(/pages/[0-9a-f]{64}/(\d+)\.png)" width="(\d+)" height="(\d+)" '
            r'alt="Page (\d+) of the leaflet">',
            text,
        )
        assert count > 1 and [int(image[1]) for image in images] == list(range(1, count + 1))
        for src, number, width, height, alt in images:
            assert number == alt
            status, png, kind = get(served.url.rstrip("/") + src)
            assert (status, kind) == (200, "image/png")
            assert png.startswith(b"\x89PNG\r\n\x1a\n")
            assert int.from_bytes(png[16:20], "big") == int(width)
            assert int(height) > int(width)  # A5, upright
        # --format txt: the web page and the leaflet are built all the same.
        assert sorted(p.name for p in (project / "build").iterdir() if p.is_file()) == sorted(
            ["leaflet.html", "leaflet.pdf", "leaflet.txt", *CATALOGUE_FILES]
        )
        assert get(served.url + "preview/nothing-by-this-name")[0] == 404


#: Ways out of the output folder: "..", encoded, with an encoded slash or
#: backslash, absolute, hidden files (the manifest names the sources' paths),
#: a link leading out, and each route of the tool.
ESCAPES = [
    "/../secret",
    "/files/../secret",
    "/files/../../secret",
    "/files/%2e%2e/secret",
    "/files/%2E%2E/secret",
    "/files/..%2fsecret",
    "/files/..%2Fsecret",
    "/files/%2e%2e%2fsecret",
    "/files/..%5csecret",
    "/files/%2fsecret",
    "/files//secret",
    "/files/%00/../secret",
    "/files/link-to-secret",
    "/files/.clearleaf/manifest.json",
    "/files/%2eclearleaf/manifest.json",
    "/preview/../secret",
    "/preview/..%2f..%2fsecret",
    "/static/../secret",
    "/static/..%2f..%2fsecret",
    "/pages/../../secret",
    "http://127.0.0.1/files/../secret",
    # Names the file system refuses: a 404 still, not a dropped connection.
    "/files/" + "a" * 5000,
    "/files/loop",
]


def test_nothing_outside_the_output_folder_is_served(project: Path) -> None:
    with serving(project, "-f", "txt") as served:
        (project / "build" / "link-to-secret").symlink_to(project / "secret")
        (project / "build" / "loop").symlink_to(project / "build" / "loop")
        origin = served.url.rstrip("/")
        # The same server does serve the output folder's files.
        assert get(origin + "/files/leaflet.txt")[0] == 200
        answered = {path: get(origin + path) for path in ESCAPES}
    leaked = {
        path: status
        for path, (status, body, _) in answered.items()
        if status != 404 or SECRET.encode() in body or b'"sources"' in body
    }
    assert leaked == {}


# -- what it prints, and stopping ---------------------------------------------------


@pytest.mark.parametrize("command", ["watch", "serve"])
def test_a_save_prints_a_timestamped_line_and_only_that_documents_findings(
    tmp_path: Path, command: str
) -> None:
    alpha = without_sources(tmp_path / "source", "alpha")
    without_sources(tmp_path / "source", "beta")
    extra = ["--port", "0", "--no-open"] if command == "serve" else []
    with running(tmp_path, command, "-f", "txt", *extra) as watching:
        first = watching.wait_for(
            rf"^{STAMP} built 2 of 2 document\(s\), \d+ file\(s\) in {SECONDS}$"
        )
        for name in ("alpha", "beta"):
            watching.wait_for(rf"^source/{name}\.md:1:1: warning meta\.missing-sources: ")
        append(alpha, "Saved.")
        line = watching.wait_for(
            rf"^{STAMP} source/alpha\.md changed: rebuilt [a-z, -]+ in {SECONDS}$", first.end()
        )
        watching.wait_for(r"^source/alpha\.md:1:1: warning meta\.missing-sources: ", line.end())
        said = watching.interrupt()
    after = said[line.start() :]
    assert "source/beta.md" not in after, said
    assert len(re.findall(rf"^{STAMP} ", said, re.MULTILINE)) == 2, said
    assert said.endswith("exit 130") and "Traceback" not in said, said


def test_ctrl_c_stops_serving_and_frees_the_port(project: Path) -> None:
    with serving(project, "-f", "txt") as served:
        port = served.port
        # An open event stream must not hold the server up.
        stream = http.client.HTTPConnection("127.0.0.1", port, timeout=PATIENCE)
        stream.request("GET", "/events")
        response = stream.getresponse()
        assert response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        assert response.readline() == b"retry: 1000\n"
        said = served.interrupt()
        stream.close()
    assert said.endswith("stopped serving\n\nexit 130"), said
    assert "Traceback" not in said and "KeyboardInterrupt" not in said
    # Serving again on the same port works at once.
    with running(project, "serve", "--port", str(port), "--no-open", "-f", "txt") as again:
        assert again.port == port
        assert get(again.url)[0] == 200


def test_a_busy_port_or_a_missing_source_is_one_clear_message(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--no-open", "--port", str(port)])
    assert result.exit_code == 2
    assert re.fullmatch(
        rf"--port: error usage\.port-in-use: port {port} of 127\.0\.0\.1 is in use \(another "
        r"serve\?\); choose another with --port, or --port 0 for any free one\n",
        result.stderr,
    ), result.stderr
    assert not (project / "build").exists()  # refused before building anything
    missing = CliRunner().invoke(cli, ["serve", "--no-open", "--port", "0", "nowhere.md"])
    assert missing.exit_code == 2
    assert missing.stderr.startswith("nowhere.md: error usage.no-such-source: ")
    assert missing.stderr.count("\n") == 1


# -- in Chromium ------------------------------------------------------------------


@pytest.mark.validators
def test_a_save_changes_the_preview_without_a_reload(project: Path) -> None:
    """The page follows the source: a save shows, a failed build shows its findings."""
    from playwright.sync_api import expect, sync_playwright

    source = project / "source" / "leaflet.md"
    with serving(project, "-f", "txt") as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            page.goto(served.url + "preview/leaflet")
            web = page.frame_locator("iframe").locator("body")
            expect(web).to_contain_text("First words", timeout=PATIENCE * 1000)
            pages = page.locator("ol.pages img")
            with pikepdf.open(project / "build" / "leaflet.pdf") as pdf:
                count = len(pdf.pages)
            expect(pages).to_have_count(count)
            expect(page.get_by_alt_text("Page 2 of the leaflet")).to_be_visible()
            assert page.evaluate(
                "() => [...document.querySelectorAll('ol.pages img')]"
                ".every((img) => img.complete && img.naturalWidth > 0)"
            )
            before = pages.first.get_attribute("src")
            page.evaluate("() => { window.stillTheSamePage = true; }")

            # Nothing is asked of the server while nothing changes: no polling.
            asked: list[str] = []
            page.on("request", lambda request: asked.append(request.url))
            page.wait_for_timeout(1500)
            assert asked == []

            save(source, "First words", "Second words")
            expect(web).to_contain_text("Second words", timeout=PATIENCE * 1000)
            expect(pages.first).not_to_have_attribute("src", before or "")
            expect(page.get_by_role("status")).to_contain_text("Built at")
            assert page.evaluate("() => window.stillTheSamePage === true")

            # A build that fails: its findings show, the last good outputs stay.
            append(source, "![](missing.png)")
            findings = page.locator("#findings")
            expect(findings).to_contain_text("error asset.missing", timeout=PATIENCE * 1000)
            expect(page.get_by_role("status")).to_contain_text("failed")
            expect(web).to_contain_text("Second words")
            expect(pages).to_have_count(count)
            assert page.evaluate("() => window.stillTheSamePage === true")
        finally:
            browser.close()


class ToolBrowser(Browser):
    """The validators' browser, let past the tool pages' Content-Security-Policy, which
    would refuse axe-core (Playwright adds it to the page as an inline script)."""

    @contextlib.contextmanager
    def page(self, url: str, width: int, scheme: ColorScheme = "light") -> Iterator[Page]:
        context = self._launch().new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme, bypass_csp=True
        )
        try:
            page = context.new_page()
            page.goto(url)
            yield page
        finally:
            context.close()


@pytest.mark.validators
@pytest.mark.parametrize(
    ("path", "width"), [("", 1280), ("preview/leaflet", 1280), ("preview/leaflet", 320)]
)
def test_the_preview_pages_pass_axe(project: Path, path: str, width: int) -> None:
    """The tool's own pages are accessible: headings, labels, alt text, reflow at 320 px."""
    browser = ToolBrowser()
    try:
        with serving(project, "-f", "txt") as served:
            for scheme in ("light", "dark"):
                findings = browser.axe(served.url + path, width, scheme)
                assert not findings.problems, findings.explain(f"/{path} at {width} px, {scheme}")
    finally:
        browser.close()


@pytest.mark.validators
def test_the_preview_is_used_from_the_keyboard(project: Path) -> None:
    """Tab reaches the link back to the list, with a focus ring, then the web page's frame."""
    from playwright.sync_api import sync_playwright

    with serving(project, "-f", "txt") as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            page.goto(served.url + "preview/leaflet")
            reached = []
            for _ in range(2):
                page.keyboard.press("Tab")
                reached.append(
                    page.evaluate(
                        "() => { const e = document.activeElement;"
                        " return [e.tagName, e.getAttribute('href') || e.getAttribute('title'),"
                        " getComputedStyle(e).outlineStyle]; }"
                    )
                )
            assert reached[0] == ["A", "/", "solid"]
            assert reached[1][:2] == ["IFRAME", "Web page of source/leaflet.md"]
        finally:
            browser.close()
