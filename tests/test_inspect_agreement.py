"""The streaming wire reader agrees with onnx.load, field by field, on every model we can find."""

from __future__ import annotations

import hashlib
from pathlib import Path

import onnx
import pytest
from onnx import TensorProto, helper

from generator.inspect import facts_to_dict, inspect_model
from generator.reference import inspect_loaded

REPO = Path(__file__).resolve().parents[1]
BACKEND = Path(onnx.__file__).parent / "backend" / "test" / "data"
SAMPLE_ZOO = sorted(REPO.glob("content/*/*.onnx"))
BACKEND_MODELS = sorted(BACKEND.rglob("*.onnx"))


def _id(path: Path) -> str:
    return str(path.relative_to(BACKEND if path.is_relative_to(BACKEND) else REPO))


def assert_agrees(path: Path) -> None:
    streamed = inspect_model(path)
    loaded = onnx.load(str(path), load_external_data=False)
    # The header and interface, straight from the protobuf objects.
    assert streamed.ir_version == loaded.ir_version
    assert streamed.opsets == {o.domain: o.version for o in loaded.opset_import}
    assert (streamed.producer_name, streamed.producer_version, streamed.domain,
            streamed.model_version, streamed.doc_string) == (
        loaded.producer_name, loaded.producer_version, loaded.domain, loaded.model_version,
        loaded.doc_string)
    assert streamed.metadata_props == {p.key: p.value for p in loaded.metadata_props}
    assert streamed.graph.name == loaded.graph.name
    initializers = {t.name for t in loaded.graph.initializer}
    assert [p.name for p in streamed.graph.inputs] == [
        v.name for v in loaded.graph.input if v.name not in initializers]
    assert [p.name for p in streamed.graph.outputs] == [v.name for v in loaded.graph.output]
    assert streamed.graph.node_count == count_nodes(loaded)
    assert streamed.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # Everything else, through the same profile fed from the loaded model.
    assert facts_to_dict(streamed) == facts_to_dict(inspect_loaded(path))


def count_nodes(model: onnx.ModelProto) -> int:
    def in_graph(graph: onnx.GraphProto) -> int:
        return sum(1 + sum(in_graph(g) for a in n.attribute
                           for g in ([a.g] if a.HasField("g") else []) + list(a.graphs))
                   for n in graph.node)

    functions = sum(in_graph(helper.make_graph(f.node, "", [], [])) for f in model.functions)
    return in_graph(model.graph) + functions


@pytest.mark.parametrize("path", SAMPLE_ZOO, ids=_id)
def test_agrees_on_the_sample_zoo(path: Path) -> None:
    assert_agrees(path)


def test_the_sample_zoo_is_there() -> None:
    if not SAMPLE_ZOO:
        pytest.skip("no content/*/*.onnx yet")
    assert len(SAMPLE_ZOO) >= 1


@pytest.mark.parametrize("path", BACKEND_MODELS, ids=_id)
def test_agrees_on_onnx_backend_test_data(path: Path) -> None:
    assert_agrees(path)


def test_backend_test_data_is_found() -> None:
    assert len(BACKEND_MODELS) > 100


# --- hand-made wire shapes that onnx's own serializer never writes ---------------------------

def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, payload: bytes | int) -> bytes:
    if isinstance(payload, int):
        return varint(number << 3) + varint(payload)
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def test_packed_dims_and_unknown_fields(tmp_path: Path) -> None:
    packed_dims = field(1, varint(3) + varint(5))
    tensor = packed_dims + field(2, TensorProto.FLOAT) + field(8, b"W") + field(9, bytes(60))
    node = field(1, b"x") + field(1, b"W") + field(2, b"y") + field(4, b"MatMul") + field(99, 7)
    value_x = field(1, b"x") + field(2, field(1, field(1, TensorProto.FLOAT)))
    value_y = field(1, b"y") + field(2, field(1, field(1, TensorProto.FLOAT)))
    graph = (field(1, node) + field(2, b"g") + field(5, tensor) + field(11, value_x)
             + field(12, value_y) + field(77, b"unknown payload"))
    model = field(1, 8) + field(7, graph) + field(8, field(2, 17)) + field(123, b"?")
    path = tmp_path / "handmade.onnx"
    path.write_bytes(model)
    assert_agrees(path)
    assert inspect_model(path).precision.tensors["FLOAT"].elements == 15


def test_fields_out_of_canonical_order(tmp_path: Path) -> None:
    constant = helper.make_node("Constant", [], ["c"], value=helper.make_tensor(
        "", TensorProto.FLOAT16, [2], [1.0, 2.0]))
    attribute_first = b"".join(field(5, a.SerializeToString()) for a in constant.attribute)
    node = attribute_first + field(2, b"c") + field(4, b"Constant")  # op_type comes last
    graph = helper.make_graph([], "g", [], [helper.make_tensor_value_info("c", 10, [2])])
    nodes_last = graph.SerializeToString() + field(1, node)
    model = field(7, nodes_last) + field(1, 9) + field(8, field(2, 21))
    path = tmp_path / "reordered.onnx"
    path.write_bytes(model)
    assert_agrees(path)
    assert inspect_model(path).precision.combination == "FP16"
