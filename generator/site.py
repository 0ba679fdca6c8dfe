"""Site: what the zoo publishes besides the model pages, as engine-free data.

The plugin places these: `PAGES` become generated Markdown pages in the nav, `data_files()` are
written into the built site; both read one `Publication`, made once per build. A feature that
publishes a page or a file adds it here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import Graph

from generator.annotate import contract_markdown
from generator.cardpage import card_markdown
from generator.cardrules import SCHEMA_NAME, card_schema
from generator.facets import dataset_names, default_opset, modality
from generator.findings import RULES, family
from generator.graph import model_graphs, to_jsonld, to_turtle, union
from generator.hardware import features_json, load_features
from generator.render import hardware_page
from generator.semantic import report_page, vocab_page
from generator.vocab import vocab_graph
from generator.zoo import ModelRecord, Zoo


@dataclass(frozen=True, slots=True)
class Publication:
    """What one build publishes about a zoo, made once: every page and data file reads it.

    Attributes:
        zoo: The zoo.
        site_url: The site's base URL, ending in `/`.
        documents: Each model's JSON-LD document (its page's and its `model.jsonld`), by id.
        graph: The whole zoo's graph, the union of the models' graphs.
    """

    zoo: Zoo
    site_url: str
    documents: Mapping[str, dict[str, Any]]
    graph: Graph


def publish(zoo: Zoo, site_url: str) -> Publication:
    """Build each model's graph once, and from them the documents and the zoo's graph.

    Args:
        zoo: The zoo.
        site_url: The site's base URL, ending in `/`.

    Returns:
        The publication.
    """
    graphs = model_graphs(zoo.records, site_url)
    documents = {model_id: to_jsonld(graph, site_url) for model_id, graph in graphs.items()}
    return Publication(zoo, site_url, documents, union(graphs.values(), site_url))


@dataclass(frozen=True, slots=True)
class SitePage:
    """A generated page: where it goes, its nav title, and how to write its Markdown."""

    uri: str
    title: str
    markdown: Callable[[Publication], str]


def rules_markdown(publication: Publication) -> str:
    """The "Rules" page: every check, its code, name, default severity and reason.

    Args:
        publication: The build's publication (unused: the rules are the same for every zoo).

    Returns:
        Markdown.
    """
    sections = []
    for title in dict.fromkeys(family(code) for code in sorted(RULES)):
        rows = "\n".join(f"| `{r.code}` | `{r.name}` | {r.severity} | {r.reason} |"
                         for code, r in sorted(RULES.items()) if family(code) == title)
        sections.append(f"## {title}\n\n| Code | Name | Severity | Why |\n"
                        f"| --- | --- | --- | --- |\n{rows}\n")
    return ("# Rules\n\nEvery check that `zoo check` and the site build run, with the file and "
            "line of the key at fault. A rule's severity can be changed in `mkdocs.yml` "
            "(`plugins: [zoo: {severity: {ZC106: warning}}]`), by code or by name; `zoo check` "
            "reads the same setting. The card format itself is on "
            "[Writing a card](writing-a-card.md).\n\n" + "\n".join(sections))


def hardware_markdown(publication: Publication) -> str:
    """The "Runs well on my hardware" page: pick features, see the models they run natively.

    Args:
        publication: The build's publication.

    Returns:
        Markdown (one heading, then one HTML block).
    """
    models = [summary(record) for record in publication.zoo.records]
    html = hardware_page(load_features(), models)
    return "# Runs well on my hardware\n\n" + html + "\n"


PAGES: tuple[SitePage, ...] = (
    SitePage("hardware.md", "Runs well on my hardware", hardware_markdown),
    SitePage("writing-a-card.md", "Writing a card", card_markdown),
    SitePage("rules.md", "Rules", rules_markdown),
    SitePage("provenance.md", "Provenance", contract_markdown),
    SitePage("report.md", "Provenance and fairness report", report_page),
    SitePage("vocab.md", "Vocabulary", vocab_page),
)
"""Every generated page besides the index and the model pages, in nav order."""


def data_files(publication: Publication) -> dict[str, str]:
    """Every data file of the site, by path in the site.

    Args:
        publication: The build's publication.

    Returns:
        Site path to text.
    """
    site_url, graph = publication.site_url, publication.graph
    files = {f"models/{model_id}/model.jsonld": dumps(document)
             for model_id, document in publication.documents.items()}
    files["models.json"] = dumps([summary(record) for record in publication.zoo.records])
    files[SCHEMA_NAME] = dumps(card_schema())
    files["hardware.json"] = dumps(features_json(load_features()))
    files["zoo.jsonld"] = dumps(to_jsonld(graph, site_url))
    files["zoo.ttl"] = to_turtle(graph)
    files["vocab/vocab.ttl"] = to_turtle(vocab_graph(site_url))
    return files


def summary(record: ModelRecord) -> dict[str, Any]:
    """A model's entry in `models.json`, the data behind the zoo's index.

    Args:
        record: The model.

    Returns:
        A JSON-serializable dict.
    """
    meta = record.card.meta if record.card else {}
    facts = record.facts
    return {
        "id": record.id,
        "name": record.name,
        "url": f"models/{record.id}/",
        "task": meta.get("pipeline_tag"),
        "license": meta.get("license"),
        "precision": facts.precision.combination if facts else None,
        "families": list(facts.precision.families) if facts else [],
        "opset": facts.opsets if facts else {},
        "producer": facts.producer_name if facts else None,
        "size_bytes": facts.size_bytes if facts else None,
        "sha256": facts.sha256 if facts else None,
        "ok": record.ok,
        "scheme": facts.precision.quantization.scheme if facts else None,
        "opset_default": default_opset(facts.opsets) if facts else None,
        "modality": modality(meta.get("pipeline_tag")),
        "datasets": dataset_names(meta),
        "signed": bool(record.signature and record.signature.verified),
        "signer": record.signature.fingerprint if record.signature else None,
    }


def dumps(data: Any) -> str:
    """JSON as the site publishes it: indented, UTF-8, newline-terminated.

    Args:
        data: A JSON-serializable value.

    Returns:
        The text.
    """
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
