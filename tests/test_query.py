"""SPARQL over the zoo graph: every canned query's rows on the sample zoo, and `zoo query`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import CARD, REPO, TmpZoo, tiny_model
from rdflib import Graph

from generator.cli import main
from generator.findings import ZooError
from generator.graph import zoo_graph
from generator.query import Table, canned_queries, markdown_table, run_query
from generator.zoo import load_zoo

SITE = "https://zoo-cards.example.org/"
DIGITS = ("digits-mlp-bf16", "digits-mlp-fp16", "digits-mlp-int8-dynamic", "digits-mlp-int8-qdq")
NAMES = {
    "densenet121-light": "DenseNet-121 (placeholder weights)",
    "digits-mlp-bf16": "Digits MLP (BF16 weights)",
    "digits-mlp-fp16": "Digits MLP (FP16)",
    "digits-mlp-fp32": "Digits MLP (FP32)",
    "digits-mlp-int8-dynamic": "Digits MLP (INT8 dynamic)",
    "digits-mlp-int8-qdq": "Digits MLP (INT8 QDQ)",
    "iris-logreg": "Iris logistic regression",
    "resnet50-light": "ResNet-50 (placeholder weights)",
    "squeezenet-light": "SqueezeNet 1.1 (placeholder weights)",
}
PRECISION = {"digits-mlp-bf16": "BF16/FP32", "digits-mlp-fp16": "FP16/FP32",
             "digits-mlp-int8-dynamic": "INT8/FP32", "digits-mlp-int8-qdq": "INT8/FP32"}
TOOLS = {"digits-mlp-bf16": "onnx 1.23.2",
         "digits-mlp-fp16": "onnxconverter_common.float16 1.16.0",
         "digits-mlp-int8-dynamic": "onnxruntime.quantization 1.32.0",
         "digits-mlp-int8-qdq": "onnxruntime.quantization 1.32.0"}
EXPECTED: dict[str, Table] = {
    "consent": Table(("id", "name", "personalData", "notes"), ()),
    "lineage": Table(
        ("root", "model", "parent", "activity", "tool", "accuracy"),
        (("digits-mlp-fp32", "digits-mlp-fp32", "", "", "", "0.9733"),
         *(("digits-mlp-fp32", m, "digits-mlp-fp32", "Quantization", TOOLS[m], "0.9733")
           for m in DIGITS))),
    "no-hash": Table(("id", "name"), ()),
    "no-provenance": Table(
        ("id", "name", "missing"),
        tuple((m, NAMES[m], missing) for m, missing in (
            ("densenet121-light", "dataset, lineage"), ("digits-mlp-fp32", "lineage"),
            ("iris-logreg", "lineage"), ("resnet50-light", "dataset, lineage"),
            ("squeezenet-light", "dataset, lineage")))),
    "non-commercial": Table(("id", "name", "license"), ()),
    "precision": Table(
        ("family", "id", "name", "precision"),
        (("BF16", "digits-mlp-bf16", NAMES["digits-mlp-bf16"], "BF16/FP32"),
         ("FP16", "digits-mlp-fp16", NAMES["digits-mlp-fp16"], "FP16/FP32"),
         *(("FP32", m, NAMES[m], PRECISION.get(m, "FP32")) for m in sorted(NAMES)),
         ("INT8", "digits-mlp-int8-dynamic", NAMES["digits-mlp-int8-dynamic"], "INT8/FP32"),
         ("INT8", "digits-mlp-int8-qdq", NAMES["digits-mlp-int8-qdq"], "INT8/FP32"))),
}


@pytest.fixture(scope="module")
def sample_graph() -> Graph:
    return zoo_graph(load_zoo(REPO / "content").records, SITE)


def test_the_canned_queries_are_the_promised_six() -> None:
    assert sorted(canned_queries()) == sorted(EXPECTED)
    assert canned_queries()["precision"].params == {
        "family": "a precision family, such as INT8, FP16, BF16 or FP32"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_canned_query_returns_the_expected_rows(sample_graph: Graph, name: str) -> None:
    assert run_query(sample_graph, canned_queries()[name].text, SITE) == EXPECTED[name]


def test_the_precision_query_takes_a_family(sample_graph: Graph) -> None:
    table = run_query(sample_graph, canned_queries()["precision"].text, SITE, {"family": "INT8"})
    assert [row[1] for row in table.rows] == ["digits-mlp-int8-dynamic", "digits-mlp-int8-qdq"]


def make_zoo(root: Path, cards: dict[str, str | None]) -> Path:
    """A content folder: each card with the tiny model, or None for a card without its model."""
    for model_id, card in cards.items():
        folder = root / "content" / model_id
        folder.mkdir(parents=True)
        (folder / "README.md").write_text(card or CARD)
        if card is not None:
            tiny_model(folder / "model.onnx")
    return root / "content"


CONSENT = CARD.replace("  privacy: {personal_data: false, consent_required: false}\n",
                       "  privacy: {personal_data: true, consent_required: true, "
                       "notes: Faces of volunteers.}\n")
NON_COMMERCIAL = CARD.replace("license: apache-2.0", "license: cc-by-nc-4.0")


def test_queries_that_find_nothing_in_the_sample_find_what_they_look_for(tmp_path: Path) -> None:
    assert "consent_required: true" in CONSENT and "cc-by-nc-4.0" in NON_COMMERCIAL
    content = make_zoo(tmp_path, {"consenting": CONSENT, "nc": NON_COMMERCIAL, "plain": CARD,
                                  "unhashed": None})
    graph = zoo_graph(load_zoo(content).records, SITE)
    queries = canned_queries()
    assert run_query(graph, queries["consent"].text, SITE).rows == (
        ("consenting", "Tiny classifier", "true", "Faces of volunteers."),)
    assert run_query(graph, queries["non-commercial"].text, SITE).rows == (
        ("nc", "Tiny classifier", "https://spdx.org/licenses/CC-BY-NC-4.0"),)
    assert run_query(graph, queries["no-hash"].text, SITE).rows == (
        ("unhashed", "Tiny classifier"),)


def test_a_query_that_would_reach_the_network_is_refused(sample_graph: Graph) -> None:
    for query in ("SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }",
                  "SELECT * FROM <https://example.org/data.ttl> WHERE { ?s ?p ?o }"):
        with pytest.raises(ZooError, match="refusing a query that loads remote data"):
            run_query(sample_graph, query, SITE)


def test_markdown_tables_keep_pipes_inside_cells() -> None:
    table = Table(("a", "b"), (("x|y", "z"),))
    assert markdown_table(table) == "| a | b |\n| --- | --- |\n| x\\|y | z |\n"
    assert markdown_table(Table(("a",), ())) == "No models.\n"


@pytest.fixture
def in_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_zoo_query_lists_the_canned_queries(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "consent: Models whose data required consent",
        "lineage: Lineage chains",
        "no-hash: Models without a hash",
        "no-provenance: Models without provenance",
        "non-commercial: Licenses that forbid commercial use",
        "precision: Models by precision family",
        "    --param family=...: a precision family, such as INT8, FP16, BF16 or FP32",
    ]


def test_zoo_query_prints_a_table_csv_and_json(
    in_sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "precision", "--param", "family=INT8"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "family  id                       name                       precision",
        "------  -----------------------  -------------------------  ---------",
        "INT8    digits-mlp-int8-dynamic  Digits MLP (INT8 dynamic)  INT8/FP32",
        "INT8    digits-mlp-int8-qdq      Digits MLP (INT8 QDQ)      INT8/FP32",
        "(2 rows)",
    ]
    assert main(["query", "no-provenance", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[:3] == [
        "id,name,missing",
        'densenet121-light,DenseNet-121 (placeholder weights),"dataset, lineage"',
        "digits-mlp-fp32,Digits MLP (FP32),lineage",
    ]
    sparql = "SELECT ?model WHERE { ?model zoo:quantizationScheme 'qdq' }"
    assert main(["query", sparql, "--format", "json"]) == 0
    assert capsys.readouterr().out == (
        '[\n  {\n    "model": "https://zoo-cards.example.org/models/digits-mlp-int8-qdq/"\n'
        "  }\n]\n")
    assert main(["query", sparql, "--format", "csv", "--site-url", "https://x.test"]) == 0
    assert capsys.readouterr().out == "model\nhttps://x.test/models/digits-mlp-int8-qdq/\n"


def test_zoo_query_reports_usage_errors(
    in_sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "precision", "--param", "fam=INT8"]) == 2
    assert capsys.readouterr().err == "zoo query: precision takes no parameter fam\n"
    assert main(["query", "precision", "--param", "INT8"]) == 2
    assert capsys.readouterr().err == (
        "zoo query: --param INT8: write NAME=VALUE, e.g. family=INT8\n")
    assert main(["query"]) == 2
    assert capsys.readouterr().err == (
        "zoo query: name a query (`zoo query --list` lists them) or give SPARQL\n")
    assert main(["query", "SELECT nonsense"]) == 2
    assert capsys.readouterr().err.startswith("zoo query: the query does not parse: ")


def test_the_report_page_shows_each_canned_query(built_sample: TmpZoo) -> None:
    zoo = built_sample
    page = BeautifulSoup((zoo.site / "report" / "index.html").read_text(), "html.parser")
    assert page.find("h1").get_text(strip=True).startswith("Provenance and fairness report")
    titles = [h.get_text(strip=True).rstrip("¶") for h in page.find_all("h2")]
    assert titles == [q.title for q in canned_queries().values()] + ["Datasets"]
    tables = page.select("article table")
    shown = [tuple(tuple(td.get_text() for td in tr.find_all("td")) for tr in t.select("tbody tr"))
             for t in tables]
    assert shown[:3] == [EXPECTED["lineage"].rows, EXPECTED["no-provenance"].rows,
                         EXPECTED["precision"].rows]
    assert page.get_text().count("No models.") == 3


def derived(parent: str) -> str:
    return CARD.replace("tags: [onnx, fp32]\n", f"tags: [onnx, fp32]\nbase_model: {parent}\n"
                        "base_model_relation: finetune\n").replace(
        "  model_version: 1\n", "  model_version: 1\n  lineage_step: {tool: trainer}\n")


def test_a_lineage_chain_goes_down_every_step(tmp_path: Path) -> None:
    content = make_zoo(tmp_path, {"base": CARD, "mid": derived("base"), "leaf": derived("mid")})
    graph = zoo_graph(load_zoo(content).records, SITE)
    assert run_query(graph, canned_queries()["lineage"].text, SITE).rows == (
        ("base", "base", "", "", "", ""),
        ("base", "mid", "base", "FineTuning", "trainer", ""),
        ("base", "leaf", "mid", "FineTuning", "trainer", ""),
    )
