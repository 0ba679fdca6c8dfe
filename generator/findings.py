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
        Rule("ZC107", "unknown-key", Severity.WARNING,
             "A top-level key that neither Hugging Face nor the zoo defines is kept, but is "
             "often a typo; zoo keys go under `onnx:`."),
        Rule("ZC108", "license-not-spdx", Severity.WARNING,
             "A license must be an SPDX id that tools understand, or `other` with a "
             "`license_name`."),
        Rule("ZC109", "license-missing", Severity.ERROR,
             "A model without a license cannot be reused by anyone."),
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
        Rule("ZC204", "producer-mismatch", Severity.ERROR,
             "The card's producer name and version must match the ModelProto's."),
        Rule("ZC205", "ir-version-mismatch", Severity.ERROR,
             "The card's ir_version must match the ModelProto's."),
        Rule("ZC206", "io-name-mismatch", Severity.ERROR,
             "The card must list the graph's inputs and outputs by their real names."),
        Rule("ZC207", "io-dtype-mismatch", Severity.ERROR,
             "An input's or output's dtype in the card must be the graph's."),
        Rule("ZC208", "io-shape-mismatch", Severity.ERROR,
             "An input's or output's shape in the card must fit the graph's, dimension by "
             "dimension."),
        Rule("ZC209", "precision-not-computed", Severity.ERROR,
             "A precision the card claims (in `onnx.precision` or a tag such as `int8`) must be "
             "one the model really computes in."),
        Rule("ZC210", "precision-undeclared", Severity.ERROR,
             "Every precision the model computes in must be declared in `onnx.precision`."),
        Rule("ZC211", "metadata-props-contradiction", Severity.ERROR,
             "The model's metadata_props must not contradict the card (precision, license)."),
        # ZC300-ZC339: the zoo as a whole.
        Rule("ZC300", "duplicate-id", Severity.ERROR,
             "Ids that differ only in letter case clash in URLs and on case-insensitive file "
             "systems."),
        Rule("ZC301", "base-model-not-in-zoo", Severity.INFO,
             "A `base_model` that is not a model of the zoo may be a Hub id, or a typo."),
        Rule("ZC302", "lineage-cycle", Severity.ERROR,
             "A model cannot descend from itself through `base_model`."),
        Rule("ZC303", "lineage-interface-changed", Severity.WARNING,
             "A quantized or converted model should be a drop-in replacement: the same inputs "
             "and outputs as its parent."),
        Rule("ZC304", "lineage-accuracy-drop", Severity.WARNING,
             "A child that loses more than `accuracy_drop` of a metric its parent reports on "
             "the same data should say why."),
        # ZC340-ZC379: provenance embedded in the model, signatures and the hash chain.
        Rule("ZC340", "not-annotated", Severity.WARNING,
             "A model carries its provenance in `metadata_props` (`zoo annotate`), so that "
             "runtimes can check it."),
        Rule("ZC341", "provenance-unreadable", Severity.ERROR,
             "Embedded provenance must be a JSON-LD document with an inline context and one "
             "MLModel node."),
        Rule("ZC342", "metadata-value-too-large", Severity.ERROR,
             "An embedded provenance value is a few KB; a huge one is refused before parsing."),
        Rule("ZC343", "precision-claim-mismatch", Severity.ERROR,
             "The precision a model claims in `metadata_props` must be the one its graph "
             "computes in."),
        Rule("ZC344", "precision-claim-missing", Severity.WARNING,
             "An annotated model states its precision combination under `zoo.precision`."),
        Rule("ZC345", "license-not-allowed", Severity.ERROR,
             "A policy may allow only some licenses; the embedded license must be one of them."),
        Rule("ZC346", "parent-hash-mismatch", Severity.ERROR,
             "A derived model records its parent's file hash; the zoo's parent file must have "
             "it."),
        Rule("ZC347", "lineage-not-in-zoo", Severity.WARNING,
             "A hash can only be checked against a model that is in the zoo."),
        Rule("ZC348", "hash-not-pinned", Severity.WARNING,
             "With a zoo, a model's card pins its sha256 and the file has it; `--require hash` "
             "makes this an error."),
        Rule("ZC349", "provenance-card-mismatch", Severity.ERROR,
             "Embedded provenance must name the model and the parent that its card names."),
        Rule("ZC350", "unsigned", Severity.INFO,
             "A detached signature (`zoo sign`) lets users check who published the file."),
        Rule("ZC351", "signature-invalid", Severity.ERROR,
             "A signature must hold for the model's bytes and the signer's key."),
        Rule("ZC352", "signature-unreadable", Severity.ERROR,
             "A signature file must be a complete model-signing bundle."),
        Rule("ZC353", "signer-unknown", Severity.WARNING,
             "A signature can only be checked with its signer's public key, from the zoo's "
             "`.keys/` folder."),
        Rule("ZC354", "signer-not-expected", Severity.ERROR,
             "A model checked with a given public key must be signed with that key."),
        Rule("ZC360", "external-data-unsafe", Severity.ERROR,
             "External data must be plain files inside the model's folder: runtimes follow "
             "`..`, absolute paths, symlinks and hardlinks."),
        # ZC400-ZC419: responsible AI.
        Rule("ZC400", "intended-use-missing", Severity.WARNING,
             "A card says what the model is for (`onnx.intended_use`), so that readers can "
             "tell misuse."),
        Rule("ZC401", "limitations-missing", Severity.WARNING,
             "A card states the model's known limitations (`onnx.limitations`)."),
        Rule("ZC402", "privacy-missing", Severity.WARNING,
             "A card says whether personal data went into the model (`onnx.privacy`)."),
        # ZC420-ZC449: the published graph against the SHACL shapes (generator/shapes.ttl).
        # The license and the responsible-AI keys are checked on the card (ZC108, ZC109, ZC4xx).
        Rule("ZC420", "shape-violation", Severity.ERROR,
             "A published model must have a name, a single identifier and a URL."),
        Rule("ZC421", "description-too-short", Severity.WARNING,
             "Search engines show the description; under 50 characters it tells nothing."),
        Rule("ZC422", "download-incomplete", Severity.ERROR,
             "A model file's download states its URL, size, media type and SHA-256."),
        Rule("ZC423", "task-not-stated", Severity.INFO,
             "The task (`pipeline_tag`) is FAIR4ML's mlTask, how users search for models."),
        Rule("ZC424", "training-data-not-stated", Severity.INFO,
             "Provenance starts with the data: name the training datasets in `onnx.datasets`."),
        Rule("ZC425", "lineage-tool-not-stated", Severity.INFO,
             "A derived model's lineage names the tool and version that made it from its parent."),
    )
}


FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("ZC100", "ZC199", "Card format"),
    ("ZC200", "ZC299", "Card and model"),
    ("ZC300", "ZC339", "Zoo-wide"),
    ("ZC340", "ZC379", "Provenance"),
    ("ZC380", "ZC399", "Zoo-wide, other"),
    ("ZC400", "ZC419", "Responsible AI"),
    ("ZC420", "ZC449", "Linked data (SHACL)"),
    ("ZC450", "ZC499", "Other"),
)
"""Code ranges of the rule families: first code, last code, title."""


def family(code: str) -> str:
    """The title of a rule code's family, such as "Card format".

    Args:
        code: A rule code.

    Returns:
        The family's title; "Other" outside every range.
    """
    return next((title for first, last, title in FAMILIES if first <= code <= last), "Other")


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
