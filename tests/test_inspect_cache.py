"""The facts cache: a hit costs a stat and a JSON read; anything odd is a miss, never an error."""

from __future__ import annotations

import json
import os
from pathlib import Path

import onnx
import pytest
from onnx import helper

import generator.cache as cache
from generator.cache import cached_inspect
from generator.inspect import InspectError, ModelFacts, inspect_model


def model(tmp_path: Path, op: str = "Relu") -> Path:
    graph = helper.make_graph([helper.make_node(op, ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", 1, [2])],
                              [helper.make_tensor_value_info("y", 1, [2])],
                              [helper.make_tensor("w", 10, [3], [1, 2, 3])])
    path = tmp_path / "model.onnx"
    onnx.save(helper.make_model(graph), str(path))
    return path


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Count the real inspections behind the cache."""
    seen: list[Path] = []

    def counting(path: Path) -> ModelFacts:
        seen.append(path)
        return inspect_model(path)

    monkeypatch.setattr(cache, "inspect_model", counting)
    return seen


def entries(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def test_second_call_is_a_hit(tmp_path: Path, calls: list[Path]) -> None:
    path, store = model(tmp_path), tmp_path / "cache"
    first = cached_inspect(path, store)
    assert cached_inspect(path, store) == first == inspect_model(path)
    assert len(calls) == 1
    assert [p.suffix for p in entries(store)] == [".json"]  # no temporary file left behind


def test_a_changed_model_is_a_miss(tmp_path: Path, calls: list[Path]) -> None:
    path, store = model(tmp_path), tmp_path / "cache"
    cached_inspect(path, store)
    model(tmp_path, op="Sigmoid")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert cached_inspect(path, store).graph.op_types == {"Sigmoid": 1}
    assert len(calls) == 2


@pytest.mark.parametrize("corrupt", [
    b"",
    b"{not json",
    b"[]",
    b'{"key": 1, "digest": 2, "facts": 3}',
    b"\xff\xfe garbage",
])
def test_a_corrupt_entry_is_a_miss_and_is_rewritten(tmp_path: Path, calls: list[Path],
                                                    corrupt: bytes) -> None:
    path, store = model(tmp_path), tmp_path / "cache"
    good = cached_inspect(path, store)
    (entry,) = entries(store)
    entry.write_bytes(corrupt)
    assert cached_inspect(path, store) == good
    assert len(calls) == 2
    assert json.loads(entry.read_text())["facts"]["sha256"] == good.sha256


def test_a_tampered_or_mistyped_entry_is_a_miss(tmp_path: Path, calls: list[Path]) -> None:
    path, store = model(tmp_path), tmp_path / "cache"
    good = cached_inspect(path, store)
    (entry,) = entries(store)
    payload = json.loads(entry.read_text())
    payload["facts"]["precision"]["combination"] = "INT8"
    entry.write_text(json.dumps(payload))
    assert cached_inspect(path, store) == good
    payload = json.loads(entry.read_text())
    payload["facts"]["size_bytes"] = "big"
    payload["digest"] = cache._digest(payload["facts"])
    entry.write_text(json.dumps(payload))
    assert cached_inspect(path, store) == good
    assert len(calls) == 3


def test_the_callers_path_is_kept(tmp_path: Path, calls: list[Path],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path, store = model(tmp_path), tmp_path / "cache"
    cached_inspect(path, store)
    monkeypatch.chdir(tmp_path)
    assert cached_inspect(Path("model.onnx"), store).path == "model.onnx"
    assert len(calls) == 1


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path, calls: list[Path]) -> None:
    path = model(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert cached_inspect(path, blocker / "cache") == inspect_model(path)
    assert cached_inspect(path, blocker / "cache") == inspect_model(path)
    assert len(calls) == 2


def test_errors_are_not_cached(tmp_path: Path) -> None:
    path, store = tmp_path / "empty.onnx", tmp_path / "cache"
    path.write_bytes(b"")
    for _ in range(2):
        with pytest.raises(InspectError, match="empty file"):
            cached_inspect(path, store)
    assert not store.exists()


def test_default_location() -> None:
    assert str(cache.DEFAULT_CACHE_DIR) == ".cache/zoo/inspect"
