"""Ancestry: a model's chain of ancestors, from the cards' `base_model` keys, with their scores.

A card names its parent with `base_model` (and how it was made with `base_model_relation` and
`onnx.lineage_step`); its accuracy is in `model-index`. Parents in the same zoo are sibling
folders, so a model page can draw its lineage diagram without the rest of the zoo.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.card import Card, parse_card
from generator.zoo import CARD_NAME, ModelRecord

MAX_STEPS = 8
"""A longer chain is cut at its oldest end."""


@dataclass(frozen=True, slots=True)
class Step:
    """One model of a lineage, oldest first.

    Attributes:
        id: The model's id (its folder), or the `base_model` text when it is not in the zoo.
        name: The display name.
        in_zoo: True when the model has a page in this zoo.
        relation: How it was made from the previous step (`quantized`, ...), "" for the first.
        method: The card's `onnx.lineage_step.method`, "" when not given.
        metric: The metric's name (`accuracy`), "" when no score is given.
        score: The metric's value, or None.
        current: True for the model whose page this is.
    """

    id: str
    name: str
    in_zoo: bool
    relation: str
    method: str
    metric: str
    score: float | None
    current: bool


def ancestry(record: ModelRecord) -> tuple[Step, ...]:
    """The chain from a model's oldest known ancestor down to the model.

    Args:
        record: The model.

    Returns:
        The steps, oldest first; one step when the card names no base model.
    """
    card = record.card
    metric = preferred_metric(card.meta) if card else ""
    steps = [_step(record.id, record.name, card, metric, current=True)]
    seen = {record.id}
    parent = _base_model(card)
    while parent and len(steps) < MAX_STEPS and parent not in seen:
        seen.add(parent)
        parent_card = _sibling_card(record.folder.parent, parent)
        name = (parent_card.name if parent_card else "") or parent
        steps.append(_step(parent, name, parent_card, metric, current=False))
        parent = _base_model(parent_card)
    return tuple(reversed(steps))


def descendants(record: ModelRecord) -> tuple[Step, ...]:
    """The models of the same zoo whose cards name this model as their `base_model`.

    Args:
        record: The model.

    Returns:
        One step per child, by folder name, each scored with this model's preferred metric.
    """
    metric = preferred_metric(record.card.meta) if record.card else ""
    content = record.folder.parent
    names = _folder_names(content, content.stat().st_mtime_ns)
    stamps = tuple(_mtime(f"{content}/{name}/{CARD_NAME}") for name in names)
    steps = []
    for child in _children(content, names, stamps).get(record.id, ()):
        card = _sibling_card(content, child)
        if card is not None and child != record.id:
            steps.append(_step(child, card.name or child, card, metric, current=False))
    return tuple(steps)


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=8)
def _children(
    content: Path, names: tuple[str, ...], stamps: tuple[int, ...]
) -> dict[str, tuple[str, ...]]:
    """Parent id to its children's ids, once per version of the zoo's cards (`stamps`)."""
    index: dict[str, list[str]] = {}
    for name, stamp in zip(names, stamps, strict=True):
        card = _read_card(content / name / CARD_NAME, stamp) if stamp else None
        parent = _base_model(card)
        if parent:
            index.setdefault(parent, []).append(name)
    return {parent: tuple(children) for parent, children in index.items()}


@functools.lru_cache(maxsize=64)
def _folder_names(content: Path, stamp: int) -> tuple[str, ...]:
    """The model folders' names, listed once per version of the folder (`stamp`: its mtime)."""
    return tuple(sorted(entry.name for entry in os.scandir(content) if entry.is_dir()
                        and not entry.name.startswith((".", "_"))))


def _step(model_id: str, name: str, card: Card | None, metric: str, *, current: bool) -> Step:
    meta = card.meta if card else {}
    relation = meta.get("base_model_relation") if _base_model(card) else ""
    step = card.onnx.get("lineage_step") if card else None
    method = step.get("method", "") if isinstance(step, Mapping) else ""
    score = metric_value(meta, metric) if metric else None
    return Step(model_id, name, card is not None, str(relation or ""), str(method or ""),
                metric if score is not None else "", score, current)


def _base_model(card: Card | None) -> str:
    value = card.meta.get("base_model") if card else None
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else ""


def _sibling_card(content: Path, model_id: str) -> Card | None:
    if "/" in model_id or "\\" in model_id or model_id.startswith("."):
        return None
    path = content / model_id / CARD_NAME
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    return _read_card(path, stamp)


@functools.lru_cache(maxsize=4096)
def _read_card(path: Path, stamp: int) -> Card | None:
    """Parse a card once per version of the file (`stamp`, its mtime, is the cache key)."""
    return parse_card(path, str(path)).card


def _metrics(meta: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    index = meta.get("model-index")
    for entry in index if isinstance(index, list) else []:
        results = entry.get("results") if isinstance(entry, Mapping) else None
        for result in results if isinstance(results, list) else []:
            metrics = result.get("metrics") if isinstance(result, Mapping) else None
            found += [m for m in metrics if isinstance(m, Mapping)] if isinstance(
                metrics, list) else []
    return found


def preferred_metric(meta: Mapping[str, Any]) -> str:
    """The metric a lineage's trend follows: accuracy when the card has it, else its first.

    Args:
        meta: The card's front matter.

    Returns:
        The metric's `type`, or "" when the card reports none.
    """
    types = [str(m.get("type")) for m in _metrics(meta) if m.get("type")]
    return "accuracy" if "accuracy" in types else (types[0] if types else "")


def metric_value(meta: Mapping[str, Any], metric: str) -> float | None:
    """The first value a card reports for a metric in `model-index`.

    Args:
        meta: The card's front matter.
        metric: The metric's `type`.

    Returns:
        The value, or None when the card has no number for it.
    """
    for entry in _metrics(meta):
        value = entry.get("value")
        if entry.get("type") == metric and isinstance(value, int | float) \
                and not isinstance(value, bool):
            return float(value)
    return None
