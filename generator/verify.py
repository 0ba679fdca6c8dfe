"""Verify: one model file in, a verdict with its reasons out.

The checks read the file once, with `inspect_model` (a streaming reader that never loads the
weights); model-signing hashes it again only when there is a signature to check. A policy says
what is required; without one, only what is broken fails. A warn-only policy (the runtime's
default) turns every failure into a warning, except the safety ones: a model whose external data
leaves its folder or is a hardlink is refused whatever the policy, since a runtime would read it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from generator.card import spdx_license
from generator.findings import Finding, Severity, ZooError, emit
from generator.inspect import InspectError, ModelFacts, inspect_model
from generator.provenance import PRECISION_KEY, PROVENANCE_KEY, Claims, Provenance, read_claims
from generator.signing import check_signature, signature_findings, signature_path, trusted_keys
from generator.zoo import ModelRecord, Zoo, shown

SAFETY_CODES = frozenset({"ZC200", "ZC360"})
"""Failures that no policy downgrades: reading the model would be unsafe or impossible."""
REQUIREMENTS = ("annotated", "signed", "hash", "license:")
MAX_POLICY_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Policy:
    """What a model must have to pass.

    Attributes:
        require_annotated: Embedded provenance must be present.
        require_signed: A signature must be present and verified.
        require_hash: The model's hash and its parent's must be pinned by the zoo.
        licenses: The allowed licenses (SPDX ids); None allows any.
        public_keys: The keys signatures are checked with (else the zoo's `.keys/`).
        enforce: False for a warn-only policy: failures become warnings (safety ones aside).
    """

    require_annotated: bool = False
    require_signed: bool = False
    require_hash: bool = False
    licenses: frozenset[str] | None = None
    public_keys: tuple[Path, ...] = ()
    enforce: bool = True


WARN_ONLY = Policy(enforce=False)
"""The runtime's default: every check runs, nothing but the safety checks fails."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of verifying one model: its findings, and what passed."""

    path: Path
    findings: tuple[Finding, ...]
    passed_checks: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def lines(self) -> list[str]:
        """The verdict as `zoo verify` prints it: a PASS or FAIL line, then one line a reason.

        Returns:
            The lines.
        """
        head = f"{'PASS' if self.passed else 'FAIL'} {shown(self.path)}"
        return [head, *(f"  ok: {check}" for check in self.passed_checks),
                *(f"  {finding}" for finding in self.findings)]


def parse_requirements(text: str, policy: Policy = Policy()) -> Policy:
    """Add `--require` items to a policy: `annotated,signed,hash,license:apache-2.0|mit`.

    Args:
        text: Comma-separated requirements.
        policy: The policy to add them to.

    Returns:
        The stricter policy.

    Raises:
        ZooError: On an unknown requirement.
    """
    return _require(policy, [item.strip() for item in text.split(",") if item.strip()])


def load_policy(path: Path) -> Policy:
    """Read a policy file: `require:` (a list), `licenses:`, `public_key:`, `enforce:`.

    Args:
        path: The YAML file.

    Returns:
        The policy; `public_key` is relative to the file's folder.

    Raises:
        ZooError: When the file cannot be read or holds something else.
    """
    data = _policy_data(path)
    unknown = set(data) - {"require", "licenses", "public_key", "enforce"}
    if unknown:
        raise ZooError(f"{path}: unknown policy keys: {', '.join(sorted(map(str, unknown)))}")
    require = data.get("require") or []
    licenses = data.get("licenses") or []
    if not isinstance(require, list) or not isinstance(licenses, list):
        raise ZooError(f"{path}: `require` and `licenses` must be lists")
    policy = _require(Policy(enforce=data.get("enforce", True) is not False), map(str, require))
    if licenses:
        policy = _require(policy, [f"license:{'|'.join(map(str, licenses))}"])
    key = data.get("public_key")
    return replace(policy, public_keys=(path.parent / str(key),)) if key else policy


def _policy_data(path: Path) -> Mapping[str, Any]:
    try:
        with path.open("rb") as handle:
            text = handle.read(MAX_POLICY_BYTES).decode("utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ZooError(f"{path}: cannot read the policy ({error})") from None
    if not isinstance(data, dict):
        raise ZooError(f"{path}: a policy is a YAML mapping")
    return data


def _require(policy: Policy, items: Iterable[str]) -> Policy:
    for item in items:
        if item == "annotated":
            policy = replace(policy, require_annotated=True)
        elif item == "signed":
            policy = replace(policy, require_signed=True)
        elif item == "hash":
            policy = replace(policy, require_hash=True)
        elif item.startswith("license:") and item != "license:":
            allowed = {_license_id(name) for name in item.removeprefix("license:").split("|")}
            policy = replace(policy, licenses=frozenset(allowed | (policy.licenses or set())))
        else:
            raise ZooError(f"unknown requirement `{item}` (use {', '.join(REQUIREMENTS)}...)")
    return policy


def _license_id(name: str) -> str:
    return (spdx_license(name.strip()) or name.strip()).lower()


def verify_model(path: Path, policy: Policy = Policy(), zoo: Zoo | None = None) -> Verdict:
    """Check one model: its embedded provenance, precision, lineage hashes and signature.

    Args:
        path: The model file.
        policy: What is required.
        zoo: The zoo to check the model's and its parent's hashes against, if any.

    Returns:
        The verdict.
    """
    try:
        facts = inspect_model(path)
    except InspectError as error:
        return _verdict(path, [emit("ZC200", shown(path), 1, str(error))], [], policy)
    safety = list(_external_findings(facts, path))
    if safety:
        return _verdict(path, safety, [], policy)
    claims = read_claims(facts.metadata_props)
    findings = [*_annotation_findings(claims, facts, policy, shown(path)),
                *_license_findings(claims.provenance, policy, shown(path)),
                *_hash_findings(claims.provenance, facts, policy, zoo, shown(path)),
                *_signature_checks(path, policy, zoo)]
    passed = _passed_checks(claims, facts, findings, path, zoo is not None)
    return _verdict(path, findings, passed, policy)


def _verdict(path: Path, findings: list[Finding], passed: list[str], policy: Policy) -> Verdict:
    if not policy.enforce:
        findings = [f if f.code in SAFETY_CODES or f.severity is not Severity.ERROR
                    else replace(f, severity=Severity.WARNING) for f in findings]
    return Verdict(path, tuple(sorted(findings)), tuple(passed))


def _external_findings(facts: ModelFacts, path: Path) -> Iterator[Finding]:
    for entry in facts.external_data:
        problem = entry.unsafe or _hardlink(path.parent, entry.location)
        if problem:
            yield emit("ZC360", shown(path), 1,
                       f"external data `{entry.location}` of tensor `{entry.tensor}`: {problem}",
                       "keep external data as plain files inside the model's folder")


def _hardlink(folder: Path, location: str) -> str | None:
    try:
        status = os.lstat(folder / location)
    except OSError:
        return None  # missing: the runtime reports it; nothing is read from elsewhere
    return f"a hardlink ({status.st_nlink} names for one file)" if status.st_nlink > 1 else None


def _annotation_findings(claims: Claims, facts: ModelFacts, policy: Policy,
                         where: str) -> Iterator[Finding]:
    if claims.too_large:
        yield emit("ZC342", where, 1, claims.problem or "", "re-annotate with `zoo annotate`")
    elif claims.problem:
        yield emit("ZC341", where, 1, claims.problem, "re-annotate with `zoo annotate`")
    elif not claims.annotated:
        finding = emit("ZC340", where, 1, f"no `{PROVENANCE_KEY}` in metadata_props",
                       "embed it with `zoo annotate MODEL --card README.md`")
        yield _required(finding, policy.require_annotated)
    actual = facts.precision.combination
    if claims.precision is None and claims.annotated:
        yield emit("ZC344", where, 1, f"no `{PRECISION_KEY}` in metadata_props",
                   "re-annotate with `zoo annotate`")
    for source, claimed in ((PRECISION_KEY, claims.precision),
                            (f"{PROVENANCE_KEY} zoo:precision",
                             claims.provenance.precision if claims.provenance else None)):
        if claimed is not None and claimed != actual:
            yield emit("ZC343", where, 1, f"{source} claims {claimed}, the graph computes in "
                       f"{actual}", "re-annotate with `zoo annotate`")


def _required(finding: Finding, required: bool) -> Finding:
    return replace(finding, severity=Severity.ERROR) if required else finding


def _license_findings(provenance: Provenance | None, policy: Policy,
                      where: str) -> Iterator[Finding]:
    if policy.licenses is None:
        return
    license_ = provenance.license if provenance else None
    allowed = ", ".join(sorted(policy.licenses))
    if license_ is None:
        yield emit("ZC345", where, 1, f"no license in the embedded provenance (allowed: "
                   f"{allowed})", "annotate the model from a card that states its license")
    elif _license_id(license_) not in policy.licenses:
        yield emit("ZC345", where, 1, f"license {license_} is not allowed (allowed: {allowed})")


def _hash_findings(provenance: Provenance | None, facts: ModelFacts, policy: Policy,
                   zoo: Zoo | None, where: str) -> Iterator[Finding]:
    if zoo is None or provenance is None:
        if policy.require_hash:
            needs = "a zoo (`--zoo content`)" if zoo is None else "embedded provenance"
            yield _required(emit("ZC348", where, 1, f"the hash chain cannot be checked without "
                                 f"{needs}"), True)
        return
    records = {record.id: record for record in zoo.records}
    own = records.get(provenance.identifier)
    yield from _own_hash(own, provenance.identifier, facts.sha256, policy, where)
    if provenance.parent:
        yield from _parent_hash(records.get(provenance.parent), provenance, policy, where)


def _own_hash(record: ModelRecord | None, model_id: str, sha256: str, policy: Policy,
              where: str) -> Iterator[Finding]:
    pinned = record.card.onnx.get("sha256") if record and record.card else None
    if record is None:
        yield _required(emit("ZC347", where, 1, f"`{model_id}` is not in the zoo"),
                        policy.require_hash)
    elif not isinstance(pinned, str):
        yield _required(emit("ZC348", where, 1, f"the card of `{model_id}` pins no sha256",
                             "add `onnx.sha256` to the card"), policy.require_hash)
    elif pinned.lower() != sha256:
        yield _required(emit("ZC348", where, 1, f"the card of `{model_id}` pins sha256 "
                             f"{pinned[:16]}…, this file is {sha256[:16]}…",
                             "update the card, or use the zoo's file"), policy.require_hash)


def _parent_hash(parent: ModelRecord | None, provenance: Provenance, policy: Policy,
                 where: str) -> Iterator[Finding]:
    recorded = provenance.parent_sha256
    if parent is None or parent.facts is None:
        yield _required(emit("ZC347", where, 1, f"parent `{provenance.parent}` is not in the zoo"),
                        policy.require_hash)
    elif recorded is None:
        yield _required(emit("ZC346", where, 1, f"no hash recorded for parent "
                             f"`{provenance.parent}`", "re-annotate with the parent in the zoo"),
                        policy.require_hash)
    elif recorded != parent.facts.sha256:
        yield emit("ZC346", where, 1, f"parent `{provenance.parent}` recorded as sha256 "
                   f"{recorded[:16]}…, the zoo's file is {parent.facts.sha256[:16]}…",
                   "re-annotate the model after its parent changed")


def _signature_checks(path: Path, policy: Policy, zoo: Zoo | None) -> Iterator[Finding]:
    signature = signature_path(path)
    if not signature.is_file():
        finding = emit("ZC350", shown(path), 1, f"no signature ({signature.name})",
                       "sign it with `zoo sign MODEL --key key.pem`")
        yield _required(finding, policy.require_signed)
        return
    keys = policy.public_keys or (trusted_keys(zoo.content) if zoo else ())
    status = check_signature(path, signature, keys)
    found = signature_findings(status, shown(signature), explicit_key=bool(policy.public_keys))
    if not keys:  # nothing to check it with: say so, without a warning on every session
        found = [replace(f, severity=Severity.INFO, message=f"{f.message} (no public key given)")
                 for f in found]
    yield from (_required(f, policy.require_signed) for f in found)


def _passed_checks(claims: Claims, facts: ModelFacts, findings: list[Finding], path: Path,
                   with_zoo: bool) -> list[str]:
    failed = {f.code for f in findings}
    provenance = claims.provenance
    passed = []
    if provenance:
        passed.append(f"provenance of `{provenance.identifier}` parses")
    if claims.precision and not failed & {"ZC343", "ZC344"}:
        passed.append(f"precision {facts.precision.combination} matches the graph")
    if provenance and with_zoo and not failed & {"ZC347", "ZC348"}:
        passed.append(f"sha256 pinned by the card of `{provenance.identifier}`")
    if provenance and provenance.parent and with_zoo and not failed & {"ZC346", "ZC347"}:
        passed.append(f"parent `{provenance.parent}` hash matches the zoo")
    if signature_path(path).is_file() and not failed & {"ZC351", "ZC352", "ZC353", "ZC354"}:
        passed.append("signature verified")
    return passed
