"""Scaffold: a model file in, a new model folder out, with a card pre-filled from its facts.

What the file says (sha256, opset, producer, precision, inputs and outputs) is written in; what
only a person knows (license, intended use, limitations, privacy) is left as TODO prompts, which
`zoo check` reports as warnings until they are filled in.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from generator.findings import ZooError
from generator.inspect import InspectError, ModelFacts, Port, inspect_model
from generator.zoo import CARD_NAME, valid_id

MODEL_NAME = "model.onnx"


def scaffold(content: Path, model_id: str, model: Path) -> Path:
    """Create `content/<model_id>/` with a copy of the model and a pre-filled card.

    Args:
        content: The content folder.
        model_id: The new model's id (its folder name).
        model: The .onnx file to copy in.

    Returns:
        The new card's path.

    Raises:
        ZooError: When the id is unusable, the folder exists, or the model cannot be read.
    """
    if not valid_id(model_id):
        raise ZooError(f"`{model_id}` is not a usable id: letters, digits, `.`, `_` and `-`")
    folder = content / model_id
    if folder.exists():
        raise ZooError(f"{folder} already exists")
    try:
        facts = inspect_model(model)
    except InspectError as error:
        raise ZooError(str(error)) from None
    folder.mkdir(parents=True)
    shutil.copyfile(model, folder / MODEL_NAME)
    card = folder / CARD_NAME
    card.write_text(card_text(model_id, facts), encoding="utf-8")
    return card


def card_text(model_id: str, facts: ModelFacts) -> str:
    """A card for a model, with its facts filled in and TODO prompts for the rest.

    Args:
        model_id: The model's id.
        facts: The model's facts.

    Returns:
        The card's text.
    """
    families = facts.precision.families
    return "\n".join([
        "---",
        "license: TODO  # an SPDX id, such as apache-2.0 or mit",
        "# pipeline_tag: TODO  # the task, such as image-classification",
        f"tags: [{', '.join(['onnx', *(f.lower() for f in families)])}]",
        "library_name: onnx",
        "onnx:",
        f"  file: {MODEL_NAME}",
        f"  sha256: {_q(facts.sha256)}",
        f"  model_version: {facts.model_version}",
        f"  ir_version: {facts.ir_version}",
        f"  opset: {json.dumps(dict(sorted(facts.opsets.items())))}",
        f"  producer: {{name: {_q(facts.producer_name)}, version: {_q(facts.producer_version)}}}",
        f"  precision: [{', '.join(families)}]",
        *_ports("inputs", facts.graph.inputs),
        *_ports("outputs", facts.graph.outputs),
        "  # architecture: {family: TODO, name: TODO}",
        '  # intended_use: "TODO: what the model is for, and who should use it"',
        '  # out_of_scope_use: "TODO: what it must not be used for"',
        '  # limitations: "TODO: known limitations, biases and risks"',
        '  # privacy: {personal_data: TODO, consent_required: TODO, notes: "TODO"}',
        "---",
        "",
        f"# {model_id}",
        "",
        "TODO: one paragraph that says what the model does; it is the model's description.",
        "",
        "## Intended use",
        "",
        "TODO",
        "",
        "## Limitations",
        "",
        "TODO",
        "",
        "## Privacy",
        "",
        "TODO",
        "",
    ])


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _ports(key: str, ports: tuple[Port, ...]) -> list[str]:
    if not ports:
        return [f"  {key}: []"]
    return [f"  {key}:", *(f"  - {{name: {_q(p.name)}, dtype: {_q(p.dtype)}, shape: "
                           f"{_shape(p.shape)}, description: \"TODO\"}}" for p in ports)]


def _shape(shape: tuple[int | str, ...] | None) -> str:
    if shape is None:
        return "null"
    return "[" + ", ".join("null" if d == "?" else _q(d) if isinstance(d, str) else str(d)
                           for d in shape) + "]"
