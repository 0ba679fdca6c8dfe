"""Card: a Markdown model card in, its front matter (with the line of every key) and body out.

A card is `content/<id>/README.md`, laid out like a Hugging Face model repo: YAML front matter,
then Markdown. Zoo-specific keys live under one `onnx:` key; every other key keeps its Hugging Face
meaning, and unknown keys are kept as they are.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from license_expression import ExpressionError, get_spdx_licensing

from generator.findings import Finding, emit

MAX_CARD_BYTES = 1 << 20
"""A card is prose; over a MiB it is a mistake or an attack."""

KeyPath = tuple[str | int, ...]

_FRONT_MATTER = YAMLHandler()
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Card:
    """A parsed model card.

    Attributes:
        path: The card's file.
        shown: The path as findings show it.
        meta: The whole front matter, unknown keys included.
        body: The Markdown after the front matter.
        lines: The 1-based line of every key and list item, by key path.
        name: The model's display name (`onnx.name`, else the body's first heading).
        description: `onnx.description`, else the body's first paragraph.
    """

    path: Path
    shown: str
    meta: Mapping[str, Any]
    body: str
    lines: Mapping[KeyPath, int]
    name: str
    description: str

    @property
    def onnx(self) -> Mapping[str, Any]:
        """The zoo's own keys (the `onnx:` mapping), empty when absent or malformed."""
        value = self.meta.get("onnx")
        return value if isinstance(value, Mapping) else {}

    def line(self, *keys: str | int) -> int:
        """The line of a key path, or of its nearest ancestor that has one.

        Args:
            *keys: The key path, for example `"onnx", "opset", ""`.

        Returns:
            The 1-based line; 1 when no part of the path is in the card.
        """
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return 1


@dataclass(frozen=True, slots=True)
class CardResult:
    """A card, when it could be read, and what is wrong with it."""

    card: Card | None
    findings: tuple[Finding, ...]


class _AliasError(yaml.MarkedYAMLError):
    pass


class _Loader(yaml.SafeLoader):
    """Safe loading that refuses aliases before they are composed, let alone expanded."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise _AliasError(problem="YAML aliases are not allowed in a card", problem_mark=mark)
        return super().compose_node(parent, index)


def parse_card(path: Path, shown: str) -> CardResult:
    """Read and parse one card.

    Args:
        path: The README.md.
        shown: The path as findings should show it.

    Returns:
        The card (None when nothing usable could be read) and its findings.
    """
    text = _read_text(path, shown)
    if isinstance(text, Finding):
        return CardResult(None, (text,))
    if not _FRONT_MATTER.detect(text):
        return CardResult(None, (emit(
            "ZC101", shown, 1, "no YAML front matter",
            "start the file with a line `---`, the YAML keys, and another `---`"),))
    front, body, offset = _split(text)
    try:
        node, meta = _compose(front)
    except yaml.MarkedYAMLError as error:
        return CardResult(None, (_yaml_finding(error, shown, offset),))
    if not isinstance(node, yaml.MappingNode):
        kind = "empty" if node is None else f"a {type(meta).__name__}"
        return CardResult(None, (emit(
            "ZC103", shown, 2, f"front matter is {kind}, not a mapping",
            "write `key: value` lines between the `---` lines"),))
    lines: dict[KeyPath, int] = {}
    findings = tuple(_walk(node, (), lines, shown, offset))
    name, description = _name_and_description(meta, body)
    card = Card(path, shown, meta, body, lines, name, description)
    return CardResult(card, findings)


def _read_text(path: Path, shown: str) -> str | Finding:
    """The card's text with BOM and CR line ends removed, or why it cannot be read."""
    problem = functools.partial(emit, "ZC100", shown)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CARD_BYTES + 1)
    except OSError as error:
        return problem(1, f"cannot read the card ({error.strerror})")
    if len(raw) > MAX_CARD_BYTES:
        return problem(1, f"the card is over {MAX_CARD_BYTES // 1024} KiB",
                       "keep the card to prose; link large material instead")
    if b"\0" in raw:
        return problem(1, "the card is a binary file, not Markdown", "write the card in Markdown")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return problem(line, f"the card is not UTF-8 (byte {raw[error.start]:#04x})",
                       "save it as UTF-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split(text: str) -> tuple[str, str, int]:
    """Split front matter from body; the offset turns a 0-based YAML line into a file line."""
    boundaries = _FRONT_MATTER.FM_BOUNDARY.finditer(text)
    opening = next(boundaries)
    closing = next(boundaries, None)
    end = closing.start() if closing else len(text)
    body = text[closing.end():] if closing else ""
    return text[opening.end():end], body, text[: opening.end()].count("\n") + 1


def _compose(front: str) -> tuple[yaml.Node | None, Any]:
    loader = _Loader(front)
    try:
        node = loader.get_single_node()
        return node, None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def _yaml_finding(error: yaml.MarkedYAMLError, shown: str, offset: int) -> Finding:
    mark = error.problem_mark or error.context_mark
    line = mark.line + offset if mark else 1
    column = mark.column + 1 if mark else 1
    problem = error.problem or error.context or "invalid YAML"
    if isinstance(error, _AliasError):
        return emit("ZC104", shown, line, problem, "write the value out instead of `*alias`")
    return emit("ZC102", shown, line, f"YAML syntax error at column {column}: {problem}",
                "fix the YAML; indent with spaces, quote values that contain `: ` or `#`")


def _walk(
    node: yaml.Node, at: KeyPath, lines: dict[KeyPath, int], shown: str, offset: int
) -> Iterator[Finding]:
    """Record the line of every key and item; report keys given twice."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            path = (*at, key)
            line = key_node.start_mark.line + offset
            if key in seen:
                yield emit("ZC105", shown, line, f"key `{'.'.join(map(str, path))}` given twice",
                           "remove one of them")
            seen.add(key)
            lines[path] = line  # of a key given twice, the value YAML keeps: the last
            yield from _walk(value_node, path, lines, shown, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*at, index)] = item.start_mark.line + offset
            yield from _walk(item, (*at, index), lines, shown, offset)


def _name_and_description(meta: Mapping[str, Any], body: str) -> tuple[str, str]:
    zoo = meta.get("onnx") if isinstance(meta.get("onnx"), Mapping) else {}
    assert isinstance(zoo, Mapping)
    heading = _HEADING.search(body)
    name = zoo.get("name") or (heading.group(1) if heading else "")
    description = zoo.get("description") or _first_paragraph(body)
    return str(name), str(description)


@functools.cache
def _licensing() -> Any:
    return get_spdx_licensing()


def spdx_license(value: object) -> str | None:
    """The canonical SPDX id of a card's `license`, as Hugging Face writes it (`apache-2.0`).

    Args:
        value: The `license` value.

    Returns:
        The SPDX id or expression (`Apache-2.0`), or None when it is not one.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return str(_licensing().parse(value, validate=True, strict=True).render())
    except ExpressionError:
        return None


def _first_paragraph(body: str) -> str:
    without_headings = _HEADING.sub("", re.sub(r"^#{2,6}\s.*$", "", body, flags=re.MULTILINE))
    for block in re.split(r"\n\s*\n", without_headings):
        text = " ".join(line.strip() for line in block.strip().splitlines())
        if text and not text.startswith(("#", "<", "|", "```", "!", "-", "*", ">")):
            return text
    return ""
