"""Saddle-stitched booklet imposition of the A5 leaflet on A4 sheets that stays a tagged PDF/UA-1.

Each side of an A4 landscape sheet carries two A5 pages; printed double-sided
(flip on the short edge), the sheets are stacked, folded and stapled in the
middle. The pages meet at the middle of the sheet, where it folds: two A5
pages are 296 mm wide and A4 is 297 mm, so 0.5 mm is left at each outer edge.
The imposed file is still the accessible document: the structure tree keeps
its logical order, only what ties it to pages changes.

- Page content is copied into the sheet's content stream, each page wrapped in
  ``q 1 0 0 1 tx ty cm ... Q`` (ISO 32000-1 8.4.2, 8.3.4). A marked-content
  identifier must be unique on a page (ISO 32000-1 14.7.4.2), so the right-hand
  page's MCIDs are shifted past the left-hand page's, in the content (BDC
  operands) and in the structure tree (integer kids and MCR dictionaries).
- Every sheet gets its own entry in the parent tree (ISO 32000-1 14.7.4.4),
  the left page's elements followed by the right page's.
- Link annotations move to the sheet with their rectangles moved, with a
  fresh ``/StructParent`` whose parent-tree entry is still their Link element,
  whose OBJR names the sheet as /Pg (ISO 14289-1 7.18.1, 7.18.5); sheets have
  ``/Tabs /S`` (ISO 14289-1 7.18.3).
- Structure elements, MCRs and OBJRs name the sheet as their ``/Pg``; layout
  bounding boxes, bookmarks and named destinations are moved with the page.

The text of an imposed booklet, read page after page, is out of order by
design (a sheet side carries e.g. pages 12 and 1): the tags give the order, so
assistive technology reading the structure tree still reads the leaflet in
order, but a check that extracts text by page position (pdftotext) cannot.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pikepdf

#: ISO 216 A4 landscape in points: 297 mm x 210 mm.
SHEET_SIZE = (297 * 72 / 25.4, 210 * 72 / 25.4)

#: Two page sizes closer than this (in points) are the same size.
_TOLERANCE = 0.01

#: Resource categories (ISO 32000-1 7.8.3, Table 33) and, for the operators that
#: name a resource, the category and the position of the name among the operands.
_CATEGORIES = (
    "/ExtGState",
    "/ColorSpace",
    "/Pattern",
    "/Shading",
    "/XObject",
    "/Font",
    "/Properties",
)
_NAMED_RESOURCES: dict[str, tuple[str, int]] = {
    "Tf": ("/Font", 0),
    "Do": ("/XObject", 0),
    "gs": ("/ExtGState", 0),
    "sh": ("/Shading", 0),
    "cs": ("/ColorSpace", 0),
    "CS": ("/ColorSpace", 0),
    "scn": ("/Pattern", -1),
    "SCN": ("/Pattern", -1),
    "BDC": ("/Properties", 1),
    "DP": ("/Properties", 1),
}

#: For each explicit destination type (ISO 32000-1 12.3.2.2, Table 151), whether
#: each operand after the type is an x or a y coordinate.
_DESTINATION_AXES: dict[str, tuple[str, ...]] = {
    "/XYZ": ("x", "y", ""),
    "/Fit": (),
    "/FitB": (),
    "/FitH": ("y",),
    "/FitBH": ("y",),
    "/FitV": ("x",),
    "/FitBV": ("x",),
    "/FitR": ("x", "y", "x", "y"),
}

Instruction = pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage


def saddle_stitch(pages: int, back_cover: bool = False) -> list[tuple[int | None, int | None]]:
    """The (left, right) page indices of each sheet side in printing order; ``None`` is blank.

    Four pages go to a sheet (two on each side), so blank pages pad the count
    to a multiple of four: at the end, or with ``back_cover`` just before the
    last page, which then stays the outside back cover of the folded booklet.
    """
    if pages < 1:
        raise ValueError(f"a booklet needs at least one page, not {pages}")
    padded = -(-pages // 4) * 4
    order: list[int | None] = [*range(pages), *[None] * (padded - pages)]
    if back_cover and pages > 1:
        order = [*range(pages - 1), *[None] * (padded - pages), pages - 1]

    def page(index: int) -> int | None:
        return order[index]

    sides: list[tuple[int | None, int | None]] = []
    for sheet in range(padded // 4):
        sides.append((page(padded - 1 - 2 * sheet), page(2 * sheet)))
        sides.append((page(2 * sheet + 1), page(padded - 2 - 2 * sheet)))
    return sides


@dataclass
class _Placement:
    """Where a source page went: the sheet side, its offset there and its first MCID."""

    sheet: pikepdf.Dictionary
    x: float
    y: float
    mcid_offset: int
    width: float
    height: float
    #: Resource names renamed on this page to avoid a clash on the sheet, by category.
    renames: dict[str, dict[str, str]] = field(default_factory=dict)


def impose(pdf: bytes, back_cover: bool = False) -> bytes:
    """The saddle-stitched A4 booklet of a tagged A5 PDF, still tagged (see the module doc).

    ``back_cover`` keeps the last page on the outside back (see :func:`saddle_stitch`).
    """
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        tree = doc.Root.get("/StructTreeRoot")
        mark_info = doc.Root.get("/MarkInfo")
        if not isinstance(tree, pikepdf.Dictionary) or not (
            isinstance(mark_info, pikepdf.Dictionary) and _is_true(mark_info.get("/Marked"))
        ):
            raise ValueError(
                "cannot impose an untagged PDF (no /StructTreeRoot or /MarkInfo /Marked true, "
                "ISO 14289-1 7.1): impose the PDF/UA output of the pipeline"
            )
        sources = [page.obj for page in doc.pages]
        width, height = _page_size(sources)
        sheet_width, sheet_height = SHEET_SIZE
        if 2 * width > sheet_width + _TOLERANCE or height > sheet_height + _TOLERANCE:
            raise ValueError(
                f"two pages of {width:.2f} x {height:.2f} pt do not fit side by side on an A4 "
                f"landscape sheet ({sheet_width:.2f} x {sheet_height:.2f} pt)"
            )
        parents = pikepdf.NumberTree(tree.ParentTree) if "/ParentTree" in tree else None
        contents = [list(pikepdf.parse_content_stream(page)) for page in sources]
        entries = [_parent_entries(page, parents) for page in sources]
        spans = [
            max(len(found), _max_mcid(content, _inherited(page, "/Resources")) + 1)
            for found, content, page in zip(entries, contents, sources, strict=True)
        ]
        shared = _shared_resources(sources)

        placements: dict[tuple[int, int], _Placement] = {}
        sheets: list[tuple[pikepdf.Dictionary, list[pikepdf.Object | None]]] = []
        # The sheet's fold is its middle: the left page ends there, the right page starts there.
        left_x, right_x = sheet_width / 2 - width, sheet_width / 2
        y = (sheet_height - height) / 2
        for left, right in saddle_stitch(len(sources), back_cover):
            sheet = doc.add_blank_page(page_size=SHEET_SIZE).obj
            sheet_entries: list[pikepdf.Object | None] = []
            instructions: list[Instruction] = []
            merged = pikepdf.Dictionary()
            for index, x in ((left, left_x), (right, right_x)):
                if index is None:
                    continue  # a blank half: nothing drawn, nothing tagged
                source = sources[index]
                box = _box(source)
                placement = _Placement(
                    sheet, x - box[0], y - box[1], len(sheet_entries), width, height
                )
                if shared is None:
                    placement.renames = _merge_resources(merged, _inherited(source, "/Resources"))
                placements[source.objgen] = placement
                padded = entries[index] + [None] * (spans[index] - len(entries[index]))
                sheet_entries.extend(padded)
                instructions.extend(_placed(contents[index], placement, box, source))
                if "/Group" in source and "/Group" not in sheet:
                    sheet.Group = source.Group  # the transparency group (ISO 32000-1 11.6.6)
            sheet.Resources = shared if shared is not None else merged
            sheet.Contents = doc.make_stream(pikepdf.unparse_content_stream(instructions))
            # ISO 14289-1 7.18.3: the tab order follows the structure.
            sheet.Tabs = pikepdf.Name.S
            sheets.append((sheet, sheet_entries))

        annotations = _place_annotations(doc, sources, placements)
        _rebuild_parent_tree(doc, tree, parents, sources, sheets, annotations)
        _retarget_structure(tree, placements)
        _move_destinations(doc, placements)
        for _ in sources:
            del doc.pages[0]
        # Page labels number the A5 pages, which the file no longer has as pages.
        if "/PageLabels" in doc.Root:
            del doc.Root["/PageLabels"]

        out = io.BytesIO()
        # A content-derived /ID and an untouched XMP keep builds reproducible.
        doc.save(out, deterministic_id=True, fix_metadata_version=False)
        return out.getvalue()


# -- pages ---------------------------------------------------------------------


def _inherited(page: pikepdf.Dictionary, key: str) -> pikepdf.Object | None:
    """An attribute of ``page`` that may be inherited from the page tree (ISO 32000-1 7.7.3.4)."""
    node: pikepdf.Object | None = page
    seen: set[tuple[int, int]] = set()
    while isinstance(node, pikepdf.Dictionary):
        if key in node:
            return node[key]
        if node.is_indirect:
            if node.objgen in seen:
                break
            seen.add(node.objgen)
        node = node.get("/Parent")
    return None


def _box(page: pikepdf.Dictionary) -> tuple[float, float, float, float]:
    """The page's media box as (left, bottom, right, top), whichever corners it names."""
    box = _inherited(page, "/MediaBox")
    if not isinstance(box, pikepdf.Array) or len(box) != 4:
        raise ValueError("a page has no valid /MediaBox")
    x0, y0, x1, y1 = (float(value) for value in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _is_true(value: object) -> bool:
    """Whether a PDF boolean is true (pikepdf returns PDF booleans as Python ``bool``)."""
    return value is True


def _page_size(pages: Sequence[pikepdf.Dictionary]) -> tuple[float, float]:
    """The one size of every page, in points; mixed sizes or rotated pages cannot be imposed."""
    sizes = []
    for number, page in enumerate(pages, start=1):
        rotate = _inherited(page, "/Rotate")
        if rotate is not None and int(rotate) % 360:
            raise ValueError(f"page {number} is rotated (/Rotate {int(rotate)}); cannot impose it")
        left, bottom, right, top = _box(page)
        sizes.append((right - left, top - bottom))
    if not sizes:
        raise ValueError("the PDF has no pages")
    first = sizes[0]
    for number, size in enumerate(sizes, start=1):
        if abs(size[0] - first[0]) > _TOLERANCE or abs(size[1] - first[1]) > _TOLERANCE:
            raise ValueError(
                f"pages differ in size: page 1 is {first[0]:.2f} x {first[1]:.2f} pt, page "
                f"{number} is {size[0]:.2f} x {size[1]:.2f} pt; a booklet needs one page size"
            )
    return first


# -- content -------------------------------------------------------------------


def _parent_entries(
    page: pikepdf.Dictionary, parents: pikepdf.NumberTree | None
) -> list[pikepdf.Object | None]:
    """The structure elements of the page's marked content, indexed by MCID."""
    key = page.get("/StructParents")
    if parents is None or key is None or int(key) not in parents:
        return []
    found = parents[int(key)]
    if not isinstance(found, pikepdf.Array):
        return []
    return [entry if isinstance(entry, pikepdf.Dictionary) else None for entry in found]


def _mcid_properties(
    operands: Sequence[pikepdf.Object], resources: pikepdf.Object | None
) -> pikepdf.Dictionary | None:
    """The property list of a BDC when it carries an /MCID (inline or in /Properties)."""
    properties = operands[1] if len(operands) > 1 else None
    if isinstance(properties, pikepdf.Name) and isinstance(resources, pikepdf.Dictionary):
        properties = resources.get("/Properties", pikepdf.Dictionary()).get(str(properties))
    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
        return properties
    return None


def _max_mcid(content: Sequence[Instruction], resources: pikepdf.Object | None) -> int:
    """The highest MCID in a content stream, -1 when there is none."""
    highest = -1
    for instruction in content:
        if (
            isinstance(instruction, pikepdf.ContentStreamInstruction)
            and str(instruction.operator) == "BDC"
        ):
            properties = _mcid_properties(list(instruction.operands), resources)
            if properties is not None:
                highest = max(highest, int(properties.MCID))
    return highest


def _translate(values: Sequence[pikepdf.Object | float], dx: float, dy: float) -> pikepdf.Array:
    """Alternating x, y coordinates moved by (dx, dy)."""
    return pikepdf.Array(
        _number(float(value) + (dx if position % 2 == 0 else dy))
        for position, value in enumerate(values)
    )


def _number(value: float) -> Decimal:
    """A coordinate as a PDF number: at most six decimals, like WeasyPrint, and reproducible."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return Decimal("0" if text in ("", "-0") else text)


def _op(operator: str, *operands: pikepdf.Object | int | Decimal) -> Instruction:
    """One content-stream instruction."""
    return pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(operator))


def _placed(
    content: Sequence[Instruction],
    placement: _Placement,
    box: tuple[float, float, float, float],
    source: pikepdf.Dictionary,
) -> Iterator[Instruction]:
    """The page's content moved to its half of the sheet, MCIDs and resource names adjusted."""
    resources = _inherited(source, "/Resources")
    left, bottom, right, top = box
    yield _op("q")
    yield _op("cm", 1, 0, 0, 1, _number(placement.x), _number(placement.y))
    # The page's media box clipped what it drew (ISO 32000-1 14.11.2); on the sheet,
    # nothing may spill into the other page. The clip paints nothing, but it is an
    # Artifact so that no validator counts it as untagged content (ISO 14289-1 7.1);
    # it outlives the EMC, which does not touch the graphics state (14.6).
    yield _op("BMC", pikepdf.Name.Artifact)
    yield _op("re", _number(left), _number(bottom), _number(right - left), _number(top - bottom))
    yield _op("W")
    yield _op("n")
    yield _op("EMC")
    depth = 0
    for instruction in content:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            yield instruction
            continue
        operator = str(instruction.operator)
        operands = list(instruction.operands)
        if operator == "q":
            depth += 1
        elif operator == "Q":
            if depth == 0:
                continue  # an unmatched Q would undo the placement's cm
            depth -= 1
        elif operator == "BDC":
            operands = _shift_marked_content(operands, resources, placement)
        target = _NAMED_RESOURCES.get(operator)
        if target is not None and placement.renames:
            category, position = target
            names = placement.renames.get(category, {})
            if operands and isinstance(operands[position], pikepdf.Name):
                renamed = names.get(str(operands[position]))
                if renamed is not None:
                    operands[position] = pikepdf.Name(renamed)
        yield pikepdf.ContentStreamInstruction(operands, instruction.operator)
    # ISO 32000-1 8.4.2 asks for balanced q and Q; close what the page left open
    # so that the next page on the sheet starts from the sheet's own state.
    for _ in range(depth + 1):
        yield _op("Q")


def _shift_marked_content(
    operands: list[pikepdf.Object], resources: pikepdf.Object | None, placement: _Placement
) -> list[pikepdf.Object]:
    """A BDC's operands with its MCID shifted and an artifact's /BBox moved with the page."""
    properties = _mcid_properties(operands, resources)
    if properties is not None:
        # A named property list may be shared; the shifted copy goes inline.
        shifted = pikepdf.Dictionary(dict(properties.items()))
        shifted.MCID = int(properties.MCID) + placement.mcid_offset
        return [operands[0], shifted]
    artifact = operands[1] if len(operands) > 1 else None
    if isinstance(artifact, pikepdf.Dictionary) and "/BBox" in artifact:
        # ISO 32000-1 14.8.2.2.2: an artifact's /BBox is in default user space.
        artifact.BBox = _translate(list(artifact.BBox), placement.x, placement.y)
    return operands


# -- resources -----------------------------------------------------------------


def _shared_resources(pages: Sequence[pikepdf.Dictionary]) -> pikepdf.Object | None:
    """The one indirect /Resources dictionary every page uses, if they share one.

    WeasyPrint writes a single resource dictionary for the whole document, so a
    sheet can use it as it is and no name in the content changes.
    """
    found = [_inherited(page, "/Resources") for page in pages]
    first = found[0]
    if not (isinstance(first, pikepdf.Dictionary) and first.is_indirect):
        return None
    for other in found:
        if not (isinstance(other, pikepdf.Dictionary) and other.objgen == first.objgen):
            return None
    return first


def _same(one: pikepdf.Object, other: pikepdf.Object) -> bool:
    """Whether two resource values are the same object (or equal direct objects)."""
    if one.is_indirect and other.is_indirect:
        return bool(one.objgen == other.objgen)
    return bool(one.unparse() == other.unparse())


def _merge_resources(
    merged: pikepdf.Dictionary, resources: pikepdf.Object | None
) -> dict[str, dict[str, str]]:
    """Add a page's resources to a sheet's; a name already used for another object is renamed.

    The renames, by category, are what the page's content must use instead.
    Names inside inline images (their /CS) are not rewritten.
    """
    renames: dict[str, dict[str, str]] = {}
    if not isinstance(resources, pikepdf.Dictionary):
        return renames
    for category, values in resources.items():
        if category not in _CATEGORIES or not isinstance(values, pikepdf.Dictionary):
            if category not in merged:
                merged[category] = values  # /ProcSet: obsolete, kept as found
            continue
        if category not in merged:
            merged[category] = pikepdf.Dictionary()
        target = merged[category]
        for name, value in values.items():
            if name not in target:
                target[name] = value
                continue
            if _same(target[name], value):
                continue
            new = next(
                candidate
                for number in itertools.count(2)
                if (candidate := f"{name}.{number}") not in target
            )
            target[new] = value
            renames.setdefault(category, {})[name] = new
    return renames


# -- annotations ---------------------------------------------------------------


@dataclass
class _Annotation:
    """An annotation moved to a sheet, with the structure element its /StructParent named."""

    annotation: pikepdf.Dictionary
    parent: pikepdf.Object | None


def _place_annotations(
    doc: pikepdf.Pdf,
    sources: Sequence[pikepdf.Dictionary],
    placements: dict[tuple[int, int], _Placement],
) -> list[_Annotation]:
    """Move each page's annotations to its sheet, with the page.

    The annotation objects themselves move (not copies), so that whatever else
    refers to them stays valid: the OBJR of their Link element, an AcroForm
    field, a popup's /Parent.
    """
    tree = pikepdf.NumberTree(doc.Root.StructTreeRoot.ParentTree)
    moved: list[_Annotation] = []
    seen: set[tuple[int, int]] = set()
    for source in sources:
        placement = placements[source.objgen]
        for annotation in source.get("/Annots", pikepdf.Array()):
            if not isinstance(annotation, pikepdf.Dictionary):
                continue
            if annotation.is_indirect:
                if annotation.objgen in seen:
                    continue  # listed on two pages: it stays with the first
                seen.add(annotation.objgen)
            annotation.Rect = _translate(list(annotation.Rect), placement.x, placement.y)
            if "/QuadPoints" in annotation:
                annotation.QuadPoints = _translate(
                    list(annotation.QuadPoints), placement.x, placement.y
                )
            if "/P" in annotation:
                annotation.P = placement.sheet
            parent = _number_tree_value(tree, annotation.get("/StructParent"))
            moved.append(_Annotation(annotation, parent))
            if "/Annots" not in placement.sheet:
                placement.sheet.Annots = pikepdf.Array()
            placement.sheet.Annots.append(annotation)
    return moved


# -- structure -----------------------------------------------------------------


def _rebuild_parent_tree(
    doc: pikepdf.Pdf,
    tree: pikepdf.Dictionary,
    parents: pikepdf.NumberTree | None,
    sources: Sequence[pikepdf.Dictionary],
    sheets: Sequence[tuple[pikepdf.Dictionary, list[pikepdf.Object | None]]],
    annotations: Sequence[_Annotation],
) -> None:
    """A parent tree for the sheets (ISO 32000-1 14.7.4.4); entries of other objects are kept."""
    replaced = {int(page.StructParents) for page in sources if "/StructParents" in page}
    for source in sources:
        for annotation in source.get("/Annots", pikepdf.Array()):
            if isinstance(annotation, pikepdf.Dictionary) and "/StructParent" in annotation:
                replaced.add(int(annotation.StructParent))
    # Form XObjects, for one, keep their keys: the new entries take the free ones.
    old = parents.items() if parents is not None else []
    kept = {key: value for key, value in old if key not in replaced}
    free = (key for key in itertools.count() if key not in kept)
    rebuilt: dict[int, pikepdf.Object] = dict(kept)
    for sheet, entries in sheets:
        if entries:
            sheet.StructParents = key = next(free)
            rebuilt[key] = pikepdf.Array(entries)
    for placed in annotations:
        if placed.parent is not None:
            placed.annotation.StructParent = key = next(free)
            rebuilt[key] = placed.parent
        elif "/StructParent" in placed.annotation:
            del placed.annotation["/StructParent"]  # it named nothing
    new = pikepdf.NumberTree.new(doc)
    for key in sorted(rebuilt):
        new[key] = rebuilt[key]
    tree.ParentTree = new.obj
    if "/ParentTreeNextKey" in tree:
        tree.ParentTreeNextKey = max(rebuilt, default=-1) + 1


def _number_tree_value(
    tree: pikepdf.NumberTree | None, key: pikepdf.Object | None
) -> pikepdf.Object | None:
    """The value for ``key`` in a number tree, else ``None`` (NumberTree.get raises)."""
    if tree is None or key is None or int(key) not in tree:
        return None
    return tree[int(key)]


def _kid_list(node: pikepdf.Dictionary) -> list[pikepdf.Object]:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _retarget_structure(
    tree: pikepdf.Dictionary,
    placements: dict[tuple[int, int], _Placement],
) -> None:
    """Point every structure element, MCR and OBJR at the sheet that now holds its content."""
    seen: set[tuple[int, int]] = set()
    moved: set[tuple[int, int]] = set()
    stack = [kid for kid in reversed(_kid_list(tree)) if isinstance(kid, pikepdf.Dictionary)]
    while stack:
        element = stack.pop()
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        page = element.get("/Pg")
        placement = placements.get(page.objgen) if isinstance(page, pikepdf.Dictionary) else None
        if placement is not None:
            element.Pg = placement.sheet
            _move_layout_box(element, placement, moved)
        kids = _kid_list(element)
        changed = False
        for position, kid in enumerate(kids):
            if isinstance(kid, int):
                # An MCID on the element's own page (ISO 32000-1 14.7.2, Table 323 /K).
                if placement is not None:
                    kids[position] = kid + placement.mcid_offset
                    changed = True
            elif not isinstance(kid, pikepdf.Dictionary):
                continue
            elif kid.get("/Type") in (pikepdf.Name.MCR, pikepdf.Name.OBJR):
                _retarget_reference(kid, page, placements)
            else:
                stack.append(kid)
        if changed:
            element.K = pikepdf.Array(kids) if isinstance(element.K, pikepdf.Array) else kids[0]


def _move_layout_box(
    element: pikepdf.Dictionary, placement: _Placement, moved: set[tuple[int, int]]
) -> None:
    """Move the /BBox of an element's Layout attributes, in default user space (Table 344)."""
    attributes = element.get("/A")
    found = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    for attribute in found:
        if not (isinstance(attribute, pikepdf.Dictionary) and "/BBox" in attribute):
            continue
        if attribute.is_indirect:
            if attribute.objgen in moved:
                continue  # shared by several elements: move it once
            moved.add(attribute.objgen)
        attribute.BBox = _translate(list(attribute.BBox), placement.x, placement.y)


def _retarget_reference(
    reference: pikepdf.Dictionary,
    owner_page: pikepdf.Object | None,
    placements: dict[tuple[int, int], _Placement],
) -> None:
    """Move an MCR or an OBJR (ISO 32000-1 14.7.4.2, 14.7.4.3) to its sheet."""
    page = reference.get("/Pg", owner_page)
    placement = placements.get(page.objgen) if isinstance(page, pikepdf.Dictionary) else None
    if placement is None:
        return
    if "/Pg" in reference:
        reference.Pg = placement.sheet
    # An MCR into a form XObject (/Stm) counts MCIDs in that stream, which did not move.
    if reference.get("/Type") == pikepdf.Name.MCR and "/Stm" not in reference:
        reference.MCID = int(reference.MCID) + placement.mcid_offset


# -- destinations --------------------------------------------------------------


def _moved_destination(
    destination: pikepdf.Object | None, placements: dict[tuple[int, int], _Placement]
) -> pikepdf.Object | None:
    """An explicit destination (or a dictionary with /D) moved to the sheet, else ``None``."""
    if isinstance(destination, pikepdf.Dictionary) and "/D" in destination:
        moved = _moved_destination(destination.D, placements)
        if moved is not None:
            destination.D = moved
            return destination
        return None
    if not isinstance(destination, pikepdf.Array) or len(destination) < 2:
        return None
    page = destination[0]
    if not isinstance(page, pikepdf.Dictionary) or page.objgen not in placements:
        return None
    placement = placements[page.objgen]
    kind = str(destination[1])
    axes = _DESTINATION_AXES.get(kind)
    if axes is None:
        return None
    if kind in ("/Fit", "/FitB"):
        # Fitting the whole sheet would show two pages: fit the page's half instead.
        return pikepdf.Array(
            [
                placement.sheet,
                pikepdf.Name.FitR,
                *_translate(
                    [0, 0, placement.width, placement.height],
                    placement.x + _box(page)[0],
                    placement.y + _box(page)[1],
                ),
            ]
        )
    operands: list[object] = []
    for axis, value in zip(axes, list(destination)[2:], strict=False):
        if value is None or not axis:
            operands.append(value)  # null keeps the current value (Table 151)
        else:
            operands.append(_number(float(value) + (placement.x if axis == "x" else placement.y)))
    return pikepdf.Array([placement.sheet, pikepdf.Name(kind), *operands])


def _move_action(
    action: pikepdf.Object | None, placements: dict[tuple[int, int], _Placement]
) -> None:
    """Move the destination of a GoTo action in place."""
    if isinstance(action, pikepdf.Dictionary) and action.get("/S") == pikepdf.Name.GoTo:
        moved = _moved_destination(action.get("/D"), placements)
        if moved is not None:
            action.D = moved


def _move_destinations(doc: pikepdf.Pdf, placements: dict[tuple[int, int], _Placement]) -> None:
    """Move bookmarks, named destinations, links and the open action with their pages."""
    root = doc.Root
    holders: list[pikepdf.Dictionary] = []
    outlines = root.get("/Outlines")
    seen: set[tuple[int, int]] = set()
    pending = [outlines.get("/First")] if isinstance(outlines, pikepdf.Dictionary) else []
    while pending:
        item = pending.pop()
        if not isinstance(item, pikepdf.Dictionary) or item.objgen in seen:
            continue
        seen.add(item.objgen)
        holders.append(item)
        pending.extend([item.get("/Next"), item.get("/First")])
    for page in doc.pages:
        holders.extend(
            annotation
            for annotation in page.obj.get("/Annots", pikepdf.Array())
            if isinstance(annotation, pikepdf.Dictionary)
        )
    for holder in holders:
        moved = _moved_destination(holder.get("/Dest"), placements)
        if moved is not None:
            holder.Dest = moved
        _move_action(holder.get("/A"), placements)
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/Dests" in names:
        dests = pikepdf.NameTree(names.Dests)
        for name, value in list(dests.items()):
            moved = _moved_destination(value, placements)
            if moved is not None:
                dests[name] = moved
    old_style = root.get("/Dests")  # PDF 1.1 named destinations (ISO 32000-1 12.3.2.3)
    if isinstance(old_style, pikepdf.Dictionary):
        for name, value in old_style.items():
            moved = _moved_destination(value, placements)
            if moved is not None:
                old_style[name] = moved
    opening = root.get("/OpenAction")
    if isinstance(opening, pikepdf.Array):
        moved = _moved_destination(opening, placements)
        if moved is not None:
            root.OpenAction = moved
    else:
        _move_action(opening, placements)
