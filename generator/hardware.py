"""Hardware: which models' precisions a set of hardware features computes natively.

The features live in `hardware.json` beside this module, each with its vendor source and dates.
The zoo's "Runs well on my hardware" page lists them; `zoo.js` applies the same rule in the
browser that `runs_natively` applies here.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).with_name("hardware.json")
BASELINE = frozenset({"FP32", "FP64"})
"""Families every CPU and GPU computes; a model made only of them needs no feature."""


@dataclass(frozen=True, slots=True)
class HardwareFeature:
    """One hardware feature and the precision families it computes natively."""

    id: str
    name: str
    vendor: str
    platform: str
    precisions: tuple[str, ...]
    since: str
    source: str
    source_title: str
    recorded: str


@functools.cache
def load_features(path: Path = DATA_FILE) -> tuple[HardwareFeature, ...]:
    """Read the hardware features from their data file.

    Args:
        path: The JSON file (default: the one shipped with the package).

    Returns:
        The features, in file order.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(_feature(entry) for entry in data["features"])


def _feature(entry: Mapping[str, Any]) -> HardwareFeature:
    return HardwareFeature(
        id=str(entry["id"]), name=str(entry["name"]), vendor=str(entry["vendor"]),
        platform=str(entry["platform"]), precisions=tuple(str(p) for p in entry["precisions"]),
        since=str(entry["since"]), source=str(entry["source"]),
        source_title=str(entry["source_title"]), recorded=str(entry["recorded"]),
    )


def reduced(families: Iterable[str]) -> frozenset[str]:
    """The families of a model that need a hardware feature to run fast.

    Args:
        families: The model's precision families, e.g. `("INT8", "FP32")`.

    Returns:
        The families besides FP32 and FP64.
    """
    return frozenset(families) - BASELINE


def runs_natively(families: Iterable[str], features: Sequence[HardwareFeature]) -> bool:
    """True when the features compute every reduced precision of a model natively.

    A model with no reduced precision (FP32 only) runs everywhere and is not counted here.

    Args:
        families: The model's precision families.
        features: The features the user has.

    Returns:
        Whether the model's reduced precisions are all covered.
    """
    needed = reduced(families)
    supported = {p for feature in features for p in feature.precisions}
    return bool(needed) and needed <= supported


def features_json(features: Sequence[HardwareFeature]) -> list[dict[str, Any]]:
    """The features as the site publishes them in `hardware.json`.

    Args:
        features: The features.

    Returns:
        JSON-serializable dicts.
    """
    return [
        {"id": f.id, "name": f.name, "vendor": f.vendor, "platform": f.platform,
         "precisions": list(f.precisions), "since": f.since, "source": f.source,
         "source_title": f.source_title, "recorded": f.recorded}
        for f in features
    ]
