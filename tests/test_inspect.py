"""The precision profile, read from the graph: one onnx.helper fixture per real-world case."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from generator.inspect import ModelFacts, TensorStats, facts_to_dict, inspect_model
from generator.precision import DTYPE_BITS, DTYPE_NAMES

REPO = Path(__file__).resolve().parents[1]
F, F16, BF16, I8, U8, I64 = (TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.BFLOAT16,
                             TensorProto.INT8, TensorProto.UINT8, TensorProto.INT64)


def save(tmp_path: Path, graph: onnx.GraphProto, name: str = "model.onnx", *,
         opset: int = 21, functions: list[onnx.FunctionProto] | None = None,
         extra_opsets: dict[str, int] | None = None) -> Path:
    opsets = [helper.make_opsetid("", opset)]
    opsets += [helper.make_opsetid(d, v) for d, v in (extra_opsets or {}).items()]
    model = helper.make_model(graph, opset_imports=opsets, functions=functions or [])
    path = tmp_path / name
    onnx.save(model, str(path))
    return path


def tensor(name: str, dtype: int, dims: list[int], fill: float = 1.0) -> onnx.TensorProto:
    count = int(np.prod(dims)) if dims else 1
    return helper.make_tensor(name, dtype, dims, [fill] * count)


def io(name: str, dtype: int = F, shape: list[int | str] | None = None) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, dtype, [1, 4] if shape is None else shape)


def stats(facts: ModelFacts) -> dict[str, tuple[int, int, int]]:
    return {k: (v.count, v.elements, v.bytes) for k, v in facts.precision.tensors.items()}


def test_constant_node_weights_count_like_initializers(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Constant", [], ["W"], value=tensor("", F, [4, 3])),
        helper.make_node("Constant", [], ["B"], value=tensor("", F, [3])),
        helper.make_node("Constant", [], ["one"], value_float=1.0),
        helper.make_node("Constant", [], ["S"], value_ints=[1, 3]),
        helper.make_node("MatMul", ["x", "W"], ["m"]),
        helper.make_node("Add", ["m", "B"], ["a"]),
        helper.make_node("Mul", ["a", "one"], ["b"]),
        helper.make_node("Reshape", ["b", "S"], ["y"]),
    ]
    graph = helper.make_graph(nodes, "constants", [io("x")], [io("y", shape=[1, 3])])
    facts = inspect_model(save(tmp_path, graph))
    assert facts.precision.combination == "FP32"
    assert stats(facts) == {"FLOAT": (3, 16, 64), "INT64": (1, 2, 16)}
    assert facts.graph.node_count == 8
    assert facts.graph.op_types == {"Constant": 4, "Add": 1, "MatMul": 1, "Mul": 1, "Reshape": 1}


def test_fp16_model_with_fp32_edges_is_fp16_fp32(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Cast", ["x"], ["x16"], to=F16),
        helper.make_node("MatMul", ["x16", "W"], ["m"]),
        helper.make_node("Add", ["m", "b"], ["a"]),
        helper.make_node("Cast", ["a"], ["y"], to=F),
    ]
    graph = helper.make_graph(nodes, "fp16", [io("x")], [io("y")],
                              [tensor("W", F16, [4, 4]), tensor("b", F16, [4])])
    facts = inspect_model(save(tmp_path, graph))
    assert facts.precision.combination == "FP16/FP32"
    assert facts.precision.families == ("FP16", "FP32")
    assert stats(facts) == {"FLOAT16": (2, 20, 40)}
    assert facts.precision.casts == {"FLOAT": 1, "FLOAT16": 1}
    assert [(p.name, p.dtype, p.shape) for p in facts.graph.inputs] == [("x", "FLOAT", (1, 4))]
    assert facts.precision.quantization.scheme == "none"


def test_qdq_int8_weights_with_uint8_zero_points(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
        helper.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xd"]),
        helper.make_node("DequantizeLinear", ["W", "sw", "zw"], ["Wd"]),
        helper.make_node("MatMul", ["xd", "Wd"], ["m"]),
        helper.make_node("Reshape", ["m", "shape"], ["y"]),
    ]
    inits = [tensor("sx", F, [], 0.1), tensor("zx", U8, [], 128), tensor("W", I8, [4, 4]),
             tensor("sw", F, [], 0.05), tensor("zw", I8, [], 0),
             helper.make_tensor("shape", I64, [2], [1, 4])]
    graph = helper.make_graph(nodes, "qdq", [io("x")], [io("y")], inits)
    facts = inspect_model(save(tmp_path, graph))
    precision = facts.precision
    assert precision.combination == "INT8/FP32"  # INT64 shape constants do not count
    assert stats(facts) == {"FLOAT": (2, 2, 8), "INT64": (1, 2, 16), "INT8": (2, 17, 17),
                            "UINT8": (1, 1, 1)}
    assert precision.quantization.scheme == "qdq"
    assert precision.quantization.ops == {"DequantizeLinear": 2, "QuantizeLinear": 1}
    assert precision.quantization.weight_bits == (8,)


def test_fp8_weights(tmp_path: Path) -> None:
    nodes = [helper.make_node("DequantizeLinear", ["W", "s"], ["Wd"]),
             helper.make_node("MatMul", ["x", "Wd"], ["y"])]
    inits = [tensor("W", TensorProto.FLOAT8E4M3FN, [4, 4], 0.5), tensor("s", F, [], 0.1)]
    graph = helper.make_graph(nodes, "fp8", [io("x")], [io("y")], inits)
    facts = inspect_model(save(tmp_path, graph))
    assert facts.precision.combination == "FP8/FP32"
    assert stats(facts) == {"FLOAT": (1, 1, 4), "FLOAT8E4M3FN": (1, 16, 16)}
    assert facts.precision.quantization.scheme == "weight-only"
    assert facts.precision.quantization.weight_bits == (8,)


def test_int4_and_uint4_weights_are_packed(tmp_path: Path) -> None:
    nodes = [helper.make_node("DequantizeLinear", ["W", "s", "z"], ["Wd"]),
             helper.make_node("DequantizeLinear", ["V", "s"], ["Vd"]),
             helper.make_node("MatMul", ["x", "Wd"], ["m"]),
             helper.make_node("MatMul", ["m", "Vd"], ["y"])]
    inits = [tensor("W", TensorProto.INT4, [4, 4], 3), tensor("z", TensorProto.INT4, [], 0),
             tensor("V", TensorProto.UINT4, [4, 3], 7), tensor("s", F, [], 0.1)]
    graph = helper.make_graph(nodes, "int4", [io("x")], [io("y", shape=[1, 3])], inits)
    facts = inspect_model(save(tmp_path, graph))
    assert facts.precision.combination == "INT4/FP32"
    assert stats(facts) == {"FLOAT": (1, 1, 4), "INT4": (2, 17, 9), "UINT4": (1, 12, 6)}
    assert facts.precision.quantization.weight_bits == (4,)


def test_int8_weights_with_bf16_compute(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("DequantizeLinear", ["W", "s"], ["Wd"]),
        helper.make_node("Cast", ["x"], ["xb"], to=BF16),
        helper.make_node("MatMul", ["xb", "Wd"], ["m"]),
        helper.make_node("Add", ["m", "b"], ["a"]),
        helper.make_node("Cast", ["a"], ["y"], to=F),
    ]
    inits = [tensor("W", I8, [4, 4], 2), tensor("s", BF16, [], 0.5), tensor("b", BF16, [4])]
    graph = helper.make_graph(nodes, "bf16", [io("x")], [io("y")], inits)
    facts = inspect_model(save(tmp_path, graph))
    assert facts.precision.combination == "INT8/BF16/FP32"
    assert stats(facts) == {"BFLOAT16": (2, 5, 10), "INT8": (1, 16, 16)}
    assert facts.precision.casts == {"BFLOAT16": 1, "FLOAT": 1}
    assert facts.precision.quantization.scheme == "weight-only"


def test_matmulnbits_packed_uint8_counts_as_its_bits(tmp_path: Path) -> None:
    node = helper.make_node("MatMulNBits", ["x", "B", "scales"], ["y"], domain="com.microsoft",
                            K=32, N=4, bits=4, block_size=32)
    inits = [tensor("B", U8, [4, 1, 16], 17), tensor("scales", F, [4], 0.1)]
    graph = helper.make_graph([node], "nbits", [io("x", shape=[1, 32])], [io("y")], inits)
    facts = inspect_model(save(tmp_path, graph, extra_opsets={"com.microsoft": 1}))
    assert facts.precision.combination == "INT4/FP32"  # the packed UINT8 is not INT8
    assert stats(facts) == {"FLOAT": (1, 4, 16), "UINT8": (1, 64, 64)}
    assert facts.precision.quantization.ops == {"MatMulNBits": 1}
    assert facts.precision.quantization.weight_bits == (4,)
    assert facts.precision.quantization.scheme == "weight-only"


def test_qoperator_model(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s", "z"], ["xq"]),
        helper.make_node("QLinearMatMul", ["xq", "s", "z", "W", "s", "zw", "s", "z"], ["yq"]),
        helper.make_node("DequantizeLinear", ["yq", "s", "z"], ["y"]),
    ]
    inits = [tensor("s", F, [], 0.1), tensor("z", U8, [], 128), tensor("W", I8, [4, 4]),
             tensor("zw", I8, [], 0)]
    graph = helper.make_graph(nodes, "qop", [io("x")], [io("y")], inits)
    facts = inspect_model(save(tmp_path, graph))
    assert facts.precision.combination == "INT8/FP32"
    assert facts.precision.quantization.scheme == "qoperator"
    assert facts.precision.quantization.weight_bits == (8,)


def test_uint8_image_input_alone_is_not_int8(tmp_path: Path) -> None:
    nodes = [helper.make_node("Cast", ["image"], ["f"], to=F),
             helper.make_node("Mul", ["f", "scale"], ["y"])]
    graph = helper.make_graph(nodes, "img", [io("image", U8)], [io("y")],
                              [tensor("scale", F, [], 1 / 255)])
    facts = inspect_model(save(tmp_path, graph))
    assert facts.precision.combination == "FP32"
    assert facts.graph.inputs[0].dtype == "UINT8"


def nested_model(tmp_path: Path) -> Path:
    """If whose else branch holds a Loop whose body holds weights; plus a local function."""
    body = helper.make_graph(
        [helper.make_node("Constant", [], ["d"], value=tensor("", TensorProto.DOUBLE, [3])),
         helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Add", ["v_in", "w"], ["v_out"])],
        "body",
        [io("i", I64, []), io("cond_in", TensorProto.BOOL, []), io("v_in")],
        [io("cond_out", TensorProto.BOOL, []), io("v_out")],
        [tensor("w", F16, [2, 2])],
    )
    then_branch = helper.make_graph(
        [helper.make_node("Constant", [], ["t"], value=tensor("", F, [1, 4])),
         helper.make_node("Add", ["x", "t"], ["then_out"])],
        "then", [], [io("then_out")])
    else_branch = helper.make_graph(
        [helper.make_node("Loop", ["trip", "", "x"], ["else_out"], body=body)],
        "else", [], [io("else_out")], [helper.make_tensor("trip", I64, [], [2])])
    scale = helper.make_function(
        "custom", "Scale", ["a"], ["b"],
        [helper.make_node("Constant", [], ["k"], value=tensor("", F, [1], 2.0)),
         helper.make_node("Mul", ["a", "k"], ["b"])],
        [helper.make_opsetid("", 21)])
    main = helper.make_graph(
        [helper.make_node("If", ["cond"], ["r"], then_branch=then_branch,
                          else_branch=else_branch),
         helper.make_node("Scale", ["r"], ["y"], domain="custom")],
        "nested", [io("x"), io("cond", TensorProto.BOOL, [])], [io("y")])
    return save(tmp_path, main, functions=[scale], extra_opsets={"custom": 1})


def test_weights_inside_subgraphs_and_functions(tmp_path: Path) -> None:
    facts = inspect_model(nested_model(tmp_path))
    assert facts.graph.node_count == 2 + 2 + 1 + 3 + 2  # main, then, else, loop body, function
    assert facts.graph.functions == ("custom:Scale",)
    assert stats(facts) == {"DOUBLE": (1, 3, 24), "FLOAT": (2, 5, 20), "FLOAT16": (1, 4, 8),
                            "INT64": (1, 1, 8)}
    assert facts.precision.combination == "FP16/FP32/FP64"


def test_real_quantized_model_from_the_sample_zoo() -> None:
    path = REPO / "content" / "digits-mlp-int8-qdq" / "model.onnx"
    if not path.exists():
        pytest.skip("the sample zoo has no digits-mlp-int8-qdq model yet")
    facts = inspect_model(path)
    assert facts.precision.combination == "INT8/FP32"
    assert facts.precision.quantization.scheme == "qdq"
    assert facts.precision.quantization.weight_bits == (8,)
    assert dict(facts.precision.tensors) == numpy_stats(onnx.load(str(path)))


def numpy_stats(model: onnx.ModelProto) -> dict[str, TensorStats]:
    """Per-dtype statistics computed independently, with numpy, from the loaded model."""
    totals: dict[str, Counter[str]] = {}
    weights = [*model.graph.initializer]
    weights += [a.t for n in model.graph.node if n.op_type == "Constant"
                for a in n.attribute if a.name == "value"]
    for t in weights:
        array = numpy_helper.to_array(t)
        entry = totals.setdefault(TensorProto.DataType.Name(t.data_type), Counter())
        entry.update(count=1, elements=array.size, bytes=array.nbytes)
    return {k: TensorStats(v["count"], v["elements"], v["bytes"]) for k, v in totals.items()}


def test_dtype_table_matches_onnx() -> None:
    assert dict(DTYPE_NAMES) == {v: k for k, v in TensorProto.DataType.items()}
    for code, name in DTYPE_NAMES.items():
        if name in ("UNDEFINED", "STRING") or DTYPE_BITS[name] < 8:
            continue
        assert DTYPE_BITS[name] == helper.tensor_dtype_to_np_dtype(code).itemsize * 8, name


def test_json_contract_keys(tmp_path: Path) -> None:
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [io("x", F, ["n", 4])],
                              [io("y")])
    data = facts_to_dict(inspect_model(save(tmp_path, graph)))
    assert set(data) == {"path", "size_bytes", "sha256", "ir_version", "opset_import",
                         "producer_name", "producer_version", "domain", "model_version",
                         "doc_string", "metadata_props", "graph", "precision", "external_data"}
    assert set(data["graph"]) == {"name", "inputs", "outputs", "node_count", "op_types",
                                  "functions", "has_training_info"}
    assert set(data["precision"]) == {"combination", "families", "tensors", "quantization",
                                      "casts"}
    assert set(data["precision"]["quantization"]) == {"scheme", "ops", "weight_bits"}
    assert data["graph"]["inputs"] == [{"name": "x", "dtype": "FLOAT", "shape": ["n", 4]}]
    assert data["opset_import"] == [{"domain": "", "version": 21}]
