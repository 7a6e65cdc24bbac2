"""Generate a catalogue of leaflet-sized documents for the benchmark.

Each document recombines the user's leaflet (its paragraphs and list items,
shuffled) under its own title and section headings, with complete front
matter, so that the pipeline builds it without a warning. The output is the
same for the same ``--seed``.

Usage: python bench/make_catalogue.py OUT_DIR [--count 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from corpus import Corpus, front_matter, load

#: Leaflet titles; the catalogue cycles through them (numbered past the end).
TITLES: tuple[str, ...] = (
    "Heroin and Your Memory",
    "Opioids and the Reward System",
    "Understanding Tolerance",
    "Coming Off Opioids Safely",
    "Naloxone Saves Lives",
    "Your First Weeks in Treatment",
    "Methadone and Buprenorphine",
    "Sleep and Recovery",
    "Supporting a Family Member",
    "Pain Relief After Opioid Use",
    "How Cravings Work",
    "Staying Well After Treatment",
    "Mood, Anxiety and Opioids",
    "Overdose Warning Signs",
    "Talking Therapies for Addiction",
    "The Brain Can Heal",
    "Decisions and Self-Control",
    "Withdrawal Explained",
    "Peer Support Groups",
    "Preventing Relapse",
    "Opioids and Breathing",
    "Help for Young People",
    "Pregnancy and Opioids",
    "Work, Money and Recovery",
    "Your Care Plan",
)

#: Section headings mixed with the leaflet's own.
HEADINGS: tuple[str, ...] = (
    "What You Need to Know",
    "How It Affects You",
    "Getting Help",
    "What Happens Next",
    "Looking After Yourself",
    "Questions People Ask",
    "Changes Over Time",
    "Support Around You",
)


def slugify(text: str) -> str:
    """A lower-case, file-name-safe slug: ``Your Care Plan`` -> ``your-care-plan``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def document(index: int, corpus: Corpus, rng: random.Random) -> tuple[str, str]:
    """The stem and Markdown text of catalogue document number ``index`` (from 1)."""
    title = TITLES[(index - 1) % len(TITLES)]
    if index > len(TITLES):
        title = f"{title}, Part {(index - 1) // len(TITLES) + 1}"
    stem = f"doc-{index:02d}-{slugify(title)}"
    paragraphs = list(corpus.paragraphs)
    rng.shuffle(paragraphs)
    headings = rng.sample([*corpus.headings, *HEADINGS], k=len(corpus.headings) - 1)
    description = (
        f"{title}: what opioids do to the brain, the risks, and how treatment and "
        "support help people recover."
    )
    parts = [
        front_matter(title, description, stem, keywords=["opioids", "addiction", slugify(title)]),
        paragraphs.pop(),
        "",
    ]
    for number, heading in enumerate(headings):
        parts += [f"## {heading}", ""]
        for _ in range(rng.randint(1, 3)):
            if paragraphs:
                parts += [paragraphs.pop(), ""]
        if number % 2 == 0:
            parts += [f"- {item}" + "\n" for item in rng.sample(corpus.items, k=rng.randint(2, 4))]
    for paragraph in paragraphs:  # what is left closes the document
        parts += [paragraph, ""]
    parts += [
        "::: callout",
        "## Talk to Us",
        "",
        (
            "Call 0300 123 4567 or email support@example.org, any day, to speak to someone "
            "who understands."
        ),
        ":::",
        "",
    ]
    return stem, "\n".join(parts)


def make_catalogue(out: Path, count: int = 50, seed: int = 1) -> list[Path]:
    """Write ``count`` documents into ``out``; return their paths, in order."""
    out.mkdir(parents=True, exist_ok=True)
    corpus = load()
    rng = random.Random(seed)
    paths = []
    for index in range(1, count + 1):
        stem, text = document(index, corpus, rng)
        path = out / f"{stem}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    """Parse the command line and write the catalogue."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the documents into")
    parser.add_argument("--count", type=int, default=50, help="how many documents (50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    arguments = parser.parse_args()
    paths = make_catalogue(arguments.out, arguments.count, arguments.seed)
    print(f"wrote {len(paths)} document(s) into {arguments.out}")


if __name__ == "__main__":
    main()
