"""Settings shared by every format during one build."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: The styles, templates, font configuration and colour profile, shipped
#: inside the package (a wheel unpacks them as files beside the code).
STYLES_DIR = Path(str(importlib.resources.files("clearleaf") / "styles"))


@dataclass(frozen=True)
class Context:
    """What a format needs besides the document."""

    styles: Path = STYLES_DIR
    #: ``SOURCE_DATE_EPOCH`` when set; otherwise dates come from the source's
    #: metadata, never from the clock, so that builds are reproducible.
    source_date_epoch: int | None = field(default_factory=lambda: _epoch_from_env())
    #: The project's wording of the pipeline's own words: language -> msgid ->
    #: text (``clearleaf.toml``'s ``[messages.<language>]``, :mod:`clearleaf.i18n`).
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)

    def build_time(self, fallback: dt.date) -> dt.datetime:
        """The timestamp written into outputs, in UTC."""
        if self.source_date_epoch is not None:
            return dt.datetime.fromtimestamp(self.source_date_epoch, dt.UTC)
        return dt.datetime(fallback.year, fallback.month, fallback.day, tzinfo=dt.UTC)

    def style(self, name: str) -> str:
        """The text of a file in ``styles/``."""
        return (self.styles / name).read_text(encoding="utf-8")


def _epoch_from_env() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None
