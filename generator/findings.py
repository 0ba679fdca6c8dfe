"""Findings and the one registry of rules that produce them.

A finding is data: where (path and 1-based line), which rule, how bad, what is wrong and how to fix
it. Every stage returns findings instead of raising; only `ZooError` stops a run.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace


class ZooError(Exception):
    """A problem that stops the run: bad configuration, an unusable content folder."""


class Severity(enum.Enum):
    """How bad a finding is; ordered from worst to mildest."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Rule:
    """A check with a stable code, a short name and the reason it exists."""

    code: str
    name: str
    severity: Severity
    reason: str


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem at one place.

    Attributes:
        path: The file at fault, as shown to the user.
        line: The 1-based line of the offending key; 1 when the whole file is at fault.
        code: The rule's code, such as `ZC201`.
        severity: How bad it is.
        message: What is wrong.
        hint: How to fix it.
    """

    path: str
    line: int
    code: str
    severity: Severity
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.code} {self.severity}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        # ZC1xx: the card's format.
        Rule("ZC100", "card-unreadable", Severity.ERROR,
             "The card must be a UTF-8 text file of reasonable size."),
        Rule("ZC101", "no-front-matter", Severity.ERROR,
             "Without YAML front matter a card states nothing a machine can check."),
        Rule("ZC102", "yaml-syntax", Severity.ERROR,
             "Front matter that does not parse would be dropped silently by mkdocs."),
        Rule("ZC103", "front-matter-not-mapping", Severity.ERROR,
             "Front matter must be a mapping of keys to values, as on the Hugging Face Hub."),
        Rule("ZC104", "yaml-alias", Severity.ERROR,
             "Anchors and aliases let a few bytes expand into gigabytes (the billion laughs)."),
        Rule("ZC105", "duplicate-key", Severity.ERROR,
             "With a key given twice, YAML silently keeps one value; say it once."),
        Rule("ZC106", "wrong-type", Severity.ERROR,
             "A value of the wrong type cannot be checked against the model."),
        Rule("ZC110", "model-file-missing", Severity.ERROR,
             "A card describes a model file; the folder must hold it."),
        Rule("ZC111", "model-file-ambiguous", Severity.ERROR,
             "With several .onnx files in a folder, `onnx.file` must say which the card is for."),
        Rule("ZC112", "model-file-outside", Severity.ERROR,
             "A card may only name a file inside its own folder: no `..`, absolute paths or "
             "symlinks out."),
        Rule("ZC113", "no-card", Severity.ERROR,
             "A model folder needs a README.md card."),
        Rule("ZC114", "bad-model-id", Severity.ERROR,
             "A model's id is its folder name and becomes a URL: letters, digits, `.`, `_`, `-`."),
        # ZC2xx: the card against the model.
        Rule("ZC200", "model-unreadable", Severity.ERROR,
             "The model file must be a readable ONNX protobuf."),
        Rule("ZC201", "opset-mismatch", Severity.ERROR,
             "The card's opset must match the model's opset_import, domain by domain."),
        Rule("ZC202", "model-version-mismatch", Severity.ERROR,
             "The card's model_version must match the ModelProto's."),
        Rule("ZC203", "sha256-mismatch", Severity.ERROR,
             "A card's sha256 pins the exact file it describes."),
    )
}


def emit(rule_code: str, path: str, line: int, message: str, hint: str | None = None) -> Finding:
    """Build a finding for a registered rule, with the rule's default severity.

    Args:
        rule_code: A code from `RULES`.
        path: The file at fault, as shown to the user.
        line: The 1-based line.
        message: What is wrong.
        hint: How to fix it.

    Returns:
        The finding.
    """
    return Finding(path, line, rule_code, RULES[rule_code].severity, message, hint)


def with_severities(
    findings: Iterable[Finding], overrides: Mapping[str, Severity]
) -> tuple[Finding, ...]:
    """Apply configured severities, keyed by rule code or rule name.

    Args:
        findings: The findings as emitted.
        overrides: Rule code or name to the severity to use instead.

    Returns:
        The findings, sorted, with their severities replaced where configured.
    """
    by_code = {r.code: overrides.get(r.code, overrides.get(r.name)) for r in RULES.values()}
    return tuple(
        sorted(replace(f, severity=by_code[f.code] or f.severity) for f in findings)
    )


def has_errors(findings: Iterable[Finding], *, strict: bool = False) -> bool:
    """Tell whether findings fail a run.

    Args:
        findings: The findings.
        strict: Whether warnings fail the run too.

    Returns:
        True when any finding is an error, or a warning under `strict`.
    """
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(f.severity in failing for f in findings)
