"""`zoo check` and `zoo new` as a maintainer runs them: output formats, exit codes, settings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CARD, REPO, TmpZoo, tiny_model
from huggingface_hub import ModelCard
from test_golden import CASES, OURS, ours

from generator.card import parse_card
from generator.cardrules import check_schema
from generator.cli import main
from generator.findings import RULES

WRONG_OPSET = CARD.replace('opset: {"": 17}', 'opset: {"": 13}')
NO_PRIVACY = CARD.replace("  privacy: {personal_data: false, consent_required: false}\n", "")


@pytest.fixture
def here(tmp_zoo: TmpZoo, monkeypatch: pytest.MonkeyPatch) -> TmpZoo:
    monkeypatch.chdir(tmp_zoo.root)
    return tmp_zoo


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_exit_codes(here: TmpZoo, capsys: pytest.CaptureFixture[str]) -> None:
    here.add("m")
    assert run(capsys, "check", "content")[0] == 0
    assert run(capsys, "check", "content", "--strict")[0] == 0
    (here.content / "m" / "README.md").write_text(NO_PRIVACY)
    assert run(capsys, "check", "content")[0] == 0
    assert run(capsys, "check", "content", "--strict")[0] == 1
    (here.content / "m" / "README.md").write_text(WRONG_OPSET)
    assert run(capsys, "check", "content")[0] == 1
    assert run(capsys, "check", "nowhere")[:1] == (2,)
    assert run(capsys, "check", "content", "--format", "xml")[0] == 2


def test_a_missing_content_folder_is_a_usage_error(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "check", "nowhere") == (
        2, "", "zoo check: nowhere: no such folder (the zoo's content folder)\n")


def test_json_format(here: TmpZoo, capsys: pytest.CaptureFixture[str]) -> None:
    here.add("m", WRONG_OPSET)
    status, out, _ = run(capsys, "check", "content", "--format", "json")
    assert status == 1
    records = [r for r in json.loads(out) if OURS.search(f": {r['code']} {r['severity']}: ")]
    assert records == [{
        "path": "content/m/README.md", "line": 8, "code": "ZC201", "severity": "error",
        "message": "opset ai.onnx 13 in card, 17 in model",
        "hint": "set it to 17, or re-export the model"}]


def test_github_format_annotates_file_and_line(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    here.add("m", WRONG_OPSET.replace("license: apache-2.0", "license: apache"))
    status, out, _ = run(capsys, "check", "content", "--format", "github")
    assert status == 1
    assert [line for line in out.splitlines() if re.search(r"title=ZC(10|20)", line)] == [
        "::warning file=content/m/README.md,line=2,title=ZC108 license-not-spdx::`license: "
        "apache` is not an SPDX license id (hint: use an SPDX id (apache-2.0, mit, cc-by-4.0), "
        "or `other` with `license_name`)",
        "::error file=content/m/README.md,line=8,title=ZC201 opset-mismatch::opset ai.onnx 13 "
        "in card, 17 in model (hint: set it to 17, or re-export the model)"]


def test_severities_come_from_mkdocs_yml(here: TmpZoo, capsys: pytest.CaptureFixture[str]) -> None:
    here.add("m", NO_PRIVACY)
    config = here.root / "mkdocs.yml"
    setting = "  - zoo:\n      severity: {privacy-missing: error}\n"
    config.write_text(config.read_text().replace("  - zoo\n", setting))
    status, out, _ = run(capsys, "check")
    assert (status, ours(out.splitlines())) == (1, [
        "content/m/README.md:5: ZC402 error: no `onnx.privacy` (hint: add `privacy:` under "
        "`onnx:`: {personal_data: false, consent_required: false, notes: ...})"])


def test_zoo_new_scaffolds_a_card_that_passes_with_warnings_only(
    here: TmpZoo, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tiny_model(here.root / "downloads" / "tiny.onnx")
    status, out, _ = run(capsys, "new", "tiny-fp32", "--model", str(source))
    assert (status, out) == (0, "zoo new: wrote content/tiny-fp32/README.md; fill in its TODOs, "
                                "then run `zoo check content`\n")
    folder = here.content / "tiny-fp32"
    assert (folder / "model.onnx").read_bytes() == source.read_bytes()
    card = parse_card(folder / "README.md", "README.md").card
    assert card is not None
    assert card.onnx["precision"] == ["FP32"] and card.onnx["opset"] == {"": 17}
    assert card.onnx["inputs"] == [{"name": "x", "dtype": "FLOAT", "shape": ["N", 4],
                                    "description": "TODO"}]
    assert card.onnx["producer"] == {"name": "zoo-tests", "version": "1"}
    status, out, _ = run(capsys, "check", "content")
    assert status == 0
    assert {line.split(" ")[1] for line in ours(out.splitlines())} == {
        "ZC108", "ZC400", "ZC401", "ZC402"}
    assert not [line for line in out.splitlines() if " error: " in line]
    assert run(capsys, "check", "content", "--strict")[0] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [(["new", "bad id", "--model", "x.onnx"], "zoo new: `bad id` is not a usable id"),
     (["new", "m", "--model", "x.onnx"], "zoo new: content/m already exists"),
     (["new", "n", "--model", "README.md"], "zoo new: README.md: not a readable ONNX model")],
)
def test_zoo_new_refuses_bad_input(
    here: TmpZoo, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    here.add("m")
    (here.root / "README.md").write_text("# not a model\n")
    status, _, err = run(capsys, *args)
    assert status == 1 and err.startswith(message)
    assert not (here.content / "n").exists()


def test_a_hugging_face_card_loads_with_model_card_and_passes_our_schema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = CASES / "hf-distilbert-sst2" / "README.md"
    hub = ModelCard.load(path)
    assert hub.data.model_name == "distilbert-base-uncased-finetuned-sst-2-english"
    assert [r.metric_type for r in hub.data.eval_results] == [
        "accuracy", "precision", "recall", "f1", "loss"]
    card = parse_card(path, "README.md").card
    assert card is not None
    assert list(check_schema(card)) == []
    assert card.meta["model-index"] == hub.data.to_dict()["model-index"]
    assert card.name == "DistilBERT base uncased finetuned SST-2"


def test_a_zoo_card_is_a_hugging_face_card(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    text = (REPO / "content" / "digits-mlp-int8-qdq" / "README.md").read_text()
    hub = ModelCard(text)
    assert hub.data.base_model == "digits-mlp-fp32"
    assert hub.data.to_dict()["onnx"]["precision"] == ["INT8", "FP32"]  # unknown keys kept


MY_RANGES = re.compile(r"ZC(1\d\d|2\d\d|3[0-3]\d|4[01]\d)")


def test_every_rule_of_ours_is_triggered_by_a_golden_case_or_a_test() -> None:
    evidence = "\n".join(p.read_text() for p in (*CASES.glob("*/expected.txt"),
                                                 *Path(__file__).parent.glob("test_*.py")))
    mine = [code for code in RULES if MY_RANGES.fullmatch(code)]
    assert len(mine) >= 35
    untriggered = [code for code in mine
                   if not re.search(rf"{code} (error|warning|info)[:\"]", evidence)]
    assert untriggered == []
