"""SHACL: what a published model must state; violations are `zoo check` findings with card lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CARD, REPO, tiny_model
from rdflib import RDF, URIRef
from rdflib import namespace as ns

from generator.cli import main
from generator.findings import RULES, Severity
from generator.graph import zoo_graph
from generator.namespaces import DEFAULT_SITE_URL
from generator.shapes import SHAPE_RULES, SHAPES, shapes_graph, validate
from generator.zoo import load_zoo

SHORT = CARD.replace("  file: model.onnx\n", "  file: model.onnx\n  description: Too short.\n")
DERIVED = CARD.replace("tags: [onnx, fp32]\n", "tags: [onnx, fp32]\nbase_model: plain\n"
                       "base_model_relation: quantized\n")


def check(root: Path, cards: dict[str, str], monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> list[str]:
    """`zoo check` on a fresh zoo of tiny models; the printed lines of the shapes' rules."""
    for model_id, card in cards.items():
        (root / "content" / model_id).mkdir(parents=True)
        (root / "content" / model_id / "README.md").write_text(card)
        tiny_model(root / "content" / model_id / "model.onnx")
    monkeypatch.chdir(root)
    main(["check", "content"])
    return [line for line in capsys.readouterr().out.splitlines() if ": ZC42" in line]


def test_a_short_description_is_a_warning_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(tmp_path, {"m": SHORT}, monkeypatch, capsys) == [
        "content/m/README.md:5: ZC424 info: the card names no training dataset (onnx.datasets "
        "with role training) (hint: list the datasets under `onnx.datasets` with their role)",
        "content/m/README.md:7: ZC421 warning: the description is missing or shorter than 50 "
        "characters (hint: write `onnx.description`, or a first paragraph of 50+ characters)",
    ]


def test_a_derived_model_without_its_tool_is_reported_at_base_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = check(tmp_path, {"plain": CARD, "derived": DERIVED}, monkeypatch, capsys)
    assert ("content/derived/README.md:5: ZC425 info: the model is derived from another but "
            "names no tool (onnx.lineage_step.tool) (hint: add `onnx.lineage_step: {tool: ..., "
            "tool_version: ...}`)") in lines
    assert not [line for line in lines if "plain" in line and "ZC425" in line]


def test_the_sample_zoo_meets_the_shapes_but_for_missing_training_data() -> None:
    zoo = load_zoo(REPO / "content")
    found = [(f.path.rsplit("content/", 1)[-1], f.line, f.code, f.severity)
             for f in zoo.findings if f.code.startswith("ZC42")]
    assert found == [(f"{m}/README.md", 16, "ZC424", Severity.INFO)
                     for m in ("densenet121-light", "resnet50-light", "squeezenet-light")]


def test_a_download_without_its_hash_violates_the_shapes() -> None:
    graph = zoo_graph(load_zoo(REPO / "content").records, DEFAULT_SITE_URL)
    model = URIRef(f"{DEFAULT_SITE_URL}models/iris-logreg/")
    graph.remove((URIRef(f"{model}model.onnx"), ns.SDO.sha256, None))
    assert [v for v in validate(graph) if v[0] == model] == [
        (model, "download",
         "the model file's download lacks a URL, size, media type or SHA-256")]


def test_severities_apply_to_shape_findings(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text(SHORT)
    tiny_model(tmp_path / "m" / "model.onnx")
    zoo = load_zoo(tmp_path, severities={"description-too-short": Severity.ERROR})
    assert [(f.code, f.severity) for f in zoo.findings if f.code == "ZC421"] == [
        ("ZC421", Severity.ERROR)]
    assert not zoo.records[0].ok


def test_every_shape_has_a_registered_rule_of_the_family() -> None:
    shapes = shapes_graph()
    named = {str(s).removeprefix(str(SHAPES)) for s in shapes.objects(None, ns.SH.property)
             if isinstance(s, URIRef)}
    assert named == set(SHAPE_RULES)
    for rule in SHAPE_RULES.values():
        assert rule.code in RULES and "ZC420" <= rule.code <= "ZC449"
    assert set(shapes.subjects(RDF.type, ns.SH.NodeShape)) >= {SHAPES.PublishedModel}


def test_zoo_inspect_never_imports_pyshacl() -> None:
    code = ("import sys; from generator.cli import main; "
            f"main(['inspect', {str(REPO / 'content' / 'iris-logreg' / 'model.onnx')!r}]); "
            "sys.stderr.write(str('pyshacl' in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stderr.endswith("False")
