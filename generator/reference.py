"""The same facts through `onnx.load`: the slow, memory-hungry reference for the wire reader.

It exists to be compared with: the agreement tests check the streaming reader against it field
by field, and the benchmark runs it as the naive peer. Nothing on the inspect path imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.inspect import InspectError, ModelFacts, facts_from_draft, sha256_of
from generator.modelfacts import OpsetId, Port
from generator.precision import Node, Weight, dtype_name
from generator.reader import Draft

_CONSTANT_KINDS = {"value_float": 1, "value_floats": 1, "value_int": 7, "value_ints": 7,
                   "value_string": 8, "value_strings": 8}


def inspect_loaded(path: Path) -> ModelFacts:
    """Inspect a model by loading it whole with `onnx.load` (external data left alone).

    Args:
        path: The .onnx file.

    Returns:
        Its facts, as `generator.inspect.inspect_model` would give them.

    Raises:
        InspectError: When onnx cannot load the file.
    """
    import onnx

    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as error:  # protobuf raises several kinds; all mean "unreadable"
        raise InspectError(f"{path}: not a readable ONNX model ({error})") from None
    return facts_from_draft(draft_from_proto(model), path, path.stat().st_size, sha256_of(path))


def draft_from_proto(model: Any) -> Draft:
    """Collect from a loaded `onnx.ModelProto` what the wire reader collects from its bytes.

    Args:
        model: The loaded model.

    Returns:
        The draft.
    """
    draft = Draft()
    draft.ir_version, draft.model_version = model.ir_version, model.model_version
    draft.producer_name, draft.producer_version = model.producer_name, model.producer_version
    draft.domain, draft.doc_string = model.domain, model.doc_string
    draft.opset_import = [OpsetId(o.domain, o.version) for o in model.opset_import]
    draft.metadata_props = {p.key: p.value for p in model.metadata_props}
    draft.has_graph = model.HasField("graph")
    draft.has_training_info = len(model.training_info) > 0
    _graph(draft, model.graph, main=True)
    for function in model.functions:
        for node in function.node:
            _node(draft, node)
        draft.add_function(function.domain, function.name)
    return draft


def _graph(draft: Draft, graph: Any, *, main: bool) -> None:
    for node in graph.node:
        _node(draft, node)
    for tensor in graph.initializer:
        draft.add_weight(_tensor(tensor))
        if main:
            draft.initializers.add(tensor.name)
    for sparse in graph.sparse_initializer:
        if sparse.HasField("values"):
            draft.add_weight(_tensor(sparse.values))
    for value in (*graph.input, *graph.output, *graph.value_info):
        draft.profile.add_value(value.name, value.type.tensor_type.elem_type)
    if main:
        draft.graph_name = graph.name
        draft.inputs = [_port(v) for v in graph.input]
        draft.outputs = [_port(v) for v in graph.output]


def _node(draft: Draft, node: Any) -> None:
    ints = []
    for attribute in node.attribute:
        if attribute.HasField("i"):
            ints.append((attribute.name, attribute.i))
        for graph in ([attribute.g] if attribute.HasField("g") else []) + list(attribute.graphs):
            _graph(draft, graph, main=False)
        weight = _constant(attribute) if node.op_type == "Constant" else None
        if weight is not None:
            value = node.output[0] if node.output else weight.value
            draft.add_weight(Weight(value, weight.name, weight.dtype, weight.dims,
                                    weight.string_bytes, weight.external))
    draft.profile.add_node(Node(node.op_type, node.domain, tuple(node.input), tuple(node.output),
                                tuple(ints)))


def _constant(attribute: Any) -> Weight | None:
    if attribute.name == "value":
        return _tensor(attribute.t) if attribute.HasField("t") else None
    if attribute.name == "sparse_value":
        has_values = attribute.HasField("sparse_tensor") and attribute.sparse_tensor.HasField(
            "values")
        return _tensor(attribute.sparse_tensor.values) if has_values else None
    if attribute.name not in _CONSTANT_KINDS:
        return None
    count = {"value_floats": len(attribute.floats), "value_ints": len(attribute.ints),
             "value_strings": len(attribute.strings)}.get(attribute.name)
    string_bytes = len(attribute.s) + sum(len(s) for s in attribute.strings)
    dims = () if count is None else (count,)
    return Weight("", "", _CONSTANT_KINDS[attribute.name], dims, string_bytes)


def _tensor(tensor: Any) -> Weight:
    external = None
    if tensor.data_location == 1:
        external = tuple((e.key, e.value) for e in tensor.external_data)
    return Weight(tensor.name, tensor.name, tensor.data_type, tuple(tensor.dims),
                  sum(len(s) for s in tensor.string_data), external)


def _port(value: Any) -> Port:
    tensor = value.type.tensor_type
    shape: tuple[int | str, ...] | None = None
    if value.type.HasField("tensor_type") and tensor.HasField("shape"):
        shape = tuple(_dim(d) for d in tensor.shape.dim)
    return Port(value.name, dtype_name(tensor.elem_type), shape)


def _dim(dim: Any) -> int | str:
    if dim.HasField("dim_param"):
        return str(dim.dim_param)
    return int(dim.dim_value) if dim.HasField("dim_value") else "?"
