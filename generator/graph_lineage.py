"""Graph lineage: a card's datasets, evaluations and derivation as graph nodes.

- Datasets (`onnx.datasets`, each with a name, role and split) are shared nodes of the zoo graph:
  one `schema:Dataset` per dataset and one per split of it (`schema:isPartOf` the whole), at
  anchors of the report page, so two models trained on the same data point at the same node.
- The derivation (`base_model`, `base_model_relation`, `onnx.lineage_step`) is a PROV-O
  `Activity` on the model's page (`#generation`) that `used` the parent and its datasets and
  `wasAssociatedWith` a `SoftwareAgent` (`#agent`: the tool and its version).
- `model-index` results are FAIR4ML `MLModelEvaluation`s (`#evaluation-1`, ...) whose results
  are `schema:PropertyValue`s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef

from generator.namespaces import FAIR4ML, PROV, SDO
from generator.vocab import term_iri

REPORT_PAGE = "report/"
"""The page whose anchors are the IRIs of the zoo's datasets."""

ROLES = {
    "training": FAIR4ML.trainedOn,
    "evaluation": FAIR4ML.evaluatedOn,
    "validation": FAIR4ML.validatedOn,
    "test": FAIR4ML.testedOn,
}
"""Card dataset roles that FAIR4ML has a property for; other roles (calibration) feed lineage."""

ACTIVITIES = {"quantized": "Quantization", "finetune": "FineTuning"}
"""`base_model_relation` to the activity's class; any other relation is a `Conversion`."""

_SLUG = re.compile(r"[^a-z0-9]+")


def text(value: object) -> str | None:
    """A card value as text, when it is a non-empty string.

    Args:
        value: Any card value.

    Returns:
        The stripped string, or None.
    """
    return value.strip() or None if isinstance(value, str) else None


def slug(name: str) -> str:
    """A name as an anchor: lower case, runs of other characters as one `-`.

    Args:
        name: Any name.

    Returns:
        The anchor.
    """
    return _SLUG.sub("-", name.lower()).strip("-") or "unnamed"


def dataset_iri(site_url: str, name: str, split: str | None = None) -> URIRef:
    """The IRI of a dataset, or of one split of it: an anchor of the report page.

    Args:
        site_url: The site's base URL, ending in `/`.
        name: The dataset's name, as cards write it.
        split: The split, such as `train`.

    Returns:
        The IRI.
    """
    anchor = f"dataset-{slug(name)}" + (f"-{slug(split)}" if split else "")
    return URIRef(f"{site_url}{REPORT_PAGE}#{anchor}")


def add_datasets(
    graph: Graph, subject: URIRef, meta: Mapping[str, Any], site_url: str
) -> dict[str, list[URIRef]]:
    """Add the card's datasets, linked to the model by their role.

    Args:
        graph: The model's graph.
        subject: The model's IRI.
        meta: The card's front matter.
        site_url: The site's base URL, ending in `/`.

    Returns:
        The dataset nodes by role, for the lineage.
    """
    by_role: dict[str, list[URIRef]] = {}
    identifiers = _dataset_identifiers(meta)
    for entry in _onnx(meta).get("datasets") or ():
        name = text(entry.get("name")) if isinstance(entry, Mapping) else None
        if name is None:
            continue
        assert isinstance(entry, Mapping)
        node = _add_dataset(graph, site_url, name, text(entry.get("split")), identifiers)
        role = text(entry.get("role")) or "training"
        by_role.setdefault(role, []).append(node)
        if role in ROLES:
            graph.add((subject, ROLES[role], node))
    return by_role


def _add_dataset(
    graph: Graph, site_url: str, name: str, split: str | None, identifiers: Mapping[str, str]
) -> URIRef:
    whole = dataset_iri(site_url, name)
    graph.add((whole, RDF.type, SDO.Dataset))
    graph.add((whole, SDO.name, Literal(name)))
    if name in identifiers:
        graph.add((whole, SDO.identifier, Literal(identifiers[name])))
    if split is None:
        return whole
    part = dataset_iri(site_url, name, split)
    graph.add((part, RDF.type, SDO.Dataset))
    graph.add((part, SDO.name, Literal(f"{name} ({split} split)")))
    graph.add((part, SDO.isPartOf, whole))
    graph.add((part, term_iri(site_url, "split"), Literal(split)))
    return part


def _dataset_identifiers(meta: Mapping[str, Any]) -> dict[str, str]:
    """Dataset name to its Hub id (`scikit-learn/digits`), from the model-index results."""
    found: dict[str, str] = {}
    for result in _results(meta):
        dataset = result.get("dataset")
        if isinstance(dataset, Mapping) and text(dataset.get("name")) and text(dataset.get("type")):
            found[str(dataset["name"]).strip()] = str(dataset["type"]).strip()
    return found


def add_lineage(
    graph: Graph,
    subject: URIRef,
    meta: Mapping[str, Any],
    parent: URIRef | None,
    datasets: Mapping[str, list[URIRef]],
    site_url: str,
) -> None:
    """Add how the model was made from its parent: PROV-O derivation, activity and agent.

    Args:
        graph: The model's graph.
        subject: The model's IRI.
        meta: The card's front matter.
        parent: The parent model's IRI, when the parent is in the zoo.
        datasets: The model's dataset nodes by role.
        site_url: The site's base URL, ending in `/`.
    """
    step = _onnx(meta).get("lineage_step")
    step = step if isinstance(step, Mapping) else {}
    if parent is None and not step:
        return
    relation = text(meta.get("base_model_relation")) or ""
    activity = URIRef(f"{subject}#generation")
    graph.add((subject, PROV.wasGeneratedBy, activity))
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDF.type, term_iri(site_url, ACTIVITIES.get(relation, "Conversion"))))
    if method := text(step.get("method")):
        graph.add((activity, SDO.description, Literal(method)))
    if parent is not None:
        graph.add((subject, PROV.wasDerivedFrom, parent))
        graph.add((activity, PROV.used, parent))
        if relation == "finetune":
            graph.add((subject, FAIR4ML.fineTunedFrom, parent))
    used = datasets.get("calibration", []) + (datasets.get("training", [])
                                              if relation == "finetune" else [])
    for node in used:
        graph.add((activity, PROV.used, node))
    _add_agent(graph, subject, activity, step)


def _add_agent(graph: Graph, subject: URIRef, activity: URIRef, step: Mapping[str, Any]) -> None:
    tool = text(step.get("tool"))
    if tool is None:
        return
    agent = URIRef(f"{subject}#agent")
    graph.add((activity, PROV.wasAssociatedWith, agent))
    graph.add((agent, RDF.type, PROV.SoftwareAgent))
    graph.add((agent, RDF.type, SDO.SoftwareApplication))
    graph.add((agent, SDO.name, Literal(tool)))
    if version := text(step.get("tool_version")):
        graph.add((agent, SDO.softwareVersion, Literal(version)))


def add_evaluations(graph: Graph, subject: URIRef, meta: Mapping[str, Any], site_url: str) -> None:
    """Add the card's model-index results as FAIR4ML evaluations.

    Args:
        graph: The model's graph.
        subject: The model's IRI.
        meta: The card's front matter.
        site_url: The site's base URL, ending in `/`.
    """
    for number, result in enumerate(_results(meta), start=1):
        evaluation = URIRef(f"{subject}#evaluation-{number}")
        graph.add((subject, FAIR4ML.hasEvaluation, evaluation))
        graph.add((evaluation, RDF.type, FAIR4ML.MLModelEvaluation))
        graph.add((evaluation, FAIR4ML.evaluatedMLModel, subject))
        dataset = result.get("dataset")
        if isinstance(dataset, Mapping) and (name := text(dataset.get("name"))):
            node = _add_dataset(graph, site_url, name, text(dataset.get("split")),
                                _dataset_identifiers(meta))
            graph.add((evaluation, FAIR4ML.evaluationDataset, node))
        for index, metric in enumerate(result.get("metrics") or (), start=1):
            if isinstance(metric, Mapping):
                _add_metric(graph, evaluation, f"{evaluation}-{index}", metric)


def _add_metric(graph: Graph, evaluation: URIRef, iri: str, metric: Mapping[str, Any]) -> None:
    kind, value = text(metric.get("type")), metric.get("value")
    if kind is None or isinstance(value, bool) or not isinstance(value, int | float | str):
        return
    node = URIRef(iri)
    graph.add((evaluation, FAIR4ML.evaluationMetrics, Literal(kind)))
    graph.add((evaluation, FAIR4ML.evaluationResults, node))
    graph.add((node, RDF.type, SDO.PropertyValue))
    graph.add((node, SDO.propertyID, Literal(kind)))
    graph.add((node, SDO.value, Literal(value)))
    if name := text(metric.get("name")):
        graph.add((node, SDO.name, Literal(name)))


def _onnx(meta: Mapping[str, Any]) -> Mapping[str, Any]:
    value = meta.get("onnx")
    return value if isinstance(value, Mapping) else {}


def _results(meta: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every result of every model-index entry, in card order."""
    entries = meta.get("model-index")
    return [result for entry in entries if isinstance(entry, Mapping)
            for result in (entry.get("results") or ()) if isinstance(result, Mapping)
            ] if isinstance(entries, list) else []
