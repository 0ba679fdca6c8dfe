"""Graph: zoo records in, an rdflib graph out; the single source of every JSON-LD and Turtle output.

A model is a schema.org `Dataset` (so that dataset search engines index model files) and a FAIR4ML
`MLModel`; its file is a `DataDownload`; its datasets, evaluations and lineage are nodes of their
own (`generator.graph_lineage`); what none of these vocabularies has is in the project vocabulary
(`generator.vocab`). Every node a model owns has an IRI on the model's page (`#generation`,
`#opset-ai.onnx`, ...), so the graph has no blank nodes and each page's triples are exactly that
model's triples in the zoo graph.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef

from generator.card import spdx_license
from generator.graph_lineage import add_datasets, add_evaluations, add_lineage, text
from generator.inspect import ModelFacts
from generator.namespaces import FAIR4ML, SDO, SPDX_LICENSES, context
from generator.vocab import term_iri
from generator.zoo import ModelRecord

ONNX_MEDIA_TYPE = "application/onnx"
HUB = "https://huggingface.co/"
"""Where a `base_model` outside the zoo lives: Hugging Face card keys keep their Hub meaning."""
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*")
GRAPH_FILES = {"zoo.jsonld": "application/ld+json", "zoo.ttl": "text/turtle"}
"""The zoo graph's files, at the site's root, with their media types."""


def model_iri(site_url: str, model_id: str) -> URIRef:
    """The IRI of a model: its page's URL.

    Args:
        site_url: The site's base URL, ending in `/`.
        model_id: The model's id.

    Returns:
        The IRI.
    """
    return URIRef(f"{site_url}models/{model_id}/")


def parent_iri(base_model: object, site_url: str, known_ids: Iterable[str]) -> URIRef | None:
    """The IRI of a card's `base_model`: its page when it is in the zoo, else its Hub page.

    Args:
        base_model: The card's `base_model` value.
        site_url: The site's base URL, ending in `/`.
        known_ids: The ids of the zoo.

    Returns:
        The IRI, or None when there is no base model or it is not a Hub id (`org/name`).
    """
    if not isinstance(base_model, str):
        return None
    if base_model in set(known_ids):
        return model_iri(site_url, base_model)
    return URIRef(HUB + base_model) if _HUB_ID.fullmatch(base_model) else None


def new_graph(site_url: str) -> Graph:
    """An empty graph with the zoo's prefixes bound.

    Args:
        site_url: The site's base URL, ending in `/`.

    Returns:
        The graph.
    """
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in context(site_url).items():
        if not prefix.startswith("@"):
            graph.bind(prefix, namespace)
    return graph


def model_graph(record: ModelRecord, site_url: str, known_ids: Iterable[str] = ()) -> Graph:
    """The triples that describe one model.

    Args:
        record: The model.
        site_url: The site's base URL, ending in `/`.
        known_ids: The ids of the zoo, to link lineage to models that are in it.

    Returns:
        A graph about the model.
    """
    graph = new_graph(site_url)
    subject = model_iri(site_url, record.id)
    meta = record.card.meta if record.card else {}
    _add_identity(graph, subject, record)
    _add_license(graph, subject, meta)
    _add_card_statements(graph, subject, meta, site_url)
    _add_catalog(graph, subject, site_url)
    parent = parent_iri(meta.get("base_model"), site_url, known_ids)
    datasets = add_datasets(graph, subject, meta, site_url)
    add_lineage(graph, subject, meta, parent, datasets, site_url)
    add_evaluations(graph, subject, meta, site_url)
    if record.facts and record.model_path:
        _add_facts(graph, subject, record.facts, site_url)
        _add_download(graph, subject, record.facts, record.model_path.name)
    elif record.card and record.card.onnx.get("model_version") is not None:
        graph.add((subject, SDO.version, Literal(str(record.card.onnx["model_version"]))))
    return graph


def _add_identity(graph: Graph, subject: URIRef, record: ModelRecord) -> None:
    graph.add((subject, RDF.type, SDO.Dataset))
    graph.add((subject, RDF.type, FAIR4ML.MLModel))
    graph.add((subject, SDO.identifier, Literal(record.id)))
    graph.add((subject, SDO.name, Literal(record.name)))
    graph.add((subject, SDO.url, subject))
    if record.card and record.card.description:
        graph.add((subject, SDO.description, Literal(record.card.description)))


def _add_license(graph: Graph, subject: URIRef, meta: Mapping[str, Any]) -> None:
    spdx = spdx_license(meta.get("license"))
    link = meta.get("license_link")
    if spdx and " " not in spdx:
        graph.add((subject, SDO.license, URIRef(SPDX_LICENSES + spdx)))
    elif isinstance(link, str) and link.startswith(("https://", "http://")):
        graph.add((subject, SDO.license, URIRef(link)))
    elif spdx or isinstance(meta.get("license"), str):
        graph.add((subject, SDO.license, Literal(spdx or meta["license"])))


_CARD_TEXTS = {
    "intended_use": FAIR4ML.intendedUse,
    "limitations": FAIR4ML.modelRisksBiasLimitations,
    "ethical_considerations": FAIR4ML.ethicalSocial,
}


def _add_card_statements(
    graph: Graph, subject: URIRef, meta: Mapping[str, Any], site_url: str
) -> None:
    """Task, tags, intended use, limitations, ethics, privacy and architecture."""
    onnx = meta.get("onnx") if isinstance(meta.get("onnx"), Mapping) else {}
    assert isinstance(onnx, Mapping)
    if task := text(meta.get("pipeline_tag")):
        graph.add((subject, FAIR4ML.mlTask, Literal(task)))
    tags = meta.get("tags")
    for tag in tags if isinstance(tags, list) else ():
        graph.add((subject, SDO.keywords, Literal(str(tag))))
    for key, predicate in _CARD_TEXTS.items():
        if value := text(onnx.get(key)):
            graph.add((subject, predicate, Literal(value)))
    if value := text(onnx.get("out_of_scope_use")):
        graph.add((subject, term_iri(site_url, "outOfScopeUse"), Literal(value)))
    _add_privacy(graph, subject, onnx.get("privacy"), site_url)
    architecture = onnx.get("architecture")
    if isinstance(architecture, Mapping):
        if family := text(architecture.get("family")):
            graph.add((subject, FAIR4ML.modelCategory, Literal(family)))
        if name := text(architecture.get("name")):
            graph.add((subject, term_iri(site_url, "architecture"), Literal(name)))


def _add_privacy(graph: Graph, subject: URIRef, privacy: object, site_url: str) -> None:
    if not isinstance(privacy, Mapping):
        return
    for key, term in (("personal_data", "personalData"), ("consent_required", "consentRequired")):
        if isinstance(privacy.get(key), bool):
            graph.add((subject, term_iri(site_url, term), Literal(privacy[key])))
    if notes := text(privacy.get("notes")):
        graph.add((subject, term_iri(site_url, "privacyNotes"), Literal(notes)))


def _add_catalog(graph: Graph, subject: URIRef, site_url: str) -> None:
    """The zoo as a `DataCatalog` that includes the model and offers the zoo graph's files."""
    catalog = URIRef(site_url)
    graph.add((subject, SDO.includedInDataCatalog, catalog))
    graph.add((catalog, RDF.type, SDO.DataCatalog))
    graph.add((catalog, SDO.url, catalog))
    for name, media_type in GRAPH_FILES.items():
        download = URIRef(f"{site_url}{name}")
        graph.add((catalog, SDO.distribution, download))
        graph.add((download, RDF.type, SDO.DataDownload))
        graph.add((download, SDO.contentUrl, download))
        graph.add((download, SDO.encodingFormat, Literal(media_type)))


def _add_facts(graph: Graph, subject: URIRef, facts: ModelFacts, site_url: str) -> None:
    """What the model file says: version, precision profile, quantization, opsets, IR version."""
    def zoo(name: str) -> URIRef:
        return term_iri(site_url, name)

    precision = facts.precision
    graph.add((subject, SDO.version, Literal(str(facts.model_version))))
    graph.add((subject, zoo("precision"), Literal(precision.combination)))
    for family in precision.families:
        graph.add((subject, zoo("precisionFamily"), Literal(family)))
    graph.add((subject, zoo("quantizationScheme"), Literal(precision.quantization.scheme)))
    graph.add((subject, zoo("irVersion"), Literal(facts.ir_version)))
    for dtype, stats in precision.tensors.items():
        node = URIRef(f"{subject}#tensors-{dtype}")
        graph.add((subject, zoo("tensorProfile"), node))
        graph.add((node, RDF.type, zoo("TensorProfile")))
        graph.add((node, zoo("dtype"), Literal(dtype)))
        graph.add((node, zoo("tensorCount"), Literal(stats.count)))
        graph.add((node, zoo("elementCount"), Literal(stats.elements)))
        graph.add((node, zoo("byteCount"), Literal(stats.bytes)))
    for opset in facts.opset_import:
        domain = opset.domain or "ai.onnx"
        node = URIRef(f"{subject}#opset-{domain}")
        graph.add((subject, zoo("opset"), node))
        graph.add((node, RDF.type, zoo("OpsetImport")))
        graph.add((node, zoo("opsetDomain"), Literal(domain)))
        graph.add((node, zoo("opsetVersion"), Literal(opset.version)))


def _add_download(graph: Graph, subject: URIRef, facts: ModelFacts, file_name: str) -> None:
    download = URIRef(f"{subject}{file_name}")
    graph.add((subject, SDO.distribution, download))
    graph.add((download, RDF.type, SDO.DataDownload))
    graph.add((download, SDO.contentUrl, download))
    graph.add((download, SDO.contentSize, Literal(f"{facts.size_bytes} B")))
    graph.add((download, SDO.encodingFormat, Literal(ONNX_MEDIA_TYPE)))
    graph.add((download, SDO.sha256, Literal(facts.sha256)))


def model_graphs(records: Iterable[ModelRecord], site_url: str) -> dict[str, Graph]:
    """Every model's graph, by model id, with lineage linked within the zoo.

    Args:
        records: The zoo's models.
        site_url: The site's base URL, ending in `/`.

    Returns:
        Model id to graph.
    """
    records = tuple(records)
    ids = {record.id for record in records}
    return {record.id: model_graph(record, site_url, ids) for record in records}


def union(graphs: Iterable[Graph], site_url: str) -> Graph:
    """One graph holding the triples of all the given graphs.

    Args:
        graphs: The graphs, for example from `model_graphs`.
        site_url: The site's base URL, ending in `/`.

    Returns:
        The graph.
    """
    whole = new_graph(site_url)
    for graph in graphs:
        whole += graph
    return whole


def zoo_graph(records: Iterable[ModelRecord], site_url: str) -> Graph:
    """The whole zoo as one graph: the union of every model's graph.

    Args:
        records: The zoo's models.
        site_url: The site's base URL, ending in `/`.

    Returns:
        The graph.
    """
    return union(model_graphs(records, site_url).values(), site_url)


def to_jsonld(graph: Graph, site_url: str) -> dict[str, Any]:
    """Serialize a graph as compact JSON-LD with the inline context.

    Args:
        graph: The graph.
        site_url: The site's base URL, ending in `/`.

    Returns:
        The JSON-LD document.
    """
    document_text = graph.serialize(format="json-ld", context=context(site_url), auto_compact=True)
    document: dict[str, Any] = _canonical(json.loads(document_text))
    return document


def _canonical(value: Any) -> Any:
    """Keys and arrays in a fixed order, so a build's JSON-LD is the same byte for byte.

    rdflib writes nodes and values in set order; JSON-LD arrays (other than `@list`) are
    unordered, so sorting them changes nothing that a processor reads.
    """
    if isinstance(value, dict):
        return {key: value[key] if key == "@list" else _canonical(value[key])
                for key in sorted(value)}
    if isinstance(value, list):
        items = [_canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def to_turtle(graph: Graph) -> str:
    """Serialize a graph as Turtle.

    Args:
        graph: The graph.

    Returns:
        The Turtle text.
    """
    return graph.serialize(format="turtle")
