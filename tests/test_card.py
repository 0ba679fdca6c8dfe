"""Cards: parsed with the line of every key, bad input reported with file and line, never lost."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from generator.card import MAX_CARD_BYTES, parse_card, spdx_license


def parse(tmp_path: Path, text: str | bytes) -> tuple[object, list[str]]:
    path = tmp_path / "README.md"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = parse_card(path, "m/README.md")
    return result.card, [str(f) for f in result.findings]


def test_lines_come_from_the_parse(tmp_path: Path) -> None:
    card, findings = parse(tmp_path, "---\n\nlicense: mit\nonnx:\n  opset:\n    '': 17\n"
                                     "    ai.onnx.ml: 3\n  inputs:\n  - name: x\n---\nbody\n")
    assert findings == []
    assert card.line("license") == 3
    assert card.line("onnx", "opset", "ai.onnx.ml") == 7
    assert card.line("onnx", "inputs", 0) == 9
    assert card.line("onnx", "inputs", 0, "name") == 9
    assert card.line("onnx", "missing", "deeper") == 4
    assert card.line("nowhere") == 1


def test_unknown_keys_are_kept(tmp_path: Path) -> None:
    card, _ = parse(tmp_path, "---\nlicense: mit\nmy_key: {a: [1, 2]}\n---\n")
    assert card.meta["my_key"] == {"a": [1, 2]}


def test_name_and_description_fall_back_to_the_body(tmp_path: Path) -> None:
    card, _ = parse(tmp_path, "---\nlicense: mit\n---\n\n# My model\n\n## Details\n\n"
                              "It classifies\ndigits well.\n\nMore.\n")
    assert (card.name, card.description) == ("My model", "It classifies digits well.")
    card, _ = parse(tmp_path, "---\nonnx: {name: Given, description: Said here.}\n---\n# Other\n")
    assert (card.name, card.description) == ("Given", "Said here.")


def test_bom_and_crlf_keep_lines(tmp_path: Path) -> None:
    card, findings = parse(tmp_path, "\ufeff---\r\nlicense: mit\r\nonnx:\r\n  opset: 17\r\n---\r\n")
    assert findings == []
    assert card.line("onnx", "opset") == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"", "m/README.md:1: ZC101 error: no YAML front matter"),
        (b"# Just a heading\n", "m/README.md:1: ZC101 error: no YAML front matter"),
        (b"\x89PNG\r\n\x1a\n\0\0", "m/README.md:1: ZC100 error: the card is a binary file"),
        (b"---\nlicense: caf\xe9\n---\n",
         "m/README.md:2: ZC100 error: the card is not UTF-8 (byte 0xe9)"),
        (b"---\nlicense: mit\n\ttags: []\n---\n", "m/README.md:3: ZC102 error: YAML syntax error"),
        (b"---\n- a\n- b\n---\n",
         "m/README.md:2: ZC103 error: front matter is a list, not a mapping"),
        (b"---\njust words\n---\n", "m/README.md:2: ZC103 error: front matter is a str"),
        (b"---\n---\n", "m/README.md:2: ZC103 error: front matter is empty"),
        (b"---\nlicense: mit\nonnx:\n  a: 1\n  a: 2\n---\n",
         "m/README.md:5: ZC105 error: key `onnx.a` given twice"),
        (b"---\nx: &a [1]\ny: *a\n---\n",
         "m/README.md:3: ZC104 error: YAML aliases are not allowed"),
    ],
)
def test_bad_cards_give_one_clear_finding(tmp_path: Path, text: bytes, expected: str) -> None:
    _, findings = parse(tmp_path, text)
    assert len(findings) == 1
    assert findings[0].startswith(expected)


def test_a_ten_megabyte_card_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    _, findings = parse(tmp_path, b"---\nlicense: mit\n---\n" + b"x" * 10_000_000)
    assert findings == [f"m/README.md:1: ZC100 error: the card is over {MAX_CARD_BYTES // 1024} KiB"
                        " (hint: keep the card to prose; link large material instead)"]


def test_the_billion_laughs_fails_fast_with_bounded_memory(tmp_path: Path) -> None:
    names = "abcdefghij"
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip(names, names[1:], strict=False):
        levels.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    _, findings = parse(tmp_path, "---\n" + "\n".join(levels) + "\n---\n")
    assert time.process_time() - started < 1.0  # a bound, not a benchmark: it would take hours
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB
    assert findings == ["m/README.md:3: ZC104 error: YAML aliases are not allowed in a card "
                        "(hint: write the value out instead of `*alias`)"]


@pytest.mark.parametrize(
    ("value", "canonical"),
    [("mit", "MIT"), ("apache-2.0", "Apache-2.0"), ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
     ("other", None), ("", None), (3, None)],
)
def test_licenses_are_read_as_spdx(value: object, canonical: str | None) -> None:
    assert spdx_license(value) == canonical
