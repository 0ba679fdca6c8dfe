"""Crosscheck: a card and the facts of its model in, findings out."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from generator.card import Card
from generator.crosscheck_model import (
    check_ir_version,
    check_metadata_props,
    check_ports,
    check_precision,
    check_producer,
    is_int,
)
from generator.findings import Finding, emit
from generator.inspect import ModelFacts

Check = Callable[[Card, ModelFacts], Iterator[Finding]]


def crosscheck(card: Card, facts: ModelFacts) -> tuple[Finding, ...]:
    """Compare what a card declares with what its model file holds.

    Args:
        card: The parsed card.
        facts: The inspected model.

    Returns:
        One finding per contradiction, each at the line of the card key that states it.
    """
    return tuple(finding for check in CHECKS for finding in check(card, facts))


def _domain(name: str) -> str:
    return "" if name in ("", "ai.onnx") else name


def _shown_domain(name: str) -> str:
    return name or "ai.onnx"


def check_opset(card: Card, facts: ModelFacts) -> Iterator[Finding]:
    """The card's `onnx.opset`, domain by domain, against the model's opset_import."""
    declared = card.onnx.get("opset")
    if declared is None:
        return
    if isinstance(declared, int) and not isinstance(declared, bool):
        declared = {"": declared}
    if not _is_opset_mapping(declared):
        return  # the schema check reports the type
    actual = facts.opsets
    for key, version in declared.items():
        domain = _domain(str(key))
        line = card.line("onnx", "opset", key)
        if domain not in actual:
            yield emit("ZC201", card.shown, line,
                       f"opset {_shown_domain(domain)} {version} in card, "
                       "not imported by the model",
                       f"the model imports {_opsets_text(actual)}")
        elif actual[domain] != version:
            yield emit("ZC201", card.shown, line,
                       f"opset {_shown_domain(domain)} {version} in card, "
                       f"{actual[domain]} in model",
                       f"set it to {actual[domain]}, or re-export the model")
    missing = set(actual) - {_domain(str(k)) for k in declared}
    for domain in sorted(missing):
        yield emit("ZC201", card.shown, card.line("onnx", "opset"),
                   f"the model imports opset {_shown_domain(domain)} {actual[domain]}, "
                   "the card does not say so", f"add `{domain or chr(34) * 2}: {actual[domain]}`")


def _is_opset_mapping(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value.values()
    )


def _opsets_text(opsets: Mapping[str, int]) -> str:
    return ", ".join(f"{_shown_domain(d)} {v}" for d, v in sorted(opsets.items()))


def check_model_version(card: Card, facts: ModelFacts) -> Iterator[Finding]:
    """The card's `onnx.model_version` against the ModelProto's."""
    declared = card.onnx.get("model_version")
    if declared is None:
        return
    line = card.line("onnx", "model_version")
    if not is_int(declared):
        return  # the schema check reports the type
    if declared != facts.model_version:
        yield emit("ZC202", card.shown, line,
                   f"model_version {declared} in card, {facts.model_version} in model",
                   f"set it to {facts.model_version}")


def check_sha256(card: Card, facts: ModelFacts) -> Iterator[Finding]:
    """The card's `onnx.sha256` against the file's hash."""
    declared = card.onnx.get("sha256")
    if declared is None:
        return
    if str(declared).lower() != facts.sha256:
        yield emit("ZC203", card.shown, card.line("onnx", "sha256"),
                   f"sha256 {str(declared)[:12]}… in card, {facts.sha256[:12]}… in the file",
                   f"if the new file is intended, set sha256: {facts.sha256}")


CHECKS: tuple[Check, ...] = (
    check_sha256, check_opset, check_model_version, check_ir_version, check_producer,
    check_ports, check_precision, check_metadata_props,
)
"""Every card × model check, in the order their findings are reported."""
