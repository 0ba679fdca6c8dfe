"""Helpers for the provenance tests: sample-zoo copies, real EC keys, models edited with onnx."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from conftest import REPO
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from generator.annotate import annotate_with_card

SITE_URL = "https://zoo-cards.example.org/"
CHILD, PARENT = "digits-mlp-int8-qdq", "digits-mlp-fp32"
PIXELS = (np.arange(5 * 64, dtype=np.float32).reshape(5, 64) % 17) / 16


@dataclass(frozen=True)
class KeyPair:
    private: Path
    public: Path


def make_key(folder: Path, name: str) -> KeyPair:
    """A fresh ECDSA P-256 key pair, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    folder.mkdir(parents=True, exist_ok=True)
    private, public = folder / f"{name}.pem", folder / f"{name}.pub"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return KeyPair(private, public)


def copy_models(content: Path, *ids: str) -> Path:
    """Copy sample-zoo model folders (card and model) into a content folder."""
    for model_id in ids:
        shutil.copytree(REPO / "content" / model_id, content / model_id)
    return content


def annotated_child(tmp_path: Path) -> Path:
    """A copy of the int8 digits model (and its parent), annotated in place."""
    content = copy_models(tmp_path / "content", CHILD, PARENT)
    model = content / CHILD / "model.onnx"
    annotate_with_card(model, content / CHILD / "README.md", model, SITE_URL)
    return model


def set_props(path: Path, **values: str) -> Path:
    """Rewrite a model with metadata_props entries replaced (underscores in keys become dots)."""
    model = onnx.load(str(path), load_external_data=False)
    wanted = {key.replace("_", "."): value for key, value in values.items()}
    kept = [(p.key, p.value) for p in model.metadata_props if p.key not in wanted]
    del model.metadata_props[:]
    for key, value in [*kept, *wanted.items()]:
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    path.write_bytes(model.SerializeToString())
    return path


def external_model(folder: Path, location: str) -> Path:
    """A one-Add model whose constant lives in an external file at `location`."""
    tensor = onnx.helper.make_tensor("B", onnx.TensorProto.FLOAT, [4], np.zeros(4, np.float32))
    tensor.ClearField("float_data")
    tensor.data_location = onnx.TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"), ("length", "16")):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    graph = onnx.helper.make_graph(
        [onnx.helper.make_node("Add", ["x", "B"], ["y"])], "external",
        [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [4])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [4])], [tensor])
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 17)])
    model.ir_version = 8
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.onnx"
    path.write_bytes(model.SerializeToString())
    return path
