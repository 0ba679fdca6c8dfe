"""Vocab: the project's own terms, for what schema.org, FAIR4ML and PROV-O do not say.

Every term is defined here, once: its name (the IRI's fragment under `namespaces.vocab(site_url)`),
whether it is a class or a property, and its definition. The `/vocab/` page prints them, with an
anchor per term, so that each term's IRI dereferences to its definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from generator.namespaces import vocab


@dataclass(frozen=True, slots=True)
class Term:
    """One term of the project vocabulary.

    Attributes:
        name: The IRI's fragment, such as `precision`.
        kind: `Class` or `Property`.
        definition: What the term means, in one or two sentences.
        values: For a property, what its values are, in words.
    """

    name: str
    kind: str
    definition: str
    values: str = ""


TERMS: tuple[Term, ...] = (
    Term("TensorProfile", "Class",
         "The weights (initializers) of one model that have one element type, counted."),
    Term("OpsetImport", "Class", "One entry of a model's `opset_import`: an operator domain and "
         "the version of it the model requires."),
    Term("Quantization", "Class", "A `prov:Activity` that lowered a model's precision "
         "(quantization, or storing weights in a narrower float type)."),
    Term("Conversion", "Class",
         "A `prov:Activity` that turned one model into another without training it."),
    Term("FineTuning", "Class", "A `prov:Activity` that trained a model further on new data."),
    Term("precision", "Property", "The combination of precisions the model really computes in, "
         "read from its graph, such as `INT8/FP32`.", "text"),
    Term("precisionFamily", "Property", "One precision family the model computes in, such as "
         "`INT8`; a model has one value per family of its combination.", "text"),
    Term("tensorProfile", "Property", "The model's weights of one element type.",
         "`zoo:TensorProfile`"),
    Term("dtype", "Property", "The ONNX element type of a tensor profile, such as `FLOAT`.",
         "text"),
    Term("tensorCount", "Property", "How many weight tensors of the profile's type the model "
         "holds.", "integer"),
    Term("elementCount", "Property", "How many elements those tensors hold in all.", "integer"),
    Term("byteCount", "Property", "How many bytes those tensors take in the file.", "integer"),
    Term("quantizationScheme", "Property", "How the model is quantized, read from its graph: "
         "`qdq`, `qoperator`, `dynamic` or `none`, for instance.", "text"),
    Term("opset", "Property", "An operator set the model imports.", "`zoo:OpsetImport`"),
    Term("opsetDomain", "Property",
         "The operator domain of an opset import; `ai.onnx` for the default domain.", "text"),
    Term("opsetVersion", "Property", "The version of the domain the model requires.", "integer"),
    Term("irVersion", "Property", "The ONNX IR version of the model file.", "integer"),
    Term("architecture", "Property",
         "The model's architecture by name, such as `ResNet-50`.", "text"),
    Term("outOfScopeUse", "Property",
         "Uses the model is not meant for, as its card states them.", "text"),
    Term("personalData", "Property",
         "Whether personal data went into the model, as its card states.", "boolean"),
    Term("consentRequired", "Property",
         "Whether the data that went into the model required its subjects' consent.", "boolean"),
    Term("privacyNotes", "Property",
         "What the card says about the privacy of the model's data.", "text"),
    Term("split", "Property", "The part of a dataset that a dataset node stands for, such as "
         "`train` or `test`.", "text"),
)
"""Every project term, classes first, in the order the `/vocab/` page lists them."""

NAMES = frozenset(term.name for term in TERMS)


def term_iri(site_url: str, name: str) -> URIRef:
    """The IRI of a project term; refuses names that are not defined here.

    Args:
        site_url: The site's base URL, ending in `/`.
        name: The term's name.

    Returns:
        The IRI, `{site_url}vocab/#{name}`.

    Raises:
        KeyError: When the term is not in `TERMS`.
    """
    if name not in NAMES:
        raise KeyError(f"zoo:{name} is not a term of the project vocabulary")
    return URIRef(f"{vocab(site_url)}{name}")


def vocab_graph(site_url: str) -> Graph:
    """The vocabulary itself as RDF: each term's kind, label and definition.

    Args:
        site_url: The site's base URL, ending in `/`.

    Returns:
        The graph.
    """
    graph = Graph(bind_namespaces="none")
    graph.bind("zoo", vocab(site_url))
    graph.bind("rdfs", RDFS)
    for term in TERMS:
        iri = term_iri(site_url, term.name)
        graph.add((iri, RDF.type, RDFS.Class if term.kind == "Class" else RDF.Property))
        graph.add((iri, RDFS.label, Literal(term.name)))
        graph.add((iri, RDFS.comment, Literal(term.definition)))
        graph.add((iri, RDFS.isDefinedBy, URIRef(f"{site_url}vocab/")))
    return graph


def vocab_markdown(site_url: str) -> str:
    """The `/vocab/` page: every term with an anchor named after it, and its definition.

    Args:
        site_url: The site's base URL, ending in `/`.

    Returns:
        Markdown.
    """
    rows = "\n".join(
        f'| <a id="{t.name}"></a>`zoo:{t.name}` | {t.kind} | {t.values or "-"} | {t.definition} |'
        for t in TERMS)
    return (f"# Vocabulary\n\nThe zoo's own terms, for what schema.org, FAIR4ML and PROV-O do not "
            f"say. Each term's IRI is `{vocab(site_url)}` followed by its name, and leads here. "
            'The vocabulary as RDF: <a href="vocab.ttl">vocab.ttl</a>.\n\n'
            f"| Term | Kind | Values | Definition |\n| --- | --- | --- | --- |\n{rows}\n")
