"""Reading age: the text is no harder to read than its target (Patient Information Forum).

PIF recommends a reading age of 9 to 11 for health information; the front
matter's ``reading_age_target`` (default 11) says this document's. The
figures come from :mod:`clearleaf.readability`, measured once per document.
"""

from __future__ import annotations

from collections.abc import Iterator

from clearleaf import readability
from clearleaf.a11y.source import Finding, Source
from clearleaf.document import Document


def reading_age(document: Document, source: Source) -> Iterator[Finding]:
    """Check ``readability.reading-age``: the reading age is at most the document's target."""
    figures = readability.measure(document)
    target = document.meta.reading_age_target
    # Under 30 sentences the formulas are unstable (STANDARDS.md): the report
    # says so, and a figure that unreliable does not fail a build.
    if figures is None or not figures.stable or not figures.above(target):
        return
    message = (
        f"reading age {figures.reading_age} (SMOG grade {figures.smog_grade:.1f}) "
        f"is above the target of {target}; simplify the hardest sentences, starting with "
        "this one (`clearleaf check` lists ten)"
    )
    yield Finding(figures.hardest[0].offset, message)
