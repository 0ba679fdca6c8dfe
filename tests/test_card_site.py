"""The card format as the site publishes it: the JSON Schema, "Writing a card", the rules."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, TmpZoo
from test_golden import ours

from generator.cardrules import card_schema
from generator.cli import main
from generator.findings import RULES


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> TmpZoo:
    from conftest import SITE_CONFIG

    root = tmp_path_factory.mktemp("cards")
    (root / "mkdocs.yml").write_text(SITE_CONFIG)
    zoo = TmpZoo(root)
    zoo.add("m")
    result = zoo.build(strict=True)
    assert result.returncode == 0, result.stderr
    return zoo


def test_the_schema_is_published_as_shipped(built: TmpZoo) -> None:
    published = json.loads((built.site / "card.schema.json").read_text())
    assert published == card_schema()
    assert published["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_writing_a_card_lists_every_key_of_the_schema(built: TmpZoo) -> None:
    page = BeautifulSoup((built.site / "writing-a-card" / "index.html").read_text(),
                         "html.parser")
    keys = [row.code.get_text() for table in page.select("article table")
            for row in table.select("tbody td:first-child")]
    onnx = card_schema()["$defs"]["onnx"]["properties"]
    assert keys[:len(card_schema()["properties"])] == list(card_schema()["properties"])
    assert set(onnx) <= set(keys)
    assert ("# yaml-language-server: $schema=https://zoo.example.org/card.schema.json"
            in page.get_text())


def test_the_rules_page_lists_every_rule_by_family(built: TmpZoo) -> None:
    page = BeautifulSoup((built.site / "rules" / "index.html").read_text(), "html.parser")
    headings = [h.get_text().rstrip("¶") for h in page.select("article h2")]
    assert headings[:3] == ["Card format", "Card and model", "Zoo-wide"]
    assert "Responsible AI" in headings
    codes = [cell.get_text() for cell in page.select("article tbody td:first-child")]
    assert codes == sorted(RULES)


def test_the_sample_zoo_is_clean(monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)
    assert main(["check", "content", "--format", "text"]) == 0
    assert ours(capsys.readouterr().out.splitlines()) == []
