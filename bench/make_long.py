"""Generate a long document for the benchmark: about 200 pages of the A5 leaflet PDF.

Chapters (``##``) of subsections (``###``) recombine the user's leaflet's
paragraphs and list items, with numbered steps, a table and a figure (a small
PNG written with zlib and struct, next to the source, with alt text) in each.
The front matter is complete, so the pipeline builds it without a warning.
The output is the same for the same ``--seed``.

The default ``--chapters`` was tuned so that the project's standard A5 PDF
(``python -m clearleaf build --format pdf``) has about 200 pages; ``bench/run.py``
reports the page count it measures.

Usage: python bench/make_long.py OUT_DIR [--chapters N] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from corpus import Corpus, front_matter, load, png

#: Chapters giving about 200 A5 pages (measured with the pipeline at the time of writing).
CHAPTERS = 30

#: The file name of the generated source (its stem names every output).
STEM = "long-document"

_SUBSECTIONS = (
    "What Happens in the Brain",
    "What You May Notice",
    "What Helps",
    "Questions to Ask Your Team",
)

_TABLE_HEADER = "| Stage | What changes | How long | Who can help |\n|---|---|---|---|"
_STAGES = ("First use", "Regular use", "Tolerance", "Dependence", "Withdrawal", "Recovery")
_CHANGES = (
    "More dopamine is released",
    "Receptors become less responsive",
    "Higher doses are needed",
    "The body needs the drug to feel normal",
    "Sickness, aches and cravings",
    "Connections in the brain are rebuilt",
)
_DURATIONS = ("Minutes", "Days to weeks", "Weeks", "Months", "One to two weeks", "Months to years")
_HELPERS = ("Your GP", "Drug service", "Pharmacist", "Key worker", "Peer mentor", "Family")


def table(rng: random.Random) -> str:
    """A pipe table with a header row (the pipeline's ``a11y.table-header`` check)."""
    rows = [
        f"| {stage} | {rng.choice(_CHANGES)} | {rng.choice(_DURATIONS)} | {rng.choice(_HELPERS)} |"
        for stage in _STAGES
    ]
    return "\n".join([_TABLE_HEADER, *rows])


def chapter(number: int, corpus: Corpus, rng: random.Random) -> tuple[str, str, bytes]:
    """The Markdown of chapter ``number`` (from 1), its figure's file name and PNG bytes."""
    heading = corpus.headings[(number - 1) % len(corpus.headings)]
    figure = f"figure-{number:02d}.png"
    parts = [f"## Chapter {number}. {heading}", "", rng.choice(corpus.paragraphs), ""]
    for index, subsection in enumerate(_SUBSECTIONS):
        parts += [f"### {subsection}", ""]
        for paragraph in rng.sample(corpus.paragraphs, k=3):
            parts += [paragraph, ""]
        if index == 0:
            parts += [f"- {item}\n" for item in rng.sample(corpus.items, k=4)]
        elif index == 1:
            parts += [
                (
                    f"![Bar chart for chapter {number}: how strongly each of eight effects "
                    f"is felt, from mild to severe]({figure})"
                ),
                "",
            ]
        elif index == 2:
            steps = rng.sample(corpus.items, k=3)
            parts += [
                f"{step}. {item.split(':**', 1)[-1].strip()}\n"
                for step, item in enumerate(steps, start=1)
            ]
            parts += [f"Table {number}. How the brain changes, stage by stage.", "", table(rng), ""]
    return "\n".join(parts), figure, png(240, 120, number)


def make_long(out: Path, chapters: int = CHAPTERS, seed: int = 1) -> Path:
    """Write the long document and its figures into ``out``; return the source's path."""
    out.mkdir(parents=True, exist_ok=True)
    corpus = load()
    rng = random.Random(seed)
    parts = [
        front_matter(
            "Heroin and the Brain, the Complete Guide",
            "A long guide to what heroin does to the brain, chapter by chapter, for "
            "people in treatment, their families and the staff who support them.",
            STEM,
            keywords=["opioids", "addiction", "treatment"],
            subtitle="A handbook for patients, families and staff",
        ),
        *corpus.paragraphs[:2],
        "",
    ]
    for number in range(1, chapters + 1):
        text, figure, image = chapter(number, corpus, rng)
        (out / figure).write_bytes(image)
        parts += [text, ""]
    source = out / f"{STEM}.md"
    source.write_text("\n\n".join(part for part in parts if part) + "\n", encoding="utf-8")
    return source


def main() -> None:
    """Parse the command line and write the long document."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the document and figures into")
    parser.add_argument(
        "--chapters", type=int, default=CHAPTERS, help=f"how many chapters ({CHAPTERS})"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    arguments = parser.parse_args()
    source = make_long(arguments.out, arguments.chapters, arguments.seed)
    words = len(source.read_text(encoding="utf-8").split())
    print(f"wrote {source} ({words:,} words, {arguments.chapters} chapters)")


if __name__ == "__main__":
    main()
