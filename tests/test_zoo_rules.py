"""Rules that need more than one tiny model: real quantized models, metadata_props, symlinks,
and the zoo-wide checks (ids, lineage, interfaces, accuracy along the lineage)."""

from __future__ import annotations

import shutil
from pathlib import Path

import onnx
import pytest
from conftest import CARD, REPO, TmpZoo
from onnx import TensorProto, helper
from test_golden import ours

from generator.cli import main
from generator.zoo import load_zoo
from generator.zoowide import ZooOptions

SAMPLE = REPO / "content"


def check(zoo: TmpZoo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    status = main(["check", str(zoo.content), *args])
    return status, ours(capsys.readouterr().out.splitlines())


@pytest.fixture
def here(tmp_zoo: TmpZoo, monkeypatch: pytest.MonkeyPatch) -> TmpZoo:
    monkeypatch.chdir(tmp_zoo.root)
    return tmp_zoo


def sample_model(zoo: TmpZoo, model_id: str, source: str, card: str) -> Path:
    folder = zoo.add(model_id, card, model=False)
    shutil.copy(SAMPLE / source / "model.onnx", folder / "model.onnx")
    return folder


def test_a_quantized_model_declared_fp32_names_the_undeclared_precision(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    card = CARD.replace('  opset: {"": 17}\n', "  precision: [FP32]\n")
    sample_model(here, "q", "digits-mlp-int8-qdq", card)
    assert check(here, capsys) == (1, [
        "content/q/README.md:8: ZC210 error: the model computes in INT8 (detected: INT8/FP32), "
        "the card does not say so (hint: add INT8 to `onnx.precision`)"])


def test_a_precision_tag_is_a_claim_checked_against_the_graph(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    card = CARD.replace("tags: [onnx, fp32]", "tags: [onnx, fp16, int8]").replace(
        '  opset: {"": 17}\n', "  precision: [FP16, FP32]\n")
    sample_model(here, "h", "digits-mlp-fp16", card)
    assert check(here, capsys) == (1, [
        "content/h/README.md:4: ZC209 error: tag `int8` claims INT8, the model computes in "
        "FP16/FP32 (hint: remove the tag, or fix the model)"])


def with_metadata(path: Path, **props: str) -> None:
    model = onnx.load(path)
    helper.set_model_props(model, props)
    onnx.save(model, path)


def test_metadata_props_that_contradict_the_card(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = here.add("m", CARD.replace('  opset: {"": 17}\n', "  precision: [FP32]\n"))
    with_metadata(folder / "model.onnx", precision="int8/fp32", model_license="MIT")
    assert check(here, capsys) == (1, [
        "content/m/README.md:2: ZC211 error: metadata_props model_license 'MIT' in model, "
        "'apache-2.0' in card (hint: make the model's metadata and the card agree)",
        "content/m/README.md:8: ZC211 error: metadata_props precision 'int8/fp32' in model, "
        "FP32 in card (hint: make the model's metadata and the card agree)"])


def test_metadata_props_that_agree_with_the_card_pass(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = here.add("m", CARD.replace('  opset: {"": 17}\n', "  precision: [FP32]\n"))
    with_metadata(folder / "model.onnx", precision="FP32", license="Apache-2.0")
    assert check(here, capsys) == (0, [])


def test_a_model_file_symlinked_out_of_the_folder_is_refused(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = here.add("elsewhere", None) / "model.onnx"
    shutil.move(outside, here.root / "secret.onnx")
    shutil.rmtree(outside.parent)
    folder = here.add("m", model=False)
    (folder / "model.onnx").symlink_to(here.root / "secret.onnx")
    assert check(here, capsys) == (1, [
        "content/m/README.md:6: ZC112 error: model.onnx links outside the model folder "
        "(hint: copy the model into the folder instead of linking it)"])


def test_a_bad_card_does_not_stop_the_rest_of_the_zoo(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    here.add("bad", b"\xff\xfe\0binary")
    here.add("good", CARD.replace('opset: {"": 17}', 'opset: {"": 13}'))
    status, lines = check(here, capsys)
    assert status == 1
    assert [line.split(" (hint")[0] for line in lines] == [
        "content/bad/README.md:1: ZC100 error: the card is a binary file, not Markdown",
        "content/good/README.md:8: ZC201 error: opset ai.onnx 13 in card, 17 in model"]


# The zoo as a whole.

CHILD = CARD.replace("tags: [onnx, fp32]\n",
                     "tags: [onnx, fp32]\nbase_model: {parent}\nbase_model_relation: {relation}\n")


def child(parent: str, relation: str = "quantized") -> str:
    return CHILD.replace("{parent}", parent).replace("{relation}", relation)


def test_ids_that_differ_only_in_case_clash(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    here.add("Tiny")
    here.add("tiny")
    assert check(here, capsys) == (1, [
        "content/tiny:1: ZC300 error: id `tiny` clashes with `Tiny` "
        "(hint: ids must differ in more than letter case: rename one folder)"])


def test_a_base_model_outside_the_zoo_is_only_information(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    here.add("m", child("google-bert/bert-base-uncased", "converted"))
    assert check(here, capsys, "--strict") == (0, [
        "content/m/README.md:5: ZC301 info: base_model `google-bert/bert-base-uncased` is not "
        "a model of this zoo (hint: fine for a Hub id; otherwise fix the name)"])


def test_a_lineage_cycle_is_reported_once(here: TmpZoo, capsys: pytest.CaptureFixture[str]) -> None:
    here.add("a", child("c", "finetune"))
    here.add("b", child("a", "finetune"))
    here.add("c", child("b", "finetune"))
    assert check(here, capsys) == (1, [
        "content/a/README.md:5: ZC302 error: lineage cycle: a → c → b → a "
        "(hint: a model cannot descend from itself: fix one `base_model`)"])


def other_interface(path: Path) -> None:
    graph = helper.make_graph(
        [helper.make_node("Identity", ["pixels"], ["y"])], "other",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT16, ["N", 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="zoo-tests", producer_version="1")
    model.model_version = 1
    onnx.save(model, path)


def test_a_quantized_child_must_keep_its_parents_interface(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    here.add("parent")
    other_interface(here.add("q", child("parent")) / "model.onnx")
    here.add("tuned", child("parent", "finetune"), model=False)
    other_interface(here.content / "tuned" / "model.onnx")
    assert check(here, capsys) == (0, [
        "content/q/README.md:5: ZC303 warning: inputs pixels FLOAT[N, 4] differ from parent's "
        "x FLOAT[N, 4] (hint: a quantized model keeps its parent's inputs)",
        "content/q/README.md:5: ZC303 warning: outputs y FLOAT16[N, 4] differ from parent's "
        "y FLOAT[N, 2] (hint: a quantized model keeps its parent's outputs)"])


def scored(card: str, accuracy: float, name: str = "m") -> str:
    index = (f"model-index:\n- name: {name}\n  results:\n  - task: {{type: image-classification}}\n"
             "    dataset: {name: digits, type: scikit-learn/digits, split: test}\n"
             f"    metrics:\n    - {{type: accuracy, value: {accuracy}}}\n"
             "    - {type: loss, value: 0.5}\n")
    return card.replace("onnx:\n", index + "onnx:\n", 1)


def test_an_accuracy_drop_along_the_lineage_beyond_the_threshold_warns(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    here.add("parent", scored(CARD, 0.9733))
    here.add("close", scored(child("parent"), 0.9711))
    here.add("far", scored(child("parent"), 0.9))
    assert check(here, capsys) == (0, [
        "content/far/README.md:13: ZC304 warning: accuracy on scikit-learn/digits (test) is 0.9, "
        "0.0733 worse than parent's 0.9733 (hint: the zoo allows 0.01 (option `accuracy_drop`); "
        "say why in the card, or improve the model)"])


def test_the_accuracy_threshold_is_an_option_and_loss_counts_upwards(tmp_zoo: TmpZoo) -> None:
    tmp_zoo.add("parent", scored(CARD, 0.9733))
    tmp_zoo.add("far", scored(child("parent"), 0.9).replace("value: 0.5", "value: 0.75"))
    zoo = load_zoo(tmp_zoo.content, options=ZooOptions(accuracy_drop=0.1))
    assert [(f.code, f.line, f.message.split(",")[0]) for f in zoo.findings
            if f.code == "ZC304"] == [
        ("ZC304", 14, "loss on scikit-learn/digits (test) is 0.75")]


def test_folders_without_a_card_with_a_bad_id_or_a_broken_model(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    here.add("cardless", None)
    here.add("has space")
    (here.add("broken", model=False) / "model.onnx").write_bytes(b"\x08\x07garbage" * 10)
    status, lines = check(here, capsys)
    assert status == 1
    assert [line.split(" (hint")[0] for line in lines] == [
        "content/broken/model.onnx:1: ZC200 error: not a readable ONNX model: "
        "malformed protobuf: wire type 7 at byte 2",
        "content/cardless:1: ZC113 error: no README.md in the model folder",
        "content/has space:1: ZC114 error: `has space` is not a usable id"]


def test_the_accuracy_threshold_in_mkdocs_yml_reaches_zoo_check(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    here.add("parent", scored(CARD, 0.9733))
    here.add("far", scored(child("parent"), 0.9))
    config = here.root / "mkdocs.yml"
    text = config.read_text()
    config.write_text(text.replace("  - zoo\n", "  - zoo:\n      accuracy_drop: 0.1\n"))
    assert check(here, capsys) == (0, [])
    config.write_text(config.read_text().replace("accuracy_drop: 0.1", "accuracy_drop: 0.05"))
    assert [line.split(":")[2] for line in check(here, capsys)[1]] == [" ZC304 warning"]
