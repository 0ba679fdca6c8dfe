"""Zoo-wide checks: every record in, findings about how the models relate out.

Ids must be unique, `base_model` links form a lineage without cycles, and a quantized or converted
child keeps its parent's interface and, within a threshold, its accuracy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.card import Card
from generator.findings import Finding, emit
from generator.inspect import Port

if TYPE_CHECKING:  # generator.zoo calls this module
    from generator.zoo import ModelRecord

SAME_INTERFACE = frozenset({"quantized", "converted"})
"""The `base_model_relation`s that must keep the parent's inputs and outputs."""

LOWER_IS_BETTER = frozenset({"loss", "wer", "cer", "perplexity", "mae", "mse", "rmse", "ter"})
"""Metric types for which a rise, not a fall, is a loss of accuracy."""


@dataclass(frozen=True, slots=True)
class ZooOptions:
    """Zoo-wide settings.

    Attributes:
        accuracy_drop: The largest fall of a metric from parent to child that passes, in the
            metric's own unit (0.01 is one point of accuracy).
    """

    accuracy_drop: float = 0.01


def check_zoo(records: Sequence[ModelRecord], options: ZooOptions) -> tuple[Finding, ...]:
    """Check how the models of a zoo relate to each other.

    Args:
        records: Every model of the zoo.
        options: The zoo-wide settings.

    Returns:
        The findings, each at the card line of the key at fault.
    """
    return (*duplicate_ids(records), *unknown_parents(records), *lineage_cycles(records),
            *interface_changes(records), *accuracy_drops(records, options))


def parents(card: Card | None) -> tuple[tuple[int, str], ...]:
    """A card's `base_model` ids, with the line of each.

    Args:
        card: The card, if it could be read.

    Returns:
        Line and id of every parent named.
    """
    value = card.meta.get("base_model") if card else None
    if card is None or value is None:
        return ()
    if isinstance(value, str):
        return ((card.line("base_model"), value),)
    if isinstance(value, list):
        return tuple((card.line("base_model", i), v) for i, v in enumerate(value)
                     if isinstance(v, str))
    return ()


def _folder(record: ModelRecord) -> str:
    from generator.zoo import shown  # generator.zoo calls this module

    return shown(record.folder)


def _where(record: ModelRecord) -> str:
    return record.card.shown if record.card else _folder(record)


def duplicate_ids(records: Sequence[ModelRecord]) -> Iterator[Finding]:
    """Ids that differ only in case clash on case-insensitive file systems and in URLs."""
    first: dict[str, str] = {}
    for record in records:
        key = record.id.casefold()
        if key in first:
            yield emit("ZC300", _folder(record), 1,
                       f"id `{record.id}` clashes with `{first[key]}`",
                       "ids must differ in more than letter case: rename one folder")
        first.setdefault(key, record.id)


def unknown_parents(records: Sequence[ModelRecord]) -> Iterator[Finding]:
    """A `base_model` that is not in the zoo may be a Hub id: said, not failed."""
    ids = {record.id for record in records}
    for record in records:
        for line, parent in parents(record.card):
            if parent not in ids:
                yield emit("ZC301", _where(record), line,
                           f"base_model `{parent}` is not a model of this zoo",
                           "fine for a Hub id; otherwise fix the name")


def lineage_cycles(records: Sequence[ModelRecord]) -> Iterator[Finding]:
    """A model that descends from itself: each cycle reported once, at its first member."""
    graph = {r.id: [p for _, p in parents(r.card)] for r in records}
    by_id = {r.id: r for r in records}
    reported: set[frozenset[str]] = set()
    for start in sorted(graph):
        cycle = _cycle_from(start, graph)
        if cycle and frozenset(cycle) not in reported and start == min(cycle):
            reported.add(frozenset(cycle))
            record = by_id[start]
            line = next((n for n, p in parents(record.card) if p == cycle[1 % len(cycle)]), 1)
            yield emit("ZC302", _where(record), line,
                       f"lineage cycle: {' → '.join([*cycle, start])}",
                       "a model cannot descend from itself: fix one `base_model`")


def _cycle_from(start: str, graph: Mapping[str, list[str]]) -> list[str] | None:
    """The shortest path start → … → start, by breadth-first search."""
    paths: list[list[str]] = [[start]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for parent in graph.get(path[-1], []):
            if parent == start:
                return path
            if parent in graph and parent not in seen:
                seen.add(parent)
                paths.append([*path, parent])
    return None


def _relation(card: Card | None) -> str | None:
    value = card.meta.get("base_model_relation") if card else None
    return value if isinstance(value, str) else None


def interface_changes(records: Sequence[ModelRecord]) -> Iterator[Finding]:
    """A quantized or converted child must be a drop-in replacement for its parent."""
    by_id = {r.id: r for r in records}
    for record in records:
        if _relation(record.card) not in SAME_INTERFACE or record.facts is None:
            continue
        for line, parent_id in parents(record.card):
            parent = by_id.get(parent_id)
            if parent is None or parent.facts is None or parent_id == record.id:
                continue
            for kind in ("inputs", "outputs"):
                mine = getattr(record.facts.graph, kind)
                theirs = getattr(parent.facts.graph, kind)
                if mine != theirs:
                    yield emit("ZC303", _where(record), line,
                               f"{kind} {_ports(mine)} differ from {parent_id}'s {_ports(theirs)}",
                               f"a {_relation(record.card)} model keeps its parent's {kind}")


def _ports(ports: Sequence[Port]) -> str:
    def dims(port: Port) -> str:
        return "" if port.shape is None else "[" + ", ".join(map(str, port.shape)) + "]"

    return ", ".join(f"{p.name} {p.dtype}{dims(p)}" for p in ports) or "none"


def accuracy_drops(records: Sequence[ModelRecord], options: ZooOptions) -> Iterator[Finding]:
    """A child whose metric on a dataset falls more than `accuracy_drop` below its parent's."""
    by_id = {r.id: r for r in records}
    for record in records:
        if record.card is None:
            continue
        parent_scores = {}
        for _, parent_id in parents(record.card):
            parent = by_id.get(parent_id)
            if parent and parent.card and parent_id != record.id:
                parent_scores.update({k: (parent_id, v) for k, v in scores(parent.card).items()})
        for key, (value, line) in scores(record.card).items():
            if key in parent_scores:
                yield from _drop(record, key, value, line, parent_scores[key], options)


def _drop(record: ModelRecord, key: tuple[str, str, str], value: float, line: int,
          parent: tuple[str, tuple[float, int]], options: ZooOptions) -> Iterator[Finding]:
    parent_id, (before, _) = parent
    metric, dataset, split = key
    drop = value - before if metric.lower() in LOWER_IS_BETTER else before - value
    if drop > options.accuracy_drop:
        yield emit("ZC304", _where(record), line,
                   f"{metric} on {dataset} ({split}) is {value:g}, {drop:.4g} worse than "
                   f"{parent_id}'s {before:g}",
                   f"the zoo allows {options.accuracy_drop:g} (option `accuracy_drop`); "
                   "say why in the card, or improve the model")


def scores(card: Card) -> dict[tuple[str, str, str], tuple[float, int]]:
    """Every numeric metric of a card's `model-index`, by (metric, dataset, split).

    Args:
        card: The card.

    Returns:
        The value and the line of each metric.
    """
    found: dict[tuple[str, str, str], tuple[float, int]] = {}
    for e, entry in _items(card.meta.get("model-index")):
        for r, result in _items(entry.get("results")):
            dataset = result.get("dataset") if isinstance(result.get("dataset"), Mapping) else {}
            assert isinstance(dataset, Mapping)
            where = (str(dataset.get("type") or dataset.get("name")), str(dataset.get("split")))
            for m, metric in _items(result.get("metrics")):
                value = metric.get("value")
                if isinstance(value, int | float) and not isinstance(value, bool):
                    line = card.line("model-index", e, "results", r, "metrics", m, "value")
                    found[(str(metric.get("type")), *where)] = (float(value), line)
    return found


def _items(value: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for index, item in enumerate(value if isinstance(value, list) else []):
        if isinstance(item, Mapping):
            yield index, item
