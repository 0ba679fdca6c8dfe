"""Every file is untrusted: bad input gives one clear line, never a traceback, a hang or a read
outside the model."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import onnx
import pytest
from onnx import TensorProto, helper

from generator.inspect import InspectError, ModelFacts, inspect_model, location_problem
from generator.wire import Limits

REPO = Path(__file__).resolve().parents[1]


def small_model(tmp_path: Path, name: str = "model.onnx") -> Path:
    then_branch = helper.make_graph(
        [helper.make_node("Constant", [], ["t"], value=helper.make_tensor("", 1, [2], [1, 2]))],
        "then", [], [helper.make_tensor_value_info("t", 1, [2])])
    graph = helper.make_graph(
        [helper.make_node("If", ["c"], ["y"], then_branch=then_branch, else_branch=then_branch),
         helper.make_node("Relu", ["y"], ["z"], doc_string="d" * 40)],
        "small", [helper.make_tensor_value_info("c", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("z", 1, [2])],
        [helper.make_tensor("w", 1, [8], [0.5] * 8)])
    model = helper.make_model(graph, producer_name="test", doc_string="a small model")
    path = tmp_path / name
    onnx.save(model, str(path))
    return path


def error_of(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(InspectError) as caught:
        inspect_model(path, limits)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path).replace("\n", "?"))
    return message


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty file, not an ONNX model"),
    (b"hello, world\n", "not a readable ONNX model: malformed protobuf"),
    (b'{"graph": {}}', "not a readable ONNX model: malformed protobuf: wire type 3 at byte 0"),
    (b"\x89PNG\r\n\x1a\n" + bytes(20), "not a readable ONNX model"),
    (b"\x08\x07", "not an ONNX model (no graph)"),
    (b"\x3a\xff\xff\xff\xff\x0f", "truncated: a field at byte 0 runs to byte 4294967301"),
    (b"\x08" + b"\xff" * 11, "varint over 10 bytes"),
    (b"\x08\xff\xff", "truncated: the file ends inside a varint"),
    (b"\x3a\x04\x0a\x02\x0a", "truncated"),
    (b"\x3a\x02\x00\x00", "field number 0 at byte 2"),
])
def test_non_onnx_input_gives_one_clear_line(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.onnx"
    path.write_bytes(content)
    assert reason in error_of(path)


def test_every_truncation_of_a_model_is_an_error_or_a_valid_prefix(tmp_path: Path) -> None:
    data = small_model(tmp_path).read_bytes()
    cut = tmp_path / "cut.onnx"
    for size in range(1, len(data)):
        cut.write_bytes(data[:size])
        try:
            inspect_model(cut)
        except InspectError as error:
            assert "\n" not in str(error)


def test_corrupted_bytes_never_crash(tmp_path: Path) -> None:
    data = bytearray(small_model(tmp_path).read_bytes())
    bad = tmp_path / "bad.onnx"
    rng = random.Random(3)
    for _ in range(400):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        bad.write_bytes(mutated)
        try:
            assert isinstance(inspect_model(bad), ModelFacts)
        except InspectError as error:
            assert "\n" not in str(error)


def test_over_2_gib_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.onnx"
    with huge.open("wb") as handle:
        handle.truncate(2**31)  # sparse: no disk used
    assert error_of(huge).endswith("2147483648 bytes, over protobuf's 2 GiB limit")


def test_missing_directory_and_special_files(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.onnx").endswith("cannot read (No such file or directory)")
    assert error_of(tmp_path).endswith("is a directory, not an ONNX file")
    fifo = tmp_path / "fifo.onnx"
    os.mkfifo(fifo)
    assert error_of(fifo).endswith("not a regular file")  # and it did not block


def test_control_characters_in_the_path_stay_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.onnx"
    path.write_bytes(b"")
    assert "two?lines.onnx: empty file" in error_of(path)


def test_depth_fields_and_text_are_bounded(tmp_path: Path) -> None:
    path = small_model(tmp_path)
    assert "subgraphs nested over 0 deep" in error_of(path, Limits(max_depth=0))
    assert "over 10 protobuf fields" in error_of(path, Limits(max_fields=10))
    assert "over 5 bytes of text" in error_of(path, Limits(max_text=5))
    assert inspect_model(path, Limits(inline=0, chunk=7)) == inspect_model(path)


def test_long_names_are_capped_not_fatal(tmp_path: Path) -> None:
    name = "n" * 10_000
    graph = helper.make_graph([helper.make_node("Relu", [name], ["y"])], "g",
                              [helper.make_tensor_value_info(name, 1, [1])],
                              [helper.make_tensor_value_info("y", 1, [1])])
    path = tmp_path / "long.onnx"
    onnx.save(helper.make_model(graph), str(path))
    (port,) = inspect_model(path).graph.inputs
    assert port.name == "n" * 4096 + "…"


# --- external data: reported, flagged, never followed --------------------------------------

@pytest.fixture
def no_hang() -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("inspect blocked: it opened the FIFO named as external data")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def external_model(folder: Path, locations: list[str]) -> Path:
    inits = []
    for i, location in enumerate(locations):
        t = helper.make_tensor(f"w{i}", 1, [4, 4], [0.0] * 16)
        t.ClearField("float_data")
        t.data_location = TensorProto.EXTERNAL
        for key, value in (("location", location), ("offset", str(64 * i)), ("length", "64")):
            entry = t.external_data.add()
            entry.key, entry.value = key, value
        inits.append(t)
    graph = helper.make_graph([helper.make_node("Identity", ["w0"], ["y"])], "ext", [],
                              [helper.make_tensor_value_info("y", 1, [4, 4])], inits)
    path = folder / "model.onnx"
    onnx.save(helper.make_model(graph), str(path))
    return path


def test_external_data_is_reported_and_unsafe_locations_flagged(tmp_path: Path,
                                                                no_hang: None) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    os.mkfifo(folder / "weights.bin")  # opening it would block: inspect must not
    (folder / "escape.bin").symlink_to(tmp_path / "outside.bin")
    path = external_model(folder, ["weights.bin", "/etc/passwd", "../secret.bin",
                                   "sub/../../x.bin", "escape.bin", "C:\\weights.bin"])
    facts = inspect_model(path)
    assert [(e.tensor, e.location, e.offset, e.length, e.unsafe) for e in facts.external_data] == [
        ("w0", "weights.bin", 0, 64, None),
        ("w1", "/etc/passwd", 64, 64, "absolute path"),
        ("w2", "../secret.bin", 128, 64, "climbs out of the model's folder with .."),
        ("w3", "sub/../../x.bin", 192, 64, "climbs out of the model's folder with .."),
        ("w4", "escape.bin", 256, 64, "resolves outside the model's folder (symlink)"),
        ("w5", "C:\\weights.bin", 320, 64, "absolute path"),
    ]
    assert facts.precision.tensors["FLOAT"].bytes == 6 * 64


def test_location_problem_cases(tmp_path: Path) -> None:
    assert location_problem("data/w.bin", tmp_path) is None
    assert location_problem("", tmp_path) == "no location"
    assert location_problem("a\x00b", tmp_path) == "NUL byte in location"
    assert location_problem("\\\\server\\share", tmp_path) == "absolute path"
    assert location_problem("a\\..\\..\\b", tmp_path) == "climbs out of the model's folder with .."


def test_inspect_never_imports_onnx_or_onnxruntime(tmp_path: Path) -> None:
    path = small_model(tmp_path)
    code = ("import sys\nfrom generator.cli import main\n"
            f"assert main(['inspect', '--json', {str(path)!r}]) == 0\n"
            "heavy = {'onnx', 'onnxruntime', 'numpy', 'rich'} & set(sys.modules)\n"
            "assert not heavy, heavy\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_absurd_dims_are_clamped_not_slow(tmp_path: Path) -> None:
    t = helper.make_tensor("w", 1, [1], [0.0])
    del t.dims[:]
    t.dims.extend([2**62] * 100_000)
    graph = helper.make_graph([], "g", [], [], [t])
    path = tmp_path / "dims.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    assert inspect_model(path).precision.tensors["FLOAT"].elements == 2**64
