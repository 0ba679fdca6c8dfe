"""Atomic writes: readers see the old file or the new one, never a part of either."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file through a temporary file in the same folder and a rename.

    A crash mid-write leaves the original intact and no partial file under the final name.

    Args:
        path: The file to write.
        data: Its new content; text is written as UTF-8.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
