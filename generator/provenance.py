"""Provenance inside the model: the `metadata_props` keys, and the reader of what they hold.

This is the runtime contract, defined once: `zoo annotate` writes these keys, `zoo verify`,
`zoo check` and `generator.runtime.open_session` read them, and the site's "Provenance" page
documents them for runtimes in other languages. Nothing here touches the network: the JSON-LD
context must be inline, and pyld's document loader refuses every remote URL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.namespaces import FAIR4ML, PROV, SDO, SPDX_LICENSES, refuse_remote

PROVENANCE_KEY = "zoo.provenance"
"""The metadata_props key of the compact JSON-LD provenance document."""
PRECISION_KEY = "zoo.precision"
"""The metadata_props key of the precision combination, as `zoo inspect` reads it from the graph."""
KEYS: Mapping[str, str] = {
    PROVENANCE_KEY: "A compact JSON-LD document (UTF-8, inline `@context`) about the model: one "
    "`fair4ml:MLModel` node, and its parent's file hash when it is derived from another model.",
    PRECISION_KEY: "The precisions the graph computes in, largest first, joined by `/` "
    "(`FP32`, `FP16/FP32`, `INT8/FP32`).",
}
"""Every key the zoo writes into metadata_props, with what its value holds."""
MAX_VALUE_BYTES = 64 * 1024
"""A provenance value is a few KB; a reader refuses one over this size before parsing it."""

_MODEL_TYPE = str(FAIR4ML.MLModel)


@dataclass(frozen=True, slots=True)
class Provenance:
    """What a model's embedded provenance says about it.

    Attributes:
        identifier: The model's id in its zoo (`schema:identifier`).
        name: Its display name.
        license: Its license: an SPDX id (`Apache-2.0`) or the card's text.
        precision: The precision combination it claims (`zoo:precision`).
        parent: The id of the model it was derived from (`prov:wasDerivedFrom`).
        parent_sha256: The SHA-256 of the parent's model file, when recorded.
    """

    identifier: str
    name: str | None
    license: str | None
    precision: str | None
    parent: str | None
    parent_sha256: str | None


@dataclass(frozen=True, slots=True)
class Claims:
    """What a model's metadata_props claim, or why they cannot be read.

    Attributes:
        provenance: The parsed provenance, None when absent or unreadable.
        precision: The `zoo.precision` value, None when absent.
        problem: Why the provenance could not be read, None when it could (or is absent).
        too_large: True when the problem is the value's size.
    """

    provenance: Provenance | None
    precision: str | None
    problem: str | None = None
    too_large: bool = False

    @property
    def annotated(self) -> bool:
        """True when the provenance key is present, readable or not."""
        return self.provenance is not None or self.problem is not None


def read_claims(metadata_props: Mapping[str, str]) -> Claims:
    """Read the zoo's keys out of a model's metadata_props.

    Args:
        metadata_props: The model's metadata_props, as `inspect_model` reads them.

    Returns:
        The claims; a bad value is a `problem`, never an exception.
    """
    precision = metadata_props.get(PRECISION_KEY)
    text = metadata_props.get(PROVENANCE_KEY)
    if text is None:
        return Claims(None, precision)
    size = len(text.encode("utf-8"))
    if size > MAX_VALUE_BYTES:
        return Claims(None, precision, f"`{PROVENANCE_KEY}` is {size:,} bytes, over the "
                      f"{MAX_VALUE_BYTES:,}-byte limit", too_large=True)
    parsed = parse_provenance(text)
    if isinstance(parsed, str):
        return Claims(None, precision, parsed)
    return Claims(parsed, precision)


def parse_provenance(text: str) -> Provenance | str:
    """Parse a provenance document.

    Args:
        text: The value of `zoo.provenance`.

    Returns:
        The provenance, or why it is not a usable JSON-LD provenance document.
    """
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        return f"`{PROVENANCE_KEY}` is not JSON ({error})"
    if not isinstance(document, dict) or not isinstance(document.get("@context"), dict):
        return f"`{PROVENANCE_KEY}` is not a JSON-LD document with an inline `@context`"
    from pyld import jsonld  # here, not at the top: it costs 0.15 s, and few models need it

    try:
        remote = _remote_context(document)
        nodes = None if remote else jsonld.flatten(document, None,
                                                   {"documentLoader": refuse_remote})
    except Exception as error:  # noqa: BLE001 (pyld raises many kinds on untrusted input)
        return f"`{PROVENANCE_KEY}` is not valid JSON-LD ({_describe(error)})"
    if remote:
        return f"`{PROVENANCE_KEY}` refers to a remote context ({remote[:200]}); it must be inline"
    return _provenance(nodes, _vocab(document))


def _remote_context(value: Any) -> str | None:
    """The first context given by URL (or `@import`) anywhere in a document, or None."""
    if isinstance(value, list):
        return next(filter(None, map(_remote_context, value)), None)
    if not isinstance(value, dict):
        return None
    for key, item in value.items():
        if key in ("@context", "@import") and isinstance(item, str):
            return item
        if key == "@context" and isinstance(item, list):
            found = next((c for c in item if isinstance(c, str)), None)
            if found:
                return found
        found = _remote_context(item)
        if found:
            return found
    return None


def _provenance(nodes: Any, zoo_vocab: str) -> Provenance | str:
    by_id = {n["@id"]: n for n in nodes if isinstance(n, dict) and "@id" in n}
    models = [n for n in by_id.values() if _MODEL_TYPE in n.get("@type", ())]
    if len(models) != 1:
        return f"`{PROVENANCE_KEY}` must describe one fair4ml:MLModel, not {len(models)}"
    model = models[0]
    identifier = _value(model, SDO.identifier)
    if not identifier:
        return f"`{PROVENANCE_KEY}` gives the model no schema:identifier"
    parent = by_id.get(_ref(model, PROV.wasDerivedFrom) or "", {})
    download = by_id.get(_ref(parent, SDO.distribution) or "", {})
    return Provenance(
        identifier=identifier,
        name=_value(model, SDO.name),
        license=_license(model),
        precision=_value(model, f"{zoo_vocab}precision") if zoo_vocab else None,
        parent=_value(parent, SDO.identifier),
        parent_sha256=_value(download, SDO.sha256),
    )


def _vocab(document: Mapping[str, Any]) -> str:
    value = document["@context"].get("zoo")
    return value if isinstance(value, str) else ""


def _objects(node: Mapping[str, Any], predicate: str) -> list[Any]:
    values = node.get(str(predicate), [])
    return values if isinstance(values, list) else []


def _value(node: Mapping[str, Any], predicate: str) -> str | None:
    for item in _objects(node, predicate):
        if isinstance(item, dict) and isinstance(item.get("@value"), str):
            return str(item["@value"])
    return None


def _ref(node: Mapping[str, Any], predicate: str) -> str | None:
    for item in _objects(node, predicate):
        if isinstance(item, dict) and isinstance(item.get("@id"), str):
            return str(item["@id"])
    return None


def _license(node: Mapping[str, Any]) -> str | None:
    iri = _ref(node, SDO.license)
    if iri:
        return iri.removeprefix(SPDX_LICENSES)
    return _value(node, SDO.license)


def _describe(error: BaseException) -> str:
    first = error.args[0] if error.args else None
    return first[:200] if isinstance(first, str) else type(error).__name__
