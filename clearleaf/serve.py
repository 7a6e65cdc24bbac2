"""A live preview for an editor: ``clearleaf serve``.

It builds, serves the output folder on this computer with the standard
library's HTTP server, and rebuilds on every save (:mod:`clearleaf.watch`).
A document's preview page shows its web page and, beside it, the leaflet
PDF's pages as images, so that the print layout is seen while typing; its
findings are shown as text, and a failed rebuild leaves the last good
outputs served. Each open page holds one Server-Sent Events connection
(``/events``) and, when its document has been rebuilt, fetches itself again
and swaps in what changed: no polling, no script from elsewhere.

Nothing outside the output folder is served, nor its hidden files (the
manifest names the sources' absolute paths).

The pages are rendered by poppler's ``pdftoppm`` rather than a Python PDF
renderer: it is the tool the project's own checks already use (it is in
poppler-utils beside ``pdftotext``), so the preview adds no dependency with
a native library to every install; it runs in a process of its own, so a
PDF it cannot render costs one page of the preview, never the server (PDFium,
the alternative, is not thread-safe and would run inside it). Without it the
preview says how to install it and shows the rest.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import html
import ipaddress
import json
import mimetypes
import re
import shutil
import socket
import socketserver
import string
import subprocess
import sys
import tempfile
import threading
import webbrowser
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from clearleaf import watch as watcher
from clearleaf.context import STYLES_DIR
from clearleaf.editions import EDITIONS
from clearleaf.errors import Diagnostic, Location, PipelineError, Severity, display_path
from clearleaf.plan import Job

#: The tool's own files, served under ``/static/``: the preview's style and script.
STATIC = {
    "serve.css": "text/css; charset=utf-8",
    "serve.js": "text/javascript; charset=utf-8",
}

#: The pages shown beside the web page are the leaflet's (the A5 PDF edition).
LEAFLET = EDITIONS["pdf"]
WEB_PAGE = EDITIONS["html"]

#: Resolution of the page images: an A5 page is then 559 by 794 pixels,
#: about its printed size on a screen.
RESOLUTION = 96

#: Seconds between the comments that keep an idle event stream open (and
#: show a closed one up, ending its thread).
KEEP_ALIVE = 15.0

#: The tool's pages allow only their own files: no script or style from elsewhere.
TOOL_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"


def document_name(job: Job) -> str:
    """The name of a document in the preview's addresses: its outputs' path, less the suffix."""
    return (job.folder / job.source.stem).as_posix()


def exposed(host: str) -> bool:
    """Whether serving on ``host`` lets other computers in (it is not a loopback address)."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a name: it may well resolve to an address others reach


class Unavailable(Exception):
    """The leaflet's pages cannot be shown; the message says why and what to do."""


@dataclass(frozen=True)
class Page:
    """One page of a PDF as a PNG image."""

    png: bytes
    width: int
    height: int


class Pages:
    """PDFs' pages as PNG images, rendered once per PDF (by the SHA-256 of its bytes)."""

    def __init__(self, keep: int = 16) -> None:
        self.keep = keep
        self._rendered: OrderedDict[str, list[Page]] = OrderedDict()
        self._lock = threading.Lock()
        # One render at a time, so that a burst of requests for a new PDF renders
        # it once; images already rendered are served meanwhile.
        self._rendering = threading.Lock()

    def of(self, pdf: Path) -> tuple[str, list[Page]]:
        """The digest of the PDF at ``pdf`` and its pages; :class:`Unavailable` if none."""
        try:
            data = pdf.read_bytes()
        except OSError as error:
            raise Unavailable(f"cannot read {display_path(pdf)}: {error.strerror}") from None
        digest = hashlib.sha256(data).hexdigest()
        with self._rendering:
            with self._lock:
                pages = self._rendered.get(digest)
            if pages is None:
                pages = render_pages(data)
            with self._lock:
                self._rendered[digest] = pages
                self._rendered.move_to_end(digest)
                while len(self._rendered) > self.keep:
                    self._rendered.popitem(last=False)
            return digest, pages

    def image(self, digest: str, number: int) -> bytes | None:
        """Page ``number`` (from 1) of the PDF rendered as ``digest``, if it still is."""
        with self._lock:
            pages = self._rendered.get(digest, [])
        return pages[number - 1].png if 1 <= number <= len(pages) else None


def render_pages(pdf: bytes) -> list[Page]:
    """The pages of ``pdf`` as PNG images, by poppler's ``pdftoppm``."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise Unavailable(
            "pdftoppm is not installed, so the leaflet's pages cannot be shown here; install "
            "poppler-utils (Debian, Ubuntu) or poppler (Homebrew), then reload this page"
        )
    with tempfile.TemporaryDirectory(prefix="clearleaf-pages-") as folder:
        try:
            subprocess.run(
                [tool, "-png", "-r", str(RESOLUTION), "-", str(Path(folder) / "page")],
                input=pdf,
                capture_output=True,
                check=True,
                timeout=120,
            )
        except subprocess.CalledProcessError as error:
            said = error.stderr.decode(errors="replace").strip().splitlines()
            raise Unavailable(
                f"pdftoppm could not render the leaflet: {said[-1] if said else error}"
            ) from None
        except subprocess.TimeoutExpired:
            raise Unavailable("pdftoppm took too long to render the leaflet") from None
        # pdftoppm pads the page numbers to the width of the last ("page-01.png").
        files = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return [_page(path.read_bytes()) for path in files]


def _page(png: bytes) -> Page:
    # The width and height are the first fields of a PNG's header chunk (IHDR).
    return Page(png, int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big"))


@dataclass(frozen=True)
class Shown:
    """What the preview shows of one document after its last build."""

    job: Job
    #: The preview's counter when the document last changed: a page showing
    #: an older one fetches itself again.
    generation: int
    findings: tuple[str, ...]
    failed: bool
    #: When it was last built, ``HH:MM:SS``.
    at: str


class Preview:
    """What the preview pages show, kept up to date by each rebuild, and the files they link to."""

    def __init__(self, out: Path, styles: Path = STYLES_DIR) -> None:
        self.out = out
        self.root = out.resolve()
        self.styles = styles
        self.pages = Pages()
        self.documents: dict[str, Shown] = {}
        #: Findings that belong to no document (the sources could not be planned).
        self.general: tuple[str, ...] = ()
        #: The counter when :attr:`general` last changed: every page shows them.
        self.general_generation = 0
        self.generation = 0
        self.at = ""
        self.stopping = False
        self._changed = threading.Condition()

    # -- the state ---------------------------------------------------------------

    def update(self, rebuild: watcher.Rebuild) -> None:
        """Take in what ``rebuild`` did, and wake the event streams."""
        report, at = rebuild.report, rebuild.at.strftime("%H:%M:%S")
        with self._changed:
            self.generation += 1
            self.at = at
            sources = {job.source for job in rebuild.jobs}
            general = tuple(
                str(d)
                for d in report.diagnostics
                # Nothing was built when planning failed: the documents keep their
                # last good outputs, and every page shows why.
                if rebuild.error is not None or d.location.path not in sources
            )
            if general != self.general:
                self.general, self.general_generation = general, self.generation
            if rebuild.error is None:
                documents: dict[str, Shown] = {}
                for job in rebuild.jobs:
                    name = document_name(job)
                    old = self.documents.get(name)
                    findings = tuple(
                        str(d) for d in report.diagnostics if d.location.path == job.source
                    )
                    failed = job.source in report.failed
                    if (
                        old is None
                        or job.source not in report.skipped
                        or (findings, failed) != (old.findings, old.failed)
                    ):
                        documents[name] = Shown(job, self.generation, findings, failed, at)
                    else:
                        documents[name] = old
                self.documents = documents
            self._changed.notify_all()

    def state(self) -> dict[str, object]:
        """The counters the pages compare with theirs: the whole preview's and each document's."""
        with self._changed:
            return {
                "generation": self.generation,
                "documents": {name: self._counter(shown) for name, shown in self.documents.items()},
            }

    def _counter(self, shown: Shown) -> int:
        return max(shown.generation, self.general_generation)

    def next_state(self, seen: int, timeout: float) -> tuple[int, dict[str, object]] | None:
        """The state once it differs from counter ``seen`` or ``timeout`` passes; None: stopping."""
        with self._changed:
            self._changed.wait_for(lambda: self.stopping or self.generation != seen, timeout)
            if self.stopping:
                return None
            return self.generation, self.state()

    def stop(self) -> None:
        """End every event stream."""
        with self._changed:
            self.stopping = True
            self._changed.notify_all()

    # -- files -------------------------------------------------------------------

    def output(self, target: str) -> tuple[Path, bytes] | None:
        """The file of the output folder at ``target`` (a URL's path below ``/files/``) and its
        bytes, or None.

        Each segment is decoded on its own, so that an encoded slash stays
        inside its segment and is refused; ``..``, hidden files and a link
        leading out of the folder are refused too.
        """
        try:
            names = [unquote(segment, errors="strict") for segment in target.split("/")]
        except UnicodeDecodeError:
            return None
        for name in names:
            if not name or name.startswith(".") or any(c in name for c in "/\\\0"):
                return None
        try:
            path = self.root.joinpath(*names).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                return None
            return path, path.read_bytes()
        except (OSError, RuntimeError):  # a name too long, a loop of links, a file just gone
            return None

    def static(self, name: str) -> bytes:
        """One of the tool's own files from ``styles/``."""
        return (self.styles / name).read_bytes()

    # -- the pages ---------------------------------------------------------------

    def _template(self, name: str) -> string.Template:
        return string.Template((self.styles / name).read_text(encoding="utf-8"))

    def _status(self) -> str:
        return f"Last build at {self.at}." if self.at else "Building…"

    def index_page(self) -> bytes:
        """The list of documents, each with its state and a link to its preview."""
        with self._changed:
            documents, general, generation = dict(self.documents), self.general, self.generation
            status = self._status()
        items = []
        for name, shown in documents.items():
            state = f"not built at {shown.at}" if shown.failed else f"built at {shown.at}"
            count = len(shown.findings)
            state += f", {count} finding{'s' if count != 1 else ''}" if count else ""
            source = html.escape(display_path(shown.job.source))
            items.append(
                f'<li><a href="/preview/{quote(name)}">{source}</a> '
                f"<span>({html.escape(state)})</span></li>"
            )
        return (
            self._template("serve-index.html")
            .substitute(
                generation=generation,
                status=html.escape(status),
                problems=_findings(general, "Problems", "problems-heading") if general else "",
                documents="\n".join(items) or "<li>No documents found.</li>",
            )
            .encode()
        )

    def preview_page(self, name: str) -> bytes | None:
        """The preview of document ``name``: its web page, its leaflet's pages, its findings."""
        with self._changed:
            shown, general = self.documents.get(name), self.general
            status = self._status()
            counter = self._counter(shown) if shown is not None else 0
        if shown is None:
            return None
        job = shown.job
        folder = self.out / job.folder
        if shown.failed:
            status = (
                f"The build at {shown.at} failed; shown are the outputs of the last good build."
            )
        elif shown.at:
            status = f"Built at {shown.at}."
        source = display_path(job.source)
        findings = _findings((*general, *shown.findings), "Findings", "findings-heading")
        return (
            self._template("serve-preview.html")
            .substitute(
                name=html.escape(name),
                generation=counter,
                source=html.escape(source),
                status=html.escape(status),
                findings=findings,
                web=self._web(folder / WEB_PAGE.output_name(job.source.stem), source),
                pages=self._leaflet(folder / LEAFLET.output_name(job.source.stem)),
            )
            .encode()
        )

    def _url(self, path: Path) -> str:
        return "/files/" + quote(path.resolve().relative_to(self.root).as_posix())

    def _web(self, page: Path, source: str) -> str:
        try:
            version = hashlib.sha256(page.read_bytes()).hexdigest()[:16]
        except OSError:
            return "<p>No web page yet: it has not been built.</p>"
        url = self._url(page)
        return (
            f'<iframe src="{url}?v={version}" title="Web page of {html.escape(source)}"></iframe>'
            f'<p><a href="{url}">Open the web page on its own</a></p>'
        )

    def _leaflet(self, pdf: Path) -> str:
        if not pdf.is_file():
            return "<p>No leaflet PDF yet: it has not been built.</p>"
        link = f'<a href="{self._url(pdf)}">Open the leaflet PDF</a>'
        try:
            digest, pages = self.pages.of(pdf)
        except Unavailable as reason:
            return f"<p>{html.escape(str(reason))}.</p><p>{link}</p>"
        images = "\n".join(
            f'<li><img src="/pages/{digest}/{number}.png" width="{page.width}" '
            f'height="{page.height}" alt="Page {number} of the leaflet"></li>'
            for number, page in enumerate(pages, 1)
        )
        count = f"{len(pages)} page{'s' if len(pages) != 1 else ''}"
        return f'<p>{link} ({count})</p>\n<ol class="pages">\n{images}\n</ol>'


def _findings(findings: tuple[str, ...], heading: str, identifier: str) -> str:
    """A section listing ``findings`` as text, under ``heading``."""
    listed = "\n".join(f"<li><code>{html.escape(f)}</code></li>" for f in findings)
    body = f'<ul class="findings">\n{listed}\n</ul>' if findings else "<p>None.</p>"
    return (
        f'<section aria-labelledby="{identifier}">'
        f'<h2 id="{identifier}">{heading}</h2>\n{body}\n</section>'
    )


class _Server(ThreadingHTTPServer):
    """The HTTP server: a thread a connection, none of which keeps the process alive."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, host: str, port: int, preview: Preview) -> None:
        self.preview = preview
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer's own looks the host's name up in the DNS, which stalls offline.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser closing a connection (a reload, a closed tab) is no error.
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    """Answers one request: a page of the tool, the event stream, an image or an output."""

    server: _Server
    server_version = "clearleaf"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        """Say nothing of each request: the console is for the builds."""

    def do_GET(self) -> None:
        """Answer a GET."""
        self._answer(head=False)

    def do_HEAD(self) -> None:
        """Answer a HEAD: a GET's headers."""
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        preview = self.server.preview
        path = urlsplit(self.path).path
        page: bytes | None = None
        if path == "/":
            page = preview.index_page()
        elif path.startswith("/preview/"):
            page = preview.preview_page(unquote(path.removeprefix("/preview/")))
        elif path == "/events" and not head:
            self._events(preview)
            return
        elif path.startswith("/static/") and path.removeprefix("/static/") in STATIC:
            name = path.removeprefix("/static/")
            self._send(preview.static(name), STATIC[name], head, {"Cache-Control": "no-cache"})
            return
        elif found := re.fullmatch(r"/pages/([0-9a-f]{64})/([1-9][0-9]{0,4})\.png", path):
            image = preview.pages.image(found[1], int(found[2]))
            if image is not None:
                # The address names the PDF's contents: it never changes.
                cache = {"Cache-Control": "public, max-age=31536000, immutable"}
                self._send(image, "image/png", head, cache)
                return
        elif path.startswith("/files/"):
            output = preview.output(path.removeprefix("/files/"))
            if output is not None:
                self._send(output[1], _content_type(output[0]), head, {})
                return
        if page is None:
            self._send(b"Not found\n", "text/plain; charset=utf-8", head, {}, HTTPStatus.NOT_FOUND)
            return
        headers = {"Cache-Control": "no-store", "Content-Security-Policy": TOOL_POLICY}
        self._send(page, "text/html; charset=utf-8", head, headers)

    def _send(
        self,
        body: bytes,
        content_type: str,
        head: bool,
        headers: dict[str, str],
        status: HTTPStatus = HTTPStatus.OK,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self, preview: Preview) -> None:
        """The event stream: the state at once, then again after every rebuild."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        # A page whose server restarts connects again a second later.
        self.wfile.write(b"retry: 1000\n\n")
        seen = -1
        while (found := preview.next_state(seen, KEEP_ALIVE)) is not None:
            generation, state = found
            if generation == seen:
                self.wfile.write(b": idle\n\n")
            else:
                self.wfile.write(f"event: state\ndata: {json.dumps(state)}\n\n".encode())
            seen = generation


def _content_type(path: Path) -> str:
    if path.suffix == ".epub":
        return "application/epub+zip"  # not in every system's table of types
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def _bind(host: str, port: int, preview: Preview) -> _Server:
    """The server listening on ``host``:``port``, or the usage error that says why it cannot."""
    try:
        return _Server(host, port, preview)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            option, code = "--port", "usage.port-in-use"
            message = (
                f"port {port} of {host} is in use (another serve?); choose another with --port, "
                "or --port 0 for any free one"
            )
        elif error.errno == errno.EACCES:
            option, code = "--port", "usage.port-denied"
            message = f"no permission to serve on port {port}; choose one above 1023 with --port"
        else:
            option, code = "--host", "usage.host"
            message = (
                f"cannot serve on {host}: {error.strerror or error}; give an address of this "
                "computer, such as 127.0.0.1"
            )
        raise PipelineError(
            Diagnostic(Location(Path(option)), Severity.ERROR, code, message), category="usage"
        ) from None


def url_of(server: _Server) -> str:
    """The address a browser on this computer opens the preview at."""
    host = server.server_name
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"  # every address: this computer's own is one of them
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{server.server_port}/"


def serve(
    session: watcher.Session,
    host: str,
    port: int,
    rebuilt: Callable[[watcher.Rebuild], None],
    ready: Callable[[str], None],
    open_browser: bool = False,
    settle: float = 0.2,
) -> None:
    """Serve a live preview of ``session``'s outputs on ``host``:``port`` until interrupted.

    Raises a usage error, before building anything, for a source that does
    not exist or a port that cannot be used. ``ready`` is given the
    preview's address once it answers, ``rebuilt`` each build; the browser
    is opened once the first build is done.
    """
    session.plan()
    preview = Preview(session.out)
    server = _bind(host, port, preview)
    url = url_of(server)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="clearleaf-serve"
    )
    thread.daemon = True
    thread.start()
    ready(url)
    pending_open = open_browser

    def shown(rebuild: watcher.Rebuild) -> None:
        nonlocal pending_open
        preview.update(rebuild)
        rebuilt(rebuild)
        if pending_open:
            pending_open = False
            with contextlib.suppress(webbrowser.Error):  # no browser: the address was printed
                webbrowser.open(url)

    try:
        watcher.watch(session, shown, settle)
    finally:
        preview.stop()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
