"""Render: zoo records in, HTML fragments out (the zoo index and the body of each model page).

Card Markdown is untrusted: its HTML is sanitized with nh3, and every value the templates print is
escaped by Jinja's autoescape. The engine (mkdocs) only places these fragments into its theme.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import nh3

from generator.ancestry import ancestry, descendants
from generator.charts import lineage_chart, precision_chart
from generator.facets import dataset_names
from generator.hardware import HardwareFeature, reduced, runs_natively
from generator.zoo import ModelRecord

_ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
}
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"map", "area"}


def templates_dir() -> Path:
    """The folder of the zoo's templates: in the installed package, or beside it in a checkout.

    Returns:
        The folder that holds `main.html` and `pages/`.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "main.html").is_file():
            return candidate
    raise FileNotFoundError(f"zoo-cards templates not found beside {here}")


@functools.cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / "pages"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["size"] = human_size
    environment.filters["shape"] = shape_text
    return environment


def sanitize(html: str) -> str:
    """Keep the harmless part of a card's HTML: no scripts, handlers, styles or frames.

    Args:
        html: HTML converted from a card's Markdown.

    Returns:
        Safe HTML.
    """
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        attribute_filter=_drop_loading_classes,
        url_schemes={"http", "https", "mailto"},
    )


def _drop_loading_classes(tag: str, attribute: str, value: str) -> str | None:
    """Drop classes that make Material load a script from a CDN (mermaid diagrams)."""
    if attribute != "class":
        return value
    return " ".join(name for name in value.split() if name != "mermaid") or None


def human_size(size: int) -> str:
    """A byte count as people read it.

    Args:
        size: Bytes.

    Returns:
        For example `1.2 MB` (decimal units, as PyPI and the Hugging Face Hub show).
    """
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def shape_text(shape: Iterable[int | str] | None) -> str:
    """A tensor shape as text: `[N, 64]`, or `unknown`.

    Args:
        shape: The dimensions, or None when the model does not say.

    Returns:
        The text.
    """
    return "unknown" if shape is None else "[" + ", ".join(str(d) for d in shape) + "]"


def port_descriptions(record: ModelRecord, kind: str) -> Mapping[str, str]:
    """The card's description of each input or output, by name.

    Args:
        record: The model.
        kind: `inputs` or `outputs`.

    Returns:
        Port name to description.
    """
    ports = record.card.onnx.get(kind) if record.card else None
    if not isinstance(ports, list):
        return {}
    return {
        str(p["name"]): str(p.get("description", ""))
        for p in ports if isinstance(p, Mapping) and "name" in p
    }


def model_page(record: ModelRecord, body_html: str, zoo: Sequence[ModelRecord]) -> str:
    """The content of a model's page.

    Args:
        record: The model.
        body_html: The card body, converted to HTML by the engine (sanitized here).
        zoo: Every model of the zoo, for the lineage diagram's parents and children.

    Returns:
        The page's HTML.
    """
    heading, body = _split_heading(sanitize(body_html))
    facts, steps, children = record.facts, ancestry(record, zoo), descendants(record, zoo)
    return _render("model.html", record=record, heading=heading, body=body, meta=_meta(record),
                   inputs=port_descriptions(record, "inputs"),
                   outputs=port_descriptions(record, "outputs"),
                   datasets=dataset_names(_meta(record)), steps=steps, children=children,
                   lineage_svg=lineage_chart(steps, children),
                   precision_svg=precision_chart(facts.precision.tensors) if facts else "")


def hardware_page(features: Sequence[HardwareFeature], models: Sequence[Mapping[str, Any]]) -> str:
    """The body of the "Runs well on my hardware" page.

    Without JavaScript it lists, per feature, the models it runs natively; with it, the reader
    picks features and `zoo.js` lists the models that all the picked features cover.

    Args:
        features: The hardware features, from `hardware.json`.
        models: The zoo's `models.json` entries.

    Returns:
        HTML, as one block without blank lines (Markdown keeps it as it is).
    """
    native = {f.id: [m for m in models if runs_natively(m["families"], [f])] for f in features}
    baseline = [m for m in models if m["families"] and not reduced(m["families"])]
    html = _render("hardware.html", features=features, native=native, baseline=baseline)
    return "\n".join(line for line in html.splitlines() if line.strip())



def index_page(records: Iterable[ModelRecord], intro_html: str = "") -> str:
    """The content of the zoo's index: every model, with a client-side filter.

    Args:
        records: The zoo's models.
        intro_html: HTML to show above the list (sanitized here).

    Returns:
        The page's HTML.
    """
    return _render("index.html", records=tuple(records), intro=sanitize(intro_html), meta=_meta)


def _split_heading(html: str) -> tuple[str, str]:
    """Take a leading `<h1>` off a card body, to put it above the page's summary."""
    stripped = html.lstrip()
    if stripped.startswith("<h1") and "</h1>" in stripped:
        heading, rest = stripped.split("</h1>", 1)
        return heading + "</h1>", rest
    return "", html


def _meta(record: ModelRecord) -> Mapping[str, Any]:
    return record.card.meta if record.card else {}


def _render(template: str, **values: Any) -> str:
    return _environment().get_template(template).render(**values)
