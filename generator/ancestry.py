"""Ancestry: a model's chain of ancestors, from the cards' `base_model` keys, with their scores.

A card names its parent with `base_model` (and how it was made with `base_model_relation` and
`onnx.lineage_step`); its accuracy is in `model-index`. Parents and children are found among the
zoo's records, whose cards are parsed once for the whole build.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.card import Card
from generator.zoo import ModelRecord

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


def ancestry(record: ModelRecord, zoo: Sequence[ModelRecord]) -> tuple[Step, ...]:
    """The chain from a model's oldest known ancestor down to the model.

    Args:
        record: The model.
        zoo: Every model of its zoo, whose cards name the parents.

    Returns:
        The steps, oldest first; one step when the card names no base model.
    """
    cards = {other.id: other.card for other in zoo}
    card = record.card
    metric = preferred_metric(card.meta) if card else ""
    steps = [_step(record.id, record.name, card, metric, current=True)]
    seen = {record.id}
    parent = _base_model(card)
    while parent and len(steps) < MAX_STEPS and parent not in seen:
        seen.add(parent)
        parent_card = cards.get(parent)
        name = (parent_card.name if parent_card else "") or parent
        steps.append(_step(parent, name, parent_card, metric, current=False))
        parent = _base_model(parent_card)
    return tuple(reversed(steps))


def descendants(record: ModelRecord, zoo: Sequence[ModelRecord]) -> tuple[Step, ...]:
    """The models of the same zoo whose cards name this model as their `base_model`.

    Args:
        record: The model.
        zoo: Every model of its zoo.

    Returns:
        One step per child, in the zoo's order, each scored with this model's preferred metric.
    """
    metric = preferred_metric(record.card.meta) if record.card else ""
    return tuple(
        _step(child.id, child.card.name or child.id, child.card, metric, current=False)
        for child in zoo
        if child.card is not None and child.id != record.id
        and _base_model(child.card) == record.id
    )


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
