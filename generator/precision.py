"""The mixed-precision profile: which precisions a model really computes in, from its graph.

A reader (the wire walk, or the `onnx.load` reference) feeds a `Profile` with every node, weight
and declared value it meets, in any order; `Profile.precision()` then resolves the names. Memory
stays small: nodes are counted, and only quantization and cast nodes are kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from generator.modelfacts import Precision, Quantization, TensorStats

DTYPE_NAMES: Mapping[int, str] = {
    0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32",
    7: "INT64", 8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64",
    14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16", 17: "FLOAT8E4M3FN", 18: "FLOAT8E4M3FNUZ",
    19: "FLOAT8E5M2", 20: "FLOAT8E5M2FNUZ", 21: "UINT4", 22: "INT4", 23: "FLOAT4E2M1",
    24: "FLOAT8E8M0", 25: "UINT2", 26: "INT2", 27: "FLOAT6E2M3", 28: "FLOAT6E3M2",
}
"""TensorProto.DataType, as a static table: reading a model must not need `import onnx`."""

DTYPE_BITS: Mapping[str, int] = {
    "UNDEFINED": 0, "FLOAT": 32, "UINT8": 8, "INT8": 8, "UINT16": 16, "INT16": 16, "INT32": 32,
    "INT64": 64, "STRING": 0, "BOOL": 8, "FLOAT16": 16, "DOUBLE": 64, "UINT32": 32, "UINT64": 64,
    "COMPLEX64": 64, "COMPLEX128": 128, "BFLOAT16": 16, "FLOAT8E4M3FN": 8, "FLOAT8E4M3FNUZ": 8,
    "FLOAT8E5M2": 8, "FLOAT8E5M2FNUZ": 8, "UINT4": 4, "INT4": 4, "FLOAT4E2M1": 4, "FLOAT8E8M0": 8,
    "UINT2": 2, "INT2": 2, "FLOAT6E2M3": 6, "FLOAT6E3M2": 6,
}
"""Storage bits per element; sub-byte types are packed. STRING tensors count their bytes."""

FAMILY_ORDER = ("INT2", "INT4", "INT8", "INT16", "FP4", "FP6", "FP8", "FP16", "BF16", "FP32",
                "FP64")

FLOAT_FAMILY: Mapping[str, str] = {
    "FLOAT": "FP32", "FLOAT16": "FP16", "BFLOAT16": "BF16", "DOUBLE": "FP64",
    "FLOAT8E4M3FN": "FP8", "FLOAT8E4M3FNUZ": "FP8", "FLOAT8E5M2": "FP8", "FLOAT8E5M2FNUZ": "FP8",
    "FLOAT8E8M0": "FP8", "FLOAT4E2M1": "FP4", "FLOAT6E2M3": "FP6", "FLOAT6E3M2": "FP6",
}
INT_FAMILY: Mapping[str, str] = {
    "INT2": "INT2", "UINT2": "INT2", "INT4": "INT4", "UINT4": "INT4", "INT8": "INT8",
    "UINT8": "INT8", "INT16": "INT16", "UINT16": "INT16",
}
LOW_FLOATS = frozenset(FLOAT_FAMILY) - {"FLOAT", "FLOAT16", "BFLOAT16", "DOUBLE"}
"""Float types below 16 bits: FP8, FP6 and FP4 quantization."""
WIDE_FLOATS = frozenset({"UNDEFINED", "FLOAT", "FLOAT16", "BFLOAT16", "DOUBLE"})
SUB_BYTE_INTS = frozenset({"INT2", "UINT2", "INT4", "UINT4"})
"""Integer types that exist only to carry quantized data: they count wherever they appear."""

DYNAMIC_OPS = frozenset({"DynamicQuantizeLinear", "DynamicQuantizeMatMul", "DynamicQuantizeLSTM",
                         "MatMulIntegerToFloat"})
QOPERATOR_OPS = frozenset({"QLinearConv", "QLinearMatMul", "MatMulInteger", "ConvInteger",
                           "QGemm", "QAttention", "QEmbedLayerNormalization", "QOrderedMatMul",
                           "QOrderedAttention", "QOrderedGelu", "QOrderedLayerNormalization",
                           "QOrderedLongformerAttention"})
BITS_OPS: Mapping[str, tuple[str, int]] = {
    "MatMulNBits": ("bits", 4), "GatherBlockQuantized": ("bits", 4), "MatMulBnb4": ("", 4),
    "MatMulFpQ4": ("", 4), "QMoE": ("expert_weight_bits", 4),
}
"""Ops whose weights are packed into UINT8: the bit width is an attribute, not a dtype."""
WEIGHT_ONLY_OPS = frozenset({*BITS_OPS, "DequantizeLinear", "DequantizeBFP", "QuantizeBFP",
                             "DequantizeWithOrder", "QuantizeWithOrder"})
QUANT_OPS = frozenset({*DYNAMIC_OPS, *QOPERATOR_OPS, *WEIGHT_ONLY_OPS, "QuantizeLinear"})
WEIGHT_SLOTS: Mapping[str, tuple[int, ...]] = {
    "DequantizeLinear": (0,), "QLinearConv": (3,), "QLinearMatMul": (0, 3),
    "MatMulInteger": (0, 1), "ConvInteger": (1,), "QGemm": (0, 3), "QAttention": (1,),
    "DynamicQuantizeMatMul": (1,), "MatMulIntegerToFloat": (0, 1), "DynamicQuantizeLSTM": (1, 2),
}
"""Which inputs of a quantized op are its weights, when they are initializers or constants."""
CAST_OPS = frozenset({"Cast", "CastLike"})
_HUGE = 1 << 64


def dtype_name(code: int) -> str:
    """The ONNX name of a TensorProto.DataType code (`DTYPE_<n>` for codes ONNX lacks)."""
    return DTYPE_NAMES.get(code, f"DTYPE_{code}")


def is_quant_op(op_type: str) -> bool:
    """Whether an op type is one of the quantization ops the profile knows."""
    return op_type in QUANT_OPS or op_type.startswith("QLinear")


@dataclass(frozen=True, slots=True)
class Weight:
    """A stored tensor: an initializer, a sparse initializer's values, or a Constant's value."""

    value: str
    """The name nodes use for it: the initializer's name, or the Constant's output."""
    name: str
    """The tensor's own name (often empty inside a Constant)."""
    dtype: int
    dims: tuple[int, ...]
    string_bytes: int = 0
    external: tuple[tuple[str, str], ...] | None = None
    """The external_data entries when the tensor's data_location is EXTERNAL."""

    @property
    def elements(self) -> int:
        """The number of elements (1 for a scalar), clamped to +-2**64 for absurd dims."""
        count = 1
        for dim in self.dims:
            count *= dim
            if not -_HUGE <= count <= _HUGE:
                return _HUGE if count > 0 else -_HUGE
        return count

    @property
    def nbytes(self) -> int:
        """The bytes its elements take, packed for sub-byte types."""
        dtype = dtype_name(self.dtype)
        if dtype == "STRING":
            return self.string_bytes
        return (self.elements * DTYPE_BITS.get(dtype, 0) + 7) // 8


@dataclass(frozen=True, slots=True)
class Node:
    """A node as the profile needs it."""

    op_type: str
    domain: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    ints: tuple[tuple[str, int], ...] = ()
    """The node's INT attributes, as (name, value)."""

    def attribute(self, name: str, default: int) -> int:
        """The value of an INT attribute, or `default`."""
        return next((value for key, value in self.ints if key == name), default)


class Profile:
    """Collects what the readers meet, then resolves it into a `Precision`."""

    __slots__ = ("_kept", "_ops", "_stats", "_values", "_weights", "node_count")

    def __init__(self) -> None:
        self.node_count = 0
        self._ops: Counter[str] = Counter()
        self._kept: list[Node] = []
        self._weights: dict[str, int] = {}
        self._values: dict[str, int] = {}
        self._stats: dict[str, list[int]] = {}

    def add_node(self, node: Node) -> None:
        """Count a node; keep it when it quantizes or casts."""
        if self.count_node(node.op_type):
            self.keep(node)

    def count_node(self, op_type: str) -> bool:
        """Count a node by its op type; whether the profile needs the whole node (`keep`)."""
        self.node_count += 1
        self._ops[op_type] = self._ops.get(op_type, 0) + 1
        return op_type in CAST_OPS or is_quant_op(op_type)

    def keep(self, node: Node) -> None:
        """Keep a node that quantizes or casts, for `precision()` to resolve."""
        self._kept.append(node)

    def add_weight(self, weight: Weight) -> None:
        """Count a stored tensor toward the per-dtype statistics."""
        self._weights[weight.value] = weight.dtype
        entry = self._stats.setdefault(dtype_name(weight.dtype), [0, 0, 0])
        entry[0] += 1
        entry[1] += weight.elements
        entry[2] += weight.nbytes

    def add_value(self, name: str, dtype: int) -> None:
        """Record a declared value type (graph input, output or value_info)."""
        if dtype:
            self._values[name] = dtype

    def op_types(self) -> dict[str, int]:
        """Node counts per op type, most frequent first, then by name."""
        return dict(sorted(self._ops.items(), key=lambda item: (-item[1], item[0])))

    def precision(self) -> Precision:
        """Resolve everything collected into the model's precision profile."""
        types = {**self._values, **self._weights}
        _infer_quantized_outputs(self._kept, types)
        quant_nodes = [n for n in self._kept if is_quant_op(n.op_type)]
        families = self._float_families(types) | _quantized_families(quant_nodes, types)
        families |= {INT_FAMILY[d] for d in map(dtype_name, self._weights.values())
                     if d in SUB_BYTE_INTS}
        ordered = tuple(f for f in FAMILY_ORDER if f in families)
        ops = Counter(n.op_type for n in quant_nodes)
        quantization = Quantization(
            scheme=_scheme(ops),
            ops=dict(sorted(ops.items())),
            weight_bits=tuple(sorted(set(_weight_bits(quant_nodes, self._weights)))),
        )
        return Precision(
            combination="/".join(ordered),
            families=ordered,
            tensors={k: TensorStats(*v) for k, v in sorted(self._stats.items())},
            quantization=quantization,
            casts=dict(sorted(Counter(_cast_targets(self._kept, types)).items())),
        )

    def _float_families(self, types: Mapping[str, int]) -> set[str]:
        declared = {dtype_name(code) for code in types.values()}
        declared |= set(_cast_targets(self._kept, types))
        return {FLOAT_FAMILY[d] for d in declared if d in FLOAT_FAMILY}


def _cast_targets(nodes: Iterable[Node], types: Mapping[str, int]) -> Iterator[str]:
    for node in nodes:
        if node.op_type == "Cast":
            yield dtype_name(node.attribute("to", 0))
        elif node.op_type == "CastLike":
            like = node.inputs[1] if len(node.inputs) > 1 else ""
            yield dtype_name(types.get(like, 0))


def _infer_quantized_outputs(nodes: Iterable[Node], types: dict[str, int]) -> None:
    """Give the outputs of quantizing nodes a dtype when the file does not declare one."""
    for node in nodes:
        if not node.outputs or not node.outputs[0] or node.outputs[0] in types:
            continue
        dtype = _quantized_output_dtype(node, types)
        if dtype:
            types[node.outputs[0]] = dtype
            if node.op_type == "DynamicQuantizeLinear" and len(node.outputs) > 2:
                types.setdefault(node.outputs[2], dtype)


def _quantized_output_dtype(node: Node, types: Mapping[str, int]) -> int:
    def input_type(slot: int) -> int:
        return types.get(node.inputs[slot], 0) if len(node.inputs) > slot else 0

    if node.op_type == "QuantizeLinear":
        return input_type(2) or node.attribute("output_dtype", 0) or 2  # UINT8 by the spec
    if node.op_type == "DynamicQuantizeLinear":
        return 2
    if node.op_type.startswith("QLinear") or node.op_type == "QGemm":
        return input_type(0)
    return 0


def _quantized_families(nodes: Iterable[Node], types: Mapping[str, int]) -> set[str]:
    families: set[str] = set()
    for node in nodes:
        families |= _node_families(node, types)
    return families


def _node_families(node: Node, types: Mapping[str, int]) -> set[str]:
    """The integer families one quantization node computes in."""
    if node.op_type in BITS_OPS:
        return {f"INT{_bits(node)}"} & set(FAMILY_ORDER)
    dtypes = {dtype_name(types.get(name, 0)) for name in (*node.inputs, *node.outputs) if name}
    if dtypes <= WIDE_FLOATS:
        return {"INT8"}  # a quantizer whose quantized side the file leaves undeclared
    return {INT_FAMILY[d] for d in dtypes if d in INT_FAMILY}


def _bits(node: Node) -> int:
    attribute, default = BITS_OPS[node.op_type]
    return node.attribute(attribute, default) if attribute else default


def _weight_bits(nodes: Iterable[Node], weights: Mapping[str, int]) -> Iterator[int]:
    for node in nodes:
        if node.op_type in BITS_OPS:
            yield _bits(node)
            continue
        for slot in WEIGHT_SLOTS.get(node.op_type, ()):
            name = node.inputs[slot] if len(node.inputs) > slot else ""
            dtype = dtype_name(weights[name]) if name in weights else ""
            if dtype in INT_FAMILY or dtype in LOW_FLOATS:
                yield DTYPE_BITS[dtype]


def _scheme(ops: Mapping[str, int]) -> str:
    """none, dynamic, qoperator, qdq or weight-only, from the quantization ops present."""
    if not ops:
        return "none"
    if ops.keys() & DYNAMIC_OPS:
        return "dynamic"
    if ops.keys() & QOPERATOR_OPS or any(op.startswith("QLinear") for op in ops):
        return "qoperator"
    if "QuantizeLinear" in ops:
        return "qdq"
    return "weight-only"
