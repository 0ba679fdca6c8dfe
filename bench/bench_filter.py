"""The zoo index with 1,000 models: time from an input event to the filtered render, in chromium.

Writes 1,000 model folders (tiny onnx.helper models in five precision combinations and six
opsets, with cards over six tasks and four licenses) into a temporary folder, builds the site
with mkdocs, serves it on 127.0.0.1 and drives Debian's chromium with Playwright. Each action
(a keystroke in the text box, a facet checkbox, an opset bound) is timed in the page with
performance.now(): from just before the input event is dispatched to the next frame after it
(requestAnimationFrame, then a task), so the time covers the filter, style, layout and paint.
The index draws the first 100 matching rows ("Show more" draws the next); every action here
filters all 1,000 models. Exits 1 when any action takes 100 ms or more, or when a filter finds
a wrong number of models.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import onnx
from onnx import TensorProto, helper
from playwright.sync_api import Page, Request, Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-gpu", "--disable-quic", "--no-first-run"]
LIMIT_MS = 100.0
KINDS = ("fp32", "fp16", "bf16", "int8-qdq", "int8-dynamic")
OPSETS = (13, 14, 15, 16, 17, 18)
TASKS = ("image-classification", "object-detection", "text-classification",
         "automatic-speech-recognition", "tabular-classification", "token-classification")
LICENSES = ("apache-2.0", "mit", "bsd-3-clause", "cc-by-4.0")
SITE_CONFIG = """\
site_name: Bench zoo
site_url: https://bench.example.org/
docs_dir: content
theme:
  name: material
  font: false
plugins:
  - search
  - zoo
"""

CARD = """\
---
license: {license}
pipeline_tag: {task}
tags: [onnx, {kind}]
{base}onnx:
  file: model.onnx
  model_version: 1
  opset: {{"": {opset}}}
---

# Bench model {number:04d} ({kind})

Model {number} of the generated bench zoo: a {kind} MatMul for {task}.
"""


def tiny_model(kind: str, opset: int) -> onnx.ModelProto:
    """A one-MatMul model whose weights and ops give the precision combination `kind`."""
    rng = np.random.default_rng(opset)
    weights = rng.random((8, 4), dtype=np.float32)
    nodes, inits = _kind_graph(kind, weights)
    io = TensorProto.FLOAT16 if kind == "fp16" else TensorProto.FLOAT
    graph = helper.make_graph(nodes, "bench", [helper.make_tensor_value_info("x", io, ["N", 8])],
                              [helper.make_tensor_value_info("y", io, ["N", 4])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="zoo-bench", producer_version="1")
    model.model_version = 1
    return model


def _kind_graph(kind: str, w: np.ndarray) -> tuple[list[onnx.NodeProto], list[onnx.TensorProto]]:
    make, node = helper.make_tensor, helper.make_node
    if kind == "fp32":
        return [node("MatMul", ["x", "W"], ["y"])], [make("W", TensorProto.FLOAT, w.shape,
                                                           w.flatten())]
    if kind == "fp16":
        half = onnx.numpy_helper.from_array(w.astype(np.float16), "W")
        return [node("MatMul", ["x", "W"], ["y"])], [half]
    if kind == "bf16":
        bf16 = make("W16", TensorProto.BFLOAT16, w.shape, w.flatten())
        return [node("Cast", ["W16"], ["W"], to=TensorProto.FLOAT),
                node("MatMul", ["x", "W"], ["y"])], [bf16]
    q = onnx.numpy_helper.from_array((w * 100).astype(np.int8), "Wq")
    scale = onnx.numpy_helper.from_array(np.array(0.01, dtype=np.float32), "s")
    zero = onnx.numpy_helper.from_array(np.array(0, dtype=np.int8), "z")
    if kind == "int8-qdq":
        return [node("QuantizeLinear", ["x", "s", "z"], ["xq"]),
                node("DequantizeLinear", ["xq", "s", "z"], ["xd"]),
                node("DequantizeLinear", ["Wq", "s", "z"], ["W"]),
                node("MatMul", ["xd", "W"], ["y"])], [q, scale, zero]
    return [node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
            node("MatMulInteger", ["xq", "Wq", "xz", "z"], ["yi"]),
            node("Cast", ["yi"], ["yf"], to=TensorProto.FLOAT),
            node("Mul", ["yf", "xs"], ["y0"]), node("Mul", ["y0", "s"], ["y"])], [q, scale, zero]


def write_zoo(root: Path, count: int) -> dict[str, int]:
    """Write `count` model folders and the site config; return the expected facet counts."""
    (root / "mkdocs.yml").write_text(SITE_CONFIG)
    templates: dict[tuple[str, int], bytes] = {
        (kind, opset): tiny_model(kind, opset).SerializeToString()
        for kind in KINDS for opset in OPSETS}
    expected: dict[str, int] = {}
    for number in range(count):
        kind, opset = KINDS[number % len(KINDS)], OPSETS[number // len(KINDS) % len(OPSETS)]
        task, license_id = TASKS[number % len(TASKS)], LICENSES[number % len(LICENSES)]
        folder = root / "content" / f"model-{number:04d}"
        folder.mkdir(parents=True)
        (folder / "model.onnx").write_bytes(templates[kind, opset])
        base = (f"base_model: model-{number - number % len(KINDS):04d}\n"
                "base_model_relation: quantized\n") if kind != "fp32" else ""
        (folder / "README.md").write_text(CARD.format(license=license_id, task=task, kind=kind,
                                                      opset=opset, number=number, base=base))
        for key in (f"kind:{kind}", f"task:{task}", f"license:{license_id}"):
            expected[key] = expected.get(key, 0) + 1
    return expected


def build(root: Path) -> float:
    """Build the site; return the seconds it took."""
    mkdocs = Path(sys.executable).with_name("mkdocs")
    start = time.perf_counter()
    result = subprocess.run([str(mkdocs), "build", "--quiet"], cwd=root, capture_output=True,
                            text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    if result.returncode:
        sys.exit(f"mkdocs build failed:\n{result.stderr}")
    return time.perf_counter() - start


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the browser closing mid-download (a broken pipe) is no failure here


MEASURE = """async ([kind, selector, value]) => {
  const target = document.querySelector(selector);
  const t0 = performance.now();
  if (kind === "check") { target.click(); }
  else { target.value = value; target.dispatchEvent(new Event("input", {bubbles: true})); }
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  const elapsed = performance.now() - t0;
  const drawn = document.querySelectorAll("table.zoo-index tbody tr:not([hidden])").length;
  return [elapsed, window.zooIndex.found, drawn];
}"""


def actions(rounds: int) -> list[tuple[str, str, str]]:
    """Keystrokes, facet clicks and opset bounds, as a user makes them: (kind, target, value)."""
    box, steps = "#zoo-filter-input", []
    for _ in range(rounds):
        for word in ("int8", "model-04", "text fp16"):
            steps += [("type", box, word[:i]) for i in range(1, len(word) + 1)]
            steps.append(("type", box, ""))
        for facet, value in (("families", "INT8"), ("task", "object-detection"),
                             ("license", "mit"), ("scheme", "qdq"), ("modality", "text")):
            check = f'fieldset[data-facet="{facet}"] input[value="{value}"]'
            steps += [("check", check, ""), ("check", check, "")]
        steps += [("type", "#zoo-opset-min", "15"), ("type", "#zoo-opset-max", "16"),
                  ("type", "#zoo-opset-min", ""), ("type", "#zoo-opset-max", "")]
    return steps


def check_counts(page: Page, expected: dict[str, int], count: int) -> None:
    """The filters show exactly the right number of models."""
    _, found, drawn = page.evaluate(MEASURE, ["type", "#zoo-filter-input", ""])
    assert (found, drawn) == (count, min(count, 100)), (found, drawn)
    int8 = expected["kind:int8-qdq"] + expected["kind:int8-dynamic"]
    for facet, value, want in (("families", "INT8", int8), ("task", "object-detection",
                                                            expected["task:object-detection"])):
        check = f'fieldset[data-facet="{facet}"] input[value="{value}"]'
        assert page.evaluate(MEASURE, ["check", check, ""])[1] == want, (facet, value)
        assert page.evaluate(MEASURE, ["check", check, ""])[1] == count


def measure(
    url: str, expected: dict[str, int], count: int, rounds: int
) -> list[tuple[str, float]]:
    """Open the index in chromium and time every action; return the times in ms."""
    foreign: list[str] = []

    def only_localhost(route: Route, request: Request) -> None:
        if urlsplit(request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            foreign.append(request.url)
            route.abort()

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", only_localhost)
        page.goto(url)
        page.wait_for_selector("body[data-zoo-index=ready]", timeout=60_000)
        check_counts(page, expected, count)
        times = [(_label(step), page.evaluate(MEASURE, list(step))[0]) for step in actions(rounds)]
        browser.close()
    if foreign:
        sys.exit(f"requests left localhost: {foreign}")
    return times


def _label(step: tuple[str, str, str]) -> str:
    kind, target, _ = step
    return "facet click" if kind == "check" else "opset bound" if "opset" in target else "keystroke"


def report(times: list[tuple[str, float]]) -> None:
    """Print the median and maximum, overall and per kind of action."""
    every = [ms for _, ms in times]
    print(f"input event to filtered render: median {statistics.median(every):.1f} ms, "
          f"max {max(every):.1f} ms (limit {LIMIT_MS:.0f} ms)")
    for label in sorted({label for label, _ in times}):
        mine = [ms for name, ms in times if name == label]
        print(f"  {label:12} n={len(mine):3}  median {statistics.median(mine):6.1f} ms  "
              f"max {max(mine):6.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated zoo and site")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="zoo-bench-filter-"))
    try:
        expected = write_zoo(root, args.models)
        seconds = build(root)
        handler = functools.partial(_Quiet, directory=str(root / "site"))
        server = _Server(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            times = measure(f"http://127.0.0.1:{server.server_address[1]}/", expected,
                            args.models, args.rounds)
        finally:
            server.shutdown()
            server.server_close()
    finally:
        if args.keep:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(f"models: {args.models}  site build: {seconds:.1f} s  actions: {len(times)}")
    report(times)
    return 0 if max(ms for _, ms in times) < LIMIT_MS else 1


if __name__ == "__main__":
    sys.exit(main())
