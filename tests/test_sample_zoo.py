"""The committed sample zoo: every card's numbers match its model file.

Each measured model is run with onnxruntime on the same held-out split that
`scripts/make_models.py` uses, and its accuracy must equal the card's model-index
value to 4 decimals; every card's `onnx.sha256` must equal its file's hash.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest

from generator.card import parse_card

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"


def _load_make_models() -> ModuleType:
    """Import scripts/make_models.py (scripts/ is not a package) by its path."""
    path = ROOT / "scripts" / "make_models.py"
    spec = importlib.util.spec_from_file_location("make_models", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


make_models = _load_make_models()
ALL_CARDS = sorted(p.parent.name for p in CONTENT.glob("*/README.md"))


def front_matter(model_id: str) -> Mapping[str, Any]:
    result = parse_card(CONTENT / model_id / "README.md", model_id)
    assert result.card is not None and result.findings == (), result.findings
    return result.card.meta


def card_accuracy(meta: Mapping[str, Any]) -> float:
    (entry,) = meta["model-index"]
    (result,) = entry["results"]
    (metric,) = [m for m in result["metrics"] if m["type"] == "accuracy"]
    assert result["dataset"]["split"] == "test"
    return float(metric["value"])


def test_every_zoo_model_has_a_card() -> None:
    expected = {*make_models.EVALUATED_MODELS, *make_models.LIGHT_MODELS}
    assert expected <= set(ALL_CARDS)


@pytest.mark.parametrize("model_id", ALL_CARDS)
def test_card_sha256_matches_file(model_id: str) -> None:
    meta = front_matter(model_id)
    model = CONTENT / model_id / meta["onnx"]["file"]
    assert meta["onnx"]["sha256"] == hashlib.sha256(model.read_bytes()).hexdigest()


@pytest.mark.parametrize("model_id", sorted(make_models.EVALUATED_MODELS))
def test_card_accuracy_matches_onnxruntime(model_id: str) -> None:
    meta = front_matter(model_id)
    split = make_models.load_split(make_models.EVALUATED_MODELS[model_id])
    session = ort.InferenceSession(
        str(CONTENT / model_id / meta["onnx"]["file"]), providers=["CPUExecutionProvider"]
    )
    (label,) = session.run(["label"], {session.get_inputs()[0].name: split.x_test})
    measured = round(float(np.mean(label == split.y_test)), 4)
    assert measured == card_accuracy(meta)
