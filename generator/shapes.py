"""Shapes: the zoo graph against `shapes.ttl` (SHACL), violations as findings with card lines.

Each property shape of `shapes.ttl` maps to a rule (ZC420-ZC449) and to the card key that states
the value, so a finding points at the line to fix. pyshacl is imported only when a zoo is checked:
`zoo inspect` never loads it. Validation is offline: no OWL imports, no inference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SH

from generator.card import KeyPath
from generator.findings import Finding, Severity, emit, with_severities
from generator.graph import model_iri, zoo_graph
from generator.namespaces import DEFAULT_SITE_URL
from generator.zoo import ModelRecord

SHAPES = Namespace("urn:zoo-cards:shapes#")


@dataclass(frozen=True, slots=True)
class ShapeRule:
    """How a property shape's violations are reported: the rule and the card key at fault."""

    code: str
    key: KeyPath
    hint: str


SHAPE_RULES: Mapping[str, ShapeRule] = {
    "name": ShapeRule("ZC420", ("onnx", "name"), "give the card a `# heading` or `onnx.name`"),
    "identifier": ShapeRule("ZC420", (), "the folder name is the identifier"),
    "url": ShapeRule("ZC420", (), "the page's URL is the model's"),
    "description": ShapeRule("ZC421", ("onnx", "description"),
                             "write `onnx.description`, or a first paragraph of 50+ characters"),
    "download": ShapeRule("ZC422", ("onnx", "file"), "re-export or replace the model file"),
    "task": ShapeRule("ZC423", ("pipeline_tag",), "add `pipeline_tag`, e.g. image-classification"),
    "trainingData": ShapeRule("ZC424", ("onnx", "datasets"),
                              "list the datasets under `onnx.datasets` with their role"),
    "lineageStep": ShapeRule("ZC425", ("base_model",),
                             "add `onnx.lineage_step: {tool: ..., tool_version: ...}`"),
}
"""Property shape (local name in `shapes.ttl`) to its rule."""


def shapes_graph() -> Graph:
    """The SHACL shapes shipped in the package.

    Returns:
        The shapes graph.
    """
    text = (resources.files("generator") / "shapes.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def validate(graph: Graph) -> list[tuple[URIRef, str, str]]:
    """Validate a zoo graph against the shapes.

    Args:
        graph: The zoo graph.

    Returns:
        One (focus node, shape name, message) per violation, sorted.
    """
    from pyshacl import validate as shacl_validate

    _, report, _ = shacl_validate(graph, shacl_graph=shapes_graph(), inference="none",
                                  do_owl_imports=False, allow_warnings=True)
    assert isinstance(report, Graph)
    found = set()
    for result in report.subjects(SH.resultSeverity, None):
        focus, shape = report.value(result, SH.focusNode), report.value(result, SH.sourceShape)
        message = report.value(result, SH.resultMessage)
        if isinstance(focus, URIRef) and isinstance(shape, URIRef):
            found.add((focus, str(shape).removeprefix(str(SHAPES)), str(message or "")))
    return sorted(found)


def shape_findings(records: Sequence[ModelRecord]) -> dict[str, list[Finding]]:
    """The shapes' findings of every model, by model id.

    Args:
        records: The zoo's models.

    Returns:
        Model id to its findings (absent when it has none).
    """
    by_iri = {model_iri(DEFAULT_SITE_URL, record.id): record for record in records}
    findings: dict[str, list[Finding]] = {}
    for focus, shape, message in validate(zoo_graph(records, DEFAULT_SITE_URL)):
        record = by_iri.get(focus)
        rule = SHAPE_RULES.get(shape, ShapeRule("ZC420", (), "state what the shape requires"))
        if record is not None:
            findings.setdefault(record.id, []).append(_finding(record, rule, message))
    return findings


def _finding(record: ModelRecord, rule: ShapeRule, message: str) -> Finding:
    card = record.card
    path = card.shown if card else str(record.folder)
    line = card.line(*rule.key) if card and rule.key else 1
    return emit(rule.code, path, line, message, rule.hint)


def with_shape_findings(
    records: Iterable[ModelRecord], severities: Mapping[str, Severity]
) -> tuple[ModelRecord, ...]:
    """The records with the shapes' findings added to their own.

    Args:
        records: The zoo's models, as loaded.
        severities: Rule code or name to the severity to use instead of the rule's own.

    Returns:
        The records, each with its findings sorted.
    """
    records = tuple(records)
    found = shape_findings(records)
    return tuple(
        replace(r, findings=with_severities((*r.findings, *found[r.id]), severities))
        if r.id in found else r for r in records)
