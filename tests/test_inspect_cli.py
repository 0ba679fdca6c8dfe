"""`zoo inspect`: a rich summary or JSON, exit 1 with one line per unreadable file, 2 on usage."""

from __future__ import annotations

import json
from pathlib import Path

import onnx
import pytest
from onnx import TensorProto, helper

from generator.cli import main


def qdq_model(tmp_path: Path, input_name: str = "x") -> Path:
    nodes = [helper.make_node("DequantizeLinear", ["W", "s"], ["Wd"]),
             helper.make_node("MatMul", [input_name, "Wd"], ["y"])]
    inits = [helper.make_tensor("W", TensorProto.INT8, [4, 4], [1] * 16),
             helper.make_tensor("s", TensorProto.FLOAT, [], [0.1])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(input_name, 1, ["n", 4])],
                              [helper.make_tensor_value_info("y", 1, ["n", 4])], inits)
    path = tmp_path / "model.onnx"
    onnx.save(helper.make_model(graph), str(path))
    return path


def test_summary_shows_the_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(qdq_model(tmp_path))]) == 0
    out = capsys.readouterr().out
    for expected in ("INT8/FP32", "weight-only  (weight bits: 8)", "DequantizeLinear ×1",
                     "weights per dtype", "inputs and outputs", "[n, 4]"):
        assert expected in out


def test_json_for_one_path_is_an_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = qdq_model(tmp_path)
    assert main(["inspect", "--json", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["path"] == str(path)
    assert data["precision"]["combination"] == "INT8/FP32"
    assert data["precision"]["tensors"]["INT8"] == {"count": 1, "elements": 16, "bytes": 16}


def test_json_for_several_paths_is_an_array(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = qdq_model(tmp_path)
    assert main(["inspect", "--json", str(path), str(path)]) == 0
    assert [d["path"] for d in json.loads(capsys.readouterr().out)] == [str(path)] * 2


def test_unreadable_file_exits_1_with_one_line(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    good, empty = qdq_model(tmp_path), tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    assert main(["inspect", "--json", str(empty), str(good)]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"zoo inspect: {empty}: empty file, not an ONNX model"]
    assert [d["path"] for d in json.loads(captured.out)] == [str(good)]


def test_unreadable_single_file_prints_no_json(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\xff")
    assert main(["inspect", "--json", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"zoo inspect: {bad}: not a readable ONNX model: truncated: "
                            "the file ends inside a varint at byte 2\n")


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect"]) == 2
    assert "the following arguments are required: PATH" in capsys.readouterr().err


def test_model_strings_are_not_markup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(qdq_model(tmp_path, input_name="[red]x\x1b[2J[/red]"))]) == 0
    out = capsys.readouterr().out
    assert "[red]x\\x1b[2J[/red]" in out
    assert "\x1b" not in out
