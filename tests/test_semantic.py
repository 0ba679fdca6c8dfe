"""The semantic layer, read the way crawlers read it: extruct, then pyld offline, then rdflib.

The golden document (tests/golden/) changes only on purpose: after a deliberate change to the
graph, regenerate it with `ZOO_REGENERATE_GOLDEN=1 pytest tests/test_semantic.py -k golden` and
review its diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import extruct
import pytest
import rdflib
from bs4 import BeautifulSoup
from conftest import CARD, REPO, TmpZoo
from pyld import jsonld
from rdflib import RDF, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from generator.card import parse_card
from generator.findings import ZooError
from generator.namespaces import FAIR4ML, expand_offline, refuse_remote
from generator.vocab import NAMES, TERMS

SITE = "https://zoo-cards.example.org/"
SAMPLE_IDS = sorted(p.parent.name for p in (REPO / "content").glob("*/README.md"))
FAIR4ML_FILE = REPO.parent / "shared" / "data" / "fair4ml-0.1.0.jsonld"
GOLDEN = Path(__file__).parent / "golden" / "digits-mlp-int8-qdq.jsonld"
ZOO = rdflib.Namespace(f"{SITE}vocab/#")


@pytest.fixture(scope="module")
def built(built_sample: TmpZoo) -> TmpZoo:
    return built_sample


@pytest.fixture(scope="module")
def zoo_ttl(built: TmpZoo) -> Graph:
    return Graph().parse(built.site / "zoo.ttl", format="turtle")


def crawl(built: TmpZoo, model_id: str) -> tuple[dict[str, object], Graph]:
    """The page's JSON-LD as extruct finds it, and its triples after an offline pyld expand."""
    url = f"{SITE}models/{model_id}/"
    html = (built.site / "models" / model_id / "index.html").read_text(encoding="utf-8")
    documents = extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert len(documents) == 1
    expanded = expand_offline(documents[0], base=url)
    return documents[0], Graph().parse(data=json.dumps(expanded), format="json-ld")


def model_subgraph(graph: Graph, subject: URIRef) -> Graph:
    """The triples about one model: everything reachable from it, stopping at other models."""
    models = set(graph.subjects(RDF.type, FAIR4ML.MLModel))
    found, todo, seen = Graph(), [subject], {subject}
    while todo:
        node = todo.pop()
        for triple in graph.triples((node, None, None)):
            found.add(triple)
            target = triple[2]
            if isinstance(target, URIRef) and target not in seen and target not in models:
                seen.add(target)
                todo.append(target)
    return found


@pytest.mark.parametrize("model_id", SAMPLE_IDS)
def test_each_page_holds_exactly_its_models_triples_of_zoo_ttl(
    built: TmpZoo, zoo_ttl: Graph, model_id: str
) -> None:
    document, page = crawl(built, model_id)
    expected = model_subgraph(zoo_ttl, URIRef(f"{SITE}models/{model_id}/"))
    assert len(page) > 40
    assert set(page) == set(expected)
    assert isomorphic(page, expected)
    published = json.loads((built.site / "models" / model_id / "model.jsonld").read_text())
    assert published == document
    assert isinstance(document["@context"], dict)


def test_zoo_jsonld_and_zoo_ttl_are_the_same_graph(built: TmpZoo, zoo_ttl: Graph) -> None:
    document = json.loads((built.site / "zoo.jsonld").read_text())
    expanded = expand_offline(document)
    graph = Graph().parse(data=json.dumps(expanded), format="json-ld")
    assert set(graph) == set(zoo_ttl)
    models = set(zoo_ttl.subjects(RDF.type, FAIR4ML.MLModel))
    assert models == {URIRef(f"{SITE}models/{model_id}/") for model_id in SAMPLE_IDS}


@pytest.mark.parametrize("expand", [
    expand_offline,
    lambda doc: jsonld.expand(doc, {"documentLoader": refuse_remote}),
])
def test_a_remote_context_is_refused(expand: object) -> None:
    assert callable(expand)
    with pytest.raises(jsonld.JsonLdError) as raised:
        expand({"@context": "https://schema.org/", "name": "x"})
    chain: list[BaseException] = []
    error: BaseException | None = raised.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__
    refusals = [str(e) for e in chain if isinstance(e, ZooError)]
    assert refusals == ["refusing to fetch a remote JSON-LD document: https://schema.org/"]


def used_terms(graph: Graph) -> set[URIRef]:
    terms = {p for _, p, _ in graph} | set(graph.objects(None, RDF.type))
    return {t for t in terms if isinstance(t, URIRef)}


def test_every_term_used_exists_in_its_vocabulary(zoo_ttl: Graph) -> None:
    terms = used_terms(zoo_ttl)
    schema = {t for t in terms if t.startswith(str(ns.SDO))}
    assert {ns.SDO.Dataset, ns.SDO.DataDownload, ns.SDO.sha256, ns.SDO.PropertyValue} <= schema
    assert sorted(t for t in schema if t not in ns.SDO) == []  # the DefinedNamespace's members
    prov = {t for t in terms if t.startswith(str(ns.PROV))}
    assert sorted(t for t in prov if t not in ns.PROV) == []
    fair4ml_defined = {node["@id"].replace("fair4ml:", str(FAIR4ML))
                       for node in json.loads(FAIR4ML_FILE.read_text())["@graph"]}
    fair4ml = {t for t in terms if t.startswith(str(FAIR4ML))}
    assert {FAIR4ML.MLModel, FAIR4ML.hasEvaluation, FAIR4ML.trainedOn} <= fair4ml
    assert fair4ml <= {URIRef(t) for t in fair4ml_defined}
    ours = {str(t).removeprefix(str(ZOO)) for t in terms if t.startswith(str(ZOO))}
    assert ours <= NAMES
    others = terms - schema - prov - fair4ml - {URIRef(str(ZOO) + name) for name in ours}
    assert others == {RDF.type}


def test_membership_in_sdo_is_real() -> None:
    assert ns.SDO.sha256 in ns.SDO
    assert URIRef(f"{ns.SDO}notATerm") not in ns.SDO


@pytest.mark.parametrize("model_id", SAMPLE_IDS)
def test_required_properties_are_present(zoo_ttl: Graph, model_id: str) -> None:
    card = parse_card(REPO / "content" / model_id / "README.md", "README.md").card
    assert card is not None
    model = URIRef(f"{SITE}models/{model_id}/")
    assert set(zoo_ttl.objects(model, RDF.type)) == {ns.SDO.Dataset, FAIR4ML.MLModel}
    assert zoo_ttl.value(model, ns.SDO.name) == Literal(card.name)
    assert zoo_ttl.value(model, ns.SDO.identifier) == Literal(model_id)
    assert zoo_ttl.value(model, ns.SDO.url) == model
    assert zoo_ttl.value(model, ns.SDO.version) == Literal(str(card.onnx["model_version"]))
    assert len(str(zoo_ttl.value(model, ns.SDO.description))) >= 50
    assert zoo_ttl.value(model, ns.SDO.license) == URIRef("https://spdx.org/licenses/Apache-2.0")
    assert zoo_ttl.value(model, FAIR4ML.mlTask) == Literal(card.meta["pipeline_tag"])
    assert zoo_ttl.value(model, FAIR4ML.intendedUse) == Literal(card.onnx["intended_use"])
    assert (zoo_ttl.value(model, FAIR4ML.modelRisksBiasLimitations)
            == Literal(card.onnx["limitations"]))
    download = zoo_ttl.value(model, ns.SDO.distribution)
    assert download == URIRef(f"{model}model.onnx")
    assert zoo_ttl.value(download, ns.SDO.contentUrl) == download
    assert zoo_ttl.value(download, ns.SDO.encodingFormat) == Literal("application/onnx")
    assert zoo_ttl.value(download, ns.SDO.sha256) == Literal(card.onnx["sha256"])
    size = (REPO / "content" / model_id / "model.onnx").stat().st_size
    assert zoo_ttl.value(download, ns.SDO.contentSize) == Literal(f"{size} B")
    precision = "/".join(card.onnx["precision"])
    assert zoo_ttl.value(model, ZOO.precision) == Literal(precision)


def test_a_quantized_model_states_its_lineage(zoo_ttl: Graph) -> None:
    model = URIRef(f"{SITE}models/digits-mlp-int8-qdq/")
    parent = URIRef(f"{SITE}models/digits-mlp-fp32/")
    activity = URIRef(f"{model}#generation")
    agent = URIRef(f"{model}#agent")
    calibration = URIRef(f"{SITE}report/#dataset-scikit-learn-digits-train")
    assert list(zoo_ttl.objects(model, ns.PROV.wasDerivedFrom)) == [parent]
    assert list(zoo_ttl.objects(model, ns.PROV.wasGeneratedBy)) == [activity]
    assert set(zoo_ttl.objects(activity, RDF.type)) == {ns.PROV.Activity, ZOO.Quantization}
    assert set(zoo_ttl.objects(activity, ns.PROV.used)) == {parent, calibration}
    assert list(zoo_ttl.objects(activity, ns.PROV.wasAssociatedWith)) == [agent]
    agent_types = {ns.PROV.SoftwareAgent, ns.SDO.SoftwareApplication}
    assert set(zoo_ttl.objects(agent, RDF.type)) == agent_types
    assert zoo_ttl.value(agent, ns.SDO.name) == Literal("onnxruntime.quantization")
    assert zoo_ttl.value(agent, ns.SDO.softwareVersion) == Literal("1.32.0")
    assert zoo_ttl.value(model, ZOO.quantizationScheme) == Literal("qdq")
    assert list(zoo_ttl.subjects(FAIR4ML.fineTunedFrom, None)) == []
    int8 = URIRef(f"{model}#tensors-INT8")
    assert (int8, RDF.type, ZOO.TensorProfile) in zoo_ttl
    assert zoo_ttl.value(int8, ZOO.elementCount) == Literal(4742)
    assert zoo_ttl.value(URIRef(f"{model}#opset-ai.onnx"), ZOO.opsetVersion) == Literal(16)
    assert zoo_ttl.value(model, ZOO.irVersion) == Literal(8)


def test_an_evaluation_holds_the_accuracy_and_its_dataset(zoo_ttl: Graph) -> None:
    model = URIRef(f"{SITE}models/iris-logreg/")
    evaluation = URIRef(f"{model}#evaluation-1")
    result = URIRef(f"{evaluation}-1")
    test_split = URIRef(f"{SITE}report/#dataset-scikit-learn-iris-test")
    assert list(zoo_ttl.objects(model, FAIR4ML.hasEvaluation)) == [evaluation]
    assert zoo_ttl.value(evaluation, RDF.type) == FAIR4ML.MLModelEvaluation
    assert zoo_ttl.value(evaluation, FAIR4ML.evaluatedMLModel) == model
    assert zoo_ttl.value(evaluation, FAIR4ML.evaluationDataset) == test_split
    assert zoo_ttl.value(result, ns.SDO.propertyID) == Literal("accuracy")
    assert zoo_ttl.value(result, ns.SDO.value) == Literal(1.0)
    assert zoo_ttl.value(model, FAIR4ML.evaluatedOn) == test_split
    whole = URIRef(f"{SITE}report/#dataset-scikit-learn-iris")
    assert zoo_ttl.value(test_split, ns.SDO.isPartOf) == whole


def anchors(path: Path) -> set[str]:
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return {str(element["id"]) for element in page.find_all(id=True)}


def test_project_terms_and_datasets_dereference_to_an_anchor(built: TmpZoo, zoo_ttl: Graph) -> None:
    on_vocab = anchors(built.site / "vocab" / "index.html")
    assert {term.name for term in TERMS} <= on_vocab
    iris = {str(t) for triple in zoo_ttl for t in triple if isinstance(t, URIRef)}
    ours = {iri.removeprefix(f"{SITE}vocab/#") for iri in iris if iri.startswith(f"{SITE}vocab/")}
    assert ours and ours <= on_vocab
    datasets = {iri.removeprefix(f"{SITE}report/#") for iri in iris
                if iri.startswith(f"{SITE}report/")}
    assert datasets == {f"dataset-scikit-learn-{name}{split}" for name in ("digits", "iris")
                        for split in ("", "-train", "-test")}
    assert datasets <= anchors(built.site / "report" / "index.html")
    vocab_ttl = Graph().parse(built.site / "vocab" / "vocab.ttl", format="turtle")
    assert len(set(vocab_ttl.subjects(RDF.type, None))) == len(TERMS)


def test_the_golden_jsonld_document(built: TmpZoo) -> None:
    published = (built.site / "models" / "digits-mlp-int8-qdq" / "model.jsonld").read_text()
    if os.environ.get("ZOO_REGENERATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(published)
    assert published == GOLDEN.read_text()


FINETUNE = CARD.replace("tags: [onnx, fp32]", "tags: [onnx, fp32]\nbase_model: base\n"
                        "base_model_relation: finetune").replace(
    "  model_version: 1\n", "  model_version: 1\n  datasets:\n"
    "  - {name: Tiny set, role: training, split: train}\n"
    "  lineage_step: {tool: trainer, tool_version: '2.0', method: three epochs}\n")


def test_a_fine_tune_is_fine_tuned_from_its_parent(tmp_zoo: TmpZoo) -> None:
    tmp_zoo.add("base")
    tmp_zoo.add("tuned", FINETUNE)
    result = tmp_zoo.build()
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(tmp_zoo.site / "zoo.ttl", format="turtle")
    site = "https://zoo.example.org/"
    tuned, base = URIRef(f"{site}models/tuned/"), URIRef(f"{site}models/base/")
    activity = URIRef(f"{tuned}#generation")
    assert list(graph.subject_objects(FAIR4ML.fineTunedFrom)) == [(tuned, base)]
    assert (activity, RDF.type, URIRef(f"{site}vocab/#FineTuning")) in graph
    assert set(graph.objects(activity, ns.PROV.used)) == {
        base, URIRef(f"{site}report/#dataset-tiny-set-train")}
    assert graph.value(activity, ns.SDO.description) == Literal("three epochs")


def test_a_base_model_outside_the_zoo_is_its_hub_page(tmp_path: Path) -> None:
    from conftest import tiny_model

    from generator.graph import zoo_graph
    from generator.zoo import load_zoo

    card = CARD.replace("tags: [onnx, fp32]\n", "tags: [onnx, fp32]\nbase_model: org/base-1.0\n"
                        "base_model_relation: quantized\n")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text(card)
    tiny_model(tmp_path / "m" / "model.onnx")
    graph = zoo_graph(load_zoo(tmp_path).records, SITE)
    model, hub = URIRef(f"{SITE}models/m/"), URIRef("https://huggingface.co/org/base-1.0")
    assert list(graph.objects(model, ns.PROV.wasDerivedFrom)) == [hub]
    assert list(graph.objects(URIRef(f"{model}#generation"), ns.PROV.used)) == [hub]
    assert list(graph.triples((hub, None, None))) == []


def test_the_report_links_model_ids_to_their_pages(built: TmpZoo) -> None:
    page = BeautifulSoup((built.site / "report" / "index.html").read_text(), "html.parser")
    links = {a.get_text(): a["href"] for a in page.select("article table a[href]")}
    assert links["digits-mlp-int8-qdq"] == "../models/digits-mlp-int8-qdq/"
    assert set(links) == set(SAMPLE_IDS)
