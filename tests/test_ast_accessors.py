"""clearleaf.ast's accessors: each reads or writes the field it names, in what pandoc writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearleaf import ast, pandoc
from clearleaf.ast import Attr, Node, Target, stringify


def blocks_of(markdown: str) -> list[Node]:
    """The body blocks pandoc reads from ``markdown``."""
    tree, _ = pandoc.parse(markdown, Path("x.md"))
    blocks: list[Node] = tree["blocks"]
    return blocks


def first(markdown: str, kind: str) -> Node:
    """The first element of the type ``kind`` pandoc reads from ``markdown``."""
    return next(node for node in ast.walk(blocks_of(markdown)) if node["t"] == kind)


def texts(lists: list[list[Node]]) -> list[str]:
    """The plain text of each of ``lists`` (of inlines or of blocks)."""
    return [stringify(value) for value in lists]


# -- reading --------------------------------------------------------------------------


def test_a_link_has_its_address_title_text_and_attributes() -> None:
    link = first('[the clinic](https://example.org "Opening hours"){#visit .more}\n', "Link")
    assert ast.target(link) == Target("https://example.org", "Opening hours")
    assert ast.target(link).url == "https://example.org"
    assert stringify(ast.inlines(link)) == "the clinic"
    assert ast.attr(link) == Attr("visit", ["more"], [])
    assert ast.target(first("<https://example.org>\n", "Link")).title == ""


def test_an_image_has_its_alt_text_source_and_attributes() -> None:
    markdown = '![A map of the entrances](map.png "Entrances"){.decorative width=50%}\n'
    image = first(markdown, "Image")
    assert ast.target(image) == Target("map.png", "Entrances")
    assert stringify(ast.inlines(image)) == "A map of the entrances"
    attributes = ast.attr(image)
    assert attributes.identifier == ""
    assert attributes.classes == ["decorative"]
    assert attributes.attributes == [["width", "50%"]]
    # An image alone in its paragraph is a figure, captioned with the alt text.
    figure = first(markdown, "Figure")
    assert stringify(ast.caption(figure)) == "A map of the entrances"
    assert [block["t"] for block in ast.blocks(figure)] == ["Plain"]
    assert ast.inlines(ast.blocks(figure)[0]) == [image]


def test_a_heading_has_its_level_identifier_and_words() -> None:
    header = first("### Dose for children {#dose .x lang=cy}\n", "Header")
    assert ast.level(header) == 3
    assert ast.attr(header) == Attr("dose", ["x"], [["lang", "cy"]])
    assert stringify(ast.inlines(header)) == "Dose for children"
    generated = first("## Side effects\n", "Header")
    assert (ast.level(generated), ast.attr(generated).identifier) == (2, "side-effects")


@pytest.mark.parametrize(
    ("markdown", "counting"),
    [
        ("3. one\n4. two\n", (3, "Decimal", "Period")),
        ("a) one\nb) two\n", (1, "LowerAlpha", "OneParen")),
        ("(iv) one\n(v) two\n", (4, "LowerRoman", "TwoParens")),
        ("#. one\n#. two\n", (1, "DefaultStyle", "DefaultDelim")),
    ],
)
def test_a_numbered_list_has_its_start_style_and_delimiter(
    markdown: str, counting: tuple[int, str, str]
) -> None:
    numbered = first(markdown, "OrderedList")
    attributes = ast.list_attributes(numbered)
    assert attributes == counting
    assert isinstance(attributes.start, int)
    assert texts(ast.items(numbered)) == ["one", "two"]


def test_a_bullet_list_has_its_items() -> None:
    bullets = first("- one\n- two\n\n  more\n", "BulletList")
    assert [[block["t"] for block in item] for item in ast.items(bullets)] == [
        ["Para"],
        ["Para", "Para"],
    ]
    assert texts(ast.items(bullets)) == ["one", "twomore"]


def test_code_has_its_text_and_attributes() -> None:
    blocks = blocks_of("Run `ls -l`{.sh} now.\n\n```python\nprint(1)\nprint(2)\n```\n")
    inline = next(node for node in ast.walk(blocks) if node["t"] == "Code")
    assert ast.code_text(inline) == "ls -l"
    assert ast.attr(inline).classes == ["sh"]
    block = blocks[1]
    assert block["t"] == "CodeBlock"
    assert ast.code_text(block) == "print(1)\nprint(2)"
    assert ast.attr(block).classes == ["python"]


def test_raw_pieces_have_their_format_and_text() -> None:
    blocks = blocks_of('<abbr title="x">NHS</abbr>\n\n```{=latex}\n\\newpage\n```\n')
    pieces = [node for node in ast.walk(blocks) if node["t"] in ("RawInline", "RawBlock")]
    assert [ast.raw(node) for node in pieces] == [
        ("html", '<abbr title="x">'),
        ("html", "</abbr>"),
        ("latex", "\\newpage"),
    ]
    assert ast.raw(pieces[-1]).format == "latex"
    assert ast.raw(pieces[0]).text == '<abbr title="x">'


def test_spans_and_divs_have_their_attributes_and_content() -> None:
    blocks = blocks_of("[bore da]{lang=cy dir=ltr}\n\n::: {#box .callout}\nInside *here*\n:::\n")
    span = next(node for node in ast.walk(blocks) if node["t"] == "Span")
    assert ast.attr(span) == Attr("", [], [["lang", "cy"], ["dir", "ltr"]])
    assert stringify(ast.inlines(span)) == "bore da"
    div = blocks[1]
    assert ast.attr(div) == Attr("box", ["callout"], [])
    assert texts([ast.blocks(div)]) == ["Inside here"]
    assert ast.has_attr(span) and ast.has_attr(div)
    assert not ast.has_attr(blocks[0])


def test_a_table_has_its_head_bodies_foot_caption_and_cells() -> None:
    table = first("| Age | Dose |\n|---|---|\n| 6 | 5 ml |\n| 12 | 10 ml |\n\n: Doses\n", "Table")
    assert stringify(ast.caption(table)) == "Doses"
    (head,) = ast.head_rows(table)
    assert [stringify(ast.cell_blocks(cell)) for cell in ast.cells(head)] == ["Age", "Dose"]
    (body,) = ast.bodies(table)
    assert body.head == []
    assert [[stringify(ast.cell_blocks(cell)) for cell in ast.cells(row)] for row in body.rows] == [
        ["6", "5 ml"],
        ["12", "10 ml"],
    ]
    assert ast.foot_rows(table) == []
    assert ast.caption(first("| A |\n|---|\n| 1 |\n", "Table")) == []


#: A table in HTML with a foot, column widths, and attributes on its parts.
STYLED_TABLE = (
    '<table><colgroup><col style="width:30%"><col style="width:70%"></colgroup>'
    '<thead><tr class="h"><th>Age</th><th>Dose</th></tr></thead>'
    '<tbody class="b"><tr><td id="c1" class="x">Child</td><td>5 ml</td></tr></tbody>'
    "<tfoot><tr><td>All</td><td>Ask</td></tr></tfoot></table>"
)

#: The same table without widths or attributes.
PLAIN_TABLE = (
    "<table><thead><tr><th>Age</th><th>Dose</th></tr></thead>"
    "<tbody><tr><td>Child</td><td>5 ml</td></tr></tbody>"
    "<tfoot><tr><td>All</td><td>Ask</td></tr></tfoot></table>"
)


def table_from_html(html: str) -> Node:
    """The Table pandoc's HTML reader reads from ``html``."""
    (table,) = pandoc.from_html(html, Path("x.md"))
    return table


def test_a_table_read_from_html_has_its_foot() -> None:
    table = table_from_html(STYLED_TABLE)
    (foot,) = ast.foot_rows(table)
    assert [stringify(ast.cell_blocks(cell)) for cell in ast.cells(foot)] == ["All", "Ask"]
    (body,) = ast.bodies(table)
    assert [stringify(ast.cell_blocks(cell)) for cell in ast.cells(body.rows[0])] == [
        "Child",
        "5 ml",
    ]


def test_definitions_lines_notes_quotes_and_emphasis_have_their_content() -> None:
    blocks = blocks_of(
        'Term\n: First\n\n: Second\n\n| line one\n| line two\n\nSay "yes" *now*[^1].\n\n'
        "[^1]: A note.\n"
    )
    (entry,) = ast.definition_items(blocks[0])
    assert stringify(entry.term) == "Term"
    assert texts(entry.definitions) == ["First", "Second"]
    assert texts(ast.lines(blocks[1])) == ["line one", "line two"]
    paragraph = blocks[2]
    inlines = ast.inlines(paragraph)
    kinds = {node["t"]: node for node in inlines}
    assert stringify(ast.inlines(kinds["Quoted"])) == "yes"
    assert stringify(ast.inlines(kinds["Emph"])) == "now"
    assert texts([ast.blocks(kinds["Note"])]) == ["A note."]


def test_what_an_accessor_reads_is_the_element_s_own() -> None:
    header = first("## Dose {lang=cy}\n", "Header")
    ast.attr(header).attributes.clear()
    ast.inlines(header).append({"t": "Str", "c": "!"})
    assert ast.attr(header).attributes == []
    assert stringify(ast.inlines(header)) == "Dose!"


# -- writing --------------------------------------------------------------------------


def test_setters_write_the_field_they_name() -> None:
    header = first("## Dose {#dose .x}\n", "Header")
    ast.set_level(header, 4)
    ast.set_identifier(header, "dose-2")
    assert ast.level(header) == 4
    assert ast.attr(header) == Attr("dose-2", ["x"], [])
    ast.set_attr(header, Attr("dose", [], [["lang", "cy"]]))
    assert header == first("#### Dose {lang=cy}\n", "Header")
    link = first('[x](old.html "Title")\n', "Link")
    ast.set_url(link, "https://example.org/new.html")
    assert ast.target(link) == Target("https://example.org/new.html", "Title")


def test_table_setters_leave_only_the_content() -> None:
    table = table_from_html(STYLED_TABLE)
    assert table != table_from_html(PLAIN_TABLE)
    ast.reset_column_widths(table)
    ast.clear_part_attributes(table)
    assert table == table_from_html(PLAIN_TABLE)


def test_new_elements_are_what_pandoc_writes() -> None:
    words = [{"t": "Str", "c": "the"}, {"t": "Space"}, {"t": "Str", "c": "clinic"}]
    blocks = blocks_of(
        '## The clinic {#top}\n\n[the clinic](https://example.org "Hours") '
        '![the clinic](c.png){.decorative} [the clinic]{#s lang=cy} `x`{.sh} "the clinic"'
        " <b>\n\n::: {#d}\n:::\n\n```{=html}\n<hr>\n```\n"
    )
    found = {node["t"]: node for node in ast.walk(blocks)}
    no_attr = Attr("", [], [])
    title = [{"t": "Str", "c": "The"}, *words[1:]]
    assert ast.header(2, Attr("top", [], []), title) == found["Header"]
    assert ast.link(no_attr, words, Target("https://example.org", "Hours")) == found["Link"]
    assert ast.image(Attr("", ["decorative"], []), words, Target("c.png", "")) == found["Image"]
    assert ast.span(Attr("s", [], [["lang", "cy"]]), words) == found["Span"]
    assert ast.code(Attr("", ["sh"], []), "x") == found["Code"]
    assert ast.double_quoted(words) == found["Quoted"]
    assert ast.raw_inline("html", "<b>") == found["RawInline"]
    assert ast.div(Attr("d", [], []), []) == found["Div"]
    assert ast.raw_block("html", "<hr>") == found["RawBlock"]


# -- refusing -------------------------------------------------------------------------


def test_an_accessor_refuses_an_element_of_another_type() -> None:
    header = first("## Dose\n", "Header")
    paragraph = blocks_of("Words.\n")[0]
    with pytest.raises(TypeError, match="expected Link or Image, not Header"):
        ast.target(header)
    with pytest.raises(TypeError, match="Para has no attributes"):
        ast.attr(paragraph)
    with pytest.raises(TypeError, match="Header has no blocks"):
        ast.blocks(header)
    with pytest.raises(TypeError):
        ast.level(paragraph)
    with pytest.raises(TypeError):
        ast.set_url(header, "https://example.org")
    with pytest.raises(TypeError):
        ast.list_attributes(first("- one\n", "BulletList"))
    with pytest.raises(TypeError):
        ast.head_rows(paragraph)
    assert ast.level(header) == 2  # untouched
