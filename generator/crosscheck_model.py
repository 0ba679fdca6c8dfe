"""Card × model checks beyond the file's identity: producer, IR, I/O, precision, metadata_props.

`generator.crosscheck` runs them; each yields findings at the line of the card key it contradicts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from generator.card import Card, spdx_license
from generator.findings import Finding, emit
from generator.inspect import ModelFacts, Port

PRECISION_TAGS: Mapping[str, str] = {
    "fp32": "FP32", "float32": "FP32", "fp16": "FP16", "float16": "FP16", "half": "FP16",
    "bf16": "BF16", "bfloat16": "BF16", "fp64": "FP64", "float64": "FP64", "fp8": "FP8",
    "float8": "FP8", "fp4": "FP4", "fp6": "FP6", "int8": "INT8", "uint8": "INT8", "int4": "INT4",
    "uint4": "INT4", "int2": "INT2", "int16": "INT16", "8-bit": "INT8", "4-bit": "INT4",
}
"""Tags and metadata words that claim a precision, to the family they claim."""

_WORD = re.compile(r"[A-Za-z0-9-]+")


def is_int(value: object) -> bool:
    """Tell an integer from a bool, which YAML and Python both count as one.

    Args:
        value: Any value.

    Returns:
        True for an int that is not a bool.
    """
    return isinstance(value, int) and not isinstance(value, bool)


def check_producer(card: Card, facts: ModelFacts) -> Iterator[Finding]:
    """The card's `onnx.producer` name and version against the ModelProto's."""
    declared = card.onnx.get("producer")
    if not isinstance(declared, Mapping):
        return
    for key, actual in (("name", facts.producer_name), ("version", facts.producer_version)):
        value = declared.get(key)
        if value is not None and str(value) != actual:
            yield emit("ZC204", card.shown, card.line("onnx", "producer", key),
                       f"producer {key} {str(value)!r} in card, {actual!r} in model",
                       f"set it to {actual!r}")


def check_ir_version(card: Card, facts: ModelFacts) -> Iterator[Finding]:
    """The card's `onnx.ir_version` against the ModelProto's."""
    declared = card.onnx.get("ir_version")
    if is_int(declared) and declared != facts.ir_version:
        yield emit("ZC205", card.shown, card.line("onnx", "ir_version"),
                   f"ir_version {declared} in card, {facts.ir_version} in model",
                   f"set it to {facts.ir_version}")


def check_ports(card: Card, facts: ModelFacts) -> Iterator[Finding]:
    """The card's `onnx.inputs` and `onnx.outputs`: names, dtypes and shapes."""
    for key, ports in (("inputs", facts.graph.inputs), ("outputs", facts.graph.outputs)):
        declared = card.onnx.get(key)
        if isinstance(declared, list):
            yield from _ports(card, key, declared, ports)


def _ports(card: Card, key: str, declared: list[Any], ports: Sequence[Port]) -> Iterator[Finding]:
    actual = {port.name: port for port in ports}
    named: set[str] = set()
    for index, item in enumerate(declared):
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            continue  # the schema check reports the type
        named.add(item["name"])
        port = actual.get(item["name"])
        if port is None:
            yield emit("ZC206", card.shown, card.line("onnx", key, index, "name"),
                       f"{key[:-1]} `{item['name']}` in card, not in model",
                       f"the model's {key}: {_names(ports)}")
        else:
            yield from _port(card, (key, index), item, port)
    for name in sorted(set(actual) - named):
        yield emit("ZC206", card.shown, card.line("onnx", key),
                   f"the model has {key[:-1]} `{name}`, the card does not list it",
                   f"add `- {{name: {name}, dtype: {actual[name].dtype}}}`")


def _names(ports: Sequence[Port]) -> str:
    return ", ".join(f"`{p.name}`" for p in ports) or "none"


def _port(
    card: Card, at: tuple[str, int], item: Mapping[str, Any], port: Port
) -> Iterator[Finding]:
    dtype, shape = item.get("dtype"), item.get("shape")
    if isinstance(dtype, str) and dtype.upper() != port.dtype.upper():
        yield emit("ZC207", card.shown, card.line("onnx", *at, "dtype"),
                   f"`{port.name}` is {dtype} in card, {port.dtype} in model",
                   f"set dtype: {port.dtype}")
    if isinstance(shape, list) and port.shape is not None and not _same_shape(shape, port.shape):
        yield emit("ZC208", card.shown, card.line("onnx", *at, "shape"),
                   f"`{port.name}` has shape {_shape_text(shape)} in card, "
                   f"{_shape_text(list(port.shape))} in model",
                   "write null (or a name) for a dimension of any size")


def _same_shape(declared: list[Any], actual: Sequence[int | str]) -> bool:
    if len(declared) != len(actual):
        return False
    return all(_same_dim(d, a) for d, a in zip(declared, actual, strict=True))


def _same_dim(declared: object, actual: int | str) -> bool:
    if is_int(declared) or is_int(actual):
        return declared == actual
    return True  # both dynamic: a symbol, null or unknown


def _shape_text(shape: Sequence[object]) -> str:
    shown = ("?" if d is None or d == "?" else str(d) for d in shape)
    return f"[{', '.join(shown)}]"


def check_precision(card: Card, facts: ModelFacts) -> Iterator[Finding]:
    """Declared precision and precision tags against the detected combination, both ways."""
    detected = set(facts.precision.families)
    combination = facts.precision.combination
    declared = card.onnx.get("precision")
    if isinstance(declared, list):
        for index, family in enumerate(declared):
            if isinstance(family, str) and family.upper() not in detected:
                yield emit("ZC209", card.shown, card.line("onnx", "precision", index),
                           f"precision {family} in card, the model computes in {combination}",
                           f"set precision: [{', '.join(facts.precision.families)}]")
        claimed = {str(f).upper() for f in declared}
        for family in facts.precision.families:
            if family not in claimed:
                yield emit("ZC210", card.shown, card.line("onnx", "precision"),
                           f"the model computes in {family} (detected: {combination}), "
                           "the card does not say so", f"add {family} to `onnx.precision`")
    yield from _precision_tags(card, detected, combination)


def _precision_tags(card: Card, detected: set[str], combination: str) -> Iterator[Finding]:
    tags = card.meta.get("tags")
    for index, tag in enumerate(tags if isinstance(tags, list) else []):
        family = PRECISION_TAGS.get(str(tag).lower())
        if family and family not in detected:
            yield emit("ZC209", card.shown, card.line("tags", index),
                       f"tag `{tag}` claims {family}, the model computes in {combination}",
                       "remove the tag, or fix the model")


def check_metadata_props(card: Card, facts: ModelFacts) -> Iterator[Finding]:
    """The model's metadata_props that restate a card fact (precision, license) must agree."""
    props = {key.lower(): value for key, value in facts.metadata_props.items()}
    yield from _props_precision(card, props.get("precision"))
    for key in ("model_license", "license"):
        yield from _props_license(card, key, props.get(key))


def _props_precision(card: Card, value: str | None) -> Iterator[Finding]:
    declared = card.onnx.get("precision")
    if value is None or not isinstance(declared, list):
        return
    stated = {PRECISION_TAGS.get(w.lower(), w.upper()) for w in _WORD.findall(value)}
    if stated != {str(f).upper() for f in declared}:
        yield emit("ZC211", card.shown, card.line("onnx", "precision"),
                   f"metadata_props precision {value!r} in model, "
                   f"{'/'.join(map(str, declared))} in card",
                   "make the model's metadata and the card agree")


def _props_license(card: Card, key: str, value: str | None) -> Iterator[Finding]:
    declared = card.meta.get("license")
    if value is None or not isinstance(declared, str):
        return
    if (spdx_license(value) or value.lower()) != (spdx_license(declared) or declared.lower()):
        yield emit("ZC211", card.shown, card.line("license"),
                   f"metadata_props {key} {value!r} in model, {declared!r} in card",
                   "make the model's metadata and the card agree")
