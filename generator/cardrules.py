"""Card rules: one parsed card in, its format and responsible-AI findings out.

The card format is `card.schema.json`, shipped in the package: the same schema validates cards
here, is published at `card.schema.json` on the site for editors, and writes the "Writing a card"
page. Every finding sits at the line of the offending key, taken from the parse (`Card.line`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from generator.card import Card, spdx_license
from generator.findings import Finding, emit

CardCheck = Callable[[Card], Iterator[Finding]]

SCHEMA_NAME = "card.schema.json"


@functools.cache
def card_schema() -> Mapping[str, Any]:
    """The card's JSON Schema (draft 2020-12), as shipped in the package.

    Returns:
        The schema.
    """
    text = resources.files("generator").joinpath(SCHEMA_NAME).read_text(encoding="utf-8")
    schema: Mapping[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(card_schema())


def check_card(card: Card) -> tuple[Finding, ...]:
    """Check one card's format and responsible-AI fields.

    Args:
        card: The parsed card.

    Returns:
        The findings, each at the line of the key at fault.
    """
    return tuple(finding for check in CARD_CHECKS for finding in check(card))


def dotted(path: tuple[str | int, ...]) -> str:
    """A key path as a card writer reads it: `onnx.inputs[0].dtype`.

    Args:
        path: The key path.

    Returns:
        The text.
    """
    text = ""
    for part in path:
        key = str(part) or '""'
        text += f"[{part}]" if isinstance(part, int) else f".{key}" if text else key
    return text


def check_schema(card: Card) -> Iterator[Finding]:
    """Every value against the schema: types, allowed values, required keys."""
    errors = sorted(_validator().iter_errors(card.meta), key=lambda e: [str(p) for p in e.path])
    for error in errors:
        path = tuple(error.absolute_path)
        where = dotted(path) or "front matter"
        yield emit("ZC106", card.shown, card.line(*path), f"`{where}`: {_message(error)}",
                   _type_hint(error))


def _message(error: ValidationError) -> str:
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{error.instance!r} is not one of {allowed}"
    if error.validator == "type":
        wanted = error.validator_value
        names = " or ".join(wanted) if isinstance(wanted, list) else str(wanted)
        return f"expected {names}, got {_json_type(error.instance)}"
    return str(error.message)


def _json_type(value: object) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
             dict: "object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _type_hint(error: ValidationError) -> str | None:
    description = error.schema.get("description") if isinstance(error.schema, Mapping) else None
    return str(description) if description else "see the \"Writing a card\" page"


def check_unknown_keys(card: Card) -> Iterator[Finding]:
    """Top-level keys that neither Hugging Face nor the zoo define: kept, but likely typos."""
    known = card_schema()["properties"]
    for key in card.meta:
        if str(key) not in known:
            yield emit("ZC107", card.shown, card.line(str(key)), f"unknown key `{key}`",
                       "zoo keys go under `onnx:`; check the spelling of Hugging Face keys")


def check_license(card: Card) -> Iterator[Finding]:
    """`license` is present and an SPDX id, or `other` with a `license_name`."""
    value = card.meta.get("license")
    if value is None:
        yield emit("ZC109", card.shown, 1, "no `license`",
                   "add `license:` with an SPDX id, such as apache-2.0 or mit")
    elif not isinstance(value, str):
        return  # the schema check reports the type
    elif value.strip().lower() == "other":
        if not card.meta.get("license_name"):
            yield emit("ZC108", card.shown, card.line("license"),
                       "`license: other` without `license_name`",
                       "add `license_name:` and `license_link:` for the custom license")
    elif spdx_license(value) is None:
        yield emit("ZC108", card.shown, card.line("license"),
                   f"`license: {value}` is not an SPDX license id",
                   "use an SPDX id (apache-2.0, mit, cc-by-4.0), or `other` with `license_name`")


RAI_FIELDS: Mapping[str, tuple[str, str]] = {
    "intended_use": ("ZC400", "what the model is for, and `out_of_scope_use`"),
    "limitations": ("ZC401", "known limitations, biases and risks"),
    "privacy": ("ZC402", "{personal_data: false, consent_required: false, notes: ...}"),
}
"""The responsible-AI fields every card states, with their rule and what to write."""


def check_responsible_ai(card: Card) -> Iterator[Finding]:
    """The responsible-AI fields of the card: intended use, limitations, privacy."""
    for key, (code, what) in RAI_FIELDS.items():
        if _blank(card.onnx.get(key)):
            yield emit(code, card.shown, card.line("onnx"), f"no `onnx.{key}`",
                       f"add `{key}:` under `onnx:`: {what}")


def _blank(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, Mapping | list) and not value)


CARD_CHECKS: tuple[CardCheck, ...] = (
    check_schema, check_unknown_keys, check_license, check_responsible_ai,
)
"""Every check of a card on its own, in the order their findings are reported."""
