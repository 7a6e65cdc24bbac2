"""WCAG 2.x contrast of the colours declared in styles/, in every colour scheme the CSS defines.

The colours live in custom properties (``--text``, ``--background``, ...). Each
property is classified by the prefix lists below; a colour property that
matches none of them is itself a problem, so that a colour added to the styles
can never escape the check.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import tinycss2
import tinycss2.color3

STYLES = Path(__file__).resolve().parents[1] / "clearleaf" / "styles"

#: Custom properties used as text colours (WCAG 2.2 SC 1.4.3: at least 4.5:1).
TEXT_PREFIXES = ("--text", "--muted", "--link")
#: Custom properties used as backgrounds behind text and interface parts.
BACKGROUND_PREFIXES = ("--background", "--callout-background")
#: Custom properties for focus rings, rules and borders (SC 1.4.11 and 2.4.13: at least 3:1).
NON_TEXT_PREFIXES = ("--focus", "--rule", "--callout-border")

TEXT_MINIMUM = 4.5
NON_TEXT_MINIMUM = 3.0

#: The stylesheet whose ``:root`` gives the default (light) scheme.
BASE = "base.css"
#: Stylesheets whose ``@media`` blocks may redefine the ``:root`` colours (dark, print).
SCHEME_SHEETS = ("screen.css",)
#: Stylesheets for media we do not control the background of: paper is white, and
#: a reading system's default page is white too. Their literal colours are checked
#: against white and the base scheme's backgrounds.
LITERAL_SHEETS = ("leaflet.css", "epub.css")
WHITE = (1.0, 1.0, 1.0)

RGB = tuple[float, float, float]


@dataclass(frozen=True)
class Scheme:
    """The colour custom properties in force in one situation (light, dark, print)."""

    name: str
    colours: dict[str, RGB]


def read_styles(folder: Path = STYLES) -> dict[str, str]:
    """The text of every stylesheet the check reads, by file name."""
    names = (BASE, *SCHEME_SHEETS, *LITERAL_SHEETS)
    return {name: (folder / name).read_text(encoding="utf-8") for name in names}


def luminance(colour: RGB) -> float:
    """Relative luminance (WCAG 2.2, definition of relative luminance)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def ratio(first: RGB, second: RGB) -> float:
    """The contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _colour(tokens: list[tinycss2.ast.Node]) -> RGB | None:
    """The opaque colour a declaration value names, or None (var(), keywords, non-colours)."""
    value = [token for token in tokens if token.type not in ("whitespace", "comment")]
    if len(value) != 1:
        return None
    parsed = tinycss2.color3.parse_color(value[0])
    # currentColor parses to a string and transparent has alpha 0: neither is a fixed colour.
    if parsed is None or isinstance(parsed, str) or parsed.alpha < 1:
        return None
    return (parsed.red, parsed.green, parsed.blue)


def _declarations(content: list[tinycss2.ast.Node] | None) -> Iterator[tinycss2.ast.Declaration]:
    for item in tinycss2.parse_blocks_contents(content or [], skip_comments=True):
        if item.type == "declaration":
            yield item


def _root_colours(rules: list[tinycss2.ast.Node]) -> dict[str, RGB]:
    """The colour custom properties set by ``:root`` rules among ``rules``."""
    colours: dict[str, RGB] = {}
    for rule in rules:
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ":root":
            for declaration in _declarations(rule.content):
                colour = _colour(declaration.value)
                if declaration.name.startswith("--") and colour is not None:
                    colours[declaration.name] = colour
    return colours


def _rules(css: str) -> list[tinycss2.ast.Node]:
    rules: list[tinycss2.ast.Node] = tinycss2.parse_stylesheet(
        css, skip_comments=True, skip_whitespace=True
    )
    return rules


def schemes(styles: Mapping[str, str]) -> list[Scheme]:
    """The light scheme from ``:root``, and one more per ``@media`` block that redefines it."""
    base = _root_colours(_rules(styles[BASE]))
    for name in SCHEME_SHEETS:
        base.update(_root_colours(_rules(styles[name])))
    found = [Scheme("light", base)]
    for name in (BASE, *SCHEME_SHEETS):
        for rule in _rules(styles[name]):
            if rule.type == "at-rule" and rule.lower_at_keyword == "media":
                inner = tinycss2.parse_rule_list(
                    rule.content or [], skip_comments=True, skip_whitespace=True
                )
                overrides = _root_colours(inner)
                if overrides:
                    query = " ".join(tinycss2.serialize(rule.prelude).split())
                    found.append(Scheme(f"@media {query} in {name}", {**base, **overrides}))
    return found


def _kind(name: str) -> str | None:
    for kind, prefixes in (
        ("background", BACKGROUND_PREFIXES),
        ("text", TEXT_PREFIXES),
        ("non-text", NON_TEXT_PREFIXES),
    ):
        if name.startswith(prefixes):
            return kind
    return None


def _hex(colour: RGB) -> str:
    return "#" + "".join(f"{round(value * 255):02x}" for value in colour)


def scheme_problems(scheme: Scheme) -> list[str]:
    """Every text or non-text colour of ``scheme`` below its minimum against every background."""
    problems: list[str] = []
    kinds = {name: _kind(name) for name in scheme.colours}
    problems.extend(
        f"{scheme.name}: colour property {name} is not classified; add it to a prefix list "
        "in tests/contrast.py so that its contrast is checked"
        for name, kind in kinds.items()
        if kind is None
    )
    backgrounds = [name for name, kind in kinds.items() if kind == "background"]
    if not backgrounds:
        problems.append(f"{scheme.name}: no background colour property found")
    for name, kind in kinds.items():
        if kind not in ("text", "non-text"):
            continue
        minimum = TEXT_MINIMUM if kind == "text" else NON_TEXT_MINIMUM
        for background in backgrounds:
            value = ratio(scheme.colours[name], scheme.colours[background])
            if value < minimum:
                problems.append(
                    f"{scheme.name}: {name} {_hex(scheme.colours[name])} on {background} "
                    f"{_hex(scheme.colours[background])} is {value:.2f}:1, below {minimum}:1"
                )
    return problems


def literal_problems(name: str, css: str, backgrounds: Mapping[str, RGB]) -> list[str]:
    """Every literal ``color:`` in ``css`` below 4.5:1 against any of ``backgrounds``."""
    problems: list[str] = []
    pending = list(_rules(css))
    while pending:
        rule = pending.pop(0)
        if rule.type not in ("qualified-rule", "at-rule") or rule.content is None:
            continue
        where = tinycss2.serialize(rule.prelude).strip()
        if rule.type == "at-rule":
            where = f"@{rule.at_keyword} {where}".strip()
        for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True):
            if item.type in ("qualified-rule", "at-rule"):
                pending.append(item)  # @page margin boxes and @media blocks nest rules
            elif item.type == "declaration" and item.lower_name == "color":
                colour = _colour(item.value)
                if colour is None:
                    continue
                for background, behind in backgrounds.items():
                    value = ratio(colour, behind)
                    if value < TEXT_MINIMUM:
                        problems.append(
                            f"{name} {where}: color {_hex(colour)} on {background} "
                            f"{_hex(behind)} is {value:.2f}:1, below {TEXT_MINIMUM}:1"
                        )
    return problems


def problems(styles: Mapping[str, str] | None = None) -> list[str]:
    """Every contrast problem in the stylesheets (by default those in ``styles/``)."""
    styles = read_styles() if styles is None else styles
    found: list[str] = []
    all_schemes = schemes(styles)
    for scheme in all_schemes:
        found.extend(scheme_problems(scheme))
    light = all_schemes[0].colours
    backgrounds = {"white": WHITE}
    backgrounds.update({name: light[name] for name in light if _kind(name) == "background"})
    for name in LITERAL_SHEETS:
        found.extend(literal_problems(name, styles[name], backgrounds))
    return found
