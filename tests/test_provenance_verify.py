"""`zoo sign` and `zoo verify`: real signatures on sample-zoo models, and every bad input."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from provenance_kit import (
    CHILD,
    PARENT,
    KeyPair,
    annotated_child,
    external_model,
    make_key,
    set_props,
)

from generator.cli import main
from generator.signing import key_fingerprint, signature_path


@pytest.fixture
def key(tmp_path: Path) -> KeyPair:
    return make_key(tmp_path / "keys", "signer")


@pytest.fixture
def signed(tmp_path: Path, key: KeyPair) -> Path:
    model = annotated_child(tmp_path)
    assert main(["sign", str(model), "--key", str(key.private)]) == 0
    return model


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["verify", *args])
    return code, capsys.readouterr().out.splitlines()


def _reasons(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines[1:] if not line.strip().startswith("ok: ")]


def _codes(lines: list[str]) -> list[str]:
    return [" ".join(reason.split(": ")[1].split()[:2]) for reason in _reasons(lines)]


def test_sign_writes_model_sig_and_names_the_key(
        tmp_path: Path, key: KeyPair, capsys: pytest.CaptureFixture[str]) -> None:
    model = annotated_child(tmp_path)
    assert main(["sign", str(model), "--key", str(key.private)]) == 0
    sig = signature_path(model)
    assert capsys.readouterr().out == \
        f"zoo sign: wrote {sig}, signed by key {key_fingerprint(key.public)}\n"
    bundle = json.loads(sig.read_text())
    assert bundle["verificationMaterial"]["publicKey"]["hint"] == key_fingerprint(key.public)
    assert sig.name == "model.onnx.sig"


def test_a_signed_annotated_model_passes(
        signed: Path, key: KeyPair, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _verify(capsys, str(signed), "--public-key", str(key.public),
                          "--require", "annotated,signed,license:apache-2.0")
    assert code == 0
    assert lines == [f"PASS {signed}",
                     f"  ok: provenance of `{CHILD}` parses",
                     "  ok: precision INT8/FP32 matches the graph",
                     "  ok: signature verified"]


def test_the_parent_hash_is_checked_against_the_zoo(
        signed: Path, key: KeyPair, capsys: pytest.CaptureFixture[str]) -> None:
    content = signed.parents[1]
    code, lines = _verify(capsys, str(signed), "--public-key", str(key.public),
                          "--zoo", str(content))
    assert code == 0
    assert f"  ok: parent `{PARENT}` hash matches the zoo" in lines
    parent = content / PARENT / "model.onnx"
    set_props(parent, note="changed")  # the parent's bytes change, its hash with them
    code, lines = _verify(capsys, str(signed), "--public-key", str(key.public),
                          "--zoo", str(content))
    assert code == 1
    assert any(r.startswith(f"{signed}:1: ZC346 error: parent `{PARENT}` recorded as sha256 ")
               for r in _reasons(lines))


def test_a_tampered_model_fails_and_is_left_as_it_is(
        signed: Path, key: KeyPair, capsys: pytest.CaptureFixture[str]) -> None:
    data = bytearray(signed.read_bytes())
    at = data.index(b"zoo-cards.example.org")
    data[at] = ord("Z")  # one byte, and the file still parses
    signed.write_bytes(bytes(data))
    code, lines = _verify(capsys, str(signed), "--public-key", str(key.public))
    assert code == 1
    assert lines[0] == f"FAIL {signed}"
    assert _reasons(lines) == [
        f"{signed}.sig:1: ZC351 error: the model's bytes differ from the signed ones (tampered, "
        "or signed for another file) (hint: re-sign the model with `zoo sign`, or remove the "
        "stale signature)"]
    assert signed.read_bytes() == bytes(data)


def test_a_signature_made_for_another_file_fails(
        signed: Path, key: KeyPair, capsys: pytest.CaptureFixture[str]) -> None:
    other = signed.parents[1] / PARENT / "model.onnx"
    assert main(["sign", str(other), "--key", str(key.private)]) == 0
    shutil.copy(signature_path(other), signature_path(signed))
    code, lines = _verify(capsys, str(signed), "--public-key", str(key.public))
    assert code == 1
    assert _codes(lines) == ["ZC351 error"]


def test_a_wrong_key_fails(
        signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stranger = make_key(tmp_path / "keys", "stranger")
    code, lines = _verify(capsys, str(signed), "--public-key", str(stranger.public))
    assert code == 1
    fingerprint = json.loads(signature_path(signed).read_text())[
        "verificationMaterial"]["publicKey"]["hint"]
    assert _reasons(lines) == [
        f"{signed}.sig:1: ZC354 error: signed by key {fingerprint[:16]}, not by the given "
        "public key (hint: check with the signer's public key)"]


def test_a_signature_whose_hint_names_the_given_key_but_was_made_by_another_fails(
        signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stranger = make_key(tmp_path / "keys", "stranger")
    bundle = json.loads(signature_path(signed).read_text())
    bundle["verificationMaterial"]["publicKey"]["hint"] = key_fingerprint(stranger.public)
    signature_path(signed).write_text(json.dumps(bundle))
    code, lines = _verify(capsys, str(signed), "--public-key", str(stranger.public))
    assert code == 1
    assert _reasons(lines) == [
        f"{signed}.sig:1: ZC351 error: the signature does not match its envelope (made with "
        "another key, or altered) (hint: re-sign the model with `zoo sign`, or remove the stale "
        "signature)"]


def test_a_truncated_signature_fails(
        signed: Path, key: KeyPair, capsys: pytest.CaptureFixture[str]) -> None:
    sig = signature_path(signed)
    sig.write_bytes(sig.read_bytes()[:700])
    code, lines = _verify(capsys, str(signed), "--public-key", str(key.public))
    assert code == 1
    assert _reasons(lines) == [
        f"{sig}:1: ZC352 error: the signature is truncated or not a model-signing bundle (not "
        "JSON) (hint: re-sign the model with `zoo sign`, or remove the stale signature)"]


@pytest.mark.parametrize(("value", "reason"), [
    ("not json at all", "`zoo.provenance` is not JSON (Expecting value: line 1 column 1 (char 0))"),
    ('{"name": "x"}', "`zoo.provenance` is not a JSON-LD document with an inline `@context`"),
    ('{"@context": {"@vocab": "https://schema.org/"}, "name": "x"}',
     "`zoo.provenance` must describe one fair4ml:MLModel, not 0"),
    ('{"@context": {"x": {"@context": "https://evil.example/ctx"}}, "x": {"a": 1}}',
     "`zoo.provenance` refers to a remote context (https://evil.example/ctx); it must be inline"),
    ('{"@context": {"@vocab": "https://schema.org/"}, "@graph": [{"@id": 5}]}',
     "`zoo.provenance` is not valid JSON-LD (Could not expand input before flattening.)"),
])
def test_a_metadata_value_that_is_not_json_ld_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, reason: str) -> None:
    model = set_props(annotated_child(tmp_path), zoo_provenance=value)
    original = model.read_bytes()
    code, lines = _verify(capsys, str(model))
    assert code == 1
    assert _reasons(lines)[0] == \
        f"{model}:1: ZC341 error: {reason} (hint: re-annotate with `zoo annotate`)"
    assert model.read_bytes() == original


def test_a_huge_metadata_value_is_refused_before_parsing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = set_props(annotated_child(tmp_path), zoo_provenance="[" * (8 << 20))
    code, lines = _verify(capsys, str(model))
    assert code == 1
    reasons = _reasons(lines)
    assert reasons[0].startswith(f"{model}:1: ZC342 error: `zoo.provenance` is ")
    assert "bytes, over the 65,536-byte limit" in reasons[0]


def test_a_precision_claim_that_is_not_the_graphs_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = set_props(annotated_child(tmp_path), zoo_precision="FP16/FP32")
    code, lines = _verify(capsys, str(model))
    assert code == 1
    assert _reasons(lines) == [
        f"{model}:1: ZC343 error: zoo.precision claims FP16/FP32, the graph computes in "
        "INT8/FP32 (hint: re-annotate with `zoo annotate`)",
        f"{model}:1: ZC350 info: no signature (model.onnx.sig) (hint: sign it with `zoo sign "
        "MODEL --key key.pem`)"]


def test_a_policy_file_requires_and_restricts(
        signed: Path, key: KeyPair, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"require: [annotated, signed]\nlicenses: [mit]\npublic_key: "
                      f"{os.path.relpath(key.public, tmp_path)}\n")
    code, lines = _verify(capsys, str(signed), "--policy", str(policy))
    assert code == 1
    assert _reasons(lines) == [f"{signed}:1: ZC345 error: license Apache-2.0 is not allowed "
                               "(allowed: mit)"]


def test_an_unannotated_unsigned_model_passes_unless_required(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from provenance_kit import copy_models

    model = copy_models(tmp_path / "content", PARENT) / PARENT / "model.onnx"
    assert _verify(capsys, str(model))[0] == 0
    code, lines = _verify(capsys, str(model), "--require", "annotated,signed")
    assert code == 1
    assert _codes(lines) == ["ZC340 error", "ZC350 error"]


def test_an_unknown_requirement_is_a_usage_error(
        signed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(signed), "--require", "blessed"]) == 1
    assert capsys.readouterr().err == \
        "zoo verify: unknown requirement `blessed` (use annotated, signed, hash, license:...)\n"


@pytest.mark.parametrize("location", ["../outside.bin", "/etc/hostname"])
def test_external_data_outside_the_folder_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], location: str) -> None:
    (tmp_path / "outside.bin").write_bytes(bytes(16))
    model = external_model(tmp_path / "m", location)
    code, lines = _verify(capsys, str(model))
    assert code == 1
    assert _reasons(lines)[0].startswith(
        f"{model}:1: ZC360 error: external data `{location}` of tensor `B`: ")


def test_external_data_that_is_a_hardlink_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.bin"
    secret.write_bytes(bytes(16))
    model = external_model(tmp_path / "m", "weights.bin")
    os.link(secret, model.parent / "weights.bin")
    code, lines = _verify(capsys, str(model))
    assert code == 1
    assert _reasons(lines) == [
        f"{model}:1: ZC360 error: external data `weights.bin` of tensor `B`: a hardlink (2 names "
        "for one file) (hint: keep external data as plain files inside the model's folder)"]


def test_a_signature_without_a_key_to_check_it_is_reported_not_failed(
        signed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fingerprint = json.loads(signature_path(signed).read_text())[
        "verificationMaterial"]["publicKey"]["hint"]
    code, lines = _verify(capsys, str(signed))
    assert code == 0
    assert _reasons(lines) == [
        f"{signed}.sig:1: ZC353 info: signed by key {fingerprint[:16]}, which is not a trusted "
        "key (no public key given) (hint: add the signer's public key to .keys/ in the content "
        "folder)"]
    code, lines = _verify(capsys, str(signed), "--require", "signed")
    assert code == 1
    assert _codes(lines) == ["ZC353 error"]


def test_require_hash_passes_once_the_zoo_pins_both_hashes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.inspect import sha256_of

    model = annotated_child(tmp_path)
    content = model.parents[1]
    code, lines = _verify(capsys, str(model), "--require", "hash", "--zoo", str(content))
    assert code == 1
    assert _codes(lines) == ["ZC348 error", "ZC350 info"]
    card = content / CHILD / "README.md"
    pinned = next(line.split('"')[1] for line in card.read_text().splitlines()
                  if line.strip().startswith("sha256:"))
    card.write_text(card.read_text().replace(pinned, sha256_of(model)))
    code, lines = _verify(capsys, str(model), "--require", "hash", "--zoo", str(content))
    assert code == 0
    assert lines[1:4] == [f"  ok: provenance of `{CHILD}` parses",
                          "  ok: precision INT8/FP32 matches the graph",
                          f"  ok: sha256 pinned by the card of `{CHILD}`"]
    assert lines[4] == f"  ok: parent `{PARENT}` hash matches the zoo"
