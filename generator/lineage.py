"""Lineage as a hash chain: each derived model records its parent's file hash, and the zoo agrees.

A card's `base_model` names the parent; the child's embedded provenance (`zoo.provenance`) or its
card (`onnx.base_model_sha256`) records the parent file's SHA-256. `zoo check` and the site build
follow every link: a recorded hash that is not the parent's is an error, and so is provenance
that is unreadable or names another model. Nothing is read again: the facts hold the metadata.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from generator.findings import Finding, Severity, emit, with_severities
from generator.provenance import PROVENANCE_KEY, read_claims

if TYPE_CHECKING:
    from generator.zoo import ModelRecord

CARD_HASH_KEY = "base_model_sha256"
"""The `onnx:` key with which a card records its parent's file hash (for unannotated models)."""


def with_lineage(records: tuple[ModelRecord, ...],
                 severities: Mapping[str, Severity]) -> tuple[ModelRecord, ...]:
    """Add each record's hash-chain findings to it.

    Args:
        records: The zoo's models.
        severities: Rule code or name to the severity to use instead of the rule's own.

    Returns:
        The records, each with its lineage findings added.
    """
    by_id = {record.id: record for record in records}
    result = []
    for record in records:
        found = list(lineage_findings(record, by_id))
        if found:
            record = replace(record, findings=with_severities([*record.findings, *found],
                                                              severities))
        result.append(record)
    return tuple(result)


def lineage_findings(record: ModelRecord, by_id: Mapping[str, ModelRecord]) -> Iterator[Finding]:
    """The findings of one link of the chain: the record and the parent its card names.

    Args:
        record: The child.
        by_id: Every model of the zoo, by id.

    Returns:
        The findings, at the card's `base_model` line where there is one.
    """
    if record.facts is None or record.card is None:
        return
    card, where = record.card, record.card.shown
    claims = read_claims(record.facts.metadata_props)
    base = card.meta.get("base_model")
    line = card.line("base_model")
    provenance = claims.provenance
    if claims.problem:
        yield emit("ZC342" if claims.too_large else "ZC341", where, 1,
                   f"{record.model_path.name if record.model_path else 'model'}: {claims.problem}",
                   "re-annotate with `zoo annotate`")
    if provenance and provenance.identifier != record.id:
        yield emit("ZC349", where, 1, f"the model's embedded provenance is for "
                   f"`{provenance.identifier}`, not `{record.id}`", "re-annotate with this card")
    if provenance and provenance.parent != (base if isinstance(base, str) else None):
        yield emit("ZC349", where, line, f"the card's base_model is `{base}`, the embedded "
                   f"provenance names `{provenance.parent}`", "re-annotate with this card")
    parent = by_id.get(base) if isinstance(base, str) else None
    if parent is None or parent.facts is None:
        return
    recorded = ((f"`{PROVENANCE_KEY}`", provenance.parent_sha256 if provenance else None, line),
                (f"`onnx.{CARD_HASH_KEY}`", card.onnx.get(CARD_HASH_KEY),
                 card.line("onnx", CARD_HASH_KEY)))
    for source, sha256, at in recorded:
        if sha256 is not None and str(sha256).lower() != parent.facts.sha256:
            yield emit("ZC346", where, at, f"{source} records parent `{base}` as sha256 "
                       f"{str(sha256)[:16]}…, its file is {parent.facts.sha256[:16]}…",
                       "re-annotate the model (or fix the card) after its parent changed")
