"""The project's configuration: ``clearleaf.toml``, found in a source's folder or a parent.

A project keeps what its documents share in one file instead of repeating it
in every source: defaults for any front-matter key (the organisation, its
contact details, the feedback route, the rights), overridden per folder for a
catalogue of several services; the web address the editions are published
under; the default formats and output folder; the severity of each check; the
branding (a logo and colours, checked for contrast); and the project's own
wording of the page's messages. A source's own front matter always wins.

The schema is data (:data:`SCHEMA`), like the front matter's, and every value
is validated as the front matter's is: an unknown key gets a suggestion, and
every mistake is reported at once, at its line in the file.

``[project]``
    ``source`` (the folder of the sources, default ``source``), ``out`` (the
    output folder, default ``build``), ``formats`` (the editions ``build``
    makes, default all), ``url_base`` (where the web editions are published:
    a document's ``url`` is the base, its folder and its name, ``.html``).
``[defaults]``
    Any front-matter key (:data:`clearleaf.metadata.FIELDS`).
``[folders."<folder below source>"]``
    The same keys as ``[defaults]``, and a ``checks`` table, for the sources
    in that folder and below it; the deepest folder wins.
``[checks]``
    A check's code and ``"error"``, ``"warning"`` or ``"ignore"``.
``[branding]``
    ``logo`` (an image in the project), ``logo_alt`` (its text alternative),
    and colours (:data:`COLOURS`).
``[messages.<language>]``
    A message of the page's own words and the project's wording of it.
``[catalogue]``
    ``title`` and ``description`` of the catalogue's index page and OPDS feed
    (:mod:`clearleaf.catalogue`); ``lang`` (the index page's language, default
    ``[defaults] lang``, else English).
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearleaf import i18n, metadata, speech, values
from clearleaf.editions import EDITIONS
from clearleaf.errors import PipelineError, Severity, combined, input_error

#: The file's name, as ``pyproject.toml`` and ``mkdocs.yml`` are named.
FILE_NAME = "clearleaf.toml"

#: What a check's severity may be set to.
LEVELS = ("error", "warning", "ignore")

#: The branding colours: the page's CSS property each sets (in the light colour
#: scheme and in print), and what it is used for.
COLOURS = {
    "link": ("--link", "the colour of links"),
    "link_visited": ("--link-visited", "the colour of visited links"),
    "callout_background": ("--callout-background", "the background of call-outs"),
    "callout_border": ("--callout-border", "the border of call-outs"),
    "rule": ("--rule", "rules and table borders"),
}

#: The page's own colours in the light scheme (clearleaf/styles/base.css).
PAGE_COLOURS = {"text": "#1a1a1a", "background": "#ffffff"}

#: WCAG 2.2 minimum contrast: text (1.4.3) and the parts of a page that are
#: not text (1.4.11).
TEXT_CONTRAST = 4.5
NON_TEXT_CONTRAST = 3.0

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

#: The keys of each table, and what they are.
SCHEMA: dict[str, dict[str, str]] = {
    "project": {
        "source": "the folder of the sources, below the project (default 'source')",
        "out": "the output folder (default 'build')",
        "formats": "the editions build makes, a list such as ['html', 'pdf'] (default: all)",
        "url_base": "the web address the editions are published under, ending in '/'",
    },
    "branding": {
        "logo": "an image in the project, shown on the front panel, the page header and the "
        "e-book cover",
        "logo_alt": "the logo's text alternative, such as the organisation's name",
        **{name: f"{what} (#rrggbb)" for name, (_, what) in COLOURS.items()},
    },
    "speech": {
        "engine": "the voice of the audio editions: espeak-ng, or command",
        "command": 'with engine = "command": the program and its arguments, {voice} for the '
        "language tag; it reads the text on standard input and writes a 22050 Hz 16-bit mono "
        "WAV file on standard output",
        "lexicon": 'how the audio says words a voice reads wrongly: "written" = "said"',
        "read_aloud_epub": "true for the e-book itself to read aloud (media overlays)",
    },
    "catalogue": {
        "title": "the title of the index page and feed (default 'Publications', in its language)",
        "description": "a sentence under the index page's title, also the feed's description",
        "lang": "the index page's language, a BCP 47 tag (default: [defaults] lang, else en)",
    },
}
_TABLES = (
    "project",
    "defaults",
    "folders",
    "checks",
    "branding",
    "messages",
    "speech",
    "catalogue",
)


@dataclass(frozen=True)
class Branding:
    """A project's logo and colours."""

    logo: Path | None = None
    logo_alt: str = ""
    #: CSS custom property -> colour (#rrggbb), for the light scheme and print.
    colours: Mapping[str, str] = field(default_factory=dict)

    @property
    def css(self) -> str:
        """The colours as a rule to follow ``base.css`` (the dark scheme's rules come later
        and keep their own colours); empty without colours."""
        rules = ""
        if self.colours:
            declarations = "".join(f"\n  {prop}: {value};" for prop, value in self.colours.items())
            rules += f":root {{{declarations}\n}}\n"
        if self.logo is not None:
            rules += ".masthead .logo {\n  display: block;\n  max-width: 60%;\n  max-height: 5em;\n"
            rules += "  height: auto;\n  margin-bottom: 1em;\n}\n"
        return f"\n/* The project's branding (clearleaf.toml). */\n{rules}" if rules else ""


@dataclass(frozen=True)
class Settings:
    """What the project gives one source: front-matter defaults and check severities."""

    #: Front-matter key -> value (as YAML would give it), for keys the source lacks.
    defaults: Mapping[str, Any] = field(default_factory=dict)
    #: Check code -> "error", "warning" or "ignore".
    checks: Mapping[str, str] = field(default_factory=dict)
    #: The configuration file these come from (a dependency of every edition).
    path: Path | None = None
    branding: Branding = Branding()
    #: Language -> message -> the project's wording (``[messages.<language>]``).
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Written -> said, for the audio editions (``[speech.lexicon]``).
    lexicon: Mapping[str, str] = field(default_factory=dict)
    #: The speech engine of the audio editions (``[speech] engine``), and the
    #: program and arguments of a ``command`` engine.
    engine: str = "espeak-ng"
    command: tuple[str, ...] = ()
    #: Whether the e-book itself reads aloud (``[speech] read_aloud_epub``).
    read_aloud_epub: bool = False

    def severity(self, code: str, default: Severity) -> Severity | None:
        """The severity of a finding ``code`` in this project; None if it is ignored."""
        level = self.checks.get(code)
        if level is None:
            return default
        return None if level == "ignore" else Severity(level)


@dataclass(frozen=True)
class Project:
    """A validated ``clearleaf.toml`` (or the defaults, when there is none)."""

    root: Path
    path: Path | None = None
    source: Path = Path("source")
    out: Path = Path("build")
    formats: tuple[str, ...] = ()
    url_base: str | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)
    #: Folder below the source folder -> its defaults and checks.
    folders: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    checks: Mapping[str, str] = field(default_factory=dict)
    branding: Branding = Branding()
    #: Language -> message -> the project's wording.
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Written -> said: how the audio editions say words a voice reads wrongly.
    lexicon: Mapping[str, str] = field(default_factory=dict)
    engine: str = "espeak-ng"
    command: tuple[str, ...] = ()
    read_aloud_epub: bool = False
    #: ``[catalogue]``: the index page's and feed's title, description and language.
    catalogue: Mapping[str, str] = field(default_factory=dict)

    @property
    def source_folder(self) -> Path:
        """The folder of the sources."""
        return self.root / self.source

    def settings(self, source: Path) -> Settings:
        """The defaults and severities for the source at ``source``."""
        defaults = dict(self.defaults)
        checks = dict(self.checks)
        relative = _below(source.parent, self.source_folder)
        if relative is not None:
            # From the shallowest folder to the deepest: the deepest wins.
            for folder in sorted(self.folders, key=lambda name: name.count("/")):
                if relative == folder or relative.startswith(folder + "/") or folder == ".":
                    overrides = dict(self.folders[folder])
                    checks.update(overrides.pop("checks", {}))
                    defaults.update(overrides)
            if self.url_base is not None and "url" not in defaults:
                folder_part = "" if relative == "." else relative + "/"
                defaults["url"] = f"{self.url_base}{folder_part}{source.stem}.html"
        return Settings(
            defaults,
            checks,
            self.path,
            self.branding,
            self.messages,
            self.lexicon,
            self.engine,
            self.command,
            self.read_aloud_epub,
        )


def _below(folder: Path, root: Path) -> str | None:
    """``folder`` relative to ``root`` ("." for the root itself), or None if outside it."""
    try:
        relative = folder.resolve().relative_to(root.resolve())
    except ValueError:
        return None
    return relative.as_posix() or "."


def find(start: Path) -> Path | None:
    """The ``clearleaf.toml`` in ``start`` (a folder) or the nearest parent, if any."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / FILE_NAME
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=32)
def _loaded(path: Path, _stamp: tuple[int, int]) -> Project:
    # Keyed by the file's modification time and size too, so that `watch`
    # and `serve` read an edited file again.
    return load(path)


def for_folder(folder: Path) -> Project:
    """The project ``folder`` belongs to: its ``clearleaf.toml``, validated (cached)."""
    path = find(folder)
    if path is None:
        return Project(root=folder.resolve())
    stat = path.stat()
    return _loaded(path, (stat.st_mtime_ns, stat.st_size))


def settings_for(source: Path) -> Settings:
    """What the project gives the source at ``source`` (nothing, outside a project)."""
    return for_folder(source.parent).settings(source)


def load(path: Path) -> Project:
    """Read and validate the configuration file at ``path``; every mistake in one error."""
    return load_text(_read(path), path)


def load_text(text: str, path: Path = Path(FILE_NAME)) -> Project:
    """Validate the configuration ``text`` of the file at ``path``; every mistake in one error."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column = _position(str(error))
        raise input_error(
            path,
            "config.syntax",
            f"{FILE_NAME} is not valid TOML ({_reason(str(error))}); check quotes, brackets "
            "and '=' signs",
            line,
            column,
        ) from None
    lines = _Lines(text)
    errors: list[PipelineError] = []
    project = _validate(data, path, lines, errors)
    if errors:
        raise combined(errors)
    return project


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise input_error(
            path, "config.encoding", f"{FILE_NAME} is not UTF-8 text; save it as UTF-8"
        ) from None
    except OSError as error:
        raise input_error(
            path, "config.unreadable", f"{FILE_NAME} cannot be read: {error}"
        ) from None


def _position(message: str) -> tuple[int, int]:
    found = re.search(r"line (\d+), column (\d+)", message)
    return (int(found[1]), int(found[2])) if found else (0, 0)


def _reason(message: str) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", message)


class _Lines:
    """Where each table and key of a TOML file is, found by reading its lines.

    ``tomllib`` gives values without positions; a configuration file is
    written one key a line under ``[table]`` headers, which is what this reads.
    """

    _HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
    _KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")

    def __init__(self, text: str) -> None:
        self.tables: dict[tuple[str, ...], int] = {}
        self.keys: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                table = _dotted(header[1])
                self.tables.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.keys.setdefault((*table, *_dotted(key[1])), number)

    def of(self, *where: str) -> int:
        """The line of the key or table ``where`` (or of the nearest enclosing one)."""
        for end in range(len(where), 0, -1):
            place = where[:end]
            if place in self.keys:
                return self.keys[place]
            if place in self.tables:
                return self.tables[place]
        return 0


def _dotted(name: str) -> tuple[str, ...]:
    """The parts of a dotted TOML key or table name, quotes removed."""
    parts = re.findall(r""""((?:[^"\\]|\\.)*)"|'([^']*)'|([^."'\s]+)""", name)
    return tuple(next(part for part in groups if part) if any(groups) else "" for groups in parts)


def _validate(
    data: dict[str, Any], path: Path, lines: _Lines, errors: list[PipelineError]
) -> Project:
    def error(code: str, message: str, *where: str) -> None:
        errors.append(
            input_error(path, code, message, lines.of(*where), 1 if lines.of(*where) else 0)
        )

    for table in data:
        if table not in _TABLES:
            error("config.unknown-key", f"unknown table [{table}]; {_hint(table, _TABLES)}", table)
    project = _table(data, "project", error)
    _unknown(project, "project", SCHEMA["project"], error)
    root = path.parent
    source = _folder(project.get("source", "source"), "source", root, error)
    out = Path(str(project.get("out", "build")))
    formats = _formats(project.get("formats"), error)
    url_base = project.get("url_base")
    if url_base is not None:
        url_base = _checked_value("url", url_base, path, lines.of("project", "url_base"), errors)
        if isinstance(url_base, str) and not url_base.endswith("/"):
            url_base += "/"
    defaults = _front_matter(_table(data, "defaults", error), ("defaults",), path, lines, errors)
    folders: dict[str, dict[str, Any]] = {}
    for name, value in _table(data, "folders", error).items():
        where = ("folders", name)
        if not isinstance(value, dict):
            error("config.wrong-type", f'[folders."{name}"] must be a table of keys', *where)
            continue
        if not (root / source / name).is_dir():
            error(
                "config.no-folder",
                f"there is no folder '{name}' in {source.as_posix()}/; name a folder below it",
                *where,
            )
        checks = value.pop("checks", {})
        folders[name.strip("/")] = {
            **_front_matter(value, where, path, lines, errors),
            "checks": _checks(checks, (*where, "checks"), error),
        }
    checks = _checks(_table(data, "checks", error), ("checks",), error)
    branding = _branding(_table(data, "branding", error), root, error)
    messages = _messages(_table(data, "messages", error), error)
    lexicon, engine, command, read_aloud_epub = _speech(_table(data, "speech", error), error)
    catalogue = _catalogue(_table(data, "catalogue", error), path, lines, errors, error)
    return Project(
        root=root,
        path=path,
        source=source,
        out=out,
        formats=formats,
        url_base=url_base if isinstance(url_base, str) else None,
        defaults=defaults,
        folders=folders,
        checks=checks,
        branding=branding,
        messages=messages,
        lexicon=lexicon,
        engine=engine,
        command=command,
        read_aloud_epub=read_aloud_epub,
        catalogue=catalogue,
    )


def _catalogue(
    table: Mapping[str, Any],
    path: Path,
    lines: _Lines,
    errors: list[PipelineError],
    error: Any,
) -> dict[str, str]:
    """``[catalogue]``: texts, and a language checked as the front matter's ``lang`` is."""
    _unknown(table, "catalogue", SCHEMA["catalogue"], error)
    found: dict[str, str] = {}
    for key in ("title", "description"):
        value = table.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            error("config.wrong-type", f"[catalogue] {key} must be text", "catalogue", key)
            continue
        found[key] = " ".join(value.split())
    if "lang" in table:
        lang = _checked_value("lang", table["lang"], path, lines.of("catalogue", "lang"), errors)
        if isinstance(lang, str):
            found["lang"] = lang
    return found


def _speech(
    table: Mapping[str, Any], error: Any
) -> tuple[dict[str, str], str, tuple[str, ...], bool]:
    """``[speech]``: the lexicon, the engine and its command, whether the e-book reads aloud."""
    _unknown(table, "speech", SCHEMA["speech"], error)
    lexicon = table.get("lexicon", {})
    if not isinstance(lexicon, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
        for k, v in lexicon.items()
    ):
        error(
            "config.wrong-type",
            '[speech.lexicon] must be a table of \'"written" = "said"\' lines, '
            'such as "COPD" = "C O P D"',
            "speech",
            "lexicon",
        )
        lexicon = {}
    engine = table.get("engine", speech.DEFAULT.name)
    if engine not in (*speech.VOICES, speech.COMMAND):
        error(
            "config.bad-value",
            f"[speech] engine '{engine}' is not one clearleaf has; valid: "
            + ", ".join((*speech.VOICES, speech.COMMAND)),
            "speech",
            "engine",
        )
        engine = speech.DEFAULT.name
    command = table.get("command", [])
    if not isinstance(command, list) or not all(isinstance(part, str) for part in command):
        error(
            "config.wrong-type",
            '[speech] command must be a list such as ["piper", "--output_file", "-"]',
            "speech",
            "command",
        )
        command = []
    if engine == speech.COMMAND and not command:
        error(
            "config.missing-key",
            '[speech] engine = "command" needs the command: add command = ["program", ...]',
            "speech",
            "engine",
        )
        engine = speech.DEFAULT.name
    read_aloud_epub = table.get("read_aloud_epub", False)
    if not isinstance(read_aloud_epub, bool):
        error(
            "config.wrong-type",
            "[speech] read_aloud_epub must be true or false",
            "speech",
            "read_aloud_epub",
        )
        read_aloud_epub = False
    return dict(lexicon), str(engine), tuple(command), read_aloud_epub


def _hint(key: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    close = difflib.get_close_matches(key, choices, n=1)
    return f"did you mean '{close[0]}'?" if close else "valid: " + ", ".join(choices)


def _table(data: Mapping[str, Any], name: str, error: Any) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        error(
            "config.wrong-type", f"'{name}' must be a table: write [{name}] on its own line", name
        )
        return {}
    return dict(value)


def _unknown(table: Mapping[str, Any], name: str, known: Mapping[str, str], error: Any) -> None:
    for key in table:
        if key not in known:
            error(
                "config.unknown-key",
                f"unknown key '{key}' in [{name}]; {_hint(key, known)}",
                name,
                key,
            )


def _folder(value: Any, key: str, root: Path, error: Any) -> Path:
    if not isinstance(value, str) or not value.strip():
        error(
            "config.wrong-type",
            f"'{key}' must be a folder's name, such as 'source'",
            "project",
            key,
        )
        return Path("source")
    folder = Path(value)
    if folder.is_absolute() or ".." in folder.parts:
        error(
            "config.outside-project",
            f"'{key}' must be a folder inside the project, not '{value}'",
            "project",
            key,
        )
        return Path("source")
    return folder


def _formats(value: Any, error: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        error(
            "config.wrong-type",
            "'formats' must be a list such as ['html', 'pdf']",
            "project",
            "formats",
        )
        return ()
    for name in value:
        if name not in EDITIONS:
            error(
                "config.unknown-format",
                f"'{name}' is not a format; {_hint(name, EDITIONS)}",
                "project",
                "formats",
            )
    return tuple(name for name in value if name in EDITIONS)


def _checked_value(
    name: str, value: Any, path: Path, line: int, errors: list[PipelineError]
) -> Any:
    """``value`` of the front-matter key ``name``, validated as the front matter's is."""
    try:
        return metadata.convert(name, value, path, line)
    except PipelineError as error:
        errors.append(metadata.at_key(error))
        return None


def _front_matter(
    table: Mapping[str, Any],
    where: tuple[str, ...],
    path: Path,
    lines: _Lines,
    errors: list[PipelineError],
) -> dict[str, Any]:
    """Front-matter defaults, each checked as the front matter would check it."""
    found: dict[str, Any] = {}
    for key, value in table.items():
        line = lines.of(*where, key)
        if key not in metadata.FIELD_NAMES:
            errors.append(
                input_error(
                    path,
                    "config.unknown-key",
                    f"unknown front-matter key '{key}' in [{'.'.join(where)}]; "
                    + _hint(key, metadata.FIELD_NAMES),
                    line,
                    1 if line else 0,
                )
            )
            continue
        if _checked_value(key, value, path, line, errors) is not None:
            found[key] = value
    return found


#: The codes of the checks (:data:`clearleaf.a11y.CHECKS`, which registers
#: them as it is imported: the checks are a layer above the configuration).
KNOWN_CHECKS: set[str] = set()


def _checks(table: Any, where: tuple[str, ...], error: Any) -> dict[str, str]:
    if not isinstance(table, dict):
        error(
            "config.wrong-type",
            f"[{'.'.join(where)}] must be a table of 'code = \"level\"'",
            *where,
        )
        return {}
    found: dict[str, str] = {}
    for code, level in table.items():
        if KNOWN_CHECKS and code not in KNOWN_CHECKS:
            error(
                "config.unknown-check",
                f"'{code}' is not a check; {_hint(code, sorted(KNOWN_CHECKS))}",
                *where,
                code,
            )
        elif level not in LEVELS:
            error(
                "config.wrong-type",
                f'\'{code}\' must be "error", "warning" or "ignore", not {level!r}',
                *where,
                code,
            )
        else:
            found[code] = level
    return found


def _branding(table: Mapping[str, Any], root: Path, error: Any) -> Branding:
    _unknown(table, "branding", SCHEMA["branding"], error)
    logo: Path | None = None
    value = table.get("logo")
    if value is not None:
        candidate = (root / str(value)).resolve()
        if not candidate.is_relative_to(root.resolve()):
            error(
                "config.outside-project",
                f"the logo must be a file in the project, not '{value}'",
                "branding",
                "logo",
            )
        elif not candidate.is_file():
            error(
                "config.missing-file",
                f"the logo '{value}' does not exist; check the name",
                "branding",
                "logo",
            )
        else:
            logo = candidate
        if not str(table.get("logo_alt", "")).strip():
            error(
                "config.logo-alt",
                "the logo needs 'logo_alt', its text alternative (such as the organisation's "
                "name), or a screen reader says nothing of it",
                "branding",
                "logo",
            )
    colours: dict[str, str] = {}
    for name, (prop, _) in COLOURS.items():
        colour = table.get(name)
        if colour is None:
            continue
        if not isinstance(colour, str) or not _HEX.match(colour):
            error(
                "config.bad-colour",
                f"'{name}' must be a colour written #rrggbb, not {colour!r}",
                "branding",
                name,
            )
            continue
        colours[prop] = _long_hex(colour)
    for problem, name in _contrast_problems(colours):
        error("config.contrast", problem, "branding", name)
    return Branding(logo=logo, logo_alt=str(table.get("logo_alt", "")).strip(), colours=colours)


def _long_hex(colour: str) -> str:
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return "#" + digits.lower()


def contrast(first: str, second: str) -> float:
    """The WCAG 2.2 contrast ratio of two colours written #rrggbb."""

    def luminance(colour: str) -> float:
        channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _contrast_problems(colours: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """Each pair of colours the page shows together that lacks contrast, and the key to blame."""
    palette = {
        "--text": PAGE_COLOURS["text"],
        "--background": PAGE_COLOURS["background"],
        "--link": "#0a4a8f",
        "--link-visited": "#5a2d82",
        "--callout-background": "#fff7cc",
        "--callout-border": "#6b5400",
        "--rule": "#1a1a1a",
        **colours,
    }
    names = {prop: name for name, (prop, _) in COLOURS.items()}
    pairs = (
        ("--link", "--background", TEXT_CONTRAST, "links on the page"),
        ("--link-visited", "--background", TEXT_CONTRAST, "visited links on the page"),
        ("--link", "--callout-background", TEXT_CONTRAST, "links in a call-out"),
        ("--text", "--callout-background", TEXT_CONTRAST, "text in a call-out"),
        ("--callout-border", "--background", NON_TEXT_CONTRAST, "a call-out's border on the page"),
        ("--rule", "--background", NON_TEXT_CONTRAST, "rules on the page"),
    )
    for fore, back, needed, what in pairs:
        if fore not in colours and back not in colours:
            continue
        ratio = contrast(palette[fore], palette[back])
        if ratio < needed:
            blamed = names.get(fore if fore in colours else back, fore)
            yield (
                f"{what}: {palette[fore]} on {palette[back]} has a contrast of {ratio:.2f}:1, "
                f"below the {needed:g}:1 WCAG 2.2 asks for; choose a darker or lighter colour",
                blamed,
            )


def _messages(table: Mapping[str, Any], error: Any) -> dict[str, dict[str, str]]:
    """The project's wording of the page's messages, each checked against clearleaf's own."""
    found: dict[str, dict[str, str]] = {}
    for lang, messages in table.items():
        if not isinstance(messages, dict) or not all(isinstance(v, str) for v in messages.values()):
            error(
                "config.wrong-type",
                f'[messages.{lang}] must be a table of \'"message" = "wording"\' lines',
                "messages",
                lang,
            )
            continue
        language = values.language_problem(lang)
        if language:
            error("meta.bad-language", f"[messages.{lang}]: {language}", "messages", lang)
            continue
        for msgid, wording in messages.items():
            problem = i18n.problem(msgid, wording)
            if problem is not None:
                error("config.bad-message", problem, "messages", lang, msgid)
        found[lang] = dict(messages)
    return found
