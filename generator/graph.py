"""Graph: zoo records in, an rdflib graph out; the single source of every JSON-LD and Turtle output.

A model is a schema.org `Dataset` (so that dataset search engines index model files) and a FAIR4ML
`MLModel`; its file is a `DataDownload`; lineage is PROV-O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef

from generator.card import spdx_license
from generator.namespaces import FAIR4ML, PROV, SDO, SPDX_LICENSES, context, vocab
from generator.zoo import ModelRecord

ONNX_MEDIA_TYPE = "application/onnx"


def model_iri(site_url: str, model_id: str) -> URIRef:
    """The IRI of a model: its page's URL.

    Args:
        site_url: The site's base URL, ending in `/`.
        model_id: The model's id.

    Returns:
        The IRI.
    """
    return URIRef(f"{site_url}models/{model_id}/")


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
    zoo = vocab(site_url)
    meta = record.card.meta if record.card else {}
    graph.add((subject, RDF.type, SDO.Dataset))
    graph.add((subject, RDF.type, FAIR4ML.MLModel))
    graph.add((subject, SDO.identifier, Literal(record.id)))
    graph.add((subject, SDO.name, Literal(record.name)))
    graph.add((subject, SDO.url, subject))
    if record.card and record.card.description:
        graph.add((subject, SDO.description, Literal(record.card.description)))
    _add_license(graph, subject, meta)
    if isinstance(meta.get("pipeline_tag"), str):
        graph.add((subject, FAIR4ML.mlTask, Literal(meta["pipeline_tag"])))
    for tag in meta.get("tags") or ():
        graph.add((subject, SDO.keywords, Literal(str(tag))))
    base = meta.get("base_model")
    if isinstance(base, str) and base in set(known_ids):
        graph.add((subject, PROV.wasDerivedFrom, model_iri(site_url, base)))
    if record.facts and record.model_path:
        facts = record.facts
        graph.add((subject, SDO.version, Literal(str(facts.model_version))))
        graph.add((subject, zoo.precision, Literal(facts.precision.combination)))
        graph.add((subject, zoo.irVersion, Literal(facts.ir_version)))
        for opset in facts.opset_import:
            graph.add((subject, zoo.opset, Literal(f"{opset.domain or 'ai.onnx'} {opset.version}")))
        download = URIRef(f"{subject}{record.model_path.name}")
        graph.add((subject, SDO.distribution, download))
        graph.add((download, RDF.type, SDO.DataDownload))
        graph.add((download, SDO.contentUrl, download))
        graph.add((download, SDO.contentSize, Literal(f"{facts.size_bytes} B")))
        graph.add((download, SDO.encodingFormat, Literal(ONNX_MEDIA_TYPE)))
        graph.add((download, SDO.sha256, Literal(facts.sha256)))
    return graph


def _add_license(graph: Graph, subject: URIRef, meta: Mapping[str, Any]) -> None:
    spdx = spdx_license(meta.get("license"))
    link = meta.get("license_link")
    if spdx and " " not in spdx:
        graph.add((subject, SDO.license, URIRef(SPDX_LICENSES + spdx)))
    elif isinstance(link, str) and link.startswith(("https://", "http://")):
        graph.add((subject, SDO.license, URIRef(link)))
    elif spdx or isinstance(meta.get("license"), str):
        graph.add((subject, SDO.license, Literal(spdx or meta["license"])))


def zoo_graph(records: Iterable[ModelRecord], site_url: str) -> Graph:
    """The whole zoo as one graph: the union of every model's graph.

    Args:
        records: The zoo's models.
        site_url: The site's base URL, ending in `/`.

    Returns:
        The graph.
    """
    records = tuple(records)
    ids = {record.id for record in records}
    graph = new_graph(site_url)
    for record in records:
        graph += model_graph(record, site_url, ids)
    return graph


def to_jsonld(graph: Graph, site_url: str) -> dict[str, Any]:
    """Serialize a graph as compact JSON-LD with the inline context.

    Args:
        graph: The graph.
        site_url: The site's base URL, ending in `/`.

    Returns:
        The JSON-LD document.
    """
    text = graph.serialize(format="json-ld", context=context(site_url), auto_compact=True)
    document: dict[str, Any] = json.loads(text)
    return document


def to_turtle(graph: Graph) -> str:
    """Serialize a graph as Turtle.

    Args:
        graph: The graph.

    Returns:
        The Turtle text.
    """
    return graph.serialize(format="turtle")
