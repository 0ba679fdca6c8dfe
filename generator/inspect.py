"""Inspect: an ONNX file in, the facts about it out.

The file is untrusted: it is read once, front to back, as protobuf wire format (see
`generator.reader`), hashed on the way, with tensor payloads skipped by their length. External
data is reported, never followed; nothing is executed; onnx is not imported.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from generator.modelfacts import (
    ExternalData,
    GraphFacts,
    ModelFacts,
    OpsetId,
    Port,
    Precision,
    Quantization,
    TensorStats,
    facts_from_dict,
    facts_to_dict,
)
from generator.precision import Weight
from generator.reader import Draft, read_model
from generator.source import Source
from generator.wire import Limits, WireError

__all__ = [
    "MAX_PROTOBUF_BYTES",
    "ExternalData",
    "GraphFacts",
    "InspectError",
    "ModelFacts",
    "OpsetId",
    "Port",
    "Precision",
    "Quantization",
    "TensorStats",
    "facts_from_dict",
    "facts_from_draft",
    "facts_to_dict",
    "inspect_model",
    "location_problem",
    "sha256_of",
]

MAX_PROTOBUF_BYTES = 2**31 - 1
"""Protobuf refuses messages of 2 GiB and more; so do we, with a clear message."""

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InspectError(Exception):
    """The file is not a readable ONNX model; the message says why, in one line."""


def inspect_model(path: Path, limits: Limits | None = None) -> ModelFacts:
    """Read the facts of one ONNX file, in one streaming pass.

    Args:
        path: The .onnx file.
        limits: Bounds on the work; the defaults suit any real model.

    Returns:
        Its facts.

    Raises:
        InspectError: When the file is not a readable ONNX model.
    """
    _check_regular(path)
    try:
        handle = path.open("rb", buffering=0)
    except OSError as error:
        raise _error(path, f"cannot read ({error.strerror})") from None
    with handle:
        size = _checked_size(path, os.fstat(handle.fileno()))
        source = Source(handle, size, limits)
        try:
            draft = read_model(source)
            digest = source.digest()
        except WireError as error:
            raise _error(path, f"not a readable ONNX model: {error}") from None
        except OSError as error:
            raise _error(path, f"cannot read ({error.strerror})") from None
    if not draft.has_graph:
        raise _error(path, "not an ONNX model (no graph)")
    return facts_from_draft(draft, path, size, digest)


def facts_from_draft(draft: Draft, path: Path, size: int, sha256: str) -> ModelFacts:
    """Assemble facts from what a reader collected.

    Args:
        draft: What the wire reader (or the `onnx.load` reference) collected.
        path: The model file.
        size: Its size in bytes.
        sha256: Its SHA-256 hex digest.

    Returns:
        The facts.
    """
    profile = draft.profile
    graph = GraphFacts(
        name=draft.graph_name,
        inputs=tuple(p for p in draft.inputs if p.name not in draft.initializers),
        outputs=tuple(draft.outputs),
        node_count=profile.node_count,
        op_types=profile.op_types(),
        functions=tuple(draft.functions),
        has_training_info=draft.has_training_info,
    )
    return ModelFacts(
        path=str(path),
        size_bytes=size,
        sha256=sha256,
        ir_version=draft.ir_version,
        opset_import=tuple(draft.opset_import),
        producer_name=draft.producer_name,
        producer_version=draft.producer_version,
        domain=draft.domain,
        model_version=draft.model_version,
        doc_string=draft.doc_string,
        metadata_props=dict(draft.metadata_props),
        graph=graph,
        precision=profile.precision(),
        external_data=tuple(_external(w, path.parent) for w in draft.external),
    )


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    """Hash a file in chunks (inspect_model hashes as it reads; this is for other files).

    Args:
        path: The file.
        chunk: Bytes read at a time.

    Returns:
        The hex digest.
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def location_problem(location: str, folder: Path) -> str | None:
    """Why an external-data location is unsafe to follow, or None when it stays in `folder`.

    Nothing is opened: the check is on the text, then on where symlinks would lead.

    Args:
        location: The location as the model records it.
        folder: The model's folder.

    Returns:
        The problem in a few words, or None.
    """
    if not location:
        return "no location"
    if "\x00" in location:
        return "NUL byte in location"
    if location.startswith(("/", "\\")) or _DRIVE.match(location):
        return "absolute path"
    if ".." in re.split(r"[\\/]", location):
        return "climbs out of the model's folder with .."
    root = os.path.realpath(folder)
    target = os.path.realpath(os.path.join(root, location))
    if os.path.commonpath([root, target]) != root:
        return "resolves outside the model's folder (symlink)"
    return None


def _external(weight: Weight, folder: Path) -> ExternalData:
    entries = dict(weight.external or ())
    location = entries.get("location", "")
    return ExternalData(
        tensor=weight.name or weight.value,
        location=location,
        offset=_int_entry(entries.get("offset")),
        length=_int_entry(entries.get("length")),
        unsafe=location_problem(location, folder),
    )


def _int_entry(text: str | None) -> int | None:
    try:
        return None if text is None else int(text)
    except ValueError:
        return None


def _error(path: Path, reason: str) -> InspectError:
    return InspectError(_CONTROL.sub("?", f"{path}: {reason}"))


def _check_regular(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise _error(path, f"cannot read ({error.strerror})") from None
    if stat.S_ISDIR(mode):
        raise _error(path, "is a directory, not an ONNX file")
    if not stat.S_ISREG(mode):
        raise _error(path, "not a regular file")


def _checked_size(path: Path, status: os.stat_result) -> int:
    size = status.st_size
    if not stat.S_ISREG(status.st_mode):
        raise _error(path, "not a regular file")
    if size == 0:
        raise _error(path, "empty file, not an ONNX model")
    if size > MAX_PROTOBUF_BYTES:
        raise _error(path, f"{size} bytes, over protobuf's 2 GiB limit")
    return size
