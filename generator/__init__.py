"""zoo-cards: a static model-card site generator for ONNX model zoos.

The public surface, re-exported once. The stages, each a module: `inspect` (ONNX file to facts),
`card` (Markdown card to card), `crosscheck` (card and facts to findings), `graph` (to rdflib),
`render` (to HTML), `plugin` (mkdocs) and `cli` (`zoo`).
"""

from generator.card import Card, parse_card
from generator.crosscheck import crosscheck
from generator.findings import RULES, Finding, Rule, Severity, ZooError
from generator.inspect import InspectError, ModelFacts, inspect_model
from generator.zoo import ModelRecord, Zoo, load_zoo

__all__ = [
    "RULES",
    "Card",
    "Finding",
    "InspectError",
    "ModelFacts",
    "ModelRecord",
    "Rule",
    "Severity",
    "Zoo",
    "ZooError",
    "crosscheck",
    "inspect_model",
    "load_zoo",
    "parse_card",
]
