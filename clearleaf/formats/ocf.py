"""The EPUB container (OCF 3.3): reading its files, and writing them reproducibly.

The Word edition's package (OPC) is a ZIP of the same kind, without ``mimetype``,
and is read and written here too.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence

#: The earliest time a ZIP entry can carry.
_EPOCH = (1980, 1, 1, 0, 0, 0)


def read(data: bytes) -> tuple[dict[str, bytes], tuple[int, int, int, int, int, int]]:
    """The files of the container ``data``, in order, and the time its entries carry."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        files = {info.filename: book.read(info) for info in book.infolist()}
        return files, book.infolist()[0].date_time


def write(files: Mapping[str, bytes], when: Sequence[int], stored: tuple[str, ...] = ()) -> bytes:
    """The container of ``files``: ``mimetype`` (if any) first and stored (OCF 3.3, 4.3),
    the rest in their order, deflated unless their name ends with one of ``stored`` (audio, which
    does not compress), each entry dated ``when`` and readable by all, so that the same
    files give the same bytes."""
    stamp = max(tuple(when), _EPOCH)[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        first = ["mimetype"] if "mimetype" in files else []
        for name in [*first, *(name for name in files if name != "mimetype")]:
            info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
            info.external_attr = 0o644 << 16
            info.create_system = 3
            keep = name == "mimetype" or (bool(stored) and name.endswith(stored))
            info.compress_type = zipfile.ZIP_STORED if keep else zipfile.ZIP_DEFLATED
            target.writestr(info, files[name], compresslevel=None if keep else 9)
    return out.getvalue()
