"""Facets: the derived values the zoo index filters on, from a card's Hugging Face keys.

The index's facets come from `models.json`; the values that a card does not state directly
(modality, dataset names, the default-domain opset) are derived here, once, at build time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_MULTIMODAL = frozenset({
    "image-to-text", "text-to-image", "visual-question-answering", "document-question-answering",
    "image-text-to-text", "any-to-any", "zero-shot-image-classification", "text-to-video",
    "video-text-to-text", "visual-document-retrieval",
})
_VISION_WORDS = ("image", "video", "object", "depth", "mask", "keypoint")
_AUDIO_WORDS = ("audio", "speech", "voice")


def modality(task: object) -> str:
    """The kind of data a Hugging Face pipeline tag works on.

    Args:
        task: The card's `pipeline_tag`.

    Returns:
        `vision`, `text`, `audio`, `tabular`, `multimodal`, or `unknown` when no tag is given.
    """
    if not isinstance(task, str) or not task:
        return "unknown"
    if task in _MULTIMODAL:
        return "multimodal"
    if task.startswith(("tabular-", "time-series")):
        return "tabular"
    if any(word in task for word in _AUDIO_WORDS):
        return "audio"
    if any(word in task for word in _VISION_WORDS):
        return "vision"
    return "text"


def dataset_names(meta: Mapping[str, Any]) -> list[str]:
    """The data sets a card names: the Hugging Face `datasets` list and `onnx.datasets` names.

    Args:
        meta: The card's front matter.

    Returns:
        The names, each once, in the card's order.
    """
    names: list[str] = []
    listed = meta.get("datasets")
    onnx = meta.get("onnx")
    described = onnx.get("datasets") if isinstance(onnx, Mapping) else None
    for item in (listed if isinstance(listed, list) else []):
        names.append(str(item))
    for item in (described if isinstance(described, list) else []):
        if isinstance(item, Mapping) and item.get("name"):
            names.append(str(item["name"]))
    return list(dict.fromkeys(names))


def default_opset(opsets: Mapping[str, int]) -> int | None:
    """The version of the default (`ai.onnx`) domain, the one the opset facet ranges over.

    Args:
        opsets: Domain to version.

    Returns:
        The version, or None when the model imports no default domain.
    """
    return opsets.get("") if "" in opsets else opsets.get("ai.onnx")
