"""The "Writing a card" page, generated from the card's JSON Schema, so the two never disagree."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from generator.cardrules import SCHEMA_NAME, card_schema

if TYPE_CHECKING:  # generator.site lists this module's page
    from generator.site import Publication

SCHEMA_URI = SCHEMA_NAME
"""Where the site publishes the schema, relative to its base URL."""

_EXAMPLE = """\
---
# yaml-language-server: $schema={schema}
license: apache-2.0
pipeline_tag: image-classification
tags: [onnx, int8]
base_model: digits-mlp-fp32
base_model_relation: quantized
onnx:
  file: model.onnx
  sha256: 1f0c...            # `zoo new` fills in what the model file says
  opset: {{"": 17, ai.onnx.ml: 3}}
  precision: [INT8, FP32]
  inputs: [{{name: pixels, dtype: FLOAT, shape: [null, 64]}}]
  intended_use: ...
  limitations: ...
  privacy: {{personal_data: false, consent_required: false, notes: ...}}
---
# Digits MLP (INT8)

The first paragraph is the description when `onnx.description` is not given.
"""


def card_markdown(publication: Publication) -> str:
    """The "Writing a card" page: every key of the card format, from `card.schema.json`.

    Args:
        publication: The build's publication (only its site URL: the format is the same for
            every zoo).

    Returns:
        Markdown.
    """
    schema = card_schema()
    defs = schema["$defs"]
    schema_url = f"{publication.site_url}{SCHEMA_URI}"
    return "\n".join([
        "# Writing a card",
        "",
        "A card is `content/<id>/README.md`: YAML front matter, then Markdown, laid out like a "
        "Hugging Face model repo. Hugging Face keys keep their meaning; the zoo's own keys live "
        "under `onnx:`. Unknown keys are kept. `zoo new ID --model PATH` writes a card from a "
        "model file, and `zoo check` checks every card (see [Rules](rules.md)).",
        "",
        f"The format is a JSON Schema, [`{SCHEMA_URI}`]({schema_url}). With the first line "
        "below, editors that speak the YAML language server complete and check keys as you type.",
        "",
        "```yaml",
        _EXAMPLE.format(schema=schema_url).rstrip("\n"),
        "```",
        "",
        "## Top-level keys",
        "",
        *_table(schema["properties"]),
        "",
        "## `onnx:` keys",
        "",
        *_table(defs["onnx"]["properties"]),
        "",
        "## An input or output (`onnx.inputs`, `onnx.outputs`)",
        "",
        *_table(defs["port"]["properties"]),
        "",
        "## A dataset (`onnx.datasets`)",
        "",
        *_table(defs["onnx"]["properties"]["datasets"]["items"]["properties"]),
        "",
    ])


def _table(properties: Mapping[str, Any]) -> Iterator[str]:
    yield "| Key | Type | Meaning |"
    yield "| --- | --- | --- |"
    for key, spec in properties.items():
        description = str(spec.get("description", "")).replace("|", "\\|")
        yield f"| `{key}` | {type_text(spec)} | {description} |"


def type_text(spec: Mapping[str, Any]) -> str:
    """A schema's type as a card writer reads it: `string or list of string`, `one of: a, b`.

    Args:
        spec: One property's schema.

    Returns:
        The text.
    """
    if "enum" in spec:
        return "one of: " + ", ".join(f"`{v}`" for v in spec["enum"])
    if "$ref" in spec:
        return "mapping (below)"
    kinds = spec.get("type", "any")
    names = [_kind(k, spec) for k in (kinds if isinstance(kinds, list) else [kinds])]
    return " or ".join(names)


def _kind(kind: str, spec: Mapping[str, Any]) -> str:
    if kind == "array" and isinstance(spec.get("items"), Mapping):
        items = spec["items"]
        inner = type_text(items) if "$ref" not in items else "mappings"
        return f"list of {inner}"
    return {"object": "mapping", "array": "list"}.get(kind, kind)
