"""A facts cache: re-inspecting an unchanged model costs a stat and a small JSON read.

Entries are keyed by the model's resolved path, size and mtime_ns, and by the cache format
version. A cache file that is missing, unreadable, corrupt or stale is a miss, never an error:
the model is inspected again and the entry rewritten atomically (temporary file, then rename).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator.atomic import write_atomic
from generator.inspect import ModelFacts, facts_from_dict, facts_to_dict, inspect_model

DEFAULT_CACHE_DIR = Path(".cache/zoo/inspect")
"""Where the site build keeps the cache, relative to the project root."""
CACHE_VERSION = 1
"""Bump when the facts change shape or meaning: every older entry becomes a miss."""


def cached_inspect(path: Path, cache_dir: Path = DEFAULT_CACHE_DIR) -> ModelFacts:
    """Inspect a model, or return its cached facts when the file has not changed.

    Args:
        path: The .onnx file.
        cache_dir: The cache folder (created when needed).

    Returns:
        The facts, exactly as `inspect_model(path)` would return them.

    Raises:
        InspectError: When the file is not a readable ONNX model (errors are not cached).
    """
    key = cache_key(path)
    if key is None:
        return inspect_model(path)
    entry = cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()}.json"
    facts = _read(entry, key, path)
    if facts is None:
        facts = inspect_model(path)
        _write(entry, key, facts)
    return facts


def cache_key(path: Path) -> str | None:
    """The key of a model's current state, or None when it cannot be stat'ed.

    Args:
        path: The model file.

    Returns:
        `version|resolved path|size|mtime_ns`, or None.
    """
    try:
        status = path.stat()
        resolved = path.resolve()
    except (OSError, RuntimeError):
        return None
    return f"{CACHE_VERSION}|{resolved}|{status.st_size}|{status.st_mtime_ns}"


def _read(entry: Path, key: str, path: Path) -> ModelFacts | None:
    try:
        payload = json.loads(entry.read_bytes())
        facts = payload["facts"]
        valid = payload["key"] == key and payload["digest"] == _digest(facts)
        result = facts_from_dict(facts) if valid else None
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
    # The entry is keyed by the resolved path; report the path the caller used.
    return None if result is None else replace(result, path=str(path))


def _write(entry: Path, key: str, facts: ModelFacts) -> None:
    data = facts_to_dict(facts)
    payload = {"key": key, "digest": _digest(data), "facts": data}
    try:
        write_atomic(entry, json.dumps(payload))
    except OSError:
        return  # a read-only or full disk only costs speed


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

