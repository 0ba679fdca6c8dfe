"""Benchmark what `open_session`'s check adds to creating an onnxruntime session.

    python bench/bench_runtime.py [--runs 7] [--size-mb 64] [--models ID,ID]

In a temporary folder it annotates and signs copies of sample-zoo models (and a generated
mixed-precision model of `--size-mb` MB, built by `bench_inspect.build_model`), then runs three
whole processes side by side, in rotating order, `--runs` times each:

- plain: `onnxruntime.InferenceSession(path)`;
- default: `open_session(path)`, the warn-only policy (no signature check without a key);
- strict: `open_session(path, Policy(annotated, signed, license, public key))`, which also
  imports model-signing and checks the signature (hashing the file once more).

It prints the median wall time of each and what the check adds, then the median of the check
alone (`verify_model`, in one warm process).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench_inspect import ROOT, build_model, measure

MODELS = ("digits-mlp-int8-qdq", "resnet50-light")
CARD = ("---\nlicense: apache-2.0\npipeline_tag: other\nonnx:\n  file: model.onnx\n---\n\n"
        "# Bench model\n\nA generated mixed-precision model.\n")
OPEN = ("import sys\nfrom pathlib import Path\nimport onnxruntime\n"
        "onnxruntime.set_default_logger_severity(3)\n"
        "from generator.runtime import open_session\nfrom generator.verify import Policy\n"
        "policy = None if sys.argv[2] == '-' else Policy(require_annotated=True, "
        "require_signed=True, licenses=frozenset({'apache-2.0'}), "
        "public_keys=(Path(sys.argv[2]),))\n"
        "open_session(sys.argv[1], policy, providers=['CPUExecutionProvider'])\n")
PLAIN = ("import sys, onnxruntime\nonnxruntime.set_default_logger_severity(3)\n"
         "onnxruntime.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])\n")
CHECK = ("import sys, time, statistics\nfrom pathlib import Path\n"
         "from generator.verify import Policy, verify_model\n"
         "policy = Policy(require_annotated=True, require_signed=True, "
         "public_keys=(Path(sys.argv[2]),))\n"
         "assert verify_model(Path(sys.argv[1]), policy).passed\n"
         "times = []\nfor _ in range(int(sys.argv[3])):\n"
         "    start = time.perf_counter(); verify_model(Path(sys.argv[1]), policy)\n"
         "    times.append(time.perf_counter() - start)\n"
         "print(statistics.median(times))\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.build:
        build_model(Path(args.build), args.size_mb)
        return 0
    with tempfile.TemporaryDirectory(prefix="zoo-bench-runtime-") as tmp:
        folder = Path(tmp)
        key = _keys(folder)
        models = [_sample(folder, model_id, key) for model_id in args.models.split(",") if model_id]
        if args.size_mb:
            models.append(_generated(folder, args.size_mb, key))
        print(f"{args.runs} runs each, whole processes, medians; python {sys.version.split()[0]}")
        print(f"{'model':24} {'size':>10} {'plain s':>8} {'default s':>10} {'strict s':>9} "
              f"{'+default':>9} {'+strict':>8} {'check ms':>9}")
        for model in models:
            _report(model, key, args.runs)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (default 7)")
    parser.add_argument("--size-mb", type=int, default=64,
                        help="size of the generated model, 0 for none (default 64)")
    parser.add_argument("--models", default=",".join(MODELS),
                        help=f"sample-zoo ids (default {','.join(MODELS)})")
    parser.add_argument("--build", help=argparse.SUPPRESS)
    return parser


def _keys(folder: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    (folder / "key.pem").write_bytes(private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (folder / "key.pub").write_bytes(private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return folder / "key.pub"


def _prepare(model: Path, card: Path, key: Path, content: Path) -> Path:
    from generator.annotate import annotate_with_card
    from generator.signing import sign_model

    annotate_with_card(model, card, model, "https://zoo-cards.example.org/", content)
    sign_model(model, key.with_suffix(".pem"))
    return model


def _sample(folder: Path, model_id: str, key: Path) -> Path:
    target = folder / "content" / model_id
    shutil.copytree(ROOT / "content" / model_id, target)
    return _prepare(target / "model.onnx", target / "README.md", key, ROOT / "content")


def _generated(folder: Path, size_mb: int, key: Path) -> Path:
    target = folder / "content" / f"generated-{size_mb}mb"
    target.mkdir(parents=True)
    (target / "README.md").write_text(CARD)
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--build",
                    str(target / "model.onnx"), "--size-mb", str(size_mb)], check=True)
    return _prepare(target / "model.onnx", target / "README.md", key, folder / "content")


def _report(model: Path, key: Path, runs: int) -> None:
    python = sys.executable
    commands = {
        "plain": [python, "-c", PLAIN, str(model)],
        "default": [python, "-W", "ignore", "-c", OPEN, str(model), "-"],
        "strict": [python, "-c", OPEN, str(model), str(key)],
    }
    for command in commands.values():  # once each: it must work, and the page cache warms
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    results = measure(commands, runs)
    wall = {name: statistics.median(r.seconds for r in found) for name, found in results.items()}
    check = subprocess.run([python, "-c", CHECK, str(model), str(key), str(runs)], cwd=ROOT,
                           check=True, capture_output=True, text=True).stdout
    size = model.stat().st_size
    print(f"{model.parent.name:24} {size / 10**6:8.2f}MB {wall['plain']:8.3f} "
          f"{wall['default']:10.3f} {wall['strict']:9.3f} "
          f"{wall['default'] - wall['plain']:+9.3f} {wall['strict'] - wall['plain']:+8.3f} "
          f"{float(check) * 1000:9.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
