"""The site in a real browser: Debian's chromium, driven by Playwright, on a site served locally.

Every page is opened with route interception: a request to any host but 127.0.0.1 is aborted and
recorded, and the test fails on it. Console errors fail the tests too.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import CARD, REPO, TmpZoo

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Page, Request, Route, sync_playwright  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-gpu", "--disable-quic", "--no-first-run"]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("no /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)


@dataclass
class Served:
    """A built site served on 127.0.0.1 at a random port."""

    root: Path
    url: str
    server: http.server.ThreadingHTTPServer

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve(site: Path) -> Served:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Served(site, f"http://127.0.0.1:{server.server_address[1]}/", server)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@dataclass
class Watch:
    """What a page did that it must not: requests to other hosts, console errors, page errors."""

    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _build(root: Path) -> TmpZoo:
    zoo = TmpZoo(root)
    result = zoo.build(strict=False)
    assert result.returncode == 0, result.stderr
    return zoo


@pytest.fixture(scope="module")
def sample_site(built_sample: TmpZoo) -> Iterator[Served]:
    served = serve(built_sample.site)
    yield served
    served.stop()


PWNED = "window.__pwned = (window.__pwned || 0) + 1"
EVIL_CARD = CARD.replace(
    "pipeline_tag: image-classification",
    f"pipeline_tag: '<img src=x onerror=\"{PWNED}\">'",
).replace(
    "# Tiny classifier",
    f"# Tiny </script><script>{PWNED}</script> classifier",
) + f"""
<script>{PWNED}</script>
<img src="x.png" onerror="{PWNED}">
<a href="javascript:{PWNED}">click</a>
<svg onload="{PWNED}"><script>{PWNED}</script></svg>
<iframe srcdoc="<script>parent.{PWNED}</script>"></iframe>
"""


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("browser-evil")
    from conftest import SITE_CONFIG
    (root / "mkdocs.yml").write_text(SITE_CONFIG)
    zoo = TmpZoo(root)
    zoo.add("evil", EVIL_CARD)
    zoo.add("plain")
    served = serve(_build(root).site)
    yield served
    served.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                          args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Browser, watch: Watch) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", functools.partial(_only_localhost, watch))
    tab = context.new_page()
    tab.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: watch.errors.append(str(e)))
    yield tab
    context.close()


def _only_localhost(watch: Watch, route: Route, request: Request) -> None:
    url = request.url
    if urlsplit(url).hostname == "127.0.0.1":
        route.continue_()
    else:
        watch.foreign.append(url)
        route.abort()


def open_index(page: Page, site: Served, query: str = "") -> None:
    page.goto(site.url + query)
    page.wait_for_selector("body[data-zoo-index=ready]")


def visible_ids(page: Page) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        "table.zoo-index tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.zooId)")
    return ids


def check_facet(page: Page, facet: str, value: str) -> None:
    page.check(f'fieldset[data-facet="{facet}"] input[value="{value}"]')


def test_filtering_by_precision_family_shows_exactly_the_int8_models(
    page: Page, sample_site: Served, watch: Watch
) -> None:
    open_index(page, sample_site)
    assert len(visible_ids(page)) == 9
    check_facet(page, "families", "INT8")
    assert visible_ids(page) == ["digits-mlp-int8-dynamic", "digits-mlp-int8-qdq"]
    assert page.text_content("#zoo-filter-count") == "2 of 9 models"
    check_facet(page, "families", "FP16")
    assert visible_ids(page) == ["digits-mlp-fp16", "digits-mlp-int8-dynamic",
                                 "digits-mlp-int8-qdq"]
    check_facet(page, "scheme", "qdq")
    assert visible_ids(page) == ["digits-mlp-int8-qdq"]
    assert (watch.foreign, watch.errors) == ([], [])


def test_filtering_by_task_shows_exactly_the_tabular_model(
    page: Page, sample_site: Served, watch: Watch
) -> None:
    open_index(page, sample_site)
    check_facet(page, "task", "tabular-classification")
    assert visible_ids(page) == ["iris-logreg"]
    page.uncheck('fieldset[data-facet="task"] input[value="tabular-classification"]')
    check_facet(page, "task", "image-classification")
    assert len(visible_ids(page)) == 8 and "iris-logreg" not in visible_ids(page)
    check_facet(page, "modality", "tabular")
    assert visible_ids(page) == []
    assert page.is_visible("#zoo-filter-empty")
    assert (watch.foreign, watch.errors) == ([], [])


def test_text_and_opset_range_combine_and_the_state_is_in_the_url(
    page: Page, sample_site: Served, watch: Watch
) -> None:
    open_index(page, sample_site)
    page.fill("#zoo-filter-input", "digits")
    page.fill("#zoo-opset-max", "16")
    check_facet(page, "families", "BF16")
    assert visible_ids(page) == ["digits-mlp-bf16"]
    page.wait_for_function("location.search === '?q=digits&families=BF16&opset=-16'")
    shared = page.url
    page.goto("about:blank")
    open_index(page, sample_site, "?" + urlsplit(shared).query)
    assert visible_ids(page) == ["digits-mlp-bf16"]
    assert page.input_value("#zoo-filter-input") == "digits"
    assert (watch.foreign, watch.errors) == ([], [])


def test_without_javascript_the_index_is_a_plain_list(
    browser: Browser, sample_site: Served
) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(sample_site.url)
    assert tab.locator("table.zoo-index tbody tr").count() == 9
    assert tab.locator("table.zoo-index tbody tr:visible").count() == 9
    assert not tab.is_visible("form.zoo-filter")
    context.close()


def test_search_finds_a_model_and_shows_its_precision(
    page: Page, sample_site: Served, watch: Watch
) -> None:
    page.goto(sample_site.url)
    # Type as a person does: Material reads the query on key events, which fill() does not send.
    page.locator("input.md-search__input").press_sequentially("qdq")
    first = page.wait_for_selector('.md-search-result__item a[href$="?h=qdq"]')
    assert first.get_attribute("href") == sample_site.url + "models/digits-mlp-int8-qdq/?h=qdq"
    assert "Precision INT8 FP32 qdq quantization" in " ".join(first.inner_text().split())
    assert (watch.foreign, watch.errors) == ([], [])


def test_a_model_page_shows_its_chart_lineage_and_copy_button(
    page: Page, sample_site: Served, watch: Watch
) -> None:
    page.goto(sample_site.url + "models/digits-mlp-int8-qdq/")
    bars = page.eval_on_selector_all(
        "svg.zoo-chart--precision g.zoo-bar", "bars => bars.map(b => b.dataset.dtype)")
    assert bars == ["INT8", "FLOAT", "INT32", "INT64"]
    assert page.is_visible("svg.zoo-chart--precision")
    nodes = page.eval_on_selector_all(
        "svg.zoo-chart--lineage g.zoo-node", "nodes => nodes.map(n => n.dataset.model)")
    assert nodes == ["digits-mlp-fp32", "digits-mlp-int8-qdq"]
    assert page.locator("svg.zoo-chart--lineage .zoo-trend circle").count() == 2
    assert page.is_visible("button.zoo-copy")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "model-page.png"), full_page=True)
    assert (watch.foreign, watch.errors) == ([], [])


def test_the_index_screenshot_is_saved(page: Page, sample_site: Served, watch: Watch) -> None:
    open_index(page, sample_site)
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "index.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    check_facet(page, "families", "INT8")  # the README's picture (docs/screenshot-index.png)
    page.screenshot(path=str(ARTIFACTS / "screenshot-index.png"),
                    clip={"x": 0, "y": 0, "width": 1280, "height": 760})
    assert (watch.foreign, watch.errors) == ([], [])


def test_the_hardware_page_lists_models_that_run_natively(
    page: Page, sample_site: Served, watch: Watch
) -> None:
    page.goto(sample_site.url + "hardware/")
    page.wait_for_selector("body[data-zoo-hardware=ready]")
    page.check('input[name=hw][value="amx-int8"]')
    listed = page.eval_on_selector_all(
        "#zoo-hw-results li", "items => items.map(i => i.dataset.zooId)")
    assert listed == ["digits-mlp-int8-dynamic", "digits-mlp-int8-qdq"]
    page.check('input[name=hw][value="nvidia-tc-fp16"]')
    listed = page.eval_on_selector_all(
        "#zoo-hw-results li", "items => items.map(i => i.dataset.zooId)")
    assert listed == ["digits-mlp-fp16", "digits-mlp-int8-dynamic", "digits-mlp-int8-qdq"]
    assert urlsplit(page.url).query == "hw=amx-int8&hw=nvidia-tc-fp16"
    assert (watch.foreign, watch.errors) == ([], [])


def test_a_crafted_card_executes_nothing(page: Page, evil_site: Served, watch: Watch) -> None:
    for path in ("models/evil/", "", "hardware/"):
        page.goto(evil_site.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__pwned === undefined"), path
    open_index(page, evil_site)
    options = page.eval_on_selector_all(
        'fieldset[data-facet="task"] input', "inputs => inputs.map(i => i.value)")
    assert options == [f'<img src=x onerror="{PWNED}">', "image-classification"]
    page.locator('fieldset[data-facet="task"] input').first.check()
    assert visible_ids(page) == ["evil"]
    assert page.evaluate("window.__pwned === undefined")
    assert watch.foreign == []


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("browser-big")
    from conftest import SITE_CONFIG
    (root / "mkdocs.yml").write_text(SITE_CONFIG)
    zoo = TmpZoo(root)
    for number in range(120):
        zoo.add(f"m{number:03d}", CARD.replace("# Tiny classifier", f"# Tiny {number:03d}"))
    served = serve(_build(root).site)
    yield served
    served.stop()


def test_a_big_zoo_draws_a_hundred_rows_at_a_time(
    page: Page, big_site: Served, watch: Watch
) -> None:
    open_index(page, big_site)
    assert len(visible_ids(page)) == 100
    assert page.text_content("#zoo-filter-count") == "120 of 120 models (the first 100 shown)"
    page.click("#zoo-filter-more")
    assert len(visible_ids(page)) == 120 and page.is_hidden("#zoo-filter-more")
    page.fill("#zoo-filter-input", "tiny 11")
    assert visible_ids(page) == ["m011", "m110", "m111", "m112", "m113", "m114", "m115", "m116",
                                 "m117", "m118", "m119"]
    assert (watch.foreign, watch.errors) == ([], [])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_mobile_layout_fits_the_screen_in_both_palettes(
    browser: Browser, sample_site: Served, scheme: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme,
                                  is_mobile=True)
    tab = context.new_page()
    for path in ("", "models/digits-mlp-int8-qdq/", "hardware/"):
        tab.goto(sample_site.url + path)
        tab.wait_for_load_state("networkidle")
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    palette = tab.get_attribute("body", "data-md-color-scheme")
    assert palette == ("slate" if scheme == "dark" else "default")
    context.close()


def test_the_copy_button_copies_the_sha256(browser: Browser, sample_site: Served) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto(sample_site.url + "models/digits-mlp-int8-qdq/")
    tab.click("button.zoo-copy")
    tab.wait_for_function("document.querySelector('button.zoo-copy').textContent === 'Copied'")
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert copied == "b72d5e76b549ff0948eb4f2ef7344c1f210ec37eb090550d32d26a4d353bbf63"
    context.close()
