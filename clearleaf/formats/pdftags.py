"""Repairs to WeasyPrint's tagged PDF, for PDF/UA-1 (ISO 14289-1).

WeasyPrint 70 leaves two gaps that matter to screen-reader users:

- Text in ``@page`` margin boxes (running footer, page numbers) is marked as
  tagged content whose structure elements are never linked into the tree
  (``weasyprint/pdf/tags.py``: "could be included in tree as Artifact, but
  that's only allowed in PDF 2.0"). PDF/UA-1 7.1 asks for such page furniture to
  be an Artifact.
- An element's ``lang`` does not reach its structure element, so a passage in
  another language is read with the document's rules (ISO 14289-1, 7.2).
- A decorative image (``alt=""``) becomes a Figure without alternative text,
  which PDF/UA-1 7.3 forbids; it should be an Artifact.
- Header cells carry no ``/Scope`` (PDF/UA-1 7.5, Matterhorn 15-003), although
  the HTML gives each one.
- Text in scripts that shaping reorders or joins (Arabic, the Indic scripts)
  is taken from the page otherwise than it was written (PDF/UA-1 7.2): each
  such run carries its text as ``/ActualText``.
- Formatting inside a link (``<a><strong>``) gets a link annotation of its
  own under a ``NonStruct`` element; PDF/UA-1 7.18.5 wants a ``Link``.
- A table for layout (``role="presentation"``: one without header cells) is
  tagged as a table, which PDF/UA reserves for data; its parts become ``Div``
  (ISO 32000-1, 14.8.4.3: grouping elements) and its cells' content is read in order.

:func:`accessible_tags` adds ``/Lang`` and ``/Scope`` and leaves decorative
images out of the tree while WeasyPrint builds it (and keeps the tree's
building linear: see :func:`_page_references`);
:func:`repair` then turns everything outside the tree into Artifacts and wraps
list-item content in LBody elements, which WeasyPrint leaves out for
paragraphs in list items, and puts nested lists back inside their items.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
from collections.abc import Iterator
from typing import Any

import pikepdf
import pydyf
from weasyprint.pdf import stream as weasy_stream
from weasyprint.pdf import tags as weasy_tags

_build_box_tree = weasy_tags._build_box_tree


_MARKED = re.compile(
    rb"/[A-Za-z][A-Za-z0-9]*\s*<<\s*/MCID\s+(\d+)"
    rb"(?:\s*/ActualText\s*(?:<[0-9A-Fa-f\s]*>|\((?:[^()\\]|\\.)*\)))?\s*>>\s*BDC"
)

_SCOPES = {"col": "/Column", "row": "/Row", "colgroup": "/Column", "rowgroup": "/Row"}

# The structure types of a table's parts, which a layout table's parts are not.
_TABLE_PARTS = frozenset({"/Table", "/THead", "/TBody", "/TFoot", "/TR", "/TH", "/TD"})

#: How many layout tables the tree builder is inside (WeasyPrint builds
#: depth first, each element's children within its own call).
_LAYOUT_DEPTH = [0]


def _build_box_tree_accessible(box: Any, parent: Any, pdf: Any, *args: Any) -> Iterator[Any]:
    """WeasyPrint's tree builder, with ``/Lang`` on elements in another language and
    ``/Scope`` on header cells.

    A decorative image is built (so that its marked content is accounted for)
    but not linked into the tree, so that it ends up an Artifact.
    """
    element = getattr(box, "element", None)
    tag = getattr(box, "element_tag", None)
    lang = None
    if element is not None and tag not in ("html", "body"):
        lang = element.get("lang")
        if tag == "img" and element.get("alt") == "":
            for _ in _build_box_tree(box, parent, pdf, *args):
                pass
            return
    scope = _SCOPES.get(element.get("scope", "")) if tag == "th" and element is not None else None
    layout = tag == "table" and element is not None and element.get("role") == "presentation"
    _LAYOUT_DEPTH[0] += layout
    try:
        for struct in _build_box_tree(box, parent, pdf, *args):
            if lang and "Lang" not in struct:
                struct["Lang"] = pydyf.String(lang)
            if scope and struct.get("S") == "/TH":
                struct.setdefault("A", pydyf.Dictionary({"O": "/Table"}))["Scope"] = scope
            if _LAYOUT_DEPTH[0] and struct.get("S") in _TABLE_PARTS:
                struct["S"] = "/Div"
            if getattr(box, "link_annotation", None) and struct.get("S") == "/NonStruct":
                # Formatting inside a link (<a><strong>...): WeasyPrint gives its
                # box a link annotation of its own, which must hang from a Link.
                struct["S"] = "/Link"
            yield struct
    finally:
        _LAYOUT_DEPTH[0] -= layout


def _needs_actual_text(text: str) -> bool:
    """Whether a run of ``text`` may print as glyphs that do not spell it.

    Shaping reorders and joins what it draws in Arabic, Hebrew and the Indic
    and South-East Asian scripts (a Devanagari vowel sign before its
    consonant, one glyph for several letters), and a font may draw a letter
    with its marks as several glyphs; a PDF's character maps give each glyph
    its own characters, so text taken from the page reads otherwise than it
    was written. Latin-1 and punctuation never are.
    """
    return any(ord(char) > 0xFF and not 0x2000 <= ord(char) <= 0x206F for char in text)


_MARKED_ORIGINAL = weasy_stream.Stream.marked


@contextlib.contextmanager
def _marked(stream: Any, box: Any, tag: str) -> Iterator[None]:
    """WeasyPrint's marked content, with the run's text as ``/ActualText`` where glyphs
    may not spell it (ISO 32000-1, 14.9.4), so that a screen reader, a search or a
    copy gets the words as written (PDF/UA-1 7.2)."""
    text = getattr(box, "text", None)
    # In right-to-left text, glyphs are drawn in the order they are seen, which
    # a run of another direction, or a mirrored bracket, makes differ from the
    # order written.
    rtl = bool(text) and box.style["direction"] == "rtl"
    if stream._tags is None or tag != "Span" or not text or not (rtl or _needs_actual_text(text)):
        with _MARKED_ORIGINAL(stream, box, tag):
            yield
        return
    mcid = len(stream._tags)
    stream._tags[box] = {"tag": tag, "mcid": mcid}
    properties = pydyf.Dictionary({"MCID": mcid, "ActualText": pydyf.String(text)})
    pydyf.Stream.begin_marked_content(stream, tag, properties)
    try:
        yield
    finally:
        pydyf.Stream.end_marked_content(stream)


_PAGE_REFERENCES = pydyf.PDF.page_references


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """pydyf's ``PDF.page_references``, made once per page count.

    pydyf rebuilds the tuple of every page's reference on each access, and
    WeasyPrint reads it once per marked-content item: quadratic in the page
    count (0.6 s of a 200-page document's 8 s). Pages are only ever appended,
    so the count tells whether the tuple is still current.
    """
    count = len(pdf.pages["Kids"])
    cached = pdf.__dict__.get("_clearleaf_page_references")
    if cached is None or cached[0] != count:
        cached = pdf.__dict__["_clearleaf_page_references"] = (count, _PAGE_REFERENCES.fget(pdf))
    references: tuple[bytes, ...] = cached[1]
    return references


@contextlib.contextmanager
def accessible_tags() -> Iterator[None]:
    """Within this block WeasyPrint writes the repaired tags described above."""
    weasy_tags._build_box_tree = _build_box_tree_accessible
    pydyf.PDF.page_references = property(_page_references)
    weasy_stream.Stream.marked = _marked
    try:
        yield
    finally:
        weasy_tags._build_box_tree = _build_box_tree
        pydyf.PDF.page_references = _PAGE_REFERENCES
        weasy_stream.Stream.marked = _MARKED_ORIGINAL


def _reachable(root: pikepdf.Object) -> set[tuple[int, int]]:
    """The structure elements linked into the tree below ``root``."""
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/Type") in (pikepdf.Name.MCR, pikepdf.Name.OBJR):
                continue
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            stack.append(node.get("/K"))
    return seen


def _struct_elements(root: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element below ``root``, in document order."""
    stack = [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            stack.append(node.get("/K"))


def _kids(element: pikepdf.Dictionary) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _artifact(orphans: set[int], match: re.Match[bytes]) -> bytes:
    """A marked-content start, as an Artifact when its MCID is one of ``orphans``."""
    return b"/Artifact BMC" if int(match[1]) in orphans else match[0]


def _artifacts(pdf: pikepdf.Pdf, root: pikepdf.Object, parents: dict[int, Any]) -> bool:
    """Turn marked content whose structure element is outside the tree into Artifacts."""
    reachable = _reachable(root)
    changed = False
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        entries = parents.get(int(key)) if key is not None else None
        if not isinstance(entries, pikepdf.Array):
            continue
        orphans = {
            mcid
            for mcid, struct in enumerate(entries)
            if isinstance(struct, pikepdf.Dictionary) and struct.objgen not in reachable
        }
        if not orphans:
            continue
        # WeasyPrint writes each marked-content start as "/Tag <</MCID n>> BDC";
        # rewriting those bytes is exact for its streams and far faster than
        # parsing every operator of a 200-page document.
        stream = _MARKED.sub(functools.partial(_artifact, orphans), page.obj.Contents.read_bytes())
        page.obj.Contents = pdf.make_stream(stream)
        for mcid in orphans:
            entries[mcid] = None
        changed = True
    return changed


def _marked_content(kid: Any, owner: pikepdf.Dictionary) -> tuple[Any, int] | None:
    """The page and MCID of a marked-content kid (an integer or an MCR), else ``None``."""
    if isinstance(kid, int):
        return owner.get("/Pg"), kid
    if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR:
        return kid.get("/Pg", owner.get("/Pg")), int(kid.MCID)
    return None


def _list_bodies(pdf: pikepdf.Pdf, root: pikepdf.Object, parents: dict[int, Any]) -> bool:
    """Wrap what a list item holds besides its label in an LBody (PDF/UA-1 7.6).

    WeasyPrint puts the paragraphs of a loose list item straight into the LI.
    """
    label_tags = (pikepdf.Name.Lbl, pikepdf.Name.LBody)
    changed = False
    for item in list(_struct_elements(root)):
        if item.S != pikepdf.Name.LI:
            continue
        labels: list[Any] = []
        rest: list[Any] = []
        for kid in _kids(item):
            is_label = isinstance(kid, pikepdf.Dictionary) and kid.get("/S") in label_tags
            (labels if is_label else rest).append(kid)
        if not rest:
            continue
        body = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, P=item)
        )
        if "/Pg" in item:
            body.Pg = item.Pg
        body.K = pikepdf.Array(rest)
        for kid in rest:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                kid.P = body
            elif (content := _marked_content(kid, item)) is not None:
                # Marked content owned by the LI itself now belongs to the LBody.
                page, mcid = content
                key = page.get("/StructParents") if page is not None else None
                entries = parents.get(int(key)) if key is not None else None
                if isinstance(entries, pikepdf.Array) and mcid < len(entries):
                    entries[mcid] = body
        item.K = pikepdf.Array([*labels, body])
        changed = True
    return changed


def _first_content(node: Any, page: Any, pages: dict[tuple[int, int], int]) -> tuple[int, int]:
    """Where the first content of a structure element (or an MCID of ``page``) is drawn:
    the least page number and MCID below it (WeasyPrint numbers marked content in
    drawing order, a list item's label after its text), or (-1, -1) for none."""
    found: list[tuple[int, int]] = []
    stack: list[tuple[Any, Any]] = [(node, page)]
    while stack:
        item, owner = stack.pop()
        if isinstance(item, int):
            found.append(((pages.get(owner.objgen, 0) if owner is not None else 0), item))
        elif isinstance(item, pikepdf.Dictionary):
            if item.get("/Type") == pikepdf.Name.MCR:
                where = item.get("/Pg", owner)
                found.append(
                    ((pages.get(where.objgen, 0) if where is not None else 0), int(item.MCID))
                )
            elif "/S" in item:
                inner = item.get("/Pg", owner)
                stack.extend((kid, inner) for kid in _kids(item))
    return min(found, default=(-1, -1))


def _nested_lists(pdf: pikepdf.Pdf, root: pikepdf.Object) -> bool:
    """Put each nested list back inside its list item (PDF/UA-1 7.6, reading order).

    WeasyPrint links a list nested in a list item to the outer list, after the
    item: when the item goes on after the nested list (a paragraph below it),
    that paragraph is then read before the nested list. The nested list goes
    into the item's LBody, before the first of its kids drawn after it.
    """
    pages: dict[tuple[int, int], int] = {
        page.obj.objgen: number for number, page in enumerate(pdf.pages)
    }
    changed = False
    for element in list(_struct_elements(root)):
        if element.get("/S") != pikepdf.Name.L:
            continue
        kept: list[Any] = []
        moved = False
        for kid in _kids(element):
            previous = kept[-1] if kept else None
            if (
                isinstance(kid, pikepdf.Dictionary)
                and kid.get("/S") == pikepdf.Name.L
                and isinstance(previous, pikepdf.Dictionary)
                and previous.get("/S") == pikepdf.Name.LI
            ):
                _into_item(pdf, previous, kid, pages)
                moved = True
            else:
                kept.append(kid)
        if moved:
            element.K = pikepdf.Array(kept)
            changed = True
    return changed


def _into_item(
    pdf: pikepdf.Pdf,
    item: pikepdf.Dictionary,
    nested: pikepdf.Dictionary,
    pages: dict[tuple[int, int], int],
) -> None:
    """Move the list ``nested`` into the LBody of ``item``, in drawing order."""
    bodies = [kid for kid in _kids(item) if isinstance(kid, pikepdf.Dictionary)]
    body = next((kid for kid in reversed(bodies) if kid.get("/S") == pikepdf.Name.LBody), None)
    if body is None:
        body = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, P=item)
        )
        if "/Pg" in item:
            body.Pg = item.Pg
        body.K = pikepdf.Array([])
        item.K = pikepdf.Array([*_kids(item), body])
    position = _first_content(nested, nested.get("/Pg"), pages)
    kids = _kids(body)
    owner = body.get("/Pg")
    index = next(
        (number for number, kid in enumerate(kids) if _first_content(kid, owner, pages) > position),
        len(kids),
    )
    kids.insert(index, nested)
    body.K = pikepdf.Array(kids)
    nested.P = body


def repair(data: bytes, xmp: dict[str, str] | None = None) -> bytes:
    """Apply the structure repairs described above to a PDF WeasyPrint wrote.

    ``xmp`` adds metadata WeasyPrint has no HTML source for (``dc:rights``).
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        changed = bool(xmp)
        if root is not None:
            nums = root.ParentTree.get("/Nums", pikepdf.Array())
            parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
            changed |= _artifacts(pdf, root, parents)
            changed |= _list_bodies(pdf, root, parents)
            changed |= _nested_lists(pdf, root)
        if xmp:
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                for key, value in xmp.items():
                    meta[key] = value
        if not changed:
            return data
        out = io.BytesIO()
        # A content-derived /ID keeps builds reproducible.
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
        return out.getvalue()
