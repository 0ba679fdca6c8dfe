"""The zoo as people browse it, read from the built HTML: index, model page, hardware page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import CARD, TmpZoo

from generator.ancestry import ancestry
from generator.charts import percent, precision_chart, weight_shares
from generator.facets import dataset_names, default_opset, modality
from generator.hardware import features_json, load_features, runs_natively
from generator.modelfacts import TensorStats
from generator.zoo import load_zoo


@pytest.fixture(scope="module")
def built(built_sample: TmpZoo) -> TmpZoo:
    return built_sample


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def cells(row: BeautifulSoup) -> list[str]:
    return [" ".join(cell.get_text(" ", strip=True).split()) for cell in row.find_all(["th", "td"])]


def test_the_index_row_shows_name_task_precision_size_opset_license_producer(built: TmpZoo) -> None:
    page = soup(built.site / "index.html")
    head = [th.get_text() for th in page.select("table.zoo-index thead th")]
    assert head == ["Model", "Task", "Precision", "Size", "Opset", "License", "Producer"]
    row = page.select_one('table.zoo-index tr[data-zoo-id="digits-mlp-int8-qdq"]')
    assert cells(row) == ["Digits MLP (INT8 QDQ)", "image-classification", "INT8 FP32", "8.7 kB",
                          "16", "apache-2.0", "onnx.quantize"]


def test_without_javascript_the_filter_is_hidden_and_the_table_is_whole(built: TmpZoo) -> None:
    page = soup(built.site / "index.html")
    assert page.select_one("form.zoo-filter").has_attr("hidden")
    assert len(page.select("table.zoo-index tbody tr")) == 9
    assert not page.select("table.zoo-index tbody tr[hidden]")


def test_models_json_carries_every_facet(built: TmpZoo) -> None:
    entries = {e["id"]: e for e in json.loads((built.site / "models.json").read_text())}
    qdq = entries["digits-mlp-int8-qdq"]
    assert {k: qdq[k] for k in ("task", "families", "scheme", "opset_default", "license",
                                "modality", "size_bytes", "producer", "datasets", "signed")} == {
        "task": "image-classification", "families": ["INT8", "FP32"], "scheme": "qdq",
        "opset_default": 16, "license": "apache-2.0", "modality": "vision", "size_bytes": 8723,
        "producer": "onnx.quantize", "datasets": ["scikit-learn/digits", "scikit-learn digits"],
        "signed": False,
    }
    assert entries["iris-logreg"]["modality"] == "tabular"
    assert entries["digits-mlp-int8-dynamic"]["scheme"] == "dynamic"


def test_the_model_page_glance(built: TmpZoo) -> None:
    page = soup(built.site / "models" / "digits-mlp-int8-qdq" / "index.html")
    glance = {dt.get_text(): " ".join(dt.find_next_sibling("dd").get_text(" ", strip=True).split())
              for dt in page.select(".zoo-glance dt")}
    assert glance == {
        "Task": "image-classification", "Precision": "INT8 FP32 qdq quantization",
        "License": "apache-2.0", "Datasets": "scikit-learn/digits, scikit-learn digits",
        "Opset": "ai.onnx 16, ai.onnx.ml 1", "Producer": "onnx.quantize 0.1.0", "Size": "8.7 kB",
        "sha256": "b72d5e76b549ff0948eb4f2ef7344c1f210ec37eb090550d32d26a4d353bbf63 Copy",
        "Signed": "no",
    }
    button = page.select_one("button.zoo-copy")
    assert button["data-zoo-copy"] == "zoo-sha256" and button.has_attr("hidden")
    downloads = [a["href"] for a in page.select(".zoo-downloads a")]
    assert downloads == ["model.onnx", "model.jsonld"]


def test_the_precision_chart_is_inline_svg_with_its_words(built: TmpZoo) -> None:
    page = soup(built.site / "models" / "digits-mlp-int8-qdq" / "index.html")
    svg = page.select_one("#precision-profile ~ figure svg.zoo-chart--precision")
    assert svg["role"] == "img"
    assert svg.title.get_text() == "Share of weight bytes per dtype"
    assert svg.desc.get_text() == ("INT8 92.8% (4,742 bytes), FLOAT 6.3% (320 bytes), "
                                   "INT32 0.8% (40 bytes), INT64 0.2% (8 bytes)")
    assert [g["class"][1] for g in svg.select("g.zoo-bar")] == [
        "zoo-bar--int8", "zoo-bar--fp32", "zoo-bar--other", "zoo-bar--other"]
    iris = soup(built.site / "models" / "iris-logreg" / "index.html")
    assert iris.select_one("#precision-profile ~ figure .zoo-chart-empty") is not None


def test_the_lineage_diagram_goes_from_parent_to_model_with_the_accuracy(built: TmpZoo) -> None:
    page = soup(built.site / "models" / "digits-mlp-int8-qdq" / "index.html")
    svg = page.select_one("svg.zoo-chart--lineage")
    assert [g["data-model"] for g in svg.select("g.zoo-node")] == [
        "digits-mlp-fp32", "digits-mlp-int8-qdq"]
    assert [t.get_text() for t in svg.select(".zoo-node-score")] == [
        "accuracy 0.9733", "accuracy 0.9733"]
    assert [t.get_text() for t in svg.select(".zoo-edge text")] == ["quantized"]
    assert len(svg.select(".zoo-trend circle")) == 2
    steps = [" ".join(li.get_text(" ", strip=True).split()) for li in page.select(".zoo-steps li")]
    assert steps == [
        "Digits MLP (FP32) ; accuracy 0.9733",
        "Digits MLP (INT8 QDQ): quantized (static QDQ, MinMax, QInt8 activations and weights, "
        "MatMul only); accuracy 0.9733",
    ]
    assert page.select_one(".zoo-steps a")["href"] == "../digits-mlp-fp32/"
    root = soup(built.site / "models" / "digits-mlp-fp32" / "index.html")
    svg = root.select_one("svg.zoo-chart--lineage")
    assert [g["data-model"] for g in svg.select("g.zoo-node")] == [
        "digits-mlp-fp32", "digits-mlp-bf16", "digits-mlp-fp16", "digits-mlp-int8-dynamic",
        "digits-mlp-int8-qdq"]
    assert [t.get_text() for t in svg.select(".zoo-node-score")] == [
        "accuracy 0.9733"] + ["accuracy 0.9733 (+0.0000)"] * 4
    assert not svg.select(".zoo-trend")
    assert [a["href"] for a in root.select(".zoo-children a")] == [
        "../digits-mlp-bf16/", "../digits-mlp-fp16/", "../digits-mlp-int8-dynamic/",
        "../digits-mlp-int8-qdq/"]
    assert root.select_one(".zoo-lineage figcaption").get_text().startswith("The card names no")
    iris = soup(built.site / "models" / "iris-logreg" / "index.html")
    assert len(iris.select("svg.zoo-chart--lineage g.zoo-node")) == 1


def test_the_hardware_page_lists_features_with_sources_and_models(built: TmpZoo) -> None:
    page = soup(built.site / "hardware" / "index.html")
    features = load_features()
    rows = page.select("table.zoo-hw-table tbody tr")
    assert [r.th.get_text() for r in rows] == [f.name for f in features]
    assert [r.a["href"] for r in rows] == [f.source for f in features]
    static = {dt.get_text(): [a["href"] for a in dt.find_next_sibling("dd").find_all("a")]
              for dt in page.select("dl.zoo-hw-static dt")}
    assert static["AMX-INT8"] == ["../models/digits-mlp-int8-dynamic/",
                                  "../models/digits-mlp-int8-qdq/"]
    assert static["NVIDIA tensor cores, FP8"] == []
    assert len(static["FP32 only (runs everywhere)"]) == 5
    published = json.loads((built.site / "hardware.json").read_text())
    assert published == features_json(features)


def test_every_hardware_feature_has_a_source_and_dates() -> None:
    for feature in load_features():
        assert feature.source.startswith("https://"), feature.id
        assert len(feature.since) == 7 and len(feature.recorded) == 10, feature.id
        assert feature.precisions and "FP32" not in feature.precisions, feature.id


def test_a_hostile_parent_card_stays_text_in_the_lineage(tmp_zoo: TmpZoo) -> None:
    evil = CARD.replace("# Tiny classifier", "# Parent </text><script>alert(1)</script>")
    tmp_zoo.add("parent", evil)
    tmp_zoo.add("child", CARD.replace("pipeline_tag:", "base_model: parent\n"
                                      "base_model_relation: '<b>finetune</b>'\npipeline_tag:"))
    assert tmp_zoo.build(strict=False).returncode == 0
    page = soup(tmp_zoo.site / "models" / "child" / "index.html")
    svg = page.select_one("svg.zoo-chart--lineage")
    assert svg.find("script") is None and svg.find("b") is None
    assert svg.select_one(".zoo-node-name").get_text() == "Parent </text><script>a…"
    assert svg.select_one(".zoo-edge text").get_text() == "<b>finetune</b>"


def test_weight_shares_and_percent() -> None:
    tensors = {"FLOAT16": TensorStats(2, 100, 200), "FLOAT": TensorStats(1, 1, 4),
               "INT64": TensorStats(1, 0, 0)}
    assert [(s.dtype, s.bytes) for s in weight_shares(tensors)] == [("FLOAT16", 200), ("FLOAT", 4)]
    assert weight_shares({}) == ()
    assert (percent(0.0001), percent(0.5), percent(1.0)) == ("<0.1%", "50.0%", "100.0%")
    assert "no weight tensors" in precision_chart({})


@pytest.mark.parametrize(("task", "expected"), [
    ("image-classification", "vision"), ("object-detection", "vision"),
    ("text-classification", "text"), ("automatic-speech-recognition", "audio"),
    ("tabular-classification", "tabular"), ("image-to-text", "multimodal"), (None, "unknown"),
])
def test_modality(task: str | None, expected: str) -> None:
    assert modality(task) == expected


def test_datasets_and_default_opset() -> None:
    meta = {"datasets": ["a"], "onnx": {"datasets": [{"name": "b"}, {"name": "a"}, "junk"]}}
    assert dataset_names(meta) == ["a", "b"]
    assert (default_opset({"": 17}), default_opset({"ai.onnx": 13}), default_opset({})) == (
        17, 13, None)


def test_runs_natively_needs_every_reduced_precision() -> None:
    by_id = {f.id: f for f in load_features()}
    amx = [by_id["amx-int8"], by_id["amx-bf16"]]
    assert runs_natively(["INT8", "FP32"], amx)
    assert runs_natively(["INT8", "BF16", "FP32"], amx)
    assert not runs_natively(["INT8", "FP16", "FP32"], amx)
    assert not runs_natively(["FP32"], amx)


def test_ancestry_stops_at_a_cycle_and_names_an_outside_parent(tmp_zoo: TmpZoo) -> None:
    tmp_zoo.add("a", CARD.replace("pipeline_tag:", "base_model: b\npipeline_tag:"))
    tmp_zoo.add("b", CARD.replace("pipeline_tag:", "base_model: a\npipeline_tag:"))
    tmp_zoo.add("c", CARD.replace("pipeline_tag:", "base_model: org/outside\npipeline_tag:"))
    zoo = load_zoo(tmp_zoo.content).records
    records = {r.id: r for r in zoo}
    assert [s.id for s in ancestry(records["a"], zoo)] == ["b", "a"]
    outside = ancestry(records["c"], zoo)
    assert [(s.id, s.in_zoo, s.current) for s in outside] == [
        ("org/outside", False, False), ("c", True, True)]


def test_search_indexes_dataset_producer_and_precision_of_a_model(built: TmpZoo) -> None:
    index = json.loads((built.site / "search" / "search_index.json").read_text())
    doc = next(d for d in index["docs"] if d["location"] == "models/digits-mlp-int8-qdq/")
    assert doc["title"] == "Digits MLP (INT8 QDQ)"
    assert doc["text"].startswith("Task image-classification Precision INT8 FP32 qdq quantization "
                                  "License apache-2.0 Datasets scikit-learn/digits, scikit-learn "
                                  "digits Opset ai.onnx 16, ai.onnx.ml 1 Producer onnx.quantize")
