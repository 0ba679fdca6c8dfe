"""Benchmark `zoo inspect --json` against its floor and its naive peer, as whole processes.

    python bench/bench_inspect.py [--size-mb 512] [--runs 5] [--model PATH] [--keep]

It builds a model of at least `--size-mb` MB in a temporary folder (FLOAT, FLOAT16 and INT8
initializers, QDQ and Cast nodes, a few thousand small nodes; one protobuf under 2 GiB), warms
the page cache, then runs three commands side by side, in rotating order, `--runs` times:

- floor: a Python process that imports onnx and hashes the file with hashlib, the least any tool
  built on onnx must do;
- zoo: `python -m generator.cli inspect --json PATH`;
- naive: `onnx.load` plus the same profile (`generator.reference.inspect_loaded`).

It reports median wall time, its ratio to the floor, and median peak RSS (wait4's ru_maxrss;
the harness itself stays small, since a child's figure starts from its parent's), and exits
1 when zoo misses its targets (1.3 x the floor's wall time, 100 MB peak RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.3
TARGET_RSS_MB = 100.0
FLOOR = ("import hashlib, sys, onnx\n"
         "with open(sys.argv[1], 'rb') as f:\n"
         "    print(hashlib.file_digest(f, 'sha256').hexdigest())\n")


@dataclass(frozen=True, slots=True)
class Run:
    """One process: its wall time and peak resident memory."""

    seconds: float
    rss_mb: float


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.naive:
        return _naive(Path(args.naive))
    if args.build:
        build_model(Path(args.build), args.size_mb)
        return 0
    with tempfile.TemporaryDirectory(prefix="zoo-bench-") as tmp:
        model = Path(args.model) if args.model else _build_in_child(Path(tmp), args.size_mb)
        commands = _commands(model)
        _check_agreement(commands)
        results = measure(commands, args.runs)
        ok = report(model, results)
        if args.keep and not args.model:
            kept = ROOT / "bench" / "bench-model.onnx"
            os.replace(model, kept)
            print(f"kept the model at {kept}")
    return 0 if ok else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=512, help="model size (default 512)")
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument("--model", help="benchmark this model instead of generating one")
    parser.add_argument("--keep", action="store_true", help="keep the generated model")
    parser.add_argument("--naive", help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    return parser


def _build_in_child(folder: Path, size_mb: int) -> Path:
    """Build the model in a child process.

    On Linux a child's peak RSS starts from its parent's at fork time, so the harness must stay
    small: numpy and onnx never load here.
    """
    path = folder / "bench.onnx"
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--build", str(path),
                    "--size-mb", str(size_mb)], check=True)
    return path


def build_model(path: Path, size_mb: int) -> None:
    """Write a mixed-precision model of at least `size_mb` MB (10**6 bytes) to `path`."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    side = 1024
    per_block = side * side * (4 + 2 + 1)  # one FLOAT, one FLOAT16, one INT8 matrix
    blocks = max(1, -(-size_mb * 10**6 // per_block))
    nodes, inits = [], []
    current = "x"
    for b in range(blocks):
        w32 = rng.standard_normal((side, side), dtype=np.float32)
        inits += [numpy_helper.from_array(w32, f"w32_{b}"),
                  numpy_helper.from_array(w32.astype(np.float16), f"w16_{b}"),
                  numpy_helper.from_array((w32 * 32).clip(-127, 127).astype(np.int8), f"w8_{b}"),
                  numpy_helper.from_array(np.float32(0.03), f"s_{b}"),
                  numpy_helper.from_array(np.uint8(128), f"zp_{b}")]
        nodes += [
            helper.make_node("MatMul", [current, f"w32_{b}"], [f"a_{b}"]),
            helper.make_node("Cast", [f"a_{b}"], [f"h_{b}"], to=TensorProto.FLOAT16),
            helper.make_node("MatMul", [f"h_{b}", f"w16_{b}"], [f"g_{b}"]),
            helper.make_node("Cast", [f"g_{b}"], [f"f_{b}"], to=TensorProto.FLOAT),
            helper.make_node("QuantizeLinear", [f"f_{b}", f"s_{b}", f"zp_{b}"], [f"q_{b}"]),
            helper.make_node("DequantizeLinear", [f"q_{b}", f"s_{b}", f"zp_{b}"], [f"d_{b}"]),
            helper.make_node("DequantizeLinear", [f"w8_{b}", f"s_{b}"], [f"wd_{b}"]),
            helper.make_node("MatMul", [f"d_{b}", f"wd_{b}"], [f"m_{b}"]),
        ]
        current = f"m_{b}"
    for i in range(2000):  # a long tail of small nodes, as exported graphs have
        nodes.append(helper.make_node("Constant", [], [f"c_{i}"], value=numpy_helper.from_array(
            np.full((side,), 0.5, np.float32))))
        nodes.append(helper.make_node("Add", [current, f"c_{i}"], [f"t_{i}"]))
        current = f"t_{i}"
    nodes.append(helper.make_node("Identity", [current], ["y"]))
    graph = helper.make_graph(
        nodes, "bench", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", side])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", side])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    onnx.save_model(model, str(path))


def _commands(model: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "floor": [python, "-c", FLOOR, str(model)],
        "zoo": [python, "-m", "generator.cli", "inspect", "--json", str(model)],
        "naive": [python, str(Path(__file__).resolve()), "--naive", str(model)],
    }


def _check_agreement(commands: dict[str, list[str]]) -> None:
    """Run each command once (this also warms the page cache) and check they agree."""
    out = {name: subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
           for name, cmd in commands.items()}
    zoo, naive = json.loads(out["zoo"]), json.loads(out["naive"])
    if zoo["sha256"] != out["floor"].strip() or zoo != naive:
        raise SystemExit("zoo, naive and floor disagree about the model")


def run_once(command: list[str]) -> Run:
    """Run a command to completion; its wall time and peak RSS."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{command[:4]} failed with {process.returncode}")
    return Run(seconds, usage.ru_maxrss / 1024)


def measure(commands: dict[str, list[str]], runs: int) -> dict[str, list[Run]]:
    """Run every command `runs` times, rotating the order so none always goes first."""
    names = list(commands)
    results: dict[str, list[Run]] = {name: [] for name in names}
    for round_ in range(runs):
        order = names[round_ % len(names):] + names[:round_ % len(names)]
        for name in order:
            results[name].append(run_once(commands[name]))
    return results


def report(model: Path, results: dict[str, list[Run]]) -> bool:
    """Print the medians and ratios; whether zoo meets its targets."""
    size = model.stat().st_size
    runs = len(results["floor"])
    floor = statistics.median(r.seconds for r in results["floor"])
    print(f"model: {size / 10**6:.0f} MB ({size} bytes), {runs} runs each, medians; "
          f"python {sys.version.split()[0]}")
    print(f"{'command':8} {'wall s':>8} {'x floor':>8} {'peak RSS MB':>12}")
    medians = {}
    for name, found in results.items():
        wall = statistics.median(r.seconds for r in found)
        rss = statistics.median(r.rss_mb for r in found)
        medians[name] = (wall, rss)
        print(f"{name:8} {wall:8.3f} {wall / floor:8.2f} {rss:12.1f}")
    wall, rss = medians["zoo"]
    ok = wall <= TARGET_RATIO * floor and rss <= TARGET_RSS_MB
    print(f"zoo vs naive: {wall / medians['naive'][0]:.2f} x the time, "
          f"{rss / medians['naive'][1]:.2f} x the memory")
    print(f"targets (<= {TARGET_RATIO} x floor, <= {TARGET_RSS_MB:.0f} MB): "
          f"{'met' if ok else 'MISSED'}")
    return ok


def _naive(path: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from generator.inspect import facts_to_dict
    from generator.reference import inspect_loaded

    print(json.dumps(facts_to_dict(inspect_loaded(path)), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
