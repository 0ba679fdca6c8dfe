"""The walking skeleton's promise: real sites built from real models, read the way browsers do."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import rdflib
from bs4 import BeautifulSoup
from conftest import CARD, REPO, TmpZoo

from generator.card import parse_card

SAMPLE_IDS = sorted(p.parent.name for p in (REPO / "content").glob("*/README.md"))
SITE_HOST = "zoo-cards.example.org"




def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page_jsonld(page: BeautifulSoup) -> dict[str, object]:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    document: dict[str, object] = json.loads(scripts[0].string)
    return document


def test_the_sample_zoo_has_at_least_eight_models() -> None:
    assert len(SAMPLE_IDS) >= 8


@pytest.mark.parametrize("model_id", SAMPLE_IDS)
def test_every_model_page_exists_and_its_jsonld_names_the_model(
    built_sample: TmpZoo, model_id: str
) -> None:
    card = parse_card(REPO / "content" / model_id / "README.md", "README.md").card
    assert card is not None
    page = soup(built_sample.site / "models" / model_id / "index.html")
    document = page_jsonld(page)
    graph = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    subject = rdflib.URIRef(f"https://{SITE_HOST}/models/{model_id}/")
    assert str(graph.value(subject, rdflib.SDO.name)) == card.name
    heading = page.find("h1")
    for permalink in heading.select(".headerlink"):
        permalink.decompose()
    assert heading.get_text(strip=True) == card.name
    published = json.loads((built_sample.site / "models" / model_id / "model.jsonld").read_text())
    assert published == document


def test_the_index_lists_every_model(built_sample: TmpZoo) -> None:
    page = soup(built_sample.site / "index.html")
    links = {a["href"] for a in page.select("table.zoo-index a")}
    assert links == {f"models/{model_id}/" for model_id in SAMPLE_IDS}
    assert page.find("input", id="zoo-filter-input") is not None
    listed = json.loads((built_sample.site / "models.json").read_text())
    assert [entry["id"] for entry in listed] == SAMPLE_IDS


def test_the_index_shows_the_detected_precision(built_sample: TmpZoo) -> None:
    page = soup(built_sample.site / "index.html")
    rows = {row.a["href"]: row for row in page.select("table.zoo-index tbody tr")}
    badges = [b.get_text() for b in rows["models/digits-mlp-int8-qdq/"].select(".zoo-badge")]
    assert badges == ["INT8", "FP32"]


def test_search_index_holds_name_task_producer_and_precision(built_sample: TmpZoo) -> None:
    index = json.loads((built_sample.site / "search" / "search_index.json").read_text())
    page = next(d for d in index["docs"] if d["location"] == "models/digits-mlp-fp16/")
    assert page["title"] == "Digits MLP (FP16)"
    for needle in ("image-classification", "FP16", "skl2onnx"):
        assert needle in page["text"]


_REQUESTING = {"script": "src", "img": "src", "link": "href", "iframe": "src", "source": "src",
               "video": "src", "audio": "src", "embed": "src", "object": "data"}


def external_references(page: BeautifulSoup) -> list[str]:
    """Every reference that would leave the site: assets, and links outside the card body and
    the hardware page's table of sources."""
    found = []
    for element in page.find_all(True):
        for attribute in ("src", "href", "data", "srcset", "action", "poster"):
            value = element.get(attribute)
            if not value:
                continue
            is_card_link = element.name == "a" and element.find_parent(
                class_=["zoo-card-body", "zoo-sources"])  # card links; the hardware sources
            host = urlsplit(str(value)).netloc
            if host and host != SITE_HOST and not is_card_link:
                found.append(f"<{element.name} {attribute}={value}>")
        style = element.get("style") or ""
        found += [u for u in re.findall(r"url\(([^)]+)\)", style) if "//" in u]
    return found


def test_no_page_references_another_host(built_sample: TmpZoo) -> None:
    pages = sorted(built_sample.site.rglob("*.html"))
    assert len(pages) > len(SAMPLE_IDS)
    offenders = {str(p.relative_to(built_sample.site)): external_references(soup(p)) for p in pages}
    assert {page: refs for page, refs in offenders.items() if refs} == {}
    css = (built_sample.site / "assets" / "stylesheets" / "zoo.css").read_text()
    assert "//" not in re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def test_a_wrong_opset_fails_the_strict_build_with_file_and_line(tmp_zoo: TmpZoo) -> None:
    tmp_zoo.add("good")
    tmp_zoo.add("m", CARD.replace('opset: {"": 17}', 'opset: {"": 13}'))
    result = tmp_zoo.build()
    assert result.returncode == 1
    assert ("content/m/README.md:8: ZC201 error: opset ai.onnx 13 in card, 17 in model"
            in result.stderr)
    assert (tmp_zoo.site / "models" / "good" / "index.html").is_file()


def test_broken_yaml_fails_the_build_with_file_and_line(tmp_zoo: TmpZoo) -> None:
    tmp_zoo.add("good")
    tmp_zoo.add("m", CARD.replace("tags: [onnx, fp32]", "tags: [onnx, fp32"))
    result = tmp_zoo.build()
    assert result.returncode == 1
    assert re.search(r"content/m/README\.md:5: ZC102 error: YAML syntax error", result.stderr)
    assert (tmp_zoo.site / "models" / "good" / "index.html").is_file()
    assert (tmp_zoo.site / "models" / "m" / "index.html").is_file()


HOSTILE = CARD.replace("# Tiny classifier", "# Tiny <b>bold</b> classifier").replace(
    "A tiny classifier built", 'A tiny "quoted" </script><script>alert(1)</script> classifier built'
) + """
<script>alert(2)</script>
<img src="x.png" onerror="alert(3)">
<a href="javascript:alert(4)">click</a>
<div class="mermaid">graph LR; a-->b</div>
"""


def test_card_content_cannot_run_script(tmp_zoo: TmpZoo) -> None:
    tmp_zoo.add("evil", HOSTILE)
    result = tmp_zoo.build()
    assert result.returncode == 0, result.stderr
    html = (tmp_zoo.site / "models" / "evil" / "index.html").read_text()
    page = BeautifulSoup(html, "html.parser")
    for script in page.find_all("script"):
        if script.get("type") != "application/ld+json":
            assert "alert" not in (script.string or "") + str(script.get("src", ""))
    raw_jsonld = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in raw_jsonld
    document = page_jsonld(page)
    assert "</script><script>alert(1)</script>" in str(document.get("@graph", document))
    assert not [e for e in page.find_all(True) if any(a.startswith("on") for a in e.attrs)]
    assert not page.select('a[href^="javascript:"]') and not page.select(".mermaid")
    description = page.find("meta", attrs={"name": "description"})["content"]
    assert description.startswith('A tiny "quoted" </script><script>alert(1)</script>')
    assert page.title.get_text().startswith("Tiny <b>bold</b> classifier")


@pytest.mark.parametrize(("page", "files"), [
    ("index.html", {"zoo.jsonld", "zoo.ttl", "models.json"}),
    ("models/digits-mlp-int8-qdq/index.html", {"zoo.jsonld", "zoo.ttl"}),
])
def test_pages_link_to_the_zoo_graph_files(
    built_sample: TmpZoo, page: str, files: set[str]
) -> None:
    html = soup(built_sample.site / page)
    links = {a["href"] for a in html.select(".zoo-graph-files a")}
    assert {href.rsplit("/", 1)[-1] for href in links} == files
    for href in links:
        assert ((built_sample.site / page).parent / href).resolve().is_file()
