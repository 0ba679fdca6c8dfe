"""The ONNX schema over the wire: one pass over a ModelProto, tensor payloads skipped by length.

Field numbers are those of `onnx/onnx.proto`. Unknown fields, and known fields with an unexpected
wire type, are skipped, as protobuf itself does. Nothing here imports onnx.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.modelfacts import OpsetId, Port
from generator.precision import Node, Profile, Weight, dtype_name
from generator.source import Source
from generator.wire import I32, LEN, VARINT, LimitError, Reader, int64

MAX_NAME = 4096
"""Bytes kept of a name (tensor, node input, op type); longer ones end with "…"."""
MAX_TEXT = 1 << 20
"""Bytes kept of a free text (doc_string, metadata value, producer)."""

_MODEL_TEXT = {2: "producer_name", 3: "producer_version", 4: "domain", 6: "doc_string"}
_FLOAT, _INT64, _STRING = 1, 7, 8
_EXTERNAL = 1


class Draft:
    """What one reading of a model collects; `generator.inspect` turns it into facts."""

    __slots__ = ("doc_string", "domain", "external", "functions", "graph_name", "has_graph",
                 "has_training_info", "initializers", "inputs", "ir_version", "metadata_props",
                 "model_version", "opset_import", "outputs", "producer_name", "producer_version",
                 "profile")

    def __init__(self) -> None:
        self.ir_version = self.model_version = 0
        self.producer_name = self.producer_version = self.domain = self.doc_string = ""
        self.opset_import: list[OpsetId] = []
        self.metadata_props: dict[str, str] = {}
        self.has_graph = self.has_training_info = False
        self.graph_name = ""
        self.inputs: list[Port] = []
        self.outputs: list[Port] = []
        self.initializers: set[str] = set()
        self.functions: list[str] = []
        self.external: list[Weight] = []
        self.profile = Profile()

    def add_weight(self, weight: Weight) -> None:
        """Count a stored tensor, and remember where it lives when it lives outside."""
        self.profile.add_weight(weight)
        if weight.external is not None:
            self.external.append(weight)

    def add_function(self, domain: str, name: str) -> None:
        """Record a local function as `domain:name` (just `name` in the default domain)."""
        self.functions.append(f"{domain}:{name}" if domain else name)


def read_model(src: Source) -> Draft:
    """Walk a whole ModelProto.

    Args:
        src: The file, at its start.

    Returns:
        What the model holds.

    Raises:
        WireError: When the bytes are not a well-formed protobuf, or ask for absurd work.
    """
    draft = Draft()
    model = src.root()
    for number, wire, value in model.fields():
        if wire == VARINT and number in (1, 5):
            setattr(draft, "ir_version" if number == 1 else "model_version", int64(value))
        elif wire == LEN:
            _model_field(model, draft, number, value)
    return draft


def _model_field(model: Reader, draft: Draft, number: int, length: int) -> None:
    if number == 7:
        draft.has_graph = True
        _graph(model.open(length), draft, depth=0, main=True)
    elif number == 8:
        draft.opset_import.append(_opset(model.open(length)))
    elif number in _MODEL_TEXT:
        setattr(draft, _MODEL_TEXT[number], model.text(length, MAX_TEXT))
    elif number == 14:
        key, value = _entry(model.open(length))
        draft.metadata_props[key] = value
    elif number == 20:
        draft.has_training_info = True
    elif number == 25:
        _function(model.open(length), draft)


def _opset(msg: Reader) -> OpsetId:
    domain, version = "", 0
    for number, wire, value in msg.fields():
        if number == 1 and wire == LEN:
            domain = msg.text(value, MAX_NAME)
        elif number == 2 and wire == VARINT:
            version = int64(value)
    return OpsetId(domain, version)


def _entry(msg: Reader) -> tuple[str, str]:
    key = value = ""
    for number, wire, size in msg.fields():
        if number == 1 and wire == LEN:
            key = msg.text(size, MAX_NAME)
        elif number == 2 and wire == LEN:
            value = msg.text(size, MAX_TEXT)
    return key, value


def _function(msg: Reader, draft: Draft) -> None:
    name = domain = ""
    for number, wire, value in msg.fields():
        if wire != LEN:
            continue
        if number == 1:
            name = msg.text(value, MAX_NAME)
        elif number == 10:
            domain = msg.text(value, MAX_NAME)
        elif number == 7:
            _node(msg.open(value), draft, depth=0)
    draft.add_function(domain, name)


def _graph(msg: Reader, draft: Draft, *, depth: int, main: bool) -> None:
    if depth > msg.budget.limits.max_depth:
        raise LimitError(f"subgraphs nested over {msg.budget.limits.max_depth} deep; "
                         "refusing an absurd model")
    for number, wire, value in msg.fields():
        if wire != LEN:
            continue
        if number == 1:
            _node(msg.open(value), draft, depth)
        elif number == 5:
            weight = _tensor(msg.open(value))
            draft.add_weight(weight)
            if main:
                draft.initializers.add(weight.value)
        elif number == 15:
            _sparse_initializer(msg.open(value), draft)
        elif number in (11, 12, 13):
            _graph_value(msg.open(value), draft, number, main)
        elif number == 2 and main:
            draft.graph_name = msg.text(value, MAX_NAME)


def _sparse_initializer(msg: Reader, draft: Draft) -> None:
    values = _sparse(msg)
    if values is not None:
        draft.add_weight(values)


def _graph_value(msg: Reader, draft: Draft, number: int, main: bool) -> None:
    name, dtype, shape = _value_info(msg)
    draft.profile.add_value(name, dtype)
    if main and number != 13:
        (draft.inputs if number == 11 else draft.outputs).append(
            Port(name, dtype_name(dtype), shape))


def _node(msg: Reader, draft: Draft, depth: int) -> None:
    inputs: list[str] = []
    outputs: list[str] = []
    ints: list[tuple[str, int]] = []
    constants: list[Weight] = []
    op_type = domain = ""
    for number, wire, value in msg.fields():
        if wire != LEN:
            continue
        if number == 1:
            inputs.append(msg.text(value, MAX_NAME))
        elif number == 2:
            outputs.append(msg.text(value, MAX_NAME))
        elif number == 4:
            op_type = msg.text(value, MAX_NAME)
        elif number == 7:
            domain = msg.text(value, MAX_NAME)
        elif number == 5:
            name, integer, weight = _attribute(msg.open(value), draft, depth)
            ints.extend([(name, integer)] if integer is not None else [])
            constants.extend([weight] if weight is not None else [])
    if op_type == "Constant":
        for w in constants:
            output = outputs[0] if outputs else w.value
            draft.add_weight(Weight(output, w.name, w.dtype, w.dims, w.string_bytes, w.external))
    if draft.profile.count_node(op_type):
        draft.profile.keep(Node(op_type, domain, tuple(inputs), tuple(outputs), tuple(ints)))


class _Attribute:
    """An attribute's name, INT value, and what a Constant could hold in it."""

    __slots__ = ("floats", "integer", "ints", "name", "sparse", "string_bytes", "strings",
                 "tensor")

    def __init__(self) -> None:
        self.name = ""
        self.integer: int | None = None
        self.tensor: Weight | None = None
        self.sparse: Weight | None = None
        self.floats = self.ints = self.strings = self.string_bytes = 0

    def constant(self) -> Weight | None:
        """The tensor a Constant node holds in this attribute, if it is a value attribute."""
        if self.name in ("value", "sparse_value"):
            return self.tensor if self.name == "value" else self.sparse
        if not self.name.startswith("value_"):
            return None
        kinds = {"value_float": (_FLOAT, ()), "value_floats": (_FLOAT, (self.floats,)),
                 "value_int": (_INT64, ()), "value_ints": (_INT64, (self.ints,)),
                 "value_string": (_STRING, ()), "value_strings": (_STRING, (self.strings,))}
        if self.name not in kinds:
            return None
        dtype, dims = kinds[self.name]
        return Weight("", "", dtype, dims, self.string_bytes)


def _attribute(msg: Reader, draft: Draft, depth: int) -> tuple[str, int | None, Weight | None]:
    attr = _Attribute()
    for number, wire, value in msg.fields():
        if number == 3 and wire == VARINT:
            attr.integer = int64(value)
        elif number == 7 and wire in (LEN, I32):
            attr.floats += value // 4 if wire == LEN else 1
        elif number == 8 and wire in (LEN, VARINT):
            attr.ints += len(msg.packed(value)) if wire == LEN else 1
        elif wire == LEN:
            _attribute_field(msg, draft, attr, number, value, depth)
    return attr.name, attr.integer, attr.constant()


def _attribute_field(msg: Reader, draft: Draft, attr: _Attribute, number: int, length: int,
                     depth: int) -> None:
    if number == 1:
        attr.name = msg.text(length, MAX_NAME)
    elif number == 5:
        attr.tensor = _tensor(msg.open(length))
    elif number == 22:
        attr.sparse = _sparse(msg.open(length))
    elif number in (6, 11):
        _graph(msg.open(length), draft, depth=depth + 1, main=False)
    elif number in (4, 9):
        attr.string_bytes += length
        attr.strings += 1 if number == 9 else 0


def _tensor(msg: Reader) -> Weight:
    dims: list[int] = []
    entries: list[tuple[str, str]] = []
    dtype = location = string_bytes = 0
    name = ""
    for number, wire, value in msg.fields():
        if number == 1 and wire in (LEN, VARINT):
            dims.extend(msg.packed(value) if wire == LEN else [int64(value)])
        elif number == 2 and wire == VARINT:
            dtype = int64(value)
        elif number == 8 and wire == LEN:
            name = msg.text(value, MAX_NAME)
        elif number == 6 and wire == LEN:
            string_bytes += value
        elif number == 13 and wire == LEN:
            entries.append(_entry(msg.open(value)))
        elif number == 14 and wire == VARINT:
            location = int64(value)
    external = tuple(entries) if location == _EXTERNAL else None
    return Weight(name, name, dtype, tuple(dims), string_bytes, external)


def _sparse(msg: Reader) -> Weight | None:
    values = None
    for number, wire, value in msg.fields():
        if number == 1 and wire == LEN:
            values = _tensor(msg.open(value))
    return values


def _value_info(msg: Reader) -> tuple[str, int, tuple[int | str, ...] | None]:
    name, dtype, shape = "", 0, None
    for number, wire, value in msg.fields():
        if number == 1 and wire == LEN:
            name = msg.text(value, MAX_NAME)
        elif number == 2 and wire == LEN:
            dtype, shape = _type(msg.open(value))
    return name, dtype, shape


def _type(msg: Reader) -> tuple[int, tuple[int | str, ...] | None]:
    dtype, shape = 0, None
    for number, wire, value in msg.fields():
        if number == 1 and wire == LEN:
            dtype, shape = _tensor_type(msg.open(value))
    return dtype, shape


def _tensor_type(msg: Reader) -> tuple[int, tuple[int | str, ...] | None]:
    dtype, shape = 0, None
    for number, wire, value in msg.fields():
        if number == 1 and wire == VARINT:
            dtype = int64(value)
        elif number == 2 and wire == LEN:
            shape = (*(shape or ()), *_shape(msg.open(value)))
    return dtype, shape


def _shape(msg: Reader) -> Iterator[int | str]:
    for number, wire, value in msg.fields():
        if number == 1 and wire == LEN:
            yield _dim(msg.open(value))


def _dim(msg: Reader) -> int | str:
    dim: int | str = "?"  # neither a size nor a name: an unknown dimension
    for number, wire, value in msg.fields():
        if number == 1 and wire == VARINT:
            dim = int64(value)
        elif number == 2 and wire == LEN:
            dim = msg.text(value, MAX_NAME)
    return dim
