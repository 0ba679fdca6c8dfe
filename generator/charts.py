"""Charts: the model page's pictures, as inline SVG written at build time (no script, no CDN).

Every text in a chart is escaped here; colours come from `zoo.css` classes, so the charts follow
the light and dark palettes. Each SVG has a `<title>` and a `<desc>` that say what it shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from generator.ancestry import Step
from generator.modelfacts import TensorStats
from generator.precision import FLOAT_FAMILY, INT_FAMILY

_BAR_ROW = 30
_BAR_LEFT = 130
_BAR_WIDTH = 380
_NODE_W, _NODE_H, _NODE_GAP = 210, 58, 70
_ROW_H = _NODE_H + 16
_TREND_H = 70
_NAME_CHARS = 24


@dataclass(frozen=True, slots=True)
class Share:
    """One dtype's part of the weight bytes."""

    dtype: str
    bytes: int
    fraction: float


def weight_shares(tensors: Mapping[str, TensorStats]) -> tuple[Share, ...]:
    """The share of weight bytes per dtype, largest first.

    Args:
        tensors: dtype to the stats of the weights stored in it.

    Returns:
        One share per dtype with bytes; empty when the file stores no weights.
    """
    total = sum(stats.bytes for stats in tensors.values())
    if total <= 0:
        return ()
    shares = (Share(d, s.bytes, s.bytes / total) for d, s in tensors.items() if s.bytes > 0)
    return tuple(sorted(shares, key=lambda share: (-share.bytes, share.dtype)))


def dtype_class(dtype: str) -> str:
    """The CSS modifier of a dtype's colour: its precision family, or `other`.

    Args:
        dtype: An ONNX dtype name, e.g. `FLOAT16`.

    Returns:
        For example `fp16`.
    """
    family = FLOAT_FAMILY.get(dtype) or INT_FAMILY.get(dtype)
    return family.lower() if family else "other"


def percent(fraction: float) -> str:
    """A fraction as the charts print it.

    Args:
        fraction: 0 to 1.

    Returns:
        For example `93.6%`, or `<0.1%` for a sliver.
    """
    return "<0.1%" if 0 < fraction < 0.0005 else f"{fraction * 100:.1f}%"


def precision_chart(tensors: Mapping[str, TensorStats], chart_id: str = "zoo-precision") -> Markup:
    """A bar per dtype: its share of the model's weight bytes.

    Args:
        tensors: dtype to the stats of the weights stored in it.
        chart_id: The id prefix of the SVG's title and description.

    Returns:
        The SVG, or a sentence when the file stores no weight tensors.
    """
    shares = weight_shares(tensors)
    if not shares:
        return Markup('<p class="zoo-chart-empty">The file stores no weight tensors '
                      "(its parameters, if any, live in operator attributes).</p>")
    height = _BAR_ROW * len(shares) + 10
    summary = ", ".join(f"{s.dtype} {percent(s.fraction)} ({s.bytes:,} bytes)" for s in shares)
    rows = "".join(_bar(index, share) for index, share in enumerate(shares))
    return Markup(
        f'<svg class="zoo-chart zoo-chart--precision" viewBox="0 0 640 {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">Share of weight bytes per dtype</title>'
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>{rows}</svg>'
    )


def _bar(index: int, share: Share) -> str:
    y = 5 + index * _BAR_ROW
    width = max(1.0, share.fraction * _BAR_WIDTH)
    middle = y + _BAR_ROW / 2 - 2
    return (
        f'<g class="zoo-bar zoo-bar--{dtype_class(share.dtype)}" '
        f'data-dtype="{escape(share.dtype)}">'
        f'<text x="{_BAR_LEFT - 8}" y="{middle + 5}" text-anchor="end">{escape(share.dtype)}</text>'
        f'<rect x="{_BAR_LEFT}" y="{y + 2}" width="{width:.1f}" height="{_BAR_ROW - 8}" rx="2"/>'
        f'<text x="{_BAR_LEFT + width + 8:.1f}" y="{middle + 5}">{percent(share.fraction)}'
        f"</text></g>"
    )


def lineage_chart(
    steps: Sequence[Step], children: Sequence[Step] = (), chart_id: str = "zoo-lineage"
) -> Markup:
    """Boxes for a model's lineage (oldest left), its children (right) and the score's trend.

    Each child's box shows its score's change from the model's.

    Args:
        steps: The lineage, oldest first; the last step is the model.
        children: The models of the zoo made from this one.
        chart_id: The id prefix of the SVG's title, description and arrow.

    Returns:
        The SVG.
    """
    rows = max(1, len(children))
    trend = len([s for s in steps if s.score is not None]) >= 2
    columns = len(steps) + (1 if children else 0)
    width = columns * _NODE_W + (columns - 1) * _NODE_GAP + 20
    body = 10 + rows * _ROW_H
    height = body + 20 + (_TREND_H if trend else 0)
    here = len(steps) - 1
    parts = [_node(_x(i), 10, step) for i, step in enumerate(steps)]
    parts += [_edge((_x(i - 1) + _NODE_W, 10), (_x(i), 10), s.relation, chart_id)
              for i, s in enumerate(steps) if i > 0]
    base = steps[-1].score if steps else None
    for row, child in enumerate(children):
        y = 10 + row * _ROW_H
        parts.append(_node(_x(here + 1), y, child, base))
        parts.append(_edge((_x(here) + _NODE_W, 10), (_x(here + 1), y), child.relation, chart_id))
    if trend:
        parts.append(_trend(steps, body + 10))
    return Markup(
        f'<svg class="zoo-chart zoo-chart--lineage" viewBox="0 0 {width} {height}" '
        f'style="max-width:{width}px" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-title">Lineage</title>'
        f'<desc id="{chart_id}-desc">{escape(lineage_text(steps, children))}</desc>'
        f'<defs><marker id="{chart_id}-arrow" class="zoo-arrow" viewBox="0 0 10 10" refX="9" '
        f'refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z"/></marker></defs>{"".join(parts)}</svg>'
    )


def lineage_text(steps: Sequence[Step], children: Sequence[Step] = ()) -> str:
    """The lineage in words, for the SVG's description.

    Args:
        steps: The lineage, oldest first.
        children: The models made from the last step.

    Returns:
        For example `Digits MLP (FP32), accuracy 0.9733; quantized to Digits MLP (INT8), ...`.
    """
    words = []
    for index, step in enumerate(steps):
        joint = f"{step.relation or 'derived'} to " if index else ""
        words.append(f"{joint}{step.name}{_score_words(step)}")
    text = "; ".join(words)
    if children:
        made = ", ".join(f"{c.name} ({c.relation or 'derived'}{_score_words(c)})" for c in children)
        text += f"; made from it in this zoo: {made}"
    return text


def _score_words(step: Step) -> str:
    return f", {step.metric} {step.score:.4f}" if step.score is not None else ""


def _x(index: int) -> int:
    return 10 + index * (_NODE_W + _NODE_GAP)


def _node(x: int, y: int, step: Step, base: float | None = None) -> str:
    label = step.name if len(step.name) <= _NAME_CHARS else step.name[: _NAME_CHARS - 1] + "…"
    score = f"{step.metric} {step.score:.4f}" if step.score is not None else "no score in card"
    if step.score is not None and base is not None:
        score += f" ({step.score - base:+.4f})"
    kind = " zoo-node--current" if step.current else ""
    return (  # no SVG <a>: Material's instant navigation cannot handle one; the list links
        f'<g class="zoo-node{kind}" data-model="{escape(step.id)}"><title>{escape(step.name)}'
        f'</title><rect x="{x}" y="{y}" width="{_NODE_W}" height="{_NODE_H}" rx="6"/>'
        f'<text x="{x + 10}" y="{y + 24}" class="zoo-node-name">{escape(label)}</text>'
        f'<text x="{x + 10}" y="{y + 44}" class="zoo-node-score">{escape(score)}</text></g>'
    )


def _edge(start: tuple[int, int], end: tuple[int, int], relation: str, chart_id: str) -> str:
    (x1, y1), (x2, y2) = start, end
    y1, y2 = y1 + _NODE_H // 2, y2 + _NODE_H // 2
    return (
        f'<g class="zoo-edge"><line x1="{x1 + 2}" y1="{y1}" x2="{x2 - 2}" y2="{y2}" '
        f'marker-end="url(#{chart_id}-arrow)"/>'
        f'<text x="{x2 - 8}" y="{y2 - 8}" text-anchor="end">'
        f"{escape(relation or 'derived')}</text></g>"
    )


def _trend(steps: Sequence[Step], top: int) -> str:
    scores = [s.score for s in steps if s.score is not None]
    low, high = min(scores), max(scores)
    bottom = top + _TREND_H - 20
    points = []
    for index, step in enumerate(steps):
        if step.score is None:
            continue
        ratio = 0.5 if high == low else (step.score - low) / (high - low)
        points.append((_x(index) + _NODE_W / 2, bottom - ratio * (bottom - top - 14)))
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4"/>' for x, y in points)
    metric = next(s.metric for s in steps if s.score is not None)
    return (
        f'<g class="zoo-trend"><text x="10" y="{top}">{escape(metric)} trend</text>'
        f'<polyline points="{line}"/>{dots}</g>'
    )
