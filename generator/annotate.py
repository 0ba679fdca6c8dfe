"""Annotate: a model and its card in, the same model with its provenance embedded out.

Only `metadata_props` changes: the model is parsed with `onnx.load` (external data is not
loaded), the zoo's two keys are replaced, and the result is written atomically. The provenance
document is a small rdflib graph serialized by `generator.graph.to_jsonld`, so its `@context` is
the zoo's one context.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, Graph, Literal, URIRef

from generator.atomic import write_atomic
from generator.card import Card, parse_card, spdx_license
from generator.findings import ZooError
from generator.graph import model_iri, new_graph, to_jsonld
from generator.inspect import InspectError, ModelFacts, inspect_model
from generator.namespaces import FAIR4ML, PROV, SDO, SPDX_LICENSES, vocab
from generator.provenance import KEYS, MAX_VALUE_BYTES, PRECISION_KEY, PROVENANCE_KEY
from generator.zoo import Zoo, load_model

if TYPE_CHECKING:  # generator.site lists this module's page
    from generator.site import Publication


@dataclass(frozen=True, slots=True)
class Parent:
    """The model another was derived from: its id and, when known, its file's name and hash."""

    id: str
    file_name: str | None = None
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """What the provenance document says about the annotated model."""

    id: str
    name: str
    meta: Mapping[str, Any]
    precision: str
    model_version: int
    external_data: bool = False


@dataclass(frozen=True, slots=True)
class Annotation:
    """What `annotate` wrote: the file, the payload's size, the precision and the new hash."""

    path: Path
    provenance_bytes: int
    precision: str
    sha256: str


def provenance_graph(subject: Subject, site_url: str, parent: Parent | None) -> Graph:
    """The compact provenance graph embedded in a model.

    Args:
        subject: The model.
        site_url: The site's base URL, ending in `/`.
        parent: The model it was derived from, if any.

    Returns:
        A graph with one `fair4ml:MLModel` node (and its parent's, when derived).
    """
    graph = new_graph(site_url)
    node = model_iri(site_url, subject.id)
    graph.add((node, RDF.type, FAIR4ML.MLModel))
    graph.add((node, SDO.identifier, Literal(subject.id)))
    graph.add((node, SDO.name, Literal(subject.name)))
    graph.add((node, SDO.version, Literal(str(subject.model_version))))
    graph.add((node, vocab(site_url).precision, Literal(subject.precision)))
    _add_card_terms(graph, node, subject.meta, site_url)
    if parent is not None:
        _add_parent(graph, node, parent, site_url)
    return graph


def _add_card_terms(graph: Graph, node: URIRef, meta: Mapping[str, Any], site_url: str) -> None:
    spdx = spdx_license(meta.get("license"))
    if spdx and " " not in spdx:
        graph.add((node, SDO.license, URIRef(SPDX_LICENSES + spdx)))
    elif isinstance(meta.get("license"), str):
        graph.add((node, SDO.license, Literal(meta["license"])))
    if isinstance(meta.get("pipeline_tag"), str):
        graph.add((node, FAIR4ML.mlTask, Literal(meta["pipeline_tag"])))
    if isinstance(meta.get("base_model_relation"), str):
        graph.add((node, vocab(site_url).baseModelRelation, Literal(meta["base_model_relation"])))


def _add_parent(graph: Graph, node: URIRef, parent: Parent, site_url: str) -> None:
    parent_node = model_iri(site_url, parent.id)
    graph.add((node, PROV.wasDerivedFrom, parent_node))
    graph.add((parent_node, SDO.identifier, Literal(parent.id)))
    if parent.sha256:
        download = URIRef(f"{parent_node}{parent.file_name or 'model.onnx'}")
        graph.add((parent_node, SDO.distribution, download))
        graph.add((download, RDF.type, SDO.DataDownload))
        graph.add((download, SDO.sha256, Literal(parent.sha256)))


def provenance_text(subject: Subject, site_url: str, parent: Parent | None) -> str:
    """The provenance document as the text stored under `zoo.provenance`.

    Args:
        subject: The model.
        site_url: The site's base URL, ending in `/`.
        parent: The model it was derived from, if any.

    Returns:
        Compact JSON (sorted keys, no spaces), deterministic for the same input.
    """
    document = to_jsonld(provenance_graph(subject, site_url, parent), site_url)
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def annotate(model_path: Path, out: Path, subject: Subject, site_url: str,
             parent: Parent | None) -> Annotation:
    """Embed provenance and the precision combination into a model's metadata_props.

    Args:
        model_path: The model to read.
        out: Where to write the annotated model (may be `model_path`).
        subject: What to say about the model.
        site_url: The site's base URL, ending in `/`.
        parent: The model it was derived from, if any.

    Returns:
        What was written.

    Raises:
        ZooError: When the model cannot be read or written, or would lose its external data.
    """
    import onnx  # writing needs the schema; reading never does

    text = provenance_text(subject, site_url, parent)
    if len(text.encode("utf-8")) > MAX_VALUE_BYTES:
        raise ZooError(f"the provenance of {subject.id} would be over {MAX_VALUE_BYTES} bytes")
    try:
        model = onnx.load(str(model_path), load_external_data=False)
    except Exception as error:  # noqa: BLE001 (protobuf's DecodeError and OSError alike)
        raise ZooError(f"{model_path}: cannot load the model ({error})") from None
    _refuse_moving_external_data(subject, model_path, out)
    _replace_props(model, {PROVENANCE_KEY: text, PRECISION_KEY: subject.precision})
    data = model.SerializeToString()
    try:
        write_atomic(out, data)
    except OSError as error:
        raise ZooError(f"{out}: cannot write ({error.strerror})") from None
    return Annotation(out, len(text.encode("utf-8")), subject.precision,
                      hashlib.sha256(data).hexdigest())


def _replace_props(model: Any, values: Mapping[str, str]) -> None:
    kept = [(p.key, p.value) for p in model.metadata_props if p.key not in values]
    del model.metadata_props[:]
    for key, value in [*kept, *values.items()]:
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value


def _refuse_moving_external_data(subject: Subject, source: Path, out: Path) -> None:
    if subject.external_data and source.resolve().parent != out.resolve().parent:
        raise ZooError(f"{source} keeps weights in external files; write the annotated model "
                       "into the same folder, or its weights would not be found")


def subject_of(model_id: str, card: Card | None, facts: ModelFacts) -> Subject:
    """What to embed about a model: its card's terms and its graph's facts.

    Args:
        model_id: The model's id (its card's folder name).
        card: Its card, if any.
        facts: The facts of the model file being annotated.

    Returns:
        The subject.
    """
    meta = card.meta if card else {}
    name = (card.name if card else "") or model_id
    return Subject(model_id, name, meta, facts.precision.combination, facts.model_version,
                   bool(facts.external_data))


def parent_of(card: Card | None, content: Path) -> Parent | None:
    """The parent a card names with `base_model`, with its file's hash when it is in the zoo.

    Args:
        card: The child's card.
        content: The zoo's content folder, where the parent's folder would be.

    Returns:
        The parent, or None when the card names none.
    """
    base = card.meta.get("base_model") if card else None
    if not isinstance(base, str) or not base:
        return None
    folder = content / base
    if not folder.is_dir() or folder.name != base:
        return Parent(base)
    record = load_model(folder, severities={}, inspector=inspect_model)
    if record.facts is None or record.model_path is None:
        return Parent(base)
    return Parent(base, record.model_path.name, record.facts.sha256)


def contract_markdown(publication: Publication) -> str:
    """The "Provenance" page: the metadata_props keys and the JSON-LD shape, with an example.

    Args:
        publication: The build's publication; the zoo's first derived model gives the example.

    Returns:
        Markdown.
    """
    keys = "\n".join(f"| `{key}` | {what} |" for key, what in KEYS.items())
    return _CONTRACT.format(keys=keys, limit=f"{MAX_VALUE_BYTES:,}", example=_example(
        publication.zoo, publication.site_url))


def _example(zoo: Zoo, site_url: str) -> str:
    derived = [r for r in zoo.records if r.facts and r.card and r.card.meta.get("base_model")]
    if derived and derived[0].facts:
        record = derived[0]
        subject = subject_of(record.id, record.card, derived[0].facts)
        text = provenance_text(subject, site_url, parent_of(record.card, zoo.content))
    else:
        subject = Subject("example", "Example", {"license": "apache-2.0"}, "FP32", 1)
        text = provenance_text(subject, site_url, Parent("parent", "model.onnx", "0" * 64))
    return json.dumps(json.loads(text), indent=2)


_CONTRACT = """\
# Provenance

Every model can carry its provenance inside the file, in the ModelProto's `metadata_props`, so
that a runtime can check it when a session starts. `zoo annotate MODEL --card README.md` writes
it, `zoo sign MODEL --key key.pem` signs the file, `zoo verify MODEL` checks both, and
`generator.runtime.open_session` checks them before it returns an onnxruntime session.

## The keys

| Key | Value |
| --- | --- |
{keys}

Annotating replaces these two entries and changes nothing else in the file: graph, weights,
opsets, IR version and producer stay byte-identical. A reader refuses a `zoo.provenance` value
over {limit} bytes before parsing it.

## The JSON-LD shape

`zoo.provenance` is compact JSON-LD with an inline `@context` (a remote context is refused, never
fetched). A runtime in any language implements the check with a JSON parser:

1. the document is a JSON object whose `@context` is an object; its `zoo` entry is the vocabulary
   IRI of the zoo's own terms;
2. exactly one node has the type `fair4ml:MLModel`
   (`https://w3id.org/fair4ml#MLModel`); its `schema:identifier` is the model's id in the zoo;
3. its `zoo:precision` and the `zoo.precision` key must both equal the combination read from the
   graph;
4. `schema:license` is an SPDX license IRI (`https://spdx.org/licenses/<id>`) or a literal;
5. when the model is derived, `prov:wasDerivedFrom` points to the parent's node, whose
   `schema:identifier` is the parent's id and whose `schema:distribution` is a
   `schema:DataDownload` with the `schema:sha256` of the parent's model file: each child records
   its parent's hash, so the zoo's lineage is a hash chain (`zoo check` follows it).

Annotate parents before their children: annotating a model changes its hash.

## Signatures

`MODEL.sig` beside the model is an OpenSSF model-signing bundle (DSSE envelope, ECDSA P-256
key). Its `verificationMaterial.publicKey.hint` is the signer key's fingerprint: the SHA-256 of
the public key's PEM (SubjectPublicKeyInfo). The site build checks every signature against the
public keys in the content folder's `.keys/` folder (`*.pub`, PEM); a bad signature is an error.

## Example

A derived model's `zoo.provenance`, indented here (it is stored without spaces):

```json
{example}
```
"""


def annotate_with_card(model_path: Path, card_path: Path, out: Path, site_url: str,
                       content: Path | None = None) -> tuple[Annotation, Parent | None]:
    """Annotate a model from its card, as `zoo annotate` does.

    Args:
        model_path: The model to read.
        card_path: Its card; the card's folder name is the model's id.
        out: Where to write the annotated model.
        site_url: The site's base URL, ending in `/`.
        content: The zoo's content folder, where the parent is looked up (default: the folder
            above the card's).

    Returns:
        What was written, and the parent that was recorded.

    Raises:
        ZooError: When the card, the model or the output cannot be used.
    """
    result = parse_card(card_path, str(card_path))
    if result.card is None:
        raise ZooError("; ".join(str(f) for f in result.findings) or f"{card_path}: no card")
    try:
        facts = inspect_model(model_path)
    except InspectError as error:
        raise ZooError(str(error)) from None
    folder = card_path.resolve().parent
    parent = parent_of(result.card, content or folder.parent)
    subject = subject_of(folder.name, result.card, facts)
    return annotate(model_path, out, subject, site_url, parent), parent
