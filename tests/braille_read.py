"""Reading a BRF file back as a braille reader's software does: pages, lines, print page
indicators, and the print text liblouis' own ``lou_translate`` makes of the cells.

Back-translation runs the ``lou_translate`` program (Debian's liblouis-bin) on the
cells of the file: nothing of clearleaf's reads its output but the mapping of
Braille ASCII to cells, which a test compares with liblouis' own.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from clearleaf import braille, i18n

#: A print page change indicator in Braille ASCII: dots 36 across, then the page's number.
TURN = re.compile(r"^-{3,}(#[A-J]+)$")
#: A box line: dots 2356 across.
BOX = re.compile(r"^7{3,}$")
#: UEB's grade 1 word indicator, before an uncontracted address.
GRADE1 = ";;"


def pages(data: bytes) -> list[list[str]]:
    """The lines of each page of a BRF file (its bytes), line 1 first."""
    text = data.decode("ascii")
    assert text.endswith("\r\n\f"), "every page, the last too, ends with CR LF and a form feed"
    return [page.split("\r\n")[:-1] for page in text.split("\f")[:-1]]


def number(cells: str) -> int:
    """The number a UEB numeric sign and digits (``#BJ``) stand for."""
    assert cells.startswith("#"), cells
    return int("".join(str("JABCDEFGHI".index(char)) for char in cells[1:]))


def text_lines(data: bytes) -> list[str]:
    """The lines of text, page numbers, print page indicators and box lines aside; a line
    divided by the line continuation indicator (dot 5) or a hyphen is joined again."""
    out: list[str] = []
    joining = False
    for page in pages(data):
        for line in page[1:]:
            line = line.strip()
            if not line or TURN.match(line) or BOX.match(line):
                continue
            if joining:
                out[-1] = out[-1][:-1] + line
            else:
                out.append(line)
            joining = line.endswith('"') or (
                line.endswith("-") and not line.endswith(" -") and len(line) >= 30
            )
    return out


def back_translate(lines: list[str], table: str, uncontracted: str | None = None) -> list[str]:
    """``lines`` of Braille ASCII in print, by ``lou_translate --backward`` with ``table``.

    With ``uncontracted``, what follows UEB's grade 1 word indicator in a
    symbols-sequence (an address) is read with that table, as a reader reads
    it. Indicators liblouis cannot name (it writes ``\\45/`` for the dots of
    some emphasis indicators) are left out.
    """
    pieces: list[tuple[int, str, bool]] = []  # (line, cells, uncontracted)
    for index, line in enumerate(lines):
        for word in line.split(" "):
            if uncontracted and GRADE1 in word:
                head, rest = word.split(GRADE1, 1)
                pieces += [(index, head, False), (index, rest, True)]
            else:
                pieces.append((index, word, False))
    read = {False: _lou(table, [p[1] for p in pieces if not p[2]])}
    read[True] = _lou(uncontracted, [p[1] for p in pieces if p[2]]) if uncontracted else []
    positions = {False: 0, True: 0}
    out: list[list[str]] = [[] for _ in lines]
    previous: tuple[int, bool] | None = None
    for index, _cells, grade1 in pieces:
        text = read[grade1][positions[grade1]]
        positions[grade1] += 1
        if out[index] and not (previous == (index, False) and grade1):
            out[index].append(" ")
        out[index].append(text)
        previous = (index, grade1)
    return ["".join(parts) for parts in out]


def _lou(table: str | None, cells: list[str]) -> list[str]:
    if not cells:
        return []
    # As Unicode braille: a table of another language than English may give ASCII
    # characters meanings of its own, and lou_translate reads backslash escapes.
    # (The mapping is liblouis' en-us-brf.dis: test_braille_ascii_is_liblouis_own_mapping.)
    text = "\n".join(braille.from_ascii(piece) for piece in cells) + "\n"
    result = subprocess.run(
        ["lou_translate", "--backward", f"unicode.dis,{table}"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    read = [re.sub(r"\\\d+/", "", line) for line in result.stdout.split("\n")[: len(cells)]]
    assert len(read) == len(cells), (len(read), len(cells))
    return read


def words(text: str) -> list[str]:
    """The words of ``text`` as compared: case, punctuation and symbols aside."""
    return [word for word in (re.sub(r"\W", "", w.casefold()) for w in text.split()) if word]


def recovered(source: list[str], read: list[str]) -> float:
    """The share of the ``source`` words found, in order, in the words ``read`` back."""
    import difflib

    matcher = difflib.SequenceMatcher(None, source, read, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(source), 1)


def plain_text(path: Path, lang: str = "en") -> str:
    """The text of a plain-text edition up to its list of the other editions (which
    differs from the braille edition's), its page markers aside."""
    text = path.read_text(encoding="utf-8")
    heading = i18n.catalogue(lang).get("Other formats") or "Other formats"
    text = text.split(f"\n{heading}\n", 1)[0]
    return re.sub(r"^\[[^\]\n]+ \d+\]$", "", text, flags=re.MULTILINE)


def plain_words(path: Path, lang: str = "en") -> list[str]:
    """The words of :func:`plain_text`, as compared."""
    return words(plain_text(path, lang))


def transcribed(text: str, data: bytes, table: str) -> float:
    """The share of the words of ``text`` whose braille, as ``lou_translate --forward``
    writes each alone in ``table``, is a word of the BRF ``data``, in order (capital
    signs aside): for codes whose back-translation liblouis does not do reliably."""
    import difflib

    source = [token for token in text.split() if re.search(r"\w", token)]
    result = subprocess.run(
        ["lou_translate", "--forward", f"unicode.dis,{table}"],
        input="\n".join(source) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    wanted = [cells.replace("\u2820", "") for cells in result.stdout.split("\n")[: len(source)]]
    found = [
        braille.from_ascii(token).replace("\u2820", "")
        for line in text_lines(data)
        for token in line.split(" ")
    ]
    matcher = difflib.SequenceMatcher(None, wanted, found, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(wanted), 1)
