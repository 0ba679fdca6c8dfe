"""The zoo: signatures verified at build time and shown on the site; lineage as a hash chain."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import TmpZoo
from provenance_kit import CHILD, PARENT, SITE_URL, copy_models, make_key, set_props

from generator.annotate import annotate_with_card
from generator.inspect import sha256_of
from generator.signing import KEYS_DIR, SignatureState, key_fingerprint, sign_model
from generator.site import summary
from generator.zoo import load_zoo


def _signed_zoo(tmp_zoo: TmpZoo) -> str:
    folder = tmp_zoo.add("m")
    key = make_key(tmp_zoo.root / "secret", "signer")
    (tmp_zoo.content / KEYS_DIR).mkdir()
    shutil.copy(key.public, tmp_zoo.content / KEYS_DIR / "signer.pub")
    sign_model(folder / "model.onnx", key.private)
    return key_fingerprint(key.public)


def _glance(html: Path) -> dict[str, str]:
    soup = BeautifulSoup(html.read_text(), "html.parser")
    terms = soup.select(".zoo-glance dt")
    return {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
            for dt in terms}


def test_a_signed_model_builds_strict_and_shows_its_signer(tmp_zoo: TmpZoo) -> None:
    fingerprint = _signed_zoo(tmp_zoo)
    result = tmp_zoo.build()
    assert result.returncode == 0, result.stderr
    assert _glance(tmp_zoo.site / "models/m/index.html")["Signed"] == f"yes, by key {fingerprint}"
    entry = json.loads((tmp_zoo.site / "models.json").read_text())[0]
    assert (entry["signed"], entry["signer"]) == (True, fingerprint)
    assert (tmp_zoo.site / "models/m/model.onnx.sig").is_file()


def test_an_unsigned_model_shows_no(tmp_zoo: TmpZoo) -> None:
    tmp_zoo.add("m")
    assert tmp_zoo.build().returncode == 0
    assert _glance(tmp_zoo.site / "models/m/index.html")["Signed"] == "no"
    entry = json.loads((tmp_zoo.site / "models.json").read_text())[0]
    assert (entry["signed"], entry["signer"]) == (False, None)


def test_a_bad_signature_fails_the_strict_build(tmp_zoo: TmpZoo) -> None:
    _signed_zoo(tmp_zoo)
    sig = tmp_zoo.content / "m" / "model.onnx.sig"
    sig.write_bytes(sig.read_bytes()[:300])
    result = tmp_zoo.build()
    assert result.returncode == 1
    assert "ERROR   -  zoo: content/m/model.onnx.sig:1: ZC352 error: the signature is truncated " \
        "or not a model-signing bundle (not JSON)" in result.stderr


def test_a_tampered_signed_model_is_an_error_in_zoo_check(tmp_zoo: TmpZoo) -> None:
    _signed_zoo(tmp_zoo)
    model = tmp_zoo.content / "m" / "model.onnx"
    set_props(model, note="added after signing")
    record = load_zoo(tmp_zoo.content).records[0]
    assert record.signature is not None and record.signature.state is SignatureState.INVALID
    assert "ZC351" in {f.code for f in record.findings}
    assert summary(record)["signed"] is False


def test_a_signature_by_a_key_the_zoo_does_not_trust_is_a_warning(tmp_zoo: TmpZoo) -> None:
    _signed_zoo(tmp_zoo)
    shutil.rmtree(tmp_zoo.content / KEYS_DIR)
    record = load_zoo(tmp_zoo.content).records[0]
    assert [(f.code, str(f.severity)) for f in record.findings if f.code.startswith("ZC35")] == \
        [("ZC353", "warning")]


def _annotate(content: Path, model_id: str) -> None:
    model, card = content / model_id / "model.onnx", content / model_id / "README.md"
    old = sha256_of(model)
    annotate_with_card(model, card, model, SITE_URL)
    card.write_text(card.read_text().replace(old, sha256_of(model)))


def test_zoo_check_follows_the_hash_chain(tmp_path: Path) -> None:
    content = copy_models(tmp_path / "content", CHILD, PARENT)
    _annotate(content, CHILD)
    chain = {"ZC341", "ZC346", "ZC349"}
    assert not {f.code for f in load_zoo(content).findings} & chain
    _annotate(content, PARENT)  # the parent's bytes change after the child recorded them
    found = [f for f in load_zoo(content).findings if f.code in chain]
    card = content / CHILD / "README.md"
    line = next(n for n, text in enumerate(card.read_text().splitlines(), 1)
                if text.startswith("base_model:"))
    assert [(f.path, f.line, f.code) for f in found] == [(str(card), line, "ZC346")]
    assert found[0].message.startswith(f"`zoo.provenance` records parent `{PARENT}` as sha256 ")


def test_a_card_can_record_its_parent_hash(tmp_path: Path) -> None:
    content = copy_models(tmp_path / "content", CHILD, PARENT)
    card = content / CHILD / "README.md"
    card.write_text(card.read_text().replace("  file: model.onnx\n",
                                             f"  file: model.onnx\n  base_model_sha256: "
                                             f"'{'0' * 64}'\n"))
    found = [f for f in load_zoo(content).findings if f.code == "ZC346"]
    parent_sha = sha256_of(content / PARENT / "model.onnx")
    assert [(f.line, f.message) for f in found] == [
        (card.read_text().splitlines().index(f"  base_model_sha256: '{'0' * 64}'") + 1,
         f"`onnx.base_model_sha256` records parent `{PARENT}` as sha256 {'0' * 16}…, its file "
         f"is {parent_sha[:16]}…")]
    card.write_text(card.read_text().replace("0" * 64, parent_sha))
    assert not [f for f in load_zoo(content).findings if f.code == "ZC346"]


def test_unreadable_embedded_provenance_is_a_zoo_check_error(tmp_path: Path) -> None:
    content = copy_models(tmp_path / "content", PARENT)
    set_props(content / PARENT / "model.onnx", zoo_provenance="{broken")
    found = [f for f in load_zoo(content).findings if f.code == "ZC341"]
    assert [f.message for f in found] == [
        "model.onnx: `zoo.provenance` is not JSON (Expecting property name enclosed in double "
        "quotes: line 1 column 2 (char 1))"]


def test_a_signature_that_signs_no_model_of_its_folder_is_an_error(tmp_zoo: TmpZoo) -> None:
    _signed_zoo(tmp_zoo)
    folder = tmp_zoo.content / "m"
    shutil.copy(folder / "model.onnx.sig", folder / "old.onnx.sig")
    record = load_zoo(tmp_zoo.content).records[0]
    assert [(f.path, f.code, f.message) for f in record.findings if f.code.startswith("ZC35")] \
        == [(str(folder / "old.onnx.sig"), "ZC351",
             "old.onnx.sig signs no model file of this folder")]


def test_provenance_that_names_another_parent_than_the_card_is_an_error(tmp_path: Path) -> None:
    content = copy_models(tmp_path / "content", CHILD, PARENT)
    _annotate(content, CHILD)
    card = content / CHILD / "README.md"
    card.write_text(card.read_text().replace(f"base_model: {PARENT}", "base_model: other-mlp"))
    found = [f.message for f in load_zoo(content).findings if f.code == "ZC349"]
    assert found == [f"the card's base_model is `other-mlp`, the embedded provenance names "
                     f"`{PARENT}`"]
