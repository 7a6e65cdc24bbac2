"""Reading a canonical source: front matter, body, and the one pandoc parse."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from clearleaf import (
    assets,
    characters,
    config,
    fragment,
    limits,
    outline,
    outputs,
    pandoc,
    rawhtml,
    sanitize,
    targets,
)
from clearleaf.ast import Heading, has_notes, image_sources, ordered_lists, strip_comments
from clearleaf.ast import headings as find_headings
from clearleaf.errors import Diagnostic, PipelineError, combined, input_error
from clearleaf.metadata import Metadata, validate_all
from clearleaf.sourcemap import FENCE_OPEN, Source, source_of


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates reach the schema as text.

    PyYAML turns ``2026-02-30`` into a crash rather than an error, and accepts
    forms the schema does not; the schema's own date check says what is wrong.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Document:
    """One parsed source: validated metadata and the pandoc AST of its body."""

    path: Path
    meta: Metadata
    ast: dict[str, Any]
    text: str = ""
    #: Each image reference in the body and the file it names.
    images: dict[str, Path] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: How the body's headings were written (see :mod:`clearleaf.outline`).
    outline: outline.Outline = field(default_factory=outline.Outline)
    #: What the project's ``clearleaf.toml`` gives this source (:mod:`clearleaf.config`).
    settings: config.Settings = field(default_factory=config.Settings)
    #: What later stages work out about the document once, for every edition
    #: (the readability figures, :func:`clearleaf.readability.measure`).
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: The body's HTML as pandoc renders it from the Markdown, and pandoc's
    #: JSON of the parsed body, to check the AST is still that (see
    #: :class:`clearleaf.pandoc.EarlyHTML`); used once by :attr:`body_html`.
    early_html: tuple[pandoc.EarlyHTML, str] | None = field(default=None, repr=False, compare=False)
    #: The SHA-256 of each of :attr:`dependencies` as read when the source was loaded
    #: (the source's of the very bytes parsed): what the build's record keeps, so that
    #: a file saved again while the build ran is seen as changed by the next build.
    read_digests: dict[Path, str] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        # For worker processes: a background pandoc run stays with this process.
        state = dict(self.__dict__)
        state["early_html"] = None
        return state

    @functools.cached_property
    def source(self) -> Source:
        """The source map of the file, made once at load: where each construct is."""
        return source_of(self.text)

    @property
    def stem(self) -> str:
        """The file name without ``.md``; every output is named after it."""
        return self.path.stem

    @property
    def identifier(self) -> str:
        """A stable URN: the same document from the same organisation keeps it across builds."""
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.meta.organisation}/{self.stem}')}"

    @property
    def folder(self) -> Path:
        """The folder holding the source and its assets."""
        return self.path.parent

    @property
    def dependencies(self) -> list[Path]:
        """Every file the editions are made from: the source, its images, the project's settings."""
        found = [self.path, *self.images.values()]
        if self.settings.path is not None:
            found.append(self.settings.path)
        if self.settings.branding.logo is not None:
            found.append(self.settings.branding.logo)
        return found

    @property
    def blocks(self) -> list[dict[str, Any]]:
        """The body's top-level blocks."""
        blocks: list[dict[str, Any]] = self.ast["blocks"]
        return blocks

    @functools.cached_property
    def headings(self) -> list[Heading]:
        """The body's headings, for tables of contents, and the notes section's if any."""
        found = find_headings(self.blocks)
        if has_notes(self.blocks):
            found.append(Heading(2, fragment.NOTES_ID, fragment.NOTES_TITLE))
        return found

    @functools.cached_property
    def body_html(self) -> str:
        """The body as an HTML5 fragment, shared by the HTML, EPUB and PDF formats."""
        early, self.early_html = self.early_html, None
        html = early[0].result(self.ast, early[1]) if early is not None else None
        if html is None:
            html = pandoc.to_html(self.ast, self.path)
        # nh3 last: whatever the checks in load() missed cannot reach a page.
        return sanitize.clean(fragment.enhance(html, ordered_lists(self.blocks)))


#: From this length of body on, :func:`load` asked for the HTML starts it in
#: parallel with the parse. On a short text the second pandoc run takes a few
#: hundredths of a second, less than what starting it early takes from the
#: other work of a build running at the same time.
EARLY_HTML_BYTES = 64 * 1024


class InvalidSource(PipelineError):
    """A source with mistakes that stop it being published, all found in one run.

    ``document`` is what could be read of it (with provisional metadata when
    the front matter has mistakes), so that the accessibility checks can
    still report on the body in the same run; ``None`` when nothing could be.
    """

    def __init__(self, error: PipelineError, document: Document | None) -> None:
        super().__init__(error.diagnostic, error.category, error.more)
        self.document = document

    def __reduce__(
        self,
    ) -> tuple[type[PipelineError], tuple[Diagnostic, str, tuple[Diagnostic, ...]]]:
        # Across processes, only the diagnostics travel (as a PipelineError).
        return (PipelineError, (self.diagnostic, self.category, self.more))


def load(path: Path, html: bool = False) -> Document:
    """Read, validate and parse the source at ``path``.

    With ``html``, for a caller that will need the body's HTML
    (:attr:`Document.body_html`), a long body's is started at once, in
    parallel with the parse.

    Refuses, with the line where it can: a file that is empty, not text, not
    UTF-8 or beyond a limit (:mod:`clearleaf.limits`); a character no edition
    can hold, typed, escaped in the front matter or a character reference in
    the body (:mod:`clearleaf.characters`); bad front matter; a YAML
    block in the body; a misspelt attribute or a clashing identifier
    (:mod:`clearleaf.sanitize`); an image that is missing, remote or outside the
    document's folder. Every such mistake that can be found in one run is
    (:class:`InvalidSource`), so that an editor fixes them all at once.
    """
    data = _read(path)
    text = _decode(data, path)
    if not text.strip():
        raise input_error(
            path,
            "source.empty",
            "the file has no text; a source starts with front matter between '---' lines "
            "(title, lang, organisation, description, published, next_review), then the text",
        )
    limits.check_lines(text, path)
    source = source_of(text)
    front, body, first_line = _split_front_matter(source, path)
    errors: list[PipelineError] = []
    settings = config.settings_for(path)
    raw, key_lines = _load_yaml(front, path, first_line, errors)
    if isinstance(raw, dict):
        # The project's defaults, for the keys the source does not set.
        raw = {**settings.defaults, **raw}
    meta, meta_errors = validate_all(raw, path, key_lines, first_line)
    if raw is None:
        meta_errors = []  # the YAML itself is wrong: its keys cannot be judged
    errors.extend(meta_errors)
    early = pandoc.EarlyHTML(body, path) if html and len(body) >= EARLY_HTML_BYTES else None
    try:
        parsed, diagnostics = pandoc.parse_json(body, path)
        tree, shape = _body(
            pandoc.decode(parsed, path), diagnostics, errors, path, body, meta, source
        )
    except BaseException:
        if early is not None:
            early.cancel()
        raise
    sources = image_sources(tree["blocks"])
    offsets = source.locate_targets((True, src) for src in sources)
    first = {
        src: source.position(offset)
        for src, offset in reversed(list(zip(sources, offsets, strict=True)))
    }
    found, image_errors = assets.resolve_all(sources, path.parent, path, source, first)
    images, page_errors = assets.one_each(tree["blocks"], found, path, first)
    errors.extend(image_errors + page_errors)
    document = Document(
        path=path,
        meta=meta,
        ast=tree,
        text=text,
        images=images,
        diagnostics=sorted(diagnostics, key=lambda d: (d.location.line, d.location.column, d.code)),
        outline=shape,
        settings=settings,
        early_html=(early, parsed) if early is not None else None,
    )
    if errors:
        if early is not None:
            early.cancel()
        document.early_html = None
        raise InvalidSource(combined(errors), document)
    document.read_digests = {
        dependency: outputs.file_hash(dependency) for dependency in document.dependencies
    }
    document.read_digests[path] = hashlib.sha256(data).hexdigest()
    return document


def _body(
    tree: dict[str, Any],
    diagnostics: list[Diagnostic],
    errors: list[PipelineError],
    path: Path,
    body: str,
    meta: Metadata,
    source: Source,
) -> tuple[dict[str, Any], outline.Outline]:
    """The parsed body, without comments, its HTML read, its outline and links made sound.

    What was changed or refused is added to ``diagnostics`` and ``errors``.
    """
    _check_notes(diagnostics, errors, path)
    limits.check_nesting(tree, path, source)
    _check_body_metadata(tree, errors, path, source)
    tree = strip_comments(tree)
    tree, refused = characters.check_body(tree, path, source)
    errors.extend(refused)
    tree, read = rawhtml.read(tree, path, source)
    diagnostics.extend(read.diagnostics)
    tree, shaped = outline.normalise(tree, meta.title or None, path, source)
    diagnostics.extend(shaped.diagnostics)
    errors.extend(shaped.errors)
    base = None if meta.provisional else targets.base_address(meta.link_base, meta.url)
    tree, linked = targets.resolve(tree, path, source, base)
    diagnostics.extend(linked.diagnostics)
    tree, checked = sanitize.check(tree, path, source)
    diagnostics.extend(checked.diagnostics)
    errors.extend(checked.errors)
    return tree, shaped.outline


def _read(path: Path) -> bytes:
    """The bytes of the source, refusing a file too large to be one before reading it,
    a name too long for its editions' names, and a link to a file outside its folder."""
    length = len(os.fsencode(path.stem))
    if length > limits.MAX_SOURCE_NAME_BYTES:
        raise input_error(
            path,
            "source.name-too-long",
            f"the file's name is {length} bytes long, and its editions add up to 16 more; "
            f"a file system holds 255: shorten it to {limits.MAX_SOURCE_NAME_BYTES} bytes or "
            "fewer (the title is in the front matter)",
        )
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if not target.is_relative_to(path.parent.resolve()):
                raise input_error(
                    path,
                    "source.outside-folder",
                    f"this is a link to {target}, outside the source's folder; copy the file "
                    "here instead, so that what is published is what the folder holds",
                )
    except (OSError, RuntimeError):
        raise input_error(
            path,
            "source.unreadable",
            "this is a link that leads nowhere (a loop of links, or a file that is gone); "
            "give a Markdown file",
        ) from None
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            # A folder named *.md, or a pipe or device, which would block the build.
            raise input_error(path, "source.unreadable", "this is not a file; give a Markdown file")
        if status.st_size > limits.MAX_SOURCE_BYTES:
            raise limits.size_error(path, status.st_size)
        with path.open("rb") as stream:
            # Read one byte past the limit: the file may have grown since stat().
            data = stream.read(limits.MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise input_error(
            path, "source.unreadable", f"cannot read the file: {exc.strerror}"
        ) from None
    if len(data) > limits.MAX_SOURCE_BYTES:
        raise limits.size_error(path, len(data))
    return data


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise input_error(
            path,
            "source.encoding",
            "the file is UTF-16 text; save it with UTF-8 encoding",
            1,
        )
    if b"\0" in data:
        raise input_error(
            path,
            "source.binary",
            "this is not a text file (it contains NUL bytes); a source is Markdown text "
            "saved as UTF-8",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise input_error(
            path,
            "source.encoding",
            "the file is not UTF-8 text; save it with UTF-8 encoding",
            line,
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # Canonically equivalent text in one form (NFC), as HTML and EPUB ask
    # (the Nu Html Checker warns of any other): a letter and its marks typed
    # separately are the same words, and every edition then holds the same
    # characters, searches and screen readers included.
    text = unicodedata.normalize("NFC", text)
    control = characters.CONTROL.search(text)
    if control:
        line, column = source_of(text).position(control.start())
        raise input_error(
            path,
            "source.control-character",
            f"the control character U+{ord(control[0]):04X} cannot be shown in any edition; "
            "delete it (text pasted from another program often carries one)",
            line,
            column,
        )
    return text


def _split_front_matter(source: Source, path: Path) -> tuple[str, str, int]:
    """Split the text into YAML and body; the body keeps its line numbers.

    Where the front matter ends is the source map's rule
    (:func:`clearleaf.sourcemap.front_matter_close`).
    """
    lines = source.text.split("\n")
    if lines[0].rstrip() != FENCE_OPEN:
        raise input_error(
            path,
            "source.no-front-matter",
            "the file must start with a '---' line opening the front matter "
            "(title, lang, organisation, description, published, next_review)",
            1,
        )
    close = source.front_matter_close
    if close is None:
        raise input_error(
            path,
            "source.unclosed-front-matter",
            "the front matter opened here is never closed; add a '---' line after it",
            1,
        )
    front = "\n".join(lines[1:close])
    # Blank lines stand in for the front matter, so that pandoc (and every
    # later diagnostic) counts body lines as the editor sees them.
    body = "\n" * (close + 1) + "\n".join(lines[close + 1 :])
    return front, body, 1


def _load_yaml(
    front: str, path: Path, first_line: int, errors: list[PipelineError]
) -> tuple[Any, dict[str, int]]:
    """Parse the YAML block, keeping the line of every top-level key.

    A key set twice, or YAML that cannot be read at all (then ``None``), is
    added to ``errors``.
    """
    loader = _Loader(front)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        errors.extend(_unwritable(node, front, path, first_line))
        key_lines: dict[str, int] = {}
        if isinstance(node, yaml.MappingNode):
            for key_node, _value in node.value:
                key = str(key_node.value)
                line = first_line + key_node.start_mark.line + 1
                if key in key_lines:
                    errors.append(
                        input_error(
                            path,
                            "meta.duplicate-key",
                            f"'{key}' is set twice (first on line {key_lines[key]}); keep one",
                            line,
                        )
                    )
                    continue
                key_lines[key] = line
        oversized = _oversized(node, path, first_line)
        if oversized is not None:
            errors.append(oversized)
            return None, key_lines
        return loader.construct_document(node), key_lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "end of stream" in (exc.problem or ""):
            # An unclosed quote or bracket: point where it opened, not at the end.
            mark = exc.context_mark
        line = first_line + (mark.line + 1 if mark else 0)
        column = mark.column + 1 if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        errors.append(
            input_error(
                path,
                "meta.yaml-syntax",
                f"the front matter is not valid YAML ({problem}); check quotes, colons and "
                "indentation",
                line,
                column,
            )
        )
        return None, {}
    finally:
        loader.dispose()


def _oversized(node: yaml.Node, path: Path, first_line: int) -> PipelineError | None:
    """The error for front matter too large once its aliases are expanded, if it is.

    Measured on YAML's node graph, before anything is built: an alias is the
    same node object as its anchor, so each node is sized once (a memo by
    identity), and a value that contains itself is refused outright.
    """
    sizes: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()
    repeated = False

    def size(item: yaml.Node) -> tuple[int, int]:
        """(characters, list entries) of ``item`` expanded; capped once over a limit."""
        nonlocal repeated
        known = sizes.get(id(item))
        if known is not None:
            repeated = True  # an alias: the same node met again
            return known
        if id(item) in open_nodes:
            raise RecursionError  # a value that contains itself: endless once expanded
        open_nodes.add(id(item))
        if isinstance(item, yaml.ScalarNode):
            found = (len(str(item.value)), 0)
        elif isinstance(item, yaml.SequenceNode):
            parts = [size(child) for child in item.value]
            found = (sum(c for c, _ in parts), len(parts) + sum(n for _, n in parts))
        else:
            parts = [size(part) for pair in item.value for part in pair]
            found = (sum(c for c, _ in parts), sum(n for _, n in parts))
        # Capped, so that the numbers of a deeply nested bomb stay small.
        found = (
            min(found[0], limits.MAX_FRONT_MATTER_CHARS + 1),
            min(found[1], limits.MAX_FRONT_MATTER_ITEMS + 1),
        )
        open_nodes.discard(id(item))
        sizes[id(item)] = found
        return found

    pairs = node.value if isinstance(node, yaml.MappingNode) else [(node, node)]
    total = (0, 0)
    for key_node, value in pairs:
        key, mark = str(key_node.value), key_node.start_mark
        where = (first_line + mark.line + 1, mark.column + 1)
        try:
            chars, items = size(value)
        except RecursionError:
            return limits.front_matter_error(path, key, where, "endless")
        total = (total[0] + chars, total[1] + items)
        if total[0] > limits.MAX_FRONT_MATTER_CHARS or total[1] > limits.MAX_FRONT_MATTER_ITEMS:
            return limits.front_matter_error(path, key, where, "aliases" if repeated else "long")
    return None


def _unwritable(node: yaml.Node, front: str, path: Path, first_line: int) -> list[PipelineError]:
    """An error for each string of the front matter (a key, a value, an item of a nested list
    or mapping) that holds a character no edition can hold (:mod:`clearleaf.characters`).

    Only an escape in a double-quoted string can write one (the file itself has
    none); each error is at that escape. The strings then hold U+FFFD in place
    of the character, so that the rest of the front matter is checked, and
    quoted in messages, safely.
    """
    errors: list[PipelineError] = []
    pairs = node.value if isinstance(node, yaml.MappingNode) else [(None, node)]
    seen: set[int] = set()
    for key_node, value in pairs:
        key = characters.UNWRITABLE.sub(characters.REPLACEMENT, str(getattr(key_node, "value", "")))
        place = "the front matter" if key_node is None else f"the value of '{key}'"
        # A stack, not recursion, and each node once: an alias is its anchor's node.
        stack: list[tuple[yaml.Node, str]] = [(value, place)]
        if key_node is not None:
            stack.append((key_node, "a key"))
        while stack:
            item, where = stack.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, yaml.SequenceNode):
                stack.extend((child, where) for child in reversed(item.value))
            elif isinstance(item, yaml.MappingNode):
                for pair in reversed(item.value):
                    stack.extend([(pair[1], where), (pair[0], where)])
            elif isinstance(item.value, str) and characters.UNWRITABLE.search(item.value):
                errors.append(_unwritable_error(item, front, path, first_line, where))
                item.value = characters.UNWRITABLE.sub(characters.REPLACEMENT, item.value)
    return errors


def _unwritable_error(
    item: yaml.Node, front: str, path: Path, first_line: int, place: str
) -> PipelineError:
    """The error for the scalar ``item`` of the front matter, at its first escape that writes
    a character no edition can hold."""
    start, end = item.start_mark.index, item.end_mark.index
    found = characters.yaml_escape(front[start:end])
    if found:
        offset, escape, code = start + found[0], found[1], found[2]
    else:  # not written as an escape (as far as the search can tell): at the string
        offset, escape = start, None
        code = ord(characters.UNWRITABLE.findall(str(item.value))[0])
    line_start = front.rfind("\n", 0, offset) + 1
    where = (first_line + 1 + front.count("\n", 0, offset), offset - line_start + 1)
    return characters.front_matter_error(path, place, code, escape, where)


# A YAML block pandoc would take from the body: "---" on its own line, then a
# "key:" line.
_BODY_YAML = re.compile(r"^---[ \t]*\n(?=[^\s:#][^:\n]*:)", re.MULTILINE)


def _check_body_metadata(
    tree: dict[str, Any], errors: list[PipelineError], path: Path, source: Source
) -> None:
    """Refuse a YAML block in the body: pandoc would read it as settings and drop its text."""
    if not tree.get("meta"):
        return
    match = _BODY_YAML.search(source.text, source.front_matter_end)
    errors.append(
        input_error(
            path,
            "source.body-metadata",
            "this '---' line starts a second YAML block, which no edition shows (only the "
            "front matter at the top is read); remove it, or use '* * *' for a rule",
            source.position(match.start())[0] if match else 0,
        )
    )


def _check_notes(diagnostics: list[Diagnostic], errors: list[PipelineError], path: Path) -> None:
    """Refuse a footnote label defined twice: pandoc keeps one and drops the other's text."""
    for diagnostic in list(diagnostics):
        match = re.match(r"Duplicate note reference '(.*)'", diagnostic.message)
        if match:
            diagnostics.remove(diagnostic)
            errors.append(
                input_error(
                    path,
                    "source.duplicate-note",
                    f"footnote [^{match[1]}] is defined a second time here, and one of the two "
                    "texts would be lost; give each note its own label",
                    diagnostic.location.line,
                    diagnostic.location.column,
                )
            )
