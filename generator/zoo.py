"""Zoo: a content folder in, one record per model out (card, facts and findings).

This is the engine-free core that the mkdocs plugin and the `zoo` CLI both drive.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.card import Card, parse_card
from generator.cardrules import check_card
from generator.crosscheck import crosscheck
from generator.findings import Finding, Severity, ZooError, emit, with_severities
from generator.inspect import InspectError, ModelFacts, inspect_model
from generator.lineage import with_lineage
from generator.signing import SignatureStatus, zoo_signature
from generator.zoowide import ZooOptions, check_zoo

CARD_NAME = "README.md"
MODEL_SUFFIX = ".onnx"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

Inspector = Callable[[Path], ModelFacts]


@dataclass(frozen=True, slots=True)
class ModelRecord:
    """One model of the zoo: its folder, card, model file, facts and findings."""

    id: str
    folder: Path
    card: Card | None
    model_path: Path | None
    facts: ModelFacts | None
    findings: tuple[Finding, ...]
    signature: SignatureStatus | None = None
    """The model's detached signature, checked against the zoo's keys; None when unsigned."""

    @property
    def name(self) -> str:
        """The display name: the card's, else the id."""
        return (self.card.name if self.card else "") or self.id

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity is Severity.ERROR for f in self.findings)


@dataclass(frozen=True, slots=True)
class Zoo:
    """Every model under one content folder."""

    content: Path
    records: tuple[ModelRecord, ...]
    findings: tuple[Finding, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Settings:
    """How to read a zoo: what the `zoo` plugin's options say, for the build and the CLI alike."""

    content: Path
    severities: Mapping[str, Severity] = field(default_factory=dict)
    options: ZooOptions = field(default_factory=ZooOptions)


def shown(path: Path) -> str:
    """A path as findings show it: relative to the working directory when below it.

    Args:
        path: Any path.

    Returns:
        The path to print.
    """
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def valid_id(name: str) -> bool:
    """Tell whether a folder name can be a model's id (and a URL segment).

    Args:
        name: The folder name.

    Returns:
        True for letters, digits, `.`, `_` and `-`, starting with a letter or digit.
    """
    return bool(_ID.match(name))


def model_folders(content: Path) -> list[Path]:
    """The folders of `content` that hold a model: a card or an .onnx file.

    Args:
        content: The content folder.

    Returns:
        The model folders, sorted by name; hidden and `_`-prefixed folders are skipped.

    Raises:
        ZooError: When `content` is not a folder.
    """
    if not content.is_dir():
        raise ZooError(f"{content}: no such folder (the zoo's content folder)")
    return sorted(
        folder for folder in content.iterdir()
        if folder.is_dir() and not folder.name.startswith((".", "_"))
        and ((folder / CARD_NAME).is_file() or any(folder.glob(f"*{MODEL_SUFFIX}")))
    )


def load_zoo(
    content: Path,
    *,
    severities: Mapping[str, Severity] | None = None,
    inspector: Inspector = inspect_model,
    options: ZooOptions | None = None,
) -> Zoo:
    """Read, inspect and cross-check every model under a content folder.

    Args:
        content: The content folder, one sub-folder per model.
        severities: Rule code or name to the severity to use instead of the rule's own.
        inspector: How to read a model file (the site build passes a cached one).
        options: Zoo-wide settings, such as the accuracy drop allowed along a lineage.

    Returns:
        The zoo; bad cards and models become findings, never exceptions.
    """
    records = tuple(
        load_model(folder, severities=severities or {}, inspector=inspector)
        for folder in model_folders(content)
    )
    records = with_lineage(records, severities or {})
    from generator.shapes import with_shape_findings  # here: shapes import this module

    records = with_shape_findings(records, severities or {})
    zoowide = check_zoo(records, options or ZooOptions())
    findings = (*(f for record in records for f in record.findings),
                *with_severities(zoowide, severities or {}))
    return Zoo(content, records, findings)


def load_model(
    folder: Path, *, severities: Mapping[str, Severity], inspector: Inspector
) -> ModelRecord:
    """Read, inspect and cross-check the model in one folder.

    Args:
        folder: The model's folder; its name is the model's id.
        severities: Rule code or name to the severity to use instead of the rule's own.
        inspector: How to read a model file.

    Returns:
        The model's record.
    """
    card_path = folder / CARD_NAME
    findings: list[Finding] = []
    card: Card | None = None
    if card_path.is_file():
        result = parse_card(card_path, shown(card_path))
        card, findings = result.card, list(result.findings)
        findings.extend(check_card(card) if card else ())
    else:
        findings.append(emit("ZC113", shown(folder), 1, f"no {CARD_NAME} in the model folder",
                             "add a card: `zoo new` writes one from the model"))
    if not _ID.match(folder.name):
        findings.append(emit("ZC114", shown(folder), 1, f"`{folder.name}` is not a usable id",
                             "rename the folder with letters, digits, `.`, `_` and `-`"))
    model_path, problem = locate_model(folder, card)
    facts = None
    if problem:
        findings.append(problem)
    elif model_path:
        facts, problem = _inspect(model_path, inspector)
        findings.extend([problem] if problem else crosscheck(card, facts) if card and facts else ())
    signature, bad = zoo_signature(model_path, folder.parent, shown)
    return ModelRecord(folder.name, folder, card, model_path, facts,
                       with_severities([*findings, *bad], severities), signature)


def _inspect(path: Path, inspector: Inspector) -> tuple[ModelFacts | None, Finding | None]:
    try:
        return inspector(path), None
    except InspectError as error:
        reason = str(error).removeprefix(f"{path}: ")
        return None, emit("ZC200", shown(path), 1, reason, "re-export or replace the model file")


def locate_model(folder: Path, card: Card | None) -> tuple[Path | None, Finding | None]:
    """Find a card's model file: `onnx.file`, or the one .onnx file in its folder.

    Args:
        folder: The model's folder.
        card: Its card, when it could be read.

    Returns:
        The model file, or the finding that says why there is none.
    """
    declared = card.onnx.get("file") if card else None
    where = card.shown if card else shown(folder)
    if declared is not None:
        line = card.line("onnx", "file") if card else 1
        return _declared_model(folder, declared, where, line)
    candidates = sorted(folder.glob(f"*{MODEL_SUFFIX}"))
    if len(candidates) > 1:
        names = ", ".join(c.name for c in candidates)
        return None, emit("ZC111", where, 1, f"several model files: {names}",
                          "say which one with `onnx.file`")
    if not candidates:
        return None, emit("ZC110", where, 1, f"no {MODEL_SUFFIX} file in {shown(folder)}",
                          "put the model next to its card")
    return _inside(folder, candidates[0], where, 1)


def _declared_model(
    folder: Path, declared: object, where: str, line: int
) -> tuple[Path | None, Finding | None]:
    if not isinstance(declared, str) or not declared:
        return None, None  # the schema check reports the type
    relative = Path(declared)
    if relative.is_absolute() or ".." in relative.parts:
        return None, emit("ZC112", where, line, f"`onnx.file: {declared}` leaves the model folder",
                          "name a file inside the card's folder")
    path = folder / relative
    if not path.is_file():
        return None, emit("ZC110", where, line, f"`onnx.file: {declared}` does not exist",
                          "fix the name, or add the file")
    return _inside(folder, path, where, line)


def _inside(folder: Path, path: Path, where: str, line: int) -> tuple[Path | None, Finding | None]:
    real, root = os.path.realpath(path), os.path.realpath(folder)
    if os.path.commonpath([real, root]) != root:
        return None, emit("ZC112", where, line, f"{path.name} links outside the model folder",
                          "copy the model into the folder instead of linking it")
    return path, None
