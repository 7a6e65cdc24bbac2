"""The pipeline's own words: a catalogue has the document's language (WCAG 2.2 SC 3.1.2).

Every edition's headings, labels, dates and statements ("Contents", "Contact
us", "Page 1 of 2") come from a message catalogue (:mod:`clearleaf.i18n`). In
a language without one they are English, marked as English, which a reader
of the document's language may not read: the check says so, at the front
matter's ``lang``, unless the project words every message for that language
(``[messages.<language>]`` in ``clearleaf.toml``).
"""

from __future__ import annotations

from collections.abc import Iterator

from clearleaf import i18n
from clearleaf.a11y.source import Finding, Source
from clearleaf.document import Document


def no_catalogue(document: Document, source: Source) -> Iterator[Finding]:
    """Check ``i18n.no-catalogue``: the pipeline's words can be in the document's language."""
    lang = document.meta.lang
    if document.meta.provisional:
        return
    if i18n.catalogued(lang, document.settings.messages):
        return
    yield Finding(
        source.front_matter_key("lang") or 0,
        f"there is no catalogue of clearleaf's own words for '{lang}' (there are "
        f"{', '.join(i18n.languages())}): the editions' headings, labels and dates are in "
        'English, marked as such; add one (README, "Languages of the page\'s own words") '
        f"or give every message in [messages.{lang}] in clearleaf.toml",
    )
