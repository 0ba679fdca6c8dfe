"""`open_session`: a real onnxruntime session after the check; warn by default, refuse on opt-in."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from provenance_kit import (
    PARENT,
    PIXELS,
    annotated_child,
    copy_models,
    external_model,
    make_key,
    set_props,
)

from generator.runtime import ProvenanceError, ProvenanceWarning, open_session
from generator.signing import sign_model
from generator.verify import Policy

CPU = {"providers": ["CPUExecutionProvider"]}


def _labels(session: Any) -> list[int]:
    return [int(label) for label in session.run(["label"], {"pixels": PIXELS})[0]]


def _reference(path: Path) -> list[int]:
    return _labels(ort.InferenceSession(str(path), **CPU))


def test_the_default_policy_warns_and_opens_an_unannotated_model(tmp_path: Path) -> None:
    model = copy_models(tmp_path / "content", PARENT) / PARENT / "model.onnx"
    with pytest.warns(ProvenanceWarning) as caught:
        session = open_session(model, **CPU)
    assert [str(w.message) for w in caught] == [
        f"{model}:1: ZC340 warning: no `zoo.provenance` in metadata_props (hint: embed it with "
        "`zoo annotate MODEL --card README.md`)"]
    assert isinstance(session, ort.InferenceSession)
    assert _labels(session) == _reference(model)


def test_the_default_policy_only_warns_about_a_wrong_precision_claim(tmp_path: Path) -> None:
    model = set_props(annotated_child(tmp_path), zoo_precision="FP32")
    with pytest.warns(ProvenanceWarning, match="ZC343 warning: zoo.precision claims FP32"):
        session = open_session(model, **CPU)
    assert _labels(session) == _reference(model)


@pytest.mark.filterwarnings("ignore::generator.runtime.ProvenanceWarning")
@pytest.mark.parametrize(("policy", "code"), [
    (Policy(require_signed=True), "ZC350 error"),
    (Policy(require_annotated=True), "ZC340 error"),
    (Policy(licenses=frozenset({"mit"})), "ZC345 error"),
])
def test_an_opt_in_policy_rejects_before_a_session_exists(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: Policy, code: str) -> None:
    model = copy_models(tmp_path / "content", PARENT) / PARENT / "model.onnx"
    created: list[str] = []
    monkeypatch.setattr(ort, "InferenceSession", lambda path, **_: created.append(path))
    with pytest.raises(ProvenanceError) as raised:
        open_session(model, policy, **CPU)
    assert f"{model}:1: {code}: " in str(raised.value)
    assert str(raised.value).startswith(f"FAIL {model}\n")
    assert created == []


def test_an_opt_in_policy_rejects_a_wrong_precision_claim(tmp_path: Path) -> None:
    model = set_props(annotated_child(tmp_path), zoo_precision="FP32")
    with pytest.raises(ProvenanceError, match="ZC343 error: zoo.precision claims FP32"):
        open_session(model, Policy(), **CPU)


def test_a_signed_annotated_model_opens_under_the_strict_policy(tmp_path: Path) -> None:
    model = annotated_child(tmp_path)
    key = make_key(tmp_path / "keys", "signer")
    sign_model(model, key.private)
    policy = Policy(require_annotated=True, require_signed=True, public_keys=(key.public,),
                    licenses=frozenset({"apache-2.0"}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        session = open_session(model, policy, **CPU)
    assert _labels(session) == _reference(model)


def test_a_tampered_signed_model_is_refused(tmp_path: Path) -> None:
    model = annotated_child(tmp_path)
    key = make_key(tmp_path / "keys", "signer")
    sign_model(model, key.private)
    data = bytearray(model.read_bytes())
    data[data.index(b"zoo-cards.example.org")] = ord("Z")
    model.write_bytes(bytes(data))
    with pytest.raises(ProvenanceError, match="ZC351 error: the model's bytes differ"):
        open_session(model, Policy(require_signed=True, public_keys=(key.public,)), **CPU)


def test_the_check_never_loads_the_model_with_onnx(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = annotated_child(tmp_path)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("onnx.load called")

    for name in ("load", "load_model", "load_model_from_string"):
        monkeypatch.setattr(onnx, name, refuse)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        session = open_session(model, Policy(require_annotated=True), **CPU)
    assert session.get_modelmeta().custom_metadata_map["zoo.precision"] == "INT8/FP32"


def test_a_hardlinked_external_file_is_refused_though_onnxruntime_would_read_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.arange(4, dtype=np.float32).tobytes())
    model = external_model(tmp_path / "m", "weights.bin")
    os.link(secret, model.parent / "weights.bin")
    plain = ort.InferenceSession(str(model), **CPU)  # onnxruntime follows the hardlink
    assert plain.run(None, {"x": np.zeros(4, np.float32)})[0].tolist() == [0.0, 1.0, 2.0, 3.0]
    created: list[str] = []
    monkeypatch.setattr(ort, "InferenceSession", lambda path, **_: created.append(path))
    with pytest.raises(ProvenanceError, match="ZC360 error: external data `weights.bin`"):
        open_session(model, **CPU)
    assert created == []


def test_external_data_that_climbs_out_is_refused_under_the_default_policy(
        tmp_path: Path) -> None:
    (tmp_path / "outside.bin").write_bytes(bytes(16))
    model = external_model(tmp_path / "m", "../outside.bin")
    with pytest.raises(ProvenanceError, match=r"ZC360 error: external data `\.\./outside\.bin`"):
        open_session(model, **CPU)
