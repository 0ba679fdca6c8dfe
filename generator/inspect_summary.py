"""The human-readable face of `zoo inspect`: one rich panel of tables per model.

Every string from the model is untrusted: it goes in as `rich.text.Text` (never markup) with
control characters made visible, so a tensor name cannot restyle or rewrite the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from generator.inspect import ModelFacts, Port, TensorStats
from generator.precision import FLOAT_FAMILY, INT_FAMILY

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TOP_OPS = 12


def print_summary(facts: ModelFacts, console: Console) -> None:
    """Print one model's facts as a panel of tables.

    Args:
        facts: The model's facts.
        console: Where to print.
    """
    parts: list[RenderableType] = [overview(facts), Text(), ports_table(facts)]
    if facts.precision.tensors:
        parts += [Text(), tensors_table(facts.precision.tensors)]
    if facts.external_data:
        parts += [Text(), external_table(facts)]
    console.print(Panel(Group(*parts), title=clean(facts.path), title_align="left"))


def clean(value: object) -> Text:
    """Untrusted text, safe to print: no markup, control characters shown as escapes."""
    return Text(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value)))


def overview(facts: ModelFacts) -> Table:
    """The key facts: precision first, then quantization, casts, provenance and size."""
    precision, quant = facts.precision, facts.precision.quantization
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("precision", Text(precision.combination or "(no float or quantized data)",
                                    style="bold magenta"))
    bits = ", ".join(map(str, quant.weight_bits)) or "-"
    table.add_row("quantization", Text(f"{quant.scheme}  (weight bits: {bits})"))
    if quant.ops:
        table.add_row("quant ops", counts(quant.ops))
    table.add_row("casts", counts(precision.casts) if precision.casts else Text("none"))
    table.add_row("opsets", clean(", ".join(f"{o.domain or 'ai.onnx'} {o.version}"
                                            for o in facts.opset_import)))
    table.add_row("ir_version", Text(str(facts.ir_version)))
    producer = f"{facts.producer_name} {facts.producer_version}".strip() or "-"
    table.add_row("producer", clean(producer))
    table.add_row("graph", graph_line(facts))
    table.add_row("op types", op_types_line(facts))
    table.add_row("size", Text(f"{human_bytes(facts.size_bytes)} ({facts.size_bytes} bytes)"))
    table.add_row("sha256", Text(facts.sha256))
    return table


def graph_line(facts: ModelFacts) -> Text:
    """The graph's name and node count, its functions, and whether it has training info."""
    graph = facts.graph
    line = clean(f"{graph.name or '(unnamed)'}: {graph.node_count} nodes, subgraphs included")
    if graph.functions:
        line.append("; functions: ").append(clean(", ".join(graph.functions)))
    if graph.has_training_info:
        line.append("; has training info")
    return line


def op_types_line(facts: ModelFacts) -> Text:
    """The most frequent op types, with their counts."""
    op_types = facts.graph.op_types
    line = counts(dict(list(op_types.items())[:_TOP_OPS])) if op_types else Text("none")
    if len(op_types) > _TOP_OPS:
        line.append(f", and {len(op_types) - _TOP_OPS} more")
    return line


def counts(mapping: Mapping[str, int]) -> Text:
    """`A ×3, B ×1`, in the mapping's order."""
    return clean(", ".join(f"{key} ×{value}" for key, value in mapping.items()))


def ports_table(facts: ModelFacts) -> Table:
    """The graph's inputs and outputs."""
    table = Table(title="inputs and outputs", title_justify="left", expand=False)
    for column in ("", "name", "dtype", "shape"):
        table.add_column(column)
    _add_ports(table, "in", facts.graph.inputs)
    _add_ports(table, "out", facts.graph.outputs)
    return table


def _add_ports(table: Table, direction: str, ports: Iterable[Port]) -> None:
    for port in ports:
        shape = "?" if port.shape is None else "[" + ", ".join(map(str, port.shape)) + "]"
        table.add_row(direction, clean(port.name), clean(port.dtype), clean(shape))


def tensors_table(tensors: Mapping[str, TensorStats]) -> Table:
    """Weights per dtype: tensors, elements, bytes, and the family each dtype belongs to."""
    table = Table(title="weights per dtype", title_justify="left")
    table.add_column("dtype")
    table.add_column("family")
    for column in ("tensors", "elements", "bytes"):
        table.add_column(column, justify="right")
    for dtype, stats in tensors.items():
        family = FLOAT_FAMILY.get(dtype) or INT_FAMILY.get(dtype, "")
        table.add_row(clean(dtype), Text(family), f"{stats.count:,}", f"{stats.elements:,}",
                      human_bytes(stats.bytes))
    return table


def external_table(facts: ModelFacts) -> Table:
    """External data as recorded (never followed), unsafe locations flagged in red."""
    table = Table(title="external data (not followed)", title_justify="left")
    for column in ("tensor", "location", "offset", "length", "status"):
        table.add_column(column)
    for entry in facts.external_data:
        status = (Text(f"UNSAFE: {entry.unsafe}", style="bold red") if entry.unsafe
                  else Text("inside the model's folder", style="green"))
        table.add_row(clean(entry.tensor), clean(entry.location), _maybe(entry.offset),
                      _maybe(entry.length), status)
    return table


def human_bytes(count: int) -> str:
    """A byte count in B, KiB, MiB, GiB or TiB."""
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def _maybe(value: int | None) -> str:
    return "-" if value is None else str(value)
