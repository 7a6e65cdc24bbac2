"""The Word edition: a DOCX that readers open, enlarge, recolour and have read aloud in Word.

Pandoc's DOCX writer makes it from the document's AST, with the Clear Print
styles of ``styles/reference.docx`` (Atkinson Hyperlegible, 12 pt body, 1.5
line spacing, left aligned, dark bold headings, a shaded and bordered call-out
style); :func:`make_reference` makes that file from pandoc's own reference
document (``make docx-reference``), and a test says when it is stale. What
Word's accessibility checker looks for is there: the title is the first
heading (Heading 1, which the navigation pane shows) and the sections are
Heading 2 to 6; images carry their text alternative, and those the source
marks decorative are marked decorative; tables repeat their header row; the
document's language is set and passages in another language are marked; the
core properties carry the title, the description (subject), the organisation
(author) and the keywords. Emphasis is bold, never italic (Clear Print). The
back matter is the other editions': contact details, other formats, sources,
dates and the accessibility statement.

Images go to pandoc inside the AST as ``data:`` addresses, so that it runs
sandboxed and reads no file. The package's dates are the sources' and its
ZIP is written in a fixed order with fixed times: the same source gives the
same bytes.
"""

from __future__ import annotations

import base64
import copy
import re
from collections.abc import Callable
from html import escape
from typing import Any

from lxml import etree

from clearleaf import assets, ast, i18n, page, pandoc
from clearleaf.colophon import Colophon
from clearleaf.context import STYLES_DIR, Context
from clearleaf.document import Document
from clearleaf.formats import Inputs, Rendered, ocf

#: The reference document of the Word edition's styles, in ``styles/``.
REFERENCE = "reference.docx"
#: The paragraph styles the edition gives its own parts (made by :func:`make_reference`).
CALLOUT_STYLE = "Call-out"
KEY_MESSAGE_STYLE = "Key message"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": W}
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
#: Word's mark of a decorative image (Office 2019 and later; others ignore it).
_DECORATIVE_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
_ADEC = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def render(inputs: Inputs) -> Rendered:
    """Render the document as a Word (DOCX) file."""
    document, back, context = inputs.document, inputs.colophon, inputs.context
    meta = document.meta
    blocks = [
        *_front(document),
        *_body(document),
        *_back_matter(back),
    ]
    metadata: dict[str, Any] = {"lang": _meta_string(meta.lang)}
    if page.direction(meta.lang) == "rtl":
        metadata["dir"] = _meta_string("rtl")
    tree = {"pandoc-api-version": document.ast["pandoc-api-version"], "meta": metadata}
    tree["blocks"] = blocks
    data, warnings = pandoc.to_binary(
        tree, "docx", ["--reference-doc", str(context.styles / REFERENCE)], document.path
    )
    return Rendered(_finished(data, document, context), tuple(warnings))


# -- the AST ---------------------------------------------------------------------------------


def _meta_string(text: str) -> dict[str, Any]:
    return {"t": "MetaString", "c": text}


def _inlines(text: str) -> list[dict[str, Any]]:
    """Plain ``text`` as pandoc inlines: words and the spaces between them."""
    found: list[dict[str, Any]] = []
    for number, word in enumerate(text.split()):
        if number:
            found.append({"t": "Space"})
        found.append({"t": "Str", "c": word})
    return found


def _para(inlines: list[dict[str, Any]], style: str | None = None) -> dict[str, Any]:
    para = {"t": "Para", "c": inlines}
    if style is None:
        return para
    return ast.div(ast.Attr("", [], [["custom-style", style]]), [para])


def _front(document: Document) -> list[dict[str, Any]]:
    """The title as the first heading, the subtitle, the organisation and the key message."""
    meta = document.meta
    found = [ast.header(1, ast.Attr("title", [], []), _inlines(meta.title))]
    if meta.subtitle:
        found.append(_para(_inlines(meta.subtitle), "Subtitle"))
    found.append(_para(_inlines(meta.organisation)))
    found.append(_para(_inlines(meta.description), KEY_MESSAGE_STYLE))
    return found


def _body(document: Document) -> list[dict[str, Any]]:
    """The body's blocks as Word shows them: emphasis bold, call-outs in their style, images
    inside the AST."""
    blocks = copy.deepcopy(document.blocks)
    images = {
        src: f"data:{assets.media_type(path)};base64,{base64.b64encode(path.read_bytes()).decode()}"
        for src, path in document.images.items()
    }

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            return [visit(item) for item in node]
        if not isinstance(node, dict) or "t" not in node:
            return node
        kind = node["t"]
        if kind == "Emph":
            node = {"t": "Strong", "c": node["c"]}
        elif kind == "Div" and "callout" in ast.attr(node).classes:
            ast.attr(node).attributes.append(["custom-style", CALLOUT_STYLE])
        elif kind == "Image":
            target = ast.target(node)
            if target.url in images:
                ast.set_url(node, images[target.url])
        if "c" in node:
            node = {**node, "c": visit(node["c"])}
        return node

    result: list[dict[str, Any]] = visit(blocks)
    return result


def _link(text: str, address: str) -> dict[str, Any]:
    return ast.link(ast.Attr("", [], []), _inlines(text), ast.Target(address, ""))


def _labelled(label: str, text: str, address: str) -> list[dict[str, Any]]:
    """ "Label: text", the text a link to ``address``."""
    return [*_inlines(f"{label}:"), {"t": "Space"}, _link(text, address)]


def _bullets(items: list[list[dict[str, Any]]]) -> dict[str, Any]:
    return {"t": "BulletList", "c": [[{"t": "Plain", "c": item}] for item in items]}


def _back_matter(back: Colophon) -> list[dict[str, Any]]:
    """Contact details, other formats, sources and the record, as the other editions have them."""
    words = back.words
    blank = ast.Attr("", [], [])
    found: list[dict[str, Any]] = []
    if back.contacts:
        found.append(ast.header(2, blank, _inlines(words("Contact us"))))
        found.append(
            _bullets(
                [
                    [
                        *_inlines(f"{contact.label}:"),
                        {"t": "Space"},
                        _link(contact.text, contact.address),
                    ]
                    for contact in back.contacts
                ]
            )
        )
    others = back.other_formats("docx")
    found.append(ast.header(2, blank, _inlines(words("Other formats"))))
    found.append(_para(_inlines(others.statement)))
    found.append(
        _bullets(
            [
                _labelled(i18n.capital(label), address, address)
                for label, _name, address in others.editions
            ]
        )
    )
    if back.sources:
        found.append(ast.header(2, blank, _inlines(words("Sources"))))
        found.append(
            {
                "t": "OrderedList",
                "c": [
                    [1, {"t": "Decimal"}, {"t": "Period"}],
                    [[{"t": "Plain", "c": _inlines(source)}] for source in back.sources],
                ],
            }
        )
    found += [_para(_inlines(str(line))) for line in back.record]
    return found


# -- the package -----------------------------------------------------------------------------


def _finished(data: bytes, document: Document, context: Context) -> bytes:
    """Pandoc's DOCX with the core properties, decorative images marked, and a fixed ZIP."""
    when = context.build_time(document.meta.published)
    # Pandoc writes [Content_Types].xml first, as Word does; the order is kept.
    parts, _ = ocf.read(data)
    parts["docProps/core.xml"] = _core(document, when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    parts["word/document.xml"] = _decorative(parts["word/document.xml"])
    return ocf.write(parts, when.timetuple()[:6])


def _core(document: Document, when: str) -> bytes:
    """The core properties Word shows and its checker reads: title, subject, author, keywords."""
    meta = document.meta
    fields = [
        ("dc:title", meta.title),
        ("dc:subject", meta.description),
        ("dc:creator", ", ".join(meta.authors) or meta.organisation),
        ("cp:keywords", ", ".join(meta.keywords)),
        ("dc:description", meta.description),
        ("dc:language", meta.lang),
        ("dc:identifier", document.identifier),
    ]
    body = "".join(f"<{tag}>{escape(value, quote=False)}</{tag}>" for tag, value in fields)
    body += (
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{body}</cp:coreProperties>"
    ).encode()


def _decorative(xml: bytes) -> bytes:
    """Mark every image with no text alternative as decorative, as Word's checker asks: the
    checks let only images the source marks decorative go without one."""
    root = etree.fromstring(xml)
    changed = False
    for properties in root.iter(f"{{{_WP}}}docPr"):
        if properties.get("descr", "").strip():
            continue
        extensions = etree.SubElement(properties, f"{{{_A}}}extLst")
        extension = etree.SubElement(extensions, f"{{{_A}}}ext", uri=_DECORATIVE_URI)
        etree.SubElement(extension, f"{{{_ADEC}}}decorative", nsmap={"adec": _ADEC}, val="1")
        changed = True
    if not changed:
        return xml
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return result


# -- the reference document ------------------------------------------------------------------

#: Clear Print's type for the Word edition: the typeface, sizes in half-points.
TYPEFACE = "Atkinson Hyperlegible"
BODY_SIZE = 24  # 12 pt
LINE_SPACING = 360  # 1.5 lines, in 240ths
TEXT_COLOUR = "1A1A1A"
LINK_COLOUR = "0A4A8F"
CALLOUT_FILL = "FFF7CC"
CALLOUT_BORDER = "6B5400"
HEADING_SIZES = {1: 36, 2: 32, 3: 28, 4: 26, 5: 24, 6: 24}


def make_reference(default: bytes) -> bytes:
    """``styles/reference.docx``: pandoc's reference document (``default``) with Clear Print
    styles. Run by ``make docx-reference``."""
    parts, _ = ocf.read(default)
    parts["word/styles.xml"] = _clear_print_styles(parts["word/styles.xml"])
    parts["word/fontTable.xml"] = _font_table(parts["word/fontTable.xml"])
    return ocf.write(parts, (1980, 1, 1, 0, 0, 0))


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _set(parent: etree._Element, tag: str, **values: str) -> etree._Element:
    """``parent``'s child ``w:tag`` (made if missing) with the attributes ``values`` (w:)."""
    found = parent.find(_w(tag))
    if found is None:
        found = etree.SubElement(parent, _w(tag))
    for name, value in values.items():
        found.set(_w(name), value)
    return found


def _remove(parent: etree._Element, *tags: str) -> None:
    for tag in tags:
        for found in parent.findall(_w(tag)):
            parent.remove(found)


def _run_properties(style: etree._Element) -> etree._Element:
    return _set(style, "rPr")


def _paragraph_properties(style: etree._Element) -> etree._Element:
    found = style.find(_w("pPr"))
    if found is None:
        found = etree.Element(_w("pPr"))
        # pPr comes before rPr in a style (ECMA-376 schema order).
        rpr = style.find(_w("rPr"))
        if rpr is not None:
            rpr.addprevious(found)
        else:
            style.append(found)
    return found


def _typeface(rpr: etree._Element, face: str = TYPEFACE) -> None:
    """The typeface of Latin text; complex scripts keep the theme's (Word's own fallback)."""
    fonts = _set(rpr, "rFonts")
    for theme in ("asciiTheme", "hAnsiTheme"):
        fonts.attrib.pop(_w(theme), "")
    fonts.set(_w("ascii"), face)
    fonts.set(_w("hAnsi"), face)


def _style(root: etree._Element, style_id: str) -> etree._Element | None:
    found = root.find(f"w:style[@w:styleId='{style_id}']", _NS)
    return found


def _clear_print_styles(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    defaults = root.find("w:docDefaults", _NS)
    assert defaults is not None
    rpr = defaults.find("w:rPrDefault/w:rPr", _NS)
    assert rpr is not None
    _typeface(rpr)
    _set(rpr, "color", val=TEXT_COLOUR)
    _set(rpr, "sz", val=str(BODY_SIZE))
    _set(rpr, "szCs", val=str(BODY_SIZE))
    ppr = defaults.find("w:pPrDefault/w:pPr", _NS)
    assert ppr is not None
    _set(ppr, "spacing", after="200", line=str(LINE_SPACING), lineRule="auto")
    _set(ppr, "jc", val="left")
    for level, size in HEADING_SIZES.items():
        for style_id in (f"Heading{level}", f"Heading{level}Char"):
            style = _style(root, style_id)
            if style is None:
                continue
            heading = _run_properties(style)
            _typeface(heading)
            _remove(heading, "i", "iCs", "color")
            _set(heading, "b")
            _set(heading, "bCs")
            _set(heading, "color", val=TEXT_COLOUR)
            _set(heading, "sz", val=str(size))
            _set(heading, "szCs", val=str(size))
    for style_id in ("Caption", "Title", "TitleChar", "Subtitle", "SubtitleChar"):
        style = _style(root, style_id)
        if style is not None:
            found = _run_properties(style)
            _typeface(found)
            _remove(found, "i", "iCs", "color")
            _set(found, "color", val=TEXT_COLOUR)
    for style_id in ("Title", "Subtitle"):
        style = _style(root, style_id)
        if style is not None:
            _set(_paragraph_properties(style), "jc", val="left")
    link = _style(root, "Hyperlink")
    if link is not None:
        found = _run_properties(link)
        _remove(found, "color")
        _set(found, "color", val=LINK_COLOUR)
        _set(found, "u", val="single")
    root.append(_paragraph_style(KEY_MESSAGE_STYLE, bold=True, size=28))
    root.append(_paragraph_style(CALLOUT_STYLE, callout=True))
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return result


def _paragraph_style(name: str, bold: bool = False, size: int = 0, callout: bool = False) -> Any:
    """A paragraph style of the edition's own, based on Body Text."""
    style = etree.Element(_w("style"))
    style.set(_w("type"), "paragraph")
    style.set(_w("customStyle"), "1")
    style.set(_w("styleId"), re.sub(r"\s+", "", name))
    _set(style, "name", val=name)
    _set(style, "basedOn", val="BodyText")
    _set(style, "qFormat")
    ppr = _paragraph_properties(style)
    if callout:
        borders = etree.SubElement(ppr, _w("pBdr"))
        for side in ("top", "left", "bottom", "right"):
            edge = etree.SubElement(borders, _w(side))
            for key, value in (
                ("val", "single"),
                ("sz", "18"),
                ("space", "6"),
                ("color", CALLOUT_BORDER),
            ):
                edge.set(_w(key), value)
        shading = etree.SubElement(ppr, _w("shd"))
        for key, value in (("val", "clear"), ("color", "auto"), ("fill", CALLOUT_FILL)):
            shading.set(_w(key), value)
        _set(ppr, "ind", left="170", right="170")
    rpr = _run_properties(style)
    if bold:
        _set(rpr, "b")
        _set(rpr, "bCs")
    if size:
        _set(rpr, "sz", val=str(size))
        _set(rpr, "szCs", val=str(size))
    return style


def _font_table(xml: bytes) -> bytes:
    """The font table, naming the typeface as a sans-serif (Word's fallback when it is
    not installed)."""
    root = etree.fromstring(xml)
    if root.find(f"w:font[@w:name='{TYPEFACE}']", _NS) is None:
        font = etree.SubElement(root, _w("font"))
        font.set(_w("name"), TYPEFACE)
        _set(font, "altName", val="Arial")
        _set(font, "family", val="swiss")
        _set(font, "pitch", val="variable")
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return result


def write_reference(make: Callable[[], bytes] | None = None) -> None:
    """Write ``styles/reference.docx`` from the pinned pandoc's reference document."""
    default = (make or pandoc.default_reference_docx)()
    (STYLES_DIR / REFERENCE).write_bytes(make_reference(default))
