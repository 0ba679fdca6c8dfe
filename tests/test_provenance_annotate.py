"""`zoo annotate`: provenance and precision go into metadata_props, and nothing else changes."""

from __future__ import annotations

import json
from pathlib import Path

import onnx
import onnxruntime as ort
import pytest
from provenance_kit import CHILD, PARENT, PIXELS, SITE_URL, copy_models

import generator.atomic
from generator.annotate import contract_markdown
from generator.cli import main
from generator.inspect import inspect_model, sha256_of
from generator.provenance import (
    KEYS,
    MAX_VALUE_BYTES,
    PRECISION_KEY,
    PROVENANCE_KEY,
    Provenance,
    read_claims,
)
from generator.site import publish
from generator.zoo import load_zoo


def _run(model: Path, card: Path, *extra: str) -> int:
    return main(["annotate", str(model), "--card", str(card), "--site-url", SITE_URL, *extra])


def _without_props(path: Path) -> bytes:
    model = onnx.load(str(path))
    del model.metadata_props[:]
    return model.SerializeToString()


def _outputs(path: Path) -> list[object]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return [output.tolist() for output in session.run(None, {"pixels": PIXELS})]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return copy_models(tmp_path / "content", CHILD, PARENT)


def test_annotate_writes_both_keys_and_changes_nothing_else(
        content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, card = content / CHILD / "model.onnx", content / CHILD / "README.md"
    out = tmp_path / "annotated.onnx"
    assert _run(source, card, "-o", str(out)) == 0
    before, after = onnx.load(str(source)), onnx.load(str(out))
    props = {p.key: p.value for p in after.metadata_props}
    size = len(props[PROVENANCE_KEY].encode("utf-8"))
    parent_sha = sha256_of(content / PARENT / "model.onnx")
    assert capsys.readouterr().out.splitlines() == [
        f"zoo annotate: wrote {out}: zoo.provenance {size:,} bytes, zoo.precision INT8/FP32, "
        f"parent {PARENT} (sha256 {parent_sha[:16]}…)",
        f"zoo annotate: the file's sha256 is now {sha256_of(out)}; put it in the card's "
        "onnx.sha256",
    ]
    assert 500 < size < 4096
    assert list(props) == [*(p.key for p in before.metadata_props), PROVENANCE_KEY, PRECISION_KEY]
    assert props[PRECISION_KEY] == "INT8/FP32"
    assert _without_props(out) == _without_props(source)
    assert after.graph.SerializeToString() == before.graph.SerializeToString()
    for field in ("ir_version", "producer_name", "producer_version", "domain", "model_version",
                  "doc_string", "opset_import", "functions", "training_info"):
        assert getattr(after, field) == getattr(before, field), field
    assert [t.raw_data for t in after.graph.initializer] == \
        [t.raw_data for t in before.graph.initializer]
    assert _outputs(out) == _outputs(source)


def test_the_embedded_provenance_records_the_parent_hash(content: Path) -> None:
    model, card = content / CHILD / "model.onnx", content / CHILD / "README.md"
    assert _run(model, card) == 0
    claims = read_claims(inspect_model(model).metadata_props)
    assert claims.provenance == Provenance(
        identifier=CHILD, name="Digits MLP (INT8 QDQ)", license="Apache-2.0",
        precision="INT8/FP32", parent=PARENT,
        parent_sha256=sha256_of(content / PARENT / "model.onnx"))
    document = json.loads(inspect_model(model).metadata_props[PROVENANCE_KEY])
    assert document["@context"]["zoo"] == f"{SITE_URL}vocab/#"


def test_annotating_twice_replaces_the_values(content: Path, tmp_path: Path) -> None:
    model, card = content / CHILD / "model.onnx", content / CHILD / "README.md"
    assert _run(model, card, "-o", str(tmp_path / "once.onnx")) == 0
    assert _run(tmp_path / "once.onnx", card, "-o", str(tmp_path / "twice.onnx")) == 0
    twice = onnx.load(str(tmp_path / "twice.onnx"))
    keys = [p.key for p in twice.metadata_props]
    assert keys.count(PROVENANCE_KEY) == keys.count(PRECISION_KEY) == 1
    assert (tmp_path / "twice.onnx").read_bytes() == (tmp_path / "once.onnx").read_bytes()


def test_a_crash_mid_write_leaves_the_original_intact(
        content: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    model, card = content / CHILD / "model.onnx", content / CHILD / "README.md"
    original = model.read_bytes()

    def crash(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(generator.atomic.os, "replace", crash)
    assert _run(model, card) == 1
    assert capsys.readouterr().err == f"zoo annotate: {model}: cannot write (No space left on " \
        "device)\n"
    assert model.read_bytes() == original
    assert sorted(p.name for p in model.parent.iterdir()) == ["README.md", "model.onnx"]


def test_an_unreadable_model_is_refused_and_kept(
        content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model, card = content / CHILD / "model.onnx", content / CHILD / "README.md"
    model.write_bytes(b"not a model")
    assert _run(model, card) == 1
    assert capsys.readouterr().err.startswith("zoo annotate: ")
    assert model.read_bytes() == b"not a model"


def test_an_annotated_zoo_checks_clean_once_the_card_pins_the_new_hash(content: Path) -> None:
    model, card = content / CHILD / "model.onnx", content / CHILD / "README.md"
    old = sha256_of(model)
    assert _run(model, card) == 0
    card.write_text(card.read_text().replace(old, sha256_of(model)))
    codes = {f.code for f in load_zoo(content).findings}
    assert not codes & {"ZC203", "ZC341", "ZC346", "ZC349"}


def test_the_provenance_page_documents_the_contract(content: Path) -> None:
    page = contract_markdown(publish(load_zoo(content), SITE_URL))
    for key in KEYS:
        assert f"| `{key}` |" in page
    assert f"{MAX_VALUE_BYTES:,} bytes" in page
    assert '"identifier": "digits-mlp-int8-qdq"' in page
    assert "https://w3id.org/fair4ml#MLModel" in page
