"""Golden cards: one folder per case in tests/cards/, a card and the exact lines `zoo check` prints.

A case is `README.md` (the card) and `expected.txt` (the findings, one per line, in order). The
case's folder becomes `content/<case>/` of a fresh zoo, with the tests' tiny model as
`model.onnx`, or with the models `models.txt` lists: one per line, a file name and `tiny_model`
options (`model.onnx opset=13`); an empty `models.txt` means no model at all. Only the lines of
the card, card × model, zoo-wide and responsible-AI families are compared; the exit status must
agree with every line printed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import tiny_model

from generator.cli import main

CASES = Path(__file__).parent / "cards"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "README.md").is_file())
SETUP = ("expected.txt", "models.txt")
OURS = re.compile(r": ZC(1\d\d|2\d\d|3[0-3]\d|4[01]\d) (error|warning|info): ")
"""The card, card × model, zoo-wide and responsible-AI families; other families test themselves."""


def ours(lines: list[str]) -> list[str]:
    return [line for line in lines if OURS.search(line)]


def make_models(folder: Path, listing: str | None) -> None:
    for line in (listing if listing is not None else "model.onnx").splitlines():
        name, *options = line.split()
        tiny_model(folder / name, **{k: int(v) for k, v in (o.split("=") for o in options)})


def run_case(case: str, root: Path) -> tuple[int, list[str]]:
    folder = root / "content" / case
    shutil.copytree(CASES / case, folder, ignore=shutil.ignore_patterns(*SETUP))
    listing = CASES / case / "models.txt"
    make_models(folder, listing.read_text() if listing.is_file() else None)
    return main(["check", "content"]), []


def test_there_are_golden_cases() -> None:
    assert len(CASE_NAMES) >= 25
    for case in CASE_NAMES:
        assert (CASES / case / "expected.txt").is_file(), case


@pytest.mark.parametrize("case", CASE_NAMES)
def test_golden_card(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    status, _ = run_case(case, tmp_path)
    printed = capsys.readouterr().out.splitlines()
    expected = (CASES / case / "expected.txt").read_text().splitlines()
    assert ours(printed) == expected
    assert status == (1 if any(" error: " in line for line in printed) else 0)
