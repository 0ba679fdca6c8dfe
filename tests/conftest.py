"""Shared fixtures: tiny ONNX models built with onnx.helper, and temporary zoos that build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

REPO = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).with_name("mkdocs")

SITE_CONFIG = """\
site_name: Test zoo
site_url: https://zoo.example.org/
docs_dir: content
theme:
  name: material
  font: false
plugins:
  - search
  - privacy:
      assets_fetch: false
      assets_exclude: [unpkg.com/mermaid@11/*]
  - zoo
"""

CARD = """\
---
license: apache-2.0
pipeline_tag: image-classification
tags: [onnx, fp32]
onnx:
  file: model.onnx
  model_version: 1
  opset: {"": 17}
  intended_use: "Testing zoo-cards."
  limitations: "It computes one MatMul of ones."
  privacy: {personal_data: false, consent_required: false}
---

# Tiny classifier

A tiny classifier built by the tests, with one MatMul and nothing else worth a mention.
"""


def tiny_model(path: Path, *, opset: int = 17, model_version: int = 1) -> Path:
    """Write a one-MatMul FP32 model."""
    weight = helper.make_tensor("W", TensorProto.FLOAT, [4, 2], np.ones(8, dtype=np.float32))
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"])], "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], [weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="zoo-tests", producer_version="1")
    model.model_version = model_version
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, path)
    return path


@dataclass
class TmpZoo:
    """A site folder with a `mkdocs.yml` and a `content/` of models, as a maintainer has."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def add(self, model_id: str, card: str | bytes | None = CARD, *, model: bool = True,
            **model_options: int) -> Path:
        folder = self.content / model_id
        folder.mkdir(parents=True, exist_ok=True)
        if card is not None:
            target = folder / "README.md"
            target.write_bytes(card) if isinstance(card, bytes) else target.write_text(card)
        if model:
            tiny_model(folder / "model.onnx", **model_options)
        return folder

    def build(self, *, strict: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(MKDOCS), "build", "--quiet" if not strict else "--strict"]
        return subprocess.run(command, cwd=self.root, capture_output=True, text=True,
                              env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
                              timeout=300)


@pytest.fixture
def tmp_zoo(tmp_path: Path) -> TmpZoo:
    (tmp_path / "content").mkdir()
    (tmp_path / "mkdocs.yml").write_text(SITE_CONFIG)
    return TmpZoo(tmp_path)


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> TmpZoo:
    """The repository's sample zoo, copied with its mkdocs.yml and built once per test session.

    Tests read the built site; none may change it.
    """
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    zoo = TmpZoo(root)
    result = zoo.build(strict=True)
    assert result.returncode == 0, result.stderr
    return zoo
