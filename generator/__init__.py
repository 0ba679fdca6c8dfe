"""zoo-cards: a static model-card site generator for ONNX model zoos.

The public surface, re-exported once. The stages, each a module: `inspect` (ONNX file to facts),
`card` (Markdown card to card), `crosscheck` (card and facts to findings), `graph` (to rdflib),
`render` (to HTML), `plugin` (mkdocs) and `cli` (`zoo`).

Names load on first use (PEP 562), so that `zoo inspect` and the runtime check at session start
import only the stages they use. No exported name may equal a module's name: importing the module
would bind the package attribute to it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.card import Card, parse_card
    from generator.findings import RULES, Finding, Rule, Severity, ZooError
    from generator.inspect import InspectError, ModelFacts, inspect_model
    from generator.zoo import ModelRecord, Zoo, load_zoo

_HOMES = {
    "Card": "card", "parse_card": "card",
    "RULES": "findings", "Finding": "findings", "Rule": "findings", "Severity": "findings",
    "ZooError": "findings",
    "InspectError": "inspect", "ModelFacts": "inspect", "inspect_model": "inspect",
    "ModelRecord": "zoo", "Zoo": "zoo", "load_zoo": "zoo",
}
__all__ = [
    "RULES", "Card", "Finding", "InspectError", "ModelFacts", "ModelRecord", "Rule", "Severity",
    "Zoo", "ZooError", "inspect_model", "load_zoo", "parse_card",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its stage on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module 'generator' has no attribute {name!r}")
    return getattr(importlib.import_module(f"generator.{_HOMES[name]}"), name)
