"""The web page: WCAG 2.2 AA structure, self-contained, no script; each check shown failing too."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import lxml.html
import pytest
from conftest import Built
from helpers import pdf_pages_text, replace_once, source_headings
from lxml import etree
from lxml.html import HtmlElement

Check = Callable[[HtmlElement, str], list[str]]

_FOCUSABLE = (
    "//body//*[self::a[@href] or self::area[@href] or self::button or self::select"
    " or self::textarea or self::iframe or self::summary or self::input[not(@type='hidden')]"
    " or (@tabindex and not(starts-with(normalize-space(@tabindex), '-')))"
    " or (@contenteditable and @contenteditable != 'false')]"
)
# header and footer are page landmarks only outside sectioning content and <main>.
_SCOPED = (
    "ancestor::article or ancestor::aside or ancestor::main or ancestor::nav or ancestor::section"
)
_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""")


def parse(html: bytes) -> HtmlElement:
    """The page as an lxml tree."""
    return lxml.html.document_fromstring(html)


def style_text(tree: HtmlElement) -> str:
    """All CSS in <style> elements."""
    return "\n".join(style.text or "" for style in tree.iter("style"))


def check_lang(tree: HtmlElement, lang: str) -> list[str]:
    value = tree.get("lang")
    return [] if value == lang else [f"lang: <html lang> is {value!r}, expected {lang!r}"]


def check_title(tree: HtmlElement, lang: str) -> list[str]:
    titles = tree.xpath("/html/head/title")
    if len(titles) != 1 or not titles[0].text_content().strip():
        return ["title: the page needs exactly one non-empty <title>"]
    return []


def check_skip_link(tree: HtmlElement, lang: str) -> list[str]:
    focusable = tree.xpath(_FOCUSABLE)
    if not focusable:
        return ["skip-link: nothing is focusable"]
    first = focusable[0]
    if first.tag != "a" or first.get("href") != "#main":
        return [f"skip-link: first focusable element is <{first.tag} href={first.get('href')!r}>"]
    if not tree.xpath("//main[@id='main']"):
        return ["skip-link: the skip link's target #main is not the <main> element"]
    return []


def check_landmarks(tree: HtmlElement, lang: str) -> list[str]:
    counts = {
        "header": len(tree.xpath(f"//header[not({_SCOPED})]")),
        "nav": len(tree.xpath("//nav")),
        "main": len(tree.xpath("//main")),
        "footer": len(tree.xpath(f"//footer[not({_SCOPED})]")),
    }
    return [
        f"landmarks: {count} <{name}>, expected 1" for name, count in counts.items() if count != 1
    ]


def check_one_h1(tree: HtmlElement, lang: str) -> list[str]:
    count = len(tree.xpath("//h1"))
    return [] if count == 1 else [f"h1: {count} <h1> elements, expected exactly one"]


def check_heading_order(tree: HtmlElement, lang: str) -> list[str]:
    problems: list[str] = []
    previous = 0
    for heading in tree.xpath(
        "//body//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
    ):
        level = int(heading.tag[1])
        text = heading.text_content().strip()
        if not text:
            problems.append(f"heading-order: empty <{heading.tag}>")
        if level > previous + 1:
            problems.append(f"heading-order: <{heading.tag}> {text!r} follows h{previous}")
        previous = level
    return problems


def heading_target(heading: HtmlElement) -> str | None:
    """The id a link to ``heading`` uses: its own, or that of the section it opens."""
    if heading.get("id"):
        return str(heading.get("id"))
    parent = heading.getparent()
    if parent is not None and parent.tag == "section" and parent.get("id"):
        first = parent.xpath(
            "./*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6][1]"
        )
        if first and first[0] is heading:
            return str(parent.get("id"))
    return None


def check_toc(tree: HtmlElement, lang: str) -> list[str]:
    links = tree.xpath("//nav//a/@href")
    ids = set(tree.xpath("//@id"))
    problems = [
        f"toc: link {href!r} leads nowhere"
        for href in links
        if not href.startswith("#") or href[1:] not in ids
    ]
    for heading in tree.xpath("//main//h2"):
        target = heading_target(heading)
        text = heading.text_content().strip()
        if target is None:
            problems.append(f"toc: h2 {text!r} has no id to link to")
        elif f"#{target}" not in links:
            problems.append(f"toc: nav has no link to h2 {text!r} (#{target})")
    return problems


def check_no_script(tree: HtmlElement, lang: str) -> list[str]:
    problems = (
        [f"script: <script> element ({len(tree.xpath('//script'))})"]
        if tree.xpath("//script")
        else []
    )
    handlers = tree.xpath("//@*[starts-with(name(), 'on')]")
    problems += [f"script: event handler attribute {value!r}" for value in handlers]
    problems += [
        f"script: {href!r}"
        for href in tree.xpath("//@href")
        if href.strip().lower().startswith("javascript:")
    ]
    return problems


def check_no_external_resources(tree: HtmlElement, lang: str) -> list[str]:
    problems: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("src", "srcset", "poster", "data", "background"):
            value = element.get(attribute)
            if value is not None and not value.strip().startswith("data:"):
                problems.append(f"external: <{element.tag} {attribute}={value!r}>")
        if element.tag in ("link", "base", "iframe", "object", "embed", "form"):
            value = element.get("href") or element.get("action")
            if value is None or not value.strip().startswith("data:"):
                problems.append(f"external: <{element.tag}> refers to {value!r}")
    css = style_text(tree) + "\n".join(tree.xpath("//@style"))
    problems += [
        f"external: CSS url({target!r})"
        for _quote, target in _URL.findall(css)
        if not target.startswith("data:")
    ]
    if re.search(r"@import\b", css):
        problems.append("external: CSS @import")
    return problems


def check_inline_css(tree: HtmlElement, lang: str) -> list[str]:
    problems = [] if style_text(tree).strip() else ["inline-css: no CSS in a <style> element"]
    if tree.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' stylesheet ')]"):
        problems.append("inline-css: stylesheet linked instead of inlined")
    return problems


def check_media_queries(tree: HtmlElement, lang: str) -> list[str]:
    css = style_text(tree)
    problems = []
    if not re.search(r"@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)", css):
        problems.append("dark-mode: no @media (prefers-color-scheme: dark)")
    if not re.search(r"@media\s+print\b", css):
        problems.append("print: no @media print")
    return problems


def check_viewport(tree: HtmlElement, lang: str) -> list[str]:
    viewports = tree.xpath("//meta[@name='viewport']/@content")
    if len(viewports) != 1:
        return [f"viewport: {len(viewports)} viewport <meta> elements, expected 1"]
    content = re.sub(r"\s+", "", viewports[0].lower())
    problems = [] if "width=device-width" in content else ["viewport: no width=device-width"]
    if "maximum-scale" in content:
        problems.append("viewport: maximum-scale stops zooming (WCAG 1.4.4)")
    if re.search(r"user-scalable=(no|0)", content):
        problems.append("viewport: user-scalable=no stops zooming (WCAG 1.4.4)")
    return problems


def check_line_length(tree: HtmlElement, lang: str) -> list[str]:
    # About 66 characters a line: a max-width in font-relative units on the text column.
    rule = re.compile(r"(?:^|[\s,}])(?:body|main)\s*\{[^}]*?max-width\s*:\s*([\d.]+)(rem|em|ch)\b")
    for value, unit in rule.findall(style_text(tree)):
        if (unit == "ch" and 45 <= float(value) <= 80) or (
            unit != "ch" and 25 <= float(value) <= 45
        ):
            return []
    return ["line-length: no max-width in em, rem or ch on body or main"]


def check_th_scope(tree: HtmlElement, lang: str) -> list[str]:
    return [
        f"th-scope: <th> {th.text_content().strip()!r} has no valid scope"
        for th in tree.xpath("//th")
        if th.get("scope") not in ("col", "row", "colgroup", "rowgroup")
    ]


def check_no_comments(tree: HtmlElement, lang: str) -> list[str]:
    return [f"comment: {comment.text.strip()[:40]!r}" for comment in tree.iter(etree.Comment)]


CHECKS: dict[str, Check] = {
    "lang": check_lang,
    "title": check_title,
    "skip-link": check_skip_link,
    "landmarks": check_landmarks,
    "h1": check_one_h1,
    "heading-order": check_heading_order,
    "toc": check_toc,
    "script": check_no_script,
    "external": check_no_external_resources,
    "inline-css": check_inline_css,
    "media": check_media_queries,
    "viewport": check_viewport,
    "line-length": check_line_length,
    "th-scope": check_th_scope,
    "comment": check_no_comments,
}


def html_problems(html: bytes, lang: str, only: str | None = None) -> list[str]:
    """Every structural problem of a page (or those of one named check)."""
    tree = parse(html)
    checks = [CHECKS[only]] if only else list(CHECKS.values())
    return [problem for check in checks for problem in check(tree, lang)]


@pytest.mark.parametrize("name", list(CHECKS))
def test_html_structure(built: Built, name: str) -> None:
    assert html_problems(built.read("html"), built.meta.lang, only=name) == []


def _drop_style(text: str) -> str:
    return re.sub(
        r"<style>.*?</style>", '<link rel="stylesheet" href="page.css">', text, flags=re.DOTALL
    )


BREAKAGES: list[tuple[str, Callable[[str], str]]] = [
    ("lang:", lambda t: replace_once(t, '<html lang="en-GB">', "<html>")),
    ("lang:", lambda t: replace_once(t, '<html lang="en-GB">', '<html lang="en">')),
    ("title:", lambda t: re.sub(r"<title>.*?</title>", "<title> </title>", t)),
    (
        "skip-link:",
        lambda t: replace_once(t, 'MedicalWebPage">\n', 'MedicalWebPage">\n<a href="/">Home</a>\n'),
    ),
    ("skip-link:", lambda t: replace_once(t, 'href="#main"', 'href="#top"')),
    ("landmarks:", lambda t: replace_once(t, '<nav class="toc"', '<div class="toc"')),
    ("landmarks:", lambda t: replace_once(t, "</main>", "</main>\n<main>More</main>")),
    (
        "h1:",
        lambda t: replace_once(
            t, '<main id="main" tabindex="-1">', '<main id="main"><h1>Again</h1>'
        ),
    ),
    (
        "heading-order:",
        lambda t: replace_once(
            t, '<h2 id="conclusion">Conclusion</h2>', '<h4 id="conclusion">Conclusion</h4>'
        ),
    ),
    ("heading-order:", lambda t: replace_once(t, "Conclusion</h2>", "</h2>")),
    ("toc:", lambda t: replace_once(t, '<li><a href="#conclusion">Conclusion</a></li>', "")),
    ("toc:", lambda t: replace_once(t, '<a href="#conclusion">', '<a href="#the-end">')),
    (
        "script:",
        lambda t: replace_once(t, "</body>", "<script>document.title = 'x'</script></body>"),
    ),
    ("script:", lambda t: replace_once(t, "<body ", '<body onload="go()" ')),
    (
        "external:",
        lambda t: replace_once(
            t, "</main>", '<img src="https://cdn.example/x.png" alt="x"></main>'
        ),
    ),
    (
        "external:",
        lambda t: replace_once(t, "</head>", '<link rel="icon" href="/favicon.ico"></head>'),
    ),
    (
        "external:",
        lambda t: re.sub(r'url\("data:[^"]*"\)', 'url("https://fonts.example/a.ttf")', t, count=1),
    ),
    ("inline-css:", _drop_style),
    (
        "dark-mode:",
        lambda t: replace_once(t, "prefers-color-scheme: dark", "prefers-color-scheme: light"),
    ),
    ("print:", lambda t: replace_once(t, "@media print", "@media speech")),
    ("viewport:", lambda t: replace_once(t, "initial-scale=1", "initial-scale=1, maximum-scale=1")),
    (
        "viewport:",
        lambda t: replace_once(t, "initial-scale=1", "initial-scale=1, user-scalable=no"),
    ),
    ("line-length:", lambda t: replace_once(t, "max-width: 40rem;", "")),
    (
        "th-scope:",
        lambda t: replace_once(t, "</main>", "<table><tr><th>Dose</th></tr></table></main>"),
    ),
    ("comment:", lambda t: replace_once(t, "</main>", "<!-- EDITOR: check this --></main>")),
]


@pytest.mark.parametrize(
    ("expected", "breaker"),
    BREAKAGES,
    ids=[f"{e.rstrip(':')}-{i}" for i, (e, _) in enumerate(BREAKAGES)],
)
def test_html_problems_rejects_broken_copy(
    leaflet: Built, expected: str, breaker: Callable[[str], str]
) -> None:
    original = leaflet.read("html").decode("utf-8")
    broken = breaker(original).encode("utf-8")
    problems = html_problems(broken, leaflet.meta.lang)
    assert any(problem.startswith(expected) for problem in problems), problems


# -- document-specific expectations -----------------------------------------------------------


def test_title_element_is_document_title(built: Built) -> None:
    tree = parse(built.read("html"))
    assert tree.findtext(".//title") == built.meta.title
    assert tree.xpath("string(//h1)").strip() == built.meta.title


def callout_problems(tree: HtmlElement) -> list[str]:
    """Problems with the call-out box: it must exist in <main> and keep its heading and text."""
    boxes = tree.xpath(
        "//main//*[contains(concat(' ', normalize-space(@class), ' '), ' callout ')]"
    )
    if not boxes:
        return ["callout: no element with class 'callout' in <main>"]
    if not boxes[0].xpath(".//*[self::h2 or self::h3 or self::h4]") or not boxes[0].xpath(".//p"):
        return ["callout: the box lost its heading or its text"]
    return []


def test_callout_box(built: Built) -> None:
    assert "::: callout" in built.markdown
    assert callout_problems(parse(built.read("html"))) == []


def test_callout_problems_rejects_missing_box(leaflet: Built) -> None:
    broken = replace_once(leaflet.read("html").decode("utf-8"), 'class="callout"', 'class="box"')
    assert callout_problems(parse(broken.encode("utf-8"))) == [
        "callout: no element with class 'callout' in <main>"
    ]


def test_headings_follow_the_source(built: Built) -> None:
    tree = parse(built.read("html"))
    rendered = [
        (int(h.tag[1]), h.text_content().strip())
        for h in tree.xpath("//main//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")
    ]
    assert rendered == source_headings(built.markdown)


def test_every_construct_reaches_the_page(constructs: Built) -> None:
    tree = parse(constructs.read("html"))
    main = tree.xpath("//main")[0]
    assert main.xpath(".//ul/li/ul/li[normalize-space()='with a strap']")
    assert [li.text_content() for li in main.xpath(".//ol/li")][:3] == [
        "Read the leaflet.",
        "Ask a question.",
        "Keep the leaflet safe.",
    ]
    assert (
        main.xpath("normalize-space(.//blockquote)") == "Ask for help early; it is never too late."
    )
    assert main.xpath("normalize-space(.//table/caption)") == "Doses and times of day"
    assert [th.text_content() for th in main.xpath(".//table/thead//th")] == ["Dose", "Time"]
    assert [dt.text_content() for dt in main.xpath(".//dl/dt")] == ["Opioid", "Naloxone"]
    assert main.xpath("normalize-space(.//code)") == "inline code"
    link = main.xpath(".//a[@href='https://example.org']")
    assert link and link[0].text_content() == "the Example Domain reference page"
    assert main.xpath("normalize-space(.//span[@lang='fr'])") == "Bonjour"
    assert main.xpath(".//img/@alt") == ["Blue and yellow stripes"]
    assert "made-up footnote" in main.xpath("string(.//*[@role='doc-endnotes'])")


def published_text(built: Built, fmt: str) -> str:
    """Everything a reader of ``fmt`` can get at, as text."""
    if fmt == "pdf":
        import pikepdf

        with pikepdf.open(built.path("pdf")) as pdf, pdf.open_metadata() as xmp:
            metadata = " ".join(str(value) for value in xmp.values())
        return "\n".join(pdf_pages_text(built.path("pdf"))) + metadata
    if fmt == "epub":
        with zipfile.ZipFile(io.BytesIO(built.read("epub"))) as book:
            return "\n".join(
                book.read(name).decode("utf-8", "replace")
                for name in book.namelist()
                if not name.endswith(".ttf")
            )
    return built.read(fmt).decode("utf-8")


def editor_notes(markdown: str) -> list[str]:
    """The editors' notes in a source: HTML comments and YAML comments, as single lines."""
    notes = re.findall(r"<!--(.*?)-->", markdown, re.DOTALL)
    notes += re.findall(r"^#(?!#)\s*(.+)$", markdown.split("\n---\n", 1)[0], re.MULTILINE)
    return [" ".join(note.split()) for note in notes]


@pytest.mark.parametrize("fmt", ["html", "pdf", "epub", "txt"])
def test_editor_notes_never_published(built: Built, fmt: str) -> None:
    notes = editor_notes(built.markdown)
    assert notes, "the fixture should carry an editor's note"
    text = " ".join(published_text(built, fmt).split())
    assert "EDITOR" not in text
    for note in notes:
        assert note[:40] not in text
