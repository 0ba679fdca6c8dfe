"""The facts about one ONNX file, as records, and their JSON form both ways.

`generator.inspect` re-exports every name here; import them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Port:
    """A graph input or output.

    `shape` holds sizes and symbolic names; "?" stands for a dimension the file leaves unknown,
    and None for a value with no shape at all.
    """

    name: str
    dtype: str
    shape: tuple[int | str, ...] | None


@dataclass(frozen=True, slots=True)
class OpsetId:
    """One entry of the model's opset_import."""

    domain: str
    version: int


@dataclass(frozen=True, slots=True)
class GraphFacts:
    """The main graph's interface and size."""

    name: str
    inputs: tuple[Port, ...]
    outputs: tuple[Port, ...]
    node_count: int
    op_types: Mapping[str, int]
    functions: tuple[str, ...]
    has_training_info: bool


@dataclass(frozen=True, slots=True)
class TensorStats:
    """Weights of one dtype: how many tensors, elements and bytes."""

    count: int
    elements: int
    bytes: int


@dataclass(frozen=True, slots=True)
class Quantization:
    """How the model is quantized, if at all."""

    scheme: str
    ops: Mapping[str, int]
    weight_bits: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Precision:
    """The precisions a model really computes in, read from its graph."""

    combination: str
    families: tuple[str, ...]
    tensors: Mapping[str, TensorStats]
    quantization: Quantization
    casts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class ExternalData:
    """A tensor stored outside the file, as the file records it (never followed).

    `unsafe` names the problem when the location is absolute, climbs with `..`, or resolves
    outside the model's folder; it is None when the location stays inside the folder.
    """

    tensor: str
    location: str
    offset: int | None
    length: int | None
    unsafe: str | None = None


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """Everything inspect knows about one ONNX file."""

    path: str
    size_bytes: int
    sha256: str
    ir_version: int
    opset_import: tuple[OpsetId, ...]
    producer_name: str
    producer_version: str
    domain: str
    model_version: int
    doc_string: str
    metadata_props: Mapping[str, str]
    graph: GraphFacts
    precision: Precision
    external_data: tuple[ExternalData, ...]

    @property
    def opsets(self) -> dict[str, int]:
        """The opset_import as a mapping of domain to version ("" is the default domain)."""
        return {o.domain: o.version for o in self.opset_import}


def facts_to_dict(facts: ModelFacts) -> dict[str, Any]:
    """The JSON contract of `zoo inspect --json`.

    Args:
        facts: The facts of one model.

    Returns:
        A JSON-serializable dict with the documented keys.
    """
    data: dict[str, Any] = _plain(asdict(facts))
    return data


def _plain(value: Any) -> Any:
    """Tuples become lists, all the way down, so the dict equals its own JSON round trip."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def facts_from_dict(data: Any) -> ModelFacts:
    """Rebuild facts from their JSON form, checking every type on the way.

    Args:
        data: What `facts_to_dict` returned, after a JSON round trip.

    Returns:
        The facts.

    Raises:
        ValueError: When anything is missing or of the wrong type.
    """
    try:
        return _facts(_mapping(data))
    except (KeyError, TypeError) as error:
        raise ValueError(f"malformed facts: {error!r}") from None


def _facts(d: Mapping[str, Any]) -> ModelFacts:
    return ModelFacts(
        path=_typed(d["path"], str),
        size_bytes=_typed(d["size_bytes"], int),
        sha256=_typed(d["sha256"], str),
        ir_version=_typed(d["ir_version"], int),
        opset_import=_tuple(d["opset_import"], _opset),
        producer_name=_typed(d["producer_name"], str),
        producer_version=_typed(d["producer_version"], str),
        domain=_typed(d["domain"], str),
        model_version=_typed(d["model_version"], int),
        doc_string=_typed(d["doc_string"], str),
        metadata_props=_str_map(d["metadata_props"], str),
        graph=_graph(d["graph"]),
        precision=_precision(d["precision"]),
        external_data=_tuple(d["external_data"], _external),
    )


def _typed(value: Any, kind: type[T]) -> T:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _optional_int(value: Any) -> int | None:
    return None if value is None else _typed(value, int)


def _mapping(value: Any) -> Mapping[str, Any]:
    return _typed(value, dict)


def _tuple(value: Any, item: Callable[[Any], T]) -> tuple[T, ...]:
    return tuple(item(v) for v in _typed(value, list))


def _str_map(value: Any, kind: type[T]) -> dict[str, T]:
    return {_typed(k, str): _typed(v, kind) for k, v in _mapping(value).items()}


def _opset(value: Any) -> OpsetId:
    d = _mapping(value)
    return OpsetId(_typed(d["domain"], str), _typed(d["version"], int))


def _dim(value: Any) -> int | str:
    return value if isinstance(value, str) else _typed(value, int)


def _port(value: Any) -> Port:
    d = _mapping(value)
    shape = None if d["shape"] is None else _tuple(d["shape"], _dim)
    return Port(_typed(d["name"], str), _typed(d["dtype"], str), shape)


def _graph(value: Any) -> GraphFacts:
    d = _mapping(value)
    return GraphFacts(
        name=_typed(d["name"], str),
        inputs=_tuple(d["inputs"], _port),
        outputs=_tuple(d["outputs"], _port),
        node_count=_typed(d["node_count"], int),
        op_types=_str_map(d["op_types"], int),
        functions=_tuple(d["functions"], lambda v: _typed(v, str)),
        has_training_info=_typed(d["has_training_info"], bool),
    )


def _stats(value: Any) -> TensorStats:
    d = _mapping(value)
    return TensorStats(*(_typed(d[k], int) for k in ("count", "elements", "bytes")))


def _precision(value: Any) -> Precision:
    d = _mapping(value)
    q = _mapping(d["quantization"])
    return Precision(
        combination=_typed(d["combination"], str),
        families=_tuple(d["families"], lambda v: _typed(v, str)),
        tensors={_typed(k, str): _stats(v) for k, v in _mapping(d["tensors"]).items()},
        quantization=Quantization(
            scheme=_typed(q["scheme"], str),
            ops=_str_map(q["ops"], int),
            weight_bits=_tuple(q["weight_bits"], lambda v: _typed(v, int)),
        ),
        casts=_str_map(d["casts"], int),
    )


def _external(value: Any) -> ExternalData:
    d = _mapping(value)
    unsafe = d.get("unsafe")
    return ExternalData(
        tensor=_typed(d["tensor"], str),
        location=_typed(d["location"], str),
        offset=_optional_int(d["offset"]),
        length=_optional_int(d["length"]),
        unsafe=None if unsafe is None else _typed(unsafe, str),
    )
