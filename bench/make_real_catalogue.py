"""A catalogue of real public-health pages for the benchmark.

The pages are the leaflet-sized real documents of the test corpus
(``tests/real``, each with its origin and licence in ``tests/real/SOURCES.txt``):
two HealthCare.gov pages (one of them in fourteen languages), two VA.gov
pages, and one Nextstrain situation report in English, Arabic, Bengali,
Persian, Hindi and Urdu. Nobody on the project wrote them, and they carry
what real pages carry: raw HTML wrappers, many scripts, right-to-left text,
tables and long link lists. A catalogue of N documents cycles through the ten
pages, each copy under its own name (``007-va-depression.md``), byte for byte.

Usage: python bench/make_real_catalogue.py OUT_DIR [--count 50]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

REAL = Path(__file__).resolve().parent.parent / "tests" / "real"

#: The corpus's real patient and public-health pages (the manual and pandoc's
#: test suite are left to the long-document scenario and the tests).
PAGES: tuple[str, ...] = (
    "healthcare-gov-language-resource.md",
    "healthcare-gov-preventive-care-benefits.md",
    "va-depression.md",
    "va-mental-health.md",
    "nextstrain-sitrep-2020-05-15-en.md",
    "nextstrain-sitrep-2020-05-15-ar.md",
    "nextstrain-sitrep-2020-05-15-bn.md",
    "nextstrain-sitrep-2020-05-15-fa.md",
    "nextstrain-sitrep-2020-05-15-hi.md",
    "nextstrain-sitrep-2020-05-15-ur.md",
)


def make_real_catalogue(folder: Path, count: int, real: Path = REAL) -> list[Path]:
    """Copy ``count`` real pages into ``folder``, cycling through :data:`PAGES`."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for index in range(count):
        page = PAGES[index % len(PAGES)]
        target = folder / f"{index + 1:03d}-{page}"
        shutil.copyfile(real / page, target)
        made.append(target)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=50)
    arguments = parser.parse_args()
    for path in make_real_catalogue(arguments.out, arguments.count):
        print(path)


if __name__ == "__main__":
    main()
